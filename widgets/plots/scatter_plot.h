// The Pareto plot's canvas: up to hundreds of thousands of designs as points on two
// objectives, coloured by a third (viridis, with a colour bar), the front drawn as a step
// line over the dimmed dominated points, infeasible or constraint-violating points greyed or
// hidden, a what-if point, draggable constraint lines, hover tooltips, click and rubber-band
// selection, wheel and rubber-band zoom, pan and reset.
//
// Speed: the plain points are stamped straight into a cached image (an anti-aliased disc per
// point, blended in integer arithmetic), rebuilt only when the data, the view or the size
// change; their pixel positions go into a uniform grid, so finding the point under the mouse
// looks at a few cells. Front points, the selection and the what-if point are few and drawn
// with QPainter on top. Files (SVG, PDF, PNG) get every point as a vector shape instead.
#pragma once

#include "models/axis_ticks.h"
#include "models/colour_map.h"
#include "models/front_analysis.h"
#include "plot_painting.h"
#include "plot_widget.h"

#include <QImage>
#include <QPainterPath>

#include <array>
#include <functional>
#include <optional>
#include <vector>

namespace tcw::widgets {

class ScatterPlot : public PlotWidget {
    Q_OBJECT

public:
    enum PointFlag : quint8 {
        Visible = 1,    // passes the filters and has both coordinates
        Feasible = 2,   // the accelerator can run the model
        Eligible = 4,   // feasible and within every constraint
        Front = 8,      // on the Pareto front
        Predicted = 16, // hardware metrics predicted, not simulated or measured: drawn hollow
    };
    // What happens to infeasible and constraint-violating points.
    enum class OutsideMode { Grey, Hide };
    // A point's marker shape: the kind of target its design runs on (ParetoPlotView maps
    // elector → circle, bat → square, fpga → triangle, device → diamond).
    enum class Marker : quint8 { Circle, Square, Triangle, Diamond };
    static constexpr int kMarkerCount = 4;

    struct Data {
        std::vector<double> x, y, colour; // display units; NaN when missing
        std::vector<quint8> flags;        // PointFlag bits
        std::vector<Marker> markers;      // per point; empty: all circles
        // Half-widths of a point's error bars (±σ, display units); empty or NaN: none. Drawn
        // for Predicted points, whose σ comes from the surrogate.
        std::vector<double> xError, yError;
        std::array<QString, kMarkerCount> markerLabels; // the legend's word per shape ("device")
        std::vector<models::StepPoint> frontLine;
        QString xTitle, yTitle, colourTitle;
        // Issue 15, categorical colours (colour by precision): when `categories` is not empty,
        // point i is drawn in palette::series(category[i]) (−1: the missing colour) instead of
        // by `colour`, and a key naming each category replaces the colour bar.
        std::vector<int> category;
        QStringList categories;
        models::AxisSense sense; // which way is better on each axis (shades constraint sides)
    };

    struct WhatIf {
        double x = 0, y = 0;
        std::optional<QPointF> origin; // the design the edit started from (data units)
        bool joinsFront = false;
        QString label;
    };

    explicit ScatterPlot(QWidget* parent = nullptr);

    void setData(Data data);
    const Data& data() const { return m_data; }
    void setLogScale(bool x, bool y);
    bool logX() const { return m_logX; }
    bool logY() const { return m_logY; }
    void setOutsideMode(OutsideMode mode);
    OutsideMode outsideMode() const { return m_outsideMode; }
    void setSelection(std::vector<int> selected, int current);
    const std::vector<int>& selection() const { return m_selected; }
    int current() const { return m_current; }
    void setWhatIf(std::optional<WhatIf> whatIf);
    const std::optional<WhatIf>& whatIf() const { return m_whatIf; }
    void setConstraintLines(std::optional<double> x, std::optional<double> y);
    // Text for the tooltip of a point (its design's summary).
    void setToolTipProvider(std::function<QString(int)> provider) { m_toolTip = std::move(provider); }

    // The view: the data ranges shown. Zooming and panning leave automatic fitting until reset.
    const models::AxisScale& xView() const { return m_xView; }
    const models::AxisScale& yView() const { return m_yView; }
    void setView(const models::AxisScale& x, const models::AxisScale& y);
    bool isAutoView() const { return m_autoView; }
    void zoomAt(QPointF pixel, double factorX, double factorY); // factor > 1 zooms in
    void panByPixels(QPointF delta);

    // Geometry, for tests and benchmarks: the point under a widget position (-1 for none),
    // the visible points inside a widget rectangle, a point's widget position.
    int pointAt(QPointF pos, double radius = 6) const;
    std::vector<int> pointsIn(const QRectF& rect) const;
    QPointF positionOf(int index) const;
    QRectF plotRect() const;

