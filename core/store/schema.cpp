// The workspace schema, v1 and the steps after it, and the migration runner.
#include "schema.h"

#include "design_migration.h"
#include "device_tables.h"
#include "run_lineage.h" // issue 14: v7
#include "trial_hypervolume_migration.h"

#include <stdexcept>
#include <string>

namespace tcw::store {

namespace {

// v1. Times are ISO 8601 UTC text; JSON columns hold what tcw_io wrote. CHECK constraints
// keep enumerations and ranges honest even for files written by other tools.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE properties (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE designs (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('transformer', 'accelerator', 'pair')),
    spec_json  TEXT NOT NULL CHECK (json_valid(spec_json)),
    hash       TEXT NOT NULL CHECK (length(hash) = 64),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX designs_by_hash ON designs (kind, hash);

CREATE TABLE evaluations (
    id                INTEGER PRIMARY KEY,
    design_id         INTEGER NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
    cost_model        TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('inference', 'training')),
    options_json      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options_json)),
    cycles            INTEGER CHECK (cycles >= 0),
    latency_s         REAL CHECK (latency_s >= 0),
    energy_dynamic_nj REAL CHECK (energy_dynamic_nj >= 0),
    energy_leakage_nj REAL CHECK (energy_leakage_nj >= 0),
    area_mm2          REAL CHECK (area_mm2 >= 0),
    peak_power_mw     REAL CHECK (peak_power_mw >= 0),
    accuracy          REAL CHECK (accuracy BETWEEN 0 AND 1),
    accuracy_source   TEXT CHECK (accuracy_source IN ('trained', 'predicted', 'published')),
    feasible          INTEGER NOT NULL DEFAULT 1 CHECK (feasible IN (0, 1)),
    infeasible_reason TEXT NOT NULL DEFAULT '',
    breakdown_json    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(breakdown_json)),
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK ((accuracy IS NULL) = (accuracy_source IS NULL))
);
CREATE INDEX evaluations_by_design ON evaluations (design_id, mode, id);

CREATE TABLE training_runs (
    id                    INTEGER PRIMARY KEY,
    design_id             INTEGER NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    dataset               TEXT NOT NULL,
    config_json           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config_json)),
    status                TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    final_accuracy        REAL CHECK (final_accuracy BETWEEN 0 AND 1),
    curves_json           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(curves_json)),
    sparsity_profile_json TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_runs_by_design ON training_runs (design_id);

CREATE TABLE searches (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    algorithm   TEXT NOT NULL,
    config_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config_json)),
    seed        INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'finished', 'failed', 'cancelled')),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE trials (
    id              INTEGER PRIMARY KEY,
    search_id       INTEGER NOT NULL REFERENCES searches (id) ON DELETE CASCADE,
    iteration       INTEGER NOT NULL CHECK (iteration >= 0),
    design_id       INTEGER REFERENCES designs (id) ON DELETE SET NULL,
    evaluation_id   INTEGER REFERENCES evaluations (id) ON DELETE SET NULL,
    encoding_json   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(encoding_json)),
    prediction_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(prediction_json)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX trials_by_search ON trials (search_id, iteration);
)sql";

// v2 (co-design search): a search keeps its resumable state; a trial knows its position in
// the search (unique, so a resumed search can never store one twice) and its objective
// values; an accuracy carries its uncertainty and provenance detail (which surrogate, which
// training run). Indexes on the metric columns serve the explorer's range queries.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE searches ADD COLUMN state_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(state_json));
ALTER TABLE searches ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';

ALTER TABLE trials ADD COLUMN position INTEGER CHECK (position >= 0);
ALTER TABLE trials ADD COLUMN objectives_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(objectives_json));
CREATE UNIQUE INDEX trials_by_position ON trials (search_id, position);

ALTER TABLE evaluations ADD COLUMN accuracy_stddev REAL CHECK (accuracy_stddev >= 0);
ALTER TABLE evaluations ADD COLUMN accuracy_detail TEXT NOT NULL DEFAULT '';
CREATE INDEX evaluations_by_accuracy ON evaluations (mode, accuracy);
CREATE INDEX evaluations_by_latency ON evaluations (mode, latency_s);
CREATE INDEX evaluations_by_energy ON evaluations (mode, energy_dynamic_nj + energy_leakage_nj);
CREATE INDEX evaluations_by_area ON evaluations (mode, area_mm2);

