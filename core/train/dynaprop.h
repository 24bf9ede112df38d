// DynaProp runtime pruning: τ_I zeroes small activations in the forward pass, τ_T small
// gradients (activation gradients in the backward pass, parameter gradients after clipping).
// Either fixed thresholds or a target sparsity, calibrated per layer and tensor kind from
// the magnitudes seen. Counts zeros per layer and kind, which makes the SparsityProfile.
#pragma once

#include "design/compression_spec.h"
#include "design/sparsity_profile.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcw::train {

// Forward tensors pruned by τ_I (docs/training.md, DynaProp).
enum class ActivationKind : std::uint8_t {
    Projection,    // Q, K, V after projection
    Scores,        // raw Q·Kᵀ before scaling and mask
    Probabilities, // attention probabilities after softmax
    Context,       // head outputs (P·V, transforms, convolutions)
    Dense,         // outputs of the output, feed-forward and inter-layer dense layers
};
inline constexpr int kActivationKindCount = 5;

struct DynaPropConfig {
    float tauActivation = 0.0f;           // τ_I: |x| ≤ τ_I → 0 in the forward pass
    float tauGradient = 0.0f;             // τ_T: |g| ≤ τ_T → 0 for gradients
    bool pruneActivationGradients = true; // δ flowing back through every layer
    bool pruneWeightGradients = true;     // parameter gradients after clipping (reference behaviour)
    // Activation gradients below τ_T become 0 or ±τ_T with probability |g|/τ_T (unbiased:
    // E[pruned g] = g), instead of always 0. Keeps most of them zero without biasing the
    // gradient that reaches earlier layers. Parameter gradients are always pruned exactly.
    bool stochasticActivationGradients = true;
    std::uint64_t seed = 1; // of the stochastic pruning
    // Target mode: when set, thresholds are calibrated per layer and kind so that this
    // fraction of each pruned tensor is zero (the fixed τ above is then ignored).
    std::optional<double> targetActivationSparsity;
    std::optional<double> targetGradientSparsity;
    double calibrationSmoothing = 0.3; // weight of the newest quantile in the running τ

    bool operator==(const DynaPropConfig&) const = default;
};

// Zeros / elements counted in one step (or accumulated over several).
struct SparsityCount {
    std::int64_t zeros = 0;
    std::int64_t elements = 0;
    double fraction() const { return elements > 0 ? double(zeros) / double(elements) : 0.0; }
    void add(const SparsityCount& o) {
        zeros += o.zeros;
        elements += o.elements;
    }
    bool operator==(const SparsityCount&) const = default;
};

struct LayerSparsityCounts {
    std::array<SparsityCount, kActivationKindCount> activation; // per kind
    SparsityCount activationGradient;
    SparsityCount weightGradient;
    SparsityCount weight; // the encoder layer's weight matrices as the matmuls read them (issue 15: quantized)
    // Issue 15: zeros the activation quantizers made minus those they took away, in the tensors
    // counted in `activation` (activation_quantization.h says which); 0 without quantized activations.
    std::int64_t activationQuantizerZeros = 0;
    // Issue 15: zeros of the latent weights before the weight quantizer, over the tensors of
    // `weight` (elements 0 when no weight of the layer is quantized).
    SparsityCount latentWeight;

    // Zeros DynaProp's τ_I left in the counted activations (before any quantizer).
    SparsityCount activationTotal() const;
    // Issue 15: the same tensors as the matmuls read them, after the quantizers.
    SparsityCount activationConsumed() const;
    void add(const LayerSparsityCounts& o);
    bool operator==(const LayerSparsityCounts&) const = default;
};

// Magnitudes |x| before pruning, binned by their binary exponent (log-spaced, read from the
// float's bits, so counting costs one shift per value): bin 0 holds |x| < 2^kFirstExponent
// (zeros included), bin b in 1 … kBinCount − 2 holds [2^(kFirstExponent + b − 1),
// 2^(kFirstExponent + b)), the last bin everything from 2^(kFirstExponent + kBinCount − 2) up
// (Inf and NaN too).
struct MagnitudeHistogram {
    static constexpr int kFirstExponent = -32; // 2^-32 ≈ 2.3e-10
    static constexpr int kBinCount = 42;       // up to 2^8 = 256
    std::array<std::int64_t, kBinCount> counts{};

    void add(const float* x, std::int64_t count);
    void add(const MagnitudeHistogram& o);
    std::int64_t total() const;
    static double lowerEdge(int bin); // 0 for bin 0
    static double upperEdge(int bin); // +Inf for the last bin
    bool operator==(const MagnitudeHistogram&) const = default;
};

