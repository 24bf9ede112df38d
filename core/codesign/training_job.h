// One path from a training request to its data set, trainer configuration, run-directory
// files and workspace records: `tcw train` and the GUI's Training panel both go through here,
// so a run started from either gives the same numbers for the same options and seed.
#pragma once

#include "design/accelerator_spec.h"
#include "design/run_control.h"
#include "design/technology_library.h"
#include "design/training_request.h"
#include "design/transformer_spec.h"
#include "search/objectives.h"
#include "sim/sim_types.h"
#include "store/workspace.h"
#include "train/trainer.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace tcw::codesign {

// The request types live in design/training_request.h (io stores them); these names are
// the ones the CLI and the GUI use.
using TrainingDataRequest = ::tcw::TrainingDataRequest;
using TrainingRequest = ::tcw::TrainingRequest;

// Loads (or generates) the data set. Throws train::DataError or std::invalid_argument naming
// the option and the allowed values.
train::Dataset loadTrainingData(const TrainingDataRequest& request);

// The trainer's configuration for a request on a loaded data set (the warm-up and the
// learning-rate schedule need its size).
train::TrainConfig makeTrainConfig(const TrainingRequest& request, const train::Dataset& data);

// The run directory's files: curves.csv, curves.json, metrics.json, sparsity_profile.json and,
// with config.weightPruning, pruning.json (its sizes at the model's weight bits); the
// checkpoint is written by the trainer (config.checkpointPath). Throws on a write error.
void writeRunFiles(const std::filesystem::path& directory, const train::TrainResult& result,
                   const TransformerSpec& model, const train::Dataset& data, const train::TrainConfig& config);

// The trainer's curve as the workspace keeps it (io::trainingCurveJson).
std::vector<search::TrainingCurvePoint> storedCurve(const std::vector<train::CurvePoint>& curve);

// Run folders of a workspace live next to it: FILE.tcw → FILE.tcw.runs/run-YYYYMMDD-HHMMSS[-N]/.
// Returns a new folder (created) that no other run uses.
std::filesystem::path newRunDirectory(const std::filesystem::path& workspacePath);

// What is trained and what costs it: a stored design (a transformer, or a pair whose
// transformer is trained and whose accelerator is simulated with the measured sparsity).
struct TrainingTarget {
    std::int64_t designId = 0; // the stored design the run belongs to (0: none)
    std::string name;
    TransformerSpec model;
    std::optional<AcceleratorSpec> accelerator;
    // Issue 15: TrainingJobRequest::precision changed the stored design's precision. The run and
    // its trained evaluations (accuracy only) are then stored on the transformer at that
    // precision (found or added as its own design, named "NAME (w1a8)"); a pair is not evaluated
    // (its stored model is at another precision).
    bool precisionOverride = false;
};
// Reads design `designId` of the workspace. Throws std::invalid_argument when there is no
// such design or it is an accelerator (nothing to train).
TrainingTarget trainingTargetOf(const store::Workspace& workspace, std::int64_t designId);

// The simulated cost of the target's accelerator running the model on the data set's task,
// with a sparsity profile (measured) or without one (the simulator's dense scalars: all 0).
SimResult simulateTarget(const TransformerSpec& model, const AcceleratorSpec& accelerator, const TaskShape& task,
                         SimMode mode, const TechnologyLibrary& technology,
                         const std::shared_ptr<const SparsityProfile>& profile);

struct StoredTrainingRun {
    std::int64_t runId = 0;
    std::vector<std::int64_t> evaluationIds; // new evaluations of the target (completed runs)
};

// Stores a finished, cancelled or diverged run in one transaction: a TrainingRunRecord
// (request, status, test accuracy, curve, measured profile, run folder and checkpoint) on the
// trained transformer's design, and, for a completed run, evaluations of the target in both
// modes with accuracy source Trained: a pair's simulated with the measured sparsity, a lone
// transformer's accuracy only.
StoredTrainingRun storeTrainingRun(store::Workspace& workspace, const TrainingTarget& target,
                                   const TrainingRequest& request, const train::Dataset& data,
                                   const train::TrainResult& result, const std::filesystem::path& runDirectory,
                                   const TechnologyLibrary& technology);

// Weight pruning as a run asks for it (tcw prune): events placed as shares of the run's
// optimizer steps, resolved into the trainer's train::PruningPlan by TrainingJob::start.
struct WeightPruningRequest {
    train::PruneSchedule schedule = train::PruneSchedule::OneShot;
    double startShare = 0.5; // the first event, after this share of the steps (one-shot: the only one)
    double endShare = 0.5;   // gradual / iterative: the last event
    int rounds = 1;          // gradual / iterative: events
};

// The plan for a run of `totalSteps`: event after step round(share·T) − 1 (0-based, ≥ 0).
// Throws std::invalid_argument naming the option (--prune-start, --prune-end, --rounds) and
// what is allowed.
train::PruningPlan resolvePruningPlan(const WeightPruningRequest& request, std::int64_t totalSteps);

// A training run as tcw train and the Training panel ask for it.
struct TrainingJobRequest {
    TrainingRequest training;             // data set, budget, optimiser, thresholds, seed
    std::int64_t designId = 0;            // with a workspace: the stored design to train
    std::optional<TransformerSpec> model; // without a workspace: the model to train
    std::filesystem::path runDirectory;   // "" with a workspace: a new folder next to it
    // Issue 16 (tcw prune): prune the model's compression.pruning patterns; the run folder
    // then holds pruning.json (pruning_record.h) beside the masked checkpoint.
    std::optional<WeightPruningRequest> weightPruning;
    // Issue 14 (tcw grow-prune): the run starts from these parameters (train::TrainConfig::
    // initialParameters), a child's weights transferred from its parent; empty: seeded init.
    std::vector<float> initialParameters;
    // Issue 15 (tcw train --precision, the Training panel's Precision): a precision shorthand
    // (design/precision_shorthand.h: w1a1, w1a8, w2a8, w8a8, w1…) applied to the trained
    // model's CompressionSpec; "" trains the model at its own precision.
    std::string precision;
};

struct TrainingJobOutcome {
    train::TrainResult result;
    std::filesystem::path runDirectory;      // curves, metrics, profile and checkpoint
    std::optional<StoredTrainingRun> stored; // with a workspace: the records written
};

// The one training path, shaped like SearchSession: start() sets the run up, run() trains,
// writes the run folder's files and stores the run. tcw train and the GUI's Training panel
// both go through it, so a run started from either stores the same records for the same
// request and seed.
class TrainingJob {
public:
    // Resolves what is trained (design request.designId of `workspace`, or request.model when
    // workspace is null), loads the data set, builds the trainer's configuration and creates
    // the run folder. Throws std::invalid_argument or train::DataError naming the option.
    static TrainingJob start(const TrainingJobRequest& request, store::Workspace* workspace,
                             const TechnologyLibrary& technology = electorTechnology14nm());

    TrainingJob(TrainingJob&&) noexcept;
    ~TrainingJob();

    const TrainingTarget& target() const;
    const train::Dataset& data() const;
    const train::TrainConfig& config() const;
    const std::filesystem::path& runDirectory() const;

    // Trains (stop ends it early as a cancelled run; control pauses it; progress as the
    // trainer reports), writes the run folder's files and, with a workspace, stores the run
    // and its trained evaluations in one transaction. A run that fails before writing a
    // file removes the folder start() created.
    TrainingJobOutcome run(std::stop_token stop = {}, const train::ProgressCallback& progress = {},
                           RunControl* control = nullptr);

private:
    struct Parts;
    explicit TrainingJob(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> m_parts;
};

} // namespace tcw::codesign
