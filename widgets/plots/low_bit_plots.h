// The Training panel's plots of a quantization-aware or distilled run (issue 15), drawn from a
// TrainingSeries' LowBitSeries: one matrix's latent-weight histogram with its quantizer's
// decision boundaries, the scale of every quantized tensor over the reports, and the teacher /
// student loss split over the reports.
#pragma once

#include "chart_plot.h"
#include "models/training_series.h"

namespace tcw::widgets {

class LatentWeightPlot : public ChartPlot {
    Q_OBJECT

public:
    explicit LatentWeightPlot(const models::TrainingSeries* series, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {360, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    void seriesChanged() { scheduleRebuild(); }
    // Which of the latest report's weight matrices is drawn (clamped to those there are).
    void setTensorIndex(int index);
    int tensorIndex() const { return m_index; }
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    const models::LatentWeights* shown() const;
    const models::TrainingSeries* m_series;
    int m_index = 0;
};

class ScaleCurvePlot : public ChartPlot {
    Q_OBJECT

public:
    explicit ScaleCurvePlot(const models::TrainingSeries* series, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {360, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    void seriesChanged() { scheduleRebuild(); }

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    const models::TrainingSeries* m_series;
};

class LossSplitPlot : public ChartPlot {
    Q_OBJECT

public:
    explicit LossSplitPlot(const models::TrainingSeries* series, QWidget* parent = nullptr);
    QSize sizeHint() const override { return {360, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    void seriesChanged() { scheduleRebuild(); }
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    const models::TrainingSeries* m_series;
};

} // namespace tcw::widgets
