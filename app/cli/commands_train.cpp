// tcw train and tcw sweep-thresholds: DynaProp training runs from the command line. Writes
// the run's curves (CSV, JSON), final metrics, sparsity profile and checkpoint into RUN_DIR;
// a progress bar with loss, accuracy, sparsity and ETA goes to stderr.
#include "commands.h"

#include "codesign/training_job.h"
#include "design/technology_library.h"
#include "io/files.h"
#include "io/formats.h"
#include "store/workspace.h"
#include "train/datasets.h"
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

struct TrainOptions {
    std::string model = "vit-fashion-mnist";
    std::string data = "fashion-mnist";
    std::string dataDir;    // Fashion-MNIST directory / fortunes root (defaults: Debian paths)
    std::string vocabulary; // WordPiece vocab.txt for tsv:DIR
    int patch = 4;          // Fashion-MNIST patch side
    int sequenceLength = 0; // text: tokens per example (0 = data set default)
    std::int64_t maxTrain = 0, maxTest = 0, maxPerClass = 0;
    int epochs = 1;
    std::int64_t steps = 0;
    int batch = 64;
    float learningRate = 1e-3f;
    float weightDecay = 0.05f;
    double warmupFraction = 0.05;
    float maxGradNorm = 1.0f;
    std::string optimizer = "adamw";
    float tauAct = 0.0f, tauGrad = 0.0f;
    double targetAct = -1.0, targetGrad = -1.0;
    bool noPruneActGrads = false, noPruneWeightGrads = false, exactActGrads = false, bf16 = false;
    int threads = 1;
    std::uint64_t seed = 1;
    std::int64_t logEvery = 20;
    std::int64_t evalEvery = 0;
    std::int64_t evalMax = 2000;
    std::int64_t checkpointEvery = 0;
    std::string resume;
    std::string out;
    bool force = false; // --force: replace the files of an earlier run in --out
    bool quiet = false;
    std::string workspace; // tcw train --workspace: store the run there
    std::int64_t design = 0;
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

// --- options → request (codesign/training_job: the one path the GUI takes too) ----------

codesign::TrainingRequest requestOf(const TrainOptions& o) {
    codesign::TrainingRequest r;
    r.data.name = o.data;
    r.data.dataDir = o.dataDir;
    r.data.vocabulary = o.vocabulary;
    r.data.patch = o.patch;
    r.data.sequenceLength = o.sequenceLength;
    r.data.maxTrain = o.maxTrain;
    r.data.maxTest = o.maxTest;
    r.data.maxPerClass = o.maxPerClass;
    r.data.seed = o.seed;
    r.epochs = o.epochs;
    r.steps = o.steps;
    r.batch = o.batch;
    r.learningRate = o.learningRate;
    r.weightDecay = o.weightDecay;
    r.warmupFraction = o.warmupFraction;
    r.maxGradNorm = o.maxGradNorm;
    r.sgd = o.optimizer == "sgd";
    r.tauActivation = o.tauAct;
    r.tauGradient = o.tauGrad;
    if (o.targetAct >= 0)
        r.targetActivationSparsity = o.targetAct;
    if (o.targetGrad >= 0)
        r.targetGradientSparsity = o.targetGrad;
    r.pruneActivationGradients = !o.noPruneActGrads;
    r.pruneWeightGradients = !o.noPruneWeightGrads;
    r.stochasticActivationGradients = !o.exactActGrads;
    r.bf16 = o.bf16;
    r.threads = o.threads;
    r.seed = o.seed;
    r.logEverySteps = o.logEvery;
    r.evalEverySteps = o.evalEvery;
    r.evalMaxExamples = o.evalMax;
    r.checkpointEverySteps = o.checkpointEvery;
    r.resumeFrom = o.resume;
    return r;
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

void addCommonOptions(CLI::App* cmd, TrainOptions& o) {
    cmd->add_option("--model", o.model, "built-in preset name or a transformer JSON / model dict file")
        ->capture_default_str();
    cmd->add_option("--data", o.data, "fashion-mnist | fortunes | listops | tsv:DIR")->capture_default_str();
    cmd->add_option("--data-dir", o.dataDir, "Fashion-MNIST directory or fortunes root (default: Debian paths)");
    cmd->add_option("--vocab", o.vocabulary, "WordPiece vocab.txt for tsv:DIR (default: word vocabulary)");
    cmd->add_option("--patch", o.patch, "Fashion-MNIST patch side (4 → 49 tokens, 7 → 16)")->capture_default_str();
    cmd->add_option("--seq-len", o.sequenceLength, "text: tokens per example");
    cmd->add_option("--max-train", o.maxTrain, "cap on training examples (0 = all)");
    cmd->add_option("--max-test", o.maxTest, "cap on test examples (0 = all)");
    cmd->add_option("--max-per-class", o.maxPerClass, "fortunes: cap per language (0 = all)");
    auto* epochs = cmd->add_option("--epochs", o.epochs, "passes over the training split")->capture_default_str();
    auto* steps = cmd->add_option("--steps", o.steps, "optimizer steps (instead of --epochs)");
    epochs->excludes(steps);
    cmd->add_option("--batch", o.batch, "batch size")->capture_default_str();
    cmd->add_option("--lr", o.learningRate, "peak learning rate")->capture_default_str();
    cmd->add_option("--weight-decay", o.weightDecay, "AdamW decoupled weight decay")->capture_default_str();
    cmd->add_option("--warmup", o.warmupFraction, "warm-up share of the steps")->capture_default_str();
    cmd->add_option("--clip", o.maxGradNorm, "gradient-norm clipping (0 = off)")->capture_default_str();
    cmd->add_option("--optimizer", o.optimizer, "adamw | sgd")
        ->check(CLI::IsMember({"adamw", "sgd"}))
        ->capture_default_str();
    cmd->add_flag("--no-prune-act-grads", o.noPruneActGrads, "τ_T leaves activation gradients alone");
    cmd->add_flag("--no-prune-weight-grads", o.noPruneWeightGrads, "τ_T leaves parameter gradients alone");
    cmd->add_flag("--exact-act-grad-pruning", o.exactActGrads,
                  "activation gradients below τ_T become 0 (default: 0 or ±τ_T, unbiased)");
    cmd->add_flag("--bf16", o.bf16, "bf16 matmul operands with f32 accumulation (faster, less exact)");
    cmd->add_option("--threads", o.threads, "oneDNN / OpenMP threads")->capture_default_str();
    cmd->add_option("--seed", o.seed, "seed of initialisation and data order")->capture_default_str();
    cmd->add_option("--log-every", o.logEvery, "steps between curve points and progress reports")
        ->capture_default_str();
    cmd->add_option("--eval-every", o.evalEvery, "evaluate on the test split every N steps (0 = at the end)");
    cmd->add_option("--eval-max", o.evalMax, "test examples for the periodic evaluations")->capture_default_str();
    cmd->add_flag("--quiet", o.quiet, "no progress bar");
}

int runTrain(const TrainOptions& o, const fs::path& dataDir) {
    // --workspace: the run is stored there; its folder defaults to one next to the workspace.
    std::optional<store::Workspace> workspace;
    std::optional<codesign::TrainingTarget> target;
    if (!o.workspace.empty()) {
        workspace.emplace(store::Workspace::open(o.workspace));
        target = codesign::trainingTargetOf(*workspace, o.design);
    }
    const TransformerSpec spec = target ? target->model : loadModel(o.model, dataDir);
    const codesign::TrainingRequest request = requestOf(o);
    const train::Dataset data = codesign::loadTrainingData(request.data);
    train::TrainConfig config = codesign::makeTrainConfig(request, data);
    if (!o.out.empty())
        if (const std::string why = checkOutputFolder(o.out, kRunFiles, o.force, o.resume); !why.empty())
            throw std::invalid_argument(why);
    const fs::path dir = !o.out.empty() ? fs::path(o.out) : codesign::newRunDirectory(o.workspace);
    if (std::error_code ec; !fs::create_directories(dir, ec) && ec)
        throw std::runtime_error(dir.string() + ": cannot create the run folder (" + ec.message() + ")");
    config.checkpointPath = (dir / "checkpoint.bin").string();
    std::cerr << "tcw train: " << spec.name << " (" << spec.parameterCount(data.task) << " parameters) on " << data.name
              << ": " << data.train.count << " train / " << data.test.count << " test examples, "
              << data.task.numClasses << " classes, sequence " << data.task.sequenceLength << ", " << config.threads
              << " thread(s)\n";
    TrainProgressBar bar(o.quiet);
    const train::TrainResult r = train::train(spec, data, config, {}, std::ref(bar));
    bar.finish();
    codesign::writeRunFiles(dir, r, spec, data, config);
    if (workspace) {
        const auto stored =
            codesign::storeTrainingRun(*workspace, *target, request, data, r, dir, electorTechnology14nm());
        std::cerr << "tcw train: stored as training run " << stored.runId << " of design " << o.design << " in "
                  << o.workspace;
        if (!stored.evaluationIds.empty())
            std::cerr << " with " << stored.evaluationIds.size() << " trained evaluations";
        std::cerr << "\n";
    }
    if (r.status == train::TrainStatus::Diverged) {
        std::cerr << "tcw train: " << r.message << "\n";
        return 1;
    }
    train::LayerSparsityCounts total;
    for (const auto& c : r.accumulated)
        total.add(c);
    std::cout << "test accuracy " << percent(r.test.accuracy) << " (loss " << std::setprecision(4) << r.test.loss
              << ", " << r.test.examples << " examples) after " << r.steps << " steps in " << formatSeconds(r.seconds)
              << "\nsparsity: activations " << percent(total.activationTotal().fraction()) << ", activation gradients "
              << percent(total.activationGradient.fraction()) << ", weight gradients "
              << percent(total.weightGradient.fraction())
              << "\npeak saved-activation memory: " << r.peakActivationMemory.denseBytes / 1048576.0 << " MiB dense, "
              << r.peakActivationMemory.compressedBytes / 1048576.0 << " MiB stored sparse\n"
              << "wrote " << (dir / "metrics.json").string() << ", curves.csv, curves.json, sparsity_profile.json, "
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

int runSweep(const TrainOptions& base, const std::string& tauActList, const std::string& tauGradList,
             const fs::path& dataDir) {
    const TransformerSpec spec = loadModel(base.model, dataDir);
    const train::Dataset data = codesign::loadTrainingData(requestOf(base).data);
    const auto acts = parseList(tauActList, "--tau-act");
    const auto gradsList = parseList(tauGradList, "--tau-grad");
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
            TrainOptions o = base;
            o.tauAct = ta;
            o.tauGrad = tg;
            train::TrainConfig config = codesign::makeTrainConfig(requestOf(o), data);
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
    auto options = std::make_shared<TrainOptions>();
    auto* train = app.add_subcommand("train", "train a transformer with DynaProp runtime pruning");
    addCommonOptions(train, *options);
    auto* tauAct = train->add_option("--tau-act", options->tauAct, "τ_I: |activation| ≤ τ_I → 0");
    auto* tauGrad = train->add_option("--tau-grad", options->tauGrad, "τ_T: |gradient| ≤ τ_T → 0");
    auto* targetAct = train->add_option("--target-act-sparsity", options->targetAct,
                                        "calibrate τ_I per layer and tensor kind to this activation sparsity");
    auto* targetGrad = train->add_option("--target-grad-sparsity", options->targetGrad,
                                         "calibrate τ_T per layer to this gradient sparsity");
    targetAct->excludes(tauAct);
    targetGrad->excludes(tauGrad);
    train->add_option("--resume", options->resume, "continue from a checkpoint");
    train->add_option("--checkpoint-every", options->checkpointEvery, "steps between checkpoints (0 = at the end)");
    auto* out = train->add_option("--out", options->out, "run directory (default with --workspace: FILE.runs/run-…)");
    train->add_flag("--force", options->force,
                    "replace the files of an earlier run in --out (not needed to --resume its own checkpoint)");
    auto* workspace = train->add_option("--workspace", options->workspace,
                                        "store the run in this workspace (training run + trained evaluations)");
    auto* design = train->add_option("--design", options->design,
                                     "with --workspace: the design to train (a transformer, or a pair whose "
                                     "transformer is trained and whose accelerator is simulated with the measured "
                                     "sparsity)");
    workspace->needs(design);
    design->needs(workspace);
    design->excludes("--model");

    train->parse_complete_callback([options, out] {
        if (out->count() == 0 && options->workspace.empty())
            throw CLI::RequiredError("--out (or --workspace)");
    });
    train->callback([options, &context] {
        guarded(context, "tcw train", [&] { return runTrain(*options, io::findDataDir(context.executablePath)); });
    });

    auto sweepOptions = std::make_shared<TrainOptions>();
    auto acts = std::make_shared<std::string>("0,0.02,0.04,0.06");
    auto grads = std::make_shared<std::string>("0,0.0001,0.0002");
    auto* sweep = app.add_subcommand("sweep-thresholds", "train once per (τ_I, τ_T) grid point; one record each");
    addCommonOptions(sweep, *sweepOptions);
    sweep->add_option("--tau-act", *acts, "comma-separated τ_I values")->capture_default_str();
    sweep->add_option("--tau-grad", *grads, "comma-separated τ_T values")->capture_default_str();
    sweep->add_option("--out", sweepOptions->out, "output directory (sweep.csv, sweep.json)")->required();
    sweep->add_flag("--force", sweepOptions->force, "replace the sweep.csv / sweep.json of an earlier sweep in --out");
    sweep->callback([sweepOptions, acts, grads, &context] {
        guarded(context, "tcw sweep-thresholds",
                [&] { return runSweep(*sweepOptions, *acts, *grads, io::findDataDir(context.executablePath)); });
    });
}

} // namespace tcw::cli
