// Optimizers (AdamW, plain SGD), the warm-up + cosine-decay learning-rate schedule and
// global gradient-norm clipping.
#pragma once

#include "network.h"

#include <cstdint>
#include <span>
#include <vector>

namespace tcw::train {

enum class OptimizerKind : std::uint8_t { AdamW, Sgd };

struct OptimizerConfig {
    OptimizerKind kind = OptimizerKind::AdamW;
    float learningRate = 1e-3f; // peak, reached after the warm-up
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float epsilon = 1e-8f;
    float weightDecay = 0.01f; // decoupled (AdamW); only tensors with decay = true
    float maxGradNorm = 1.0f;  // global L2 clipping; ≤ 0 turns it off
    std::int64_t warmupSteps = 0;
    std::int64_t totalSteps = 0; // cosine decay to minLearningRateFraction at this step; 0 = constant
    float minLearningRateFraction = 0.0f;

    bool operator==(const OptimizerConfig&) const = default;
};

// Learning rate at a 0-based step: linear warm-up, then cosine decay.
float learningRateAt(const OptimizerConfig& config, std::int64_t step);

// Scales g so that ‖g‖₂ ≤ maxNorm; returns the norm before clipping.
double clipGradientNorm(std::span<float> gradients, float maxNorm);

class Optimizer {
public:
    Optimizer(const OptimizerConfig& config, std::int64_t parameterCount);

    // One update at the given 0-based step (sets the bias correction and learning rate).
    void step(std::span<float> parameters, std::span<const float> gradients, const std::vector<ParamTensor>& tensors,
              std::int64_t step);

    const OptimizerConfig& config() const { return m_config; }
    // Moment estimates, for checkpoints ([parameterCount] each; empty for SGD).
    std::vector<float>& firstMoment() { return m_m; }
    std::vector<float>& secondMoment() { return m_v; }

private:
    OptimizerConfig m_config;
    std::vector<float> m_m, m_v;
};

} // namespace tcw::train
