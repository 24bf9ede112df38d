// EdgeTran's measured data (jha-lab/edgetran co-design/dataset/dataset.json, shipped as
// data/devices/edgetran_devices782.json): 782 (model, device) rows over seven devices, turned
// into seven device profiles carrying ProTran's settings and caveats (docs/devices.md).
#pragma once

#include "device_rows.h"

#include <filesystem>
#include <string>
#include <vector>

namespace tcw::devices {

// The seven EdgeTran device ids, in EdgeTran's one-hot order.
const std::vector<std::string>& edgetranDeviceIds();

struct EdgetranImport {
    std::vector<DeviceProfile> profiles; // one per device present, in edgetranDeviceIds() order
    ValidationErrors errors;             // each names the row and the field
};
// `text`: the JSON {"source": …, "rows": [{"model_hash", "device", "model", "latency_s_per_seq",
// "energy_j_per_seq", "peak_power_w", "glue"}]}. `sourceName` goes into each profile's source.
EdgetranImport importEdgetran(const std::string& text, const std::string& sourceName);
EdgetranImport importEdgetranFile(const std::filesystem::path& path);

} // namespace tcw::devices
