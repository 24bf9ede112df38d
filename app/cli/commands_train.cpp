// tcw train and tcw sweep-thresholds: DynaProp training runs from the command line. Writes
// the run's curves (CSV, JSON), final metrics, sparsity profile and checkpoint into RUN_DIR;
// a progress bar with loss, accuracy, sparsity and ETA goes to stderr.
#include "commands.h"

#include "codesign/device_catalogue.h"
#include "codesign/pruning_record.h"
#include "codesign/selection_runs.h"
#include "codesign/training_job.h"
#include "compress/pruning_mask.h"
#include "design/precision_shorthand.h"
#include "design/sparsity_bits.h"
#include "design/technology_library.h"
#include "io/files.h"
#include "io/formats.h"
#include "omp_wait_policy.h"
#include "search/device_selection.h"
#include "store/workspace.h"
#include "train/datasets.h"
#include "train/precision.h"
#include "train/presets.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// tcw train's options are bound straight into the job request (codesign/training_job: the
// one path the Training panel takes too); these are the command's own.
struct TrainCommand {
    codesign::TrainingJobRequest job;
    std::string model = "vit-fashion-mnist"; // without --workspace: preset name or file
    std::string workspace;                   // --workspace: store the run there
    bool force = false;                      // --force: replace the files of an earlier run in --out
    bool quiet = false;
    std::string precision; // --precision w1a8…: the model's weight/activation precision (issue 15)
};

} // namespace

// --- model loading: a file in any transformer format or a data preset (io), else a
// preset built into the trainer ---------------------------------------------------------

TransformerSpec loadTrainableModel(const std::string& model, const fs::path& dataDir) {
    auto loaded = io::resolveTransformer(model, dataDir);
    if (loaded)
        return *loaded.value;
    if (auto preset = train::builtinPreset(model))
        return *preset;
    loaded.errors.file = model;
    std::string names;
    for (const auto& n : train::builtinPresetNames())
        names += (names.empty() ? "" : ", ") + n;
    throw std::invalid_argument(loaded.errors.toString() + "\n(built-in trainer presets: " + names + ")");
}

namespace {

std::string formatSeconds(double s) {
    std::ostringstream out;
    if (s >= 3600)
        out << int(s / 3600) << " h " << std::setw(2) << std::setfill('0') << int(std::fmod(s, 3600) / 60) << " min";
    else if (s >= 60)
        out << int(s / 60) << " min " << std::setw(2) << std::setfill('0') << int(std::fmod(s, 60)) << " s";
    else
        out << std::fixed << std::setprecision(1) << s << " s";
    return out.str();
}

std::string percent(double fraction) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << 100.0 * fraction << "%";
    return out.str();
}

// One line per report: redrawn in place on a terminal, every ~5% of the run otherwise.
class TrainProgressBar {
public:
    explicit TrainProgressBar(bool quiet) : m_quiet(quiet), m_terminal(isatty(STDERR_FILENO) != 0) {}
    void operator()(const train::TrainProgress& p) {
        if (m_quiet)
            return;
        const double fraction = p.totalSteps > 0 ? double(p.step) / double(p.totalSteps) : 1.0;
        if (!m_terminal && fraction < m_nextPrint && p.step != p.totalSteps)
            return;
        m_nextPrint = fraction + 0.05;
        const int width = 24, filled = static_cast<int>(fraction * width);
        std::ostringstream line;
        line << "[" << std::string(filled, '#') << std::string(width - filled, '-') << "] " << p.step << "/"
             << p.totalSteps << "  loss " << std::fixed << std::setprecision(4) << p.trainLoss << "  acc "
             << percent(p.trainAccuracy) << "  act-sparsity " << percent(p.activationSparsity) << "  grad-sparsity "
             << percent(p.gradientSparsity) << "  ETA " << formatSeconds(p.etaSeconds);
        std::cerr << (m_terminal ? "\r" : "") << line.str() << (m_terminal ? "\033[K" : "\n") << std::flush;
        m_drawn = m_terminal;
    }
    void finish() {
        if (m_drawn)
            std::cerr << "\n";
        m_drawn = false;
    }

private:
    bool m_quiet, m_terminal;
    bool m_drawn = false;
    double m_nextPrint = 0.0;
};

// The files of an earlier run (or sweep) in `dir`: tcw writes there only with --force, or
// when it continues that run from its own checkpoint. An empty result: `dir` may be used.
std::string checkOutputFolder(const fs::path& dir, std::initializer_list<const char*> files, bool force,
                              const std::string& resumeFrom) {
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return {};
    if (!fs::is_directory(dir, ec))
        return dir.string() + ": is not a folder" + (io::isSqliteFile(dir) ? " (it is a workspace)" : "");
    std::string found;
    for (const char* name : files)
        if (fs::exists(dir / name, ec))
            found += (found.empty() ? "" : ", ") + std::string(name);
    const bool continuing = !resumeFrom.empty() && fs::equivalent(resumeFrom, dir / "checkpoint.bin", ec);
    if (found.empty() || force || continuing)
        return {};
    return dir.string() + ": holds the files of an earlier run (" + found +
           "); give --force to replace them, or --out a new folder";
}

