// File dialogs and message boxes for the workspace commands.
#include "workspace_dialogs.h"

#include "app_paths.h"
#include "design_import.h"
#include "recent_files.h"
#include "workspace_controller.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStringList>

Q_DECLARE_LOGGING_CATEGORY(lcWorkspace)

namespace tcw::app {

namespace {
const QString kWorkspaceFilter = QObject::tr("TransCODE workspaces (*.tcw);;All files (*)");
const QString kDirectoryKey = QStringLiteral("lastDirectory");
} // namespace

WorkspaceDialogs::WorkspaceDialogs(QWidget* window, WorkspaceController* controller, RecentFiles* recent)
    : QObject(window), m_window(window), m_controller(controller), m_recent(recent) {}

QString WorkspaceDialogs::startDirectory() const {
    const QString remembered = QSettings().value(kDirectoryKey).toString();
    if (!remembered.isEmpty() && QFileInfo(remembered).isDir())
        return remembered;
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
}

void WorkspaceDialogs::rememberDirectory(const QString& file) {
    QSettings().setValue(kDirectoryKey, QFileInfo(file).absolutePath());
}

void WorkspaceDialogs::newWorkspace() {
    QFileDialog dialog(m_window, tr("New Workspace"), startDirectory(), kWorkspaceFilter);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(QStringLiteral("tcw"));
    dialog.selectFile(tr("untitled.tcw"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString path = dialog.selectedFiles().front();
    rememberDirectory(path);
    // The dialog has already asked whether to replace an existing file.
    m_controller->createWorkspace(path, QFileInfo::exists(path));
}

void WorkspaceDialogs::openWorkspace() {
    const QString path =
        QFileDialog::getOpenFileName(m_window, tr("Open Workspace"), startDirectory(), kWorkspaceFilter);
    if (path.isEmpty())
        return;
    rememberDirectory(path);
    m_controller->openWorkspace(path);
}

void WorkspaceDialogs::openFile(const QString& path) {
    if (!QFileInfo::exists(path) && m_recent->files().contains(QFileInfo(path).absoluteFilePath())) {
        if (!m_interactive) {
            showError(tr("Cannot open the workspace"),
                      tr("'%1' no longer exists.").arg(QDir::toNativeSeparators(path)));
            return;
        }
        const auto answer = QMessageBox::question(
            m_window, tr("Workspace Not Found"),
            tr("'%1' no longer exists. Remove it from the recent workspaces?").arg(QDir::toNativeSeparators(path)));
        if (answer == QMessageBox::Yes)
            m_recent->remove(path);
        return;
    }
    m_controller->openWorkspace(path);
}

void WorkspaceDialogs::openExample() {
    const QString path = exampleWorkspacePath();
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        const QString where =
            path.isEmpty() ? tr("(no data directory was found; set TCW_DATA_DIR)") : QDir::toNativeSeparators(path);
        showError(tr("Example Workspace Missing"),
                  tr("The example workspace has not been generated yet.\n\nExpected at: %1\n\nIt is built by a tcw "
                     "command (see the README, “Example workspace”). Until then, create a workspace with File ▸ New "
                     "Workspace and import designs into it.")
                      .arg(where));
        return;
    }
    m_controller->openWorkspace(path);
}

void WorkspaceDialogs::saveAs() {
    if (!m_controller->isOpen())
        return;
    QFileDialog dialog(m_window, tr("Save Workspace As"), startDirectory(), kWorkspaceFilter);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setDefaultSuffix(QStringLiteral("tcw"));
    dialog.selectFile(m_controller->displayName() + tr(" copy.tcw"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString path = dialog.selectedFiles().front();
    rememberDirectory(path);
    m_controller->saveWorkspaceAs(path);
}

void WorkspaceDialogs::importDesigns() {
    if (!m_controller->isOpen())
        return;
    const QStringList files =
        QFileDialog::getOpenFileNames(m_window, tr("Import Designs"), startDirectory(), designImportFileFilter());
    if (files.isEmpty())
        return;
    rememberDirectory(files.front());
    m_controller->importDesigns(files);
}

void WorkspaceDialogs::importFiles(const QStringList& files) {
    if (!m_controller->isOpen()) {
        showError(tr("Import Designs"), tr("Open or create a workspace first: designs are imported into it."));
        return;
    }
    m_controller->importDesigns(files);
}

void WorkspaceDialogs::showError(const QString& title, const QString& text) {
    qCWarning(lcWorkspace).noquote() << title + QStringLiteral(": ") + text; // the Log tab keeps it
    if (!m_interactive)
        return;
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Ok, m_window);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

} // namespace tcw::app
