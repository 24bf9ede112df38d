#include "grow_prune.h"

#include "io/formats.h"
#include "store/run_lineage.h"
#include "train/checkpoint.h"

#include <cstdio>
#include <stdexcept>

namespace tcw::codesign {

namespace {

// splitmix64: seeds for each iteration and child that do not depend on the order of draws.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
std::uint64_t seedOf(std::uint64_t seed, int iteration, int child) {
    return mix(mix(mix(seed) ^ static_cast<std::uint64_t>(iteration)) ^ static_cast<std::uint64_t>(child + 1));
}

std::string number(double v, const char* unit) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4g %s", v, unit);
    return buf;
}

void addViolation(std::string& out, const std::string& text) {
    if (!out.empty())
        out += "; ";
    out += text;
}

} // namespace

bool meetsConstraints(const std::optional<devices::DeviceEstimate>& costs, const GrowPruneConstraints& c,
                      std::string& violations) {
    violations.clear();
    if (!c.any())
        return true;
    if (!costs) {
        violations = "the target's cost model has no estimate for this model";
        return false;
    }
    if (c.latencySeconds && costs->latencySeconds > *c.latencySeconds)
        addViolation(violations,
                     "latency " + number(costs->latencySeconds, "s") + " > " + number(*c.latencySeconds, "s"));
    if (c.energyJoules) {
        if (!costs->energyJoules)
            addViolation(violations, "energy unknown on this device");
        else if (*costs->energyJoules > *c.energyJoules)
            addViolation(violations,
                         "energy " + number(*costs->energyJoules, "J") + " > " + number(*c.energyJoules, "J"));
    }
    if (c.peakPowerWatts) {
        if (!costs->peakPowerWatts)
            addViolation(violations, "peak power unknown on this device");
        else if (*costs->peakPowerWatts > *c.peakPowerWatts)
            addViolation(violations,
                         "peak power " + number(*costs->peakPowerWatts, "W") + " > " + number(*c.peakPowerWatts, "W"));
    }
    return violations.empty();
}

namespace {

struct Loop {
    const GrowPruneRequest& request;
    const devices::MeasuredCostModel& cost;
    store::Workspace& workspace;
    std::stop_token stop;
    const GrowPruneProgress& progress;
    GrowPruneResult result;
    std::int64_t sessionRunId = 0;
    TaskShape task; // the data set's, from the first job

    void report(GrowPruneEvent::Kind kind, int iteration, const std::string& what,
                const GrowPruneNode* node = nullptr) {
        if (progress)
            progress({kind, iteration, what, node});
    }

