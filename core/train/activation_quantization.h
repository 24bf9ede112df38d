// Quantized activations for quantization-aware training (issue 15): an ActivationHooks
// (network.h) that quantizes each tensor role the model's CompressionSpec asks for — linear
// inputs, Q/K/V, attention probabilities, FFN hidden values (embeddings and the classifier are
// weights: weight_precision.h) — in the forward pass and applies the quantizer's backward
// rule (STE mask, scale and shift gradients) in the backward pass. One quantizer per (layer,
// site, tensor), each with its own learnable scale; scales and shifts are parameters with
// their own learning rate (Adam, stepped by step()).
//   1-bit sign        → BiT's elastic binarization, two-set: {0, α} for attention
//                       probabilities and ReLU FFN hidden values, {−α, +α} elsewhere, with a
//                       learnable per-channel shift on the linear inputs
//   b-bit symmetric   → uniform with a learnable clip c (start: max|x| of the first batch),
//   (b = 2…8)           or LSQ (ActivationQuantizationConfig::lsq; unsigned on non-negative
//                       tensors) with its learnable step
//   32-bit float      → unchanged
// The equations are in low_bit_quantizers.h and docs/binarized.md.
#pragma once

#include "design/compression_spec.h"
#include "design/transformer_spec.h"
#include "network.h"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace tcw::train {

struct ActivationQuantizationConfig {
    bool lsq = false;                // b-bit activations: LSQ instead of the uniform clip
    bool shift = true;               // 1-bit linear inputs: BiT's learnable per-channel shift
    float scaleLearningRate = 1e-3f; // Adam on scales and shifts
};

enum class ActivationQuantizerKind : std::uint8_t { ElasticSigned, ElasticUnsigned, Uniform, LsqSigned, LsqUnsigned };
std::string_view activationQuantizerKindName(ActivationQuantizerKind kind);

// The role of a hook site (LinearInput → linearInputs, …); nullopt for LayerOutput, Logits.
std::optional<TensorRole> activationRoleOf(ActivationSite site);

class ActivationQuantization : public ActivationHooks {
public:
    // Throws std::invalid_argument naming the role, layer and allowed values for a precision
    // that cannot be trained (16-bit float, asymmetric, power-of-two).
    ActivationQuantization(const TransformerSpec& spec, const ActivationQuantizationConfig& config = {});

    // Whether the spec quantizes any activation.
    static bool anyQuantized(const CompressionSpec& spec);
    bool active() const { return m_active; }

    void forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows, std::int64_t cols) override;
    void backward(int layer, ActivationSite site, int index, float* g, float* x, std::int64_t rows,
                  std::int64_t cols) override;

    // One Adam step of every scale and shift on the gradients accumulated since the last step
    // (then zeroed). step counts from 0.
    void step(std::int64_t step);

    // Issue 15, multi-step distillation: a trained run's quantizers (a teacher's), frozen —
    // a tensor with no restored quantizer is then an error, not a fresh scale from the batch.
    // Throws std::invalid_argument naming `source` when a quantizer's bits or kind differ from
    // what this model's CompressionSpec gives that tensor.
    struct Restored {
        int layer = 0;
        ActivationSite site{};
        int index = 0;
        ActivationQuantizerKind kind{};
        int bits = 1;
        float scale = 0;
        std::vector<float> shift; // per channel; empty where the quantizer has none
        bool operator==(const Restored&) const = default;
    };
    void restore(const std::vector<Restored>& quantizers, const std::string& source);

    struct Entry {
        int layer = 0;
        ActivationSite site{};
        int index = 0;
        ActivationQuantizerKind kind{};
        int bits = 1;
        float scale = 0;          // α (elastic, LSQ) or the clip c (uniform); 0 until the first forward
        std::vector<float> shift; // per channel (elastic signed linear inputs), else empty
        double scaleGradient = 0;
        std::vector<double> shiftGradient;
        double clippedFraction = 0; // of the last forward: |u/α| > 1 (elastic), |x| > c, outside [Q_n, Q_p]·α
        double zeroFraction = 0;    // of the last forward's quantized values
        // Issue 15: exact zeros of the last forward's input and output, and its size.
        std::int64_t inputZeros = 0, outputZeros = 0, elements = 0;
        // Adam moments and the last forward's input (what backward needs).
        double m = 0, v = 0;
        std::vector<double> shiftM, shiftV;
        std::vector<float> input;
    };
    const std::map<std::tuple<int, int, int>, Entry>& quantizers() const { return m_quantizers; }
    const ActivationQuantizationConfig& config() const { return m_config; }

    // Issue 15: per layer, the zeros the quantizers added (negative: took away) since the last
    // call, in the tensors DynaProp counts as activations: Q/K/V (its projection kind), the
    // attention probabilities, the output projection's input (context) and the FFN hidden
    // values (dense). The other linear inputs (the layer's input, y1, the inter-layer
    // projection's) are quantized copies of tensors DynaProp does not count, in f32 runs
    // either, so they stay out of the profile. Counted in the quantizer's own pass.
    std::vector<std::int64_t> takeZeroDeltas();
    // The quantizer of one tensor (null before its first forward): tests and views read it,
    // finite-difference checks move its scale.
    Entry* entry(int layer, ActivationSite site, int index) {
        const auto it = m_quantizers.find({layer, int(site), index});
        return it == m_quantizers.end() ? nullptr : &it->second;
    }

private:
    Precision precisionOf(int layer, ActivationSite site) const;
    Entry& quantizerFor(int layer, ActivationSite site, int index, std::int64_t cols);

    TransformerSpec m_spec;
    ActivationQuantizationConfig m_config;
    bool m_active = false;
    std::string m_restoredFrom; // non-empty: frozen quantizers of a teacher (restore())
    std::map<std::tuple<int, int, int>, Entry> m_quantizers;
    std::vector<std::int64_t> m_zeroDeltas; // issue 15: per layer, since takeZeroDeltas()
};

// Several hooks in a row (quantization, then distillation): forward in order, backward in
// reverse order.
class HookChain : public ActivationHooks {
public:
    void add(ActivationHooks* hooks) {
        if (hooks)
            m_hooks.push_back(hooks);
    }
    bool empty() const { return m_hooks.empty(); }
    void forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows, std::int64_t cols) override {
        for (ActivationHooks* h : m_hooks)
            h->forward(layer, site, index, x, rows, cols);
    }
    void backward(int layer, ActivationSite site, int index, float* g, float* x, std::int64_t rows,
                  std::int64_t cols) override {
        for (auto it = m_hooks.rbegin(); it != m_hooks.rend(); ++it)
            (*it)->backward(layer, site, index, g, x, rows, cols);
    }

private:
    std::vector<ActivationHooks*> m_hooks;
};

} // namespace tcw::train
