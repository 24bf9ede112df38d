// Hypervolume against evaluations for a running or finished search: a step line that rises
// as the front improves, the budget as the horizontal extent, hover tooltips. Points come one
// at a time from the search's progress (cheap: appending redraws only the widget).
#pragma once

#include "plot_widget.h"

#include <QPointF>
#include <QVector>

namespace tcw::widgets {

class HypervolumePlot : public PlotWidget {
    Q_OBJECT

public:
    explicit HypervolumePlot(QWidget* parent = nullptr);

    // evaluations: trials so far; hypervolume in [0, 1] (of the search's normalised box).
    // A point at fewer evaluations than the last one starts a new curve (a resumed search
    // replays from 0).
    void addPoint(int evaluations, double hypervolume);
    void clear();
    void setBudget(int budget); // the x axis spans 0..budget
    const QVector<QPointF>& points() const { return m_points; }

    QSize sizeHint() const override { return {360, 180}; }
    QSize minimumSizeHint() const override { return {200, 120}; }
    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    QRectF plotRect(const QRectF& rect) const;

    QVector<QPointF> m_points; // (evaluations, hypervolume), evaluations ascending
    int m_budget = 1;
};

} // namespace tcw::widgets
