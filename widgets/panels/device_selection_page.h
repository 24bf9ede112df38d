// The explorer's Selection view (issue 16; HP, Qi et al., ICCAD 2021): which catalogue target
// is the cheapest that meets a latency constraint LC and an accuracy constraint AC, with which
// compression setting. LC and AC are sliders (with exact fields); the catalogue rows (cheapest
// first) × settings columns are coloured by which constraint fails and by how much; the
// chosen cell is outlined and its row marked; the accuracy–sparsity curves of the trained
// settings are below, with AC drawn on them. The numbers are search::selectDevice's, computed
// off the GUI thread (reading the catalogue fits the measured devices' surrogates, seconds).
// Beside it, the pruning-pattern viewer: a `tcw prune` run's matrices as heat maps of kept
// weights and their sizes in every storage format.
#pragma once

#include "codesign/device_catalogue.h"
#include "codesign/pruning_run.h"
#include "search/device_selection.h"

#include <QColor>
#include <QStringList>
#include <QWidget>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace tcw::widgets {

class AccuracySparsityPlot;
class BarChart;
class PruningHeatMap;

// How a cell of the matrix fails, and by how much (the relative miss of the worse constraint,
// clipped to 1): what its colour says.
enum class CellVerdict { Feasible, LatencyFails, AccuracyFails, BothFail, CannotRun };
struct CellJudgement {
    CellVerdict verdict = CellVerdict::CannotRun;
    double severity = 0; // 0: just misses … 1: misses by 100 % or more; 0 when feasible
};
// From selectDevice's cell: cannot run when it has no latency or no accuracy.
CellJudgement judgeCell(const search::SelectionCell& cell, double latencyLimitSeconds, double accuracyLimit);
QColor verdictColour(const CellJudgement& j);
QString verdictName(CellVerdict v); // "feasible", "latency fails", …
// What a cell reads: its latency in ms; without one, why: "cannot run" / "cannot cost" and the
// first words of the reason (the tooltip has them whole), or "no accuracy".
QString cellText(const search::SelectionCell& cell);

// The task the page costs for (one of models::selectionDataSets()), as `tcw select-device
// --data` gives it: the data set's own shape (sequence, vocabulary or patches, classes;
// Fashion-MNIST in 7×7 patches, tcw's --patch default: 16 tokens); for "text", a BERT-style
// task (WordPiece vocabulary of 30,522, two classes) at the sequence given. Throws
// std::invalid_argument naming the allowed data sets.
TaskShape selectionTask(const QString& dataSet, int textSequenceLength);

class DeviceSelectionPage : public QWidget {
    Q_OBJECT
public:
    // Everything the user sets on the page (what a lesson changes and gives back on exit).
    struct Inputs {
        QString catalogue, runs, model, data;
        int sequence = 128, batch = 1;
        double latencyMs = 5, accuracy = 0.85;
        QString order;
        bool operator==(const Inputs&) const = default;
    };

    explicit DeviceSelectionPage(QWidget* parent = nullptr);
    ~DeviceSelectionPage() override;

    // The data directory (device presets, model presets); findDataDir() when not set.
    void setDataDir(const QString& dir);
    // Reads the catalogue in the background (catalogueLoaded or failed), then computes.
    void loadCatalogue(const QString& path);
    // The folder of trained settings (tcw select-device --runs DIR): their accuracies join
    // the catalogue's, and their curves are drawn. Read in the background with the matrix.
    void setRunsFolder(const QString& path);
    void setModel(const QString& nameOrPath);
    void setSequenceLength(int tokens);
    // One of models::selectionDataSets(); the sequence field follows a data set of fixed length.
    void setDataSet(const QString& name);
    QString dataSet() const;
    Inputs inputs() const;
    // Sets every field; reads the catalogue when it is another one, forgets it when empty.
    void setInputs(const Inputs& inputs);
    void setLatencyLimitMs(double ms);
    void setAccuracyLimit(double ac);
    // Reads a tcw prune run folder in the background (pruningRunShown or failed).
    void loadPruningRun(const QString& path);
    void showPrunedMatrix(int index);

    // Computes again with what the fields say now (computed or failed follows): at once when the
    // catalogue is read, after its reading when that is under way (lessons wait for it).
    void refresh();
    // A catalogue is being read or a matrix computed (or waits for the fields to settle).
    bool isBusy() const;

    double latencyLimitMs() const;
    double accuracyLimit() const;
    QString cataloguePath() const { return m_cataloguePath; }
    QString model() const;
    int sequenceLength() const;
    // What the matrix shows now (valid after computed()).
    const search::SelectionInput& input() const { return m_input; }
    const search::SelectionResult& result() const { return m_result; }
    QTableWidget* matrix() const { return m_matrix; }
    QSlider* latencySlider() const { return m_lcSlider; }
    QSlider* accuracySlider() const { return m_acSlider; }
    AccuracySparsityPlot* curvesPlot() const { return m_curves; }
    PruningHeatMap* heatMap() const { return m_heatMap; }
    BarChart* formatChart() const { return m_formats; }
    const codesign::PrunedRun* prunedRun() const { return m_pruned.get(); }
    QString chosenText() const;

signals:
    void catalogueLoaded();
    void computed();
    void pruningRunShown();
    void failed(const QString& message);

private:
    void buildUi();
    void scheduleCompute();
    void compute();
    void showResult();
    void clearResult();
    void showMessage(const QString& text, bool error);
    void chooseCatalogue();
    void chooseRuns();
    void choosePruningRun();

    QString m_dataDir;
    struct Loaded;
    std::shared_ptr<const Loaded> m_loaded; // the catalogue and its fitted device costs
    QString m_cataloguePath, m_runsPath;
    search::SelectionInput m_input;
    search::SelectionResult m_result;
    std::vector<std::optional<double>> m_accuracies;
    int m_generation = 0;          // computations: a result older than the latest is dropped
    int m_catalogueGeneration = 0; // catalogue reads: likewise
    bool m_catalogueReading = false, m_computing = false;
    std::shared_ptr<const codesign::PrunedRun> m_pruned;
    int m_prunedGeneration = 0;

    QLabel* m_catalogueLabel = nullptr;
    QLabel* m_runsLabel = nullptr;
    QComboBox* m_model = nullptr;
    QComboBox* m_data = nullptr;
    QSpinBox* m_sequence = nullptr;
    int m_textSequence = 128; // the sequence field's value for "text", kept while a data set fixes it
    QSpinBox* m_batch = nullptr;
    QComboBox* m_order = nullptr;
    QSlider* m_lcSlider = nullptr;
    QDoubleSpinBox* m_lcField = nullptr;
    QSlider* m_acSlider = nullptr;
    QDoubleSpinBox* m_acField = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_matrix = nullptr;
    AccuracySparsityPlot* m_curves = nullptr;
    QLabel* m_runLabel = nullptr;
    QComboBox* m_prunedMatrix = nullptr;
    PruningHeatMap* m_heatMap = nullptr;
    BarChart* m_formats = nullptr;
    QTimer* m_debounce = nullptr;
};

} // namespace tcw::widgets
