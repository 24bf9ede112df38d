// Device selection under LC and AC (device_selection.h).
#include "device_selection.h"

#include "compress/pruning_mask.h"
#include "sim/cost_model.h"
#include "sim/fpga_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

namespace tcw::search {

namespace {

std::string number(double v, const char* unit) {
    char text[64];
    std::snprintf(text, sizeof text, "%.4g%s", v, unit);
    return text;
}

std::string ms(double seconds) {
    return number(seconds * 1e3, " ms");
}

} // namespace

std::string CompressionSetting::label() const {
    // Dense and N:M patterns carry their sparsity in the name (an N:M setting's own is unused).
    if (pattern == "dense" || pattern.find(':') != std::string::npos)
        return pattern + " " + std::to_string(weightBits) + "-bit";
    char text[96];
    std::snprintf(text, sizeof text, "%s %g %% %d-bit", pattern.c_str(), sparsity * 100, weightBits);
    return text;
}

std::optional<TransformerSpec> compressedModel(const TransformerSpec& model, const CompressionSetting& s,
                                               std::string& error) {
    TransformerSpec out = model;
    if (s.pattern == "dense")
        return out;
    const auto preset = compress::pruningPreset(s.pattern, s.pattern.find(':') != std::string::npos
                                                               ? std::optional<double>()
                                                               : std::optional<double>(s.sparsity));
    if (!preset.pattern) {
        error = s.label() + ": " + preset.error;
        return std::nullopt;
    }
    for (WeightMatrix m : {WeightMatrix::Query, WeightMatrix::Key, WeightMatrix::Value, WeightMatrix::AttentionOutput,
                           WeightMatrix::FeedForward})
        out.compression.pruning[std::size_t(m)] = *preset.pattern;
    return out;
}

SelectionResult selectDevice(const SelectionInput& in, const SettingAccuracyFn& accuracy,
                             const TechnologyLibrary& technology) {
    SelectionResult r;
    if (in.batch < 1)
        r.errors.push_back("batch: must be at least 1, got " + std::to_string(in.batch));
    for (std::size_t e = 0; e < in.catalogue.size(); ++e)
        if (!in.catalogue[e].cost.count(in.order))
            r.errors.push_back("catalogue[" + std::to_string(e) + "] '" + in.catalogue[e].name + "': has no '" +
                               in.order + "' cost to rank by");
    if (!r.errors.empty())
        return r;
    // Accuracy per setting, once.
    std::vector<std::optional<double>> acc;
    std::vector<std::optional<TransformerSpec>> models;
    std::vector<std::string> modelErrors;
    for (const auto& s : in.settings) {
        acc.push_back(accuracy(s));
        std::string error;
        models.push_back(compressedModel(in.model, s, error));
        modelErrors.push_back(error);
    }
    r.cells.assign(in.catalogue.size(), std::vector<SelectionCell>(in.settings.size()));
    for (std::size_t e = 0; e < in.catalogue.size(); ++e) {
        const Target& target = in.catalogue[e].target;
        for (std::size_t k = 0; k < in.settings.size(); ++k) {
            SelectionCell& cell = r.cells[e][k];
            const CompressionSetting& s = in.settings[k];
            cell.accuracy = acc[k];
            if (!acc[k])
                cell.reasons.push_back("no accuracy for " + s.label());
            else if (*acc[k] < in.accuracyLimit)
                cell.reasons.push_back("accuracy " + number(*acc[k], "") + " below AC " + number(in.accuracyLimit, "") +
                                       " by " + number(in.accuracyLimit - *acc[k], ""));
            if (!models[k]) {
                cell.reasons.push_back(modelErrors[k]);
                continue;
            }
            if (const AcceleratorSpec* a = target.elector()) {
                AcceleratorSpec run = *a;
                run.batchSize = in.batch;
                run.tileB = std::min(run.tileB, in.batch);
                SimOptions o;
                o.task = in.task;
                o.opBreakdown = false;
                // Weights dense unless the setting's pattern prunes them (not the profile's default
                // of 0.5): the pruned matrices take their pattern's storage (docs/simulator.md §3.1a).
                o.sparsity.weight = 0;
                const SimResult sim = simulate(*models[k], run, technology, o);
                if (!sim.feasible)
                    cell.reasons.push_back("cannot run: " + sim.infeasibleSummary());
                else
                    cell.latencySeconds = sim.latencySeconds();
            } else if (const FpgaSpec* f = target.fpga()) {
                FpgaSpec run = *f;
                run.weightBits = s.weightBits;
                try {
                    const double sparsity = s.pattern == "dense" ? 0.0 : s.sparsity;
                    const auto fr = sim::evaluateFpgaModel(run, *models[k], sparsity,
                                                           std::int64_t(in.batch) * in.task.sequenceLength);
                    if (!fr.feasible)
                        for (const auto& why : fr.reasons)
                            cell.reasons.push_back("cannot run: " + why);
                    else
                        cell.latencySeconds = fr.latencySeconds;
                } catch (const std::invalid_argument& ex) {
                    cell.reasons.push_back(std::string("cannot cost: ") + ex.what());
                }
            } else if (const DeviceTarget* d = target.device()) {
                if (!in.deviceLatency) {
                    cell.reasons.push_back("cannot cost: no measured cost model for device '" + d->device + "'");
                } else {
                    // Dense on a device (SelectionInput::deviceLatency): the base model.
                    const DeviceLatency dl = in.deviceLatency(*d, in.model, in.task, in.batch);
                    cell.provenance = dl.provenance;
                    if (dl.latencySeconds)
                        cell.latencySeconds = dl.latencySeconds;
                    else
                        cell.reasons.push_back("cannot cost: " + dl.error);
                }
            } else {
                cell.reasons.push_back("cannot cost: device selection has no cost model for " +
                                       std::string(targetKindName(target.kind())) + " targets");
            }
            if (cell.latencySeconds && *cell.latencySeconds > in.latencyLimitSeconds)
                cell.reasons.push_back("latency " + ms(*cell.latencySeconds) + " above LC " +
                                       ms(in.latencyLimitSeconds) + " by " +
                                       ms(*cell.latencySeconds - in.latencyLimitSeconds));
            cell.feasible = cell.reasons.empty();
        }
    }
    r.rankedEntries.resize(in.catalogue.size());
    std::iota(r.rankedEntries.begin(), r.rankedEntries.end(), 0);
    std::stable_sort(r.rankedEntries.begin(), r.rankedEntries.end(), [&](std::size_t a, std::size_t b) {
        const double ca = in.catalogue[a].cost.at(in.order), cb = in.catalogue[b].cost.at(in.order);
        if (ca != cb)
            return ca < cb;
        return in.catalogue[a].name < in.catalogue[b].name;
    });
    for (std::size_t e : r.rankedEntries) {
        std::optional<std::size_t> best;
        for (std::size_t k = 0; k < in.settings.size(); ++k) {
            const SelectionCell& c = r.cells[e][k];
            if (!c.feasible)
                continue;
            // The fastest feasible setting; ties: the more accurate, then the earlier.
            if (!best || *c.latencySeconds < *r.cells[e][*best].latencySeconds ||
                (*c.latencySeconds == *r.cells[e][*best].latencySeconds && *c.accuracy > *r.cells[e][*best].accuracy))
                best = k;
        }
        if (best) {
            r.chosenEntry = e;
            r.chosenSetting = *best;
            r.latencyMarginSeconds = in.latencyLimitSeconds - *r.cells[e][*best].latencySeconds;
            r.accuracyMargin = *r.cells[e][*best].accuracy - in.accuracyLimit;
            break;
        }
    }
    return r;
}

} // namespace tcw::search
