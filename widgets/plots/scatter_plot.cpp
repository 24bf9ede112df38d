// Scatter plot: cached raster layer for the plain points, QPainter for everything else.
#include "scatter_plot.h"

#include <QAction>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace tcw::widgets {

using models::AxisScale;
using plotting::Chrome;
using plotting::Frame;

namespace {
constexpr double kPointRadius = 2.6;   // plain points, logical pixels
constexpr double kFrontRadius = 3.8;   // front points
constexpr int kDominatedAlpha = 150;   // dimmed: behind the front
constexpr int kOutsideAlpha = 70;      // greyed: infeasible or outside a constraint
constexpr double kRingWidth = 1.2;     // a hollow (predicted) marker's line, logical pixels
constexpr int kRingAlpha = 220;        // a ring has less ink than a disc: more opaque
constexpr double kGridCell = 8;        // hit-test grid cell, logical pixels
constexpr double kColourBarWidth = 12; // and its margin: the bar, ticks and title
constexpr double kRightMargin = 86;

// An anti-aliased marker (device pixels) as coverage 0…256 on a square kernel.
struct Stamp {
    int half = 0;
    std::vector<int> coverage; // (2·half+1)², row-major
};

// Whether (dx, dy) lies inside a marker of this shape and size (radius: of the circle of about
// the same ink; the other shapes are scaled to read as the same size).
bool insideMarker(ScatterPlot::Marker marker, double dx, double dy, double radius) {
    switch (marker) {
    case ScatterPlot::Marker::Circle:
        return dx * dx + dy * dy <= radius * radius;
    case ScatterPlot::Marker::Square:
        return std::max(std::abs(dx), std::abs(dy)) <= 0.88 * radius;
    case ScatterPlot::Marker::Diamond:
        return std::abs(dx) + std::abs(dy) <= 1.25 * radius;
    case ScatterPlot::Marker::Triangle: { // apex up: y from -1.2 r (apex) to 0.8 r (base)
        const double top = -1.2 * radius, bottom = 0.8 * radius, halfBase = 1.15 * radius;
        if (dy < top || dy > bottom)
            return false;
        return std::abs(dx) <= halfBase * (dy - top) / (bottom - top);
    }
    }
    return false;
}

// A marker of `radius` pixels, or with innerRadius > 0 its outline only (a hollow marker).
Stamp makeMarkerStamp(ScatterPlot::Marker marker, double radius, double innerRadius = 0) {
    Stamp s;
    s.half = int(std::ceil(1.3 * radius));
    const int side = 2 * s.half + 1;
    s.coverage.resize(std::size_t(side * side));
    for (int j = 0; j < side; ++j)
        for (int i = 0; i < side; ++i) {
            int inside = 0; // 4 × 4 samples per pixel
            for (int sj = 0; sj < 4; ++sj)
                for (int si = 0; si < 4; ++si) {
                    const double dx = i - s.half + (si + 0.5) / 4 - 0.5;
                    const double dy = j - s.half + (sj + 0.5) / 4 - 0.5;
                    inside += insideMarker(marker, dx, dy, radius) &&
                              !(innerRadius > 0 && insideMarker(marker, dx, dy, innerRadius));
                }
            s.coverage[std::size_t(j * side + i)] = inside * 16;
        }
    return s;
}

// x / 255 for x in [0, 255²], without a division.
inline unsigned div255(unsigned x) {
    return (x + 1 + (x >> 8)) >> 8;
}

// Blends an opaque colour at alpha `alpha` (0…255) scaled by coverage (0…256) into a
// premultiplied pixel.
inline void blend(QRgb& dst, QRgb colour, unsigned alpha, unsigned coverage) {
    const unsigned a = (alpha * coverage) >> 8;
    if (a == 0)
        return;
    const unsigned inv = 255 - a;
    const unsigned r = div255(qRed(colour) * a + qRed(dst) * inv);
    const unsigned g = div255(qGreen(colour) * a + qGreen(dst) * inv);
    const unsigned b = div255(qBlue(colour) * a + qBlue(dst) * inv);
    const unsigned da = a + div255(qAlpha(dst) * inv);
    dst = (da << 24) | (r << 16) | (g << 8) | b;
}

QColor withAlpha(QColor c, int alpha) {
    c.setAlpha(alpha);
    return c;
}
} // namespace

ScatterPlot::ScatterPlot(QWidget* parent) : PlotWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 240);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Click a point to select its design (Ctrl+click adds or removes). Drag to zoom into a "
                  "rectangle, Shift+drag to select the points in it, middle-drag or Ctrl+drag to pan, the wheel "
                  "to zoom, double-click to reset. Drag a dashed constraint line to move it. ←/→ step along the "
                  "front; Space adds the selection to the export set."));
}

// ---- state --------------------------------------------------------------------------------

void ScatterPlot::setData(Data data) {
    m_data = std::move(data);
    m_hover = -1;
    m_anyPredicted = std::any_of(m_data.flags.begin(), m_data.flags.end(),
                                 [](quint8 f) { return (f & (Predicted | Visible)) == (Predicted | Visible); });
    m_markersShown.fill(false);
    for (std::size_t i = 0; i < m_data.flags.size(); ++i)
        if (m_data.flags[i] & Visible)
            m_markersShown[std::size_t(markerOf(i))] = true;
    updateTransformed();
    updateColours();
    if (m_autoView)
        fitView();
    invalidate();
}

void ScatterPlot::updateTransformed() {
    const std::size_t n = m_data.x.size();
    m_tx.resize(n);
    m_ty.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        m_tx[i] = !m_logX ? m_data.x[i] : m_data.x[i] > 0 ? std::log10(m_data.x[i]) : NAN;
        m_ty[i] = !m_logY ? m_data.y[i] : m_data.y[i] > 0 ? std::log10(m_data.y[i]) : NAN;
    }
}

