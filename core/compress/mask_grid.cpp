// Masks on a grid of cells (mask_grid.h).
#include "mask_grid.h"

#include <stdexcept>

namespace tcw::compress {

double KeptGrid::fraction(int r, int c) const {
    const std::size_t i = std::size_t(r) * std::size_t(cols) + std::size_t(c);
    return total[i] ? double(kept[i]) / double(total[i]) : 0.0;
}

std::uint64_t KeptGrid::keptSum() const {
    std::uint64_t n = 0;
    for (auto k : kept)
        n += k;
    return n;
}

std::uint64_t KeptGrid::totalSum() const {
    std::uint64_t n = 0;
    for (auto t : total)
        n += t;
    return n;
}

double KeptGrid::keptFraction() const {
    const std::uint64_t t = totalSum();
    return t ? double(keptSum()) / double(t) : 0.0;
}

KeptGrid keptGrid(const WeightMask& mask, int cellRows, int cellCols) {
    if (cellRows < 1 || cellCols < 1)
        throw std::invalid_argument("keptGrid: cell size must be at least 1 × 1, got " + std::to_string(cellRows) +
                                    " × " + std::to_string(cellCols));
    KeptGrid g;
    g.cellRows = cellRows;
    g.cellCols = cellCols;
    g.rows = (mask.rows + cellRows - 1) / cellRows;
    g.cols = (mask.cols + cellCols - 1) / cellCols;
    g.kept.assign(std::size_t(g.rows) * std::size_t(g.cols), 0);
    g.total.assign(g.kept.size(), 0);
    for (int r = 0; r < mask.rows; ++r)
        for (int c = 0; c < mask.cols; ++c) {
            const std::size_t i = std::size_t(r / cellRows) * std::size_t(g.cols) + std::size_t(c / cellCols);
            ++g.total[i];
            g.kept[i] += mask.at(r, c) ? 1 : 0;
        }
    return g;
}

int gridCellSize(int elements, int maxCells, int block) {
    if (maxCells < 1 || elements <= maxCells)
        return 1;
    const int step = block > 1 ? block : 1;
    int size = step;
    while ((elements + size - 1) / size > maxCells)
        size += step;
    return size;
}

} // namespace tcw::compress
