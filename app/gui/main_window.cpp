// Main window: builds the views and docks of GUI.md and wires them to the controllers.
#include "main_window.h"

#include "panels/device_selection_page.h"
#include "sim/cost_model.h"

#include "app_paths.h"
#include "cluster_job_dialog.h"
#include "design/sparsity_bits.h"
#include "edit_controller.h"
#include "editors/accelerator_editor.h"
#include "editors/transformer_editor.h"
#include "export_actions.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "lesson_controller.h"
#include "models/design_proxy_model.h"
#include "models/explorer_settings.h"
#include "models/front_analysis.h"
#include "models/log_model.h"
#include "models/selection_link.h"
#include "models/workspace_tree_model.h"
#include "panels/control_highlight.h"
#include "panels/design_detail_panel.h"
#include "panels/empty_state_widget.h"
#include "panels/explorer_toolbar.h"
#include "panels/lesson_panel.h"
#include "panels/log_panel.h"
#include "panels/range_filter_dialog.h"
#include "panels/search_page.h"
#include "panels/search_panel.h"
#include "panels/training_panel.h"
#include "panels/welcome_page.h"
#include "plots/parallel_coordinates.h"
#include "plots/pareto_plot_view.h"
#include "plots/scatter_plot.h"
#include "plural.h"
#include "recent_files.h"
#include "search_controller.h"
#include "shortcuts_dialog.h"
#include "training_controller.h"
#include "workspace_controller.h"
#include "workspace_dialogs.h"

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDebug>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMap>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSettings>
#include <QShortcut>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QUndoGroup>
#include <QUndoStack>

#include <cmath>

