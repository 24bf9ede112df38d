// Export commands: atomic writes (QSaveFile, io's temporary-file rename), a status message on
// success; many designs on a worker thread with a cancellable progress dialog.
#include "export_actions.h"

#include "models/csv_export.h"
#include "models/design_export.h"
#include "models/design_table_model.h"
#include "models/edit_session.h"
#include "panels/design_report.h"
#include "plots/plot_widget.h"
#include "plural.h"
#include "workspace_controller.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPixmap>
#include <QProgressDialog>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>

namespace tcw::app {

namespace {
bool writeFile(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QObject::tr("Cannot write '%1': %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

QString lastFolder() {
    const QString folder = QSettings().value(QStringLiteral("lastExportDirectory")).toString();
    return folder.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : folder;
}
} // namespace

ExportActions::ExportActions(QWidget* window, WorkspaceController* controller, QAbstractItemModel* tableModel)
    : QObject(window), m_window(window), m_controller(controller), m_tableModel(tableModel) {}

void ExportActions::setCurrentPlot(std::function<const widgets::PlotWidget*()> currentPlot) {
    m_currentPlot = std::move(currentPlot);
}

void ExportActions::setReportSource(const models::EditSession* session,
                                    std::function<QList<const widgets::PlotWidget*>()> charts) {
    m_reportSession = session;
    m_reportCharts = std::move(charts);
}

QString ExportActions::askPath(const QString& title, const QString& suggestedName, const QString& filter,
                               QString* selectedFilter) const {
    const QString path = QFileDialog::getSaveFileName(m_window, title, QDir(lastFolder()).filePath(suggestedName),
                                                      filter, selectedFilter);
    if (!path.isEmpty())
        QSettings().setValue(QStringLiteral("lastExportDirectory"), QFileInfo(path).absolutePath());
    return path;
}

QString ExportActions::askFolder(const QString& title) const {
    const QString folder = QFileDialog::getExistingDirectory(m_window, title, lastFolder());
    if (!folder.isEmpty())
        QSettings().setValue(QStringLiteral("lastExportDirectory"), folder);
    return folder;
}

std::vector<qint64> ExportActions::designsToExport() const {
    const models::DesignTableModel* model = m_controller->designModel();
    std::vector<qint64> ids;
    if (!model->exportSet().isEmpty()) {
        for (const auto& d : model->designs()) // in the table's id order
            if (model->exportSet().contains(d.design.id))
                ids.push_back(d.design.id);
        return ids;
    }
    for (const QModelIndex& index : m_controller->selectionModel()->selectedRows())
        ids.push_back(index.data(models::DesignTableModel::DesignIdRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<models::ExportedDesign> ExportActions::exportedDesigns(const std::vector<qint64>& ids) const {
    std::vector<models::ExportedDesign> out;
    const models::DesignTableModel* model = m_controller->designModel();
    for (qint64 id : ids) {
        const auto design = m_controller->design(id);
        if (!design)
            continue;
        models::ExportedDesign d;
        d.design = *design;
        if (const auto* row = model->designAt(model->rowOfDesign(id)))
            d.latest = row->latest;
        out.push_back(std::move(d));
    }
    return out;
}

bool ExportActions::writeTableCsv(const QString& path, QString* error) const {
    return writeFile(path, models::modelToCsv(*m_tableModel, models::DesignTableModel::ExportRole).toUtf8(), error);
}

bool ExportActions::writeDesignJson(qint64 designId, const QString& path, QString* error) const {
    const auto design = m_controller->design(designId);
    if (!design) {
        if (error)
            *error = tr("Design #%1 is not in the workspace.").arg(designId);
        return false;
    }
    // The stored text is what tcw_io wrote: export it as is.
    QByteArray bytes = QByteArray::fromStdString(design->specJson);
    if (!bytes.endsWith('\n'))
        bytes += '\n';
    return writeFile(path, bytes, error);
}

bool ExportActions::writeDesignsCsv(const std::vector<qint64>& ids, const QString& path, QString* error) const {
    return writeFile(path, models::designsCsv(exportedDesigns(ids)).toUtf8(), error);
}

bool ExportActions::writeReport(const models::EditSession& session, const QList<const widgets::PlotWidget*>& charts,
                                const QString& path, QString* error) const {
    return writeFile(path, widgets::designReportHtml(session, charts, m_controller->displayName()).toUtf8(), error);
}

void ExportActions::exportTableCsv() {
    const QString path = askPath(tr("Export Design Table"), m_controller->displayName() + QStringLiteral(".csv"),
                                 tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (writeTableCsv(path, &error))
        emit statusMessage(
            tr("Wrote %1 to %2")
                .arg(countOf(m_tableModel->rowCount(), tr("design"), tr("designs")), QDir::toNativeSeparators(path)));
    else
        emit errorOccurred(tr("Export failed"), error);
}

void ExportActions::exportDesignsCsv() {
    const auto ids = designsToExport();
    if (ids.empty()) {
        emit statusMessage(tr("Nothing to export: select designs or add them to the export set (Space)"));
        return;
    }
    const QString path = askPath(tr("Export Designs as CSV"),
                                 m_controller->displayName() + QStringLiteral("-designs.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (writeDesignsCsv(ids, path, &error))
        emit statusMessage(
            tr("Wrote %1 with their specifications to %2")
                .arg(countOf(qint64(ids.size()), tr("design"), tr("designs")), QDir::toNativeSeparators(path)));
    else
        emit errorOccurred(tr("Export failed"), error);
}

void ExportActions::exportToFolder(const QString& title, const QString& what, FolderWriter writer) {
    const auto ids = designsToExport();
    if (ids.empty()) {
        emit statusMessage(tr("Nothing to export: select designs or add them to the export set (Space)"));
        return;
    }
    const QString folder = askFolder(title);
    if (folder.isEmpty())
        return;
    auto designs = std::make_shared<std::vector<models::ExportedDesign>>(exportedDesigns(ids));
    auto done = std::make_shared<std::atomic<int>>(0);
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    auto* dialog = new QProgressDialog(tr("Exporting %1…").arg(what), tr("Cancel"), 0, int(designs->size()), m_window);
    dialog->setWindowTitle(title);
    dialog->setMinimumDuration(300); // quick exports never show it
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QProgressDialog::canceled, this, [cancelled] { *cancelled = true; });
    auto* poll = new QTimer(dialog);
    connect(poll, &QTimer::timeout, dialog, [dialog, done] { dialog->setValue(*done); });
    poll->start(50);

    struct Outcome {
        bool ok = false;
        QString error;
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, dialog, folder, what, designs] {
        watcher->deleteLater();
        dialog->close();
        const Outcome outcome = watcher->result();
        if (outcome.ok)
            emit statusMessage(tr("Wrote %1 (%2) to %3")
                                   .arg(countOf(qint64(designs->size()), tr("design"), tr("designs")), what,
                                        QDir::toNativeSeparators(folder)));
        else
            emit errorOccurred(tr("Export failed"), outcome.error);
    });
    watcher->setFuture(QtConcurrent::run([designs, folder, writer, done, cancelled] {
        Outcome outcome;
        outcome.ok = writer(*designs, folder, &outcome.error, [done, cancelled](int n, int) {
            *done = n;
            return !*cancelled;
        });
        return outcome;
    }));
}

void ExportActions::exportDesignsJson() {
    exportToFolder(tr("Export Designs as JSON"), tr("workbench JSON"),
                   [](const auto& designs, const QString& folder, QString* error, const auto& progress) {
                       return models::writeDesignJsonFiles(designs, folder, error, progress).has_value();
                   });
}

void ExportActions::exportDesignsReference() {
    exportToFolder(tr("Export Designs in Reference Formats"), tr("model dicts and AccelTran YAML"),
                   [](const auto& designs, const QString& folder, QString* error, const auto& progress) {
                       return models::writeReferenceFiles(designs, folder, error, progress).has_value();
                   });
}

void ExportActions::exportPlot() {
    const widgets::PlotWidget* plot = m_currentPlot ? m_currentPlot() : nullptr;
    if (!plot) {
        emit statusMessage(tr("Show the Pareto plot or the parallel coordinates to export a plot"));
        return;
    }
    QString selected = widgets::PlotWidget::exportInitialFilter();
    QString path = askPath(tr("Export Plot"), widgets::PlotWidget::exportSuggestedName(plot->exportName()),
                           widgets::PlotWidget::exportFileFilter(), &selected);
    if (path.isEmpty())
        return;
    path = widgets::PlotWidget::withExportSuffix(path, selected);
    QString error;
    if (plot->exportTo(path, &error))
        emit statusMessage(tr("Wrote the plot to %1").arg(QDir::toNativeSeparators(path)));
    else
        emit errorOccurred(tr("Export failed"), error);
}

void ExportActions::exportReport() {
    if (!m_reportSession || !m_reportSession->isActive()) {
        emit statusMessage(tr("Select a co-design to write its report"));
        return;
    }
    const QString path = askPath(tr("Export Design Report"),
                                 QString::fromStdString(m_reportSession->start().name) + QStringLiteral(".html"),
                                 tr("HTML files (*.html)"));
    if (path.isEmpty())
        return;
    QString error;
    if (writeReport(*m_reportSession, m_reportCharts ? m_reportCharts() : QList<const widgets::PlotWidget*>{}, path,
                    &error))
        emit statusMessage(tr("Wrote the report to %1").arg(QDir::toNativeSeparators(path)));
    else
        emit errorOccurred(tr("Export failed"), error);
}

void ExportActions::exportWindowPng() {
    const QString path =
        askPath(tr("Export Window"), QStringLiteral("transcode-workbench.png"), tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (m_window->grab().save(path, "PNG"))
        emit statusMessage(tr("Saved a picture of the window to %1").arg(QDir::toNativeSeparators(path)));
    else
        emit errorOccurred(tr("Export failed"), tr("Cannot write '%1'.").arg(QDir::toNativeSeparators(path)));
}

} // namespace tcw::app
