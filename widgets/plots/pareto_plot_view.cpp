// Pareto plot view: model → plot data, selection both ways, constraints from the settings.
#include "pareto_plot_view.h"

#include "models/point_style.h"
#include "models/precision_colours.h"

#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/explorer_settings.h"
#include "scatter_plot.h"

#include <QAction>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <cmath>

namespace tcw::widgets {

using models::DesignTableModel;
using models::Objective;
using models::objectiveInfo;

ParetoPlotView::ParetoPlotView(models::DesignTableModel* model, models::DesignProxyModel* proxy,
                               QItemSelectionModel* selection, models::ExplorerSettings* settings, QWidget* parent)
    : QWidget(parent), m_model(model), m_proxy(proxy), m_selection(selection), m_settings(settings),
      m_plot(new ScatterPlot(this)) {
    // A tool bar rather than a row of buttons: when the tab is narrow, what does not fit moves
    // into its "»" menu instead of widening the window.
    auto* bar = new QToolBar(this);
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_logX = addToggle(bar, tr("Log x"), tr("Logarithmic horizontal axis"));
    m_logY = addToggle(bar, tr("Log y"), tr("Logarithmic vertical axis"));
    m_hideOutside = addToggle(bar, tr("Hide infeasible"),
                              tr("Hide infeasible designs and designs outside a constraint instead of greying them"));
    bar->addSeparator();
    m_constrainX = addToggle(bar, tr("Constrain x"),
                             tr("A draggable threshold on the horizontal objective: designs on its wrong side are "
                                "greyed and leave the front"));
    m_constrainY = addToggle(bar, tr("Constrain y"), tr("A draggable threshold on the vertical objective"));
    bar->addSeparator();
    QAction* reset = bar->addAction(tr("Reset zoom"));
    reset->setToolTip(tr("Show every point again (Home, or double-click the plot)"));
    QAction* exportAction = bar->addAction(tr("Export…"));
    exportAction->setToolTip(tr("Save the plot as PNG, SVG or PDF"));
    m_status = new QLabel(this);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setToolTip(tr("What the plot shows"));
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* barRow = new QHBoxLayout;
    barRow->setContentsMargins(4, 0, 8, 0);
    barRow->addWidget(bar);
    barRow->addWidget(m_status, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(barRow);
    layout->addWidget(m_plot, 1);
    setObjectName(QStringLiteral("paretoView"));
    m_plot->setObjectName(QStringLiteral("paretoPlot"));

    QSettings s;
    m_logX->setChecked(s.value(QStringLiteral("pareto/logX"), true).toBool());
    m_logY->setChecked(s.value(QStringLiteral("pareto/logY"), false).toBool());
    m_hideOutside->setChecked(s.value(QStringLiteral("pareto/hideOutside"), false).toBool());
    m_plot->setLogScale(m_logX->isChecked(), m_logY->isChecked());
    m_plot->setOutsideMode(m_hideOutside->isChecked() ? ScatterPlot::OutsideMode::Hide
                                                      : ScatterPlot::OutsideMode::Grey);

    connect(m_logX, &QAction::toggled, this, [this] {
        m_plot->setLogScale(m_logX->isChecked(), m_logY->isChecked());
        saveChoices();
    });
    connect(m_logY, &QAction::toggled, this, [this] {
        m_plot->setLogScale(m_logX->isChecked(), m_logY->isChecked());
        saveChoices();
    });
    connect(m_hideOutside, &QAction::toggled, this, [this](bool hide) {
        m_plot->setOutsideMode(hide ? ScatterPlot::OutsideMode::Hide : ScatterPlot::OutsideMode::Grey);
        saveChoices();
        updateStatus();
    });
    connect(m_constrainX, &QAction::triggered, this, [this](bool on) { toggleConstraint(true, on); });
    connect(m_constrainY, &QAction::triggered, this, [this](bool on) { toggleConstraint(false, on); });
    connect(reset, &QAction::triggered, m_plot, &ScatterPlot::resetView);
    connect(exportAction, &QAction::triggered, m_plot, &ScatterPlot::exportWithDialog);

    m_plot->setToolTipProvider([this](int row) { return toolTipFor(row); });
    connect(m_plot, &ScatterPlot::pointClicked, this, [this](int row, Qt::KeyboardModifiers modifiers) {
        const QModelIndex index = m_model->index(row, 0);
        if (modifiers & Qt::ControlModifier)
            m_selection->setCurrentIndex(index, QItemSelectionModel::Toggle | QItemSelectionModel::Rows);
        else
            m_selection->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
    connect(m_plot, &ScatterPlot::emptyClicked, this, [this](Qt::KeyboardModifiers modifiers) {
        if (!(modifiers & (Qt::ControlModifier | Qt::ShiftModifier)))
            m_selection->clear();
    });
    connect(m_plot, &ScatterPlot::pointsBanded, this,
            [this](const std::vector<int>& rows, Qt::KeyboardModifiers modifiers) {
                QItemSelection items;
                for (int row : rows)
                    items.select(m_model->index(row, 0), m_model->index(row, m_model->columnCount() - 1));
                const auto flags = (modifiers & Qt::ControlModifier) ? QItemSelectionModel::Select
                                                                     : QItemSelectionModel::ClearAndSelect;
                m_selection->select(items, flags | QItemSelectionModel::Rows);
                if (!rows.empty())
                    m_selection->setCurrentIndex(m_model->index(rows.front(), 0), QItemSelectionModel::NoUpdate);
                emit statusMessage(rows.size() == 1 ? tr("Selected 1 design in the rectangle")
                                                    : tr("Selected %1 designs in the rectangle").arg(rows.size()));
            });
    connect(m_plot, &ScatterPlot::constraintDragged, this, [this](Qt::Orientation line, double value) {
        m_settings->setBound(line == Qt::Vertical ? m_settings->xObjective() : m_settings->yObjective(), value);
    });
    connect(m_plot, &ScatterPlot::stepRequested, this, &ParetoPlotView::stepAlongFront);
    connect(m_plot, &ScatterPlot::exportToggleRequested, this, [this] {
        QList<int> rows;
        for (const QModelIndex& index : m_selection->selectedRows())
            rows << index.row();
        m_model->toggleExportSet(rows); // the window reports the export set's new size
    });

    connect(m_model, &QAbstractItemModel::modelReset, this, &ParetoPlotView::rebuild);
    m_rebuildTimer = new QTimer(this);
    m_rebuildTimer->setSingleShot(true);
    m_rebuildTimer->setInterval(0);
    connect(m_rebuildTimer, &QTimer::timeout, this, &ParetoPlotView::rebuild);
    // Rows appended (a search streaming its trials in) are drawn in an event of their own
    // after the model's, so the window can answer in between; resets and filters redraw at once.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { m_appendPending = true; });
    connect(m_model, &DesignTableModel::frontChanged, this, [this] {
        if (!m_appendPending) {
            rebuild();
            return;
        }
        m_appendPending = false;
        m_rebuildTimer->start(); // a timer, not a posted call: the event loop's other timers run first
    });
    connect(m_proxy, &models::DesignProxyModel::filterChanged, this, &ParetoPlotView::rebuild);
    connect(m_settings, &models::ExplorerSettings::colourObjectiveChanged, this, &ParetoPlotView::rebuild);
    connect(m_settings, &models::ExplorerSettings::colourByPrecisionChanged, this, &ParetoPlotView::rebuild);
    connect(m_settings, &models::ExplorerSettings::boundsChanged, this, &ParetoPlotView::updateConstraintLines);
    connect(m_selection, &QItemSelectionModel::selectionChanged, this, &ParetoPlotView::syncSelection);
    connect(m_selection, &QItemSelectionModel::currentChanged, this, &ParetoPlotView::syncSelection);
    rebuild();
}

QAction* ParetoPlotView::addToggle(QToolBar* bar, const QString& text, const QString& toolTip) {
    QAction* action = bar->addAction(text);
    action->setToolTip(toolTip);
    action->setCheckable(true);
    return action;
}

void ParetoPlotView::saveChoices() const {
    QSettings s;
    s.setValue(QStringLiteral("pareto/logX"), m_logX->isChecked());
    s.setValue(QStringLiteral("pareto/logY"), m_logY->isChecked());
    s.setValue(QStringLiteral("pareto/hideOutside"), m_hideOutside->isChecked());
}

void ParetoPlotView::rebuild() {
    const Objective xo = m_settings->xObjective(), yo = m_settings->yObjective(), co = m_settings->colourObjective();
    ScatterPlot::Data data;
    data.x = m_model->values(xo);
    data.y = m_model->values(yo);
    data.colour = m_model->values(co);
    data.xTitle = m_model->objectiveTitle(xo); // "… per sequence" when the designs mix kinds
    data.yTitle = m_model->objectiveTitle(yo);
    data.colourTitle = m_model->objectiveTitle(co);
    if (m_settings->colourByPrecision()) { // issue 15: one colour per precision, with a key
        std::vector<QString> labels(std::size_t(m_model->rowCount()));
        for (int i = 0; i < m_model->rowCount(); ++i)
            labels[std::size_t(i)] = m_model->index(i, DesignTableModel::PrecisionColumn).data().toString();
        models::PrecisionCategories categories = models::precisionCategories(labels);
        data.category = std::move(categories.category);
        data.categories = std::move(categories.names);
        data.colourTitle = tr("Precision");
    }
    data.sense = {objectiveInfo(xo).higherIsBetter, objectiveInfo(yo).higherIsBetter};
    const int n = m_model->rowCount();
    data.flags.assign(std::size_t(n), 0);
    data.markers.assign(std::size_t(n), ScatterPlot::Marker::Circle);
    data.xError.assign(std::size_t(n), NAN);
    data.yError.assign(std::size_t(n), NAN);
    for (int m = 0; m < ScatterPlot::kMarkerCount; ++m)
        data.markerLabels[std::size_t(m)] = models::markerLabel(models::MarkerShape(m));
    // The model ranks the plotted pair once the window has told it so; until then no front.
    const bool ranked = m_model->frontX() == xo && m_model->frontY() == yo;
    const auto& ranks = m_model->paretoRanks();
    const auto& eligible = m_model->eligible();
    m_shown = 0;
    for (int i = 0; i < n; ++i) {
        const auto k = std::size_t(i);
        quint8 f = 0;
        if (!std::isnan(data.x[k]) && !std::isnan(data.y[k]) && m_proxy->acceptsSourceRow(i)) {
            f |= ScatterPlot::Visible;
            ++m_shown;
        }
        if (m_model->isFeasible(i))
            f |= ScatterPlot::Feasible;
        if (k < eligible.size() && eligible[k])
            f |= ScatterPlot::Eligible;
        if (ranked && k < ranks.size() && ranks[k] == 0)
            f |= ScatterPlot::Front;
        if (const store::DesignSummary* d = m_model->designAt(i)) {
            // Shape by the kind of target; hollow with ±σ bars when the metrics are predicted.
            data.markers[k] = ScatterPlot::Marker(models::markerForTargetKind(d->design.targetKind));
            if (d->latest && !models::provenanceIsFirmNumber(d->latest->provenance)) {
                f |= ScatterPlot::Predicted;
                data.xError[k] = models::objectiveSigma(*d->latest, xo).value_or(NAN);
                data.yError[k] = models::objectiveSigma(*d->latest, yo).value_or(NAN);
            }
        }
        data.flags[k] = f;
    }
    if (ranked)
        data.frontLine = models::stepLine(data.x, data.y, models::frontInXOrder(data.x, data.y, ranks), data.sense);
    m_plot->setExportName(QStringLiteral("pareto-%1-%2").arg(objectiveInfo(yo).key, objectiveInfo(xo).key));
    m_plot->setData(std::move(data));
    updateConstraintLines();
    syncSelection();
    updateWhatIf();
    updateStatus();
}

void ParetoPlotView::syncSelection() {
    std::vector<int> rows;
    for (const QModelIndex& index : m_selection->selectedRows())
        rows.push_back(index.row());
    m_plot->setSelection(std::move(rows),
                         m_selection->currentIndex().isValid() ? m_selection->currentIndex().row() : -1);
}

void ParetoPlotView::updateConstraintLines() {
    const auto bx = m_settings->bound(m_settings->xObjective());
    const auto by = m_settings->bound(m_settings->yObjective());
    m_plot->setConstraintLines(bx, by);
    m_constrainX->setChecked(bx.has_value());
    m_constrainY->setChecked(by.has_value());
}

void ParetoPlotView::toggleConstraint(bool onX, bool on) {
    const Objective o = onX ? m_settings->xObjective() : m_settings->yObjective();
    if (!on) {
        m_settings->setBound(o, std::nullopt);
        return;
    }
    // Start in the middle of what is shown, where the user can see and drag it.
    const auto& view = onX ? m_plot->xView() : m_plot->yView();
    m_settings->setBound(o, view.fromUnit(0.5));
}

void ParetoPlotView::setWhatIf(const std::optional<store::EvaluationRecord>& current,
                               const std::optional<store::EvaluationRecord>& start) {
    m_whatIf = current;
    m_whatIfStart = start;
    updateWhatIf();
}

void ParetoPlotView::updateWhatIf() {
    if (!m_whatIf) {
        m_plot->setWhatIf(std::nullopt);
        m_dominance = {};
        m_whatIfStatus.clear();
        emit whatIfChanged({}, false);
        return;
    }
    const Objective xo = m_settings->xObjective(), yo = m_settings->yObjective();
    // Per sequence (mixed kinds) an edit's latency and energy are of its batch: not placed.
    const auto comparable = [&](Objective o) {
        return !m_model->perSequence() || !models::objectiveHasSequenceBasis(o);
    };
    const auto x = comparable(xo) ? models::objectiveValue(*m_whatIf, xo) : std::nullopt;
    const auto y = comparable(yo) ? models::objectiveValue(*m_whatIf, yo) : std::nullopt;
    const bool placed = x && y && m_whatIf->feasible;
    m_dominance = m_model->dominanceOf(*m_whatIf);
    m_whatIfStatus =
        !m_whatIf->feasible ? tr("Infeasible: not on the plot") : models::dominanceText(m_dominance, placed);
    if (placed) {
        ScatterPlot::WhatIf w;
        w.x = *x;
        w.y = *y;
        w.joinsFront = m_dominance.joinsFront;
        w.label = m_whatIfStatus;
        if (m_whatIfStart) {
            const auto ox = models::objectiveValue(*m_whatIfStart, xo);
            const auto oy = models::objectiveValue(*m_whatIfStart, yo);
            if (ox && oy)
                w.origin = QPointF(*ox, *oy);
        }
        m_plot->setWhatIf(w);
    } else {
        m_plot->setWhatIf(std::nullopt);
    }
    emit whatIfChanged(m_whatIfStatus, placed && m_dominance.joinsFront);
}

void ParetoPlotView::updateStatus() {
    int front = 0;
    for (int r : m_model->paretoRanks())
        front += r == 0;
    const QLocale locale;
    // Longest first; the label shows the first that fits (the counts are never cut).
    m_statusTexts = {tr("%1 of %2 shown · %3 on the front")
                         .arg(locale.toString(m_shown), locale.toString(m_model->rowCount()), locale.toString(front)),
                     tr("%1 shown · %2 on the front").arg(locale.toString(m_shown), locale.toString(front)),
                     tr("%1 · front %2").arg(locale.toString(m_shown), locale.toString(front))};
    m_status->setToolTip(tr("%1 designs pass the filter and have both objectives; %2 are on the Pareto front")
                             .arg(locale.toString(m_shown), locale.toString(front)));
    elideStatus();
}

void ParetoPlotView::elideStatus() {
    const QFontMetrics metrics = m_status->fontMetrics();
    for (const QString& text : m_statusTexts)
        if (metrics.horizontalAdvance(text) <= m_status->width()) {
            m_status->setText(text);
            return;
        }
    m_status->setText(m_statusTexts.isEmpty() ? QString() : m_statusTexts.back());
}

void ParetoPlotView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    elideStatus();
}

void ParetoPlotView::stepAlongFront(int direction) {
    const auto& x = m_model->values(m_settings->xObjective());
    const auto& y = m_model->values(m_settings->yObjective());
    std::vector<std::size_t> order = models::frontInXOrder(x, y, m_model->paretoRanks());
    std::erase_if(order, [this](std::size_t i) { return !m_proxy->acceptsSourceRow(int(i)); });
    if (order.empty())
        return;
    const QModelIndex current = m_selection->currentIndex();
    std::size_t next = direction > 0 ? 0 : order.size() - 1;
    if (current.isValid()) {
        const auto at = std::find(order.begin(), order.end(), std::size_t(current.row()));
        if (at != order.end()) {
            const auto pos = std::size_t(at - order.begin());
            next = direction > 0 ? std::min(pos + 1, order.size() - 1) : (pos == 0 ? 0 : pos - 1);
        } else if (!std::isnan(x[std::size_t(current.row())])) {
            // Off the front: go to the front point next to it along x.
            const double cx = x[std::size_t(current.row())];
            next = 0;
            while (next + 1 < order.size() && x[order[next]] < cx)
                ++next;
        }
    }
    m_selection->setCurrentIndex(m_model->index(int(order[next]), 0),
                                 QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

QString ParetoPlotView::toolTipFor(int row) const {
    const store::DesignSummary* d = m_model->designAt(row);
    if (!d)
        return {};
    QString text = QStringLiteral("<b>%1</b> <span style='color:gray'>#%2</span>")
                       .arg(QString::fromStdString(d->design.name).toHtmlEscaped())
                       .arg(d->design.id);
    text += QStringLiteral("<table>");
    for (const auto& info : models::allObjectives()) {
        const double v = m_model->values(info.objective)[std::size_t(row)];
        QString value = std::isnan(v) ? QStringLiteral("—") : models::formatMetric(v) + ' ' + info.unit;
        if (info.objective == Objective::Accuracy && d->latest && d->latest->accuracy) {
            if (d->latest->accuracyStdDev)
                value += QStringLiteral(" ± %1").arg(QLocale().toString(*d->latest->accuracyStdDev * 100, 'g', 2));
            value +=
                QStringLiteral(" (%1)").arg(QString::fromUtf8(store::accuracySourceName(d->latest->accuracySource)));
        }
        text += QStringLiteral("<tr><td>%1</td><td align=right>%2</td></tr>").arg(info.label, value);
    }
    text += QStringLiteral("</table>");
    if (d->latest && d->latest->provenance != store::MetricsProvenance::None)
        text += tr("Metrics %1").arg(models::provenanceText(*d->latest).toHtmlEscaped());
    if (!d->design.targetKind.empty())
        text += tr("<br>Target: %1").arg(QString::fromStdString(d->design.targetKind).toHtmlEscaped());
    const int rank = row < int(m_model->paretoRanks().size()) ? m_model->paretoRanks()[std::size_t(row)] : -1;
    if (d->latest && !d->latest->feasible)
        text +=
            tr("<br><i>Infeasible:</i> %1").arg(QString::fromStdString(d->latest->infeasibleReason).toHtmlEscaped());
    else if (rank == 0)
        text += tr("<br>On the Pareto front");
    else if (rank > 0)
        text += tr("<br>Pareto rank %1").arg(rank);
    else
        text += tr("<br>Outside a constraint");
    if (m_model->exportSet().contains(d->design.id))
        text += tr("<br>In the export set");
    return text;
}

} // namespace tcw::widgets
