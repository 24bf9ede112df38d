// Weight tiles that block-structured pruning removes (issue 16; docs/simulator.md, "Tiles
// removed by block pruning"). The lowering marks each forward op whose weight operand has a
// block stage in the model's CompressionSpec; the elector model then walks only the kept
// weight tiles. A block removes whole ty × ty tiles only when the tile divides the block and
// the block divides the matrix (tile-aligned); otherwise no tile is skipped (our modelling:
// a partly pruned tile still runs). Unstructured and finer levels (row, column, vector,
// element) change storage only, never the tiles walked.
#pragma once

#include "compress/sparse_format.h"
#include "workload.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tcw {

// The weight matrix an op's name stands for: "L0.sa_sdp_x12.q" → query, "L3.ff1" and
// "L3.ff.out" → feedForward, "L2.attention.output" → attentionOutput, "classifier".
std::optional<WeightMatrix> weightMatrixOfOp(const WorkOp& op);

// Sets weightBlockRatio / weightBlockRows / weightBlockCols on the forward weight ops.
void markWeightBlockPruning(Workload& workload);

// Weight tiles (ty × ty over the k × n weight operand) the op walks: ⌈k/ty⌉·⌈n/ty⌉, or, when
// its blocks are tile-aligned, (blocks − round(ratio · blocks)) · (b_r/ty) · (b_c/ty).
std::int64_t keptWeightTiles(const WorkOp& op, std::int64_t k, std::int64_t tileY);

// Attaches a pruned run's mask to the forward weight op `opName`: the mask is the op's whole
// weight matrix, k × multiplicity·n (the heads' columns side by side, as the run stores the
// projection). Throws std::invalid_argument naming the op and both shapes when they differ,
// or when the workload has no forward weight op of that name.
void attachWeightMask(Workload& workload, const std::string& opName, compress::WeightMask mask);

// What the op's stored weights' size depends on (one k × multiplicity·n matrix): counted from
// its mask when one is attached; else, for a block stage alone whose blocks divide the matrix,
// K = blocks − round(ratio · blocks) kept blocks, nnz = K·b_r·b_c, kept block columns K·b_c;
// else absent (the size then follows the sparsity profile, docs/simulator.md §3.1).
std::optional<compress::MaskCounts> weightCounts(const WorkOp& op);
// Value bits b and the block of the block formats: the block stage's b_r × b_c, else 16 × 16
// (the presets' block, as `tcw formats` uses).
compress::FormatParams weightFormatParams(const WorkOp& op, int valueBits);

} // namespace tcw
