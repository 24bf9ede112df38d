// The main window: the composition root. It creates the docks, views, menus and toolbar and
// connects them to the controllers; what they do lives in the controllers, widgets and core.
#pragma once

#include "design/accelerator_spec.h"
#include "main_actions.h"
#include "models/explorer_state.h"
#include "models/objective.h"

#include <QMainWindow>
#include <QMap>
#include <QPointer>
#include <QStringList>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTreeView;
class QUndoGroup;

namespace tcw::models {
class DesignProxyModel;
class ExplorerSettings;
class ExplorerState;
class LogModel;
class SelectionLink;
} // namespace tcw::models

namespace tcw::widgets {
class AcceleratorEditor;
class DesignDetailPanel;
class EmptyStateWidget;
class ParallelCoordinatesView;
class ParetoPlotView;
class TransformerEditor;
class ExplorerToolBar;
class LogPanel;
class TrainingPanel;
class SearchPanel;
class SearchPage;
class GrowPrunePage;
class DevicesPage;
class DeviceSelectionPage;
class WelcomePage;
} // namespace tcw::widgets

namespace tcw::app {

class EditController;
class ExportActions;
class LessonController;
class RecentFiles;
class TrainingController;
class SearchController;
class WorkspaceController;
class WorkspaceDialogs;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // Bumped whenever docks are added, removed or renamed: an older saved layout is then
    // ignored instead of restored half-way.
    static constexpr int kLayoutVersion = 1;

