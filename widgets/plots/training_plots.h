// The Training panel's live plots, drawn from a TrainingSeries: loss or accuracy over steps
// (train line, test points) and a magnitude histogram with the thresholds drawn on it, as Qt
// Charts charts; the sparsity heat map (rows = layer × tensor kind, columns = reports) as the
// project's own widget (Qt Charts has no heat map). Each is redrawn only when told the series
// changed, so a report costs the GUI little.
#pragma once

#include "training_chart.h"

#include <QImage>

namespace tcw::widgets {

class TrainingCurvePlot : public TrainingChart {
    Q_OBJECT

public:
    enum class Quantity { Loss, Accuracy };
    TrainingCurvePlot(Quantity quantity, const models::TrainingSeries* series, QWidget* parent = nullptr);
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    Quantity m_quantity;
};

class SparsityHeatMap : public PlotWidget {
    Q_OBJECT

public:
    explicit SparsityHeatMap(const models::TrainingSeries* series, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {520, 220}; }
    QSize minimumSizeHint() const override { return {240, 140}; }
    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;
    void seriesChanged(); // rebuilds the cell image (one pixel per cell), then repaints

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QRectF cellArea(const QRectF& rect) const;
    const models::TrainingSeries* m_series;
    QImage m_cells; // columns × rows, one pixel per cell, scaled when drawn
};

// Bins on a log |x| axis (a step outline over a filled area, in log10 units), the share of
// elements per bin on a linear axis, τ as a dashed line at the median threshold in force and a
// band from the smallest to the largest.
class MagnitudeHistogramPlot : public TrainingChart {
    Q_OBJECT

public:
    enum class Tensors { Activations, Gradients };
    MagnitudeHistogramPlot(Tensors tensors, const models::TrainingSeries* series, QWidget* parent = nullptr);
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;
    // The |x| axis' range (data units) and the largest share, as the chart shows them.
    models::AxisScale magnitudeScale() const;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    Tensors m_tensors;
};

} // namespace tcw::widgets