void ScatterPlot::updateColours() {
    std::vector<double> values;
    values.reserve(m_data.colour.size());
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < m_data.colour.size(); ++i) {
        if (!drawn(i))
            continue;
        const double v = m_data.colour[i];
        values.push_back(v);
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    // Costs span decades across the design space: a log scale once they span two or more.
    const bool logarithmic = lo > 0 && hi / lo >= 100;
    const AxisScale s = models::fittedScale(values, logarithmic, 0);
    m_colourScale.setRange(s.lo, s.hi, logarithmic);
    // On a dark background viridis' darkest purple all but vanishes: start the scale higher.
    m_colourScale.setFloor(models::palette::isDark(palette().color(QPalette::Base)) ? 0.25 : 0.0);
    m_colours.resize(m_data.colour.size());
    const bool categorical = !m_data.categories.isEmpty(); // issue 15: colour by precision
    for (std::size_t i = 0; i < m_colours.size(); ++i) {
        const int category = categorical && i < m_data.category.size() ? m_data.category[i] : -1;
        m_colours[i] = !(m_data.flags[i] & Eligible) ? models::ColourScale::missingColour()
                       : !categorical                ? m_colourScale.colour(m_data.colour[i])
                       : category >= 0               ? models::palette::series(category).rgb()
                                                     : models::ColourScale::missingColour();
    }
}

void ScatterPlot::setLogScale(bool x, bool y) {
    if (x == m_logX && y == m_logY)
        return;
    m_logX = x;
    m_logY = y;
    m_autoView = true;
    updateTransformed();
    fitView();
    invalidate();
    emit viewChanged();
}

void ScatterPlot::setOutsideMode(OutsideMode mode) {
    if (mode == m_outsideMode)
        return;
    m_outsideMode = mode;
    updateColours();
    if (m_autoView)
        fitView();
    invalidate();
}

void ScatterPlot::setSelection(std::vector<int> selected, int current) {
    m_selected = std::move(selected);
    m_current = current;
    update();
}

void ScatterPlot::setWhatIf(std::optional<WhatIf> whatIf) {
    m_whatIf = std::move(whatIf);
    update();
}

void ScatterPlot::setConstraintLines(std::optional<double> x, std::optional<double> y) {
    if (x == m_constraintX && y == m_constraintY)
        return;
    m_constraintX = x;
    m_constraintY = y;
    update();
}

void ScatterPlot::setView(const AxisScale& x, const AxisScale& y) {
    m_xView = x;
    m_yView = y;
    m_xView.logarithmic = m_logX;
    m_yView.logarithmic = m_logY;
    m_autoView = false;
    invalidate();
    emit viewChanged();
}

void ScatterPlot::resetView() {
    m_autoView = true;
    fitView();
    invalidate();
    emit viewChanged();
}

bool ScatterPlot::drawn(std::size_t i) const {
    const quint8 f = m_data.flags[i];
    if (!(f & Visible))
        return false;
    return m_outsideMode == OutsideMode::Grey || (f & Eligible);
}

void ScatterPlot::fitView() {
    std::vector<double> xs, ys;
    xs.reserve(m_data.x.size());
    ys.reserve(m_data.y.size());
    for (std::size_t i = 0; i < m_data.x.size(); ++i)
        if (drawn(i)) {
            xs.push_back(m_data.x[i]);
            ys.push_back(m_data.y[i]);
        }
    m_xView = models::fittedScale(xs, m_logX);
    m_yView = models::fittedScale(ys, m_logY);
}

void ScatterPlot::invalidate() {
    m_layerValid = false;
    update();
}

void ScatterPlot::zoomAt(QPointF pixel, double factorX, double factorY) {
    const Frame frame = frameFor(rect());
    auto zoom = [](AxisScale s, double unitCentre, double factor) {
        const double a = s.logarithmic ? std::log10(s.lo) : s.lo;
        const double b = s.logarithmic ? std::log10(s.hi) : s.hi;
        const double c = a + unitCentre * (b - a);
        const double na = c - (c - a) / factor, nb = c + (b - c) / factor;
        if (!(nb > na) || (nb - na) < 1e-12 * std::max(1.0, std::abs(c)))
            return s;
        s.lo = s.logarithmic ? std::pow(10.0, na) : na;
        s.hi = s.logarithmic ? std::pow(10.0, nb) : nb;
        return s;
    };
    const double ux = std::clamp((pixel.x() - frame.plot.left()) / frame.plot.width(), 0.0, 1.0);
    const double uy = std::clamp((frame.plot.bottom() - pixel.y()) / frame.plot.height(), 0.0, 1.0);
    m_xView = zoom(m_xView, ux, factorX);
    m_yView = zoom(m_yView, uy, factorY);
    m_autoView = false;
    invalidate();
    emit viewChanged();
}

void ScatterPlot::panByPixels(QPointF delta) {
    const Frame frame = frameFor(rect());
    auto shift = [](AxisScale s, double unitShift) {
        if (s.logarithmic) {
            const double f = std::pow(s.hi / s.lo, unitShift);
            s.lo *= f;
            s.hi *= f;
        } else {
            const double d = (s.hi - s.lo) * unitShift;
            s.lo += d;
            s.hi += d;
        }
        return s;
    };
    m_xView = shift(m_xView, -delta.x() / frame.plot.width());
    m_yView = shift(m_yView, delta.y() / frame.plot.height());
    m_autoView = false;
    invalidate();
    emit viewChanged();
}

// ---- geometry -----------------------------------------------------------------------------

Frame ScatterPlot::frameFor(const QRectF& rect) const {
    const plotting::Margins m;
    Frame f;
    f.plot = QRectF(rect.left() + m.left, rect.top() + m.top, rect.width() - m.left - kRightMargin,
                    rect.height() - m.top - m.bottom);
    f.x = m_xView;
    f.y = m_yView;
    return f;
}

