#include "device_tables.h"

namespace tcw::store {

void createDeviceTables(Database& db) {
    db.exec(R"sql(
CREATE TABLE IF NOT EXISTS device_profiles (
    id              INTEGER PRIMARY KEY,
    device          TEXT NOT NULL UNIQUE CHECK (length(device) BETWEEN 1 AND 100),
    description     TEXT NOT NULL DEFAULT '',
    descriptor_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(descriptor_json)),
    settings_json   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings_json)),
    caveats_json    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(caveats_json)),
    source          TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS device_rows (
    id                INTEGER PRIMARY KEY,
    profile_id        INTEGER NOT NULL REFERENCES device_profiles (id) ON DELETE CASCADE,
    model_hash        TEXT NOT NULL DEFAULT '',
    model_json        TEXT NOT NULL CHECK (json_valid(model_json)),
    latency_s         REAL NOT NULL CHECK (latency_s > 0),
    energy_j          REAL CHECK (energy_j > 0),
    peak_power_w      REAL CHECK (peak_power_w > 0),
    glue              REAL CHECK (glue BETWEEN 0 AND 1),
    provenance        TEXT NOT NULL CHECK (provenance = 'measured' OR provenance LIKE 'predicted%'),
    stddev_fraction   REAL CHECK (stddev_fraction >= 0)
);
CREATE INDEX IF NOT EXISTS device_rows_by_profile ON device_rows (profile_id, model_hash);
)sql");
}

} // namespace tcw::store
