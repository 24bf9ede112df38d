// tcw devices: the device library (docs/devices.md). import-edgetran builds the seven EdgeTran
// profiles; list, show, compare and surrogate-report read profiles (presets or files). Also
// the device branch of `tcw simulate --target device:ID`.
#include "commands_devices.h"
#include "commands.h"

#include "devices/device_library.h"
#include "devices/device_search.h"
#include "devices/device_search_store.h"
#include "devices/device_stats.h"
#include "devices/device_surrogate.h"
#include "devices/edgetran_import.h"
#include "io/files.h"
#include "io/safe_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;
using namespace tcw::devices;

std::optional<DeviceProfile> loadOrReport(const std::string& nameOrPath, const fs::path& dataDir) {
    auto loaded = resolveDeviceProfile(nameOrPath, dataDir);
    if (!loaded.value)
        std::cerr << loaded.errors.toString() << "\n";
    return loaded.value;
}

std::string spreadText(const std::optional<Spread>& s) {
    if (!s)
        return "unavailable";
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.4g / %.4g / %.4g", s->min, s->median, s->max);
    return buf;
}

void printSummaryHeader() {
    std::printf("%-18s %5s  %-32s %-32s %-26s\n", "device", "rows", "latency s/seq min/median/max",
                "energy J/seq min/median/max", "peak power W min/median/max");
}

void printSummary(const DeviceProfile& p) {
    const DeviceSummary s = summarize(p);
    std::printf("%-18s %5zu  %-32s %-32s %-26s\n", p.deviceName.c_str(), s.rows, spreadText(s.latency).c_str(),
                spreadText(s.energy).c_str(), spreadText(s.peakPower).c_str());
}

// ---- import-edgetran ----
struct ImportOptions {
    std::string file;
    std::string out;
    bool force = false;
};

int runImport(const ImportOptions& o) {
    auto imported = importEdgetranFile(o.file);
    if (!imported.errors.empty()) {
        for (const auto& e : imported.errors)
            std::cerr << e.toString() << "\n";
        return 2;
    }
    std::size_t rows = 0;
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& p : imported.profiles) {
        rows += p.rows.size();
        files.emplace_back(p.deviceName + ".json", io::deviceProfileJson(p));
    }
    std::printf("%s: %zu rows, %zu distinct models, %zu on all %zu devices\n", o.file.c_str(), rows,
                distinctModels(imported.profiles), commonModels(imported.profiles).size(), imported.profiles.size());
    printSummaryHeader();
    for (const auto& p : imported.profiles)
        printSummary(p);
    if (o.out.empty())
        return 0;
    io::WriteOptions write;
    write.overwrite = o.force;
    if (const std::string error = io::writeFolderAtomically(o.out, files, write); !error.empty()) {
        std::cerr << error << "\n";
        return 1;
    }
    std::printf("wrote %zu device profiles to %s\n", files.size(), o.out.c_str());
    return 0;
}

// ---- import (a device profile file) ----
struct ImportProfileOptions {
    std::string file;
    std::string out; // default: DATA/devices/presets
    bool force = false;
};

// Reads a profile written by tcw profile or tools/profile_cuda.py through the codec and writes
// it into the library as DEVICE.json, so `tcw devices list` and `device:DEVICE` find it.
int runImportProfile(const ImportProfileOptions& o, const fs::path& dataDir) {
    auto loaded = io::loadDeviceProfile(o.file);
    if (!loaded) {
        std::cerr << loaded.errors.toString() << "\n";
        return 2;
    }
    const DeviceProfile& p = *loaded.value;
    if (!isDeviceId(p.deviceName)) {
        std::cerr << o.file << ": device.name: '" << p.deviceName.substr(0, 60)
                  << "' cannot name a library device; allowed: letters, digits, '_', '-', '.'\n";
        return 2;
    }
    const fs::path dir = o.out.empty() ? devicePresetDir(dataDir) : fs::path(o.out);
    const fs::path target = dir / (p.deviceName + ".json");
    io::WriteOptions write;
    write.overwrite = o.force;
    if (const std::string error = io::writeFileAtomically(target, io::deviceProfileJson(p), write); !error.empty()) {
        std::cerr << error << "\n";
        return 1;
    }
    printSummaryHeader();
    printSummary(p);
    std::printf("wrote %s (device:%s)\n", target.string().c_str(), p.deviceName.c_str());
    return 0;
}

