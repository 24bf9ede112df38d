// tcw profile: measures inference of models on this computer (latency with its spread; energy
// and power from RAPL / perf / hwmon / a meter's log, or why they are unavailable) and writes a
// device profile (docs/formats.md#deviceprofile, docs/profiling.md).
#include "commands.h"

#include "io/device_profile_json.h"
#include "io/files.h"
#include "io/safe_file.h"
#include "profile/inference_profiler.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace tcw::cli {

namespace {

struct ProfileOptions {
    std::vector<std::string> models;
    int batch = 1;
    int sequence = 128;
    int runs = 10;
    int warmup = 2;
    int threads = 0;
    std::string power = "auto";
    double idleSeconds = 0;
    double periodMs = 100;
    double peakWindowMs = -1; // default: the period
    bool protranCompat = false;
    std::string sysfsRoot = "/sys";
    std::string procRoot = "/proc";
    std::string device = "this-computer";
    std::uint64_t seed = 1;
    std::string checkpoint;
    int vocabulary = 30522;
    int classes = 2;
    std::string out;
    bool force = false;
};

std::atomic<bool> g_stop{false};

std::string milliseconds(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f ms", seconds * 1e3);
    return text;
}

std::string measureText(const profile::Measure& m, const char* unit, double scale = 1.0) {
    if (m.value) {
        char text[48];
        std::snprintf(text, sizeof text, "%.4g %s", *m.value * scale, unit);
        return text;
    }
    return "unavailable";
}

void printRow(const profile::ProfileRow& row, const profile::ProfileSettings& s) {
    const auto& l = row.latencySecondsPerSequence;
    if (s.protranCompat)
        std::printf("%-14s latency %s/seq over the whole window (ProTran's definition: model built, %d warm-up and "
                    "%d timed batches of %d)\n",
                    row.modelName.c_str(), milliseconds(l.median).c_str(), s.warmupRuns, s.runs, s.batchSize);
    else
        std::printf("%-14s latency median %s/seq  p5 %s  p95 %s  CV %.1f %%  (%d batches of %d × %d tokens)\n",
                    row.modelName.c_str(), milliseconds(l.median).c_str(), milliseconds(l.p5).c_str(),
                    milliseconds(l.p95).c_str(), l.cv * 100.0, l.samples, s.batchSize, s.sequenceLength);
    if (row.energyJoulesPerSequence.available())
        std::printf("%-14s energy %s/seq (dynamic %s/seq), average %s, peak %s over %g ms\n", "",
                    measureText(row.energyJoulesPerSequence, "mJ", 1e3).c_str(),
                    measureText(row.dynamicEnergyJoulesPerSequence, "mJ", 1e3).c_str(),
                    measureText(row.averagePowerW, "W").c_str(), measureText(row.peakPowerW, "W").c_str(),
                    s.protranCompat ? s.samplePeriodMs : s.peakWindowMs);
}

int runProfile(const ProfileOptions& o, const std::filesystem::path& dataDir, const std::string& commandLine) {
    io::WriteOptions writeOptions;
    writeOptions.overwrite = o.force;
    for (const auto& m : o.models)
        writeOptions.inputs.push_back(m);
    if (o.power.rfind("csv:", 0) == 0)
        writeOptions.inputs.push_back(o.power.substr(4));
    if (!o.checkpoint.empty())
        writeOptions.inputs.push_back(o.checkpoint);
    if (const std::string why = io::checkWritable(o.out, writeOptions); !why.empty()) {
        std::cerr << "tcw profile: " << o.out << ": " << why << "\n";
        return 2;
    }
    profile::ProfileRequest request;
    for (const std::string& name : o.models) {
        auto model = io::resolveTransformer(name, dataDir);
        if (!model) {
            model.errors.file = name;
            std::cerr << model.errors.toString() << "\n";
            return 2;
        }
        if (const auto errors = validate(*model.value); !errors.empty()) {
            std::cerr << io::FileErrors{name, errors}.toString() << "\n";
            return 2;
        }
        request.models.emplace_back(model.value->name.empty() ? name : model.value->name, *model.value);
    }
    profile::ProfileSettings& s = request.settings;
    s.batchSize = o.batch;
    s.sequenceLength = o.sequence;
    s.runs = o.runs;
    s.warmupRuns = o.warmup;
    s.threads = o.threads;
    s.samplePeriodMs = o.periodMs;
    s.idleSeconds = o.idleSeconds;
    s.peakWindowMs = o.peakWindowMs >= 0 ? o.peakWindowMs : o.periodMs;
    s.protranCompat = o.protranCompat;
    request.power = o.power;
    request.sysfsRoot = o.sysfsRoot;
    request.procRoot = o.procRoot;
    request.seed = o.seed;
    request.checkpoint = o.checkpoint;
    request.vocabularySize = o.vocabulary;
    request.numClasses = o.classes;
    request.deviceName = o.device;
    request.command = commandLine;

    g_stop = false;
    std::signal(SIGINT, [](int) { g_stop = true; });
    profile::DeviceProfile result;
    try {
        result = profile::profileInference(
            request,
            [](const profile::ProfileProgress& p) {
                if (p.stage != "done")
                    std::fprintf(stderr, "profiling %d/%d: %s\n", p.model + 1, p.models, p.stage.c_str());
            },
            &g_stop);
    } catch (const profile::ProfileCancelled&) {
        std::signal(SIGINT, SIG_DFL);
        std::cerr << "tcw profile: cancelled; nothing written\n";
        return 1;
    } catch (const std::exception& e) { // bad settings, an unreadable meter log or checkpoint
        std::signal(SIGINT, SIG_DFL);
        std::cerr << "tcw profile: " << e.what() << "\n";
        return 2;
    }
    std::signal(SIGINT, SIG_DFL);

    // OpenMP reads its wait policy when it loads, so it is recorded, not set: busy-waiting
    // threads on a loaded computer stretch every timing (docs/profiling.md).
    const char* waitPolicy = std::getenv("OMP_WAIT_POLICY");
    result.machine.runtime += std::string(", OMP_WAIT_POLICY=") + (waitPolicy ? waitPolicy : "unset");
    const auto& m = result.machine;
    std::printf("%s: %s, %d logical CPUs, %d threads used, %s (%s)%s\n", result.deviceName.c_str(),
                m.cpuModel.empty() ? "CPU model unknown" : m.cpuModel.c_str(), m.logicalCpus, m.threadsUsed,
                m.runtime.c_str(), m.runtimeIsa.c_str(), m.hypervisor ? ", virtual machine" : "");
    if (m.loadAverageBefore && m.loadAverageAfter)
        std::printf("load average before %.2f, after %.2f (1 min): other work on this computer slows and "
                    "spreads the timings\n",
                    (*m.loadAverageBefore)[0], (*m.loadAverageAfter)[0]);
    if (m.loadAverageBefore && m.logicalCpus > 0 && (*m.loadAverageBefore)[0] > m.logicalCpus)
        std::printf("note: the load average exceeds the %d logical CPUs: the timings include waiting for a CPU%s\n",
                    m.logicalCpus,
                    waitPolicy ? "" : "; OpenMP busy-waits by default, OMP_WAIT_POLICY=PASSIVE suffers less");
    for (const auto& row : result.rows)
        printRow(row, result.settings);
    if (!result.rows.empty() && !result.rows.front().energyJoulesPerSequence.available()) {
        const auto& e = result.rows.front().energyJoulesPerSequence;
        std::printf("energy and power: unavailable: %s\n", e.reason.c_str());
        if (!e.remedy.empty())
            std::printf("  remedy: %s\n", e.remedy.c_str());
    } else if (!result.idlePowerW.available()) {
        std::printf("idle power: unavailable: %s\n", result.idlePowerW.reason.c_str());
    } else {
        std::printf("idle power %.4g W over %g s (%s)\n", *result.idlePowerW.value, s.idleSeconds,
                    result.settings.powerSourceDetail.c_str());
    }
    if (const std::string error = io::writeFileAtomically(o.out, io::deviceProfileJson(result), writeOptions);
        !error.empty()) {
        std::cerr << "tcw profile: " << error << "\n";
        return 1;
    }
    std::printf("Wrote %s\n", o.out.c_str());
    return 0;
}

} // namespace

