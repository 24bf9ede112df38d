// The main window (offscreen): it builds with its docks and menus, no command is dead, the
// layout round-trips through QSettings, workspaces open / import / save / save as through
// the controller, selection is shared, and the built executable's --screenshot writes a PNG.
#include "../support/settings_sandbox.h"
#include "design/technology_library.h"
#include "design_import.h"
#include "edit_controller.h"
#include "export_actions.h"
#include "io/files.h"
#include "io/formats.h"
#include "log_capture.h"
#include "main_window.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/edit_session.h"
#include "models/explorer_settings.h"
#include "models/log_model.h"
#include "models/workspace_tree_model.h"
#include "panels/design_detail_panel.h"
#include "panels/empty_state_widget.h"
#include "panels/explorer_toolbar.h"
#include "panels/search_panel.h"
#include "recent_files.h"
#include "shortcuts_dialog.h"
#include "sim/cost_model.h"
#include "store/workspace.h"
#include "workspace_controller.h"

#include <QAbstractItemModelTester>
#include <QActionGroup>
#include <QComboBox>
#include <QDockWidget>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPointer>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUndoGroup>
#include <QtTest>

using namespace tcw;
using tcw::app::MainWindow;
using tcw::app::WorkspaceController;

namespace {
const QStringList kDockNames = {"workspaceDock", "designDetailDock", "editorsDock", "panelDock"};

std::filesystem::path toPath(const QString& path) {
    return std::filesystem::path(path.toStdString());
}

QString presetPath(const QString& relative) {
    return QStringLiteral(TCW_SOURCE_DATA_DIR "/presets/") + relative;
}

// A workspace with the edge accelerator and BERT-Tiny (read through io, as Import does) and a
// made-up co-design with an evaluation in each mode (inference only: bothModes false).
void makeWorkspace(const QString& path, bool bothModes = true) {
    const auto imported =
        app::readDesignFiles({presetPath("accelerators/edge.json"), presetPath("models/bert-tiny.json")});
    QVERIFY2(imported.errors.isEmpty(), qPrintable(imported.errors.join('\n')));
    store::Workspace ws = store::Workspace::create(toPath(path));
    for (const auto& d : imported.designs)
        ws.addDesign(d.name, d.kind, d.specJson);
    const std::filesystem::path data = TCW_SOURCE_DATA_DIR;
    const io::CodesignPair tinyOnEdge{"tiny on edge", *io::resolveTransformer("bert-tiny", data),
                                      io::resolveAccelerator("edge", data)->spec};
    const auto pair = ws.addDesign("tiny on edge", store::DesignKind::Pair, io::canonicalJson(tinyOnEdge));
    store::EvaluationRecord e;
    e.designId = pair;
    e.mode = "inference";
    e.latencySeconds = 0.002;
    e.energyDynamicNJ = 1.5e6;
    e.energyLeakageNJ = 0.5e6;
    e.areaMM2 = 42;
    e.accuracy = 0.8;
    e.accuracySource = store::AccuracySource::Trained;
    ws.addEvaluation(e);
    if (!bothModes)
        return;
    e.mode = "training";
    e.latencySeconds = 0.05;
    ws.addEvaluation(e);
}

bool waitForOpen(WorkspaceController* controller) {
    QSignalSpy opened(controller, &WorkspaceController::workspaceOpened);
    return opened.wait(10000);
}

bool waitUntilIdle(WorkspaceController* controller) {
    return QTest::qWaitFor([controller] { return !controller->isBusy(); }, 10000);
}

// QObject::isSignalConnected is protected; a pointer to it taken through a subclass may be
// applied to any QObject (the standard way to reach it from outside).
struct SignalProbe : QObject {
    static bool connected(const QObject* object, const QMetaMethod& signal) {
        return (object->*(&SignalProbe::isSignalConnected))(signal);
    }
};

QByteArray readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void windowBuilds();
    void everyCommandIsWiredAndExplained();
    void standardShortcuts();
    void layoutRoundTripsThroughSettings();
    void olderLayoutVersionIsIgnored();
    void resetLayoutRestoresDocks();
    void openShowsDesignsAndSharesSelection();
    void modeAndFilterReachTheTable();
    void toolbarPersistsAndShowsChoice();
    void plotsSayWhenOnlyTheOtherModeIsEvaluated();
    void badFileReportsAndChangesNothing();
    void importAddsPresetsOnce();
    void saveAndSaveAs();
    void createReplacesAnExistingFile();
    void recentFilesKeepTenNewestFirst();
    void exportsWriteFiles();
    void logTabShowsApplicationMessages();
    void liveModelsPassTester();
    void backgroundRefreshSendsOnlyAddedDesigns();
    void staleDesignsAreCountedAndResimulated();
    void viewsByName();
    void screenshotWritesPng_data();
    void screenshotWritesPng();

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
};

