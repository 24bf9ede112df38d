// Training jobs: request → data → configuration → run files → workspace records.
#include "training_job.h"

#include "pruning_record.h"

#include "design/precision_shorthand.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "io/search_json.h"
#include "sim/cost_model.h"
#include "train/precision.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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
    Json out = {{"activation", c.activationTotal().fraction()},
                {"activationByKind", kinds},
                {"activationGradient", c.activationGradient.fraction()},
                {"weightGradient", c.weightGradient.fraction()},
                {"weight", c.weight.fraction()}};
    // Issue 15: where quantizers acted, the activations as the matmuls read them (the profile's
    // fraction; "activation" stays DynaProp's count before them) and the latent weights' zeros.
    if (c.activationQuantizerZeros != 0)
        out["activationAfterQuantizers"] = c.activationConsumed().fraction();
    if (c.latentWeight.elements > 0)
        out["weightBeforeQuantizer"] = c.latentWeight.fraction();
    return out;
}

// Issue 20: per layer, the backward matmuls that ran sparse and dense and the incoming
// gradients' density (of the calls that counted it: f32 runs).
Json kernelsJson(const std::vector<train::BackwardKernelCounts>& layers) {
    Json out = Json::array();
    for (const auto& k : layers)
        out.push_back({{"sparseCalls", k.sparseCalls},
                       {"denseCalls", k.denseCalls},
                       {"gradientDensity", k.elements > 0 ? Json(k.density()) : Json()}});
    return out;
}

// Issue 15: the teacher and the teacher / student loss split (null without a teacher).
Json distillationJson(const train::TrainResult& r, const train::TrainConfig& config) {
    const auto& d = config.distillation;
    if (d.teacherCheckpoint.empty())
        return nullptr;
    return {{"teacherCheckpoint", d.teacherCheckpoint},
            {"teacherPrecision", describeCompression(d.teacherCompression)},
            {"logitWeight", d.logitWeight},
            {"hiddenWeight", d.hiddenWeight},
            {"temperature", d.temperature},
            {"lossSplitSteps", r.distillation.steps},
            {"taskLoss", r.distillation.active ? Json(r.distillation.taskLoss) : Json()},
            {"logitLoss", r.distillation.active ? Json(r.distillation.logitLoss) : Json()},
            {"hiddenLoss", r.distillation.active ? Json(r.distillation.hiddenLoss) : Json()}};
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
            {"precision", describeCompression(spec.compression)}, // issue 15: what the weights were trained at
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
            {"backwardKernelsPerLayer", kernelsJson(r.backwardKernels)},
            {"sparsity", countsJson(total)},
            {"sparsityPerLayer", layers},
            {"thresholds", thresholds},
            {"distillation", distillationJson(r, config)}, // issue 15
            {"peakActivationMemoryBytes",
             {{"withoutPruning", r.peakActivationMemory.denseBytes},
              {"withPruning", r.peakActivationMemory.compressedBytes},
              // issue 20: what the process held for them, and compressed storage's work buffer and pool
              {"held", r.peakActivationMemory.heldBytes},
              {"workBuffer", r.peakActivationMemory.workBytes},
              {"poolResident", r.peakActivationMemory.poolResidentBytes}}}};
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
    c.bf16Matmul = train::choosePrecision(o.bf16, o.forceBf16, train::detectCpuIsa()).bf16;
    if (!(o.sparseMaxDensity >= 0.0 && o.sparseMaxDensity <= 1.0))
        throw std::invalid_argument("sparseMaxDensity (--sparse-max-density) must be in [0, 1], got " +
                                    std::to_string(o.sparseMaxDensity));
    c.sparseBackward.mode =
        o.denseBackward ? train::SparseBackwardConfig::Mode::Never : train::SparseBackwardConfig::Mode::Auto;
    c.sparseBackward.maxDensity = o.sparseMaxDensity;
    c.logEverySteps = o.logEverySteps;
    c.evalEverySteps = o.evalEverySteps;
    c.evalMaxExamples = o.evalMaxExamples;
    c.checkpointEverySteps = o.checkpointEverySteps;
    c.resumeFrom = o.resumeFrom;
    c.collectMagnitudeHistograms = o.collectMagnitudeHistograms;
    // Issue 15: quantized activations and distillation.
    c.activationQuantization.lsq = o.activationLsq;
    c.activationQuantization.scaleLearningRate = o.activationScaleLearningRate;
    if (!o.teacher.empty()) {
        std::error_code ec;
        const std::filesystem::path teacher(o.teacher);
        c.distillation.teacherCheckpoint =
            (std::filesystem::is_directory(teacher, ec) ? teacher / "checkpoint.bin" : teacher).string();
        if (!o.teacherPrecision.empty())
            if (const std::string why = applyPrecisionShorthand(o.teacherPrecision, c.distillation.teacherCompression);
                !why.empty())
                throw std::invalid_argument("teacher-" + why);
        c.distillation.logitWeight = o.distillLogitWeight;
        c.distillation.hiddenWeight = o.distillHiddenWeight;
        c.distillation.temperature = o.distillTemperature;
    }
    return c;
}

