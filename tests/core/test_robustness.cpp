// Issue 15: the robustness objective's definition — bit flips in stored weights per precision
// against hand-derived values, the flip rate, and the accuracy drop of a small trained model
// (rate 0: no drop; rate 1 on 1-bit weights: exactly the model with every encoder weight's
// sign flipped, evaluated by the trainer).
#include "train/datasets.h"
#include "train/robustness.h"
#include "train/trainer.h"
#include "train/weight_precision.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <cmath>
#include <cstring>

using namespace tcw;
using namespace tcw::train;

namespace {

const Dataset& listOps() {
    return testing::tinyListOps(128, 64);
}

TransformerSpec model(int weightBits) {
    TransformerSpec spec = uniformTransformer(2, 32, 2, 64);
    spec.compression.precision[std::size_t(TensorRole::Weights)] =
        weightBits == 1 ? Precision{1, Quantizer::Sign} : Precision{32, Quantizer::Float};
    return spec;
}

} // namespace

class TestRobustness : public QObject {
    Q_OBJECT

private slots:
    void flipsFollowEachPrecisionsBitLayout() {
        std::mt19937_64 rng(1);
        // Rate 0: nothing changes.
        std::vector<float> f = {1.0f, -2.5f, 0.0f};
        QCOMPARE(flipStoredBits(f, {32, Quantizer::Float}, 0.0, rng), std::int64_t(0));
        QCOMPARE(f, (std::vector<float>{1.0f, -2.5f, 0.0f}));
        // Rate 1, 32-bit float: every bit of the word flips. 1.0 = 0x3F800000 → 0xC07FFFFF.
        std::vector<float> one = {1.0f};
        QCOMPARE(flipStoredBits(one, {32, Quantizer::Float}, 1.0, rng), std::int64_t(32));
        std::uint32_t word = 0;
        std::memcpy(&word, &one[0], 4);
        QCOMPARE(word, std::uint32_t(0xC07FFFFFu));
        // 1-bit sign: ±α → ∓α.
        std::vector<float> s = {0.5f, -0.5f, 0.5f};
        QCOMPARE(flipStoredBits(s, {1, Quantizer::Sign}, 1.0, rng), std::int64_t(3));
        QCOMPARE(s, (std::vector<float>{-0.5f, 0.5f, -0.5f}));
        // 2-bit (ternary, α = 0.75): codes 01, 00, 11 → 10 (−2), 11 (−1), 00 (0).
        std::vector<float> t = {0.75f, 0.0f, -0.75f};
        QCOMPARE(flipStoredBits(t, {2, Quantizer::Symmetric}, 1.0, rng), std::int64_t(6));
        QCOMPARE(t, (std::vector<float>{-1.5f, -0.75f, 0.0f}));
        // 8-bit, s = 127·0.01 / 127: k = 3 (00000011) → 11111100 = −4; k = −127 (10000001) → 01111110 = 126.
        std::vector<float> e = {0.03f, -1.27f};
        flipStoredBits(e, {8, Quantizer::Symmetric}, 1.0, rng);
        QVERIFY(std::abs(e[0] - (-0.04f)) < 1e-6f);
        QVERIFY(std::abs(e[1] - 1.26f) < 1e-6f);
        // Layouts without a definition are refused with what is allowed.
        std::vector<float> h = {1.0f};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, flipStoredBits(h, {16, Quantizer::Float}, 0.5, rng));
    }

    void flipRateIsTheBitProbability() {
        // 100,000 one-bit values at rate 0.1: 10,000 flips expected, σ = 94.9; seeded.
        std::vector<float> v(100'000, 1.0f);
        std::mt19937_64 rng(7);
        const std::int64_t flips = flipStoredBits(v, {1, Quantizer::Sign}, 0.1, rng);
        QVERIFY2(std::abs(double(flips) - 10'000.0) < 4 * 94.9, std::to_string(flips).c_str());
        QCOMPARE(std::int64_t(std::count(v.begin(), v.end(), -1.0f)), flips);
    }

    void accuracyDropOfATrainedModel() {
        const Dataset& data = listOps();
        const TransformerSpec spec = model(1);
        Trainer trainer(spec, data, testing::shortRun(6));
        for (int i = 0; i < 6; ++i)
            trainer.trainStep();
        const std::vector<float> before(trainer.network().parameters().begin(), trainer.network().parameters().end());
        const double clean = trainer.evaluate(data.test).accuracy;

        BitFlipRobustness none;
        none.rate = 0.0;
        const RobustnessResult r0 = bitFlipRobustness(trainer, spec, data, none);
        QCOMPARE(r0.drop, 0.0);
        QCOMPARE(r0.flippedBits, std::int64_t(0));
        QCOMPARE(r0.cleanAccuracy, clean); // τ = 0: the trainer's evaluation prunes nothing
        // The latent weights are back as they were.
        QVERIFY(std::equal(before.begin(), before.end(), trainer.network().parameters().begin()));

        // Rate 1 on 1-bit weights flips every stored sign: the model whose latent encoder
        // weights are negated (BWN's α = mean |w| does not change).
        BitFlipRobustness all;
        all.rate = 1.0;
        all.seeds = 2;
        const RobustnessResult r1 = bitFlipRobustness(trainer, spec, data, all);
        std::span<float> params = trainer.network().parameters();
        std::int64_t weights = 0;
        for (const ParamTensor& t : trainer.network().tensors())
            if (weightRoleOf(t) == TensorRole::Weights) {
                for (std::int64_t i = 0; i < t.rows * t.cols; ++i)
                    params[std::size_t(t.offset + i)] = -params[std::size_t(t.offset + i)];
                weights += t.rows * t.cols;
            }
        const double negated = trainer.evaluate(data.test).accuracy;
        QCOMPARE(r1.flippedAccuracy, (std::vector<double>{negated, negated}));
        QCOMPARE(r1.drop, clean - negated);
        QCOMPARE(r1.storedBits, weights);
        QCOMPARE(r1.flippedBits, 2 * weights);
    }
};

QTEST_GUILESS_MAIN(TestRobustness)
#include "test_robustness.moc"
