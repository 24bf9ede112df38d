// Device profiles (issue 14): the JSON codec, and the measuring parts that need no device —
// statistics, power integration, energy counters read from a fake sysfs tree.
#include "io/device_profile_json.h"
#include "profile/device_profile.h"
#include "profile/inference_profiler.h"
#include "profile/latency_stats.h"
#include "profile/machine_descriptor.h"
#include "profile/power_math.h"
#include "profile/power_source.h"

#include "train/checkpoint.h"
#include "train/network.h"
#include "train/presets.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>

using namespace tcw;
using namespace tcw::profile;

namespace {

DeviceProfile sampleProfile() {
    DeviceProfile p;
    p.deviceName = "test-box";
    p.deviceClass = DeviceClass::Cpu;
    p.description = "a profile written by the test";
    p.machine.cpuModel = "Example CPU @ 2.0GHz";
    p.machine.logicalCpus = 8;
    p.machine.threadsUsed = 2;
    p.machine.isaFlags = {"avx2", "avx512f"};
    p.machine.runtime = "oneDNN 2.6.3";
    p.machine.runtimeIsa = "avx512_core_vnni";
    p.machine.kernel = "Linux 6.1.0";
    p.machine.hypervisor = true;
    p.machine.loadAverageBefore = std::array<double, 3>{0.5, 1.25, 2.0};
    p.settings.batchSize = 4;
    p.settings.runs = 3;
    p.settings.powerSource = "rapl";
    p.settings.powerSourceDetail = "intel-rapl:0";
    p.idlePowerW = Measure::of(10.5);
    p.command = "tcw profile --model bert-tiny";
    p.measuredAt = "2026-12-07T05:00:00Z";
    ProfileRow row;
    row.modelName = "bert-tiny-bench";
    row.model = train::benchModelPreset();
    row.latencySecondsPerSequence = {0.001, 0.0009, 0.0013, 0.0011, 0.1234567890123, 3};
    row.batchLatencySeconds = {0.004, 0.0036, 0.0052};
    row.energyJoulesPerSequence = Measure::of(0.0123);
    row.dynamicEnergyJoulesPerSequence = Measure::of(-0.001); // idle above the run: kept as measured
    row.averagePowerW = Measure::of(12.3);
    row.peakPowerW = Measure::unavailable("RAPL is root-only", "run as root");
    row.trace.timeSeconds = {0.0, 0.1, 0.2};
    row.trace.powerW = {11.0, 13.0, 12.0};
    row.trace.windowStartSeconds = 0.05;
    row.trace.windowEndSeconds = 0.15;
    p.rows.push_back(row);
    row.modelName = "no-trace";
    row.trace = {};
    p.rows.push_back(row);
    return p;
}

namespace fs = std::filesystem;

void writeText(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

// A fake sysfs with one RAPL package (its core subzone, which the package already counts,
// and its dram subzone, which it does not).
fs::path fakeRapl(const QTemporaryDir& dir, std::uint64_t package, std::uint64_t dram) {
    const fs::path root = dir.path().toStdString();
    const fs::path zone = root / "class/powercap/intel-rapl:0";
    writeText(zone / "name", "package-0\n");
    writeText(zone / "energy_uj", std::to_string(package) + "\n");
    writeText(zone / "max_energy_range_uj", "262143328850\n");
    writeText(zone / "intel-rapl:0:0/name", "core\n");
    writeText(zone / "intel-rapl:0:0/energy_uj", "5\n");
    writeText(zone / "intel-rapl:0:0/max_energy_range_uj", "262143328850\n");
    writeText(zone / "intel-rapl:0:2/name", "dram\n");
    writeText(zone / "intel-rapl:0:2/energy_uj", std::to_string(dram) + "\n");
    writeText(zone / "intel-rapl:0:2/max_energy_range_uj", "65532610987\n");
    return root;
}

// Samples of a source drawing `watts(t)`: a counter integrates it exactly (piecewise constant
// over each period), an instantaneous source reports it.
std::vector<PowerSample> samplesOf(double t0, double t1, double period, bool counter, double (*watts)(double)) {
    std::vector<PowerSample> out;
    double joules = 0;
    const int steps = static_cast<int>(std::lround((t1 - t0) / period));
    for (int i = 0; i <= steps; ++i) {
        const double t = t0 + i * period;
        if (i > 0)
            joules += watts(t - period / 2) * period;
        out.push_back({t, counter ? joules : watts(t)});
    }
    return out;
}

bool hasErrorAt(const io::FileErrors& errors, const std::string& path) {
    for (const auto& e : errors.errors)
        if (e.path == path)
            return true;
    return false;
}

} // namespace

class TestProfile : public QObject {
    Q_OBJECT

private slots:
    void codecRoundTrips() {
        const DeviceProfile p = sampleProfile();
        const std::string text = io::deviceProfileJson(p);
        QVERIFY(text.find("\"kind\": \"deviceProfile\"") != std::string::npos);
        QVERIFY(text.find("\"unavailable\": \"RAPL is root-only\"") != std::string::npos);
        const auto back = io::parseDeviceProfile(text, "p.json");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QVERIFY(*back == p);
        QCOMPARE(io::deviceProfileJson(*back), text);
    }

