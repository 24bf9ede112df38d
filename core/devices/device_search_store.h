// A model × device search stored in a workspace (issue 14, docs/devices.md "In a workspace"),
// as an accelerator search is (core/codesign/search_session.h): a search row holding the
// configuration (devices, budget, seed, objective, peak-power limit), and per pair, committed
// in its own transaction the moment it is made, a design (the model with a `device` target),
// an evaluation (cost model `measured`; metrics measured, or predicted with the surrogate's
// relative σ; GLUE published or predicted with its σ) and a trial. The searched profiles are
// saved into the workspace's device tables with it.
//
// Resume: the search is deterministic given its profiles and configuration, so a resumed
// search replays it, checks that each stored trial is the pair the replay makes at that
// position (else the device library changed and it refuses), and commits the rest.
#pragma once

#include "device_search.h"

#include "store/workspace.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::devices {

// SearchRecord::algorithm of a model × device search (accelerator searches: boshcode, nsga2,
// random); their trials' objectives are [GLUE, latency s, energy J, peak power W].
inline constexpr std::string_view kDeviceSearchAlgorithm = "device-search";

// What a stored device search is, as its SearchRecord::configJson holds it.
struct StoredDeviceSearchConfig {
    std::string targets;                // as the user wrote it: "devices:edgetran"
    std::vector<std::string> deviceIds; // the profiles searched, in order
    DeviceSearchConfig search;          // budget, seed, objective (EdgeTran's) with the peak-power limit
};
std::string deviceSearchConfigJson(const StoredDeviceSearchConfig& config);
// Throws std::runtime_error naming the field when the text is not a device search's config.
StoredDeviceSearchConfig parseDeviceSearchConfig(const std::string& json);

class DeviceSearchStoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct StoredDeviceSearchRun {
    std::int64_t searchId = 0;
    std::size_t alreadyStored = 0; // trials found stored (a resumed search)
    std::size_t committed = 0;     // trials this call wrote
    bool stopped = false;          // stopRequested ended it before the budget (status "cancelled")
    DeviceSearchResult result;
};

// Starts a search (resumeId empty) or resumes the stored one. profiles: those of
// config.deviceIds, in that order. Throws DeviceSearchStoreError when the search to resume
// is not a device search, is finished, or its stored trials differ from the replay;
// std::invalid_argument as searchDevices does.
StoredDeviceSearchRun runStoredDeviceSearch(store::Workspace& workspace, const std::vector<DeviceProfile>& profiles,
                                            const StoredDeviceSearchConfig& config,
                                            std::optional<std::int64_t> resumeId = {},
                                            const std::function<bool()>& stopRequested = {});

// The latest device search of the workspace that did not finish.
std::optional<store::SearchRecord> unfinishedDeviceSearch(const store::Workspace& workspace);
bool isDeviceSearch(const store::SearchRecord& record);

} // namespace tcw::devices
