// Issues 14/15: what a user reads of a union search says per sequence. `tcw pareto` heads the
// latency and energy columns "/seq" and explains the unit; `tcw export` names its CSV columns
// …_per_sequence and its JSON numbers are per sequence (an ELECTOR design's evaluation / its
// batchSize, its cycles those of the batch). An ELECTOR-only search's output is per batch and
// named as before.
#include "../support/tcw_process.h"

#include "store/workspace.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace {
using tcw::testing::runTcw;
using tcw::testing::TcwRun;
using namespace tcw;

QString readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
} // namespace

class TestCliUnionUnits : public QObject {
    Q_OBJECT
private slots:
    void unionSearchReadsPerSequence() {
        QTemporaryDir dir;
        const QString ws = dir.filePath("u.tcw");
        const TcwRun run = runTcw({"search", "--workspace", ws, "--targets", "elector,devices:cpu_rpi,npu_ncs",
                                   "--algorithm", "random", "--budget", "16", "--seed", "3", "--objectives",
                                   "accuracy,latency,energy,power", "--quiet"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const TcwRun pareto = runTcw({"pareto", ws});
        QVERIFY2(pareto.exitCode == 0, qPrintable(pareto.err));
        QVERIFY2(pareto.out.contains("latency/seq") && pareto.out.contains("energy/seq"), qPrintable(pareto.out));
        QVERIFY(pareto.out.contains("divided by its batch_size"));

        const QString csv = dir.filePath("all.csv"), json = dir.filePath("all.json");
        QCOMPARE(runTcw({"export", ws, "--selection", "all", "--format", "csv", "--out", csv}).exitCode, 0);
        QCOMPARE(runTcw({"export", ws, "--selection", "all", "--format", "json", "--out", json}).exitCode, 0);
        const QString header = readAll(csv).section('\n', 0, 0);
        QVERIFY2(header.contains("latency_s_per_sequence") && header.contains("energy_total_nj_per_sequence"),
                 qPrintable(header));

        // Every ELECTOR pair's exported numbers are its stored evaluation / batchSize.
        const auto doc = nlohmann::json::parse(readAll(json).toStdString());
        store::Workspace w = store::Workspace::openReadOnly(ws.toStdString());
        const auto trials = w.trials(1);
        int electors = 0;
        for (const auto& p : doc.at("pairs")) {
            const auto& m = p.at("metrics");
            QCOMPARE(m.at("basis").get<std::string>(), std::string("per sequence"));
            if (m.at("target") != "elector")
                continue;
            ++electors;
            const int position = p.at("trial").get<int>();
            const auto t = std::find_if(trials.begin(), trials.end(),
                                        [&](const store::TrialRecord& r) { return r.position == position; });
            QVERIFY(t != trials.end());
            const auto e = w.evaluation(*t->evaluationId);
            const int b = m.at("batchSize").get<int>();
            QVERIFY(b >= 1);
            QCOMPARE(m.at("latencySeconds").get<double>(), *e->latencySeconds / b);
            QCOMPARE(m.at("energyDynamicNJ").get<double>(), *e->energyDynamicNJ / b);
            QCOMPARE(m.at("batchCycles").get<std::int64_t>(), *e->cycles);
            QVERIFY(!m.contains("cycles"));
        }
        QVERIFY(electors > 0);
    }

    void electorOnlySearchReadsAsBefore() {
        QTemporaryDir dir;
        const QString ws = dir.filePath("e.tcw");
        const TcwRun run =
            runTcw({"search", "--workspace", ws, "--algorithm", "random", "--budget", "8", "--seed", "3", "--quiet"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const TcwRun pareto = runTcw({"pareto", ws});
        QVERIFY(pareto.exitCode == 0);
        QVERIFY(!pareto.out.contains("/seq"));
        const QString csv = dir.filePath("all.csv");
        QCOMPARE(runTcw({"export", ws, "--selection", "all", "--format", "csv", "--out", csv}).exitCode, 0);
        const QString header = readAll(csv).section('\n', 0, 0);
        QVERIFY2(header.contains("latency_s,") && !header.contains("per_sequence"), qPrintable(header));
    }
};

QTEST_GUILESS_MAIN(TestCliUnionUnits)
#include "test_cli_union_units.moc"
