// A device profile: what one off-the-shelf device (a GPU, a laptop CPU, a Raspberry Pi, an
// NPU, this computer) measured for a set of models — latency, energy and peak power per
// sequence — with the device's descriptor, the measurement settings and their caveats, and
// the provenance of every row. The same struct whatever measured it (EdgeTran's data, tcw
// profile, an external script); one JSON codec ("kind": "deviceProfile", docs/formats.md).
#pragma once

#include "design/transformer_spec.h"
#include "design/validation.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tcw::profile {

// One measured (or predicted) model on the device. Quantities are per sequence.
struct DeviceRow {
    std::string modelHash; // identifies the model across devices (EdgeTran's graph hash; may be empty)
    TransformerSpec model;
    double latencySeconds = 0;            // s / sequence
    std::optional<double> energyJoules;   // J / sequence; absent when no power source was readable
    std::optional<double> peakPowerWatts; // W over the measurement window; absent likewise
    std::optional<double> glue;           // the model's GLUE score, where the source gives one
    std::string provenance = "measured";  // "measured", "predicted ± σ" (docs/devices.md)

    bool operator==(const DeviceRow&) const = default;
};

// How the rows were measured: enough to judge whether two profiles compare.
struct MeasurementSettings {
    int batch = 1;                 // sequences per inference call
    int runs = 1;                  // repetitions averaged into a row
    int sequenceLength = 128;      // tokens per sequence
    std::string powerSource;       // what power was read from ("nvidia-smi Power Draw", "RAPL", "none: …")
    std::string latencyDefinition; // e.g. "process lifetime / (runs × sequences)"
    std::string energyDefinition;  // e.g. "trapezoid integral of sampled power, no idle baseline"

    bool operator==(const MeasurementSettings&) const = default;
};

struct DeviceProfile {
    std::string device;                            // id, e.g. "gpu_m1-pro"; names the target `device:ID`
    std::string description;                       // "Apple M1 Pro GPU (16 cores)"
    std::map<std::string, std::string> descriptor; // machine facts (CPU model, cores, ISA, kernel…)
    MeasurementSettings settings;
    std::vector<std::string> caveats; // what a reader must know before comparing the numbers
    std::string source;               // where the rows come from (repository, file, command)
    std::vector<DeviceRow> rows;

    bool operator==(const DeviceProfile&) const = default;
    // The row of this model: same hash, or (when the hash is empty or unknown) the same
    // structure, heads compared in canonical order.
    const DeviceRow* find(const TransformerSpec& model, const std::string& modelHash = {}) const;
};

// The file format (docs/formats.md, "Device profile"): JSON text, and the strict reader
// whose errors name the field and what is allowed.
std::string deviceProfileJson(const DeviceProfile& profile);
struct LoadedProfile {
    std::optional<DeviceProfile> profile;
    ValidationErrors errors;
};
LoadedProfile parseDeviceProfile(const std::string& text);
LoadedProfile loadDeviceProfile(const std::filesystem::path& path); // errors are prefixed with the file

// Two models are the same design when their layers match with each layer's heads sorted
// (the order of heads in a layer changes no cost).
bool sameStructure(const TransformerSpec& a, const TransformerSpec& b);

} // namespace tcw::profile
