// tcw train and tcw sweep-thresholds: DynaProp training runs from the command line. Writes
// the run's curves (CSV, JSON), final metrics, sparsity profile and checkpoint into RUN_DIR;
// a progress bar with loss, accuracy, sparsity and ETA goes to stderr.
#include "commands.h"

#include "codesign/training_job.h"
#include "design/precision_shorthand.h"
#include "design/technology_library.h"
#include "io/files.h"
#include "io/formats.h"
#include "omp_wait_policy.h"
#include "store/workspace.h"
#include "train/datasets.h"
#include "train/precision.h"
#include "train/presets.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
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

// --- model loading: a file in any transformer format or a data preset (io), else a
// preset built into the trainer ---------------------------------------------------------

TransformerSpec loadModel(const std::string& model, const fs::path& dataDir) {
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

const std::initializer_list<const char*> kRunFiles = {"checkpoint.bin", "metrics.json", "curves.csv", "curves.json",
                                                      "sparsity_profile.json"};

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
        c.job.model = loadModel(c.model, dataDir);
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
              << r.peakActivationMemory.compressedBytes / 1048576.0 << " MiB stored sparse\n";
    printBackwardKernels(r.backwardKernels);
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
    const TransformerSpec spec = loadModel(base.model, dataDir);
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

void addTrainCommands(CLI::App& app, CommandContext& context) {
    auto command = std::make_shared<TrainCommand>();
    TrainingRequest& r = command->job.training;
    auto* train = app.add_subcommand("train", "train a transformer with DynaProp runtime pruning");
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
    auto* sweep = app.add_subcommand("sweep-thresholds", "train once per (τ_I, τ_T) grid point; one record each");
    addCommonOptions(sweep, sweepCommand->request, sweepCommand->model, sweepCommand->quiet);
    sweep->add_option("--tau-act", *acts, "comma-separated τ_I values")->capture_default_str();
    sweep->add_option("--tau-grad", *grads, "comma-separated τ_T values")->capture_default_str();
    sweep->add_option("--out", sweepCommand->out, "output directory (sweep.csv, sweep.json)")->required();
    sweep->add_flag("--force", sweepCommand->force, "replace the sweep.csv / sweep.json of an earlier sweep in --out");
    sweep->callback([sweepCommand, acts, grads, &context] {
        guarded(context, "tcw sweep-thresholds",
                [&] { return runSweep(*sweepCommand, *acts, *grads, io::findDataDir(context.executablePath)); });
    });
}

} // namespace tcw::cli