QRectF ScatterPlot::plotRect() const {
    return frameFor(rect()).plot;
}

QPointF ScatterPlot::positionOf(int index) const {
    const Frame frame = frameFor(rect());
    return {frame.px(m_data.x[std::size_t(index)]), frame.py(m_data.y[std::size_t(index)])};
}

int ScatterPlot::pointAt(QPointF pos, double radius) const {
    if (!m_layerValid) {
        const Chrome chrome = plotting::chromeFor(palette(), false);
        rebuildLayer(frameFor(rect()), chrome);
    }
    if (m_gridColumns == 0 || !m_gridPlot.adjusted(-radius, -radius, radius, radius).contains(pos))
        return -1;
    const int c0 = std::max(0, int((pos.x() - radius - m_gridPlot.left()) / kGridCell));
    const int c1 = std::min(m_gridColumns - 1, int((pos.x() + radius - m_gridPlot.left()) / kGridCell));
    const int r0 = std::max(0, int((pos.y() - radius - m_gridPlot.top()) / kGridCell));
    const int r1 = std::min(m_gridRows - 1, int((pos.y() + radius - m_gridPlot.top()) / kGridCell));
    int best = -1;
    double bestD2 = radius * radius;
    auto consider = [&](int i) {
        const double dx = m_screenX[std::size_t(i)] - pos.x(), dy = m_screenY[std::size_t(i)] - pos.y();
        const double d2 = dx * dx + dy * dy;
        // Ties go to the front: it is drawn on top.
        const bool front = m_data.flags[std::size_t(i)] & Front;
        if (d2 < bestD2 || (d2 == bestD2 && front)) {
            bestD2 = d2;
            best = i;
        }
    };
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            const int cell = r * m_gridColumns + c;
            for (int k = m_gridStart[std::size_t(cell)]; k < m_gridStart[std::size_t(cell) + 1]; ++k)
                consider(m_gridItems[std::size_t(k)]);
        }
    return best;
}

std::vector<int> ScatterPlot::pointsIn(const QRectF& area) const {
    if (!m_layerValid)
        rebuildLayer(frameFor(rect()), plotting::chromeFor(palette(), false));
    std::vector<int> inside;
    const QRectF r = area.normalized();
    for (std::size_t i = 0; i < m_screenX.size(); ++i)
        if (!std::isnan(m_screenX[i]) && r.contains(m_screenX[i], m_screenY[i]))
            inside.push_back(int(i));
    return inside;
}

// ---- drawing ------------------------------------------------------------------------------

QRgb ScatterPlot::pointColour(std::size_t i, const models::ColourScale&) const {
    return m_colours[i];
}

void ScatterPlot::rebuildLayer(const Frame& frame, const Chrome& chrome) const {
    const qreal dpr = devicePixelRatioF();
    const QSize deviceSize = (size() * dpr).expandedTo(QSize(1, 1));
    if (m_layer.size() != deviceSize)
        m_layer = QImage(deviceSize, QImage::Format_ARGB32_Premultiplied);
    m_layer.setDevicePixelRatio(dpr);
    m_layer.fill(chrome.background);
    {
        QPainter p(&m_layer);
        p.fillRect(frame.plot, chrome.plotBackground);
        plotting::drawGrid(p, frame, chrome);
    }

    const std::size_t n = m_data.x.size();
    m_screenX.assign(n, NAN);
    m_screenY.assign(n, NAN);
    const models::ColourScale& scale = colourScale();
    std::array<Stamp, kMarkerCount> discs, rings; // filled and hollow, per shape, all of one size
    for (int m = 0; m < kMarkerCount; ++m) {
        discs[std::size_t(m)] = makeMarkerStamp(Marker(m), kPointRadius * dpr);
        rings[std::size_t(m)] = makeMarkerStamp(Marker(m), kPointRadius * dpr, (kPointRadius - kRingWidth) * dpr);
    }
    const int side = 2 * discs[0].half + 1;
    const QRectF clip = frame.plot;
    const int width = m_layer.width(), height = m_layer.height();
    const int clipLeft = int(clip.left() * dpr), clipRight = int(clip.right() * dpr);
    const int clipTop = int(clip.top() * dpr), clipBottom = int(clip.bottom() * dpr);
    auto* bits = reinterpret_cast<QRgb*>(m_layer.bits());
    const int stride = int(m_layer.bytesPerLine() / 4);

    // Precomputed transforms: unit = (t(v) - t(lo)) · k, so one multiply per coordinate.
    auto axis = [](const AxisScale& s) {
        const double a = s.logarithmic ? std::log10(s.lo) : s.lo;
        const double b = s.logarithmic ? std::log10(s.hi) : s.hi;
        return std::pair{a, 1.0 / (b - a)};
    };
    const auto [x0, kx] = axis(frame.x);
    const auto [y0, ky] = axis(frame.y);

    // Two passes: greyed points first, so coloured ones stay on top; front points are drawn
    // later with an outline.
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < n; ++i) {
            if (!drawn(i))
                continue;
            const quint8 f = m_data.flags[i];
            const bool outside = !(f & Eligible);
            if ((pass == 0) != outside)
                continue;
            const double sx = frame.plot.left() + (m_tx[i] - x0) * kx * frame.plot.width();
            const double sy = frame.plot.bottom() - (m_ty[i] - y0) * ky * frame.plot.height();
            if (!(sx >= clip.left() && sx <= clip.right() && sy >= clip.top() && sy <= clip.bottom()))
                continue;
            m_screenX[i] = float(sx);
            m_screenY[i] = float(sy);
            if (f & Front)
                continue;
            const QRgb colour = pointColour(i, scale);
            const bool hollow = f & Predicted;
            const Stamp& stamp = (hollow ? rings : discs)[std::size_t(markerOf(i))];
            // A ring has less ink than a disc: drawn more opaque so it reads as strongly.
            const unsigned alpha =
                outside ? (hollow ? 2 * kOutsideAlpha : kOutsideAlpha) : (hollow ? kRingAlpha : kDominatedAlpha);
            const int cx = int(sx * dpr), cy = int(sy * dpr);
            for (int j = 0; j < side; ++j) {
                const int yy = cy + j - stamp.half;
                if (yy < clipTop || yy >= clipBottom || yy >= height)
                    continue;
                QRgb* row = bits + std::ptrdiff_t(yy) * stride;
                const int* cov = stamp.coverage.data() + std::ptrdiff_t(j) * side;
                for (int k = 0; k < side; ++k) {
                    const int xx = cx + k - stamp.half;
                    if (xx < clipLeft || xx >= clipRight || xx >= width || cov[k] == 0)
                        continue;
                    blend(row[xx], colour, alpha, unsigned(cov[k]));
                }
            }
        }
    }

    // Hit-test grid over the plot area: counting sort of the drawn points into cells.
    m_gridPlot = frame.plot;
    m_gridColumns = std::max(1, int(std::ceil(frame.plot.width() / kGridCell)));
    m_gridRows = std::max(1, int(std::ceil(frame.plot.height() / kGridCell)));
    const std::size_t cells = std::size_t(m_gridColumns) * std::size_t(m_gridRows);
    m_gridStart.assign(cells + 1, 0);
    std::vector<int>& cellOf = m_cellOf;
    cellOf.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(m_screenX[i]))
            continue;
        const int c = std::min(m_gridColumns - 1, int((m_screenX[i] - frame.plot.left()) / kGridCell));
        const int r = std::min(m_gridRows - 1, int((m_screenY[i] - frame.plot.top()) / kGridCell));
        cellOf[i] = r * m_gridColumns + c;
        ++m_gridStart[std::size_t(cellOf[i]) + 1];
    }
    for (std::size_t c = 0; c < cells; ++c)
        m_gridStart[c + 1] += m_gridStart[c];
    m_gridItems.assign(std::size_t(m_gridStart[cells]), 0);
    std::vector<int>& fill = m_fill;
    fill.assign(m_gridStart.begin(), m_gridStart.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
        if (cellOf[i] >= 0)
            m_gridItems[std::size_t(fill[std::size_t(cellOf[i])]++)] = int(i);
    m_layerValid = true;
}

