// Roofline plot: log–log nice-number axes, the two roofs as one line, the ops as scatter
// series by phase and bound.
#include "roofline_plot.h"

#include "chart_axes.h"
#include "models/colour_map.h"
#include "models/objective.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>

#include <cmath>

namespace tcw::widgets {

namespace {
QColor phaseColour(Phase p) {
    switch (p) {
    case Phase::Forward:
        return models::palette::forward();
    case Phase::Backward:
        return models::palette::backward();
    case Phase::Update:
        return models::palette::update();
    }
    return models::palette::forward();
}

// Compute-bound: circle; memory-bound: square; buffer-bound: triangle (shape, not only colour).
QScatterSeries::MarkerShape markerOf(Bound bound) {
    switch (bound) {
    case Bound::Compute:
        return QScatterSeries::MarkerShapeCircle;
    case Bound::Memory:
        return QScatterSeries::MarkerShapeRectangle;
    case Bound::Buffer:
        return QScatterSeries::MarkerShapeTriangle;
    }
    return QScatterSeries::MarkerShapeCircle;
}

// Series name of a (phase, bound) group: the bound alone when every op is of one phase
// (inference), so the legend fits a narrow dock.
QString groupName(Phase phase, Bound bound, bool onePhase) {
    const QString b = QString::fromUtf8(boundName(bound)) + QStringLiteral("-bound");
    return onePhase ? b : QString::fromUtf8(phaseName(phase)) + QStringLiteral(", ") + b;
}
} // namespace

RooflinePlot::RooflinePlot(QWidget* parent) : ChartPlot(parent) {
    setMinimumHeight(240);
    setExportName(QStringLiteral("roofline"));
    setWhatsThis(tr("Roofline: each op's arithmetic intensity (FLOP per byte of main-memory traffic) against the "
                    "throughput it achieved, under the compute roof and the main-memory bandwidth roof"));
}

void RooflinePlot::setRoofline(models::Roofline roofline) {
    m_roofline = std::move(roofline);
    scheduleRebuild();
}

RooflinePlot::Scales RooflinePlot::scales() const {
    std::vector<double> xs, ys;
    for (const auto& p : m_roofline.points) {
        if (std::isfinite(p.intensityFlopPerByte))
            xs.push_back(p.intensityFlopPerByte);
        ys.push_back(p.achievedGflops);
    }
    if (m_roofline.ridgeFlopPerByte > 0)
        xs.push_back(m_roofline.ridgeFlopPerByte);
    ys.push_back(m_roofline.peakGflops);
    Scales s{models::fittedScale(xs, true, 0.08), models::fittedScale(ys, true, 0.08), 0};
    // Room on the right for the roofs' flat part, and beyond the last tick for the ∞ band.
    s.x.hi *= 4;
    s.infinityX = std::log10(s.x.hi) + 0.06 * (std::log10(s.x.hi) - std::log10(s.x.lo));
    return s;
}

QString RooflinePlot::emptyMessage() const {
    return m_roofline.peakGflops > 0 ? QString() : tr("No simulation");
}

void RooflinePlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    // The roofs' numbers in the title: the legend stays short enough for a narrow dock.
    charts::prepareChart(chart, chrome, font(),
                         m_roofline.peakGflops > 0 ? tr("Roofline: %1 GB/s, %2 GFLOP/s (dense)")
                                                         .arg(QLocale().toString(m_roofline.bandwidthGBs, 'g', 4),
                                                              models::formatMetric(m_roofline.peakGflops))
                                                   : tr("Roofline"));
    const Scales s = scales();
    QCategoryAxis* xAxis = charts::niceAxis(s.x, 8, tr("Intensity (FLOP per main-memory byte)"), chrome, font());
    QCategoryAxis* yAxis = charts::niceAxis(s.y, 7, tr("Achieved GFLOP/s"), chrome, font());
    // The ∞ column: its own labelled boundary beyond the finite ticks.
    const double xMax = s.infinityX + 0.03 * (std::log10(s.x.hi) - std::log10(s.x.lo));
    xAxis->setMax(xMax);
    xAxis->append(QStringLiteral("∞"), s.infinityX);
    chart.addAxis(xAxis, Qt::AlignBottom);
    chart.addAxis(yAxis, Qt::AlignLeft);
    auto attach = [&](QAbstractSeries* series) {
        chart.addSeries(series);
        series->attachAxis(xAxis);
        series->attachAxis(yAxis);
    };
    if (m_roofline.peakGflops <= 0)
        return;
    // Roofs: bandwidth × intensity up to the ridge, then the flat compute roof.
    auto* roof = new QLineSeries;
    roof->setName(tr("roofs"));
    const double lo = s.x.lo, ridge = m_roofline.ridgeFlopPerByte;
    if (ridge > lo)
        roof->append(std::log10(lo), std::log10(m_roofline.bandwidthGBs * lo));
    roof->append(std::log10(std::max(ridge, lo)), std::log10(m_roofline.peakGflops));
    roof->append(xMax, std::log10(m_roofline.peakGflops));
    roof->setPen(QPen(chrome.text, 2));
    attach(roof);
    // The title names the roofs: the legend keeps its room for the ops' groups.
    for (QLegendMarker* marker : chart.legend()->markers(roof))
        marker->setVisible(false);
    // Ops, one series per (phase, bound) present; the group kept on the series for the tooltip.
    bool onePhase = true;
    for (const auto& p : m_roofline.points)
        onePhase = onePhase && p.phase == m_roofline.points.front().phase;
    for (Phase phase : {Phase::Forward, Phase::Backward, Phase::Update}) {
        for (Bound bound : {Bound::Compute, Bound::Memory, Bound::Buffer}) {
            QScatterSeries* series = nullptr;
            for (const auto& p : m_roofline.points) {
                if (p.phase != phase || p.bound != bound || !(p.achievedGflops > 0))
                    continue;
                if (!series) {
                    series = new QScatterSeries;
                    series->setName(groupName(phase, bound, onePhase));
                    series->setProperty("phase", int(phase));
                    series->setProperty("bound", int(bound));
                    series->setMarkerShape(markerOf(bound));
                    series->setMarkerSize(bound == Bound::Buffer ? 9 : 7);
                    QColor c = phaseColour(phase);
                    c.setAlpha(200);
                    series->setColor(c);
                    series->setBorderColor(phaseColour(phase).darker(130));
                }
                const double x =
                    std::isfinite(p.intensityFlopPerByte) ? std::log10(p.intensityFlopPerByte) : s.infinityX;
                series->append(x, std::log10(p.achievedGflops));
            }
            if (series)
                attach(series);
        }
    }
}

