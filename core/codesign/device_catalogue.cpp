// Device catalogue files (device_catalogue.h).
#include "device_catalogue.h"

#include "json_fields.h"

#include "devices/device_library.h"
#include "devices/selection_costs.h"
#include "io/files.h"
#include "io/target_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace tcw::codesign {

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

const std::set<std::string> kCostKeys = {"price", "tdp", "peak-power", "area"};

using Reader = JsonFields;

Target loadTarget(const Reader& r, const std::string& kind, const fs::path& file, const std::string& field) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        r.fail(field, "'" + file.string() + "' is not a readable file");
    if (kind == "elector") {
        auto loaded = io::resolveAccelerator(file.string(), {});
        if (!loaded)
            r.fail(field, "'" + file.string() + "' is not an accelerator: " + loaded.errors.toString());
        return Target(loaded->spec);
    }
    const io::ReadResult text = io::readFileBounded(file, io::kMaxDocumentBytes, "a target file");
    if (!text.ok())
        r.fail(field, text.error);
    auto parsed = io::parseTargetJson(text.bytes);
    if (!parsed.target) {
        std::string why;
        for (const auto& e : parsed.errors)
            why += (why.empty() ? "" : "; ") + e.toString();
        r.fail(field, "'" + file.string() + "': " + why);
    }
    if (parsed.target->kind() != TargetKind::Fpga)
        r.fail(field, "'" + file.string() + "' holds a " + std::string(targetKindName(parsed.target->kind())) +
                          " target, the entry says fpga");
    return *parsed.target;
}

// A `device` entry: its profile from "device" (a preset id) or "file" (a profile file).
Target loadDevice(const Reader& r, const Json& t, const std::string& at, const std::string& name,
                  const fs::path& folder, const fs::path& dataDir, DeviceCatalogue& c) {
    const bool byId = t.contains("device"), byFile = t.contains("file");
    if (byId == byFile)
        r.fail(at + "device", "a device entry names its profile by exactly one of \"device\" (a preset id) and "
                              "\"file\" (a device profile)");
    devices::LoadedProfile loaded;
    std::string field;
    if (byId) {
        field = at + "device";
        const std::string id = r.nonEmptyText(t, "device", at);
        if (!isDeviceId(id) || !fs::is_regular_file(devices::devicePresetDir(dataDir) / (id + ".json")))
            r.fail(
                field, "'" + id + "' is not a device preset; the presets are " + [&] {
                    std::string all;
                    for (const auto& p : devices::presetDeviceIds(dataDir))
                        all += (all.empty() ? "" : ", ") + p;
                    return all.empty() ? "(none under " + devices::devicePresetDir(dataDir).string() + ")" : all;
                }());
        loaded = devices::resolveDeviceProfile(id, dataDir);
    } else {
        field = at + "file";
        const fs::path file = folder / r.nonEmptyText(t, "file", at);
        std::error_code ec;
        if (!fs::is_regular_file(file, ec))
            r.fail(field, "'" + file.string() + "' is not a readable file");
        loaded = devices::resolveDeviceProfile(file.string(), dataDir);
    }
    if (!loaded)
        r.fail(field, loaded.errors.toString());
    DeviceTarget d;
    d.name = name;
    d.device = loaded->deviceName;
    const bool known = std::any_of(c.profiles.begin(), c.profiles.end(),
                                   [&](const profile::DeviceProfile& p) { return p.deviceName == d.device; });
    if (!known)
        c.profiles.push_back(*loaded);
    return Target(d);
}

} // namespace

search::DeviceLatencyFn DeviceCatalogue::deviceLatency() const {
    return devices::measuredDeviceLatency(profiles);
}

DeviceCatalogue readDeviceCatalogue(const fs::path& path, const fs::path& dataDir) {
    const Reader r(path.string());
    const Json j = r.parseFile(path, "a device catalogue");
    if (r.nonEmptyText(j, "kind", "") != "deviceCatalogue")
        r.fail("kind", "must be \"deviceCatalogue\"");
    const Json& version = r.at(j, "schemaVersion", "");
    if (!version.is_number_integer() || version.get<int>() != 1)
        r.fail("schemaVersion", "must be 1");
    DeviceCatalogue c;
    const Json& targets = r.at(j, "targets", "");
    if (!targets.is_array() || targets.empty())
        r.fail("targets", "must be a non-empty array");
    std::set<std::string> names;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const std::string at = "targets[" + std::to_string(i) + "].";
        const Json& t = targets[i];
        search::CatalogueEntry e;
        e.name = r.nonEmptyText(t, "name", at);
        if (!names.insert(e.name).second)
            r.fail(at + "name", "'" + e.name + "' is used by an earlier target");
        const std::string kind = r.nonEmptyText(t, "kind", at);
        if (kind != "elector" && kind != "fpga" && kind != "device")
            r.fail(at + "kind", "'" + kind + "' is not a target kind; allowed: elector, fpga, device");
        if (kind == "device")
            e.target = loadDevice(r, t, at, e.name, path.parent_path(), dataDir, c);
        else
            e.target = loadTarget(r, kind, path.parent_path() / r.nonEmptyText(t, "file", at), at + "file");
        const Json& cost = r.at(t, "cost", at);
        if (!cost.is_object() || cost.empty())
            r.fail(at + "cost", "must be an object of price, tdp, peak-power, area");
        for (const auto& [key, value] : cost.items()) {
            if (!kCostKeys.count(key))
                r.fail(at + "cost." + key, "is not a cost; allowed: price, tdp, peak-power, area");
            e.cost[key] = r.number(value, at + "cost." + key, 0, 1e15);
        }
        c.entries.push_back(std::move(e));
    }
    if (j.contains("settings")) {
        const Json& settings = j.at("settings");
        if (!settings.is_array())
            r.fail("settings", "must be an array");
        for (std::size_t i = 0; i < settings.size(); ++i) {
            const std::string at = "settings[" + std::to_string(i) + "].";
            const Json& s = settings[i];
            CatalogueSetting cs;
            cs.setting.pattern = r.nonEmptyText(s, "pattern", at);
            if (s.contains("sparsity"))
                cs.setting.sparsity = r.number(s.at("sparsity"), at + "sparsity", 0, 0.999999);
            if (s.contains("weightBits"))
                cs.setting.weightBits = int(r.number(s.at("weightBits"), at + "weightBits", 1, 32));
            if (s.contains("accuracy"))
                cs.accuracy = r.number(s.at("accuracy"), at + "accuracy", 0, 1);
            c.settings.push_back(cs);
        }
    }
    return c;
}

} // namespace tcw::codesign
