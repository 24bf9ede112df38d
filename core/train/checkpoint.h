// Training checkpoints: a binary file with a magic number and a format version, the
// parameters, optimizer moments, DynaProp thresholds and sparsity counters. Native
// little-endian floats (x86-64 / aarch64), like llm.c's checkpoints.
#pragma once

#include "dynaprop.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcw::train {

inline constexpr std::uint32_t kCheckpointMagic = 0x4B435754; // "TWCK" in the file
inline constexpr std::uint32_t kCheckpointVersion = 1;

struct CheckpointState {
    std::uint64_t modelFingerprint = 0; // hash of the parameter tensors' names and shapes
    std::int64_t step = 0;              // optimizer steps done
    std::uint64_t seed = 0;
    std::vector<float> parameters;
    std::vector<float> firstMoment, secondMoment; // empty for SGD
    Thresholds thresholds;
    bool calibrated = false;
    std::uint64_t pruneRandomState = 0;           // stochastic gradient pruning
    std::vector<LayerSparsityCounts> accumulated; // sparsity counts summed over the steps done

    bool operator==(const CheckpointState&) const = default;
};

// Throw std::runtime_error naming the file on I/O errors (io::FileWriteError when writing,
// with the OS's reason), a wrong magic or version, and a length, count or step counter the
// file cannot hold. Whether the state fits a model is Trainer::loadCheckpoint's check.
void saveCheckpoint(const std::string& path, const CheckpointState& state);
CheckpointState loadCheckpoint(const std::string& path);

} // namespace tcw::train
