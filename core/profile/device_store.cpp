#include "device_store.h"

#include "io/format_trees.h"

#include <stdexcept>

namespace tcw::profile {

using io::detail::Json;

void saveDeviceProfile(store::Database& db, const DeviceProfile& profile) {
    const auto parsed = io::detail::parseJsonText(deviceProfileJson(profile));
    const Json& j = *parsed.tree;
    const bool outer = !db.inTransaction();
    if (outer)
        db.exec("BEGIN IMMEDIATE");
    try {
        db.prepare("DELETE FROM device_profiles WHERE device = ?1").bind(1, profile.device).run();
        db.prepare("INSERT INTO device_profiles (device, description, descriptor_json, settings_json, caveats_json, "
                   "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(1, profile.device)
            .bind(2, profile.description)
            .bind(3, j["descriptor"].dump())
            .bind(4, j["settings"].dump())
            .bind(5, j["caveats"].dump())
            .bind(6, profile.source)
            .run();
        const std::int64_t id = db.lastInsertRowId();
        auto insert = db.prepare("INSERT INTO device_rows (profile_id, model_hash, model_json, latency_s, energy_j, "
                                 "peak_power_w, glue, provenance) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        for (std::size_t i = 0; i < profile.rows.size(); ++i) {
            const DeviceRow& row = profile.rows[i];
            insert.bind(1, id)
                .bind(2, row.modelHash)
                .bind(3, j["rows"][i]["model"].dump())
                .bind(4, row.latencySeconds)
                .bind(5, row.energyJoules)
                .bind(6, row.peakPowerWatts)
                .bind(7, row.glue)
                .bind(8, row.provenance)
                .run();
        }
        if (outer)
            db.exec("COMMIT");
    } catch (...) {
        if (outer)
            db.exec("ROLLBACK");
        throw;
    }
}

std::vector<DeviceProfile> loadDeviceProfiles(const store::Database& db) {
    std::vector<DeviceProfile> out;
    auto profiles = db.prepare("SELECT id, device, description, descriptor_json, settings_json, caveats_json, source "
                               "FROM device_profiles ORDER BY device");
    while (profiles.step()) {
        const std::string device = profiles.text(1);
        Json j = Json::object();
        const auto blob = [&](int column) {
            auto parsed = io::detail::parseJsonText(profiles.text(column));
            if (!parsed.tree)
                throw std::runtime_error("device profile " + device +
                                         ": stored JSON does not read: " + parsed.errors.front().toString());
            return *parsed.tree;
        };
        j["schemaVersion"] = 1;
        j["kind"] = "deviceProfile";
        j["device"] = device;
        j["description"] = profiles.text(2);
        j["descriptor"] = blob(3);
        j["settings"] = blob(4);
        j["caveats"] = blob(5);
        j["source"] = profiles.text(6);
        Json rows = Json::array();
        auto r = db.prepare("SELECT model_hash, model_json, latency_s, energy_j, peak_power_w, glue, provenance FROM "
                            "device_rows WHERE profile_id = ?1 ORDER BY id");
        r.bind(1, profiles.int64(0));
        while (r.step()) {
            Json row = Json::object();
            if (!r.text(0).empty())
                row["modelHash"] = r.text(0);
            auto model = io::detail::parseJsonText(r.text(1));
            if (!model.tree)
                throw std::runtime_error("device profile " + device + ": a stored model does not read");
            row["model"] = *model.tree;
            row["latencySeconds"] = r.real(2);
            if (auto v = r.optionalReal(3))
                row["energyJoules"] = *v;
            if (auto v = r.optionalReal(4))
                row["peakPowerWatts"] = *v;
            if (auto v = r.optionalReal(5))
                row["glue"] = *v;
            row["provenance"] = r.text(6);
            rows.push_back(std::move(row));
        }
        j["rows"] = std::move(rows);
        auto loaded = parseDeviceProfile(j.dump());
        if (!loaded.profile)
            throw std::runtime_error("device profile " + device +
                                     " in the workspace: " + loaded.errors.front().toString());
        out.push_back(std::move(*loaded.profile));
    }
    return out;
}

} // namespace tcw::profile