void ScatterPlot::drawVectorPoints(QPainter& painter, const Frame& frame) const {
    const models::ColourScale& scale = colourScale();
    painter.save();
    painter.setClipRect(frame.plot);
    painter.setPen(Qt::NoPen);
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < m_data.x.size(); ++i) {
            if (!drawn(i) || (m_data.flags[i] & Front))
                continue;
            const bool outside = !(m_data.flags[i] & Eligible);
            if ((pass == 0) != outside)
                continue;
            const double x = frame.px(m_data.x[i]), y = frame.py(m_data.y[i]);
            if (std::isnan(x) || std::isnan(y) || !frame.plot.contains(x, y))
                continue;
            const QColor colour = QColor::fromRgb(pointColour(i, scale));
            if (m_data.flags[i] & Predicted) { // hollow, as on screen
                painter.setPen(QPen(withAlpha(colour, outside ? 2 * kOutsideAlpha : kRingAlpha), kRingWidth));
                painter.setBrush(Qt::NoBrush);
                painter.drawPath(markerPath(markerOf(i), QPointF(x, y), kPointRadius - kRingWidth / 2));
                painter.setPen(Qt::NoPen);
                continue;
            }
            painter.setBrush(withAlpha(colour, outside ? kOutsideAlpha : kDominatedAlpha));
            painter.drawPath(markerPath(markerOf(i), QPointF(x, y), kPointRadius));
        }
    painter.restore();
}

void ScatterPlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const Chrome chrome = plotting::chromeFor(palette(), forExport);
    const Frame frame = frameFor(rect);
    if (forExport) {
        painter.fillRect(rect, chrome.background);
        painter.fillRect(frame.plot, chrome.plotBackground);
        plotting::drawGrid(painter, frame, chrome);
        drawVectorPoints(painter, frame);
    } else {
        if (!m_layerValid || m_layer.size() != size() * devicePixelRatioF())
            rebuildLayer(frame, chrome);
        painter.drawImage(QPointF(0, 0), m_layer);
    }
    painter.setRenderHint(QPainter::Antialiasing);
    drawOverlay(painter, frame, chrome, forExport);
    plotting::drawAxes(painter, frame, chrome, m_data.xTitle + (m_logX ? tr(" — log scale") : QString()),
                       m_data.yTitle + (m_logY ? tr(" — log scale") : QString()));
    drawColourBar(painter, rect, frame, chrome);
    drawLegend(painter, frame, chrome);
    if (!forExport && (m_drag == Drag::Zoom || m_drag == Drag::Select)) {
        QColor fill = m_drag == Drag::Zoom ? palette().color(QPalette::Highlight) : models::palette::selection();
        painter.setPen(QPen(fill.darker(120), 1, Qt::DashLine));
        fill.setAlpha(40);
        painter.setBrush(fill);
        painter.drawRect(QRectF(m_pressPos, m_lastPos).normalized());
    }
    if (!forExport && hasFocus()) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(frame.plot.adjusted(-1, -1, 1, 1));
    }
}