    void codecNamesTheFieldOfEachError() {
        const std::string text = io::deviceProfileJson(sampleProfile());
        auto broken = [&](const std::string& from, const std::string& to) {
            std::string t = text;
            const auto at = t.find(from);
            if (at == std::string::npos)
                qFatal("fixture text lacks %s", from.c_str());
            t.replace(at, from.size(), to);
            return io::parseDeviceProfile(t, "p.json");
        };
        auto r = broken("\"energyJoulesPerSequence\": 0.0123", "\"energyJoulesPerSequence\": -1");
        QVERIFY(!r.ok());
        QVERIFY2(hasErrorAt(r.errors, "rows[0].energyJoulesPerSequence"), r.errors.toString().c_str());
        r = broken("\"unavailable\": \"RAPL is root-only\"", "\"unavailable\": \"\"");
        QVERIFY2(hasErrorAt(r.errors, "rows[0].peakPowerW.unavailable"), r.errors.toString().c_str());
        r = broken("\"p95\": 0.0013", "\"p95\": 0.0001");
        QVERIFY2(hasErrorAt(r.errors, "rows[0].latencySecondsPerSequence"), r.errors.toString().c_str());
        r = broken("\"powerSource\": \"rapl\"", "\"powerSource\": \"guess\"");
        QVERIFY2(hasErrorAt(r.errors, "settings.powerSource"), r.errors.toString().c_str());
        r = broken("\"kind\": \"deviceProfile\"", "\"kind\": \"transformer\"");
        QVERIFY2(hasErrorAt(r.errors, "kind"), r.errors.toString().c_str());
        r = broken("\"powerW\": [", "\"powerW\": [ 1.0,");
        QVERIFY2(hasErrorAt(r.errors, "rows[0].trace.powerW"), r.errors.toString().c_str());
    }

    // ---------------------------------------------------------------- statistics

    void latencyStatsByHand() {
        // Sorted 1..10 (given shuffled): median at position 4.5 → 5.5; p5 at 0.45 → 1.45;
        // p95 at 8.55 → 9.55; mean 5.5; sample std sqrt(82.5/9) = 3.0277 → CV 0.55050.
        const std::vector<double> v{7, 3, 10, 1, 5, 9, 2, 8, 4, 6};
        const LatencyStats s = latencyStats(v);
        QCOMPARE(s.samples, 10);
        QCOMPARE(s.median, 5.5);
        QVERIFY(qAbs(s.p5 - 1.45) < 1e-12);
        QVERIFY(qAbs(s.p95 - 9.55) < 1e-12);
        QCOMPARE(s.mean, 5.5);
        QVERIFY(qAbs(s.cv - std::sqrt(82.5 / 9.0) / 5.5) < 1e-12);
        const LatencyStats one = latencyStats(std::vector<double>{0.25});
        QCOMPARE(one.median, 0.25);
        QCOMPARE(one.p95, 0.25);
        QCOMPARE(one.cv, 0.0);
    }

