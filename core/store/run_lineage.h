// The lineage of training runs that grew or pruned one another (issue 14, tcw grow-prune,
// docs/grow_prune.md): one row per child run naming its parent run, the operator that made
// it from the parent, whether it was accepted, and the target's costs it was judged by. The
// runs of one grow-and-prune session form a tree rooted at the run with no parent.
#pragma once

#include "sqlite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcw::store {

// The schema step that creates the table (a migration of schema.cpp). Idempotent (IF NOT
// EXISTS), like createDeviceTables.
void createRunLineageTable(Database& db);

struct RunLineageRecord {
    std::int64_t runId = 0;                  // the child's training run
    std::optional<std::int64_t> parentRunId; // none: the session's root
    std::int64_t sessionRunId = 0;           // the root's run id (the root's own id for the root)
    int iteration = 0;                       // 0 for the root, then 1, 2, … per operator applied
    std::string op;                       // "root", "grow-head", "grow-ff", "prune-heads", "prune-ff", "shrink-layer"
    std::string change;                   // what the operator changed, in words
    bool accepted = false;                // became the current model of the session
    std::string target;                   // "device:ID"
    std::optional<double> latencySeconds; // the target's cost model, per sequence
    std::optional<double> energyJoules;
    std::optional<double> peakPowerWatts;
    std::string provenance; // "measured" or "predicted ± σ (…)"
    bool feasible = false;  // meets every constraint of the session
    std::string violations; // the constraints it breaks, "" when feasible

    bool operator==(const RunLineageRecord&) const = default;
};

// Inserts (or replaces) the row of record.runId. Throws SqliteError (a CHECK or foreign key).
void saveRunLineage(Database& db, const RunLineageRecord& record);
// Marks a run accepted. False when it has no lineage row.
bool setRunLineageAccepted(Database& db, std::int64_t runId, bool accepted);
// Every row, by session then run id.
std::vector<RunLineageRecord> runLineage(const Database& db);

} // namespace tcw::store
