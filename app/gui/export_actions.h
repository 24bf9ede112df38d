// File ▸ Export: the design table as CSV; the chosen designs (the export set, or else the
// selection) as workbench JSON files, as a CSV table that re-imports to the same designs, and
// in the reference formats (model dict + AccelTran YAML); the current plot as PNG, SVG or
// PDF; the edited or selected design as an HTML report; the window as PNG. Exports of many
// designs run on a worker thread with a progress dialog that can cancel them.
#pragma once

#include <QObject>

#include <functional>
#include <vector>

class QAbstractItemModel;
class QWidget;

namespace tcw::models {
class EditSession;
struct ExportedDesign;
} // namespace tcw::models

namespace tcw::widgets {
class PlotWidget;
}

namespace tcw::app {

class WorkspaceController;

class ExportActions : public QObject {
    Q_OBJECT

public:
    // tableModel: the model the design table shows (sorted and filtered).
    ExportActions(QWidget* window, WorkspaceController* controller, QAbstractItemModel* tableModel);

    // What the design exports write: the export set, or (when it is empty) the selected rows.
    std::vector<qint64> designsToExport() const;
    std::vector<models::ExportedDesign> exportedDesigns(const std::vector<qint64>& ids) const;

    // Writers without dialogs (tests, scripts); false with a message in *error on failure.
    bool writeTableCsv(const QString& path, QString* error) const;
    bool writeDesignJson(qint64 designId, const QString& path, QString* error) const;
    bool writeDesignsCsv(const std::vector<qint64>& ids, const QString& path, QString* error) const;
    bool writeReport(const models::EditSession& session, const QList<const widgets::PlotWidget*>& charts,
                     const QString& path, QString* error) const;

    // The plot the File ▸ Export ▸ Plot command writes (the current tab's), set by the window.
    void setCurrentPlot(std::function<const widgets::PlotWidget*()> currentPlot);
    // The session and charts behind the HTML report, set by the window.
    void setReportSource(const models::EditSession* session, std::function<QList<const widgets::PlotWidget*>()> charts);

public slots:
    void exportTableCsv();
    void exportDesignsJson();
    void exportDesignsCsv();
    void exportDesignsReference();
    void exportPlot();
    void exportReport();
    void exportWindowPng();

signals:
    void statusMessage(const QString& text);
    void errorOccurred(const QString& title, const QString& text);

private:
    // selectedFilter: in, the filter the dialog starts on; out, the one chosen.
    QString askPath(const QString& title, const QString& suggestedName, const QString& filter,
                    QString* selectedFilter = nullptr) const;
    QString askFolder(const QString& title) const;
    // Runs the writer on a worker thread with a cancellable progress dialog.
    using FolderWriter = std::function<bool(const std::vector<models::ExportedDesign>&, const QString& folder,
                                            QString* error, const std::function<bool(int, int)>& progress)>;
    void exportToFolder(const QString& title, const QString& what, FolderWriter writer);

    QWidget* m_window;
    WorkspaceController* m_controller;
    QAbstractItemModel* m_tableModel;
    std::function<const widgets::PlotWidget*()> m_currentPlot;
    const models::EditSession* m_reportSession = nullptr;
    std::function<QList<const widgets::PlotWidget*>()> m_reportCharts;
};

} // namespace tcw::app
