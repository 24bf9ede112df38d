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

// An easy task a tiny model learns in a few dozen steps (so that noise has accuracy to take
// away): 4 classes, 8 tokens each, every token from its class's three tokens with
// probability 0.75, otherwise any of the 12. Seeded.
const Dataset& easyTokens() {
    static const Dataset data = [] {
        Dataset d;
        d.name = "easy-tokens";
        d.task.sequenceLength = 8;
        d.task.vocabularySize = 13; // 0 = padding
        d.task.numClasses = 4;
        for (int c = 0; c < 4; ++c)
            d.classNames.push_back(std::to_string(c));
        std::mt19937_64 rng(11);
        auto fill = [&](Dataset::Split& split, std::int64_t count) {
            split.count = count;
            for (std::int64_t i = 0; i < count; ++i) {
                const int c = int(rng() % 4);
                split.labels.push_back(c);
                for (int t = 0; t < 8; ++t)
                    split.tokens.push_back(rng() % 4 != 0 ? 1 + 3 * c + int(rng() % 3) : 1 + int(rng() % 12));
            }
        };
        fill(d.train, 512);
        fill(d.test, 128);
        return d;
    }();
    return data;
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

    // Activation noise (the second definition): each row gets N(0, (σ·rms(row))²) per value.
    void relativeNoiseFollowsEachRowsRms() {
        std::mt19937_64 rng(5);
        const std::int64_t cols = 100'000;
        std::vector<float> x(std::size_t(3 * cols), 0.0f);
        std::fill(x.begin(), x.begin() + cols, 2.0f); // row 0: rms 2
        for (std::int64_t j = 0; j < cols; ++j)       // row 1: ±0.5, rms 0.5; row 2: zeros
            x[std::size_t(cols + j)] = j % 2 ? 0.5f : -0.5f;
        const std::vector<float> before = x;
        std::vector<float> same = x;
        QCOMPARE(addRelativeGaussianNoise(same.data(), 3, cols, 0.0, rng), std::int64_t(0));
        QCOMPARE(same, before); // σ = 0: unchanged, bit for bit
        QCOMPARE(addRelativeGaussianNoise(x.data(), 3, cols, 0.3, rng), 3 * cols);
        const double expected[3] = {0.3 * 2.0, 0.3 * 0.5, 0.0};
        for (int r = 0; r < 3; ++r) {
            double sum = 0, squares = 0;
            for (std::int64_t j = 0; j < cols; ++j) {
                const double e = double(x[std::size_t(r * cols + j)]) - before[std::size_t(r * cols + j)];
                sum += e;
                squares += e * e;
            }
            const double mean = sum / double(cols), sd = std::sqrt(squares / double(cols) - mean * mean);
            // The sample sd of 10^5 normals is within 1 % of σ·rms (its own sd is 0.22 %).
            QVERIFY2(std::abs(sd - expected[r]) <= 0.01 * expected[r], std::to_string(sd).c_str());
            QVERIFY(std::abs(mean) <= 4 * expected[r] / std::sqrt(double(cols)));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, addRelativeGaussianNoise(x.data(), 1, 1, -0.1, rng));
    }

    void activationNoiseDropOfATrainedModel() {
        const Dataset& data = easyTokens();
        // Layer 1 is wider than layer 0: the residual stream passes through the inter-layer
        // projection, a linear layer whose input the noise reaches (in a model of one width the
        // embeddings reach the classifier around every noisy linear layer: on this task, which
        // a bag of tokens solves, such a model shrugs the noise off).
        TransformerSpec spec = uniformTransformer(2, 32, 2, 64);
        spec.layers[1].hiddenSize = 48;
        // 8-bit linear inputs: the noise is added before their quantizers, which run on.
        spec.compression.precision[std::size_t(TensorRole::LinearInputs)] = Precision{8, Quantizer::Symmetric};
        TrainConfig c = testing::shortRun(60);
        Trainer trainer(spec, data, c);
        for (int i = 0; i < 60; ++i)
            trainer.trainStep();
        const double clean = trainer.evaluate(data.test).accuracy;
        QVERIFY2(clean >= 0.8, std::to_string(clean).c_str()); // learnt: there is accuracy to lose
        const std::vector<float> weights(trainer.network().parameters().begin(), trainer.network().parameters().end());

        ActivationNoiseRobustness none;
        none.sigma = 0.0;
        const RobustnessResult r0 = activationNoiseRobustness(trainer, data, none);
        QCOMPARE(r0.drop, 0.0); // σ = 0: exactly the clean pass again
        QCOMPARE(r0.cleanAccuracy, clean);
        QCOMPARE(r0.flippedAccuracy, (std::vector<double>{clean, clean, clean}));
        QCOMPARE(r0.noisyValues, std::int64_t(0));

        // The drop grows with σ (fixed seeds): none at 0, strictly from σ = 2 on (measured 0.013,
        // 0.12, 0.36, 0.55, 0.68), most of the way to chance (0.25, a drop of 0.75) at σ = 64.
        std::vector<double> drops;
        for (double sigma : {0.0, 2.0, 4.0, 8.0, 16.0, 64.0}) {
            ActivationNoiseRobustness d;
            d.sigma = sigma;
            drops.push_back(activationNoiseRobustness(trainer, data, d).drop);
        }
        std::string text;
        for (double drop : drops)
            text += std::to_string(drop) + " ";
        QCOMPARE(drops[0], 0.0);
        for (std::size_t i = 1; i < drops.size(); ++i)
            QVERIFY2(drops[i] > drops[i - 1], text.c_str());
        QVERIFY2(drops.back() > 0.5, text.c_str());

        // The seeds are averaged as stated: pattern i is the one-seed run seeded seed + i.
        ActivationNoiseRobustness three;
        three.sigma = 4.0;
        three.seed = 40;
        const RobustnessResult r3 = activationNoiseRobustness(trainer, data, three);
        QCOMPARE(r3.flippedAccuracy.size(), std::size_t(3));
        double sum = 0;
        for (int i = 0; i < 3; ++i) {
            ActivationNoiseRobustness one = three;
            one.seeds = 1;
            one.seed = 40 + std::uint64_t(i);
            QCOMPARE(activationNoiseRobustness(trainer, data, one).flippedAccuracy.at(0), r3.flippedAccuracy[i]);
            sum += r3.flippedAccuracy[i];
        }
        QCOMPARE(r3.drop, r3.cleanAccuracy - sum / 3.0);
        QVERIFY(r3.noisyValues > 0);
        // The weights and the trainer's own hooks are untouched: its evaluation is as before.
        QVERIFY(std::equal(weights.begin(), weights.end(), trainer.network().parameters().begin()));
        QCOMPARE(trainer.evaluate(data.test).accuracy, clean);
    }
};

QTEST_GUILESS_MAIN(TestRobustness)
#include "test_robustness.moc"
