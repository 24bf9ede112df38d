#include "device_traces.h"

#include "device_store.h"

#include <map>

namespace tcw::devices {

namespace {
using profile::PowerTrace;
std::string key(const std::string& device) {
    return "deviceTraces/" + device;
}
} // namespace

void saveDeviceTraces(store::Workspace& workspace, const DeviceProfile& profile) {
    DeviceProfile traced = profile;
    std::erase_if(traced.rows, [](const ProfileRow& r) { return r.trace.empty(); });
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
    std::map<std::string, const PowerTrace*> byModel;
    for (const auto& row : traced.value->rows)
        byModel.emplace(row.modelName, &row.trace);
    for (auto& row : profile.rows)
        if (auto it = byModel.find(row.modelName); it != byModel.end())
            row.trace = *it->second;
    return {};
}

void saveDeviceProfileWithTraces(store::Workspace& workspace, const DeviceProfile& profile) {
    workspace.transaction([&] {
        saveDeviceProfile(workspace.database(), profile);
        saveDeviceTraces(workspace, profile);
    });
}

} // namespace tcw::devices
