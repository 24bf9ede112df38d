// The Selection view's plots (issue 16): the accuracy–sparsity curves of the trained
// compression settings, one line per pruning pattern, with the accuracy constraint AC as a
// dashed line (Qt Charts); and the pattern viewer's heat map of a pruned matrix, each cell's
// colour its kept fraction (the project's own widget: Qt Charts has no heat map).
#pragma once

#include "chart_plot.h"

#include "compress/mask_grid.h"

#include <QImage>
#include <QString>
#include <vector>

namespace tcw::widgets {

struct AccuracyCurve {
    QString pattern;                               // "hierarchical", "dense", …
    std::vector<std::pair<double, double>> points; // (weight sparsity, accuracy), by sparsity
};

class AccuracySparsityPlot : public ChartPlot {
    Q_OBJECT
public:
    explicit AccuracySparsityPlot(QWidget* parent = nullptr);
    QSize sizeHint() const override { return {420, 240}; }
    QSize minimumSizeHint() const override { return {220, 150}; }
    void setCurves(std::vector<AccuracyCurve> curves);
    void setAccuracyLimit(double ac);
    const std::vector<AccuracyCurve>& curves() const { return m_curves; }
    double accuracyLimit() const { return m_ac; }
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    std::vector<AccuracyCurve> m_curves;
    double m_ac = 0;
};

// A matrix's mask on a grid (compress::keptGrid): kept fraction 0 (pruned) to 1 (all kept).
class PruningHeatMap : public PlotWidget {
    Q_OBJECT
public:
    explicit PruningHeatMap(QWidget* parent = nullptr);
    QSize sizeHint() const override { return {420, 260}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    void setGrid(compress::KeptGrid grid, QString title);
    const compress::KeptGrid& grid() const { return m_grid; }
    // The kept fraction the picture shows: Σ kept / Σ elements over its cells.
    double shownKeptFraction() const { return m_grid.keptFraction(); }
    // The colour of a cell with this kept fraction.
    static QColor cellColour(double keptFraction);
    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QRectF cellArea(const QRectF& rect) const;
    compress::KeptGrid m_grid;
    QString m_title;
    QImage m_cells; // one pixel per cell
};

} // namespace tcw::widgets
