// Issue 18 in the window (offscreen), on a copy of the example workspace: a search in the
// Workspace tree opens its page with its configuration and its history (the example was
// written before schema v5, so every value is recomputed from the trials, and says so); the
// page's button filters the explorer to the search's designs ("search:N") and the counts
// follow; another workspace clears the page.
#include "main_window.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"
#include "devices/device_library.h"
#include "devices/device_search_store.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/workspace_tree_model.h"
#include "panels/search_page.h"
#include "plots/hypervolume_plot.h"
#include "store/sqlite.h"
#include "store/workspace.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace tcw;
using app::MainWindow;

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

bool openCopy(MainWindow& window, const QString& path) {
    window.setInteractive(false);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.controller()->openWorkspace(path);
    return QTest::qWaitFor([&window] { return window.controller()->isOpen() && !window.controller()->isBusy(); },
                           60000);
}

QString copyOfExample(const QTemporaryDir& dir, const QString& name) {
    const QString path = dir.filePath(name);
    QFile::copy(kData + QStringLiteral("/examples/example.tcw"), path);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

// (trials, distinct designs) of a search, as another program reads the file.
QPair<int, int> searchSize(const QString& path, qint64 searchId) {
    store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
    store::Statement s = db.prepare("SELECT count(*), count(DISTINCT design_id) FROM trials WHERE search_id = ?1");
    s.bind(1, std::int64_t(searchId));
    s.step();
    return {int(s.int64(0)), int(s.int64(1))};
}

} // namespace

class TestSearchPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_search_page"))); }

    void treeOpensTheSearchPageAndItsDesignsFilterTheExplorer() {
        QTemporaryDir dir;
        const QString path = copyOfExample(dir, QStringLiteral("example.tcw"));
        MainWindow window;
        QVERIFY(openCopy(window, path));
        const auto& searches = window.controller()->treeContent().searches;
        QVERIFY(searches.size() >= 1);
        const qint64 id = searches.front().id;
        QVERIFY2(searches.front().name.startsWith(QStringLiteral("Search %1 · ").arg(id)),
                 qPrintable(searches.front().name));

        // The tree's search node opens the page.
        auto* tree = window.findChild<QTreeView*>(QStringLiteral("workspaceTree"));
        QModelIndex node;
        for (int g = 0; g < tree->model()->rowCount() && !node.isValid(); ++g) {
            const QModelIndex group = tree->model()->index(g, 0);
            for (int r = 0; r < tree->model()->rowCount(group); ++r) {
                const QModelIndex child = tree->model()->index(r, 0, group);
                if (child.data(models::WorkspaceTreeModel::NodeTypeRole).toInt() ==
                        int(models::WorkspaceTreeModel::NodeType::Search) &&
                    child.data(models::WorkspaceTreeModel::ItemIdRole).toLongLong() == id)
                    node = child;
            }
        }
        QVERIFY(node.isValid());
        tree->setCurrentIndex(node);
        widgets::SearchPage* page = window.searchPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->shownSearch(), id, 30000);
        QVERIFY(page->isVisible());
        QVERIFY2(page->content().error.isEmpty(), qPrintable(page->content().error));
        const auto [trials, designs] = searchSize(path, id);
        QVERIFY(trials > 0);
        QCOMPARE(page->content().hypervolume.size(), qsizetype(trials));
        // Stored before schema v5: every value recomputed from the trials, and the page says so.
        QCOMPARE(page->content().recomputed, trials);
        for (qsizetype i = 1; i < page->content().hypervolume.size(); ++i)
            QVERIFY(page->content().hypervolume[i] >= page->content().hypervolume[i - 1]);
        QCOMPARE(page->hypervolumePlot()->points().size(), qsizetype(trials));
        QCOMPARE(page->content().designs, designs);
        QVERIFY(!page->content().bestSoFar.isEmpty());
        for (const auto& series : page->content().bestSoFar)
            QCOMPARE(series.value.size(), qsizetype(trials));

        // Its designs in the explorer: the filter "search:N" keeps exactly them, and the
        // front and counts are those of the rows shown.
        QVERIFY(page->showDesignsButton()->isEnabled());
        page->showDesignsButton()->click();
        auto* proxy = window.findChild<models::DesignProxyModel*>();
        QVERIFY(proxy);
        QCOMPARE(proxy->filter().words, QStringList{QStringLiteral("search:%1").arg(id)});
        QCOMPARE(proxy->rowCount(), designs);
        QVERIFY(proxy->rowCount() < window.controller()->designModel()->rowCount());

        // Another workspace: the page shows nothing of the previous one.
        const QString other = copyOfExample(dir, QStringLiteral("other.tcw"));
        window.controller()->openWorkspace(other);
        QVERIFY(QTest::qWaitFor(
            [&window, other] { return window.controller()->filePath() == other && !window.controller()->isBusy(); },
            60000));
        QCOMPARE(page->shownSearch(), qint64(0));
        QVERIFY(page->content().hypervolume.isEmpty());
        QVERIFY(page->hypervolumePlot()->points().isEmpty());
    }

    // Issue 14: a model × device search stored in a workspace shows like an accelerator search:
    // its trials (device, model, metrics, provenance, front), best so far and hypervolume.
    void deviceSearchListsItsTrials() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("devices.tcw"));
        devices::StoredDeviceSearchConfig config;
        config.targets = "devices:cpu_rpi,npu_ncs";
        config.deviceIds = {"cpu_rpi", "npu_ncs"};
        config.search.budget = 5;
        config.search.seed = 3;
        std::vector<devices::DeviceProfile> profiles;
        for (const auto& id : config.deviceIds)
            profiles.push_back(*devices::resolveDeviceProfile(id, kData.toStdString()).value);
        devices::StoredDeviceSearchRun run;
        {
            store::Workspace w = store::Workspace::create(path.toStdString());
            run = devices::runStoredDeviceSearch(w, profiles, config);
        }
        MainWindow window;
        QVERIFY(openCopy(window, path));
        window.openSearchPage(run.searchId);
        widgets::SearchPage* page = window.searchPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->shownSearch(), qint64(run.searchId), 30000);
        const auto& content = page->content();
        QVERIFY2(content.error.isEmpty(), qPrintable(content.error));
        QVERIFY(content.title.contains(QStringLiteral("model × device")));
        const auto& pairs = run.result.pairs;
        QCOMPARE(content.trials.size(), qsizetype(pairs.size()));
        QCOMPARE(content.hypervolume.size(), qsizetype(pairs.size()));
        QCOMPARE(page->hypervolumePlot()->points().size(), qsizetype(pairs.size()));
        QCOMPARE(content.bestSoFar.size(), 4);
        int front = 0;
        for (qsizetype i = 0; i < content.trials.size(); ++i) {
            const auto& row = content.trials[i];
            const auto& p = pairs[std::size_t(i)];
            QCOMPARE(row.position, i);
            QCOMPARE(row.device, QString::fromStdString(profiles[p.device].deviceName));
            QCOMPARE(row.glue, 100.0 * p.glue);
            QCOMPARE(row.latencyMs, 1e3 * p.cost.latencySeconds);
            QCOMPARE(row.provenance, QString::fromStdString(p.cost.provenance));
            // Names instead of EdgeTran's hashes, the hash in the tooltip.
            if (p.model.name.size() == 32) {
                QVERIFY2(!row.model.contains(QString::fromStdString(p.model.name)), qPrintable(row.model));
                QVERIFY(row.modelToolTip.contains(QString::fromStdString(p.model.name)));
            }
            front += row.onFront;
        }
        QCOMPARE(front, int(run.result.front.size()));
        for (std::size_t k : run.result.front)
            QVERIFY(content.trials[qsizetype(k)].onFront);
        // The table lists them; the best GLUE so far ends at the best feasible GLUE.
        QVERIFY(page->trialTable()->isVisible());
        QCOMPARE(page->trialTable()->model()->rowCount(), int(pairs.size()));
        double best = -1;
        for (const auto& p : pairs)
            if (p.feasible)
                best = std::max(best, 100.0 * p.glue);
        QCOMPARE(content.bestSoFar[0].value.back(), best);
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestSearchPage)
#include "test_search_page.moc"
