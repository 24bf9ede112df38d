// The measured cost model as a mixed search's device costs (mixed_costs.h).
#include "mixed_costs.h"

#include "io/tree.h"

#include <algorithm>
#include <map>
#include <memory>

namespace tcw::devices {

using io::detail::Json; // tcw_io's internal document tree, as device_search_store.cpp

std::vector<std::string> mixedDeviceProblems(const std::vector<std::string>& deviceIds,
                                             const std::vector<DeviceProfile>& profiles, int sequenceLength) {
    std::vector<std::string> problems;
    for (const std::string& id : deviceIds) {
        const auto p =
            std::find_if(profiles.begin(), profiles.end(), [&](const DeviceProfile& d) { return d.deviceName == id; });
        if (p == profiles.end()) {
            problems.push_back("device '" + id +
                               "': no profile of that id is loaded (neither a preset under data/devices/presets nor "
                               "a profile in the workspace's device tables; tcw devices list shows the presets)");
            continue;
        }
        if (p->settings.sequenceLength != sequenceLength)
            problems.push_back("device '" + id + "': its rows were measured at sequence length " +
                               std::to_string(p->settings.sequenceLength) + ", the search's task has " +
                               std::to_string(sequenceLength) +
                               "; a mixed search compares per-sequence figures at one length (set --seq " +
                               std::to_string(p->settings.sequenceLength) + " or leave the device out)");
        if (p->rows.empty())
            problems.push_back("device '" + id + "': its profile has no rows");
    }
    return problems;
}

search::DeviceCostFn mixedDeviceCosts(const std::vector<DeviceProfile>& profiles,
                                      const search::ObjectiveConfig& objectives, std::uint64_t seed) {
    auto models = std::make_shared<std::map<std::string, std::shared_ptr<const MeasuredCostModel>>>();
    for (const auto& p : profiles)
        if (!models->count(p.deviceName))
            (*models)[p.deviceName] = std::make_shared<const MeasuredCostModel>(p, seed);
    const auto uses = [&](search::Metric m) {
        return std::find(objectives.metrics.begin(), objectives.metrics.end(), m) != objectives.metrics.end() ||
               std::any_of(objectives.constraints.begin(), objectives.constraints.end(),
                           [m](const search::Constraint& c) { return c.metric == m; });
    };
    const bool needEnergy = uses(search::Metric::TotalEnergy);
    const bool needPeak = uses(search::Metric::PeakPower);
    return [models, needEnergy, needPeak](const TransformerSpec& model, const std::string& device) {
        search::PairMetrics m;
        const auto it = models->find(device);
        if (it == models->end()) {
            m.feasible = false;
            m.infeasibleReason = "device '" + device + "': no profile of that id is loaded";
            return m;
        }
        const MeasuredCostModel& cost = *it->second;
        const auto estimate = cost.estimate(model);
        if (!estimate) {
            m.feasible = false;
            m.infeasibleReason = "device '" + device + "' has no row and no latency surrogate for this model";
            return m;
        }
        m.latencySeconds = estimate->latencySeconds;
        if (estimate->energyJoules)
            m.dynamicEnergyNJ = *estimate->energyJoules * 1e9; // the whole device's: the total
        if (estimate->peakPowerWatts)
            m.peakPowerMW = *estimate->peakPowerWatts * 1e3;
        std::string missing;
        if (needEnergy && !estimate->energyJoules)
            missing = "energy";
        if (needPeak && !estimate->peakPowerWatts)
            missing += std::string(missing.empty() ? "" : " and ") + "peak power";
        if (!missing.empty()) {
            m.feasible = false;
            m.infeasibleReason = "device '" + device + "' reports no " + missing +
                                 " for this model (its profile has no power source for it), which the search's "
                                 "objectives need";
        }
        auto note = std::make_shared<search::MeasuredCostNote>();
        note->device = device;
        note->measured = estimate->measured;
        note->stddevFraction = estimate->measured ? 0.0 : estimate->stddevFraction();
        const auto& settings = cost.profile().settings;
        note->optionsJson = Json{
            {"device", device},
            {"batchSize", settings.batchSize},
            {"sequenceLength", settings.sequenceLength},
            {"unit",
             "per sequence"}}.dump();
        note->breakdownJson = Json{{"provenance", estimate->provenance},
                                   {"latencySigmaS", estimate->latencySigma},
                                   {"energySigmaJ", estimate->energySigma},
                                   {"peakPowerSigmaW", estimate->peakPowerSigma}}
                                  .dump();
        m.measuredCost = std::move(note);
        return m;
    };
}

} // namespace tcw::devices
