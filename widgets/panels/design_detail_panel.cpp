// Design detail: the summary and charts follow the edit session; the form the stored design.
#include "design_detail_panel.h"

#include "design/compression_spec.h"
#include "editors/what_if_summary.h"
#include "empty_state_widget.h"
#include "models/breakdown_series.h"
#include "models/design_table_model.h"
#include "models/design_traits.h"
#include "models/edit_session.h"
#include "models/objective.h"
#include "models/op_table_model.h"
#include "models/roofline.h"
#include "plots/bar_chart.h"
#include "plots/chart_grid.h"
#include "plots/roofline_plot.h"

#include <QDateTime>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStringList>
#include <QTableView>
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

// Issue 15: how the cost model that produced the numbers reads the model's precision.
QString compressionToolTip(const std::string& costModel) {
    if (costModel == "elector" || costModel == "acceltran-fast")
        return QObject::tr("How the model is quantized and pruned. %1 stores and moves each tensor at its "
                           "role's bits (float roles at the technology's native fixed-point width) and computes "
                           "at that fixed width: fewer bits make memory-bound ops cheaper, compute-bound ones "
                           "not. Training runs are costed at full precision.")
            .arg(QString::fromStdString(costModel));
    if (costModel == "bat")
        return QObject::tr("How the model is quantized and pruned. The BAT-class model runs its binary matrix "
                           "engine at these bits and stores the weights at them.");
    return QObject::tr("How the model is quantized and pruned");
}

QLabel* sectionTitle(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
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
    m_summary = new WhatIfSummary(content);
    m_storedNote = new QLabel(content);
    m_storedNote->setWordWrap(true);
    m_storedNote->setStyleSheet(QStringLiteral("color: #a0522d"));
    column->addWidget(m_title);
    column->addWidget(m_subtitle);
    column->addSpacing(4);
    column->addWidget(m_summary);
    column->addWidget(m_storedNote);

    m_breakdown = new QWidget(content);
    auto* charts = new QVBoxLayout(m_breakdown);
    charts->setContentsMargins(0, 6, 0, 0);
    m_phaseSplit = new QLabel(m_breakdown);
    m_phaseSplit->setToolTip(tr("Share of the run's cycles in each phase"));
    m_energy = new BarChart(m_breakdown);
    m_area = new BarChart(m_breakdown);
    m_utilisation = new BarChart(m_breakdown);
    m_latency = new BarChart(m_breakdown);
    m_roofline = new RooflinePlot(m_breakdown);
    // Stable names: lessons point at these charts.
    m_summary->setObjectName(QStringLiteral("detailSummary"));
    m_energy->setObjectName(QStringLiteral("energyChart"));
    m_area->setObjectName(QStringLiteral("areaChart"));
    m_utilisation->setObjectName(QStringLiteral("utilisationChart"));
    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_roofline->setObjectName(QStringLiteral("rooflinePlot"));
    m_roofline->setMinimumHeight(280);
    m_ops = new models::OpTableModel(this);
    auto* sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_ops);
    sorted->setSortRole(models::OpTableModel::SortRole);
    m_opTable = new QTableView(m_breakdown);
    m_opTable->setObjectName(QStringLiteral("opTable"));
    m_opTable->setModel(sorted);
    m_opTable->setSortingEnabled(true);
    m_opTable->sortByColumn(models::OpTableModel::CyclesColumn, Qt::DescendingOrder);
    m_opTable->verticalHeader()->hide();
    m_opTable->verticalHeader()->setDefaultSectionSize(m_opTable->fontMetrics().height() + 4);
    m_opTable->setMinimumHeight(220);
    m_opTable->setAlternatingRowColors(true);
    m_opTable->setWordWrap(false);
    m_opTable->setToolTip(tr("Every op of the run; click a header to sort"));
    auto* opsBlock = new QWidget(m_breakdown);
    auto* opsLayout = new QVBoxLayout(opsBlock);
    opsLayout->setContentsMargins(0, 0, 0, 0);
    opsLayout->addWidget(sectionTitle(tr("Ops"), opsBlock));
    opsLayout->addWidget(m_opTable);
    auto* grid = new ChartGrid(m_breakdown);
    for (QWidget* chart :
         std::initializer_list<QWidget*>{m_latency, m_energy, m_area, m_utilisation, m_roofline, opsBlock})
        grid->addChart(chart);
    charts->addWidget(m_phaseSplit);
    charts->addWidget(grid);
    column->addWidget(m_breakdown);

    column->addWidget(sectionTitle(tr("In the workspace"), content));
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignLeft);
    column->addLayout(m_form);
    m_report = new QPushButton(tr("HTML Report…"), content);
    m_report->setToolTip(tr("Write this design's numbers and charts to an HTML file"));
    connect(m_report, &QPushButton::clicked, this, &DesignDetailPanel::reportRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_report);
    column->addLayout(buttons);
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