void TestMainWindow::initTestCase() {
    QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_main_window")));
}

void TestMainWindow::init() {
    QSettings().clear(); // every test starts from no saved state
}

void TestMainWindow::windowBuilds() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), QSize(1400, 900));
    for (const QString& name : kDockNames) {
        auto* dock = window.findChild<QDockWidget*>(name);
        QVERIFY2(dock, qPrintable(name));
        QVERIFY2(dock->isVisible(), qPrintable(name));
    }
    QCOMPARE(window.dockWidgetArea(window.findChild<QDockWidget*>("workspaceDock")), Qt::LeftDockWidgetArea);
    QCOMPARE(window.dockWidgetArea(window.findChild<QDockWidget*>("designDetailDock")), Qt::RightDockWidgetArea);
    QCOMPARE(window.dockWidgetArea(window.findChild<QDockWidget*>("editorsDock")), Qt::RightDockWidgetArea);
    QCOMPARE(window.dockWidgetArea(window.findChild<QDockWidget*>("panelDock")), Qt::BottomDockWidgetArea);
    QVERIFY(window.findChild<QToolBar*>("explorerToolBar"));

    auto* tabs = window.findChild<QTabWidget*>("explorerTabs");
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 7);
    QCOMPARE(tabs->tabText(6), QStringLiteral("Selection")); // issue 16
    QCOMPARE(tabs->tabText(0), QStringLiteral("Pareto"));
    QCOMPARE(tabs->tabText(2), QStringLiteral("Table"));
    QCOMPARE(tabs->tabText(3), QStringLiteral("Search"));  // the search page
    QCOMPARE(tabs->tabText(4), QStringLiteral("Devices")); // issue 14
    QCOMPARE(tabs->tabText(5), QStringLiteral("GPTran"));  // issue 14: the grow-and-prune tree
    auto* panel = window.findChild<QTabWidget*>("panelTabs");
    QCOMPARE(panel->count(), 4);
    QCOMPARE(panel->tabText(3), QStringLiteral("Log"));
    auto* editors = window.findChild<QTabWidget*>("editorTabs");
    QCOMPARE(editors->tabText(0), QStringLiteral("Accelerator"));
    QCOMPARE(editors->tabText(1), QStringLiteral("Transformer"));

    // Nothing open: the welcome page, and the workspace commands are off.
    auto* central = window.findChild<QStackedWidget*>("centralStack");
    QCOMPARE(central->currentWidget()->objectName(), QStringLiteral("welcomePage"));
    QVERIFY(!window.actions().save->isEnabled());
    QVERIFY(window.actions().openWorkspace->isEnabled());

    QStringList menus;
    for (QAction* a : window.menuBar()->actions())
        menus << a->text();
    QCOMPARE(menus, (QStringList{"&File", "&Edit", "&View", "&Search", "&Training", "&Lessons", "&Help"}));
}

void TestMainWindow::everyCommandIsWiredAndExplained() {
    MainWindow window;
    const QMetaMethod triggered = QMetaMethod::fromSignal(&QAction::triggered);
    const QMetaMethod toggled = QMetaMethod::fromSignal(&QAction::toggled);
    int checked = 0;
    std::function<void(QMenu*)> visit = [&](QMenu* menu) {
        for (QAction* action : menu->actions()) {
            if (action->isSeparator())
                continue;
            if (action->menu()) {
                visit(action->menu());
                continue;
            }
            if (!action->isEnabled() && action->text() == QStringLiteral("No recent workspaces"))
                continue; // the placeholder of an empty recent list
            const QString name = menu->title() + " ▸ " + action->text();
            QVERIFY2(!action->toolTip().isEmpty() && action->toolTip() != QString(action->text()).remove('&'),
                     qPrintable(name + " has no tooltip"));
            // A command does something: its signal is connected (QUndoGroup and dock toggles
            // connect to toggled / triggered inside Qt).
            QVERIFY2(SignalProbe::connected(action, triggered) || SignalProbe::connected(action, toggled),
                     qPrintable(name + " is not connected"));
            ++checked;
        }
    };
    for (QAction* top : window.menuBar()->actions())
        visit(top->menu());
    QVERIFY(checked >= 25);

    // Toolbar controls explain themselves too.
    auto* toolBar = window.findChild<widgets::ExplorerToolBar*>();
    for (int axis = 0; axis < 3; ++axis)
        QVERIFY(!toolBar->objectiveCombo(axis)->toolTip().isEmpty());
    QVERIFY(!toolBar->filterEdit()->toolTip().isEmpty());
    for (QAction* mode : toolBar->modeActions()->actions())
        QVERIFY(!mode->toolTip().isEmpty());

    app::ShortcutsDialog shortcuts(window.menuBar());
    QVERIFY(shortcuts.shortcutCount() >= 12);
}