void addProfileCommand(CLI::App& app, CommandContext& context) {
    auto o = std::make_shared<ProfileOptions>();
    CLI::App* command = app.add_subcommand(
        "profile", "Measure inference of models on this computer with the workbench's oneDNN forward pass: latency "
                   "per sequence (median, p5, p95, CV), energy, average and peak power from RAPL, perf, hwmon or a "
                   "meter's log (or why they are unavailable), and write a device profile.");
    command
        ->add_option("--model", o->models,
                     "Transformer(s): a preset name (bert-tiny, bert-mini, …) or a file; repeat for several")
        ->required();
    command->add_option("--batch", o->batch, "Sequences per batch")->check(CLI::Range(1, 4096))->capture_default_str();
    command->add_option("--seq", o->sequence, "Tokens per sequence")->check(CLI::Range(1, 8192))->capture_default_str();
    command->add_option("--runs", o->runs, "Timed batches per model")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    command->add_option("--warmup", o->warmup, "Untimed batches before them")
        ->check(CLI::Range(0, 1000000))
        ->capture_default_str();
    command->add_option("--threads", o->threads, "Compute threads (0: OpenMP's default)")
        ->check(CLI::Range(0, 4096))
        ->capture_default_str();
    command
        ->add_option("--power", o->power,
                     "Power source: auto (rapl, perf, hwmon: the first readable), rapl, perf, hwmon, csv:FILE (an "
                     "external meter's time,W log, epoch seconds), none")
        ->capture_default_str();
    command->add_option("--idle", o->idleSeconds, "Measure idle power for this many seconds first (dynamic energy)")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    command->add_option("--period", o->periodMs, "Power sampling period, ms")
        ->check(CLI::Range(1.0, 60000.0))
        ->capture_default_str();
    command->add_option("--peak-window", o->peakWindowMs,
                        "Peak power = the largest mean power over a window this long, ms (default: the period)");
    command->add_flag("--protran-compat", o->protranCompat,
                      "ProTran's definitions: latency over the whole measurement (model built, warm-up, runs) per "
                      "sequence; energy = trapezoid of the samples, no idle baseline; peak = largest sample");
    command->add_option("--sysfs-root", o->sysfsRoot, "Where sysfs is (tests use a fake tree)")->capture_default_str();
    command->add_option("--proc-root", o->procRoot, "Where procfs is (cpuinfo, loadavg)")->capture_default_str();
    command->add_option("--device", o->device, "The device's name in the profile")->capture_default_str();
    command->add_option("--seed", o->seed, "Seed of the random weights and token ids")->capture_default_str();
    command->add_option("--checkpoint", o->checkpoint,
                        "Trained weights: a training run's checkpoint.bin (one --model: the run's; with its --vocab "
                        "and --classes)");
    command->add_option("--vocab", o->vocabulary, "Token-embedding rows")
        ->check(CLI::Range(1, 1 << 22))
        ->capture_default_str();
    command->add_option("--classes", o->classes, "Classifier outputs")
        ->check(CLI::Range(1, 1 << 16))
        ->capture_default_str();
    command->add_option("--out", o->out, "The device profile to write (JSON)")->required();
    command->add_flag("--force", o->force, "Replace an existing --out");
    command->footer("Exit status: 0 written, 1 failed or cancelled, 2 bad input.\n"
                    "Examples:\n"
                    "  tcw profile --model bert-tiny --model bert-mini --runs 20 --out this-computer.json\n"
                    "  sudo tcw profile --model bert-mini --power rapl --idle 10 --period 50 --out rapl.json\n"
                    "  tcw profile --model bert-tiny --protran-compat --power csv:meter.csv --out meter.json");
    command->callback([o, &context] {
        context.exitCode = runProfile(*o, io::findDataDir(context.executablePath), context.commandLine);
    });
}

} // namespace tcw::cli