namespace tcw::app {

using models::WorkspaceTreeModel;

namespace {
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kTableHeaderKey = QStringLiteral("window/designTableHeader");
constexpr int kStatusTimeoutMs = 8000;

QDockWidget* makeDock(const QString& title, const QString& objectName, QWidget* content, QMainWindow* window) {
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(objectName); // saveState() identifies docks by object name
    dock->setWidget(content);
    dock->toggleViewAction()->setStatusTip(QObject::tr("Show or hide the %1 panel").arg(title));
    dock->toggleViewAction()->setToolTip(dock->toggleViewAction()->statusTip());
    return dock;
}
} // namespace

MainWindow::MainWindow(models::LogModel* log, QWidget* parent)
    : QMainWindow(parent), m_actions(createMainActions(this)), m_logModel(log ? log : new models::LogModel(this)),
      m_explorerSettings(new models::ExplorerSettings(this)), m_state(new models::ExplorerState(this)),
      m_controller(new WorkspaceController(this)), m_edits(new EditController(m_controller, this)),
      m_recent(new RecentFiles(this)), m_search(new SearchController(m_controller, this)),
      m_dialogs(new WorkspaceDialogs(this, m_controller, m_recent)), m_undoGroup(new QUndoGroup(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TransCODE Workbench"));
    setDockNestingEnabled(true);
    // The bottom panel spans the full width, as in GUI.md; the side docks stop above it.
    setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);

    QSettings settings;
    m_explorerSettings->load(settings);
    m_controller->setMode(m_explorerSettings->mode());
    m_controller->setPresetDirectory(presetDirectory());

    m_toolBar = new widgets::ExplorerToolBar(m_explorerSettings, this);
    addToolBar(Qt::TopToolBarArea, m_toolBar);
    createCentralViews();
    createDocks();
    m_lessons = new LessonController(this);
    m_exports = new ExportActions(this, m_controller, m_proxy);
    m_exports->setCurrentPlot([this]() -> const widgets::PlotWidget* {
        if (m_explorerTabs->currentIndex() == 0 && m_paretoPage->currentWidget() == m_paretoView)
            return m_paretoView->plot();
        if (m_explorerTabs->currentIndex() == 1 && m_parallelPage->currentWidget() == m_parallelView)
            return m_parallelView->plot();
        return nullptr;
    });
    m_exports->setReportSource(m_edits->session(), [this] { return m_detail->charts(); });
    createMenus();
    createStatusBar();
    connectWorkspace();
    connectSelection();
    connectSearch();
    connectSearchPage();
    connectDevicesPage();
    connectGrowPrunePage(); // issue 14
    connectState();
    m_edits->loadPredictor(dataDirectory());

    resize(1400, 900);
    placeDocks();
    updateWorkspaceState();
}

MainWindow::~MainWindow() = default;

// ---- construction ----------------------------------------------------------------------

void MainWindow::createCentralViews() {
    m_central = new QStackedWidget(this);
    m_central->setObjectName(QStringLiteral("centralStack"));

    m_welcome = new widgets::WelcomePage(m_central);
    m_welcome->setActions({m_actions.newWorkspace, m_actions.openWorkspace, m_actions.openExample});
    m_welcome->setRecentFiles(m_recent->files());
    connect(m_welcome, &widgets::WelcomePage::recentFileActivated, m_dialogs, &WorkspaceDialogs::openFile);
    m_central->addWidget(m_welcome);

    m_explorerTabs = new QTabWidget(m_central);
    m_explorerTabs->setObjectName(QStringLiteral("explorerTabs"));
    m_explorerTabs->setDocumentMode(true);
    const QList<QAction*> fillActions = {m_actions.importDesigns, m_actions.openExample};
    m_paretoPage = new QStackedWidget(m_explorerTabs);
    m_paretoPage->setObjectName(QStringLiteral("paretoPage"));
    m_paretoEmpty = new widgets::EmptyStateWidget({}, {}, m_paretoPage);
    m_paretoEmpty->setActions(fillActions);
    m_parallelPage = new QStackedWidget(m_explorerTabs);
    m_parallelPage->setObjectName(QStringLiteral("parallelPage"));
    m_parallelEmpty = new widgets::EmptyStateWidget({}, {}, m_parallelPage);
    m_parallelEmpty->setActions(fillActions);

    m_tablePage = new QStackedWidget(m_explorerTabs);
    m_tablePage->setObjectName(QStringLiteral("tableView"));
    m_tableEmpty = new widgets::EmptyStateWidget(
        tr("No designs in this workspace yet"),
        tr("Import transformer and accelerator files (File ▸ Import Designs), or run a search."), m_tablePage);
    m_tableEmpty->setActions(fillActions);
    m_proxy = new models::DesignProxyModel(this);
    m_proxy->setSourceModel(m_controller->designModel());
    m_paretoView = new widgets::ParetoPlotView(m_controller->designModel(), m_proxy, m_controller->selectionModel(),
                                               m_explorerSettings, m_paretoPage);
    m_paretoPage->addWidget(m_paretoEmpty);
    m_paretoPage->addWidget(m_paretoView);
    m_parallelView = new widgets::ParallelCoordinatesView(
        m_controller->designModel(), m_proxy, m_controller->selectionModel(), m_explorerSettings, m_parallelPage);
    m_parallelPage->addWidget(m_parallelEmpty);
    m_parallelPage->addWidget(m_parallelView);
    m_table = new QTableView(m_tablePage);
    m_table->setObjectName(QStringLiteral("designTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(models::DesignTableModel::IdColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    // Columns start as wide as their headers (numbers are narrower than "Peak power (mW)").
    QHeaderView* header = m_table->horizontalHeader();
    for (int column = 0; column < models::DesignTableModel::ColumnCount; ++column) {
        const QString title = m_proxy->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(column, header->fontMetrics().horizontalAdvance(title) + 28);
    }
    header->resizeSection(models::DesignTableModel::NameColumn, 200);
    header->resizeSection(models::DesignTableModel::KindColumn, 100);
    header->resizeSection(models::DesignTableModel::InExportSetColumn, 56);
    header->setStretchLastSection(true);
    // The export tick and the rank lead; specification columns start hidden (the column
    // chooser, a right-click on the header, shows them).
    header->moveSection(header->visualIndex(models::DesignTableModel::InExportSetColumn), 0);
    header->moveSection(header->visualIndex(models::DesignTableModel::ParetoRankColumn), 2);
    for (int column : {models::DesignTableModel::CostModelColumn, models::DesignTableModel::CreatedColumn,
                       models::DesignTableModel::PeCountColumn, models::DesignTableModel::BatchColumn,
                       models::DesignTableModel::BufferColumn, models::DesignTableModel::MainMemoryColumn,
                       models::DesignTableModel::TargetKindColumn})
        header->hideSection(column);
    installColumnChooser();
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), m_table, nullptr, nullptr, Qt::WidgetShortcut);
    connect(space, &QShortcut::activated, this, &MainWindow::toggleExportSetOfSelection);
    m_tablePage->addWidget(m_tableEmpty);
    m_tablePage->addWidget(m_table);

    m_explorerTabs->addTab(m_paretoPage, tr("Pareto"));
    m_explorerTabs->addTab(m_parallelPage, tr("Parallel coords"));
    m_explorerTabs->addTab(m_tablePage, tr("Table"));
    m_explorerTabs->setTabToolTip(0, tr("Any two objectives against each other, the front as a step line (Ctrl+1)"));
    m_explorerTabs->setTabToolTip(1, tr("Every objective as an axis, one line per design (Ctrl+2)"));
    m_explorerTabs->setTabToolTip(2, tr("Every design with its metrics: sort, filter, select (Ctrl+3)"));
    createSearchPage();    // the fourth tab
    createDevicesPage();   // the fifth (issue 14)
    createGrowPrunePage(); // the sixth (issue 14)
    createSelectionPage(); // the seventh (issue 16)
    m_central->addWidget(m_explorerTabs);
    setCentralWidget(m_central);
}

void MainWindow::createDocks() {
    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("workspaceTree"));
    m_tree->setModel(m_controller->treeModel());
    m_tree->setHeaderHidden(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setExpandsOnDoubleClick(true);
    m_tree->setToolTip(tr("Select a design to show it everywhere; double-click a preset to import it"));
    // A running lesson takes this dock over with its steps (LessonController).
    m_leftStack = new QStackedWidget(this);
    m_leftStack->setObjectName(QStringLiteral("leftDockStack"));
    m_leftStack->addWidget(m_tree);
    m_workspaceDock = makeDock(tr("Workspace"), QStringLiteral("workspaceDock"), m_leftStack, this);

    m_detail = new widgets::DesignDetailPanel(this);
    m_detail->setMode(m_explorerSettings->mode());
    m_detail->setSession(m_edits->session());
    m_detailDock = makeDock(tr("Design detail"), QStringLiteral("designDetailDock"), m_detail, this);

    m_editorTabs = new QTabWidget(this);
    m_editorTabs->setObjectName(QStringLiteral("editorTabs"));
    m_editorTabs->setDocumentMode(true);
    m_acceleratorEditor = new widgets::AcceleratorEditor(m_edits->session(), m_editorTabs);
    m_transformerEditor = new widgets::TransformerEditor(m_edits->session(), m_editorTabs);
    {
        QList<QPair<QString, QString>> presets;
        const QFileInfoList files =
            QDir(QDir(presetDirectory()).filePath(QStringLiteral("models"))).entryInfoList({QStringLiteral("*.json")});
        for (const QFileInfo& file : files)
            presets.append({file.completeBaseName(), file.absoluteFilePath()});
        m_transformerEditor->setPresets(presets);
    }
    m_editorTabs->addTab(m_acceleratorEditor, tr("Accelerator"));
    m_editorTabs->addTab(m_transformerEditor, tr("Transformer"));
    m_undoGroup->addStack(m_acceleratorEditor->undoStack());
    m_undoGroup->addStack(m_transformerEditor->undoStack());
    m_undoGroup->setActiveStack(m_acceleratorEditor->undoStack());
    connect(m_editorTabs, &QTabWidget::currentChanged, this, [this](int index) {
        m_undoGroup->setActiveStack(index == 0 ? m_acceleratorEditor->undoStack() : m_transformerEditor->undoStack());
    });
    m_editorTabs->setTabToolTip(0, tr("The selected design's accelerator: tiles, PEs, lanes, buffers, memory"));
    m_editorTabs->setTabToolTip(1, tr("The selected design's transformer: layers, heads, feed-forward stacks"));
    m_editorsDock = makeDock(tr("Editors"), QStringLiteral("editorsDock"), m_editorTabs, this);

    m_panelTabs = new QTabWidget(this);
    m_panelTabs->setObjectName(QStringLiteral("panelTabs"));
    m_panelTabs->setDocumentMode(true);
    m_searchPanel = new widgets::SearchPanel(m_panelTabs);
    m_searchPanel->setDataDirectory(dataDirectory().toStdString());
    m_trainingEmpty = new widgets::EmptyStateWidget(
        tr("No training runs in this workspace"),
        tr("DynaProp training runs show their loss and accuracy curves and the measured sparsity here."), m_panelTabs);
    m_lessonEmpty = new widgets::EmptyStateWidget(
        tr("No lesson running"),
        tr("Lessons walk through transformer–accelerator co-design step by step, in the left dock."), m_panelTabs);
    m_logPanel = new widgets::LogPanel(m_logModel, m_panelTabs);
    m_panelTabs->addTab(m_searchPanel, tr("Search"));
    m_panelTabs->setTabToolTip(0, tr("Co-design search: set it up, start, pause, resume, stop; its progress and "
                                     "hypervolume"));
    createTraining();
    m_panelTabs->addTab(m_trainingPage, tr("Training"));
    m_panelTabs->setTabToolTip(1, tr("Train the selected design with DynaProp and watch its curves, sparsity and "
                                     "simulated cost live"));
    m_panelTabs->addTab(m_lessonEmpty, tr("Lesson"));
    m_panelTabs->addTab(m_logPanel, tr("Log"));
    m_panelTabs->setTabToolTip(3, tr("Messages from the workbench: what was opened, saved, imported, and any errors"));
    m_panelDock = makeDock(tr("Panel"), QStringLiteral("panelDock"), m_panelTabs, this);

    const QList<QDockWidget*> docks = {m_workspaceDock, m_detailDock, m_editorsDock, m_panelDock};
    for (int i = 0; i < docks.size(); ++i)
        docks[i]->toggleViewAction()->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
}

void MainWindow::placeDocks() {
    for (QDockWidget* dock : {m_workspaceDock, m_detailDock, m_editorsDock, m_panelDock}) {
        dock->setFloating(false);
        removeDockWidget(dock); // from wherever the user put it
    }
    addDockWidget(Qt::LeftDockWidgetArea, m_workspaceDock);
    addDockWidget(Qt::RightDockWidgetArea, m_detailDock);
    splitDockWidget(m_detailDock, m_editorsDock, Qt::Vertical);
    addDockWidget(Qt::BottomDockWidgetArea, m_panelDock);
    for (QDockWidget* dock : {m_workspaceDock, m_detailDock, m_editorsDock, m_panelDock})
        dock->show();
    m_toolBar->show();
    resizeDocks({m_workspaceDock, m_detailDock}, {240, 400}, Qt::Horizontal);
    resizeDocks({m_detailDock, m_editorsDock, m_panelDock}, {380, 300, 160}, Qt::Vertical);
}

void MainWindow::createMenus() {
    const MainActions& a = m_actions;
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(a.newWorkspace);
    file->addAction(a.openWorkspace);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setToolTipsVisible(true);
    file->addAction(a.openExample);
    file->addSeparator();
    file->addAction(a.save);
    file->addAction(a.saveAs);
    file->addSeparator();
    file->addAction(a.importDesigns);
    file->addAction(a.resimulateStale);
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(a.exportDesignsJson);
    exportMenu->addAction(a.exportDesignsCsv);
    exportMenu->addAction(a.exportDesignsReference);
    exportMenu->addSeparator();
    exportMenu->addAction(a.exportPlot);
    exportMenu->addAction(a.exportReport);
    exportMenu->addSeparator();
    exportMenu->addAction(a.exportTableCsv);
    exportMenu->addAction(a.exportWindowPng);
    file->addSeparator();
    file->addAction(a.closeWorkspace);
    file->addAction(a.quit);
    updateRecentMenu(m_recent->files());

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_undoGroup->createUndoAction(this, tr("&Undo"));
    undo->setShortcuts(QKeySequence::Undo);
    undo->setToolTip(tr("Undo the last edit of a design"));
    QAction* redo = m_undoGroup->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts(QKeySequence::Redo);
    redo->setToolTip(tr("Redo the edit just undone"));
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addAction(a.saveEditedDesign);
    edit->addSeparator();
    edit->addAction(a.find);
    edit->addAction(a.clearFilters);
    edit->addSeparator();
    edit->addAction(a.toggleExportSet);
    edit->addAction(a.clearExportSet);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(a.showPareto);
    view->addAction(a.showParallel);
    view->addAction(a.showTable);
    view->addAction(m_showDevices);
    view->addSeparator();
    for (QDockWidget* dock : {m_workspaceDock, m_detailDock, m_editorsDock, m_panelDock})
        view->addAction(dock->toggleViewAction());
    QAction* toolBarToggle = m_toolBar->toggleViewAction();
    toolBarToggle->setText(tr("&Toolbar"));
    toolBarToggle->setStatusTip(tr("Show or hide the toolbar"));
    toolBarToggle->setToolTip(toolBarToggle->statusTip());
    view->addAction(toolBarToggle);
    view->addSeparator();
    QMenu* mode = view->addMenu(tr("Cost &Mode"));
    mode->addActions(m_toolBar->modeActions()->actions());
    view->addSeparator();
    view->addAction(a.resetLayout);
    view->addAction(a.fullScreen);

    QMenu* searchMenu = menuBar()->addMenu(tr("&Search"));
    QAction* newSearch = searchMenu->addAction(tr("&New Search…"));
    newSearch->setObjectName(QStringLiteral("newSearchAction"));
    newSearch->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_N));
    newSearch->setToolTip(tr("Show the Search panel to set up a co-design search"));
    connect(newSearch, &QAction::triggered, this, [this] { showView(QStringLiteral("search")); });
    m_otherModeAction = new QAction(this);
    m_otherModeAction->setObjectName(QStringLiteral("showOtherModeAction"));
    connect(m_otherModeAction, &QAction::triggered, this, [this] {
        m_explorerSettings->setMode(m_explorerSettings->mode() == SimMode::Training ? SimMode::Inference
                                                                                    : SimMode::Training);
    });
    m_modeSearchAction = new QAction(this);
    m_modeSearchAction->setObjectName(QStringLiteral("modeSearchAction"));
    connect(m_modeSearchAction, &QAction::triggered, this, [this] {
        m_searchPanel->setCostMode(m_explorerSettings->mode());
        showView(QStringLiteral("search"));
    });
    searchMenu->addSeparator();
    for (QAction* action : {m_searchPanel->startAction(), m_searchPanel->pauseAction(), m_searchPanel->resumeAction(),
                            m_searchPanel->stopAction()})
        searchMenu->addAction(action);
    searchMenu->addSeparator();
    searchMenu->addAction(m_searchPanel->resumeUnfinishedAction());
    searchMenu->addAction(m_searchPanel->writeJobScriptAction());
    QMenu* training = menuBar()->addMenu(tr("&Training"));
    training->addAction(m_trainingPanel->startAction());
    training->addAction(m_trainingPanel->pauseAction());
    training->addAction(m_trainingPanel->resumeAction());
    training->addAction(m_trainingPanel->stopAction());
    createLessonMenu();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a.shortcuts);
    help->addSeparator();
    help->addAction(a.about);
    help->addAction(a.aboutQt);

    // The toolbar's workspace button offers the workspace commands.
    m_workspaceMenu = new QMenu(this);
    m_workspaceMenu->addAction(a.newWorkspace);
    m_workspaceMenu->addAction(a.openWorkspace);
    m_workspaceMenu->addMenu(m_recentMenu);
    m_workspaceMenu->addAction(a.openExample);
    m_workspaceMenu->addSeparator();
    m_workspaceMenu->addAction(a.saveAs);
    m_workspaceMenu->addAction(a.copyWorkspacePath);
    m_workspaceMenu->addAction(a.resimulateStale);
    m_workspaceMenu->addAction(a.closeWorkspace);
    m_toolBar->setWorkspaceMenu(m_workspaceMenu);

    for (QMenu* menu : menuBar()->findChildren<QMenu*>())
        menu->setToolTipsVisible(true);

    // What each action does.
    connect(a.newWorkspace, &QAction::triggered, m_dialogs, &WorkspaceDialogs::newWorkspace);
    connect(a.openWorkspace, &QAction::triggered, m_dialogs, &WorkspaceDialogs::openWorkspace);
    connect(a.openExample, &QAction::triggered, m_dialogs, &WorkspaceDialogs::openExample);
    connect(a.clearRecent, &QAction::triggered, m_recent, &RecentFiles::clear);
    connect(a.save, &QAction::triggered, m_controller, &WorkspaceController::saveWorkspace);
    connect(a.saveAs, &QAction::triggered, m_dialogs, &WorkspaceDialogs::saveAs);
    connect(a.closeWorkspace, &QAction::triggered, m_controller, &WorkspaceController::closeWorkspace);
    connect(a.importDesigns, &QAction::triggered, m_dialogs, &WorkspaceDialogs::importDesigns);
    connect(a.resimulateStale, &QAction::triggered, m_controller, &WorkspaceController::resimulateStale);
    connect(a.exportTableCsv, &QAction::triggered, m_exports, &ExportActions::exportTableCsv);
    connect(a.exportDesignsJson, &QAction::triggered, m_exports, &ExportActions::exportDesignsJson);
    connect(a.exportDesignsCsv, &QAction::triggered, m_exports, &ExportActions::exportDesignsCsv);
    connect(a.exportDesignsReference, &QAction::triggered, m_exports, &ExportActions::exportDesignsReference);
    connect(a.exportPlot, &QAction::triggered, m_exports, &ExportActions::exportPlot);
    connect(a.exportReport, &QAction::triggered, m_exports, &ExportActions::exportReport);
    connect(a.exportWindowPng, &QAction::triggered, m_exports, &ExportActions::exportWindowPng);
    connect(a.toggleExportSet, &QAction::triggered, this, &MainWindow::toggleExportSetOfSelection);
    connect(a.clearExportSet, &QAction::triggered, m_controller->designModel(),
            &models::DesignTableModel::clearExportSet);
    connect(a.saveEditedDesign, &QAction::triggered, this, &MainWindow::saveEditedDesign);
    connect(a.clearFilters, &QAction::triggered, this, [this] {
        m_explorerSettings->setFilterText({});
        m_explorerSettings->clearBounds();
        m_proxy->clearRanges();
    });
    connect(a.copyWorkspacePath, &QAction::triggered, this,
            [this] { QApplication::clipboard()->setText(QDir::toNativeSeparators(m_controller->filePath())); });
    connect(a.quit, &QAction::triggered, this, &QWidget::close);
    connect(a.find, &QAction::triggered, this, [this] {
        showView(QStringLiteral("table"));
        m_toolBar->focusFilter();
    });
    connect(a.showPareto, &QAction::triggered, this, [this] { showView(QStringLiteral("pareto")); });
    connect(a.showParallel, &QAction::triggered, this, [this] { showView(QStringLiteral("parallel")); });
    connect(a.showTable, &QAction::triggered, this, [this] { showView(QStringLiteral("table")); });
    connect(a.resetLayout, &QAction::triggered, this, &MainWindow::resetLayout);
    connect(a.fullScreen, &QAction::toggled, this, [this](bool on) {
        setWindowState(on ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
    });
    connect(a.shortcuts, &QAction::triggered, this, [this] { ShortcutsDialog(menuBar(), this).exec(); });
    connect(a.about, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About TransCODE Workbench"),
            tr("<h3>TransCODE Workbench %1</h3>"
               "<p>Co-design transformer models and hardware accelerators: train candidates with runtime pruning "
               "(DynaProp), simulate them on a parameterised accelerator, search the joint design space, and "
               "explore the accuracy, latency, energy and area trade-offs.</p>"
               "<p>Built with Qt %2, running on Qt %3.</p>")
                .arg(QApplication::applicationVersion(), QStringLiteral(QT_VERSION_STR),
                     QString::fromLatin1(qVersion())));
    });
    connect(a.aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createStatusBar() {
    m_busyBar = new QProgressBar(this);
    m_busyBar->setRange(0, 0); // indeterminate: opening and copying report no fraction
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setMaximumHeight(14);
    m_busyBar->setToolTip(tr("Working on the workspace…"));
    m_busyBar->hide();
    m_countsLabel = new QLabel(this);
    m_countsLabel->setToolTip(tr("What the open workspace holds"));
    m_choiceLabel = new QLabel(this);
    m_choiceLabel->setToolTip(tr("The explorer's objectives and cost mode (change them in the toolbar)"));
    auto separator = [this] {
        auto* line = new QFrame(this);
        line->setFrameShape(QFrame::VLine);
        line->setFrameShadow(QFrame::Sunken);
        return line;
    };
    m_searchBar = new QProgressBar(this);
    m_searchBar->setObjectName(QStringLiteral("searchStatusBar"));
    m_searchBar->setMaximumWidth(360);
    m_searchBar->setMaximumHeight(16);
    m_searchBar->setToolTip(tr("The running search: trials of the budget, time left, hypervolume (Search tab)"));
    m_searchBar->hide();
    statusBar()->addPermanentWidget(m_searchBar);
    m_writerLabel = new QLabel(this);
    m_writerLabel->setObjectName(QStringLiteral("externalWriterLabel"));
    m_writerLabel->setText(tr("Read-only: written by another process"));
    m_writerLabel->setStyleSheet(QStringLiteral("QLabel { padding: 0 6px; border-radius: 3px; "
                                                "background: palette(highlight); color: palette(highlighted-text); }"));
    m_writerLabel->hide();
    statusBar()->addPermanentWidget(m_writerLabel);
    m_staleLabel = new QLabel(this);
    m_staleLabel->setObjectName(QStringLiteral("staleDesignsLabel"));
    m_staleLabel->setTextFormat(Qt::RichText);
    m_staleLabel->hide();
    connect(m_staleLabel, &QLabel::linkActivated, m_actions.resimulateStale, &QAction::trigger);
    statusBar()->addPermanentWidget(m_staleLabel);
    statusBar()->addPermanentWidget(m_busyBar);
    statusBar()->addPermanentWidget(m_countsLabel);
    m_countsSeparator = separator();
    statusBar()->addPermanentWidget(m_countsSeparator);
    statusBar()->addPermanentWidget(m_choiceLabel);
    m_choiceLabel->setText(m_explorerSettings->summary(m_controller->designModel()->perSequence()));
}

void MainWindow::connectWorkspace() {
    connect(m_controller, &WorkspaceController::workspaceOpened, m_recent, &RecentFiles::add);
    connect(m_controller, &WorkspaceController::workspaceOpened, this, &MainWindow::updateWorkspaceState);
    connect(m_controller, &WorkspaceController::workspaceClosed, this, &MainWindow::updateWorkspaceState);
    connect(m_controller, &WorkspaceController::externalWritersChanged, this, &MainWindow::updateWorkspaceState);
    connect(m_controller, &WorkspaceController::contentChanged, this, &MainWindow::updateEmptyStates);
    connect(m_controller, &WorkspaceController::errorOccurred, m_dialogs, &WorkspaceDialogs::showError);
    connect(m_controller, &WorkspaceController::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusTimeoutMs); });
    connect(m_controller, &WorkspaceController::busyChanged, this, [this](bool busy) {
        m_busyBar->setVisible(busy);
        updateWorkspaceState();
    });
    connect(m_exports, &ExportActions::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusTimeoutMs); });
    connect(m_exports, &ExportActions::errorOccurred, m_dialogs, &WorkspaceDialogs::showError);
    connect(m_recent, &RecentFiles::changed, this, &MainWindow::updateRecentMenu);
    connect(m_recent, &RecentFiles::changed, m_welcome, &widgets::WelcomePage::setRecentFiles);

    // The toolbar's choices: kept, shown, and applied to what exists today (mode and filter).
    connect(m_explorerSettings, &models::ExplorerSettings::changed, this, [this] {
        QSettings settings;
        m_explorerSettings->save(settings);
        m_choiceLabel->setText(m_explorerSettings->summary(m_controller->designModel()->perSequence()));
    });
    connect(m_explorerSettings, &models::ExplorerSettings::modeChanged, m_controller, &WorkspaceController::setMode);
    connect(m_explorerSettings, &models::ExplorerSettings::filterTextChanged, m_proxy,
            &models::DesignProxyModel::setFilterText);
    connect(m_explorerSettings, &models::ExplorerSettings::changed, this, [this] {
        statusBar()->showMessage(
            tr("Explorer: %1").arg(m_explorerSettings->summary(m_controller->designModel()->perSequence())),
            kStatusTimeoutMs);
    });
    m_proxy->setFilterText(m_explorerSettings->filterText());
    // Issues 14/15: once the designs mix target kinds latency and energy are per sequence; the
    // toolbar's choices and the status bar's summary say so, as the axes and columns do.
    const auto unitLabels = [this] {
        const bool perSequence = m_controller->designModel()->perSequence();
        m_toolBar->setPerSequence(perSequence);
        m_choiceLabel->setText(m_explorerSettings->summary(perSequence));
    };
    connect(m_controller->designModel(), &QAbstractItemModel::modelReset, this, unitLabels);
    connect(m_controller->designModel(), &QAbstractItemModel::headerDataChanged, this, unitLabels);

    // The Pareto rank and the front follow the plotted objectives and the constraint lines.
    auto setFront = [this] {
        m_controller->designModel()->setFront(m_explorerSettings->xObjective(), m_explorerSettings->yObjective(),
                                              m_explorerSettings->bounds());
    };
    connect(m_explorerSettings, &models::ExplorerSettings::xObjectiveChanged, this, setFront);
    connect(m_explorerSettings, &models::ExplorerSettings::yObjectiveChanged, this, setFront);
    connect(m_explorerSettings, &models::ExplorerSettings::boundsChanged, this, setFront);
    setFront();

    // Editing: the session follows the selection and the mode; its evaluations reach the
    // plot (the what-if point) and the editors and detail (where it would stand).
    auto message = [this](const QString& text) { statusBar()->showMessage(text, kStatusTimeoutMs); };
    connect(m_edits, &EditController::statusMessage, this, message);
    connect(m_edits, &EditController::errorOccurred, m_dialogs, &WorkspaceDialogs::showError);
    connect(m_edits->session(), &models::EditSession::evaluated, this, &MainWindow::updateWhatIf);
    connect(m_edits->session(), &models::EditSession::ended, this, &MainWindow::updateWhatIf);
    connect(m_controller->designModel(), &models::DesignTableModel::frontChanged, this, &MainWindow::updateWhatIf);
    connect(m_paretoView, &widgets::ParetoPlotView::statusMessage, this, message);
    connect(m_parallelView, &widgets::ParallelCoordinatesView::statusMessage, this, message);
    connect(m_acceleratorEditor, &widgets::AcceleratorEditor::saveRequested, this, &MainWindow::saveEditedDesign);
    connect(m_transformerEditor, &widgets::TransformerEditor::saveRequested, this, &MainWindow::saveEditedDesign);
    connect(m_transformerEditor, &widgets::TransformerEditor::message, this, message);
    connect(m_detail, &widgets::DesignDetailPanel::reportRequested, m_exports, &ExportActions::exportReport);
    connect(m_controller->designModel(), &models::DesignTableModel::exportSetChanged, this, [this, message](int size) {
        message(tr("Export set: %1").arg(countOf(size, tr("design"), tr("designs"))));
    });
}

