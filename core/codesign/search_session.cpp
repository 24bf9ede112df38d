// Searches in a workspace: start, journal, resume.
#include "search_session.h"

#include "search_writers.h"

#include "trained_accuracy.h"

#include "devices/device_store.h"
#include "devices/mixed_costs.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "io/search_json.h"
#include "io/sim_result_json.h"
#include "search/objective_units.h"
#include "search/rng.h"
#include "store/sha256.h"
#include "train/datasets.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tcw::codesign {

namespace fs = std::filesystem;

namespace {

std::string utcNow() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string readFile(const fs::path& path) {
    io::ReadResult file = io::readFileBounded(path, io::kMaxDocumentBytes, "an accuracy table");
    if (!file.ok())
        throw SearchSetupError(path.string() + ": " + file.error);
    return std::move(file.bytes);
}

// The workspace's finished training runs on the configured data set (up to a run id) as an
// accuracy table: what the predictor learns when the search is told to use the workspace.
search::AccuracyTable workspaceTable(const store::Workspace& ws, const search::SearchConfig& config) {
    search::AccuracyTable table;
    table.name = "workspace training runs on " + config.training.dataset;
    table.source = "training runs of this workspace up to run " + std::to_string(config.workspaceRunsUpTo);
    std::set<std::string> seen;
    for (const auto& run : ws.trainingRuns()) {
        if (run.id > config.workspaceRunsUpTo || run.status != store::RunStatus::Finished || !run.finalAccuracy ||
            run.dataset != config.training.dataset)
            continue;
        const auto design = ws.design(run.designId);
        if (!design || design->kind != store::DesignKind::Transformer)
            continue;
        const auto doc = io::parseDocument(design->specJson, io::Syntax::Json, "design " + std::to_string(design->id));
        if (!doc || !std::holds_alternative<TransformerSpec>(*doc.value))
            continue;
        if (!seen.insert(io::trainingKeyJson(std::get<TransformerSpec>(*doc.value), {})).second)
            continue; // one entry per model (the oldest run)
        table.entries.push_back(
            {"run " + std::to_string(run.id), std::get<TransformerSpec>(*doc.value), run.finalAccuracy});
    }
    return table;
}

search::AccuracyTable loadTable(const search::SearchConfig& config, const fs::path& dataDir, std::string* sha256,
                                const store::Workspace& ws) {
    if (config.accuracyTable == "workspace")
        return workspaceTable(ws, config);
    const fs::path path = io::accuracyTablePath(config.accuracyTable, dataDir);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        std::string names;
        for (const auto& n : io::accuracyTableNames(dataDir))
            names += (names.empty() ? "" : ", ") + n;
        throw SearchSetupError("accuracy table '" + config.accuracyTable + "' not found (" + path.string() +
                               "); bundled tables: " + (names.empty() ? "none (no data directory)" : names));
    }
    const std::string text = readFile(path);
    const auto table = io::parseAccuracyTable(text, path.string());
    if (!table)
        throw SearchSetupError(table.errors.toString());
    if (sha256)
        *sha256 = store::sha256Hex(text);
    return *table;
}

std::map<std::string, CachedTraining> cachedTrainings(const store::Workspace& ws, const std::string& dataset) {
    std::map<std::string, CachedTraining> cache;
    for (const auto& run : ws.trainingRuns()) {
        if (run.status != store::RunStatus::Finished || run.dataset != dataset || !run.finalAccuracy)
            continue;
        CachedTraining c{run.id, *run.finalAccuracy, nullptr};
        if (!run.sparsityProfileJson.empty()) {
            const auto doc =
                io::parseDocument(run.sparsityProfileJson, io::Syntax::Json, "training run " + std::to_string(run.id));
            if (doc && std::holds_alternative<SparsityProfile>(*doc.value))
                c.profile = std::make_shared<SparsityProfile>(std::get<SparsityProfile>(*doc.value));
        }
        cache.emplace(run.configJson, std::move(c)); // first (oldest) run of a key wins
    }
    return cache;
}

SimOptions simOptions(const search::SearchConfig& c) {
    SimOptions o;
    o.costModel = c.costModel;
    o.mode = c.objectives.mode;
    o.task = c.task;
    o.opBreakdown = false;
    return o;
}

