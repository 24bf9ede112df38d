// DynaProp thresholds, pruning loops, zero counting and target-sparsity calibration.
#include "dynaprop.h"

#include <algorithm>
#include <cmath>

namespace tcw::train {

namespace {
constexpr std::int64_t kSamplesPerTensor = 2048; // |x| samples per tensor for calibration

// The value below which `fraction` of the samples lie (0 when the fraction is 0).
float quantile(std::vector<float>& samples, double fraction) {
    if (samples.empty() || fraction <= 0.0)
        return 0.0f;
    const auto k = std::min<std::size_t>(samples.size() - 1, static_cast<std::size_t>(fraction * samples.size()));
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k), samples.end());
    return samples[k];
}
} // namespace

SparsityCount LayerSparsityCounts::activationTotal() const {
    SparsityCount total;
    for (const auto& c : activation)
        total.add(c);
    return total;
}

void LayerSparsityCounts::add(const LayerSparsityCounts& o) {
    for (std::size_t k = 0; k < activation.size(); ++k)
        activation[k].add(o.activation[k]);
    activationGradient.add(o.activationGradient);
    weightGradient.add(o.weightGradient);
    weight.add(o.weight);
}

std::string activationKindName(ActivationKind kind) {
    switch (kind) {
    case ActivationKind::Projection:
        return "projection";
    case ActivationKind::Scores:
        return "scores";
    case ActivationKind::Probabilities:
        return "probabilities";
    case ActivationKind::Context:
        return "context";
    case ActivationKind::Dense:
        return "dense";
    }
    return "?";
}

DynaProp::DynaProp(int layerCount, const DynaPropConfig& config)
    : m_config(config), m_counts(static_cast<std::size_t>(layerCount)),
      m_actSamples(static_cast<std::size_t>(layerCount)), m_actGradSamples(static_cast<std::size_t>(layerCount)),
      m_weightGradSamples(static_cast<std::size_t>(layerCount)) {
    const auto n = static_cast<std::size_t>(layerCount);
    std::array<float, kActivationKindCount> act{};
    act.fill(config.targetActivationSparsity ? 0.0f : config.tauActivation);
    m_thresholds.activation.assign(n, act);
    const float tauGrad = config.targetGradientSparsity ? 0.0f : config.tauGradient;
    m_thresholds.activationGradient.assign(n, tauGrad);
    m_thresholds.weightGradient.assign(n, tauGrad);
}

std::int64_t DynaProp::prune(float* x, std::int64_t count, float tau, SparsityCount& counter,
                             std::vector<float>* samples) {
    std::int64_t zeros = 0;
    if (tau > 0.0f) {
        for (std::int64_t i = 0; i < count; ++i) {
            const bool small = std::fabs(x[i]) <= tau;
            x[i] = small ? 0.0f : x[i];
            zeros += small;
        }
    } else {
        for (std::int64_t i = 0; i < count; ++i)
            zeros += x[i] == 0.0f;
    }
    if (!m_observing)
        return zeros;
    counter.zeros += zeros;
    counter.elements += count;
    if (samples) {
        // Samples are taken after pruning; pruned values are below τ, so the quantile of
        // the pruned tensor still says where the target lies as long as τ is below it.
        const std::int64_t stride = std::max<std::int64_t>(1, count / kSamplesPerTensor);
        for (std::int64_t i = (count % stride) / 2; i < count; i += stride)
            samples->push_back(std::fabs(x[i]));
    }
    return zeros;
}

void DynaProp::pruneActivation(int layer, ActivationKind kind, float* x, std::int64_t count) {
    const auto l = static_cast<std::size_t>(layer);
    const int k = static_cast<int>(kind);
    auto* samples = m_config.targetActivationSparsity ? &m_actSamples[l][k] : nullptr;
    prune(x, count, m_thresholds.activation[l][k], m_counts[l].activation[k], samples);
}

void DynaProp::pruneActivationGradient(int layer, float* g, std::int64_t count) {
    const auto l = static_cast<std::size_t>(layer);
    const float tau = m_config.pruneActivationGradients ? m_thresholds.activationGradient[l] : 0.0f;
    auto* samples =
        m_config.targetGradientSparsity && m_config.pruneActivationGradients ? &m_actGradSamples[l] : nullptr;
    prune(g, count, tau, m_counts[l].activationGradient, samples);
}

void DynaProp::pruneWeightGradient(int layer, float* g, std::int64_t count) {
    const auto l = static_cast<std::size_t>(layer);
    const float tau = m_config.pruneWeightGradients ? m_thresholds.weightGradient[l] : 0.0f;
    auto* samples =
        m_config.targetGradientSparsity && m_config.pruneWeightGradients ? &m_weightGradSamples[l] : nullptr;
    prune(g, count, tau, m_counts[l].weightGradient, samples);
}

void DynaProp::countWeights(int layer, const float* w, std::int64_t count) {
    if (!m_observing)
        return;
    auto& c = m_counts[static_cast<std::size_t>(layer)].weight;
    for (std::int64_t i = 0; i < count; ++i)
        c.zeros += w[i] == 0.0f;
    c.elements += count;
}

void DynaProp::beginStep() {
    for (auto& c : m_counts)
        c = LayerSparsityCounts{};
    for (auto& layer : m_actSamples)
        for (auto& s : layer)
            s.clear();
    for (auto& s : m_actGradSamples)
        s.clear();
    for (auto& s : m_weightGradSamples)
        s.clear();
}

void DynaProp::endStep() {
    if (!m_observing)
        return;
    // The sampled tensor was pruned with the current τ; the pruned share is known exactly
    // (count), so the quantile is taken among the survivors for the remaining share.
    const double alpha = m_calibrated ? m_config.calibrationSmoothing : 1.0;
    auto update = [&](float& tau, std::vector<float>& samples, const SparsityCount& count, double target) {
        if (samples.empty())
            return;
        const auto q = quantile(samples, target);
        // If τ already prunes more than the target, q lies among the zeros (0): fall back to
        // scaling τ down in proportion to the overshoot.
        float next = q;
        if (q == 0.0f && count.fraction() > target)
            next = tau * static_cast<float>(std::max(0.5, target / std::max(count.fraction(), 1e-9)));
        tau = static_cast<float>((1.0 - alpha) * tau + alpha * next);
    };
    for (std::size_t l = 0; l < m_counts.size(); ++l) {
        if (m_config.targetActivationSparsity)
            for (int k = 0; k < kActivationKindCount; ++k)
                update(m_thresholds.activation[l][k], m_actSamples[l][k], m_counts[l].activation[k],
                       *m_config.targetActivationSparsity);
        if (m_config.targetGradientSparsity) {
            update(m_thresholds.activationGradient[l], m_actGradSamples[l], m_counts[l].activationGradient,
                   *m_config.targetGradientSparsity);
            update(m_thresholds.weightGradient[l], m_weightGradSamples[l], m_counts[l].weightGradient,
                   *m_config.targetGradientSparsity);
        }
    }
    m_calibrated = true;
}

SparsityProfile makeSparsityProfile(const std::vector<LayerSparsityCounts>& accumulated, const std::string& source) {
    SparsityProfile profile;
    profile.source = source;
    for (const auto& c : accumulated) {
        LayerSparsity s;
        s.activation = c.activationTotal().fraction();
        s.weight = c.weight.fraction();
        s.activationGradient = c.activationGradient.fraction();
        s.weightGradient = c.weightGradient.fraction();
        profile.layers.push_back(s);
    }
    return profile;
}

} // namespace tcw::train
