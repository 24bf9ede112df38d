// Evaluations an earlier build's cost models computed, found and costed again.
//
// Every simulated evaluation stores the cost-model revision it was computed at
// (io::EvaluationOptions::costModelRevision, sim kCostModelRevision). When the cost models
// change, the numbers a workspace holds go stale; this module finds the stale ones among the
// evaluations the explorer shows (the latest of each design and mode) and re-costs them with
// the options they were costed with: the task shape, the mode, the cost model, the ELECTOR
// 14 nm technology every stored evaluation uses, and the sparsity they saw (the simulator's
// scalars, or the measured profile of the training run their options name). The new numbers
// are stored as a new evaluation of the design (accuracy and its provenance copied), so the
// old ones stay in the design's history and the whole update is one transaction.
#pragma once

#include "store/workspace.h"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace tcw::codesign {

// One simulated evaluation the explorer shows, with the cost-model revision that computed its
// metrics (stale when it is not this build's).
struct StaleEvaluation {
    std::int64_t evaluationId = 0;
    std::int64_t designId = 0;
    std::string mode; // "inference" or "training"
    int revision = 0; // the revision it was costed at (0: before revisions were recorded)
};

// True when a cost model computed the evaluation's metrics (provenance "simulated") at a
// revision other than this build's.
bool isStale(const store::EvaluationRecord& evaluation);

// The latest evaluation of each design and mode, where it is stale; in design id order. (A
// search's trials hold the evaluation their design got when the search ran, which is the
// design's latest unless something re-costed it since.)
std::vector<StaleEvaluation> staleEvaluations(const store::Workspace& workspace);
// The latest simulated evaluation of each design and mode, stale or current; in design id
// order. Costing these again checks that a workspace shows what the cost models give.
std::vector<StaleEvaluation> latestSimulatedEvaluations(const store::Workspace& workspace);

struct ResimulationReport {
    std::int64_t stale = 0;   // stale evaluations found
    std::int64_t updated = 0; // re-costed and stored (0 on a dry run)
    std::int64_t changed = 0; // of those re-costed, how many got other cycles, energy, area or feasibility
    // Those that could not be re-costed, one readable line each: "design 12 (inference): why".
    std::vector<std::string> skipped;
    double largestLatencyChange = 0; // |new / old − 1| over the re-costed ones
    double largestEnergyChange = 0;
    bool cancelled = false; // stopped before storing: nothing was written
};

struct ResimulationOptions {
    bool dryRun = false; // cost them and report, store nothing
    // Called after each evaluation is re-costed with (done, total); from the calling thread.
    std::function<void(std::int64_t, std::int64_t)> progress;
};

// The re-costed evaluations, ready to store, and the report; writes nothing, so it may run on
// a read connection of its own (the explorer's worker thread).
struct Recosted {
    ResimulationReport report;
    std::vector<store::EvaluationRecord> evaluations; // one per stale evaluation not skipped
    std::vector<std::int64_t> replaces;               // the stale evaluation each one replaces
};
Recosted recostStale(const store::Workspace& workspace, const ResimulationOptions& options, std::stop_token stop = {});
// The same for the given evaluations (report.stale counts them), stale or not.
Recosted recost(const store::Workspace& workspace, const std::vector<StaleEvaluation>& evaluations,
                const ResimulationOptions& options, std::stop_token stop = {});
// Stores them in one transaction: a new evaluation each (the old ones stay in the design's
// history), and the search trials that held a stale evaluation now hold its replacement, so a
// search's front, its export and a resumed search read the same numbers as the explorer. (The
// hypervolume stored after each trial stays what the search measured as it ran.)
void storeRecosted(store::Workspace& workspace, const Recosted& recosted);

// recostStale, then storeRecosted unless options.dryRun. A stop request before the
// transaction leaves the workspace untouched.
ResimulationReport resimulateStale(store::Workspace& workspace, const ResimulationOptions& options,
                                   std::stop_token stop = {});

} // namespace tcw::codesign