// Issue 14: a device design's evaluation, as a model × device search stores one (cost model
// `measured`, energy as the total, no area; measured or predicted with the relative σ).
store::EvaluationRecord deviceEvaluationRecord(const search::PairMetrics& m) {
    store::EvaluationRecord e;
    e.costModel = "measured";
    e.mode = "inference";
    e.latencySeconds = m.latencySeconds;
    if (m.dynamicEnergyNJ > 0)
        e.energyDynamicNJ = m.dynamicEnergyNJ;
    if (m.peakPowerMW > 0)
        e.peakPowerMW = m.peakPowerMW;
    e.feasible = m.feasible;
    e.infeasibleReason = m.infeasibleReason;
    if (const auto* note = m.measuredCost.get()) {
        e.optionsJson = note->optionsJson;
        e.breakdownJson = note->breakdownJson;
        if (note->measured) {
            e.provenance = store::MetricsProvenance::Measured;
        } else {
            e.provenance = store::MetricsProvenance::Predicted;
            e.metricsStdDevFraction = note->stddevFraction;
        }
    }
    return e;
}

} // namespace

store::EvaluationRecord metricsEvaluationRecord(const search::PairMetrics& m, std::string costModel, std::string mode,
                                                std::string optionsJson) {
    store::EvaluationRecord e;
    e.costModel = std::move(costModel);
    e.mode = std::move(mode);
    e.optionsJson = std::move(optionsJson);
    e.cycles = m.cycles;
    e.latencySeconds = m.latencySeconds;
    e.energyDynamicNJ = m.dynamicEnergyNJ;
    e.energyLeakageNJ = m.leakageEnergyNJ;
    e.areaMM2 = m.areaMM2;
    e.peakPowerMW = m.peakPowerMW;
    e.feasible = m.feasible;
    e.infeasibleReason = m.infeasibleReason;
    return e;
}

namespace {

std::string stateJson(int committed, std::string_view status) {
    return io::searchStateJson({committed, std::string(status)});
}

// The robustness drop of a stored trial: the evaluation has no column for it, the trial's
// objective values (in the search's objective order) hold it (issue 15).
double storedRobustness(const store::TrialRecord& r, const search::ObjectiveConfig& objectives) {
    const auto at = std::find(objectives.metrics.begin(), objectives.metrics.end(), search::Metric::Robustness);
    if (at == objectives.metrics.end())
        return 0.0;
    const auto parsed = nlohmann::json::parse(r.objectivesJson, nullptr, false);
    const auto i = static_cast<std::size_t>(at - objectives.metrics.begin());
    return parsed.is_array() && i < parsed.size() && parsed[i].is_number() ? parsed[i].get<double>() : 0.0;
}

std::vector<search::Trial> loadTrials(const store::Workspace& ws, std::int64_t searchId,
                                      const search::ObjectiveConfig& objectives, const search::CoDesignSpace& space,
                                      std::vector<std::int64_t>* designIds, std::vector<std::int64_t>* evaluationIds,
                                      std::vector<MetricsOrigin>* origins = nullptr,
                                      std::vector<std::optional<double>>* hypervolumes = nullptr) {
    struct Row {
        search::Trial trial;
        std::int64_t designId, evaluationId;
        MetricsOrigin origin;
        std::optional<double> hypervolume;
    };
    std::vector<Row> rows;
    for (const auto& r : ws.trials(searchId)) {
        if (!r.position || !r.evaluationId)
            continue;
        const auto code = io::parseIntListJson(r.encodingJson);
        const auto evaluation = ws.evaluation(*r.evaluationId);
        const auto candidate = code ? space.split(*code) : std::nullopt; // model | accelerator | target
        if (!candidate || !evaluation)
            throw SearchSetupError("trial " + std::to_string(*r.position) + " of search " + std::to_string(searchId) +
                                   " is damaged (encoding or evaluation missing)");
        search::Trial t;
        t.position = static_cast<int>(*r.position);
        t.round = r.iteration;
        t.proposal.candidate = *candidate;
        io::readProposalJson(r.predictionJson, t.proposal);
        search::PairMetrics& m = t.metrics;
        const store::EvaluationRecord& e = *evaluation;
        m.feasible = e.feasible;
        m.infeasibleReason = e.infeasibleReason;
        m.cycles = e.cycles.value_or(0);
        m.latencySeconds = e.latencySeconds.value_or(0);
        m.dynamicEnergyNJ = e.energyDynamicNJ.value_or(0);
        m.leakageEnergyNJ = e.energyLeakageNJ.value_or(0);
        m.areaMM2 = e.areaMM2.value_or(0);
        m.peakPowerMW = e.peakPowerMW.value_or(0);
        m.accuracy = e.accuracy.value_or(0);
        m.accuracyStdDev = e.accuracyStdDev.value_or(0);
        m.accuracyOrigin = originOf(e.accuracySource);
        m.accuracyDetail = e.accuracyDetail;
        m.robustnessDrop = storedRobustness(r, objectives);
        // The evaluation is the simulator's (an ELECTOR design's per batch); a union search
        // compares per sequence, as its evaluator did (search/objective_units.h).
        if (search::perSequenceObjectives(space.targets()))
            m = search::perSequence(std::move(m), search::sequencesPerEvaluation(space.target(*candidate)));
        rows.push_back({std::move(t),
                        r.designId.value_or(0),
                        *r.evaluationId,
                        {e.provenance, e.costModel, e.metricsStdDevFraction},
                        r.hypervolume});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.trial.position < b.trial.position; });
    // Trials are numbered 0, 1, 2, … and everything downstream indexes them by position (the
    // front, --selection, the runner's next position): a gap (a deleted trial row) or a repeat
    // is refused here with the position, not read past.
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].trial.position != static_cast<int>(i))
            throw SearchSetupError("search " + std::to_string(searchId) + " in " + ws.path().string() +
                                   " is damaged: trial " + std::to_string(i) + " of its " +
                                   std::to_string(rows.size()) +
                                   " stored trials is missing or repeated (was a row deleted?)");
    std::vector<search::Trial> trials;
    for (Row& row : rows) {
        trials.push_back(std::move(row.trial));
        if (designIds)
            designIds->push_back(row.designId);
        if (evaluationIds)
            evaluationIds->push_back(row.evaluationId);
        if (origins)
            origins->push_back(std::move(row.origin));
        if (hypervolumes)
            hypervolumes->push_back(row.hypervolume);
    }
    return trials;
}

