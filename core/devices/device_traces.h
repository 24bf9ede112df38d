// Power traces of a workspace's device profiles (issue 14, the Devices view). The device
// tables (device_store.h) keep each row's latency, energy and peak power, not its power
// samples nor why a measure is unavailable; the rows that have a trace or an unavailable
// measure with its reason are kept beside them, one workspace property per device
// ("deviceTraces/ID") holding a device profile document (io/device_profile_json.h) of those
// rows only, so they read back through the one codec.
#pragma once

#include "device_rows.h"

#include "store/workspace.h"

#include <string>

namespace tcw::devices {

// Keeps the traced rows of `profile` (none: removes the property). Call inside the
// transaction that saves the profile, or alone.
void saveDeviceTraces(store::Workspace& workspace, const DeviceProfile& profile);
// Gives each row of `profile` that was kept its trace and its measures as measured (with the
// reasons of the unavailable ones); rows matched by model name.
// A property that no longer reads leaves the rows without traces and returns its error.
std::string attachDeviceTraces(const store::Workspace& workspace, DeviceProfile& profile);
// Saves the profile into the device tables and its traces, in one transaction.
void saveDeviceProfileWithTraces(store::Workspace& workspace, const DeviceProfile& profile);

} // namespace tcw::devices
