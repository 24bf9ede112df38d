// Building a search's configuration from names and text: shared by tcw search and the GUI.
#include "search_request.h"

#include "devices/device_library.h"

#include "trained_accuracy.h"

#include "io/files.h"
#include "io/search_json.h"

#include <sstream>

namespace tcw::codesign {

namespace {

namespace fs = std::filesystem;
using search::Metric;

const char* const kMetricNames = "accuracy, latency, dynamic-energy, leakage-energy, energy, area, power, robustness";

template <typename T>
std::optional<T> resolveOne(io::Loaded<io::Document> doc, const std::string& what, std::vector<std::string>& errors) {
    if (!doc) {
        errors.push_back(doc.errors.toString());
        return std::nullopt;
    }
    if (!std::holds_alternative<T>(*doc.value)) {
        errors.push_back(what + " is a " + std::string(io::documentKindName(io::documentKind(*doc.value))) +
                         ", not the kind needed");
        return std::nullopt;
    }
    return std::get<T>(*doc.value);
}

// Objectives: the TransCODE preset, explicit weights (weighted sum) or Pareto.
void buildObjectives(const SearchRequest& r, search::SearchConfig& c, std::vector<std::string>& errors) {
    const auto weights = splitList(r.weights);
    const auto names = splitList(r.objectives);
    if (weights.size() == 1 && weights[0] == "transcode") {
        c.objectives = search::transcodeReferenceObjective();
        if (!names.empty())
            errors.push_back("weights 'transcode' set their own objectives (accuracy, latency, dynamic and leakage "
                             "energy); leave out the objectives");
    } else {
        c.objectives.metrics.clear();
        for (const auto& n :
             names.empty() ? std::vector<std::string>{"accuracy", "latency", "energy", "area"} : names) {
            if (const auto m = search::metricFromName(n))
                c.objectives.metrics.push_back(*m);
            else
                errors.push_back("objectives: unknown metric '" + n + "' (" + kMetricNames + ")");
        }
        c.objectives.weights.clear();
        c.objectives.normalisers.clear();
        for (Metric m : c.objectives.metrics) {
            c.objectives.weights.push_back(search::referenceWeight(m));
            c.objectives.normalisers.push_back(search::referenceNormaliser(m));
        }
        c.objectives.scalarisation = search::Scalarisation::Pareto;
        if (!weights.empty()) {
            if (weights.size() != c.objectives.metrics.size()) {
                errors.push_back("weights: give one weight per objective (" +
                                 std::to_string(c.objectives.metrics.size()) + "), or 'transcode'");
            } else {
                try {
                    for (std::size_t i = 0; i < weights.size(); ++i)
                        c.objectives.weights[i] = std::stod(weights[i]);
                    c.objectives.scalarisation = search::Scalarisation::WeightedSum;
                } catch (const std::exception&) {
                    errors.push_back("weights: numbers, or 'transcode'");
                }
            }
        }
    }
    if (!r.normalisers.empty()) {
        if (r.normalisers.size() != c.objectives.metrics.size())
            errors.push_back("normalisers: give one per objective (" + std::to_string(c.objectives.metrics.size()) +
                             ")");
        else
            c.objectives.normalisers = r.normalisers;
    }
    if (r.mode != "inference" && r.mode != "training")
        errors.push_back("mode '" + r.mode + "' is not inference or training");
    c.objectives.mode = r.mode == "training" ? SimMode::Training : SimMode::Inference;
    for (const auto& text : r.constraints) {
        std::string error;
        if (const auto k = parseConstraint(text, &error))
            c.objectives.constraints.push_back(*k);
        else
            errors.push_back(error);
    }
}

} // namespace

std::vector<std::string> splitList(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) {
        std::stringstream in(item);
        std::string part;
        while (std::getline(in, part, ','))
            if (!part.empty())
                out.push_back(part);
    }
    return out;
}

std::optional<search::Constraint> parseConstraint(const std::string& text, std::string* error) {
    auto fail = [&](std::string message) -> std::optional<search::Constraint> {
        if (error)
            *error = std::move(message);
        return std::nullopt;
    };
    const auto at = text.find_first_of("<>");
    if (at == std::string::npos || at + 1 >= text.size() || text[at + 1] != '=')
        return fail("constraint '" + text + "': write METRIC<=VALUE or accuracy>=VALUE");
    const auto metric = search::metricFromName(text.substr(0, at));
    if (!metric)
        return fail("constraint '" + text + "': unknown metric '" + text.substr(0, at) + "' (" + kMetricNames + ")");
    if ((text[at] == '>') != search::isMaximised(*metric))
        return fail("constraint '" + text +
                    "': accuracy takes a lower bound (>=), every other metric an upper bound (<=)");
    try {
        std::size_t used = 0;
        const std::string number = text.substr(at + 2);
        const double bound = std::stod(number, &used);
        if (used != number.size())
            throw std::invalid_argument("trailing text");
        return search::Constraint{*metric, bound};
    } catch (const std::exception&) {
        return fail("constraint '" + text + "': the bound must be a number (in s, nJ, mm², mW or a fraction)");
    }
}

