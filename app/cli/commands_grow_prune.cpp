// tcw grow-prune (issue 14): GPTran's grow-and-prune loop on a device target with constraints
// (core/codesign/grow_prune.h, docs/grow_prune.md). Every child is a training run of the
// workspace; the lineage table makes the session a tree the GUI's GPTran view draws.
#include "commands.h"

#include "codesign/grow_prune.h"
#include "devices/device_library.h"
#include "io/files.h"
#include "store/workspace.h"
#include "train/datasets.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;

struct GrowPruneCommand {
    codesign::GrowPruneRequest request;
    std::string model = "bert-tiny";
    std::string target;
    std::string workspace;
    std::string transfer = "projection";
    bool quiet = false;
};

std::string costsText(const codesign::GrowPruneNode& n) {
    if (!n.costs)
        return "costs unknown";
    char buf[160];
    std::snprintf(buf, sizeof buf, "latency %.4g s", n.costs->latencySeconds);
    std::string out = buf;
    if (n.costs->energyJoules) {
        std::snprintf(buf, sizeof buf, ", energy %.4g J", *n.costs->energyJoules);
        out += buf;
    }
    if (n.costs->peakPowerWatts) {
        std::snprintf(buf, sizeof buf, ", peak %.4g W", *n.costs->peakPowerWatts);
        out += buf;
    }
    return out + " (" + (n.costs->measured ? "measured" : "predicted") + ")";
}

void printNode(const codesign::GrowPruneNode& n) {
    std::printf("  [%d] %-12s %-22s acc %.4f loss %.4f  %s  %s%s\n", n.iteration,
                n.op ? std::string(codesign::growPruneOperatorName(*n.op)).c_str() : "root", n.model.name.c_str(),
                n.accuracy, n.testLoss, costsText(n).c_str(),
                n.feasible ? "feasible" : "REJECTED: ", n.feasible ? "" : n.violations.c_str());
    if (!n.change.empty())
        std::printf("      %s\n", n.change.c_str());
    std::fflush(stdout);
}

int runGrowPrune(GrowPruneCommand& c, const fs::path& dataDir) {
    if (c.target.rfind("device:", 0) != 0) {
        std::cerr << "tcw grow-prune: --target '" << c.target.substr(0, 60)
                  << "': expected device:ID (a preset of tcw devices list, or device:FILE)\n";
        return 2;
    }
    const auto transfer = codesign::transferModeFromName(c.transfer);
    if (!transfer) {
        std::cerr << "tcw grow-prune: --transfer '" << c.transfer << "': expected projection or ordered\n";
        return 2;
    }
    c.request.transfer = *transfer;
    auto profile = devices::resolveDeviceProfile(c.target.substr(7), dataDir);
    if (!profile.value) {
        std::cerr << "tcw grow-prune: --target: " << profile.errors.toString() << "\n";
        return 2;
    }
    const devices::MeasuredCostModel cost(std::move(*profile.value));
    c.request.target = c.target;
    c.request.model = loadTrainableModel(c.model, dataDir);
    if (const auto e = cost.estimate(c.request.model); !e) {
        std::cerr << "tcw grow-prune: --target " << c.target
                  << ": the device's cost model has no estimate for the model (not measured there, and the profile has "
                     "fewer than 5 rows for a surrogate)\n";
        return 2;
    }
    codesign::checkGrowPruneRequest(c.request); // before the workspace is created
    std::optional<store::Workspace> workspace;
    if (fs::exists(c.workspace))
        workspace.emplace(store::Workspace::open(c.workspace));
    else
        workspace.emplace(store::Workspace::create(c.workspace));

    std::printf("grow-prune %s on %s, target %s; constraints:", c.request.model.name.c_str(),
                c.request.training.data.name.c_str(), c.target.c_str());
    const auto& k = c.request.constraints;
    if (!k.any())
        std::printf(" none");
    if (k.latencySeconds)
        std::printf(" latency ≤ %.4g s", *k.latencySeconds);
    if (k.energyJoules)
        std::printf(" energy ≤ %.4g J", *k.energyJoules);
    if (k.peakPowerWatts)
        std::printf(" peak power ≤ %.4g W", *k.peakPowerWatts);
    std::printf("; seed %llu, patience %d\n", static_cast<unsigned long long>(c.request.seed), c.request.patience);

    const auto progress = [&c](const codesign::GrowPruneEvent& e) {
        if (e.kind == codesign::GrowPruneEvent::Kind::Trained && e.node)
            printNode(*e.node);
        else if (e.kind == codesign::GrowPruneEvent::Kind::Iteration)
            std::printf("iteration %d: %s\n", e.iteration, e.what.c_str());
        else if (!c.quiet)
            std::fprintf(stderr, "training %s…\n", e.what.c_str());
    };
    const codesign::GrowPruneResult result = codesign::runGrowPrune(c.request, cost, *workspace, {}, progress);
    std::printf("stopped (%s) after %d iterations, %zu runs stored in %s\n", result.stopReason.c_str(),
                result.iterations, result.nodes.size(), c.workspace.c_str());
    if (result.best < 0) {
        std::printf("no accepted model meets the constraints (the starting model: %s)\n",
                    result.nodes.empty() ? "not trained" : result.nodes.front().violations.c_str());
        return 1;
    }
    const auto& best = result.nodes[static_cast<std::size_t>(result.best)];
    std::printf("best: %s, accuracy %.4f, %s, training run %lld, design %lld\n", best.model.name.c_str(), best.accuracy,
                costsText(best).c_str(), static_cast<long long>(best.runId), static_cast<long long>(best.designId));
    return 0;
}

