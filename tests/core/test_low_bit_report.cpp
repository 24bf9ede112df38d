// Issue 15, the Training panel's low-bit view: the latent-weight report (histogram, the
// quantizer's boundaries, scale, zero share) against a hand-computed matrix and against the
// quantizer the trainer applies; the activation quantizers' scales and clipped shares as the
// trainer keeps them; and the per-report teacher / student loss split against the run's own.
#include "design/precision_shorthand.h"
#include "train/datasets.h"
#include "train/low_bit_report.h"
#include "train/presets.h"
#include "train/trainer.h"
#include "train/weight_precision.h"

#include "../support/train_fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tcw;
using namespace tcw::train;

namespace {

const Dataset& listOps() {
    return testing::tinyListOps(64, 16);
}

// A short run that reports every step.
TrainConfig smallConfig(int steps) {
    TrainConfig c = testing::shortRun(steps);
    c.logEverySteps = 1;
    return c;
}

// W = {−1.5, −0.3, 0.1, 0.4, 1.0, 2.3}: mean|W| = 5.6 / 6.
const std::vector<float> kW = {-1.5f, -0.3f, 0.1f, 0.4f, 1.0f, 2.3f};

} // namespace

class TestLowBitReport : public QObject {
    Q_OBJECT
private slots:
    void handExample() {
        // TWN: Δ = 0.7·mean|W| = 0.653333; |W| > Δ: 1.5, 1.0, 2.3 → α_t = 4.8 / 3 = 1.6; 3 of 6 zero.
        const auto twn = weightQuantizerReport(kW, {2, Quantizer::Symmetric}, 5);
        QCOMPARE(twn.rule, std::string("TWN"));
        QCOMPARE(twn.boundaries.size(), std::size_t(2));
        QVERIFY(std::fabs(twn.boundaries[1] - 0.7 * 5.6 / 6) < 1e-6);
        QVERIFY(std::fabs(twn.boundaries[0] + 0.7 * 5.6 / 6) < 1e-6);
        QVERIFY(std::fabs(twn.scale - 1.6) < 1e-6);
        QCOMPARE(twn.zeroFraction, 0.5);
        // Histogram over [−1.5, 2.3] in 5 bins of 0.76: −1.5 | −0.3 | 0.1, 0.4 | 1.0 | 2.3.
        QCOMPARE(twn.lower, double(-1.5f));
        QCOMPARE(twn.upper, double(2.3f));
        QCOMPARE(twn.counts, (std::vector<std::int64_t>{1, 1, 2, 1, 1}));
        // BWN: one boundary at 0, α = mean|W|.
        const auto bwn = weightQuantizerReport(kW, {1, Quantizer::Sign}, 5);
        QCOMPARE(bwn.rule, std::string("BWN"));
        QCOMPARE(bwn.boundaries, std::vector<double>{0.0});
        QVERIFY(std::fabs(bwn.scale - 5.6 / 6) < 1e-6);
        QCOMPARE(bwn.zeroFraction, 0.0);
        // 4-bit: Q = 7, clip c = 2.3, boundaries (k + ½)·c/7 for k = −7 … 6; |x| < c/14 → 0 (0.1 only).
        const auto u4 = weightQuantizerReport(kW, {4, Quantizer::Symmetric}, 5);
        QCOMPARE(u4.rule, std::string("uniform"));
        QCOMPARE(u4.boundaries.size(), std::size_t(14));
        QVERIFY(std::fabs(u4.boundaries.front() + 6.5 * 2.3 / 7) < 1e-6);
        QVERIFY(std::fabs(u4.boundaries.back() - 6.5 * 2.3 / 7) < 1e-6);
        QVERIFY(std::fabs(u4.scale - 2.3) < 1e-6);
        QVERIFY(std::fabs(u4.zeroFraction - 1.0 / 6) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, weightQuantizerReport(kW, {2, Quantizer::Symmetric}, 0));
    }