const std::initializer_list<const char*> kRunFiles = {
    "checkpoint.bin", "metrics.json",          "curves.csv",
    "curves.json",    "sparsity_profile.json", "checkpoint.scales"}; // issue 15: quantized activations
const std::initializer_list<const char*> kPruneRunFiles = {"checkpoint.bin", "metrics.json",          "curves.csv",
                                                           "curves.json",    "sparsity_profile.json", "pruning.json"};

// How the matmuls and threads will run: the bf16 decision's note (train/precision.h) and the
// OpenMP wait policy (app/common/omp_wait_policy.h).
void printComputeNotes(const TrainingRequest& r) {
    if (const train::PrecisionChoice p = train::choosePrecision(r.bf16, r.forceBf16, train::detectCpuIsa());
        !p.note.empty())
        std::cerr << "tcw: --" << (r.forceBf16 ? "force-bf16" : "bf16") << ": " << p.note << "\n";
    std::cerr << "tcw: OpenMP waiting " << app::ompWaitPolicy()
              << (app::ompWaitPolicyFromUser() ? " (OMP_WAIT_POLICY)" : " (idle threads sleep)") << "\n";
}

// Issue 20: per layer, how the dense layers' backward matmuls ran (sparse kernels or oneDNN)
// and the density of the gradients they got.
void printBackwardKernels(const std::vector<train::BackwardKernelCounts>& layers) {
    std::cout << "backward matmuls (sparse / dense calls, gradient density):";
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const auto& k = layers[l];
        std::cout << (l ? "; " : " ") << "layer " << l << " " << k.sparseCalls << " / " << k.denseCalls;
        if (k.elements > 0)
            std::cout << ", " << percent(k.density());
    }
    std::cout << "\n";
}

// Options tcw train and tcw sweep-thresholds share, bound to the request's fields.
void addCommonOptions(CLI::App* cmd, TrainingRequest& r, std::string& model, bool& quiet) {
    cmd->add_option("--model", model, "built-in preset name or a transformer JSON / model dict file")
        ->capture_default_str();
    cmd->add_option("--data", r.data.name, "fashion-mnist | fortunes | listops | tsv:DIR")->capture_default_str();
    cmd->add_option("--data-dir", r.data.dataDir, "Fashion-MNIST directory or fortunes root (default: Debian paths)");
    cmd->add_option("--vocab", r.data.vocabulary, "WordPiece vocab.txt for tsv:DIR (default: word vocabulary)");
    cmd->add_option("--patch", r.data.patch, "Fashion-MNIST patch side (4 → 49 tokens, 7 → 16)")->capture_default_str();
    cmd->add_option("--seq-len", r.data.sequenceLength, "text: tokens per example");
    cmd->add_option("--max-train", r.data.maxTrain, "cap on training examples (0 = all)");
    cmd->add_option("--max-test", r.data.maxTest, "cap on test examples (0 = all)");
    cmd->add_option("--max-per-class", r.data.maxPerClass, "fortunes: cap per language (0 = all)");
    auto* epochs = cmd->add_option("--epochs", r.epochs, "passes over the training split")->capture_default_str();
    auto* steps = cmd->add_option("--steps", r.steps, "optimizer steps (instead of --epochs)");
    epochs->excludes(steps);
    cmd->add_option("--batch", r.batch, "batch size")->capture_default_str();
    cmd->add_option("--lr", r.learningRate, "peak learning rate")->capture_default_str();
    cmd->add_option("--weight-decay", r.weightDecay, "AdamW decoupled weight decay")->capture_default_str();
    cmd->add_option("--warmup", r.warmupFraction, "warm-up share of the steps")->capture_default_str();
    cmd->add_option("--clip", r.maxGradNorm, "gradient-norm clipping (0 = off)")->capture_default_str();
    cmd->add_option_function<std::string>(
           "--optimizer", [&r](const std::string& name) { r.sgd = name == "sgd"; }, "adamw | sgd")
        ->check(CLI::IsMember({"adamw", "sgd"}))
        ->default_str("adamw");
    cmd->add_flag_callback(
        "--no-prune-act-grads", [&r] { r.pruneActivationGradients = false; }, "τ_T leaves activation gradients alone");
    cmd->add_flag_callback(
        "--no-prune-weight-grads", [&r] { r.pruneWeightGradients = false; }, "τ_T leaves parameter gradients alone");
    cmd->add_flag_callback(
        "--exact-act-grad-pruning", [&r] { r.stochasticActivationGradients = false; },
        "activation gradients below τ_T become 0 (default: 0 or ±τ_T, unbiased)");
    cmd->add_flag("--bf16", r.bf16,
                  "bf16 matmul operands with f32 accumulation (faster, less exact) where the CPU has bf16 "
                  "hardware (AVX512_BF16 or AMX); elsewhere f32, with a note");
    cmd->add_flag("--force-bf16", r.forceBf16, "bf16 matmuls even without bf16 hardware (emulated: slower than f32)");
    cmd->add_option("--threads", r.threads, "oneDNN / OpenMP threads")->capture_default_str();
    cmd->add_flag("--dense-backward", r.denseBackward,
                  "backward matmuls always dense (oneDNN), never skipping zeros of sparse gradients");
    cmd->add_option("--sparse-max-density", r.sparseMaxDensity,
                    "backward matmuls skip the zeros of incoming gradients at most this dense (0-1)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option_function<std::uint64_t>(
           "--seed",
           [&r](std::uint64_t seed) {
               r.seed = seed;      // initialisation and data order
               r.data.seed = seed; // and the data: listops generated, fortunes sampled
           },
           "seed of initialisation and data order")
        ->default_str("1");
    cmd->add_option("--log-every", r.logEverySteps, "steps between curve points and progress reports")
        ->capture_default_str();
    cmd->add_option("--eval-every", r.evalEverySteps, "evaluate on the test split every N steps (0 = at the end)");
    cmd->add_option("--eval-max", r.evalMaxExamples, "test examples for the periodic evaluations")
        ->capture_default_str();
    cmd->add_flag("--quiet", quiet, "no progress bar");
    // Issue 15: quantized activations (--precision wBaB chooses them) and distillation.
    cmd->add_option_function<std::string>(
           "--act-quantizer", [&r](const std::string& name) { r.activationLsq = name == "lsq"; },
           "b-bit activations: uniform (learnable clip) | lsq")
        ->check(CLI::IsMember({"uniform", "lsq"}))
        ->default_str("uniform");
    cmd->add_option("--act-scale-lr", r.activationScaleLearningRate,
                    "learning rate of the activation scales and shifts (Adam)")
        ->capture_default_str();
    cmd->add_option("--teacher", r.teacher, "distil from this run (folder or checkpoint.bin) of the same shape");
    cmd->add_option("--teacher-precision", r.teacherPrecision, "the teacher's precision, e.g. w1 (default: 32-bit)");
    cmd->add_option("--distill-weight", r.distillLogitWeight, "weight of the logits' distillation loss (KL·T²)")
        ->capture_default_str();
    cmd->add_option("--distill-hidden-weight", r.distillHiddenWeight,
                    "weight of the per-layer hidden states' distillation loss (MSE)")
        ->capture_default_str();
    cmd->add_option("--distill-temperature", r.distillTemperature, "softmax temperature T of the logits' loss")
        ->capture_default_str();
}