// ---- list ----
// A one-line cut of free text (a measured profile's description can be a paragraph; `tcw
// devices show` prints it whole), never inside a UTF-8 sequence.
std::string clipped(const std::string& text, std::size_t bytes) {
    if (text.size() <= bytes)
        return text;
    std::size_t end = bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end) + "…";
}

int runList(const fs::path& dataDir) {
    const auto ids = presetDeviceIds(dataDir);
    if (ids.empty()) {
        std::cerr << "no device presets under " << devicePresetDir(dataDir).string()
                  << "; build them with tcw devices import-edgetran FILE --out " << devicePresetDir(dataDir).string()
                  << "\n";
        return 1;
    }
    std::printf("%-18s %5s %6s %5s  %s\n", "device", "rows", "batch", "runs", "description (power read from)");
    int exitCode = 0;
    for (const auto& id : ids) {
        auto p = loadOrReport(id, dataDir);
        if (!p) {
            exitCode = 1;
            continue;
        }
        const auto& s = p->settings;
        std::printf("%-18s %5zu %6d %5d  %s (%s)\n", p->deviceName.c_str(), p->rows.size(), s.batchSize, s.runs,
                    clipped(p->description, 60).c_str(),
                    clipped(s.powerSourceDetail.empty() ? s.powerSource : s.powerSourceDetail, 90).c_str());
    }
    return exitCode;
}

// ---- surrogate report (also part of show) ----
void printSurrogateHeader() {
    std::printf("%-18s %-10s %5s %4s  %-16s %-16s %-16s %s\n", "device", "measure", "train", "test", "mean R² / MAPE",
                "physics R²/MAPE", "trees R² / MAPE", "used");
}

void printSurrogateRows(const DeviceSurrogate& s) {
    const auto q = [](const FitQuality& f) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%6.3f / %5.1f%%", f.r2, 100 * f.mape);
        return std::string(buf);
    };
    for (const auto& r : s.report())
        std::printf("%-18s %-10s %5zu %4zu  %-16s %-16s %-16s %s\n", r.device.c_str(), measureName(r.measure),
                    r.trainRows, r.testRows, q(r.mean).c_str(), q(r.physics).c_str(), q(r.trees).c_str(),
                    surrogateKindName(r.chosen));
}

struct ShowOptions {
    std::string device;
    bool surrogates = false;
};

int runShow(const ShowOptions& o, const fs::path& dataDir) {
    auto p = loadOrReport(o.device, dataDir);
    if (!p)
        return 2;
    std::printf("device       %s — %s\n", p->deviceName.c_str(), p->description.c_str());
    const profile::MachineDescriptor& m = p->machine;
    std::printf("  class          %s\n", std::string(profile::deviceClassName(p->deviceClass)).c_str());
    for (const auto& [key, value] : {std::pair{"cpu", m.cpuModel},
                                     {"accelerator", m.accelerator},
                                     {"driver", m.acceleratorDriver},
                                     {"runtime", m.runtime},
                                     {"runtime ISA", m.runtimeIsa},
                                     {"kernel", m.kernel},
                                     {"measured at", p->measuredAt}})
        if (!value.empty())
            std::printf("  %-14s %s\n", key, value.c_str());
    std::printf("settings     batch %d, runs %d, sequence length %d%s\n", p->settings.batchSize, p->settings.runs,
                p->settings.sequenceLength, p->settings.protranCompat ? ", ProTran's definitions" : "");
    std::printf("  power from %s%s%s\n", p->settings.powerSource.c_str(),
                p->settings.powerSourceDetail.empty() ? "" : ": ", p->settings.powerSourceDetail.c_str());
    if (!p->caveats.empty()) {
        std::printf("caveats\n");
        for (const auto& c : p->caveats)
            std::printf("  - %s\n", c.c_str());
    }
    std::printf("command      %s\n\n", p->command.c_str());
    printSummaryHeader();
    printSummary(*p);
    if (o.surrogates) {
        std::printf("\nsurrogates, held out 20%% (seed 14):\n");
        DeviceSurrogate s;
        s.fit(*p);
        printSurrogateHeader();
        printSurrogateRows(s);
    }
    return 0;
}

// ---- compare ----
struct CompareOptions {
    std::vector<std::string> devices;
};

