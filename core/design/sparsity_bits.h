// Issue 15: the bits per tensor a sparsity profile records, against a model's CompressionSpec.
// A profile measured with other precisions than the model's describes other tensors (a {0, α}
// quantizer's zeros are not an f32 model's), so a cost model refuses the pair.
#pragma once

#include "compression_spec.h"
#include "sparsity_profile.h"

#include <string>
#include <vector>

namespace tcw {

// The bits a profile layer would record for `layer` of a model with this compression.
TensorBits tensorBitsAt(const CompressionSpec& compression, int layer);

// One error per layer and role whose recorded bits differ from the model's, at
// "layers[ℓ].bits.<role>", naming the profile (its source) and the model with both values.
// Layers past the profile's end compare its last entry (SparsityProfile::layer()).
ValidationErrors checkProfileBits(const SparsityProfile& profile, const CompressionSpec& compression, int modelLayers,
                                  const std::string& modelName);

// One line per layer for people to read (tcw train, the Training panel): the bits of each role
// and the weight and activation zero fractions as the matmuls read them, with the fractions
// before the quantizers (what pruning and DynaProp's τ_I made) where a quantizer acted.
// Empty for a profile with every tensor at 32-bit float.
std::vector<std::string> sparsityBitsLines(const SparsityProfile& profile);

} // namespace tcw
