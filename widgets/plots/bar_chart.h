// A horizontal bar chart of a BarSeries (Qt Charts): one bar per category, stacked segments
// with a legend when there are several, each bar's total beside its label, hover tooltips.
// The detail panel's energy, area, utilisation and latency charts; exportable like every plot.
#pragma once

#include "chart_plot.h"
#include "models/breakdown_series.h"

namespace tcw::widgets {

class BarChart : public ChartPlot {
    Q_OBJECT

public:
    explicit BarChart(QWidget* parent = nullptr);

    void setSeries(models::BarSeries series);
    const models::BarSeries& series() const { return m_series; }
    // The height that shows every bar at a readable size.
    int preferredHeight() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // The label of category c on the chart: its name and its total in the series' unit.
    QString categoryLabel(int c) const;
    // The value axis' extent: the fixed maximum, or the largest total.
    double axisMax() const;

    QString barToolTip(const QBarSet* set, int index) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    models::BarSeries m_series;
};

} // namespace tcw::widgets
