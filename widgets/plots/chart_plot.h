// The base of the explorer's conventional charts drawn with Qt Charts (bars, curves, the
// roofline): a PlotWidget (so export to PNG / SVG / PDF, the context menu and the report work
// as for every plot) that shows a QChartView. A subclass says once how its data becomes a
// QChart (buildChart); the live chart is rebuilt from it when the data or the palette (the
// light or dark theme) changes, and export builds a fresh chart in print colours at the
// file's size. Hovering a point or bar shows the subclass' description of it.
#pragma once

#include "plot_painting.h"
#include "plot_widget.h"

#include <QElapsedTimer>
#include <QPointF>

class QAbstractSeries;
class QBarSet;
class QChart;
class QChartView;
class QGraphicsSimpleTextItem;

namespace tcw::widgets {

class ChartPlot : public PlotWidget {
    Q_OBJECT

public:
    explicit ChartPlot(QWidget* parent = nullptr);
    ~ChartPlot() override;

    // The chart on screen, up to date (a pending rebuild is done first). For tests.
    QChart* chart() const;
    QChartView* chartView() const { return m_view; }

    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;
    // The data the chart shows changed (see scheduleRebuild).
    void dataChanged() { scheduleRebuild(); }

    // What the tooltip says when the pointer is on point (in the series' coordinates) of
    // series, or on bar index of set: the values with their units. Empty: no tooltip.
    virtual QString pointToolTip(const QAbstractSeries* series, QPointF point) const;
    virtual QString barToolTip(const QBarSet* set, int index) const;

protected:
    // Fills an empty chart (already sized, no series, no axes) from the data: series, axes,
    // legend, title; colours from chrome (print colours when forExport).
    virtual void buildChart(QChart& chart, const plotting::Chrome& chrome, bool forExport) const = 0;
    // A message shown over the plot area ("No run yet"); empty: none.
    virtual QString emptyMessage() const { return {}; }

    // The data changed: the chart is rebuilt once control returns to the event loop, at most
    // ten times a second (many changes in a row cost one rebuild).
    void scheduleRebuild();

    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuild() const;
    void connectHover(QChart& chart);
    void placeMessage(QChart& chart, QGraphicsSimpleTextItem* item) const;

    QChartView* m_view;
    mutable bool m_pending = false;
    QElapsedTimer m_sinceRebuild;
};

namespace charts {
// A chart prepared like every chart of the workbench: colours from chrome, no animation,
// tight margins, legend at the top.
void prepareChart(QChart& chart, const plotting::Chrome& chrome, const QFont& font, const QString& title);
} // namespace charts

} // namespace tcw::widgets
