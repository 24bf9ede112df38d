// Power arithmetic (power_math.h).
#include "power_math.h"

#include <algorithm>
#include <cmath>

namespace tcw::profile {

std::optional<std::uint64_t> counterDelta(std::uint64_t before, std::uint64_t after, std::uint64_t maxRange) {
    if (after >= before)
        return after - before;
    if (maxRange == 0 || before > maxRange)
        return std::nullopt;
    return (maxRange - before) + after;
}

double trapezoidJoules(std::span<const double> t, std::span<const double> p) {
    double joules = 0;
    const std::size_t n = std::min(t.size(), p.size());
    for (std::size_t i = 1; i < n; ++i)
        joules += 0.5 * (p[i] + p[i - 1]) * (t[i] - t[i - 1]);
    return joules;
}

namespace {

// The sample value linearly interpolated at t (samples cover t).
double valueAt(std::span<const PowerSample> s, double t) {
    auto after =
        std::lower_bound(s.begin(), s.end(), t, [](const PowerSample& a, double time) { return a.timeSeconds < time; });
    if (after == s.begin())
        return after->value;
    if (after == s.end())
        return s.back().value;
    const PowerSample& b = *after;
    const PowerSample& a = *(after - 1);
    if (b.timeSeconds <= a.timeSeconds)
        return b.value;
    const double f = (t - a.timeSeconds) / (b.timeSeconds - a.timeSeconds);
    return a.value + f * (b.value - a.value);
}

} // namespace

std::optional<double> windowJoules(std::span<const PowerSample> s, bool counter, double t0, double t1) {
    if (s.size() < 2 || t1 < t0 || t0 < s.front().timeSeconds || t1 > s.back().timeSeconds)
        return std::nullopt;
    if (counter)
        return valueAt(s, t1) - valueAt(s, t0);
    std::vector<double> times{t0}, powers{valueAt(s, t0)};
    for (const PowerSample& x : s)
        if (x.timeSeconds > t0 && x.timeSeconds < t1) {
            times.push_back(x.timeSeconds);
            powers.push_back(x.value);
        }
    times.push_back(t1);
    powers.push_back(valueAt(s, t1));
    return trapezoidJoules(times, powers);
}

PowerTrace powerTraceOf(std::span<const PowerSample> s, bool counter, double origin) {
    PowerTrace trace;
    if (!counter) {
        for (const PowerSample& x : s) {
            trace.timeSeconds.push_back(x.timeSeconds - origin);
            trace.powerW.push_back(x.value);
        }
        return trace;
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
        const double dt = s[i].timeSeconds - s[i - 1].timeSeconds;
        if (dt <= 0)
            continue;
        trace.timeSeconds.push_back(s[i].timeSeconds - origin);
        trace.powerW.push_back((s[i].value - s[i - 1].value) / dt);
    }
    return trace;
}

namespace {

struct Interval {
    double start, end, joules;
};

// The trace's intervals (start, end, joules) inside [t0, t1].
std::vector<Interval> intervalsInside(const PowerTrace& trace, bool counter, double t0, double t1) {
    std::vector<Interval> intervals;
    const auto& t = trace.timeSeconds;
    const auto& p = trace.powerW;
    // A counter trace's first point closes the interval that began at the first reading, time 0.
    for (std::size_t i = counter ? 0 : 1; i < t.size() && i < p.size(); ++i) {
        const double start = i == 0 ? 0.0 : t[i - 1], end = t[i];
        if (end <= start || start < t0 || end > t1)
            continue;
        // A counter's sample is the mean over the interval ending at it; an instantaneous
        // trace's interval mean is the trapezoid's.
        const double meanW = counter ? p[i] : 0.5 * (p[i] + p[i - 1]);
        intervals.push_back({start, end, meanW * (end - start)});
    }
    return intervals;
}

} // namespace

PowerTrace windowMeanTrace(const PowerTrace& trace, bool counter, double windowSeconds, double t0, double t1) {
    const std::vector<Interval> intervals = intervalsInside(trace, counter, t0, t1);
    PowerTrace means;
    means.windowStartSeconds = trace.windowStartSeconds;
    means.windowEndSeconds = trace.windowEndSeconds;
    std::size_t first = 0;
    double joules = 0;
    // Sliding runs of consecutive intervals: for each end j, the shortest run ending at j that
    // spans ≥ windowSeconds (or everything from the start when the trace is shorter).
    for (std::size_t j = 0; j < intervals.size(); ++j) {
        if (j > 0 && intervals[j].start != intervals[j - 1].end) { // a gap: restart the run
            first = j;
            joules = 0;
        }
        joules += intervals[j].joules;
        while (first < j && intervals[j].end - intervals[first + 1].start >= windowSeconds) {
            joules -= intervals[first].joules;
            ++first;
        }
        const double span = intervals[j].end - intervals[first].start;
        if (span >= windowSeconds * (1 - 1e-9)) {
            means.timeSeconds.push_back(intervals[j].end);
            means.powerW.push_back(joules / span);
        }
    }
    return means;
}

std::optional<double> peakPowerW(const PowerTrace& trace, bool counter, double windowSeconds, double t0, double t1) {
    const std::vector<Interval> intervals = intervalsInside(trace, counter, t0, t1);
    if (intervals.empty())
        return std::nullopt;
    const PowerTrace means = windowMeanTrace(trace, counter, windowSeconds, t0, t1);
    if (!means.powerW.empty())
        return *std::max_element(means.powerW.begin(), means.powerW.end());
    // No run reaches the window: the mean over everything inside.
    double e = 0;
    for (const Interval& x : intervals)
        e += x.joules;
    return e / (intervals.back().end - intervals.front().start);
}

bool isCounterTrace(const ProfileSettings& settings) {
    if (settings.powerSource == "rapl" || settings.powerSource == "perf" || settings.powerSource == "nvml")
        return true;
    // hwmon reads energy*_input counters when there are any, else power*_input samples.
    return settings.powerSource == "hwmon" && settings.powerSourceDetail.find("energy") != std::string::npos;
}

std::optional<double> largestSampleW(const PowerTrace& trace, double t0, double t1) {
    std::optional<double> peak;
    for (std::size_t i = 0; i < trace.timeSeconds.size() && i < trace.powerW.size(); ++i)
        if (trace.timeSeconds[i] >= t0 && trace.timeSeconds[i] <= t1)
            peak = peak ? std::max(*peak, trace.powerW[i]) : trace.powerW[i];
    return peak;
}

} // namespace tcw::profile