template <typename F> void guardedGrowPrune(CommandContext& context, F&& body) {
    try {
        context.exitCode = body();
    } catch (const train::DataError& e) {
        std::cerr << "tcw grow-prune: " << e.what() << "\n";
        context.exitCode = 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "tcw grow-prune: " << e.what() << "\n";
        context.exitCode = 2;
    } catch (const std::exception& e) {
        std::cerr << "tcw grow-prune: " << e.what() << "\n";
        context.exitCode = 1;
    }
}

} // namespace

void addGrowPruneCommand(CLI::App& app, CommandContext& context) {
    auto c = std::make_shared<GrowPruneCommand>();
    codesign::GrowPruneRequest& r = c->request;
    auto* cmd = app.add_subcommand(
        "grow-prune", "GPTran: grow and prune a model block by block, each child trained from its parent's weights "
                      "and accepted only when it meets the device target's constraints.");
    addCommonTrainingOptions(cmd, r.training, c->model, c->quiet);
    cmd->add_option("--target", c->target, "device:ID (tcw devices list) or device:FILE")->required();
    cmd->add_option_function<double>(
        "--latency", [&r](double v) { r.constraints.latencySeconds = v; },
        "latency limit, seconds per sequence on the device (its cost model)");
    cmd->add_option_function<double>(
        "--energy", [&r](double v) { r.constraints.energyJoules = v; }, "energy limit, joules per sequence");
    cmd->add_option_function<double>(
        "--peak-power", [&r](double v) { r.constraints.peakPowerWatts = v; }, "peak power limit, watts");
    cmd->add_option("--patience", r.patience, "iterations without a new best before stopping")->capture_default_str();
    cmd->add_option("--max-iterations", r.maxIterations, "operators applied at most")->capture_default_str();
    cmd->add_option("--transfer", c->transfer,
                    "weights across a resized dimension: projection (Gaussian random projection, GPTran's) or "
                    "ordered (leading entries)")
        ->capture_default_str();
    cmd->add_flag("--shrink-layer", r.shrinkLayer,
                  "also cycle the fifth operator (the weakest layer loses 48 hidden units; off in the reference)");
    cmd->add_option("--grow-heads", r.sizes.growHeadChildren, "grow-head children per iteration")
        ->capture_default_str();
    cmd->add_option("--grow-ffs", r.sizes.growFfChildren, "grow-ff children per iteration")->capture_default_str();
    cmd->add_option("--ff-width", r.sizes.growFfWidth, "width of a grown feed-forward layer")->capture_default_str();
    cmd->add_option("--workspace", c->workspace,
                    "workspace the runs and their lineage are stored in (created if absent)")
        ->required();
    // --seed (addCommonTrainingOptions) also seeds the operators' choices.
    cmd->callback([c, &context] {
        c->request.seed = c->request.training.seed;
        guardedGrowPrune(context, [&] { return runGrowPrune(*c, io::findDataDir(context.executablePath)); });
    });
}

} // namespace tcw::cli
