// The Selection view's plots (selection_plots.h).
#include "selection_plots.h"

#include "chart_axes.h"
#include "models/colour_map.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

namespace {

QString percent(double fraction, int decimals = 1) {
    return QLocale().toString(100.0 * fraction, 'f', decimals) + QStringLiteral(" %");
}

} // namespace

AccuracySparsityPlot::AccuracySparsityPlot(QWidget* parent) : ChartPlot(parent) {
    setExportName(QStringLiteral("accuracy-sparsity"));
}

void AccuracySparsityPlot::setCurves(std::vector<AccuracyCurve> curves) {
    m_curves = std::move(curves);
    dataChanged();
}

void AccuracySparsityPlot::setAccuracyLimit(double ac) {
    m_ac = ac;
    dataChanged();
}

QString AccuracySparsityPlot::emptyMessage() const {
    return m_curves.empty() ? tr("No trained settings: choose a runs folder (tcw select-device --runs DIR), or give "
                                 "accuracies in the catalogue")
                            : QString();
}

void AccuracySparsityPlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    charts::prepareChart(chart, chrome, font(), tr("Accuracy against weight sparsity"));
    std::vector<double> ys{m_ac};
    for (const auto& c : m_curves)
        for (const auto& p : c.points)
            ys.push_back(p.second);
    models::AxisScale y = models::fittedScale(ys, false);
    y.lo = std::max(0.0, y.lo);
    y.hi = std::min(1.0, std::max(y.hi, y.lo + 0.01));
    QCategoryAxis* xAxis =
        charts::niceAxis(models::AxisScale{0.0, 1.0, false}, 6, tr("Weight sparsity"), chrome, font());
    QCategoryAxis* yAxis = charts::niceAxis(y, 6, tr("Accuracy"), chrome, font());
    chart.addAxis(xAxis, Qt::AlignBottom);
    chart.addAxis(yAxis, Qt::AlignLeft);
    int index = 0;
    for (const auto& c : m_curves) {
        const QColor colour = models::palette::series(index++);
        auto* line = new QLineSeries;
        line->setName(c.pattern);
        line->setPen(QPen(colour, 1.8));
        auto* points = new QScatterSeries;
        points->setName(c.pattern);
        points->setMarkerSize(8);
        points->setColor(colour);
        points->setBorderColor(colour.darker(130));
        for (const auto& [s, a] : c.points) {
            line->append(s, a);
            points->append(s, a);
        }
        for (QXYSeries* series : {static_cast<QXYSeries*>(line), static_cast<QXYSeries*>(points)}) {
            chart.addSeries(series);
            series->attachAxis(xAxis);
            series->attachAxis(yAxis);
        }
        chart.legend()->markers(points).first()->setVisible(false);
    }
    auto* limit = new QLineSeries;
    limit->setName(tr("AC %1").arg(QLocale().toString(m_ac, 'f', 3)));
    limit->setPen(QPen(models::palette::constraint(), 1.5, Qt::DashLine));
    limit->append(0.0, m_ac);
    limit->append(1.0, m_ac);
    chart.addSeries(limit);
    limit->attachAxis(xAxis);
    limit->attachAxis(yAxis);
}

QString AccuracySparsityPlot::pointToolTip(const QAbstractSeries* series, QPointF point) const {
    if (!series)
        return {};
    for (const auto& c : m_curves) {
        if (c.pattern != series->name())
            continue;
        const auto nearest = std::min_element(c.points.begin(), c.points.end(), [&](const auto& a, const auto& b) {
            return std::abs(a.first - point.x()) < std::abs(b.first - point.x());
        });
        if (nearest != c.points.end())
            return tr("%1 at %2 sparsity: accuracy %3")
                .arg(c.pattern, percent(nearest->first, 0), QLocale().toString(nearest->second, 'f', 4));
    }
    return {};
}

// ---- heat map --------------------------------------------------------------------------

PruningHeatMap::PruningHeatMap(QWidget* parent) : PlotWidget(parent) {
    setExportName(QStringLiteral("pruning-pattern"));
    setMouseTracking(true);
}

QColor PruningHeatMap::cellColour(double f) {
    // Pruned: pale; kept: the forward blue, linearly between.
    const QColor kept = models::palette::forward(), pruned(0xf2, 0xf2, 0xf2);
    f = std::clamp(f, 0.0, 1.0);
    return QColor::fromRgbF(float(pruned.redF() + f * (kept.redF() - pruned.redF())),
                            float(pruned.greenF() + f * (kept.greenF() - pruned.greenF())),
                            float(pruned.blueF() + f * (kept.blueF() - pruned.blueF())));
}

