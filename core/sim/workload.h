// A model lowered to the ops an accelerator runs, independent of the accelerator: shapes are
// per sequence (the batch B comes from the accelerator when the workload is costed), so one
// lowering serves a whole sweep. Training adds the backward pass and the optimizer update.
#pragma once

#include "compress/weight_mask.h"
#include "design/compression_spec.h"
#include "design/transformer_spec.h"
#include "sim_types.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcw {

// Which functional units an op occupies.
enum class Unit : std::uint8_t { MacLanes, Softmax, LayerNorm, MemoryOnly };

// Whose zeros the lanes skip (zero-skipping applies to the streamed operand only).
enum class DensitySource : std::uint8_t {
    Dense,              // nothing skipped
    Activation,         // forward activations pruned by τ_I (layer's activation sparsity)
    ActivationGradient, // δ pruned by τ_T (layer's activation-gradient sparsity)
};

// How values of a tensor are stored: compressed with a zero mask when sparse enough.
enum class StorageKind : std::uint8_t { Activation, ActivationGradient, Weight, WeightGradient, Dense };

// One operand of a MatMul: (b, rows, cols) where b is B·batchPerSequence when `batched`,
// otherwise a single instance shared by the whole batch (weights, fixed transform matrices).
struct Operand {
    bool batched = true;
    bool inWeightBuffer = false; // weights and fixed matrices live in the weight buffer
    StorageKind storage = StorageKind::Activation;
    // Issue 15: the CompressionSpec role whose bits the operand is stored at (inference;
    // precision_bits.h); none: the accelerator's native width.
    std::optional<TensorRole> role;
};

// The activation roles a stored tensor can have (issue 15), indexing the per-role live sums.
inline constexpr std::array<TensorRole, 4> kStoredActivationRoles = {
    TensorRole::LinearInputs, TensorRole::QueryKeyValue, TensorRole::AttentionProbabilities,
    TensorRole::FeedForwardHidden};

struct WorkOp {
    std::string name; // "L0.sa_sdp×2.q", "L1.ff0", "L1.bwd.ff0.dW", ...
    OpKind kind = OpKind::MatMul;
    Phase phase = Phase::Forward;
    Unit unit = Unit::MacLanes;
    int layer = -1;       // encoder layer; -1 = embedding / classifier
    int multiplicity = 1; // identical ops of identical heads costed once, tiles × multiplicity

    // Geometry. MatMul: A (b, m, k) × B (b, k, n) → (b, m, n).
    // Convolution: output (b, m, n), each element k taps. Elementwise / Softmax / LayerNorm /
    // Nonlinearity: (b, m, n) elements, k operations (passes) per element.
    // b = batchPerSequence·B; k = k·B when contractsOverBatch (weight gradients).
    std::int64_t batchPerSequence = 1;
    bool batchFixed = false; // b is batchPerSequence, not scaled by B (weight gradients)
    std::int64_t m = 1, k = 1, n = 1;
    bool contractsOverBatch = false;
    Operand a, b;
    StorageKind outputStorage = StorageKind::Activation;
    std::optional<TensorRole> outputRole; // issue 15: the output's stored role (none: native)
    DensitySource density = DensitySource::Activation;

    // Main-memory traffic that does not depend on residency (elements, per op).
    double weightReadElements = 0;   // weights / fixed matrices streamed in, once per op
    bool weightReadIsReload = false; // backward re-read: skipped for weights still resident
    StorageKind weightReadStorage = StorageKind::Weight;
    // Issue 15: the part of weightReadElements that is a weight matrix stored at the bits of
    // weightRole (weights, embeddings or classifier); biases, norms, positions and fixed
    // matrices (the rest) stay at the native width, as the trainer keeps them in float.
    double weightMatrixElements = 0;
    std::optional<TensorRole> weightRole;
    double weightGradientWriteElements = 0; // dW written out
    double denseReadElements = 0;           // optimizer state (m, v) read
    double denseWriteElements = 0;          // optimizer state written, weights written back
    double weightWriteElements = 0;         // updated weights written back (compressed)
    double gradientReadElements = 0;        // dW read by the update
    // Embedding look-up: token rows per sequence (≤ vocabulary in all) plus fixed rows.
    double embeddingTokenRowsPerSequence = 0;
    double embeddingVocabularyRows = 0;
    double embeddingFixedRows = 0;
    double embeddingWidth = 0;
    StorageKind embeddingStorage = StorageKind::Weight; // token tables are weights; patches dense input

    // Liveness (elements per sequence), filled by the lowering for the residency model.
    double liveActivationElements = 0; // activations live while this op runs (not saved ones)
    double liveGradientElements = 0;
    // Issue 15: the part of liveActivationElements stored at each of kStoredActivationRoles.
    std::array<double, kStoredActivationRoles.size()> liveRoleElements{};

    // Block pruning of the weight operand B (k × n), forward ops only (weight_tiles.h): the
    // share of b_r × b_c blocks removed; 0 and 0 × 0 when the weights are not block-pruned.
    double weightBlockRatio = 0;
    int weightBlockRows = 0, weightBlockCols = 0;
    bool weightBlockOnly = false;     // the block stage is the only stage that prunes (issue 16)
    double weightPatternSparsity = 0; // 1 − Π(1 − ratio) over the pattern's stages but layer (issue 16)
    // The weight operand's mask from a pruned run, k × multiplicity·n (heads side by side),
    // attached by attachWeightMask (weight_tiles.h): exact load per PE and stored size. Null:
    // both follow from weightBlockRatio.
    std::shared_ptr<const compress::WeightMask> weightMask;
};

struct Workload {
    TransformerSpec model;
    TaskShape task;
    SimMode mode = SimMode::Inference;
    std::vector<WorkOp> ops;
    // Activations saved in the forward pass for the backward pass, per layer (elements per
    // sequence); the embedding layer's are counted in layer 0.
    std::vector<double> savedActivationElements;
    // Weights per layer (elements), for the weight-buffer residency between forward and backward.
    std::vector<double> layerWeightElements;
    int layerCount = 0;
};

// Lowers the model; throws std::invalid_argument for a structurally invalid model (run
// validate() first for a readable list of errors).
Workload lowerWorkload(const TransformerSpec& model, const TaskShape& task, SimMode mode);

} // namespace tcw
