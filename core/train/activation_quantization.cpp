#include "activation_quantization.h"

#include "low_bit_quantizers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tcw::train {

namespace {

constexpr std::array<TensorRole, 4> kActivationRoles = {TensorRole::LinearInputs, TensorRole::QueryKeyValue,
                                                        TensorRole::AttentionProbabilities,
                                                        TensorRole::FeedForwardHidden};

bool isFloat32(const Precision& p) {
    return p.quantizer == Quantizer::Float && p.bits == 32;
}

void checkTrainable(const Precision& p, TensorRole role, int layer) {
    const bool ok = isFloat32(p) || (p.quantizer == Quantizer::Sign && p.bits == 1) ||
                    (p.quantizer == Quantizer::Symmetric && p.bits >= 2 && p.bits <= 8);
    if (!ok)
        throw std::invalid_argument("compression.precision." + std::string(tensorRoleName(role)) + " (layer " +
                                    std::to_string(layer) + "): " + std::to_string(p.bits) + "-bit " +
                                    std::string(quantizerName(p.quantizer)) +
                                    " activations cannot be trained; allowed: 1-bit sign, 2–8-bit symmetric, "
                                    "32-bit float");
}

} // namespace

std::string_view activationQuantizerKindName(ActivationQuantizerKind kind) {
    switch (kind) {
    case ActivationQuantizerKind::ElasticSigned:
        return "elastic ±α";
    case ActivationQuantizerKind::ElasticUnsigned:
        return "elastic {0, α}";
    case ActivationQuantizerKind::Uniform:
        return "uniform, learnable clip";
    case ActivationQuantizerKind::LsqSigned:
        return "LSQ signed";
    case ActivationQuantizerKind::LsqUnsigned:
        return "LSQ unsigned";
    }
    return "?";
}

std::optional<TensorRole> activationRoleOf(ActivationSite site) {
    switch (site) {
    case ActivationSite::LinearInput:
        return TensorRole::LinearInputs;
    case ActivationSite::QueryKeyValue:
        return TensorRole::QueryKeyValue;
    case ActivationSite::AttentionProbabilities:
        return TensorRole::AttentionProbabilities;
    case ActivationSite::FeedForwardHidden:
        return TensorRole::FeedForwardHidden;
    case ActivationSite::LayerOutput:
    case ActivationSite::Logits:
        return std::nullopt;
    }
    return std::nullopt;
}

bool ActivationQuantization::anyQuantized(const CompressionSpec& spec) {
    for (TensorRole role : kActivationRoles)
        if (!isFloat32(spec.of(role)))
            return true;
    for (const PrecisionOverride& o : spec.layerPrecision)
        if (std::find(kActivationRoles.begin(), kActivationRoles.end(), o.role) != kActivationRoles.end() &&
            !isFloat32(o.precision))
            return true;
    return false;
}

ActivationQuantization::ActivationQuantization(const TransformerSpec& spec, const ActivationQuantizationConfig& config)
    : m_spec(spec), m_config(config), m_zeroDeltas(std::size_t(std::max(0, spec.layerCount())), 0) {
    if (!(config.scaleLearningRate > 0))
        throw std::invalid_argument("activation scale learning rate must be positive, got " +
                                    std::to_string(config.scaleLearningRate));
    for (int l = 0; l < spec.layerCount(); ++l)
        for (TensorRole role : kActivationRoles) {
            const Precision p = spec.compression.at(l, role);
            checkTrainable(p, role, l);
            m_active = m_active || !isFloat32(p);
        }
}

Precision ActivationQuantization::precisionOf(int layer, ActivationSite site) const {
    const auto role = activationRoleOf(site);
    return role ? m_spec.compression.at(layer, *role) : Precision{};
}

void ActivationQuantization::restore(const std::vector<Restored>& quantizers, const std::string& source) {
    m_quantizers.clear();
    m_restoredFrom.clear();
    for (const Restored& r : quantizers) {
        const std::string where = source + ": the quantizer of layer " + std::to_string(r.layer) + ", site " +
                                  std::to_string(int(r.site)) + ", tensor " + std::to_string(r.index);
        if (r.layer >= m_spec.layerCount())
            throw std::invalid_argument(where + ": the model has " + std::to_string(m_spec.layerCount()) + " layers");
        const Precision p = precisionOf(r.layer, r.site);
        if (isFloat32(p) || p.bits != r.bits)
            throw std::invalid_argument(where + " has " + std::to_string(r.bits) + " bits; the model's precision for " +
                                        "that tensor is " + std::to_string(p.bits) + " bits");
        // The kind a fresh quantizer of this tensor would get (sign → elastic; b-bit → uniform
        // or LSQ, either of which the teacher may have been trained with).
        Entry& q = quantizerFor(r.layer, r.site, r.index, std::int64_t(r.shift.size()));
        const bool elastic =
            q.kind == ActivationQuantizerKind::ElasticSigned || q.kind == ActivationQuantizerKind::ElasticUnsigned;
        const bool restoredElastic =
            r.kind == ActivationQuantizerKind::ElasticSigned || r.kind == ActivationQuantizerKind::ElasticUnsigned;
        if (elastic != restoredElastic || (elastic && q.kind != r.kind))
            throw std::invalid_argument(where + " is " + std::string(activationQuantizerKindName(r.kind)) +
                                        "; this model's tensor needs " +
                                        std::string(activationQuantizerKindName(q.kind)));
        q.kind = r.kind;
        q.scale = r.scale;
        q.shift = r.shift;
        q.shiftGradient.assign(r.shift.size(), 0.0);
        q.shiftM.assign(r.shift.size(), 0.0);
        q.shiftV.assign(r.shift.size(), 0.0);
    }
    m_restoredFrom = source;
}