void MainWindow::connectSelection() {
    // The table's own selection (over its sort/filter proxy) mirrors the shared one.
    m_tableLink = new models::SelectionLink(m_controller->selectionModel(), m_table->selectionModel(), this);

    // The tree selects designs in the shared selection and opens the panel of what it shows.
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& index) {
        if (m_syncingTree || !index.isValid())
            return;
        const auto type = WorkspaceTreeModel::NodeType(index.data(WorkspaceTreeModel::NodeTypeRole).toInt());
        if (type == WorkspaceTreeModel::NodeType::Design)
            m_controller->selectDesign(index.data(WorkspaceTreeModel::ItemIdRole).toLongLong());
        else if (type == WorkspaceTreeModel::NodeType::Search)
            openSearchPage(index.data(WorkspaceTreeModel::ItemIdRole).toLongLong());
        else if (type == WorkspaceTreeModel::NodeType::TrainingRun)
            showStoredTrainingRun(index.data(WorkspaceTreeModel::ItemIdRole).toLongLong());
    });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex& index) {
        const QString path = index.data(WorkspaceTreeModel::FilePathRole).toString();
        if (!path.isEmpty())
            m_dialogs->importFiles({path}); // a preset: add it to the workspace
    });
    connect(m_controller->treeModel(), &QAbstractItemModel::modelReset, this, [this] {
        m_tree->expandToDepth(0);
        syncTree(m_controller->currentDesignId());
    });
    m_tree->expandToDepth(0);
}

