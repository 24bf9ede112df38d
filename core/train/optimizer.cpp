// AdamW / SGD updates, the learning-rate schedule and clipping.
#include "optimizer.h"

#include <cmath>
#include <numbers>

namespace tcw::train {

float learningRateAt(const OptimizerConfig& c, std::int64_t step) {
    if (c.warmupSteps > 0 && step < c.warmupSteps)
        return c.learningRate * static_cast<float>(step + 1) / static_cast<float>(c.warmupSteps);
    if (c.totalSteps <= c.warmupSteps)
        return c.learningRate;
    const double progress =
        std::min(1.0, static_cast<double>(step - c.warmupSteps) / static_cast<double>(c.totalSteps - c.warmupSteps));
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    const double floor = c.minLearningRateFraction;
    return static_cast<float>(c.learningRate * (floor + (1.0 - floor) * cosine));
}

double clipGradientNorm(std::span<float> g, float maxNorm) {
    double sum = 0.0;
    for (float x : g)
        sum += static_cast<double>(x) * x;
    const double norm = std::sqrt(sum);
    if (maxNorm > 0.0f && norm > maxNorm) {
        const auto scale = static_cast<float>(maxNorm / norm);
        for (float& x : g)
            x *= scale;
    }
    return norm;
}

Optimizer::Optimizer(const OptimizerConfig& config, std::int64_t parameterCount) : m_config(config) {
    if (config.kind == OptimizerKind::AdamW) {
        m_m.assign(static_cast<std::size_t>(parameterCount), 0.0f);
        m_v.assign(static_cast<std::size_t>(parameterCount), 0.0f);
    }
}

void Optimizer::step(std::span<float> p, std::span<const float> g, const std::vector<ParamTensor>& tensors,
                     std::int64_t step) {
    const float lr = learningRateAt(m_config, step);
    if (m_config.kind == OptimizerKind::Sgd) {
        for (std::size_t i = 0; i < p.size(); ++i)
            p[i] -= lr * g[i];
        return;
    }
    const float b1 = m_config.beta1, b2 = m_config.beta2;
    const auto t = static_cast<double>(step + 1);
    const auto correction1 = static_cast<float>(1.0 - std::pow(b1, t));
    const auto correction2 = static_cast<float>(1.0 - std::pow(b2, t));
    const float stepSize = lr / correction1;
    const float sqrtCorrection2 = std::sqrt(correction2);
    for (const ParamTensor& tensor : tensors) {
        const float decay = tensor.decay ? 1.0f - lr * m_config.weightDecay : 1.0f;
        for (std::int64_t i = tensor.offset; i < tensor.offset + tensor.size(); ++i) {
            m_m[i] = b1 * m_m[i] + (1.0f - b1) * g[i];
            m_v[i] = b2 * m_v[i] + (1.0f - b2) * g[i] * g[i];
            const float denom = std::sqrt(m_v[i]) / sqrtCorrection2 + m_config.epsilon;
            p[i] = p[i] * decay - stepSize * m_m[i] / denom;
        }
    }
}

} // namespace tcw::train
