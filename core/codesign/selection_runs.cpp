// Device selection's run folders (selection_runs.h).
#include "selection_runs.h"

#include "io/safe_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace tcw::codesign {

namespace fs = std::filesystem;

std::string settingRunFolder(const search::CompressionSetting& s) {
    std::ostringstream out;
    out << s.pattern << "-s" << s.sparsity << "-b" << s.weightBits;
    std::string name = out.str();
    for (auto& ch : name)
        if (ch == ':' || ch == '/')
            ch = '_';
    return name;
}

namespace {

std::optional<double> readAccuracy(const fs::path& metrics, std::string* model = nullptr) {
    std::error_code ec;
    if (!fs::is_regular_file(metrics, ec))
        return std::nullopt;
    const io::ReadResult text = io::readFileBounded(metrics, io::kMaxDocumentBytes, "a run's metrics");
    if (!text.ok())
        throw std::invalid_argument(text.error);
    const auto m = nlohmann::json::parse(text.bytes, nullptr, false);
    if (!m.is_object() || !m.contains("testAccuracy") || !m["testAccuracy"].is_number())
        throw std::invalid_argument(metrics.string() + ": testAccuracy: missing or not a number");
    if (model && m.contains("model") && m["model"].is_string())
        *model = m["model"].get<std::string>();
    return m["testAccuracy"].get<double>();
}

} // namespace

std::optional<double> cachedSettingAccuracy(const fs::path& runsDirectory, const search::CompressionSetting& s) {
    return readAccuracy(runsDirectory / settingRunFolder(s) / "metrics.json");
}

std::vector<SettingRun> settingRuns(const fs::path& runsDirectory) {
    static const std::regex name(R"(^(.+)-s([0-9.eE+-]+)-b([0-9]+)$)");
    std::vector<SettingRun> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(runsDirectory, ec)) {
        std::smatch m;
        const std::string folder = entry.path().filename().string();
        if (!entry.is_directory(ec) || !std::regex_match(folder, m, name))
            continue;
        SettingRun run;
        run.setting.pattern = m[1].str();
        static const std::regex nm(R"(^([0-9]+)_([0-9]+)$)");
        if (std::smatch p; std::regex_match(run.setting.pattern, p, nm))
            run.setting.pattern = p[1].str() + ":" + p[2].str();
        try {
            run.setting.sparsity = std::stod(m[2].str());
            run.setting.weightBits = std::stoi(m[3].str());
        } catch (const std::exception&) {
            continue; // not a setting folder
        }
        if (settingRunFolder(run.setting) != folder)
            continue; // a name this scheme would not write
        const auto accuracy = readAccuracy(entry.path() / "metrics.json", &run.model);
        if (!accuracy)
            continue; // unfinished
        run.accuracy = *accuracy;
        out.push_back(run);
    }
    std::sort(out.begin(), out.end(), [](const SettingRun& a, const SettingRun& b) {
        if (a.setting.pattern != b.setting.pattern)
            return a.setting.pattern < b.setting.pattern;
        if (a.setting.sparsity != b.setting.sparsity)
            return a.setting.sparsity < b.setting.sparsity;
        return a.setting.weightBits < b.setting.weightBits;
    });
    return out;
}

} // namespace tcw::codesign