const models::RooflinePoint* RooflinePlot::opAt(const QAbstractSeries* series, QPointF point) const {
    if (!series)
        return nullptr;
    const Scales s = scales();
    const models::RooflinePoint* best = nullptr;
    double bestD = 0;
    for (const auto& p : m_roofline.points) {
        if (series->property("phase") != QVariant(int(p.phase)) ||
            series->property("bound") != QVariant(int(p.bound)) || !(p.achievedGflops > 0))
            continue;
        const double x = std::isfinite(p.intensityFlopPerByte) ? std::log10(p.intensityFlopPerByte) : s.infinityX;
        const double d = std::hypot(x - point.x(), std::log10(p.achievedGflops) - point.y());
        if (!best || d < bestD) {
            best = &p;
            bestD = d;
        }
    }
    return best;
}

QString RooflinePlot::pointToolTip(const QAbstractSeries* series, QPointF point) const {
    const models::RooflinePoint* op = opAt(series, point);
    if (!op)
        return {};
    const QLocale l;
    const QString intensity = std::isfinite(op->intensityFlopPerByte)
                                  ? l.toString(op->intensityFlopPerByte, 'g', 4) + tr(" FLOP/byte")
                                  : tr("∞ (no main-memory traffic)");
    return tr("<b>%1</b> (%2, %3-bound)<br>intensity %4<br>%5 GFLOP/s over %6 cycles")
        .arg(QString::fromStdString(op->name).toHtmlEscaped(), QString::fromUtf8(phaseName(op->phase)),
             QString::fromUtf8(boundName(op->bound)), intensity, l.toString(op->achievedGflops, 'g', 4),
             l.toString(qint64(op->durationCycles)));
}

} // namespace tcw::widgets
