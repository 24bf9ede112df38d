// Qt Charts axes driven by the project's one nice-number routine (models::axisTicks): each
// axis is a QCategoryAxis whose boundaries are the routine's ticks and whose labels are the
// routine's labels, placed on the tick values — so what a chart shows is exactly what the
// routine computed (a QValueAxis would choose and format its own ticks). Log axes put the
// series in log10 units: a QCategoryAxis is linear, its categories sit at log10 of the ticks.
#pragma once

#include "models/axis_ticks.h"
#include "plot_painting.h"

#include <QString>

#include <utility>
#include <vector>

class QAbstractAxis;
class QCategoryAxis;

namespace tcw::widgets::charts {

// Where a data value sits on an axis made by niceAxis(): the value, or log10 of it on a log
// axis (NaN when it cannot be placed: ≤ 0 on a log axis).
double axisCoordinate(const models::AxisScale& scale, double value);
// The inverse, from an axis coordinate to the data value.
double axisValue(const models::AxisScale& scale, double coordinate);

// A new axis spanning scale (in axis coordinates) with axisTicks(scale, maxTicks) as its
// boundaries and labels (every tick labelled, the 2 and 5 of a log axis too). Coloured from
// chrome, titled.
QCategoryAxis* niceAxis(const models::AxisScale& scale, int maxTicks, const QString& title,
                        const plotting::Chrome& chrome, const QFont& font);
// Styles any axis like the others (labels, grid, line, title colours and fonts).
void styleAxis(QAbstractAxis* axis, const plotting::Chrome& chrome, const QFont& font);

// What an axis made by niceAxis() shows: (data value, label) for every labelled boundary, in
// order. For tests and for checks against axisTicks().
std::vector<std::pair<double, QString>> shownTicks(QCategoryAxis& axis, bool logarithmic);

} // namespace tcw::widgets::charts