void MainWindow::connectSearch() {
    using State = widgets::SearchPanel::State;
    m_search->setDataDirectory(dataDirectory());
    connect(m_searchPanel, &widgets::SearchPanel::startRequested, m_search, &SearchController::start);
    connect(m_searchPanel, &widgets::SearchPanel::pauseRequested, m_search, &SearchController::pause);
    connect(m_searchPanel, &widgets::SearchPanel::resumeRequested, m_search, &SearchController::resume);
    connect(m_searchPanel, &widgets::SearchPanel::stopRequested, m_search, &SearchController::stop);
    connect(m_searchPanel, &widgets::SearchPanel::resumeUnfinishedRequested, m_search,
            &SearchController::resumeUnfinished);
    connect(m_searchPanel, &widgets::SearchPanel::writeJobScriptRequested, this,
            [this](const codesign::SearchRequest& request) {
                gui::ClusterJobDialog dialog(m_controller->filePath(), request, this);
                if (dialog.exec() != QDialog::Accepted)
                    return;
                const QString suggested = QFileInfo(m_controller->filePath())
                                              .dir()
                                              .filePath(QFileInfo(m_controller->filePath()).completeBaseName() +
                                                        QStringLiteral("-search.sbatch"));
                const QString path = QFileDialog::getSaveFileName(this, tr("Write Cluster Job Script"), suggested,
                                                                  tr("Slurm batch scripts (*.sbatch *.sh)"));
                if (path.isEmpty())
                    return;
                if (const QString error = gui::writeClusterJobScript(path, dialog.job()); !error.isEmpty())
                    QMessageBox::warning(this, tr("Write Cluster Job Script"), error);
                else
                    m_searchPanel->setMessage(
                        tr("Wrote %1: submit it with sbatch").arg(QDir::toNativeSeparators(path)));
            });
    connect(m_search, &SearchController::stateChanged, m_searchPanel, &widgets::SearchPanel::setState);
    connect(m_search, &SearchController::unfinishedChanged, m_searchPanel, &widgets::SearchPanel::setUnfinishedSearch);
    connect(m_search, &SearchController::resumedWith, m_searchPanel, &widgets::SearchPanel::showSearch);
    connect(m_search, &SearchController::started, this, [this](qint64, int budget, const QString& description) {
        m_searchPanel->resetProgress(budget);
        m_searchPanel->setMessage(tr("Running %1").arg(description.section(QLatin1Char(';'), 0, 0)), description);
        widgets::setProgressQuietly(m_searchBar, budget, 0);
        m_searchBar->setFormat(tr("Search: starting"));
        m_searchBar->show();
    });
    connect(m_search, &SearchController::progressed, this, [this](const widgets::SearchPanel::Progress& p) {
        m_searchPanel->setProgress(p);
        widgets::setProgressQuietly(m_searchBar, p.budget, p.trials);
        const bool paused = m_search->state() == widgets::SearchPanel::State::Paused;
        const QString hypervolume = QString::number(p.hypervolume, 'f', 4);
        m_searchBar->setFormat(paused
                                   ? tr("Search paused at %1/%2 · HV %3").arg(p.trials).arg(p.budget).arg(hypervolume)
                                   : tr("Search %1/%2 · %3 left · HV %4")
                                         .arg(p.trials)
                                         .arg(p.budget)
                                         .arg(widgets::formatDuration(p.etaSeconds), hypervolume));
    });
    connect(m_search, &SearchController::stateChanged, this, [this](State state) {
        if (state == State::Idle || state == State::NoWorkspace)
            m_searchBar->hide();
        else if (state == State::Paused)
            m_searchBar->setFormat(tr("Search paused at %1/%2").arg(m_searchBar->value()).arg(m_searchBar->maximum()));
    });
    connect(m_search, &SearchController::finished, m_searchPanel,
            [this](const QString& message) { m_searchPanel->setMessage(message); });
    connect(m_search, &SearchController::failed, m_dialogs, &WorkspaceDialogs::showError);
    connect(m_search, &SearchController::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusTimeoutMs); });
}

