// The main window's actions: standard key sequences where the platform has one.
#include "main_actions.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QKeySequence>
#include <QStyle>

namespace tcw::app {

namespace {
QAction* make(QObject* owner, const QString& text, const QString& tip, const QList<QKeySequence>& keys = {},
              const QIcon& icon = {}) {
    auto* action = new QAction(icon, text, owner);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    action->setShortcuts(keys);
    return action;
}

QIcon themed(const char* name, QStyle::StandardPixmap fallback) {
    return QIcon::fromTheme(QLatin1String(name), QApplication::style()->standardIcon(fallback));
}
} // namespace

QList<QAction*> MainActions::workspaceActions() const {
    return {save,
            saveAs,
            closeWorkspace,
            importDesigns,
            exportTableCsv,
            exportDesignsCsv,
            exportDesignsJson,
            exportDesignsReference,
            exportPlot,
            copyWorkspacePath,
            clearFilters,
            toggleExportSet,
            clearExportSet};
}

MainActions createMainActions(QObject* owner) {
    using Key = QKeySequence;
    MainActions a;
    a.newWorkspace = make(owner, QObject::tr("&New Workspace…"), QObject::tr("Create an empty workspace file"),
                          Key::keyBindings(Key::New), themed("document-new", QStyle::SP_FileIcon));
    a.openWorkspace = make(owner, QObject::tr("&Open Workspace…"), QObject::tr("Open a workspace file (.tcw)"),
                           Key::keyBindings(Key::Open), themed("document-open", QStyle::SP_DialogOpenButton));
    a.openExample = make(owner, QObject::tr("Open &Example Workspace"),
                         QObject::tr("Open the example workspace bundled with the workbench"));
    a.clearRecent = make(owner, QObject::tr("&Clear Menu"), QObject::tr("Forget the recently used workspaces"));
    a.save = make(owner, QObject::tr("&Save"),
                  QObject::tr("Write every change into the workspace file (changes are stored as they are made)"),
                  Key::keyBindings(Key::Save), themed("document-save", QStyle::SP_DialogSaveButton));
    a.saveAs = make(owner, QObject::tr("Save &As…"), QObject::tr("Copy the workspace to a new file and continue there"),
                    Key::keyBindings(Key::SaveAs), themed("document-save-as", QStyle::SP_DialogSaveButton));
    a.closeWorkspace = make(owner, QObject::tr("&Close Workspace"), QObject::tr("Close the workspace file"),
                            Key::keyBindings(Key::Close));
    a.importDesigns = make(owner, QObject::tr("&Import Designs…"),
                           QObject::tr("Add transformer and accelerator files (workbench JSON, FlexiBERT 2.0 model "
                                       "dicts, AccelTran YAML) to the workspace"),
                           {Key(Qt::CTRL | Qt::Key_I)});
    a.exportTableCsv = make(owner, QObject::tr("Design &Table as CSV…"),
                            QObject::tr("Write the rows the table shows (sorted and filtered) to a CSV file"));
    a.exportDesignsJson = make(owner, QObject::tr("Designs as &JSON…"),
                               QObject::tr("Write the export set (or else the selected designs) to a folder, one "
                                           "workbench JSON file per design"),
                               {Key(Qt::CTRL | Qt::SHIFT | Qt::Key_E)});
    a.exportDesignsCsv = make(owner, QObject::tr("Designs as &CSV…"),
                              QObject::tr("Write the export set (or else the selected designs) with their metrics "
                                          "and specifications to a CSV file that imports back"));
    a.exportDesignsReference = make(owner, QObject::tr("Designs in &Reference Formats…"),
                                    QObject::tr("Write the export set (or else the selected designs) as FlexiBERT "
                                                "2.0 model dicts and AccelTran accelerator YAML"));
    a.exportPlot = make(owner, QObject::tr("Current &Plot…"),
                        QObject::tr("Save the Pareto plot or the parallel coordinates as PNG, SVG or PDF"),
                        {Key(Qt::CTRL | Qt::SHIFT | Qt::Key_P)});
    a.exportReport = make(owner, QObject::tr("Design &Report (HTML)…"),
                          QObject::tr("Write the selected (or edited) co-design's numbers and charts to an HTML "
                                      "file"));
    a.exportWindowPng = make(owner, QObject::tr("&Window as PNG…"), QObject::tr("Save a picture of the window"));
    a.copyWorkspacePath = make(owner, QObject::tr("Copy Workspace &Path"),
                               QObject::tr("Copy the workspace file's full path to the clipboard"));
    a.resimulateStale =
        make(owner, QObject::tr("&Re-simulate Stale Designs"),
             QObject::tr("Cost again the designs whose latency, energy and area an earlier build's cost models "
                         "computed, and store the new numbers (the earlier ones stay in each design's history)"));
    a.quit = make(owner, QObject::tr("&Quit"), QObject::tr("Quit the workbench"), Key::keyBindings(Key::Quit));
    a.quit->setMenuRole(QAction::QuitRole);

    a.find = make(owner, QObject::tr("&Find…"), QObject::tr("Filter the designs by name, kind or provenance"),
                  Key::keyBindings(Key::Find));
    a.toggleExportSet = make(owner, QObject::tr("Add to / Remove from &Export Set"),
                             QObject::tr("Put the selected designs in the export set, or take them out when they "
                                         "all are in it (Space in the plots and the table)"),
                             {Key(Qt::CTRL | Qt::Key_E)});
    a.clearExportSet = make(owner, QObject::tr("C&lear Export Set"), QObject::tr("Empty the export set"));
    a.saveEditedDesign = make(owner, QObject::tr("Save Edited Design &As…"),
                              QObject::tr("Add the edited co-design to the workspace as a new design"),
                              {Key(Qt::CTRL | Qt::ALT | Qt::Key_S)});

    a.showPareto =
        make(owner, QObject::tr("&Pareto Plot"), QObject::tr("Show the Pareto plot"), {Key(Qt::CTRL | Qt::Key_1)});
    a.showParallel = make(owner, QObject::tr("P&arallel Coordinates"), QObject::tr("Show the parallel coordinates"),
                          {Key(Qt::CTRL | Qt::Key_2)});
    a.showTable =
        make(owner, QObject::tr("&Design Table"), QObject::tr("Show the design table"), {Key(Qt::CTRL | Qt::Key_3)});
    a.clearFilters = make(owner, QObject::tr("&Clear Filters"),
                          QObject::tr("Remove the filter text, every brush of the parallel coordinates and every "
                                      "constraint line"),
                          {Key(Qt::CTRL | Qt::SHIFT | Qt::Key_F)});
    a.resetLayout =
        make(owner, QObject::tr("&Reset Layout"), QObject::tr("Put every dock and toolbar back where it starts out"));
    a.fullScreen = make(owner, QObject::tr("&Full Screen"), QObject::tr("Use the whole screen for the window"),
                        Key::keyBindings(Key::FullScreen));
    a.fullScreen->setCheckable(true);

    a.about = make(owner, QObject::tr("&About TransCODE Workbench"),
                   QObject::tr("Version, licence and what the workbench is for"));
    a.about->setMenuRole(QAction::AboutRole);
    a.aboutQt = make(owner, QObject::tr("About &Qt"), QObject::tr("The Qt version the workbench uses"));
    a.aboutQt->setMenuRole(QAction::AboutQtRole);
    a.shortcuts = make(owner, QObject::tr("&Keyboard Shortcuts"), QObject::tr("List every keyboard shortcut"),
                       {Key(Qt::CTRL | Qt::Key_Slash)});
    return a;
}

} // namespace tcw::app
