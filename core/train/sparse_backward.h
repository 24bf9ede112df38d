// Sparse backward matmuls of a dense layer y = x·W + b, for when DynaProp's τ_T has made the
// incoming gradient gy mostly zeros: gx = gy·Wᵀ and dW = xᵀ·gy skip gy's zeros instead of
// multiplying them (oneDNN's dense matmul does all the work whatever the values).
//
// How it goes (docs/training.md, "Sparse backward"):
//  1. The bias-gradient pass, which reads gy anyway, also counts its non-zeros per row
//     (columnSumsCounting): the density of this call is known at no extra pass.
//  2. If the density is at most the break-even (SparseBackwardConfig), gy is compressed by
//     rows (CSR: column indices of each row's non-zeros, one pass, AVX-512 compresses; the
//     values are read from gy itself) and the two matmuls run on it; otherwise the caller
//     runs oneDNN.
//  3. gx: each row is a sum of the rows of Wᵀ that its non-zeros pick, accumulated in
//     registers over blocks of 128 outputs (row skipping: a zero costs nothing).
//     dW: the rows' lists are also sorted by columns (CSC, per block of 64 columns); row j of
//     dWᵀ = Σ over column j's non-zeros of g[n, j]·x[n, :], accumulated in registers over
//     blocks of 128, so each element is summed in row order for any thread count; dWᵀ is
//     transposed into dW at the end.
// The kernels are tcw_train's own; SparseBackwardConfig and BackwardKernelCounts are part of
// the trainer's public configuration and results. Shapes in brackets, row-major.
#pragma once

#include <cstdint>
#include <vector>

