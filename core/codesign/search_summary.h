// A stored search as its page shows it: a distinguishable title, and its history against its
// trials (the hypervolume stored with each trial, best-so-far per objective).
#pragma once

#include "search_session.h"

#include <string>
#include <vector>

namespace tcw::codesign {

// "Search 3 · NSGA-II · joint · 20000 trials": the workspace's number, the algorithm, what is
// searched (joint, transformer only with a fixed accelerator, accelerator only with a fixed
// transformer) and the budget.
std::string searchTitle(std::int64_t id, const search::SearchConfig& config);
std::string algorithmLabel(const std::string& algorithm);    // "BOSHCODE", "NSGA-II", "random"
std::string searchScope(const search::SearchConfig& config); // "joint", "transformer only", …

struct SearchHistory {
    std::vector<double> hypervolume;            // per trial, position order
    int recomputed = 0;                         // trials whose value was not stored (pre-v5)
    std::vector<std::vector<double>> bestSoFar; // per objective, per trial (NaN: none yet)
};

// The stored hypervolume of every trial; a trial stored without one (before schema v5, or a
// trial committed ahead of an earlier one by a killed asynchronous run) gets the value
// recomputed from the trials in position order, which is the same definition
// (search::hypervolumeHistory). Nothing is written: the page reads, the journal writes.
SearchHistory searchHistory(const StoredSearch& search);

} // namespace tcw::codesign
