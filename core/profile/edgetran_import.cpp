// The EdgeTran import: rows grouped by device, each device's profile filled with what ProTran
// measured it with (docs/devices.md: batch, runs, power path, definitions).
#include "edgetran_import.h"

#include "io/format_trees.h"
#include "io/safe_file.h"

#include <algorithm>
#include <set>

namespace tcw::profile {

using io::detail::Json;

namespace {

struct KnownDevice {
    const char* id;
    const char* description;
    int batch;
    int runs;
    const char* powerSource;
    const char* pollPeriod;
};

// ProTran's settings per device (jha-lab/edgetran's protran submodule, read for the facts).
const KnownDevice kDevices[] = {
    {"a100", "Nvidia A100 40 GB GPU", 128, 3, "nvidia-smi \"Power Draw\" of the GPU board", "0.2 s"},
    {"cpu_m1-pro", "Apple M1 Pro CPU (10 cores)", 32, 1, "macOS powermetrics, CPU + GPU + DRAM power",
     "powermetrics' own sampling period"},
    {"gpu_m1-pro", "Apple M1 Pro GPU (16 cores)", 32, 3, "macOS powermetrics, CPU + GPU + DRAM power",
     "powermetrics' own sampling period"},
    {"cpu_rpi", "Raspberry Pi 4 Model B (Broadcom BCM2711 CPU)", 1, 1,
     "INA219 current sensor on I2C with a 0.1 Ω shunt, whole board", "4 s"},
    {"npu_ncs", "Intel Neural Compute Stick 2 (OpenVINO, FP16)", 1, 1,
     "INA219 current sensor read over SSH through the Raspberry Pi, USB stick supply", "1 s"},
    {"cpu_jetson-nano", "Nvidia Jetson Nano 2 GB, CPU", 1, 1,
     "INA219 current sensor read over SSH through the Raspberry Pi, whole board", "0.2 s"},
    {"gpu_jetson-nano", "Nvidia Jetson Nano 2 GB, GPU", 1, 1,
     "INA219 current sensor read over SSH through the Raspberry Pi, whole board", "0.2 s"},
};

DeviceProfile emptyProfile(const KnownDevice& d, const std::string& sourceName) {
    DeviceProfile p;
    p.device = d.id;
    p.description = d.description;
    p.descriptor["device"] = d.description;
    p.descriptor["measuredBy"] = "ProTran (EdgeTran, Tuli & Jha, IEEE TMC 2024)";
    p.descriptor["weights"] = "random (FlexiBERT 2.0 models, untrained)";
    p.settings.batch = d.batch;
    p.settings.runs = d.runs;
    p.settings.sequenceLength = 128;
    p.settings.powerSource = d.powerSource;
    p.settings.latencyDefinition =
        "process lifetime between the first power poll that sees the inference process and the first that "
        "no longer does, divided by runs × sequences (includes process start, model build, tokenizer and data "
        "loading; quantised by the poll period of " +
        std::string(d.pollPeriod) + ")";
    p.settings.energyDefinition = "trapezoid integral of the sampled power over that window, no idle power "
                                  "subtracted, divided by runs × sequences; peak power = largest sample in the "
                                  "window";
    p.caveats = {
        "batch " + std::to_string(d.batch) + ", " + std::to_string(d.runs) + (d.runs == 1 ? " run" : " runs") +
            ": per-sequence figures are averages over a batch of " + std::to_string(d.batch) +
            (d.batch == 1 ? " (no batching)" : "; latency per sequence is not the latency of one request"),
        "latency is process lifetime, not model time: for BERT-Tiny on the A100 it is 8.4× the evaluation "
        "timer's figure",
        "energy includes the idle power of the whole " +
            std::string(d.batch > 1 && std::string_view(d.id) == "a100" ? "GPU board" : "device") +
            " over the window (no baseline subtracted)",
        "power sampled every " + std::string(d.pollPeriod) + "; peaks shorter than that are missed",
        "power read from: " + std::string(d.powerSource),
    };
    p.source = sourceName;
    return p;
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
    for (const auto& d : kDevices)
        profiles.push_back(emptyProfile(d, sourceName + (upstream.empty() ? "" : " (" + upstream + ")")));
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
        DeviceRow row;
        if (auto h = rr.string("model_hash"))
            row.modelHash = *h;
        const auto device = rr.choice("device", edgetranDeviceIds());
        if (const Json* m = rr.required("model")) {
            ValidationErrors modelErrors;
            row.model = readModelDict(*m, row.modelHash, modelErrors);
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
            row.latencySeconds = *v;
        row.energyJoules = quantity("energy_j_per_seq");
        row.peakPowerWatts = quantity("peak_power_w");
        if (auto g = rr.number("glue")) {
            if (*g < 0 || *g > 1)
                errors.push_back({rr.path("glue"), "must be a score in [0, 1], got " + numberText(*g)});
            row.glue = *g;
        }
        row.provenance = "measured";
        if (!device)
            continue;
        auto& profile = profiles[*device];
        if (!seen.insert({*device, row.modelHash}).second) {
            errors.push_back({fieldPath(path, "model_hash"), "'" + row.modelHash + "' is measured twice on " +
                                                                 profile.device +
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

} // namespace tcw::profile
