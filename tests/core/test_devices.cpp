// Issue 14: the device library (EdgeTran's data imported into device profiles), the profile
// codec, EdgeTran's objective, and the surrogates of the `measured` cost model.
#include "design/target.h"
#include "devices/device_library.h"
#include "devices/device_search.h"
#include "devices/device_stats.h"
#include "devices/device_store.h"
#include "io/formats.h"

#include "devices/device_surrogate.h"
#include "devices/edgetran_import.h"
#include "devices/edgetran_objective.h"
#include "store/schema.h"
#include "store/workspace.h"
#include <nlohmann/json.hpp>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace tcw;
using namespace tcw::devices;
namespace fs = std::filesystem;

namespace {
const fs::path kDataDir = TCW_SOURCE_DATA_DIR;

const std::vector<DeviceProfile>& edgetran() {
    static const std::vector<DeviceProfile> profiles = [] {
        auto imported = importEdgetranFile(kDataDir / "devices/edgetran_devices782.json");
        if (!imported.errors.empty())
            qFatal("%s", imported.errors.front().toString().c_str());
        return imported.profiles;
    }();
    return profiles;
}

const DeviceProfile& device(const std::string& id) {
    for (const auto& p : edgetran())
        if (p.deviceName == id)
            return p;
    qFatal("no device %s", id.c_str());
}

// Same to the 4 significant figures of the published per-device table (docs/devices.md).
bool sameTo4(double value, double printed) {
    return std::abs(value - printed) <= 0.5 * std::pow(10.0, std::floor(std::log10(printed)) - 3) * 1.0001;
}
} // namespace

class TestDevices : public QObject {
    Q_OBJECT
private slots:
    void importCountsRowsModelsAndCommonModels() {
        const auto& profiles = edgetran();
        QCOMPARE(profiles.size(), std::size_t(7));
        std::size_t rows = 0;
        for (const auto& p : profiles)
            rows += p.rows.size();
        QCOMPARE(rows, std::size_t(782));
        QCOMPARE(distinctModels(profiles), std::size_t(686));
        QCOMPARE(commonModels(profiles).size(), std::size_t(16));
    }

