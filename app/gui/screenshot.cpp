// Screenshot: idle workspace → let posted layout and paint events run → grab → PNG.
#include "screenshot.h"

#include "models/file_write.h"
#include "workspace_controller.h"

#include <QBuffer>

#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>
#include <QWidget>

namespace tcw::app {

ScreenshotTaker::ScreenshotTaker(QWidget* window, WorkspaceController* controller, const QString& path, QObject* parent)
    : QObject(parent), m_window(window), m_controller(controller), m_path(path) {}

void ScreenshotTaker::start() {
    connect(m_controller, &WorkspaceController::busyChanged, this, [this](bool busy) {
        if (!busy)
            whenIdle();
    });
    // An open started before start() may still be queued: look again once the loop runs.
    QTimer::singleShot(0, this, [this] {
        if (!m_controller->isBusy())
            whenIdle();
    });
}

void ScreenshotTaker::whenIdle() {
    if (m_scheduled)
        return;
    m_scheduled = true;
    // Layout requests and the status bar's messages are posted events: give them a turn of
    // the event loop (a short wait, not a timing assumption) before rendering.
    QTimer::singleShot(100, this, &ScreenshotTaker::capture);
}

void ScreenshotTaker::capture() {
    if (!m_window) {
        emit finished(false, tr("the window closed before it was rendered"));
        return;
    }
    // The target may be rearranged for the picture (a dock floated and resized): let the
    // posted layout requests run once more before rendering it.
    if (m_target && !m_targetWidget) {
        m_targetWidget = m_target();
        QTimer::singleShot(150, this, &ScreenshotTaker::capture);
        return;
    }
    QWidget* target = m_targetWidget ? m_targetWidget.data() : m_window.data();
    const QPixmap pixmap = target->grab();
    const QString dir = QFileInfo(m_path).absolutePath();
    QByteArray png;
    QBuffer buffer(&png);
    QString error;
    if (!QDir().mkpath(dir) || !buffer.open(QIODevice::WriteOnly) || !pixmap.save(&buffer, "PNG")) {
        emit finished(false, tr("cannot write '%1'").arg(QDir::toNativeSeparators(m_path)));
        return;
    }
    // A screenshot is asked for by name on the command line: it replaces an earlier one.
    if (!models::writeFileAfterAsking(m_path, png, &error)) {
        emit finished(false, error);
        return;
    }
    emit finished(
        true, tr("wrote %1 (%2×%3)").arg(QDir::toNativeSeparators(m_path)).arg(pixmap.width()).arg(pixmap.height()));
}

} // namespace tcw::app
