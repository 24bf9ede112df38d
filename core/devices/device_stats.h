// Summaries of device profiles: per device min / median / max of each measure (the median of
// an even count is the mean of the two middle values), and the models common to several
// profiles.
#pragma once

#include "device_rows.h"

#include <optional>
#include <string>
#include <vector>

namespace tcw::devices {

struct Spread {
    double min = 0, median = 0, max = 0;
    std::size_t count = 0; // rows that have the measure
};
std::optional<Spread> spreadOf(std::vector<double> values); // nothing for an empty list

struct DeviceSummary {
    std::string device;
    std::size_t rows = 0;
    std::optional<Spread> latency, energy, peakPower; // absent when no row has the measure
};
DeviceSummary summarize(const DeviceProfile& profile);

// Model hashes measured on every one of `profiles`, sorted.
std::vector<std::string> commonModels(const std::vector<DeviceProfile>& profiles);
// Distinct model hashes over all profiles.
std::size_t distinctModels(const std::vector<DeviceProfile>& profiles);

} // namespace tcw::devices