void TestMainWindow::standardShortcuts() {
    MainWindow window;
    const auto& a = window.actions();
    QCOMPARE(a.openWorkspace->shortcut(), QKeySequence(QKeySequence::Open));
    QCOMPARE(a.newWorkspace->shortcut(), QKeySequence(QKeySequence::New));
    QCOMPARE(a.save->shortcut(), QKeySequence(QKeySequence::Save));
    QCOMPARE(a.saveAs->shortcut(), QKeySequence(QKeySequence::SaveAs));
    QCOMPARE(a.quit->shortcut(), QKeySequence(QKeySequence::Quit));
    QCOMPARE(a.find->shortcut(), QKeySequence(QKeySequence::Find));
    QAction* undo = nullptr;
    for (QAction* action : window.menuBar()->actions().at(1)->menu()->actions())
        if (action->shortcut() == QKeySequence(QKeySequence::Undo))
            undo = action;
    QVERIFY(undo);
    QVERIFY(!undo->isEnabled()); // no editor has registered an undo stack yet
}

void TestMainWindow::layoutRoundTripsThroughSettings() {
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(1200, 800);
        auto* panel = window.findChild<QDockWidget*>("panelDock");
        auto* detail = window.findChild<QDockWidget*>("designDetailDock");
        panel->hide();
        window.addDockWidget(Qt::LeftDockWidgetArea, detail);
        window.saveLayout();
    }
    MainWindow restored;
    QVERIFY(restored.restoreLayout());
    restored.show();
    QVERIFY(QTest::qWaitForWindowExposed(&restored));
    QVERIFY(!restored.findChild<QDockWidget*>("panelDock")->isVisible());
    QCOMPARE(restored.dockWidgetArea(restored.findChild<QDockWidget*>("designDetailDock")), Qt::LeftDockWidgetArea);
    QCOMPARE(restored.size(), QSize(1200, 800));
}

void TestMainWindow::olderLayoutVersionIsIgnored() {
    {
        MainWindow window;
        window.findChild<QDockWidget*>("panelDock")->hide();
        QSettings().setValue("window/state", window.saveState(MainWindow::kLayoutVersion - 1));
    }
    MainWindow window;
    QVERIFY(!window.restoreLayout());
    window.show();
    QVERIFY(window.findChild<QDockWidget*>("panelDock")->isVisible());
}

void TestMainWindow::resetLayoutRestoresDocks() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* tree = window.findChild<QDockWidget*>("workspaceDock");
    tree->setFloating(true);
    window.findChild<QDockWidget*>("editorsDock")->hide();
    window.actions().resetLayout->trigger();
    QVERIFY(!tree->isFloating());
    QCOMPARE(window.dockWidgetArea(tree), Qt::LeftDockWidgetArea);
    QVERIFY(window.findChild<QDockWidget*>("editorsDock")->isVisible());
}

