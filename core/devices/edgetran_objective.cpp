#include "edgetran_objective.h"

#include <cmath>

namespace tcw::devices {

std::string ScalarObjective::check() const {
    const auto weight = [](const char* name, double w) -> std::string {
        return std::isfinite(w) && w >= 0 ? "" : std::string(name) + " must be a finite weight ≥ 0";
    };
    const auto scale = [](const char* name, double s) -> std::string {
        return std::isfinite(s) && s > 0 ? "" : std::string(name) + " must be a finite scale > 0";
    };
    for (const auto& e :
         {weight("accuracyWeight", accuracyWeight), weight("latencyWeight", latencyWeight),
          weight("energyWeight", energyWeight), weight("peakPowerWeight", peakPowerWeight),
          scale("latencyScaleSeconds", latencyScaleSeconds), scale("energyScaleJoules", energyScaleJoules),
          scale("peakPowerScaleWatts", peakPowerScaleWatts)})
        if (!e.empty())
            return e;
    if (peakPowerLimitWatts && !(*peakPowerLimitWatts > 0))
        return "peakPowerLimitWatts must be > 0 watts";
    return "";
}

double ScalarObjective::loss(double glue, double latency, double energy, double peak) const {
    const double performance = accuracyWeight * glue + latencyWeight * (1 - latency / latencyScaleSeconds) +
                               energyWeight * (1 - energy / energyScaleJoules) +
                               peakPowerWeight * (1 - peak / peakPowerScaleWatts);
    return 1 - performance;
}

} // namespace tcw::devices