search::SearchConfig parseConfig(const store::SearchRecord& record) {
    const auto config = io::parseSearchConfig(record.configJson, "search " + std::to_string(record.id));
    if (!config)
        throw SearchSetupError("the configuration of search " + std::to_string(record.id) +
                               " cannot be read: " + config.errors.toString());
    return *config;
}

} // namespace

store::AccuracySource storeSource(search::AccuracyOrigin origin) {
    switch (origin) {
    case search::AccuracyOrigin::Predicted:
        return store::AccuracySource::Predicted;
    case search::AccuracyOrigin::Trained:
        return store::AccuracySource::Trained;
    case search::AccuracyOrigin::Imported:
        return store::AccuracySource::Published;
    case search::AccuracyOrigin::None:
        break;
    }
    return store::AccuracySource::None;
}

search::AccuracyOrigin originOf(store::AccuracySource source) {
    switch (source) {
    case store::AccuracySource::Predicted:
        return search::AccuracyOrigin::Predicted;
    case store::AccuracySource::Trained:
        return search::AccuracyOrigin::Trained;
    case store::AccuracySource::Published:
        return search::AccuracyOrigin::Imported;
    case store::AccuracySource::None:
        break;
    }
    return search::AccuracyOrigin::None;
}

search::HypervolumeBox sampleBox(const search::SearchConfig& config, const TechnologyLibrary& technology,
                                 double accuracyLo, double accuracyHi, int samples,
                                 const search::DeviceCostFn& deviceCosts) {
    const search::CoDesignSpace space = search::makeSpace(config);
    search::SimulationEvaluator evaluator(space, technology, simOptions(config), nullptr);
    evaluator.setDeviceCosts(deviceCosts);
    std::vector<search::PairMetrics> sample;
    for (int k = 0; k < samples; ++k) {
        // Seed 0, not the search's: searches of one space share a box and compare.
        auto rng = search::derivedRng(0, search::RngStream::Reference, static_cast<std::uint64_t>(k));
        sample.push_back(evaluator.simulate(space.sample(rng)));
    }
    return search::boxFromSample(sample, config.objectives, accuracyLo, accuracyHi);
}

