// Drawing shared by the plots: frames, grids, ticks and axis titles from an AxisScale, text
// that fits, and point markers, so every chart looks alike on screen and on paper.
#pragma once

#include "models/axis_ticks.h"

#include <QColor>
#include <QFont>
#include <QFontMetricsF>
#include <QRectF>
#include <QString>

class QPainter;

namespace tcw::widgets::plotting {

// Colours of the plot chrome from the widget palette (light or dark themes), or print
// colours for export.
struct Chrome {
    QColor background, plotBackground, axis, grid, text, mutedText;
};
Chrome chromeFor(const QPalette& palette, bool forExport);

// Margins around the plot area that leave room for tick labels and titles.
struct Margins {
    double left = 64, top = 28, right = 16, bottom = 46;
};

// Maps data to pixels inside plotRect (y grows upwards on screen).
struct Frame {
    QRectF plot;
    models::AxisScale x, y;

    double px(double value) const { return plot.left() + x.toUnit(value) * plot.width(); }
    double py(double value) const { return plot.bottom() - y.toUnit(value) * plot.height(); }
    double dataX(double pixel) const { return x.fromUnit((pixel - plot.left()) / plot.width()); }
    double dataY(double pixel) const { return y.fromUnit((plot.bottom() - pixel) / plot.height()); }
};

void drawGrid(QPainter& painter, const Frame& frame, const Chrome& chrome);
void drawAxes(QPainter& painter, const Frame& frame, const Chrome& chrome, const QString& xTitle,
              const QString& yTitle);
// A vertical axis at x = position (parallel coordinates): line, ticks, labels to the left.
void drawVerticalAxis(QPainter& painter, double xPixel, const QRectF& span, const models::AxisScale& scale,
                      const Chrome& chrome, bool labelsLeft);
QFont smallFont(const QFont& base);
QString elided(const QFontMetricsF& metrics, const QString& text, double width);

} // namespace tcw::widgets::plotting