namespace tcw::train {

// Which instructions the kernels use: AVX-512 where the CPU has it, else portable loops (the
// same sums in the same order). Tests run both.
enum class SparseIsa : std::uint8_t { Portable, Avx512 };
SparseIsa bestSparseIsa();

// Rows per chunk of the tiled dW kernel: a [256, 64] slice of x (64 KiB) copied contiguous.
constexpr std::int64_t kSparseRowChunk = 256;

// A [rows, cols] gradient's non-zeros by row.
struct SparseRows {
    std::int64_t rows = 0, cols = 0;
    std::vector<std::int64_t> rowStart; // [rows + 1] into index
    std::vector<std::int32_t> index;    // column of each non-zero, ascending within a row
    // The gradient compressRows was given: the kernels read a row's values from it (no copy of
    // them is kept), so it must outlive their calls.
    const float* dense = nullptr;
    std::vector<std::uint16_t> rowCount;  // [blocks of 64 columns][rows] counts (pass 1)
    std::vector<std::int64_t> blockStart; // [blocks][rows]: where row r's non-zeros of block b start
    // The same non-zeros by column (CSC), for dW.
    std::vector<std::int64_t> colStart; // [cols + 1] into row / colValue
    std::vector<std::int32_t> row;      // row of each non-zero, ascending within a column
    std::vector<float> colValue;
    // Tiled kernels (steptime3): per tile of kTileRows rows, the columns where any of its rows is
    // non-zero ([tiles][cols] in index's storage, tileColCount per tile); per group of kTileRows
    // columns, the rows where any of them is ([groups][rows] in row's storage, groupRowCount per
    // group). After a tiled call index / row / colValue hold those, not the compressed forms.
    std::vector<std::int64_t> tileColCount, groupRowCount;
    std::vector<std::int64_t> groupChunkStart; // [groups][chunks of kSparseRowChunk rows + 1] into a group's list
    std::int64_t nonZeros() const { return rowStart.empty() ? 0 : rowStart.back(); }
};

// out[c] = Σ_r g[r, c] (the bias gradient, as columnSums: per column in row order) and the
// non-zeros of g counted per row into s (sized here). Returns the count of non-zeros.
std::int64_t columnSumsCounting(const float* g, std::int64_t rows, std::int64_t cols, float* out, SparseRows& s,
                                SparseIsa isa = bestSparseIsa());

// After columnSumsCounting on the same g: fills both compressed forms (g must stay alive while
// the kernels run on them).
void compressRows(const float* g, SparseRows& s, SparseIsa isa = bestSparseIsa());

// gx [rows, in] = g · Wᵀ (+ gx if accumulate) (⊙ m, laid out like gx, if m is non-null),
// W [in, cols] row-major. wT: scratch for Wᵀ [cols, in].
void sparseTimesTransposed(const SparseRows& g, const float* w, std::int64_t in, float* gx, bool accumulate,
                           const float* m, std::vector<float>& wT, SparseIsa isa = bestSparseIsa());

// dW [in, cols] = xᵀ · g (overwritten), x [rows, in]. scratch: dWᵀ [cols, in].
void sparseWeightGradient(const float* x, std::int64_t in, const SparseRows& g, float* dW, std::vector<float>& scratch,
                          SparseIsa isa = bestSparseIsa());

// Steptime3, for gradients too dense for one operand row per non-zero (≈ 0.15–0.35, the
// feed-forward gradients of BERT-Mini's DynaProp step): register tiles of kTileRows rows (gx) or
// kTileRows columns (dW) × 64 outputs. A tile runs over the union of its rows' (columns')
// non-zeros in ascending order, loading each operand row once for all kTileRows and multiplying
// the tile's zeros too (they add ±0, so each element is the same sum in the same order as the
// kernels above, up to the sign of a zero sum or a NaN where W or x holds an infinity). The
// unions are built in one pass over g (no compressRows); g must stay alive, as for those.
constexpr std::int64_t kTileRows = 4;

// gx [rows, in] = g · Wᵀ (+ gx if accumulate) (⊙ m), as sparseTimesTransposed; s after
// columnSumsCounting on g. wT: scratch for Wᵀ [cols, in].
void tiledTimesTransposed(const float* g, SparseRows& s, const float* w, std::int64_t in, float* gx, bool accumulate,
                          const float* m, std::vector<float>& wT, SparseIsa isa = bestSparseIsa());

// dW [in, cols] = xᵀ · g, as sparseWeightGradient. scratch: dWᵀ [cols, in].
void tiledWeightGradient(const float* x, std::int64_t in, const float* g, SparseRows& s, float* dW,
                         std::vector<float>& scratch, SparseIsa isa = bestSparseIsa());

// When the sparse kernels run instead of oneDNN's dense matmuls.
struct SparseBackwardConfig {
    enum class Mode : std::uint8_t { Auto, Never, Always } mode = Mode::Auto;
    // Auto: sparse when gy's density (non-zeros / elements) is at most this. The break-even
    // measured with bench_sparse_backward on BERT-Mini's shapes (docs/training.md): the
    // kernels were faster than oneDNN at density 0.15 in every shape, level at 0.2 and slower
    // at 0.25 (0.1 before the kernels' compression and cache order were reworked).
    // Steptime3: 0.3, the tiled kernels above 0.2 being level with oneDNN up to about 0.3
    // (BERT-Mini's FF-down gradients, 0.25–0.28, now go to them).
    double maxDensity = 0.3;
    // Sparse calls with a density above this run the tiled kernels (steptime3), the others the
    // per-non-zero ones: on BERT-Mini's shapes the tiles were faster from about 0.2 (FF down
    // 0.22: 0.86× oneDNN against 1.07×; 0.27: 0.98× against 1.38×) and slower below.
    double tiledMinDensity = 0.2;
    bool tiled(std::int64_t nonZeros, std::int64_t elements) const {
        return double(nonZeros) > tiledMinDensity * double(elements);
    }
};

// What the backward matmuls of one layer did, summed over calls.
struct BackwardKernelCounts {
    std::int64_t sparseCalls = 0, denseCalls = 0;
    std::int64_t nonZeros = 0, elements = 0; // of the incoming gradients gy
    double density() const { return elements > 0 ? double(nonZeros) / double(elements) : 0.0; }
    void add(const BackwardKernelCounts& o) {
        sparseCalls += o.sparseCalls;
        denseCalls += o.denseCalls;
        nonZeros += o.nonZeros;
        elements += o.elements;
    }
    bool operator==(const BackwardKernelCounts&) const = default;
};

} // namespace tcw::train