int runCompare(const CompareOptions& o, const fs::path& dataDir) {
    std::vector<DeviceProfile> profiles;
    for (const auto& d : o.devices) {
        auto p = loadOrReport(d, dataDir);
        if (!p)
            return 2;
        profiles.push_back(std::move(*p));
    }
    const auto common = commonModels(profiles);
    printSummaryHeader();
    for (const auto& p : profiles)
        printSummary(p);
    std::printf("\n%zu models measured on all %zu devices", common.size(), profiles.size());
    if (common.empty()) {
        std::printf("; nothing to compare model for model\n");
        return 0;
    }
    std::printf("; on those, the median of each measure and the median of the per-model ratio to %s:\n",
                profiles.front().deviceName.c_str());
    std::printf("%-18s %-24s %-24s %-24s\n", "device", "latency s/seq (×)", "energy J/seq (×)", "peak power W (×)");
    // values[device][measure][model], in `common` order; nothing when a model lacks the measure.
    const auto valuesOf = [&](const DeviceProfile& p, std::size_t m) {
        std::vector<double> v;
        for (const auto& hash : common)
            for (const auto& row : p.rows)
                if (row.modelName == hash) {
                    if (auto x = measureOf(row, kMeasures[m]))
                        v.push_back(*x);
                    break;
                }
        return v.size() == common.size() ? v : std::vector<double>{};
    };
    for (const auto& p : profiles) {
        std::printf("%-18s", p.deviceName.c_str());
        for (std::size_t m = 0; m < 3; ++m) {
            const auto v = valuesOf(p, m), base = valuesOf(profiles.front(), m);
            char buf[64] = "unavailable";
            if (!v.empty()) {
                std::vector<double> ratios;
                for (std::size_t i = 0; i < v.size() && !base.empty(); ++i)
                    ratios.push_back(v[i] / base[i]);
                if (ratios.empty())
                    std::snprintf(buf, sizeof buf, "%.4g", spreadOf(v)->median);
                else
                    std::snprintf(buf, sizeof buf, "%.4g (×%.4g)", spreadOf(v)->median, spreadOf(ratios)->median);
            }
            std::printf(" %-24s", buf);
        }
        std::printf("\n");
    }
    return 0;
}

struct ReportOptions {
    std::vector<std::string> devices;
    unsigned long long seed = 14;
};

int runReport(const ReportOptions& o, const fs::path& dataDir) {
    std::vector<std::string> ids = o.devices;
    if (ids.empty())
        ids = presetDeviceIds(dataDir);
    printSurrogateHeader();
    for (const auto& id : ids) {
        auto p = loadOrReport(id, dataDir);
        if (!p)
            return 2;
        DeviceSurrogate s;
        s.fit(*p, o.seed);
        printSurrogateRows(s);
        std::fflush(stdout);
    }
    std::printf("R² and MAPE on a held-out 20%% of each device's rows (seed %llu); mean = the training rows' "
                "mean, the bar a surrogate must clear. 'used' is what tcw simulate --target device:ID predicts "
                "with for unmeasured models.\n",
                o.seed);
    return 0;
}

} // namespace

int simulateOnDevice(const TransformerSpec& model, const std::string& device, const fs::path& dataDir, bool json) {
    auto p = loadOrReport(device, dataDir);
    if (!p)
        return 2;
    const MeasuredCostModel cost(std::move(*p));
    const auto e = cost.estimate(model);
    if (!e) {
        std::cerr << "device:" << device << ": " << model.name
                  << " was not measured there and the profile has too few rows (< 5) for a surrogate\n";
        return 1;
    }
    if (json) {
        nlohmann::ordered_json j;
        j["schemaVersion"] = 1;
        j["kind"] = "deviceEstimate";
        j["device"] = cost.profile().deviceName;
        j["model"] = model.name;
        j["provenance"] = e->provenance;
        j["latencySeconds"] = e->latencySeconds;
        j["latencySigma"] = e->latencySigma;
        j["energyJoules"] = e->energyJoules ? nlohmann::ordered_json(*e->energyJoules) : nlohmann::ordered_json();
        j["energySigma"] = e->energySigma;
        j["peakPowerWatts"] = e->peakPowerWatts ? nlohmann::ordered_json(*e->peakPowerWatts) : nlohmann::ordered_json();
        j["peakPowerSigma"] = e->peakPowerSigma;
        if (e->glue)
            j["glue"] = *e->glue;
        std::cout << j.dump() << "\n";
        return 0;
    }
    const auto& s = cost.profile().settings;
    std::printf("%s on device:%s (%s), batch %d, sequence length %d\n", model.name.c_str(),
                cost.profile().deviceName.c_str(), cost.profile().description.c_str(), s.batchSize, s.sequenceLength);
    std::printf("  provenance   %s\n", e->provenance.c_str());
    const auto line = [&](const char* what, const std::optional<double>& v, double sigma, const char* unit) {
        if (!v)
            std::printf("  %-12s unavailable (the profile has no such measurement)\n", what);
        else if (e->measured)
            std::printf("  %-12s %.4g %s\n", what, *v, unit);
        else
            std::printf("  %-12s %.4g ± %.2g %s\n", what, *v, sigma, unit);
    };
    line("latency", e->latencySeconds, e->latencySigma, "s/seq");
    line("energy", e->energyJoules, e->energySigma, "J/seq");
    line("peak power", e->peakPowerWatts, e->peakPowerSigma, "W");
    if (e->glue)
        std::printf("  GLUE         %.4f (stored with the row)\n", *e->glue);
    std::printf("  (definitions: tcw devices show %s)\n", cost.profile().deviceName.c_str());
    return 0;
}

