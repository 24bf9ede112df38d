// The learned activation quantizers of a run (issue 15, multi-step distillation): each
// quantizer's (layer, site, tensor), kind, bits, scale α or clip c, and per-channel shift, in a
// small binary file beside the run's checkpoint ("checkpoint.bin" → "checkpoint.scales").
// The checkpoint holds the weights; this file is what a run with quantized activations adds,
// so that it can be the next step's teacher (32 → 4 → 2 → 1 bits, BiT). Written through
// io::writeFileOrThrow; read with every length checked before use (format: docs/formats.md).
#pragma once

#include "activation_quantization.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcw::train {

inline constexpr std::uint32_t kActivationScalesMagic = 0x53415754; // "TWAS" in the file
inline constexpr std::uint32_t kActivationScalesVersion = 1;

using StoredActivationQuantizer = ActivationQuantization::Restored;

struct ActivationScales {
    std::uint64_t modelFingerprint = 0; // parameterFingerprint of the run's network
    std::vector<StoredActivationQuantizer> quantizers;
    bool operator==(const ActivationScales&) const = default;
};

// The file beside a checkpoint: its path with the extension ".scales".
std::string activationScalesPath(const std::string& checkpointPath);

// What a trained ActivationQuantization holds, in its map's order.
std::vector<StoredActivationQuantizer> storedQuantizers(const ActivationQuantization& quantization);

// Throw std::runtime_error naming the file on I/O errors, a wrong magic or version, a site,
// kind or bit width outside the allowed values, and lengths the file cannot hold.
void saveActivationScales(const std::string& path, const ActivationScales& scales);
ActivationScales loadActivationScales(const std::string& path);

} // namespace tcw::train
