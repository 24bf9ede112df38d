// What-if summary: a grid of labels refreshed from two evaluations.
#include "what_if_summary.h"

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace tcw::widgets {

using models::Objective;

namespace {
QString valueOf(const store::EvaluationRecord& e, const models::ObjectiveInfo& info) {
    const auto v = models::objectiveValue(e, info.objective);
    return v ? models::formatMetric(*v) + QLatin1Char(' ') + info.unit : QStringLiteral("—");
}
} // namespace

WhatIfSummary::WhatIfSummary(QWidget* parent) : QWidget(parent), m_grid(new QGridLayout) {
    m_grid->setHorizontalSpacing(12);
    m_grid->setVerticalSpacing(2);
    auto header = [this](const QString& text, int column, const QString& tip) {
        auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(text), this);
        label->setToolTip(tip);
        label->setAlignment(column == 0 ? Qt::AlignLeft : Qt::AlignRight);
        m_grid->addWidget(label, 0, column);
        return label;
    };
    header(tr("Metric"), 0, {});
    m_startHeader = header(tr("Start"), 1, tr("The design the edit started from"));
    header(tr("Now"), 2, tr("The design as edited, simulated again after every change"));
    m_deltaHeader = header(tr("Change"), 3, tr("Now against the start; green is better, red worse"));
    int row = 1;
    for (const auto& info : models::allObjectives()) {
        auto* name = new QLabel(info.label, this);
        name->setToolTip(info.description);
        m_grid->addWidget(name, row, 0);
        for (auto* list : {&m_start, &m_now, &m_delta}) {
            auto* label = new QLabel(this);
            label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
            label->setTextInteractionFlags(Qt::TextSelectableByMouse);
            label->setToolTip(info.description);
            m_grid->addWidget(label, row, list == &m_start ? 1 : list == &m_now ? 2 : 3);
            list->push_back(label);
        }
        m_now.back()->setObjectName(QStringLiteral("now:") + info.key);
        m_delta.back()->setObjectName(QStringLiteral("delta:") + info.key);
        ++row;
    }
    m_grid->setColumnStretch(0, 1);
    m_feasible = new QLabel(this);
    m_dominance = new QLabel(this);
    m_accuracy = new QLabel(this);
    m_timing = new QLabel(this);
    for (QLabel* l : {m_feasible, m_dominance, m_accuracy, m_timing})
        l->setWordWrap(true);
    m_dominance->setObjectName(QStringLiteral("whatIfStatus"));
    m_dominance->setToolTip(tr("Where the edited design would stand among the plotted designs"));
    m_accuracy->setToolTip(tr("Where the accuracy comes from"));
    m_timing->setForegroundRole(QPalette::PlaceholderText);
    m_timing->setToolTip(tr("Wall time of the last re-simulation (and accuracy prediction)"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_grid);
    layout->addWidget(m_feasible);
    layout->addWidget(m_dominance);
    layout->addWidget(m_accuracy);
    layout->addWidget(m_timing);
}

void WhatIfSummary::setEvaluations(const models::WhatIfEvaluation& start, const models::WhatIfEvaluation& now,
                                   bool modified) {
    m_startHeader->setVisible(modified);
    m_deltaHeader->setVisible(modified);
    const auto& objectives = models::allObjectives();
    for (int i = 0; i < objectives.size(); ++i) {
        const auto& info = objectives[i];
        const auto k = std::size_t(i);
        m_start[k]->setVisible(modified);
        m_delta[k]->setVisible(modified);
        m_start[k]->setText(valueOf(start.record, info));
        m_now[k]->setText(valueOf(now.record, info));
        const models::MetricDelta d = models::metricDelta(start.record, now.record, info.objective);
        m_delta[k]->setText(models::deltaText(d, info.objective));
        m_delta[k]->setStyleSheet(!d.changed ? QString()
                                  : d.better ? QStringLiteral("color: #00835c")
                                             : QStringLiteral("color: #c0392b"));
    }
    // Every parameter outside the design spaces, not only the first (allowed, but flagged).
    QString outside;
    if (!now.outsideSpace.empty()) {
        QStringList parts;
        for (const auto& e : now.outsideSpace)
            parts << QString::fromStdString(e.toString()).toHtmlEscaped();
        outside = tr("<span style='color:#a0522d'>outside the design space (%n parameter(s)): %1</span>", "",
                     int(parts.size()))
                      .arg(parts.join(QStringLiteral("; ")));
    }
    if (!now.simulated) {
        QStringList errors;
        for (const auto& e : now.errors)
            errors << QString::fromStdString(e.toString()).toHtmlEscaped();
        m_feasible->setText(tr("<span style='color:#c0392b'><b>Not simulated:</b> %1</span>").arg(errors.join("<br>")) +
                            (outside.isEmpty() ? QString() : QStringLiteral("<br>") + outside));
    } else if (!now.record.feasible) {
        m_feasible->setText(tr("<span style='color:#c0392b'><b>Infeasible:</b> %1</span>")
                                .arg(QString::fromStdString(now.record.infeasibleReason).toHtmlEscaped()) +
                            (outside.isEmpty() ? QString() : QStringLiteral("<br>") + outside));
    } else {
        m_feasible->setText(tr("Feasible") + (outside.isEmpty() ? QString() : QStringLiteral(" · ") + outside));
    }
    m_accuracy->setText(tr("Accuracy: %1").arg(now.accuracyNote.toHtmlEscaped()));
    m_timing->setText(tr("Re-simulated in %1 ms").arg(QLocale().toString(now.evaluationMs, 'f', 3)));
}

void WhatIfSummary::setDominance(const QString& status, bool joinsFront) {
    m_dominance->setText(status.isEmpty() ? QString()
                                          : tr("On the plot: <b style='color:%1'>%2</b>")
                                                .arg(joinsFront ? QStringLiteral("#00835c") : QStringLiteral("#c0392b"),
                                                     status.toHtmlEscaped()));
}

void WhatIfSummary::clear() {
    for (auto* list : {&m_start, &m_now, &m_delta})
        for (QLabel* l : *list)
            l->clear();
    for (QLabel* l : {m_feasible, m_dominance, m_accuracy, m_timing})
        l->clear();
}

QString WhatIfSummary::valueText(Objective objective) const {
    return findChild<QLabel*>(QStringLiteral("now:") + models::objectiveInfo(objective).key)->text();
}

QString WhatIfSummary::deltaText(Objective objective) const {
    return findChild<QLabel*>(QStringLiteral("delta:") + models::objectiveInfo(objective).key)->text();
}

QString WhatIfSummary::statusText() const {
    return m_dominance->text();
}

QString WhatIfSummary::feasibilityText() const {
    return m_feasible->text();
}

} // namespace tcw::widgets