namespace {
std::string modelSummary(const TransformerSpec& m) {
    std::string h;
    for (const auto& layer : m.layers)
        h += (h.empty() ? "" : ",") + std::to_string(layer.hiddenSize);
    return "L" + std::to_string(m.layerCount()) + " H[" + h + "]";
}
} // namespace

namespace {
volatile std::sig_atomic_t g_deviceSearchInterrupted = 0;
} // namespace

int runDeviceSearch(const DeviceSearchOptions& o, const fs::path& dataDir) {
    std::optional<store::Workspace> workspace;
    std::optional<store::SearchRecord> resumed;
    StoredDeviceSearchConfig stored;
    stored.targets = o.targets;
    stored.search.budget = o.budget;
    stored.search.seed = o.seed;
    stored.search.objective.peakPowerLimitWatts = o.peakPowerLimit;
    if (!o.workspace.empty()) {
        try {
            std::error_code ec;
            workspace.emplace(!o.resume && !fs::exists(o.workspace, ec) ? store::Workspace::create(o.workspace)
                                                                        : store::Workspace::open(o.workspace));
        } catch (const store::WorkspaceError& e) {
            std::cerr << "tcw: " << e.what() << "\n";
            return 1;
        }
        if (o.resume) {
            resumed = unfinishedDeviceSearch(*workspace);
            if (!resumed) {
                std::cerr << "tcw search --resume: " << o.workspace
                          << " holds no unfinished model × device search (start one with --targets devices:…)\n";
                return 2;
            }
            try {
                stored = parseDeviceSearchConfig(resumed->configJson);
            } catch (const std::runtime_error& e) {
                std::cerr << o.workspace << ": search " << resumed->id << ": " << e.what() << "\n";
                return 2;
            }
        }
    } else if (o.resume) {
        std::cerr << "tcw search --resume with --targets needs --workspace\n";
        return 2;
    }
    std::vector<std::string> ids = stored.deviceIds;
    if (ids.empty()) {
        std::string error;
        ids = deviceSet(o.targets, dataDir, error);
        if (!error.empty()) {
            std::cerr << "--targets: " << error << "\n";
            return 2;
        }
        stored.deviceIds = ids;
    }
    std::vector<DeviceProfile> profiles;
    for (const auto& id : ids) {
        auto p = loadOrReport(id, dataDir);
        if (!p)
            return 2;
        profiles.push_back(std::move(*p));
    }
    const std::string& targets = stored.targets;
    const std::uint64_t seed = stored.search.seed;
    const std::optional<double> peakPowerLimit = stored.search.objective.peakPowerLimitWatts;
    DeviceSearchResult r;
    bool stopped = false;
    g_deviceSearchInterrupted = 0;
    std::signal(SIGINT, [](int) { g_deviceSearchInterrupted = 1; });
    std::signal(SIGTERM, [](int) { g_deviceSearchInterrupted = 1; });
    const auto stop = [] { return g_deviceSearchInterrupted != 0; };
    try {
        if (workspace) {
            const auto run = runStoredDeviceSearch(
                *workspace, profiles, stored, resumed ? std::optional<std::int64_t>(resumed->id) : std::nullopt, stop);
            r = run.result;
            stopped = run.stopped;
            std::printf("%s search %lld in %s: %zu trials were stored, %zu written now%s\n",
                        resumed ? "resumed" : "stored", static_cast<long long>(run.searchId), o.workspace.c_str(),
                        run.alreadyStored, run.committed,
                        stopped ? " (interrupted: tcw search --targets … --workspace W --resume continues it)" : "");
        } else {
            r = searchDevices(profiles, stored.search, stop);
        }
    } catch (const std::invalid_argument& e) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        std::cerr << "tcw search --targets " << targets << ": " << e.what() << "\n";
        return 2;
    } catch (const std::runtime_error& e) { // the workspace (store errors, a resume that does not replay)
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        std::cerr << "tcw search --targets " << targets << ": " << e.what() << "\n";
        return 1;
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::printf("model × device search over %zu devices (%s), seed %llu: %zu stored pairs + %zu new\n", profiles.size(),
                targets.c_str(), static_cast<unsigned long long>(seed),
                static_cast<std::size_t>(
                    std::count_if(r.pairs.begin(), r.pairs.end(), [](const DevicePair& p) { return p.seeded; })),
                static_cast<std::size_t>(
                    std::count_if(r.pairs.begin(), r.pairs.end(), [](const DevicePair& p) { return !p.seeded; })));
    std::printf("\nsurrogates, held out 20%% per device (seed %llu):\n", static_cast<unsigned long long>(seed));
    printSurrogateHeader();
    for (const auto& row : r.surrogates) {
        const auto q = [](const FitQuality& f) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%6.3f / %5.1f%%", f.r2, 100 * f.mape);
            return std::string(buf);
        };
        std::printf("%-18s %-10s %5zu %4zu  %-16s %-16s %-16s %s\n", row.device.c_str(), measureName(row.measure),
                    row.trainRows, row.testRows, q(row.mean).c_str(), q(row.physics).c_str(), q(row.trees).c_str(),
                    surrogateKindName(row.chosen));
    }
    std::printf("GLUE of unstored models: bagged trees, held out R² %.3f / MAPE %.2f%% (mean predictor %.3f / "
                "%.2f%%)\n",
                r.glueHeldOutR2, 100 * r.glueHeldOutMape, r.glueMeanR2, 100 * r.glueMeanMape);
    if (peakPowerLimit)
        std::printf("constraint: peak power ≤ %g W\n", *peakPowerLimit);
    std::printf("\nPareto front (GLUE ↑, latency ↓, energy ↓, peak power ↓), %zu pairs, by EdgeTran loss:\n",
                r.front.size());
    std::printf("%-16s %-24s %8s %12s %12s %9s %8s  %s\n", "device", "model", "GLUE", "latency s", "energy J", "peak W",
                "loss", "provenance");
    const auto line = [&](const DevicePair& p) {
        std::printf("%-16s %-24s %8.4f %12.5g %12.5g %9.4g %8.5f  %s%s\n", profiles[p.device].deviceName.c_str(),
                    modelSummary(p.model).substr(0, 24).c_str(), p.glue, p.cost.latencySeconds, *p.cost.energyJoules,
                    *p.cost.peakPowerWatts, p.loss, p.cost.provenance.c_str(),
                    p.glueStored ? "; GLUE stored" : "; GLUE predicted");
    };
    const std::size_t shown = std::min<std::size_t>(r.front.size(), 25);
    for (std::size_t k = 0; k < shown; ++k)
        line(r.pairs[r.front[k]]);
    if (shown < r.front.size())
        std::printf("  … %zu more\n", r.front.size() - shown);
    std::printf("\nEdgeTran objective (0.5 GLUE + 0.2 (1 − latency/1000 s) + 0.2 (1 − energy/2000 J) + 0.1 (1 − "
                "peak/300 W)), loss = 1 − that:\n");
    if (r.bestStored < r.pairs.size()) {
        std::printf("  best stored pair  ");
        line(r.pairs[r.bestStored]);
    }
    std::printf("  best pair found   ");
    line(r.pairs[r.best]);
    const bool beats = r.bestStored < r.pairs.size() && r.pairs[r.best].loss < r.pairs[r.bestStored].loss;
    std::printf("  the search %s the best stored pair (%.5f vs %.5f)\n", beats ? "beats" : "does not beat",
                r.pairs[r.best].loss, r.bestStored < r.pairs.size() ? r.pairs[r.bestStored].loss : 0.0);
    return stopped ? 1 : 0;
}