// A model × device search (core/devices/device_search_store.h, kDeviceSearchAlgorithm) has
// no co-design space: it is read, resumed and shown by its own code, never as one of these.
static bool isAcceleratorSearch(const store::SearchRecord& record) {
    return record.algorithm != "device-search";
}

std::optional<store::SearchRecord> unfinishedSearch(const store::Workspace& workspace) {
    const auto searches = workspace.searches();
    for (auto it = searches.rbegin(); it != searches.rend(); ++it)
        if (it->status != store::RunStatus::Finished && isAcceleratorSearch(*it))
            return *it;
    return std::nullopt;
}

StoredSearch readStoredSearch(const store::Workspace& workspace, std::optional<std::int64_t> searchId) {
    std::optional<store::SearchRecord> record;
    if (searchId) {
        record = workspace.search(*searchId);
        if (!record)
            throw SearchSetupError("the workspace has no search " + std::to_string(*searchId));
        if (!isAcceleratorSearch(*record))
            throw SearchSetupError("search " + std::to_string(*searchId) +
                                   " is a model × device search: its pairs are the workspace's designs with a "
                                   "device target (tcw search --targets devices:… --workspace prints its front)");
    } else {
        auto all = workspace.searches();
        std::erase_if(all, [](const store::SearchRecord& r) { return !isAcceleratorSearch(r); });
        if (all.empty())
            throw SearchSetupError("the workspace holds no accelerator search yet (run tcw search first)");
        record = all.back();
    }
    StoredSearch s;
    s.record = *record;
    s.config = parseConfig(s.record);
    try {
        s.problem = search::Problem{search::makeSpace(s.config), s.config.objectives, s.config.box};
    } catch (const std::invalid_argument& e) {
        throw SearchSetupError(e.what());
    }
    s.trials = loadTrials(workspace, s.record.id, s.config.objectives, s.problem.space, &s.designIds, &s.evaluationIds,
                          &s.metricsOrigins, &s.storedHypervolumes);
    return s;
}

// ---------------------------------------------------------------- journal

WorkspaceJournal::WorkspaceJournal(store::Workspace& workspace, std::int64_t searchId,
                                   const search::SearchConfig& config, const search::Problem& problem,
                                   const std::vector<search::Trial>& stored)
    : m_workspace(workspace), m_searchId(searchId), m_config(config), m_space(problem.space),
      m_committed(static_cast<int>(stored.size())), m_hypervolume(problem) {
    // Stored trials are numbered 0 … n-1 (loadTrials refuses a gap): the prefix is complete.
    for (const search::Trial& t : stored)
        m_hypervolume.add(t);
    m_nextPosition = static_cast<int>(stored.size());
}

