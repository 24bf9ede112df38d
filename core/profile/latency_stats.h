// Summary statistics of repeated timings: median, 5th / 95th percentile, mean, coefficient of
// variation. Pure functions.
#pragma once

#include "device_profile.h"

#include <span>

namespace tcw::profile {

// The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (numpy's
// default "linear" method): position q·(n−1) in the sorted values. Empty input: 0.
double quantile(std::span<const double> values, double q);

// median, p5, p95, mean, cv = sample standard deviation (n−1) / mean (0 for one value).
LatencyStats latencyStats(std::span<const double> seconds);

} // namespace tcw::profile