    // log: the model the Log tab shows (the application's message handler fills it); the
    // window makes its own when none is given.
    explicit MainWindow(models::LogModel* log = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    WorkspaceController* controller() const { return m_controller; }
    EditController* edits() const { return m_edits; }
    SearchController* searches() const { return m_search; }
    widgets::SearchPanel* searchPanel() const { return m_searchPanel; }
    widgets::SearchPage* searchPage() const { return m_searchPage; }
    widgets::GrowPrunePage* growPrunePage() const { return m_growPrunePage; }       // issue 14
    widgets::DevicesPage* devicesPage() const { return m_devicesPage; }             // issue 14
    widgets::DeviceSelectionPage* selectionPage() const { return m_selectionPage; } // issue 16
    // Shows the search page (the explorer's Search tab) with this search (the workspace tree's
    // Searches group opens it); its content is read in the background.
    void openSearchPage(qint64 searchId);
    widgets::ParetoPlotView* paretoView() const { return m_paretoView; }
    widgets::ParallelCoordinatesView* parallelView() const { return m_parallelView; }
    widgets::AcceleratorEditor* acceleratorEditor() const { return m_acceleratorEditor; }
    widgets::TransformerEditor* transformerEditor() const { return m_transformerEditor; }
    models::ExplorerSettings* explorerSettings() const { return m_explorerSettings; }
    // The explorer's state of now and the views that depend on it (main_window_state.cpp).
    models::ExplorerState* explorerState() const { return m_state; }
    WorkspaceDialogs* dialogs() const { return m_dialogs; }
    ExportActions* exports() const { return m_exports; }
    RecentFiles* recentFiles() const { return m_recent; }
    const MainActions& actions() const { return m_actions; }
    QUndoGroup* undoGroup() const { return m_undoGroup; }
    TrainingController* training() const { return m_training; }
    widgets::TrainingPanel* trainingPanel() const { return m_trainingPanel; }
    // Starts a run of the selected design with the Training panel's settings (errors are
    // shown, or logged when not interactive). False when it did not start.
    bool startTraining();
    // A stored run's curve in the Training panel (what clicking it in the Workspace tree does).
    void showStoredTrainingRun(qint64 runId);

    // Names accepted by --view and showView(): central tabs, bottom tabs, docks.
    static QStringList viewNames();
    bool showView(const QString& name);
    // What --screenshot renders for a view: the window, or for the detail and the editors
    // their dock, floated at a size that shows their content.
    QWidget* screenshotTarget(const QString& view);

    // Opens file; without one the most recent workspace that still exists; else the welcome
    // page stays.
    void startUp(const QString& file);

    // Selects a design to show when nothing is selected: the front's middle design (for
    // --screenshot of the detail and the editors). False when there is none.
    bool selectRepresentativeDesign();
    // Applies "name=value" edits to the selected co-design's accelerator, as the editor does
    // (--edit); the names are the elector descriptor table's (peCount, tile.tileX or tileX,
    // mainMemory.type, …). False, with the field and what is allowed, on an unknown name or a
    // value outside the field's bounds.
    bool applyAcceleratorEdits(const QStringList& edits, QString* error);

    // Lessons: the controls a lesson may hide or highlight, by stable name; the docks and
    // tabs it may show; the accelerator fields it may edit (the --edit names).
    struct LessonControl {
        QString name;
        QString description;
        QPointer<QWidget> widget;
    };
    QList<LessonControl> lessonControls() const;
    static QStringList lessonDockNames(); // workspace, detail, editors, panel
    QDockWidget* lessonDock(const QString& name) const;
    static QStringList acceleratorEditNames(); // every field name and its unique short name
    // Every field (by each of its names) to its value; a choice field to its index.
    static QMap<QString, double> acceleratorEditValues(const AcceleratorSpec& spec);
    QString currentCentralView() const; // pareto | parallel | table
    QString currentPanelTab() const;    // search | training | lesson | log
    QString currentEditorTab() const;   // accelerator | transformer
    void showEditorTab(const QString& name);
    QStackedWidget* leftDockStack() const { return m_leftStack; } // the tree; a lesson's panel
    LessonController* lessons() const { return m_lessons; }

    // Window geometry, dock and toolbar layout, table columns: to and from QSettings.
    void saveLayout() const;
    bool restoreLayout();
    void resetLayout();

    // Non-interactive (--screenshot): errors are logged, not shown in dialogs, and closing
    // does not overwrite the user's saved layout.
    void setInteractive(bool interactive);

signals:
    // The GPTran tab has shown the tree the workspace holds now (read in the background),
    // empty or not.
    void growPruneTreeLoaded();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createCentralViews();
    void createDocks();
    void createMenus();
    void createStatusBar();
    void connectWorkspace();
    void connectSelection();
    void connectSearch();
    // main_window_search_page.cpp: the explorer's Search tab, one page per stored search.
    void createSearchPage();
    void createDevicesPage(); // main_window_devices_page.cpp (issue 14)
    void connectDevicesPage();
    void createSelectionPage(); // issue 16: main_window_selection_page.cpp
    void connectSearchPage();
    void loadSearchPage(qint64 searchId);
    void createGrowPrunePage(); // issue 14: main_window_grow_prune.cpp
    void connectGrowPrunePage();
    void loadGrowPrunePage();
    void refreshSearchPageList();
    void connectState();
    void dropHiddenFromSelection();
    void syncTree(std::optional<qint64> designId);
    void placeDocks();
    void updateWorkspaceState();
    void updateEmptyStates();
    void updateStaleState(); // the stale-designs label and Re-simulate Stale Designs
    void updateRecentMenu(const QStringList& files);
    void updateWhatIf();
    void emphasiseDock(QDockWidget* dock);
    void installColumnChooser();
    void saveEditedDesign();
    void toggleExportSetOfSelection();
    void editRange(models::Objective objective);
    void createLessonMenu();
    void updateLessonMenu();
    void updateLessonTab();
    void createTraining();
    void updateTrainingDesign();

    MainActions m_actions;
    models::LogModel* m_logModel;
    models::ExplorerSettings* m_explorerSettings;
    models::ExplorerState* m_state;
    WorkspaceController* m_controller;
    EditController* m_edits;
    RecentFiles* m_recent;
    SearchController* m_search;
    WorkspaceDialogs* m_dialogs;
    ExportActions* m_exports = nullptr;
    QUndoGroup* m_undoGroup;
    bool m_interactive = true;
    bool m_syncingTree = false;

    widgets::ExplorerToolBar* m_toolBar = nullptr;
    QStackedWidget* m_central = nullptr;
    widgets::WelcomePage* m_welcome = nullptr;
    QTabWidget* m_explorerTabs = nullptr;
    QStackedWidget* m_paretoPage = nullptr;
    widgets::EmptyStateWidget* m_paretoEmpty = nullptr;
    widgets::ParetoPlotView* m_paretoView = nullptr;
    QStackedWidget* m_parallelPage = nullptr;
    widgets::EmptyStateWidget* m_parallelEmpty = nullptr;
    widgets::ParallelCoordinatesView* m_parallelView = nullptr;
    QStackedWidget* m_tablePage = nullptr;
    widgets::EmptyStateWidget* m_tableEmpty = nullptr;
    QTableView* m_table = nullptr;
    models::DesignProxyModel* m_proxy = nullptr;
    models::SelectionLink* m_tableLink = nullptr; // the table's selection ↔ the shared one
    // The state the Training and Search panels' content belongs to.
    models::ExplorerContext m_trainingShown;
    models::ExplorerContext m_searchShown;
    models::ExplorerContext m_lessonShown; // the workspace the lesson's step state was last checked against

    QDockWidget* m_workspaceDock = nullptr;
    QTreeView* m_tree = nullptr;
    QStackedWidget* m_leftStack = nullptr;
    QDockWidget* m_detailDock = nullptr;
    widgets::DesignDetailPanel* m_detail = nullptr;
    QDockWidget* m_editorsDock = nullptr;
    QTabWidget* m_editorTabs = nullptr;
    widgets::AcceleratorEditor* m_acceleratorEditor = nullptr;
    widgets::TransformerEditor* m_transformerEditor = nullptr;
    QDockWidget* m_panelDock = nullptr;
    QTabWidget* m_panelTabs = nullptr;
    widgets::SearchPanel* m_searchPanel = nullptr;
    widgets::SearchPage* m_searchPage = nullptr;
    widgets::DevicesPage* m_devicesPage = nullptr; // the fifth tab
    QAction* m_showDevices = nullptr;
    int m_searchPageGeneration = 0;                    // a page read that finishes after a newer one is dropped
    widgets::GrowPrunePage* m_growPrunePage = nullptr; // issue 14: the GPTran tree
    int m_growPruneGeneration = 0;
    widgets::DeviceSelectionPage* m_selectionPage = nullptr; // the explorer's Selection tab (issue 16)
    widgets::EmptyStateWidget* m_trainingEmpty = nullptr;
    QStackedWidget* m_trainingPage = nullptr; // the empty state (no workspace) or the panel
    widgets::TrainingPanel* m_trainingPanel = nullptr;
    TrainingController* m_training = nullptr;
    widgets::LogPanel* m_logPanel = nullptr;
    widgets::EmptyStateWidget* m_lessonEmpty = nullptr;
    LessonController* m_lessons = nullptr;
    QMenu* m_lessonMenu = nullptr;
    QList<QAction*> m_lessonStarters; // the shipped lessons and Open Lesson…
    // The plots' empty state when the workspace has evaluations in the other cost mode only.
    QAction* m_otherModeAction = nullptr;  // switches the explorer to that mode
    QAction* m_modeSearchAction = nullptr; // sets up a search in the explorer's mode
    QAction* m_lessonExit = nullptr;
    QAction* m_lessonRename = nullptr;
    QAction* m_lessonSave = nullptr;

    QMenu* m_recentMenu = nullptr;
    QMenu* m_workspaceMenu = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_countsLabel = nullptr;
    QLabel* m_writerLabel = nullptr; // "Read-only: being written by …" while another process writes
    QLabel* m_staleLabel = nullptr;  // "N designs costed by an earlier cost model" with a re-simulate link
    QWidget* m_countsSeparator = nullptr;
    QLabel* m_choiceLabel = nullptr;
    QProgressBar* m_searchBar = nullptr; // a running search: trials, time left, hypervolume
};

} // namespace tcw::app