void TestMainWindow::openShowsDesignsAndSharesSelection() {
    const QString path = m_dir.filePath("open.tcw");
    makeWorkspace(path);
    MainWindow window;
    window.show();
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    QCOMPARE(window.controller()->filePath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(window.findChild<QStackedWidget*>("centralStack")->currentWidget()->objectName(),
             QStringLiteral("explorerTabs"));
    QVERIFY(window.windowTitle().startsWith(QStringLiteral("open — ")));
    QVERIFY(window.actions().save->isEnabled());

    auto* table = window.findChild<QTableView*>("designTable");
    QCOMPARE(table->model()->rowCount(), 3);
    QVERIFY(window.statusBar()->currentMessage().contains("3 designs"));

    // Selecting a table row selects the design everywhere: detail, editors, tree.
    const int pairRow = 2; // sorted by id: edge, bert-tiny, the co-design
    QCOMPARE(table->model()->index(pairRow, 0).data().toString(), QStringLiteral("tiny on edge"));
    table->selectRow(pairRow);
    QCOMPARE(window.controller()->currentDesignId(), std::optional<qint64>(3));
    auto* detail = window.findChild<widgets::DesignDetailPanel*>();
    QVERIFY(detail->hasDesign());
    QCOMPARE(detail->metricText("Latency"), QStringLiteral("2 ms")); // the stored metrics of the start
    QVERIFY(detail->showsBreakdown());                               // and the charts of a fresh simulation
    QVERIFY(window.edits()->session()->isActive());                  // the editors hold the co-design
    QCOMPARE(window.edits()->session()->designId(), qint64(3));
    QVERIFY(window.actions().exportReport->isEnabled());
    auto* tree = window.findChild<QTreeView*>("workspaceTree");
    QCOMPARE(tree->currentIndex().data().toString(), QStringLiteral("tiny on edge"));

    // Selecting in the tree selects the table row.
    const QModelIndex edge = window.controller()->treeModel()->indexOfDesign(1);
    tree->setCurrentIndex(edge);
    QCOMPARE(window.controller()->currentDesignId(), std::optional<qint64>(1));
    QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table->selectionModel()->selectedRows().front().data().toString(), QStringLiteral("edge"));
    QVERIFY(window.findChild<QTabWidget*>("editorTabs")->currentIndex() == 0); // the accelerator page
    QVERIFY(!window.edits()->session()->isActive());                           // an accelerator alone is not edited
    QVERIFY(!window.actions().exportReport->isEnabled());

    window.controller()->closeWorkspace();
    QVERIFY(!detail->hasDesign());
    QCOMPARE(window.findChild<QStackedWidget*>("centralStack")->currentWidget()->objectName(),
             QStringLiteral("welcomePage"));
}

void TestMainWindow::modeAndFilterReachTheTable() {
    const QString path = m_dir.filePath("mode.tcw");
    makeWorkspace(path);
    MainWindow window;
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    auto* table = window.findChild<QTableView*>("designTable");
    auto latencyOfPair = [&] {
        for (int r = 0; r < table->model()->rowCount(); ++r)
            if (table->model()->index(r, 0).data().toString() == QStringLiteral("tiny on edge"))
                return table->model()->index(r, models::DesignTableModel::LatencyColumn).data().toString();
        return QString();
    };
    QCOMPARE(latencyOfPair(), QStringLiteral("2"));
    window.explorerSettings()->setMode(SimMode::Training); // what the toolbar's Training button does
    QCOMPARE(latencyOfPair(), QStringLiteral("50"));

    auto* toolBar = window.findChild<widgets::ExplorerToolBar*>();
    QTest::keyClicks(toolBar->filterEdit(), "accelerator");
    QTest::keyClick(toolBar->filterEdit(), Qt::Key_Return);
    QCOMPARE(table->model()->rowCount(), 1);
    toolBar->filterEdit()->clear();
    QCOMPARE(table->model()->rowCount(), 3);

    // Edit ▸ Find puts the cursor in the filter.
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.actions().find->trigger();
    QVERIFY(toolBar->filterEdit()->hasFocus());
}

