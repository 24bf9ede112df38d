// Objectives, scores, constraints and the hypervolume box.
#include "objectives.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace tcw::search {

namespace {

struct MetricInfo {
    Metric metric;
    std::string_view name;
    std::string_view unit;
    double weight;
    double normaliser;
};

// Reference weights and normalisers (docs/search.md, Objectives); latency 4e9 cycles at 700 MHz.
constexpr std::array<MetricInfo, kMetricCount> kMetrics = {{
    {Metric::Accuracy, "accuracy", "", 0.5, 1.0},
    {Metric::Latency, "latency", "s", 0.1, 4e9 / 700e6},
    {Metric::DynamicEnergy, "dynamic-energy", "nJ", 0.2, 9e10},
    {Metric::LeakageEnergy, "leakage-energy", "nJ", 0.1, 2e10},
    {Metric::TotalEnergy, "energy", "nJ", 0.3, 1.1e11},
    {Metric::Area, "area", "mm²", 0.1, 30000.0},
    {Metric::PeakPower, "power", "mW", 0.1, 1e6},
    {Metric::Robustness, "robustness", "", 0.1, 1.0},
}};

const MetricInfo& info(Metric m) {
    return kMetrics[static_cast<std::size_t>(m)];
}

double toBoxScale(Metric m, double v) {
    // Accuracy and robustness (an accuracy drop, 0 when nothing changes) are linear.
    return isMaximised(m) || m == Metric::Robustness ? v : std::log10(std::max(v, 1e-300));
}

} // namespace

std::string_view metricName(Metric m) {
    return info(m).name;
}

std::optional<Metric> metricFromName(std::string_view name) {
    if (name == "total-energy")
        return Metric::TotalEnergy;
    for (const auto& i : kMetrics)
        if (i.name == name)
            return i.metric;
    return std::nullopt;
}

std::string_view metricUnit(Metric m) {
    return info(m).unit;
}

std::string_view accuracyOriginName(AccuracyOrigin o) {
    switch (o) {
    case AccuracyOrigin::Predicted:
        return "predicted";
    case AccuracyOrigin::Trained:
        return "trained";
    case AccuracyOrigin::Imported:
        return "imported";
    case AccuracyOrigin::None:
        break;
    }
    return "";
}

double PairMetrics::value(Metric m) const {
    switch (m) {
    case Metric::Accuracy:
        return accuracy;
    case Metric::Latency:
        return latencySeconds;
    case Metric::DynamicEnergy:
        return dynamicEnergyNJ;
    case Metric::LeakageEnergy:
        return leakageEnergyNJ;
    case Metric::TotalEnergy:
        return totalEnergyNJ();
    case Metric::Area:
        return areaMM2;
    case Metric::PeakPower:
        return peakPowerMW;
    case Metric::Robustness:
        return robustnessDrop;
    }
    return 0;
}

bool PairMetrics::operator==(const PairMetrics& o) const {
    return feasible == o.feasible && infeasibleReason == o.infeasibleReason && cycles == o.cycles &&
           latencySeconds == o.latencySeconds && dynamicEnergyNJ == o.dynamicEnergyNJ &&
           leakageEnergyNJ == o.leakageEnergyNJ && areaMM2 == o.areaMM2 && peakPowerMW == o.peakPowerMW &&
           accuracy == o.accuracy && accuracyStdDev == o.accuracyStdDev && accuracyOrigin == o.accuracyOrigin &&
           accuracyDetail == o.accuracyDetail && robustnessDrop == o.robustnessDrop;
}

ObjectiveConfig defaultObjectives() {
    ObjectiveConfig c;
    c.metrics = {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::Area};
    for (Metric m : c.metrics) {
        c.weights.push_back(referenceWeight(m));
        c.normalisers.push_back(referenceNormaliser(m));
    }
    return c;
}

ObjectiveConfig transcodeReferenceObjective() {
    ObjectiveConfig c;
    c.metrics = {Metric::Accuracy, Metric::Latency, Metric::DynamicEnergy, Metric::LeakageEnergy};
    c.scalarisation = Scalarisation::WeightedSum;
    for (Metric m : c.metrics) {
        c.weights.push_back(referenceWeight(m));
        c.normalisers.push_back(referenceNormaliser(m));
    }
    return c;
}

double referenceWeight(Metric m) {
    return info(m).weight;
}

double referenceNormaliser(Metric m) {
    return info(m).normaliser;
}

