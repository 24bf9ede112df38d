// Issue 14's GPTran view in the window (offscreen): a workspace holding a grow-and-prune
// session (a root, an accepted grown child, and under it a child rejected by the latency
// constraint and an accepted pruned one) shows as a tree with each node's operator, accuracy, the target's costs and
// the verdict; choosing a node selects its design in the explorer; another workspace clears it.
#include "grow_prune_loader.h"
#include "main_window.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"
#include "io/formats.h"
#include "panels/grow_prune_page.h"
#include "store/run_lineage.h"
#include "store/workspace.h"

#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace tcw;
using app::MainWindow;

namespace {

struct Made {
    QString path;
    std::vector<std::int64_t> designs, runs;
};

// root → grown (accepted) → {a grown child over the latency limit, a pruned one (accepted)}.
Made makeSession(const QTemporaryDir& dir) {
    Made m;
    m.path = dir.filePath(QStringLiteral("gp.tcw"));
    auto ws = store::Workspace::create(m.path.toStdString());
    const char* names[] = {"tiny", "tiny gp1.1", "tiny gp2.1", "tiny gp3.1"};
    const int heads[] = {2, 3, 3, 2};
    const int ff[] = {64, 64, 128, 64};
    const double accuracy[] = {0.5, 0.75, 0.8, 0.7};
    const double latency[] = {3.40, 3.45, 3.55, 3.41};
    const char* ops[] = {"root", "grow-head", "grow-ff", "prune-heads"};
    const int parents[] = {-1, 0, 1, 1};
    for (int i = 0; i < 4; ++i) {
        TransformerSpec t = uniformTransformer(2, 48, heads[i], ff[i]);
        t.name = names[i];
        const std::string spec = io::formatDocument(io::Document{t}, io::FileFormat::WorkbenchJson).text;
        m.designs.push_back(ws.addDesign(names[i], store::DesignKind::Transformer, spec));
        store::TrainingRunRecord run;
        run.designId = m.designs.back();
        run.name = std::string(names[i]) + " on fortunes";
        run.dataset = "fortunes";
        run.status = store::RunStatus::Finished;
        run.finalAccuracy = accuracy[i];
        m.runs.push_back(ws.addTrainingRun(run));
        store::RunLineageRecord l;
        l.runId = m.runs.back();
        if (parents[i] >= 0)
            l.parentRunId = m.runs[static_cast<std::size_t>(parents[i])];
        l.sessionRunId = m.runs.front();
        l.iteration = i;
        l.op = ops[i];
        l.change = i == 0 ? "" : "layer 0: change " + std::to_string(i);
        l.accepted = i != 2;
        l.target = "device:cpu_rpi";
        l.latencySeconds = latency[i];
        l.energyJoules = 7.0 + i;
        l.peakPowerWatts = 4.5;
        l.provenance = "predicted ± σ";
        l.feasible = latency[i] <= 3.5;
        l.violations = l.feasible ? "" : "latency 3.55 s > 3.5 s";
        store::saveRunLineage(ws.database(), l);
    }
    return m;
}

} // namespace

class TestGrowPrunePage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_grow_prune_page"))); }
    void loaderJoinsRunsAndLineage();
    void treeInTheWindowSelectsDesigns();

private:
    QTemporaryDir m_settingsDir;
};

void TestGrowPrunePage::loaderJoinsRunsAndLineage() {
    QTemporaryDir dir;
    const Made m = makeSession(dir);
    const auto content = app::loadGrowPruneTree(m.path);
    QVERIFY2(content.error.isEmpty(), qPrintable(content.error));
    QCOMPARE(content.nodes.size(), 4);
    QCOMPARE(content.nodes[2].name, QStringLiteral("tiny gp2.1"));
    QCOMPARE(content.nodes[2].designId, qint64(m.designs[2]));
    QCOMPARE(*content.nodes[2].accuracy, 0.8);
    QCOMPARE(content.nodes[2].parentRunId, qint64(m.runs[1]));
    QCOMPARE(content.nodes[0].parentRunId, qint64(0));
    QVERIFY(!content.nodes[2].feasible);
    QCOMPARE(widgets::growPruneVerdict(content.nodes[2]), QStringLiteral("rejected: latency 3.55 s > 3.5 s"));
    QCOMPARE(widgets::growPruneVerdict(content.nodes[1]), QStringLiteral("accepted"));
    QCOMPARE(widgets::growPruneVerdict(content.nodes[0]), QStringLiteral("start"));
    // A file that is not a workspace: the error, no nodes.
    const auto bad = app::loadGrowPruneTree(dir.filePath(QStringLiteral("missing.tcw")));
    QVERIFY(!bad.error.isEmpty());
    QVERIFY(bad.nodes.isEmpty());
}

