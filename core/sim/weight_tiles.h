// Weight tiles that block-structured pruning removes (issue 16; docs/simulator.md, "Tiles
// removed by block pruning"). The lowering marks each forward op whose weight operand has a
// block stage in the model's CompressionSpec; the elector model then walks only the kept
// weight tiles. A block removes whole ty × ty tiles only when the tile divides the block and
// the block divides the matrix (tile-aligned); otherwise no tile is skipped (our modelling:
// a partly pruned tile still runs). Unstructured and finer levels (row, column, vector,
// element) change storage only, never the tiles walked.
#pragma once

#include "workload.h"

#include <cstdint>
#include <optional>

namespace tcw {

// The weight matrix an op's name stands for: "L0.sa_sdp_x12.q" → query, "L3.ff1" and
// "L3.ff.out" → feedForward, "L2.attention.output" → attentionOutput, "classifier".
std::optional<WeightMatrix> weightMatrixOfOp(const WorkOp& op);

// Sets weightBlockRatio / weightBlockRows / weightBlockCols on the forward weight ops.
void markWeightBlockPruning(Workload& workload);

// Weight tiles (ty × ty over the k × n weight operand) the op walks: ⌈k/ty⌉·⌈n/ty⌉, or, when
// its blocks are tile-aligned, (blocks − round(ratio · blocks)) · (b_r/ty) · (b_c/ty).
std::int64_t keptWeightTiles(const WorkOp& op, std::int64_t k, std::int64_t tileY);

} // namespace tcw
