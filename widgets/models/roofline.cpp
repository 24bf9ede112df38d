// Roofline points from the per-op breakdown of a SimResult.
#include "roofline.h"

#include <algorithm>
#include <limits>

namespace tcw::models {

double Roofline::attainableGflops(double intensity) const {
    return std::min(peakGflops, bandwidthGBs * intensity);
}

Roofline rooflineOf(const SimResult& result, const AcceleratorSpec& accelerator, const TechnologyLibrary& technology) {
    Roofline r;
    const double clockHz = result.clockMHz * 1e6;
    r.peakGflops = 2.0 * double(accelerator.multiplierCount()) * clockHz / 1e9;
    const double bitsPerCycle = technology.mainMemoryBandwidthBitsPerCycle(accelerator.mainMemory.mode);
    r.bandwidthGBs = bitsPerCycle / 8.0 * clockHz / 1e9;
    r.ridgeFlopPerByte = r.bandwidthGBs > 0 ? r.peakGflops / r.bandwidthGBs : 0;
    for (const OpCost& op : result.ops) {
        if (op.macs <= 0)
            continue;
        const double duration = double(std::max({op.cycles, op.computeCycles, op.memoryCycles, op.bufferCycles}));
        if (duration <= 0)
            continue;
        RooflinePoint p;
        p.name = op.name;
        p.phase = op.phase;
        p.bound = op.bound;
        p.flops = 2.0 * op.macs;
        p.durationCycles = duration;
        p.achievedGflops = p.flops / (duration / clockHz) / 1e9;
        if (op.mainMemoryBytes > 0) {
            p.intensityFlopPerByte = p.flops / op.mainMemoryBytes;
        } else {
            p.intensityFlopPerByte = std::numeric_limits<double>::infinity();
            ++r.opsWithoutMainMemory;
        }
        r.points.push_back(std::move(p));
    }
    return r;
}

} // namespace tcw::models