// ---- state -----------------------------------------------------------------------------

void MainWindow::updateWorkspaceState() {
    const bool open = m_controller->isOpen();
    const bool idle = !m_controller->isBlocked();
    for (QAction* action : m_actions.workspaceActions())
        action->setEnabled(open && idle);
    // Another process writes the workspace: what would write it waits (the controller refuses
    // it too, naming the writer); reading, exporting and copying stay.
    const QStringList writers = m_controller->externalWriters();
    for (QAction* action : {m_actions.save, m_actions.importDesigns})
        action->setEnabled(open && idle && writers.isEmpty());
    m_writerLabel->setVisible(open && !writers.isEmpty());
    m_writerLabel->setToolTip(
        tr("Another process is writing this workspace: %1.\nIt is shown read-only and re-read as trials arrive; "
           "saving, importing, searching and training in it wait until that process ends.")
            .arg(writers.join(QStringLiteral("; "))));
    m_actions.newWorkspace->setEnabled(idle);
    m_actions.openWorkspace->setEnabled(idle);
    m_actions.openExample->setEnabled(idle);
    m_central->setCurrentWidget(open ? static_cast<QWidget*>(m_explorerTabs) : m_welcome);
    m_toolBar->setWorkspace(m_controller->displayName(), QDir::toNativeSeparators(m_controller->filePath()));
    setWindowTitle(open ? (writers.isEmpty() ? tr("%1 — TransCODE Workbench")
                                             : tr("%1 (read-only: written by another process) — TransCODE Workbench"))
                              .arg(m_controller->displayName())
                        : tr("TransCODE Workbench"));
    setWindowFilePath(m_controller->filePath());
    updateEmptyStates();
}

void MainWindow::updateStaleState() {
    const std::int64_t stale = m_controller->isOpen() ? m_controller->staleDesigns() : 0;
    const bool writable = !m_controller->isBlocked() && !m_controller->isWrittenElsewhere();
    m_actions.resimulateStale->setEnabled(stale > 0 && writable);
    m_staleLabel->setVisible(stale > 0);
    m_staleLabel->setText(
        writable ? tr("%1 costed by an earlier cost model — <a href=\"#\">re-simulate</a>")
                       .arg(countOf(stale, tr("design"), tr("designs")))
                 : tr("%1 costed by an earlier cost model").arg(countOf(stale, tr("design"), tr("designs"))));
    m_staleLabel->setToolTip(
        tr("The latency, energy and area of %1 were computed by an earlier build's cost models (this build: "
           "revision %2) and may be out of date.\nFile ▸ Re-simulate Stale Designs costs them again and stores the "
           "new numbers; the earlier ones stay in each design's history.")
            .arg(countOf(stale, tr("design"), tr("designs")))
            .arg(kCostModelRevision));
}

