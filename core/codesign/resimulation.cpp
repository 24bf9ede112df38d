#include "resimulation.h"

#include "design/technology_library.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "io/search_json.h"
#include "search/pair_evaluator.h"
#include "search_session.h"
#include "sim/cost_model.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <variant>

namespace tcw::codesign {

namespace {

std::optional<int> revisionOf(const store::EvaluationRecord& e) {
    const auto options = io::parseEvaluationOptions(e.optionsJson, "evaluation " + std::to_string(e.id) + " options");
    if (!options.value)
        return std::nullopt;
    return options.value->costModelRevision;
}

// The latest evaluation of each mode, in mode order ("inference" before "training").
std::map<std::string, store::EvaluationRecord> latestByMode(std::vector<store::EvaluationRecord> evaluations) {
    std::map<std::string, store::EvaluationRecord> latest;
    for (auto& e : evaluations) {
        auto it = latest.find(e.mode);
        if (it == latest.end() || e.id > it->second.id)
            latest[e.mode] = std::move(e);
    }
    return latest;
}

double relativeChange(std::optional<double> before, std::optional<double> after) {
    if (!before || !after || *before == 0)
        return (before.value_or(0) == after.value_or(0)) ? 0.0 : 1.0;
    return std::abs(*after / *before - 1.0);
}

// The sparsity an evaluation was costed with, or a reason when it cannot be known.
struct SparsityOrReason {
    SparsitySettings sparsity;
    std::string reason;
};

// The profile training run `run` measured: its stored profile (a run stored without one was
// costed dense, training_job.cpp).
SparsityOrReason measuredBy(std::int64_t run, const std::map<std::int64_t, std::string>& runProfiles) {
    SparsityOrReason out;
    const auto it = runProfiles.find(run);
    if (it == runProfiles.end()) {
        out.reason = "training run " + std::to_string(run) +
                     ", whose measured sparsity it was costed with, is "
                     "no longer in the workspace";
        return out;
    }
    if (it->second.empty()) {
        out.sparsity.activation = out.sparsity.weight = out.sparsity.gradient = 0.0;
        return out;
    }
    auto parsed = io::parseDocument(it->second, io::Syntax::Json, "training run " + std::to_string(run));
    const auto* profile = parsed.value ? std::get_if<SparsityProfile>(&*parsed.value) : nullptr;
    if (!profile) {
        out.reason = "the sparsity profile of training run " + std::to_string(run) + " cannot be read";
        return out;
    }
    out.sparsity.profile = std::make_shared<const SparsityProfile>(*profile);
    return out;
}

// From the options' structured source (what builds since 8 December 2026 write).
SparsityOrReason sparsityOf(const io::SparsitySource& source, const std::string& note,
                            const std::map<std::int64_t, std::string>& runProfiles) {
    SparsityOrReason out;
    switch (source.kind) {
    case io::SparsitySource::Kind::None:
        out.sparsity.activation = out.sparsity.weight = out.sparsity.gradient = 0.0;
        return out;
    case io::SparsitySource::Kind::Scalars:
        out.sparsity.activation = source.activation;
        out.sparsity.weight = source.weight;
        out.sparsity.gradient = source.gradient;
        return out;
    case io::SparsitySource::Kind::TrainingRun:
        if (source.runId)
            return measuredBy(*source.runId, runProfiles);
        break;
    }
    out.reason = "the sparsity it was costed with (\"" + note + "\") is not stored with it";
    return out;
}

// The fallback for rows older builds wrote, with the text alone: "scalars 0.5/0.5/0.9", or no
// text (what the explorer's edits and imports used: the simulator's default scalars), or
// "measured by training run N". A search's "measured by training" names no run.
SparsityOrReason sparsityOfOldNote(const std::string& note, const std::map<std::int64_t, std::string>& runProfiles) {
    SparsityOrReason out;
    if (note.empty())
        return out; // the simulator's default scalars
    double a = 0, w = 0, g = 0;
    if (std::sscanf(note.c_str(), "scalars %lf/%lf/%lf", &a, &w, &g) == 3) {
        out.sparsity.activation = a;
        out.sparsity.weight = w;
        out.sparsity.gradient = g;
        return out;
    }
    long long run = 0;
    if (std::sscanf(note.c_str(), "measured by training run %lld", &run) == 1)
        return measuredBy(run, runProfiles);
    out.reason = "the sparsity it was costed with (\"" + note + "\") is not stored with it";
    return out;
}

SparsityOrReason sparsityOf(const io::EvaluationOptions& options,
                            const std::map<std::int64_t, std::string>& runProfiles) {
    return options.sparsitySource ? sparsityOf(*options.sparsitySource, options.sparsity, runProfiles)
                                  : sparsityOfOldNote(options.sparsity, runProfiles);
}

// Issue 15: the BAT-class energy table each bat evaluation was costed with — its search's
// (stored whole in the search's configuration; a user's file may have overridden the derived
// default). Evaluations no search points at (an explorer edit) take the default.
std::map<std::int64_t, BatEnergyTable> batEnergyByEvaluation(const store::Workspace& workspace) {
    std::map<std::int64_t, BatEnergyTable> out;
    for (const auto& search : workspace.searches()) {
        const auto config = io::parseSearchConfig(search.configJson, "search " + std::to_string(search.id));
        if (!config.value || !config.value->targets.has(TargetKind::Bat))
            continue;
        for (const auto& trial : workspace.trials(search.id))
            if (trial.evaluationId)
                out.emplace(*trial.evaluationId, config.value->targets.bat.energy);
    }
    return out;
}

} // namespace

bool isStale(const store::EvaluationRecord& evaluation) {
    if (evaluation.provenance != store::MetricsProvenance::Simulated)
        return false;
    const auto revision = revisionOf(evaluation);
    return !revision || *revision != kCostModelRevision;
}

namespace {
// The latest evaluation of each design and mode that `keep` accepts.
template <typename Keep> std::vector<StaleEvaluation> latestWhere(const store::Workspace& workspace, Keep keep) {
    std::vector<StaleEvaluation> found;
    for (const auto& design : workspace.designs()) {
        for (const auto& [mode, e] : latestByMode(workspace.evaluations(design.id))) {
            if (keep(e))
                found.push_back({e.id, design.id, mode, revisionOf(e).value_or(0)});
        }
    }
    return found;
}
} // namespace

std::vector<StaleEvaluation> staleEvaluations(const store::Workspace& workspace) {
    return latestWhere(workspace, [](const store::EvaluationRecord& e) { return isStale(e); });
}

std::vector<StaleEvaluation> latestSimulatedEvaluations(const store::Workspace& workspace) {
    return latestWhere(workspace, [](const store::EvaluationRecord& e) {
        return e.provenance == store::MetricsProvenance::Simulated;
    });
}

Recosted recostStale(const store::Workspace& workspace, const ResimulationOptions& options, std::stop_token stop) {
    return recost(workspace, staleEvaluations(workspace), options, stop);
}

Recosted recost(const store::Workspace& workspace, const std::vector<StaleEvaluation>& stale,
                const ResimulationOptions& options, std::stop_token stop) {
    Recosted out;
    ResimulationReport& report = out.report;
    std::vector<store::EvaluationRecord>& updates = out.evaluations;
    report.stale = static_cast<std::int64_t>(stale.size());
    if (stale.empty())
        return out;
    std::map<std::int64_t, std::string> runProfiles;
    for (const auto& run : workspace.trainingRuns())
        runProfiles[run.id] = run.sparsityProfileJson;
    const TechnologyLibrary technology = electorTechnology14nm();    // the table every stored evaluation used
    std::optional<std::map<std::int64_t, BatEnergyTable>> batEnergy; // read at the first bat evaluation

    std::int64_t done = 0;
    for (const StaleEvaluation& s : stale) {
        if (stop.stop_requested()) {
            report.cancelled = true;
            updates.clear();
            out.replaces.clear();
            return out;
        }
        const auto old = workspace.evaluation(s.evaluationId);
        const auto design = workspace.design(s.designId);
        const std::string where = "design " + std::to_string(s.designId) + " (" + s.mode + ")";
        auto skip = [&](const std::string& why) { report.skipped.push_back(where + ": " + why); };
        // A re-costed evaluation: the stored accuracy kept, the change counted, the trials moved.
        auto keep = [&](store::EvaluationRecord e) {
            e.designId = s.designId;
            e.accuracy = old->accuracy;
            e.accuracySource = old->accuracySource;
            e.accuracyStdDev = old->accuracyStdDev;
            e.accuracyDetail = old->accuracyDetail;
            const double latency = relativeChange(old->latencySeconds, e.latencySeconds);
            const double energy = relativeChange(old->energyTotalNJ(), e.energyTotalNJ());
            report.largestLatencyChange = std::max(report.largestLatencyChange, latency);
            report.largestEnergyChange = std::max(report.largestEnergyChange, energy);
            if (old->cycles != e.cycles || latency > 1e-12 || energy > 1e-12 ||
                relativeChange(old->areaMM2, e.areaMM2) > 1e-12 || old->feasible != e.feasible ||
                relativeChange(old->peakPowerMW, e.peakPowerMW) > 1e-12)
                ++report.changed;
            updates.push_back(std::move(e));
            out.replaces.push_back(s.evaluationId);
        };
        if (!old || !design) {
            skip("it was removed while re-costing");
        } else if (old->costModel == "bat") {
            // The BAT-class model (issue 15) has no sparsity input: the design, the stored task
            // and its search's energy table give the metrics, as the search computed them.
            auto parsed = io::parseDocument(design->specJson, io::Syntax::Json, where);
            const auto* pair = parsed.value ? std::get_if<io::CodesignPair>(&*parsed.value) : nullptr;
            const auto* bat = pair ? std::get_if<BatSpec>(&pair->target.spec) : nullptr;
            const auto stored = io::parseEvaluationOptions(old->optionsJson, where);
            if (!bat) {
                skip("its stored design is not a BAT-class co-design");
            } else if (!stored.value) {
                skip("its stored options cannot be read: " + stored.errors.toString());
            } else {
                if (!batEnergy)
                    batEnergy = batEnergyByEvaluation(workspace);
                const auto table = batEnergy->find(old->id);
                const search::PairMetrics m =
                    search::simulateBatPair(pair->transformer, *bat, stored.value->task,
                                            table != batEnergy->end() ? table->second : BatEnergyTable{});
                io::EvaluationOptions kept = *stored.value;
                kept.costModelRevision = kCostModelRevision;
                keep(metricsEvaluationRecord(m, "bat", old->mode, io::evaluationOptionsJson(kept)));
            }
        } else if (!costModelFromName(old->costModel)) {
            skip("its cost model '" + old->costModel + "' is not one this build has");
        } else if (design->kind != store::DesignKind::Pair) {
            skip("it is not a co-design (transformer and target)");
        } else {
            auto parsed = io::parseDocument(design->specJson, io::Syntax::Json, where);
            const auto* pair = parsed.value ? std::get_if<io::CodesignPair>(&*parsed.value) : nullptr;
            const auto* accelerator = pair ? std::get_if<AcceleratorSpec>(&pair->target.spec) : nullptr;
            const auto stored = io::parseEvaluationOptions(old->optionsJson, where);
            if (!pair) {
                skip("its stored design cannot be read: " + parsed.errors.toString());
            } else if (!accelerator) {
                skip("its target is not an ELECTOR-class accelerator");
            } else if (!stored.value) {
                skip("its stored options cannot be read: " + stored.errors.toString());
            } else if (SparsityOrReason sparsity = sparsityOf(*stored.value, runProfiles); !sparsity.reason.empty()) {
                skip(sparsity.reason);
            } else {
                SimOptions sim = io::simOptionsOf(*old);
                sim.opBreakdown = false;
                sim.sparsity = sparsity.sparsity;
                const SimResult result = simulate(pair->transformer, *accelerator, technology, sim);
                store::EvaluationRecord e = io::evaluationRecordOf(result, sim);
                // The source and text as stored: the scalars or the run it was costed with.
                io::EvaluationOptions kept = *stored.value;
                kept.costModelRevision = kCostModelRevision;
                e.optionsJson = io::evaluationOptionsJson(kept);
                keep(std::move(e));
            }
        }
        if (options.progress)
            options.progress(++done, report.stale);
    }
    return out;
}

void storeRecosted(store::Workspace& workspace, const Recosted& recosted) {
    workspace.transaction([&] {
        for (std::size_t i = 0; i < recosted.evaluations.size(); ++i) {
            const std::int64_t id = workspace.addEvaluation(recosted.evaluations[i]);
            workspace.moveTrialsToEvaluation(recosted.replaces[i], id);
        }
    });
}

ResimulationReport resimulateStale(store::Workspace& workspace, const ResimulationOptions& options,
                                   std::stop_token stop) {
    Recosted recosted = recostStale(workspace, options, stop);
    if (options.dryRun || recosted.report.cancelled || recosted.evaluations.empty())
        return recosted.report;
    if (stop.stop_requested()) {
        recosted.report.cancelled = true;
        return recosted.report;
    }
    storeRecosted(workspace, recosted);
    recosted.report.updated = static_cast<std::int64_t>(recosted.evaluations.size());
    return recosted.report;
}

} // namespace tcw::codesign
