// What a co-design search optimises: the metrics of an evaluated transformer–accelerator
// pair, the user's choice of objectives among them (for inference or training), a weighted
// sum (TransCODE's reference weights as a preset) or a true Pareto search, and constraints.
#pragma once

#include "pareto.h"
#include "sim/sim_types.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::search {

enum class Metric : std::uint8_t {
    Accuracy,      // fraction correct, maximised
    Latency,       // seconds per batch
    DynamicEnergy, // nJ per batch
    LeakageEnergy, // nJ per batch
    TotalEnergy,   // nJ per batch
    Area,          // mm²
    PeakPower,     // mW
    Robustness,    // accuracy drop under bit flips in stored weights (fraction), minimised; issue 15
};
inline constexpr int kMetricCount = 8;
std::string_view metricName(
    Metric m); // "accuracy", "latency", "dynamic-energy", "leakage-energy", "energy", "area", "power", "robustness"
std::optional<Metric> metricFromName(std::string_view name); // also accepts "total-energy"
std::string_view metricUnit(Metric m);                       // "", "s", "nJ", "nJ", "nJ", "mm²", "mW"
inline bool isMaximised(Metric m) {
    return m == Metric::Accuracy;
}

// Where an accuracy comes from (stored with every evaluation and shown next to it).
enum class AccuracyOrigin : std::uint8_t {
    None,      // not known
    Predicted, // a surrogate's prediction, with its uncertainty
    Trained,   // measured by the DynaProp trainer in this workbench
    Imported,  // copied from an imported table (published scores)
};
std::string_view accuracyOriginName(AccuracyOrigin o); // "", "predicted", "trained", "imported"

// One logged point of a training curve (the trainer's CurvePoint, as the workspace keeps it).
struct TrainingCurvePoint {
    std::int64_t step = 0;
    int epoch = 0;
    double trainLoss = 0;
    double trainAccuracy = 0;
    double learningRate = 0;
    double activationSparsity = 0;
    double activationGradientSparsity = 0;
    double weightGradientSparsity = 0;
    double elapsedSeconds = 0;
    std::optional<double> testLoss, testAccuracy; // at evaluation points only

    bool operator==(const TrainingCurvePoint&) const = default;
};

// A trainer run behind a trained accuracy, for the workspace (curves and profile as JSON).
struct TrainingOutcome {
    std::string dataset;
    std::string configJson; // what identifies the run: model, data, thresholds, steps, seed
    std::vector<TrainingCurvePoint> curve;
    std::string curvesJson; // the curve as the workspace stores it
    std::string sparsityProfileJson;
    std::shared_ptr<const SparsityProfile> profile; // measured; the pair is simulated with it
    double finalAccuracy = 0;
    double seconds = 0;
    // Set when this run is already stored: the workspace run it came from, or -1 for a run
    // another trial of the same search trained (stored with that trial).
    std::optional<std::int64_t> cachedRunId;
};

// Issue 14: how a device design's metrics were obtained by the `measured` cost model
// (core/devices), as its workspace evaluation records it.
struct MeasuredCostNote {
    std::string device;        // the device profile's id
    bool measured = false;     // the device's own row; else the surrogate's prediction
    double stddevFraction = 0; // a prediction's largest σ / value
    std::string optionsJson;   // the evaluation's options (device, batch and sequence of its rows)
    std::string breakdownJson; // provenance text and σ per measure
};

// Everything a search knows about one evaluated pair. Plain values, so a stored evaluation
// rebuilds it exactly (a resumed search sees the same numbers as the run that measured them).
struct PairMetrics {
    bool feasible = true;         // the accelerator can run the model (simulator verdict)
    std::string infeasibleReason; // when not feasible
    std::int64_t cycles = 0;
    double latencySeconds = 0;
    double dynamicEnergyNJ = 0;
    double leakageEnergyNJ = 0;
    double areaMM2 = 0;
    double peakPowerMW = 0;
    double accuracy = 0;
    double accuracyStdDev = 0;
    AccuracyOrigin accuracyOrigin = AccuracyOrigin::None;
    std::string accuracyDetail; // which surrogate, table entry or training run
    // Issue 15: accuracy drop of the trained model under the search's bit-flip definition
    // (SearchConfig::robustness); 0 when not measured (robustness not an objective).
    double robustnessDrop = 0;

