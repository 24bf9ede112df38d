// Issue 14, "mixed with accelerator spaces": the `measured` cost model (MeasuredCostModel) as
// the device costs of a co-design search over a union of target kinds
// (search::DeviceCostFn, core/search/pair_evaluator.h). docs/search.md, "Measured devices in
// the union", states the rules implemented here:
//
//  - Units. A device row's latency and energy are per sequence (the profile's rows, at the
//    profile's batch and sequence length); a device design's latency is that in seconds, its
//    energy that in nJ (the whole device's, stored as the total), its peak power in mW — the
//    units of a bat design, costed for one sequence. The rows hold no other sequence length,
//    so a search whose task has another length than a profile's is refused (no scaling is
//    assumed); the batch a device measured at is recorded with each evaluation.
//  - Absent measures. A device design whose row or surrogate lacks energy or peak power while
//    the search needs it is infeasible with that reason (stored, never on the front).
#pragma once

#include "device_surrogate.h"

#include "search/objectives.h"
#include "search/pair_evaluator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcw::devices {

// Problems with these profiles for a search whose task has this sequence length (a profile
// measured at another length; a device id listed but not loaded), each naming the device.
std::vector<std::string> mixedDeviceProblems(const std::vector<std::string>& deviceIds,
                                             const std::vector<DeviceProfile>& profiles, int sequenceLength);

// The device costs of a search with these objectives (and constraints): each profile's
// surrogates are fit once, seeded, so the function is deterministic and thread-safe. A device
// id without a profile gives an infeasible design naming it.
search::DeviceCostFn mixedDeviceCosts(const std::vector<DeviceProfile>& profiles,
                                      const search::ObjectiveConfig& objectives, std::uint64_t seed = 14);

} // namespace tcw::devices
