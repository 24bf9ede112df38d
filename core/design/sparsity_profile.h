// Measured sparsity of a trained model, per layer and tensor kind: written by the DynaProp
// trainer, read by the simulator (zero-skipping makes sparse operands cheaper).
#pragma once

#include "validation.h"

#include <optional>
#include <string>
#include <vector>

namespace tcw {

// Issue 15: the bits of the tensors a layer's sparsities describe, per role (the model's
// CompressionSpec at that layer when the profile was measured). 32 = f32, what a profile
// without bits (an older file) means.
struct TensorBits {
    int weights = 32;                // the layer's weight matrices
    int linearInputs = 32;           // inputs of its linear layers
    int queryKeyValue = 32;          // Q, K, V
    int attentionProbabilities = 32; // softmax outputs
    int feedForwardHidden = 32;      // hidden values of the feed-forward stack

    bool operator==(const TensorBits&) const = default;
    bool allFloat() const { return *this == TensorBits{}; }
};

// Fractions of exact zeros in [0, 1]. Issue 15: `activation` and `weight` are of the tensors
// the matmuls read, after any quantizer ({0, α} and ternary quantizers make zeros, {±α} ones
// leave none).
struct LayerSparsity {
    double activation = 0.5;         // Q, K, V, scores, probabilities, context, dense outputs (τ_I)
    double weight = 0.5;             // weights (0 unless weights are pruned)
    double activationGradient = 0.9; // δ flowing back through the layer (τ_T)
    double weightGradient = 0.9;     // parameter gradients after pruning (τ_T)
    // Issue 15: the bits of the tensors above (all 32 in a profile without bits).
    TensorBits bits;
    // Issue 15: where a quantizer changed the tensors, their zeros before it: what DynaProp's
    // τ_I (activations) and weight pruning (latent weights) made. Absent: no quantizer acted,
    // the fractions above are those.
    std::optional<double> activationBeforeQuantizer;
    std::optional<double> weightBeforeQuantizer;

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