void MainWindow::updateEmptyStates() {
    updateStaleState();
    const store::WorkspaceCounts counts = m_controller->counts();
    const int evaluated = m_controller->designModel()->evaluatedCount();
    const QString none = tr("No evaluated designs yet — run a search or import designs (File ▸ Import)");
    m_paretoPage->setCurrentWidget(evaluated > 0 ? static_cast<QWidget*>(m_paretoView) : m_paretoEmpty);
    m_parallelPage->setCurrentWidget(evaluated > 0 ? static_cast<QWidget*>(m_parallelView) : m_parallelEmpty);
    const bool training = m_explorerSettings->mode() == SimMode::Training;
    const QString modeName = training ? tr("training") : tr("inference");
    // Evaluations exist, none in this mode (the example workspace in training mode): say so,
    // and offer the other mode or a search in this one, not an import.
    const bool otherModeOnly = evaluated == 0 && counts.evaluations > 0;
    if (m_otherModeAction) {
        m_otherModeAction->setText(training ? tr("Show Inference Evaluations") : tr("Show Training Evaluations"));
        m_otherModeAction->setToolTip(
            tr("Switch the cost mode to %1 (toolbar)").arg(training ? tr("inference") : tr("training")));
        m_modeSearchAction->setText(training ? tr("Set Up a Training Search…") : tr("Set Up an Inference Search…"));
        m_modeSearchAction->setToolTip(
            tr("The Search panel with its cost mode set to %1: a search evaluates its designs in that mode")
                .arg(modeName));
    }
    for (widgets::EmptyStateWidget* view : {m_paretoEmpty, m_parallelEmpty}) {
        if (otherModeOnly) {
            view->setTitle(tr("No design in this workspace is evaluated for %1").arg(modeName));
            view->setText(tr("Its evaluations (%1) are all for %2. Switch the cost mode, or run a search with the "
                             "cost mode set to %3 to evaluate designs for it.")
                              .arg(QLocale().toString(counts.evaluations), training ? tr("inference") : tr("training"),
                                   modeName));
            view->setActions({m_otherModeAction, m_modeSearchAction});
        } else if (evaluated == 0) {
            view->setActions({m_actions.importDesigns, m_actions.openExample});
            view->setTitle(none);
            view->setText(view == m_paretoEmpty
                              ? tr("The Pareto plot puts any two objectives against each other, with the front of "
                                   "the best trade-offs as a step line.")
                              : tr("Parallel coordinates draw every objective as an axis and each design as a "
                                   "line; brush an axis to filter."));
        } else {
            view->setTitle(
                tr("%1 in %2 mode").arg(countOf(evaluated, tr("evaluated design"), tr("evaluated designs")), modeName));
            view->setText(tr("They are listed with their metrics in the Table tab (Ctrl+3)."));
        }
    }
    m_tablePage->setCurrentWidget(m_controller->designModel()->rowCount() > 0 ? static_cast<QWidget*>(m_table)
                                                                              : m_tableEmpty);
    const bool open = m_controller->isOpen();
    auto panelTitle = [open](qint64 count, const QString& one, const QString& many, const QString& emptyTitle) {
        if (!open)
            return tr("No workspace open");
        return count > 0 ? tr("%1 in this workspace").arg(countOf(count, one, many)) : emptyTitle;
    };
    m_trainingPage->setCurrentWidget(open ? static_cast<QWidget*>(m_trainingPanel) : m_trainingEmpty);
    m_trainingEmpty->setTitle(panelTitle(counts.trainingRuns, tr("training run"), tr("training runs"),
                                         tr("No training runs in this workspace")));
    m_trainingEmpty->setText(counts.trainingRuns > 0 ? tr("They are listed in the Workspace tree.")
                                                     : tr("DynaProp training runs show their loss and accuracy "
                                                          "curves and the measured sparsity here."));
    m_countsLabel->setVisible(open);
    m_countsSeparator->setVisible(open);
    m_countsLabel->setText(open ? countOf(counts.designs, tr("design"), tr("designs")) + QStringLiteral(" · ") +
                                      countOf(counts.evaluations, tr("evaluation"), tr("evaluations"))
                                : QString());
}