    // ---------------------------------------------------------------- counters

    void counterDeltaWrapsAround() {
        QCOMPARE(*counterDelta(100, 250, 1000), std::uint64_t(150));
        // Wrapped: from 900 up to the range (1000), then from 0 to 50.
        QCOMPARE(*counterDelta(900, 50, 1000), std::uint64_t(150));
        QCOMPARE(*counterDelta(262143328800ull, 40, 262143328850ull), std::uint64_t(90));
        QVERIFY(!counterDelta(900, 50, 0)); // no range known: a reset, not a wrap
    }

    void raplEnergyDeltasAndWrapAround() {
        QTemporaryDir dir;
        const fs::path root = fakeRapl(dir, 1'000'000, 2'000'000);
        OpenedSource opened = openRapl(root);
        QVERIFY2(opened.source, opened.reason.c_str());
        QVERIFY(opened.source->isCounter());
        QCOMPARE(opened.source->detail(), std::string("intel-rapl:0 (package-0) + intel-rapl:0:2 (dram)"));
        QCOMPARE(*opened.source->read(), 0.0); // joules since opened
        // +3.5 J package, +0.5 J dram; the core subzone (inside the package) is not added.
        const fs::path zone = root / "class/powercap/intel-rapl:0";
        writeText(zone / "energy_uj", "4500000");
        writeText(zone / "intel-rapl:0:2/energy_uj", "2500000");
        writeText(zone / "intel-rapl:0:0/energy_uj", "999999999");
        QVERIFY(qAbs(*opened.source->read() - 4.0) < 1e-9);
        // The package wraps at 262143328850 µJ: from 262143328000 to 150 is 1000 µJ.
        writeText(zone / "energy_uj", "262143328000");
        const double before = *opened.source->read();
        writeText(zone / "energy_uj", "150");
        QVERIFY(qAbs(*opened.source->read() - before - 0.001) < 1e-9);
        QVERIFY(before > 262000.0); // the 262 kJ step up to the near-full counter was counted
    }

    void raplPermissionDeniedIsUnavailableWithRemedy() {
        QTemporaryDir dir;
        const fs::path root = fakeRapl(dir, 1, 1);
        // Root reads a chmod 000 file, so the denial is acted out by the reader.
        const AttributeReader denying = [](const fs::path& p) {
            if (p.filename() == "energy_uj")
                return AttributeRead{std::nullopt, EACCES, "Permission denied"};
            return readAttribute(p);
        };
        const OpenedSource opened = openRapl(root, denying);
        QVERIFY(!opened.source);
        QVERIFY2(opened.reason.find("root only on Linux >= 5.10") != std::string::npos, opened.reason.c_str());
        QVERIFY2(opened.reason.find("Permission denied") != std::string::npos, opened.reason.c_str());
        QVERIFY2(opened.remedy.find("chmod a+r") != std::string::npos, opened.remedy.c_str());
        // auto tries every source and says why each failed.
        const OpenedSource any = openPowerSource("auto", root, denying);
        QVERIFY(!any.source);
        QVERIFY(any.reason.find("root only") != std::string::npos);
        QVERIFY(any.reason.find("no perf power PMU") != std::string::npos);
        QVERIFY(any.reason.find("hwmon") != std::string::npos);
    }

    void missingPowercapIsUnavailable() {
        QTemporaryDir dir;
        const OpenedSource opened = openRapl(dir.path().toStdString());
        QVERIFY(!opened.source);
        QVERIFY(opened.reason.find("no RAPL powercap zones") != std::string::npos);
        QVERIFY(opened.remedy.find("csv:FILE") != std::string::npos);
        QVERIFY(!openPowerSource("none", dir.path().toStdString()).source);
        QVERIFY(openPowerSource("bogus", dir.path().toStdString()).remedy.find("rapl") != std::string::npos);
    }

