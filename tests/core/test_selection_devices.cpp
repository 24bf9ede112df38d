// Issue 16: device selection over a catalogue mixing measured devices (the `device` kind,
// costed by the measured cost model), ELECTOR configurations and FPGA presets. A small
// synthetic catalogue read from files gives the hand-computed answer; the shipped example
// catalogue (EdgeTran's seven devices, two ELECTOR configurations, the two FPGA presets)
// gives the same matrix on every run and each device's latency from its own cost model.
#include "codesign/device_catalogue.h"
#include "devices/device_library.h"
#include "devices/selection_costs.h"
#include "io/device_profile_json.h"
#include "io/files.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tcw;
using namespace tcw::search;
namespace fs = std::filesystem;

namespace {

const fs::path kData = TCW_SOURCE_DATA_DIR;

void write(const QString& path, const std::string& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.data(), qint64(text.size()));
}

// One layer: H 32, 2 sa_sdp heads of 16, FF 64.
TransformerSpec tiny() {
    TransformerSpec m = uniformTransformer(1, 32, 2, 64);
    m.name = "tiny";
    return m;
}

// A device that measured `tiny` at `sequenceLength` tokens, `seconds` per sequence.
profile::DeviceProfile box(const std::string& name, int sequenceLength, double seconds) {
    profile::DeviceProfile p;
    p.deviceName = name;
    p.description = "synthetic test device";
    p.settings.sequenceLength = sequenceLength;
    profile::ProfileRow row;
    row.modelName = "tiny";
    row.model = tiny();
    row.latencySecondsPerSequence.median = row.latencySecondsPerSequence.mean = seconds;
    row.latencySecondsPerSequence.p5 = row.latencySecondsPerSequence.p95 = seconds;
    row.latencySecondsPerSequence.samples = 1;
    row.energyJoulesPerSequence = profile::Measure::unavailable("synthetic");
    row.dynamicEnergyJoulesPerSequence = profile::Measure::unavailable("synthetic");
    row.averagePowerW = profile::Measure::unavailable("synthetic");
    row.peakPowerW = profile::Measure::unavailable("synthetic");
    p.idlePowerW = profile::Measure::unavailable("synthetic");
    p.rows.push_back(row);
    return p;
}

const char* kFpga = R"({"kind": "fpga", "name": "mid", "dspSlices": 1728, "luts": 230400,
 "onChipMemoryBits": 1000000, "offChipBandwidthGBps": 1000, "clockMHz": 100, "peCount": 2,
 "macsPerPe": 16, "dspPerMac": 1, "lutsPerPe": 1500, "decodeBitsPerCycle": 64, "weightBits": 16,
 "weightFormat": "bitmap", "blockRows": 16, "blockCols": 16, "activationBits": 16})";

std::optional<double> oracle(const CompressionSetting& s) {
    if (s.pattern == "dense")
        return 0.90;
    return s.sparsity == 0.5 ? 0.88 : 0.80;
}

bool sameCells(const SelectionResult& a, const SelectionResult& b) {
    if (a.cells.size() != b.cells.size() || a.chosenEntry != b.chosenEntry || a.chosenSetting != b.chosenSetting)
        return false;
    for (std::size_t e = 0; e < a.cells.size(); ++e)
        for (std::size_t k = 0; k < a.cells[e].size(); ++k) {
            const auto &x = a.cells[e][k], &y = b.cells[e][k];
            if (x.feasible != y.feasible || x.latencySeconds != y.latencySeconds || x.reasons != y.reasons ||
                x.provenance != y.provenance)
                return false;
        }
    return true;
}

} // namespace