// The histograms of one step (or a window of steps): forward activations (every kind),
// activation gradients, parameter gradients.
struct MagnitudeHistograms {
    MagnitudeHistogram activation;
    MagnitudeHistogram activationGradient;
    MagnitudeHistogram weightGradient;

    void add(const MagnitudeHistograms& o);
    bool operator==(const MagnitudeHistograms&) const = default;
};

// Runtime thresholds of one run, per layer: activation kinds, activation gradients, weight
// gradients.
struct Thresholds {
    std::vector<std::array<float, kActivationKindCount>> activation;
    std::vector<float> activationGradient;
    std::vector<float> weightGradient;

    bool operator==(const Thresholds&) const = default;
};

class DynaProp {
public:
    DynaProp(int layerCount, const DynaPropConfig& config);

    const DynaPropConfig& config() const { return m_config; }
    int layerCount() const { return static_cast<int>(m_counts.size()); }

    // |x| ≤ τ → 0 in place (nothing is pruned with τ = 0, exact zeros are still counted).
    void pruneActivation(int layer, ActivationKind kind, float* x, std::int64_t count);
    void pruneActivationGradient(int layer, float* g, std::int64_t count);
    void pruneWeightGradient(int layer, float* g, std::int64_t count);
    // Counts zeros of weights (not pruned; reported for the profile).
    void countWeights(int layer, const float* w, std::int64_t count);
    // Issue 15: what the quantizers counted in their own pass over the values, while observing:
    // activation zeros they added (negative: removed) and the zeros of latent weights.
    void addQuantizerCounts(int layer, std::int64_t activationZeros, const SparsityCount& latentWeight);

    // Counting and calibration sampling happen only while observing (training steps);
    // evaluation prunes with the same thresholds but changes nothing.
    void setObserving(bool on) { m_observing = on; }
    bool observing() const { return m_observing; }

    // Histograms of |x| before pruning during observed steps (off by default: it costs a pass
    // over every pruned tensor). They change nothing that is computed.
    void setCollectMagnitudes(bool on) { m_collectMagnitudes = on; }
    const MagnitudeHistograms& stepMagnitudes() const { return m_magnitudes; }

    void beginStep();
    void endStep(); // target mode: moves each τ towards the quantile seen in this step
    // Issue 20, target mode: sets τ_I of every layer and kind to the quantile of the
    // activations seen since beginStep() (a forward pass before the first step), so that the
    // first step prunes too. Gradient thresholds and calibrated() are left as they are.
    void calibrateActivations();

    const std::vector<LayerSparsityCounts>& stepCounts() const { return m_counts; }
    const Thresholds& thresholds() const { return m_thresholds; }
    void setThresholds(const Thresholds& t) { m_thresholds = t; }
    bool calibrated() const { return m_calibrated; }
    std::uint64_t randomState() const { return m_random; }
    void setRandomState(std::uint64_t state) { m_random = state; }
    void setCalibrated(bool on) { m_calibrated = on; }

private:
    std::int64_t prune(float* x, std::int64_t count, float tau, SparsityCount& counter, std::vector<float>* samples,
                       MagnitudeHistogram& histogram);
    std::int64_t pruneStochastic(float* x, std::int64_t count, float tau, SparsityCount& counter,
                                 std::vector<float>* samples, MagnitudeHistogram& histogram);

    DynaPropConfig m_config;
    Thresholds m_thresholds;
    std::vector<LayerSparsityCounts> m_counts;
    // Calibration samples of |x| per layer: activation kinds, activation grads, weight grads.
    std::vector<std::array<std::vector<float>, kActivationKindCount>> m_actSamples;
    std::vector<std::vector<float>> m_actGradSamples;
    std::vector<std::vector<float>> m_weightGradSamples;
    MagnitudeHistograms m_magnitudes;         // this step's, when collected
    std::vector<std::uint32_t> m_sortScratch; // issue 20: the calibration's radix sort
    bool m_collectMagnitudes = false;
    bool m_observing = true;
    bool m_calibrated = false;  // false until the first step's quantiles are known
    std::uint64_t m_random = 0; // xorshift state of the stochastic pruning
};

// Mean over steps of per-layer sparsity → the profile the simulator reads. Issue 15: with the
// model's compression the profile records each layer's bits, its activation and weight
// fractions are those after the quantizers, and where a quantizer acted the fractions before
// it are kept beside them.
SparsityProfile makeSparsityProfile(const std::vector<LayerSparsityCounts>& accumulated, const std::string& source,
                                    const CompressionSpec& compression = {});

std::string activationKindName(ActivationKind kind);

} // namespace tcw::train
