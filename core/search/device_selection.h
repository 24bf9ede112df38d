// Device selection under a latency constraint LC and an accuracy constraint AC (issue 16,
// after Qi et al., ICCAD 2021): for every compression setting, its accuracy (from an oracle:
// trained here and cached by the caller, or given) and, on every catalogue target, its
// latency with that target's cost model; the answer is the cheapest target (by the chosen
// cost) with a setting that meets both, with its margins, and the whole feasibility matrix
// with the reason for every rejection. Deterministic: the same inputs give the same matrix.
//
// Latency is of one inference of `batch` sequences of task.sequenceLength tokens: the elector
// model with the accelerator's batch set to it (tile b capped at it), the fpga model for
// batch × sequence tokens (weight matrices only, fpga_model.h). A setting applies one pruning
// preset to the query, key, value, attention-output and feed-forward matrices and sets the
// weights' bits on fpga targets.
#pragma once

#include "design/target.h"
#include "design/technology_library.h"
#include "design/transformer_spec.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tcw::search {

struct CompressionSetting {
    std::string pattern = "unstructured"; // a pruning preset (compress::pruningPreset) or "dense"
    double sparsity = 0;
    int weightBits = 16;
    std::string label() const; // "hierarchical 90 % 16-bit", "dense 16-bit", "2:4 16-bit"
};

// Cost keys a catalogue entry may give: "price" (USD), "tdp" (W), "peak-power" (W), "area" (mm²).
struct CatalogueEntry {
    std::string name;
    Target target;
    std::map<std::string, double> cost;
};

// The latency of a `device` target (a measured, off-the-shelf device): costed outside this
// layer (core/devices' measured cost model, devices/selection_costs.h) and handed in here.
struct DeviceLatency {
    std::optional<double> latencySeconds; // one inference of `batch` sequences; absent: error says why
    std::string provenance;               // "measured", "predicted ± σ (…)", and any scaling applied
    std::string error;
};
using DeviceLatencyFn = std::function<DeviceLatency(const DeviceTarget& device, const TransformerSpec& model,
                                                    const TaskShape& task, int batch)>;

struct SelectionInput {
    TransformerSpec model;
    TaskShape task;
    int batch = 1;
    double latencyLimitSeconds = 0; // LC
    double accuracyLimit = 0;       // AC, same scale as the oracle's accuracies
    std::string order = "price";    // the cost key entries are ranked by (ascending)
    std::vector<CompressionSetting> settings;
    std::vector<CatalogueEntry> catalogue;
    // Costs `device` entries (their rows say "cannot cost" without it). A device runs the dense
    // model whatever the setting (our modelling: off-the-shelf runtimes execute pruned
    // weights as dense f32, as the devices were measured), so its latency is the same in
    // every column; its accuracy is still the setting's.
    DeviceLatencyFn deviceLatency;
};

struct SelectionCell {
    bool feasible = false;
    std::optional<double> accuracy;       // absent when the oracle has none
    std::optional<double> latencySeconds; // absent when the target cannot run it
    std::vector<std::string> reasons;     // every failed constraint, with how much it misses by
    std::string provenance;               // device entries: where the latency comes from; else empty
};

struct SelectionResult {
    std::vector<std::vector<SelectionCell>> cells; // [catalogue entry][setting]
    std::vector<std::size_t> rankedEntries;        // catalogue indices, cheapest first
    std::optional<std::size_t> chosenEntry, chosenSetting;
    double latencyMarginSeconds = 0, accuracyMargin = 0; // LC − latency, accuracy − AC
    std::vector<std::string> errors; // input errors (an entry without the order's cost, …); nothing chosen then
};

using SettingAccuracyFn = std::function<std::optional<double>(const CompressionSetting&)>;

// The model with the setting's pattern on its linear matrices; the error names the setting.
std::optional<TransformerSpec> compressedModel(const TransformerSpec& model, const CompressionSetting& s,
                                               std::string& error);

SelectionResult selectDevice(const SelectionInput& input, const SettingAccuracyFn& accuracy,
                             const TechnologyLibrary& technology);

} // namespace tcw::search