int runTrain(TrainCommand& c, const fs::path& dataDir) {
    // --workspace: the run is stored there; its folder defaults to one next to the workspace.
    std::optional<store::Workspace> workspace;
    // An earlier run's folder is replaced only with --force (or continued from its own
    // checkpoint); checked before TrainingJob::start creates anything.
    if (!c.job.runDirectory.empty())
        if (const std::string why =
                checkOutputFolder(c.job.runDirectory, kRunFiles, c.force, c.job.training.resumeFrom);
            !why.empty())
            throw std::invalid_argument(why);
    if (!c.workspace.empty())
        workspace.emplace(store::Workspace::open(c.workspace));
    else
        c.job.model = loadTrainableModel(c.model, dataDir);
    if (!c.precision.empty())
        if (const std::string why = applyPrecisionShorthand(c.precision, c.job.model->compression); !why.empty())
            throw std::invalid_argument("--" + why);
    codesign::TrainingJob job = codesign::TrainingJob::start(c.job, workspace ? &*workspace : nullptr);
    const TransformerSpec& spec = job.target().model;
    const train::Dataset& data = job.data();
    std::cerr << "tcw train: " << spec.name << " (" << spec.parameterCount(data.task) << " parameters) on " << data.name
              << ": " << data.train.count << " train / " << data.test.count << " test examples, "
              << data.task.numClasses << " classes, sequence " << data.task.sequenceLength << ", "
              << job.config().threads << " thread(s)\n";
    printComputeNotes(c.job.training);
    TrainProgressBar bar(c.quiet);
    const codesign::TrainingJobOutcome outcome = job.run({}, std::ref(bar));
    bar.finish();
    const train::TrainResult& r = outcome.result;
    const fs::path& dir = outcome.runDirectory;
    if (outcome.stored) {
        std::cerr << "tcw train: stored as training run " << outcome.stored->runId << " of design " << c.job.designId
                  << " in " << c.workspace;
        if (!outcome.stored->evaluationIds.empty())
            std::cerr << " with " << outcome.stored->evaluationIds.size() << " trained evaluations";
        std::cerr << "\n";
    }
    if (r.status == train::TrainStatus::Diverged) {
        std::cerr << "tcw train: " << r.message << "\n";
        return 1;
    }
    train::LayerSparsityCounts total;
    for (const auto& layer : r.accumulated)
        total.add(layer);
    std::cout << "test accuracy " << percent(r.test.accuracy) << " (loss " << std::setprecision(4) << r.test.loss
              << ", " << r.test.examples << " examples) after " << r.steps << " steps in " << formatSeconds(r.seconds)
              << "\nsparsity: activations " << percent(total.activationTotal().fraction()) << ", activation gradients "
              << percent(total.activationGradient.fraction()) << ", weight gradients "
              << percent(total.weightGradient.fraction())
              << "\npeak saved-activation memory: " << r.peakActivationMemory.denseBytes / 1048576.0 << " MiB dense, "
              << r.peakActivationMemory.compressedBytes / 1048576.0 << " MiB stored sparse, "
              << r.peakActivationMemory.heldBytes / 1048576.0 << " MiB held" // issue 20
              << (r.peakActivationMemory.workBytes > 0
                      ? " (compressed, + " + std::to_string(r.peakActivationMemory.workBytes / 1048576) +
                            " MiB work buffer)"
                      : std::string())
              << "\n";
    printBackwardKernels(r.backwardKernels);
    if (const auto lines = sparsityBitsLines(r.profile); !lines.empty()) { // issue 15
        std::cout << "sparsity as the matmuls read it, after the quantizers (sparsity_profile.json):\n";
        for (const std::string& line : lines)
            std::cout << "  " << line << "\n";
    }
    if (r.distillation.active) // issue 15
        std::cout << "distillation (mean of the last " << r.distillation.steps << " steps): task loss "
                  << std::setprecision(4) << r.distillation.taskLoss << ", logit loss " << r.distillation.logitLoss
                  << ", hidden loss " << r.distillation.hiddenLoss << "\n";
    std::cout << "wrote " << (dir / "metrics.json").string() << ", curves.csv, curves.json, sparsity_profile.json, "
              << "checkpoint.bin\n";
    return 0;
}

