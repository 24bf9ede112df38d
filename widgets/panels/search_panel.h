// The Search tab: what a new co-design search is (algorithm, budget, seed, spaces, objectives
// with weight sliders and constraints, accuracy source), its controls (start, pause, resume,
// stop, resume an unfinished search) and its progress (trials, ETA, hypervolume, best score,
// front size, the hypervolume-against-evaluations curve). The panel only asks: the search
// itself runs elsewhere (app/gui's SearchController) and reports back through the setters.
#pragma once

#include "codesign/search_request.h"
#include "devices/device_rows.h"

#include <QWidget>

#include <array>
#include <filesystem>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace tcw::widgets {

class HypervolumePlot;
class SearchPrecisionBox;
class SearchDevicesBox;

class SearchPanel : public QWidget {
    Q_OBJECT

public:
    enum class State { NoWorkspace, Idle, Starting, Running, Paused, Stopping };

    // What the progress line shows (the controller computes the ETA: it knows the pauses).
    struct Progress {
        int trials = 0, budget = 0;
        double hypervolume = 0;
        double bestScore = 0; // weighted searches only
        bool weighted = false;
        int frontSize = 0;
        double etaSeconds = -1; // < 0: not known yet
        bool replaying = false;
    };

    explicit SearchPanel(QWidget* parent = nullptr);

    // Bundled spaces and accuracy tables are listed from here; validation resolves names here.
    void setDataDirectory(const std::filesystem::path& dataDir);

    codesign::SearchRequest request() const;
    // Shows a search's settings in the form (a resumed search: the form then says what runs,
    // and Start would begin one like it). Settings the form has no control for (normalisers,
    // the algorithms' tuning, a fixed model or accelerator, the simulated task) stay unshown.
    void showSearch(const search::SearchConfig& config);
    // Problems with the current choices (core's validation), also shown next to the controls.
    QStringList validationErrors() const;

    // The controls the Search menu shares (with their shortcuts).
    QAction* startAction() const { return m_start; }
    QAction* pauseAction() const { return m_pause; }
    QAction* resumeAction() const { return m_resume; }
    QAction* stopAction() const { return m_stop; }
    QAction* resumeUnfinishedAction() const { return m_resumeUnfinished; }
    // "Write Cluster Job Script…": a Slurm script running this search under mpirun.
    QAction* writeJobScriptAction() const { return m_writeJobScript; }

    State state() const { return m_state; }
    HypervolumePlot* hypervolumePlot() const { return m_plot; }
    // Issue 15: the targets, precision and robustness controls.
    SearchPrecisionBox* precisionBox() const { return m_precisionBox; }
    // Issue 14: the measured devices a mixed search covers.
    SearchDevicesBox* devicesBox() const { return m_devicesBox; }
    // The open workspace's device profiles (imported, profiled), listed beside the presets.
    void setWorkspaceDevices(const std::vector<devices::DeviceProfile>& profiles);
    QString statusText() const;

    // Setup controls, for tests and --search-demo: choose by value.
    void setAlgorithm(const QString& name); // boshcode | nsga2 | random
    void setBudget(int budget);
    void setSeed(int seed);
    void setObjectiveWeight(search::Metric metric, bool used, double weight);
    void setWeighted(bool weighted);
    void setCostMode(SimMode mode);
    void setConstraint(search::Metric metric, bool on, double boundInDisplayUnits);
    void setAccuracySource(const QString& name); // predicted | imported | workspace | trained

public slots:
    void setState(tcw::widgets::SearchPanel::State state);
    // unfinished: a search of the open workspace that did not finish ("" when none).
    void setUnfinishedSearch(const QString& description);
    void setProgress(const tcw::widgets::SearchPanel::Progress& progress);
    // What happened last ("Search 3 finished: …"); detail shows as its tooltip.
    void setMessage(const QString& text, const QString& detail = {});
    void resetProgress(int budget);

signals:
    void startRequested(const tcw::codesign::SearchRequest& request);
    void pauseRequested();
    void resumeRequested();
    void stopRequested();
    void resumeUnfinishedRequested();
    void writeJobScriptRequested(const tcw::codesign::SearchRequest& request);

private:
    struct ObjectiveRow {
        QCheckBox* used = nullptr;
        QSlider* weight = nullptr;
        QLabel* weightLabel = nullptr;
        QCheckBox* constrained = nullptr;
        QDoubleSpinBox* bound = nullptr;
    };
    QWidget* createSetup();
    QWidget* createObjectives();
    QWidget* createRun();
    void createActions();
    void scheduleValidation();
    void validate();
    void updateControls();
    void applyTranscodeWeights();
    // The form's request; withDevices false: as if no measured device were chosen.
    codesign::SearchRequest formRequest(bool withDevices) const;

    std::filesystem::path m_dataDir;
    State m_state = State::NoWorkspace;
    QString m_unfinished;
    QStringList m_errors;

    QComboBox* m_algorithm = nullptr;
    QSpinBox* m_budget = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_modelSpace = nullptr;
    QComboBox* m_acceleratorSpace = nullptr;
    QComboBox* m_mode = nullptr;
    QComboBox* m_accuracy = nullptr;
    QComboBox* m_table = nullptr;
    QComboBox* m_dataset = nullptr;
    QSpinBox* m_trainSteps = nullptr;
    QLabel* m_tableLabel = nullptr;
    QLabel* m_datasetLabel = nullptr;
    QLabel* m_stepsLabel = nullptr;
    QComboBox* m_scalarisation = nullptr;
    QToolButton* m_transcodeWeights = nullptr;
    std::array<ObjectiveRow, search::kMetricCount> m_rows;
    QLabel* m_validation = nullptr;
    SearchPrecisionBox* m_precisionBox = nullptr; // issue 15
    SearchDevicesBox* m_devicesBox = nullptr;     // issue 14
    QStringList m_deviceRefusals;                 // why devices cannot join (the core's words)
    int m_deviceSequenceLength = 0;               // the search's task's (0: no configuration)
    QTimer* m_validationTimer = nullptr;

    QAction* m_start = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_resume = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_resumeUnfinished = nullptr;
    QAction* m_writeJobScript = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_trials = nullptr;
    QLabel* m_eta = nullptr;
    QLabel* m_hypervolume = nullptr;
    QLabel* m_best = nullptr;
    QLabel* m_front = nullptr;
    QLabel* m_message = nullptr;
    HypervolumePlot* m_plot = nullptr;
};

// Sets a progress bar's range and value with an ordinary, coalesced repaint: QProgressBar
// repaints at once (synchronously) when its text changes, a cost the GUI thread should not
// pay several times a second while a search runs.
void setProgressQuietly(QProgressBar* bar, int maximum, int value);

// "2 h 05 min", "3 min 20 s", "12 s": a time left for the progress line.
QString formatDuration(double seconds);

} // namespace tcw::widgets

Q_DECLARE_METATYPE(tcw::widgets::SearchPanel::Progress)
Q_DECLARE_METATYPE(tcw::codesign::SearchRequest)
