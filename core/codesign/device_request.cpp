// Measured devices joined to a search request (device_request.h).
#include "device_request.h"

#include <algorithm>

namespace tcw::codesign {

std::string withDeviceSet(const std::string& targets, const std::string& deviceSet) {
    if (deviceSet.empty())
        return targets;
    return (targets.empty() ? std::string("elector") : targets) + "," + deviceSet;
}

DeviceApplicability deviceApplicability(const SearchRequest& request, const std::string& deviceSet,
                                        const std::filesystem::path& dataDir) {
    DeviceApplicability out;
    const BuiltConfig alone = buildSearchConfig(request, dataDir);
    SearchRequest mixed = request;
    mixed.targets = withDeviceSet(request.targets, deviceSet);
    const BuiltConfig withDevices = buildSearchConfig(mixed, dataDir);
    for (const std::string& e : withDevices.errors)
        if (std::find(alone.errors.begin(), alone.errors.end(), e) == alone.errors.end())
            out.refusals.push_back(e);
    if (alone.config)
        out.sequenceLength = alone.config->task.sequenceLength;
    else if (withDevices.config)
        out.sequenceLength = withDevices.config->task.sequenceLength;
    return out;
}

} // namespace tcw::codesign
