// Multi-threaded accelerator sweeps.
#include "sweep.h"

#include <algorithm>
#include <atomic>
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

std::vector<SweepPoint> sweepAccelerators(const CostModel& model, const AcceleratorSpace& space,
                                          const SweepRequest& request, const SweepProgress& progress,
                                          std::stop_token stop) {
    const std::uint64_t size = space.size();
    std::vector<std::uint64_t> indices;
    if (request.sampleCount > 0)
        indices = sampleIndices(size, request.sampleCount, request.seed);
    const std::uint64_t total = indices.empty() ? size : indices.size();
    std::vector<SweepPoint> points(total);
    const int threads =
        std::max(1, request.threads > 0 ? request.threads : static_cast<int>(std::thread::hardware_concurrency()));
    // Work is handed out in chunks so threads stay balanced; a chunk is a contiguous range.
    constexpr std::uint64_t kChunk = 4096;
    const std::uint64_t chunks = (total + kChunk - 1) / kChunk;
    std::vector<std::uint8_t> chunkFinished(chunks, 0); // each written by the one thread that claimed it
    std::atomic<std::uint64_t> next{0}, done{0};
    std::atomic<bool> cancelled{false};
    auto worker = [&](int id) {
        while (true) {
            if (stop.stop_requested()) {
                cancelled = true;
                return;
            }
            const std::uint64_t begin = next.fetch_add(kChunk);
            if (begin >= total)
                return;
            const std::uint64_t end = std::min(total, begin + kChunk);
            for (std::uint64_t i = begin; i < end; ++i) {
                const std::uint64_t index = indices.empty() ? i : indices[i];
                const SimResult r = model.evaluate(space.at(index));
                SweepPoint& p = points[i];
                p.index = index;
                p.feasible = r.feasible;
                p.cycles = r.cycles;
                p.dynamicEnergyNJ = r.dynamicEnergyNJ();
                p.leakageEnergyNJ = r.leakageEnergyNJ();
                p.areaMM2 = r.totalAreaMM2();
                p.peakPowerMW = r.peakPowerMW;
                p.macUtilisation = r.utilisation[static_cast<int>(ModuleClass::MacLanes)];
            }
            chunkFinished[begin / kChunk] = 1;
            const std::uint64_t finished = done.fetch_add(end - begin) + (end - begin);
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
        // Keep the points of the chunks that were finished (the threads have joined).
        std::vector<SweepPoint> finished;
        finished.reserve(done.load());
        for (std::uint64_t c = 0; c < chunks; ++c)
            if (chunkFinished[c])
                finished.insert(finished.end(), points.begin() + c * kChunk,
                                points.begin() + std::min(total, (c + 1) * kChunk));
        return finished;
    }
    return points;
}

} // namespace tcw
