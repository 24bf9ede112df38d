// Training jobs: request → data → configuration → run files → workspace records.
#include "training_job.h"

#include "io/files.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "io/sim_result_json.h"
#include "sim/cost_model.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tcw::codesign {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Keeps the first n examples of a text split (n ≤ 0: all).
void capSplit(train::Dataset::Split& split, std::int64_t n, int sequenceLength) {
    if (n <= 0 || n >= split.count)
        return;
    split.count = n;
    split.tokens.resize(static_cast<std::size_t>(n) * sequenceLength);
    split.labels.resize(static_cast<std::size_t>(n));
}

train::Dataset loadUncapped(const TrainingDataRequest& o) {
    if (o.name == "fashion-mnist")
        return train::loadFashionMnist(o.dataDir.empty() ? train::kFashionMnistDefaultDir : o.dataDir, o.patch,
                                       o.maxTrain, o.maxTest);
    if (o.name == "fortunes") {
        train::FortunesOptions f;
        if (!o.dataDir.empty())
            f.root = o.dataDir;
        if (o.sequenceLength > 0)
            f.sequenceLength = o.sequenceLength;
        f.maxPerClass = o.maxPerClass;
        f.seed = o.seed;
        return train::loadFortunes(f);
    }
    if (o.name == "listops") {
        train::ListOpsOptions l;
        l.seed = o.seed;
        if (o.maxTrain > 0)
            l.trainCount = o.maxTrain;
        if (o.maxTest > 0)
            l.testCount = o.maxTest;
        if (o.sequenceLength > 0)
            l.sequenceLength = o.sequenceLength;
        return train::makeListOps(l);
    }
    if (o.name.rfind("tsv:", 0) == 0) {
        train::TextOptions t;
        t.vocabularyFile = o.vocabulary;
        if (o.sequenceLength > 0)
            t.sequenceLength = o.sequenceLength;
        return train::loadGlueTsv(o.name.substr(4), t);
    }
    throw std::invalid_argument("--data '" + o.name + "': expected fashion-mnist, fortunes, listops or tsv:DIR");
}

std::string utcNow(const char* format) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