void ScatterPlot::drawOverlay(QPainter& painter, const Frame& frame, const Chrome& chrome, bool forExport) const {
    painter.save();
    painter.setClipRect(frame.plot.adjusted(-kFrontRadius - 1, -kFrontRadius - 1, kFrontRadius + 1, kFrontRadius + 1));
    drawConstraints(painter, frame, chrome);
    drawErrorBars(painter, frame);

    // The front: its step line, then its points with an outline (readable in greyscale print).
    if (m_data.frontLine.size() >= 1) {
        QPainterPath path;
        bool started = false;
        for (const auto& p : m_data.frontLine) {
            const QPointF q(frame.px(p.x), frame.py(p.y));
            if (std::isnan(q.x()) || std::isnan(q.y()))
                continue;
            started ? path.lineTo(q) : path.moveTo(q);
            started = true;
        }
        painter.setPen(QPen(models::palette::front(chrome.plotBackground), 1.6));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    }
    const models::ColourScale& scale = colourScale();
    const QPen frontOutline(models::palette::front(chrome.plotBackground), 1.2);
    painter.setPen(frontOutline);
    for (std::size_t i = 0; i < m_data.x.size(); ++i) {
        if (!(m_data.flags[i] & Front) || !drawn(i))
            continue;
        const QPointF q(frame.px(m_data.x[i]), frame.py(m_data.y[i]));
        if (!frame.plot.contains(q))
            continue;
        if (m_data.flags[i] & Predicted) { // hollow: the ring in the point's colour inside the outline
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(markerPath(markerOf(i), q, kFrontRadius));
            painter.setPen(QPen(QColor::fromRgb(pointColour(i, scale)), kRingWidth));
            painter.drawPath(markerPath(markerOf(i), q, kFrontRadius - kRingWidth));
            // Back to the outline of the theme (near white on dark), not print black.
            painter.setPen(frontOutline);
            continue;
        }
        painter.setBrush(QColor::fromRgb(pointColour(i, scale)));
        painter.drawPath(markerPath(markerOf(i), q, kFrontRadius));
    }

    // Selection: rings, the current design's thicker.
    if (!forExport) {
        for (int index : m_selected) {
            if (index < 0 || std::size_t(index) >= m_data.x.size() || !drawn(std::size_t(index)))
                continue;
            const QPointF q(frame.px(m_data.x[std::size_t(index)]), frame.py(m_data.y[std::size_t(index)]));
            const bool current = index == m_current;
            painter.setPen(QPen(models::palette::selection(), current ? 3 : 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(q, current ? 7.5 : 6, current ? 7.5 : 6);
        }
        if (m_hover >= 0 && std::size_t(m_hover) < m_data.x.size()) {
            const QPointF q(frame.px(m_data.x[std::size_t(m_hover)]), frame.py(m_data.y[std::size_t(m_hover)]));
            painter.setPen(QPen(chrome.text, 1));
            painter.drawEllipse(q, 5.5, 5.5);
        }
    }

    // The what-if point: a diamond from the design the edit started from.
    if (m_whatIf) {
        const QPointF q(frame.px(m_whatIf->x), frame.py(m_whatIf->y));
        const QColor colour =
            m_whatIf->joinsFront ? models::palette::whatIfJoins() : models::palette::whatIfDominated();
        if (m_whatIf->origin) {
            const QPointF o(frame.px(m_whatIf->origin->x()), frame.py(m_whatIf->origin->y()));
            if (!std::isnan(o.x()) && !std::isnan(o.y()) && QLineF(o, q).length() > 2) {
                painter.setPen(QPen(colour.darker(110), 1.4, Qt::DashLine));
                painter.drawLine(o, q);
            }
        }
        if (!std::isnan(q.x()) && !std::isnan(q.y())) {
            QPolygonF diamond;
            const double r = 7;
            diamond << QPointF(q.x(), q.y() - r) << QPointF(q.x() + r, q.y()) << QPointF(q.x(), q.y() + r)
                    << QPointF(q.x() - r, q.y());
            painter.setPen(QPen(chrome.text, 1.5));
            painter.setBrush(colour);
            painter.drawPolygon(diamond);
            if (!m_whatIf->label.isEmpty()) {
                const QFont small = plotting::smallFont(painter.font());
                painter.setFont(small);
                const QFontMetricsF fm(small);
                const QString text = m_whatIf->label;
                const double w = fm.horizontalAdvance(text) + 8;
                QRectF box(q.x() + 10, q.y() - fm.height() - 6, w, fm.height() + 4);
                if (box.right() > frame.plot.right())
                    box.moveRight(q.x() - 10);
                if (box.top() < frame.plot.top())
                    box.moveTop(q.y() + 8);
                QColor back = chrome.plotBackground;
                back.setAlpha(225);
                painter.setPen(QPen(colour, 1));
                painter.setBrush(back);
                painter.drawRoundedRect(box, 3, 3);
                painter.setPen(chrome.text);
                painter.drawText(box, Qt::AlignCenter, text);
            }
        }
    }
    painter.restore();
}

void ScatterPlot::drawConstraints(QPainter& painter, const Frame& frame, const Chrome& chrome) const {
    const QColor colour = models::palette::constraint();
    QColor shade = colour;
    shade.setAlpha(22);
    const QFont small = plotting::smallFont(painter.font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    auto label = [&](const QString& text, QPointF at) {
        painter.setPen(colour.darker(130));
        painter.drawText(at, text);
    };
    // Shade the side that violates the bound: for a lower-is-better objective, above it.
    if (m_constraintX) {
        const double x = frame.px(*m_constraintX);
        if (!std::isnan(x)) {
            const bool higherBetter = m_data.sense.xHigherIsBetter;
            const QRectF bad =
                higherBetter ? QRectF(frame.plot.left(), frame.plot.top(), x - frame.plot.left(), frame.plot.height())
                             : QRectF(x, frame.plot.top(), frame.plot.right() - x, frame.plot.height());
            painter.fillRect(bad.intersected(frame.plot), shade);
            painter.setPen(QPen(colour, 1.6, Qt::DashLine));
            painter.drawLine(QPointF(x, frame.plot.top()), QPointF(x, frame.plot.bottom()));
            label(QStringLiteral("%1 %2").arg(higherBetter ? QStringLiteral("≥") : QStringLiteral("≤"),
                                              models::tickLabel(*m_constraintX, std::abs(*m_constraintX) / 1000)),
                  QPointF(x + 4, frame.plot.top() + fm.ascent() + 2));
        }
    }
    if (m_constraintY) {
        const double y = frame.py(*m_constraintY);
        if (!std::isnan(y)) {
            const bool higherBetter = m_data.sense.yHigherIsBetter;
            const QRectF bad =
                higherBetter ? QRectF(frame.plot.left(), y, frame.plot.width(), frame.plot.bottom() - y)
                             : QRectF(frame.plot.left(), frame.plot.top(), frame.plot.width(), y - frame.plot.top());
            painter.fillRect(bad.intersected(frame.plot), shade);
            painter.setPen(QPen(colour, 1.6, Qt::DashLine));
            painter.drawLine(QPointF(frame.plot.left(), y), QPointF(frame.plot.right(), y));
            const QString text =
                QStringLiteral("%1 %2").arg(higherBetter ? QStringLiteral("≥") : QStringLiteral("≤"),
                                            models::tickLabel(*m_constraintY, std::abs(*m_constraintY) / 1000));
            label(text, QPointF(frame.plot.right() - fm.horizontalAdvance(text) - 4, y - 4));
        }
    }
    Q_UNUSED(chrome);
}

// Issue 15: one swatch and name per category, top down, the title along the right edge.
void ScatterPlot::drawCategoryKey(QPainter& painter, const QRectF& rect, const Frame& frame,
                                  const Chrome& chrome) const {
    painter.save();
    const QFont small = plotting::smallFont(painter.font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    const double left = frame.plot.right() + 14, step = fm.height() + 4;
    double y = frame.plot.top() + 4 + fm.height() / 2;
    for (int k = 0; k < m_data.categories.size() && y < frame.plot.bottom(); ++k, y += step) {
        painter.setPen(QPen(chrome.axis, 0.8));
        painter.setBrush(models::palette::series(k));
        painter.drawEllipse(QPointF(left + kPointRadius, y), kPointRadius + 0.5, kPointRadius + 0.5);
        painter.setPen(chrome.text);
        painter.drawText(QPointF(left + 2 * kPointRadius + 5, y + fm.ascent() / 2 - 1),
                         plotting::elided(fm, m_data.categories[k], rect.right() - left - 2 * kPointRadius - 22));
    }
    painter.setPen(chrome.text);
    const double middle = frame.plot.center().y();
    painter.translate(rect.right() - 6, middle + fm.horizontalAdvance(m_data.colourTitle) / 2);
    painter.rotate(-90);
    painter.drawText(QPointF(0, 0), plotting::elided(fm, m_data.colourTitle, frame.plot.height()));
    painter.restore();
}

void ScatterPlot::drawColourBar(QPainter& painter, const QRectF& rect, const Frame& frame, const Chrome& chrome) const {
    if (!m_data.categories.isEmpty()) {
        drawCategoryKey(painter, rect, frame, chrome);
        return;
    }
    const models::ColourScale& scale = colourScale();
    const QRectF bar(frame.plot.right() + 14, frame.plot.top() + 4, kColourBarWidth, frame.plot.height() - 8);
    painter.save();
    QLinearGradient gradient(bar.bottomLeft(), bar.topLeft());
    for (int k = 0; k <= 16; ++k)
        gradient.setColorAt(k / 16.0, QColor::fromRgb(scale.unitColour(k / 16.0)));
    painter.setPen(QPen(chrome.axis, 0.8));
    painter.setBrush(gradient);
    painter.drawRect(bar);
    const AxisScale axis{scale.lo(), scale.hi(), scale.logarithmic()};
    const QFont small = plotting::smallFont(painter.font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    painter.setPen(chrome.mutedText);
    for (const auto& t : models::axisTicks(axis, 6)) {
        if (!t.major && axis.logarithmic)
            continue;
        const double y = bar.bottom() - scale.position(t.value) * bar.height();
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3, y));
        painter.drawText(QPointF(bar.right() + 5, y + fm.ascent() / 2 - 1), t.label);
    }
    painter.setPen(chrome.text);
    const QString title = m_data.colourTitle + (scale.logarithmic() ? tr(" (log)") : QString());
    painter.translate(rect.right() - 6, bar.center().y() + fm.horizontalAdvance(title) / 2);
    painter.rotate(-90);
    painter.drawText(QPointF(0, 0), plotting::elided(fm, title, bar.height()));
    painter.restore();
}

void ScatterPlot::drawLegend(QPainter& painter, const Frame& frame, const Chrome& chrome) const {
    painter.save();
    const QFont small = plotting::smallFont(painter.font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    double x = frame.plot.left();
    const double y = frame.plot.top() - 10;
    auto entry = [&](const QString& text, const std::function<void(QPointF)>& marker) {
        marker(QPointF(x + 5, y - fm.ascent() / 3));
        painter.setPen(chrome.mutedText);
        painter.drawText(QPointF(x + 13, y), text);
        x += 13 + fm.horizontalAdvance(text) + 14;
    };
    const QColor mid = QColor::fromRgb(models::viridis(0.55));
    entry(tr("Pareto front"), [&](QPointF c) {
        painter.setPen(QPen(models::palette::front(chrome.plotBackground), 1.2));
        painter.setBrush(mid);
        painter.drawEllipse(c, kFrontRadius, kFrontRadius);
    });
    entry(tr("dominated"), [&](QPointF c) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(withAlpha(mid, kDominatedAlpha));
        painter.drawEllipse(c, kPointRadius, kPointRadius);
    });
    if (m_anyPredicted)
        entry(tr("predicted ± σ (filled: simulated or measured)"), [&](QPointF c) {
            painter.setPen(QPen(withAlpha(mid, kRingAlpha), kRingWidth));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(c, kPointRadius - kRingWidth / 2, kPointRadius - kRingWidth / 2);
            painter.setPen(QPen(withAlpha(mid, kRingAlpha), 1));
            painter.drawLine(QPointF(c.x() - 5, c.y()), QPointF(c.x() - kPointRadius, c.y()));
            painter.drawLine(QPointF(c.x() + kPointRadius, c.y()), QPointF(c.x() + 5, c.y()));
        });
    // The shapes in use, when more than one kind of target is plotted.
    if (std::count(m_markersShown.begin(), m_markersShown.end(), true) > 1)
        for (int m = 0; m < kMarkerCount; ++m)
            if (m_markersShown[std::size_t(m)] && !m_data.markerLabels[std::size_t(m)].isEmpty())
                entry(m_data.markerLabels[std::size_t(m)], [&, m](QPointF c) {
                    painter.setPen(Qt::NoPen);
                    painter.setBrush(chrome.mutedText);
                    painter.drawPath(markerPath(Marker(m), c, kPointRadius + 0.6));
                });
    if (m_outsideMode == OutsideMode::Grey)
        entry(tr("infeasible or outside a constraint"), [&](QPointF c) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(withAlpha(QColor::fromRgb(models::ColourScale::missingColour()), 140));
            painter.drawEllipse(c, kPointRadius, kPointRadius);
        });
    if (m_whatIf)
        entry(tr("what-if"), [&](QPointF c) {
            QPolygonF d;
            d << QPointF(c.x(), c.y() - 5) << QPointF(c.x() + 5, c.y()) << QPointF(c.x(), c.y() + 5)
              << QPointF(c.x() - 5, c.y());
            painter.setPen(QPen(chrome.text, 1));
            painter.setBrush(m_whatIf->joinsFront ? models::palette::whatIfJoins()
                                                  : models::palette::whatIfDominated());
            painter.drawPolygon(d);
        });
    painter.restore();
}

QPainterPath ScatterPlot::markerPath(Marker marker, QPointF c, double r) {
    QPainterPath path;
    switch (marker) {
    case Marker::Circle:
        path.addEllipse(c, r, r);
        break;
    case Marker::Square:
        path.addRect(QRectF(c.x() - 0.88 * r, c.y() - 0.88 * r, 1.76 * r, 1.76 * r));
        break;
    case Marker::Diamond: {
        const double d = 1.25 * r;
        path.addPolygon(QPolygonF({QPointF(c.x(), c.y() - d), QPointF(c.x() + d, c.y()), QPointF(c.x(), c.y() + d),
                                   QPointF(c.x() - d, c.y()), QPointF(c.x(), c.y() - d)}));
        break;
    }
    case Marker::Triangle:
        path.addPolygon(QPolygonF({QPointF(c.x(), c.y() - 1.2 * r), QPointF(c.x() + 1.15 * r, c.y() + 0.8 * r),
                                   QPointF(c.x() - 1.15 * r, c.y() + 0.8 * r), QPointF(c.x(), c.y() - 1.2 * r)}));
        break;
    }
    return path;
}

// ±σ bars of the predicted points, in the point's colour, under the markers.
void ScatterPlot::drawErrorBars(QPainter& painter, const Frame& frame) const {
    const auto has = [](const std::vector<double>& v, std::size_t i) { return i < v.size() && std::isfinite(v[i]); };
    const models::ColourScale& scale = colourScale();
    for (std::size_t i = 0; i < m_data.x.size(); ++i) {
        if (!(m_data.flags[i] & Predicted) || !drawn(i) || !(has(m_data.xError, i) || has(m_data.yError, i)))
            continue;
        const QPointF q(frame.px(m_data.x[i]), frame.py(m_data.y[i]));
        if (std::isnan(q.x()) || std::isnan(q.y()) || !frame.plot.contains(q))
            continue;
        const bool outside = !(m_data.flags[i] & Eligible);
        painter.setPen(
            QPen(withAlpha(QColor::fromRgb(pointColour(i, scale)), outside ? kOutsideAlpha : kRingAlpha), 1));
        const auto bar = [&](double from, double to, bool horizontal) {
            // A bound at or below zero on a log axis has no position: the bar runs to the edge.
            double a = horizontal ? frame.px(from) : frame.py(from), b = horizontal ? frame.px(to) : frame.py(to);
            if (!std::isfinite(a))
                a = horizontal ? frame.plot.left() : frame.plot.bottom();
            if (!std::isfinite(b))
                b = horizontal ? frame.plot.right() : frame.plot.top();
            // From the marker's edge outwards: a hollow marker stays empty inside.
            const double gap = 1.3 * kPointRadius;
            const double c = horizontal ? q.x() : q.y();
            const double lo = std::min(a, b), hi = std::max(a, b);
            for (const auto& [s0, s1] : {std::pair{lo, c - gap}, std::pair{c + gap, hi}}) {
                if (s1 <= s0)
                    continue;
                if (horizontal)
                    painter.drawLine(QPointF(s0, q.y()), QPointF(s1, q.y()));
                else
                    painter.drawLine(QPointF(q.x(), s0), QPointF(q.x(), s1));
            }
            for (const double end : {lo, hi}) {
                if (std::abs(end - c) <= gap)
                    continue;
                if (horizontal)
                    painter.drawLine(QPointF(end, q.y() - 2), QPointF(end, q.y() + 2));
                else
                    painter.drawLine(QPointF(q.x() - 2, end), QPointF(q.x() + 2, end));
            }
        };
        if (has(m_data.xError, i))
            bar(m_data.x[i] - m_data.xError[i], m_data.x[i] + m_data.xError[i], true);
        if (has(m_data.yError, i))
            bar(m_data.y[i] - m_data.yError[i], m_data.y[i] + m_data.yError[i], false);
    }
}

// ---- interaction --------------------------------------------------------------------------

std::optional<Qt::Orientation> ScatterPlot::constraintNear(QPointF pos) const {
    const Frame frame = frameFor(rect());
    if (!frame.plot.adjusted(-4, -4, 4, 4).contains(pos))
        return std::nullopt;
    if (m_constraintX && std::abs(frame.px(*m_constraintX) - pos.x()) <= 4)
        return Qt::Vertical;
    if (m_constraintY && std::abs(frame.py(*m_constraintY) - pos.y()) <= 4)
        return Qt::Horizontal;
    return std::nullopt;
}

void ScatterPlot::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    m_pressPos = m_lastPos = event->position();
    m_pressModifiers = event->modifiers();
    if (event->button() == Qt::MiddleButton) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    if (event->button() != Qt::LeftButton)
        return PlotWidget::mousePressEvent(event);
    if (const auto line = constraintNear(event->position())) {
        m_drag = *line == Qt::Vertical ? Drag::ConstraintX : Drag::ConstraintY;
        return;
    }
    m_drag = Drag::Pending;
}

bool ScatterPlot::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_hover >= 0 && m_toolTip) {
        QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), m_toolTip(m_hover), this);
        return true;
    }
    return PlotWidget::event(event);
}