// A workspace evaluated for inference only, shown in training mode: the plots do not claim it is
// empty; they offer the other mode, or a search in this one (the Search form set to training).
void TestMainWindow::plotsSayWhenOnlyTheOtherModeIsEvaluated() {
    const QString path = m_dir.filePath("inference-only.tcw");
    makeWorkspace(path, false);
    MainWindow window;
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    auto* pareto = window.findChild<QStackedWidget*>(QStringLiteral("paretoPage"));
    QVERIFY(pareto);
    QVERIFY(!qobject_cast<widgets::EmptyStateWidget*>(pareto->currentWidget())); // inference: the plot
    window.explorerSettings()->setMode(SimMode::Training);
    QTRY_VERIFY(qobject_cast<widgets::EmptyStateWidget*>(pareto->currentWidget()));
    auto* empty = qobject_cast<widgets::EmptyStateWidget*>(pareto->currentWidget());
    QCOMPARE(empty->title(), QStringLiteral("No design in this workspace is evaluated for training"));
    QVERIFY2(empty->text().startsWith(QStringLiteral("Its evaluations (1) are all for inference.")),
             qPrintable(empty->text()));
    const QList<QToolButton*> buttons = empty->findChildren<QToolButton*>();
    QCOMPARE(buttons.size(), 2);
    auto* otherMode = window.findChild<QAction*>(QStringLiteral("showOtherModeAction"));
    auto* modeSearch = window.findChild<QAction*>(QStringLiteral("modeSearchAction"));
    QVERIFY(otherMode && modeSearch);
    QCOMPARE(buttons[0]->defaultAction(), otherMode);
    QCOMPARE(buttons[1]->defaultAction(), modeSearch);
    QVERIFY(!otherMode->toolTip().isEmpty() && !modeSearch->toolTip().isEmpty());
    // Refreshing with the same actions keeps the buttons (one may be under the pointer).
    const QPointer<QToolButton> first = buttons[0];
    empty->setActions({otherMode, modeSearch});
    QVERIFY(first);

    QCOMPARE(window.searchPanel()->request().mode, std::string("inference"));
    modeSearch->trigger();
    QCOMPARE(window.searchPanel()->request().mode, std::string("training"));
    otherMode->trigger();
    QCOMPARE(window.explorerSettings()->mode(), SimMode::Inference);
    QTRY_VERIFY(!qobject_cast<widgets::EmptyStateWidget*>(pareto->currentWidget()));
}

void TestMainWindow::toolbarPersistsAndShowsChoice() {
    {
        MainWindow window;
        auto* toolBar = window.findChild<widgets::ExplorerToolBar*>();
        QComboBox* x = toolBar->objectiveCombo(0);
        x->setCurrentIndex(x->findData(int(models::Objective::Area)));
        QCOMPARE(window.explorerSettings()->xObjective(), models::Objective::Area);
        toolBar->modeActions()->actions().at(1)->trigger(); // Training
        QCOMPARE(window.explorerSettings()->mode(), SimMode::Training);
        bool shown = false;
        for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
            shown = shown || label->text() == window.explorerSettings()->summary();
        QVERIFY(shown);
        QVERIFY(window.explorerSettings()->summary().contains(QStringLiteral("x: Area")));
    }
    MainWindow next; // a new session starts with the same choices
    QCOMPARE(next.explorerSettings()->xObjective(), models::Objective::Area);
    QCOMPARE(next.explorerSettings()->mode(), SimMode::Training);
    auto* toolBar = next.findChild<widgets::ExplorerToolBar*>();
    QCOMPARE(toolBar->objectiveCombo(0)->currentData().toInt(), int(models::Objective::Area));
    QVERIFY(toolBar->modeActions()->actions().at(1)->isChecked());
}

void TestMainWindow::badFileReportsAndChangesNothing() {
    const QString path = m_dir.filePath("notes.tcw");
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are notes, not a workspace\n");
    }
    const QByteArray before = readBytes(path);
    MainWindow window;
    window.setInteractive(false); // errors are logged instead of shown in a dialog
    QSignalSpy errors(window.controller(), &WorkspaceController::errorOccurred);
    window.controller()->openWorkspace(path);
    QVERIFY(errors.wait(10000));
    QVERIFY(errors.front().at(1).toString().contains(QStringLiteral("not a TransCODE workspace")));
    QVERIFY(!window.controller()->isOpen());
    QCOMPARE(readBytes(path), before);
    QVERIFY(window.recentFiles()->files().isEmpty());
}

void TestMainWindow::importAddsPresetsOnce() {
    const QString path = m_dir.filePath("import.tcw");
    MainWindow window;
    window.setInteractive(false);
    window.controller()->createWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    QCOMPARE(window.controller()->counts().designs, std::int64_t(0));

    const QStringList files = {presetPath("models/bert-tiny.json"), presetPath("models/bert-mini.json"),
                               presetPath("accelerators/server.json")};
    window.controller()->importDesigns(files);
    QVERIFY(waitUntilIdle(window.controller()));
    QCOMPARE(window.controller()->counts().designs, std::int64_t(3));
    QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Imported 3 designs")));
    QCOMPARE(window.findChild<QTableView*>("designTable")->model()->rowCount(), 3);
    const auto stored = window.controller()->workspace()->designs();
    QCOMPARE(stored[2].kind, store::DesignKind::Accelerator);
    QCOMPARE(stored[2].name, std::string("server"));

    // The same files again: nothing new; a file that is not a design: reported by name.
    const QString junk = m_dir.filePath("junk.json");
    {
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"hello\": 1}");
    }
    QSignalSpy errors(window.controller(), &WorkspaceController::errorOccurred);
    window.controller()->importDesigns(files + QStringList{junk});
    QVERIFY(waitUntilIdle(window.controller()));
    QCOMPARE(window.controller()->counts().designs, std::int64_t(3));
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("3 already in the workspace")),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.front().at(1).toString().contains(QStringLiteral("junk.json")));
}

