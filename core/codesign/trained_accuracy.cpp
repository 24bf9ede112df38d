// Trained accuracies, cached.
#include "trained_accuracy.h"

#include "io/record_json.h"
#include "io/search_json.h"
#include "search/pair_evaluator.h"
#include "train/datasets.h"
#include "train/robustness.h"
#include "train/trainer.h"
#include "training_job.h"

#include <atomic>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace tcw::codesign {

namespace {

// The search's training settings as a training request (training_job builds the data set and
// the trainer's configuration for the CLI, the GUI and the search alike). The search's runs
// keep the weight decay and logging they have always had, so cached runs stay comparable.
TrainingRequest requestOf(const search::TrainingSettings& s) {
    if (s.dataset != "fashion-mnist" && s.dataset != "listops")
        throw std::invalid_argument("training data set '" + s.dataset + "' is not one of fashion-mnist, listops");
    TrainingRequest r;
    r.data.name = s.dataset;
    r.data.dataDir = s.dataDir;
    r.data.patch = s.patch;
    r.data.maxTrain = s.maxTrain;
    r.data.maxTest = s.maxTest;
    r.data.seed = s.seed;
    r.steps = s.steps;
    r.batch = s.batchSize;
    r.seed = s.seed;
    r.threads = s.threads;
    r.learningRate = static_cast<float>(s.learningRate);
    r.weightDecay = 0.01f;
    r.tauActivation = static_cast<float>(s.tauActivation);
    r.tauGradient = static_cast<float>(s.tauGradient);
    r.logEverySteps = std::max<std::int64_t>(1, s.steps / 20);
    r.evalMaxExamples = s.maxTest;
    return r;
}

} // namespace

TaskShape taskShapeFor(const search::TrainingSettings& s) {
    if (s.dataset == "fashion-mnist")
        return train::fashionMnistTask(s.patch);
    if (s.dataset == "listops")
        return train::listOpsTask(); // 17 symbols (before: 32 assumed; the data set has 17)
    return TaskShape{};
}

TrainedAccuracy::TrainedAccuracy(search::TrainingSettings settings, std::map<std::string, CachedTraining> cache)
    : m_settings(std::move(settings)), m_cache(std::move(cache)) {}

TrainedAccuracy::~TrainedAccuracy() = default;

void TrainedAccuracy::loadData() const {
    std::lock_guard lock(m_mutex);
    if (!m_data)
        m_data = std::make_unique<train::Dataset>(loadTrainingData(requestOf(m_settings).data));
}

std::string TrainedAccuracy::describe() const {
    std::ostringstream out;
    out << "DynaProp on " << m_settings.dataset << ", " << m_settings.steps << " steps of " << m_settings.batchSize
        << ", τ_I " << m_settings.tauActivation << ", τ_T " << m_settings.tauGradient << ", seed " << m_settings.seed;
    return out.str();
}

search::AccuracyEstimate TrainedAccuracy::estimate(const TransformerSpec& model, std::stop_token stop) const {
    const std::string key = io::trainingKeyJson(model, m_settings);
    if (const auto it = m_cache.find(key); it != m_cache.end() && !m_robustness) {
        search::AccuracyEstimate e;
        e.value = it->second.accuracy;
        e.origin = search::AccuracyOrigin::Trained;
        e.detail = describe();
        auto outcome = std::make_shared<search::TrainingOutcome>();
        outcome->cachedRunId = it->second.runId;
        outcome->finalAccuracy = it->second.accuracy;
        outcome->profile = it->second.profile;
        e.training = std::move(outcome);
        return e;
    }
    loadData();
    std::shared_future<search::AccuracyEstimate> run;
    std::promise<search::AccuracyEstimate> mine;
    bool owner = false;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_runs.find(key);
        if (it == m_runs.end()) {
            run = mine.get_future().share();
            m_runs.emplace(key, run);
            owner = true;
        } else {
            run = it->second;
        }
    }
    if (owner) {
        try {
            mine.set_value(train(model, key, stop));
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_runs.erase(key); // a cancelled or failed run is not cached
            mine.set_exception(std::current_exception());
        }
    }
    search::AccuracyEstimate e = run.get();
    if (!owner && e.training) {
        // The same run serves this trial too; it is stored once (with the first trial).
        auto shared = std::make_shared<search::TrainingOutcome>(*e.training);
        shared->cachedRunId = -1;
        e.training = std::move(shared);
    }
    return e;
}

search::AccuracyEstimate TrainedAccuracy::train(const TransformerSpec& model, const std::string& key,
                                                std::stop_token stop) const {
    train::TrainConfig c = makeTrainConfig(requestOf(m_settings), *m_data);
    // Issue 15: robustness is measured on the trained model inside the run (the trainer holds
    // its learned activation scales, which a checkpoint does not).
    std::optional<train::RobustnessResult> robustness;
    if (m_robustness) {
        c.onCompleted = [&](train::Trainer& trainer) {
            const search::RobustnessDefinition& d = *m_robustness;
            if (d.kind == search::RobustnessKind::ActivationNoise) {
                const train::ActivationNoiseRobustness noise{d.sigma, d.seeds, d.seed, d.maxTestExamples};
                robustness = train::activationNoiseRobustness(trainer, *m_data, noise, stop);
            } else {
                const train::BitFlipRobustness flips{d.rate, d.seeds, d.seed, d.maxTestExamples};
                robustness = train::bitFlipRobustness(trainer, model, *m_data, flips, stop);
            }
        };
    }
    const train::TrainResult r = train::train(model, *m_data, c, stop);
    if (r.status == train::TrainStatus::Cancelled)
        throw std::runtime_error("training cancelled");
    std::optional<double> robustnessDrop;
    std::string robustnessNote;
    if (m_robustness) {
        if (r.status == train::TrainStatus::Diverged || !robustness)
            throw search::EvaluationFailed("training diverged (" + r.message + "): its robustness cannot be measured");
        robustnessDrop = robustness->drop;
        std::ostringstream note;
        note << "; robustness: accuracy " << robustness->cleanAccuracy << " → mean "
             << (robustness->cleanAccuracy - robustness->drop) << ", " << search::describe(*m_robustness);
        if (m_robustness->kind == search::RobustnessKind::ActivationNoise)
            note << " (" << robustness->noisyValues << " activation values perturbed)";
        else
            note << " (" << robustness->flippedBits << " bits flipped of "
                 << robustness->storedBits * m_robustness->seeds << ")";
        robustnessNote = note.str();
    }
    search::AccuracyEstimate e;
    e.origin = search::AccuracyOrigin::Trained;
    e.detail = describe();
    auto outcome = std::make_shared<search::TrainingOutcome>();
    outcome->dataset = m_settings.dataset;
    outcome->configJson = key;
    outcome->seconds = r.seconds;
    outcome->curve = storedCurve(r.curve);
    if (r.status == train::TrainStatus::Diverged) {
        e.value = 1.0 / std::max(1, m_data->task.numClasses); // chance: what a diverged model is worth
        e.detail += " (diverged: " + r.message + ")";
    } else {
        e.value = r.test.accuracy;
        auto profile = std::make_shared<SparsityProfile>(r.profile);
        profile->source = "measured by " + describe();
        outcome->sparsityProfileJson = io::sparsityProfileText(*profile);
        outcome->profile = std::move(profile);
    }
    outcome->finalAccuracy = e.value;
    outcome->curvesJson = io::trainingCurveJson(outcome->curve);
    e.robustnessDrop = robustnessDrop;
    e.detail += robustnessNote;
    e.training = std::move(outcome);
    return e;
}

} // namespace tcw::codesign
