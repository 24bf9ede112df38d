// The run folders of device selection's trained settings (tcw select-device --runs DIR): one
// folder per setting, DIR/PATTERN-sS-bB/, holding that setting's training run; its
// metrics.json's testAccuracy is the setting's accuracy. The CLI trains into them; the GUI's
// Selection view reads them (accuracies and the accuracy–sparsity curves).
#pragma once

#include "search/device_selection.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tcw::codesign {

// "hierarchical-s0.9-b16" (':' and '/' become '_').
std::string settingRunFolder(const search::CompressionSetting& setting);

// The setting's accuracy read from DIR/FOLDER/metrics.json; nothing when the file is absent.
// Throws std::invalid_argument naming the file when it is there without a numeric testAccuracy.
std::optional<double> cachedSettingAccuracy(const std::filesystem::path& runsDirectory,
                                            const search::CompressionSetting& setting);

// Every finished setting run under DIR (folders named as settingRunFolder names them, with a
// metrics.json), sorted by pattern, then sparsity, then bits. Folders of other names are
// skipped; a malformed metrics.json throws as above.
struct SettingRun {
    search::CompressionSetting setting;
    double accuracy = 0;
    std::string model; // metrics.json's "model" (empty when absent): the folder belongs to one model
};
std::vector<SettingRun> settingRuns(const std::filesystem::path& runsDirectory);

} // namespace tcw::codesign
