// Surrogates of a device's measures for models it never ran, and the `measured` cost model
// that answers with the exact row when there is one (docs/devices.md, "Cost model").
//
// Two surrogates per device and measure, both fit on the device's own rows:
//  - physics: y ≈ a + b·FLOPs + c·bytes + d·layers with a, b, c, d ≥ 0 (non-negative least
//    squares on relative error), FLOPs = forward FLOPs per sequence, bytes = fp32 weights;
//    monotone in size, so it extrapolates sanely. σ = held-out relative RMS error × value.
//  - trees: the existing boosted trees (core/search/boosted_trees) on a 37-value model
//    encoding (layers; per layer hidden size, head count, feed-forward width), fit to log y,
//    bagged 4 times; σ = spread of the bags. Piecewise constant: no extrapolation.
// The one a device uses for a measure is the one with the lower held-out MAPE.
#pragma once

#include "device_rows.h"
#include "search/boosted_trees.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace tcw::devices {

enum class Measure : std::uint8_t { Latency, Energy, PeakPower };
inline constexpr std::array kMeasures = {Measure::Latency, Measure::Energy, Measure::PeakPower};
const char* measureName(Measure m); // "latency", "energy", "peak power"
std::optional<double> measureOf(const ProfileRow& row, Measure m);

// Model features the surrogates use (sequence length from the profile's settings).
struct ModelFeatures {
    double flops = 0; // forward FLOPs per sequence
    double bytes = 0; // fp32 weight bytes
    double layers = 0;
    std::vector<double> encoding; // 1 + 3 × 12 values
};
ModelFeatures modelFeatures(const TransformerSpec& model, int sequenceLength);

enum class SurrogateKind : std::uint8_t { Mean, Physics, Trees };
const char* surrogateKindName(SurrogateKind k); // "mean", "physics", "trees"

struct FitQuality {
    double r2 = 0;   // 1 − SS_res / SS_tot on the held-out rows
    double mape = 0; // mean |pred − y| / y, as a fraction
};

// Held-out comparison of one measure on one device: mean predictor vs physics vs trees.
FitQuality fitQuality(const std::vector<double>& y, const std::vector<double>& predicted);

// The boosted trees (core/search/boosted_trees) bagged 4 times on the model encoding:
// prediction = the bags' mean, σ = their spread. logTarget: fit log y (positive measures
// spanning decades), else y (scores).
class BaggedTrees {
public:
    void fit(const std::vector<ModelFeatures>& x, const std::vector<double>& y, std::mt19937_64& rng, bool logTarget);
    std::pair<double, double> predict(const ModelFeatures& f) const;

private:
    std::vector<search::BoostedTrees> m_bags;
    bool m_log = true;
};

struct SurrogateReportRow {
    std::string device;
    Measure measure = Measure::Latency;
    std::size_t trainRows = 0, testRows = 0;
    FitQuality mean, physics, trees;
    SurrogateKind chosen = SurrogateKind::Physics; // lower held-out MAPE of physics and trees
};

struct Prediction {
    double value = 0;
    double sigma = 0; // one standard deviation, same unit
    SurrogateKind kind = SurrogateKind::Physics;
};

class DeviceSurrogate {
public:
    // Fits on all rows (after the held-out report, which decides the kind and the physics σ).
    // seed fixes the split and the bagging. Needs ≥ 5 rows with the measure; otherwise the
    // measure has no surrogate (predict returns nothing).
    void fit(const DeviceProfile& profile, std::uint64_t seed = 14);
    std::optional<Prediction> predict(const TransformerSpec& model, Measure m) const;
    const std::vector<SurrogateReportRow>& report() const { return m_report; }

    struct Physics {
        std::array<double, 4> coefficients{}; // a, b, c, d
        double predict(const ModelFeatures& f) const;
    };

private:
    struct PerMeasure;
    std::vector<SurrogateReportRow> m_report;
    std::vector<std::shared_ptr<const PerMeasure>> m_models; // by Measure; null when too few rows
    int m_sequenceLength = 128;
};

// The measured cost model: the device's row for the model when it was measured there
// (provenance "measured"); else the surrogate's prediction (provenance "predicted ± σ").
struct DeviceEstimate {
    double latencySeconds = 0;
    std::optional<double> energyJoules, peakPowerWatts;
    std::optional<double> glue; // from the row, when measured with one
    bool measured = false;
    double latencySigma = 0, energySigma = 0, peakPowerSigma = 0; // 0 when measured
    std::string provenance;        // "measured" or "predicted ± σ (physics latency, trees energy, …)"
    double stddevFraction() const; // the largest σ / value of the three measures (records' field)
};

class MeasuredCostModel {
public:
    explicit MeasuredCostModel(DeviceProfile profile, std::uint64_t seed = 14);
    const DeviceProfile& profile() const { return m_profile; }
    const DeviceSurrogate& surrogate() const { return m_surrogate; }
    // Nothing when the model was not measured and the latency has no surrogate.
    std::optional<DeviceEstimate> estimate(const TransformerSpec& model) const;

private:
    DeviceProfile m_profile;
    DeviceSurrogate m_surrogate;
};

} // namespace tcw::devices
