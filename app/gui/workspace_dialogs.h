// The File menu's conversations with the user: which file, replace it?, what went wrong.
// Decisions go to the WorkspaceController; nothing here touches a workspace itself.
#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace tcw::app {

class RecentFiles;
class WorkspaceController;

class WorkspaceDialogs : public QObject {
    Q_OBJECT

public:
    WorkspaceDialogs(QWidget* window, WorkspaceController* controller, RecentFiles* recent);

    // Non-interactive (--screenshot): errors go to the log instead of message boxes.
    void setInteractive(bool interactive) { m_interactive = interactive; }
    bool isInteractive() const { return m_interactive; }

public slots:
    void newWorkspace();
    void openWorkspace();
    void openFile(const QString& path); // recent files, the command line
    void openExample();
    void saveAs();
    void importDesigns();                       // asks for the files
    void importFiles(const QStringList& files); // presets, dropped files
    void showError(const QString& title, const QString& text);

private:
    QString startDirectory() const;
    void rememberDirectory(const QString& file);

    QWidget* m_window;
    WorkspaceController* m_controller;
    RecentFiles* m_recent;
    bool m_interactive = true;
};

} // namespace tcw::app
