// What the Training panel shows of a quantization-aware or distilled run (issue 15), as plain
// values the training controller converts from the trainer's reports (train/low_bit_report.h):
// the latest latent-weight histograms with their quantizers' boundaries, the scale of every
// quantized tensor over the reports, the share of activations clipped, and the teacher /
// student loss split over the reports.
#pragma once

#include <QString>

#include <map>
#include <optional>
#include <vector>

namespace tcw::models {

// One quantized weight matrix at a report: its latent weights binned over [lower, upper].
struct LatentWeights {
    QString tensor; // e.g. "layers.0.heads.1.wma"
    QString rule;   // "BWN", "TWN", "uniform", "float16"
    int bits = 32;
    double lower = 0, upper = 0;
    std::vector<qint64> counts;     // equal-width bins
    std::vector<double> boundaries; // the quantizer's decision boundaries
    double scale = 0;               // α, α_t or the clip c
    double zeroFraction = 0;        // weights mapped to 0
};

// One activation quantizer at a report.
struct ActivationScale {
    QString name; // "L1 FFN hidden 0"
    int bits = 1;
    double scale = 0;
    double clippedFraction = 0; // of its last forward
};

struct LowBitSnapshot {
    std::vector<LatentWeights> weights;
    std::vector<ActivationScale> activations;
};

// The loss split of the steps since the previous report, with a teacher.
struct LossSplitSample {
    qint64 step = 0;
    double taskLoss = 0;     // the student's cross-entropy on the labels
    double logitLoss = 0;    // KL to the teacher's softened logits (·T², unweighted)
    double hiddenLoss = 0;   // MSE to the teacher's hidden states (unweighted)
    double weightedLoss = 0; // task + weighted distillation terms: what is optimised
};

// The scale of every quantized tensor at one report (weights by tensor name, activation
// quantizers by their name; a quantizer before its first forward has none).
struct ScaleSample {
    qint64 step = 0;
    std::vector<std::pair<QString, double>> scales;
};
ScaleSample scaleSampleOf(qint64 step, const LowBitSnapshot& snapshot);

// Accumulated over a run's reports.
class LowBitSeries {
public:
    void clear();
    // snapshot: the latest report's (replaces the one shown); scales and split: every report's.
    void apply(const std::optional<LowBitSnapshot>& snapshot, const std::vector<ScaleSample>& scales,
               const std::vector<LossSplitSample>& split);

    bool hasQuantizers() const { return m_latest.has_value(); }
    const std::optional<LowBitSnapshot>& latest() const { return m_latest; }
    // Scale per tensor over the reports: weight matrices by tensor name, activation
    // quantizers by their name; (step, scale) in step order.
    const std::map<QString, std::vector<std::pair<qint64, double>>>& scales() const { return m_scales; }
    const std::vector<LossSplitSample>& lossSplit() const { return m_split; }
    // Mean and largest clipped share over the activation quantizers of the latest report
    // (nullopt when none is quantized), and the name of the largest.
    struct Clipped {
        double mean = 0, max = 0;
        QString maxName;
    };
    std::optional<Clipped> clipped() const;

private:
    std::optional<LowBitSnapshot> m_latest;
    std::map<QString, std::vector<std::pair<qint64, double>>> m_scales;
    std::vector<LossSplitSample> m_split;
};

} // namespace tcw::models
