// Hypervolume plot: one step line (QLineSeries) and the latest report (QScatterSeries) over a
// linear trials axis and a linear [0, max] axis, both with nice-number ticks.
#include "hypervolume_plot.h"

#include "chart_axes.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>

#include <algorithm>

namespace tcw::widgets {

HypervolumePlot::HypervolumePlot(QWidget* parent) : ChartPlot(parent) {
    setObjectName(QStringLiteral("hypervolumePlot"));
    setExportName(QStringLiteral("hypervolume-trials"));
    setWhatsThis(tr("Hypervolume of the acceptable trials against trials: it rises whenever the front improves"));
}

void HypervolumePlot::addPoint(int trials, double hypervolume) {
    if (!m_points.isEmpty() && trials < m_points.back().x())
        m_points.clear();
    if (!m_points.isEmpty() && trials == m_points.back().x())
        m_points.back().setY(hypervolume);
    else
        m_points.append(QPointF(trials, hypervolume));
    m_budget = std::max(m_budget, trials);
    scheduleRebuild();
}

void HypervolumePlot::clear() {
    m_points.clear();
    scheduleRebuild();
}

void HypervolumePlot::setBudget(int budget) {
    m_budget = std::max(1, budget);
    scheduleRebuild();
}

QString HypervolumePlot::emptyMessage() const {
    return m_points.isEmpty() ? tr("Start a search to see its hypervolume grow") : QString();
}

void HypervolumePlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const {
    charts::prepareChart(chart, chrome, font(), tr("Hypervolume against trials"));
    chart.legend()->hide();
    double top = 0;
    for (const QPointF& p : m_points)
        top = std::max(top, p.y());
    const models::AxisScale xScale{0, double(m_budget), false};
    const models::AxisScale yScale{0, top > 0 ? top * 1.1 : 1.0, false};
    QCategoryAxis* x = charts::niceAxis(xScale, 8, tr("Trials"), chrome, font());
    QCategoryAxis* y = charts::niceAxis(yScale, 6, tr("Hypervolume"), chrome, font());
    chart.addAxis(x, Qt::AlignBottom);
    chart.addAxis(y, Qt::AlignLeft);
    if (m_points.isEmpty())
        return;
    // A step line: the hypervolume holds until the next report.
    auto* line = new QLineSeries;
    line->setName(tr("hypervolume"));
    line->append(m_points.front());
    for (qsizetype i = 1; i < m_points.size(); ++i) {
        line->append(QPointF(m_points[i].x(), m_points[i - 1].y()));
        line->append(m_points[i]);
    }
    const QColor colour = forExport ? QColor(0x00, 0x72, 0xb2) : palette().color(QPalette::Highlight);
    line->setPen(QPen(colour, 2));
    auto* last = new QScatterSeries;
    last->setName(tr("latest"));
    last->append(m_points.back());
    last->setMarkerSize(7);
    last->setColor(colour);
    last->setBorderColor(colour);
    for (QXYSeries* s : {static_cast<QXYSeries*>(line), static_cast<QXYSeries*>(last)}) {
        chart.addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

QString HypervolumePlot::pointToolTip(const QAbstractSeries*, QPointF point) const {
    if (m_points.isEmpty())
        return {};
    // The last report at or before the pointer.
    auto it = std::upper_bound(m_points.begin(), m_points.end(), point.x() + 1e-9,
                               [](double e, const QPointF& p) { return e < p.x(); });
    if (it == m_points.begin())
        return {};
    const QPointF p = *(it - 1);
    return tr("%1 trials: hypervolume %2").arg(QLocale().toString(int(p.x())), QLocale().toString(p.y(), 'f', 4));
}

} // namespace tcw::widgets
