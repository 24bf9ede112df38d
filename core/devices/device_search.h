// Model × device co-search over measured devices (issue 14, docs/devices.md, "Co-search"):
// the stored (model, device) pairs seed it (measured), new pairs are FlexiBERT 2.0 models
// sampled or mutated from the best so far, costed on every chosen device by the `measured`
// cost model (exact row, else the device's surrogate, "predicted ± σ") and scored for GLUE by
// bagged boosted trees fit on the stored GLUE scores. It reports the true Pareto front of
// (GLUE ↑, latency ↓, energy ↓, peak power ↓) with each point's provenance, and the best pair
// under a scalar objective (EdgeTran's by default).
//
// Our own modelling, labelled as such: EdgeTran evaluates an unmeasured pair as the surrogate
// plus noise N(0, σ/10) and searches with BOSHCODE; here the surrogate's mean is the value and
// the proposal is half uniform sampling, half mutation (one layer replaced by a sampled one,
// or the device changed) of one of the ten best pairs so far.
#pragma once

#include "device_surrogate.h"
#include "edgetran_objective.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tcw::devices {

struct DeviceSearchConfig {
    int budget = 200; // new pairs evaluated after the stored ones
    std::uint64_t seed = 1;
    ScalarObjective objective = ScalarObjective::edgetran(); // peakPowerLimitWatts: the constraint
};

struct DevicePair {
    std::size_t device = 0; // index into the profiles
    TransformerSpec model;
    double glue = 0, glueSigma = 0;
    bool glueStored = false; // from the stored row (else predicted)
    DeviceEstimate cost;     // cost.provenance: "measured" or "predicted ± σ (…)"
    double loss = 0;         // under the objective
    bool feasible = true;    // meets the peak-power constraint
    bool seeded = false;     // one of the stored pairs
};

struct DeviceSearchResult {
    std::vector<DevicePair> pairs;              // stored pairs first, then the new ones in order
    std::vector<std::size_t> front;             // indices of the feasible non-dominated pairs, by loss
    std::size_t bestStored = 0;                 // lowest loss among the feasible stored pairs
    std::size_t best = 0;                       // lowest loss among all feasible pairs
    std::vector<SurrogateReportRow> surrogates; // per device and measure, held out
    double glueHeldOutR2 = 0, glueHeldOutMape = 0, glueMeanMape = 0, glueMeanR2 = 0;
};

// profiles: the devices searched over (each with ≥ 5 rows). Throws std::invalid_argument
// naming what is wrong (no profiles, a bad objective, no stored GLUE to fit). onPair, when
// given, sees each pair the moment it is made, with its index in DeviceSearchResult::pairs
// (a workspace journal: core/devices/device_search_store.h); stopRequested is asked before
// each new pair.
DeviceSearchResult searchDevices(const std::vector<DeviceProfile>& profiles, const DeviceSearchConfig& config,
                                 const std::function<bool()>& stopRequested = {},
                                 const std::function<void(std::size_t, const DevicePair&)>& onPair = {});

} // namespace tcw::devices
