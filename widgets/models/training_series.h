// What the Training panel shows of a run, accumulated from its progress reports: loss and
// accuracy curves, a heat map of sparsity per layer and tensor kind over the reports, the
// latest magnitude histograms with the thresholds in force, and the simulated cost of a
// training step. Plain values, no trainer types: the training controller converts the
// trainer's reports on its worker thread, so the GUI thread only appends.
#pragma once

#include "low_bit_series.h"

#include <QString>
#include <QStringList>

#include <limits>
#include <optional>
#include <vector>

namespace tcw::models {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct TrainingCurveSample {
    qint64 step = 0;
    double trainLoss = kNoValue; // mean over the steps since the previous sample
    double trainAccuracy = kNoValue;
    double testLoss = kNoValue; // NaN when the test split was not evaluated at this step
    double testAccuracy = kNoValue;
};

// A histogram of magnitudes |x| over log-spaced bins: bin b spans [lower[b], upper[b]).
struct MagnitudeBins {
    std::vector<double> lower, upper;
    std::vector<qint64> counts;
    qint64 total() const;
};

// One training step (a batch, forward + backward + update) simulated on the accelerator.
struct TrainingCost {
    QString accelerator;                   // its name, for the label
    double latencySeconds = kNoValue;      // with the sparsity measured so far
    double energyNJ = kNoValue;            // dynamic + leakage
    double denseLatencySeconds = kNoValue; // without any sparsity
    double denseEnergyNJ = kNoValue;
    QString infeasibleReason; // non-empty: the accelerator cannot run it
};

// Progress reports, batched: when reports come faster than the GUI wants to repaint, the
// controller sends several at once. The latest-window fields describe the last report.
struct TrainingUpdate {
    qint64 step = 0, totalSteps = 0;
    double elapsedSeconds = 0, etaSeconds = 0;
    std::vector<TrainingCurveSample> points;          // new curve points, in step order
    std::vector<std::vector<double>> sparsityColumns; // new heat-map columns, one fraction per row (NaN: none seen)
    std::vector<qint64> columnSteps;                  // the step of each new column
    MagnitudeBins activations, gradients;             // latest window: forward activations; all gradients
    std::vector<double> activationThresholds;         // τ_I in force, per layer and activation kind
    std::vector<double> gradientThresholds;           // τ_T in force, per layer (activation and weight gradients)
    std::optional<TrainingCost> cost;                 // when the design has an accelerator
    // Issue 15: the latest report's latent weights and quantizers (none: nothing quantized),
    // every report's scales and, with a teacher, loss split.
    std::optional<LowBitSnapshot> lowBit;
    std::vector<ScaleSample> scales;
    std::vector<LossSplitSample> lossSplit;
};

class TrainingSeries {
public:
    // More report columns than this: neighbouring pairs are merged (the map stays readable
    // and its image small however long the run).
    static constexpr int kMaxColumns = 400;

    void reset(const QStringList& rowLabels);
    void apply(const TrainingUpdate& update);

    const std::vector<TrainingCurveSample>& points() const { return m_points; }
    const QStringList& rowLabels() const { return m_rowLabels; }
    int columnCount() const { return static_cast<int>(m_columns.size()); }
    const std::vector<double>& column(int index) const { return m_columns[static_cast<std::size_t>(index)]; }
    qint64 columnStep(int index) const { return m_columnSteps[static_cast<std::size_t>(index)]; }
    const MagnitudeBins& activations() const { return m_activations; }
    const MagnitudeBins& gradients() const { return m_gradients; }
    const std::vector<double>& activationThresholds() const { return m_activationThresholds; }
    const std::vector<double>& gradientThresholds() const { return m_gradientThresholds; }
    const std::optional<TrainingCost>& cost() const { return m_cost; }
    const LowBitSeries& lowBit() const { return m_lowBit; } // issue 15
    qint64 step() const { return m_step; }
    qint64 totalSteps() const { return m_totalSteps; }
    double elapsedSeconds() const { return m_elapsed; }
    double etaSeconds() const { return m_eta; }

private:
    void mergeColumnPairs();

    QStringList m_rowLabels;
    std::vector<TrainingCurveSample> m_points;
    std::vector<std::vector<double>> m_columns;
    std::vector<qint64> m_columnSteps;
    MagnitudeBins m_activations, m_gradients;
    std::vector<double> m_activationThresholds, m_gradientThresholds;
    std::optional<TrainingCost> m_cost;
    LowBitSeries m_lowBit;
    qint64 m_step = 0, m_totalSteps = 0;
    double m_elapsed = 0, m_eta = 0;
};

// "3.2 s", "4 min 05 s", "1 h 02 min": time left or spent.
QString formatDuration(double seconds);

} // namespace tcw::models
