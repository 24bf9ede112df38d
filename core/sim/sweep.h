// Evaluates one prepared model on many accelerators of a design space (all of them, or a
// seeded sample), on several threads, with progress and cancellation. Results are compact
// summaries; the accelerator is space.at(index). Points stream to a sink in index order, so
// a caller keeps only what it needs (a front, a file) and memory does not grow with the space.
#pragma once

#include "cost_model.h"
#include "design/design_space.h"

#include <cstdint>
#include <functional>
#include <span>
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

// Receives finished points: consecutive batches in index order, one call at a time (from
// whichever worker thread finished the next batch; it may block that thread).
using SweepSink = std::function<void(std::span<const SweepPoint> points)>;

// The designs a sweep visits, by position 0 … count()−1: the whole space, or a sorted seeded
// sample of it.
class SweepPlan {
public:
    SweepPlan(std::uint64_t spaceSize, const SweepRequest& request);
    std::uint64_t count() const { return m_indices.empty() ? m_spaceSize : m_indices.size(); }
    std::uint64_t index(std::uint64_t position) const { return m_indices.empty() ? position : m_indices[position]; }

private:
    std::uint64_t m_spaceSize = 0;
    std::vector<std::uint64_t> m_indices; // empty: the whole space
};

// Evaluates positions [begin, end) of the plan on `threads` threads (0: all) and streams the
// points to `sink` in order. When `stop` is requested it stops early: the batches finished by
// then are still delivered (in order, possibly with gaps where a batch was left unfinished).
// Returns how many points were delivered.
std::uint64_t sweepPositions(const CostModel& model, const AcceleratorSpace& space, const SweepPlan& plan,
                             std::uint64_t begin, std::uint64_t end, int threads, const SweepSink& sink,
                             const SweepProgress& progress = {}, std::stop_token stop = {});

// The whole request, streamed to `sink`; returns how many points were delivered.
std::uint64_t sweepAccelerators(const CostModel& model, const AcceleratorSpace& space, const SweepRequest& request,
                                const SweepSink& sink, const SweepProgress& progress = {}, std::stop_token stop = {});

// The whole request collected in index order (for small spaces and tests). Stops early
// (returning the points finished so far, still in index order) when `stop` is requested.
std::vector<SweepPoint> sweepAccelerators(const CostModel& model, const AcceleratorSpace& space,
                                          const SweepRequest& request, const SweepProgress& progress = {},
                                          std::stop_token stop = {});

// The indices chosen for a seeded sample (sorted, distinct).
std::vector<std::uint64_t> sampleIndices(std::uint64_t spaceSize, std::uint64_t count, std::uint64_t seed);

} // namespace tcw
