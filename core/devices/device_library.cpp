#include "device_library.h"

#include "design/device_target.h"
#include "edgetran_import.h"

#include <algorithm>

namespace tcw::devices {

namespace fs = std::filesystem;

fs::path devicePresetDir(const fs::path& dataDir) {
    return dataDir / "devices" / "presets";
}

std::vector<std::string> presetDeviceIds(const fs::path& dataDir) {
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(devicePresetDir(dataDir), ec))
        if (entry.path().extension() == ".json" && isDeviceId(entry.path().stem().string()))
            ids.push_back(entry.path().stem().string());
    std::sort(ids.begin(), ids.end());
    return ids;
}

LoadedProfile resolveDeviceProfile(const std::string& nameOrPath, const fs::path& dataDir) {
    std::error_code ec;
    if (fs::is_regular_file(nameOrPath, ec))
        return io::loadDeviceProfile(nameOrPath);
    if (isDeviceId(nameOrPath)) {
        const fs::path preset = devicePresetDir(dataDir) / (nameOrPath + ".json");
        if (fs::is_regular_file(preset, ec))
            return io::loadDeviceProfile(preset);
    }
    LoadedProfile out;
    const auto ids = presetDeviceIds(dataDir);
    out.errors.file = nameOrPath;
    out.errors.errors.push_back(
        {nameOrPath, "is neither a device profile file nor a device preset; the presets are " +
                         (ids.empty() ? std::string("(none found under ") + devicePresetDir(dataDir).string() + ")"
                                      : joinValues(ids, [](const std::string& s) { return s; }))});
    return out;
}

std::vector<std::string> deviceSet(const std::string& text, const fs::path& dataDir, std::string& error) {
    error.clear();
    const auto presets = presetDeviceIds(dataDir);
    if (text == "devices:edgetran")
        return edgetranDeviceIds();
    if (text == "devices:all") {
        if (presets.empty())
            error = "devices:all: no device presets under " + devicePresetDir(dataDir).string();
        return presets;
    }
    std::string list;
    if (text.rfind("devices:", 0) == 0)
        list = text.substr(8);
    else if (text.rfind("device:", 0) == 0)
        list = text.substr(7);
    else {
        error = "'" + text.substr(0, 60) +
                "' is not a device set; use device:ID, devices:ID,ID…, devices:edgetran or devices:all";
        return {};
    }
    std::vector<std::string> ids;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const std::string id = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!isDeviceId(id)) {
            error = "'" + id.substr(0, 60) + "' in " + text.substr(0, 60) +
                    " is not a device id (letters, digits, "
                    "'_', '-', '.')";
            return {};
        }
        if (std::find(ids.begin(), ids.end(), id) == ids.end())
            ids.push_back(id);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return ids;
}

std::vector<DeviceProfile> presetProfiles(const std::vector<std::string>& ids, const fs::path& dataDir) {
    std::vector<DeviceProfile> out;
    for (const std::string& id : ids)
        if (auto preset = resolveDeviceProfile(id, dataDir); preset.ok())
            out.push_back(std::move(*preset.value));
    return out;
}

} // namespace tcw::devices