void TestMainWindow::saveAndSaveAs() {
    const QString path = m_dir.filePath("save.tcw");
    makeWorkspace(path);
    MainWindow window;
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    window.controller()->workspace()->addDesign("late addition", store::DesignKind::Transformer, "{\"x\":1}");
    window.actions().save->trigger();
    QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Saved save.tcw")),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(QFileInfo(path + "-wal").size(), qint64(0)); // everything is in the .tcw file itself

    const QString copy = m_dir.filePath("copy.tcw");
    window.controller()->saveWorkspaceAs(copy);
    QVERIFY(waitForOpen(window.controller()));
    QCOMPARE(window.controller()->filePath(), QFileInfo(copy).absoluteFilePath());
    QCOMPARE(window.controller()->counts().designs, std::int64_t(4));
    QCOMPARE(window.recentFiles()->files().front(), QFileInfo(copy).absoluteFilePath());
    QCOMPARE(window.recentFiles()->files().at(1), QFileInfo(path).absoluteFilePath());
    // The original stays as it was and still opens.
    QCOMPARE(store::Workspace::open(toPath(path)).counts().designs, std::int64_t(4));
}

void TestMainWindow::createReplacesAnExistingFile() {
    const QString path = m_dir.filePath("replace.tcw");
    makeWorkspace(path);
    MainWindow window;
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    window.controller()->createWorkspace(path, true); // the user confirmed "replace" in the dialog
    QVERIFY(waitForOpen(window.controller()));
    QCOMPARE(window.controller()->counts().designs, std::int64_t(0));
}

void TestMainWindow::recentFilesKeepTenNewestFirst() {
    app::RecentFiles recent;
    recent.clear();
    for (int i = 0; i < 12; ++i)
        recent.add(m_dir.filePath(QStringLiteral("w%1.tcw").arg(i)));
    recent.add(m_dir.filePath("w5.tcw"));
    QCOMPARE(recent.files().size(), app::RecentFiles::kMaxCount);
    QCOMPARE(recent.files().front(), m_dir.filePath("w5.tcw"));
    QCOMPARE(recent.files().at(1), m_dir.filePath("w11.tcw"));
    QCOMPARE(app::RecentFiles().files(), recent.files()); // persisted
    QVERIFY(recent.mostRecentExisting().isEmpty());       // none of them exists

    MainWindow window; // the menu lists them, with a way to clear it
    QMenu* recentMenu = nullptr;
    for (QAction* a : window.menuBar()->actions().front()->menu()->actions())
        if (a->menu() && a->text().contains(QStringLiteral("Recent")))
            recentMenu = a->menu();
    QVERIFY(recentMenu);
    QCOMPARE(recentMenu->actions().size(), app::RecentFiles::kMaxCount + 2); // + separator, Clear Menu
    window.actions().clearRecent->trigger();
    QVERIFY(window.recentFiles()->files().isEmpty());
    QVERIFY(!window.actions().clearRecent->isEnabled());
}

void TestMainWindow::exportsWriteFiles() {
    const QString path = m_dir.filePath("export.tcw");
    makeWorkspace(path);
    MainWindow window;
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    QString error;
    const QString csv = m_dir.filePath("table.csv");
    QVERIFY2(window.exports()->writeTableCsv(csv, &error), qPrintable(error));
    const QStringList lines = QString::fromUtf8(readBytes(csv)).split("\r\n", Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines[3].startsWith(QStringLiteral("tiny on edge,Co-design,80,2,2,42,")));

    const QString json = m_dir.filePath("edge.json");
    QVERIFY2(window.exports()->writeDesignJson(1, json, &error), qPrintable(error));
    // What was exported imports again as the same design.
    const auto again = app::readDesignFiles({json});
    QVERIFY2(again.errors.isEmpty(), qPrintable(again.errors.join('\n')));
    QCOMPARE(again.designs.front().specJson, window.controller()->design(1)->specJson);
    QVERIFY(!window.exports()->writeDesignJson(99, json, &error));
    QVERIFY(error.contains("#99"));
}

