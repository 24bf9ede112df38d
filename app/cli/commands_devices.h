// The device side of tcw simulate (commands_devices.cpp).
#pragma once

#include "design/transformer_spec.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace tcw::cli {

// `tcw simulate --target device:ID --model M`: the measured row or the surrogate's prediction
// with σ and provenance. Exit 0, 1 when nothing can be said, 2 when the profile is unreadable.
int simulateOnDevice(const TransformerSpec& model, const std::string& device, const std::filesystem::path& dataDir,
                     bool json);

// `tcw search --targets devices:…`: a model × device search (core/profile/device_search.h),
// printing the surrogates' held-out quality, the Pareto front with provenance and the best
// pair under EdgeTran's objective against the best stored one. Exit 0, 2 on bad input.
int runDeviceSearch(const std::string& targets, int budget, std::uint64_t seed, std::optional<double> peakPowerLimit,
                    const std::filesystem::path& dataDir);

} // namespace tcw::cli
