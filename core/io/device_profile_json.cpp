// JSON codec of device profiles (kind "deviceProfile"); see docs/formats.md#device-profiles.
#include "device_profile_json.h"

#include "format_trees.h"
#include "safe_file.h"
#include "tree.h"

#include <cmath>

namespace tcw::io {

namespace {

using detail::Json;
using detail::ObjectReader;
using namespace tcw::profile;

template <typename T> void assignIf(T& out, std::optional<T> v) {
    if (v)
        out = std::move(*v);
}

// ---------------------------------------------------------------- writing

Json finiteOrNull(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json measureJson(const Measure& m) {
    if (m.value)
        return finiteOrNull(*m.value);
    Json j = Json::object();
    j["unavailable"] = m.reason;
    if (!m.remedy.empty())
        j["remedy"] = m.remedy;
    return j;
}

Json numbers(const std::vector<double>& values) {
    Json j = Json::array();
    for (double v : values)
        j.push_back(finiteOrNull(v));
    return j;
}

Json loadJson(const std::optional<std::array<double, 3>>& load) {
    if (!load)
        return Json(nullptr);
    return Json::array({(*load)[0], (*load)[1], (*load)[2]});
}

Json machineJson(const MachineDescriptor& m) {
    Json j = Json::object();
    j["cpuModel"] = m.cpuModel;
    j["logicalCpus"] = m.logicalCpus;
    j["threadsUsed"] = m.threadsUsed;
    j["isaFlags"] = m.isaFlags;
    j["runtime"] = m.runtime;
    j["runtimeIsa"] = m.runtimeIsa;
    j["kernel"] = m.kernel;
    j["hypervisor"] = m.hypervisor;
    j["accelerator"] = m.accelerator;
    j["acceleratorDriver"] = m.acceleratorDriver;
    j["loadAverageBefore"] = loadJson(m.loadAverageBefore);
    j["loadAverageAfter"] = loadJson(m.loadAverageAfter);
    return j;
}

Json settingsJson(const ProfileSettings& s) {
    Json j = Json::object();
    j["batchSize"] = s.batchSize;
    j["sequenceLength"] = s.sequenceLength;
    j["runs"] = s.runs;
    j["warmupRuns"] = s.warmupRuns;
    j["threads"] = s.threads;
    j["powerSource"] = s.powerSource;
    j["powerSourceDetail"] = s.powerSourceDetail;
    j["samplePeriodMs"] = s.samplePeriodMs;
    j["idleSeconds"] = s.idleSeconds;
    j["peakWindowMs"] = s.peakWindowMs;
    j["protranCompat"] = s.protranCompat;
    j["precision"] = s.precision;
    j["weights"] = s.weights;
    return j;
}

Json rowJson(const ProfileRow& r) {
    Json j = Json::object();
    j["modelName"] = r.modelName;
    j["model"] = detail::transformerJson(r.model);
    const LatencyStats& l = r.latencySecondsPerSequence;
    j["latencySecondsPerSequence"] = {{"median", l.median}, {"p5", l.p5}, {"p95", l.p95},
                                      {"mean", l.mean},     {"cv", l.cv}, {"samples", l.samples}};
    j["batchLatencySeconds"] = numbers(r.batchLatencySeconds);
    j["energyJoulesPerSequence"] = measureJson(r.energyJoulesPerSequence);
    j["dynamicEnergyJoulesPerSequence"] = measureJson(r.dynamicEnergyJoulesPerSequence);
    j["averagePowerW"] = measureJson(r.averagePowerW);
    j["peakPowerW"] = measureJson(r.peakPowerW);
    j["provenance"] = r.provenance;
    if (r.trace.empty()) {
        j["trace"] = nullptr;
    } else {
        j["trace"] = {{"windowStartSeconds", r.trace.windowStartSeconds},
                      {"windowEndSeconds", r.trace.windowEndSeconds},
                      {"timeSeconds", numbers(r.trace.timeSeconds)},
                      {"powerW", numbers(r.trace.powerW)}};
    }
    if (r.glue)
        j["glue"] = *r.glue;
    return j;
}

// ---------------------------------------------------------------- reading

Measure readMeasure(const Json& v, const std::string& path, ValidationErrors& errors, bool nonNegative) {
    if (v.is_number()) {
        const double d = v.get<double>();
        if (!std::isfinite(d) || (nonNegative && d < 0))
            errors.push_back({path, "must be a finite number >= 0, got " + detail::describe(v)});
        return Measure::of(d);
    }
    if (v.is_object()) {
        ObjectReader r(v, path, errors, {"unavailable", "remedy"});
        Measure m = Measure::unavailable("", "");
        assignIf(m.reason, r.string("unavailable"));
        assignIf(m.remedy, r.string("remedy", ""));
        if (r.has("unavailable") && m.reason.empty())
            errors.push_back({r.path("unavailable"), "must say why the value is unavailable (a non-empty string)"});
        return m;
    }
    errors.push_back(
        {path, "must be a number or {\"unavailable\": reason, \"remedy\": …}, got " + detail::describe(v)});
    return Measure::unavailable("unreadable");
}

Measure measureMember(ObjectReader& r, std::string_view key, bool nonNegative = true) {
    const Json* v = r.required(key);
    return v ? readMeasure(*v, r.path(key), r.errors(), nonNegative) : Measure::unavailable("missing");
}

std::vector<double> numberListMember(ObjectReader& r, std::string_view key) {
    const Json* v = r.required(key);
    if (!v)
        return {};
    auto list = detail::readNumberList(*v, r.path(key), r.errors());
    return list ? *list : std::vector<double>{};
}

std::optional<std::array<double, 3>> readLoad(ObjectReader& r, std::string_view key) {
    const Json* v = r.find(key);
    if (!v || v->is_null())
        return std::nullopt;
    auto list = detail::readNumberList(*v, r.path(key), r.errors());
    if (!list)
        return std::nullopt;
    if (list->size() != 3) {
        r.errors().push_back(
            {r.path(key), "must hold 3 numbers (1, 5 and 15 minute load), got " + std::to_string(list->size())});
        return std::nullopt;
    }
    return std::array<double, 3>{(*list)[0], (*list)[1], (*list)[2]};
}

MachineDescriptor readMachine(const Json& node, const std::string& path, ValidationErrors& errors) {
    MachineDescriptor m;
    ObjectReader r(node, path, errors,
                   {"cpuModel", "logicalCpus", "threadsUsed", "isaFlags", "runtime", "runtimeIsa", "kernel",
                    "hypervisor", "accelerator", "acceleratorDriver", "loadAverageBefore", "loadAverageAfter"});
    if (!r.isObject())
        return m;
    assignIf(m.cpuModel, r.string("cpuModel", ""));
    assignIf(m.logicalCpus, r.integer("logicalCpus", 0));
    assignIf(m.threadsUsed, r.integer("threadsUsed", 0));
    if (const Json* flags = r.find("isaFlags")) {
        if (detail::expectArray(*flags, r.path("isaFlags"), errors))
            for (std::size_t i = 0; i < flags->size(); ++i)
                if (auto s = detail::readString((*flags)[i], detail::indexPath(r.path("isaFlags"), i), errors))
                    m.isaFlags.push_back(*s);
    }
    assignIf(m.runtime, r.string("runtime", ""));
    assignIf(m.runtimeIsa, r.string("runtimeIsa", ""));
    assignIf(m.kernel, r.string("kernel", ""));
    assignIf(m.hypervisor, r.boolean("hypervisor", false));
    assignIf(m.accelerator, r.string("accelerator", ""));
    assignIf(m.acceleratorDriver, r.string("acceleratorDriver", ""));
    m.loadAverageBefore = readLoad(r, "loadAverageBefore");
    m.loadAverageAfter = readLoad(r, "loadAverageAfter");
    return m;
}

const std::vector<std::string>& powerSourceNames() {
    static const std::vector<std::string> names{"rapl", "perf", "hwmon", "csv", "nvml", "other", "none"};
    return names;
}

ProfileSettings readSettings(const Json& node, const std::string& path, ValidationErrors& errors) {
    ProfileSettings s;
    ObjectReader r(node, path, errors,
                   {"batchSize", "sequenceLength", "runs", "warmupRuns", "threads", "powerSource", "powerSourceDetail",
                    "samplePeriodMs", "idleSeconds", "peakWindowMs", "protranCompat", "precision", "weights"});
    if (!r.isObject())
        return s;
    auto positive = [&](std::string_view key, int& out, int minimum) {
        if (auto v = r.integer(key)) {
            out = *v;
            if (*v < minimum)
                errors.push_back(
                    {r.path(key), "must be an integer >= " + std::to_string(minimum) + ", got " + std::to_string(*v)});
        }
    };
    positive("batchSize", s.batchSize, 1);
    positive("sequenceLength", s.sequenceLength, 1);
    positive("runs", s.runs, 1);
    positive("warmupRuns", s.warmupRuns, 0);
    positive("threads", s.threads, 0);
    if (auto c = r.choice("powerSource", powerSourceNames()))
        s.powerSource = powerSourceNames()[*c];
    assignIf(s.powerSourceDetail, r.string("powerSourceDetail", ""));
    auto nonNegative = [&](std::string_view key, double& out) {
        if (auto v = r.number(key)) {
            out = *v;
            if (!(*v >= 0) || !std::isfinite(*v))
                errors.push_back({r.path(key), "must be a finite number >= 0"});
        }
    };
    nonNegative("samplePeriodMs", s.samplePeriodMs);
    nonNegative("idleSeconds", s.idleSeconds);
    nonNegative("peakWindowMs", s.peakWindowMs);
    assignIf(s.protranCompat, r.boolean("protranCompat", false));
    assignIf(s.precision, r.string("precision", "f32"));
    assignIf(s.weights, r.string("weights", "random"));
    return s;
}

LatencyStats readLatency(const Json& node, const std::string& path, ValidationErrors& errors) {
    LatencyStats l;
    ObjectReader r(node, path, errors, {"median", "p5", "p95", "mean", "cv", "samples"});
    if (!r.isObject())
        return l;
    const std::size_t before = errors.size();
    assignIf(l.median, r.number("median"));
    assignIf(l.p5, r.number("p5"));
    assignIf(l.p95, r.number("p95"));
    assignIf(l.mean, r.number("mean"));
    assignIf(l.cv, r.number("cv"));
    assignIf(l.samples, r.integer("samples"));
    if (errors.size() != before)
        return l;
    for (auto [key, v] : {std::pair{"median", l.median}, {"p5", l.p5}, {"p95", l.p95}, {"mean", l.mean}})
        if (!(v > 0) || !std::isfinite(v))
            errors.push_back({r.path(key), "must be a positive number of seconds"});
    if (!(l.cv >= 0) || !std::isfinite(l.cv))
        errors.push_back({r.path("cv"), "must be a finite number >= 0"});
    if (l.samples < 1)
        errors.push_back({r.path("samples"), "must be at least 1"});
    if (!(l.p5 <= l.median && l.median <= l.p95))
        errors.push_back({path, "must satisfy p5 <= median <= p95"});
    return l;
}

PowerTrace readTrace(const Json& node, const std::string& path, ValidationErrors& errors) {
    PowerTrace t;
    if (node.is_null())
        return t;
    ObjectReader r(node, path, errors, {"windowStartSeconds", "windowEndSeconds", "timeSeconds", "powerW"});
    if (!r.isObject())
        return t;
    assignIf(t.windowStartSeconds, r.number("windowStartSeconds"));
    assignIf(t.windowEndSeconds, r.number("windowEndSeconds"));
    t.timeSeconds = numberListMember(r, "timeSeconds");
    t.powerW = numberListMember(r, "powerW");
    if (t.timeSeconds.size() != t.powerW.size())
        errors.push_back({r.path("powerW"), "must hold one value per entry of timeSeconds (" +
                                                std::to_string(t.timeSeconds.size()) + "), got " +
                                                std::to_string(t.powerW.size())});
    for (std::size_t i = 1; i < t.timeSeconds.size(); ++i)
        if (!(t.timeSeconds[i] >= t.timeSeconds[i - 1])) {
            errors.push_back({detail::indexPath(r.path("timeSeconds"), i), "times must not decrease"});
            break;
        }
    if (t.windowEndSeconds < t.windowStartSeconds)
        errors.push_back({r.path("windowEndSeconds"), "must not be before windowStartSeconds"});
    return t;
}

ProfileRow readRow(const Json& node, const std::string& path, ValidationErrors& errors) {
    ProfileRow row;
    ObjectReader r(node, path, errors,
                   {"modelName", "model", "latencySecondsPerSequence", "batchLatencySeconds", "energyJoulesPerSequence",
                    "dynamicEnergyJoulesPerSequence", "averagePowerW", "peakPowerW", "provenance", "trace", "glue"});
    if (!r.isObject())
        return row;
    assignIf(row.modelName, r.string("modelName"));
    if (const Json* model = r.required("model")) {
        ValidationErrors inner;
        row.model = detail::readTransformerJson(*model, inner);
        for (ValidationError& e : inner)
            errors.push_back(
                {e.path.empty() ? r.path("model") : detail::fieldPath(r.path("model"), e.path), e.message});
    }
    if (const Json* l = r.required("latencySecondsPerSequence"))
        row.latencySecondsPerSequence = readLatency(*l, r.path("latencySecondsPerSequence"), errors);
    row.batchLatencySeconds = numberListMember(r, "batchLatencySeconds");
    row.energyJoulesPerSequence = measureMember(r, "energyJoulesPerSequence");
    // Dynamic energy may come out below zero when the idle reading was high: kept as measured.
    row.dynamicEnergyJoulesPerSequence = measureMember(r, "dynamicEnergyJoulesPerSequence", false);
    row.averagePowerW = measureMember(r, "averagePowerW");
    row.peakPowerW = measureMember(r, "peakPowerW");
    if (auto c = r.choice("provenance", {"measured"}, 0))
        row.provenance = "measured";
    if (const Json* t = r.find("trace"))
        row.trace = readTrace(*t, r.path("trace"), errors);
    if (r.has("glue")) {
        row.glue = r.number("glue");
        if (row.glue && !(*row.glue >= 0 && *row.glue <= 1))
            errors.push_back({r.path("glue"), "must be a GLUE score in [0, 1], got " + detail::numberText(*row.glue)});
    }
    return row;
}

} // namespace

std::string deviceProfileJson(const DeviceProfile& p) {
    Json j = Json::object();
    j["schemaVersion"] = kSchemaVersion;
    j["kind"] = "deviceProfile";
    j["device"] = {
        {"name", p.deviceName}, {"class", std::string(deviceClassName(p.deviceClass))}, {"description", p.description}};
    j["machine"] = machineJson(p.machine);
    j["settings"] = settingsJson(p.settings);
    j["idlePowerW"] = measureJson(p.idlePowerW);
    j["command"] = p.command;
    j["measuredAt"] = p.measuredAt;
    j["caveats"] = p.caveats;
    Json rows = Json::array();
    for (const ProfileRow& row : p.rows)
        rows.push_back(rowJson(row));
    j["rows"] = std::move(rows);
    return j.dump(1) + "\n";
}

Loaded<DeviceProfile> parseDeviceProfile(std::string_view text, const std::string& file) {
    Loaded<DeviceProfile> result;
    result.errors.file = file;
    auto parsed = detail::parseJsonText(text);
    if (!parsed.tree) {
        result.errors.errors = std::move(parsed.errors);
        return result;
    }
    const Json& root = *parsed.tree;
    ValidationErrors& errors = result.errors.errors;
    ObjectReader r(root, "", errors,
                   {"schemaVersion", "kind", "device", "machine", "settings", "idlePowerW", "command", "measuredAt",
                    "caveats", "rows"});
    if (!r.isObject())
        return result;
    if (auto kind = r.string("kind"); kind && *kind != "deviceProfile") {
        errors.push_back({"kind", "must be \"deviceProfile\", got '" + shortened(*kind) + "'"});
        return result;
    }
    if (auto version = r.integer("schemaVersion"); version && (*version < 1 || *version > kSchemaVersion))
        errors.push_back({"schemaVersion", "must be 1.." + std::to_string(kSchemaVersion) +
                                               " (a newer workbench wrote this file?), got " +
                                               std::to_string(*version)});
    DeviceProfile p;
    if (const Json* device = r.required("device")) {
        ObjectReader d(*device, "device", errors, {"name", "class", "description"});
        if (d.isObject()) {
            assignIf(p.deviceName, d.string("name"));
            if (p.deviceName.empty() && d.has("name"))
                errors.push_back({"device.name", "must not be empty"});
            static const std::vector<std::string> classes{"cpu", "gpu", "npu", "other"};
            if (auto c = d.choice("class", classes))
                p.deviceClass = *deviceClassFromName(classes[*c]);
            assignIf(p.description, d.string("description", ""));
        }
    }
    if (const Json* m = r.required("machine"))
        p.machine = readMachine(*m, "machine", errors);
    if (const Json* s = r.required("settings"))
        p.settings = readSettings(*s, "settings", errors);
    if (const Json* idle = r.required("idlePowerW"))
        p.idlePowerW = readMeasure(*idle, "idlePowerW", errors, true);
    assignIf(p.command, r.string("command", ""));
    assignIf(p.measuredAt, r.string("measuredAt", ""));
    if (const Json* c = r.find("caveats"); c && detail::expectArray(*c, "caveats", errors))
        for (std::size_t i = 0; i < c->size(); ++i)
            if (auto v = detail::readString((*c)[i], detail::indexPath("caveats", i), errors))
                p.caveats.push_back(*v);
    if (const Json* rows = r.required("rows"); rows && detail::expectArray(*rows, "rows", errors))
        for (std::size_t i = 0; i < rows->size(); ++i)
            p.rows.push_back(readRow((*rows)[i], detail::indexPath("rows", i), errors));
    if (errors.empty())
        result.value = std::move(p);
    return result;
}

Loaded<DeviceProfile> loadDeviceProfile(const std::filesystem::path& path) {
    const ReadResult read = readFileBounded(path, kMaxDocumentBytes, "a device profile");
    if (!read.ok()) {
        Loaded<DeviceProfile> result;
        result.errors.file = path.string();
        result.errors.errors.push_back({"", read.error});
        return result;
    }
    return parseDeviceProfile(read.bytes, path.string());
}

} // namespace tcw::io
