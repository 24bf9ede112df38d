// Masks from a PruningPattern: each stage, coarse to fine, cuts the matrix into units of its
// level (rectangles), scores the units that still hold a kept weight with its criterion,
// groups them by its balance rule and removes round(ratio × units in the group) of the lowest
// scored units of every group (ties: the earlier unit goes first). Ratios of later stages
// apply to what earlier stages kept, so 80 % of blocks then 50 % of the columns inside the
// kept blocks leaves (1 − 0.8)·(1 − 0.5) = 10 % of the weights.
//
// Units of each level (rows × columns of the matrix as the formats see it):
//   layer    the whole matrix, ranked across the layers (pruneLayers)
//   head     a band of columns per head (rows for the attention output matrix)
//   block    a b_r × b_c tile (the stage's blockRows × blockCols)
//   row      a row segment as wide as the tile, column: a column segment as tall as the tile
//   vector   a blockRows × blockCols rectangle of the stage (1×4, 4×1, …); its tile (for
//            perBlock) is the previous block stage's block, else the whole matrix
//   element  one weight
// The tile of a row, column or element stage is its own blockRows × blockCols when given,
// else the previous block stage's block, else the whole matrix (full rows and columns).
//
// Balance rules (the groups inside which the same share is removed):
//   none        the whole matrix
//   perRow      units in the same row (row band of tiles for blocks, row segments and column
//               segments; the row of the vector or element)
//   perBlock    units inside the same tile (for a block stage: the same block row, as perRow)
//   perPeGroup  units whose column band has the same index modulo the PE count: the output
//               columns dealt round robin to the PEs, each PE reading its own bank (a block's
//               band is its block column, a row segment's its tile column, a vector's its
//               vector column, a column's or an element's its column)
// Criteria, over the kept weights w of a unit (g: their loss gradients):
//   l1 Σ|w|, l2 √Σw², magnitude max|w|, taylor |Σ w·g| (first-order Taylor estimate of the
//   change in loss when the unit is removed).
#pragma once

#include "weight_mask.h"

#include "design/compression_spec.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tcw::compress {

struct MatrixView {
    int rows = 0;
    int cols = 0;
    const float* weights = nullptr;   // rows·cols, row-major
    const float* gradients = nullptr; // the same shape; needed by the taylor criterion only
};

struct MaskContext {
    int heads = 1;               // for head stages: the matrix's columns (or rows) per head = cols / heads
    bool headsAlongRows = false; // the attention output matrix: heads split its rows
    int peGroups = 1;            // for perPeGroup balance
};

struct StageOutcome {
    PruningLevel level = PruningLevel::Element;
    std::uint64_t units = 0;   // units still holding a kept weight when the stage ran
    std::uint64_t removed = 0; // units it removed
};

struct MaskResult {
    WeightMask mask;
    std::vector<StageOutcome> stages;
};

// One matrix. A layer stage is not allowed here (it ranks matrices; use pruneLayers). Throws
// std::invalid_argument naming the stage and the field when the pattern does not fit the
// matrix (a head count that does not divide it, taylor without gradients, …).
MaskResult pruneMatrix(const PruningPattern& pattern, const MatrixView& matrix, const MaskContext& context = {},
                       const WeightMask* start = nullptr);

// The same matrix of every layer: a leading layer stage removes round(ratio × layers) whole
// matrices (lowest scored first), the other stages run per matrix.
std::vector<MaskResult> pruneLayers(const PruningPattern& pattern, std::span<const MatrixView> layers,
                                    const MaskContext& context = {});

// Named patterns for a target sparsity s (blocks 16×16 unless the name says otherwise):
//   unstructured           element s, magnitude
//   block-16x16 / block-RxC  block s, l2
//   block-balanced         block s, perRow (every block row keeps the same number of blocks)
//   column-balanced-block  column s, perBlock, in 16×16 tiles (every tile keeps the same
//                          number of columns)
//   N:M (2:4, …)           element 1 − N/M, perBlock in M×1 tiles (N kept of every M along a
//                          column); s must be 1 − N/M or absent
//   hierarchical           block then column perBlock inside kept blocks; our split: half the
//                          columns of kept blocks go when s ≥ 0.5 (blocks 2s − 1), else no
//                          blocks and columns s
struct PresetResult {
    std::optional<PruningPattern> pattern;
    std::string error; // names the preset or the sparsity and what is allowed
};
PresetResult pruningPreset(std::string_view name, std::optional<double> targetSparsity);
std::vector<std::string> pruningPresetNames(); // for help texts

} // namespace tcw::compress
