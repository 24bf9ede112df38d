// A stored model × device search as the Search page shows it (issue 14): its configuration,
// every trial in position order with its device, model, metrics and provenance, which trials
// are on the final Pareto front, the best value of each objective after each trial, and the
// hypervolume history — read from the workspace as device_search_store.h wrote it.
#pragma once

#include "device_search_store.h"

#include "design/transformer_spec.h"
#include "store/workspace.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tcw::devices {

struct DeviceSearchTrial {
    std::int64_t position = 0;
    std::string device;
    std::string modelName;
    TransformerSpec model; // from the stored design (empty layers when it cannot be read)
    double glue = 0;       // [0, 1]
    double latencySeconds = 0;
    std::optional<double> energyJoules, peakPowerWatts;
    std::string provenance;  // "measured" or "predicted ± σ (…)", as the search wrote it
    bool glueStored = false; // the library's published GLUE, else predicted
    bool seeded = false;     // one of the stored pairs the search started from
    bool feasible = true;    // within the peak-power limit
    double loss = 0;         // EdgeTran's scalar loss
    bool onFront = false;    // on the final front of the feasible trials
};

struct DeviceSearchHistory {
    store::SearchRecord record;
    StoredDeviceSearchConfig config;
    std::vector<DeviceSearchTrial> trials; // position order
    // Per objective (GLUE ↑, latency ↓, energy ↓, peak power ↓), per trial: the best value of
    // the feasible trials up to it (NaN before the first feasible one, or when none has it).
    std::vector<std::vector<double>> bestSoFar;
    // Per trial: the hypervolume of the feasible trials' front up to it, every objective
    // normalised to [0, 1] over all stored trials (minimised: 1 − GLUE share), reference 1.
    std::vector<double> hypervolume;
};

// Throws DeviceSearchStoreError when the search does not exist or is not a device search,
// std::runtime_error naming the field when its configuration cannot be read.
DeviceSearchHistory readDeviceSearch(const store::Workspace& workspace, std::int64_t searchId);

} // namespace tcw::devices
