// A horizontal bar chart of a BarSeries: one bar per category, stacked segments with a legend
// when there are several, values at the bar ends, hover tooltips. The detail panel's energy,
// area, utilisation and latency charts; exportable like every plot.
#pragma once

#include "models/breakdown_series.h"
#include "plot_widget.h"

namespace tcw::widgets {

class BarChart : public PlotWidget {
    Q_OBJECT

public:
    explicit BarChart(QWidget* parent = nullptr);

    void setSeries(models::BarSeries series);
    const models::BarSeries& series() const { return m_series; }
    // The height that shows every bar at a readable size.
    int preferredHeight() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Layout {
        QRectF plot;
        double labelWidth = 0, barHeight = 0, legendHeight = 0, max = 1;
    };
    Layout layoutFor(const QRectF& rect, const QFontMetricsF& fm) const;

    models::BarSeries m_series;
};

} // namespace tcw::widgets