void ScatterPlot::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const Frame frame = frameFor(rect());
    switch (m_drag) {
    case Drag::None: {
        const int hover = pointAt(pos);
        if (hover != m_hover) {
            m_hover = hover;
            update();
        }
        if (hover >= 0 && m_toolTip)
            QToolTip::showText(event->globalPosition().toPoint(), m_toolTip(hover), this);
        else
            QToolTip::hideText();
        const auto line = constraintNear(pos);
        setCursor(line ? (*line == Qt::Vertical ? Qt::SplitHCursor : Qt::SplitVCursor)
                       : (hover >= 0 ? Qt::PointingHandCursor : Qt::CrossCursor));
        return;
    }
    case Drag::Pending:
        if (QLineF(m_pressPos, pos).length() < 4)
            return;
        m_drag = (m_pressModifiers & Qt::ShiftModifier)     ? Drag::Select
                 : (m_pressModifiers & Qt::ControlModifier) ? Drag::Pan
                                                            : Drag::Zoom;
        if (m_drag == Drag::Pan)
            setCursor(Qt::ClosedHandCursor);
        [[fallthrough]];
    case Drag::Zoom:
    case Drag::Select:
        if (m_drag == Drag::Pan) {
            panByPixels(pos - m_lastPos);
            break;
        }
        m_lastPos = pos;
        update();
        return;
    case Drag::Pan:
        panByPixels(pos - m_lastPos);
        break;
    case Drag::ConstraintX:
        emit constraintDragged(Qt::Vertical, frame.dataX(std::clamp(pos.x(), frame.plot.left(), frame.plot.right())));
        break;
    case Drag::ConstraintY:
        emit constraintDragged(Qt::Horizontal, frame.dataY(std::clamp(pos.y(), frame.plot.top(), frame.plot.bottom())));
        break;
    }
    m_lastPos = pos;
}

