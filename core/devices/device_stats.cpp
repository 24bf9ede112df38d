#include "device_stats.h"

#include <algorithm>
#include <map>
#include <set>

namespace tcw::devices {

std::optional<Spread> spreadOf(std::vector<double> v) {
    if (v.empty())
        return std::nullopt;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    Spread s;
    s.count = n;
    s.min = v.front();
    s.max = v.back();
    s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    return s;
}

DeviceSummary summarize(const DeviceProfile& profile) {
    DeviceSummary s;
    s.device = profile.deviceName;
    s.rows = profile.rows.size();
    std::vector<double> latency, energy, peak;
    for (const auto& row : profile.rows) {
        latency.push_back(row.latencySecondsPerSequence.median);
        if (row.energyJoulesPerSequence.value)
            energy.push_back(*row.energyJoulesPerSequence.value);
        if (row.peakPowerW.value)
            peak.push_back(*row.peakPowerW.value);
    }
    s.latency = spreadOf(std::move(latency));
    s.energy = spreadOf(std::move(energy));
    s.peakPower = spreadOf(std::move(peak));
    return s;
}

std::vector<std::string> commonModels(const std::vector<DeviceProfile>& profiles) {
    std::map<std::string, std::size_t> count;
    for (const auto& p : profiles) {
        std::set<std::string> here;
        for (const auto& row : p.rows)
            if (!row.modelName.empty())
                here.insert(row.modelName);
        for (const auto& h : here)
            ++count[h];
    }
    std::vector<std::string> out;
    for (const auto& [hash, n] : count)
        if (n == profiles.size())
            out.push_back(hash);
    return out;
}

std::size_t distinctModels(const std::vector<DeviceProfile>& profiles) {
    std::set<std::string> all;
    for (const auto& p : profiles)
        for (const auto& row : p.rows)
            all.insert(row.modelName);
    return all.size();
}

} // namespace tcw::devices