void DesignDetailPanel::setSession(models::EditSession* session) {
    m_session = session;
    connect(session, &models::EditSession::evaluated, this, &DesignDetailPanel::refreshBreakdown);
    connect(session, &models::EditSession::ended, this, &DesignDetailPanel::refreshBreakdown);
}

void DesignDetailPanel::setDesign(const std::optional<store::DesignRecord>& design,
                                  const std::vector<store::EvaluationRecord>& evaluations) {
    m_design = design;
    m_evaluations = evaluations;
    refresh();
}

void DesignDetailPanel::show(const models::ExplorerContext& now, const std::optional<store::DesignRecord>& design,
                             const std::vector<store::EvaluationRecord>& evaluations) {
    m_context = now;
    m_mode = now.mode;
    m_design = design && now.designId == design->id ? design : std::nullopt;
    m_evaluations = m_design ? evaluations : std::vector<store::EvaluationRecord>{};
    refresh();
}

std::optional<models::ExplorerContext> DesignDetailPanel::shownContext() const {
    if (!m_design)
        return std::nullopt;
    models::ExplorerContext shown = m_context;
    shown.designId = m_design->id;
    shown.mode = m_mode;
    return shown;
}

void DesignDetailPanel::setMode(SimMode mode) {
    if (m_mode == mode)
        return;
    m_mode = mode;
    refresh();
}

void DesignDetailPanel::setDominance(const QString& status, bool joinsFront) {
    m_summary->setDominance(status, joinsFront);
}

bool DesignDetailPanel::showsBreakdown() const {
    return m_breakdown->isVisibleTo(this);
}

QList<const PlotWidget*> DesignDetailPanel::charts() const {
    return {m_latency, m_energy, m_area, m_utilisation, m_roofline};
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
    for (const auto& info : models::allObjectives())
        if (info.label == label && m_summary->isVisibleTo(this))
            return m_summary->valueText(info.objective);
    const auto* field = findChild<QLabel*>(QStringLiteral("metric:") + label);
    return field ? field->text() : QString();
}

void DesignDetailPanel::refresh() {
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
    refreshStored();
    refreshBreakdown();
}

