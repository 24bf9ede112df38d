// Device profiles (issue 14): the JSON codec, and the measuring parts that need no device —
// statistics, power integration, energy counters read from a fake sysfs tree.
#include "io/device_profile_json.h"
#include "profile/device_profile.h"

#include "train/presets.h"

#include <QtTest>

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
};

QTEST_APPLESS_MAIN(TestProfile)
#include "test_profile.moc"
