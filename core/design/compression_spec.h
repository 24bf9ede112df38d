// Compression as part of the model: a precision (bits and quantizer) per tensor role with
// per-layer overrides, and a weight pruning pattern per matrix (levels from coarse to fine).
// The default is dense 32-bit float, which every model had before; the trainer and the cost
// models read it in their own issues.
#pragma once

#include "validation.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw {

// The tensors a precision applies to.
enum class TensorRole : std::uint8_t {
    Weights,                // every linear layer's weights
    LinearInputs,           // inputs of the linear layers
    QueryKeyValue,          // Q, K and V of the attention heads
    AttentionProbabilities, // softmax outputs
    FeedForwardHidden,      // activations inside the feed-forward stack
    Embeddings,             // token and position embeddings
    Classifier,             // the task head
};
inline constexpr std::size_t kTensorRoleCount = 7;
std::string_view tensorRoleName(TensorRole role); // "weights", "linearInputs", "qkv", …
std::optional<TensorRole> tensorRoleFromName(std::string_view name);

// How values are mapped to `bits`.
enum class Quantizer : std::uint8_t {
    Float,      // IEEE floating point: 32 or 16 bits
    Symmetric,  // uniform, zero at the centre, one scale per tensor
    Asymmetric, // uniform with a zero point
    PowerOfTwo, // logarithmic: sign and exponent
    Sign,       // binarized: sign times a scale, 1 bit
};
inline constexpr std::size_t kQuantizerCount = 5;
std::string_view quantizerName(Quantizer q); // "float", "symmetric", "asymmetric", "power-of-two", "sign"
std::optional<Quantizer> quantizerFromName(std::string_view name);

struct Precision {
    int bits = 32; // one of 1, 2, 4, 8, 16, 32
    Quantizer quantizer = Quantizer::Float;

    bool operator==(const Precision&) const = default;
};

// One role's precision in one layer, instead of the model-wide one.
struct PrecisionOverride {
    int layer = 0; // 0-based
    TensorRole role = TensorRole::Weights;
    Precision precision;

    bool operator==(const PrecisionOverride&) const = default;
};

// The weight matrices a pruning pattern applies to (in every layer that has them).
enum class WeightMatrix : std::uint8_t {
    Query,
    Key,
    Value,
    AttentionOutput,
    FeedForward, // every matrix of the feed-forward stack
    Embedding,
    Classifier,
};
inline constexpr std::size_t kWeightMatrixCount = 7;
std::string_view weightMatrixName(WeightMatrix m); // "query", "key", "value", "attentionOutput", …
std::optional<WeightMatrix> weightMatrixFromName(std::string_view name);

// Pruning granularity, from coarse to fine.
enum class PruningLevel : std::uint8_t { Layer, Head, Block, Row, Column, Vector, Element };
inline constexpr std::size_t kPruningLevelCount = 7;
std::string_view pruningLevelName(PruningLevel l); // "layer", "head", "block", "row", "column", "vector", "element"
std::optional<PruningLevel> pruningLevelFromName(std::string_view name);

// How the pruned share is spread so hardware sees regular work.
enum class BalanceRule : std::uint8_t { None, PerRow, PerBlock, PerPeGroup };
inline constexpr std::size_t kBalanceRuleCount = 4;
std::string_view balanceRuleName(BalanceRule b); // "none", "perRow", "perBlock", "perPeGroup"
std::optional<BalanceRule> balanceRuleFromName(std::string_view name);

// What ranks the units to prune.
enum class PruningCriterion : std::uint8_t { L1, L2, Magnitude, Taylor };
inline constexpr std::size_t kPruningCriterionCount = 4;
std::string_view pruningCriterionName(PruningCriterion c); // "l1", "l2", "magnitude", "taylor" (first order)
std::optional<PruningCriterion> pruningCriterionFromName(std::string_view name);

// One level of a pattern: prune `ratio` of the units of this granularity.
struct PruningStage {
    PruningLevel level = PruningLevel::Element;
    double ratio = 0; // share of units removed, in [0, 1)
    BalanceRule balance = BalanceRule::None;
    PruningCriterion criterion = PruningCriterion::L1;
    // b_r × b_c: a block stage's block and a vector stage's shape (≥ 1 there); for a row, column
    // or element stage optionally the tile it is cut and balanced in (2:4 is element 50 %
    // perBlock in 4×1 tiles); 0 for layer and head stages.
    int blockRows = 0;
    int blockCols = 0;

    bool operator==(const PruningStage&) const = default;
};

// Stages from coarse to fine, each level at most once; empty: dense.
struct PruningPattern {
    std::vector<PruningStage> stages;

    bool operator==(const PruningPattern&) const = default;
    bool isDense() const { return stages.empty(); }
};

struct CompressionSpec {
    std::array<Precision, kTensorRoleCount> precision{};      // by TensorRole; default 32-bit float
    std::vector<PrecisionOverride> layerPrecision;            // per-layer exceptions
    std::array<PruningPattern, kWeightMatrixCount> pruning{}; // by WeightMatrix; default dense

    bool operator==(const CompressionSpec&) const = default;

    // Dense 32-bit float: what every model was before compression existed (not written out).
    bool isDefault() const { return *this == CompressionSpec{}; }
    const Precision& of(TensorRole role) const { return precision[std::size_t(role)]; }
    // The precision of a role in a layer: its override there, else the model-wide one.
    Precision at(int layer, TensorRole role) const;
    const PruningPattern& of(WeightMatrix m) const { return pruning[std::size_t(m)]; }
};

// Every error, each with its path below the compression object ("precision.weights.bits",
// "layerPrecision[0].layer", "pruning.query[1].ratio"): bits in {1, 2, 4, 8, 16, 32}, a
// quantizer that can have those bits (float 16 or 32, sign 1), layers below layerCount, one
// override per layer and role, ratios in [0, 1), levels strictly from coarse to fine, block
// sizes on block and vector stages (and optionally as the tile of row, column, element stages).
ValidationErrors validate(const CompressionSpec& spec, int layerCount);

// A short reading per line: "weights: 8-bit symmetric", "layer 2 weights: 4-bit symmetric",
// "query: block 4×4 50 % (per row, L1)"; one line "dense, 32-bit float" for the default.
std::vector<std::string> describeCompression(const CompressionSpec& spec);

} // namespace tcw
