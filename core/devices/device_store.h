// Device profiles in a workspace (tables device_profiles and device_rows, schema step in
// core/store/device_tables.cpp). Stored through the profile's JSON codec, so a profile read
// back equals the one saved.
#pragma once

#include "device_rows.h"
#include "store/sqlite.h"

#include <vector>

namespace tcw::devices {

// Inserts the profile, replacing a stored one with the same device id (one transaction).
void saveDeviceProfile(store::Database& db, const DeviceProfile& profile);
// Every stored profile, by device id. Throws std::runtime_error naming the device and the
// field when a stored profile no longer reads (damaged by hand).
std::vector<DeviceProfile> loadDeviceProfiles(const store::Database& db);

} // namespace tcw::devices
