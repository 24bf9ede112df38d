// An accelerator sweep spread over MPI ranks: the plan's positions are cut into blocks dealt
// out round robin (block b to rank b mod N); every rank evaluates its blocks on its own
// threads, and rank 0 takes the blocks in order — its own straight from its threads, the
// others' as messages — so its sink sees every point in index order, as in one process.
// Memory stays at a few blocks per rank whatever the space's size.
#pragma once

#include "mpi_runtime.h"

#include "sim/sweep.h"

namespace tcw::cluster {

inline constexpr int kSweepBlockTag = 20; // worker → 0: block number + its points
inline constexpr int kSweepDoneTag = 21;  // worker → 0: no more blocks from this rank

// Call on every rank with the same arguments. On rank 0 `sink` receives all points in index
// order and `progress` reports (points taken, total); on the others both are unused. When
// `stop` is requested (Ctrl-C reaches every rank under mpirun) each rank sends what it
// finished and rank 0 returns what arrived, still in index order. Returns the points rank 0
// took (on rank 0) or this rank evaluated (on the others).
std::uint64_t sweepAcrossRanks(Mpi& mpi, const CostModel& model, const AcceleratorSpace& space,
                               const SweepRequest& request, const SweepSink& sink, const SweepProgress& progress,
                               std::stop_token stop);

} // namespace tcw::cluster
