// Runs co-design searches for the window: a SearchSession on a worker thread with its own
// connection to the open workspace file (SQLite WAL: the window's connection keeps reading),
// pause / resume through a RunControl, stop through the thread's stop token. Progress comes
// back by queued calls as plain values; after trials commit, the explorer's models are
// re-read in the background at most a few times a second, so new evaluations stream into
// the Pareto plot and the table. A stopped search is stored as cancelled with its trials and
// can be resumed. No dialogs: the panel asks, this does.
#pragma once

#include "codesign/search_request.h"
#include "design/run_control.h"
#include "panels/search_panel.h"
#include "search/search_runner.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <optional>
#include <thread>

class QTimer;

namespace tcw::app {

class WorkspaceController;

class SearchController : public QObject {
    Q_OBJECT

public:
    SearchController(WorkspaceController* workspace, QObject* parent = nullptr);
    ~SearchController() override; // stops a running search and waits for it

    void setDataDirectory(const QString& dataDirectory);
    // Evaluation threads; 0: all cores but one, which stays with the window.
    void setThreads(int threads) { m_threads = threads; }
    // Explorer reloads while a search runs are at least this far apart (ms).
    void setReloadInterval(int milliseconds);

    widgets::SearchPanel::State state() const { return m_state; }
    bool isActive() const { return m_thread.joinable(); }
    std::optional<qint64> searchId() const { return m_searchId; }
    const widgets::SearchPanel::Progress& progress() const { return m_progress; }
    QString unfinishedDescription() const { return m_unfinished; }

public slots:
    void start(const tcw::codesign::SearchRequest& request);
    void resumeUnfinished();
    void pause();
    void resume();
    void stop(); // asks; the search ends after its running evaluations (finished() follows)
    // Stops and waits until the worker has ended (closing the window or the workspace).
    void stopAndWait();
    // Looks for an unfinished search in the open workspace (when none runs).
    void refreshUnfinished();

signals:
    void stateChanged(tcw::widgets::SearchPanel::State state);
    void started(qint64 searchId, int budget, const QString& description);
    // A resumed search's stored settings (emitted before started), for the panel's form.
    void resumedWith(const tcw::search::SearchConfig& config);
    void progressed(const tcw::widgets::SearchPanel::Progress& progress);
    void finished(const QString& message, bool cancelled);
    void failed(const QString& title, const QString& message);
    void unfinishedChanged(const QString& description);
    void statusMessage(const QString& text);

private:
    struct Job;
    void launch(Job job);
    void setState(widgets::SearchPanel::State state);
    void onStarted(qint64 searchId, int budget, int storedTrials, const QString& description, bool weighted);
    void onProgress(const search::SearchProgress& progress);
    void onEnded(const QString& message, bool cancelled, const QString& errorTitle, const QString& error);
    double pausedSeconds() const;

    WorkspaceController* m_workspace;
    QString m_dataDirectory;
    int m_threads = 0;
    widgets::SearchPanel::State m_state = widgets::SearchPanel::State::NoWorkspace;
    std::optional<qint64> m_searchId;
    widgets::SearchPanel::Progress m_progress;
    QString m_unfinished;
    QString m_searchPath; // the workspace file the running search writes

    RunControl m_control;
    std::jthread m_thread;
    quint64 m_run = 0; // bumped per search: queued reports of an earlier one are dropped
    QTimer* m_reloadTimer;
    QElapsedTimer m_pauseClock; // running while paused
    double m_pausedSeconds = 0; // paused time of this run, finished pauses
};

} // namespace tcw::app
