// Hypervolume against trials for a running or finished search: a step line that rises
// as the front improves, the budget as the horizontal extent, hover tooltips. Points come one
// at a time from the search's progress; the Qt Charts chart is rebuilt once per burst of them.
#pragma once

#include "chart_plot.h"

#include <QPointF>
#include <QVector>

namespace tcw::widgets {

class HypervolumePlot : public ChartPlot {
    Q_OBJECT

public:
    explicit HypervolumePlot(QWidget* parent = nullptr);

    // trials: trials so far; hypervolume in [0, 1] (of the search's normalised box).
    // A point at fewer trials than the last one starts a new curve (a resumed search
    // replays from 0).
    void addPoint(int trials, double hypervolume);
    void clear();
    void setBudget(int budget); // the x axis spans 0..budget
    const QVector<QPointF>& points() const { return m_points; }

    QSize sizeHint() const override { return {360, 180}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

    QString pointToolTip(const QAbstractSeries* series, QPointF point) const override;

protected:
    void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const override;
    QString emptyMessage() const override;

private:
    QVector<QPointF> m_points; // (trials, hypervolume), trials ascending
    int m_budget = 1;
};

} // namespace tcw::widgets
