// tcw tws-split (issue 15): ternary weight splitting of a half-width ternary run into a
// full-width binary one (core/train/tws_network.h). Reads RUN's checkpoint (latent weights),
// splits every ternary matrix with the share λ, compares the two models' logits on test
// examples and writes RUN2: checkpoint.bin (both halves) and tws_split.json (the lineage: the
// source run, the share, every split matrix's constants and equivalence error, the logits
// comparison).
#include "commands.h"

#include "codesign/training_job.h"
#include "design/precision_shorthand.h"
#include "io/files.h"
#include "io/safe_file.h"
#include "train/checkpoint.h"
#include "train/trainer.h"
#include "train/tws_network.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct TwsSplitCommand {
    std::string run, out;
    double share = 0.5;
    std::string model;                // default: RUN/metrics.json's "model"
    std::string precision = "w2";     // what RUN was trained at (checked against metrics.json)
    TrainingDataRequest data;         // default name: RUN/metrics.json's "data"
    std::int64_t evalExamples = 1000; // test examples compared (0 = all)
    int threads = 1;
    bool force = false;
};

// The tag mixed into the source model's fingerprint: a split checkpoint holds two halves and
// is not a checkpoint of the half-width model (Trainer::loadCheckpoint refuses it).
constexpr std::uint64_t kSplitTag = 0x54575332; // "TWS2"

Json readMetrics(const fs::path& file) {
    std::ifstream in(file);
    if (!in)
        throw std::invalid_argument(file.string() + ": cannot read (RUN must be a tcw train run folder)");
    try {
        return Json::parse(in);
    } catch (const std::exception& e) {
        throw std::invalid_argument(file.string() + ": not JSON (" + e.what() + ")");
    }
}

int runTwsSplit(TwsSplitCommand c, const fs::path& dataDir) {
    const fs::path run(c.run), out(c.out);
    const fs::path checkpoint = run / "checkpoint.bin";
    const Json metrics = readMetrics(run / "metrics.json");
    if (c.model.empty()) {
        if (!metrics.contains("model") || !metrics["model"].is_string())
            throw std::invalid_argument((run / "metrics.json").string() + ": field \"model\" missing; give --model");
        c.model = metrics["model"].get<std::string>();
    }
    if (c.data.name.empty())
        c.data.name = metrics.value("data", std::string("fashion-mnist"));
    TransformerSpec spec = loadTrainableModel(c.model, dataDir);
    if (const std::string why = applyPrecisionShorthand(c.precision, spec.compression); !why.empty())
        throw std::invalid_argument("--" + why);
    const Json described = describeCompression(spec.compression);
    if (metrics.contains("precision") && metrics["precision"] != described)
        throw std::invalid_argument((run / "metrics.json").string() + ": field \"precision\" is " +
                                    metrics["precision"].dump() + " but --precision " + c.precision + " gives " +
                                    described.dump() + "; give the precision RUN was trained at");
    if (!(c.share > 0 && c.share < 1))
        throw std::invalid_argument("--share: λ must lie strictly between 0 and 1 (0.5 is BinaryBERT's split), got " +
                                    std::to_string(c.share));
    std::error_code ec;
    for (const char* name : {"checkpoint.bin", "tws_split.json"})
        if (fs::exists(out / name, ec) && !c.force)
            throw std::invalid_argument((out / name).string() + ": exists; give --force to replace it, or a new --out");
    if (fs::exists(out, ec) && fs::equivalent(out, run, ec))
        throw std::invalid_argument("--out: must differ from RUN (" + run.string() + ")");

    const train::Dataset data = codesign::loadTrainingData(c.data);
    train::TrainConfig config;
    config.batchSize = int(std::min<std::int64_t>(64, data.train.count));
    config.threads = c.threads;
    config.steps = 1;
    train::Trainer trainer(spec, data, config);  // builds the network and checks the precision
    trainer.loadCheckpoint(checkpoint.string()); // refuses a checkpoint of another model
    const train::CheckpointState source = train::loadCheckpoint(checkpoint.string());
    train::Network& net = trainer.network();
    const std::vector<float> latent(net.parameters().begin(), net.parameters().end());

    const train::TwsNetworkSplit split = train::splitTernaryNetwork(net.tensors(), latent, spec.compression, c.share);
    const train::TwsLogitsComparison cmp =
        train::compareSplitLogits(net, latent, split, spec.compression, data, data.test, c.evalExamples);

    std::printf("%-34s %9s %10s %10s %10s %10s %12s\n", "split matrix", "entries", "alpha_t", "alpha_1", "alpha_2", "m",
                "equiv. error");
    std::int64_t splitWeights = 0;
    Json tensors = Json::array();
    for (const auto& s : split.tensors) {
        std::printf("%-34s %9lld %10.6f %10.6f %10.6f %10.6f %12.3e\n", s.name.c_str(),
                    static_cast<long long>(s.rows * s.cols), s.alphaTernary, s.alpha1, s.alpha2, s.m,
                    s.equivalenceError);
        splitWeights += s.rows * s.cols;
        tensors.push_back({{"name", s.name},
                           {"rows", s.rows},
                           {"cols", s.cols},
                           {"alphaTernary", s.alphaTernary},
                           {"a", s.a},
                           {"m", s.m},
                           {"alpha1", s.alpha1},
                           {"alpha2", s.alpha2},
                           {"equivalenceError", s.equivalenceError}});
    }
    std::printf("split %zu matrices (%lld ternary weights → %lld binary), share λ = %g\n", split.tensors.size(),
                static_cast<long long>(splitWeights), static_cast<long long>(2 * splitWeights), c.share);
    std::printf("equivalence error max |BWN(W1) + BWN(W2) - TWN(W)| / alpha_t = %.3e%s\n", split.maxEquivalenceError,
                c.share == 0.5 ? "" : " (a share other than 0.5 is not equivalent: |2λ − 1| on the zeroed entries)");
    std::printf("logits on %lld test examples: max |binary - ternary| = %.3e (max |logit| %.3f); accuracy ternary "
                "%.2f%%, binary %.2f%%; same class on %lld\n",
                static_cast<long long>(cmp.examples), cmp.maxAbsDifference, cmp.maxAbsLogit,
                100.0 * cmp.ternaryAccuracy, 100.0 * cmp.binaryAccuracy, static_cast<long long>(cmp.sameArgmax));

    fs::create_directories(out, ec);
    if (ec)
        throw std::runtime_error(out.string() + ": cannot create the folder (" + ec.message() + ")");
    train::CheckpointState state = source;
    state.modelFingerprint = source.modelFingerprint ^ kSplitTag;
    state.parameters = split.half1;
    state.parameters.insert(state.parameters.end(), split.half2.begin(), split.half2.end());
    state.firstMoment.clear(); // a new model: its optimizer starts afresh
    state.secondMoment.clear();
    train::saveCheckpoint((out / "checkpoint.bin").string(), state);
    const Json record = {{"schemaVersion", 1},
                         {"kind", "twsSplit"},
                         {"lineage",
                          {{"operation", "ternary weight splitting"},
                           {"source", fs::absolute(run).lexically_normal().string()},
                           {"sourceCheckpoint", fs::absolute(checkpoint).lexically_normal().string()},
                           {"sourceStep", source.step},
                           {"sourceTestAccuracy", metrics.value("testAccuracy", Json())}}},
                         {"model", c.model},
                         {"data", data.name},
                         {"sourcePrecision", described},
                         {"share", c.share},
                         {"checkpointLayout",
                          "half 1 then half 2, each the half-width model's parameter vector: W1 / W2 on the split "
                          "matrices, bias/2 on their biases, other tensors copied"},
                         {"splitMatrices", tensors},
                         {"halvedBiases",
                          [&] {
                              Json names = Json::array();
                              for (std::size_t b : split.halvedBiases)
                                  names.push_back(net.tensors()[b].name);
                              return names;
                          }()},
                         {"maxEquivalenceError", split.maxEquivalenceError},
                         {"logits",
                          {{"examples", cmp.examples},
                           {"maxAbsDifference", cmp.maxAbsDifference},
                           {"maxAbsLogit", cmp.maxAbsLogit},
                           {"ternaryAccuracy", cmp.ternaryAccuracy},
                           {"binaryAccuracy", cmp.binaryAccuracy},
                           {"sameArgmax", cmp.sameArgmax}}}};
    io::writeFileOrThrow(out / "tws_split.json", record.dump(2) + "\n", io::WriteOptions{.overwrite = c.force});
    std::printf("wrote %s (both halves) and tws_split.json (lineage)\n", (out / "checkpoint.bin").string().c_str());
    return 0;
}

} // namespace

