// A device catalogue file (tcw select-device --catalogue; docs/formats.md): the targets to
// choose among, each with its costs, and optionally the compression settings to try with
// their measured accuracies (the catalogue's run list).
#pragma once

#include "profile/device_profile.h"
#include "search/device_selection.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace tcw::codesign {

struct CatalogueSetting {
    search::CompressionSetting setting;
    std::optional<double> accuracy; // given: not trained
};

struct DeviceCatalogue {
    std::vector<search::CatalogueEntry> entries;
    std::vector<CatalogueSetting> settings; // may be empty: the command line gives them
    // The profiles of the `device` entries (one per device id, deviceName = the entry's device).
    std::vector<profile::DeviceProfile> profiles;
    // The latency of the device entries: devices::measuredDeviceLatency over `profiles`.
    search::DeviceLatencyFn deviceLatency() const;
};

// Reads the catalogue; a target's "file" is relative to the catalogue's folder. Kinds: elector
// (an accelerator document), fpga (a target document, data/targets), device (a measured
// device: "device" the id of a preset under DATA/devices/presets, or "file" a device
// profile). Throws std::invalid_argument naming the file, the field and what is allowed, for
// the first error.
DeviceCatalogue readDeviceCatalogue(const std::filesystem::path& path, const std::filesystem::path& dataDir = {});

} // namespace tcw::codesign
