// The open workspace and everything done to it: create, open, save, save as, close, import.
// Opening and copying run on a worker thread (one at a time, in order); results come back as
// values and a stale one (the user opened something else meanwhile) is dropped. Writes happen
// here, on the GUI thread, one transaction each. No dialogs: the UI asks, this does.
#pragma once

#include "models/design_table_model.h"
#include "models/workspace_tree_model.h"
#include "sim/sim_types.h"
#include "store/workspace.h"

#include <QHash>
#include <QItemSelectionModel>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

class QTimer;

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace tcw::app {

struct ImportedDesign; // design_import.h

// What the views show of a workspace, read in one go.
struct WorkspaceSnapshot {
    // The designs after the first unchangedRows, which equal the rows the design model held
    // when the read began (a background refresh while a search streams trials in: only the
    // new rows travel to the GUI thread). unchangedRows = 0: every design.
    std::size_t unchangedRows = 0;
    std::vector<store::DesignSummary> designs;
    std::vector<models::DesignTraits> traits; // one per design in designs
    models::WorkspaceTreeContent tree;
    store::WorkspaceCounts counts;
    QHash<qint64, QSet<qint64>> searchMembers; // search id → the designs its trials hold
    // Designs whose latest evaluation in this mode an earlier cost-model revision computed
    // (codesign/resimulation.h): their costs may be out of date until re-simulated.
    std::int64_t staleDesigns = 0;
};
// known: traits already read, by design id (specifications do not change); only the other
// designs' specifications are read and parsed.
using TraitsCache = QHash<qint64, models::DesignTraits>;
WorkspaceSnapshot loadSnapshot(const store::Workspace& workspace, SimMode mode, const TraitsCache& known = {});
// Drops the leading designs that equal rows ((design id, latest evaluation id) per row, as
// DesignTableModel::rowKeys()) and records how many: a refresh that only added designs.
void trimUnchangedRows(WorkspaceSnapshot& snapshot, const std::vector<std::pair<qint64, qint64>>& rows);

class WorkspaceController : public QObject {
    Q_OBJECT

public:
    explicit WorkspaceController(QObject* parent = nullptr);
    ~WorkspaceController() override; // waits for the worker to finish

    bool isOpen() const { return m_workspace != nullptr; }
    bool isBusy() const { return m_busy > 0; } // any job on the worker, background re-reads included
    // A job that replaces or adds content runs (open, create, save as, import): commands on the
    // workspace wait. A background re-read does not count: the views stay usable meanwhile.
    bool isBlocked() const { return m_blocking > 0; }
    QString filePath() const { return m_path; }
    QString displayName() const; // file name without the extension
    SimMode mode() const { return m_mode; }
    store::WorkspaceCounts counts() const { return m_counts; }
    // Designs whose shown costs an earlier cost-model revision computed, as last read.
    std::int64_t staleDesigns() const { return m_staleDesigns; }
    // The designs of each search (the explorer's "search:N" filter word), as last read.
    const QHash<qint64, QSet<qint64>>& searchMembers() const { return m_searchMembers; }
    // The workspace tree's items as last read (designs, searches with their titles, runs).
    const models::WorkspaceTreeContent& treeContent() const { return m_treeContent; }
    store::Workspace* workspace() { return m_workspace.get(); }

    // Another process writing the open workspace: the searches whose lock it holds, each as
    // "search 3 (tcw search, pid 4242 on node7, since … UTC)"; empty when no one else writes.
    // While another process writes, the workspace is read-only here (every write below is
    // refused, naming the writer) and is re-read as its trials arrive; when the writer ends,
    // it is read once more and can be edited again. Checked every watchIntervalMs.
    QStringList externalWriters() const { return m_writers; }
    bool isWrittenElsewhere() const { return !m_writers.isEmpty(); }
    // True when this window may write the workspace now; otherwise emits errorOccurred saying
    // who writes it and that `action` ("start a search") has to wait.
    bool ensureWritable(const QString& action);
    void setWatchInterval(int milliseconds);

    models::DesignTableModel* designModel() const { return m_designModel; }
    QItemSelectionModel* selectionModel() const { return m_selection; } // the one shared selection
    models::WorkspaceTreeModel* treeModel() const { return m_treeModel; }

    // The selected design (current index of the shared selection), if any.
    std::optional<qint64> currentDesignId() const;
    std::optional<store::DesignRecord> design(qint64 id) const;
    std::vector<store::EvaluationRecord> evaluations(qint64 id) const;
    void selectDesign(qint64 id); // through the shared selection

    // Adds a design with an evaluation in one transaction, reloads and selects it. An
    // identical design already stored is selected instead. The id, or nothing (errorOccurred).
    std::optional<qint64> addEvaluatedDesign(const std::string& name, store::DesignKind kind,
                                             const std::string& specJson, store::EvaluationRecord evaluation);

    // The bundled presets listed under Presets in the tree (data/presets/models|accelerators).
    void setPresetDirectory(const QString& presetDirectory);

public slots:
    // A new workspace at path. With replaceExisting an existing file there is deleted first
    // (the user confirmed it); the open workspace is closed first when it is that file.
    void createWorkspace(const QString& path, bool replaceExisting = false);
    void openWorkspace(const QString& path);
    void saveWorkspace();
    void saveWorkspaceAs(const QString& path);
    void closeWorkspace();
    void importDesigns(const QStringList& files);
    void setMode(tcw::SimMode mode);
    void reload(); // re-read the open workspace into the models
    // Re-reads the open workspace on the worker thread through a read connection of its own
    // (WAL: it never waits for a writer such as a running search), then refreshes the models.
    // Calls while one is under way coalesce into one more afterwards.
    void reloadInBackground();
    // Costs the stale evaluations again on the worker thread (a read connection of its own),
    // then stores the results in one transaction here and reloads; statusMessage reports it.
    void resimulateStale();

signals:
    // Before the models take another workspace's content (open: one was opened or created;
    // false: the workspace was closed); workspaceOpened / workspaceClosed follow once they hold it.
    void workspaceChanging(bool open);
    void workspaceOpened(const QString& path);
    void workspaceClosed();
    void contentChanged(); // the models were refreshed
    void busyChanged(bool busy);
    void externalWritersChanged(const QStringList& writers); // see externalWriters()
    void statusMessage(const QString& text);
    void errorOccurred(const QString& title, const QString& text);

private:
    struct OpenOutcome;
    // Runs work on the worker thread; done(result) runs on this thread afterwards, unless a
    // newer open / create / close has made the result stale.
    template <typename Result>
    void runJob(std::function<Result()> work, std::function<void(Result)> done, bool staleAfterNewerJob,
                bool background = false);
    // The status message after a successful open: from the file and what it holds.
    using SuccessMessage = std::function<QString(const QString& path, const store::WorkspaceCounts& counts)>;
    // sameDesigns: the file opened holds the designs shown now under the same ids (Save As
    // works on in a copy): the selection and the views' state stay.
    void startOpen(const QString& path, std::function<std::shared_ptr<store::Workspace>()> openFn,
                   const QString& failureTitle, SuccessMessage successMessage, bool sameDesigns = false);
    void adopt(OpenOutcome outcome, const SuccessMessage& successMessage, bool sameDesigns);
    // keepSelection: select the design selected before again (a reload of the same workspace;
    // a design id of another workspace names another design).
    void applySnapshot(WorkspaceSnapshot snapshot, bool keepSelection = true);
    void addImported(const std::vector<ImportedDesign>& designs, const QStringList& errors);

    std::shared_ptr<store::Workspace> m_workspace;
    QString m_path;
    SimMode m_mode = SimMode::Inference;
    store::WorkspaceCounts m_counts;
    std::int64_t m_staleDesigns = 0;
    QHash<qint64, QSet<qint64>> m_searchMembers;
    QList<models::WorkspaceTreeContent::Preset> m_presetModels;
    QList<models::WorkspaceTreeContent::Preset> m_presetAccelerators;
    models::WorkspaceTreeContent m_treeContent;
    TraitsCache m_traits;

    models::DesignTableModel* m_designModel;
    QItemSelectionModel* m_selection;
    models::WorkspaceTreeModel* m_treeModel;

    void startBackgroundReload();
    // The watch: who writes the open workspace now, and whether its files changed since the
    // last look (then the models are re-read in the background).
    void checkExternalWriters();
    void stopWatching();
    QStringList m_writers;
    QTimer* m_watchTimer = nullptr;
    QString m_fileStamp; // sizes and modification times of the file and its journal

    // The worker's own read connection, for background reloads; opened there on first use.
    struct Reader {
        std::mutex mutex;
        std::shared_ptr<store::Workspace> workspace;
        QString path;
    };
    std::shared_ptr<Reader> m_reader = std::make_shared<Reader>();
    bool m_backgroundReloadRunning = false;
    bool m_backgroundReloadPending = false;
    bool m_fullRefreshNeeded = false; // the next background refresh sends every design

    QThreadPool m_worker; // one thread: jobs run one after another, in order
    int m_busy = 0;
    int m_blocking = 0;       // jobs that are not background re-reads
    quint64 m_generation = 0; // bumped by every open / create / close
};

} // namespace tcw::app
