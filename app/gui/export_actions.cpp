// Export commands: atomic writes (QSaveFile), a status message on success.
#include "export_actions.h"

#include "models/csv_export.h"
#include "models/design_table_model.h"
#include "plural.h"
#include "workspace_controller.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPixmap>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QWidget>

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
} // namespace

ExportActions::ExportActions(QWidget* window, WorkspaceController* controller, QAbstractItemModel* tableModel)
    : QObject(window), m_window(window), m_controller(controller), m_tableModel(tableModel) {}

QString ExportActions::askPath(const QString& title, const QString& suggestedName, const QString& filter) const {
    QString folder = QSettings().value(QStringLiteral("lastExportDirectory")).toString();
    if (folder.isEmpty())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(m_window, title, QDir(folder).filePath(suggestedName), filter);
    if (!path.isEmpty())
        QSettings().setValue(QStringLiteral("lastExportDirectory"), QFileInfo(path).absolutePath());
    return path;
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
    // The stored text is what tcw_io wrote (readable, in its field order): export it as is.
    QByteArray bytes = QByteArray::fromStdString(design->specJson);
    if (!bytes.endsWith('\n'))
        bytes += '\n';
    return writeFile(path, bytes, error);
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

void ExportActions::exportDesignJson() {
    const auto id = m_controller->currentDesignId();
    if (!id)
        return;
    const auto design = m_controller->design(*id);
    const QString name = design ? QString::fromStdString(design->name) : QStringLiteral("design");
    const QString path = askPath(tr("Export Design"), name + QStringLiteral(".json"), tr("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (writeDesignJson(*id, path, &error))
        emit statusMessage(tr("Wrote %1 to %2").arg(name, QDir::toNativeSeparators(path)));
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
