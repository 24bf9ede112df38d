// Multi-threaded accelerator sweeps.
#include "sweep.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

namespace tcw {

std::vector<std::uint64_t> sampleIndices(std::uint64_t spaceSize, std::uint64_t count, std::uint64_t seed) {
    count = std::min(count, spaceSize);
    std::vector<std::uint64_t> indices;
    if (count * 2 >= spaceSize) {
        // Dense sample: shuffle everything and take a prefix.
        indices.resize(spaceSize);
        for (std::uint64_t i = 0; i < spaceSize; ++i)
            indices[i] = i;
        std::mt19937_64 rng(seed);
        std::shuffle(indices.begin(), indices.end(), rng);
        indices.resize(count);
    } else {
        std::mt19937_64 rng(seed);
        std::uniform_int_distribution<std::uint64_t> pick(0, spaceSize - 1);
        std::unordered_set<std::uint64_t> seen;
        while (indices.size() < count) {
            const std::uint64_t i = pick(rng);
            if (seen.insert(i).second)
                indices.push_back(i);
        }
    }
    std::sort(indices.begin(), indices.end());
    return indices;
}

SweepPlan::SweepPlan(std::uint64_t spaceSize, const SweepRequest& request) : m_spaceSize(spaceSize) {
    if (request.sampleCount > 0)
        m_indices = sampleIndices(spaceSize, request.sampleCount, request.seed);
}

std::uint64_t sweepPositions(const CostModel& model, const AcceleratorSpace& space, const SweepPlan& plan,
                             std::uint64_t begin, std::uint64_t end, int requestedThreads, const SweepSink& sink,
                             const SweepProgress& progress, std::stop_token stop) {
    end = std::min(end, plan.count());
    begin = std::min(begin, end);
    const std::uint64_t total = end - begin;
    const int threads =
        std::max(1, requestedThreads > 0 ? requestedThreads : static_cast<int>(std::thread::hardware_concurrency()));
    // Work is handed out in chunks so threads stay balanced; a chunk is a contiguous range.
    // Finished chunks wait in `ready` until every earlier chunk has gone to the sink, so
    // memory holds about one chunk per thread, whatever the space's size.
    constexpr std::uint64_t kChunk = 4096;
    const std::uint64_t chunks = (total + kChunk - 1) / kChunk;
    std::mutex mutex;
    std::map<std::uint64_t, std::vector<SweepPoint>> ready; // chunk → its points
    std::uint64_t nextToDeliver = 0, delivered = 0;
    std::atomic<std::uint64_t> next{0}, done{0};
    std::atomic<bool> cancelled{false};
    // Hands every chunk that is next in line to the sink; called with `mutex` held, so the
    // sink sees one call at a time, in order.
    auto deliverInOrder = [&] {
        for (auto it = ready.begin(); it != ready.end() && it->first == nextToDeliver; it = ready.begin()) {
            if (sink)
                sink(it->second);
            delivered += it->second.size();
            ready.erase(it);
            ++nextToDeliver;
        }
    };
    auto worker = [&](int id) {
        std::vector<SweepPoint> points;
        while (true) {
            if (stop.stop_requested()) {
                cancelled = true;
                return;
            }
            const std::uint64_t chunk = next.fetch_add(1);
            if (chunk >= chunks)
                return;
            const std::uint64_t first = chunk * kChunk, last = std::min(total, first + kChunk);
            points.resize(last - first);
            for (std::uint64_t i = first; i < last; ++i) {
                const std::uint64_t index = plan.index(begin + i);
                const SimResult r = model.evaluate(space.at(index));
                SweepPoint& p = points[i - first];
                p.index = index;
                p.feasible = r.feasible;
                p.cycles = r.cycles;
                p.dynamicEnergyNJ = r.dynamicEnergyNJ();
                p.leakageEnergyNJ = r.leakageEnergyNJ();
                p.areaMM2 = r.totalAreaMM2();
                p.peakPowerMW = r.peakPowerMW;
                p.macUtilisation = r.utilisation[static_cast<int>(ModuleClass::MacLanes)];
            }
            {
                std::lock_guard lock(mutex);
                ready.emplace(chunk, std::move(points));
                deliverInOrder();
            }
            points = {};
            const std::uint64_t finished = done.fetch_add(last - first) + (last - first);
            if (id == 0 && progress)
                progress(finished, total);
        }
    };
    {
        std::vector<std::jthread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(worker, t);
        worker(0);
    }
    if (progress)
        progress(done.load(), total);
    if (cancelled) {
        // The chunks finished after a gap (an unfinished chunk before them) still go out, in order.
        for (auto& [chunk, points] : ready) {
            if (sink)
                sink(points);
            delivered += points.size();
        }
    }
    return delivered;
}

std::uint64_t sweepAccelerators(const CostModel& model, const AcceleratorSpace& space, const SweepRequest& request,
                                const SweepSink& sink, const SweepProgress& progress, std::stop_token stop) {
    const SweepPlan plan(space.size(), request);
    return sweepPositions(model, space, plan, 0, plan.count(), request.threads, sink, progress, stop);
}

std::vector<SweepPoint> sweepAccelerators(const CostModel& model, const AcceleratorSpace& space,
                                          const SweepRequest& request, const SweepProgress& progress,
                                          std::stop_token stop) {
    std::vector<SweepPoint> points;
    sweepAccelerators(
        model, space, request,
        [&](std::span<const SweepPoint> batch) { points.insert(points.end(), batch.begin(), batch.end()); }, progress,
        stop);
    return points;
}

} // namespace tcw
