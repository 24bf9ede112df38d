// The Training panel: pick what to train on which data and how (steps, batch, learning rate,
// seed, threads, fixed thresholds τ_I / τ_T or target sparsities), start, pause, resume and
// stop it, and watch it live: loss and accuracy curves, the sparsity heat map, magnitude
// histograms with the thresholds, and the simulated cost of a training step of the design
// with the sparsity measured so far. The panel holds no logic: the training controller
// (app/gui) runs the job and feeds it TrainingUpdates.
#pragma once

#include "codesign/training_job.h"
#include "models/training_series.h"

#include <QWidget>

#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QTabWidget;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSpinBox;
class QStackedWidget;
class QToolButton;

namespace tcw::widgets {

class TrainingCurvePlot;
class SparsityHeatMap;
class MagnitudeHistogramPlot;
class LatentWeightPlot;
class ScaleCurvePlot;
class LossSplitPlot;

class TrainingPanel : public QWidget {
    Q_OBJECT

public:
    explicit TrainingPanel(QWidget* parent = nullptr);

    // The design a start would train; none: Start is disabled with the reason shown.
    // hasAccelerator: a pair (its accelerator costs the run); else a preset is picked here.
    void setDesign(std::optional<qint64> designId, const QString& name, bool hasAccelerator);
    std::optional<qint64> designId() const { return m_designId; }
    // Accelerator presets (name, file) for costing a lone transformer.
    void setAcceleratorPresets(const QList<QPair<QString, QString>>& presets);
    QString acceleratorPresetFile() const; // "" for a pair

    // The form as a request (data set, budget, optimiser, thresholds, seed, threads).
    codesign::TrainingRequest request() const;
    void setRequest(const codesign::TrainingRequest& request);
    // Issue 15: the precision shorthand a start trains at (tcw train --precision; "" = the
    // design's own), passed to the controller beside the request.
    QString precision() const;
    void setPrecision(const QString& shorthand);
    void showLowBitPlots(); // the "Precision and distillation" tab

    // Run state, from the controller.
    void runStarted(const QString& description, const QStringList& heatMapRows);
    void applyUpdate(const models::TrainingUpdate& update);
    void runPausedChanged(bool paused);
    // finalStep: the step the run ended at (a stop lands between two progress reports), which
    // the bar then shows, so it agrees with the summary ("cancelled at step 68").
    void runFinished(const QString& summary, bool ok, std::optional<qint64> finalStep = std::nullopt);
    // A stored run's curve (no run going): the plots show it, the status says which run.
    void showStoredRun(const QString& description, const std::vector<models::TrainingCurveSample>& curve,
                       qint64 totalSteps);

    // Nothing shown: no run's curves, progress or status (another workspace was opened). A run
    // going keeps its view.
    void clearRun();

    bool isRunning() const { return m_running; }
    const models::TrainingSeries& series() const { return m_series; }
    QString statusText() const;

    QAction* startAction() const { return m_start; }
    QAction* pauseAction() const { return m_pause; }
    QAction* resumeAction() const { return m_resume; }
    QAction* stopAction() const { return m_stop; }

signals:
    void startRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();

private:
    QWidget* createForm();
    QWidget* createPlots();
    void createLowBitForm(QFormLayout* form); // issue 15: precision, teacher, distillation
    QWidget* createLowBitPlots();             // issue 15: latent weights, scales, loss split
    void updateLowBit();
    void updateActions();
    void updateThresholdMode();
    void updateCost();
    void updatePrecisionNote(); // what --bf16 does on this CPU (train/precision.h)
    void browseDataFolder();    // opens a folder dialog for the data folder field

    codesign::TrainingRequest m_base; // fields the form does not show (setRequest keeps them)
    std::optional<qint64> m_designId;
    bool m_hasAccelerator = false;
    bool m_running = false, m_paused = false;
    models::TrainingSeries m_series;

    QAction *m_start, *m_pause, *m_resume, *m_stop;
    QLabel* m_designLabel = nullptr;
    QComboBox* m_acceleratorPreset = nullptr;
    QComboBox* m_dataset = nullptr;
    QLineEdit* m_dataDir = nullptr;
    QToolButton* m_browseDataDir = nullptr;
    QSpinBox* m_maxTrain = nullptr;
    QSpinBox* m_maxTest = nullptr;
    QSpinBox* m_steps = nullptr;
    QSpinBox* m_batch = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
    QSpinBox* m_seed = nullptr;
    QSpinBox* m_threads = nullptr; // persisted in QSettings ("training/threads")
    QCheckBox* m_bf16 = nullptr;
    QLabel* m_precisionNote = nullptr;
    QSpinBox* m_logEvery = nullptr;
    QComboBox* m_thresholdMode = nullptr;
    QStackedWidget* m_thresholdStack = nullptr;
    QDoubleSpinBox* m_tauActivation = nullptr;
    QDoubleSpinBox* m_tauGradient = nullptr;
    QDoubleSpinBox* m_targetActivation = nullptr;
    QDoubleSpinBox* m_targetGradient = nullptr;
    QCheckBox* m_evalDuring = nullptr;

    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_cost = nullptr;
    TrainingCurvePlot* m_lossPlot = nullptr;
    TrainingCurvePlot* m_accuracyPlot = nullptr;
    SparsityHeatMap* m_heatMap = nullptr;
    MagnitudeHistogramPlot* m_activationHistogram = nullptr;
    MagnitudeHistogramPlot* m_gradientHistogram = nullptr;
    // Issue 15.
    QComboBox* m_precision = nullptr;
    QComboBox* m_activationQuantizer = nullptr;
    QLineEdit* m_teacher = nullptr;
    QComboBox* m_teacherPrecision = nullptr;
    QDoubleSpinBox* m_distillLogit = nullptr;
    QDoubleSpinBox* m_distillHidden = nullptr;
    QDoubleSpinBox* m_distillTemperature = nullptr;
    QTabWidget* m_plotTabs = nullptr;
    QComboBox* m_latentTensor = nullptr;
    QLabel* m_clipped = nullptr;
    LatentWeightPlot* m_latentWeights = nullptr;
    ScaleCurvePlot* m_scales = nullptr;
    LossSplitPlot* m_lossSplit = nullptr;
};

} // namespace tcw::widgets