void PruningHeatMap::setGrid(compress::KeptGrid grid, QString title) {
    m_grid = std::move(grid);
    m_title = std::move(title);
    m_cells = QImage(std::max(1, m_grid.cols), std::max(1, m_grid.rows), QImage::Format_RGB32);
    m_cells.fill(Qt::white);
    for (int r = 0; r < m_grid.rows; ++r)
        for (int c = 0; c < m_grid.cols; ++c)
            m_cells.setPixelColor(c, r, cellColour(m_grid.fraction(r, c)));
    update();
}

QRectF PruningHeatMap::cellArea(const QRectF& rect) const {
    const QRectF area = rect.adjusted(48, 28, -12, -36);
    if (m_grid.rows == 0 || m_grid.cols == 0 || area.width() <= 0 || area.height() <= 0)
        return area;
    // Keep the matrix's aspect (rows × cols elements) inside the area.
    const double aspect = double(m_grid.rows * m_grid.cellRows) / double(m_grid.cols * m_grid.cellCols);
    double w = area.width(), h = w * aspect;
    if (h > area.height()) {
        h = area.height();
        w = h / aspect;
    }
    return QRectF(area.left(), area.top(), w, h);
}

void PruningHeatMap::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(chrome.text);
    painter.drawText(QPointF(rect.left() + 4, rect.top() + QFontMetricsF(bold).ascent() + 3),
                     m_title.isEmpty() ? tr("Pruning pattern") : m_title);
    painter.setFont(plotting::smallFont(font()));
    const QRectF area = cellArea(rect);
    if (m_grid.rows == 0) {
        painter.fillRect(area, chrome.plotBackground);
        painter.setPen(chrome.mutedText);
        painter.drawText(area, Qt::AlignCenter, tr("No pruning run: open a folder that tcw prune wrote"));
        return;
    }
    painter.drawImage(area, m_cells);
    painter.setPen(chrome.axis);
    painter.drawRect(area);
    const QFontMetricsF fm(painter.font());
    painter.setPen(chrome.mutedText);
    const int rows = m_grid.rows * m_grid.cellRows, cols = m_grid.cols * m_grid.cellCols;
    painter.drawText(QRectF(rect.left(), area.top(), area.left() - rect.left() - 4, fm.height()), Qt::AlignRight,
                     QStringLiteral("0"));
    painter.drawText(QRectF(rect.left(), area.bottom() - fm.height(), area.left() - rect.left() - 4, fm.height()),
                     Qt::AlignRight, QLocale().toString(rows));
    const QString legend = tr("kept %1 · cell %2 × %3 weights · %4 × %5 (in × out)")
                               .arg(percent(m_grid.keptFraction(), 2))
                               .arg(m_grid.cellRows)
                               .arg(m_grid.cellCols)
                               .arg(rows)
                               .arg(cols);
    painter.drawText(QPointF(area.left(), area.bottom() + fm.ascent() + 4), legend);
    // The colour scale: pruned → kept.
    const double y = area.bottom() + fm.height() + 8, x0 = area.left();
    for (int i = 0; i <= 10; ++i)
        painter.fillRect(QRectF(x0 + i * 8, y, 8, 8), cellColour(i / 10.0));
    painter.drawText(QPointF(x0 + 96, y + fm.ascent() - 2), tr("pruned → kept (fraction of a cell)"));
}

void PruningHeatMap::mouseMoveEvent(QMouseEvent* event) {
    const QRectF area = cellArea(rect());
    if (m_grid.rows == 0 || !area.contains(event->position())) {
        QToolTip::hideText();
        return;
    }
    const int c = std::min(m_grid.cols - 1, int((event->position().x() - area.left()) / area.width() * m_grid.cols));
    const int r = std::min(m_grid.rows - 1, int((event->position().y() - area.top()) / area.height() * m_grid.rows));
    const std::size_t i = std::size_t(r) * std::size_t(m_grid.cols) + std::size_t(c);
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("rows %1–%2, columns %3–%4: %5 of %6 kept")
                           .arg(r * m_grid.cellRows)
                           .arg((r + 1) * m_grid.cellRows - 1)
                           .arg(c * m_grid.cellCols)
                           .arg((c + 1) * m_grid.cellCols - 1)
                           .arg(m_grid.kept[i])
                           .arg(m_grid.total[i]),
                       this);
}

} // namespace tcw::widgets