BuiltConfig buildSearchConfig(const SearchRequest& r, const fs::path& dataDir) {
    BuiltConfig out;
    std::vector<std::string>& errors = out.errors;
    search::SearchConfig c;
    c.algorithm = r.algorithm;
    c.budget = r.budget;
    c.seed = r.seed;
    c.modelSpaceName = r.modelSpace;
    c.acceleratorSpaceName = r.acceleratorSpace;
    if (const auto models = resolveOne<TransformerSpace>(io::resolveSpace(r.modelSpace, dataDir),
                                                         "model space '" + r.modelSpace + "'", errors))
        c.modelSpace = *models;
    if (const auto accelerators = resolveOne<AcceleratorSpace>(
            io::resolveSpace(r.acceleratorSpace, dataDir), "accelerator space '" + r.acceleratorSpace + "'", errors))
        c.acceleratorSpace = *accelerators;
    if (!r.fixModel.empty()) {
        if (const auto m = io::resolveTransformer(r.fixModel, dataDir))
            c.fixedModel = *m;
        else
            errors.push_back(m.errors.toString());
    }
    if (!r.fixAccelerator.empty()) {
        if (const auto a = io::resolveAccelerator(r.fixAccelerator, dataDir))
            c.fixedAccelerator = a->spec;
        else
            errors.push_back(a.errors.toString());
    }
    buildObjectives(r, c, errors);

    if (const auto cost = costModelFromName(r.costModel))
        c.costModel = *cost;
    else
        errors.push_back("cost model '" + r.costModel + "' is not elector or acceltran-fast");
    if (const auto accuracy = search::accuracySourceKindFromName(r.accuracy))
        c.accuracy = *accuracy;
    else
        errors.push_back("accuracy '" + r.accuracy + "' is not predicted, imported or trained");
    c.accuracyTable = r.accuracyTable;
    c.training.dataset = r.data;
    c.training.dataDir = r.dataDir;
    c.training.patch = r.patch;
    c.training.steps = r.trainSteps;
    c.training.batchSize = r.trainBatch;
    c.training.learningRate = r.trainLearningRate;
    c.training.tauActivation = r.tauAct;
    c.training.tauGradient = r.tauGrad;
    c.training.seed = r.trainSeed;
    c.training.maxTrain = r.maxTrain;
    c.training.maxTest = r.maxTest;
    if (c.accuracy == search::AccuracySourceKind::Trained || c.accuracyTable == "workspace")
        c.task = taskShapeFor(c.training); // simulate the task the models are (were) trained on
    if (r.sequenceLength > 0)
        c.task.sequenceLength = r.sequenceLength;
    if (r.vocabulary > 0)
        c.task.vocabularySize = r.vocabulary;
    if (r.classes > 0)
        c.task.numClasses = r.classes;

    c.initialPairs = r.initial;
    c.queriesPerStep = r.queries;
    c.candidatesPerStep = r.candidates;
    c.patience = r.patience;
    c.populationSize = r.population;
    if (const auto kind = search::robustnessKindFromName(r.robustnessKind)) // issue 15
        c.robustness.kind = *kind;
    else
        errors.push_back("--robustness-kind '" + r.robustnessKind + "' is not bitflip or noise");
    // Only the kind's own number is stored; the other keeps its default (a configuration then
    // equals itself read back, and a resumed search compares equal).
    if (c.robustness.kind == search::RobustnessKind::ActivationNoise)
        c.robustness.sigma = r.robustnessSigma;
    else
        c.robustness.rate = r.robustnessRate;
    c.robustness.seeds = r.robustnessSeeds;
    c.robustness.maxTestExamples = r.maxTest;
    // Issue 15: a union of target kinds and precisions as search dimensions.
    const std::vector<std::string> precisions = splitList(r.precisions);
    if (!r.targets.empty() || !precisions.empty()) {
        std::string error, deviceSet;
        if (const auto kinds = search::parseTargetKinds(r.targets.empty() ? "elector" : r.targets, &error, &deviceSet))
            c.targets.kinds = *kinds;
        else
            errors.push_back(error);
        if (!deviceSet.empty()) { // issue 14: measured devices mixed with accelerator kinds
            std::string setError;
            c.targets.devices = devices::deviceSet(deviceSet, dataDir, setError);
            if (c.targets.devices.empty())
                errors.push_back("--targets: " + (setError.empty() ? "no device in '" + deviceSet + "'" : setError));
        }
        c.targets.precisions = precisions;
        if (c.targets.has(TargetKind::Bat)) {
            if (const auto bat = io::resolveBatSpace(r.batSpace, dataDir))
                c.targets.bat = *bat;
            else
                errors.push_back("--bat-space '" + r.batSpace + "': " + bat.errors.toString());
        }
    }
    for (auto& problem : search::validate(c))
        errors.push_back(std::move(problem));
    if (errors.empty())
        out.config = std::move(c);
    return out;
}

} // namespace tcw::codesign
