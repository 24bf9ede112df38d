// The EdgeTran import: rows grouped by device, each device's profile filled with what ProTran
// measured it with (docs/devices.md: batch, runs, power path, definitions).
#include "edgetran_import.h"

#include "io/format_trees.h"
#include "io/safe_file.h"

#include <algorithm>
#include <set>

namespace tcw::devices {

using io::detail::Json;

namespace {

struct KnownDevice {
    const char* id;
    const char* description;
    int batch;
    int runs;
    const char* powerSource;
    const char* pollPeriod;
    double pollPeriodMs; // 0 where the period is powermetrics' own
};

// ProTran's settings per device (jha-lab/edgetran's protran submodule, read for the facts).
const KnownDevice kDevices[] = {
    {"a100", "Nvidia A100 40 GB GPU", 128, 3, "nvidia-smi \"Power Draw\" of the GPU board", "0.2 s", 200},
    {"cpu_m1-pro", "Apple M1 Pro CPU (10 cores)", 32, 1, "macOS powermetrics, CPU + GPU + DRAM power",
     "powermetrics' own sampling period", 0},
    {"gpu_m1-pro", "Apple M1 Pro GPU (16 cores)", 32, 3, "macOS powermetrics, CPU + GPU + DRAM power",
     "powermetrics' own sampling period", 0},
    {"cpu_rpi", "Raspberry Pi 4 Model B (Broadcom BCM2711 CPU)", 1, 1,
     "INA219 current sensor on I2C with a 0.1 Ω shunt, whole board", "4 s", 4000},
    {"npu_ncs", "Intel Neural Compute Stick 2 (OpenVINO, FP16)", 1, 1,
     "INA219 current sensor read over SSH through the Raspberry Pi, USB stick supply", "1 s", 1000},
    {"cpu_jetson-nano", "Nvidia Jetson Nano 2 GB, CPU", 1, 1,
     "INA219 current sensor read over SSH through the Raspberry Pi, whole board", "0.2 s", 200},
    {"gpu_jetson-nano", "Nvidia Jetson Nano 2 GB, GPU", 1, 1,
     "INA219 current sensor read over SSH through the Raspberry Pi, whole board", "0.2 s", 200},
};

// The latency, energy and power definitions of ProTran, which measured every EdgeTran row.
std::string latencyDefinition(const KnownDevice& d) {
    return "latency is ProTran's: process lifetime between the first power poll that sees the inference process "
           "and the first that no longer does, divided by runs × sequences (includes process start, model build, "
           "tokenizer and data loading; quantised by the poll period of " +
           std::string(d.pollPeriod) + ")";
}

profile::DeviceClass deviceClassOf(std::string_view id) {
    if (id.rfind("cpu_", 0) == 0)
        return profile::DeviceClass::Cpu;
    if (id.rfind("npu_", 0) == 0)
        return profile::DeviceClass::Npu;
    return profile::DeviceClass::Gpu; // gpu_… and the A100
}

// What EdgeTran's data does not hold is unavailable with the reason, never zero.
const char* kNotInEdgetran = "not in EdgeTran's data (it gives one latency, energy and peak power per row)";

DeviceProfile emptyProfile(const KnownDevice& d, const std::string& command) {
    DeviceProfile p;
    p.deviceName = d.id;
    p.deviceClass = deviceClassOf(d.id);
    p.description = d.description;
    p.machine.accelerator = d.description;
    p.machine.runtime = "ProTran (EdgeTran, Tuli & Jha, IEEE TMC 2024)";
    p.settings.batchSize = d.batch;
    p.settings.runs = d.runs;
    p.settings.warmupRuns = 0;
    p.settings.sequenceLength = 128;
    p.settings.powerSource = std::string_view(d.id) == "a100" ? "nvml" : "other";
    p.settings.powerSourceDetail = d.powerSource;
    p.settings.samplePeriodMs = d.pollPeriodMs;
    p.settings.peakWindowMs = d.pollPeriodMs;
    p.settings.protranCompat = true;
    p.settings.weights = "random (FlexiBERT 2.0 models, untrained)";
    p.idlePowerW = profile::Measure::unavailable("ProTran subtracts no idle power and EdgeTran's data records none");
    p.caveats = {
        "batch " + std::to_string(d.batch) + ", " + std::to_string(d.runs) + (d.runs == 1 ? " run" : " runs") +
            ": per-sequence figures are averages over a batch of " + std::to_string(d.batch) +
            (d.batch == 1 ? " (no batching)" : "; latency per sequence is not the latency of one request"),
        latencyDefinition(d),
        "latency is process lifetime, not model time: for BERT-Tiny on the A100 it is 8.4× the evaluation "
        "timer's figure",
        "energy is ProTran's: trapezoid integral of the sampled power over that window, no idle power subtracted, "
        "divided by runs × sequences; peak power = largest sample in the window",
        "energy includes the idle power of the whole " +
            std::string(d.batch > 1 && std::string_view(d.id) == "a100" ? "GPU board" : "device") +
            " over the window (no baseline subtracted)",
        "power sampled every " + std::string(d.pollPeriod) + "; peaks shorter than that are missed",
        "power read from: " + std::string(d.powerSource),
        "one number per model: latency statistics hold it as median = mean = p5 = p95 with one sample (EdgeTran "
        "publishes no spread)",
    };
    p.command = command;
    return p;
}

profile::Measure measureOf(std::optional<double> v) {
    return v ? profile::Measure::of(*v) : profile::Measure::unavailable(kNotInEdgetran);
}

} // namespace

const std::vector<std::string>& edgetranDeviceIds() {
    static const std::vector<std::string> ids = [] {
        std::vector<std::string> out;
        for (const auto& d : kDevices)
            out.emplace_back(d.id);
        return out;
    }();
    return ids;
}

EdgetranImport importEdgetran(const std::string& text, const std::string& sourceName) {
    using namespace io::detail;
    EdgetranImport out;
    auto parsed = parseJsonText(text);
    if (!parsed.tree) {
        out.errors = std::move(parsed.errors);
        return out;
    }
    ValidationErrors& errors = out.errors;
    ObjectReader r(*parsed.tree, "", errors, {"source", "rows"});
    if (!r.isObject())
        return out;
    std::string upstream;
    if (auto s = r.string("source", ""))
        upstream = *s;
    std::vector<DeviceProfile> profiles;
    for (const auto& d : kDevices) {
        profiles.push_back(emptyProfile(d, "tcw devices import-edgetran " + sourceName));
        if (!upstream.empty())
            profiles.back().caveats.push_back("rows from " + upstream);
    }
    const Json* rows = r.required("rows");
    if (!rows || !expectArray(*rows, "rows", errors))
        return out;
    std::set<std::pair<std::size_t, std::string>> seen; // (device, model hash)
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const std::string path = indexPath("rows", i);
        ObjectReader rr(
            (*rows)[i], path, errors,
            {"model_hash", "device", "model", "latency_s_per_seq", "energy_j_per_seq", "peak_power_w", "glue"});
        if (!rr.isObject())
            continue;
        ProfileRow row;
        if (auto h = rr.string("model_hash"))
            row.modelName = *h;
        const auto device = rr.choice("device", edgetranDeviceIds());
        if (const Json* m = rr.required("model")) {
            ValidationErrors modelErrors;
            row.model = readModelDict(*m, row.modelName, modelErrors);
            for (auto& e : modelErrors)
                errors.push_back({fieldPath(fieldPath(path, "model"), e.path), e.message});
        }
        const auto quantity = [&](std::string_view key) -> std::optional<double> {
            auto v = rr.number(key);
            if (v && !(*v > 0 && *v < 1e300)) {
                errors.push_back({rr.path(key), "must be a number > 0, got " + numberText(*v)});
                return std::nullopt;
            }
            return v;
        };
        if (auto v = quantity("latency_s_per_seq"))
            row.latencySecondsPerSequence = profile::LatencyStats{*v, *v, *v, *v, 0.0, 1};
        row.energyJoulesPerSequence = measureOf(quantity("energy_j_per_seq"));
        row.peakPowerW = measureOf(quantity("peak_power_w"));
        row.dynamicEnergyJoulesPerSequence =
            profile::Measure::unavailable("ProTran subtracts no idle power; EdgeTran's energy is the whole device's");
        row.averagePowerW = profile::Measure::unavailable(kNotInEdgetran);
        if (auto g = rr.number("glue")) {
            if (*g < 0 || *g > 1)
                errors.push_back({rr.path("glue"), "must be a score in [0, 1], got " + numberText(*g)});
            row.glue = *g;
        }
        row.provenance = "measured";
        if (!device)
            continue;
        auto& profile = profiles[*device];
        if (!seen.insert({*device, row.modelName}).second) {
            errors.push_back({fieldPath(path, "model_hash"), "'" + row.modelName + "' is measured twice on " +
                                                                 profile.deviceName +
                                                                 "; one row per "
                                                                 "(model, device) is allowed"});
            continue;
        }
        profile.rows.push_back(std::move(row));
    }
    if (!errors.empty())
        return out;
    for (auto& p : profiles)
        if (!p.rows.empty())
            out.profiles.push_back(std::move(p));
    return out;
}

EdgetranImport importEdgetranFile(const std::filesystem::path& path) {
    EdgetranImport out;
    auto read = io::readFileBounded(path, io::kMaxDocumentBytes, "EdgeTran's measured data");
    if (!read.ok()) {
        out.errors.push_back({path.string(), read.error});
        return out;
    }
    out = importEdgetran(read.bytes, path.filename().string());
    for (auto& e : out.errors)
        e.path = path.string() + (e.path.empty() ? "" : ": " + e.path);
    return out;
}

} // namespace tcw::devices