    void perfPowerEventsFromSysfs() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const fs::path pmu = root / "bus/event_source/devices/power";
        writeText(pmu / "type", "4242\n");
        writeText(pmu / "events/energy-pkg", "event=0x02\n");
        writeText(pmu / "events/energy-pkg.scale", "2.3283064365386962890625e-10\n");
        writeText(pmu / "events/energy-pkg.unit", "Joules\n");
        writeText(pmu / "events/energy-ram", "event=0x03\n");
        writeText(pmu / "events/energy-ram.scale", "6.103515625e-05\n");
        writeText(pmu / "events/energy-ram.unit", "Joules\n");
        const PerfEvents found = readPerfPowerEvents(root);
        QCOMPARE(found.events.size(), std::size_t(2));
        QCOMPARE(found.events[0].name, std::string("energy-pkg"));
        QCOMPARE(found.events[0].type, 4242);
        QCOMPARE(found.events[0].config, std::uint64_t(2));
        QCOMPARE(found.events[0].scale, 2.3283064365386962890625e-10); // 2^-32 J per count
        QCOMPARE(found.events[1].config, std::uint64_t(3));
        // PMU type 4242 does not exist in this kernel: opening fails, and says so.
        const OpenedSource opened = openPerfPower(root);
        QVERIFY(!opened.source);
        QVERIFY2(opened.reason.find("perf_event_open of power/energy-pkg/ failed") != std::string::npos,
                 opened.reason.c_str());
    }