    // Not part of the values compared: the full simulation and training run behind them, when
    // this process measured them (for the workspace's breakdown and training tables).
    std::shared_ptr<const SimResult> simulation;
    std::shared_ptr<const TrainingOutcome> training;
    std::shared_ptr<const MeasuredCostNote> measuredCost; // issue 14: a device design's

    double totalEnergyNJ() const { return dynamicEnergyNJ + leakageEnergyNJ; }
    double value(Metric m) const;

    bool operator==(const PairMetrics& o) const; // the values, not the attachments
};

// A bound on one metric: accuracy ≥ bound, every other metric ≤ bound.
struct Constraint {
    Metric metric = Metric::Latency;
    double bound = 0;
    bool operator==(const Constraint&) const = default;
};

enum class Scalarisation : std::uint8_t {
    WeightedSum, // maximise Σ w·term (TransCODE): term = accuracy, or 1 − value / normaliser
    Pareto,      // the non-dominated set of the objectives
};

struct ObjectiveConfig {
    std::vector<Metric> metrics; // the objectives, in display order
    SimMode mode = SimMode::Inference;
    Scalarisation scalarisation = Scalarisation::Pareto;
    std::vector<double> weights;     // per metric (weighted sum)
    std::vector<double> normalisers; // per metric (weighted sum); ignored for accuracy
    std::vector<Constraint> constraints;

    bool operator==(const ObjectiveConfig&) const = default;
};

// The defaults of `tcw search`: accuracy, latency, total energy and area for inference, Pareto.
ObjectiveConfig defaultObjectives();
// docs/search.md: 0.5·accuracy + 0.1·(1 − cycles/4e9) + 0.2·(1 − E_dyn/9e10 nJ) +
// 0.1·(1 − E_leak/2e10 nJ) at 700 MHz (cycles/4e9 = latency / 5.714 s); weighted sum.
ObjectiveConfig transcodeReferenceObjective();
// Weights and normalisers for arbitrary metrics: the reference values where TransCODE has
// them (area: 0.1 and 30,000 mm²; power: 0.1 and 1e6 mW), else weight 0.1.
double referenceWeight(Metric m);
double referenceNormaliser(Metric m);

// Checks the sizes and values; an empty string when usable, else what is wrong.
std::string validate(const ObjectiveConfig& config);

// Σ w·term over the metrics (higher is better).
double weightedScore(const PairMetrics& m, const ObjectiveConfig& config);
// The metrics as a vector to minimise (accuracy negated), in config.metrics order.
ObjectiveVector minimisedObjectives(const PairMetrics& m, const ObjectiveConfig& config);
// The raw metric values in config.metrics order (as stored and shown).
std::vector<double> metricValues(const PairMetrics& m, const ObjectiveConfig& config);
// How far a pair is from acceptable: 0 when feasible and within every constraint; else the
// sum of relative violations (an infeasible design counts as 1 + that sum).
double constraintViolation(const PairMetrics& m, const ObjectiveConfig& config);
inline bool acceptable(const PairMetrics& m, const ObjectiveConfig& config) {
    return constraintViolation(m, config) == 0.0;
}

// Where the hypervolume is measured: each objective mapped to roughly [0, 1] (cost metrics
// on a log scale, they span decades; accuracy linearly), with the reference point at 1 in
// every coordinate. lo / hi are raw metric values (for accuracy lo = the worst accepted).
struct HypervolumeBox {
    std::vector<double> lo, hi; // per objective metric

    bool operator==(const HypervolumeBox&) const = default;
    bool empty() const { return lo.empty(); }
};

// Normalised minimisation coordinates of a pair (0 = best corner of the box, 1 = reference).
ObjectiveVector normalisedObjectives(const PairMetrics& m, const ObjectiveConfig& config, const HypervolumeBox& box);

// A box from sampled hardware metrics (costs: the sample's min and max) and an accuracy range.
HypervolumeBox boxFromSample(const std::vector<PairMetrics>& sample, const ObjectiveConfig& config, double accuracyLo,
                             double accuracyHi);

} // namespace tcw::search
