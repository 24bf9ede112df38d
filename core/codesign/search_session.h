// A co-design search bound to a workspace: the configuration stored with the search, every
// trial committed in its own transaction the moment its evaluation finishes (its pair
// design, evaluation, training run when one was trained, and the search's state), and resume
// from whatever a crash, Ctrl-C or `kill -9` left behind. Wires core/search to the store, the
// trainer and the file formats; the CLI and the GUI call this.
#pragma once

#include "trained_accuracy.h"

#include "search/search_config.h"
#include "search/search_history.h"
#include "search/search_runner.h"
#include "store/workspace.h"

#include "design/technology_library.h"
#include "profile/device_profile.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

namespace tcw::codesign {

// Bad input found while setting a search up (unknown table, missing data set, ...): the
// message says what to change.
class SearchSetupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An evaluation from metrics that came without a SimResult (the BAT-class model's): the
// totals, feasibility and reason, under this cost model, mode and options (EvaluationOptions
// JSON). The search stores its bat trials so, and `tcw resimulate` re-costs them so.
store::EvaluationRecord metricsEvaluationRecord(const search::PairMetrics& metrics, std::string costModel,
                                                std::string mode, std::string optionsJson);

// Where a trial's hardware metrics come from: its stored evaluation's provenance and cost model.
struct MetricsOrigin {
    store::MetricsProvenance provenance = store::MetricsProvenance::Simulated;
    std::string costModel;                       // "elector", "acceltran-fast"
    std::optional<double> metricsStdDevFraction; // a prediction's relative σ

    bool operator==(const MetricsOrigin&) const = default;
};

// A search as the workspace holds it.
struct StoredSearch {
    store::SearchRecord record;
    search::SearchConfig config;
    search::Problem problem;
    std::vector<search::Trial> trials;                  // position order
    std::vector<std::int64_t> designIds, evaluationIds; // per trial
    std::vector<MetricsOrigin> metricsOrigins;          // per trial
    // Per trial: the hypervolume stored with it (empty for trials stored before schema v5;
    // searchHistory() fills those in from the trials).
    std::vector<std::optional<double>> storedHypervolumes;
};

// The search with this id, or the latest one (throws SearchSetupError when there is none or
// its configuration cannot be read).
StoredSearch readStoredSearch(const store::Workspace& workspace, std::optional<std::int64_t> searchId = {});

// The latest search that did not finish (running when it was killed, cancelled, failed).
std::optional<store::SearchRecord> unfinishedSearch(const store::Workspace& workspace);

// Writes each trial in one transaction, with the search's hypervolume after it (of the
// trials at positions 0 … its own; search/search_history.h). stored: the trials already in
// the workspace, in position order (a resumed search's).
class WorkspaceJournal : public search::SearchJournal {
public:
    WorkspaceJournal(store::Workspace& workspace, std::int64_t searchId, const search::SearchConfig& config,
                     const search::Problem& problem, const std::vector<search::Trial>& stored);
    void record(const search::Trial& trial) override;
    int committed() const { return m_committed; }

private:
    store::Workspace& m_workspace;
    std::int64_t m_searchId;
    const search::SearchConfig& m_config;
    const search::CoDesignSpace& m_space;
    std::string m_optionsJson;
    int m_committed;
    search::HypervolumeTracker m_hypervolume; // of positions 0 … m_nextPosition - 1
    int m_nextPosition = 0;
    std::map<int, search::Trial> m_ahead; // committed before an earlier position, by position
};

struct SessionOptions {
    std::filesystem::path dataDir; // bundled data (accuracy tables); io::findDataDir()
    int threads = 0;               // evaluation threads; 0: all cores
    // When set, the session's accuracies come from this oracle instead of one it builds from
    // the workspace (an MPI run's rank 0 passes one that asks the worker ranks; it is built
    // from the same accuracyInputs()).
    std::shared_ptr<const search::AccuracyOracle> accuracy;
    // Commit each round's trials in position order instead of as they finish; the trials are
    // the same either way. On by default: a search stopped or killed mid-round then leaves no
    // gap in its trial positions (a gap is refused as damage on resume); a finished trial
    // waiting for an earlier one counts as in flight. An asynchronous MPI run turns it off.
    bool commitInOrder = true;
    // Which program runs the search ("tcw search", "the GUI's Search panel"), recorded in the
    // workspace's properties with the login name (searchWriterKey); empty: not recorded.
    std::string writer;
    // Issue 14: the device profiles a search with measured devices in its union starts with
    // (the configuration's targets.devices, by id); they are saved into the workspace's device
    // tables with the search, and a resumed search reads them from there. A device not given
    // here is looked up among the workspace's own profiles.
    std::vector<profile::DeviceProfile> deviceProfiles;
};

// The workspace property that says who started a search ("search 3 started by") or last
// resumed it ("search 3 resumed by"): "tcw search, user alice".
std::string searchWriterKey(std::int64_t searchId, bool resumed);

// What a search's accuracy oracle is built from: read where the workspace is, and sent as is
// to processes that have no workspace (MPI workers).
struct AccuracyInputs {
    search::AccuracyTable table;                     // predicted / imported accuracy
    std::map<std::string, CachedTraining> trainings; // trained accuracy: the workspace's finished runs
};
AccuracyInputs accuracyInputs(const store::Workspace& workspace, const search::SearchConfig& config,
                              const std::filesystem::path& dataDir);
// The oracle a search of this configuration uses (throws SearchSetupError for bad input);
// tableModels receives the table's models (BOSHCODE's initial pairs) when not null.
std::shared_ptr<const search::AccuracyOracle> makeAccuracyOracle(const search::SearchConfig& config,
                                                                 AccuracyInputs inputs,
                                                                 std::vector<TransformerSpec>* tableModels = nullptr);

class SearchSession {
public:
    // Completes the configuration (hypervolume box from a seeded sample, the accuracy table's
    // hash) and stores a new search. Throws SearchSetupError for bad input.
    static SearchSession start(store::Workspace& workspace, search::SearchConfig config, const SessionOptions& options);
    // Continues the latest unfinished search with its stored configuration.
    static SearchSession resume(store::Workspace& workspace, const SessionOptions& options);

    SearchSession(SearchSession&&) noexcept;
    ~SearchSession();

    std::int64_t searchId() const { return m_searchId; }
    const search::SearchConfig& config() const { return m_config; }
    int storedTrials() const { return static_cast<int>(m_stored.size()); }
    std::string accuracyDescription() const;

    // Runs to the budget (or the optimiser's stopping rule, or stop), then records the
    // search's status: finished, or cancelled when stopped; failed (and rethrown) on an error.
    // control (optional, not owned) pauses and resumes the evaluations; results do not change.
    search::SearchOutcome run(std::stop_token stop = {}, const search::SearchProgressCallback& progress = {},
                              RunControl* control = nullptr);
    // Records the search as failed without running it (an MPI worker could not set it up);
    // --resume can take it up again once the cause is fixed.
    void markFailed();

private:
    // The measured devices of a union, loaded and their surrogates fit (once per session).
    struct DeviceCosts;
    static DeviceCosts loadDevices(store::Workspace& workspace, const search::SearchConfig& config,
                                   const std::vector<profile::DeviceProfile>& given);
    // devices: already loaded and fit (start() fits them for the box); null: loaded here.
    SearchSession(store::Workspace& workspace, std::int64_t searchId, search::SearchConfig config,
                  const SessionOptions& options, std::vector<search::Trial> stored,
                  const DeviceCosts* devices = nullptr);

    store::Workspace& m_workspace;
    std::int64_t m_searchId;
    search::SearchConfig m_config;
    SessionOptions m_options;
    std::vector<search::Trial> m_stored;
    struct Parts;
    std::unique_ptr<Parts> m_parts;
};

// The box a new search measures hypervolume in: hardware metrics of a seeded sample of the
// space, accuracy over [lo, hi].
// deviceCosts: how the device designs of a union with measured devices are costed (issue 14).
search::HypervolumeBox sampleBox(const search::SearchConfig& config, const TechnologyLibrary& technology,
                                 double accuracyLo, double accuracyHi, int samples = 512,
                                 const search::DeviceCostFn& deviceCosts = {});

// The store's name for an accuracy origin, and back.
store::AccuracySource storeSource(search::AccuracyOrigin origin);
search::AccuracyOrigin originOf(store::AccuracySource source);

} // namespace tcw::codesign
