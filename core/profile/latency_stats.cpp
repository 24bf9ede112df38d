// Timing statistics (latency_stats.h).
#include "latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace tcw::profile {

double quantile(std::span<const double> values, double q) {
    if (values.empty())
        return 0.0;
    std::vector<double> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end());
    const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

LatencyStats latencyStats(std::span<const double> seconds) {
    LatencyStats s;
    s.samples = static_cast<int>(seconds.size());
    if (seconds.empty())
        return s;
    s.median = quantile(seconds, 0.5);
    s.p5 = quantile(seconds, 0.05);
    s.p95 = quantile(seconds, 0.95);
    const double n = static_cast<double>(seconds.size());
    s.mean = std::accumulate(seconds.begin(), seconds.end(), 0.0) / n;
    if (seconds.size() > 1 && s.mean > 0) {
        double squares = 0;
        for (double v : seconds)
            squares += (v - s.mean) * (v - s.mean);
        s.cv = std::sqrt(squares / (n - 1)) / s.mean;
    }
    return s;
}

} // namespace tcw::profile
