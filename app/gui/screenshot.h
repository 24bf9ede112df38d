// --screenshot: waits until the window has laid out and the workspace has loaded, renders the
// window with QWidget::grab() and writes a PNG.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QWidget;

namespace tcw::app {

class WorkspaceController;

class ScreenshotTaker : public QObject {
    Q_OBJECT

public:
    ScreenshotTaker(QWidget* window, WorkspaceController* controller, const QString& path, QObject* parent = nullptr);

    void start(); // call after window->show()

signals:
    void finished(bool saved, const QString& message);

private:
    void whenIdle();
    void capture();

    QPointer<QWidget> m_window;
    WorkspaceController* m_controller;
    QString m_path;
    bool m_scheduled = false;
};

} // namespace tcw::app
