// Scores shared by the optimisers.
#include "optimizer.h"

#include <numeric>

#include <stdexcept>

namespace tcw::search {

Proposal Optimizer::askOne(std::stop_token stop) {
    // Asks since a tell stay far below 2^24 (they are bounded by the evaluations in flight).
    const std::uint64_t draw =
        (static_cast<std::uint64_t>(m_toldOne) << 24) | static_cast<std::uint64_t>(m_asksSinceTell);
    Proposal p = proposeOne(draw, stop);
    ++m_asksSinceTell;
    return p;
}

void Optimizer::tellOne(const Trial& trial) {
    learnOne(trial);
    ++m_toldOne;
    m_asksSinceTell = 0;
}

Proposal Optimizer::proposeOne(std::uint64_t, std::stop_token) {
    throw std::logic_error(std::string(name()) + " proposes rounds; it has no steady state");
}

void Optimizer::learnOne(const Trial&) {
    throw std::logic_error(std::string(name()) + " is told rounds; it has no steady state");
}

double trialScore(const Trial& t, const Problem& problem) {
    const double violation = constraintViolation(t.metrics, problem.objectives);
    if (violation > 0)
        return -1e9 * (1.0 + violation);
    if (problem.objectives.scalarisation == Scalarisation::WeightedSum)
        return weightedScore(t.metrics, problem.objectives);
    const auto v = normalisedObjectives(t.metrics, problem.objectives, problem.box);
    return -std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

ObjectiveVector selectionObjectives(const Trial& t, const Problem& problem) {
    if (problem.objectives.scalarisation == Scalarisation::WeightedSum)
        return {-weightedScore(t.metrics, problem.objectives)};
    return normalisedObjectives(t.metrics, problem.objectives, problem.box);
}

} // namespace tcw::search