std::vector<float> parseList(const std::string& text, const std::string& option) {
    std::vector<float> values;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            values.push_back(std::stof(item));
        } catch (const std::exception&) {
            throw std::invalid_argument(option + ": '" + item + "' is not a number");
        }
    }
    if (values.empty())
        throw std::invalid_argument(option + ": expected a comma-separated list of thresholds");
    return values;
}

// tcw sweep-thresholds: one training per (τ_I, τ_T) of the grid, files only.
struct SweepCommand {
    TrainingRequest request;
    std::string model = "vit-fashion-mnist";
    std::string out;
    bool force = false; // --force: replace an earlier sweep's files in --out
    bool quiet = false;
};

int runSweep(const SweepCommand& base, const std::string& tauActList, const std::string& tauGradList,
             const fs::path& dataDir) {
    const TransformerSpec spec = loadTrainableModel(base.model, dataDir);
    const train::Dataset data = codesign::loadTrainingData(base.request.data);
    const auto acts = parseList(tauActList, "--tau-act");
    const auto gradsList = parseList(tauGradList, "--tau-grad");
    printComputeNotes(base.request);
    if (const std::string why = checkOutputFolder(base.out, {"sweep.csv", "sweep.json"}, base.force, {}); !why.empty())
        throw std::invalid_argument(why);
    if (std::error_code ec; !fs::create_directories(base.out, ec) && ec)
        throw std::runtime_error(base.out + ": cannot create the folder (" + ec.message() + ")");
    // Rewritten whole (atomically) after every point: a stopped sweep keeps the points done.
    const fs::path csvPath = fs::path(base.out) / "sweep.csv";
    const io::WriteOptions replace{.overwrite = true};
    std::ostringstream csv;
    csv << "tau_act,tau_grad,activation_sparsity,activation_gradient_sparsity,weight_gradient_sparsity,"
           "test_accuracy,test_loss,status,seconds\n";
    Json records = Json::array();
    int failures = 0;
    for (float ta : acts)
        for (float tg : gradsList) {
            TrainingRequest request = base.request;
            request.tauActivation = ta;
            request.tauGradient = tg;
            const train::TrainConfig config = codesign::makeTrainConfig(request, data);
            TrainProgressBar bar(true);
            const train::TrainResult r = train::train(spec, data, config);
            train::LayerSparsityCounts total;
            for (const auto& c : r.accumulated)
                total.add(c);
            const Json rec = {{"tauActivation", ta},
                              {"tauGradient", tg},
                              {"activationSparsity", total.activationTotal().fraction()},
                              {"activationGradientSparsity", total.activationGradient.fraction()},
                              {"weightGradientSparsity", total.weightGradient.fraction()},
                              {"testAccuracy", r.test.accuracy},
                              {"testLoss", r.test.loss},
                              {"status", train::trainStatusName(r.status)},
                              {"seconds", r.seconds}};
            failures += r.status != train::TrainStatus::Completed;
            records.push_back(rec);
            csv << ta << ',' << tg << ',' << rec["activationSparsity"] << ',' << rec["activationGradientSparsity"]
                << ',' << rec["weightGradientSparsity"] << ',' << r.test.accuracy << ',' << r.test.loss << ','
                << train::trainStatusName(r.status) << ',' << r.seconds << '\n';
            io::writeFileOrThrow(csvPath, csv.str(), replace);
            std::cerr << "τ_I " << ta << "  τ_T " << tg << ": accuracy " << percent(r.test.accuracy)
                      << "  act-sparsity " << percent(total.activationTotal().fraction()) << "  act-grad-sparsity "
                      << percent(total.activationGradient.fraction()) << "  weight-grad-sparsity "
                      << percent(total.weightGradient.fraction()) << "  " << formatSeconds(r.seconds) << "\n";
        }
    const Json sweep = {{"schemaVersion", 1},
                        {"kind", "thresholdSweep"},
                        {"model", spec.name},
                        {"data", data.name},
                        {"points", records}};
    io::writeFileOrThrow(fs::path(base.out) / "sweep.json", sweep.dump(2) + "\n", replace);
    std::cout << "wrote " << (fs::path(base.out) / "sweep.csv").string() << " and sweep.json (" << records.size()
              << " points)\n";
    return failures > 0 ? 1 : 0;
}