Json number(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json curvePointsJson(const std::vector<train::CurvePoint>& curve) {
    Json points = Json::array();
    for (const auto& p : curve)
        points.push_back({{"step", p.step},
                          {"epoch", p.epoch},
                          {"trainLoss", p.trainLoss},
                          {"trainAccuracy", p.trainAccuracy},
                          {"learningRate", p.learningRate},
                          {"activationSparsity", p.activationSparsity},
                          {"activationGradientSparsity", p.activationGradientSparsity},
                          {"weightGradientSparsity", p.weightGradientSparsity},
                          {"elapsedSeconds", p.elapsedSeconds},
                          {"testLoss", number(p.testLoss)},
                          {"testAccuracy", number(p.testAccuracy)}});
    return points;
}

// The run folder's files are written through io::writeFileOrThrow (temporary file, fsync,
// rename): a full disk is an error naming the file, and the previous file stays. The folder
// belongs to this run (tcw train refuses another run's folder without --force), so its files
// are replaced.
const io::WriteOptions kRunFile{.overwrite = true};

void writeCurvesCsv(const fs::path& path, const std::vector<train::CurvePoint>& curve) {
    std::ostringstream out;
    out << "step,epoch,train_loss,train_accuracy,learning_rate,activation_sparsity,activation_gradient_sparsity,"
           "weight_gradient_sparsity,elapsed_s,test_loss,test_accuracy\n";
    for (const auto& p : curve) {
        out << p.step << ',' << p.epoch << ',' << p.trainLoss << ',' << p.trainAccuracy << ',' << p.learningRate << ','
            << p.activationSparsity << ',' << p.activationGradientSparsity << ',' << p.weightGradientSparsity << ','
            << p.elapsedSeconds << ',';
        if (std::isfinite(p.testLoss))
            out << p.testLoss << ',' << p.testAccuracy;
        else
            out << ',';
        out << '\n';
    }
    io::writeFileOrThrow(path, out.str(), kRunFile);
}

Json countsJson(const train::LayerSparsityCounts& c) {
    Json kinds = Json::object();
    for (int k = 0; k < train::kActivationKindCount; ++k)
        kinds[train::activationKindName(static_cast<train::ActivationKind>(k))] = c.activation[k].fraction();
    return {{"activation", c.activationTotal().fraction()},
            {"activationByKind", kinds},
            {"activationGradient", c.activationGradient.fraction()},
            {"weightGradient", c.weightGradient.fraction()},
            {"weight", c.weight.fraction()}};
}

Json metricsJson(const train::TrainResult& r, const TransformerSpec& spec, const train::Dataset& data,
                 const train::TrainConfig& config) {
    train::LayerSparsityCounts total;
    Json layers = Json::array();
    for (const auto& c : r.accumulated) {
        total.add(c);
        layers.push_back(countsJson(c));
    }
    Json thresholds = Json::array();
    for (std::size_t l = 0; l < r.thresholds.activation.size(); ++l) {
        Json act = Json::object();
        for (int k = 0; k < train::kActivationKindCount; ++k)
            act[train::activationKindName(static_cast<train::ActivationKind>(k))] = r.thresholds.activation[l][k];
        thresholds.push_back({{"activation", act},
                              {"activationGradient", r.thresholds.activationGradient[l]},
                              {"weightGradient", r.thresholds.weightGradient[l]}});
    }
    const auto& dp = config.dynaprop;
    return {{"schemaVersion", 1},
            {"kind", "trainingRun"},
            {"status", train::trainStatusName(r.status)},
            {"message", r.message},
            {"model", spec.name},
            {"data", data.name},
            {"parameters", r.parameterCount},
            {"trainExamples", data.train.count},
            {"testExamples", r.test.examples},
            {"steps", r.steps},
            {"batchSize", config.batchSize},
            {"threads", config.threads},
            {"seed", config.seed},
            {"seconds", r.seconds},
            {"testAccuracy", r.test.accuracy},
            {"testLoss", r.test.loss},
            {"testActivationSparsity", r.test.activationSparsity},
            {"finalTrainLoss", r.finalTrainLoss},
            {"tauActivation", dp.tauActivation},
            {"tauGradient", dp.tauGradient},
            {"targetActivationSparsity", dp.targetActivationSparsity ? Json(*dp.targetActivationSparsity) : Json()},
            {"targetGradientSparsity", dp.targetGradientSparsity ? Json(*dp.targetGradientSparsity) : Json()},
            {"stochasticActivationGradientPruning", dp.stochasticActivationGradients},
            {"bf16Matmul", config.bf16Matmul},
            {"sparsity", countsJson(total)},
            {"sparsityPerLayer", layers},
            {"thresholds", thresholds},
            {"peakActivationMemoryBytes",
             {{"withoutPruning", r.peakActivationMemory.denseBytes},
              {"withPruning", r.peakActivationMemory.compressedBytes}}}};
}

void writeJson(const fs::path& path, const Json& j) {
    io::writeFileOrThrow(path, j.dump(2) + "\n", kRunFile);
}

store::RunStatus storeStatus(train::TrainStatus status) {
    switch (status) {
    case train::TrainStatus::Completed:
        return store::RunStatus::Finished;
    case train::TrainStatus::Cancelled:
        return store::RunStatus::Cancelled;
    case train::TrainStatus::Diverged:
        return store::RunStatus::Failed;
    }
    return store::RunStatus::Failed;
}

std::string taskOptionsJson(const TaskShape& task, const std::string& sparsity) {
    Json j = {{"task",
               {{"sequenceLength", task.sequenceLength},
                {"vocabularySize", task.vocabularySize},
                {"numClasses", task.numClasses},
                {"patchInputSize", task.patchInputSize}}},
              {"sparsity", sparsity}};
    return j.dump();
}

} // namespace

train::Dataset loadTrainingData(const TrainingDataRequest& request) {
    train::Dataset data = loadUncapped(request);
    if (!data.isImage() && request.name != "listops") { // Fashion-MNIST and ListOps cap while loading
        capSplit(data.train, request.maxTrain, data.task.sequenceLength);
        capSplit(data.test, request.maxTest, data.task.sequenceLength);
    }
    return data;
}

