// A device profile: what `tcw profile` (and tools/profile_cuda.py) measured of one computer —
// the machine, the settings, and per model the latency statistics, energy and power, each
// either measured or "unavailable" with the reason and the remedy (never a made-up zero).
// The value type only; the JSON codec is io/device_profile_json.h, the format docs/formats.md.
#pragma once

#include "design/transformer_spec.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::profile {

// A measured number, or why there is none. Exactly one of value / reason is set: a reading
// that could not be taken has a reason ("RAPL is root-only on Linux >= 5.10") and, where the
// user can fix it, a remedy ("run as root or chmod a+r …/energy_uj").
struct Measure {
    std::optional<double> value;
    std::string reason; // why unavailable (empty when value is set)
    std::string remedy; // what the user can do (may be empty)

    static Measure of(double v) { return Measure{v, {}, {}}; }
    static Measure unavailable(std::string why, std::string fix = {}) {
        return Measure{std::nullopt, std::move(why), std::move(fix)};
    }
    bool available() const { return value.has_value(); }
    bool operator==(const Measure&) const = default;
};

enum class DeviceClass { Cpu, Gpu, Npu, Other };
std::string_view deviceClassName(DeviceClass c); // "cpu", "gpu", "npu", "other"
std::optional<DeviceClass> deviceClassFromName(std::string_view name);

// The computer the numbers belong to. Fields a source could not read are empty / nullopt.
struct MachineDescriptor {
    std::string cpuModel;              // /proc/cpuinfo "model name"
    int logicalCpus = 0;               // online logical CPUs
    int threadsUsed = 0;               // threads the inference ran on
    std::vector<std::string> isaFlags; // vector ISA flags present (avx2, avx512f, avx512_vnni, …)
    std::string runtime;               // "oneDNN 2.6.3", "PyTorch 2.3.1 + CUDA 12.1"
    std::string runtimeIsa;            // oneDNN's effective ISA ("avx512_core_vnni"); GPU: compute capability
    std::string kernel;                // uname -sr
    bool hypervisor = false;           // the "hypervisor" cpuinfo flag (a virtual machine)
    std::string accelerator;           // GPU / NPU name, empty for a CPU profile
    std::string acceleratorDriver;     // driver version, empty when none
    std::optional<std::array<double, 3>> loadAverageBefore; // 1, 5, 15 min
    std::optional<std::array<double, 3>> loadAverageAfter;

    bool operator==(const MachineDescriptor&) const = default;
};

// How the numbers were taken.
struct ProfileSettings {
    int batchSize = 1;
    int sequenceLength = 128;
    int runs = 10;                    // timed batches per model
    int warmupRuns = 2;               // untimed batches before them
    int threads = 0;                  // compute threads (0: the runtime's default)
    std::string powerSource = "none"; // "rapl", "perf", "hwmon", "csv", "nvml", "other" (an imported profile's
                                      // sensor, named in powerSourceDetail), "none"
    std::string powerSourceDetail;    // the counters / file read, e.g. "/sys/class/powercap/intel-rapl:0"
    double samplePeriodMs = 100.0;    // power sampling period
    double idleSeconds = 0.0;         // idle power measured for this long before the models (0: not measured)
    double peakWindowMs = 100.0;      // peak power = largest mean power over a window this long
    bool protranCompat = false;       // ProTran's definitions (docs/profiling.md)
    std::string precision = "f32";
    std::string weights = "random"; // "random (seed 1)" or the trained run the weights came from

    bool operator==(const ProfileSettings&) const = default;
};

// Summary of repeated timings, seconds.
struct LatencyStats {
    double median = 0, p5 = 0, p95 = 0, mean = 0;
    double cv = 0; // coefficient of variation: sample std / mean (0 for one sample)
    int samples = 0;

    bool operator==(const LatencyStats&) const = default;
};

// Power samples of one model's measurement: time since the trace started (s) and power (W).
// For an energy counter each sample is the mean power since the previous one.
struct PowerTrace {
    std::vector<double> timeSeconds;
    std::vector<double> powerW;
    double windowStartSeconds = 0; // the measured window inside the trace (timed runs, or the
    double windowEndSeconds = 0;   // process lifetime under protranCompat)

    bool empty() const { return timeSeconds.empty(); }
    bool operator==(const PowerTrace&) const = default;
};

// One model measured on the device. Latency and energy are per sequence (as EdgeTran's data).
struct ProfileRow {
    std::string modelName;
    TransformerSpec model;
    LatencyStats latencySecondsPerSequence;  // from the per-batch timings / batch size
    std::vector<double> batchLatencySeconds; // each timed batch (protranCompat: the one window)
    Measure energyJoulesPerSequence;         // whole-device energy in the window / sequences
    Measure dynamicEnergyJoulesPerSequence;  // minus idle power × window time
    Measure averagePowerW;
    Measure peakPowerW; // over settings.peakWindowMs
    std::string provenance = "measured";
    PowerTrace trace;           // empty when there is no power source
    std::optional<double> glue; // the model's GLUE score in [0, 1] where the source gives one (EdgeTran)

    bool operator==(const ProfileRow&) const = default;
};

struct DeviceProfile {
    std::string deviceName; // "this-computer", "h100", …
    DeviceClass deviceClass = DeviceClass::Cpu;
    std::string description; // free text: what the device is ("Apple M1 Pro GPU (16 cores)")
    MachineDescriptor machine;
    ProfileSettings settings;
    Measure idlePowerW;     // mean power over settings.idleSeconds before the models
    std::string command;    // the exact command that produced the profile
    std::string measuredAt; // UTC, ISO 8601
    // What a reader must know before comparing these numbers with another profile's (batch,
    // latency and energy definitions, power path, sampling period), one sentence each.
    std::vector<std::string> caveats;
    std::vector<ProfileRow> rows;

    bool operator==(const DeviceProfile&) const = default;
};

} // namespace tcw::profile
