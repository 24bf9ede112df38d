// Axis scales and tick positions for the explorer's plots: linear ticks at 1, 2 or 5 × 10^k
// steps, logarithmic ticks at decades (with 2 and 5 between when few decades show), and tick
// labels short enough for an axis.
#pragma once

#include <QString>

#include <vector>

namespace tcw::models {

// Maps data values to [0, 1] along an axis, linearly or by log10.
struct AxisScale {
    double lo = 0, hi = 1;
    bool logarithmic = false;

    double toUnit(double value) const;  // NaN when the value cannot be placed (≤ 0 on a log axis)
    double fromUnit(double unit) const; // inverse of toUnit
    bool operator==(const AxisScale&) const = default;
};

struct AxisTick {
    double value = 0;
    QString label;
    bool major = true; // log axes: decades are major, 2 and 5 minor
};

std::vector<AxisTick> axisTicks(const AxisScale& scale, int maxTicks = 8);

// A tick's label: exactly the value, to the last digit the step between ticks has (77.5 with a
// step of 2.5, 1,250 with 250, 1.2e-04 with 1e-05); locale-aware, scientific beyond 10^6 and
// below 10^-3. Every axis of the workbench labels its ticks through axisTicks() and this.
QString tickLabel(double value, double step);

// A range that shows every value with a margin (a fraction of the span, or a factor on a log
// axis); a single value gets a range around it. Non-finite and (log) non-positive values are
// ignored; nothing finite gives [0, 1] (or [1, 10] on a log axis).
AxisScale fittedScale(const std::vector<double>& values, bool logarithmic, double margin = 0.05);

} // namespace tcw::models
