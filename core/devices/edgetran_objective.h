// EdgeTran's scalar objective (docs/devices.md, "EdgeTran's objective"): performance = 0.5·GLUE + 0.2·(1 − latency /
// 1000 s) + 0.2·(1 − energy / 2000 J) + 0.1·(1 − peak power / 300 W), loss = 1 − performance,
// latency and energy per sequence. The weights and normalisers are a preset the user may change.
#pragma once

#include <optional>
#include <string>

namespace tcw::devices {

struct ScalarObjective {
    double accuracyWeight = 0.5;
    double latencyWeight = 0.2, latencyScaleSeconds = 1000;
    double energyWeight = 0.2, energyScaleJoules = 2000;
    double peakPowerWeight = 0.1, peakPowerScaleWatts = 300;
    std::optional<double> peakPowerLimitWatts; // a constraint: pairs above it are infeasible

    static ScalarObjective edgetran() { return {}; }
    // "" when the weights are ≥ 0 and the scales > 0; else the field and what is allowed.
    std::string check() const;
    // 1 − performance. Every measure is required (the objective has no meaning without one).
    double loss(double glue, double latencySeconds, double energyJoules, double peakPowerWatts) const;
    bool feasible(double peakPowerWatts) const {
        return !peakPowerLimitWatts || peakPowerWatts <= *peakPowerLimitWatts;
    }
};

} // namespace tcw::devices
