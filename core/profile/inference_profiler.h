// Profiles inference of models on this computer with the workbench's own oneDNN forward pass
// (eval mode: no pruning, no dropout): warm-up, then each batch timed, while a power source
// is sampled; the result is a DeviceProfile (definitions: docs/profiling.md).
#pragma once

#include "device_profile.h"
#include "power_math.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tcw::profile {

struct ProfileRequest {
    std::vector<std::pair<std::string, TransformerSpec>> models; // name, model
    ProfileSettings settings; // batch, sequence, runs, warm-up, threads, period, idle, window, protranCompat
    // "auto", "rapl", "perf", "hwmon", "csv:FILE" (an external meter's log, read after the
    // runs), "none". settings.powerSource / powerSourceDetail are filled from what was used.
    std::string power = "auto";
    std::filesystem::path sysfsRoot = "/sys";
    std::filesystem::path procRoot = "/proc";
    std::uint64_t seed = 1;     // weights and token ids
    // Trained weights instead of random ones: a training checkpoint (one model only; its
    // parameter count must match the model with vocabularySize and numClasses).
    std::filesystem::path checkpoint;
    int vocabularySize = 30522; // BERT's WordPiece vocabulary (the embedding table's rows)
    int numClasses = 2;
    std::string deviceName = "this-computer";
    std::string command; // recorded as is
};

struct ProfileProgress {
    int model = 0; // 0-based index of the model being measured
    int models = 0;
    std::string stage; // "idle", "warm-up", "timing", "done"
};

class ProfileCancelled : public std::runtime_error {
public:
    ProfileCancelled() : std::runtime_error("profiling cancelled") {}
};

// Throws std::invalid_argument for a bad request (settings out of range, an unreadable meter
// log) and ProfileCancelled when `stop` becomes true. A power source that cannot be read is
// not an error: its measures are unavailable with the reason and the remedy.
DeviceProfile profileInference(const ProfileRequest& request,
                               const std::function<void(const ProfileProgress&)>& progress = {},
                               const std::atomic<bool>* stop = nullptr);

// The measures of one window from the power samples (counter: cumulative J; else W) —
// the arithmetic profileInference applies, exposed for tests. Times are on the samples'
// clock; `sequences` divides energy; `idleW` (when available) gives the dynamic energy.
struct WindowMeasures {
    Measure energyJoulesPerSequence, dynamicEnergyJoulesPerSequence, averagePowerW, peakPowerW;
    PowerTrace trace;
};
WindowMeasures measureWindow(const std::vector<PowerSample>& samples, bool counter, double traceStart,
                             double windowStart, double windowEnd, double sequences, const Measure& idleW,
                             const ProfileSettings& settings);

} // namespace tcw::profile