ActivationQuantization::Entry& ActivationQuantization::quantizerFor(int layer, ActivationSite site, int index,
                                                                    std::int64_t cols) {
    const auto key = std::make_tuple(layer, int(site), index);
    auto it = m_quantizers.find(key);
    if (it != m_quantizers.end())
        return it->second;
    if (!m_restoredFrom.empty())
        throw std::invalid_argument(m_restoredFrom + ": no quantizer for layer " + std::to_string(layer) + ", site " +
                                    std::to_string(int(site)) + ", tensor " + std::to_string(index) +
                                    " (the file is of a model with other activation precisions)");
    const Precision p = precisionOf(layer, site);
    Entry q;
    q.layer = layer;
    q.site = site;
    q.index = index;
    q.bits = p.bits;
    // Non-negative tensors: softmax outputs, and FFN hidden values after a ReLU.
    const bool nonNegative = site == ActivationSite::AttentionProbabilities ||
                             (site == ActivationSite::FeedForwardHidden && m_spec.activation == Activation::Relu);
    if (p.quantizer == Quantizer::Sign) {
        q.kind = nonNegative ? ActivationQuantizerKind::ElasticUnsigned : ActivationQuantizerKind::ElasticSigned;
        if (m_config.shift && site == ActivationSite::LinearInput && !nonNegative) {
            q.shift.assign(std::size_t(cols), 0.0f);
            q.shiftGradient.assign(std::size_t(cols), 0.0);
            q.shiftM.assign(std::size_t(cols), 0.0);
            q.shiftV.assign(std::size_t(cols), 0.0);
        }
    } else if (m_config.lsq) {
        q.kind = nonNegative ? ActivationQuantizerKind::LsqUnsigned : ActivationQuantizerKind::LsqSigned;
    } else {
        q.kind = ActivationQuantizerKind::Uniform;
    }
    return m_quantizers.emplace(key, std::move(q)).first->second;
}

void ActivationQuantization::forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows,
                                     std::int64_t cols) {
    if (isFloat32(precisionOf(layer, site)))
        return; // LayerOutput, Logits and full-precision roles
    Entry& q = quantizerFor(layer, site, index, cols);
    if (!q.shift.empty() && q.shift.size() != std::size_t(cols)) // a restored quantizer of another width
        throw std::invalid_argument((m_restoredFrom.empty() ? std::string("activation quantization") : m_restoredFrom) +
                                    ": the shift of layer " + std::to_string(layer) + ", site " +
                                    std::to_string(int(site)) + " has " + std::to_string(q.shift.size()) +
                                    " channels; the tensor has " + std::to_string(cols));
    const std::size_t n = std::size_t(rows * cols);
    q.input.assign(x, x + n);
    const std::span<const float> in(q.input);
    if (q.scale <= 0) { // the first batch sets the start
        switch (q.kind) {
        case ActivationQuantizerKind::ElasticSigned:
            q.scale = elasticInitialScale(in, ElasticKind::Signed);
            break;
        case ActivationQuantizerKind::ElasticUnsigned:
            q.scale = elasticInitialScale(in, ElasticKind::Unsigned);
            break;
        case ActivationQuantizerKind::Uniform:
            for (float v : in)
                q.scale = std::max(q.scale, std::fabs(v));
            break;
        case ActivationQuantizerKind::LsqSigned:
        case ActivationQuantizerKind::LsqUnsigned:
            q.scale = lsqInitialScale(in, q.bits, q.kind == ActivationQuantizerKind::LsqSigned);
            break;
        }
        if (!(q.scale > 0))
            q.scale = 1e-3f; // an all-zero first batch
    }
    std::vector<float> out;
    std::int64_t clipped = 0;
    switch (q.kind) {
    case ActivationQuantizerKind::ElasticSigned:
    case ActivationQuantizerKind::ElasticUnsigned: {
        const auto kind =
            q.kind == ActivationQuantizerKind::ElasticSigned ? ElasticKind::Signed : ElasticKind::Unsigned;
        out = elasticForward(in, cols, kind, q.scale, q.shift);
        for (std::size_t i = 0; i < n; ++i) {
            const float u = (in[i] - (q.shift.empty() ? 0.0f : q.shift[i % std::size_t(cols)])) / q.scale;
            clipped += kind == ElasticKind::Signed ? std::fabs(u) > 1 : (u > 1 || u < 0);
        }
        break;
    }
    case ActivationQuantizerKind::Uniform: {
        auto r = uniformForward(in, q.bits, q.scale);
        out = std::move(r.values);
        clipped = r.clipped;
        break;
    }
    case ActivationQuantizerKind::LsqSigned:
    case ActivationQuantizerKind::LsqUnsigned: {
        const bool isSigned = q.kind == ActivationQuantizerKind::LsqSigned;
        out = lsqForward(in, q.bits, isSigned, q.scale);
        const LsqRange r = lsqRange(q.bits, isSigned);
        for (float v : in)
            clipped += v / q.scale < float(r.qn) || v / q.scale > float(r.qp);
        break;
    }
    }
    // One pass writes the values back and counts the zeros before and after (issue 15).
    std::int64_t inputZeros = 0, outputZeros = 0;
    for (std::size_t i = 0; i < n; ++i) {
        inputZeros += x[i] == 0.0f;
        outputZeros += out[i] == 0.0f;
        x[i] = out[i];
    }
    q.clippedFraction = n ? double(clipped) / double(n) : 0.0;
    q.zeroFraction = n ? double(outputZeros) / double(n) : 0.0;
    q.inputZeros = inputZeros;
    q.outputZeros = outputZeros;
    q.elements = std::int64_t(n);
    const bool counted = site == ActivationSite::QueryKeyValue || site == ActivationSite::AttentionProbabilities ||
                         site == ActivationSite::FeedForwardHidden ||
                         (site == ActivationSite::LinearInput && index == 1);
    if (counted && layer >= 0 && std::size_t(layer) < m_zeroDeltas.size())
        m_zeroDeltas[std::size_t(layer)] += outputZeros - inputZeros;
}

