// Device catalogue files (device_catalogue.h).
#include "device_catalogue.h"

#include "json_fields.h"

#include "io/files.h"
#include "io/target_json.h"

#include <nlohmann/json.hpp>

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

} // namespace

DeviceCatalogue readDeviceCatalogue(const fs::path& path) {
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
        if (kind == "device")
            r.fail(at + "kind", "measured device profiles (kind device, by id) are not in this build; allowed: "
                                "elector, fpga");
        if (kind != "elector" && kind != "fpga")
            r.fail(at + "kind", "'" + kind + "' is not a target kind; allowed: elector, fpga");
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
