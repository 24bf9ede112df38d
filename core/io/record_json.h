// Codecs of the JSON blobs a workspace stores beside its columns: one writer and one reader
// per blob, so the CLI, the codesign layer and the GUI never build or pick apart that text
// themselves. Readers accept every form an earlier version wrote (missing keys keep their
// defaults) and name the blob and the field when the text is not what they expect.
#pragma once

#include "io_types.h"

#include "design/training_request.h"
#include "search/objectives.h"
#include "sim/cost_model.h"
#include "sim/sim_types.h"
#include "store/records.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::io {

// Where the sparsity an evaluation was costed with came from, so that it can be costed again
// with the same: none (dense, no operand skipped), the simulator's three scalars, or the
// profile a training run measured (stored with the run; a run stored without one was costed
// dense).
struct SparsitySource {
    enum class Kind { None, Scalars, TrainingRun };
    Kind kind = Kind::None;
    double activation = 0, weight = 0, gradient = 0; // Kind::Scalars
    // Kind::TrainingRun: the run; absent when the writer could not name it (a search's trial
    // that reused a run another trial of the same search trained).
    std::optional<std::int64_t> runId;

    static SparsitySource scalarsOf(const SparsitySettings& settings);
    static SparsitySource trainingRun(std::optional<std::int64_t> runId);
    bool operator==(const SparsitySource&) const = default;
};
// The readable form kept beside it: "dense", "scalars 0.5/0.5/0.9", "measured by training run 3"
// ("measured by training" without a run).
std::string sparsitySourceText(const SparsitySource& source);

// EvaluationRecord::optionsJson: the task shape the design was costed for and where its
// sparsity came from. {"task":{"sequenceLength","vocabularySize","numClasses",
// "patchInputSize"},"sparsity":"…","sparsitySource":{"kind":"none"|"scalars"|"training-run",
// "activation","weight","gradient" (scalars),"runId" (training-run)},"costModelRevision":N}
// ("sparsity" left out when empty, "sparsitySource" when unknown; what builds before
// 8 December 2026 wrote has the text alone, and no "costModelRevision" before 7 December, read
// as 0).
struct EvaluationOptions {
    TaskShape task;
    std::string sparsity; // readable: "scalars 0.5/0.5/0.9", "measured by training run 3", …
    // Structured: what re-costing reads. Absent in rows older builds wrote (the text says, in
    // the forms resimulation.cpp still reads) and where the writer did not know it.
    std::optional<SparsitySource> sparsitySource;
    int costModelRevision = kCostModelRevision; // of the cost models that computed the metrics

    bool operator==(const EvaluationOptions&) const = default;
};
// Options with the source and its text.
EvaluationOptions evaluationOptionsOf(const TaskShape& task, const SparsitySource& source);
std::string evaluationOptionsJson(const EvaluationOptions& options);
Loaded<EvaluationOptions> parseEvaluationOptions(std::string_view text, const std::string& where);

// A simulation as the workspace stores it: the totals in the metric columns, the task shape
// and the sparsity's source as evaluationOptionsJson, the totals again as breakdown JSON (no
// per-op rows: the explorer recomputes them). Accuracy is left unset. The one place SimResult
// becomes an EvaluationRecord (searches, training runs, edits saved from the explorer).
// Without `source`: the scalars of options.sparsity, or none recorded when it has a profile
// (only its writer knows which run measured it).
store::EvaluationRecord evaluationRecordOf(const SimResult& result, const SimOptions& options,
                                           const std::optional<SparsitySource>& source = std::nullopt);

// The SimOptions a stored evaluation was costed with: its mode, cost model and task shape (an
// unreadable options blob keeps the default task); sparsity scalars are the simulator's
// defaults.
SimOptions simOptionsOf(const store::EvaluationRecord& evaluation);

// TrainingRunRecord::curvesJson: {"points":[{"step","epoch","trainLoss","trainAccuracy",
// "learningRate","activationSparsity","activationGradientSparsity","weightGradientSparsity",
// "elapsedSeconds","testLoss","testAccuracy"},…]}; non-finite numbers and absent test
// values are null.
std::string trainingCurveJson(const std::vector<search::TrainingCurvePoint>& curve);
Loaded<std::vector<search::TrainingCurvePoint>> parseTrainingCurve(std::string_view text, const std::string& where);

// TrainingRunRecord::configJson of a run started by tcw train or the Training panel: the
// request with the model's name and the run folder (all but collectMagnitudeHistograms, a
// live view's choice that changes no number).
std::string trainingRequestJson(const TrainingRequest& request, const std::string& modelName,
                                const std::filesystem::path& runDirectory);
// What a stored training configuration says, read from either form the workspace holds: the
// request form above, or a search's trained-accuracy key (trainingKeyJson in search_json.h:
// "dataset", "steps", "batchSize", … with the model inline).
struct StoredTrainingConfig {
    TrainingRequest request;
    std::string modelName;    // "" in a search's key
    std::string runDirectory; // "" in a search's key

    bool operator==(const StoredTrainingConfig&) const = default;
};
Loaded<StoredTrainingConfig> parseTrainingConfig(std::string_view text, const std::string& where);

// SearchRecord::stateJson: what a resumed search needs besides its trials.
struct SearchState {
    int trialsCommitted = 0;
    std::string status; // the run status when it was written ("pending", "running", …)

    bool operator==(const SearchState&) const = default;
};
std::string searchStateJson(const SearchState& state);
Loaded<SearchState> parseSearchState(std::string_view text, const std::string& where);

} // namespace tcw::io