void ScatterPlot::mouseReleaseEvent(QMouseEvent* event) {
    const Drag drag = m_drag;
    m_drag = Drag::None;
    setCursor(Qt::CrossCursor);
    const QRectF band = QRectF(m_pressPos, event->position()).normalized();
    switch (drag) {
    case Drag::Pending: {
        const int hit = pointAt(event->position());
        if (hit >= 0)
            emit pointClicked(hit, m_pressModifiers);
        else
            emit emptyClicked(m_pressModifiers);
        break;
    }
    case Drag::Zoom:
        if (band.width() > 6 && band.height() > 6) {
            const Frame frame = frameFor(rect());
            AxisScale x = m_xView, y = m_yView;
            x.lo = frame.dataX(band.left());
            x.hi = frame.dataX(band.right());
            y.lo = frame.dataY(band.bottom());
            y.hi = frame.dataY(band.top());
            setView(x, y);
        }
        break;
    case Drag::Select:
        emit pointsBanded(pointsIn(band), m_pressModifiers);
        break;
    default:
        break;
    }
    update();
}

void ScatterPlot::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && pointAt(event->position()) < 0)
        resetView();
}

void ScatterPlot::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    const double factor = std::pow(1.25, steps);
    const bool onlyX = event->modifiers() & Qt::ShiftModifier;
    const bool onlyY = event->modifiers() & Qt::ControlModifier;
    zoomAt(event->position(), onlyY ? 1.0 : factor, onlyX ? 1.0 : factor);
    event->accept();
}

