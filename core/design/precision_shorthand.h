// The precision shorthand of `tcw train --precision` (issue 15): "w1a1", "w1a8", "w2a8",
// "w8a8", "w1" (= w1a32)… sets the model-wide precision of the weight and activation roles in
// a CompressionSpec; embeddings and the classifier stay 32-bit float.
//   weights:     1 → 1-bit sign (BWN), 2 → 2-bit symmetric (ternary, TWN), 4 / 8 → symmetric,
//                16 → 16-bit float, 32 → 32-bit float
//   activations: 1 → 1-bit sign (BiT's elastic binarization), 2 / 4 / 8 → symmetric, 16 / 32 float
// Activations are the linear inputs, Q/K/V, attention probabilities and FFN hidden values.
#pragma once

#include "compression_spec.h"

#include <string>
#include <string_view>

namespace tcw {

// Applies `text` to `spec` (per-layer overrides are kept). Returns an error naming what is
// allowed, empty on success.
std::string applyPrecisionShorthand(std::string_view text, CompressionSpec& spec);

} // namespace tcw