void addTwsSplitCommand(CLI::App& app, CommandContext& context) {
    auto c = std::make_shared<TwsSplitCommand>();
    c->data.name.clear();
    auto* cmd = app.add_subcommand("tws-split", "Ternary weight splitting: a half-width ternary run (--precision w2) "
                                                "into a full-width binary model, with its equivalence error.");
    cmd->add_option("RUN", c->run, "a tcw train run folder trained with ternary weights")->required();
    cmd->add_option("--out", c->out, "folder for the split model (checkpoint.bin, tws_split.json)")->required();
    cmd->add_option("--share", c->share, "share λ of the first half (0.5 = BinaryBERT; others: our weighting)")
        ->capture_default_str();
    cmd->add_option("--model", c->model, "the run's model (default: RUN/metrics.json's \"model\")");
    cmd->add_option("--precision", c->precision, "the precision RUN was trained at")->capture_default_str();
    cmd->add_option("--data", c->data.name, "the run's data set (default: RUN/metrics.json's \"data\")");
    cmd->add_option("--data-dir", c->data.dataDir, "Fashion-MNIST directory or fortunes root");
    cmd->add_option("--vocab", c->data.vocabulary, "WordPiece vocab.txt for tsv:DIR");
    cmd->add_option("--patch", c->data.patch, "Fashion-MNIST patch side, as the run used")->capture_default_str();
    cmd->add_option("--seq-len", c->data.sequenceLength, "text: tokens per example, as the run used");
    cmd->add_option("--eval", c->evalExamples, "test examples whose logits are compared (0 = all)")
        ->capture_default_str();
    cmd->add_option("--threads", c->threads, "oneDNN / OpenMP threads")->capture_default_str();
    cmd->add_flag("--force", c->force, "replace an earlier split's files in --out");
    cmd->callback([c, &context] {
        try {
            context.exitCode = runTwsSplit(*c, io::findDataDir(context.executablePath));
        } catch (const std::invalid_argument& e) {
            std::cerr << "tcw tws-split: " << e.what() << "\n";
            context.exitCode = 2;
        } catch (const std::exception& e) {
            std::cerr << "tcw tws-split: " << e.what() << "\n";
            context.exitCode = 1;
        }
    });
}

} // namespace tcw::cli
