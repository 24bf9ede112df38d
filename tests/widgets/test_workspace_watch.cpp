// A workspace another process is writing (issue 17): the lock a running search holds names
// its process; the GUI opening that workspace shows it read-only with the writer named, refuses
// every write while it runs, shows the trials as they arrive without the user reloading, and
// can be edited again once the writer is gone (here: killed with SIGKILL mid-search).
#include "../support/settings_sandbox.h"
#include "../support/stored_trials.h"
#include "../support/tcw_process.h"
#include "codesign/search_writers.h"
#include "io/safe_file.h"
#include "main_window.h"
#include "workspace_controller.h"

#include <QLabel>
#include <QStatusBar>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace tcw;

class TestWorkspaceWatch : public QObject {
    Q_OBJECT
    QTemporaryDir m_settingsDir;
private slots:
    void initTestCase() { QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_workspace_watch"))); }

    void lockFilesNameTheirHolder() {
        QTemporaryDir dir;
        const std::filesystem::path workspace = dir.filePath("w.tcw").toStdString();
        QVERIFY(codesign::searchWriters(workspace).empty());
        const std::string holder = codesign::thisProcessAsHolder("search");
        QVERIFY2(QString::fromStdString(holder).contains(QStringLiteral("search, pid %1").arg(::getpid())),
                 holder.c_str());
        QVERIFY2(QString::fromStdString(holder).endsWith(" UTC"), holder.c_str());
        {
            auto lock = io::ExclusiveLock::tryAcquire(codesign::searchLockPath(workspace, 3), holder);
            QVERIFY(lock.has_value());
            // Files that are not a search lock of this workspace are not writers.
            auto other = io::ExclusiveLock::tryAcquire(dir.filePath("w.tcw2-search1.lock").toStdString(), "x");
            auto notANumber = io::ExclusiveLock::tryAcquire(dir.filePath("w.tcw-searchX.lock").toStdString(), "y");
            QVERIFY(other && notANumber);
            const auto writers = codesign::searchWriters(workspace);
            QCOMPARE(writers.size(), std::size_t(1));
            QCOMPARE(writers[0].searchId, std::int64_t(3));
            QCOMPARE(writers[0].holder, holder);
            // A second writer of the same search is refused (and learns who holds it).
            QVERIFY(!io::ExclusiveLock::tryAcquire(codesign::searchLockPath(workspace, 3), "second"));
            QCOMPARE(io::ExclusiveLock::heldBy(codesign::searchLockPath(workspace, 3)), std::optional(holder));
        }
        // Released (the file goes with the lock): no writer, and the next writer may take it.
        QVERIFY(codesign::searchWriters(workspace).empty());
        QVERIFY(!io::ExclusiveLock::heldBy(codesign::searchLockPath(workspace, 3)).has_value());
        QVERIFY(io::ExclusiveLock::tryAcquire(codesign::searchLockPath(workspace, 3)).has_value());
    }

    void guiWatchesASearchAnotherProcessWrites() {
        QTemporaryDir dir;
        const QString path = dir.filePath("watched.tcw");
        QProcess search;
        search.setProcessEnvironment(testing::tcwEnvironment());
        search.start(QStringLiteral(TCW_CLI_BINARY), {"search", "--workspace", path, "--algorithm", "nsga2", "--budget",
                                                      "200000", "--threads", "1", "--seed", "5", "--quiet"});
        QVERIFY(search.waitForStarted());
        auto stopSearch = qScopeGuard([&] {
            search.kill();
            search.waitForFinished();
        });
        QTRY_VERIFY_WITH_TIMEOUT(testing::committedTrials(path) >= 64, testing::scaledMs(120000));

        app::MainWindow window;
        window.setInteractive(false); // errors go to the log, not to a modal box
        window.show();
        app::WorkspaceController& controller = *window.controller();
        controller.setWatchInterval(100);
        QSignalSpy opened(&controller, &app::WorkspaceController::workspaceOpened);
        QSignalSpy errors(&controller, &app::WorkspaceController::errorOccurred);
        controller.openWorkspace(path);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, testing::scaledMs(60000));

        // The writer is named: its search and its process.
        const QStringList writers = controller.externalWriters();
        QCOMPARE(writers.size(), 1);
        QVERIFY2(writers[0].startsWith(QStringLiteral("search 1 (")), qPrintable(writers[0]));
        QVERIFY2(writers[0].contains(QStringLiteral("tcw search, pid %1").arg(search.processId())),
                 qPrintable(writers[0]));
        QVERIFY(controller.isWrittenElsewhere());
        // The window says so, and what would write waits; reading and exporting stay.
        auto* label = window.findChild<QLabel*>(QStringLiteral("externalWriterLabel"));
        QVERIFY(label && label->isVisible());
        QVERIFY(label->toolTip().contains(writers[0]));
        QVERIFY2(window.windowTitle().contains(QStringLiteral("read-only")), qPrintable(window.windowTitle()));
        QVERIFY(!window.actions().save->isEnabled());
        QVERIFY(!window.actions().importDesigns->isEnabled());
        QVERIFY(window.actions().exportDesignsCsv->isEnabled());

        // Every write waits, and says why.
        QVERIFY(!controller.ensureWritable(QStringLiteral("import designs")));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.last().at(1).toString().contains(QStringLiteral("pid %1").arg(search.processId())),
                 qPrintable(errors.last().at(1).toString()));
        controller.importDesigns({QStringLiteral(TCW_SOURCE_DATA_DIR "/presets/models/bert-tiny.json")});
        QCOMPARE(errors.count(), 2);

        // The trials arrive without anyone asking for a reload.
        const int shown = controller.designModel()->rowCount();
        QVERIFY(shown > 0);
        QTRY_VERIFY_WITH_TIMEOUT(controller.designModel()->rowCount() > shown + 20, testing::scaledMs(60000));

        // The writer dies (SIGKILL: its lock goes with it): editable again, and every stored
        // design shown.
        QSignalSpy changed(&controller, &app::WorkspaceController::externalWritersChanged);
        stopSearch.dismiss();
        search.kill();
        QVERIFY(search.waitForFinished(testing::scaledMs(10000)));
        QTRY_VERIFY_WITH_TIMEOUT(!controller.isWrittenElsewhere(), testing::scaledMs(10000));
        QVERIFY(changed.count() >= 1);
        QVERIFY(changed.last().at(0).toStringList().isEmpty());
        QVERIFY(controller.ensureWritable(QStringLiteral("import designs")));
        QVERIFY(!label->isVisible());
        QVERIFY(window.actions().save->isEnabled());
        QVERIFY(!window.windowTitle().contains(QStringLiteral("read-only")));
        const int stored = [&] {
            store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
            store::Statement s = db.prepare("SELECT count(*) FROM designs");
            return s.step() ? static_cast<int>(s.int64(0)) : -1;
        }();
        QTRY_COMPARE_WITH_TIMEOUT(controller.designModel()->rowCount(), stored, testing::scaledMs(30000));
    }
};

QTEST_MAIN(TestWorkspaceWatch)
#include "test_workspace_watch.moc"
