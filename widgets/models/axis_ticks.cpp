// Axis ticks: the "nice numbers" steps (Heckbert) on linear axes, decades on log axes; labels
// with as many digits as the step needs, so every label is its tick's value.
#include "axis_ticks.h"

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tcw::models {

double AxisScale::toUnit(double value) const {
    if (std::isnan(value))
        return value;
    if (logarithmic) {
        if (value <= 0 || lo <= 0 || hi <= 0)
            return std::numeric_limits<double>::quiet_NaN();
        return (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    }
    return (value - lo) / (hi - lo);
}

double AxisScale::fromUnit(double unit) const {
    if (logarithmic)
        return std::pow(10.0, std::log10(lo) + unit * (std::log10(hi) - std::log10(lo)));
    return lo + unit * (hi - lo);
}

namespace {
double niceStep(double span, int maxTicks) {
    const double raw = span / std::max(1, maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= raw)
            return m * magnitude;
    return 10 * magnitude;
}

// The decimal exponent of a step's last significant digit: 2.5 → -1, 0.2 → -1, 50 → 1,
// 0.025 → -3. Nice steps have at most two significant digits (1, 2, 2.5, 5).
int lastDigitExponent(double step) {
    const int first = int(std::floor(std::log10(step)));
    for (int k = first; k > first - 4; --k) {
        const double scaled = step / std::pow(10.0, k);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled)
            return k;
    }
    return first - 3;
}
} // namespace

QString tickLabel(double value, double step) {
    if (!(step > 0) || !std::isfinite(step))
        step = value != 0 ? std::abs(value) / 10 : 1;
    if (std::abs(value) < step * 1e-9)
        return QStringLiteral("0");
    // As many decimals as the step's last digit needs, so a label is its tick's value: ticks
    // 2.5 apart read 77.5 and 82.5, never 78 and 83.
    const int last = lastDigitExponent(step);
    const double a = std::abs(value);
    if (a >= 1e6 || a < 1e-3) {
        const int exponent = int(std::floor(std::log10(a)));
        QString text = QString::number(value, 'e', std::clamp(exponent - last, 0, 12));
        // 2.50e-05 → 2.5e-05: the trailing zeros of the mantissa say nothing.
        const qsizetype e = text.indexOf(QLatin1Char('e'));
        QString mantissa = text.left(e);
        if (mantissa.contains(QLatin1Char('.'))) {
            while (mantissa.endsWith(QLatin1Char('0')))
                mantissa.chop(1);
            if (mantissa.endsWith(QLatin1Char('.')))
                mantissa.chop(1);
        }
        return mantissa + text.mid(e);
    }
    return QLocale().toString(value, 'f', std::clamp(-last, 0, 12));
}

std::vector<AxisTick> axisTicks(const AxisScale& scale, int maxTicks) {
    std::vector<AxisTick> ticks;
    if (!(scale.hi > scale.lo))
        return ticks;
    if (scale.logarithmic && scale.lo > 0) {
        const int first = int(std::floor(std::log10(scale.lo)));
        const int last = int(std::ceil(std::log10(scale.hi)));
        const int decades = last - first;
        const int every = std::max(1, int(std::ceil(double(decades) / std::max(1, maxTicks))));
        for (int d = first; d <= last; ++d) {
            for (double m : {1.0, 2.0, 5.0}) {
                if (m != 1.0 && decades > 3)
                    continue;
                if (m == 1.0 && (d - first) % every != 0)
                    continue;
                const double v = m * std::pow(10.0, d);
                if (v < scale.lo * (1 - 1e-9) || v > scale.hi * (1 + 1e-9))
                    continue;
                ticks.push_back({v, tickLabel(v, v / 10), m == 1.0});
            }
        }
        if (ticks.size() < 2) { // less than a decade: fall back to linear ticks within it
            AxisScale linear = scale;
            linear.logarithmic = false;
            return axisTicks(linear, maxTicks);
        }
        return ticks;
    }
    const double step = niceStep(scale.hi - scale.lo, maxTicks);
    // Each tick a whole multiple of the step (no sum of steps drifting off the label's value).
    const double first = std::ceil(scale.lo / step - 1e-9);
    for (double k = first; k * step <= scale.hi + step * 1e-9; k += 1)
        ticks.push_back({k * step, tickLabel(k * step, step), true});
    return ticks;
}

AxisScale fittedScale(const std::vector<double>& values, bool logarithmic, double margin) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values) {
        if (!std::isfinite(v) || (logarithmic && v <= 0))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (!std::isfinite(lo))
        return logarithmic ? AxisScale{1, 10, true} : AxisScale{0, 1, false};
    if (logarithmic) {
        if (hi <= lo) {
            lo /= 2;
            hi *= 2;
        }
        const double factor = std::pow(hi / lo, margin);
        return {lo / factor, hi * factor, true};
    }
    if (hi <= lo) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        return {lo - pad, hi + pad, false};
    }
    const double pad = (hi - lo) * margin;
    return {lo - pad, hi + pad, false};
}

} // namespace tcw::models
