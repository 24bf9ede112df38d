#include "device_traces.h"

#include "device_store.h"

#include <map>

namespace tcw::devices {

namespace {
std::string key(const std::string& device) {
    return "deviceTraces/" + device;
}
} // namespace

void saveDeviceTraces(store::Workspace& workspace, const DeviceProfile& profile) {
    DeviceProfile traced = profile;
    const auto why = [](const profile::Measure& m) { return !m.available() && !m.reason.empty(); };
    std::erase_if(traced.rows, [&](const ProfileRow& r) {
        return r.trace.empty() && !why(r.energyJoulesPerSequence) && !why(r.peakPowerW) && !why(r.averagePowerW) &&
               !why(r.dynamicEnergyJoulesPerSequence);
    });
    // An empty document still records that the device has no trace (a re-import drops old ones).
    workspace.setProperty(key(profile.deviceName), io::deviceProfileJson(traced));
}

std::string attachDeviceTraces(const store::Workspace& workspace, DeviceProfile& profile) {
    const auto text = workspace.property(key(profile.deviceName));
    if (!text)
        return {};
    const auto traced = io::parseDeviceProfile(*text, key(profile.deviceName));
    if (!traced.value)
        return traced.errors.toString();
    std::map<std::string, const ProfileRow*> byModel;
    for (const auto& row : traced.value->rows)
        byModel.emplace(row.modelName, &row);
    for (auto& row : profile.rows)
        if (auto it = byModel.find(row.modelName); it != byModel.end()) {
            const ProfileRow& kept = *it->second;
            row.trace = kept.trace;
            // The measures as measured: values the device tables do not keep (average power,
            // dynamic energy) and, for one unavailable, the reason and the remedy.
            row.energyJoulesPerSequence = kept.energyJoulesPerSequence;
            row.dynamicEnergyJoulesPerSequence = kept.dynamicEnergyJoulesPerSequence;
            row.averagePowerW = kept.averagePowerW;
            row.peakPowerW = kept.peakPowerW;
        }
    return {};
}

void saveDeviceProfileWithTraces(store::Workspace& workspace, const DeviceProfile& profile) {
    workspace.transaction([&] {
        saveDeviceProfile(workspace.database(), profile);
        saveDeviceTraces(workspace, profile);
    });
}

} // namespace tcw::devices
