// GPTran's grow and prune operators and the weight transfer from a parent model to its child
// (issue 14, docs/grow_prune.md). Pure functions on a model, its parameters and a seed: the
// grow-and-prune loop (grow_prune.h) trains what these build.
//
// The operators, as the reference code (jha-lab/edgetran) applies them to a FlexiBERT 2.0 model:
//  - grow-head: one head of a random kind added to a random layer, width = the layer's head
//    width; up to 5 children, distinct (layer, kind) pairs;
//  - grow-ff: a 1024-wide feed-forward layer appended to the stack of a random layer whose last
//    feed-forward size is ≤ 1024; up to 5 children, distinct layers;
//  - prune-heads: the 2 heads with the lowest mean squared weight removed (Q, K, V columns for
//    self-attention, W for weighted multiplicative attention, the kernels for convolutions; for
//    the Fourier / cosine transform heads, which have only their value columns here, those:
//    our choice); a layer keeps at least one head;
//  - prune-ff: the 2 feed-forward layers with the lowest mean |W| lose 128 neurons each;
//  - shrink-layer: the layer with the lowest mean |W| loses 48 hidden units (off by default in
//    the loop, as in the reference).
//
// Weight transfer: every child tensor takes its parent's values where the part exists in the
// parent; a dimension whose size changed (a layer's hidden size, a feed-forward width) is
// mapped by one matrix per dimension, shared by every tensor that has it: `ordered` keeps the
// leading entries (a larger child keeps its own initialisation beyond them), `projection` a
// Gaussian random projection P (child × parent, entries N(0, 1/child), seeded per dimension)
// so W' = P_rows · W · P_colsᵀ (GPTran's choice). A head passes its weights only to the head it
// becomes in the child (same kind, so the same family, and width); new parts keep the child's
// seeded initialisation. Layer-norm scales and shifts of a resized hidden dimension take the
// leading entries in both modes (a projected scale would no longer be near 1: our choice).
#pragma once

#include "design/transformer_spec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::codesign {

enum class GrowPruneOperator : std::uint8_t { GrowHead, GrowFeedForward, PruneHeads, PruneFeedForward, ShrinkLayer };

std::string_view growPruneOperatorName(GrowPruneOperator op); // "grow-head", "grow-ff", "prune-heads", …
std::optional<GrowPruneOperator> growPruneOperatorFromName(std::string_view name);

enum class TransferMode : std::uint8_t { Ordered, Projection };
std::string_view transferModeName(TransferMode mode); // "ordered", "projection"
std::optional<TransferMode> transferModeFromName(std::string_view name);

// The reference's sizes, settable for short runs on small models.
struct GrowPruneSizes {
    int growHeadChildren = 5;  // at most this many grow-head children
    int growFfChildren = 5;    // at most this many grow-ff children
    int growFfWidth = 1024;    // width of an appended feed-forward layer; eligible: last size ≤ this
    int pruneHeads = 2;        // heads removed by prune-heads
    int pruneFfLayers = 2;     // feed-forward layers shrunk by prune-ff
    int pruneFfNeurons = 128;  // neurons each loses
    int shrinkLayerUnits = 48; // hidden units shrink-layer removes
};

// Where a child layer's parts come from in the parent layer of the same index (the operators
// never add or remove layers).
struct LayerSource {
    std::vector<int> heads;       // per child head: the parent head it inherits, −1 = new
    std::vector<int> feedForward; // per child feed-forward layer: the parent's, −1 = new
};

struct ChildModel {
    GrowPruneOperator op = GrowPruneOperator::GrowHead;
    TransformerSpec model;            // canonical head order
    std::string change;               // e.g. "layer 1: + c_9_64"
    std::vector<LayerSource> sources; // per layer
};

// The children of one operator applied to `parent` (canonical head order; its trained
// `parameters` as laid out by the trainer for `task`, used by the prune operators' weakest-part
// choice). The grow operators draw their random choices from `seed`. Empty when the operator
// has nothing to act on (no layer can take a feed-forward layer, every layer has one head, no
// feed-forward layer is wider than the neurons to remove, no layer wider than the units).
std::vector<ChildModel> applyOperator(GrowPruneOperator op, const TransformerSpec& parent, const TaskShape& task,
                                      const std::vector<float>& parameters, std::uint64_t seed,
                                      const GrowPruneSizes& sizes = {});

// The mean squared weight of each head of layer `layer` (what prune-heads ranks) and the mean
// |W| of each feed-forward matrix of the layer (what prune-ff ranks; index k = the matrix into
// feed-forward layer k), from parameters laid out as the trainer lays them out for `task`.
std::vector<double> headStrengths(const TransformerSpec& model, const TaskShape& task,
                                  const std::vector<float>& parameters, int layer);
std::vector<double> feedForwardStrengths(const TransformerSpec& model, const TaskShape& task,
                                         const std::vector<float>& parameters, int layer);

// The child's initial parameters: its own seeded initialisation (as the trainer's, seed
// `seed`), overwritten by the parent's weights as described above. `parentParameters` must be
// laid out as the trainer lays out `parent` for `task`. Throws std::invalid_argument when a
// size does not match or the sources name a part the parent does not have.
std::vector<float> transferWeights(const TransformerSpec& parent, const std::vector<float>& parentParameters,
                                   const ChildModel& child, const TaskShape& task, TransferMode mode,
                                   std::uint64_t seed);

// The matrix that maps a dimension of `parentSize` entries to `childSize` (child × parent,
// row-major): ordered = the leading identity, projection = N(0, 1/childSize) entries from
// `seed`. Exposed for the tests.
std::vector<double> dimensionMap(int childSize, int parentSize, TransferMode mode, std::uint64_t seed);

} // namespace tcw::codesign
