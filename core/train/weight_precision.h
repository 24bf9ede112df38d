// Quantization-aware training of weights (issue 15): the model's CompressionSpec chooses a
// precision per tensor role and layer; the trainer keeps latent f32 weights and, for each
// forward/backward pass, writes their quantized values into the network's parameters and
// the latent ones back afterwards (the optimizer steps the latent weights with the gradient
// taken at the quantized ones: the identity straight-through estimator).
//   1-bit sign      → BWN, one α per matrix (so ternary weight splitting applies)
//   2-bit symmetric → TWN (ternary)
//   b-bit symmetric, b = 3…8 → uniform symmetric with the clip at max|W| of the matrix
//   16/32-bit float → kept as they are (16-bit is not emulated: refused)
// Roles: encoder-layer matrices are `weights`, embedding tables and the patch projection
// `embeddings`, the task head `classifier`. Activation precisions: activation_quantization.h.
#pragma once

#include "design/compression_spec.h"
#include "network.h"

#include <span>
#include <string>
#include <vector>

namespace tcw::train {

class WeightPrecision {
public:
    // Throws std::invalid_argument naming the role, layer and allowed values when a weight
    // precision cannot be trained (asymmetric, power-of-two, 16-bit float).
    WeightPrecision(const std::vector<ParamTensor>& tensors, const CompressionSpec& spec);

    bool active() const { return !m_entries.empty(); }
    // Latent weights → saved; quantized values → params.
    void quantize(std::span<float> params);
    // Saved latent weights → params.
    void restore(std::span<float> params);

    struct Entry {
        std::size_t tensor = 0; // index into the network's tensors
        Precision precision;
        std::int64_t latentZeros = 0; // issue 15: exact zeros of the latent weights at the last quantize()
    };
    const std::vector<Entry>& entries() const { return m_entries; }

    // quantize() now and restore() when the scope ends (also on early returns).
    class Scope {
    public:
        Scope(WeightPrecision* p, std::span<float> params) : m_p(p && p->active() ? p : nullptr), m_params(params) {
            if (m_p)
                m_p->quantize(m_params);
        }
        ~Scope() {
            if (m_p)
                m_p->restore(m_params);
        }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        WeightPrecision* m_p;
        std::span<float> m_params;
    };

private:
    std::vector<ParamTensor> m_tensors;
    std::vector<Entry> m_entries;
    std::vector<float> m_latent;
    bool m_quantized = false;
};

// The role of a network parameter tensor, or nullopt for biases and norms (never quantized).
std::optional<TensorRole> weightRoleOf(const ParamTensor& tensor);

// Writes the quantized values of one matrix (the rules above) into `out`.
void quantizeWeights(std::span<const float> latent, const Precision& precision, std::span<float> out);

} // namespace tcw::train
