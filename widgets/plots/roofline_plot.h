// The roofline of a simulated run: ops as points (arithmetic intensity against achieved
// throughput, log–log), coloured by phase and shaped by what bounds them, under the
// accelerator's compute roof and main-memory bandwidth roof. Ops that never touch main memory
// (intensity ∞) sit in a band at the right edge.
#pragma once

#include "models/axis_ticks.h"
#include "models/roofline.h"
#include "plot_widget.h"

namespace tcw::widgets {

class RooflinePlot : public PlotWidget {
    Q_OBJECT

public:
    explicit RooflinePlot(QWidget* parent = nullptr);

    void setRoofline(models::Roofline roofline);
    const models::Roofline& roofline() const { return m_roofline; }
    QSize sizeHint() const override { return {360, 300}; }

    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Geometry {
        QRectF plot;
        models::AxisScale x, y;
        double infinityX = 0; // where ∞-intensity ops are drawn
    };
    Geometry geometryFor(const QRectF& rect) const;
    QPointF positionOf(const models::RooflinePoint& p, const Geometry& g) const;

    models::Roofline m_roofline;
};

} // namespace tcw::widgets
