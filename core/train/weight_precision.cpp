#include "weight_precision.h"

#include "low_bit_quantizers.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tcw::train {

std::optional<TensorRole> weightRoleOf(const ParamTensor& tensor) {
    if (!tensor.decay)
        return std::nullopt; // biases, norms, positions
    if (tensor.name.rfind("embedding.", 0) == 0)
        return TensorRole::Embeddings;
    if (tensor.name.rfind("classifier.", 0) == 0)
        return TensorRole::Classifier;
    return TensorRole::Weights;
}

namespace {

bool quantizes(const Precision& p) {
    return !(p.quantizer == Quantizer::Float && p.bits == 32);
}

void checkTrainable(const Precision& p, TensorRole role, int layer) {
    const bool ok = (p.quantizer == Quantizer::Sign && p.bits == 1) ||
                    (p.quantizer == Quantizer::Symmetric && p.bits >= 2 && p.bits <= 8) ||
                    (p.quantizer == Quantizer::Float && (p.bits == 16 || p.bits == 32));
    if (!ok)
        throw std::invalid_argument("compression.precision." + std::string(tensorRoleName(role)) + " (layer " +
                                    std::to_string(layer) + "): " + std::to_string(p.bits) + "-bit " +
                                    std::string(quantizerName(p.quantizer)) +
                                    " weights cannot be trained; allowed: 1-bit sign, 2–8-bit symmetric, "
                                    "16- or 32-bit float");
}

} // namespace

void quantizeWeights(std::span<const float> latent, const Precision& precision, std::span<float> out) {
    if (precision.quantizer == Quantizer::Sign) {
        const auto b = bwnForward(latent, 1, std::int64_t(latent.size()), {});
        std::copy(b.values.begin(), b.values.end(), out.begin());
    } else if (precision.quantizer == Quantizer::Symmetric && precision.bits == 2) {
        const auto t = twnForward(latent);
        std::copy(t.values.begin(), t.values.end(), out.begin());
    } else if (precision.quantizer == Quantizer::Symmetric) {
        float clip = 0;
        for (float v : latent)
            clip = std::max(clip, std::fabs(v));
        if (clip == 0) {
            std::fill(out.begin(), out.end(), 0.0f);
            return;
        }
        const auto q = uniformForward(latent, precision.bits, clip);
        std::copy(q.values.begin(), q.values.end(), out.begin());
    } else if (precision.quantizer == Quantizer::Float && precision.bits == 16) {
        // IEEE half precision, round to nearest even (what storing the weights at 16 bits keeps).
        std::transform(latent.begin(), latent.end(), out.begin(),
                       [](float v) { return static_cast<float>(Eigen::half(v)); });
    } else {
        std::copy(latent.begin(), latent.end(), out.begin());
    }
}

WeightPrecision::WeightPrecision(const std::vector<ParamTensor>& tensors, const CompressionSpec& spec)
    : m_tensors(tensors) {
    // Activation precisions are activation_quantization.h's (issue 15).
    std::size_t latent = 0;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto role = weightRoleOf(tensors[i]);
        if (!role)
            continue;
        const Precision p = spec.at(tensors[i].layer, *role);
        checkTrainable(p, *role, tensors[i].layer);
        if (!quantizes(p))
            continue;
        m_entries.push_back({i, p});
        latent += std::size_t(tensors[i].size());
    }
    m_latent.resize(latent);
}

void WeightPrecision::quantize(std::span<float> params) {
    if (m_quantized)
        throw std::logic_error("WeightPrecision::quantize: already quantized");
    std::size_t at = 0;
    for (Entry& e : m_entries) {
        const ParamTensor& t = m_tensors[e.tensor];
        const std::span<float> w = params.subspan(std::size_t(t.offset), std::size_t(t.size()));
        const std::span<float> saved(m_latent.data() + at, w.size());
        std::int64_t zeros = 0; // issue 15: counted in the copy's pass
        for (std::size_t i = 0; i < w.size(); ++i) {
            saved[i] = w[i];
            zeros += w[i] == 0.0f;
        }
        e.latentZeros = zeros;
        quantizeWeights(saved, e.precision, w);
        at += w.size();
    }
    m_quantized = true;
}

void WeightPrecision::restore(std::span<float> params) {
    if (!m_quantized)
        return;
    std::size_t at = 0;
    for (const Entry& e : m_entries) {
        const ParamTensor& t = m_tensors[e.tensor];
        std::copy_n(m_latent.data() + at, std::size_t(t.size()), params.data() + t.offset);
        at += std::size_t(t.size());
    }
    m_quantized = false;
}

} // namespace tcw::train