    // Trains one node (the root, or a child from its parent's weights) and stores it.
    GrowPruneNode& train(GrowPruneNode node, const std::vector<float>& initial, std::uint64_t seed) {
        report(GrowPruneEvent::Kind::Training, node.iteration,
               node.model.name + (node.change.empty() ? "" : " (" + node.change + ")"));
        const std::string spec = io::formatDocument(io::Document{node.model}, io::FileFormat::WorkbenchJson).text;
        std::int64_t designId = 0;
        workspace.transaction([&] {
            const auto existing = workspace.findDesign(store::DesignKind::Transformer, spec);
            designId =
                existing ? *existing : workspace.addDesign(node.model.name, store::DesignKind::Transformer, spec);
        });
        TrainingJobRequest job;
        job.training = request.training;
        job.training.seed = seed;
        job.designId = designId;
        job.initialParameters = initial;
        TrainingJob training = TrainingJob::start(job, &workspace);
        task = training.data().task;
        TrainingJobOutcome outcome = training.run(stop);
        node.status = outcome.result.status;
        if (node.status != train::TrainStatus::Diverged) {
            node.accuracy = outcome.result.test.accuracy;
            node.testLoss = outcome.result.test.loss;
        }
        node.parameters = outcome.result.parameterCount;
        node.designId = designId;
        node.runDirectory = outcome.runDirectory;
        node.runId = outcome.stored ? outcome.stored->runId : 0;
        node.costs = cost.estimate(node.model);
        node.feasible = meetsConstraints(node.costs, request.constraints, node.violations);
        if (node.parent < 0)
            sessionRunId = node.runId;

        store::RunLineageRecord lineage;
        lineage.runId = node.runId;
        if (node.parent >= 0)
            lineage.parentRunId = result.nodes[static_cast<std::size_t>(node.parent)].runId;
        lineage.sessionRunId = sessionRunId;
        lineage.iteration = node.iteration;
        lineage.op = node.op ? std::string(growPruneOperatorName(*node.op)) : "root";
        lineage.change = node.change;
        lineage.accepted = node.accepted;
        lineage.target = request.target;
        if (node.costs) {
            lineage.latencySeconds = node.costs->latencySeconds;
            lineage.energyJoules = node.costs->energyJoules;
            lineage.peakPowerWatts = node.costs->peakPowerWatts;
            lineage.provenance = node.costs->provenance;
        }
        lineage.feasible = node.feasible;
        lineage.violations = node.violations;
        workspace.transaction([&] { store::saveRunLineage(workspace.database(), lineage); });

        node.index = static_cast<int>(result.nodes.size());
        result.nodes.push_back(std::move(node));
        report(GrowPruneEvent::Kind::Trained, result.nodes.back().iteration, result.nodes.back().model.name,
               &result.nodes.back());
        return result.nodes.back();
    }

    void accept(int index) {
        result.nodes[static_cast<std::size_t>(index)].accepted = true;
        workspace.transaction([&] {
            store::setRunLineageAccepted(workspace.database(), result.nodes[static_cast<std::size_t>(index)].runId,
                                         true);
        });
    }

    bool usable(const GrowPruneNode& n) const { return n.status == train::TrainStatus::Completed; }
    bool better(const GrowPruneNode& a, const GrowPruneNode& b) const { // a more accurate than b
        return a.accuracy > b.accuracy || (a.accuracy == b.accuracy && a.testLoss < b.testLoss);
    }
};

} // namespace

void checkGrowPruneRequest(const GrowPruneRequest& r) {
    if (r.patience < 1)
        throw std::invalid_argument("--patience: " + std::to_string(r.patience) + " (allowed: 1 or more)");
    if (r.maxIterations < 0)
        throw std::invalid_argument("--max-iterations: " + std::to_string(r.maxIterations) + " (allowed: 0 or more)");
    const auto positive = [](const std::optional<double>& v, const char* option) {
        if (v && !(*v > 0))
            throw std::invalid_argument(std::string(option) + ": " + std::to_string(*v) +
                                        " (allowed: a positive number)");
    };
    positive(r.constraints.latencySeconds, "--latency");
    positive(r.constraints.energyJoules, "--energy");
    positive(r.constraints.peakPowerWatts, "--peak-power");
    if (const auto errors = validate(r.model); !errors.empty())
        throw std::invalid_argument("--model: " + errors.front().toString());
}