void DesignDetailPanel::refreshBreakdown() {
    // The session's numbers only when it edits this design in this mode: never another design's
    // or the other mode's.
    const bool live = m_session && m_session->isActive() && m_design && m_session->designId() == m_design->id &&
                      m_session->options().mode == m_mode;
    m_summary->setVisible(live);
    m_breakdown->setVisible(live && m_session->currentEvaluation().simulated);
    m_report->setEnabled(live);
    if (!live) {
        m_storedNote->clear();
        return;
    }
    const models::WhatIfEvaluation& now = m_session->currentEvaluation();
    m_summary->setEvaluations(m_session->startEvaluation(), now, m_session->isModified());
    m_title->setText(m_session->isModified() ? tr("%1 (edited)").arg(QString::fromStdString(m_design->name))
                                             : QString::fromStdString(m_design->name));
    m_storedNote->setText(m_session->startEvaluation().storedNote);
    m_storedNote->setVisible(!m_session->startEvaluation().storedNote.isEmpty());
    if (!now.simulated)
        return;
    m_phaseSplit->setText(tr("Latency by phase: %1").arg(models::phaseSplitText(now.sim)));
    m_energy->setSeries(models::energyByModule(now.sim));
    m_area->setSeries(models::areaByModule(now.sim));
    m_utilisation->setSeries(models::utilisationByModule(now.sim));
    m_latency->setSeries(models::latencyByOpKind(now.sim));
    m_roofline->setRoofline(
        models::rooflineOf(now.sim, m_session->current().target.electorSpec(), m_session->technology()));
    m_ops->setOps(now.sim.ops);
}

void DesignDetailPanel::refreshStored() {
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    const store::DesignRecord& d = *m_design;
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
    // Issue 15: the model's precision, beside the cost model that read it.
    const auto parts = models::partsOf(d.specJson);
    auto addCompression = [&](const std::string& costModel) {
        if (!parts || !parts->transformer)
            return;
        QStringList lines;
        for (const std::string& line : describeCompression(parts->transformer->compression))
            lines << QString::fromStdString(line);
        addRow(tr("Compression"), lines.join(QStringLiteral("; ")), compressionToolTip(costModel));
    };
    if (!latest) {
        addCompression({});
        addRow(tr("Metrics"), tr("Not evaluated in %1 mode yet.").arg(QString::fromStdString(modeName)));
        return;
    }
    for (const models::ObjectiveInfo& info : models::allObjectives()) {
        const auto value = models::objectiveValue(*latest, info.objective);
        QString text = value ? models::formatMetric(*value) + QLatin1Char(' ') + info.unit : tr("—");
        if (info.objective == models::Objective::Accuracy && value) {
            if (latest->accuracyStdDev)
                text += QStringLiteral(" ± %1").arg(QLocale().toString(*latest->accuracyStdDev * 100, 'g', 3));
            text += QStringLiteral(" (%1)").arg(QString::fromUtf8(store::accuracySourceName(latest->accuracySource)));
        }
        addRow(info.label, text, info.description);
    }
    if (!latest->accuracyDetail.empty())
        addRow(tr("Accuracy from"), QString::fromStdString(latest->accuracyDetail),
               tr("The surrogate, table entry or training run behind the accuracy"));
    // A measured device's energy is the whole device's: no dynamic / leakage split to show.
    if ((latest->energyDynamicNJ || latest->energyLeakageNJ) && latest->costModel != "measured")
        addRow(tr("Energy split"), tr("%1 nJ dynamic, %2 nJ leakage")
                                       .arg(QLocale().toString(latest->energyDynamicNJ.value_or(0), 'g', 5),
                                            QLocale().toString(latest->energyLeakageNJ.value_or(0), 'g', 5)));
    if (latest->cycles)
        addRow(tr("Cycles"), QLocale().toString(qint64(*latest->cycles)));
    addRow(tr("Feasible"),
           latest->feasible ? tr("yes") : tr("no: %1").arg(QString::fromStdString(latest->infeasibleReason)));
    addRow(tr("Cost model"), QString::fromStdString(latest->costModel),
           tr("The simulator's cost model that produced these numbers"));
    addCompression(latest->costModel);
    if (latest->provenance != store::MetricsProvenance::None)
        addRow(tr("Metrics from"), models::provenanceText(*latest),
               tr("Where latency, energy and area come from: simulated, measured, predicted (± σ) or published"));
    if (!d.targetKind.empty())
        addRow(tr("Target"), QString::fromStdString(d.targetKind), tr("The kind of hardware the design runs on"));
}

} // namespace tcw::widgets
