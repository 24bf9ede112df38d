// The device profile file (workbench JSON, kind "deviceProfile"): written by `tcw profile` and
// tools/profile_cuda.py, read by whatever imports devices. Format: docs/formats.md#device-profiles.
#pragma once

#include "io_types.h"

#include "profile/device_profile.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace tcw::io {

// Indented JSON; doubles round-trip exactly; an unavailable measure is written as
// {"unavailable": reason, "remedy": remedy}, never as a number.
std::string deviceProfileJson(const profile::DeviceProfile& profile);

// Every error with its field path (rows[2].latencySecondsPerSequence.p95: …).
Loaded<profile::DeviceProfile> parseDeviceProfile(std::string_view text, const std::string& file);
// Bounded read (kMaxDocumentBytes) then parseDeviceProfile.
Loaded<profile::DeviceProfile> loadDeviceProfile(const std::filesystem::path& path);

} // namespace tcw::io
