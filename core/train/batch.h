// One mini-batch as the network reads it: token ids (text) or patch values (images), a
// padding mask and the class labels.
#pragma once

#include <cstdint>
#include <vector>

namespace tcw::train {

struct Batch {
    int size = 0;                     // B
    int sequenceLength = 0;           // S
    std::vector<std::int32_t> tokens; // [B, S] token ids (text); empty for images
    std::vector<float> patches;       // [B, S, P] patch values (images); empty for text
    std::vector<float> mask;          // [B, S] 1 = real token, 0 = padding
    std::vector<std::int32_t> labels; // [B] class indices
};

} // namespace tcw::train
