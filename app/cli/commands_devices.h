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

struct DeviceSearchOptions {
    std::string targets; // devices:edgetran, devices:all, devices:ID,ID…
    int budget = 200;
    std::uint64_t seed = 1;
    std::optional<double> peakPowerLimit; // W
    std::string workspace;                // store the search there (core/devices/device_search_store.h)
    bool resume = false;                  // continue the workspace's unfinished device search
};

// `tcw search --targets devices:… [--workspace W [--resume]]`: a model × device search
// (core/devices/device_search.h), printing the surrogates' held-out quality, the Pareto front
// with provenance and the best pair under EdgeTran's objective against the best stored one;
// with a workspace every pair is stored as a trial. Exit 0, 1 when the workspace fails or
// the search was interrupted, 2 on bad input.
int runDeviceSearch(const DeviceSearchOptions& options, const std::filesystem::path& dataDir);

} // namespace tcw::cli
