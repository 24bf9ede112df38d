// Issue 15: a model's precision in one word, for the explorer's colour-by-precision and its
// table column: the `tcw train --precision` / `tcw search --precisions` name the model's
// CompressionSpec is (precision_shorthand.h read backwards), "f32" for every tensor 32-bit
// float (every model stored before precision existed), "mixed" otherwise (per-layer
// overrides, quantized embeddings or classifier, activation roles at different precisions,
// quantizers the shorthand does not make).
#pragma once

#include "compression_spec.h"

#include <string>

namespace tcw {

std::string precisionLabel(const CompressionSpec& spec); // "f32", "w1a8", "w8a8", "w1a32", "mixed"

} // namespace tcw
