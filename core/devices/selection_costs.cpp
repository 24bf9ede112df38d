// Device selection's costs of measured devices (selection_costs.h).
#include "selection_costs.h"

#include <cstdio>
#include <map>
#include <memory>

namespace tcw::devices {

double scaledDeviceLatency(const DeviceEstimate& estimate, const TransformerSpec& model, int profileSequenceLength,
                           int sequenceLength, int batch) {
    double perSequence = estimate.latencySeconds;
    if (sequenceLength != profileSequenceLength)
        perSequence *= modelFeatures(model, sequenceLength).flops / modelFeatures(model, profileSequenceLength).flops;
    return perSequence * batch;
}

search::DeviceLatencyFn measuredDeviceLatency(const std::vector<DeviceProfile>& profiles, std::uint64_t seed) {
    auto models = std::make_shared<std::map<std::string, std::shared_ptr<const MeasuredCostModel>>>();
    for (const auto& p : profiles)
        if (!models->count(p.deviceName))
            (*models)[p.deviceName] = std::make_shared<const MeasuredCostModel>(p, seed);
    return [models](const DeviceTarget& device, const TransformerSpec& model, const TaskShape& task,
                    int batch) -> search::DeviceLatency {
        search::DeviceLatency out;
        const auto it = models->find(device.device);
        if (it == models->end()) {
            out.error = "device '" + device.device + "' has no profile loaded";
            return out;
        }
        const MeasuredCostModel& cost = *it->second;
        const auto estimate = cost.estimate(model);
        if (!estimate) {
            out.error = "device '" + device.device + "' has no row and no latency surrogate for " + model.name;
            return out;
        }
        const int profileLength = cost.profile().settings.sequenceLength;
        out.latencySeconds = scaledDeviceLatency(*estimate, model, profileLength, task.sequenceLength, batch);
        out.provenance = estimate->provenance;
        if (task.sequenceLength != profileLength) {
            char text[160];
            std::snprintf(text, sizeof text, "; scaled by forward FLOPs from %d to %d tokens (our modelling)",
                          profileLength, task.sequenceLength);
            out.provenance += text;
        }
        return out;
    };
}

} // namespace tcw::devices