train::TrainConfig makeTrainConfig(const TrainingRequest& o, const train::Dataset& data) {
    if (o.batch <= 0)
        throw std::invalid_argument("batch size must be positive, got " + std::to_string(o.batch));
    train::TrainConfig c;
    c.batchSize = o.batch;
    c.steps = o.steps;
    c.epochs = o.epochs;
    c.seed = o.seed;
    c.threads = o.threads;
    c.optimizer.kind = o.sgd ? train::OptimizerKind::Sgd : train::OptimizerKind::AdamW;
    c.optimizer.learningRate = o.learningRate;
    c.optimizer.weightDecay = o.weightDecay;
    c.optimizer.maxGradNorm = o.maxGradNorm;
    const std::int64_t total = o.steps > 0 ? o.steps : std::int64_t(o.epochs) * (data.train.count / o.batch);
    c.optimizer.totalSteps = total;
    c.optimizer.warmupSteps = static_cast<std::int64_t>(o.warmupFraction * static_cast<double>(total));
    c.dynaprop.tauActivation = o.tauActivation;
    c.dynaprop.tauGradient = o.tauGradient;
    c.dynaprop.targetActivationSparsity = o.targetActivationSparsity;
    c.dynaprop.targetGradientSparsity = o.targetGradientSparsity;
    c.dynaprop.pruneActivationGradients = o.pruneActivationGradients;
    c.dynaprop.pruneWeightGradients = o.pruneWeightGradients;
    c.dynaprop.stochasticActivationGradients = o.stochasticActivationGradients;
    c.bf16Matmul = o.bf16;
    c.logEverySteps = o.logEverySteps;
    c.evalEverySteps = o.evalEverySteps;
    c.evalMaxExamples = o.evalMaxExamples;
    c.checkpointEverySteps = o.checkpointEverySteps;
    c.resumeFrom = o.resumeFrom;
    c.collectMagnitudeHistograms = o.collectMagnitudeHistograms;
    return c;
}

void writeRunFiles(const fs::path& dir, const train::TrainResult& r, const TransformerSpec& model,
                   const train::Dataset& data, const train::TrainConfig& config) {
    fs::create_directories(dir);
    writeCurvesCsv(dir / "curves.csv", r.curve);
    writeJson(dir / "curves.json",
              {{"schemaVersion", 1}, {"kind", "trainingCurves"}, {"points", curvePointsJson(r.curve)}});
    writeJson(dir / "metrics.json", metricsJson(r, model, data, config));
    if (const auto errors = io::saveDocument(dir / "sparsity_profile.json", io::Document{r.profile},
                                             io::FileFormat::WorkbenchJson, kRunFile);
        !errors.ok())
        throw std::runtime_error(errors.toString());
}

