#include "device_target.h"

#include <algorithm>
#include <cctype>

namespace tcw {

bool isDeviceId(const std::string& id) {
    return !id.empty() && id.size() <= 100 &&
           std::all_of(id.begin(), id.end(),
                       [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                       }) &&
           id != "." && id != "..";
}

ValidationErrors validate(const DeviceTarget& target, const TechnologyLibrary*) {
    ValidationErrors errors;
    if (!isDeviceId(target.device))
        errors.push_back({"device", "must be a device profile id (letters, digits, '_', '-', '.'), such as "
                                    "gpu_m1-pro; got \"" +
                                        target.device.substr(0, 60) + "\""});
    return errors;
}

} // namespace tcw
