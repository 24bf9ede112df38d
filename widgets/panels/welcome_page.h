// The start page when no workspace is open: what the workbench is, the three ways in (new,
// open, example) as the window's own actions, and the recent workspaces.
#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

class QAction;
class QLabel;
class QListWidget;

namespace tcw::widgets {

class WelcomePage : public QWidget {
    Q_OBJECT

public:
    explicit WelcomePage(QWidget* parent = nullptr);

    void setActions(const QList<QAction*>& actions);
    void setRecentFiles(const QStringList& paths);
    QListWidget* recentList() const { return m_recent; }

signals:
    void recentFileActivated(const QString& path);

private:
    QListWidget* m_recent;
    QLabel* m_recentTitle;
    QWidget* m_buttons;
};

} // namespace tcw::widgets
