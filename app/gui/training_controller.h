// Runs one training job at a time for the GUI: on a worker thread, through
// codesign/training_job (the path tcw train takes), with pause / resume / stop. The worker
// turns the trainer's reports into TrainingUpdates (heat-map columns, histograms, the
// simulated cost with the sparsity measured so far) and posts them at most every
// updateIntervalMs, so the GUI thread only appends and repaints. A finished, cancelled or
// diverged run is stored through the worker's own workspace connection; then the workspace
// controller reloads, and the explorer shows the design's accuracy as trained.
#pragma once

#include "codesign/training_job.h"
#include "design/run_control.h"
#include "models/training_series.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <thread>

namespace tcw::app {

class WorkspaceController;

struct TrainingOutcome {
    bool stored = false; // the run is in the workspace
    QString status;      // "completed", "cancelled", "diverged" or "failed" (an error)
    QString message;     // the error or why it stopped, readable
    qint64 runId = 0;
    qint64 steps = 0;
    double testAccuracy = 0, testLoss = 0;
    QString runDirectory; // curves, metrics, profile and checkpoint
    int trainedEvaluations = 0;
    QStringList sparsityBits; // issue 15: per layer, bits and zeros after the quantizers (none: all f32)
};

class TrainingController : public QObject {
    Q_OBJECT

public:
    explicit TrainingController(WorkspaceController* workspaces, QObject* parent = nullptr);
    ~TrainingController() override; // stops a run and waits for it to end

    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_control.paused(); }
    void setUpdateIntervalMs(int ms) { m_updateIntervalMs = ms; }

    // Starts training design designId of the open workspace. acceleratorFile costs a lone
    // transformer's steps ("" = no cost shown). precision: a shorthand (w1a8…) the model is
    // trained at ("" = the design's own; codesign::TrainingJobRequest::precision). False, with
    // *error, when it cannot start.
    bool start(qint64 designId, const codesign::TrainingRequest& request, const QString& acceleratorFile,
               QString* error, const QString& precision = {});

public slots:
    void pause();
    void resume();
    void stop();
    // Stops and blocks until the worker has stored the run (closing the window).
    void stopAndWait();

signals:
    void started(const QString& description, const QStringList& heatMapRows);
    void updated(const tcw::models::TrainingUpdate& update);
    void pausedChanged(bool paused);
    void finished(const tcw::app::TrainingOutcome& outcome);

private:
    struct Job;
    void run(std::shared_ptr<Job> job, std::stop_token stop);
    void finish(const TrainingOutcome& outcome, const QString& workspacePath);

    WorkspaceController* m_workspaces;
    RunControl m_control;
    std::jthread m_thread;
    bool m_running = false;
    int m_updateIntervalMs = 100;
};

// The Training panel's view of the trainer's low-bit report (issue 15): the same numbers.
models::LowBitSnapshot lowBitSnapshotOf(const train::LowBitReport& report);

// Heat-map rows of a model with `layers` layers: per layer its activation kinds, then its
// activation and weight gradients ("L1 projection", …, "L1 weight grad.").
QStringList trainingHeatMapRows(int layers);

} // namespace tcw::app
