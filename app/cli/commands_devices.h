// The device side of tcw simulate (commands_devices.cpp).
#pragma once

#include "design/transformer_spec.h"

#include <filesystem>
#include <string>

namespace tcw::cli {

// `tcw simulate --target device:ID --model M`: the measured row or the surrogate's prediction
// with σ and provenance. Exit 0, 1 when nothing can be said, 2 when the profile is unreadable.
int simulateOnDevice(const TransformerSpec& model, const std::string& device, const std::filesystem::path& dataDir,
                     bool json);

} // namespace tcw::cli
