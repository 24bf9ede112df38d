// The device library: the profiles shipped under DATA/devices/presets (one ID.json per device)
// and profiles named by file; "devices:edgetran" names EdgeTran's seven.
#pragma once

#include "device_rows.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tcw::devices {

std::filesystem::path devicePresetDir(const std::filesystem::path& dataDir);    // DATA/devices/presets
std::vector<std::string> presetDeviceIds(const std::filesystem::path& dataDir); // sorted file stems

// A profile file path, or the id of a preset. The error lists the presets when neither.
LoadedProfile resolveDeviceProfile(const std::string& nameOrPath, const std::filesystem::path& dataDir);

// "devices:edgetran" → EdgeTran's seven ids; "devices:all" → every preset; "devices:a,b" →
// those ids; "device:ID" → ID. Empty with `error` set when the text is none of these.
std::vector<std::string> deviceSet(const std::string& text, const std::filesystem::path& dataDir, std::string& error);

// Issue 14, a mixed search's device costs: the profiles of these ids that resolve as above (a
// preset, or a profile file), in the ids' order; an id that is neither is left out for the
// search to find among the workspace's device tables. `tcw search` and the GUI's Search panel
// both hand a new mixed search its presets this way.
std::vector<DeviceProfile> presetProfiles(const std::vector<std::string>& ids, const std::filesystem::path& dataDir);

} // namespace tcw::devices