void ScatterPlot::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Up:
        emit stepRequested(+1);
        return;
    case Qt::Key_Left:
    case Qt::Key_Down:
        emit stepRequested(-1);
        return;
    case Qt::Key_Space:
        emit exportToggleRequested();
        return;
    case Qt::Key_Home:
    case Qt::Key_0:
        resetView();
        return;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAt(plotRect().center(), 1.25, 1.25);
        return;
    case Qt::Key_Minus:
        zoomAt(plotRect().center(), 0.8, 0.8);
        return;
    case Qt::Key_Escape:
        if (m_drag != Drag::None) {
            m_drag = Drag::None;
            update();
            return;
        }
        break;
    default:
        break;
    }
    PlotWidget::keyPressEvent(event);
}

void ScatterPlot::leaveEvent(QEvent* event) {
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
    PlotWidget::leaveEvent(event);
}

void ScatterPlot::resizeEvent(QResizeEvent* event) {
    m_layerValid = false;
    PlotWidget::resizeEvent(event);
}

QList<QAction*> ScatterPlot::contextActions() {
    if (!m_resetAction) {
        m_resetAction = new QAction(tr("Reset Zoom"), this);
        m_resetAction->setToolTip(tr("Show every point again (double-click, Home)"));
        connect(m_resetAction, &QAction::triggered, this, &ScatterPlot::resetView);
    }
    m_resetAction->setEnabled(!m_autoView);
    return {m_resetAction};
}

} // namespace tcw::widgets
