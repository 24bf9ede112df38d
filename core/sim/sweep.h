// Evaluates one prepared model on many accelerators of a design space (all of them, or a
// seeded sample), on several threads, with progress and cancellation. Results are compact
// summaries; the accelerator is space.at(index).
#pragma once

#include "cost_model.h"
#include "design/design_space.h"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <vector>

namespace tcw {

struct SweepPoint {
    std::uint64_t index = 0; // into the accelerator space
    bool feasible = true;
    std::int64_t cycles = 0;
    double dynamicEnergyNJ = 0;
    double leakageEnergyNJ = 0;
    double areaMM2 = 0;
    double peakPowerMW = 0;
    double macUtilisation = 0;

    double totalEnergyNJ() const { return dynamicEnergyNJ + leakageEnergyNJ; }
};

struct SweepRequest {
    std::uint64_t sampleCount = 0; // 0: the whole space; else this many distinct seeded indices
    std::uint64_t seed = 1;
    int threads = 0; // 0: all hardware threads
};

// Called now and then from a worker thread with (evaluated, total).
using SweepProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Points in index order. Stops early (returning the points finished so far, still in
// index order) when `stop` is requested.
std::vector<SweepPoint> sweepAccelerators(const CostModel& model, const AcceleratorSpace& space,
                                          const SweepRequest& request, const SweepProgress& progress = {},
                                          std::stop_token stop = {});

// The indices chosen for a seeded sample (sorted, distinct).
std::vector<std::uint64_t> sampleIndices(std::uint64_t spaceSize, std::uint64_t count, std::uint64_t seed);

} // namespace tcw