// tcw prune: tcw train's run (the same TrainingJob) with the weights pruned on a schedule to a
// pattern preset; the run folder gains pruning.json beside the masked checkpoint.
struct PruneCommand {
    TrainCommand train;
    std::string pattern;
    std::optional<double> targetSparsity;
    std::string schedule = "oneshot";
    int weightBits = 16;
};

int runPrune(PruneCommand& c, const fs::path& dataDir) {
    if (const std::string why = checkOutputFolder(c.train.job.runDirectory, kPruneRunFiles, c.train.force, {});
        !why.empty())
        throw std::invalid_argument(why);
    search::CompressionSetting setting;
    setting.pattern = c.pattern;
    setting.sparsity = c.targetSparsity.value_or(0.0);
    setting.weightBits = c.weightBits;
    if (c.pattern == "dense")
        throw std::invalid_argument("--pattern: a pruning preset (" + [] {
            std::string names;
            for (const auto& n : compress::pruningPresetNames())
                names += (names.empty() ? "" : ", ") + n;
            return names;
        }() + "), not dense");
    if (c.pattern.find(':') == std::string::npos && !c.targetSparsity)
        throw std::invalid_argument("--target-sparsity: required for --pattern " + c.pattern +
                                    " (only an N:M pattern implies its sparsity)");
    if (c.weightBits < 1 || c.weightBits > 32)
        throw std::invalid_argument("--weight-bits: 1 to 32, got " + std::to_string(c.weightBits));
    std::string error;
    auto model = search::compressedModel(loadTrainableModel(c.train.model, dataDir), setting, error);
    if (!model)
        throw std::invalid_argument("--pattern / --target-sparsity: " + error);
    // The trainer trains in f32; the weights are stored at --weight-bits (pruning.json's sizes).
    model->compression.precision[std::size_t(TensorRole::Weights)].bits = c.weightBits;
    const auto schedule = train::pruneScheduleFromName(c.schedule);
    if (!schedule)
        throw std::invalid_argument("--schedule: one of oneshot, gradual, iterative; got '" + c.schedule + "'");
    c.train.job.weightPruning->schedule = *schedule;
    c.train.job.model = *model;
    codesign::TrainingJob job = codesign::TrainingJob::start(c.train.job, nullptr);
    const train::Dataset& data = job.data();
    const train::PruningPlan& plan = *job.config().weightPruning;
    std::cerr << "tcw prune: " << model->name << " on " << data.name << ", " << setting.label() << ", "
              << train::pruneScheduleName(plan.schedule) << " pruning after step " << plan.startStep + 1;
    if (plan.schedule != train::PruneSchedule::OneShot)
        std::cerr << " to " << plan.endStep + 1 << " in " << plan.rounds << " events";
    std::cerr << " of " << job.config().optimizer.totalSteps << "\n";
    TrainProgressBar bar(c.train.quiet);
    const codesign::TrainingJobOutcome outcome = job.run({}, std::ref(bar));
    bar.finish();
    const train::TrainResult& r = outcome.result;
    if (r.status == train::TrainStatus::Diverged) {
        std::cerr << "tcw prune: " << r.message << "\n";
        return 1;
    }
    const auto record = codesign::readPruningRecord(outcome.runDirectory / "pruning.json");
    std::uint64_t weights = 0, kept = 0;
    for (const auto& m : record.matrices) {
        weights += m.counts.rows * m.counts.cols;
        kept += m.counts.nnz;
    }
    std::cout << "test accuracy " << percent(r.test.accuracy) << " (" << r.test.examples << " examples) after "
              << r.steps << " steps in " << formatSeconds(r.seconds) << "\n"
              << record.matrices.size() << " matrices pruned: " << kept << " of " << weights << " weights kept ("
              << percent(weights ? 1.0 - double(kept) / double(weights) : 0.0) << " sparse)\n"
              << "wrote " << (outcome.runDirectory / "pruning.json").string()
              << ", checkpoint.bin (masked), metrics.json, curves.csv, curves.json, sparsity_profile.json\n"
              << "sizes per format: tcw formats " << outcome.runDirectory.string() << "\n";
    return 0;
}

// tcw select-device: the cheapest catalogue target that meets LC and AC (search::selectDevice),
// each setting's accuracy given in the catalogue or trained here (tcw prune's path, one-shot
// at --prune-start) and cached as a run folder per setting under --runs.
struct SelectCommand {
    TrainingRequest request;
    std::string model = "vit-fashion-mnist";
    std::string catalogue, runs, patterns, sparsities = "0.5,0.75,0.9", order = "price";
    double latencyMs = 0, accuracy = 0, pruneStart = 0.5;
    int weightBits = 16, batch = 1;
    bool quiet = false;
};

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