void WorkspaceJournal::record(const search::Trial& trial) {
    const std::string label = "search " + std::to_string(m_searchId) + " trial " + std::to_string(trial.position);
    const search::PairMetrics& m = trial.metrics;
    m_workspace.transaction([&] {
        const TransformerSpec model = m_space.model(trial.proposal.candidate);
        // The pair with its target of the candidate's kind (a bat trial's design says "bat";
        // the store reads the kind from the document): issue 15's union search.
        const bool bat = m_space.targetKind(trial.proposal.candidate) == TargetKind::Bat;
        const std::string spec = io::pairJson(model, m_space.target(trial.proposal.candidate), "");
        const auto existing = m_workspace.findDesign(store::DesignKind::Pair, spec);
        const std::int64_t designId =
            existing ? *existing : m_workspace.addDesign(label, store::DesignKind::Pair, spec);

        std::string accuracyDetail = m.accuracyDetail;
        // The stored run whose measured sparsity the trial was costed with (see cachedRunId).
        std::optional<std::int64_t> runId;
        if (m.training && m.training->cachedRunId && *m.training->cachedRunId >= 0)
            runId = *m.training->cachedRunId;
        if (m.training && !m.training->cachedRunId) {
            TransformerSpec named = model;
            named.name = label;
            const std::string modelSpec = io::formatDocument(io::Document{model}, io::FileFormat::WorkbenchJson).text;
            const auto modelId = m_workspace.findDesign(store::DesignKind::Transformer, modelSpec);
            store::TrainingRunRecord run;
            run.designId = modelId ? *modelId : m_workspace.addDesign(label, store::DesignKind::Transformer, modelSpec);
            run.name = label;
            run.dataset = m.training->dataset;
            run.configJson = m.training->configJson;
            run.status = store::RunStatus::Finished;
            run.finalAccuracy = m.training->finalAccuracy;
            run.curvesJson = m.training->curvesJson;
            run.sparsityProfileJson = m.training->sparsityProfileJson;
            run.finishedAt = utcNow();
            runId = m_workspace.addTrainingRun(run);
        }

        // How the trial's sparsity was set: the profile its training measured, or the scalars.
        const SimOptions options = simOptions(m_config);
        const io::SparsitySource sparsity = m.training && m.training->profile
                                                ? io::SparsitySource::trainingRun(runId)
                                                : io::SparsitySource::scalarsOf(options.sparsity);
        store::EvaluationRecord e;
        if (m_space.targetKind(trial.proposal.candidate) == TargetKind::Device) {
            e = deviceEvaluationRecord(m); // issue 14: the `measured` cost model's
        } else if (m.simulation) {
            e = io::evaluationRecordOf(*m.simulation, options, sparsity);
        } else { // metrics that came without their simulation (none the evaluators make today)
            e = metricsEvaluationRecord(m, bat ? "bat" : std::string(costModelName(m_config.costModel)),
                                        std::string(simModeName(m_config.objectives.mode)),
                                        io::evaluationOptionsJson(io::evaluationOptionsOf(m_config.task, sparsity)));
        }
        e.designId = designId;
        e.accuracySource = storeSource(m.accuracyOrigin);
        if (e.accuracySource != store::AccuracySource::None) {
            e.accuracy = m.accuracy;
            e.accuracyStdDev = m.accuracyStdDev;
        }
        e.accuracyDetail = accuracyDetail;
        const std::int64_t evaluationId = m_workspace.addEvaluation(e);

        store::TrialRecord t;
        t.searchId = m_searchId;
        t.iteration = trial.round;
        t.position = trial.position;
        t.designId = designId;
        t.evaluationId = evaluationId;
        t.encodingJson = io::intListJson(trial.proposal.candidate.joined());
        t.predictionJson = io::proposalJson(trial.proposal);
        const auto values = search::metricValues(m, m_config.objectives);
        t.objectivesJson = io::numberListJson(values);
        // The hypervolume after this trial, once every earlier position is in (one committed
        // ahead of an earlier position waits, and gets its value when the gap closes).
        const bool inOrder = trial.position == m_nextPosition;
        if (inOrder) {
            t.hypervolume = m_hypervolume.add(trial);
            ++m_nextPosition;
        }
        m_workspace.addTrial(t);
        if (inOrder) {
            for (auto it = m_ahead.find(m_nextPosition); it != m_ahead.end(); it = m_ahead.find(m_nextPosition)) {
                m_workspace.setTrialHypervolume(m_searchId, m_nextPosition, m_hypervolume.add(it->second));
                m_ahead.erase(it);
                ++m_nextPosition;
            }
        } else {
            m_ahead.emplace(trial.position, trial);
        }
        m_workspace.updateSearch(m_searchId, store::RunStatus::Running, stateJson(m_committed + 1, "running"));
    });
    ++m_committed;
}

// ---------------------------------------------------------------- accuracy

AccuracyInputs accuracyInputs(const store::Workspace& workspace, const search::SearchConfig& config,
                              const fs::path& dataDir) {
    AccuracyInputs inputs;
    if (config.accuracy != search::AccuracySourceKind::Trained)
        inputs.table = loadTable(config, dataDir, nullptr, workspace);
    else
        inputs.trainings = cachedTrainings(workspace, config.training.dataset);
    return inputs;
}

