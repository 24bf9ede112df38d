// tcw grow-prune end to end (issue 14): a seeded session on the bundled fortunes-mini data
// with a latency constraint on the Raspberry Pi, run twice, gives the same children (operators,
// changes, architectures, accuracies, costs); no accepted child breaks the constraint, the
// constraint does reject children, and the stored lineage is a tree of training runs.
#include "../support/tcw_process.h"

#include "store/run_lineage.h"
#include "store/workspace.h"

#include <QTemporaryDir>
#include <QtTest>

#include <map>

namespace {

const QString kTestData = QStringLiteral(TCW_TEST_DATA_DIR);
constexpr double kLatency =
    3.5; // s/seq on cpu_rpi: bert-tiny (3.467 s predicted) and its grown heads fit; a grown FF layer does not

QStringList sessionArgs(const QString& workspace) {
    return {"grow-prune",
            "--model",
            "bert-tiny",
            "--data",
            "fortunes",
            "--data-dir",
            kTestData + "/train/fortunes-mini",
            "--seq-len",
            "32",
            "--steps",
            "6",
            "--batch",
            "4",
            "--target",
            "device:cpu_rpi",
            "--latency",
            QString::number(kLatency),
            "--seed",
            "7",
            "--patience",
            "2",
            "--max-iterations",
            "6",
            "--grow-heads",
            "2",
            "--grow-ffs",
            "2",
            "--ff-width",
            "512",
            "--quiet",
            "--workspace",
            workspace};
}

struct Node {
    tcw::store::RunLineageRecord lineage;
    std::optional<double> accuracy;
    std::string spec; // the trained design's canonical JSON (its architecture)
    std::string config;
};

// Everything a session stored, keyed by run id, with the run's accuracy and its design.
std::vector<Node> stored(const QString& path) {
    auto ws = tcw::store::Workspace::openReadOnly(path.toStdString());
    std::map<std::int64_t, tcw::store::TrainingRunRecord> runs;
    for (auto& r : ws.trainingRuns())
        runs.emplace(r.id, r);
    std::vector<Node> out;
    for (const auto& l : tcw::store::runLineage(ws.database())) {
        const auto& run = runs.at(l.runId);
        out.push_back({l, run.finalAccuracy, ws.design(run.designId)->specJson, run.configJson});
    }
    return out;
}

} // namespace

using tcw::testing::runTcw;

class TestCliGrowPrune : public QObject {
    Q_OBJECT
private slots:
    void seededSessionIsReproducibleAndConstrained();
    void badOptionsNamed();
};

void TestCliGrowPrune::seededSessionIsReproducibleAndConstrained() {
    QTemporaryDir a, b;
    const auto first = runTcw(sessionArgs("gp.tcw"), a.path());
    QVERIFY2(first.exitCode == 0, qPrintable(first.err + first.out));
    const auto second = runTcw(sessionArgs("gp.tcw"), b.path());
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out, first.out); // every node line: operator, name, accuracy, loss, costs, verdict
    QVERIFY(first.out.contains("REJECTED: latency"));

    const auto one = stored(a.filePath("gp.tcw")), two = stored(b.filePath("gp.tcw"));
    QVERIFY(one.size() >= 5);
    QCOMPARE(two.size(), one.size());
    int accepted = 0, rejected = 0;
    std::map<std::int64_t, const Node*> byRun;
    for (const auto& n : one)
        byRun[n.lineage.runId] = &n;
    for (std::size_t i = 0; i < one.size(); ++i) {
        const Node& x = one[i];
        const Node& y = two[i];
        QCOMPARE(y.lineage.op, x.lineage.op);
        QCOMPARE(y.lineage.change, x.lineage.change);
        QCOMPARE(y.lineage.accepted, x.lineage.accepted);
        QCOMPARE(y.lineage.feasible, x.lineage.feasible);
        QCOMPARE(y.lineage.iteration, x.lineage.iteration);
        QCOMPARE(y.lineage.latencySeconds, x.lineage.latencySeconds);
        QCOMPARE(y.accuracy, x.accuracy); // bit for bit: the same training from the same weights
        QCOMPARE(y.spec, x.spec);         // the same architecture
        QVERIFY(x.accuracy.has_value());
        QVERIFY(x.lineage.latencySeconds.has_value());
        QCOMPARE(x.lineage.target, std::string("device:cpu_rpi"));
        // Feasible exactly when the latency meets the constraint; accepted only when feasible.
        QCOMPARE(x.lineage.feasible, *x.lineage.latencySeconds <= kLatency);
        if (x.lineage.accepted) {
            QVERIFY2(*x.lineage.latencySeconds <= kLatency, x.lineage.change.c_str());
            ++accepted;
        }
        if (!x.lineage.feasible) {
            QVERIFY(x.lineage.violations.find("latency") != std::string::npos);
            ++rejected;
        }
        // A tree: the root has no parent; every child's parent is an accepted run of the session.
        if (x.lineage.op == "root") {
            QVERIFY(!x.lineage.parentRunId);
            QCOMPARE(x.lineage.sessionRunId, x.lineage.runId);
        } else {
            QVERIFY(x.lineage.parentRunId.has_value());
            QVERIFY(byRun.count(*x.lineage.parentRunId));
            QVERIFY(byRun.at(*x.lineage.parentRunId)->lineage.accepted);
            QCOMPARE(x.lineage.sessionRunId, one.front().lineage.runId);
        }
    }
    QVERIFY(accepted >= 2); // the root and at least one child
    QVERIFY(rejected >= 1); // the constraint turned children away
}

void TestCliGrowPrune::badOptionsNamed() {
    QTemporaryDir dir;
    auto args = sessionArgs("x.tcw");
    args[args.indexOf("device:cpu_rpi")] = "elector";
    auto r = runTcw(args, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--target") && r.err.contains("device:ID"), qPrintable(r.err));
    args = sessionArgs("x.tcw");
    args[args.indexOf("--latency") + 1] = "-1";
    r = runTcw(args, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--latency") && r.err.contains("positive"), qPrintable(r.err));
    args = sessionArgs("x.tcw");
    args << "--transfer"
         << "copy";
    r = runTcw(args, dir.path());
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--transfer") && r.err.contains("ordered"), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestCliGrowPrune)
#include "test_cli_grow_prune.moc"
