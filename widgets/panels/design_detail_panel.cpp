// Design detail: a form rebuilt on every change of design or mode.
#include "design_detail_panel.h"

#include "empty_state_widget.h"
#include "models/objective.h"

#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace tcw::widgets {

namespace {
QString kindText(store::DesignKind kind) {
    switch (kind) {
    case store::DesignKind::Transformer:
        return DesignDetailPanel::tr("Transformer");
    case store::DesignKind::Accelerator:
        return DesignDetailPanel::tr("Accelerator");
    case store::DesignKind::Pair:
        return DesignDetailPanel::tr("Co-design");
    }
    return {};
}
} // namespace

DesignDetailPanel::DesignDetailPanel(QWidget* parent) : QWidget(parent), m_stack(new QStackedWidget(this)) {
    m_empty = new EmptyStateWidget(tr("No design selected"),
                                   tr("Select a design in the table, a plot or the workspace tree to see its metrics "
                                      "here."),
                                   this);
    m_stack->addWidget(m_empty);

    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    m_title = new QLabel(content);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle = new QLabel(content);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setWordWrap(true);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignLeft);
    column->addWidget(m_title);
    column->addWidget(m_subtitle);
    column->addSpacing(6);
    column->addLayout(m_form);
    column->addStretch();
    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_stack->addWidget(scroll);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
}

void DesignDetailPanel::setDesign(const std::optional<store::DesignRecord>& design,
                                  const std::vector<store::EvaluationRecord>& evaluations) {
    m_design = design;
    m_evaluations = evaluations;
    refresh();
}

void DesignDetailPanel::setMode(SimMode mode) {
    if (m_mode == mode)
        return;
    m_mode = mode;
    refresh();
}

void DesignDetailPanel::addRow(const QString& label, const QString& value, const QString& toolTip) {
    auto* name = new QLabel(label);
    auto* field = new QLabel(value);
    field->setObjectName(QStringLiteral("metric:") + label);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    field->setWordWrap(true);
    if (!toolTip.isEmpty()) {
        name->setToolTip(toolTip);
        field->setToolTip(toolTip);
    }
    m_form->addRow(name, field);
}

QString DesignDetailPanel::metricText(const QString& label) const {
    const auto* field = findChild<QLabel*>(QStringLiteral("metric:") + label);
    return field ? field->text() : QString();
}

void DesignDetailPanel::refresh() {
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    if (!m_design) {
        m_stack->setCurrentWidget(m_empty);
        return;
    }
    m_stack->setCurrentIndex(1);
    const store::DesignRecord& d = *m_design;
    m_title->setText(QString::fromStdString(d.name));
    const QDateTime created = QDateTime::fromString(QString::fromStdString(d.createdAt), Qt::ISODateWithMs);
    m_subtitle->setText(tr("%1 · #%2 · added %3")
                            .arg(kindText(d.kind))
                            .arg(d.id)
                            .arg(QLocale().toString(created.toLocalTime(), QLocale::ShortFormat)));

    const std::string modeName(simModeName(m_mode));
    int inMode = 0;
    const store::EvaluationRecord* latest = nullptr;
    for (const auto& e : m_evaluations) {
        if (e.mode == modeName) {
            ++inMode;
            if (!latest || e.id > latest->id)
                latest = &e;
        }
    }
    addRow(tr("Evaluations"),
           tr("%1 in %2 mode, %3 in all").arg(inMode).arg(QString::fromStdString(modeName)).arg(m_evaluations.size()));
    addRow(tr("Content hash"), QString::fromStdString(d.hash.substr(0, 12)),
           tr("SHA-256 of the stored specification: %1").arg(QString::fromStdString(d.hash)));
    if (!latest) {
        addRow(tr("Metrics"), tr("Not evaluated in %1 mode yet.").arg(QString::fromStdString(modeName)));
        return;
    }
    for (const models::ObjectiveInfo& info : models::allObjectives()) {
        const auto value = models::objectiveValue(*latest, info.objective);
        QString text = value ? QLocale().toString(*value, 'g', 5) + QLatin1Char(' ') + info.unit : tr("—");
        if (info.objective == models::Objective::Accuracy && value)
            text += QStringLiteral(" (%1)").arg(QString::fromUtf8(store::accuracySourceName(latest->accuracySource)));
        addRow(info.label, text, info.description);
    }
    if (latest->energyDynamicNJ || latest->energyLeakageNJ)
        addRow(tr("Energy split"), tr("%1 nJ dynamic, %2 nJ leakage")
                                       .arg(QLocale().toString(latest->energyDynamicNJ.value_or(0), 'g', 5),
                                            QLocale().toString(latest->energyLeakageNJ.value_or(0), 'g', 5)));
    if (latest->cycles)
        addRow(tr("Cycles"), QLocale().toString(qint64(*latest->cycles)));
    addRow(tr("Feasible"),
           latest->feasible ? tr("yes") : tr("no: %1").arg(QString::fromStdString(latest->infeasibleReason)));
    addRow(tr("Cost model"), QString::fromStdString(latest->costModel),
           tr("The simulator's cost model that produced these numbers"));
}

} // namespace tcw::widgets
