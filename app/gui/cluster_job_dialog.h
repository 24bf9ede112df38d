// "Write Cluster Job Script…" of the Search panel: asks for the MPI ranks, nodes, threads per
// rank, time limit and the tcw command on the cluster, then writes the Slurm script
// (codesign::slurmJobScript) for the panel's search into the open workspace.
#pragma once

#include "codesign/cluster_job.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace tcw::gui {

class ClusterJobDialog : public QDialog {
    Q_OBJECT

public:
    ClusterJobDialog(const QString& workspacePath, const codesign::SearchRequest& request, QWidget* parent = nullptr);

    codesign::ClusterJob job() const;
    // The form's fields, for tests.
    void setRanks(int ranks);
    void setThreadsPerRank(int threads);
    void setTcwCommand(const QString& command);

private:
    QString m_workspace;
    codesign::SearchRequest m_request;
    QSpinBox* m_ranks = nullptr;
    QSpinBox* m_nodes = nullptr;
    QSpinBox* m_threads = nullptr;
    QLineEdit* m_time = nullptr;
    QLineEdit* m_tcw = nullptr;
    QCheckBox* m_sync = nullptr;
};

// Writes the script (executable) to path; an empty string, or the error naming the file.
QString writeClusterJobScript(const QString& path, const codesign::ClusterJob& job);

// The tcw this workbench was built or installed with (beside the GUI, or on PATH), else "tcw".
QString defaultTcwCommand();

} // namespace tcw::gui