std::shared_ptr<const search::AccuracyOracle> makeAccuracyOracle(const search::SearchConfig& config,
                                                                 AccuracyInputs inputs,
                                                                 std::vector<TransformerSpec>* tableModels) {
    if (config.accuracy != search::AccuracySourceKind::Trained) {
        if (tableModels)
            for (const auto& e : inputs.table.entries)
                tableModels->push_back(e.model);
        search::TableAccuracyModel::Config fit;
        fit.preferListed = config.accuracy == search::AccuracySourceKind::Imported;
        auto model = std::make_shared<search::TableAccuracyModel>(std::move(inputs.table), config.modelSpace, fit);
        if (model->fittedEntries() == 0)
            throw SearchSetupError("accuracy table '" + config.accuracyTable + "' has no model of space '" +
                                   config.modelSpaceName + "' with a known accuracy to fit a predictor on" +
                                   (config.accuracyTable == "workspace"
                                        ? " (train some first, e.g. with tcw search --accuracy trained)"
                                        : ""));
        return model;
    }
    auto trained = std::make_shared<TrainedAccuracy>(config.training, std::move(inputs.trainings));
    if (std::find(config.objectives.metrics.begin(), config.objectives.metrics.end(), search::Metric::Robustness) !=
        config.objectives.metrics.end())
        trained->setRobustness(config.robustness); // issue 15
    try {
        trained->loadData();
    } catch (const std::exception& e) {
        throw SearchSetupError(std::string("cannot load the training data: ") + e.what());
    }
    return trained;
}

// ---------------------------------------------------------------- session

namespace {
// One writer per search: a lock beside the workspace, held by the process running the search
// and released when it ends, however it ends. A second `--resume` (or the GUI's Resume) of a
// search that is running elsewhere is refused before anything is written.
io::ExclusiveLock lockSearch(const store::Workspace& workspace, std::int64_t searchId) {
    const std::filesystem::path lockFile = searchLockPath(workspace.path(), searchId);
    try {
        if (auto lock = io::ExclusiveLock::tryAcquire(lockFile, thisProcessAsHolder("search")))
            return std::move(*lock);
    } catch (const io::FileWriteError& e) {
        throw SearchSetupError(e.what());
    }
    const std::string holder = io::ExclusiveLock::heldBy(lockFile).value_or("");
    throw SearchSetupError("search " + std::to_string(searchId) + " in " + workspace.path().string() +
                           " is running in another process" + (holder.empty() ? "" : " (" + holder + ")") +
                           "; wait for it to finish, or stop it, before resuming it");
}
} // namespace

std::string searchWriterKey(std::int64_t searchId, bool resumed) {
    return "search " + std::to_string(searchId) + (resumed ? " resumed by" : " started by");
}

namespace {
void recordWriter(store::Workspace& workspace, std::int64_t searchId, bool resumed, const SessionOptions& options) {
    if (options.writer.empty())
        return;
    const char* user = std::getenv("USER");
    workspace.setProperty(searchWriterKey(searchId, resumed),
                          options.writer + (user && *user ? std::string(", user ") + user : std::string()));
}
} // namespace

struct SearchSession::Parts {
    std::optional<io::ExclusiveLock> lock; // held while this process may write the search
    TechnologyLibrary technology = electorTechnology14nm();
    search::Problem problem;
    std::shared_ptr<const search::AccuracyOracle> accuracy;
    std::unique_ptr<search::SimulationEvaluator> evaluator;
    std::unique_ptr<search::Optimizer> optimizer;
    std::vector<TransformerSpec> tableModels;
    std::vector<profile::DeviceProfile> deviceProfiles; // issue 14: of config.targets.devices
};

namespace {
// Issue 14: the profiles of a union's measured devices, in the configuration's order: a given
// one, else the workspace's of that id; every problem (a missing device, another sequence length)
// is a SearchSetupError naming the device.
std::vector<profile::DeviceProfile> searchDeviceProfiles(store::Workspace& workspace,
                                                         const search::SearchConfig& config,
                                                         const std::vector<profile::DeviceProfile>& given) {
    if (!config.targets.has(TargetKind::Device))
        return {};
    std::vector<profile::DeviceProfile> all = given; // given ones first, then the workspace's
    try {
        for (auto& p : devices::loadDeviceProfiles(workspace.database()))
            all.push_back(std::move(p));
    } catch (const std::exception& e) {
        throw SearchSetupError(std::string("the workspace's device profiles: ") + e.what());
    }
    std::vector<profile::DeviceProfile> chosen;
    for (const std::string& id : config.targets.devices)
        for (const auto& p : all)
            if (p.deviceName == id) {
                chosen.push_back(p);
                break;
            }
    const auto problems = devices::mixedDeviceProblems(config.targets.devices, chosen, config.task.sequenceLength);
    if (!problems.empty())
        throw SearchSetupError(problems.front());
    return chosen;
}
} // namespace