std::string validate(const ObjectiveConfig& c) {
    if (c.metrics.empty())
        return "choose at least one objective";
    for (std::size_t i = 0; i < c.metrics.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (c.metrics[i] == c.metrics[j])
                return "objective '" + std::string(metricName(c.metrics[i])) + "' is listed twice";
    if (c.scalarisation == Scalarisation::Pareto && c.metrics.size() > 5)
        return "a Pareto search takes at most 5 objectives (exact hypervolume)";
    if (c.weights.size() != c.metrics.size() || c.normalisers.size() != c.metrics.size())
        return "give one weight and one normaliser per objective (" + std::to_string(c.metrics.size()) + ")";
    for (std::size_t i = 0; i < c.metrics.size(); ++i) {
        if (!std::isfinite(c.weights[i]) || c.weights[i] < 0)
            return "weights must be finite and ≥ 0";
        if (!(c.normalisers[i] > 0) || !std::isfinite(c.normalisers[i]))
            return "normalisers must be finite and > 0";
    }
    if (c.scalarisation == Scalarisation::WeightedSum &&
        std::all_of(c.weights.begin(), c.weights.end(), [](double w) { return w == 0; }))
        return "a weighted score needs at least one weight above 0";
    for (const Constraint& k : c.constraints)
        if (!std::isfinite(k.bound) || (k.metric != Metric::Accuracy && k.bound <= 0))
            return "constraint on " + std::string(metricName(k.metric)) + " needs a finite positive bound";
    return {};
}

double weightedScore(const PairMetrics& m, const ObjectiveConfig& c) {
    double score = 0;
    for (std::size_t i = 0; i < c.metrics.size(); ++i) {
        const Metric metric = c.metrics[i];
        const double term = isMaximised(metric) ? m.value(metric) : 1.0 - m.value(metric) / c.normalisers[i];
        score += c.weights[i] * term;
    }
    return score;
}

ObjectiveVector minimisedObjectives(const PairMetrics& m, const ObjectiveConfig& c) {
    ObjectiveVector v;
    v.reserve(c.metrics.size());
    for (Metric metric : c.metrics)
        v.push_back(isMaximised(metric) ? -m.value(metric) : m.value(metric));
    return v;
}

std::vector<double> metricValues(const PairMetrics& m, const ObjectiveConfig& c) {
    std::vector<double> v;
    for (Metric metric : c.metrics)
        v.push_back(m.value(metric));
    return v;
}

double constraintViolation(const PairMetrics& m, const ObjectiveConfig& c) {
    double violation = m.feasible ? 0.0 : 1.0;
    for (const Constraint& k : c.constraints) {
        const double v = m.value(k.metric);
        const double scale = std::max(std::abs(k.bound), 1e-12);
        if (isMaximised(k.metric) ? v < k.bound : v > k.bound)
            violation += std::abs(v - k.bound) / scale;
    }
    return violation;
}

ObjectiveVector normalisedObjectives(const PairMetrics& m, const ObjectiveConfig& c, const HypervolumeBox& box) {
    ObjectiveVector v(c.metrics.size());
    for (std::size_t i = 0; i < c.metrics.size(); ++i) {
        const Metric metric = c.metrics[i];
        const double lo = toBoxScale(metric, box.lo[i]), hi = toBoxScale(metric, box.hi[i]);
        const double x = toBoxScale(metric, m.value(metric));
        const double span = hi > lo ? hi - lo : 1.0;
        // Accuracy: the best corner is hi; costs: the best corner is lo.
        v[i] = isMaximised(metric) ? (hi - x) / span : (x - lo) / span;
    }
    return v;
}

HypervolumeBox boxFromSample(const std::vector<PairMetrics>& sample, const ObjectiveConfig& c, double accuracyLo,
                             double accuracyHi) {
    HypervolumeBox box;
    for (Metric metric : c.metrics) {
        if (isMaximised(metric)) {
            box.lo.push_back(accuracyLo);
            box.hi.push_back(accuracyHi);
            continue;
        }
        if (metric == Metric::Robustness) { // a drop: none at best, the whole accuracy at worst
            box.lo.push_back(0.0);
            box.hi.push_back(accuracyHi > 0 ? accuracyHi : 1.0);
            continue;
        }
        double lo = std::numeric_limits<double>::infinity(), hi = 0;
        for (const auto& p : sample)
            if (p.feasible && p.value(metric) > 0) {
                lo = std::min(lo, p.value(metric));
                hi = std::max(hi, p.value(metric));
            }
        if (!(hi > 0)) { // nothing feasible sampled: one decade around the reference normaliser
            hi = referenceNormaliser(metric);
            lo = hi / 10;
        }
        if (!(hi > lo))
            hi = lo * 10;
        box.lo.push_back(lo);
        box.hi.push_back(hi);
    }
    return box;
}

} // namespace tcw::search
