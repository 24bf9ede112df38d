// Per-sequence figures of an evaluation (objective_units.h).
#include "objective_units.h"

#include <algorithm>

namespace tcw::search {

bool perSequenceObjectives(const TargetUnion& targets) {
    return std::any_of(targets.kinds.begin(), targets.kinds.end(),
                       [](TargetKind k) { return k != TargetKind::Elector; });
}

int sequencesPerEvaluation(const Target& target) {
    if (const AcceleratorSpec* elector = target.elector())
        return std::max(1, elector->batchSize);
    return 1;
}

PairMetrics perSequence(PairMetrics m, int sequences) {
    if (sequences <= 1)
        return m;
    const double b = static_cast<double>(sequences);
    m.latencySeconds /= b;
    m.dynamicEnergyNJ /= b;
    m.leakageEnergyNJ /= b;
    return m;
}

std::string_view metricBasis(Metric metric, const TargetUnion& targets) {
    switch (metric) {
    case Metric::Latency:
    case Metric::DynamicEnergy:
    case Metric::LeakageEnergy:
    case Metric::TotalEnergy:
        return perSequenceObjectives(targets) ? "per sequence" : "per batch";
    default:
        return "";
    }
}

} // namespace tcw::search
