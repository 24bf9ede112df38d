// Parallel coordinates: one vertical axis per objective, one line per design, coloured by the
// explorer's colour objective. Dragging along an axis brushes a range there; brushes filter
// the design table (and so the Pareto plot), and lines outside them turn grey. Clicking a line
// selects its design; the shared selection is drawn on top. Cost axes spanning two decades or
// more are logarithmic.
#pragma once

#include "models/axis_ticks.h"
#include "models/objective.h"
#include "plot_painting.h"
#include "plot_widget.h"

#include <QImage>

#include <optional>
#include <vector>

class QItemSelectionModel;
class QLabel;

class QTimer;

namespace tcw::models {
class DesignProxyModel;
class DesignTableModel;
class ExplorerSettings;
} // namespace tcw::models

namespace tcw::widgets {

class ParallelCoordinatesPlot : public PlotWidget {
    Q_OBJECT

public:
    ParallelCoordinatesPlot(models::DesignTableModel* model, models::DesignProxyModel* proxy,
                            QItemSelectionModel* selection, models::ExplorerSettings* settings,
                            QWidget* parent = nullptr);

    const std::vector<models::Objective>& axes() const { return m_axes; }
    const models::AxisScale& scaleOf(int axis) const { return m_scales[std::size_t(axis)]; }
    // Geometry for tests: an axis' x position and the y position of a value on it.
    double axisX(int axis) const;
    double valueY(int axis, double value) const;
    QRectF plotRect() const;
    int lineAt(QPointF pos, double tolerance = 5) const; // the row of the line there, or -1
    // Read-backs for the two-rule tests: the row drawn as the current design (-1: none; a row
    // the filter hid when the lines were built is never drawn), and whether the lines drawn
    // are the rows the filter accepts now.
    int drawnCurrentRow() const;
    bool linesMatchFilter() const;

    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;

public slots:
    void rebuild();
    void clearBrushes();

signals:
    void statusMessage(const QString& text);

protected:
    // A line's summary stays while the mouse rests on it (see ScatterPlot::event).
    bool event(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    QList<QAction*> contextActions() override;

private:
    QRectF plotRectFor(const QRectF& rect) const;
    double axisXFor(const QRectF& plot, int axis) const;
    int axisNear(QPointF pos) const;
    void drawLines(QPainter& painter, const QRectF& plot, bool forExport) const;
    void drawAxes(QPainter& painter, const QRectF& plot, const plotting::Chrome& chrome) const;
    QPolygonF lineOf(int row, const QRectF& plot) const;
    void stepAlongFront(int direction);

    models::DesignTableModel* m_model;
    models::DesignProxyModel* m_proxy;
    QItemSelectionModel* m_selection;
    models::ExplorerSettings* m_settings;
    std::vector<models::Objective> m_axes;
    std::vector<models::AxisScale> m_scales;
    std::vector<bool> m_accepted; // by row: passes the filter (brushes included)

    int m_brushAxis = -1; // the axis being brushed
    double m_brushFrom = 0, m_brushTo = 0;
    QPointF m_pressPos;
    bool m_pressed = false;
    int m_hover = -1;
    QString summaryOf(int row) const; // a design's name and values, for the hover tooltip
    QAction* m_clearAction = nullptr;

    mutable QImage m_layer;
    mutable bool m_layerValid = false;
    bool m_appendPending = false;     // rows were inserted; the next frontChanged draws them later
    QTimer* m_rebuildTimer = nullptr; // the deferred redraw of appended rows
};

// The tab: the plot with a toolbar (clear brushes, export) and a hint line.
class ParallelCoordinatesView : public QWidget {
    Q_OBJECT

public:
    ParallelCoordinatesView(models::DesignTableModel* model, models::DesignProxyModel* proxy,
                            QItemSelectionModel* selection, models::ExplorerSettings* settings,
                            QWidget* parent = nullptr);
    ParallelCoordinatesPlot* plot() const { return m_plot; }

signals:
    void statusMessage(const QString& text);

private:
    ParallelCoordinatesPlot* m_plot;
    QLabel* m_status;
};

} // namespace tcw::widgets
