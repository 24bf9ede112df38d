#include "device_search_history.h"

#include "io/formats.h"
#include "io/tree.h"
#include "search/pareto.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace tcw::devices {

namespace {

using io::detail::Json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace

DeviceSearchHistory readDeviceSearch(const store::Workspace& workspace, std::int64_t searchId) {
    DeviceSearchHistory h;
    const auto record = workspace.search(searchId);
    if (!record)
        throw DeviceSearchStoreError("the workspace has no search " + std::to_string(searchId));
    if (!isDeviceSearch(*record))
        throw DeviceSearchStoreError("search " + std::to_string(searchId) + " is a " + record->algorithm +
                                     " search, not a model × device search");
    h.record = *record;
    h.config = parseDeviceSearchConfig(record->configJson);
    std::vector<store::TrialRecord> trials = workspace.trials(searchId);
    std::stable_sort(trials.begin(), trials.end(), [](const auto& a, const auto& b) {
        return a.position.value_or(std::numeric_limits<std::int64_t>::max()) <
               b.position.value_or(std::numeric_limits<std::int64_t>::max());
    });
    for (const auto& t : trials) {
        DeviceSearchTrial d;
        d.position = t.position.value_or(std::int64_t(h.trials.size()));
        const Json prediction = Json::parse(t.predictionJson, nullptr, false);
        if (prediction.is_object()) {
            if (const auto it = prediction.find("device"); it != prediction.end() && it->is_string())
                d.device = it->get<std::string>();
            if (const auto it = prediction.find("provenance"); it != prediction.end() && it->is_string())
                d.provenance = it->get<std::string>();
            if (const auto it = prediction.find("seeded"); it != prediction.end() && it->is_boolean())
                d.seeded = it->get<bool>();
            if (const auto it = prediction.find("loss"); it != prediction.end() && it->is_number())
                d.loss = it->get<double>();
        }
        if (t.designId)
            if (const auto design = workspace.design(*t.designId)) {
                const io::Loaded<io::Document> doc =
                    io::parseDocument(design->specJson, io::Syntax::Json, "design " + std::to_string(*t.designId));
                if (doc.value)
                    if (const auto* pair = std::get_if<io::CodesignPair>(&*doc.value)) {
                        d.model = pair->transformer;
                        d.modelName = pair->transformer.name;
                    }
                if (d.modelName.empty())
                    d.modelName = design->name;
            }
        // The metrics as the evaluation holds them (the trial's objectives write 0 for a
        // missing energy or peak power; the evaluation keeps them absent).
        const auto e = t.evaluationId ? workspace.evaluation(*t.evaluationId) : std::nullopt;
        if (e) {
            d.glue = e->accuracy.value_or(kNaN);
            d.latencySeconds = e->latencySeconds.value_or(kNaN);
            if (e->energyDynamicNJ)
                d.energyJoules = *e->energyDynamicNJ * 1e-9;
            if (e->peakPowerMW)
                d.peakPowerWatts = *e->peakPowerMW * 1e-3;
            d.glueStored = e->accuracySource == store::AccuracySource::Published;
            d.feasible = e->feasible;
        }
        h.trials.push_back(std::move(d));
    }

    // Objectives minimised: −GLUE, latency, energy, peak power (a missing one: +∞, never best).
    const double inf = std::numeric_limits<double>::infinity();
    auto pointOf = [&](const DeviceSearchTrial& t) {
        return ObjectiveVector{-t.glue, t.latencySeconds, t.energyJoules.value_or(inf), t.peakPowerWatts.value_or(inf)};
    };
    std::vector<ObjectiveVector> feasiblePoints;
    std::vector<std::size_t> feasibleIndex;
    for (std::size_t i = 0; i < h.trials.size(); ++i)
        if (h.trials[i].feasible && std::isfinite(h.trials[i].glue) && std::isfinite(h.trials[i].latencySeconds)) {
            feasiblePoints.push_back(pointOf(h.trials[i]));
            feasibleIndex.push_back(i);
        }
    for (std::size_t k : nonDominatedFront(feasiblePoints))
        h.trials[feasibleIndex[k]].onFront = true;

    // Best so far and the hypervolume in a box over all stored trials' finite values.
    constexpr int kObjectives = 4;
    std::array<double, kObjectives> lo, hi;
    lo.fill(inf);
    hi.fill(-inf);
    for (const auto& p : feasiblePoints)
        for (int k = 0; k < kObjectives; ++k)
            if (std::isfinite(p[std::size_t(k)])) {
                lo[std::size_t(k)] = std::min(lo[std::size_t(k)], p[std::size_t(k)]);
                hi[std::size_t(k)] = std::max(hi[std::size_t(k)], p[std::size_t(k)]);
            }
    h.bestSoFar.assign(kObjectives, std::vector<double>(h.trials.size(), kNaN));
    std::array<double, kObjectives> best;
    best.fill(inf);
    ParetoArchive archive;
    const ObjectiveVector reference(kObjectives, 1.0);
    for (std::size_t i = 0; i < h.trials.size(); ++i) {
        const DeviceSearchTrial& t = h.trials[i];
        if (t.feasible && std::isfinite(t.glue) && std::isfinite(t.latencySeconds)) {
            const ObjectiveVector p = pointOf(t);
            ObjectiveVector unit(kObjectives);
            for (int k = 0; k < kObjectives; ++k) {
                const auto kk = std::size_t(k);
                best[kk] = std::min(best[kk], p[kk]);
                const double span = hi[kk] - lo[kk];
                unit[kk] = !std::isfinite(p[kk]) ? 1.0 : span > 0 ? (p[kk] - lo[kk]) / span : 0.0;
            }
            archive.insert(unit, i);
        }
        for (int k = 0; k < kObjectives; ++k) {
            const auto kk = std::size_t(k);
            if (std::isfinite(best[kk]))
                h.bestSoFar[kk][i] = k == 0 ? -best[kk] : best[kk];
        }
        h.hypervolume.push_back(archive.empty() ? 0.0 : archive.hypervolume(reference));
    }
    return h;
}

} // namespace tcw::devices
