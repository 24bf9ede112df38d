// Routes Qt's messages (qDebug … qCritical, from any thread) into a LogModel, and on to the
// previous handler (stderr), so the Log tab shows what the application reports.
#pragma once

#include <QObject>

namespace tcw::models {
class LogModel;
}

namespace tcw::app {

class LogCapture : public QObject {
    Q_OBJECT

public:
    // Installs the handler; uninstalls it (restoring the previous one) when destroyed.
    // One capture at a time (a message handler is process-wide); destroy it before the model.
    explicit LogCapture(models::LogModel* model, QObject* parent = nullptr);
    ~LogCapture() override;

private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& message);
};

} // namespace tcw::app
