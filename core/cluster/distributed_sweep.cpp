// Sweeps across MPI ranks (see distributed_sweep.h).
#include "distributed_sweep.h"

#include "wire.h"

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace tcw::cluster {

namespace {

// 65,536 points (4 MB) per block: large enough that a message costs little beside its
// evaluation (~40 ms on one core), small enough that ranks finish together.
constexpr std::uint64_t kBlock = 65536;

std::string encodeBlock(std::uint64_t block, const std::vector<SweepPoint>& points) {
    std::string bytes(sizeof(std::uint64_t) + points.size() * sizeof(SweepPoint), '\0');
    std::memcpy(bytes.data(), &block, sizeof block);
    if (!points.empty())
        std::memcpy(bytes.data() + sizeof block, points.data(), points.size() * sizeof(SweepPoint));
    return bytes;
}

} // namespace

std::uint64_t sweepAcrossRanks(Mpi& mpi, const CostModel& model, const AcceleratorSpace& space,
                               const SweepRequest& request, const SweepSink& sink, const SweepProgress& progress,
                               std::stop_token stop) {
    const SweepPlan plan(space.size(), request);
    const std::uint64_t total = plan.count();
    const std::uint64_t blocks = (total + kBlock - 1) / kBlock;
    const auto ranks = static_cast<std::uint64_t>(mpi.size());
    const auto me = static_cast<std::uint64_t>(mpi.rank());

    if (me != 0) {
        std::uint64_t evaluated = 0;
        for (std::uint64_t b = me; b < blocks && !stop.stop_requested(); b += ranks) {
            std::vector<SweepPoint> points;
            evaluated += sweepPositions(
                model, space, plan, b * kBlock, (b + 1) * kBlock, request.threads,
                [&](std::span<const SweepPoint> batch) { points.insert(points.end(), batch.begin(), batch.end()); }, {},
                stop);
            // At most one block waits to be taken by rank 0 while the next is evaluated.
            while (!mpi.progress())
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            mpi.send(0, kSweepBlockTag, encodeBlock(b, points));
        }
        mpi.send(0, kSweepDoneTag, {});
        while (!mpi.progress())
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        return evaluated;
    }

    std::vector<bool> finished(ranks, false); // a worker that sent its done message
    std::uint64_t taken = 0;
    auto report = [&] {
        if (progress)
            progress(taken, total);
    };
    for (std::uint64_t b = 0; b < blocks; ++b) {
        const std::uint64_t owner = b % ranks;
        if (owner == 0) {
            if (stop.stop_requested())
                continue;
            taken += sweepPositions(
                model, space, plan, b * kBlock, (b + 1) * kBlock, request.threads,
                [&](std::span<const SweepPoint> batch) {
                    sink(batch);
                    if (progress)
                        progress(taken + batch.size(), total);
                },
                {}, stop);
            report();
            continue;
        }
        if (finished[owner])
            continue;
        // The owner sends its blocks in order, then a done message; MPI keeps a pair's order.
        const Message m = mpi.waitFrom(static_cast<int>(owner));
        if (m.tag == kSweepDoneTag) {
            finished[owner] = true;
            continue;
        }
        std::uint64_t block = 0;
        if (m.bytes.size() < sizeof block || (m.bytes.size() - sizeof block) % sizeof(SweepPoint) != 0)
            throw std::runtime_error("sweep block from rank " + std::to_string(owner) + " has " +
                                     std::to_string(m.bytes.size()) + " bytes, not a whole number of points");
        std::memcpy(&block, m.bytes.data(), sizeof block);
        if (block != b)
            throw std::runtime_error("rank " + std::to_string(owner) + " sent block " + std::to_string(block) +
                                     " where block " + std::to_string(b) + " was due");
        std::vector<SweepPoint> points((m.bytes.size() - sizeof block) / sizeof(SweepPoint));
        if (!points.empty())
            std::memcpy(points.data(), m.bytes.data() + sizeof block, points.size() * sizeof(SweepPoint));
        sink(points);
        taken += points.size();
        report();
    }
    // Every worker's done message, so none is left unreceived at MPI_Finalize.
    for (std::uint64_t r = 1; r < ranks; ++r)
        while (!finished[r])
            finished[r] = mpi.waitFrom(static_cast<int>(r)).tag == kSweepDoneTag;
    return taken;
}

} // namespace tcw::cluster
