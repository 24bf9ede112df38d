// Issue 14: `tcw search --targets devices:… --workspace W` stores its model × device pairs as
// designs (device targets), evaluations with provenance (measured, or predicted with the
// surrogate's σ) and trials; an interrupted search resumes to the same trials as one that
// ran through.
#include "../support/tcw_process.h"

#include "devices/device_library.h"
#include "devices/device_search_store.h"
#include "devices/device_store.h"
#include "store/workspace.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {
const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);
using tcw::testing::runTcw;
using tcw::testing::TcwRun;
using namespace tcw;

struct TrialRow {
    std::string spec;
    std::string objectives;
    bool operator==(const TrialRow&) const = default;
};

std::vector<TrialRow> trialRows(const store::Workspace& w, std::int64_t search) {
    std::vector<TrialRow> rows;
    for (const auto& t : w.trials(search))
        rows.push_back({w.design(*t.designId)->specJson, t.objectivesJson});
    return rows;
}

std::vector<devices::DeviceProfile> presets(const std::vector<std::string>& ids) {
    std::vector<devices::DeviceProfile> out;
    for (const auto& id : ids)
        out.push_back(*devices::resolveDeviceProfile(id, kData.toStdString()).value);
    return out;
}
} // namespace

class TestCliDeviceSearchStore : public QObject {
    Q_OBJECT
private slots:
    void searchIsStoredWithProvenance() {
        QTemporaryDir dir;
        const QString ws = dir.filePath("d.tcw");
        const TcwRun run = runTcw({"search", "--targets", "devices:cpu_rpi,npu_ncs", "--budget", "12", "--seed", "5",
                                   "--workspace", ws, "--quiet"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(run.out.contains("stored search 1"));

        const auto profiles = presets({"cpu_rpi", "npu_ncs"});
        store::Workspace w = store::Workspace::openReadOnly(ws.toStdString());
        const auto searches = w.searches();
        QCOMPARE(searches.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(searches[0].algorithm), QStringLiteral("device-search"));
        QCOMPARE(searches[0].status, store::RunStatus::Finished);
        const auto config = devices::parseDeviceSearchConfig(searches[0].configJson);
        QCOMPARE(config.deviceIds, (std::vector<std::string>{"cpu_rpi", "npu_ncs"}));
        QCOMPARE(config.search.budget, 12);

        // Every stored row of both devices, then the 12 new pairs.
        const std::size_t rows = profiles[0].rows.size() + profiles[1].rows.size();
        const auto trials = w.trials(searches[0].id);
        QCOMPARE(trials.size(), rows + 12);
        int measured = 0, predicted = 0;
        for (std::size_t i = 0; i < trials.size(); ++i) {
            const auto& t = trials[i];
            QCOMPARE(*t.position, std::int64_t(i));
            const auto design = w.design(*t.designId);
            QCOMPARE(QString::fromStdString(design->targetKind), QStringLiteral("device"));
            const auto e = w.evaluation(*t.evaluationId);
            QVERIFY(e);
            QCOMPARE(QString::fromStdString(e->costModel), QStringLiteral("measured"));
            const auto objectives = nlohmann::json::parse(t.objectivesJson);
            QCOMPARE(objectives.size(), std::size_t(4)); // GLUE, latency s, energy J, peak power W
            QCOMPARE(objectives[1].get<double>(), *e->latencySeconds);
            QVERIFY(std::abs(objectives[2].get<double>() * 1e9 - *e->energyTotalNJ()) <= 1e-9 * *e->energyTotalNJ());
            QVERIFY(std::abs(objectives[3].get<double>() * 1e3 - *e->peakPowerMW) <= 1e-9 * *e->peakPowerMW);
            QCOMPARE(objectives[0].get<double>(), *e->accuracy);
            const auto device = nlohmann::json::parse(design->specJson)["target"]["device"].get<std::string>();
            const auto& profile = profiles[device == "cpu_rpi" ? 0 : 1];
            if (i < rows) { // a stored row: its measured numbers, its published GLUE
                QCOMPARE(e->provenance, store::MetricsProvenance::Measured);
                QVERIFY(!e->metricsStdDevFraction);
                const std::size_t k = i < profiles[0].rows.size() ? i : i - profiles[0].rows.size();
                const auto& row = profile.rows[k];
                QCOMPARE(*e->latencySeconds, row.latencySecondsPerSequence.median);
                QCOMPARE(*e->peakPowerMW, *row.peakPowerW.value * 1e3);
                QCOMPARE(e->accuracySource, store::AccuracySource::Published);
                // A model's GLUE is the score EdgeTran's data gives it on the first device that
                // lists it (the data's scores of one model differ slightly between devices).
                const auto* first = devices::findRow(profiles[0], row.model, row.modelName);
                QCOMPARE(*e->accuracy, first && first->glue ? *first->glue : *row.glue);
            }
            if (e->provenance == store::MetricsProvenance::Measured) {
                ++measured;
            } else {
                QCOMPARE(e->provenance, store::MetricsProvenance::Predicted);
                QVERIFY(e->metricsStdDevFraction && *e->metricsStdDevFraction > 0);
                ++predicted;
            }
        }
        QVERIFY(measured >= int(rows));
        QVERIFY(predicted >= 1);
        // The searched profiles are in the workspace's device tables.
        const auto stored = devices::loadDeviceProfiles(w.database());
        QCOMPARE(stored.size(), std::size_t(2));
        QCOMPARE(stored[0].rows.size(), profiles[0].rows.size());
    }

    void interruptedSearchResumesToTheSameTrials() {
        QTemporaryDir dir;
        const QString whole = dir.filePath("whole.tcw"), cut = dir.filePath("cut.tcw");
        const QStringList args{"search", "--targets", "devices:cpu_rpi,npu_ncs", "--budget", "15", "--seed",
                               "9",      "--quiet"};
        TcwRun run = runTcw(args + QStringList{"--workspace", whole});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));

        // The same search stopped after 4 new pairs (as Ctrl-C stops it), through the core.
        devices::StoredDeviceSearchConfig config;
        config.targets = "devices:cpu_rpi,npu_ncs";
        config.deviceIds = {"cpu_rpi", "npu_ncs"};
        config.search.budget = 15;
        config.search.seed = 9;
        std::size_t stopped = 0;
        {
            store::Workspace w = store::Workspace::create(cut.toStdString());
            int asked = 0;
            const auto r = devices::runStoredDeviceSearch(w, presets(config.deviceIds), config, std::nullopt,
                                                          [&] { return ++asked > 4; });
            QVERIFY(r.stopped);
            stopped = w.trials(r.searchId).size();
            QCOMPARE(w.search(r.searchId)->status, store::RunStatus::Cancelled);
        }
        // A finished search is not resumed; the cancelled one is, to the same trials.
        run = runTcw(args + QStringList{"--workspace", whole, "--resume"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("no unfinished model × device search"));
        run = runTcw({"search", "--targets", "devices:edgetran", "--workspace", cut, "--resume", "--quiet"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains(QString("resumed search 1 in %1: %2 trials were stored").arg(cut).arg(stopped)),
                 qPrintable(run.out));
        const store::Workspace a = store::Workspace::openReadOnly(whole.toStdString());
        const store::Workspace b = store::Workspace::openReadOnly(cut.toStdString());
        QCOMPARE(b.search(1)->status, store::RunStatus::Finished);
        const auto rowsA = trialRows(a, 1), rowsB = trialRows(b, 1);
        QCOMPARE(rowsB.size(), rowsA.size());
        QVERIFY(rowsA == rowsB);
        QCOMPARE(b.counts().designs, a.counts().designs);
    }
};

QTEST_GUILESS_MAIN(TestCliDeviceSearchStore)
#include "test_cli_device_search_store.moc"
