// Rows of a workspace as value types. The store keeps design specs and breakdowns as the JSON
// text its caller serialised (tcw_io), so it needs no JSON library and no knowledge of specs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcw::store {

enum class DesignKind : std::uint8_t {
    Transformer, // a TransformerSpec
    Accelerator, // an AcceleratorSpec
    Pair,        // a co-design: one transformer and one accelerator, in one document
};
std::string_view designKindName(DesignKind kind); // "transformer", "accelerator", "pair"
std::optional<DesignKind> designKindFromName(std::string_view name);

// Where an evaluation's accuracy comes from; shown next to every accuracy.
enum class AccuracySource : std::uint8_t {
    None,      // no accuracy known (hardware metrics only)
    Trained,   // measured by training in this workbench
    Predicted, // a surrogate's prediction
    Published, // copied from a paper or reference data set
};
std::string_view accuracySourceName(AccuracySource source); // "", "trained", "predicted", "published"
std::optional<AccuracySource> accuracySourceFromName(std::string_view name);

// Where an evaluation's hardware metrics (latency, energy, area, power) come from, beside the
// cost model's name (EvaluationRecord::costModel); shown next to every metric, as the accuracy
// source is next to the accuracy.
enum class MetricsProvenance : std::uint8_t {
    None,      // no hardware metrics (an accuracy-only evaluation)
    Simulated, // computed by a cost model (elector, acceltran-fast)
    Measured,  // timed and metered on the hardware itself
    Predicted, // a surrogate's estimate, with its relative σ (metricsStdDevFraction)
    Published, // copied from a paper or a vendor's data sheet
};
std::string_view metricsProvenanceName(MetricsProvenance provenance); // "", "simulated", "measured", …
std::optional<MetricsProvenance> metricsProvenanceFromName(std::string_view name);

// Life cycle of a training run or a search.
enum class RunStatus : std::uint8_t { Pending, Running, Finished, Failed, Cancelled };
std::string_view runStatusName(RunStatus status); // "pending", "running", ...
std::optional<RunStatus> runStatusFromName(std::string_view name);

struct DesignRecord {
    std::int64_t id = 0; // assigned by the store
    std::string name;
    DesignKind kind = DesignKind::Pair;
    std::string specJson;  // canonical JSON (tcw_io), stored verbatim
    std::string hash;      // SHA-256 (hex) of specJson: identical designs have equal hashes
    std::string createdAt; // ISO 8601, UTC, assigned by the store
    // The kind of hardware target the design runs on ("elector" today), "" for a lone
    // transformer. Assigned by the store from specJson: a "target":{"kind":…} member when the
    // document has one, else "elector" for accelerators and pairs.
    std::string targetKind;

    bool operator==(const DesignRecord&) const = default;
};

// One simulation (and/or accuracy measurement) of a design. Hardware metrics are empty for
// an accuracy-only evaluation (a transformer trained without an accelerator).
struct EvaluationRecord {
    std::int64_t id = 0;
    std::int64_t designId = 0;
    std::string costModel = "elector"; // core/sim costModelName()
    std::string mode = "inference";    // core/sim simModeName(): "inference" or "training"
    std::string optionsJson = "{}";    // the SimOptions used (task shape, sparsity, ...)

    std::optional<std::int64_t> cycles;
    std::optional<double> latencySeconds;
    std::optional<double> energyDynamicNJ;
    std::optional<double> energyLeakageNJ;
    std::optional<double> areaMM2;
    std::optional<double> peakPowerMW;
    std::optional<double> accuracy; // fraction of correct predictions, in [0, 1]
    AccuracySource accuracySource = AccuracySource::None;
    bool feasible = true;
    std::string infeasibleReason;     // when !feasible: why, readable
    std::string breakdownJson = "{}"; // per-module energy / area, per-op costs, phase split
    std::string createdAt;
    std::optional<double> accuracyStdDev; // the source's uncertainty (a surrogate's σ), when known
    std::string accuracyDetail;           // provenance: which surrogate or training run, readable
    MetricsProvenance provenance = MetricsProvenance::Simulated; // of the hardware metrics
    std::optional<double> metricsStdDevFraction; // Predicted: the predictor's σ relative to each metric

    bool operator==(const EvaluationRecord&) const = default;
    std::optional<double> energyTotalNJ() const {
        if (!energyDynamicNJ && !energyLeakageNJ)
            return std::nullopt;
        return energyDynamicNJ.value_or(0) + energyLeakageNJ.value_or(0);
    }
};

struct TrainingRunRecord {
    std::int64_t id = 0;
    std::int64_t designId = 0; // the transformer trained
    std::string name;
    std::string dataset;           // e.g. "fashion-mnist", "sst2"
    std::string configJson = "{}"; // optimiser, thresholds τ_I / τ_T, epochs, seed, ...
    RunStatus status = RunStatus::Pending;
    std::optional<double> finalAccuracy; // in [0, 1]
    std::string curvesJson = "{}";       // loss / accuracy per step or epoch
    std::string sparsityProfileJson;     // measured SparsityProfile, "" until measured
    std::string createdAt;
    std::string finishedAt; // "" while not finished

    bool operator==(const TrainingRunRecord&) const = default;
};

struct SearchRecord {
    std::int64_t id = 0;
    std::string name;
    std::string algorithm;         // "boshcode", "nsga2", "random"
    std::string configJson = "{}"; // spaces, objectives, constraints, budget
    std::int64_t seed = 0;
    RunStatus status = RunStatus::Pending;
    std::string createdAt;
    std::string finishedAt;
    std::string stateJson = "{}"; // what a resumed search needs besides its trials (progress, RNG scheme)
    std::string updatedAt;        // last status or state change ("" until the first)

    bool operator==(const SearchRecord&) const = default;
};

// One ask–tell step of a search: the candidate it proposed and, once evaluated, the result.
struct TrialRecord {
    std::int64_t id = 0;
    std::int64_t searchId = 0;
    int iteration = 0;
    std::optional<std::int64_t> designId;
    std::optional<std::int64_t> evaluationId;
    std::string encodingJson = "[]";   // the candidate in the search's integer encoding
    std::string predictionJson = "{}"; // the surrogate's prediction when it was proposed
    std::string createdAt;
    std::optional<std::int64_t> position; // 0, 1, 2, … in the order the search proposed its trials
    std::string objectivesJson = "[]";    // the objective values, in the search's objective order
    // The search's hypervolume once this trial is in: of the acceptable trials at positions
    // 0 … position (normalised box, reference 1). Empty for trials stored before schema v5
    // and, until the gap closes, for one committed ahead of an earlier position.
    std::optional<double> hypervolume;

    bool operator==(const TrialRecord&) const = default;
};

// A design with its most recent evaluation in one mode: one row of the explorer's table.
struct DesignSummary {
    DesignRecord design;
    std::optional<EvaluationRecord> latest;

    bool operator==(const DesignSummary&) const = default;
};

struct WorkspaceCounts {
    std::int64_t designs = 0;
    std::int64_t evaluations = 0;
    std::int64_t trainingRuns = 0;
    std::int64_t searches = 0;
    std::int64_t trials = 0;

    bool operator==(const WorkspaceCounts&) const = default;
};

} // namespace tcw::store
