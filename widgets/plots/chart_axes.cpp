// Chart axes: QCategoryAxis boundaries and labels from models::axisTicks().
#include "chart_axes.h"

#include <QCategoryAxis>
#include <QPen>

#include <cmath>
#include <limits>

namespace tcw::widgets::charts {

double axisCoordinate(const models::AxisScale& scale, double value) {
    if (!scale.logarithmic)
        return value;
    return value > 0 ? std::log10(value) : std::numeric_limits<double>::quiet_NaN();
}

double axisValue(const models::AxisScale& scale, double coordinate) {
    return scale.logarithmic ? std::pow(10.0, coordinate) : coordinate;
}

void styleAxis(QAbstractAxis* axis, const plotting::Chrome& chrome, const QFont& font) {
    axis->setLabelsBrush(chrome.mutedText);
    axis->setLabelsFont(plotting::smallFont(font));
    axis->setTitleBrush(chrome.text);
    axis->setTitleFont(font);
    axis->setGridLineColor(chrome.grid);
    axis->setMinorGridLineColor(chrome.grid);
    axis->setLinePenColor(chrome.axis);
    axis->setShadesVisible(false);
    axis->setTruncateLabels(false); // a label is a number: whole or misread
}

QCategoryAxis* niceAxis(const models::AxisScale& scale, int maxTicks, const QString& title,
                        const plotting::Chrome& chrome, const QFont& font) {
    auto* axis = new QCategoryAxis;
    const double lo = axisCoordinate(scale, scale.lo), hi = axisCoordinate(scale, scale.hi);
    axis->setRange(lo, hi);
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setTitleText(title);
    styleAxis(axis, chrome, font);
    const auto ticks = models::axisTicks(scale, maxTicks);
    // The first category starts just below the axis' low end, so a tick at the low end itself
    // still ends a category (and gets its label).
    const double span = hi - lo;
    axis->setStartValue(lo - span * 1e-9);
    double previous = lo - span * 1e-9;
    for (const auto& t : ticks) {
        const double at = axisCoordinate(scale, t.value);
        if (!(at > previous))
            continue;
        axis->append(t.label, at);
        previous = at;
    }
    return axis;
}

std::vector<std::pair<double, QString>> shownTicks(QCategoryAxis& axis, bool logarithmic) {
    std::vector<std::pair<double, QString>> shown;
    const models::AxisScale scale{0, 1, logarithmic};
    for (const QString& label : axis.categoriesLabels())
        shown.emplace_back(axisValue(scale, axis.endValue(label)), label);
    return shown;
}

} // namespace tcw::widgets::charts