void writeRunFiles(const fs::path& dir, const train::TrainResult& r, const TransformerSpec& model,
                   const train::Dataset& data, const train::TrainConfig& config) {
    fs::create_directories(dir);
    writeCurvesCsv(dir / "curves.csv", r.curve);
    Json curves = {{"schemaVersion", 1}, {"kind", "trainingCurves"}};
    curves["points"] = Json::parse(io::trainingCurveJson(storedCurve(r.curve))).at("points"); // as stored
    writeJson(dir / "curves.json", curves);
    writeJson(dir / "metrics.json", metricsJson(r, model, data, config));
    if (const auto errors = io::saveDocument(dir / "sparsity_profile.json", io::Document{r.profile},
                                             io::FileFormat::WorkbenchJson, kRunFile);
        !errors.ok())
        throw std::runtime_error(errors.toString());
    if (config.weightPruning) {
        const auto format = formatParamsOf(model, model.compression.of(TensorRole::Weights).bits);
        const auto record = makePruningRecord(model, data.name, *config.weightPruning, r.weightMasks, format);
        io::writeFileOrThrow(dir / "pruning.json", pruningRecordJson(record), kRunFile);
    }
}

std::vector<search::TrainingCurvePoint> storedCurve(const std::vector<train::CurvePoint>& curve) {
    std::vector<search::TrainingCurvePoint> out;
    out.reserve(curve.size());
    for (const auto& p : curve) {
        search::TrainingCurvePoint q;
        q.step = p.step;
        q.epoch = p.epoch;
        q.trainLoss = p.trainLoss;
        q.trainAccuracy = p.trainAccuracy;
        q.learningRate = p.learningRate;
        q.activationSparsity = p.activationSparsity;
        q.activationGradientSparsity = p.activationGradientSparsity;
        q.weightGradientSparsity = p.weightGradientSparsity;
        q.elapsedSeconds = p.elapsedSeconds;
        if (std::isfinite(p.testLoss))
            q.testLoss = p.testLoss;
        if (std::isfinite(p.testAccuracy))
            q.testAccuracy = p.testAccuracy;
        out.push_back(q);
    }
    return out;
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
        if (const AcceleratorSpec* elector = pair->target.elector())
            target.accelerator = *elector;
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
            // A pair trained at another precision than its stored model's: the evaluations go
            // to the transformer at that precision, accuracy only (the pair is not evaluated).
            if (target.accelerator && !target.precisionOverride) {
                SimOptions options;
                options.mode = mode;
                options.task = data.task;
                e = io::evaluationRecordOf(
                    simulateTarget(target.model, *target.accelerator, data.task, mode, technology, profile), options);
            } else {
                e.mode = std::string(simModeName(mode)); // accuracy only: no hardware metrics
                e.provenance = store::MetricsProvenance::None;
                e.optionsJson = io::evaluationOptionsJson({data.task, {}});
            }
            e.accuracy = result.test.accuracy;
            e.accuracySource = store::AccuracySource::Trained;
            evaluations.push_back(std::move(e));
        }
    }
    workspace.transaction([&] {
        std::int64_t modelDesignId = target.designId;
        const auto design = workspace.design(target.designId);
        if (target.precisionOverride || !design || design->kind != store::DesignKind::Transformer) {
            // A pair's transformer is its own design (as the search stores them); so is a
            // model trained at another precision than the stored design's (issue 15).
            const std::string spec = io::formatDocument(io::Document{target.model}, io::FileFormat::WorkbenchJson).text;
            const auto existing = workspace.findDesign(store::DesignKind::Transformer, spec);
            modelDesignId =
                existing ? *existing : workspace.addDesign(target.name, store::DesignKind::Transformer, spec);
        }
        store::TrainingRunRecord run;
        run.designId = modelDesignId;
        run.name = target.name + " on " + data.name;
        run.dataset = request.data.name;
        run.configJson = io::trainingRequestJson(request, target.model.name, runDirectory);
        run.status = storeStatus(result.status);
        if (completed) // a cancelled run is not evaluated (it stops at once), a diverged one is worth nothing
            run.finalAccuracy = result.test.accuracy;
        run.curvesJson = io::trainingCurveJson(storedCurve(result.curve));
        if (result.status != train::TrainStatus::Diverged)
            run.sparsityProfileJson = io::sparsityProfileText(result.profile);
        run.finishedAt = utcNow("%Y-%m-%dT%H:%M:%SZ");
        stored.runId = workspace.addTrainingRun(run);
        std::ostringstream detail;
        detail << "trained: run " << stored.runId << " (DynaProp on " << data.name << ", " << result.steps
               << " steps, seed " << request.seed << "; " << runDirectory.filename().string() << ")";
        for (auto& e : evaluations) {
            e.designId = target.precisionOverride ? modelDesignId : target.designId;
            e.accuracyDetail = detail.str();
            e.optionsJson = io::evaluationOptionsJson(
                io::evaluationOptionsOf(data.task, io::SparsitySource::trainingRun(stored.runId)));
            stored.evaluationIds.push_back(workspace.addEvaluation(e));
        }
    });
    return stored;
}

