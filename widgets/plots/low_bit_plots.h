// The Training panel's plots of a quantization-aware or distilled run (issue 15), drawn from a
// TrainingSeries' LowBitSeries: one matrix's latent-weight histogram with its quantizer's
// decision boundaries, the scale of every quantized tensor over the reports, and the teacher /
// student loss split over the reports.
#pragma once

#include "training_chart.h"

namespace tcw::widgets {

class LatentWeightPlot : public TrainingChart {
    Q_OBJECT

public:
    explicit LatentWeightPlot(const models::TrainingSeries* series, QWidget* parent = nullptr);
    // Which of the latest report's weight matrices is drawn (clamped to those there are).
    void setTensorIndex(int index);
    int tensorIndex() const { return m_index; }
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    const models::LatentWeights* shown() const;
    int m_index = 0;
};

class ScaleCurvePlot : public TrainingChart {
    Q_OBJECT

public:
    explicit ScaleCurvePlot(const models::TrainingSeries* series, QWidget* parent = nullptr);

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;
};

class LossSplitPlot : public TrainingChart {
    Q_OBJECT

public:
    explicit LossSplitPlot(const models::TrainingSeries* series, QWidget* parent = nullptr);
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;
};

} // namespace tcw::widgets
