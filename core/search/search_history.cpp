// Hypervolume and best-so-far histories of a search.
#include "search_history.h"

#include "objectives.h"

#include <cmath>
#include <limits>

namespace tcw::search {

HypervolumeTracker::HypervolumeTracker(const Problem& problem)
    : m_problem(&problem), m_reference(problem.objectives.metrics.size(), 1.0) {}

double HypervolumeTracker::add(const Trial& trial) {
    if (acceptable(trial.metrics, m_problem->objectives))
        m_archive.insert(normalisedObjectives(trial.metrics, m_problem->objectives, m_problem->box),
                         static_cast<std::size_t>(trial.position));
    return hypervolume();
}

double HypervolumeTracker::hypervolume() const {
    return m_archive.hypervolume(m_reference);
}

std::vector<double> hypervolumeHistory(const std::vector<Trial>& trials, const Problem& problem) {
    HypervolumeTracker tracker(problem);
    std::vector<double> out;
    out.reserve(trials.size());
    for (const Trial& t : trials)
        out.push_back(tracker.add(t));
    return out;
}

std::vector<std::vector<double>> bestSoFar(const std::vector<Trial>& trials, const Problem& problem) {
    const auto& metrics = problem.objectives.metrics;
    std::vector<std::vector<double>> out(metrics.size());
    std::vector<double> best(metrics.size(), std::numeric_limits<double>::quiet_NaN());
    for (auto& series : out)
        series.reserve(trials.size());
    for (const Trial& t : trials) {
        if (acceptable(t.metrics, problem.objectives)) {
            const std::vector<double> values = metricValues(t.metrics, problem.objectives);
            for (std::size_t k = 0; k < metrics.size(); ++k) {
                const bool better =
                    std::isnan(best[k]) || (isMaximised(metrics[k]) ? values[k] > best[k] : values[k] < best[k]);
                if (better)
                    best[k] = values[k];
            }
        }
        for (std::size_t k = 0; k < metrics.size(); ++k)
            out[k].push_back(best[k]);
    }
    return out;
}

} // namespace tcw::search
