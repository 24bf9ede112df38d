// Search configuration: validation and the factories.
#include "search_config.h"

#include "random_search.h"
#include "rng.h"

#include <algorithm>

namespace tcw::search {

std::string_view accuracySourceKindName(AccuracySourceKind k) {
    switch (k) {
    case AccuracySourceKind::Trained:
        return "trained";
    case AccuracySourceKind::Imported:
        return "imported";
    case AccuracySourceKind::Predicted:
        break;
    }
    return "predicted";
}

std::optional<AccuracySourceKind> accuracySourceKindFromName(std::string_view name) {
    if (name == "trained")
        return AccuracySourceKind::Trained;
    if (name == "predicted")
        return AccuracySourceKind::Predicted;
    if (name == "imported")
        return AccuracySourceKind::Imported;
    return std::nullopt;
}

std::vector<std::string> validate(const SearchConfig& c) {
    std::vector<std::string> problems;
    if (c.algorithm != "boshcode" && c.algorithm != "nsga2" && c.algorithm != "random")
        problems.push_back("algorithm '" + c.algorithm + "' is not one of boshcode, nsga2, random");
    if (c.budget < 1)
        problems.push_back("the budget must be at least 1 evaluation");
    if (const std::string o = validate(c.objectives); !o.empty())
        problems.push_back(o);
    if (c.fixedModel && c.fixedAccelerator)
        problems.push_back("fix the model or the accelerator, not both (nothing would be left to search)");
    if (c.initialPairs < 1 || c.candidatesPerStep < 1 || c.queriesPerStep < 1 || c.populationSize < 4)
        problems.push_back("initial pairs, candidates and queries per step must be ≥ 1 and the population ≥ 4");
    if (c.patience < 0)
        problems.push_back("patience must be ≥ 0 (0: never stop early)");
    if (c.accuracy == AccuracySourceKind::Trained && (c.training.steps < 1 || c.training.batchSize < 1))
        problems.push_back("training needs at least one step and a batch of at least 1");
    if (!c.box.empty() && (c.box.lo.size() != c.objectives.metrics.size() || c.box.hi.size() != c.box.lo.size()))
        problems.push_back("the hypervolume box does not match the objectives");
    if (std::find(c.objectives.metrics.begin(), c.objectives.metrics.end(), Metric::Robustness) !=
        c.objectives.metrics.end()) { // issue 15
        if (c.accuracy != AccuracySourceKind::Trained)
            problems.push_back("robustness is measured on a trained model: use --accuracy trained (a predicted or "
                               "imported accuracy has no weights to flip and no activations to perturb)");
        for (std::string& p : check(c.robustness))
            problems.push_back(std::move(p));
    }
    if (!c.targets.empty()) { // issue 15: elector ∪ bat with precisions
        if (c.fixedAccelerator)
            problems.push_back("--targets / --precisions search the hardware: they cannot fix the accelerator");
        if (c.targets.has(TargetKind::Bat)) {
            if (c.objectives.mode != SimMode::Inference)
                problems.push_back("--targets bat: the BAT-class model costs inference only (use --mode inference)");
            const bool anyFixedPoint =
                std::any_of(c.targets.precisions.begin(), c.targets.precisions.end(), [](const std::string& p) {
                    CompressionSpec probe;
                    return applySearchPrecision(p, probe).empty() && probe.of(TensorRole::Weights).bits <= 8 &&
                           probe.of(TensorRole::LinearInputs).quantizer != Quantizer::Float;
                });
            if (!anyFixedPoint)
                problems.push_back(
                    "--targets bat: the BAT-class model costs fixed-point models only; give --precisions "
                    "with at least one of w1a1, w1a8, w2a8, w8a8, …");
            for (const std::string& p : c.targets.bat.check())
                problems.push_back(p);
        }
        if (c.targets.has(TargetKind::Device))
            for (const std::string& p : mixedDeviceProblems(c))
                problems.push_back(p);
        for (const std::string& p : c.targets.precisions) {
            CompressionSpec probe;
            if (const std::string e = applySearchPrecision(p, probe); !e.empty())
                problems.push_back("--precisions: " + e);
        }
        const bool quantized = std::any_of(c.targets.precisions.begin(), c.targets.precisions.end(),
                                           [](const std::string& p) { return p != "f32"; });
        if (quantized && c.accuracy != AccuracySourceKind::Trained)
            problems.push_back("--precisions: a " + std::string(accuracySourceKindName(c.accuracy)) +
                               " accuracy comes from a table of 32-bit float models and says nothing about a "
                               "quantized one; search precisions other than f32 with --accuracy trained (each "
                               "model is trained at its precision) — no accuracy is assumed");
    }
    return problems;
}

std::vector<std::string> mixedDeviceProblems(const SearchConfig& c) {
    // docs/search.md, "Measured devices in the union": an objective or constraint that a kind
    // of the union can never report is refused, so every design of the front is compared on
    // the same objectives.
    std::vector<std::string> problems;
    if (c.objectives.mode != SimMode::Inference)
        problems.push_back("--targets devices:…: the devices' profiles measured inference only (use --mode inference)");
    if (c.targets.devices.empty())
        problems.push_back("--targets devices:…: no device profile named");
    if (!c.targets.precisions.empty() &&
        std::find(c.targets.precisions.begin(), c.targets.precisions.end(), "f32") == c.targets.precisions.end())
        problems.push_back("--precisions: a measured device ran the 32-bit float models of its profile; add f32 to "
                           "the list (device designs take it, the other kinds any listed precision)");
    const bool electorWithoutPeak = c.targets.has(TargetKind::Elector) && c.costModel == CostModelKind::AcceltranFast;
    const auto refused = [&](Metric m) -> std::string {
        switch (m) {
        case Metric::Area:
            return "a measured device has no area (the default objectives include it: give --objectives "
                   "accuracy,latency,energy[,power])";
        case Metric::DynamicEnergy:
        case Metric::LeakageEnergy:
            return "a measured device's energy is the whole device's, not split into dynamic and leakage parts "
                   "(use energy)";
        case Metric::PeakPower:
            return electorWithoutPeak ? "the acceltran-fast cost model reports no peak power for an ELECTOR design "
                                        "(use --cost-model elector)"
                                      : std::string();
        default:
            return {};
        }
    };
    for (Metric m : c.objectives.metrics)
        if (const std::string why = refused(m); !why.empty())
            problems.push_back("--objectives: " + std::string(metricName(m)) +
                               " cannot be an objective of a search with measured devices: " + why);
    for (const Constraint& k : c.objectives.constraints)
        if (const std::string why = refused(k.metric); !why.empty())
            problems.push_back("constraint on " + std::string(metricName(k.metric)) +
                               ": not allowed in a search with measured devices: " + why);
    return problems;
}

CoDesignSpace makeSpace(const SearchConfig& c) {
    CoDesignSpace space(c.modelSpace, c.acceleratorSpace);
    if (c.fixedModel)
        space.fixModel(*c.fixedModel);
    if (c.fixedAccelerator)
        space.fixAccelerator(*c.fixedAccelerator);
    space.setTargets(c.targets);
    return space;
}

std::vector<Candidate> initialCandidates(const SearchConfig& c, const CoDesignSpace& space,
                                         const std::vector<TransformerSpec>& tableModels) {
    std::vector<TransformerSpec> models;
    for (const auto& m : tableModels)
        if (space.models().check(m).empty())
            models.push_back(m);
    std::vector<Candidate> out;
    if (!c.initialFromTable || models.empty() || space.modelFixed() || space.acceleratorFixed())
        return out; // the optimiser samples its own random initial pairs
    const int n = c.initialPairs;
    const int perModel = (n + static_cast<int>(models.size()) - 1) / static_cast<int>(models.size());
    std::vector<Candidate> accelerators;
    for (int j = 0; j < perModel; ++j) {
        auto rng = derivedRng(c.seed, RngStream::Initial, 1'000'000u + static_cast<std::uint64_t>(j));
        accelerators.push_back(space.sample(rng));
    }
    for (int k = 0; k < n; ++k) {
        Candidate pair = accelerators[static_cast<std::size_t>(k) / models.size()];
        pair.model = space.models().encode(models[static_cast<std::size_t>(k) % models.size()]);
        out.push_back(std::move(pair));
    }
    return out;
}

std::unique_ptr<Optimizer> makeOptimizer(const SearchConfig& c, const Problem& problem,
                                         std::vector<Candidate> initial) {
    if (c.algorithm == "random")
        return std::make_unique<RandomSearch>(problem, c.seed);
    if (c.algorithm == "nsga2") {
        Nsga2Config n;
        n.populationSize = c.populationSize;
        return std::make_unique<Nsga2>(problem, c.seed, n);
    }
    BoshcodeConfig b;
    b.initialPairs = c.initialPairs;
    b.initialCandidates = std::move(initial);
    b.candidatesPerStep = c.candidatesPerStep;
    b.queriesPerStep = c.queriesPerStep;
    b.patience = c.patience;
    return std::make_unique<Boshcode>(problem, c.seed, std::move(b));
}

} // namespace tcw::search