struct SearchSession::DeviceCosts {
    std::vector<profile::DeviceProfile> profiles;
    search::DeviceCostFn costs; // empty without devices
};

// The union's devices with their costs: each profile's surrogates are fit here, once per session
// (start() uses them for the box and hands them to the session).
SearchSession::DeviceCosts SearchSession::loadDevices(store::Workspace& workspace, const search::SearchConfig& config,
                                                      const std::vector<profile::DeviceProfile>& given) {
    DeviceCosts d;
    d.profiles = searchDeviceProfiles(workspace, config, given);
    if (!d.profiles.empty())
        d.costs = devices::mixedDeviceCosts(d.profiles, config.objectives);
    return d;
}

SearchSession::SearchSession(store::Workspace& workspace, std::int64_t searchId, search::SearchConfig config,
                             const SessionOptions& options, std::vector<search::Trial> stored,
                             const DeviceCosts* devices)
    : m_workspace(workspace), m_searchId(searchId), m_config(std::move(config)), m_options(options),
      m_stored(std::move(stored)), m_parts(std::make_unique<Parts>()) {
    Parts& p = *m_parts;
    try {
        p.problem = search::Problem{search::makeSpace(m_config), m_config.objectives, m_config.box};
    } catch (const std::invalid_argument& e) {
        throw SearchSetupError(e.what());
    }
    if (m_options.accuracy) {
        // The oracle is given (MPI workers answer it); the table's models are still needed here.
        if (m_config.accuracy != search::AccuracySourceKind::Trained)
            for (const auto& e : loadTable(m_config, m_options.dataDir, nullptr, m_workspace).entries)
                p.tableModels.push_back(e.model);
        p.accuracy = m_options.accuracy;
    } else {
        p.accuracy =
            makeAccuracyOracle(m_config, accuracyInputs(m_workspace, m_config, m_options.dataDir), &p.tableModels);
    }
    p.evaluator =
        std::make_unique<search::SimulationEvaluator>(p.problem.space, p.technology, simOptions(m_config), p.accuracy);
    DeviceCosts loaded;
    if (!devices) {
        loaded = loadDevices(m_workspace, m_config, m_options.deviceProfiles);
        devices = &loaded;
    }
    p.deviceProfiles = devices->profiles;
    if (devices->costs)
        p.evaluator->setDeviceCosts(devices->costs);
    p.optimizer =
        search::makeOptimizer(m_config, p.problem, search::initialCandidates(m_config, p.problem.space, p.tableModels));
}

SearchSession::SearchSession(SearchSession&&) noexcept = default;
SearchSession::~SearchSession() = default;

std::string SearchSession::accuracyDescription() const {
    return m_parts->accuracy->describe();
}

SearchSession SearchSession::start(store::Workspace& workspace, search::SearchConfig config,
                                   const SessionOptions& options) {
    const auto problems = search::validate(config);
    if (!problems.empty())
        throw SearchSetupError(problems.front());
    double lo = 0.0, hi = 1.0;
    if (config.accuracy != search::AccuracySourceKind::Trained) {
        if (config.accuracyTable == "workspace")
            for (const auto& run : workspace.trainingRuns())
                config.workspaceRunsUpTo = std::max(config.workspaceRunsUpTo, run.id);
        const search::AccuracyTable table = loadTable(config, options.dataDir, &config.accuracyTableSha256, workspace);
        double min = 1, max = 0;
        for (const auto& e : table.entries)
            if (e.accuracy) {
                min = std::min(min, *e.accuracy);
                max = std::max(max, *e.accuracy);
            }
        if (max >= min) {
            lo = std::max(0.0, min - 0.05);
            hi = std::min(1.0, max + 0.05);
        }
    }
    // A union search compares every kind per sequence (search/objective_units.h); the marker
    // says its stored objectives, box and hypervolumes are in that unit.
    config.targets.objectivesPerSequence = search::perSequenceObjectives(config.targets);
    // The union's measured devices, their surrogates fit once: for the box and the session.
    const DeviceCosts devices = loadDevices(workspace, config, options.deviceProfiles);
    if (config.box.empty()) {
        try {
            config.box = sampleBox(config, electorTechnology14nm(), lo, hi, 512, devices.costs);
        } catch (const std::invalid_argument& e) {
            throw SearchSetupError(e.what());
        }
    }
    store::SearchRecord record;
    record.name = config.algorithm + " on " + config.modelSpaceName + " × " + config.acceleratorSpaceName;
    record.algorithm = config.algorithm;
    record.configJson = io::searchConfigJson(config);
    record.seed = static_cast<std::int64_t>(config.seed);
    record.status = store::RunStatus::Pending;
    record.stateJson = stateJson(0, "pending");
    // Build first: bad input is reported before anything is written.
    SearchSession session(workspace, 0, config, options, {}, &devices);
    for (const auto& p : session.m_parts->deviceProfiles) // issue 14: a resumed search reads them here
        devices::saveDeviceProfile(workspace.database(), p);
    session.m_searchId = workspace.addSearch(record);
    session.m_parts->lock = lockSearch(workspace, session.m_searchId);
    recordWriter(workspace, session.m_searchId, false, options);
    return session;
}

