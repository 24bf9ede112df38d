// The workspace's stored JSON blobs: evaluation options, training curves, training
// configurations, search state.
#include "record_json.h"

#include "sim_result_json.h"
#include "tree.h"

#include <cmath>
#include <cstdio>

namespace tcw::io {

namespace {

using detail::Json;

Json dumpable(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

// Reads a blob that must be a JSON object; errors name `where`.
template <typename T> std::optional<Json> objectOf(std::string_view text, const std::string& where, Loaded<T>& out) {
    out.errors.file = where;
    auto parsed = detail::parseJsonText(text);
    if (!parsed.tree) {
        out.errors.errors = std::move(parsed.errors);
        return std::nullopt;
    }
    if (!parsed.tree->is_object()) {
        out.errors.errors.push_back({"", "must be a JSON object, got " + detail::describe(*parsed.tree)});
        return std::nullopt;
    }
    return std::move(parsed.tree);
}

// The blobs' fields are read with detail::ObjectReader::storedBlob: an absent or null key keeps
// the field; a key of the wrong type is an error naming it and what it must be.
using detail::ObjectReader;

} // namespace

// ---------------------------------------------------------------- evaluation options

namespace {
// SparsitySource::Kind's names, in its order.
const std::vector<std::string> kSparsityKinds = {"none", "scalars", "training-run"};

// The "sparsitySource" object; errors name "sparsitySource.…" and what is allowed.
std::optional<SparsitySource> readSparsitySource(const Json& j, ValidationErrors& errors) {
    const std::size_t before = errors.size();
    auto r = ObjectReader::storedBlob(j, "sparsitySource", errors);
    SparsitySource s;
    if (const auto kind = r.choice("kind", kSparsityKinds))
        s.kind = static_cast<SparsitySource::Kind>(*kind);
    if (s.kind == SparsitySource::Kind::Scalars) {
        r.read("activation", s.activation);
        r.read("weight", s.weight);
        r.read("gradient", s.gradient);
    } else if (s.kind == SparsitySource::Kind::TrainingRun) {
        std::int64_t run = -1;
        r.read("runId", run);
        if (run >= 0)
            s.runId = run;
    }
    if (errors.size() != before)
        return std::nullopt;
    return s;
}
} // namespace

SparsitySource SparsitySource::scalarsOf(const SparsitySettings& settings) {
    SparsitySource s;
    s.kind = Kind::Scalars;
    s.activation = settings.activation;
    s.weight = settings.weight;
    s.gradient = settings.gradient;
    return s;
}

SparsitySource SparsitySource::trainingRun(std::optional<std::int64_t> runId) {
    SparsitySource s;
    s.kind = Kind::TrainingRun;
    s.runId = runId;
    return s;
}

std::string sparsitySourceText(const SparsitySource& s) {
    switch (s.kind) {
    case SparsitySource::Kind::Scalars: {
        char text[96];
        std::snprintf(text, sizeof text, "scalars %g/%g/%g", s.activation, s.weight, s.gradient);
        return text;
    }
    case SparsitySource::Kind::TrainingRun:
        return s.runId ? "measured by training run " + std::to_string(*s.runId) : "measured by training";
    case SparsitySource::Kind::None:
        break;
    }
    return "dense";
}

EvaluationOptions evaluationOptionsOf(const TaskShape& task, const SparsitySource& source) {
    EvaluationOptions o;
    o.task = task;
    o.sparsity = sparsitySourceText(source);
    o.sparsitySource = source;
    return o;
}

std::string evaluationOptionsJson(const EvaluationOptions& o) {
    Json j = {{"task",
               {{"sequenceLength", o.task.sequenceLength},
                {"vocabularySize", o.task.vocabularySize},
                {"numClasses", o.task.numClasses},
                {"patchInputSize", o.task.patchInputSize}}}};
    if (!o.sparsity.empty())
        j["sparsity"] = o.sparsity;
    if (const auto& s = o.sparsitySource) {
        Json source = {{"kind", kSparsityKinds[static_cast<std::size_t>(s->kind)]}};
        if (s->kind == SparsitySource::Kind::Scalars) {
            source["activation"] = s->activation;
            source["weight"] = s->weight;
            source["gradient"] = s->gradient;
        } else if (s->kind == SparsitySource::Kind::TrainingRun && s->runId) {
            source["runId"] = *s->runId;
        }
        j["sparsitySource"] = std::move(source);
    }
    j["costModelRevision"] = o.costModelRevision;
    return j.dump();
}

Loaded<EvaluationOptions> parseEvaluationOptions(std::string_view text, const std::string& where) {
    Loaded<EvaluationOptions> out;
    const auto j = objectOf(text, where, out);
    if (!j)
        return out;
    EvaluationOptions o;
    o.costModelRevision = 0; // written before revisions were recorded
    auto top = ObjectReader::storedBlob(*j, "", out.errors.errors);
    if (const Json* task = top.object("task")) {
        auto r = ObjectReader::storedBlob(*task, "task", out.errors.errors);
        r.read("sequenceLength", o.task.sequenceLength);
        r.read("vocabularySize", o.task.vocabularySize);
        r.read("numClasses", o.task.numClasses);
        r.read("patchInputSize", o.task.patchInputSize);
    }
    top.read("sparsity", o.sparsity);
    if (const Json* source = top.object("sparsitySource"))
        o.sparsitySource = readSparsitySource(*source, out.errors.errors);
    top.read("costModelRevision", o.costModelRevision);
    if (out.errors.ok())
        out.value = std::move(o);
    return out;
}

store::EvaluationRecord evaluationRecordOf(const SimResult& r, const SimOptions& options,
                                           const std::optional<SparsitySource>& source) {
    store::EvaluationRecord e;
    e.costModel = std::string(costModelName(options.costModel));
    e.mode = std::string(simModeName(options.mode));
    if (source)
        e.optionsJson = evaluationOptionsJson(evaluationOptionsOf(options.task, *source));
    else if (!options.sparsity.profile)
        e.optionsJson =
            evaluationOptionsJson(evaluationOptionsOf(options.task, SparsitySource::scalarsOf(options.sparsity)));
    else
        e.optionsJson = evaluationOptionsJson({options.task});
    e.cycles = r.cycles;
    e.latencySeconds = r.latencySeconds();
    e.energyDynamicNJ = r.dynamicEnergyNJ();
    e.energyLeakageNJ = r.leakageEnergyNJ();
    e.areaMM2 = r.totalAreaMM2();
    e.peakPowerMW = r.peakPowerMW;
    e.feasible = r.feasible;
    e.infeasibleReason = r.infeasibleSummary();
    e.provenance = store::MetricsProvenance::Simulated;
    if (r.ops.empty()) {
        e.breakdownJson = simResultJson(r, -1);
    } else {
        SimResult totals = r;
        totals.ops.clear();
        e.breakdownJson = simResultJson(totals, -1);
    }
    return e;
}

SimOptions simOptionsOf(const store::EvaluationRecord& evaluation) {
    SimOptions o;
    o.mode = simModeFromName(evaluation.mode).value_or(SimMode::Inference);
    o.costModel = costModelFromName(evaluation.costModel).value_or(CostModelKind::Elector);
    if (const auto stored = parseEvaluationOptions(evaluation.optionsJson, "evaluation options"))
        o.task = stored->task;
    return o;
}

// ---------------------------------------------------------------- training curves

std::string trainingCurveJson(const std::vector<search::TrainingCurvePoint>& curve) {
    Json points = Json::array();
    for (const auto& p : curve)
        points.push_back({{"step", p.step},
                          {"epoch", p.epoch},
                          {"trainLoss", dumpable(p.trainLoss)},
                          {"trainAccuracy", dumpable(p.trainAccuracy)},
                          {"learningRate", dumpable(p.learningRate)},
                          {"activationSparsity", dumpable(p.activationSparsity)},
                          {"activationGradientSparsity", dumpable(p.activationGradientSparsity)},
                          {"weightGradientSparsity", dumpable(p.weightGradientSparsity)},
                          {"elapsedSeconds", dumpable(p.elapsedSeconds)},
                          {"testLoss", p.testLoss ? dumpable(*p.testLoss) : Json(nullptr)},
                          {"testAccuracy", p.testAccuracy ? dumpable(*p.testAccuracy) : Json(nullptr)}});
    return Json{{"points", std::move(points)}}.dump();
}

Loaded<std::vector<search::TrainingCurvePoint>> parseTrainingCurve(std::string_view text, const std::string& where) {
    Loaded<std::vector<search::TrainingCurvePoint>> out;
    const auto j = objectOf(text, where, out);
    if (!j)
        return out;
    std::vector<search::TrainingCurvePoint> curve;
    const auto points = j->find("points");
    if (points != j->end() && !points->is_array()) {
        out.errors.errors.push_back({"points", "must be a list, got " + detail::describe(*points)});
        return out;
    }
    if (points != j->end()) {
        for (std::size_t i = 0; i < points->size(); ++i) {
            const std::string path = "points[" + std::to_string(i) + "]";
            const Json& p = (*points)[i];
            if (!p.is_object()) {
                out.errors.errors.push_back({path, "must be an object, got " + detail::describe(p)});
                continue;
            }
            search::TrainingCurvePoint q;
            auto r = ObjectReader::storedBlob(p, path, out.errors.errors);
            r.read("step", q.step);
            r.read("epoch", q.epoch);
            r.read("trainLoss", q.trainLoss);
            r.read("trainAccuracy", q.trainAccuracy);
            r.read("learningRate", q.learningRate);
            r.read("activationSparsity", q.activationSparsity);
            r.read("activationGradientSparsity", q.activationGradientSparsity);
            r.read("weightGradientSparsity", q.weightGradientSparsity);
            r.read("elapsedSeconds", q.elapsedSeconds);
            r.read("testLoss", q.testLoss);
            r.read("testAccuracy", q.testAccuracy);
            curve.push_back(q);
        }
    }
    if (out.errors.ok())
        out.value = std::move(curve);
    return out;
}

// ---------------------------------------------------------------- training configurations

std::string trainingRequestJson(const TrainingRequest& o, const std::string& modelName,
                                const std::filesystem::path& runDirectory) {
    auto optional = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
    Json j = {{"model", modelName},
              {"data",
               {{"name", o.data.name},
                {"dataDir", o.data.dataDir},
                {"vocabulary", o.data.vocabulary},
                {"patch", o.data.patch},
                {"sequenceLength", o.data.sequenceLength},
                {"maxTrain", o.data.maxTrain},
                {"maxTest", o.data.maxTest},
                {"maxPerClass", o.data.maxPerClass},
                {"seed", o.data.seed}}},
              {"epochs", o.epochs},
              {"steps", o.steps},
              {"batchSize", o.batch},
              {"optimizer", o.sgd ? "sgd" : "adamw"},
              {"learningRate", o.learningRate},
              {"weightDecay", o.weightDecay},
              {"warmupFraction", o.warmupFraction},
              {"maxGradNorm", o.maxGradNorm},
              {"tauActivation", o.tauActivation},
              {"tauGradient", o.tauGradient},
              {"targetActivationSparsity", optional(o.targetActivationSparsity)},
              {"targetGradientSparsity", optional(o.targetGradientSparsity)},
              {"pruneActivationGradients", o.pruneActivationGradients},
              {"pruneWeightGradients", o.pruneWeightGradients},
              {"stochasticActivationGradients", o.stochasticActivationGradients},
              {"bf16Matmul", o.bf16},
              {"forceBf16Matmul", o.forceBf16},
              {"denseBackward", o.denseBackward},
              {"sparseMaxDensity", o.sparseMaxDensity},
              {"threads", o.threads},
              {"seed", o.seed},
              {"logEverySteps", o.logEverySteps},
              {"evalEverySteps", o.evalEverySteps},
              {"evalMaxExamples", o.evalMaxExamples},
              {"checkpointEverySteps", o.checkpointEverySteps},
              {"resumeFrom", o.resumeFrom},
              {"activationLsq", o.activationLsq}, // issue 15
              {"activationScaleLearningRate", o.activationScaleLearningRate},
              {"teacher", o.teacher},
              {"teacherPrecision", o.teacherPrecision},
              {"distillLogitWeight", o.distillLogitWeight},
              {"distillHiddenWeight", o.distillHiddenWeight},
              {"distillTemperature", o.distillTemperature},
              {"runDirectory", runDirectory.string()},
              {"checkpoint", (runDirectory / "checkpoint.bin").string()}};
    return j.dump();
}

Loaded<StoredTrainingConfig> parseTrainingConfig(std::string_view text, const std::string& where) {
    Loaded<StoredTrainingConfig> out;
    const auto j = objectOf(text, where, out);
    if (!j)
        return out;
    StoredTrainingConfig c;
    TrainingRequest& o = c.request;
    auto r = ObjectReader::storedBlob(*j, "", out.errors.errors);
    if (j->contains("dataset")) { // a search's trained-accuracy key
        r.read("dataset", o.data.name);
        r.read("dataDir", o.data.dataDir);
        r.read("patch", o.data.patch);
        r.read("maxTrain", o.data.maxTrain);
        r.read("maxTest", o.data.maxTest);
        r.read("seed", o.data.seed);
    } else {
        if (const auto model = j->find("model"); model != j->end() && model->is_string())
            c.modelName = model->get<std::string>();
        if (const Json* data = r.object("data")) {
            auto d = ObjectReader::storedBlob(*data, "data", out.errors.errors);
            d.read("name", o.data.name);
            d.read("dataDir", o.data.dataDir);
            d.read("vocabulary", o.data.vocabulary);
            d.read("patch", o.data.patch);
            d.read("sequenceLength", o.data.sequenceLength);
            d.read("maxTrain", o.data.maxTrain);
            d.read("maxTest", o.data.maxTest);
            d.read("maxPerClass", o.data.maxPerClass);
            d.read("seed", o.data.seed);
        }
        std::string optimizer = "adamw";
        r.read("optimizer", optimizer);
        if (optimizer != "adamw" && optimizer != "sgd")
            out.errors.errors.push_back({"optimizer", "must be adamw or sgd, got '" + optimizer + "'"});
        o.sgd = optimizer == "sgd";
        r.read("epochs", o.epochs);
        r.read("weightDecay", o.weightDecay);
        r.read("warmupFraction", o.warmupFraction);
        r.read("maxGradNorm", o.maxGradNorm);
        r.read("targetActivationSparsity", o.targetActivationSparsity);
        r.read("targetGradientSparsity", o.targetGradientSparsity);
        r.read("pruneActivationGradients", o.pruneActivationGradients);
        r.read("pruneWeightGradients", o.pruneWeightGradients);
        r.read("stochasticActivationGradients", o.stochasticActivationGradients);
        r.read("bf16Matmul", o.bf16);
        r.read("forceBf16Matmul", o.forceBf16);
        r.read("denseBackward", o.denseBackward);
        o.sparseMaxDensity = 0.1; // absent in records before issue 20's kernels: read as their first default
        r.read("sparseMaxDensity", o.sparseMaxDensity);
        r.read("logEverySteps", o.logEverySteps);
        r.read("evalEverySteps", o.evalEverySteps);
        r.read("evalMaxExamples", o.evalMaxExamples);
        r.read("checkpointEverySteps", o.checkpointEverySteps);
        r.read("resumeFrom", o.resumeFrom);
        r.read("activationLsq", o.activationLsq); // issue 15
        r.read("activationScaleLearningRate", o.activationScaleLearningRate);
        r.read("teacher", o.teacher);
        r.read("teacherPrecision", o.teacherPrecision);
        r.read("distillLogitWeight", o.distillLogitWeight);
        r.read("distillHiddenWeight", o.distillHiddenWeight);
        r.read("distillTemperature", o.distillTemperature);
        r.read("runDirectory", c.runDirectory);
    }
    r.read("steps", o.steps);
    r.read("batchSize", o.batch);
    r.read("learningRate", o.learningRate);
    r.read("tauActivation", o.tauActivation);
    r.read("tauGradient", o.tauGradient);
    r.read("threads", o.threads);
    r.read("seed", o.seed);
    if (out.errors.ok())
        out.value = std::move(c);
    return out;
}

// ---------------------------------------------------------------- search state

std::string searchStateJson(const SearchState& s) {
    return Json{{"trialsCommitted", s.trialsCommitted},
                {"status", s.status},
                {"random", "counter-based: each draw seeded by splitmix64(seed, stream, index); the state is the "
                           "stored trials"}}
        .dump();
}

Loaded<SearchState> parseSearchState(std::string_view text, const std::string& where) {
    Loaded<SearchState> out;
    const auto j = objectOf(text, where, out);
    if (!j)
        return out;
    SearchState s;
    auto r = ObjectReader::storedBlob(*j, "", out.errors.errors);
    r.read("trialsCommitted", s.trialsCommitted);
    r.read("status", s.status);
    if (s.trialsCommitted < 0)
        out.errors.errors.push_back({"trialsCommitted", "must be 0 or more, got " + std::to_string(s.trialsCommitted)});
    if (out.errors.ok())
        out.value = s;
    return out;
}

} // namespace tcw::io
