// Accuracy measured by training: each model of a search is trained with DynaProp on the
// chosen data set for a short budget, once — results are cached by what was trained (model,
// data set, thresholds, budget, seed; io::trainingKeyJson), across searches through the
// workspace's training runs and within a search in memory, where a model proposed twice at
// once is trained once and both wait for it.
#pragma once

#include "search/accuracy.h"
#include "search/search_config.h"

#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace tcw::train {
struct Dataset;
}

namespace tcw::codesign {

// A finished training run already in the workspace.
struct CachedTraining {
    std::int64_t runId = 0;
    double accuracy = 0;
    std::shared_ptr<const SparsityProfile> profile; // measured (none when the run diverged)
};

class TrainedAccuracy : public search::AccuracyOracle {
public:
    // cache: trainingKeyJson → run. The data set is loaded at the first estimate.
    TrainedAccuracy(search::TrainingSettings settings, std::map<std::string, CachedTraining> cache);
    ~TrainedAccuracy() override;

    search::AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token stop) const override;
    bool expensive() const override { return true; }
    std::string describe() const override;

    // Loads the data set now (so a missing data set is reported before a search starts).
    void loadData() const;
    // Issue 15: also measure each trained model's robustness (core/train/robustness.h) under
    // this definition. Runs cached in the workspace keep no weights, so every model is then
    // trained by this search; a run that diverges is a failed evaluation (nothing to flip).
    void setRobustness(search::RobustnessDefinition definition) { m_robustness = definition; }

private:
    search::AccuracyEstimate train(const TransformerSpec& model, const std::string& key, std::stop_token stop) const;

    search::TrainingSettings m_settings;
    std::optional<search::RobustnessDefinition> m_robustness;
    std::map<std::string, CachedTraining> m_cache;
    mutable std::mutex m_mutex;
    mutable std::unique_ptr<train::Dataset> m_data;
    mutable std::map<std::string, std::shared_future<search::AccuracyEstimate>> m_runs;
};

// The task shape the simulator should use for a training data set (sequence, classes, patches).
TaskShape taskShapeFor(const search::TrainingSettings& settings);

} // namespace tcw::codesign