// The settings to try: the command line's (dense, then every pattern × sparsity), else the
// catalogue's; accuracies the catalogue gives for the same setting are kept.
std::vector<codesign::CatalogueSetting> settingsToTry(const SelectCommand& c, const codesign::DeviceCatalogue& cat) {
    if (c.patterns.empty()) {
        if (cat.settings.empty())
            throw std::invalid_argument(c.catalogue + ": settings: none listed; give --patterns (and --sparsity)");
        return cat.settings;
    }
    std::vector<codesign::CatalogueSetting> out{{{"dense", 0.0, c.weightBits}, std::nullopt}};
    for (const auto& p : splitList(c.patterns)) {
        if (p.find(':') != std::string::npos) {
            out.push_back({{p, 0.0, c.weightBits}, std::nullopt});
            continue;
        }
        for (float s : parseList(c.sparsities, "--sparsity"))
            out.push_back({{p, double(s), c.weightBits}, std::nullopt});
    }
    for (auto& s : out)
        for (const auto& given : cat.settings)
            if (given.accuracy && given.setting.pattern == s.setting.pattern &&
                std::abs(given.setting.sparsity - s.setting.sparsity) < 1e-9 &&
                given.setting.weightBits == s.setting.weightBits)
                s.accuracy = given.accuracy;
    return out;
}

std::string settingFolder(const search::CompressionSetting& s) {
    return codesign::settingRunFolder(s); // "hierarchical-s0.9-b16"
}

// The test accuracy of the setting trained on the model: read from its run folder's
// metrics.json when an earlier run left one there, else trained into that folder.
double trainedAccuracy(const SelectCommand& c, const TransformerSpec& base, const search::CompressionSetting& s) {
    if (c.runs.empty())
        throw std::invalid_argument("setting '" + s.label() +
                                    "' has no accuracy in the catalogue: give --runs DIR to train it there");
    const fs::path dir = fs::path(c.runs) / settingFolder(s);
    if (std::ifstream metrics(dir / "metrics.json"); metrics) {
        const Json m = Json::parse(metrics, nullptr, false);
        if (m.is_object() && m.contains("testAccuracy") && m["testAccuracy"].is_number()) {
            std::cerr << "tcw select-device: " << s.label() << ": accuracy from " << (dir / "metrics.json").string()
                      << "\n";
            return m["testAccuracy"].get<double>();
        }
        throw std::invalid_argument((dir / "metrics.json").string() + ": testAccuracy: missing or not a number");
    }
    // A folder with an unfinished run's files (no metrics.json) is not written over.
    if (!checkOutputFolder(dir, kPruneRunFiles, false, {}).empty())
        throw std::invalid_argument(dir.string() +
                                    ": holds an unfinished run (no metrics.json); remove the folder "
                                    "to train " +
                                    s.label() + " again");
    std::string error;
    auto model = search::compressedModel(base, s, error);
    if (!model)
        throw std::invalid_argument(error);
    model->compression.precision[std::size_t(TensorRole::Weights)].bits = s.weightBits;
    codesign::TrainingJobRequest job;
    job.training = c.request;
    job.model = *model;
    job.runDirectory = dir;
    if (s.pattern != "dense")
        job.weightPruning =
            codesign::WeightPruningRequest{train::PruneSchedule::OneShot, c.pruneStart, c.pruneStart, 1};
    std::cerr << "tcw select-device: training " << s.label() << " into " << dir.string() << "\n";
    auto started = codesign::TrainingJob::start(job, nullptr);
    TrainProgressBar bar(c.quiet);
    const auto outcome = started.run({}, std::ref(bar));
    bar.finish();
    if (outcome.result.status != train::TrainStatus::Completed)
        throw std::runtime_error(s.label() + ": training did not complete: " + outcome.result.message);
    return outcome.result.test.accuracy;
}

std::string ms(double seconds) {
    std::ostringstream out;
    out << std::setprecision(6) << seconds * 1e3 << " ms";
    return out.str();
}