void TestMainWindow::logTabShowsApplicationMessages() {
    models::LogModel log;
    app::LogCapture capture(&log);
    MainWindow window(&log);
    qInfo("a message for the log tab");
    // Other messages (the accuracy predictor loading in the background) may come in between.
    auto logged = [&log] {
        for (int row = 0; row < log.rowCount(); ++row)
            if (log.entry(row).message == QStringLiteral("a message for the log tab"))
                return true;
        return false;
    };
    QTRY_VERIFY(logged());
    QVERIFY(window.showView(QStringLiteral("log")));
    QCOMPARE(window.findChild<QTabWidget*>("panelTabs")->currentIndex(), 3);
}

void TestMainWindow::liveModelsPassTester() {
    const QString path = m_dir.filePath("tester.tcw");
    makeWorkspace(path);
    MainWindow window;
    QAbstractItemModelTester designs(window.controller()->designModel(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester tree(window.controller()->treeModel(),
                                  QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester table(window.findChild<QTableView*>("designTable")->model(),
                                   QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    window.findChild<QTableView*>("designTable")
        ->sortByColumn(models::DesignTableModel::LatencyColumn, Qt::DescendingOrder);
    window.explorerSettings()->setFilterText(QStringLiteral("edge"));
    window.explorerSettings()->setMode(SimMode::Training);
    window.controller()->closeWorkspace();
}

// A refresh while a search streams trials in: the rows the model already holds stay behind
// on the worker thread; anything else than designs added at the end sends the whole list.
void TestMainWindow::backgroundRefreshSendsOnlyAddedDesigns() {
    auto summary = [](qint64 id, std::optional<qint64> evaluation) {
        store::DesignSummary d;
        d.design.id = id;
        d.design.name = "d" + std::to_string(id);
        if (evaluation) {
            d.latest = store::EvaluationRecord{};
            d.latest->id = *evaluation;
        }
        return d;
    };
    auto snapshotOf = [&] {
        app::WorkspaceSnapshot s;
        s.designs = {summary(1, 10), summary(2, std::nullopt), summary(3, 12), summary(4, 13)};
        s.traits.resize(4);
        return s;
    };
    app::WorkspaceSnapshot added = snapshotOf();
    app::trimUnchangedRows(added, {{1, 10}, {2, -1}});
    QCOMPARE(added.unchangedRows, std::size_t(2));
    QCOMPARE(added.designs.size(), std::size_t(2));
    QCOMPARE(added.designs.front().design.id, qint64(3));
    QCOMPARE(added.traits.size(), std::size_t(2));

    app::WorkspaceSnapshot reEvaluated = snapshotOf(); // design 3 got a newer evaluation
    app::trimUnchangedRows(reEvaluated, {{1, 10}, {2, -1}, {3, 11}});
    QCOMPARE(reEvaluated.unchangedRows, std::size_t(0));
    QCOMPARE(reEvaluated.designs.size(), std::size_t(4));

    app::WorkspaceSnapshot removed = snapshotOf(); // the model holds more rows than the workspace
    app::trimUnchangedRows(removed, {{1, 10}, {2, -1}, {3, 12}, {4, 13}, {5, 14}});
    QCOMPARE(removed.unchangedRows, std::size_t(0));

    app::WorkspaceSnapshot empty = snapshotOf(); // an empty model: the whole list
    app::trimUnchangedRows(empty, {});
    QCOMPARE(empty.unchangedRows, std::size_t(0));
    QCOMPARE(empty.designs.size(), std::size_t(4));
}

// A design whose shown costs an earlier cost-model revision computed (makeWorkspace's made-up
// evaluation has no revision: 0) is counted in the status bar; File ▸ Re-simulate Stale
// Designs costs it again off the GUI thread, and the table then shows the simulator's numbers.
void TestMainWindow::staleDesignsAreCountedAndResimulated() {
    const QString path = m_dir.filePath("stale.tcw");
    makeWorkspace(path, false);
    MainWindow window;
    window.show();
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    QCOMPARE(window.controller()->staleDesigns(), std::int64_t(1));
    auto* label = window.findChild<QLabel*>("staleDesignsLabel");
    QVERIFY(label && label->isVisible());
    QVERIFY2(label->text().startsWith("1 design costed by an earlier cost model"), qPrintable(label->text()));
    QVERIFY(label->toolTip().contains(QStringLiteral("revision %1").arg(kCostModelRevision)));
    QVERIFY(window.actions().resimulateStale->isEnabled());

    window.actions().resimulateStale->trigger();
    QVERIFY(waitUntilIdle(window.controller()));
    QCOMPARE(window.controller()->staleDesigns(), std::int64_t(0));
    QVERIFY(!label->isVisible());
    QVERIFY(!window.actions().resimulateStale->isEnabled());
    QVERIFY2(window.statusBar()->currentMessage().startsWith("Re-simulated 1 evaluation with cost-model revision"),
             qPrintable(window.statusBar()->currentMessage()));

    const auto evaluations = window.controller()->evaluations(3);
    QCOMPARE(evaluations.size(), std::size_t(2)); // the made-up one stays in the history
    const std::filesystem::path data = TCW_SOURCE_DATA_DIR;
    SimOptions options;
    options.opBreakdown = false;
    const SimResult fresh =
        simulate(*io::resolveTransformer("bert-tiny", data).value, io::resolveAccelerator("edge", data).value->spec,
                 electorTechnology14nm(), options);
    QCOMPARE(*evaluations.back().latencySeconds, fresh.latencySeconds());
    QCOMPARE(evaluations.back().accuracy, std::optional<double>(0.8)); // the accuracy is kept
    const auto summaries = window.controller()->designModel()->designs();
    QCOMPARE(summaries.back().latest->id, evaluations.back().id); // what the table lists
}

void TestMainWindow::viewsByName() {
    const QString path = m_dir.filePath("views.tcw");
    makeWorkspace(path);
    MainWindow window;
    QVERIFY(!window.showView(QStringLiteral("table"))); // nothing open: no table to show
    QVERIFY(!window.showView(QStringLiteral("nonsense")));
    window.controller()->openWorkspace(path);
    QVERIFY(waitForOpen(window.controller()));
    for (const QString& name : MainWindow::viewNames())
        if (name != QLatin1String("welcome"))
            QVERIFY2(window.showView(name), qPrintable(name));
    QVERIFY(window.showView(QStringLiteral("parallel")));
    QCOMPARE(window.findChild<QTabWidget*>("explorerTabs")->currentIndex(), 1);
}

void TestMainWindow::screenshotWritesPng_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("view");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("welcome") << QString() << QString() << 0;
    QTest::newRow("workspace, table") << "shot.tcw"
                                      << "table" << 0;
    QTest::newRow("workspace, selection") << "shot.tcw"
                                          << "selection" << 0; // issue 16: the page alone, nothing opened in it
    // A workspace without grow-and-prune runs: the picture waited for a tree that never came.
    QTest::newRow("workspace, grow-prune") << "shot.tcw"
                                           << "grow-prune" << 0;
    QTest::newRow("workspace, devices") << "shot.tcw"
                                        << "devices" << 0;
    QTest::newRow("workspace, search-page") << "shot.tcw"
                                            << "search-page" << 0;
    QTest::newRow("missing file") << "does-not-exist.tcw" << QString() << 1;
}

void TestMainWindow::screenshotWritesPng() {
    QFETCH(QString, file);
    QFETCH(QString, view);
    QFETCH(int, exitCode);
    QTemporaryDir home;
    QStringList arguments;
    if (file == QLatin1String("shot.tcw")) {
        makeWorkspace(home.filePath(file));
        arguments << home.filePath(file);
    } else if (!file.isEmpty()) {
        arguments << home.filePath(file);
    }
    const QString png = home.filePath("shot.png");
    arguments << "--screenshot" << png;
    if (!view.isEmpty())
        arguments << "--view" << view;

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", home.filePath("config")); // the user's settings stay out of it
    env.insert("HOME", home.path());
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(TCW_WORKBENCH_EXE), arguments);
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == exitCode, process.readAllStandardError().constData());
    const QImage image(png);
    QVERIFY(!image.isNull());
    if (view == QLatin1String("selection")) // the page alone, inside a 2600 × 1250 window
        QVERIFY2(image.width() < 2600 && image.height() < 1250 && image.width() > 900,
                 qPrintable(QStringLiteral("%1 × %2").arg(image.width()).arg(image.height())));
    else
        QCOMPARE(image.size(), QSize(1400, 900));
    // Not a blank canvas: many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 20);
    // --screenshot leaves the user's settings untouched.
    QVERIFY(!QFileInfo::exists(home.filePath("config/TransCODE/TransCODE Workbench.conf")));
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
