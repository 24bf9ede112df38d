// Scores shared by the optimisers.
#include "optimizer.h"

#include <numeric>

namespace tcw::search {

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
