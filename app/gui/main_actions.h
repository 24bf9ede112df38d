// Every command of the main window as a QAction with its text, shortcut, tooltip and status
// tip, created in one place so menus, toolbars, buttons and the shortcut list share them.
#pragma once

#include <QList>

class QAction;
class QObject;

namespace tcw::app {

struct MainActions {
    // File
    QAction* newWorkspace = nullptr;
    QAction* openWorkspace = nullptr;
    QAction* openExample = nullptr;
    QAction* clearRecent = nullptr;
    QAction* save = nullptr;
    QAction* saveAs = nullptr;
    QAction* closeWorkspace = nullptr;
    QAction* importDesigns = nullptr;
    QAction* exportTableCsv = nullptr;
    QAction* exportDesignsJson = nullptr;
    QAction* exportDesignsCsv = nullptr;
    QAction* exportDesignsReference = nullptr;
    QAction* exportPlot = nullptr;
    QAction* exportReport = nullptr;
    QAction* exportWindowPng = nullptr;
    QAction* copyWorkspacePath = nullptr;
    QAction* resimulateStale = nullptr; // enabled while the workspace holds stale evaluations
    QAction* quit = nullptr;
    // Edit (undo / redo come from the QUndoGroup)
    QAction* find = nullptr;
    QAction* toggleExportSet = nullptr;
    QAction* clearExportSet = nullptr;
    QAction* saveEditedDesign = nullptr;
    // View
    QAction* showPareto = nullptr;
    QAction* showParallel = nullptr;
    QAction* showTable = nullptr;
    QAction* clearFilters = nullptr;
    QAction* resetLayout = nullptr;
    QAction* fullScreen = nullptr;
    // Help
    QAction* about = nullptr;
    QAction* aboutQt = nullptr;
    QAction* shortcuts = nullptr;

    // The actions that need an open workspace.
    QList<QAction*> workspaceActions() const;
};

MainActions createMainActions(QObject* owner);

} // namespace tcw::app
