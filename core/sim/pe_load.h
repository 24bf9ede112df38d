// Load across the PEs of a tiled accelerator walking a block-pruned weight matrix (issue 16;
// docs/pruning.md, "Load across PEs"). Our modelling, after the HP paper's ancestors
// (column-balanced block pruning: every PE gets the same work from its own bank): the k × n
// weight matrix (contraction rows × output columns, as the formats see it) is cut into
// tile × tile weight tiles; output tile columns are dealt round robin to the PEs (column j to
// PE j mod P), each PE walks the kept tiles of its columns (a tile is kept when it holds a
// kept weight; edge tiles count whole), and the op waits for its busiest PE. A pattern whose
// block stage is balanced per PE group (perPeGroup with P groups, blocks a multiple of the
// tile) gives every PE the same count; an unbalanced one can leave PEs idle.
#pragma once

#include "compress/weight_mask.h"

#include <cstdint>
#include <vector>

namespace tcw::sim {

struct PeLoad {
    int tile = 16;
    std::vector<std::int64_t> tilesPerPe; // kept weight tiles each PE walks
    std::int64_t total = 0, busiest = 0;
    // busiest / mean (1: balanced); 1 when nothing is kept.
    double imbalance() const;
    // Cycles of the op when each tile takes tileCycles: the busiest PE's.
    std::int64_t cycles(std::int64_t tileCycles) const { return busiest * tileCycles; }
    // The same work spread perfectly: ⌈total / P⌉ tiles each.
    std::int64_t balancedCycles(std::int64_t tileCycles) const;
};

// Throws std::invalid_argument when tile or pes is below 1.
PeLoad peLoad(const compress::WeightMask& mask, int tile, int pes);

} // namespace tcw::sim
