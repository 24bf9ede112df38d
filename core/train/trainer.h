// The DynaProp training loop: a Trainer owns the network, optimizer and pruning state and
// does one step at a time (tests, the GUI); train() runs a whole job with a cancel token and
// a progress callback (the CLI). No printing; divergence is a status, not an exception.
#pragma once

#include "activation_quantization.h"
#include "checkpoint.h"
#include "datasets.h"
#include "design/run_control.h"
#include "distillation.h"
#include "dynaprop.h"
#include "low_bit_report.h"
#include "network.h"
#include "optimizer.h"
#include "pruning.h"

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace tcw::train {

class WeightPrecision; // weight_precision.h (issue 15)
class Trainer;

struct TrainConfig {
    int batchSize = 64;
    std::int64_t steps = 0; // optimizer steps; 0 = epochs × steps per epoch
    int epochs = 1;
    std::uint64_t seed = 1;  // initialisation and data order
    int threads = 1;         // oneDNN / OpenMP threads (set before any primitive is built)
    bool bf16Matmul = false; // mixed-precision matmuls (see Network::setBf16Matmul)
    // Feed-forward activations kept compressed between forward and backward; by default
    // whenever τ_I prunes (fixed τ_I > 0 or a target activation sparsity).
    std::optional<bool> compressSavedActivations;
    // Issue 20: when the dense layers' backward matmuls skip gy's zeros (sparse_backward.h).
    SparseBackwardConfig sparseBackward;
    OptimizerConfig optimizer;
    DynaPropConfig dynaprop;
    std::int64_t logEverySteps = 20;       // curve points and progress reports
    std::int64_t evalEverySteps = 0;       // test-set evaluation during training (0 = only at the end)
    std::int64_t evalMaxExamples = 0;      // cap on test examples for the periodic evaluations (0 = all)
    std::int64_t memoryEverySteps = 50;    // how often saved-activation memory is measured
    std::string checkpointPath;            // empty: no checkpoints
    std::int64_t checkpointEverySteps = 0; // 0: only at the end
    std::string resumeFrom;                // checkpoint to continue from
    // Progress reports carry magnitude histograms of activations and gradients (a live view
    // wants them; they cost a pass over every pruned tensor and change no result).
    bool collectMagnitudeHistograms = false;
    // Issue 16: prune the weights of the model's compression.pruning patterns on this plan
    // (WeightPruning); absent: no weight pruning.
    std::optional<PruningPlan> weightPruning;
    // Issue 15: how activations the model's CompressionSpec quantizes are trained.
    ActivationQuantizationConfig activationQuantization;
    // Issue 15: distillation from a teacher run (teacherCheckpoint empty: none).
    DistillationConfig distillation;
    // Issue 14 (GPTran): start from these parameters instead of the seeded initialisation
    // (a child's weights transferred from its parent, core/codesign/weight_transfer.h). Empty:
    // the seeded initialisation. Its size must be the model's parameter count.
    std::vector<float> initialParameters;
    // Issue 15 (robustness, core/train/robustness.h): called with the trainer when a run has
    // completed and its test accuracy is measured (not when cancelled or diverged), to measure
    // the trained model further with its learned activation scales, which no checkpoint holds.
    std::function<void(Trainer&)> onCompleted;
};

struct StepReport {
    bool finite = true; // false: the loss or the gradient norm was NaN/Inf (divergence)
    float loss = 0.0f;  // the task's cross-entropy (with distillation: the student's own loss)
    // Issue 15, with distillation: its unweighted terms (the optimised loss is
    // loss + w_logit·distillLogit + w_hidden·distillHidden).
    double distillLogit = 0.0, distillHidden = 0.0;
    double accuracy = 0.0;
    double gradientNorm = 0.0;
    float learningRate = 0.0f;
    LayerSparsityCounts total;      // this step, summed over layers
    MagnitudeHistograms magnitudes; // this step's, when TrainConfig::collectMagnitudeHistograms
};

struct EvalResult {
    double loss = 0.0;
    double accuracy = 0.0;
    std::int64_t examples = 0;
    double activationSparsity = 0.0; // zeros / elements of the pruned forward tensors
};

struct CurvePoint {
    std::int64_t step = 0;
    double epoch = 0.0;
    double trainLoss = 0.0;     // mean over the steps since the previous point
    double trainAccuracy = 0.0; // same
    double learningRate = 0.0;
    double activationSparsity = 0.0;
    double activationGradientSparsity = 0.0;
    double weightGradientSparsity = 0.0;
    double elapsedSeconds = 0.0;
    double testLoss = std::numeric_limits<double>::quiet_NaN(); // NaN when not evaluated here
    double testAccuracy = std::numeric_limits<double>::quiet_NaN();
};

struct TrainProgress {
    std::int64_t step = 0;
    std::int64_t totalSteps = 0;
    double trainLoss = 0.0;
    double trainAccuracy = 0.0;
    double activationSparsity = 0.0;
    double gradientSparsity = 0.0; // activation and weight gradients together
    double elapsedSeconds = 0.0;
    double etaSeconds = 0.0;
    // The window since the previous report (the steps behind `point`):
    CurvePoint point;                        // as appended to TrainResult::curve
    std::vector<LayerSparsityCounts> layers; // zeros / elements per layer and tensor kind
    Thresholds thresholds;                   // in force at the report (calibrated ones in target mode)
    MagnitudeHistograms magnitudes;          // filled when TrainConfig::collectMagnitudeHistograms
    // Issue 15 (the Training panel): latent weights with their quantizers' boundaries, scales,
    // clipped shares (empty when nothing is quantized), and with a teacher the window's loss
    // split: means of the task loss and of the unweighted distillation terms.
    LowBitReport lowBit;
    struct DistillationWindow {
        bool active = false;
        double taskLoss = 0.0, logitLoss = 0.0, hiddenLoss = 0.0;
        double weightedLoss = 0.0; // task + w_logit·logit + w_hidden·hidden: what is optimised
    } distillation;
};

enum class TrainStatus : std::uint8_t { Completed, Cancelled, Diverged };

struct TrainResult {
    TrainStatus status = TrainStatus::Completed;
    std::string message; // why it stopped, when it did not complete
    std::int64_t steps = 0;
    double seconds = 0.0;
    EvalResult test; // final evaluation (not done when diverged)
    double finalTrainLoss = 0.0;
    std::vector<CurvePoint> curve;
    std::vector<LayerSparsityCounts> accumulated; // per layer, summed over the training steps
    SparsityProfile profile;
    Thresholds thresholds;                 // at the end (calibrated ones in target mode)
    ActivationMemory peakActivationMemory; // dense = without pruning; compressed = as stored
    std::int64_t parameterCount = 0;
    // Issue 20: per layer, the backward matmuls run sparse or dense and the incoming
    // gradients' density, summed over the training steps.
    std::vector<BackwardKernelCounts> backwardKernels;
    std::vector<WeightPruning::Pruned> weightMasks; // with TrainConfig::weightPruning: the final masks
    // Issue 15, with distillation: the teacher / student loss split, means over the run's
    // last 10 % of steps (at least one): task cross-entropy and the unweighted distillation terms.
    struct DistillationSplit {
        bool active = false;
        double taskLoss = 0.0, logitLoss = 0.0, hiddenLoss = 0.0;
        std::int64_t steps = 0;
    } distillation;
};

class Trainer {
public:
    // The data set must outlive the trainer. Throws std::invalid_argument for an unusable
    // configuration (batch larger than the training split, bad thresholds).
    Trainer(const TransformerSpec& spec, const Dataset& data, const TrainConfig& config);
    ~Trainer();

    std::int64_t step() const { return m_step; }
    std::int64_t stepsPerEpoch() const { return m_stepsPerEpoch; }
    std::int64_t totalSteps() const;

    StepReport trainStep();
    EvalResult evaluate(const Dataset::Split& split, std::int64_t maxExamples = 0);

    void saveCheckpoint(const std::string& path) const;
    void loadCheckpoint(const std::string& path); // throws if the model differs

    Network& network() { return *m_network; }
    DynaProp& dynaprop() { return m_dynaprop; }
    const std::vector<LayerSparsityCounts>& accumulated() const { return m_accumulated; }
    ActivationMemory peakActivationMemory() const { return m_peakMemory; }
    const std::vector<BackwardKernelCounts>& backwardKernels() const { return m_backwardKernels; }
    std::uint64_t modelFingerprint() const;
    // Issue 16: weight pruning on a schedule; its masks hold around every optimizer step.
    void setPruning(std::shared_ptr<WeightPruning> pruning) { m_pruning = std::move(pruning); }
    // Issue 15: the activation quantizers (null when the model quantizes no activation).
    const ActivationQuantization* activationQuantization() const { return m_activationQuantization.get(); }
    // Issue 15: the hooks the network runs (quantizers, distillation); null when none.
    ActivationHooks* activationHooks() { return m_hooks.empty() ? nullptr : &m_hooks; }
    // Issue 15: the weight quantizers (inactive when the model keeps f32 weights).
    const WeightPrecision* weightPrecision() const { return m_weightPrecision.get(); }

private:
    void batchIndices(std::int64_t step, std::vector<std::int64_t>& out);

    const Dataset& m_data;
    TrainConfig m_config;
    std::unique_ptr<Network> m_network;
    std::shared_ptr<WeightPruning> m_pruning; // issue 16, may be null
    Optimizer m_optimizer;
    DynaProp m_dynaprop;
    std::unique_ptr<WeightPrecision> m_weightPrecision; // issue 15: quantized weights, latent f32 kept
    // Issue 15: quantized activations and the hooks the network calls (null when none).
    std::unique_ptr<ActivationQuantization> m_activationQuantization;
    std::unique_ptr<Distillation> m_distillation; // issue 15: null without a teacher
    HookChain m_hooks;
    std::vector<LayerSparsityCounts> m_accumulated;
    ActivationMemory m_peakMemory;
    std::vector<BackwardKernelCounts> m_backwardKernels; // training steps only
    std::int64_t m_step = 0;
    std::int64_t m_stepsPerEpoch = 0;
    std::int64_t m_permutationEpoch = -1;
    std::vector<std::int64_t> m_permutation;
    std::vector<std::int64_t> m_indices;
    Batch m_batch;
};

using ProgressCallback = std::function<void(const TrainProgress&)>;

// Runs the job described by `config` (resuming when config.resumeFrom is set). Bad input
// (unreadable checkpoint, wrong model) throws; divergence and cancellation are statuses.
// control, when given, pauses the run between steps (a paused run ends exactly as an
// uninterrupted one; a stop request wakes it).
TrainResult train(const TransformerSpec& spec, const Dataset& data, const TrainConfig& config,
                  std::stop_token cancel = {}, const ProgressCallback& progress = {}, RunControl* control = nullptr);

std::string trainStatusName(TrainStatus status);

} // namespace tcw::train
