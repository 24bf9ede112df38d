// A search's history against its trials: the hypervolume after each trial and the best value
// of each objective so far, over the trials in position order. The definition the workspace
// stores per trial (trials.hypervolume) and the search page draws: after the trial at
// position p, the hypervolume of the acceptable trials at positions 0 … p in the search's box
// (reference 1 in every normalised coordinate, as the runner's progress reports it). It is a
// function of the trials alone, so a search paused, resumed, or killed and resumed has the
// same history as one that ran through: monotone (a trial can only add volume) and one value
// per trial.
#pragma once

#include "optimizer.h"
#include "pareto.h"

#include <vector>

namespace tcw::search {

// The running hypervolume of trials added in position order.
class HypervolumeTracker {
public:
    explicit HypervolumeTracker(const Problem& problem);
    // Adds the trial (an unacceptable one adds nothing) and returns the hypervolume after it.
    double add(const Trial& trial);
    double hypervolume() const;

private:
    const Problem* m_problem;
    ObjectiveVector m_reference;
    ParetoArchive m_archive;
};

// The hypervolume after each trial; trials in position order (0, 1, 2, …).
std::vector<double> hypervolumeHistory(const std::vector<Trial>& trials, const Problem& problem);

// Per objective (problem.objectives.metrics order), per trial: the best raw metric value of
// the acceptable trials so far (the highest accuracy, the lowest cost), NaN before the first
// acceptable trial.
std::vector<std::vector<double>> bestSoFar(const std::vector<Trial>& trials, const Problem& problem);

} // namespace tcw::search
