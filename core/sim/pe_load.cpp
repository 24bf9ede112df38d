// Load across PEs of a block-pruned weight matrix (pe_load.h).
#include "pe_load.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tcw::sim {

double PeLoad::imbalance() const {
    if (total == 0 || tilesPerPe.empty())
        return 1.0;
    return double(busiest) * double(tilesPerPe.size()) / double(total);
}

std::int64_t PeLoad::balancedCycles(std::int64_t tileCycles) const {
    const auto p = std::int64_t(tilesPerPe.size());
    return p ? (total + p - 1) / p * tileCycles : 0;
}

PeLoad peLoad(const compress::WeightMask& mask, int tile, int pes) {
    if (tile < 1 || pes < 1)
        throw std::invalid_argument("peLoad: tile and PE count must be at least 1, got tile " + std::to_string(tile) +
                                    ", " + std::to_string(pes) + " PEs");
    PeLoad load;
    load.tile = tile;
    load.tilesPerPe.assign(std::size_t(pes), 0);
    const int tileRows = (mask.rows + tile - 1) / tile, tileCols = (mask.cols + tile - 1) / tile;
    for (int tr = 0; tr < tileRows; ++tr)
        for (int tc = 0; tc < tileCols; ++tc) {
            bool kept = false;
            for (int r = tr * tile; r < std::min(mask.rows, (tr + 1) * tile) && !kept; ++r)
                for (int c = tc * tile; c < std::min(mask.cols, (tc + 1) * tile); ++c)
                    if (mask.at(r, c)) {
                        kept = true;
                        break;
                    }
            if (kept)
                ++load.tilesPerPe[std::size_t(tc % pes)];
        }
    for (auto t : load.tilesPerPe) {
        load.total += t;
        load.busiest = std::max(load.busiest, t);
    }
    return load;
}

} // namespace tcw::sim
