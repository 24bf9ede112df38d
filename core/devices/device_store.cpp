// Device profiles in a workspace: the profile's header through its JSON codec, one table row per
// measured model with the figures the cost model and the device views use.
#include "device_store.h"

#include "io/format_trees.h"

#include <stdexcept>

namespace tcw::devices {

using io::detail::Json;

namespace {

// What the workspace does not keep of a row (docs/devices.md, "In a workspace").
const char* kNotKept = "not kept in the workspace; the device profile file holds it";

std::optional<double> valueOf(const profile::Measure& m) {
    return m.value;
}

profile::Measure stored(std::optional<double> v, const char* reason) {
    return v ? profile::Measure::of(*v) : profile::Measure::unavailable(reason);
}

} // namespace

void saveDeviceProfile(store::Database& db, const DeviceProfile& profile) {
    DeviceProfile header = profile;
    header.rows.clear();
    const auto parsed = io::detail::parseJsonText(io::deviceProfileJson(header));
    const Json& j = *parsed.tree;
    Json descriptor = Json::object();
    descriptor["device"] = j["device"];
    descriptor["machine"] = j["machine"];
    descriptor["idlePowerW"] = j["idlePowerW"];
    descriptor["measuredAt"] = j["measuredAt"];
    const bool outer = !db.inTransaction();
    if (outer)
        db.exec("BEGIN IMMEDIATE");
    try {
        db.prepare("DELETE FROM device_profiles WHERE device = ?1").bind(1, profile.deviceName).run();
        db.prepare("INSERT INTO device_profiles (device, description, descriptor_json, settings_json, caveats_json, "
                   "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(1, profile.deviceName)
            .bind(2, profile.description)
            .bind(3, descriptor.dump())
            .bind(4, j["settings"].dump())
            .bind(5, j["caveats"].dump())
            .bind(6, profile.command)
            .run();
        const std::int64_t id = db.lastInsertRowId();
        auto insert = db.prepare("INSERT INTO device_rows (profile_id, model_hash, model_json, latency_s, energy_j, "
                                 "peak_power_w, glue, provenance, stddev_fraction) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                 "?7, ?8, ?9)");
        for (const ProfileRow& row : profile.rows) {
            insert.bind(1, id)
                .bind(2, row.modelName)
                .bind(3, io::detail::transformerJson(row.model).dump())
                .bind(4, row.latencySecondsPerSequence.median)
                .bind(5, valueOf(row.energyJoulesPerSequence))
                .bind(6, valueOf(row.peakPowerW))
                .bind(7, row.glue)
                .bind(8, row.provenance)
                .bind(9, row.latencySecondsPerSequence.cv)
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
        const auto blob = [&](int column) {
            auto parsed = io::detail::parseJsonText(profiles.text(column));
            if (!parsed.tree)
                throw std::runtime_error("device profile " + device +
                                         ": stored JSON does not read: " + parsed.errors.front().toString());
            return *parsed.tree;
        };
        const Json descriptor = blob(3);
        Json j = Json::object();
        j["schemaVersion"] = io::kSchemaVersion;
        j["kind"] = "deviceProfile";
        for (const char* key : {"device", "machine", "idlePowerW", "measuredAt"})
            if (descriptor.is_object() && descriptor.contains(key))
                j[key] = descriptor[key];
        j["settings"] = blob(4);
        j["caveats"] = blob(5);
        j["command"] = profiles.text(6);
        j["rows"] = Json::array();
        auto loaded = io::parseDeviceProfile(j.dump(), "workspace table device_profiles, device " + device);
        if (!loaded)
            throw std::runtime_error(loaded.errors.toString());
        DeviceProfile p = std::move(*loaded.value);
        auto r = db.prepare("SELECT model_hash, model_json, latency_s, energy_j, peak_power_w, glue, provenance, "
                            "stddev_fraction FROM device_rows WHERE profile_id = ?1 ORDER BY id");
        r.bind(1, profiles.int64(0));
        while (r.step()) {
            ProfileRow row;
            row.modelName = r.text(0);
            auto model = io::detail::parseJsonText(r.text(1));
            ValidationErrors errors;
            if (model.tree)
                row.model = io::detail::readTransformerJson(*model.tree, errors);
            if (!model.tree || !errors.empty())
                throw std::runtime_error("device profile " + device + ": the stored model of row " + row.modelName +
                                         " does not read");
            const double latency = r.real(2);
            row.latencySecondsPerSequence = {latency, latency, latency, latency, r.optionalReal(7).value_or(0.0), 1};
            row.energyJoulesPerSequence = stored(r.optionalReal(3), "unavailable where it was measured");
            row.peakPowerW = stored(r.optionalReal(4), "unavailable where it was measured");
            row.dynamicEnergyJoulesPerSequence = profile::Measure::unavailable(kNotKept);
            row.averagePowerW = profile::Measure::unavailable(kNotKept);
            row.glue = r.optionalReal(5);
            row.provenance = r.text(6);
            p.rows.push_back(std::move(row));
        }
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace tcw::devices
