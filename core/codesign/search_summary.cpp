// Titles and histories of stored searches.
#include "search_summary.h"

#include "search/search_history.h"

#include <algorithm>

namespace tcw::codesign {

std::string algorithmLabel(const std::string& algorithm) {
    if (algorithm == "boshcode")
        return "BOSHCODE";
    if (algorithm == "nsga2")
        return "NSGA-II";
    return algorithm; // "random" and anything a newer workbench wrote
}

std::string searchScope(const search::SearchConfig& config) {
    if (config.fixedModel && config.fixedAccelerator)
        return "both sides fixed";
    if (config.fixedAccelerator)
        return "transformer only";
    if (config.fixedModel)
        return "accelerator only";
    return "joint";
}

std::string searchTitle(std::int64_t id, const search::SearchConfig& config) {
    return "Search " + std::to_string(id) + " · " + algorithmLabel(config.algorithm) + " · " + searchScope(config) +
           " · " + std::to_string(config.budget) + (config.budget == 1 ? " trial" : " trials");
}

SearchHistory searchHistory(const StoredSearch& search) {
    SearchHistory history;
    const std::size_t n = search.trials.size();
    const bool complete = search.storedHypervolumes.size() == n &&
                          std::all_of(search.storedHypervolumes.begin(), search.storedHypervolumes.end(),
                                      [](const auto& v) { return v.has_value(); });
    if (complete) {
        for (const auto& v : search.storedHypervolumes)
            history.hypervolume.push_back(*v);
    } else {
        history.hypervolume = search::hypervolumeHistory(search.trials, search.problem);
        for (std::size_t i = 0; i < n; ++i) {
            if (i < search.storedHypervolumes.size() && search.storedHypervolumes[i])
                history.hypervolume[i] = *search.storedHypervolumes[i];
            else
                ++history.recomputed;
        }
    }
    history.bestSoFar = search::bestSoFar(search.trials, search.problem);
    return history;
}

} // namespace tcw::codesign
