// Issue 14, measured devices mixed with accelerator kinds, as a person asks for them: the
// device set joined to a request's target kinds the way `tcw search --targets` takes it (the
// set last: elector,bat,devices:…), and why measured devices cannot join a search of a given
// request. The Search panel greys its device choice with these reasons; they are the errors
// `tcw search` prints for the same options, found by the same buildSearchConfig — never a
// second copy of the rules (search::mixedDeviceProblems, docs/search.md "Measured devices in
// the union").
#pragma once

#include "search_request.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tcw::codesign {

// "elector,bat" + "devices:edgetran" → "elector,bat,devices:edgetran"; empty targets (ELECTOR
// alone, as every search before issue 15) → "elector,devices:…". An empty set leaves targets.
std::string withDeviceSet(const std::string& targets, const std::string& deviceSet);

struct DeviceApplicability {
    // Every error buildSearchConfig names for the request with the device set that it does
    // not name for the request alone: why these devices cannot join (training mode, a precision
    // list without f32, an objective or constraint a device can never report…). Empty: they can.
    std::vector<std::string> refusals;
    // The sequence length of the search's task (a device's rows must have been measured at it,
    // devices::mixedDeviceProblems); 0 when the request builds no configuration.
    int sequenceLength = 0;
};

// request: the search without devices (its targets name no device set); deviceSet: the set to
// try ("devices:ID,ID…", "devices:edgetran", "devices:all").
DeviceApplicability deviceApplicability(const SearchRequest& request, const std::string& deviceSet,
                                        const std::filesystem::path& dataDir);

} // namespace tcw::codesign