int runSelect(const SelectCommand& c, const fs::path& dataDir) {
    const auto catalogue = codesign::readDeviceCatalogue(c.catalogue, dataDir);
    const auto settings = settingsToTry(c, catalogue);
    const TransformerSpec base = loadTrainableModel(c.model, dataDir);
    const train::Dataset data = codesign::loadTrainingData(c.request.data);
    search::SelectionInput in;
    in.model = base;
    in.task = data.task;
    in.batch = c.batch;
    in.latencyLimitSeconds = c.latencyMs * 1e-3;
    in.accuracyLimit = c.accuracy;
    in.order = c.order;
    in.catalogue = catalogue.entries;
    in.deviceLatency = catalogue.deviceLatency();
    std::vector<double> accuracies;
    for (const auto& s : settings) {
        in.settings.push_back(s.setting);
        accuracies.push_back(s.accuracy ? *s.accuracy : trainedAccuracy(c, base, s.setting));
    }
    const auto oracle = [&](const search::CompressionSetting& s) -> std::optional<double> {
        for (std::size_t k = 0; k < in.settings.size(); ++k)
            if (in.settings[k].label() == s.label())
                return accuracies[k];
        return std::nullopt;
    };
    const auto r = search::selectDevice(in, oracle, electorTechnology14nm());
    if (!r.errors.empty()) {
        std::string all;
        for (const auto& e : r.errors)
            all += (all.empty() ? "" : "; ") + e;
        throw std::invalid_argument(c.catalogue + ": " + all);
    }
    std::cout << "LC " << ms(in.latencyLimitSeconds) << ", AC " << in.accuracyLimit << ", order " << in.order << "; "
              << base.name << " on " << data.name << ", batch " << in.batch << " × " << in.task.sequenceLength
              << " tokens\n";
    for (std::size_t k = 0; k < settings.size(); ++k)
        std::cout << "setting " << k << ": " << in.settings[k].label() << ", accuracy " << accuracies[k]
                  << (settings[k].accuracy ? " (catalogue)" : " (trained)") << "\n";
    for (std::size_t e : r.rankedEntries) {
        const auto& entry = in.catalogue[e];
        for (std::size_t k = 0; k < in.settings.size(); ++k) {
            const auto& cell = r.cells[e][k];
            std::cout << "cell " << entry.name << " | " << in.settings[k].label() << " | "
                      << (cell.feasible ? "feasible" : "rejected") << " | latency "
                      << (cell.latencySeconds ? ms(*cell.latencySeconds) : std::string("-"));
            for (const auto& why : cell.reasons)
                std::cout << " | " << why;
            if (!cell.provenance.empty())
                std::cout << " | " << cell.provenance;
            std::cout << "\n";
        }
    }
    if (!r.chosenEntry) {
        std::cout << "chosen: none (no target meets both constraints with any setting)\n";
        return 1;
    }
    const auto& chosen = in.catalogue[*r.chosenEntry];
    const auto& cell = r.cells[*r.chosenEntry][*r.chosenSetting];
    std::cout << "chosen: " << chosen.name << " (" << in.order << " " << chosen.cost.at(in.order) << ") with "
              << in.settings[*r.chosenSetting].label() << ": latency " << ms(*cell.latencySeconds) << " (margin "
              << ms(r.latencyMarginSeconds) << "), accuracy " << *cell.accuracy << " (margin " << r.accuracyMargin
              << ")\n";
    return 0;
}

template <typename F> void guarded(CommandContext& context, const char* name, F&& body) {
    try {
        context.exitCode = body();
    } catch (const train::DataError& e) {
        std::cerr << name << ": " << e.what() << "\n";
        context.exitCode = 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << name << ": " << e.what() << "\n";
        context.exitCode = 2;
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << "\n";
        context.exitCode = 1;
    }
}

} // namespace

void addCommonTrainingOptions(CLI::App* command, TrainingRequest& request, std::string& model, bool& quiet) {
    addCommonOptions(command, request, model, quiet); // issue 14: tcw grow-prune shares them
}