CREATE INDEX training_runs_by_dataset ON training_runs (dataset, design_id);
)sql";

// v3 (results carry their provenance): a design records the kind of hardware target it runs
// on, an evaluation where its hardware metrics come from (and a predictor's relative σ).
// Existing rows are filled in the same step: every accelerator and pair so far is an
// `elector` accelerator (a document that already names its target's kind keeps it), and every
// evaluation with metrics so far was computed by one of the two cost models, so simulated.
// An evaluation without hardware metrics (accuracy only) has no provenance.
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE designs ADD COLUMN target_kind TEXT NOT NULL DEFAULT '';
UPDATE designs SET target_kind =
    CASE WHEN kind = 'transformer' THEN '' ELSE coalesce(json_extract(spec_json, '$.target.kind'), 'elector') END;
CREATE INDEX designs_by_target_kind ON designs (target_kind);

ALTER TABLE evaluations ADD COLUMN provenance TEXT
    CHECK (provenance IN ('simulated', 'measured', 'predicted', 'published'));
ALTER TABLE evaluations ADD COLUMN metrics_stddev_fraction REAL CHECK (metrics_stddev_fraction >= 0);
UPDATE evaluations SET provenance = 'simulated'
    WHERE cost_model IN ('elector', 'acceltran-fast')
      AND (cycles IS NOT NULL OR latency_s IS NOT NULL OR energy_dynamic_nj IS NOT NULL OR area_mm2 IS NOT NULL);
)sql";

const std::vector<Migration> kMigrations = {
    {1, "v1: designs, evaluations, training runs, searches, trials", [](Database& db) { db.exec(kSchemaV1); }},
    {2, "v2: resumable searches, trial positions and objectives, accuracy uncertainty",
     [](Database& db) { db.exec(kSchemaV2); }},
    {3, "v3: target kind of designs, provenance of evaluations' hardware metrics",
     [](Database& db) { db.exec(kSchemaV3); }},
    {4, "v4: co-designs as (transformer, target) in the canonical JSON",
     [](Database& db) { rewriteLegacyPairsAsTargets(db); }},
    {5, "v5: the hypervolume of a search after each of its trials", [](Database& db) { addTrialHypervolume(db); }},
    {6, "v6: device profiles and their measured rows (device_tables.cpp)",
     [](Database& db) { createDeviceTables(db); }},
    {7, "v7: the lineage of grow-and-prune training runs (run_lineage.cpp)",
     [](Database& db) { createRunLineageTable(db); }},
};

} // namespace

const std::vector<Migration>& schemaMigrations() {
    return kMigrations;
}

void migrate(Database& db, const std::vector<Migration>& migrations) {
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].toVersion != static_cast<int>(i) + 1)
            throw std::invalid_argument("migration " + std::to_string(i) + " must lead to version " +
                                        std::to_string(i + 1));
    }
    // A workspace of the current format needs no write: opening it must not take the write
    // lock, which another process (a running search committing a trial) may hold for a moment —
    // waiting for it made every open of a busy workspace fail after the busy timeout.
    if (migrations.empty() || db.userVersion() >= migrations.back().toVersion)
        return;
    Transaction transaction(db);
    const int from = db.userVersion(); // read again under the lock: another process may have migrated it
    for (const Migration& step : migrations) {
        if (step.toVersion <= from)
            continue;
        try {
            step.apply(db);
        } catch (const SqliteError& e) {
            SqliteError error(e.code(),
                              "schema migration to " + std::string(step.description) + " failed: " + e.what());
            error.setExtendedCode(e.extendedCode());
            throw error; // ~Transaction rolls back every step
        }
    }
    if (migrations.back().toVersion > from)
        db.setUserVersion(migrations.back().toVersion);
    transaction.commit();
}

} // namespace tcw::store