void addDevicesCommand(CLI::App& app, CommandContext& context) {
    CLI::App* devices = app.add_subcommand(
        "devices", "The device library: measured latency, energy and peak power of models on off-the-shelf "
                   "devices (docs/devices.md).");
    devices->require_subcommand(1);

    auto imp = std::make_shared<ImportOptions>();
    CLI::App* importCommand = devices->add_subcommand(
        "import-edgetran", "Read EdgeTran's measured rows (data/devices/edgetran_devices782.json) into one device "
                           "profile per device, print counts and the per-device min / median / max, and with --out "
                           "write DIR/ID.json for each device.");
    importCommand->add_option("FILE", imp->file, "EdgeTran's data JSON")->required();
    importCommand->add_option("--out", imp->out, "Folder to write the profiles into (written as a unit)");
    importCommand->add_flag("--force", imp->force, "Replace an existing --out folder");
    importCommand->callback([imp, &context] { context.exitCode = runImport(*imp); });

    auto impProfile = std::make_shared<ImportProfileOptions>();
    CLI::App* importProfile = devices->add_subcommand(
        "import", "Add a device profile file (written by tcw profile or tools/profile_cuda.py, docs/formats.md) to "
                  "the device library as DEVICE.json, named by the profile's device.name.");
    importProfile->add_option("PROFILE", impProfile->file, "A device profile JSON file")->required();
    importProfile->add_option("--out", impProfile->out, "Library folder (default: DATA/devices/presets)");
    importProfile->add_flag("--force", impProfile->force, "Replace a profile of the same device");
    importProfile->callback([impProfile, &context] {
        context.exitCode = runImportProfile(*impProfile, io::findDataDir(context.executablePath));
    });

    CLI::App* list = devices->add_subcommand(
        "list", "The device library (DATA/devices/presets): EdgeTran's seven devices and any imported profile.");
    list->callback([&context] { context.exitCode = runList(io::findDataDir(context.executablePath)); });

    auto show = std::make_shared<ShowOptions>();
    CLI::App* showCommand = devices->add_subcommand(
        "show", "A device profile: device, machine, settings, caveats, command, min / median / max of each measure.");
    showCommand->add_option("DEVICE", show->device, "A preset id (tcw devices list) or a profile file")->required();
    showCommand->add_flag("--surrogates", show->surrogates,
                          "Also fit the surrogates and print their held-out R² and MAPE beside the mean predictor's");
    showCommand->callback(
        [show, &context] { context.exitCode = runShow(*show, io::findDataDir(context.executablePath)); });

    auto compare = std::make_shared<CompareOptions>();
    CLI::App* compareCommand = devices->add_subcommand(
        "compare", "Several devices side by side, and on the models measured on all of them the median of each "
                   "measure relative to the first device.");
    compareCommand->add_option("DEVICE", compare->devices, "Two or more preset ids or profile files")
        ->required()
        ->expected(2, 64);
    compareCommand->callback(
        [compare, &context] { context.exitCode = runCompare(*compare, io::findDataDir(context.executablePath)); });

    auto report = std::make_shared<ReportOptions>();
    CLI::App* reportCommand = devices->add_subcommand(
        "surrogate-report", "Held-out R² and MAPE of each device's surrogates (physics regression, boosted trees) "
                            "next to the mean predictor's, per measure.");
    reportCommand->add_option("DEVICE", report->devices, "Preset ids or profile files (default: every preset)");
    reportCommand->add_option("--seed", report->seed, "Seed of the split and the bagging")->capture_default_str();
    reportCommand->callback(
        [report, &context] { context.exitCode = runReport(*report, io::findDataDir(context.executablePath)); });
    devices->footer("Examples:\n"
                    "  tcw devices import-edgetran data/devices/edgetran_devices782.json --out data/devices/presets\n"
                    "  tcw devices import data/devices/h100-profile.json\n"
                    "  tcw devices list\n"
                    "  tcw devices show gpu_m1-pro --surrogates\n"
                    "  tcw devices compare a100 gpu_m1-pro cpu_rpi\n"
                    "  tcw devices surrogate-report");
}

} // namespace tcw::cli
