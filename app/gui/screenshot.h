// --screenshot: waits until the window has laid out and the workspace has loaded, renders the
// window with QWidget::grab() and writes a PNG.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

class QWidget;

namespace tcw::app {

class WorkspaceController;

class ScreenshotTaker : public QObject {
    Q_OBJECT

public:
    ScreenshotTaker(QWidget* window, WorkspaceController* controller, const QString& path, QObject* parent = nullptr);

    void start(); // call after window->show()
    // What to render when the time comes (default: the window), e.g. one dock.
    void setTarget(std::function<QWidget*()> target) { m_target = std::move(target); }

signals:
    void finished(bool saved, const QString& message);

private:
    void whenIdle();
    void capture();

    QPointer<QWidget> m_window;
    WorkspaceController* m_controller;
    QString m_path;
    bool m_scheduled = false;
    std::function<QWidget*()> m_target;
    QPointer<QWidget> m_targetWidget;
};

} // namespace tcw::app