void MainWindow::updateRecentMenu(const QStringList& files) {
    m_recentMenu->clear();
    for (int i = 0; i < files.size(); ++i) {
        const QFileInfo info(files[i]);
        const QString label = info.exists() ? info.fileName() : tr("%1 (missing)").arg(info.fileName());
        QAction* action = m_recentMenu->addAction(QStringLiteral("&%1  %2").arg((i + 1) % 10).arg(label));
        action->setToolTip(QDir::toNativeSeparators(files[i]));
        action->setStatusTip(tr("Open %1").arg(QDir::toNativeSeparators(files[i])));
        connect(action, &QAction::triggered, m_dialogs, [this, path = files[i]] { m_dialogs->openFile(path); });
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent workspaces"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(m_actions.clearRecent);
    m_actions.clearRecent->setEnabled(!files.isEmpty());
}

void MainWindow::updateWhatIf() {
    const models::EditSession* session = m_edits->session();
    if (!session->isActive() || !session->isModified()) {
        m_paretoView->setWhatIf(std::nullopt, std::nullopt);
        // Unedited: where the design itself stands.
        QString status;
        bool onFront = false;
        if (session->isActive()) {
            const int row = m_controller->designModel()->rowOfDesign(session->designId());
            const auto& ranks = m_controller->designModel()->paretoRanks();
            const int rank = row >= 0 && std::size_t(row) < ranks.size() ? ranks[std::size_t(row)] : -1;
            onFront = rank == 0;
            // Shown ranks count from 1, the front (the table's Pareto rank column).
            status = rank == 0  ? tr("On the Pareto front (rank 1); change a parameter to see where the design moves")
                     : rank > 0 ? tr("Pareto rank %1; change a parameter to see where the design moves").arg(rank + 1)
                                : tr("Not ranked (infeasible, outside a constraint or hidden by the filter)");
        }
        m_acceleratorEditor->setDominance(status, onFront);
        m_transformerEditor->setDominance(status, onFront);
        m_detail->setDominance(status, onFront);
        return;
    }
    m_paretoView->setWhatIf(session->currentEvaluation().record, session->startEvaluation().record);
    const QString status = m_paretoView->whatIfStatus();
    const bool joins = m_paretoView->whatIfDominance().joinsFront && session->currentEvaluation().record.feasible;
    m_acceleratorEditor->setDominance(status, joins);
    m_transformerEditor->setDominance(status, joins);
    m_detail->setDominance(status, joins);
}

void MainWindow::installColumnChooser() {
    QHeaderView* header = m_table->horizontalHeader();
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setToolTip(
        tr("Click to sort; drag to reorder; right-click to limit a metric to a range or to choose the columns"));
    connect(header, &QHeaderView::customContextMenuRequested, this, [this, header](const QPoint& pos) {
        QMenu menu(this);
        menu.setToolTipsVisible(true);
        // A metric's column: its range filter (the same ranges the parallel coordinates brush).
        std::optional<models::Objective> objective;
        const int clicked = header->logicalIndexAt(pos);
        for (const auto& info : models::allObjectives())
            if (models::DesignTableModel::columnOf(info.objective) == clicked)
                objective = info.objective;
        if (objective) {
            const QString label = models::objectiveInfo(*objective).label;
            QAction* limit = menu.addAction(tr("Limit %1 to a Range…").arg(label));
            limit->setToolTip(tr("Show only the designs whose %1 lies in a range").arg(label.toLower()));
            connect(limit, &QAction::triggered, this, [this, o = *objective] { editRange(o); });
            if (m_proxy->range(*objective)) {
                QAction* clear = menu.addAction(tr("Clear the Limit on %1").arg(label));
                clear->setToolTip(tr("Show the designs outside the range again"));
                connect(clear, &QAction::triggered, this,
                        [this, o = *objective] { m_proxy->setRange(o, std::nullopt); });
            }
            menu.addSeparator();
        }
        menu.addSection(tr("Columns"));
        for (int logical = 0; logical < header->count(); ++logical) {
            const QString title = m_proxy->headerData(logical, Qt::Horizontal).toString();
            QAction* action = menu.addAction(title);
            action->setCheckable(true);
            action->setChecked(!header->isSectionHidden(logical));
            action->setToolTip(m_proxy->headerData(logical, Qt::Horizontal, Qt::ToolTipRole).toString());
            // The name column stays: a row without it cannot be told apart.
            action->setEnabled(logical != models::DesignTableModel::NameColumn);
            connect(action, &QAction::toggled, header,
                    [header, logical](bool shown) { header->setSectionHidden(logical, !shown); });
        }
        menu.exec(header->mapToGlobal(pos));
    });
}

void MainWindow::editRange(models::Objective objective) {
    // Start from the current limit, else from the values that occur.
    double lo = INFINITY, hi = -INFINITY;
    for (double v : m_controller->designModel()->values(objective))
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (const auto range = m_proxy->range(objective)) {
        lo = range->lo;
        hi = range->hi;
    }
    if (!std::isfinite(lo))
        return;
    widgets::RangeFilterDialog dialog(objective, lo, hi, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto [from, to] = dialog.range();
    m_proxy->setRange(objective, std::pair{from, to});
    statusBar()->showMessage(tr("%1 shown with %2 from %3 to %4")
                                 .arg(countOf(m_proxy->rowCount(), tr("design"), tr("designs")),
                                      models::objectiveInfo(objective).label.toLower(), models::formatMetric(from),
                                      models::formatMetric(to)),
                             kStatusTimeoutMs);
}

void MainWindow::toggleExportSetOfSelection() {
    QList<int> rows;
    for (const QModelIndex& index : m_controller->selectionModel()->selectedRows())
        rows << index.row();
    m_controller->designModel()->toggleExportSet(rows);
}

void MainWindow::saveEditedDesign() {
    const models::EditSession* session = m_edits->session();
    if (!session->isActive() || !session->isModified())
        return;
    QString name = m_edits->suggestedName();
    if (m_interactive) {
        bool ok = false;
        name = QInputDialog::getText(this, tr("Save as Design"), tr("Name of the new co-design:"), QLineEdit::Normal,
                                     name, &ok);
        if (!ok || name.trimmed().isEmpty())
            return;
    }
    m_edits->saveAsDesign(name.trimmed());
}

bool MainWindow::selectRepresentativeDesign() {
    const models::DesignTableModel* model = m_controller->designModel();
    const auto& x = model->values(m_explorerSettings->xObjective());
    const auto& y = model->values(m_explorerSettings->yObjective());
    const auto front = models::frontInXOrder(x, y, model->paretoRanks());
    int row = front.empty() ? -1 : int(front[front.size() / 2]);
    for (int r = 0; row < 0 && r < model->rowCount(); ++r)
        if (model->designAt(r)->design.kind == store::DesignKind::Pair)
            row = r;
    if (row < 0)
        return false;
    m_controller->selectDesign(model->designAt(row)->design.id);
    return true;
}

QStringList MainWindow::acceleratorEditNames() {
    // Every field's name, and the short (leaf) names lessons and --edit have always used.
    QStringList names;
    const auto fields = fieldsOf(TargetKind::Elector);
    for (const FieldInfo& f : fields) {
        names << QString::fromUtf8(f.name.data(), qsizetype(f.name.size()));
        if (f.leaf() != f.name && findField(fields, f.leaf()))
            names << QString::fromUtf8(f.leaf().data(), qsizetype(f.leaf().size()));
    }
    return names;
}

QMap<QString, double> MainWindow::acceleratorEditValues(const AcceleratorSpec& a) {
    QMap<QString, double> values;
    const auto fields = fieldsOf(TargetKind::Elector);
    for (const QString& name : acceleratorEditNames())
        values.insert(name, electorFields()[*findField(fields, name.toStdString())].get(a));
    return values;
}

bool MainWindow::applyAcceleratorEdits(const QStringList& edits, QString* error) {
    if (!m_edits->session()->isActive() && !selectRepresentativeDesign()) {
        if (error)
            *error = tr("no co-design to edit");
        return false;
    }
    for (const QString& edit : edits) {
        const ParsedFieldEdit parsed = parseFieldEdit(TargetKind::Elector, edit.toStdString());
        if (!parsed.edit) {
            if (error)
                *error = QString::fromStdString(parsed.error->toString());
            return false;
        }
        m_acceleratorEditor->edit(parsed.edit->field, parsed.edit->value);
    }
    return true;
}

// ---- views, layout ---------------------------------------------------------------------

QStringList MainWindow::viewNames() {
    return {QStringLiteral("welcome"),
            QStringLiteral("pareto"),
            QStringLiteral("parallel"),
            QStringLiteral("table"),
            QStringLiteral("search-page"),
            QStringLiteral("devices"),
            QStringLiteral("grow-prune"),
            QStringLiteral("selection"),
            QStringLiteral("search"),
            QStringLiteral("training"),
            QStringLiteral("lesson"),
            QStringLiteral("log"),
            QStringLiteral("detail"),
            QStringLiteral("accelerator-editor"),
            QStringLiteral("transformer-editor")};
}

bool MainWindow::showView(const QString& name) {
    const int central =
        QStringList{QStringLiteral("pareto"),      QStringLiteral("parallel"), QStringLiteral("table"),
                    QStringLiteral("search-page"), QStringLiteral("devices"),  QStringLiteral("grow-prune"),
                    QStringLiteral("selection")}
            .indexOf(name);
    const int panel = QStringList{QStringLiteral("search"), QStringLiteral("training"), QStringLiteral("lesson"),
                                  QStringLiteral("log")}
                          .indexOf(name);
    const int editor =
        QStringList{QStringLiteral("accelerator-editor"), QStringLiteral("transformer-editor")}.indexOf(name);
    if (name == QLatin1String("welcome")) {
        if (m_controller->isOpen())
            return false; // the welcome page is what shows when nothing is open
        m_central->setCurrentWidget(m_welcome);
    } else if (central >= 0) {
        if (!m_controller->isOpen())
            return false;
        m_explorerTabs->setCurrentIndex(central);
        // The search page asked for by name shows the latest search when none is chosen yet.
        if (name == QLatin1String("search-page") && m_searchPage->chosenSearch() == 0 &&
            !m_controller->treeContent().searches.isEmpty()) {
            refreshSearchPageList();
            m_searchPage->chooseSearch(m_controller->treeContent().searches.back().id);
        }
        if (name == QLatin1String("grow-prune")) // issue 14: the tree as the workspace holds it now
            loadGrowPrunePage();
    } else if (panel >= 0) {
        m_panelDock->show();
        m_panelDock->raise();
        m_panelTabs->setCurrentIndex(panel);
        if (name == QLatin1String("training")) // its plots want room: most of the window's height
            resizeDocks({m_panelDock}, {height() * 3 / 5}, Qt::Vertical);
        // The Search panel's setup needs more height than the default bottom strip.
        if (panel == 0 && !m_panelDock->isFloating() && m_panelDock->height() < 400)
            resizeDocks({m_panelDock}, {400}, Qt::Vertical);
    } else if (editor >= 0) {
        m_editorsDock->show();
        m_editorsDock->raise();
        m_editorTabs->setCurrentIndex(editor);
        if (!m_controller->currentDesignId())
            selectRepresentativeDesign();
        emphasiseDock(m_editorsDock);
    } else if (name == QLatin1String("detail")) {
        m_detailDock->show();
        m_detailDock->raise();
        if (!m_controller->currentDesignId())
            selectRepresentativeDesign();
        emphasiseDock(m_detailDock);
    } else {
        return false;
    }
    return true;
}

QWidget* MainWindow::screenshotTarget(const QString& view) {
    QDockWidget* dock = view == QLatin1String("detail") ? m_detailDock
                        : view == QLatin1String("accelerator-editor") || view == QLatin1String("transformer-editor")
                            ? m_editorsDock
                            : nullptr;
    if (view == QLatin1String("selection"))
        return m_selectionPage;            // the page alone: its matrix and plots at readable size
    if (view == QLatin1String("search")) { // the Search panel alone, every group in view (issue 14)
        m_panelDock->setFloating(true);
        m_panelDock->resize(QSize(1800, 620));
        m_panelDock->show();
        m_panelDock->layout()->activate();
        return m_panelDock;
    }
    if (!dock)
        return this;
    dock->setFloating(true);
    dock->resize(dock == m_detailDock ? QSize(960, 1080) : QSize(560, 1040));
    dock->show();
    dock->layout()->activate();
    return dock;
}

void MainWindow::emphasiseDock(QDockWidget* dock) {
    // Asked for by name: give it most of the right side's height and a comfortable width.
    if (dockWidgetArea(m_detailDock) != Qt::RightDockWidgetArea ||
        dockWidgetArea(m_editorsDock) != Qt::RightDockWidgetArea)
        return;
    const int height = m_detailDock->height() + m_editorsDock->height();
    QDockWidget* other = dock == m_detailDock ? m_editorsDock : m_detailDock;
    resizeDocks({dock, other}, {height * 4 / 5, height / 5}, Qt::Vertical);
}

void MainWindow::saveLayout() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState(kLayoutVersion));
    settings.setValue(kTableHeaderKey, m_table->horizontalHeader()->saveState());
}