std::vector<std::int64_t> ActivationQuantization::takeZeroDeltas() {
    std::vector<std::int64_t> deltas(m_zeroDeltas.size(), 0);
    deltas.swap(m_zeroDeltas);
    return deltas;
}

void ActivationQuantization::backward(int layer, ActivationSite site, int index, float* g, float* x, std::int64_t rows,
                                      std::int64_t cols) {
    if (isFloat32(precisionOf(layer, site)))
        return;
    const auto it = m_quantizers.find(std::make_tuple(layer, int(site), index));
    const std::size_t n = std::size_t(rows * cols);
    if (it == m_quantizers.end() || it->second.input.size() != n)
        throw std::logic_error("activation quantization: backward without its forward");
    Entry& q = it->second;
    const std::vector<float> gradOut(g, g + n);
    const std::span<float> gradIn(g, n);
    switch (q.kind) {
    case ActivationQuantizerKind::ElasticSigned:
    case ActivationQuantizerKind::ElasticUnsigned: {
        const auto kind =
            q.kind == ActivationQuantizerKind::ElasticSigned ? ElasticKind::Signed : ElasticKind::Unsigned;
        const auto r = elasticBackward(q.input, cols, kind, q.scale, q.shift, gradOut, gradIn);
        q.scaleGradient += r.alpha;
        for (std::size_t c = 0; c < r.shift.size(); ++c)
            q.shiftGradient[c] += r.shift[c];
        break;
    }
    case ActivationQuantizerKind::Uniform:
        q.scaleGradient += uniformBackward(q.input, q.bits, q.scale, gradOut, gradIn);
        break;
    case ActivationQuantizerKind::LsqSigned:
    case ActivationQuantizerKind::LsqUnsigned:
        q.scaleGradient +=
            lsqBackward(q.input, q.bits, q.kind == ActivationQuantizerKind::LsqSigned, q.scale, gradOut, gradIn);
        break;
    }
    if (x)
        std::copy(q.input.begin(), q.input.end(), x); // the original values, for the rest of the backward pass
}

void ActivationQuantization::step(std::int64_t step) {
    constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const double t = double(step + 1);
    const double c1 = 1 - std::pow(beta1, t), c2 = 1 - std::pow(beta2, t);
    const double lr = m_config.scaleLearningRate;
    auto adam = [&](double& m, double& v, double grad) {
        m = beta1 * m + (1 - beta1) * grad;
        v = beta2 * v + (1 - beta2) * grad * grad;
        return lr * (m / c1) / (std::sqrt(v / c2) + eps);
    };
    for (auto& [key, q] : m_quantizers) {
        const double next = double(q.scale) - adam(q.m, q.v, q.scaleGradient);
        q.scale = float(std::max(next, 1e-6)); // a scale stays positive
        q.scaleGradient = 0;
        for (std::size_t c = 0; c < q.shift.size(); ++c) {
            q.shift[c] = float(double(q.shift[c]) - adam(q.shiftM[c], q.shiftV[c], q.shiftGradient[c]));
            q.shiftGradient[c] = 0;
        }
    }
}

} // namespace tcw::train
