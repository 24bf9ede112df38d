// The base of the Training panel's Qt Charts plots — the loss and accuracy curves, the
// magnitude histograms (training_plots.h) and the low-bit plots (low_bit_plots.h): each draws
// one TrainingSeries, is redrawn only when told the series changed, and has the panel's plot
// size. What they share of a chart's set-up is here: the workbench's chart look with a title,
// a nice-number x axis at the bottom and y axis at the left with the series attached to both,
// the run's step axis, styled lines, and the empty state before the first report.
#pragma once

#include "chart_plot.h"
#include "models/axis_ticks.h"
#include "models/training_series.h"

#include <QPen>

class QCategoryAxis;
class QLineSeries;

namespace tcw::widgets {

class TrainingChart : public ChartPlot {
    Q_OBJECT

public:
    QSize sizeHint() const override { return {360, 200}; }
    QSize minimumSizeHint() const override { return {200, 140}; }
    // The series changed: the chart is rebuilt (see ChartPlot::scheduleRebuild).
    void seriesChanged() { scheduleRebuild(); }

protected:
    TrainingChart(const models::TrainingSeries* series, QWidget* parent);

    struct Axes {
        QCategoryAxis* x;
        QCategoryAxis* y;
    };
    // The chart prepared like every chart (charts::prepareChart, legend on top) with its title,
    // and its two axes added: x at the bottom (8 ticks at most), y at the left (7).
    Axes prepare(QChart& chart, const plotting::Chrome& chrome, const QString& title, const models::AxisScale& x,
                 const QString& xTitle, const models::AxisScale& y, const QString& yTitle) const;
    // The x scale of a chart over the run: step 0 to its last step (at least 1).
    models::AxisScale stepScale() const;
    // Adds series to the chart, on both axes.
    static void attach(QChart& chart, QAbstractSeries* series, const Axes& axes);
    // A new line series named name, drawn with pen.
    static QLineSeries* line(const QString& name, const QPen& pen);
    // The empty state: "No run yet" before the first report, then whyEmpty (empty: the chart
    // has something to show).
    QString noRunYetOr(const QString& whyEmpty) const;

    const models::TrainingSeries* m_series;
};

} // namespace tcw::widgets