SearchSession SearchSession::resume(store::Workspace& workspace, const SessionOptions& options) {
    const auto record = unfinishedSearch(workspace);
    if (!record)
        throw SearchSetupError("the workspace has no unfinished search to resume");
    io::ExclusiveLock lock = lockSearch(workspace, record->id);
    search::SearchConfig config = parseConfig(*record);
    if (search::perSequenceObjectives(config.targets) && !config.targets.objectivesPerSequence)
        throw SearchSetupError(
            "search " + std::to_string(record->id) + " in " + workspace.path().string() +
            " was stored before union searches compared every target kind per sequence: its objective values, "
            "hypervolumes and box hold ELECTOR designs per batch of their batch_size beside bat and device designs "
            "per sequence, so continuing it would mix the two units on one front. Its trials and evaluations are "
            "intact (tcw pareto and tcw export show them per sequence); start a new search with the same options "
            "to continue the exploration");
    const search::CoDesignSpace space = search::makeSpace(config);
    std::vector<search::Trial> stored = loadTrials(workspace, record->id, config.objectives, space, nullptr, nullptr);
    SearchSession session(workspace, record->id, std::move(config), options, std::move(stored));
    session.m_parts->lock = std::move(lock);
    recordWriter(workspace, record->id, true, options);
    return session;
}

void SearchSession::markFailed() {
    m_workspace.updateSearch(m_searchId, store::RunStatus::Failed, stateJson(storedTrials(), "failed"));
}

search::SearchOutcome SearchSession::run(std::stop_token stop, const search::SearchProgressCallback& progress,
                                         RunControl* control) {
    Parts& p = *m_parts;
    WorkspaceJournal journal(m_workspace, m_searchId, m_config, p.problem, m_stored);
    m_workspace.updateSearch(m_searchId, store::RunStatus::Running, stateJson(storedTrials(), "running"));
    search::RunOptions options;
    options.budget = m_config.budget;
    options.threads = m_options.threads;
    options.control = control;
    options.commitInOrder = m_options.commitInOrder;
    options.steadyState = m_config.steadyState;
    try {
        search::SearchOutcome outcome =
            search::runSearch(*p.optimizer, p.problem, *p.evaluator, options, m_stored, &journal, stop, progress);
        const auto status = outcome.cancelled ? store::RunStatus::Cancelled : store::RunStatus::Finished;
        m_workspace.updateSearch(m_searchId, status,
                                 stateJson(journal.committed(), outcome.cancelled       ? "cancelled"
                                                                : outcome.stoppedByRule ? "stopped by patience"
                                                                                        : "budget spent"));
        return outcome;
    } catch (...) {
        // Recorded as failed, not left "running". On a full disk the update itself may fail:
        // then fold the WAL into the file and truncate it, which frees room, and try again.
        // The original error is what the caller sees either way.
        const int committed = journal.committed();
        auto markFailed = [&] {
            m_workspace.updateSearch(m_searchId, store::RunStatus::Failed, stateJson(committed, "failed"));
        };
        try {
            markFailed();
        } catch (const std::exception&) {
            try {
                m_workspace.checkpoint();
                markFailed();
            } catch (const std::exception&) {
                // still "running" on disk; --resume continues it all the same
            }
        }
        throw;
    }
}

} // namespace tcw::codesign