class TestSelectionDevices : public QObject {
    Q_OBJECT

private slots:
    void handComputedMixedCatalogue() {
        QTemporaryDir dir;
        write(dir.filePath("slow.json"), io::deviceProfileJson(box("slow-box", 16, 2e-3)));
        write(dir.filePath("fast.json"), io::deviceProfileJson(box("fast-box", 32, 1e-5)));
        write(dir.filePath("mid.json"), kFpga);
        write(dir.filePath("catalogue.json"), R"({"schemaVersion": 1, "kind": "deviceCatalogue", "targets": [
 {"name": "slow", "kind": "device", "file": "slow.json", "cost": {"price": 10}},
 {"name": "fast", "kind": "device", "file": "fast.json", "cost": {"price": 150}},
 {"name": "mid-fpga", "kind": "fpga", "file": "mid.json", "cost": {"price": 200}}]})");
        const auto cat = codesign::readDeviceCatalogue(dir.filePath("catalogue.json").toStdString(), kData);
        QCOMPARE(cat.entries.size(), std::size_t(3));
        QCOMPARE(cat.profiles.size(), std::size_t(2));
        QCOMPARE(cat.entries[0].target.kind(), TargetKind::Device);
        QCOMPARE(cat.entries[0].target.device()->device, std::string("slow-box"));
        SelectionInput in;
        in.model = tiny();
        in.task.sequenceLength = 16;
        in.task.vocabularySize = 100;
        in.latencyLimitSeconds = 30e-6;
        in.accuracyLimit = 0.85;
        in.settings = {{"dense", 0, 16}, {"unstructured", 0.5, 16}, {"unstructured", 0.75, 16}};
        in.catalogue = cat.entries;
        in.deviceLatency = cat.deviceLatency();
        const TechnologyLibrary tech = electorTechnology14nm();
        const SelectionResult r = selectDevice(in, oracle, tech);
        QVERIFY(r.errors.empty());
        // slow-box measured tiny at 16 tokens, 2 ms a sequence: the same in every column
        // (dense on a device), 1.97 ms above LC.
        for (const auto& cell : r.cells[0]) {
            QCOMPARE(*cell.latencySeconds, 2e-3);
            QVERIFY(!cell.feasible);
            QCOMPARE(cell.reasons.back(), std::string("latency 2 ms above LC 0.03 ms by 1.97 ms"));
            QCOMPARE(cell.provenance, std::string("measured"));
        }
        // fast-box measured it at 32 tokens, 10 µs. Forward MACs per token of tiny at S tokens:
        // heads 2·(3·32·16 + 2·S·16), output 32·32, FF 32·64 + 64·32, classifier 32·2 / S
        // = 8192 + 64·S + 64 / S; per sequence × S: 147,520 at 16, 327,744 at 32.
        const double fast = 1e-5 * 147520.0 / 327744.0;
        for (const auto& cell : r.cells[1]) {
            QVERIFY(std::abs(*cell.latencySeconds - fast) < 1e-18);
            QVERIFY(cell.provenance.find("measured; scaled by forward FLOPs from 32 to 16 tokens") == 0);
        }
        QVERIFY(r.cells[1][0].feasible && r.cells[1][1].feasible);
        QCOMPARE(r.cells[1][2].reasons, std::vector<std::string>{"accuracy 0.8 below AC 0.85 by 0.05"});
        // mid-fpga as in test_device_selection: 40.96, 20.48, 10.24 µs.
        QCOMPARE(*r.cells[2][0].latencySeconds, 4096 / 100e6);
        QCOMPARE(*r.cells[2][1].latencySeconds, 2048 / 100e6);
        QCOMPARE(r.rankedEntries, (std::vector<std::size_t>{0, 1, 2}));
        // The cheapest with a feasible setting: fast-box; dense and 50 % tie on latency, the
        // more accurate (dense) wins. Margins 30 µs − 4.501 µs and 0.05.
        QCOMPARE(r.chosenEntry, std::optional<std::size_t>(1));
        QCOMPARE(r.chosenSetting, std::optional<std::size_t>(0));
        QVERIFY(std::abs(r.latencyMarginSeconds - (30e-6 - fast)) < 1e-18);
        QVERIFY(std::abs(r.accuracyMargin - 0.05) < 1e-12);
        // Batch 3: three sequences' time.
        in.batch = 3;
        const SelectionResult three = selectDevice(in, oracle, tech);
        QCOMPARE(*three.cells[0][0].latencySeconds, 6e-3);
        // Without a measured cost model the device rows say so.
        in.deviceLatency = {};
        const SelectionResult none = selectDevice(in, oracle, tech);
        QCOMPARE(none.cells[0][0].reasons.back(),
                 std::string("cannot cost: no measured cost model for device 'slow-box'"));
        QVERIFY(!none.cells[0][0].latencySeconds);
    }

    void exampleCatalogueSameMatrixEveryRun() {
        const auto cat = codesign::readDeviceCatalogue(kData / "targets/example-catalogue.json", kData);
        int devices = 0, electors = 0, fpgas = 0;
        for (const auto& e : cat.entries) {
            devices += e.target.kind() == TargetKind::Device;
            electors += e.target.kind() == TargetKind::Elector;
            fpgas += e.target.kind() == TargetKind::Fpga;
        }
        QCOMPARE(devices, 7);
        QCOMPARE(electors, 2);
        QCOMPARE(fpgas, 2);
        QCOMPARE(cat.profiles.size(), std::size_t(7));
        auto model = io::resolveTransformer("bert-tiny", kData);
        QVERIFY(model.ok());
        SelectionInput in;
        in.model = *model.value;
        in.task.sequenceLength = 128;
        in.latencyLimitSeconds = 5e-3;
        in.accuracyLimit = 0.85;
        for (const auto& s : cat.settings)
            in.settings.push_back(s.setting);
        in.catalogue = cat.entries;
        in.deviceLatency = cat.deviceLatency();
        const TechnologyLibrary tech = electorTechnology14nm();
        const SelectionResult a = selectDevice(in, oracle, tech), b = selectDevice(in, oracle, tech);
        QVERIFY(sameCells(a, b));
        QVERIFY(a.chosenEntry.has_value());
        // Each device row: its own cost model's per-sequence latency (EdgeTran measured at
        // 128 tokens: no scaling), the same for every setting; the cost model here is fitted
        // afresh, so equal values also show the fit is reproducible.
        for (std::size_t e = 0; e < cat.entries.size(); ++e) {
            const DeviceTarget* d = cat.entries[e].target.device();
            if (!d) {
                QVERIFY(a.cells[e][0].provenance.empty());
                continue;
            }
            const auto loaded = devices::resolveDeviceProfile(d->device, kData);
            QVERIFY(loaded.ok());
            const auto estimate = devices::MeasuredCostModel(*loaded).estimate(in.model);
            QVERIFY(estimate.has_value());
            for (const auto& cell : a.cells[e]) {
                QCOMPARE(*cell.latencySeconds, estimate->latencySeconds);
                QCOMPARE(cell.provenance, estimate->provenance);
            }
        }
    }

    void deviceEntryErrors() {
        QTemporaryDir dir;
        auto refused = [&](const std::string& target, const std::string& expected) {
            write(dir.filePath("c.json"),
                  R"({"schemaVersion": 1, "kind": "deviceCatalogue", "targets": [)" + target + "]}");
            try {
                codesign::readDeviceCatalogue(dir.filePath("c.json").toStdString(), kData);
            } catch (const std::invalid_argument& e) {
                const std::string what = e.what();
                if (what.find(expected) == std::string::npos)
                    qWarning("%s", e.what());
                return what.find(expected) != std::string::npos;
            }
            return false;
        };
        QVERIFY(refused(R"({"name": "x", "kind": "device", "device": "tpu_v9", "cost": {"price": 1}})",
                        "targets[0].device: 'tpu_v9' is not a device preset; the presets are a100, cpu_jetson-nano"));
        QVERIFY(refused(R"({"name": "x", "kind": "device", "device": "a100", "file": "a.json", "cost": {"price": 1}})",
                        "targets[0].device: a device entry names its profile by exactly one of"));
        QVERIFY(refused(R"({"name": "x", "kind": "gpu", "file": "a.json", "cost": {"price": 1}})",
                        "targets[0].kind: 'gpu' is not a target kind; allowed: elector, fpga, device"));
    }
};

QTEST_GUILESS_MAIN(TestSelectionDevices)
#include "test_selection_devices.moc"