std::string trainingRequestJson(const TrainingRequest& o, const std::string& modelName, const fs::path& runDirectory) {
    auto optional = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
    Json j = {{"model", modelName},
              {"data",
               {{"name", o.data.name},
                {"dataDir", o.data.dataDir},
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
              {"threads", o.threads},
              {"seed", o.seed},
              {"runDirectory", runDirectory.string()},
              {"checkpoint", (runDirectory / "checkpoint.bin").string()}};
    return j.dump();
}

std::string curveJson(const std::vector<train::CurvePoint>& curve) {
    return Json{{"points", curvePointsJson(curve)}}.dump();
}

fs::path newRunDirectory(const fs::path& workspacePath) {
    const fs::path root = fs::path(workspacePath.string() + ".runs");
    fs::create_directories(root);
    const std::string stem = "run-" + utcNow("%Y%m%d-%H%M%S");
    for (int n = 1;; ++n) {
        const fs::path candidate = root / (n == 1 ? stem : stem + "-" + std::to_string(n));
        if (fs::create_directory(candidate))
            return candidate;
    }
}

TrainingTarget trainingTargetOf(const store::Workspace& workspace, std::int64_t designId) {
    const auto design = workspace.design(designId);
    if (!design)
        throw std::invalid_argument("design " + std::to_string(designId) + ": no such design in " +
                                    workspace.path().string());
    if (design->kind == store::DesignKind::Accelerator)
        throw std::invalid_argument("design " + std::to_string(designId) + " ('" + design->name +
                                    "') is an accelerator: choose a transformer or a co-design pair to train");
    const auto parsed = io::parseDocument(design->specJson, io::Syntax::Json, "design " + std::to_string(designId));
    if (!parsed)
        throw std::invalid_argument(parsed.errors.toString());
    TrainingTarget target;
    target.designId = designId;
    target.name = design->name;
    if (const auto* pair = std::get_if<io::CodesignPair>(&*parsed.value)) {
        target.model = pair->transformer;
        target.accelerator = pair->accelerator;
    } else if (const auto* model = std::get_if<TransformerSpec>(&*parsed.value)) {
        target.model = *model;
    } else {
        throw std::invalid_argument("design " + std::to_string(designId) + " holds neither a transformer nor a pair");
    }
    if (target.model.name.empty())
        target.model.name = design->name;
    return target;
}

SimResult simulateTarget(const TransformerSpec& model, const AcceleratorSpec& accelerator, const TaskShape& task,
                         SimMode mode, const TechnologyLibrary& technology,
                         const std::shared_ptr<const SparsityProfile>& profile) {
    SimOptions options;
    options.mode = mode;
    options.task = task;
    options.opBreakdown = false;
    if (profile) {
        options.sparsity.profile = profile;
    } else {
        options.sparsity.activation = options.sparsity.weight = options.sparsity.gradient = 0.0; // dense
    }
    return simulate(model, accelerator, technology, options);
}

StoredTrainingRun storeTrainingRun(store::Workspace& workspace, const TrainingTarget& target,
                                   const TrainingRequest& request, const train::Dataset& data,
                                   const train::TrainResult& result, const fs::path& runDirectory,
                                   const TechnologyLibrary& technology) {
    StoredTrainingRun stored;
    const bool completed = result.status == train::TrainStatus::Completed;
    auto profile = std::make_shared<SparsityProfile>(result.profile);
    // Simulations first: the transaction only writes.
    std::vector<store::EvaluationRecord> evaluations;
    if (completed) {
        for (const SimMode mode : {SimMode::Inference, SimMode::Training}) {
            store::EvaluationRecord e;
            e.mode = std::string(simModeName(mode));
            if (target.accelerator) {
                const SimResult r =
                    simulateTarget(target.model, *target.accelerator, data.task, mode, technology, profile);
                e.cycles = r.cycles;
                e.latencySeconds = r.latencySeconds();
                e.energyDynamicNJ = r.dynamicEnergyNJ();
                e.energyLeakageNJ = r.leakageEnergyNJ();
                e.areaMM2 = r.totalAreaMM2();
                e.peakPowerMW = r.peakPowerMW;
                e.feasible = r.feasible;
                e.infeasibleReason = r.infeasibleSummary();
                e.breakdownJson = io::simResultJson(r, -1);
            }
            e.accuracy = result.test.accuracy;
            e.accuracySource = store::AccuracySource::Trained;
            evaluations.push_back(std::move(e));
        }
    }
    workspace.transaction([&] {
        std::int64_t modelDesignId = target.designId;
        const auto design = workspace.design(target.designId);
        if (!design || design->kind != store::DesignKind::Transformer) {
            // A pair's transformer is its own design (as the search stores them).
            const std::string spec = io::formatDocument(io::Document{target.model}, io::FileFormat::WorkbenchJson).text;
            const auto existing = workspace.findDesign(store::DesignKind::Transformer, spec);
            modelDesignId =
                existing ? *existing : workspace.addDesign(target.name, store::DesignKind::Transformer, spec);
        }
        store::TrainingRunRecord run;
        run.designId = modelDesignId;
        run.name = target.name + " on " + data.name;
        run.dataset = request.data.name;
        run.configJson = trainingRequestJson(request, target.model.name, runDirectory);
        run.status = storeStatus(result.status);
        if (result.status != train::TrainStatus::Diverged)
            run.finalAccuracy = result.test.accuracy;
        run.curvesJson = curveJson(result.curve);
        if (result.status != train::TrainStatus::Diverged)
            run.sparsityProfileJson = io::sparsityProfileText(result.profile);
        run.finishedAt = utcNow("%Y-%m-%dT%H:%M:%SZ");
        stored.runId = workspace.addTrainingRun(run);
        std::ostringstream detail;
        detail << "trained: run " << stored.runId << " (DynaProp on " << data.name << ", " << result.steps
               << " steps, seed " << request.seed << "; " << runDirectory.filename().string() << ")";
        for (auto& e : evaluations) {
            e.designId = target.designId;
            e.accuracyDetail = detail.str();
            e.optionsJson = taskOptionsJson(data.task, "measured by training run " + std::to_string(stored.runId));
            stored.evaluationIds.push_back(workspace.addEvaluation(e));
        }
    });
    return stored;
}

} // namespace tcw::codesign
