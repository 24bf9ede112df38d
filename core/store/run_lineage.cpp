#include "run_lineage.h"

namespace tcw::store {

void createRunLineageTable(Database& db) {
    db.exec(R"sql(
CREATE TABLE IF NOT EXISTS run_lineage (
    run_id         INTEGER PRIMARY KEY REFERENCES training_runs (id) ON DELETE CASCADE,
    parent_run_id  INTEGER REFERENCES training_runs (id) ON DELETE SET NULL,
    session_run_id INTEGER NOT NULL,
    iteration      INTEGER NOT NULL CHECK (iteration >= 0),
    operator       TEXT NOT NULL CHECK (operator IN
                   ('root', 'grow-head', 'grow-ff', 'prune-heads', 'prune-ff', 'shrink-layer')),
    change         TEXT NOT NULL DEFAULT '',
    accepted       INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
    target         TEXT NOT NULL DEFAULT '',
    latency_s      REAL CHECK (latency_s > 0),
    energy_j       REAL CHECK (energy_j > 0),
    peak_power_w   REAL CHECK (peak_power_w > 0),
    provenance     TEXT NOT NULL DEFAULT '',
    feasible       INTEGER NOT NULL DEFAULT 0 CHECK (feasible IN (0, 1)),
    violations     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS run_lineage_by_session ON run_lineage (session_run_id, run_id);
)sql");
}

void saveRunLineage(Database& db, const RunLineageRecord& r) {
    Statement s =
        db.prepare("INSERT OR REPLACE INTO run_lineage (run_id, parent_run_id, session_run_id, iteration, "
                   "operator, change, accepted, target, latency_s, energy_j, peak_power_w, provenance, "
                   "feasible, violations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    s.bind(1, r.runId).bind(2, r.parentRunId).bind(3, r.sessionRunId).bind(4, r.iteration).bind(5, r.op);
    s.bind(6, r.change).bind(7, r.accepted ? 1 : 0).bind(8, r.target).bind(9, r.latencySeconds);
    s.bind(10, r.energyJoules).bind(11, r.peakPowerWatts).bind(12, r.provenance).bind(13, r.feasible ? 1 : 0);
    s.bind(14, r.violations).run();
}

bool setRunLineageAccepted(Database& db, std::int64_t runId, bool accepted) {
    db.prepare("UPDATE run_lineage SET accepted = ?1 WHERE run_id = ?2").bind(1, accepted ? 1 : 0).bind(2, runId).run();
    return db.changes() > 0;
}

std::vector<RunLineageRecord> runLineage(const Database& db) {
    Statement s = db.prepare("SELECT run_id, parent_run_id, session_run_id, iteration, operator, change, accepted, "
                             "target, latency_s, energy_j, peak_power_w, provenance, feasible, violations "
                             "FROM run_lineage ORDER BY session_run_id, run_id");
    std::vector<RunLineageRecord> out;
    while (s.step()) {
        RunLineageRecord r;
        r.runId = s.int64(0);
        r.parentRunId = s.optionalInt64(1);
        r.sessionRunId = s.int64(2);
        r.iteration = static_cast<int>(s.int64(3));
        r.op = s.text(4);
        r.change = s.text(5);
        r.accepted = s.int64(6) != 0;
        r.target = s.text(7);
        r.latencySeconds = s.optionalReal(8);
        r.energyJoules = s.optionalReal(9);
        r.peakPowerWatts = s.optionalReal(10);
        r.provenance = s.text(11);
        r.feasible = s.int64(12) != 0;
        r.violations = s.text(13);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace tcw::store