bool MainWindow::restoreLayout() {
    QSettings settings;
    const QByteArray geometry = settings.value(kGeometryKey).toByteArray();
    const QByteArray state = settings.value(kStateKey).toByteArray();
    const QByteArray header = settings.value(kTableHeaderKey).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
    // restoreState checks the version: a layout saved by another arrangement of docks is
    // ignored and the default placement stays.
    return !state.isEmpty() && restoreState(state, kLayoutVersion);
}

void MainWindow::resetLayout() {
    if (isFullScreen())
        m_actions.fullScreen->setChecked(false);
    placeDocks();
    statusBar()->showMessage(tr("Layout reset"), kStatusTimeoutMs);
}

void MainWindow::setInteractive(bool interactive) {
    m_interactive = interactive;
    m_dialogs->setInteractive(interactive);
}

void MainWindow::startUp(const QString& file) {
    if (!file.isEmpty()) {
        m_dialogs->openFile(file);
        return;
    }
    const QString last = m_recent->mostRecentExisting();
    if (!last.isEmpty())
        m_controller->openWorkspace(last);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_training->isRunning()) {
        if (m_interactive &&
            QMessageBox::question(this, tr("Training in progress"),
                                  tr("A training run is going. Stop it and close? The run so far is stored in the "
                                     "workspace as cancelled, with its curve and checkpoint."),
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_training->stopAndWait();
    }
    m_lessons->exit(false); // the saved layout is the user's, not a lesson's
    if (m_interactive)
        saveLayout();
    m_search->stopAndWait(); // its trials are stored; the search stays resumable
    event->accept();
}

void MainWindow::createTraining() {
    m_training = new TrainingController(m_controller, this);
    m_trainingPanel = new widgets::TrainingPanel(m_panelTabs);
    m_trainingPage = new QStackedWidget(m_panelTabs);
    m_trainingPage->addWidget(m_trainingEmpty);
    m_trainingPage->addWidget(m_trainingPanel);
    QList<QPair<QString, QString>> presets;
    for (const QFileInfo& file : QDir(QDir(presetDirectory()).filePath(QStringLiteral("accelerators")))
                                     .entryInfoList({QStringLiteral("*.json")}))
        presets.append({file.completeBaseName(), file.absoluteFilePath()});
    m_trainingPanel->setAcceleratorPresets(presets);
    connect(m_trainingPanel, &widgets::TrainingPanel::startRequested, this, &MainWindow::startTraining);
    connect(m_trainingPanel, &widgets::TrainingPanel::pauseRequested, m_training, &TrainingController::pause);
    connect(m_trainingPanel, &widgets::TrainingPanel::resumeRequested, m_training, &TrainingController::resume);
    connect(m_trainingPanel, &widgets::TrainingPanel::stopRequested, m_training, &TrainingController::stop);
    connect(m_training, &TrainingController::started, m_trainingPanel, &widgets::TrainingPanel::runStarted);
    connect(m_training, &TrainingController::updated, m_trainingPanel, &widgets::TrainingPanel::applyUpdate);
    connect(m_training, &TrainingController::pausedChanged, m_trainingPanel, &widgets::TrainingPanel::runPausedChanged);
    connect(m_training, &TrainingController::finished, this, [this](const TrainingOutcome& o) {
        QString summary;
        if (!o.stored)
            summary = tr("Training failed: %1").arg(o.message);
        else if (o.status == QLatin1String("completed"))
            summary = tr("Run %1 completed: test accuracy %2% after %3 steps — stored; the design's accuracy is "
                         "now trained")
                          .arg(o.runId)
                          .arg(100.0 * o.testAccuracy, 0, 'f', 2)
                          .arg(o.steps);
        else
            summary = tr("Run %1 %2 at step %3 — stored with its curve so far").arg(o.runId).arg(o.status).arg(o.steps);
        QString panelText = summary;
        if (o.stored && !o.sparsityBits.isEmpty()) // issue 15: what the quantizers left for the cost models
            panelText += QLatin1Char('\n') + tr("Sparsity after the quantizers:") + QLatin1Char('\n') +
                         o.sparsityBits.join(QLatin1Char('\n'));
        m_trainingPanel->runFinished(panelText, o.stored && o.status == QLatin1String("completed"),
                                     o.stored ? std::optional<qint64>(o.steps) : std::nullopt);
        statusBar()->showMessage(summary, kStatusTimeoutMs);
        updateTrainingDesign();
    });
}

void MainWindow::showStoredTrainingRun(qint64 runId) {
    showView(QStringLiteral("training"));
    if (!m_controller->isOpen() || m_training->isRunning())
        return;
    for (const store::TrainingRunRecord& run : m_controller->workspace()->trainingRuns()) {
        if (run.id != runId)
            continue;
        // The stored blobs through their codecs; an unreadable one shows as an empty curve.
        std::vector<models::TrainingCurveSample> curve;
        const std::string where = "training run " + std::to_string(run.id);
        if (const auto points = io::parseTrainingCurve(run.curvesJson, where + " curves")) {
            for (const auto& p : *points)
                curve.push_back({p.step, p.trainLoss, p.trainAccuracy, p.testLoss.value_or(models::kNoValue),
                                 p.testAccuracy.value_or(models::kNoValue)});
        } else {
            qWarning().noquote() << QString::fromStdString(points.errors.toString());
        }
        const auto config = io::parseTrainingConfig(run.configJson, where + " configuration");
        const qint64 planned = config ? config->request.steps : 0;
        QString text = tr("Stored run %1 (%2, %3): %4")
                           .arg(run.id)
                           .arg(QString::fromStdString(std::string(store::runStatusName(run.status))),
                                QString::fromStdString(run.dataset), QString::fromStdString(run.name));
        if (run.finalAccuracy)
            text += tr(" · test accuracy %1%").arg(100.0 * *run.finalAccuracy, 0, 'f', 2);
        if (!run.sparsityProfileJson.empty()) { // issue 15: bits and zeros after the quantizers
            const auto profile =
                io::parseDocument(run.sparsityProfileJson, io::Syntax::Json, where + " sparsity profile");
            if (profile && std::holds_alternative<SparsityProfile>(*profile.value))
                for (const std::string& line : sparsityBitsLines(std::get<SparsityProfile>(*profile.value)))
                    text += QLatin1Char('\n') + QString::fromStdString(line);
        }
        m_trainingPanel->showStoredRun(text, curve, planned);
        return;
    }
}

void MainWindow::updateTrainingDesign() {
    const auto id = m_controller->isOpen() ? m_controller->currentDesignId() : std::nullopt;
    const auto design = id ? m_controller->design(*id) : std::nullopt;
    if (!design) {
        m_trainingPanel->setDesign(std::nullopt, tr("Select a transformer or a co-design in the explorer"), false);
    } else if (design->kind == store::DesignKind::Accelerator) {
        m_trainingPanel->setDesign(std::nullopt,
                                   tr("%1 is an accelerator: select a transformer or a co-design to train")
                                       .arg(QString::fromStdString(design->name)),
                                   false);
    } else {
        m_trainingPanel->setDesign(design->id, QString::fromStdString(design->name),
                                   design->kind == store::DesignKind::Pair);
    }
}

bool MainWindow::startTraining() {
    const auto id = m_trainingPanel->designId();
    QString error;
    if (id && m_training->start(*id, m_trainingPanel->request(), m_trainingPanel->acceleratorPresetFile(), &error,
                                m_trainingPanel->precision())) {
        m_panelDock->show();
        m_panelDock->raise();
        m_panelTabs->setCurrentWidget(m_trainingPage);
        return true;
    }
    if (!id)
        error = tr("Select a transformer or a co-design to train.");
    if (m_interactive)
        QMessageBox::warning(this, tr("Cannot start training"), error);
    else
        qWarning().noquote() << "training:" << error;
    return false;
}

} // namespace tcw::app
