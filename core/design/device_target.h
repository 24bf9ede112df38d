// The `device` target kind: an off-the-shelf device (GPU, laptop CPU, Raspberry Pi, NPU, this
// computer) whose costs are measured, named by the id of its device profile (docs/devices.md).
// It has no numeric fields to edit: the device is what it is; its cost model is `measured`
// (core/profile/device_surrogate.h).
#pragma once

#include "validation.h"

#include <string>

namespace tcw {

struct TechnologyLibrary;

struct DeviceTarget {
    std::string name;   // the target's name (defaults to the device id)
    std::string device; // device profile id, e.g. "gpu_m1-pro" (data/devices/presets/ID.json)

    bool operator==(const DeviceTarget&) const = default;
};

// A device id: letters, digits, '_', '-' and '.', not empty (a profile's file stem).
bool isDeviceId(const std::string& id);
ValidationErrors validate(const DeviceTarget& target, const TechnologyLibrary* technology = nullptr);

} // namespace tcw
