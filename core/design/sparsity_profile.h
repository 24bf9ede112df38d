// Measured sparsity of a trained model, per layer and tensor kind: written by the DynaProp
// trainer, read by the simulator (zero-skipping makes sparse operands cheaper).
#pragma once

#include "validation.h"

#include <string>
#include <vector>

namespace tcw {

// Fractions of exact zeros in [0, 1].
struct LayerSparsity {
    double activation = 0.5;         // Q, K, V, scores, probabilities, context, dense outputs (τ_I)
    double weight = 0.5;             // weights (0 unless weights are pruned)
    double activationGradient = 0.9; // δ flowing back through the layer (τ_T)
    double weightGradient = 0.9;     // parameter gradients after pruning (τ_T)

    bool operator==(const LayerSparsity&) const = default;
};

struct SparsityProfile {
    std::string source;                // e.g. the training run it was measured in
    std::vector<LayerSparsity> layers; // one entry per encoder layer

    bool operator==(const SparsityProfile&) const = default;

    // Layer ℓ's entry; layers past the end reuse the last one (a profile of a shorter model).
    const LayerSparsity& layer(int index) const {
        return layers[index < int(layers.size()) ? index : layers.size() - 1];
    }
    LayerSparsity mean() const;
};

ValidationErrors validate(const SparsityProfile& profile);
// A profile applies to a model with as many layers: one measured on another model would
// silently shift or repeat layers' sparsities. An error at "layers" when the counts differ.
ValidationErrors validateFor(const SparsityProfile& profile, int modelLayers, const std::string& modelName);

} // namespace tcw