void TestGrowPrunePage::treeInTheWindowSelectsDesigns() {
    QTemporaryDir dir;
    const Made m = makeSession(dir);
    MainWindow window;
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.controller()->openWorkspace(m.path);
    QVERIFY(QTest::qWaitFor([&] { return window.controller()->isOpen() && !window.controller()->isBusy(); }, 60000));
    QVERIFY(window.showView(QStringLiteral("grow-prune")));
    auto* page = window.growPrunePage();
    QVERIFY(QTest::qWaitFor([&] { return page->nodes().size() == 4; }, 30000));
    QTreeWidget* tree = page->tree();
    QCOMPARE(tree->topLevelItemCount(), 1); // one session
    QTreeWidgetItem* root = tree->topLevelItem(0);
    QCOMPARE(root->childCount(), 1); // the grown child
    QTreeWidgetItem* grown = page->itemOfRun(m.runs[1]);
    QCOMPARE(grown->parent(), root);
    QCOMPARE(grown->childCount(), 2); // the rejected child and the pruned one
    QCOMPARE(page->itemOfRun(m.runs[3])->parent(), grown);
    QCOMPARE(page->itemOfRun(m.runs[2])->parent(), grown);
    QCOMPARE(grown->text(widgets::GrowPrunePage::OperatorColumn), QStringLiteral("grow-head"));
    QCOMPARE(grown->text(widgets::GrowPrunePage::AccuracyColumn), QStringLiteral("75 %"));
    QCOMPARE(grown->text(widgets::GrowPrunePage::LatencyColumn), QStringLiteral("3.45 s"));
    QCOMPARE(grown->text(widgets::GrowPrunePage::EnergyColumn), QStringLiteral("8 J"));
    QVERIFY(page->itemOfRun(m.runs[2])->text(widgets::GrowPrunePage::VerdictColumn).startsWith("rejected: latency"));
    // Choosing a node selects its design in the explorer.
    tree->setCurrentItem(page->itemOfRun(m.runs[3]));
    QVERIFY(QTest::qWaitFor([&] { return window.controller()->currentDesignId() == qint64(m.designs[3]); }, 10000));
    tree->setCurrentItem(root);
    QVERIFY(QTest::qWaitFor([&] { return window.controller()->currentDesignId() == qint64(m.designs[0]); }, 10000));
    // Another workspace clears the tree before its own (empty) lineage arrives.
    QTemporaryDir other;
    const QString empty = other.filePath(QStringLiteral("empty.tcw"));
    store::Workspace::create(empty.toStdString());
    window.controller()->openWorkspace(empty);
    QVERIFY(QTest::qWaitFor([&] { return window.controller()->isOpen() && !window.controller()->isBusy(); }, 60000));
    QVERIFY(QTest::qWaitFor([&] { return page->nodes().isEmpty() && page->tree()->topLevelItemCount() == 0; }, 10000));
    // A workspace opened while the tab is shown gets its own tree read (it stayed cleared,
    // saying "no session", until the user switched tabs), and the window says when it is in.
    QSignalSpy loaded(&window, &MainWindow::growPruneTreeLoaded);
    window.controller()->openWorkspace(m.path);
    QVERIFY(QTest::qWaitFor([&] { return page->nodes().size() == 4; }, 30000));
    QVERIFY(loaded.count() >= 1);
}

QTEST_MAIN(TestGrowPrunePage)
#include "test_grow_prune_page.moc"
