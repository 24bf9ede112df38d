// Names of the device profile's enumerations.
#include "device_profile.h"

namespace tcw::profile {

std::string_view deviceClassName(DeviceClass c) {
    switch (c) {
    case DeviceClass::Cpu:
        return "cpu";
    case DeviceClass::Gpu:
        return "gpu";
    case DeviceClass::Npu:
        return "npu";
    case DeviceClass::Other:
        break;
    }
    return "other";
}

std::optional<DeviceClass> deviceClassFromName(std::string_view name) {
    for (auto c : {DeviceClass::Cpu, DeviceClass::Gpu, DeviceClass::Npu, DeviceClass::Other})
        if (deviceClassName(c) == name)
            return c;
    return std::nullopt;
}

} // namespace tcw::profile
