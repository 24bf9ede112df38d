// The File ▸ Export commands available before the plots exist: the design table as CSV, the
// selected design's specification as JSON, the window as PNG.
#pragma once

#include <QObject>

class QAbstractItemModel;
class QWidget;

namespace tcw::app {

class WorkspaceController;

class ExportActions : public QObject {
    Q_OBJECT

public:
    // tableModel: the model the design table shows (sorted and filtered).
    ExportActions(QWidget* window, WorkspaceController* controller, QAbstractItemModel* tableModel);

    // Writers without dialogs (tests, scripts); false with a message in *error on failure.
    bool writeTableCsv(const QString& path, QString* error) const;
    bool writeDesignJson(qint64 designId, const QString& path, QString* error) const;

public slots:
    void exportTableCsv();
    void exportDesignJson();
    void exportWindowPng();

signals:
    void statusMessage(const QString& text);
    void errorOccurred(const QString& title, const QString& text);

private:
    QString askPath(const QString& title, const QString& suggestedName, const QString& filter) const;

    QWidget* m_window;
    WorkspaceController* m_controller;
    QAbstractItemModel* m_tableModel;
};

} // namespace tcw::app
