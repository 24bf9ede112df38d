#include "device_search_store.h"

#include "device_store.h"
#include "device_traces.h"

#include "io/formats.h"
#include "io/io_types.h"

#include "io/tree.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace tcw::devices {

using io::detail::Json; // tcw_io's internal document tree, as device_store.cpp

namespace {

std::string stateJson(std::size_t committed, const char* status) {
    return Json{{"committed", committed}, {"status", status}}.dump();
}

std::string pairSpec(const DeviceProfile& profile, const DevicePair& pair) {
    io::CodesignPair doc;
    doc.name = pair.model.name;
    doc.transformer = pair.model;
    doc.target = Target(DeviceTarget{profile.deviceName, profile.deviceName});
    return io::canonicalJson(io::Document{doc});
}

store::EvaluationRecord evaluationOf(const DeviceProfile& profile, const DevicePair& pair,
                                     const ScalarObjective& objective) {
    store::EvaluationRecord e;
    e.costModel = "measured";
    e.mode = "inference";
    e.optionsJson = Json{{"device", profile.deviceName},
                         {"batchSize", profile.settings.batchSize},
                         {"sequenceLength", profile.settings.sequenceLength}}
                        .dump();
    e.latencySeconds = pair.cost.latencySeconds;
    // A device's energy is the whole device's over the run (EdgeTran's definition): no split
    // into dynamic and leakage parts, so it is stored as the total and the explorer shows it
    // only as energy (widgets/models/objective.cpp).
    if (pair.cost.energyJoules)
        e.energyDynamicNJ = *pair.cost.energyJoules * 1e9;
    if (pair.cost.peakPowerWatts)
        e.peakPowerMW = *pair.cost.peakPowerWatts * 1e3;
    e.accuracy = pair.glue;
    if (pair.glueStored) {
        e.accuracySource = store::AccuracySource::Published;
        e.accuracyDetail = "GLUE score of the device library's row (EdgeTran's data)";
    } else {
        e.accuracySource = store::AccuracySource::Predicted;
        e.accuracyStdDev = pair.glueSigma;
        e.accuracyDetail = "GLUE predicted by bagged boosted trees on the library's scores";
    }
    e.feasible = pair.feasible;
    if (!pair.feasible && objective.peakPowerLimitWatts)
        e.infeasibleReason = "peak power " + std::to_string(pair.cost.peakPowerWatts.value_or(0)) +
                             " W above the limit of " + std::to_string(*objective.peakPowerLimitWatts) + " W";
    if (pair.cost.measured) {
        e.provenance = store::MetricsProvenance::Measured;
    } else {
        e.provenance = store::MetricsProvenance::Predicted;
        e.metricsStdDevFraction = pair.cost.stddevFraction();
    }
    e.breakdownJson = Json{
        {"provenance", pair.cost.provenance},
        {"latencySigmaS", pair.cost.latencySigma},
        {"energySigmaJ", pair.cost.energySigma},
        {"peakPowerSigmaW", pair.cost.peakPowerSigma},
        {"edgetranLoss",
         pair.loss}}.dump();
    return e;
}

} // namespace

bool isDeviceSearch(const store::SearchRecord& record) {
    return record.algorithm == kDeviceSearchAlgorithm;
}

std::string deviceSearchConfigJson(const StoredDeviceSearchConfig& c) {
    Json j{{"kind", "deviceSearch"},
           {"targets", c.targets},
           {"devices", c.deviceIds},
           {"budget", c.search.budget},
           {"seed", c.search.seed},
           {"objective", "edgetran"},
           {"objectives", {"glue", "latency", "energy", "peakPower"}}};
    if (c.search.objective.peakPowerLimitWatts)
        j["peakPowerLimitWatts"] = *c.search.objective.peakPowerLimitWatts;
    return j.dump();
}

