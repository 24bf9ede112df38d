// The roofline of a simulated run: each op's arithmetic intensity (FLOP per byte of
// main-memory traffic) against the throughput it achieved, under the accelerator's compute
// roof (2 FLOP per multiplier per cycle) and main-memory bandwidth roof.
#pragma once

#include "design/accelerator_spec.h"
#include "design/technology_library.h"
#include "sim/sim_types.h"

#include <string>
#include <vector>

namespace tcw::models {

struct RooflinePoint {
    std::string name;
    Phase phase = Phase::Forward;
    Bound bound = Bound::Compute;
    double flops = 0;                // 2 × MACs
    double intensityFlopPerByte = 0; // +∞ when the op moves nothing to or from main memory
    double achievedGflops = 0;       // flops over the op's duration
    double durationCycles = 0;
};

struct Roofline {
    double peakGflops = 0;             // compute roof
    double bandwidthGBs = 0;           // main-memory roof: GB/s (10⁹ bytes per second)
    double ridgeFlopPerByte = 0;       // where the roofs meet
    std::vector<RooflinePoint> points; // ops with MACs, in run order
    int opsWithoutMainMemory = 0;      // of points: intensity +∞ (operands resident on chip)

    // The attainable throughput at an intensity: min(peak, bandwidth × intensity).
    double attainableGflops(double intensityFlopPerByte) const;
};

// An op's duration is the longest of its compute, main-memory and buffer times (and of the
// cycles it adds to the run, which overlap can make shorter): the time it actually occupies.
// Ops without MACs (loads, stores, softmax, …) are not on a roofline of FLOPs.
Roofline rooflineOf(const SimResult& result, const AcceleratorSpec& accelerator, const TechnologyLibrary& technology);

} // namespace tcw::models
