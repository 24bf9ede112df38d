// Device profiles: the JSON codec (docs/formats.md, "Device profile") on tcw_io's document
// tree and strict field readers, and the look-up of a model's row.
#include "device_profile.h"

#include "io/format_trees.h"
#include "io/safe_file.h"

#include <algorithm>

namespace tcw::profile {

using io::detail::Json;

namespace {

constexpr int kSchemaVersion = 1;
constexpr const char* kKind = "deviceProfile";

TransformerSpec canonical(TransformerSpec model) {
    model.name.clear();
    model.canonicalize();
    return model;
}

Json modelDictJson(const TransformerSpec& spec) {
    Json j = Json::object();
    j["l"] = spec.layerCount();
    Json o = Json::array(), h = Json::array(), f = Json::array();
    for (const auto& layer : spec.layers) {
        Json heads = Json::array();
        for (const auto& head : layer.heads)
            heads.push_back(headString(head));
        o.push_back(std::move(heads));
        h.push_back(layer.hiddenSize);
        Json ff = Json::array();
        for (int size : layer.feedForwardSizes)
            ff.push_back(size);
        f.push_back(std::move(ff));
    }
    j["o"] = std::move(o);
    j["h"] = std::move(h);
    j["f"] = std::move(f);
    return j;
}

void optionalNumber(Json& j, const char* key, const std::optional<double>& value) {
    if (value)
        j[key] = io::detail::numberJson(*value);
}

// A quantity that must be a finite number > 0 (or absent when optional).
std::optional<double> positive(io::detail::ObjectReader& r, std::string_view key, bool required) {
    if (!required && !r.has(key))
        return std::nullopt;
    auto v = r.number(key);
    if (v && !(*v > 0 && *v < 1e300)) {
        r.errors().push_back({r.path(key), "must be a number > 0, got " + io::detail::numberText(*v)});
        return std::nullopt;
    }
    return v;
}

} // namespace

bool sameStructure(const TransformerSpec& a, const TransformerSpec& b) {
    return canonical(a).layers == canonical(b).layers;
}

const DeviceRow* DeviceProfile::find(const TransformerSpec& model, const std::string& modelHash) const {
    if (!modelHash.empty())
        for (const auto& row : rows)
            if (row.modelHash == modelHash)
                return &row;
    const auto key = canonical(model).layers;
    for (const auto& row : rows)
        if (canonical(row.model).layers == key)
            return &row;
    return nullptr;
}

std::string deviceProfileJson(const DeviceProfile& p) {
    Json j = Json::object();
    j["schemaVersion"] = kSchemaVersion;
    j["kind"] = kKind;
    j["device"] = p.device;
    j["description"] = p.description;
    Json descriptor = Json::object();
    for (const auto& [key, value] : p.descriptor)
        descriptor[key] = value;
    j["descriptor"] = std::move(descriptor);
    Json s = Json::object();
    s["batch"] = p.settings.batch;
    s["runs"] = p.settings.runs;
    s["sequenceLength"] = p.settings.sequenceLength;
    s["powerSource"] = p.settings.powerSource;
    s["latencyDefinition"] = p.settings.latencyDefinition;
    s["energyDefinition"] = p.settings.energyDefinition;
    j["settings"] = std::move(s);
    j["caveats"] = p.caveats;
    j["source"] = p.source;
    Json rows = Json::array();
    for (const auto& row : p.rows) {
        Json r = Json::object();
        if (!row.modelHash.empty())
            r["modelHash"] = row.modelHash;
        r["model"] = modelDictJson(row.model);
        r["latencySeconds"] = io::detail::numberJson(row.latencySeconds);
        optionalNumber(r, "energyJoules", row.energyJoules);
        optionalNumber(r, "peakPowerWatts", row.peakPowerWatts);
        optionalNumber(r, "glue", row.glue);
        r["provenance"] = row.provenance;
        rows.push_back(std::move(r));
    }
    j["rows"] = std::move(rows);
    return io::detail::prettyJson(j);
}

LoadedProfile parseDeviceProfile(const std::string& text) {
    using namespace io::detail;
    LoadedProfile out;
    auto parsed = parseJsonText(text);
    if (!parsed.tree) {
        out.errors = std::move(parsed.errors);
        return out;
    }
    ValidationErrors& errors = out.errors;
    DeviceProfile p;
    ObjectReader r(
        *parsed.tree, "", errors,
        {"schemaVersion", "kind", "device", "description", "descriptor", "settings", "caveats", "source", "rows"});
    if (!r.isObject())
        return out;
    if (auto v = r.integer("schemaVersion"); v && *v != kSchemaVersion)
        errors.push_back(
            {"schemaVersion", "must be " + std::to_string(kSchemaVersion) + ", got " + std::to_string(*v)});
    if (auto k = r.string("kind"); k && *k != kKind)
        errors.push_back({"kind", "must be \"deviceProfile\", got \"" + io::shortened(*k) + "\""});
    if (auto d = r.string("device")) {
        const bool ok = !d->empty() && std::all_of(d->begin(), d->end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        });
        if (!ok)
            errors.push_back({"device", "must be a non-empty id of letters, digits, '_', '-' and '.', got \"" +
                                            io::shortened(*d) + "\""});
        p.device = *d;
    }
    if (auto d = r.string("description", ""))
        p.description = *d;
    if (auto s = r.string("source", ""))
        p.source = *s;
    if (const Json* d = r.find("descriptor")) {
        if (!d->is_object())
            errors.push_back({"descriptor", "must be an object of text values, got " + describe(*d)});
        else
            for (auto it = d->begin(); it != d->end(); ++it)
                if (auto v = readString(it.value(), fieldPath("descriptor", it.key()), errors))
                    p.descriptor[it.key()] = *v;
    }
    if (const Json* s = r.required("settings")) {
        ObjectReader sr(*s, "settings", errors,
                        {"batch", "runs", "sequenceLength", "powerSource", "latencyDefinition", "energyDefinition"});
        const auto atLeastOne = [&](std::string_view key, int& into) {
            if (auto v = sr.integer(key)) {
                if (*v < 1)
                    errors.push_back({sr.path(key), "must be a whole number ≥ 1, got " + std::to_string(*v)});
                into = *v;
            }
        };
        atLeastOne("batch", p.settings.batch);
        atLeastOne("runs", p.settings.runs);
        atLeastOne("sequenceLength", p.settings.sequenceLength);
        if (auto v = sr.string("powerSource"))
            p.settings.powerSource = *v;
        if (auto v = sr.string("latencyDefinition", ""))
            p.settings.latencyDefinition = *v;
        if (auto v = sr.string("energyDefinition", ""))
            p.settings.energyDefinition = *v;
    }
    if (const Json* c = r.find("caveats"); c && expectArray(*c, "caveats", errors))
        for (std::size_t i = 0; i < c->size(); ++i)
            if (auto v = readString((*c)[i], indexPath("caveats", i), errors))
                p.caveats.push_back(*v);
    if (const Json* rows = r.required("rows"); rows && expectArray(*rows, "rows", errors)) {
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const std::string path = indexPath("rows", i);
            ObjectReader rr(
                (*rows)[i], path, errors,
                {"modelHash", "model", "latencySeconds", "energyJoules", "peakPowerWatts", "glue", "provenance"});
            if (!rr.isObject())
                continue;
            DeviceRow row;
            if (auto h = rr.string("modelHash", ""))
                row.modelHash = *h;
            if (const Json* m = rr.required("model")) {
                ValidationErrors modelErrors;
                row.model = readModelDict(*m, row.modelHash, modelErrors);
                for (auto& e : modelErrors)
                    errors.push_back({fieldPath(fieldPath(path, "model"), e.path), e.message});
            }
            if (auto v = positive(rr, "latencySeconds", true))
                row.latencySeconds = *v;
            row.energyJoules = positive(rr, "energyJoules", false);
            row.peakPowerWatts = positive(rr, "peakPowerWatts", false);
            if (rr.has("glue")) {
                row.glue = rr.number("glue");
                if (row.glue && !(*row.glue >= 0 && *row.glue <= 1))
                    errors.push_back({rr.path("glue"), "must be a score in [0, 1], got " + numberText(*row.glue)});
            }
            if (auto v = rr.string("provenance"))
                row.provenance = *v;
            p.rows.push_back(std::move(row));
        }
    }
    if (errors.empty())
        out.profile = std::move(p);
    return out;
}

LoadedProfile loadDeviceProfile(const std::filesystem::path& path) {
    LoadedProfile out;
    auto read = io::readFileBounded(path, io::kMaxDocumentBytes, "a device profile");
    if (!read.ok()) {
        out.errors.push_back({path.string(), read.error});
        return out;
    }
    out = parseDeviceProfile(read.bytes);
    for (auto& e : out.errors)
        e.path = path.string() + (e.path.empty() ? "" : ": " + e.path);
    return out;
}

} // namespace tcw::profile
