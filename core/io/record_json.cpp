// The workspace's stored JSON blobs: evaluation options, training curves, training
// configurations, search state.
#include "record_json.h"

#include "sim_result_json.h"
#include "tree.h"

#include <cmath>

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

// Field readers: an absent or null key keeps `field`; a key of the wrong type is an error.
class Reader {
public:
    Reader(const Json& object, std::string prefix, ValidationErrors& errors)
        : m_object(object), m_prefix(std::move(prefix)), m_errors(errors) {}

    template <typename T> void integer(const char* key, T& field) {
        if (const Json* v = find(key)) {
            if (v->is_number_integer())
                field = v->get<T>();
            else
                wrong(key, "an integer", *v);
        }
    }
    void number(const char* key, double& field) {
        if (const Json* v = find(key)) {
            if (v->is_number())
                field = v->get<double>();
            else
                wrong(key, "a number", *v);
        }
    }
    void number(const char* key, float& field) {
        double d = field;
        number(key, d);
        field = static_cast<float>(d);
    }
    void number(const char* key, std::optional<double>& field) {
        if (const Json* v = find(key)) {
            if (v->is_number())
                field = v->get<double>();
            else
                wrong(key, "a number or null", *v);
        }
    }
    void text(const char* key, std::string& field) {
        if (const Json* v = find(key)) {
            if (v->is_string())
                field = v->get<std::string>();
            else
                wrong(key, "a string", *v);
        }
    }
    void flag(const char* key, bool& field) {
        if (const Json* v = find(key)) {
            if (v->is_boolean())
                field = v->get<bool>();
            else
                wrong(key, "true or false", *v);
        }
    }
    const Json* object(const char* key) {
        const Json* v = find(key);
        if (v && !v->is_object()) {
            wrong(key, "an object", *v);
            return nullptr;
        }
        return v;
    }
    std::string path(const char* key) const { return m_prefix.empty() ? key : m_prefix + "." + key; }

private:
    const Json* find(const char* key) const {
        const auto it = m_object.find(key);
        return it == m_object.end() || it->is_null() ? nullptr : &*it;
    }
    void wrong(const char* key, const char* expected, const Json& got) {
        m_errors.push_back({path(key), std::string("must be ") + expected + ", got " + detail::describe(got)});
    }

    const Json& m_object;
    std::string m_prefix;
    ValidationErrors& m_errors;
};

} // namespace

// ---------------------------------------------------------------- evaluation options

std::string evaluationOptionsJson(const EvaluationOptions& o) {
    Json j = {{"task",
               {{"sequenceLength", o.task.sequenceLength},
                {"vocabularySize", o.task.vocabularySize},
                {"numClasses", o.task.numClasses},
                {"patchInputSize", o.task.patchInputSize}}}};
    if (!o.sparsity.empty())
        j["sparsity"] = o.sparsity;
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
    Reader top(*j, "", out.errors.errors);
    if (const Json* task = top.object("task")) {
        Reader r(*task, "task", out.errors.errors);
        r.integer("sequenceLength", o.task.sequenceLength);
        r.integer("vocabularySize", o.task.vocabularySize);
        r.integer("numClasses", o.task.numClasses);
        r.integer("patchInputSize", o.task.patchInputSize);
    }
    top.text("sparsity", o.sparsity);
    top.integer("costModelRevision", o.costModelRevision);
    if (out.errors.ok())
        out.value = std::move(o);
    return out;
}

