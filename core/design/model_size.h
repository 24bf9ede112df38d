// A model's stored size with its breakdown (issue 15): every parameter at the bits its
// CompressionSpec gives it (encoder matrices: `weights`, per layer; token table / patch
// projection: `embeddings`; classifier: `classifier`), what stays 32-bit float (biases, layer
// norms, learned positions, as the trainer keeps them), plus one 32-bit scale per quantized
// weight matrix (our count: Q, K and V of each head, its WMA or convolution matrices, the
// output projection, each feed-forward matrix, the projection between layers).
#pragma once

#include "transformer_spec.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcw {

struct ModelSizeItem {
    std::string part;        // "encoder weights", "embeddings", …
    std::int64_t values = 0; // parameters (or scales) in this part
    double bits = 0;         // bits per value (a mean when layers differ)
    double bytes = 0;        // values × bits / 8
};

struct ModelSize {
    std::vector<ModelSizeItem> items; // in a fixed order, zero-sized parts included
    double totalBytes = 0;
    const ModelSizeItem& item(const std::string& part) const;
};

ModelSize modelSize(const TransformerSpec& spec, const TaskShape& task);

} // namespace tcw