    void render(QPainter& painter, const QRectF& rect, bool forExport) const override;
    // The colour point i is drawn in (eligible points: by value or category; others grey).
    QRgb colourOf(int index) const { return m_colours.at(std::size_t(index)); }
    const models::ColourScale& colourScale() const { return m_colourScale; }

public slots:
    void resetView();

signals:
    void pointClicked(int index, Qt::KeyboardModifiers modifiers);
    void emptyClicked(Qt::KeyboardModifiers modifiers);
    void pointsBanded(const std::vector<int>& indices, Qt::KeyboardModifiers modifiers);
    // A constraint line moved: Qt::Vertical is the line of the x objective.
    void constraintDragged(Qt::Orientation line, double value);
    void stepRequested(int direction); // arrow keys: along the front
    void exportToggleRequested();      // Space
    void viewChanged();

protected:
    // A point's summary stays while the mouse rests on it (the widget's help tooltip, shown
    // after the tooltip delay, replaced it).
    bool event(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    QList<QAction*> contextActions() override;

private:
    enum class Drag { None, Pending, Zoom, Select, Pan, ConstraintX, ConstraintY };

    plotting::Frame frameFor(const QRectF& rect) const;
    void updateColours();            // the colour scale and each point's colour, after data or filter changes
    void updateTransformed();        // log10 of the coordinates on log axes, after data or axis changes
    bool drawn(std::size_t i) const; // shown at all (visible and not hidden by the outside mode)
    void fitView();
    void invalidate();
    void rebuildLayer(const plotting::Frame& frame, const plotting::Chrome& chrome) const;
    void drawOverlay(QPainter& painter, const plotting::Frame& frame, const plotting::Chrome& chrome,
                     bool forExport) const;
    void drawVectorPoints(QPainter& painter, const plotting::Frame& frame) const;
    void drawColourBar(QPainter& painter, const QRectF& rect, const plotting::Frame& frame,
                       const plotting::Chrome& chrome) const;
    void drawCategoryKey(QPainter& painter, const QRectF& rect, const plotting::Frame& frame,
                         const plotting::Chrome& chrome) const;
    void drawLegend(QPainter& painter, const plotting::Frame& frame, const plotting::Chrome& chrome) const;
    void drawConstraints(QPainter& painter, const plotting::Frame& frame, const plotting::Chrome& chrome) const;
    std::optional<Qt::Orientation> constraintNear(QPointF pos) const;
    QRgb pointColour(std::size_t i, const models::ColourScale& scale) const;
    Marker markerOf(std::size_t i) const { return i < m_data.markers.size() ? m_data.markers[i] : Marker::Circle; }
    void drawErrorBars(QPainter& painter, const plotting::Frame& frame) const;

public:
    // A marker's outline centred at `centre` with the size of a disc of radius `radius`
    // (for exports, the overlay and the legend; the cached layer stamps the same shapes).
    static QPainterPath markerPath(Marker marker, QPointF centre, double radius);

    Data m_data;
    models::ColourScale m_colourScale;
    std::vector<QRgb> m_colours;    // per point
    std::vector<double> m_tx, m_ty; // per point: the coordinate on its axis' scale (log10 on log axes)
    bool m_logX = false, m_logY = false;
    OutsideMode m_outsideMode = OutsideMode::Grey;
    std::vector<int> m_selected;
    int m_current = -1;
    std::optional<WhatIf> m_whatIf;
    std::optional<double> m_constraintX, m_constraintY;
    std::function<QString(int)> m_toolTip;

    models::AxisScale m_xView, m_yView;
    bool m_autoView = true;
    bool m_anyPredicted = false;                     // a visible point is hollow: the legend explains it
    std::array<bool, kMarkerCount> m_markersShown{}; // shapes of visible points: the legend names them

    Drag m_drag = Drag::None;
    QPointF m_pressPos, m_lastPos;
    Qt::KeyboardModifiers m_pressModifiers;
    int m_hover = -1;
    QAction* m_resetAction = nullptr;

    // Cache of the plain points (rebuilt lazily from const render()).
    mutable QImage m_layer;
    mutable bool m_layerValid = false;
    mutable std::vector<float> m_screenX, m_screenY; // widget coordinates; NaN when not drawn
    mutable std::vector<int> m_gridStart, m_gridItems, m_cellOf, m_fill;
    mutable int m_gridColumns = 0, m_gridRows = 0;
    mutable QRectF m_gridPlot;
};

} // namespace tcw::widgets
