// The roofline of a simulated run (Qt Charts): ops as points (arithmetic intensity against
// achieved throughput, log–log), coloured by phase and shaped by what bounds them, under the
// accelerator's compute roof and main-memory bandwidth roof. Ops that never touch main memory
// (intensity ∞) sit in a band at the right edge, at the axis' "∞" label. Both axes are in
// log10 units with nice-number ticks (chart_axes.h).
#pragma once

#include "chart_plot.h"
#include "models/axis_ticks.h"
#include "models/roofline.h"

namespace tcw::widgets {

class RooflinePlot : public ChartPlot {
    Q_OBJECT

public:
    explicit RooflinePlot(QWidget* parent = nullptr);

    void setRoofline(models::Roofline roofline);
    const models::Roofline& roofline() const { return m_roofline; }
    QSize sizeHint() const override { return {360, 300}; }

    // The axes' ranges in data units (intensity in FLOP/byte, throughput in GFLOP/s), and the
    // axis coordinate (log10) where ∞-intensity ops are drawn.
    struct Scales {
        models::AxisScale x, y;
        double infinityX = 0;
    };
    Scales scales() const;
    // The op drawn at point (series coordinates) of series; nullptr when none.
    const models::RooflinePoint* opAt(const QAbstractSeries* series, QPointF point) const;
    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    models::Roofline m_roofline;
};

} // namespace tcw::widgets
