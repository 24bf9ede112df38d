// Roofline plot: log–log frame, the two roofs, the ops.
#include "roofline_plot.h"

#include "models/colour_map.h"
#include "models/objective.h"
#include "plot_painting.h"

#include <QFontMetricsF>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
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
void drawMarker(QPainter& painter, QPointF c, Bound bound, double r) {
    switch (bound) {
    case Bound::Compute:
        painter.drawEllipse(c, r, r);
        break;
    case Bound::Memory:
        painter.drawRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r));
        break;
    case Bound::Buffer: {
        QPolygonF t;
        t << QPointF(c.x(), c.y() - r * 1.2) << QPointF(c.x() + r * 1.1, c.y() + r * 0.8)
          << QPointF(c.x() - r * 1.1, c.y() + r * 0.8);
        painter.drawPolygon(t);
        break;
    }
    }
}
} // namespace

RooflinePlot::RooflinePlot(QWidget* parent) : PlotWidget(parent) {
    setMouseTracking(true);
    setMinimumHeight(240);
    setExportName(QStringLiteral("roofline"));
    setToolTip(tr("Roofline: each op's arithmetic intensity (FLOP per byte of main-memory traffic) against the "
                  "throughput it achieved, under the compute roof and the main-memory bandwidth roof"));
}

void RooflinePlot::setRoofline(models::Roofline roofline) {
    m_roofline = std::move(roofline);
    update();
}

RooflinePlot::Geometry RooflinePlot::geometryFor(const QRectF& rect) const {
    Geometry g;
    g.plot = rect.adjusted(64, 40, -24, -46);
    std::vector<double> xs, ys;
    for (const auto& p : m_roofline.points) {
        if (std::isfinite(p.intensityFlopPerByte))
            xs.push_back(p.intensityFlopPerByte);
        ys.push_back(p.achievedGflops);
    }
    if (m_roofline.ridgeFlopPerByte > 0)
        xs.push_back(m_roofline.ridgeFlopPerByte);
    ys.push_back(m_roofline.peakGflops);
    g.x = models::fittedScale(xs, true, 0.08);
    g.y = models::fittedScale(ys, true, 0.08);
    // Room on the right for the ∞ band, and the roofs' left end inside the frame.
    g.x.hi *= 4;
    g.infinityX = g.plot.right() - 10;
    return g;
}

QPointF RooflinePlot::positionOf(const models::RooflinePoint& p, const Geometry& g) const {
    const double x = std::isfinite(p.intensityFlopPerByte)
                         ? g.plot.left() + g.x.toUnit(p.intensityFlopPerByte) * g.plot.width()
                         : g.infinityX;
    return {x, g.plot.bottom() - g.y.toUnit(p.achievedGflops) * g.plot.height()};
}

void RooflinePlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    painter.setRenderHint(QPainter::Antialiasing);
    const Geometry g = geometryFor(rect);
    plotting::Frame frame{g.plot, g.x, g.y};
    painter.fillRect(g.plot, chrome.plotBackground);
    plotting::drawGrid(painter, frame, chrome);

    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(chrome.text);
    painter.drawText(QPointF(rect.left() + 2, rect.top() + QFontMetricsF(bold).ascent() + 2), tr("Roofline"));
    painter.setFont(font());

    if (m_roofline.peakGflops <= 0) {
        painter.setPen(chrome.mutedText);
        painter.drawText(g.plot, Qt::AlignCenter, tr("No simulation"));
        plotting::drawAxes(painter, frame, chrome, tr("Arithmetic intensity (FLOP/byte)"), tr("GFLOP/s"));
        return;
    }
    painter.save();
    painter.setClipRect(g.plot);
    // ∞ band: ops without main-memory traffic.
    QColor band = chrome.grid;
    painter.fillRect(QRectF(g.infinityX - 8, g.plot.top(), 16, g.plot.height()), band);
    // Roofs: bandwidth × intensity up to the ridge, then the flat compute roof.
    const double ridge = m_roofline.ridgeFlopPerByte;
    auto at = [&](double intensity, double gflops) { return QPointF(frame.px(intensity), frame.py(gflops)); };
    const QPointF left = at(g.x.lo, m_roofline.bandwidthGBs * g.x.lo);
    const QPointF knee = at(ridge, m_roofline.peakGflops);
    const QPointF right = at(g.x.hi, m_roofline.peakGflops);
    painter.setPen(QPen(chrome.text, 2));
    painter.drawLine(left, knee);
    painter.drawLine(knee, right);
    painter.restore();

    const QFont small = plotting::smallFont(font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    painter.setPen(chrome.text);
    const QString computeLabel =
        tr("compute roof %1 GFLOP/s (dense)").arg(models::formatMetric(m_roofline.peakGflops));
    painter.drawText(
        QPointF(std::max(g.plot.left() + 4, knee.x() - fm.horizontalAdvance(computeLabel) / 2), knee.y() - 5),
        computeLabel);
    const QString bandwidthLabel = tr("%1 GB/s").arg(QLocale().toString(m_roofline.bandwidthGBs, 'g', 4));
    painter.save();
    const QLineF slope(left, knee);
    painter.translate(left + (knee - left) * 0.25);
    painter.rotate(-slope.angle());
    painter.drawText(QPointF(4, -5), bandwidthLabel);
    painter.restore();
    painter.setPen(chrome.mutedText);
    painter.drawText(QPointF(g.infinityX - fm.horizontalAdvance(QStringLiteral("∞")) / 2, g.plot.top() - 4),
                     QStringLiteral("∞"));

    painter.save();
    painter.setClipRect(g.plot.adjusted(-6, -6, 6, 6));
    for (const auto& p : m_roofline.points) {
        QColor c = phaseColour(p.phase);
        c.setAlpha(200);
        painter.setPen(QPen(c.darker(130), 0.8));
        painter.setBrush(c);
        drawMarker(painter, positionOf(p, g), p.bound, 3.5);
    }
    painter.restore();
    plotting::drawAxes(painter, frame, chrome, tr("Arithmetic intensity (FLOP per main-memory byte)"),
                       tr("Achieved GFLOP/s"));

    // Legend: shapes for the bound, colours for the phase.
    painter.setFont(small);
    double x = g.plot.left();
    const double y = rect.top() + 32;
    auto entry = [&](const QString& text, QColor colour, Bound bound) {
        painter.setPen(QPen(colour.darker(130), 0.8));
        painter.setBrush(colour);
        drawMarker(painter, QPointF(x + 4, y - 4), bound, 3.5);
        painter.setPen(chrome.mutedText);
        painter.drawText(QPointF(x + 11, y), text);
        x += 22 + fm.horizontalAdvance(text);
    };
    const QColor grey(120, 120, 120);
    entry(tr("compute-bound"), grey, Bound::Compute);
    entry(tr("memory-bound"), grey, Bound::Memory);
    entry(tr("buffer-bound"), grey, Bound::Buffer);
    entry(tr("forward"), models::palette::forward(), Bound::Compute);
    bool backward = false, update = false;
    for (const auto& p : m_roofline.points) {
        backward = backward || p.phase == Phase::Backward;
        update = update || p.phase == Phase::Update;
    }
    if (backward)
        entry(tr("backward"), models::palette::backward(), Bound::Compute);
    if (update)
        entry(tr("update"), models::palette::update(), Bound::Compute);
}

void RooflinePlot::mouseMoveEvent(QMouseEvent* event) {
    const Geometry g = geometryFor(rect());
    const models::RooflinePoint* best = nullptr;
    double bestD = 6;
    for (const auto& p : m_roofline.points) {
        const double d = QLineF(positionOf(p, g), event->position()).length();
        if (d < bestD) {
            bestD = d;
            best = &p;
        }
    }
    if (!best) {
        QToolTip::hideText();
        return;
    }
    const QLocale l;
    const QString intensity = std::isfinite(best->intensityFlopPerByte)
                                  ? l.toString(best->intensityFlopPerByte, 'g', 4) + tr(" FLOP/byte")
                                  : tr("∞ (no main-memory traffic)");
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("<b>%1</b> (%2, %3-bound)<br>intensity %4<br>%5 GFLOP/s over %6 cycles")
                           .arg(QString::fromStdString(best->name).toHtmlEscaped(),
                                QString::fromUtf8(phaseName(best->phase)), QString::fromUtf8(boundName(best->bound)),
                                intensity, l.toString(best->achievedGflops, 'g', 4),
                                l.toString(qint64(best->durationCycles))),
                       this);
}

} // namespace tcw::widgets
