// Block-sparse inference matmul on this CPU: Y (T × N) = X (T × K) · W (K × N) with W kept
// in 16 × 16 blocks (pruned blocks are neither stored nor visited). Blocks are grouped by
// block column; a block column's output, 16 floats of a row, is one AVX-512 register, so a
// kept block costs 16 vector loads and 16·T fused multiply-adds and a pruned one nothing.
// The block columns are split over threads by their kept-block counts (contiguous ranges of
// equal work), so balanced patterns keep every core equally busy. Without AVX-512 at run
// time a portable loop computes the same sums.
#pragma once

#include "weight_mask.h"

#include <cstdint>
#include <span>
#include <vector>

namespace tcw::compress {

struct BlockSparseMatrix {
    static constexpr int kBlock = 16;
    int rows = 0, cols = 0;                // K × N, both multiples of 16
    std::vector<std::int32_t> columnStart; // N/16 + 1 offsets into blockRow
    std::vector<std::int32_t> blockRow;    // kept block rows, per block column in ascending order
    std::vector<float> values;             // 256 floats per kept block, row-major inside the block

    std::size_t keptBlocks() const { return blockRow.size(); }
};

// Packs the blocks of W (row-major K × N) that hold a kept weight of the mask; pruned
// weights inside a kept block are stored as 0. Throws std::invalid_argument when K or N is
// not a multiple of 16.
BlockSparseMatrix packBlockSparse(std::span<const float> weights, const WeightMask& mask);

// Y = X · W, X row-major T × K, Y row-major T × N (overwritten). threads ≥ 1.
void blockSparseMatmul(const BlockSparseMatrix& w, std::span<const float> x, std::span<float> y, int tokens,
                       int threads = 1);

// The unstructured peer: W in CSR by input row, Y = X · W row by row (scalar axpy).
struct CsrMatrix {
    int rows = 0, cols = 0;
    std::vector<std::int32_t> rowStart, column;
    std::vector<float> values;
};
CsrMatrix packCsr(std::span<const float> weights, const WeightMask& mask);
void csrMatmul(const CsrMatrix& w, std::span<const float> x, std::span<float> y, int tokens);

bool blockSparseUsesAvx512(); // what blockSparseMatmul runs on this machine

} // namespace tcw::compress
