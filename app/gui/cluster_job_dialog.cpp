// The cluster job script dialog (see cluster_job_dialog.h).
#include "cluster_job_dialog.h"

#include "io/files.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardPaths>

namespace tcw::gui {

QString defaultTcwCommand() {
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString& candidate : {here.filePath(QStringLiteral("tcw")), here.filePath(QStringLiteral("../cli/tcw"))})
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("tcw"));
    return onPath.isEmpty() ? QStringLiteral("tcw") : onPath;
}

ClusterJobDialog::ClusterJobDialog(const QString& workspacePath, const codesign::SearchRequest& request,
                                   QWidget* parent)
    : QDialog(parent), m_workspace(QFileInfo(workspacePath).absoluteFilePath()), m_request(request) {
    setWindowTitle(tr("Write Cluster Job Script"));
    auto* form = new QFormLayout(this);
    auto* note = new QLabel(tr("A Slurm batch script running this search with mpirun: rank 0 runs the optimiser and "
                               "writes %1; the other ranks evaluate. Resubmitting it continues the search.")
                                .arg(QFileInfo(m_workspace).fileName()),
                            this);
    note->setWordWrap(true);
    form->addRow(note);
    m_ranks = new QSpinBox(this);
    m_ranks->setRange(2, 100000);
    m_ranks->setValue(4);
    m_ranks->setObjectName(QStringLiteral("jobRanks"));
    m_ranks->setToolTip(tr("MPI ranks in all: rank 0 and the workers (Slurm --ntasks)"));
    form->addRow(tr("MPI ranks:"), m_ranks);
    m_nodes = new QSpinBox(this);
    m_nodes->setRange(1, 10000);
    m_nodes->setObjectName(QStringLiteral("jobNodes"));
    form->addRow(tr("Nodes:"), m_nodes);
    m_threads = new QSpinBox(this);
    m_threads->setRange(1, 1024);
    m_threads->setObjectName(QStringLiteral("jobThreadsPerRank"));
    m_threads->setToolTip(
        tr("Evaluations each worker rank runs at once (tcw search --threads; Slurm --cpus-per-task)"));
    form->addRow(tr("Threads per rank:"), m_threads);
    m_time = new QLineEdit(QStringLiteral("04:00:00"), this);
    m_time->setObjectName(QStringLiteral("jobTimeLimit"));
    form->addRow(tr("Time limit:"), m_time);
    m_tcw = new QLineEdit(defaultTcwCommand(), this);
    m_tcw->setObjectName(QStringLiteral("jobTcwCommand"));
    m_tcw->setToolTip(tr("The tcw command as the cluster's nodes find it"));
    form->addRow(tr("tcw command:"), m_tcw);
    m_sync = new QCheckBox(tr("Synchronous (generation by generation, as one process)"), this);
    form->addRow(m_sync);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

codesign::ClusterJob ClusterJobDialog::job() const {
    codesign::ClusterJob job;
    job.workspace = m_workspace.toStdString();
    job.request = m_request;
    job.ranks = m_ranks->value();
    job.nodes = m_nodes->value();
    job.threadsPerRank = m_threads->value();
    job.timeLimit = m_time->text().trimmed().toStdString();
    job.tcw = m_tcw->text().trimmed().toStdString();
    job.sync = m_sync->isChecked();
    return job;
}

void ClusterJobDialog::setRanks(int ranks) {
    m_ranks->setValue(ranks);
}

void ClusterJobDialog::setThreadsPerRank(int threads) {
    m_threads->setValue(threads);
}

void ClusterJobDialog::setTcwCommand(const QString& command) {
    m_tcw->setText(command);
}

QString writeClusterJobScript(const QString& path, const codesign::ClusterJob& job) {
    const auto errors = io::writeTextFile(path.toStdString(), codesign::slurmJobScript(job));
    if (!errors.ok())
        return QString::fromStdString(errors.toString());
    QFile::setPermissions(path, QFile::permissions(path) | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    return {};
}

} // namespace tcw::gui