store::EvaluationRecord evaluationRecordOf(const SimResult& r, const SimOptions& options,
                                           const std::string& sparsityNote) {
    store::EvaluationRecord e;
    e.costModel = std::string(costModelName(options.costModel));
    e.mode = std::string(simModeName(options.mode));
    e.optionsJson = evaluationOptionsJson({options.task, sparsityNote});
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
            Reader r(p, path, out.errors.errors);
            r.integer("step", q.step);
            r.integer("epoch", q.epoch);
            r.number("trainLoss", q.trainLoss);
            r.number("trainAccuracy", q.trainAccuracy);
            r.number("learningRate", q.learningRate);
            r.number("activationSparsity", q.activationSparsity);
            r.number("activationGradientSparsity", q.activationGradientSparsity);
            r.number("weightGradientSparsity", q.weightGradientSparsity);
            r.number("elapsedSeconds", q.elapsedSeconds);
            r.number("testLoss", q.testLoss);
            r.number("testAccuracy", q.testAccuracy);
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
    Reader r(*j, "", out.errors.errors);
    if (j->contains("dataset")) { // a search's trained-accuracy key
        r.text("dataset", o.data.name);
        r.text("dataDir", o.data.dataDir);
        r.integer("patch", o.data.patch);
        r.integer("maxTrain", o.data.maxTrain);
        r.integer("maxTest", o.data.maxTest);
        r.integer("seed", o.data.seed);
    } else {
        if (const auto model = j->find("model"); model != j->end() && model->is_string())
            c.modelName = model->get<std::string>();
        if (const Json* data = r.object("data")) {
            Reader d(*data, "data", out.errors.errors);
            d.text("name", o.data.name);
            d.text("dataDir", o.data.dataDir);
            d.text("vocabulary", o.data.vocabulary);
            d.integer("patch", o.data.patch);
            d.integer("sequenceLength", o.data.sequenceLength);
            d.integer("maxTrain", o.data.maxTrain);
            d.integer("maxTest", o.data.maxTest);
            d.integer("maxPerClass", o.data.maxPerClass);
            d.integer("seed", o.data.seed);
        }
        std::string optimizer = "adamw";
        r.text("optimizer", optimizer);
        if (optimizer != "adamw" && optimizer != "sgd")
            out.errors.errors.push_back({"optimizer", "must be adamw or sgd, got '" + optimizer + "'"});
        o.sgd = optimizer == "sgd";
        r.integer("epochs", o.epochs);
        r.number("weightDecay", o.weightDecay);
        r.number("warmupFraction", o.warmupFraction);
        r.number("maxGradNorm", o.maxGradNorm);
        r.number("targetActivationSparsity", o.targetActivationSparsity);
        r.number("targetGradientSparsity", o.targetGradientSparsity);
        r.flag("pruneActivationGradients", o.pruneActivationGradients);
        r.flag("pruneWeightGradients", o.pruneWeightGradients);
        r.flag("stochasticActivationGradients", o.stochasticActivationGradients);
        r.flag("bf16Matmul", o.bf16);
        r.flag("forceBf16Matmul", o.forceBf16);
        r.flag("denseBackward", o.denseBackward);
        o.sparseMaxDensity = 0.1; // absent in records before issue 20's kernels: read as their first default
        r.number("sparseMaxDensity", o.sparseMaxDensity);
        r.integer("logEverySteps", o.logEverySteps);
        r.integer("evalEverySteps", o.evalEverySteps);
        r.integer("evalMaxExamples", o.evalMaxExamples);
        r.integer("checkpointEverySteps", o.checkpointEverySteps);
        r.text("resumeFrom", o.resumeFrom);
        r.flag("activationLsq", o.activationLsq); // issue 15
        r.number("activationScaleLearningRate", o.activationScaleLearningRate);
        r.text("teacher", o.teacher);
        r.text("teacherPrecision", o.teacherPrecision);
        r.number("distillLogitWeight", o.distillLogitWeight);
        r.number("distillHiddenWeight", o.distillHiddenWeight);
        r.number("distillTemperature", o.distillTemperature);
        r.text("runDirectory", c.runDirectory);
    }
    r.integer("steps", o.steps);
    r.integer("batchSize", o.batch);
    r.number("learningRate", o.learningRate);
    r.number("tauActivation", o.tauActivation);
    r.number("tauGradient", o.tauGradient);
    r.integer("threads", o.threads);
    r.integer("seed", o.seed);
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
    Reader r(*j, "", out.errors.errors);
    r.integer("trialsCommitted", s.trialsCommitted);
    r.text("status", s.status);
    if (s.trialsCommitted < 0)
        out.errors.errors.push_back({"trialsCommitted", "must be 0 or more, got " + std::to_string(s.trialsCommitted)});
    if (out.errors.ok())
        out.value = s;
    return out;
}

} // namespace tcw::io
