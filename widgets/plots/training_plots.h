// The Training panel's live plots, drawn from a TrainingSeries: loss or accuracy over steps
// (train line, test points), the sparsity heat map (rows = layer × tensor kind, columns =
// reports), and a magnitude histogram with the thresholds drawn on it. Each repaints only
// when told the series changed, from cached geometry, so a report costs the GUI little.
#pragma once

#include "models/training_series.h"
#include "plot_widget.h"

#include <QImage>

namespace tcw::widgets {

class TrainingCurvePlot : public PlotWidget {
    Q_OBJECT

public:
    enum class Quantity { Loss, Accuracy };
    TrainingCurvePlot(Quantity quantity, const models::TrainingSeries* series, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {360, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;
    void seriesChanged() { update(); }

private:
    Quantity m_quantity;
    const models::TrainingSeries* m_series;
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

class MagnitudeHistogramPlot : public PlotWidget {
    Q_OBJECT

public:
    enum class Tensors { Activations, Gradients };
    MagnitudeHistogramPlot(Tensors tensors, const models::TrainingSeries* series, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {360, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;
    void seriesChanged() { update(); }

private:
    Tensors m_tensors;
    const models::TrainingSeries* m_series;
};

} // namespace tcw::widgets
