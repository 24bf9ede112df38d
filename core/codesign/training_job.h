// One path from a training request to its data set, trainer configuration, run-directory
// files and workspace records: `tcw train` and the GUI's Training panel both go through here,
// so a run started from either gives the same numbers for the same options and seed.
#pragma once

#include "design/accelerator_spec.h"
#include "design/technology_library.h"
#include "design/transformer_spec.h"
#include "sim/sim_types.h"
#include "store/workspace.h"
#include "train/trainer.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tcw::codesign {

// Where the training data comes from (tcw train --data and its options).
struct TrainingDataRequest {
    std::string name = "fashion-mnist"; // fashion-mnist | fortunes | listops | tsv:DIR
    std::string dataDir;                // Fashion-MNIST directory / fortunes root ("" = Debian paths)
    std::string vocabulary;             // WordPiece vocab.txt for tsv:DIR ("" = word vocabulary)
    int patch = 4;                      // Fashion-MNIST patch side (4 → 49 tokens, 7 → 16)
    int sequenceLength = 0;             // text: tokens per example (0 = the data set's default)
    std::int64_t maxTrain = 0, maxTest = 0, maxPerClass = 0; // caps (0 = all)
    std::uint64_t seed = 1;                                  // synthetic (listops) and sampled (fortunes) data

    bool operator==(const TrainingDataRequest&) const = default;
};

// Everything a run is asked for besides the model.
struct TrainingRequest {
    TrainingDataRequest data;
    int epochs = 1;
    std::int64_t steps = 0; // optimizer steps; 0 = epochs × steps per epoch
    int batch = 64;
    float learningRate = 1e-3f;
    float weightDecay = 0.05f;
    double warmupFraction = 0.05; // share of the steps
    float maxGradNorm = 1.0f;     // 0 = no clipping
    bool sgd = false;             // else AdamW
    float tauActivation = 0.0f;   // τ_I (ignored with a target activation sparsity)
    float tauGradient = 0.0f;     // τ_T (ignored with a target gradient sparsity)
    std::optional<double> targetActivationSparsity, targetGradientSparsity; // in [0, 1)
    bool pruneActivationGradients = true, pruneWeightGradients = true;
    bool stochasticActivationGradients = true;
    bool bf16 = false;
    int threads = 1;
    std::uint64_t seed = 1; // initialisation and data order
    std::int64_t logEverySteps = 20;
    std::int64_t evalEverySteps = 0;
    std::int64_t evalMaxExamples = 2000;
    std::int64_t checkpointEverySteps = 0;
    std::string resumeFrom;
    bool collectMagnitudeHistograms = false; // live views: histograms in the progress reports

    bool operator==(const TrainingRequest&) const = default;
};

// Loads (or generates) the data set. Throws train::DataError or std::invalid_argument naming
// the option and the allowed values.
train::Dataset loadTrainingData(const TrainingDataRequest& request);

// The trainer's configuration for a request on a loaded data set (the warm-up and the
// learning-rate schedule need its size).
train::TrainConfig makeTrainConfig(const TrainingRequest& request, const train::Dataset& data);

// The run directory's files: curves.csv, curves.json, metrics.json, sparsity_profile.json
// (the checkpoint is written by the trainer; config.checkpointPath). Throws on a write error.
void writeRunFiles(const std::filesystem::path& directory, const train::TrainResult& result,
                   const TransformerSpec& model, const train::Dataset& data, const train::TrainConfig& config);

// The request as the workspace keeps it (TrainingRunRecord::configJson), with the run folder.
std::string trainingRequestJson(const TrainingRequest& request, const std::string& modelName,
                                const std::filesystem::path& runDirectory);
// The curve as the workspace keeps it ({"points": [...]}, as the search stores its runs).
std::string curveJson(const std::vector<train::CurvePoint>& curve);

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

} // namespace tcw::codesign