    void hwmonPowerAndEnergySensors() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeText(root / "class/hwmon/hwmon0/power1_input", "12500000\n"); // µW
        writeText(root / "class/hwmon/hwmon1/power1_average", "2500000\n");
        OpenedSource opened = openHwmon(root);
        QVERIFY2(opened.source, opened.reason.c_str());
        QVERIFY(!opened.source->isCounter());
        QCOMPARE(*opened.source->read(), 15.0);
        // An energy counter (µJ) takes precedence over power sensors.
        writeText(root / "class/hwmon/hwmon2/energy1_input", "1000000\n");
        opened = openHwmon(root);
        QVERIFY(opened.source->isCounter());
        writeText(root / "class/hwmon/hwmon2/energy1_input", "3000000\n");
        QCOMPARE(*opened.source->read(), 2.0);
    }

    // ---------------------------------------------------------------- integration

    void a100TraceTrapezoidMatchesReference() {
        // The real nvidia-smi trace ProTran recorded (tests/data/profile/README.md). Expected
        // value computed independently with Python from the same file:
        //   s = json.load(f)["samples"]; t = [x["time"] …]; p = [x["power_metrics"]["gpu"] …]
        //   sum(0.5*(p[i]+p[i-1])*(t[i]-t[i-1]) for i in range(1, 105)) = 557.2454398930074 J
        // over 14.850998163223267 s (mean 37.522 W); the largest sample is 40.61 W.
        std::ifstream in(TCW_TEST_DATA_DIR "/profile/protran_a100_bert_tiny_trace.json");
        QVERIFY(in);
        const auto doc = nlohmann::json::parse(in);
        std::vector<double> t, p;
        for (const auto& sample : doc.at("samples")) {
            t.push_back(sample.at("time").get<double>());
            p.push_back(sample.at("power_metrics").at("gpu").get<double>());
        }
        QCOMPARE(t.size(), std::size_t(105));
        QVERIFY(qAbs(trapezoidJoules(t, p) - 557.2454398930074) < 1e-9);
        // The same through the profiler's ProTran path: the whole trace is the window.
        std::vector<PowerSample> samples;
        for (std::size_t i = 0; i < t.size(); ++i)
            samples.push_back({1000.0 + t[i], p[i]});
        ProfileSettings settings;
        settings.protranCompat = true;
        const WindowMeasures m =
            measureWindow(samples, false, 1000.0, 1000.0, 1000.0 + t.back(), 1.0, Measure::unavailable("x"), settings);
        QVERIFY(qAbs(*m.energyJoulesPerSequence.value - 557.2454398930074) < 1e-9);
        QCOMPARE(*m.peakPowerW.value, 40.61);
        QVERIFY(qAbs(*m.averagePowerW.value - 557.2454398930074 / 14.850998163223267) < 1e-9);
        // Our window integral of instantaneous samples agrees where the window is the trace.
        QVERIFY(qAbs(*windowJoules(samples, false, 1000.0, 1000.0 + t.back()) - 557.2454398930074) < 1e-9);
    }

    void windowEnergyInterpolatesAtTheEdges() {
        // Instantaneous 10 W at t = 0, 20 W at t = 1: over [0.5, 1] the power runs 15 → 20 W,
        // 8.75 J; a counter at 0 J and 10 J gives 5 J over [0.5, 1] by linear interpolation.
        const std::vector<PowerSample> watts{{0, 10}, {1, 20}};
        QVERIFY(qAbs(*windowJoules(watts, false, 0.5, 1.0) - 8.75) < 1e-12);
        const std::vector<PowerSample> joules{{0, 0}, {1, 10}};
        QVERIFY(qAbs(*windowJoules(joules, true, 0.5, 1.0) - 5.0) < 1e-12);
        QVERIFY(!windowJoules(joules, true, 0.5, 1.5)); // not covered
    }

    void idleSubtraction() {
        // 30 W for the 2 s window (counter, 0.1 s period); idle measured at 10 W; 4 sequences:
        // energy 60 J → 15 J/seq; dynamic (60 − 10·2)/4 = 10 J/seq; average 30 W.
        const auto samples = samplesOf(100.0, 102.0, 0.1, true, [](double) { return 30.0; });
        ProfileSettings settings;
        const WindowMeasures m = measureWindow(samples, true, 100.0, 100.0, 102.0, 4.0, Measure::of(10.0), settings);
        QVERIFY(qAbs(*m.energyJoulesPerSequence.value - 15.0) < 1e-9);
        QVERIFY(qAbs(*m.dynamicEnergyJoulesPerSequence.value - 10.0) < 1e-9);
        QVERIFY(qAbs(*m.averagePowerW.value - 30.0) < 1e-9);
        // Without idle power the dynamic energy is unavailable and says why, never 0.
        const WindowMeasures noIdle =
            measureWindow(samples, true, 100.0, 100.0, 102.0, 4.0,
                          Measure::unavailable("idle power not measured (--idle 0)"), settings);
        QVERIFY(!noIdle.dynamicEnergyJoulesPerSequence.available());
        QVERIFY(noIdle.dynamicEnergyJoulesPerSequence.reason.find("--idle 0") != std::string::npos);
    }

    void peakOverAStatedWindow() {
        // 20 W, except 100 W during [0.5, 0.6) s; counter sampled every 0.1 s over [0, 2] s.
        auto spike = [](double t) { return t >= 0.5 && t < 0.6 ? 100.0 : 20.0; };
        const auto samples = samplesOf(0.0, 2.0, 0.1, true, spike);
        const PowerTrace trace = powerTraceOf(samples, true, 0.0);
        QCOMPARE(trace.timeSeconds.size(), std::size_t(20));
        // Window 0.1 s: the spike itself; 0.2 s: (100 + 20)/2; 1 s: (100·0.1 + 20·0.9)/1.
        QVERIFY(qAbs(*peakPowerW(trace, true, 0.1, 0.0, 2.0) - 100.0) < 1e-9);
        QVERIFY(qAbs(*peakPowerW(trace, true, 0.2, 0.0, 2.0) - 60.0) < 1e-9);
        QVERIFY(qAbs(*peakPowerW(trace, true, 1.0, 0.0, 2.0) - 28.0) < 1e-9);
        // Only intervals inside the window count: [1, 2] never sees the spike.
        QVERIFY(qAbs(*peakPowerW(trace, true, 0.1, 1.0, 2.0) - 20.0) < 1e-9);
        // A window longer than the trace: the mean over all of it, (100·0.1 + 20·1.9)/2.
        QVERIFY(qAbs(*peakPowerW(trace, true, 5.0, 0.0, 2.0) - 24.0) < 1e-9);
        // ProTran's peak is the largest sample.
        QCOMPARE(*largestSampleW(trace, 0.0, 2.0), 100.0);
    }

    void meterCsv() {
        QTemporaryDir dir;
        const fs::path file = dir.filePath("meter.csv").toStdString();
        writeText(file, "time,W\n# comment\n1000.0,5\n1000.5,7\n1001.0,9\n");
        const MeterLog log = readMeterCsv(file);
        QVERIFY2(log.error.empty(), log.error.c_str());
        QCOMPARE(log.samples.size(), std::size_t(3));
        QVERIFY(qAbs(*windowJoules(log.samples, false, 1000.0, 1001.0) - 7.0) < 1e-12); // (6 + 8)/2
        writeText(file, "1000.0,5\n1000.5,seven\n");
        const MeterLog bad = readMeterCsv(file);
        QVERIFY2(bad.error.find("line 2") != std::string::npos, bad.error.c_str());
        writeText(file, "1000.0,5\n999.0,5\n");
        QVERIFY(readMeterCsv(file).error.find("must not decrease") != std::string::npos);
    }

    void machineDescriptorFromProc() {
        QTemporaryDir dir;
        const fs::path proc = dir.path().toStdString();
        writeText(proc / "cpuinfo", "processor\t: 0\nmodel name\t: Test CPU 9000\nflags\t\t: fpu sse4_2 avx2 "
                                    "avx512f avx512_vnni hypervisor\n\nprocessor\t: 1\nmodel name\t: Test CPU "
                                    "9000\nflags\t\t: fpu sse4_2 avx2 avx512f avx512_vnni hypervisor\n");
        writeText(proc / "loadavg", "0.50 1.25 2.00 1/100 42\n");
        const MachineDescriptor m = describeMachine(proc);
        QCOMPARE(m.cpuModel, std::string("Test CPU 9000"));
        QCOMPARE(m.logicalCpus, 2);
        QCOMPARE(m.isaFlags, (std::vector<std::string>{"sse4_2", "avx2", "avx512f", "avx512_vnni"}));
        QVERIFY(m.hypervisor);
        QVERIFY(m.loadAverageBefore);
        QCOMPARE((*m.loadAverageBefore)[1], 1.25);
        QVERIFY(!m.kernel.empty());
    }

    void profileWithAFakeHwmonSensor() {
        // End to end on a fake 5 W sensor: idle 5 W, average 5 W, dynamic ≈ 0, peak 5 W, and
        // energy = 5 W × the timed window / sequences.
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeText(root / "class/hwmon/hwmon0/power1_input", "5000000\n");
        ProfileRequest request;
        request.models = {{"bench", train::benchModelPreset()}};
        request.settings.batchSize = 2;
        request.settings.sequenceLength = 16;
        request.settings.runs = 3;
        request.settings.warmupRuns = 1;
        request.settings.samplePeriodMs = 10;
        request.settings.peakWindowMs = 10;
        request.settings.idleSeconds = 0.05;
        request.power = "hwmon";
        request.sysfsRoot = root;
        request.vocabularySize = 1000;
        const DeviceProfile p = profileInference(request);
        QCOMPARE(p.settings.powerSource, std::string("hwmon"));
        QVERIFY(p.idlePowerW.available());
        QVERIFY(qAbs(*p.idlePowerW.value - 5.0) < 1e-9);
        QCOMPARE(p.rows.size(), std::size_t(1));
        const ProfileRow& row = p.rows[0];
        QCOMPARE(row.latencySecondsPerSequence.samples, 3);
        QCOMPARE(row.batchLatencySeconds.size(), std::size_t(3));
        QVERIFY(row.latencySecondsPerSequence.median > 0);
        QVERIFY(qAbs(*row.averagePowerW.value - 5.0) < 1e-9);
        QVERIFY(qAbs(*row.peakPowerW.value - 5.0) < 1e-9);
        QVERIFY(qAbs(*row.dynamicEnergyJoulesPerSequence.value) < 1e-9);
        const double window = row.trace.windowEndSeconds - row.trace.windowStartSeconds;
        QVERIFY(qAbs(*row.energyJoulesPerSequence.value - 5.0 * window / 6.0) < 1e-9);
        QVERIFY(!row.trace.empty());
        // The profile reads back through the codec.
        const auto back = io::parseDeviceProfile(io::deviceProfileJson(p), "p.json");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QVERIFY(*back == p);
    }

    void profileWithoutPowerSaysWhy() {
        QTemporaryDir dir; // an empty sysfs: no source anywhere
        ProfileRequest request;
        request.models = {{"bench", train::benchModelPreset()}};
        request.settings.sequenceLength = 8;
        request.settings.runs = 2;
        request.settings.warmupRuns = 0;
        request.sysfsRoot = dir.path().toStdString();
        request.vocabularySize = 100;
        const DeviceProfile p = profileInference(request);
        QCOMPARE(p.settings.powerSource, std::string("none"));
        for (const Measure* m : {&p.idlePowerW, &p.rows[0].energyJoulesPerSequence, &p.rows[0].peakPowerW,
                                 &p.rows[0].averagePowerW, &p.rows[0].dynamicEnergyJoulesPerSequence}) {
            QVERIFY(!m->available());
            QVERIFY2(m->reason.find("no RAPL powercap zones") != std::string::npos, m->reason.c_str());
        }
        QVERIFY(p.rows[0].trace.empty());
        // Bad settings are refused with the field and what is allowed.
        request.settings.runs = 0;
        QVERIFY_EXCEPTION_THROWN(profileInference(request), std::invalid_argument);
    }

    void profileWithTrainedWeights() {
        QTemporaryDir dir;
        const TaskShape task{8, 100, 2, 0};
        train::Network network(train::benchModelPreset(), task, 1);
        network.initialize(7);
        train::CheckpointState state;
        state.step = 42;
        state.parameters.assign(network.parameters().begin(), network.parameters().end());
        const std::string file = dir.filePath("checkpoint.bin").toStdString();
        train::saveCheckpoint(file, state);
        ProfileRequest request;
        request.models = {{"bench", train::benchModelPreset()}};
        request.settings.sequenceLength = 8;
        request.settings.runs = 1;
        request.settings.warmupRuns = 0;
        request.power = "none";
        request.vocabularySize = 100;
        request.checkpoint = file;
        const DeviceProfile p = profileInference(request);
        QCOMPARE(p.settings.weights, "trained: " + file + " (step 42)");
        // A checkpoint of another shape is refused with both parameter counts.
        request.vocabularySize = 101;
        try {
            profileInference(request);
            QFAIL("a mismatched checkpoint was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("holds " + std::to_string(state.parameters.size())) !=
                         std::string::npos,
                     e.what());
        }
    }

    void shippedH100ProfileReads() {
        // data/devices/h100-profile.json (written by tools/profile_cuda.py on an H100) reads
        // through the same codec as tcw profile's output.
        const auto p = io::loadDeviceProfile(TCW_SOURCE_DATA_DIR "/devices/h100-profile.json");
        QVERIFY2(p.ok(), p.errors.toString().c_str());
        QCOMPARE(p->deviceClass, DeviceClass::Gpu);
        QCOMPARE(p->rows.size(), std::size_t(18));
        QCOMPARE(p->settings.powerSource, std::string("nvml"));
        QCOMPARE(p->settings.peakWindowMs, 1000.0);
        for (const ProfileRow& row : p->rows) {
            QVERIFY(row.energyJoulesPerSequence.available());
            QVERIFY(row.latencySecondsPerSequence.samples >= 20);
            // Power within the card's 700 W limit up to the counter's stated quantisation.
            QVERIFY(*row.peakPowerW.value < 700.0 * 1.1);
            QVERIFY(*row.averagePowerW.value <= *row.peakPowerW.value);
        }
        QVERIFY(io::loadDeviceProfile(TCW_SOURCE_DATA_DIR "/devices/h100-protran-bert-tiny.json").ok());
    }
};

QTEST_APPLESS_MAIN(TestProfile)
#include "test_profile.moc"
