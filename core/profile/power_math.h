// The arithmetic of power measurement, as pure functions on samples: energy-counter deltas
// with wrap-around, the trapezoid integral of sampled power, energy inside a window, the power
// trace of a counter, and peak power over a stated window (definitions: docs/profiling.md).
#pragma once

#include "device_profile.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tcw::profile {

// One reading of a power source at time t (seconds on one clock): a cumulative energy in
// joules for a counter, a power in watts for an instantaneous source.
struct PowerSample {
    double timeSeconds = 0;
    double value = 0;
};

// after − before of a counter that wraps to 0 after reaching maxRange (RAPL's
// max_energy_range_uj): after < before means it wrapped once, so the delta is
// maxRange − before + after. maxRange 0: the counter does not wrap (a decrease is then
// returned as nullopt: the counter was reset, the interval is unusable).
std::optional<std::uint64_t> counterDelta(std::uint64_t before, std::uint64_t after, std::uint64_t maxRange);

// ∫ P dt by the trapezoid rule over consecutive samples (times non-decreasing), joules.
// ProTran's energy: its sampled power over the process window, no baseline.
double trapezoidJoules(std::span<const double> timeSeconds, std::span<const double> powerW);

// Energy between t0 and t1 from samples covering the window. Counter: the cumulative value
// interpolated linearly at t0 and t1, then the difference. Instantaneous: the trapezoid of the
// samples inside, with the power interpolated linearly at t0 and t1. nullopt when the samples
// do not cover [t0, t1] (fewer than two, or the window outside them).
std::optional<double> windowJoules(std::span<const PowerSample> samples, bool counter, double t0, double t1);

// The power trace of the samples: an instantaneous source's samples as they are; a counter's
// as the mean power of each interval (ΔE/Δt) placed at the interval's end. Times are shifted
// so the first sample is at 0 (`origin` is subtracted; pass the first sample's time).
PowerTrace powerTraceOf(std::span<const PowerSample> samples, bool counter, double origin);

// Peak power over a window of `windowSeconds`: the largest mean power over any run of
// consecutive trace intervals spanning at least windowSeconds (for an instantaneous trace the
// mean of an interval is the mean of its two end samples), restricted to intervals inside
// [t0, t1] (a counter trace's first interval starts at 0, the first reading; see
// powerTraceOf). With windowSeconds ≤ the sampling period this is the largest single interval.
// When the intervals inside span less than the window, their overall mean; nullopt when no
// interval lies inside [t0, t1].
std::optional<double> peakPowerW(const PowerTrace& trace, bool counter, double windowSeconds, double t0, double t1);

// The means peakPowerW takes its largest of: for every run of consecutive intervals inside
// [t0, t1] that spans at least windowSeconds (the shortest such run ending at each interval),
// its mean power, placed at the run's end. What the Devices view draws beside the raw samples,
// so the peak line touches its highest point. Empty when no run spans the window.
PowerTrace windowMeanTrace(const PowerTrace& trace, bool counter, double windowSeconds, double t0, double t1);

// Whether a profile's traces are a counter's interval means (rapl, perf, nvml, hwmon energy
// counters) rather than instantaneous samples (hwmon power, csv, imported sensors).
bool isCounterTrace(const ProfileSettings& settings);

// ProTran's peak: the largest sample with t0 ≤ t ≤ t1.
std::optional<double> largestSampleW(const PowerTrace& trace, double t0, double t1);

} // namespace tcw::profile