    void perDeviceTableOfEdgetranSection1_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("n");
        QTest::addColumn<QVector<double>>("table"); // latency, energy, peak: min / median / max
        QTest::newRow("a100") << "a100" << 239 << QVector<double>{0.003327, 0.006791, 0.01328, 0.1482, 0.3194,
                                                                  0.8269,   57.17,    158.0,   282.7};
        QTest::newRow("cpu_m1-pro") << "cpu_m1-pro" << 104
                                    << QVector<double>{0.2696, 0.8710, 1.842, 1.670, 14.85, 36.50, 13.48, 22.98, 27.05};
        QTest::newRow("gpu_m1-pro") << "gpu_m1-pro" << 92
                                    << QVector<double>{0.006610, 0.01765, 0.03782, 0.04197, 0.2232,
                                                       0.7286,   10.07,   22.28,   29.44};
        QTest::newRow("cpu_rpi") << "cpu_rpi" << 81
                                 << QVector<double>{4.010, 10.42, 85.87, 10.97, 30.26, 242.3, 4.118, 4.799, 6.231};
        QTest::newRow("npu_ncs") << "npu_ncs" << 21
                                 << QVector<double>{3.571, 45.44, 73.28, 4.490, 57.60, 90.26, 2.008, 2.127, 2.216};
        QTest::newRow("cpu_jetson-nano") << "cpu_jetson-nano" << 223
                                         << QVector<double>{4.503, 32.26, 78.55, 9.941, 82.49,
                                                            198.7, 4.066, 5.941, 7.158};
        QTest::newRow("gpu_jetson-nano") << "gpu_jetson-nano" << 22
                                         << QVector<double>{36.11, 58.44, 814.8, 81.17, 140.1,
                                                            1865,  3.693, 4.140, 6.435};
    }
    void perDeviceTableOfEdgetranSection1() {
        QFETCH(QString, id);
        QFETCH(int, n);
        QFETCH(QVector<double>, table);
        const DeviceSummary s = summarize(device(id.toStdString()));
        QCOMPARE(s.rows, std::size_t(n));
        QVERIFY(s.latency && s.energy && s.peakPower);
        const Spread* spreads[] = {&*s.latency, &*s.energy, &*s.peakPower};
        for (int m = 0; m < 3; ++m) {
            const double got[] = {spreads[m]->min, spreads[m]->median, spreads[m]->max};
            for (int k = 0; k < 3; ++k)
                QVERIFY2(sameTo4(got[k], table[3 * m + k]), qPrintable(QString("%1 measure %2 stat %3: %4 vs %5")
                                                                           .arg(id)
                                                                           .arg(m)
                                                                           .arg(k)
                                                                           .arg(got[k], 0, 'g', 8)
                                                                           .arg(table[3 * m + k])));
        }
    }

    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        const auto s = spreadOf({4, 1, 3, 2});
        QVERIFY(s);
        QCOMPARE(s->median, 2.5);
        QCOMPARE(s->min, 1.0);
        QCOMPARE(s->max, 4.0);
        QVERIFY(!spreadOf({}));
    }

    void eachProfileCarriesItsSettingsAndCaveats() {
        const auto& a100 = device("a100");
        QCOMPARE(a100.settings.batchSize, 128);
        QCOMPARE(a100.settings.runs, 3);
        QCOMPARE(a100.settings.powerSource, std::string("nvml"));
        QVERIFY(a100.settings.powerSourceDetail.find("nvidia-smi") != std::string::npos);
        QCOMPARE(a100.deviceClass, profile::DeviceClass::Gpu);
        const auto& rpi = device("cpu_rpi");
        QCOMPARE(rpi.settings.batchSize, 1);
        QCOMPARE(rpi.settings.samplePeriodMs, 4000.0);
        QCOMPARE(rpi.deviceClass, profile::DeviceClass::Cpu);
        const auto has = [](const DeviceProfile& p, std::string_view text) {
            return std::any_of(p.caveats.begin(), p.caveats.end(),
                               [&](const std::string& c) { return c.find(text) != std::string::npos; });
        };
        QVERIFY(has(rpi, "poll period of 4 s"));
        for (const auto& p : edgetran()) {
            QVERIFY(p.settings.protranCompat);
            QVERIFY(has(p, "no idle power subtracted"));
            // What EdgeTran does not give is unavailable with the reason, never zero.
            QVERIFY(!p.idlePowerW.available() && !p.idlePowerW.reason.empty());
            for (const auto& row : p.rows) {
                QVERIFY(!row.averagePowerW.available() && !row.averagePowerW.reason.empty());
                QCOMPARE(row.latencySecondsPerSequence.samples, 1);
                QVERIFY(row.glue);
            }
        }
    }

    void profileJsonRoundTrips() {
        const auto& p = device("npu_ncs");
        const std::string text = io::deviceProfileJson(p);
        const auto back = io::parseDeviceProfile(text, "npu_ncs.json");
        QVERIFY2(back.errors.ok(), back.errors.toString().c_str());
        QCOMPARE(back.value->rows.size(), p.rows.size());
        QVERIFY(*back.value == p);
        QCOMPARE(io::deviceProfileJson(*back.value), text);
    }

    void profileReaderNamesTheFieldAndWhatIsAllowed() {
        // A GLUE score is in [0, 1]: 70.x is refused naming the file, the row and the range.
        auto text = io::deviceProfileJson(device("npu_ncs"));
        const auto at = text.find("\"glue\": ");
        QVERIFY(at != std::string::npos);
        text.replace(at, 8, "\"glue\": 7");
        const auto loaded = io::parseDeviceProfile(text, "npu_ncs.json");
        QVERIFY(!loaded);
        QCOMPARE(loaded.errors.file, std::string("npu_ncs.json"));
        QVERIFY(!loaded.errors.errors.empty());
        QCOMPARE(QString::fromStdString(loaded.errors.errors.front().path), QString("rows[0].glue"));
        QVERIFY(loaded.errors.errors.front().message.find("[0, 1]") != std::string::npos);
    }

    void importRefusesAnUnknownDeviceNamingTheRow() {
        const auto r = importEdgetran(
            R"({"rows": [{"model_hash": "x", "device": "tpu", "model": {"l": 1, "o": [["sa_sdp_64"]], "h": [128], "f": [[512]]},
                "latency_s_per_seq": 1, "energy_j_per_seq": 1, "peak_power_w": 1, "glue": 0.7}]})",
            "test");
        QVERIFY(r.profiles.empty());
        QVERIFY(!r.errors.empty());
        QCOMPARE(QString::fromStdString(r.errors.front().path), QString("rows[0].device"));
    }

    // EdgeTran (docs/devices.md): under EdgeTran's objective the best stored pair is gpu_m1-pro with loss
    // 0.08720 and the worst stored loss is 0.47274.
    void edgetranObjectiveReproducesBestAndWorstStoredLoss() {
        const auto objective = ScalarObjective::edgetran();
        QVERIFY(objective.check().empty());
        double best = 1e9, worst = -1e9;
        std::string bestDevice;
        const ProfileRow* bestRow = nullptr;
        for (const auto& p : edgetran())
            for (const auto& row : p.rows) {
                const double loss = objective.loss(*row.glue, row.latencySecondsPerSequence.median,
                                                   *row.energyJoulesPerSequence.value, *row.peakPowerW.value);
                if (loss < best) {
                    best = loss;
                    bestDevice = p.deviceName;
                    bestRow = &row;
                }
                worst = std::max(worst, loss);
            }
        QCOMPARE(bestDevice, std::string("gpu_m1-pro"));
        QVERIFY2(std::abs(best - 0.08720) < 5e-6, qPrintable(QString::number(best, 'g', 10)));
        QVERIFY2(std::abs(worst - 0.47274) < 5e-6, qPrintable(QString::number(worst, 'g', 10)));
        QVERIFY(std::abs(*bestRow->glue - 0.8378) < 1e-9);
        QVERIFY(std::abs(bestRow->latencySecondsPerSequence.median - 0.01332) < 5e-6);
        // Hand-derived: GLUE 1, zero cost → loss 0; the weights sum to 1.
        QCOMPARE(objective.loss(1, 0, 0, 0), 0.0);
        QVERIFY(std::abs(objective.loss(0, 1000, 2000, 300) - 1.0) < 1e-12);
        auto limited = objective;
        limited.peakPowerLimitWatts = 20;
        QVERIFY(limited.feasible(18.2));
        QVERIFY(!limited.feasible(22));
        limited.latencyScaleSeconds = 0;
        QVERIFY(limited.check().find("latencyScaleSeconds") != std::string::npos);
    }

    void measuredCostModelAnswersRowsExactlyAndPredictsOthersWithSigma() {
        const MeasuredCostModel model(device("gpu_m1-pro"));
        const auto& row = device("gpu_m1-pro").rows[5];
        const auto exact = model.estimate(row.model);
        QVERIFY(exact && exact->measured);
        QCOMPARE(exact->latencySeconds, row.latencySecondsPerSequence.median);
        QCOMPARE(exact->provenance, std::string("measured"));
        QCOMPARE(exact->stddevFraction(), 0.0);
        // A model the M1 GPU never ran (measured on the A100 only).
        const ProfileRow* unseen = nullptr;
        for (const auto& r : device("a100").rows)
            if (!findRow(device("gpu_m1-pro"), r.model, r.modelName)) {
                unseen = &r;
                break;
            }
        QVERIFY(unseen);
        const auto predicted = model.estimate(unseen->model);
        QVERIFY(predicted && !predicted->measured);
        QVERIFY(predicted->provenance.rfind("predicted ± σ", 0) == 0);
        QVERIFY(predicted->latencySigma > 0);
        // Within the device's measured range widened by 3×: the surrogate is not wild.
        const auto s = summarize(device("gpu_m1-pro"));
        QVERIFY(predicted->latencySeconds > s.latency->min / 3 && predicted->latencySeconds < s.latency->max * 3);
    }

    // Physics surrogate on synthetic data that follows the law exactly: the non-negative fit
    // recovers it, predicts a model twice the size, and beats the mean predictor held out.
    void physicsSurrogateRecoversAnExactLawAndExtrapolates() {
        DeviceProfile p;
        p.deviceName = "synthetic";
        for (int layers = 1; layers <= 6; ++layers)
            for (int hidden : {128, 256, 512}) {
                ProfileRow row;
                row.modelName = std::to_string(layers) + "x" + std::to_string(hidden);
                row.model = uniformTransformer(layers, hidden, 2, 4 * hidden);
                const auto f = modelFeatures(row.model, 128);
                const double latency = 0.01 + 2e-11 * f.flops + 0.5 * layers * 1e-3;
                row.latencySecondsPerSequence = {latency, latency, latency, latency, 0.0, 1};
                p.rows.push_back(row);
            }
        DeviceSurrogate s;
        s.fit(p);
        const auto big = uniformTransformer(12, 768, 12, 3072);
        const auto f = modelFeatures(big, 128);
        const double truth = 0.01 + 2e-11 * f.flops + 0.5 * 12 * 1e-3;
        const auto& report = s.report();
        QCOMPARE(report.size(), std::size_t(1)); // latency only: no energy, no peak power
        QVERIFY(report[0].physics.mape < 1e-6);
        QVERIFY(report[0].physics.r2 > report[0].mean.r2);
        QCOMPARE(report[0].chosen, SurrogateKind::Physics);
        const auto pred = s.predict(big, Measure::Latency);
        QVERIFY(pred);
        QVERIFY2(std::abs(pred->value - truth) / truth < 1e-6, qPrintable(QString::number(pred->value / truth)));
    }

    // Profiles as workspace tables: saved and read back equal; saving again replaces.
    void profilesRoundTripThroughAWorkspace() {
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "devices.tcw";
        {
            auto ws = store::Workspace::create(path);
            QCOMPARE(ws.schemaVersion(), store::kSchemaVersion);
            saveDeviceProfile(ws.database(), device("npu_ncs"));
            saveDeviceProfile(ws.database(), device("gpu_jetson-nano"));
            saveDeviceProfile(ws.database(), device("npu_ncs"));
        }
        auto ws = store::Workspace::openReadOnly(path);
        const auto stored = loadDeviceProfiles(ws.database());
        QCOMPARE(stored.size(), std::size_t(2));
        QCOMPARE(stored[0].deviceName, std::string("gpu_jetson-nano"));
        // The workspace keeps each row's model, median latency (and its cv), energy, peak power,
        // GLUE and provenance; the profile file keeps the rest (docs/devices.md).
        for (const auto& [back, id] : {std::pair{stored[0], "gpu_jetson-nano"}, {stored[1], "npu_ncs"}}) {
            DeviceProfile kept = device(id);
            for (auto& row : kept.rows) {
                row.dynamicEnergyJoulesPerSequence = back.rows.front().dynamicEnergyJoulesPerSequence;
                row.averagePowerW = back.rows.front().averagePowerW;
            }
            QCOMPARE(back.rows.size(), kept.rows.size());
            QCOMPARE(back.caveats, kept.caveats);
            QVERIFY(back == kept);
        }
    }

    void deviceSetsNameDevices() {
        std::string error;
        QCOMPARE(deviceSet("devices:edgetran", kDataDir, error).size(), std::size_t(7));
        QVERIFY(error.empty());
        QCOMPARE(deviceSet("device:a100", kDataDir, error), std::vector<std::string>{"a100"});
        QCOMPARE(deviceSet("devices:a100,cpu_rpi,a100", kDataDir, error),
                 (std::vector<std::string>{"a100", "cpu_rpi"}));
        QVERIFY(deviceSet("devices:a100,../x", kDataDir, error).empty());
        QVERIFY(error.find("not a device id") != std::string::npos);
        QVERIFY(deviceSet("gpu", kDataDir, error).empty());
        QVERIFY(error.find("devices:edgetran") != std::string::npos);
    }

    // The device target kind: a pair's target {"kind": "device", "device": ID} reads and
    // writes back the same; a bad id is refused with the field and what is allowed.
    void deviceTargetJsonRoundTrips() {
        nlohmann::ordered_json pair = {
            {"schemaVersion", 1},
            {"kind", "pair"},
            {"name", "tiny on the M1 GPU"},
            {"transformer", nlohmann::ordered_json::parse(R"({"schemaVersion": 1, "kind": "transformer", "name": "t",
            "layers": [{"hiddenSize": 128, "heads": [{"type": "sa_sdp", "dim": 64}, {"type": "sa_sdp", "dim": 64}], "feedForward": [512]}]})")},
            {"target", {{"kind", "device"}, {"name", "m1"}, {"device", "gpu_m1-pro"}}}};
        const auto loaded = io::parseDocument(pair.dump(), io::Syntax::Json, "pair.json");
        QVERIFY2(loaded.ok(), loaded.errors.toString().c_str());
        const auto& p = std::get<io::CodesignPair>(*loaded.value);
        QCOMPARE(p.target.kind(), TargetKind::Device);
        QVERIFY(p.target.device());
        QCOMPARE(p.target.device()->device, std::string("gpu_m1-pro"));
        QCOMPARE(p.target.name(), std::string("m1"));
        QVERIFY(fieldsOf(TargetKind::Device).empty());
        const auto tree = nlohmann::ordered_json::parse(io::canonicalJson(*loaded.value));
        QCOMPARE(tree["target"].dump(), std::string(R"({"kind":"device","name":"m1","device":"gpu_m1-pro"})"));
        pair["target"]["device"] = "../etc";
        const auto bad = io::parseDocument(pair.dump(), io::Syntax::Json, "pair.json");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.errors.toString().find("target.device") != std::string::npos, bad.errors.toString().c_str());
        QCOMPARE(targetKindFromName("device"), std::optional<TargetKind>(TargetKind::Device));
    }

    // Model × device search: seeded with the stored pairs (its best stored loss is EdgeTran's
    // 0.08720 when gpu_m1-pro is among the devices), a front of mutually non-dominated pairs
    // that carry provenance, the peak-power constraint respected, reproducible by seed.
    void deviceSearchFrontCarriesProvenanceAndMeetsTheConstraint() {
        const std::vector<DeviceProfile> devices = {device("gpu_m1-pro"), device("npu_ncs"), device("gpu_jetson-nano")};
        DeviceSearchConfig config;
        config.budget = 30;
        config.seed = 3;
        const auto r = searchDevices(devices, config);
        QCOMPARE(r.pairs.size(), std::size_t(92 + 21 + 22 + 30));
        QVERIFY(std::abs(r.pairs[r.bestStored].loss - 0.08720) < 5e-6);
        QVERIFY(r.pairs[r.best].loss <= r.pairs[r.bestStored].loss);
        QCOMPARE(r.surrogates.size(), std::size_t(9));
        QVERIFY(!r.front.empty());
        for (std::size_t a : r.front) {
            const auto& p = r.pairs[a];
            QVERIFY(p.cost.provenance == "measured" || p.cost.provenance.rfind("predicted ± σ", 0) == 0);
            QCOMPARE(p.cost.measured, p.seeded);
            for (std::size_t b : r.front) {
                const auto& q = r.pairs[b];
                const bool dominated =
                    q.glue >= p.glue && q.cost.latencySeconds <= p.cost.latencySeconds &&
                    *q.cost.energyJoules <= *p.cost.energyJoules && *q.cost.peakPowerWatts <= *p.cost.peakPowerWatts &&
                    (q.glue > p.glue || q.cost.latencySeconds < p.cost.latencySeconds ||
                     *q.cost.energyJoules < *p.cost.energyJoules || *q.cost.peakPowerWatts < *p.cost.peakPowerWatts);
                QVERIFY(!dominated);
            }
        }
        const auto again = searchDevices(devices, config);
        QCOMPARE(again.pairs.back().loss, r.pairs.back().loss);
        config.objective.peakPowerLimitWatts = 15;
        const auto limited = searchDevices(devices, config);
        for (std::size_t a : limited.front)
            QVERIFY(*limited.pairs[a].cost.peakPowerWatts <= 15);
        QVERIFY(*limited.pairs[limited.best].cost.peakPowerWatts <= 15);
        QVERIFY(limited.pairs[limited.best].loss > 0.08720); // the best stored pair draws 18.2 W
    }

    void surrogatesBeatTheMeanPredictorOnLatencyOfTheM1Devices() {
        for (const char* id : {"cpu_m1-pro", "gpu_m1-pro"}) {
            DeviceSurrogate s;
            s.fit(device(id));
            QCOMPARE(s.report().size(), std::size_t(3));
            const auto& latency = s.report()[0];
            QCOMPARE(latency.measure, Measure::Latency);
            const FitQuality& chosen = latency.chosen == SurrogateKind::Trees ? latency.trees : latency.physics;
            QVERIFY2(chosen.mape < latency.mean.mape, id);
            QVERIFY2(chosen.r2 > latency.mean.r2, id);
        }
    }
};

QTEST_APPLESS_MAIN(TestDevices)
#include "test_devices.moc"