GrowPruneResult runGrowPrune(const GrowPruneRequest& request, const devices::MeasuredCostModel& cost,
                             store::Workspace& workspace, std::stop_token stop, const GrowPruneProgress& progress) {
    checkGrowPruneRequest(request);
    Loop loop{request, cost, workspace, stop, progress, {}, 0, {}};
    GrowPruneResult& result = loop.result;

    GrowPruneNode root;
    root.model = request.model;
    root.model.canonicalize();
    root.accepted = true;
    loop.train(root, {}, seedOf(request.seed, 0, 0));
    loop.accept(0); // the root is the session's first current model
    if (!loop.usable(result.nodes[0])) {
        result.stopReason = stop.stop_requested() ? "cancelled"
                                                  : "the starting model did not train (" +
                                                        train::trainStatusName(result.nodes[0].status) + ")";
        return result;
    }
    int current = 0;
    if (result.nodes[0].feasible)
        result.best = 0;

    std::vector<GrowPruneOperator> cycle = {GrowPruneOperator::GrowHead, GrowPruneOperator::GrowFeedForward,
                                            GrowPruneOperator::PruneHeads, GrowPruneOperator::PruneFeedForward};
    if (request.shrinkLayer)
        cycle.push_back(GrowPruneOperator::ShrinkLayer);

    int sinceBest = 0;
    result.stopReason = "iterations";
    for (int iteration = 1; iteration <= request.maxIterations; ++iteration) {
        if (stop.stop_requested()) {
            result.stopReason = "cancelled";
            break;
        }
        result.iterations = iteration;
        const GrowPruneOperator op = cycle[static_cast<std::size_t>(iteration - 1) % cycle.size()];
        const bool grows = op == GrowPruneOperator::GrowHead || op == GrowPruneOperator::GrowFeedForward;
        // Copies: training appends to result.nodes.
        const TransformerSpec parentModel = result.nodes[static_cast<std::size_t>(current)].model;
        // The current model's trained weights, from its checkpoint (nodes keep no weights in memory).
        const std::vector<float> parentParameters =
            train::loadCheckpoint(
                (result.nodes[static_cast<std::size_t>(current)].runDirectory / "checkpoint.bin").string())
                .parameters;
        const std::vector<ChildModel> children = applyOperator(op, parentModel, loop.task, parentParameters,
                                                               seedOf(request.seed, iteration, -1), request.sizes);
        int candidate = -1;
        for (std::size_t c = 0; c < children.size() && !stop.stop_requested(); ++c) {
            const std::uint64_t childSeed = seedOf(request.seed, iteration, static_cast<int>(c));
            GrowPruneNode node;
            node.parent = current;
            node.op = op;
            node.change = children[c].change;
            node.iteration = iteration;
            node.model = children[c].model;
            node.model.name = request.model.name + " gp" + std::to_string(iteration) + "." + std::to_string(c + 1);
            const std::vector<float> initial =
                transferWeights(parentModel, parentParameters, children[c], loop.task, request.transfer, childSeed);
            const GrowPruneNode& trained = loop.train(std::move(node), initial, childSeed);
            if (!loop.usable(trained) || !trained.feasible)
                continue;
            if (candidate < 0 || loop.better(trained, result.nodes[static_cast<std::size_t>(candidate)]))
                candidate = trained.index;
        }
        if (stop.stop_requested()) {
            result.stopReason = "cancelled";
            break;
        }
        std::string outcome = std::string(growPruneOperatorName(op)) + ": ";
        const GrowPruneNode& now = result.nodes[static_cast<std::size_t>(current)];
        if (children.empty())
            outcome += "nothing to " + std::string(grows ? "grow" : "prune");
        else if (candidate < 0)
            outcome += "no child trained and met the constraints";
        else if (grows && !loop.better(result.nodes[static_cast<std::size_t>(candidate)], now))
            outcome += "no child more accurate than " + now.model.name;
        else {
            loop.accept(candidate);
            current = candidate;
            outcome += "accepted " + result.nodes[static_cast<std::size_t>(candidate)].model.name;
        }
        bool newBest = false;
        if (result.nodes[static_cast<std::size_t>(current)].feasible &&
            (result.best < 0 || loop.better(result.nodes[static_cast<std::size_t>(current)],
                                            result.nodes[static_cast<std::size_t>(result.best)]))) {
            result.best = current;
            newBest = true;
        }
        sinceBest = newBest ? 0 : sinceBest + 1;
        loop.report(GrowPruneEvent::Kind::Iteration, iteration,
                    outcome + (newBest ? " (new best)" : "") + "; " + std::to_string(sinceBest) + " of " +
                        std::to_string(request.patience) + " without a new best");
        if (sinceBest >= request.patience) {
            result.stopReason = "patience";
            break;
        }
    }
    return result;
}

} // namespace tcw::codesign
