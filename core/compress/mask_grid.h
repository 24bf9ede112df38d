// A mask summarised on a grid of cells (the pattern viewer's heat map, issue 16): per cell of
// cellRows × cellCols elements (the last row and column of cells may be smaller) how many
// elements it holds and how many are kept. The kept fraction of the grid is exactly the mask's.
#pragma once

#include "weight_mask.h"

#include <cstdint>
#include <vector>

namespace tcw::compress {

struct KeptGrid {
    int rows = 0, cols = 0;                 // cells
    int cellRows = 1, cellCols = 1;         // elements per cell
    std::vector<std::uint32_t> kept, total; // row-major, rows × cols

    double fraction(int r, int c) const; // kept / total of one cell
    std::uint64_t keptSum() const;
    std::uint64_t totalSum() const;
    double keptFraction() const; // Σ kept / Σ total
};

// Throws std::invalid_argument when a cell size is below 1.
KeptGrid keptGrid(const WeightMask& mask, int cellRows, int cellCols);

// The cell size that shows a rows × cols matrix in at most maxRows × maxCols cells: 1 where
// it fits, else the smallest multiple of `block` (or any size when block ≤ 1) that does, so
// that cells do not straddle the pattern's blocks.
int gridCellSize(int elements, int maxCells, int block);

} // namespace tcw::compress
