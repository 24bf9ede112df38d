// Inference profiling on this computer (inference_profiler.h).
#include "inference_profiler.h"

#include "latency_stats.h"
#include "machine_descriptor.h"
#include "power_recorder.h"

#include "train/batch.h"
#include "train/checkpoint.h"
#include "train/network.h"
#include "train/runtime_info.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <random>
#include <thread>

namespace tcw::profile {

namespace {

std::string utcNow() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

void checkSettings(const ProfileRequest& r) {
    const ProfileSettings& s = r.settings;
    auto bad = [](const std::string& field, const std::string& allowed) {
        throw std::invalid_argument(field + ": must be " + allowed);
    };
    if (r.models.empty())
        bad("models", "at least one model");
    if (s.batchSize < 1 || s.batchSize > 4096)
        bad("batch", "1..4096, got " + std::to_string(s.batchSize));
    if (s.sequenceLength < 1 || s.sequenceLength > 8192)
        bad("seq", "1..8192, got " + std::to_string(s.sequenceLength));
    if (s.runs < 1 || s.runs > 1000000)
        bad("runs", "1..1000000, got " + std::to_string(s.runs));
    if (s.warmupRuns < 0 || s.warmupRuns > 1000000)
        bad("warm-up runs", "0..1000000, got " + std::to_string(s.warmupRuns));
    if (s.threads < 0 || s.threads > 4096)
        bad("threads", "0 (the default) .. 4096, got " + std::to_string(s.threads));
    if (!(s.samplePeriodMs >= 1 && s.samplePeriodMs <= 60000))
        bad("period", "1..60000 ms");
    if (!(s.idleSeconds >= 0 && s.idleSeconds <= 3600))
        bad("idle", "0..3600 seconds");
    if (!(s.peakWindowMs >= 0 && s.peakWindowMs <= 3.6e6))
        bad("peak window", "0..3600000 ms");
    if (r.vocabularySize < 1 || r.numClasses < 1)
        bad("task", "a vocabulary and at least one class");
    if (!r.checkpoint.empty() && r.models.size() != 1)
        bad("checkpoint", "given with exactly one model (the one it was trained for)");
}

train::Batch randomBatch(int batch, int sequence, int vocabulary, std::uint64_t seed) {
    train::Batch b;
    b.size = batch;
    b.sequenceLength = sequence;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::int32_t> token(0, vocabulary - 1);
    b.tokens.resize(static_cast<std::size_t>(batch) * sequence);
    for (auto& t : b.tokens)
        t = token(rng);
    b.mask.assign(b.tokens.size(), 1.0f);
    b.labels.assign(static_cast<std::size_t>(batch), 0);
    return b;
}

void checkStop(const std::atomic<bool>* stop) {
    if (stop && stop->load())
        throw ProfileCancelled();
}

// Sleeps `seconds` in slices, so a stop request is seen within 50 ms.
void idleFor(double seconds, const std::atomic<bool>* stop) {
    using namespace std::chrono;
    const auto end = steady_clock::now() + duration_cast<steady_clock::duration>(duration<double>(seconds));
    while (steady_clock::now() < end) {
        checkStop(stop);
        std::this_thread::sleep_for(std::min<steady_clock::duration>(milliseconds(50), end - steady_clock::now()));
    }
}

struct ModelWindows {
    double traceStart = 0; // before the network was built (ProTran's "process start")
    double timedStart = 0;
    double timedEnd = 0;
    std::vector<double> batchSeconds;
};

} // namespace

WindowMeasures measureWindow(const std::vector<PowerSample>& samples, bool counter, double traceStart,
                             double windowStart, double windowEnd, double sequences, const Measure& idleW,
                             const ProfileSettings& settings) {
    WindowMeasures m;
    std::vector<PowerSample> inside;
    for (const PowerSample& s : samples)
        if (s.timeSeconds >= traceStart && s.timeSeconds <= windowEnd)
            inside.push_back(s);
    m.trace = powerTraceOf(inside, counter, traceStart);
    m.trace.windowStartSeconds = windowStart - traceStart;
    m.trace.windowEndSeconds = windowEnd - traceStart;
    const double seconds = windowEnd - windowStart;
    std::optional<double> joules, peak;
    if (settings.protranCompat) {
        // ProTran: the trapezoid of the sampled power over the window, no baseline; the
        // largest sample is the peak.
        std::vector<double> t, p;
        for (std::size_t i = 0; i < m.trace.timeSeconds.size(); ++i)
            if (m.trace.timeSeconds[i] >= m.trace.windowStartSeconds &&
                m.trace.timeSeconds[i] <= m.trace.windowEndSeconds) {
                t.push_back(m.trace.timeSeconds[i]);
                p.push_back(m.trace.powerW[i]);
            }
        if (t.size() >= 2)
            joules = trapezoidJoules(t, p);
        peak = largestSampleW(m.trace, m.trace.windowStartSeconds, m.trace.windowEndSeconds);
    } else {
        joules = windowJoules(samples, counter, windowStart, windowEnd);
        peak = peakPowerW(m.trace, counter, settings.peakWindowMs / 1000.0, m.trace.windowStartSeconds,
                          m.trace.windowEndSeconds);
    }
    const std::string fewer =
        "fewer than two power samples inside the measured window (" + std::to_string(seconds * 1000.0) + " ms)";
    const std::string more = "raise --runs so the window spans several sampling periods, or lower --period";
    if (joules && seconds > 0) {
        m.energyJoulesPerSequence = Measure::of(*joules / sequences);
        m.averagePowerW = Measure::of(*joules / seconds);
        if (idleW.available())
            m.dynamicEnergyJoulesPerSequence = Measure::of((*joules - *idleW.value * seconds) / sequences);
        else
            m.dynamicEnergyJoulesPerSequence =
                Measure::unavailable("idle power not measured: " + idleW.reason, idleW.remedy);
    } else {
        m.energyJoulesPerSequence = Measure::unavailable(fewer, more);
        m.averagePowerW = Measure::unavailable(fewer, more);
        m.dynamicEnergyJoulesPerSequence = Measure::unavailable(fewer, more);
    }
    m.peakPowerW = peak ? Measure::of(*peak) : Measure::unavailable(fewer, more);
    return m;
}

DeviceProfile profileInference(const ProfileRequest& request,
                               const std::function<void(const ProfileProgress&)>& progress,
                               const std::atomic<bool>* stop) {
    checkSettings(request);
    const int modelCount = static_cast<int>(request.models.size());
    auto report = [&](int model, const char* stage) {
        if (progress)
            progress({model, modelCount, stage});
    };
    DeviceProfile profile;
    profile.deviceName = request.deviceName;
    profile.deviceClass = DeviceClass::Cpu;
    profile.settings = request.settings;
    profile.command = request.command;
    profile.measuredAt = utcNow();
    profile.machine = describeMachine(request.procRoot);
    profile.machine.runtime = train::onednnVersion();
    profile.machine.runtimeIsa = train::onednnEffectiveIsa();
    if (request.settings.threads > 0)
        train::setComputeThreads(request.settings.threads);
    profile.machine.threadsUsed = train::computeThreads();

    // The power source: live (sampled by a thread) or an external meter's log read afterwards.
    const bool meter = request.power.rfind("csv:", 0) == 0;
    OpenedSource opened;
    if (!meter)
        opened = openPowerSource(request.power, request.sysfsRoot);
    std::unique_ptr<PowerRecorder> recorder;
    if (opened.source) {
        recorder = std::make_unique<PowerRecorder>(*opened.source, request.settings.samplePeriodMs / 1000.0);
        recorder->start();
    }
    auto mark = [&] { return recorder ? recorder->mark() : epochSeconds(); };
    const bool measuringPower = recorder || meter;

    double idleStart = 0, idleEnd = 0;
    if (measuringPower && request.settings.idleSeconds > 0) {
        report(0, "idle");
        idleStart = mark();
        idleFor(request.settings.idleSeconds, stop);
        idleEnd = mark();
    }

    std::vector<ModelWindows> windows;
    std::int64_t trainedStep = -1;
    const ProfileSettings& s = request.settings;
    for (int i = 0; i < modelCount; ++i) {
        checkStop(stop);
        report(i, "warm-up");
        ModelWindows w;
        w.traceStart = mark();
        const TaskShape task{s.sequenceLength, request.vocabularySize, request.numClasses, 0};
        train::Network network(request.models[static_cast<std::size_t>(i)].second, task, s.batchSize);
        network.initialize(request.seed);
        if (!request.checkpoint.empty()) {
            const train::CheckpointState state = train::loadCheckpoint(request.checkpoint.string());
            const auto parameters = network.parameters();
            if (state.parameters.size() != parameters.size())
                throw std::invalid_argument(
                    request.checkpoint.string() + ": holds " + std::to_string(state.parameters.size()) +
                    " parameters; the model with a vocabulary of " + std::to_string(request.vocabularySize) + " and " +
                    std::to_string(request.numClasses) + " classes has " + std::to_string(parameters.size()) +
                    " (give the run's model, vocabulary and classes)");
            std::copy(state.parameters.begin(), state.parameters.end(), parameters.begin());
            trainedStep = state.step;
        }
        const train::Batch batch = randomBatch(s.batchSize, s.sequenceLength, request.vocabularySize, request.seed);
        for (int r = 0; r < s.warmupRuns; ++r) {
            network.forward(batch, nullptr);
            checkStop(stop);
        }
        report(i, "timing");
        w.timedStart = mark();
        for (int r = 0; r < s.runs; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            network.forward(batch, nullptr);
            const auto t1 = std::chrono::steady_clock::now();
            w.batchSeconds.push_back(std::chrono::duration<double>(t1 - t0).count());
            checkStop(stop);
        }
        w.timedEnd = mark();
        windows.push_back(std::move(w));
    }
    if (recorder)
        recorder->stop();
    profile.machine.loadAverageAfter = loadAverage(request.procRoot);

    // Samples and why energy is unavailable when there are none.
    std::vector<PowerSample> samples;
    bool counter = false;
    std::string reason = opened.reason, remedy = opened.remedy;
    if (recorder) {
        samples = recorder->samples();
        counter = opened.source->isCounter();
        profile.settings.powerSource = opened.source->name();
        profile.settings.powerSourceDetail = opened.source->detail();
        if (!recorder->error().empty()) {
            reason = "a reading failed: " + recorder->error();
            remedy.clear();
            samples.clear();
        }
    } else if (meter) {
        const std::filesystem::path file = request.power.substr(4);
        MeterLog log = readMeterCsv(file);
        if (!log.error.empty())
            throw std::invalid_argument("--power csv: " + log.error);
        samples = std::move(log.samples);
        profile.settings.powerSource = "csv";
        profile.settings.powerSourceDetail = file.string();
    } else {
        profile.settings.powerSource = "none";
        profile.settings.powerSourceDetail.clear();
    }
    const bool havePower = !samples.empty();

    if (!havePower)
        profile.idlePowerW = Measure::unavailable(reason, remedy);
    else if (s.idleSeconds <= 0)
        profile.idlePowerW = Measure::unavailable("idle power not measured (--idle 0)",
                                                  "pass --idle SECONDS to measure it before the models");
    else if (auto j = windowJoules(samples, counter, idleStart, idleEnd); j && idleEnd > idleStart)
        profile.idlePowerW = Measure::of(*j / (idleEnd - idleStart));
    else
        profile.idlePowerW = Measure::unavailable("the power log does not cover the idle window",
                                                  "start the meter before tcw profile and stop it after");

    for (int i = 0; i < modelCount; ++i) {
        const ModelWindows& w = windows[static_cast<std::size_t>(i)];
        ProfileRow row;
        row.modelName = request.models[static_cast<std::size_t>(i)].first;
        row.model = request.models[static_cast<std::size_t>(i)].second;
        const double sequences = static_cast<double>(s.runs) * s.batchSize;
        // ProTran's latency: the whole window (building the model, warm-up, the runs) per sequence.
        const double windowStart = s.protranCompat ? w.traceStart : w.timedStart;
        if (s.protranCompat) {
            row.batchLatencySeconds = {w.timedEnd - w.traceStart};
            row.latencySecondsPerSequence = latencyStats(std::vector<double>{(w.timedEnd - w.traceStart) / sequences});
        } else {
            row.batchLatencySeconds = w.batchSeconds;
            std::vector<double> perSequence;
            for (double b : w.batchSeconds)
                perSequence.push_back(b / s.batchSize);
            row.latencySecondsPerSequence = latencyStats(perSequence);
        }
        if (havePower) {
            WindowMeasures m = measureWindow(samples, counter, w.traceStart, windowStart, w.timedEnd, sequences,
                                             profile.idlePowerW, s);
            row.energyJoulesPerSequence = m.energyJoulesPerSequence;
            row.dynamicEnergyJoulesPerSequence = m.dynamicEnergyJoulesPerSequence;
            row.averagePowerW = m.averagePowerW;
            row.peakPowerW = m.peakPowerW;
            row.trace = std::move(m.trace);
        } else {
            row.energyJoulesPerSequence = row.dynamicEnergyJoulesPerSequence = row.averagePowerW = row.peakPowerW =
                Measure::unavailable(reason, remedy);
        }
        profile.rows.push_back(std::move(row));
    }
    report(modelCount, "done");
    profile.description = "This computer (" + (profile.machine.cpuModel.empty() ? "CPU" : profile.machine.cpuModel) +
                          (profile.machine.hypervisor ? ", a virtual machine" : "") + "): the workbench's oneDNN " +
                          s.precision + " forward pass, " +
                          (request.checkpoint.empty() ? "random weights (seed " + std::to_string(request.seed) + ")"
                                                      : "trained weights from " + request.checkpoint.string()) +
                          ", batch " + std::to_string(s.batchSize) + ", " + std::to_string(s.sequenceLength) +
                          " tokens, " + std::to_string(s.runs) + " timed batches after " +
                          std::to_string(s.warmupRuns) + " warm-up; power: " + profile.settings.powerSource +
                          (s.protranCompat ? "; ProTran's definitions (--protran-compat)" : "");
    profile.settings.weights = request.checkpoint.empty() ? "random (seed " + std::to_string(request.seed) + ")"
                                                          : "trained: " + request.checkpoint.string() + " (step " +
                                                                std::to_string(trainedStep) + ")";
    return profile;
}

} // namespace tcw::profile
