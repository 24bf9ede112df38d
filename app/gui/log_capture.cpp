// Log capture: the handler posts each message to the model's thread (queued), so messages
// from worker threads are safe and a message emitted inside a model update cannot re-enter it.
#include "log_capture.h"

#include "models/log_model.h"

#include <QDateTime>
#include <QMutex>
#include <QMutexLocker>

namespace tcw::app {

namespace {
// The handler is a plain function pointer: its state has to be reachable without an object.
QMutex g_mutex;
models::LogModel* g_model = nullptr; // cleared by ~LogCapture, which outlives no model
QtMessageHandler g_previous = nullptr;
bool g_installed = false;
} // namespace

LogCapture::LogCapture(models::LogModel* model, QObject* parent) : QObject(parent) {
    qRegisterMetaType<models::LogEntry>();
    QMutexLocker lock(&g_mutex);
    g_model = model;
    if (!g_installed) {
        g_previous = qInstallMessageHandler(&LogCapture::handle);
        g_installed = true;
    }
}

LogCapture::~LogCapture() {
    QMutexLocker lock(&g_mutex);
    if (g_installed) {
        qInstallMessageHandler(g_previous);
        g_installed = false;
    }
    g_model = nullptr;
}

void LogCapture::handle(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    QtMessageHandler previous = nullptr;
    {
        QMutexLocker lock(&g_mutex);
        previous = g_previous;
        if (models::LogModel* model = g_model) {
            models::LogEntry entry{QDateTime::currentDateTime(), type,
                                   QString::fromLatin1(context.category ? context.category : "default"), message};
            QMetaObject::invokeMethod(model, "append", Qt::QueuedConnection, Q_ARG(tcw::models::LogEntry, entry));
        }
    }
    if (previous)
        previous(type, context, message);
    else
        fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

} // namespace tcw::app