StoredDeviceSearchConfig parseDeviceSearchConfig(const std::string& text) {
    const Json j = Json::parse(text, nullptr, false);
    const auto bad = [](const std::string& field, const std::string& allowed) {
        return std::runtime_error("device search configuration: field \"" + field + "\" must be " + allowed);
    };
    // A field's text, or "" when it is absent or not a string (json::value would throw then).
    const auto stringField = [&j](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (!j.is_object() || stringField("kind") != "deviceSearch")
        throw bad("kind", "\"deviceSearch\"");
    StoredDeviceSearchConfig c;
    if (!j.contains("targets") || !j["targets"].is_string())
        throw bad("targets", "a string such as \"devices:edgetran\"");
    c.targets = j["targets"].get<std::string>();
    if (!j.contains("devices") || !j["devices"].is_array() || j["devices"].empty())
        throw bad("devices", "a non-empty list of device ids");
    for (const auto& d : j["devices"]) {
        if (!d.is_string() || !isDeviceId(d.get<std::string>()))
            throw bad("devices", "device ids (letters, digits, '_', '-', '.')");
        c.deviceIds.push_back(d.get<std::string>());
    }
    if (!j.contains("budget") || !j["budget"].is_number_integer() || j["budget"].get<long long>() < 0 ||
        j["budget"].get<long long>() > 10'000'000)
        throw bad("budget", "an integer in 0 … 10000000");
    c.search.budget = j["budget"].get<int>();
    if (!j.contains("seed") || !j["seed"].is_number_unsigned())
        throw bad("seed", "a non-negative integer");
    c.search.seed = j["seed"].get<std::uint64_t>();
    if (stringField("objective") != "edgetran")
        throw bad("objective", "\"edgetran\"");
    if (j.contains("peakPowerLimitWatts")) {
        if (!j["peakPowerLimitWatts"].is_number() || !(j["peakPowerLimitWatts"].get<double>() > 0))
            throw bad("peakPowerLimitWatts", "a positive number of watts");
        c.search.objective.peakPowerLimitWatts = j["peakPowerLimitWatts"].get<double>();
    }
    return c;
}

std::optional<store::SearchRecord> unfinishedDeviceSearch(const store::Workspace& workspace) {
    const auto all = workspace.searches();
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (isDeviceSearch(*it) && it->status != store::RunStatus::Finished)
            return *it;
    return std::nullopt;
}

StoredDeviceSearchRun runStoredDeviceSearch(store::Workspace& workspace, const std::vector<DeviceProfile>& profiles,
                                            const StoredDeviceSearchConfig& config,
                                            std::optional<std::int64_t> resumeId,
                                            const std::function<bool()>& stopRequested) {
    if (profiles.size() != config.deviceIds.size())
        throw DeviceSearchStoreError("the search names " + std::to_string(config.deviceIds.size()) + " devices but " +
                                     std::to_string(profiles.size()) + " profiles were given");
    StoredDeviceSearchRun run;
    std::vector<store::TrialRecord> stored;
    if (resumeId) {
        const auto record = workspace.search(*resumeId);
        if (!record)
            throw DeviceSearchStoreError("the workspace has no search " + std::to_string(*resumeId));
        if (!isDeviceSearch(*record))
            throw DeviceSearchStoreError("search " + std::to_string(*resumeId) + " is a " + record->algorithm +
                                         " search, not a model × device search");
        if (record->status == store::RunStatus::Finished)
            throw DeviceSearchStoreError("search " + std::to_string(*resumeId) + " has finished; nothing to resume");
        run.searchId = *resumeId;
        stored = workspace.trials(*resumeId);
    } else {
        store::SearchRecord record;
        record.name = "model × device search (" + config.targets + ")";
        record.algorithm = std::string(kDeviceSearchAlgorithm);
        record.configJson = deviceSearchConfigJson(config);
        record.seed = static_cast<std::int64_t>(config.search.seed);
        record.status = store::RunStatus::Running;
        record.stateJson = stateJson(0, "running");
        workspace.transaction([&] {
            for (const auto& p : profiles) {
                saveDeviceProfile(workspace.database(), p);
                saveDeviceTraces(workspace, p);
            }
            run.searchId = workspace.addSearch(record);
        });
    }
    run.alreadyStored = stored.size();
    workspace.updateSearch(run.searchId, store::RunStatus::Running, stateJson(stored.size(), "running"));

    std::size_t total = stored.size();
    const auto onPair = [&](std::size_t index, const DevicePair& pair) {
        const DeviceProfile& profile = profiles[pair.device];
        const std::string spec = pairSpec(profile, pair);
        if (index < stored.size()) { // replayed: the stored trial must be this very pair
            const auto& t = stored[index];
            const auto design = t.designId ? workspace.design(*t.designId) : std::nullopt;
            if (!t.position || *t.position != static_cast<std::int64_t>(index) || !design || design->specJson != spec)
                throw DeviceSearchStoreError(
                    "search " + std::to_string(run.searchId) + ": stored trial " + std::to_string(index) +
                    " is not the pair the search makes there (" + profile.deviceName + ", " + pair.model.name +
                    "); the device profiles changed since it was stored, so it cannot be resumed");
            return;
        }
        workspace.transaction([&] {
            const std::string label = "search " + std::to_string(run.searchId) + " trial " + std::to_string(index);
            const auto existing = workspace.findDesign(store::DesignKind::Pair, spec);
            const std::int64_t designId =
                existing ? *existing : workspace.addDesign(label, store::DesignKind::Pair, spec);
            store::EvaluationRecord e = evaluationOf(profile, pair, config.search.objective);
            e.designId = designId;
            const std::int64_t evaluationId = workspace.addEvaluation(e);
            store::TrialRecord t;
            t.searchId = run.searchId;
            t.iteration = pair.seeded ? 0 : 1;
            t.position = static_cast<std::int64_t>(index);
            t.designId = designId;
            t.evaluationId = evaluationId;
            t.encodingJson = Json::array({pair.device}).dump();
            t.predictionJson = Json{
                {"device", profile.deviceName},
                {"seeded", pair.seeded},
                {"provenance", pair.cost.provenance},
                {"loss",
                 pair.loss}}.dump();
            t.objectivesJson = Json::array({pair.glue, pair.cost.latencySeconds, pair.cost.energyJoules.value_or(0),
                                            pair.cost.peakPowerWatts.value_or(0)})
                                   .dump();
            workspace.addTrial(t);
            workspace.updateSearch(run.searchId, store::RunStatus::Running, stateJson(index + 1, "running"));
        });
        ++run.committed;
        total = index + 1;
    };
    try {
        run.result = searchDevices(profiles, config.search, stopRequested, onPair);
    } catch (...) {
        workspace.updateSearch(run.searchId, store::RunStatus::Failed, stateJson(total, "failed"));
        throw;
    }
    const std::size_t made = run.result.pairs.size();
    const std::size_t seeded = static_cast<std::size_t>(
        std::count_if(run.result.pairs.begin(), run.result.pairs.end(), [](const DevicePair& p) { return p.seeded; }));
    run.stopped = made - seeded < static_cast<std::size_t>(config.search.budget) && stopRequested && stopRequested();
    workspace.updateSearch(run.searchId, run.stopped ? store::RunStatus::Cancelled : store::RunStatus::Finished,
                           stateJson(made, run.stopped ? "cancelled" : "finished"));
    return run;
}

} // namespace tcw::devices