// ---------------------------------------------------------------- the job

struct TrainingJob::Parts {
    store::Workspace* workspace = nullptr;
    TechnologyLibrary technology;
    TrainingRequest request;
    TrainingTarget target;
    train::Dataset data;
    train::TrainConfig config;
    fs::path runDirectory;
    bool createdDirectory = false; // start() made the folder: a failed run removes it again
};

train::PruningPlan resolvePruningPlan(const WeightPruningRequest& r, std::int64_t totalSteps) {
    auto share = [](double v, const char* option) {
        if (!(v >= 0.0 && v <= 1.0))
            throw std::invalid_argument(std::string(option) + ": a share of the run's steps in [0, 1], got " +
                                        std::to_string(v));
    };
    share(r.startShare, "--prune-start");
    share(r.endShare, "--prune-end");
    if (r.rounds < 1)
        throw std::invalid_argument("--rounds: at least 1 pruning event, got " + std::to_string(r.rounds));
    const bool oneShot = r.schedule == train::PruneSchedule::OneShot;
    if (!oneShot && r.endShare < r.startShare)
        throw std::invalid_argument("--prune-end: must be at least --prune-start (" + std::to_string(r.startShare) +
                                    "), got " + std::to_string(r.endShare));
    auto stepAt = [&](double s) { return std::max<std::int64_t>(0, std::llround(s * double(totalSteps)) - 1); };
    train::PruningPlan plan;
    plan.schedule = r.schedule;
    plan.startStep = stepAt(r.startShare);
    plan.endStep = oneShot ? plan.startStep : stepAt(r.endShare);
    plan.rounds = oneShot ? 1 : r.rounds;
    return plan;
}

TrainingJob::TrainingJob(std::unique_ptr<Parts> parts) : m_parts(std::move(parts)) {}
TrainingJob::TrainingJob(TrainingJob&&) noexcept = default;
TrainingJob::~TrainingJob() = default;

const TrainingTarget& TrainingJob::target() const {
    return m_parts->target;
}
const train::Dataset& TrainingJob::data() const {
    return m_parts->data;
}
const train::TrainConfig& TrainingJob::config() const {
    return m_parts->config;
}
const fs::path& TrainingJob::runDirectory() const {
    return m_parts->runDirectory;
}

TrainingJob TrainingJob::start(const TrainingJobRequest& request, store::Workspace* workspace,
                               const TechnologyLibrary& technology) {
    auto p = std::make_unique<Parts>();
    p->workspace = workspace;
    p->technology = technology;
    p->request = request.training;
    if (workspace) {
        p->target = trainingTargetOf(*workspace, request.designId);
    } else {
        if (!request.model)
            throw std::invalid_argument("training: give a model to train, or a workspace and a design in it");
        p->target.name = request.model->name;
        p->target.model = *request.model;
    }
    if (!request.precision.empty()) { // issue 15
        CompressionSpec compression = p->target.model.compression;
        if (const std::string why = applyPrecisionShorthand(request.precision, compression); !why.empty())
            throw std::invalid_argument("training: " + why);
        if (!(compression == p->target.model.compression)) {
            p->target.model.compression = compression;
            p->target.precisionOverride = workspace != nullptr;
            if (workspace)
                p->target.name += " (" + request.precision + ")";
        }
    }
    if (request.runDirectory.empty() && !workspace)
        throw std::invalid_argument("training: give a run folder (--out) or a workspace to keep the run next to");
    p->data = loadTrainingData(p->request.data);
    p->config = makeTrainConfig(p->request, p->data);
    if (request.weightPruning)
        p->config.weightPruning = resolvePruningPlan(*request.weightPruning, p->config.optimizer.totalSteps);
    p->config.initialParameters = request.initialParameters; // issue 14: a grow-prune child's transferred weights
    if (request.runDirectory.empty()) {
        p->runDirectory = newRunDirectory(workspace->path());
        p->createdDirectory = true;
    } else {
        p->runDirectory = request.runDirectory;
        p->createdDirectory = fs::create_directories(p->runDirectory);
    }
    p->config.checkpointPath = (p->runDirectory / "checkpoint.bin").string();
    return TrainingJob(std::move(p));
}

TrainingJobOutcome TrainingJob::run(std::stop_token stop, const train::ProgressCallback& progress,
                                    RunControl* control) {
    Parts& p = *m_parts;
    TrainingJobOutcome outcome;
    outcome.runDirectory = p.runDirectory;
    try {
        outcome.result = train::train(p.target.model, p.data, p.config, stop, progress, control);
        writeRunFiles(p.runDirectory, outcome.result, p.target.model, p.data, p.config);
    } catch (...) {
        // Nothing written (bad options the trainer found, a write error): no empty folder stays.
        std::error_code ignored;
        if (p.createdDirectory && fs::is_empty(p.runDirectory, ignored))
            fs::remove(p.runDirectory, ignored);
        throw;
    }
    if (p.workspace)
        outcome.stored =
            storeTrainingRun(*p.workspace, p.target, p.request, p.data, outcome.result, p.runDirectory, p.technology);
    return outcome;
}

} // namespace tcw::codesign