    // The report of a trained w2a8 model agrees with the quantizer the trainer applies to
    // each matrix and with the activation quantizers the trainer keeps.
    void agreesWithTheTrainersQuantizers() {
        TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
        QVERIFY(applyPrecisionShorthand("w2a8", spec.compression).empty());
        Trainer trainer(spec, listOps(), smallConfig(3));
        for (int s = 0; s < 3; ++s)
            QVERIFY(trainer.trainStep().finite);
        const auto& net = trainer.network();
        const LowBitReport report = lowBitReport(trainer.network().parameters(), net.tensors(),
                                                 trainer.weightPrecision(), trainer.activationQuantization());
        QVERIFY(trainer.weightPrecision() && trainer.weightPrecision()->active());
        QCOMPARE(report.weights.size(), trainer.weightPrecision()->entries().size());
        const auto params = trainer.network().parameters();
        for (std::size_t i = 0; i < report.weights.size(); ++i) {
            const auto& entry = trainer.weightPrecision()->entries()[i];
            const ParamTensor& t = net.tensors()[entry.tensor];
            const WeightQuantizerReport& w = report.weights[i];
            QCOMPARE(w.tensor, t.name);
            QCOMPARE(w.rule, std::string("TWN"));
            std::int64_t total = 0;
            for (auto c : w.counts)
                total += c;
            QCOMPARE(total, t.size());
            const std::span<const float> latent(params.data() + t.offset, std::size_t(t.size()));
            std::vector<float> q(latent.size());
            quantizeWeights(latent, entry.precision, q);
            std::int64_t zeros = 0;
            float largest = 0;
            for (std::size_t k = 0; k < q.size(); ++k) {
                zeros += q[k] == 0.0f;
                largest = std::max(largest, std::fabs(q[k]));
                // Every weight lands on the side of the boundaries its quantized value says.
                QCOMPARE(q[k] == 0.0f, std::fabs(double(latent[k])) <= w.boundaries[1]);
            }
            QCOMPARE(w.zeroFraction, double(zeros) / double(q.size()));
            QVERIFY(std::fabs(w.scale - largest) <= 1e-6 * largest);
        }
        const ActivationQuantization* aq = trainer.activationQuantization();
        QVERIFY(aq);
        QCOMPARE(report.activations.size(), aq->quantizers().size());
        std::size_t i = 0;
        for (const auto& [key, e] : aq->quantizers()) {
            QCOMPARE(report.activations[i].scale, double(e.scale));
            QCOMPARE(report.activations[i].clippedFraction, e.clippedFraction);
            QCOMPARE(report.activations[i].bits, 8);
            QVERIFY(e.scale > 0);
            ++i;
        }
        // f32 weights: nothing to report.
        const TransformerSpec plain = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
        Trainer f32(plain, listOps(), smallConfig(1));
        QVERIFY(lowBitReport(f32.network().parameters(), f32.network().tensors(), f32.weightPrecision(),
                             f32.activationQuantization())
                    .empty());
    }

    // The progress reports carry the report, and with a teacher the window's loss split: the
    // last report's window is the run's last step, which is the run's own split (its last 10 %).
    void progressCarriesTheLossSplit() {
        QTemporaryDir dir;
        const std::string teacherPath = dir.filePath("teacher.bin").toStdString();
        TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
        const TrainConfig c = smallConfig(4);
        {
            Trainer teacher(spec, listOps(), c);
            for (int s = 0; s < 4; ++s)
                QVERIFY(teacher.trainStep().finite);
            teacher.saveCheckpoint(teacherPath);
        }
        TransformerSpec student = spec;
        QVERIFY(applyPrecisionShorthand("w1a8", student.compression).empty());
        TrainConfig sc = c;
        sc.distillation.teacherCheckpoint = teacherPath;
        sc.distillation.logitWeight = 0.7;
        sc.distillation.hiddenWeight = 0.3;
        std::vector<TrainProgress> reports;
        const TrainResult r =
            tcw::train::train(student, listOps(), sc, {}, [&](const TrainProgress& p) { reports.push_back(p); });
        QCOMPARE(r.status, TrainStatus::Completed);
        QCOMPARE(reports.size(), std::size_t(4));
        for (const auto& p : reports) {
            QVERIFY(p.distillation.active);
            QVERIFY(!p.lowBit.weights.empty());
            for (const auto& w : p.lowBit.weights)
                QCOMPARE(w.rule, std::string("BWN"));
            QCOMPARE(p.distillation.weightedLoss,
                     p.distillation.taskLoss + 0.7 * p.distillation.logitLoss + 0.3 * p.distillation.hiddenLoss);
        }
        QVERIFY(r.distillation.active && r.distillation.steps == 1);
        const auto& last = reports.back().distillation;
        QCOMPARE(last.taskLoss, r.distillation.taskLoss);
        QCOMPARE(last.logitLoss, r.distillation.logitLoss);
        QCOMPARE(last.hiddenLoss, r.distillation.hiddenLoss);
        // The task loss of a one-step window is that step's training loss, as the curve has it.
        QVERIFY(std::fabs(last.taskLoss - r.curve.back().trainLoss) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestLowBitReport)
#include "test_low_bit_report.moc"
