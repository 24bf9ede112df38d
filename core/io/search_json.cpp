// JSON of the co-design search: configuration, accuracy tables, pairs, trial details.
#include "search_json.h"

#include "design/device_target.h"

#include "files.h"
#include "format_trees.h"
#include "safe_file.h"
#include "tree.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace tcw::io {

namespace {

using detail::Json;
namespace fs = std::filesystem;

Json dumpable(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json doubles(std::span<const double> values) {
    Json j = Json::array();
    for (double v : values)
        j.push_back(dumpable(v));
    return j;
}

// A whole number of type T (detail::readWhole: range checked), or an exception naming the
// field and what it must be — the search configuration is read with exceptions.
template <std::integral T> T wholeNumber(const Json& v, const char* name) {
    ValidationErrors errors;
    if (const auto x = detail::readWhole<T>(v, name, errors))
        return *x;
    throw std::invalid_argument(std::string(name) + " " + errors.front().message);
}

std::optional<double> scoreOf(const Json& v) {
    if (v.is_number())
        return v.get<double>();
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        try {
            std::size_t used = 0;
            const double d = std::stod(s, &used);
            if (s.find_first_not_of(" \t", used) == std::string::npos)
                return d;
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- search configuration

Json objectivesJson(const search::ObjectiveConfig& o) {
    Json j = Json::object();
    Json metrics = Json::array();
    for (auto m : o.metrics)
        metrics.push_back(search::metricName(m));
    j["metrics"] = std::move(metrics);
    j["mode"] = simModeName(o.mode);
    j["scalarisation"] = o.scalarisation == search::Scalarisation::Pareto ? "pareto" : "weighted-sum";
    j["weights"] = doubles(o.weights);
    j["normalisers"] = doubles(o.normalisers);
    Json constraints = Json::array();
    for (const auto& c : o.constraints)
        constraints.push_back(
            {{"metric", search::metricName(c.metric)}, {search::isMaximised(c.metric) ? "min" : "max", c.bound}});
    j["constraints"] = std::move(constraints);
    return j;
}

search::ObjectiveConfig readObjectives(const Json& j) {
    search::ObjectiveConfig o;
    o.metrics.clear();
    for (const auto& m : j.at("metrics")) {
        const auto metric = search::metricFromName(m.get<std::string>());
        if (!metric)
            throw std::invalid_argument("objectives.metrics: unknown metric '" + m.get<std::string>() + "'");
        o.metrics.push_back(*metric);
    }
    const auto mode = simModeFromName(j.at("mode").get<std::string>());
    if (!mode)
        throw std::invalid_argument("objectives.mode must be inference or training");
    o.mode = *mode;
    const std::string s = j.at("scalarisation").get<std::string>();
    if (s != "pareto" && s != "weighted-sum")
        throw std::invalid_argument("objectives.scalarisation must be pareto or weighted-sum");
    o.scalarisation = s == "pareto" ? search::Scalarisation::Pareto : search::Scalarisation::WeightedSum;
    o.weights = j.at("weights").get<std::vector<double>>();
    o.normalisers = j.at("normalisers").get<std::vector<double>>();
    for (const auto& c : j.at("constraints")) {
        const auto metric = search::metricFromName(c.at("metric").get<std::string>());
        if (!metric)
            throw std::invalid_argument("objectives.constraints: unknown metric");
        o.constraints.push_back({*metric, c.at(search::isMaximised(*metric) ? "min" : "max").get<double>()});
    }
    return o;
}

Json trainingJson(const search::TrainingSettings& t) {
    return {{"dataset", t.dataset},
            {"dataDir", t.dataDir},
            {"patch", t.patch},
            {"steps", t.steps},
            {"batchSize", t.batchSize},
            {"learningRate", t.learningRate},
            {"tauActivation", t.tauActivation},
            {"tauGradient", t.tauGradient},
            {"seed", t.seed},
            {"maxTrain", t.maxTrain},
            {"maxTest", t.maxTest},
            {"threads", t.threads}};
}

search::TrainingSettings readTraining(const Json& j) {
    search::TrainingSettings t;
    t.dataset = j.at("dataset").get<std::string>();
    t.dataDir = j.at("dataDir").get<std::string>();
    t.patch = wholeNumber<int>(j.at("patch"), "patch");
    t.steps = wholeNumber<std::int64_t>(j.at("steps"), "steps");
    t.batchSize = wholeNumber<int>(j.at("batchSize"), "batchSize");
    t.learningRate = j.at("learningRate").get<double>();
    t.tauActivation = j.at("tauActivation").get<double>();
    t.tauGradient = j.at("tauGradient").get<double>();
    t.seed = wholeNumber<std::uint64_t>(j.at("seed"), "seed");
    t.maxTrain = wholeNumber<std::int64_t>(j.at("maxTrain"), "maxTrain");
    t.maxTest = wholeNumber<std::int64_t>(j.at("maxTest"), "maxTest");
    t.threads = wholeNumber<int>(j.at("threads"), "threads");
    return t;
}

template <typename T> T readDocument(const Json& j, T (*reader)(const Json&, ValidationErrors&), const char* what) {
    ValidationErrors errors;
    T value = reader(j, errors);
    if (!errors.empty())
        throw std::invalid_argument(std::string(what) + ": " + errors.front().toString());
    return value;
}

} // namespace

// ---------------------------------------------------------------- accuracy tables

Loaded<search::AccuracyTable> parseAccuracyTable(std::string_view text, const std::string& file) {
    Loaded<search::AccuracyTable> result;
    result.errors.file = file;
    auto parsed = detail::parseJsonText(text);
    if (!parsed.tree) {
        result.errors.errors = std::move(parsed.errors);
        return result;
    }
    const Json& root = *parsed.tree;
    ValidationErrors& errors = result.errors.errors;
    search::AccuracyTable table;
    table.name = fs::path(file).stem().string();
    if (!root.is_object() || !root.contains("models") || !root.at("models").is_array()) {
        errors.push_back({"models", "an accuracy table is an object with a \"models\" list"});
        return result;
    }
    if (root.contains("source") && root.at("source").is_string())
        table.source = root.at("source").get<std::string>();
    const Json& models = root.at("models");
    for (std::size_t i = 0; i < models.size(); ++i) {
        const std::string path = detail::indexPath("models", i);
        const Json& entry = models[i];
        if (!entry.is_object() || !entry.contains("model")) {
            errors.push_back({path, "each entry needs a \"model\" (a model dict or a workbench transformer)"});
            continue;
        }
        search::AccuracyTable::Entry e;
        e.id = entry.contains("hash")   ? entry.at("hash").get<std::string>()
               : entry.contains("name") ? entry.at("name").get<std::string>()
                                        : std::to_string(i);
        ValidationErrors modelErrors;
        const Json& model = entry.at("model");
        e.model = model.contains("l") ? detail::readModelDict(model, e.id, modelErrors)
                                      : detail::readTransformerJson(model, modelErrors);
        for (auto& err : modelErrors)
            errors.push_back({detail::fieldPath(path + ".model", err.path), err.message});
        const char* key = entry.contains("accuracy") ? "accuracy" : "glue";
        if (entry.contains(key) && !entry.at(key).is_null()) {
            e.accuracy = scoreOf(entry.at(key));
            if (!e.accuracy || *e.accuracy < 0 || *e.accuracy > 1)
                errors.push_back({path + "." + key, "must be a fraction in [0, 1] (or null when unknown), got " +
                                                        detail::describe(entry.at(key))});
        }
        table.entries.push_back(std::move(e));
    }
    if (errors.empty())
        result.value = std::move(table);
    return result;
}

Loaded<search::AccuracyTable> loadAccuracyTable(const fs::path& path) {
    const ReadResult file = readFileBounded(path, kMaxDocumentBytes, "an accuracy table");
    if (!file.ok()) {
        Loaded<search::AccuracyTable> result;
        result.errors.file = path.string();
        result.errors.errors.push_back({"", file.error});
        return result;
    }
    return parseAccuracyTable(file.bytes, path.string());
}

fs::path accuracyTablePath(std::string_view nameOrPath, const fs::path& dataDir) {
    const fs::path p(nameOrPath);
    std::error_code ec;
    if (p.has_parent_path() || p.has_extension() || fs::exists(p, ec))
        return p;
    return dataDir / "accuracy" / (std::string(nameOrPath) + ".json");
}

std::vector<std::string> accuracyTableNames(const fs::path& dataDir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dataDir / "accuracy", ec))
        if (e.path().extension() == ".json")
            names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

// ---------------------------------------------------------------- search configuration

namespace {

// Issue 15: the union target dimension. The energy table is stored whole, so a resumed
// search costs bat designs with the numbers it started with.
Json batEnergyJson(const BatEnergyTable& e) {
    return {{"engineFJPerBitProduct", e.engineFJPerBitProduct},
            {"unitPJPerOutput", e.unitPJPerOutput},
            {"macPJPerOutput", e.macPJPerOutput},
            {"bufferPJPerByteAt1MB", e.bufferPJPerByteAt1MB},
            {"engineLeakageUWPerBitSlot", e.engineLeakageUWPerBitSlot},
            {"bufferLeakageMWPerMB", e.bufferLeakageMWPerMB},
            {"engineUM2PerBitSlot", e.engineUM2PerBitSlot},
            {"unitUM2PerOutput", e.unitUM2PerOutput},
            {"macUM2PerOutput", e.macUM2PerOutput},
            {"bufferUM2PerMB", e.bufferUM2PerMB}};
}

BatEnergyTable readBatEnergy(const Json& j) {
    BatEnergyTable e;
    if (!j.is_object())
        throw std::invalid_argument("targets.bat.energy must be an object");
    auto number = [&](const char* key, double& out) {
        if (!j.contains(key))
            return; // the derived default (sim/bat_energy.h)
        const Json& v = j.at(key);
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
            throw std::invalid_argument(std::string("targets.bat.energy.") + key + " must be a number ≥ 0");
        out = v.get<double>();
    };
    number("engineFJPerBitProduct", e.engineFJPerBitProduct);
    number("unitPJPerOutput", e.unitPJPerOutput);
    number("macPJPerOutput", e.macPJPerOutput);
    number("bufferPJPerByteAt1MB", e.bufferPJPerByteAt1MB);
    number("engineLeakageUWPerBitSlot", e.engineLeakageUWPerBitSlot);
    number("bufferLeakageMWPerMB", e.bufferLeakageMWPerMB);
    number("engineUM2PerBitSlot", e.engineUM2PerBitSlot);
    number("unitUM2PerOutput", e.unitUM2PerOutput);
    number("macUM2PerOutput", e.macUM2PerOutput);
    number("bufferUM2PerMB", e.bufferUM2PerMB);
    return e;
}

// {name, fields: [{field, values}], energy}: a bat space, in a search configuration or a YAML file.
search::BatSpace readBatSpaceTree(const Json& b, const std::string& at) {
    const std::string prefix = at.empty() ? "" : at + ".";
    search::BatSpace space;
    if (!b.is_object() || !b.contains("fields") || !b.at("fields").is_array())
        throw std::invalid_argument((at.empty() ? "a bat space" : at) + " must be a map with a list 'fields'");
    space.name = b.contains("name") && b.at("name").is_string() ? b.at("name").get<std::string>() : "bat";
    for (const Json& f : b.at("fields")) {
        if (!f.is_object() || !f.contains("field") || !f.at("field").is_string() || !f.contains("values") ||
            !f.at("values").is_array())
            throw std::invalid_argument(prefix + "fields: each entry must have 'field' (a bat field's name) and "
                                                 "'values' (a list of numbers)");
        space.fields.push_back(f.at("field").get<std::string>());
        std::vector<double> values;
        for (const Json& v : f.at("values")) {
            if (!v.is_number())
                throw std::invalid_argument(prefix + "fields." + space.fields.back() + ": values must be numbers");
            values.push_back(v.get<double>());
        }
        space.values.push_back(std::move(values));
    }
    if (b.contains("energy"))
        space.energy = readBatEnergy(b.at("energy"));
    return space;
}

Json targetUnionJson(const search::TargetUnion& t) {
    Json kinds = Json::array();
    for (TargetKind k : t.kinds)
        kinds.push_back(std::string(targetKindName(k)));
    Json fields = Json::array();
    for (std::size_t i = 0; i < t.bat.fields.size(); ++i)
        fields.push_back({{"field", t.bat.fields[i]}, {"values", doubles(t.bat.values[i])}});
    Json j = {{"kinds", kinds},
              {"precisions", t.precisions},
              {"bat", {{"name", t.bat.name}, {"fields", fields}, {"energy", batEnergyJson(t.bat.energy)}}}};
    if (!t.devices.empty()) // issue 14: absent in every union without measured devices
        j["devices"] = t.devices;
    if (t.objectivesPerSequence) // one unit across kinds (search/objective_units.h)
        j["objectiveUnits"] = "per sequence";
    return j;
}

search::TargetUnion readTargetUnion(const Json& j) {
    search::TargetUnion t;
    if (!j.is_object() || !j.contains("kinds") || !j.at("kinds").is_array())
        throw std::invalid_argument("targets must be an object with a list of kinds");
    for (const Json& k : j.at("kinds")) {
        const auto kind = k.is_string() ? targetKindFromName(k.get<std::string>()) : std::nullopt;
        if (!kind || (*kind != TargetKind::Elector && *kind != TargetKind::Bat && *kind != TargetKind::Device))
            throw std::invalid_argument("targets.kinds: each must be elector, bat or device");
        t.kinds.push_back(*kind);
    }
    if (j.contains("precisions")) {
        if (!j.at("precisions").is_array())
            throw std::invalid_argument("targets.precisions must be a list of names (f32, w1a1, …)");
        for (const Json& p : j.at("precisions")) {
            if (!p.is_string())
                throw std::invalid_argument("targets.precisions must be a list of names (f32, w1a1, …)");
            t.precisions.push_back(p.get<std::string>());
        }
    }
    if (j.contains("bat"))
        t.bat = readBatSpaceTree(j.at("bat"), "targets.bat");
    if (j.contains("devices")) {
        if (!j.at("devices").is_array())
            throw std::invalid_argument("targets.devices must be a list of device ids");
        for (const Json& d : j.at("devices")) {
            if (!d.is_string() || !isDeviceId(d.get<std::string>()))
                throw std::invalid_argument("targets.devices must be a list of device ids (letters, digits, '_', "
                                            "'-', '.')");
            t.devices.push_back(d.get<std::string>());
        }
    }
    if (j.contains("objectiveUnits")) { // absent: a search stored before the per-sequence rule
        if (!j.at("objectiveUnits").is_string() || j.at("objectiveUnits").get<std::string>() != "per sequence")
            throw std::invalid_argument("targets.objectiveUnits must be \"per sequence\" (or absent)");
        t.objectivesPerSequence = true;
    }
    return t;
}

} // namespace

Loaded<search::BatSpace> parseBatSpace(std::string_view yamlText, const std::string& file) {
    Loaded<search::BatSpace> result;
    result.errors.file = file;
    auto parsed = detail::parseYamlText(yamlText);
    if (!parsed.tree) {
        result.errors.errors = std::move(parsed.errors);
        return result;
    }
    try {
        search::BatSpace space = readBatSpaceTree(*parsed.tree, "");
        for (const std::string& problem : space.check())
            result.errors.errors.push_back({"", problem});
        if (result.errors.errors.empty())
            result.value = std::move(space);
    } catch (const std::exception& e) {
        result.errors.errors.push_back({"", e.what()});
    }
    return result;
}

Loaded<search::BatSpace> resolveBatSpace(std::string_view nameOrPath, const fs::path& dataDir) {
    const fs::path given(nameOrPath);
    std::error_code ec;
    const fs::path path = given.has_parent_path() || given.has_extension() || fs::exists(given, ec)
                              ? given
                              : dataDir / "spaces" / (std::string(nameOrPath) + ".yaml");
    const ReadResult file = readFileBounded(path, kMaxDocumentBytes, "a bat design space");
    if (!file.ok()) {
        Loaded<search::BatSpace> result;
        result.errors.file = path.string();
        result.errors.errors.push_back({"", file.error});
        return result;
    }
    return parseBatSpace(file.bytes, path.string());
}

std::string searchConfigJson(const search::SearchConfig& c) {
    Json j = Json::object();
    j["schemaVersion"] = kSchemaVersion;
    j["kind"] = "searchConfig";
    j["algorithm"] = c.algorithm;
    j["budget"] = c.budget;
    j["seed"] = c.seed;
    j["modelSpace"] = {{"name", c.modelSpaceName}, {"space", detail::transformerSpaceJson(c.modelSpace)}};
    j["acceleratorSpace"] = {{"name", c.acceleratorSpaceName},
                             {"space", detail::acceleratorSpaceJson(c.acceleratorSpace)}};
    j["fixedModel"] = c.fixedModel ? detail::transformerJson(*c.fixedModel) : Json(nullptr);
    j["fixedAccelerator"] = c.fixedAccelerator ? detail::acceleratorJson({*c.fixedAccelerator, {}}) : Json(nullptr);
    j["objectives"] = objectivesJson(c.objectives);
    j["simulator"] = {{"costModel", costModelName(c.costModel)},
                      {"sequenceLength", c.task.sequenceLength},
                      {"vocabularySize", c.task.vocabularySize},
                      {"numClasses", c.task.numClasses},
                      {"patchInputSize", c.task.patchInputSize}};
    j["accuracy"] = {{"source", search::accuracySourceKindName(c.accuracy)},
                     {"table", c.accuracyTable},
                     {"tableSha256", c.accuracyTableSha256},
                     {"workspaceRunsUpTo", c.workspaceRunsUpTo},
                     {"training", trainingJson(c.training)}};
    j["boshcode"] = {{"initialPairs", c.initialPairs},
                     {"initialFromTable", c.initialFromTable},
                     {"candidatesPerStep", c.candidatesPerStep},
                     {"queriesPerStep", c.queriesPerStep},
                     {"patience", c.patience}};
    j["nsga2"] = {{"populationSize", c.populationSize}};
    if (c.steadyState) // absent: rounds (every search before the steady state existed)
        j["steadyState"] = true;
    j["hypervolumeBox"] = {{"lo", doubles(c.box.lo)}, {"hi", doubles(c.box.hi)}};
    if (!c.targets.empty()) // absent: an elector-only search (every search before issue 15)
        j["targets"] = targetUnionJson(c.targets);
    if (std::find(c.objectives.metrics.begin(), c.objectives.metrics.end(), search::Metric::Robustness) !=
        c.objectives.metrics.end()) // the objective's definition, stored with the search (issue 15)
    {
        Json r = {{"definition", search::describe(c.robustness)},
                  {"seeds", c.robustness.seeds},
                  {"seed", c.robustness.seed},
                  {"maxTestExamples", c.robustness.maxTestExamples}};
        if (c.robustness.kind == search::RobustnessKind::ActivationNoise) { // absent kind: bit flips
            r["kind"] = "noise";
            r["sigma"] = c.robustness.sigma;
        } else {
            r["rate"] = c.robustness.rate;
        }
        j["robustness"] = std::move(r);
    }
    return j.dump(1);
}

Loaded<search::SearchConfig> parseSearchConfig(std::string_view text, const std::string& file) {
    Loaded<search::SearchConfig> result;
    result.errors.file = file;
    auto parsed = detail::parseJsonText(text);
    if (!parsed.tree) {
        result.errors.errors = std::move(parsed.errors);
        return result;
    }
    const Json& j = *parsed.tree;
    try {
        if (!j.is_object() || j.value("kind", "") != "searchConfig")
            throw std::invalid_argument("not a search configuration (kind \"searchConfig\")");
        if (wholeNumber<int>(j.at("schemaVersion"), "schemaVersion") > kSchemaVersion)
            throw std::invalid_argument("written by a newer workbench (schemaVersion " +
                                        std::to_string(wholeNumber<int>(j.at("schemaVersion"), "schemaVersion")) + ")");
        search::SearchConfig c;
        c.algorithm = j.at("algorithm").get<std::string>();
        c.budget = wholeNumber<int>(j.at("budget"), "budget");
        c.seed = wholeNumber<std::uint64_t>(j.at("seed"), "seed");
        c.modelSpaceName = j.at("modelSpace").at("name").get<std::string>();
        c.modelSpace = readDocument(j.at("modelSpace").at("space"), &detail::readTransformerSpaceJson, "modelSpace");
        c.acceleratorSpaceName = j.at("acceleratorSpace").at("name").get<std::string>();
        c.acceleratorSpace =
            readDocument(j.at("acceleratorSpace").at("space"), &detail::readAcceleratorSpaceJson, "acceleratorSpace");
        if (!j.at("fixedModel").is_null())
            c.fixedModel = readDocument(j.at("fixedModel"), &detail::readTransformerJson, "fixedModel");
        if (!j.at("fixedAccelerator").is_null())
            c.fixedAccelerator =
                readDocument(j.at("fixedAccelerator"), &detail::readAcceleratorJson, "fixedAccelerator").spec;
        c.objectives = readObjectives(j.at("objectives"));
        const Json& sim = j.at("simulator");
        const auto costModel = costModelFromName(sim.at("costModel").get<std::string>());
        if (!costModel)
            throw std::invalid_argument("simulator.costModel must be elector or acceltran-fast");
        c.costModel = *costModel;
        c.task.sequenceLength = wholeNumber<int>(sim.at("sequenceLength"), "sequenceLength");
        c.task.vocabularySize = wholeNumber<int>(sim.at("vocabularySize"), "vocabularySize");
        c.task.numClasses = wholeNumber<int>(sim.at("numClasses"), "numClasses");
        c.task.patchInputSize = wholeNumber<int>(sim.at("patchInputSize"), "patchInputSize");
        const Json& acc = j.at("accuracy");
        const auto source = search::accuracySourceKindFromName(acc.at("source").get<std::string>());
        if (!source)
            throw std::invalid_argument("accuracy.source must be predicted, imported or trained");
        c.accuracy = *source;
        c.accuracyTable = acc.at("table").get<std::string>();
        c.accuracyTableSha256 = acc.at("tableSha256").get<std::string>();
        c.workspaceRunsUpTo = acc.contains("workspaceRunsUpTo")
                                  ? wholeNumber<std::int64_t>(acc.at("workspaceRunsUpTo"), "workspaceRunsUpTo")
                                  : 0;
        c.training = readTraining(acc.at("training"));
        const Json& b = j.at("boshcode");
        c.initialPairs = wholeNumber<int>(b.at("initialPairs"), "initialPairs");
        c.initialFromTable = b.at("initialFromTable").get<bool>();
        c.candidatesPerStep = wholeNumber<int>(b.at("candidatesPerStep"), "candidatesPerStep");
        c.queriesPerStep = wholeNumber<int>(b.at("queriesPerStep"), "queriesPerStep");
        c.patience = wholeNumber<int>(b.at("patience"), "patience");
        c.populationSize = wholeNumber<int>(j.at("nsga2").at("populationSize"), "populationSize");
        c.steadyState = j.value("steadyState", false);
        c.box.lo = j.at("hypervolumeBox").at("lo").get<std::vector<double>>();
        c.box.hi = j.at("hypervolumeBox").at("hi").get<std::vector<double>>();
        if (j.contains("targets"))
            c.targets = readTargetUnion(j.at("targets"));
        if (j.contains("robustness")) {
            const Json& r = j.at("robustness");
            if (!r.is_object())
                throw std::invalid_argument("robustness must be an object");
            const std::string kind = r.contains("kind") && r.at("kind").is_string() ? r.at("kind").get<std::string>()
                                     : r.contains("kind")                           ? std::string("?")
                                                                                    : std::string("bitflip");
            if (const auto k = search::robustnessKindFromName(kind))
                c.robustness.kind = *k;
            else
                throw std::invalid_argument("robustness.kind must be bitflip or noise");
            const char* number = c.robustness.kind == search::RobustnessKind::ActivationNoise ? "sigma" : "rate";
            if (!r.contains(number) || !r.at(number).is_number())
                throw std::invalid_argument(std::string("robustness.") + number + " must be a number");
            (c.robustness.kind == search::RobustnessKind::ActivationNoise ? c.robustness.sigma : c.robustness.rate) =
                r.at(number).get<double>();
            c.robustness.seeds = wholeNumber<int>(r.at("seeds"), "robustness.seeds");
            c.robustness.seed = wholeNumber<std::uint64_t>(r.at("seed"), "robustness.seed");
            c.robustness.maxTestExamples =
                wholeNumber<std::int64_t>(r.at("maxTestExamples"), "robustness.maxTestExamples");
        }
        for (const std::string& problem : search::validate(c))
            result.errors.errors.push_back({"", problem});
        if (result.errors.errors.empty())
            result.value = std::move(c);
    } catch (const std::exception& e) {
        result.errors.errors.push_back({"", e.what()});
    }
    return result;
}

// ---------------------------------------------------------------- pairs and trial values

std::string pairJson(const TransformerSpec& model, const AcceleratorSpec& accelerator, const std::string& name) {
    return detail::pairJson(CodesignPair{name, model, Target(accelerator)}).dump(); // canonicalJson's text
}

std::string pairJson(const TransformerSpec& model, const Target& target, const std::string& name) {
    return detail::pairJson(CodesignPair{name, model, target}).dump();
}

std::string intListJson(std::span<const int> values) {
    Json j = Json::array();
    for (int v : values)
        j.push_back(v);
    return j.dump();
}

std::string numberListJson(std::span<const double> values) {
    return doubles(values).dump();
}

std::optional<std::vector<int>> parseIntListJson(std::string_view text) {
    auto parsed = detail::parseJsonText(text);
    if (!parsed.tree || !parsed.tree->is_array())
        return std::nullopt;
    std::vector<int> out;
    for (const auto& v : *parsed.tree) {
        if (!v.is_number_integer())
            return std::nullopt;
        out.push_back(v.get<int>());
    }
    return out;
}

std::string proposalJson(const search::Proposal& p) {
    Json j = Json::object();
    j["origin"] = p.origin;
    if (p.predictedValue)
        j["predicted"] = dumpable(*p.predictedValue);
    if (p.predictedStdDev)
        j["predictedStdDev"] = dumpable(*p.predictedStdDev);
    return j.dump();
}

bool readProposalJson(std::string_view text, search::Proposal& p) {
    auto parsed = detail::parseJsonText(text);
    if (!parsed.tree || !parsed.tree->is_object())
        return false;
    const Json& j = *parsed.tree;
    // Not j.value("origin", ""): it throws when the stored value is not a string (found by the
    // 10^6 search_json fuzz run: an array there ended the program).
    const auto origin = j.find("origin");
    p.origin = origin != j.end() && origin->is_string() ? origin->get<std::string>() : std::string();
    p.predictedValue.reset();
    p.predictedStdDev.reset();
    if (j.contains("predicted") && j.at("predicted").is_number())
        p.predictedValue = j.at("predicted").get<double>();
    if (j.contains("predictedStdDev") && j.at("predictedStdDev").is_number())
        p.predictedStdDev = j.at("predictedStdDev").get<double>();
    return true;
}

std::string trainingKeyJson(const TransformerSpec& model, const search::TrainingSettings& t) {
    TransformerSpec canonical = model;
    canonical.canonicalize();
    canonical.name.clear();
    Json j = trainingJson(t);
    j.erase("threads"); // how many threads trained it does not change what was trained
    j.erase("dataDir");
    j["model"] = detail::transformerJson(canonical);
    return j.dump();
}

std::string sparsityProfileText(const SparsityProfile& profile) {
    return detail::sparsityProfileJson(profile).dump();
}

} // namespace tcw::io
