#include "device_search.h"

#include "design/design_space.h"
#include "search/pareto.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>

namespace tcw::devices {

namespace {

// GLUE for models without a stored score: bagged trees on the stored scores (one per distinct
// model), with a held-out check against the mean predictor.
struct GlueModel {
    BaggedTrees trees;
    int sequenceLength = 128;
    FitQuality heldOut, mean;
};

GlueModel fitGlue(const std::vector<DeviceProfile>& profiles, std::mt19937_64& rng) {
    std::map<std::string, std::pair<const TransformerSpec*, double>> byHash;
    for (const auto& p : profiles)
        for (const auto& row : p.rows)
            if (row.glue && !row.modelName.empty())
                byHash.emplace(row.modelName, std::make_pair(&row.model, *row.glue));
    if (byHash.size() < 10)
        throw std::invalid_argument("the device profiles hold " + std::to_string(byHash.size()) +
                                    " models with a GLUE score; at least 10 are needed to predict GLUE");
    GlueModel g;
    g.sequenceLength = profiles.front().settings.sequenceLength;
    std::vector<ModelFeatures> x;
    std::vector<double> y;
    for (const auto& [hash, entry] : byHash) {
        x.push_back(modelFeatures(*entry.first, g.sequenceLength));
        y.push_back(entry.second);
    }
    std::vector<std::size_t> order(y.size());
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t test = y.size() / 5;
    std::vector<ModelFeatures> xTrain, xTest;
    std::vector<double> yTrain, yTest;
    for (std::size_t k = 0; k < order.size(); ++k) {
        (k < test ? xTest : xTrain).push_back(x[order[k]]);
        (k < test ? yTest : yTrain).push_back(y[order[k]]);
    }
    BaggedTrees held;
    held.fit(xTrain, yTrain, rng, false);
    std::vector<double> p;
    for (const auto& f : xTest)
        p.push_back(held.predict(f).first);
    g.heldOut = fitQuality(yTest, p);
    const double m = std::accumulate(yTrain.begin(), yTrain.end(), 0.0) / static_cast<double>(yTrain.size());
    g.mean = fitQuality(yTest, std::vector<double>(yTest.size(), m));
    g.trees.fit(x, y, rng, false);
    return g;
}

} // namespace

DeviceSearchResult searchDevices(const std::vector<DeviceProfile>& profiles, const DeviceSearchConfig& config,
                                 const std::function<bool()>& stopRequested,
                                 const std::function<void(std::size_t, const DevicePair&)>& onPair) {
    if (profiles.empty())
        throw std::invalid_argument("no devices to search over");
    if (const std::string bad = config.objective.check(); !bad.empty())
        throw std::invalid_argument("objective: " + bad);
    if (config.budget < 0)
        throw std::invalid_argument("budget must be ≥ 0, got " + std::to_string(config.budget));
    std::mt19937_64 rng(config.seed);
    DeviceSearchResult result;
    const GlueModel glue = fitGlue(profiles, rng);
    result.glueHeldOutR2 = glue.heldOut.r2;
    result.glueHeldOutMape = glue.heldOut.mape;
    result.glueMeanR2 = glue.mean.r2;
    result.glueMeanMape = glue.mean.mape;
    // Stored GLUE by model (a score belongs to the model, whichever device measured it).
    std::map<std::string, double> glueByHash;
    for (const auto& p : profiles)
        for (const auto& row : p.rows)
            if (row.glue && !row.modelName.empty())
                glueByHash.emplace(row.modelName, *row.glue);

    std::vector<MeasuredCostModel> costs;
    for (const auto& p : profiles) {
        costs.emplace_back(p, config.seed);
        const auto& report = costs.back().surrogate().report();
        result.surrogates.insert(result.surrogates.end(), report.begin(), report.end());
    }

    const auto evaluate = [&](std::size_t device, TransformerSpec model, const std::string& hash,
                              bool seeded) -> std::optional<DevicePair> {
        DevicePair pair;
        pair.device = device;
        pair.seeded = seeded;
        auto cost = costs[device].estimate(model);
        if (!cost || !cost->energyJoules || !cost->peakPowerWatts)
            return std::nullopt; // the objective needs all three measures
        pair.cost = *cost;
        if (auto it = glueByHash.find(hash); !hash.empty() && it != glueByHash.end()) {
            pair.glue = it->second;
            pair.glueStored = true;
        } else if (cost->glue) {
            pair.glue = *cost->glue;
            pair.glueStored = true;
        } else {
            const auto [g, s] = glue.trees.predict(modelFeatures(model, glue.sequenceLength));
            pair.glue = std::clamp(g, 0.0, 1.0);
            pair.glueSigma = s;
        }
        pair.model = std::move(model);
        pair.loss = config.objective.loss(pair.glue, pair.cost.latencySeconds, *pair.cost.energyJoules,
                                          *pair.cost.peakPowerWatts);
        pair.feasible = config.objective.feasible(*pair.cost.peakPowerWatts);
        return pair;
    };

    for (std::size_t d = 0; d < profiles.size(); ++d)
        for (const auto& row : profiles[d].rows)
            if (auto pair = evaluate(d, row.model, row.modelName, true)) {
                result.pairs.push_back(std::move(*pair));
                if (onPair)
                    onPair(result.pairs.size() - 1, result.pairs.back());
            }
    const std::size_t stored = result.pairs.size();

    const TransformerSpace space = flexibert2Space();
    std::uniform_int_distribution<std::size_t> anyDevice(0, profiles.size() - 1);
    std::bernoulli_distribution coin(0.5);
    int made = 0, attempts = 0;
    while (made < config.budget && attempts < 20 * config.budget + 100) {
        ++attempts;
        if (stopRequested && stopRequested())
            break;
        std::size_t device = anyDevice(rng);
        TransformerSpec model;
        if (coin(rng) || result.pairs.empty()) {
            model = space.sample(rng);
        } else {
            // A parent among the ten best feasible pairs so far.
            std::vector<std::size_t> order;
            for (std::size_t i = 0; i < result.pairs.size(); ++i)
                if (result.pairs[i].feasible)
                    order.push_back(i);
            if (order.empty())
                continue;
            const std::size_t keep = std::min<std::size_t>(10, order.size());
            std::partial_sort(
                order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                [&](std::size_t a, std::size_t b) { return result.pairs[a].loss < result.pairs[b].loss; });
            const DevicePair& parent =
                result.pairs[order[std::uniform_int_distribution<std::size_t>(0, keep - 1)(rng)]];
            model = parent.model;
            device = parent.device;
            if (coin(rng)) {
                device = anyDevice(rng);
            } else {
                const TransformerSpec donor = space.sample(rng);
                const int layers = std::min(model.layerCount(), donor.layerCount());
                const auto l = static_cast<std::size_t>(std::uniform_int_distribution<int>(0, layers - 1)(rng));
                model.layers[l] = donor.layers[l];
            }
        }
        model.name.clear();
        if (auto pair = evaluate(device, std::move(model), "", false)) {
            pair->model.name = "s" + std::to_string(made);
            result.pairs.push_back(std::move(*pair));
            if (onPair)
                onPair(result.pairs.size() - 1, result.pairs.back());
            ++made;
        }
    }

    // Front of the feasible pairs: GLUE maximised, the three costs minimised.
    std::vector<ObjectiveVector> points;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < result.pairs.size(); ++i) {
        const auto& p = result.pairs[i];
        if (!p.feasible)
            continue;
        points.push_back({-p.glue, p.cost.latencySeconds, *p.cost.energyJoules, *p.cost.peakPowerWatts});
        index.push_back(i);
    }
    if (index.empty())
        throw std::invalid_argument("no pair meets the peak-power limit of " +
                                    std::to_string(*config.objective.peakPowerLimitWatts) + " W");
    for (std::size_t k : nonDominatedFront(points))
        result.front.push_back(index[k]);
    std::sort(result.front.begin(), result.front.end(),
              [&](std::size_t a, std::size_t b) { return result.pairs[a].loss < result.pairs[b].loss; });
    const auto lowest = [&](std::size_t from, std::size_t to) {
        std::size_t best = to;
        for (std::size_t i = from; i < to; ++i)
            if (result.pairs[i].feasible && (best == to || result.pairs[i].loss < result.pairs[best].loss))
                best = i;
        return best;
    };
    result.bestStored = lowest(0, stored);
    result.best = lowest(0, result.pairs.size());
    return result;
}

} // namespace tcw::devices