void addTrainCommands(CLI::App& app, CommandContext& context) {
    auto command = std::make_shared<TrainCommand>();
    TrainingRequest& r = command->job.training;
    auto* train = app.add_subcommand("train", "Train a transformer with DynaProp runtime pruning.");
    addCommonOptions(train, r, command->model, command->quiet);
    auto* tauAct = train->add_option("--tau-act", r.tauActivation, "τ_I: |activation| ≤ τ_I → 0");
    auto* tauGrad = train->add_option("--tau-grad", r.tauGradient, "τ_T: |gradient| ≤ τ_T → 0");
    auto* targetAct = train->add_option_function<double>(
        "--target-act-sparsity", [&r](double v) { r.targetActivationSparsity = v; },
        "calibrate τ_I per layer and tensor kind to this activation sparsity");
    auto* targetGrad = train->add_option_function<double>(
        "--target-grad-sparsity", [&r](double v) { r.targetGradientSparsity = v; },
        "calibrate τ_T per layer to this gradient sparsity");
    targetAct->excludes(tauAct);
    targetGrad->excludes(tauGrad);
    train->add_option("--resume", r.resumeFrom, "continue from a checkpoint");
    train->add_option("--checkpoint-every", r.checkpointEverySteps, "steps between checkpoints (0 = at the end)");
    auto* out = train->add_option_function<std::string>(
        "--out", [command](const std::string& dir) { command->job.runDirectory = dir; },
        "run directory (default with --workspace: FILE.runs/run-…)");
    train->add_flag("--force", command->force,
                    "replace the files of an earlier run in --out (not needed to --resume its own checkpoint)");
    auto* workspace = train->add_option("--workspace", command->workspace,
                                        "store the run in this workspace (training run + trained evaluations)");
    auto* design = train->add_option("--design", command->job.designId,
                                     "with --workspace: the design to train (a transformer, or a pair whose "
                                     "transformer is trained and whose accelerator is simulated with the measured "
                                     "sparsity)");
    auto* precision = train->add_option("--precision", command->precision,
                                        "weight/activation bits: w1 (BWN), w2 (ternary), w8a8, w1a1… (issue 15; "
                                        "activations other than 32-bit are refused by the trainer for now)");
    precision->excludes(workspace);
    workspace->needs(design);
    design->needs(workspace);
    design->excludes("--model");

    train->parse_complete_callback([command, out] {
        if (out->count() == 0 && command->workspace.empty())
            throw CLI::RequiredError("--out (or --workspace)");
    });
    train->callback([command, &context] {
        guarded(context, "tcw train", [&] { return runTrain(*command, io::findDataDir(context.executablePath)); });
    });

    auto sweepCommand = std::make_shared<SweepCommand>();
    auto acts = std::make_shared<std::string>("0,0.02,0.04,0.06");
    auto grads = std::make_shared<std::string>("0,0.0001,0.0002");
    auto* sweep = app.add_subcommand("sweep-thresholds", "Train once per (τ_I, τ_T) grid point; one record each.");
    addCommonOptions(sweep, sweepCommand->request, sweepCommand->model, sweepCommand->quiet);
    sweep->add_option("--tau-act", *acts, "comma-separated τ_I values")->capture_default_str();
    sweep->add_option("--tau-grad", *grads, "comma-separated τ_T values")->capture_default_str();
    sweep->add_option("--out", sweepCommand->out, "output directory (sweep.csv, sweep.json)")->required();
    sweep->add_flag("--force", sweepCommand->force, "replace the sweep.csv / sweep.json of an earlier sweep in --out");
    sweep->callback([sweepCommand, acts, grads, &context] {
        guarded(context, "tcw sweep-thresholds",
                [&] { return runSweep(*sweepCommand, *acts, *grads, io::findDataDir(context.executablePath)); });
    });
    auto pruneCommand = std::make_shared<PruneCommand>();
    pruneCommand->train.job.weightPruning.emplace();
    auto& plan = *pruneCommand->train.job.weightPruning;
    auto* prune = app.add_subcommand(
        "prune", "Train with the weights pruned to a pattern on a schedule; writes the masked checkpoint and "
                 "pruning.json (per-matrix pattern, counts, every format's exact size).");
    addCommonOptions(prune, pruneCommand->train.job.training, pruneCommand->train.model, pruneCommand->train.quiet);
    prune
        ->add_option("--pattern", pruneCommand->pattern,
                     "pruning preset: unstructured, block-16x16 (block-RxC), block-balanced, column-balanced-block, "
                     "N:M (2:4), hierarchical")
        ->required();
    prune->add_option_function<double>(
        "--target-sparsity", [c = pruneCommand.get()](double v) { c->targetSparsity = v; },
        "share of each pruned matrix's weights removed, in [0, 1) (N:M: implied)");
    prune->add_option("--schedule", pruneCommand->schedule, "oneshot | gradual | iterative")->capture_default_str();
    prune
        ->add_option("--prune-start", plan.startShare,
                     "first pruning event after this share of the steps (oneshot: the only one)")
        ->capture_default_str();
    prune->add_option("--prune-end", plan.endShare, "gradual / iterative: the last event, as a share of the steps")
        ->capture_default_str();
    prune->add_option("--rounds", plan.rounds, "gradual / iterative: pruning events")->capture_default_str();
    prune->add_option("--weight-bits", pruneCommand->weightBits, "bits per stored weight in the formats' sizes")
        ->capture_default_str();
    prune->add_option("--out", pruneCommand->train.job.runDirectory, "run directory")->required();
    prune->add_flag("--force", pruneCommand->train.force, "replace the files of an earlier run in --out");
    prune->callback([pruneCommand, &context] {
        guarded(context, "tcw prune", [&] { return runPrune(*pruneCommand, io::findDataDir(context.executablePath)); });
    });
    auto select = std::make_shared<SelectCommand>();
    auto* sel = app.add_subcommand("select-device", "The cheapest catalogue target meeting a latency (LC) and an "
                                                    "accuracy (AC) constraint, with the full feasibility matrix.");
    addCommonOptions(sel, select->request, select->model, select->quiet);
    sel->add_option("--latency", select->latencyMs, "LC: latency limit of one inference, milliseconds")->required();
    sel->add_option("--accuracy", select->accuracy, "AC: test accuracy floor, 0..1")->required();
    sel->add_option("--catalogue", select->catalogue, "device catalogue JSON (docs/formats.md)")->required();
    sel->add_option("--patterns", select->patterns,
                    "comma-separated pruning presets (with dense); default: the catalogue's settings");
    sel->add_option("--sparsity", select->sparsities, "comma-separated sparsities of every pattern")
        ->capture_default_str();
    sel->add_option("--weight-bits", select->weightBits, "bits per stored weight of the --patterns settings")
        ->capture_default_str();
    sel->add_option("--order", select->order, "cost to minimise")
        ->check(CLI::IsMember({"price", "tdp", "peak-power", "area"}))
        ->capture_default_str();
    sel->add_option("--inference-batch", select->batch, "sequences per inference")->capture_default_str();
    sel->add_option("--runs", select->runs,
                    "folder of one training run per setting without a catalogue accuracy (reused when present)");
    sel->add_option("--prune-start", select->pruneStart, "one-shot pruning after this share of the steps")
        ->capture_default_str();
    sel->callback([select, &context] {
        guarded(context, "tcw select-device",
                [&] { return runSelect(*select, io::findDataDir(context.executablePath)); });
    });
}

} // namespace tcw::cli
