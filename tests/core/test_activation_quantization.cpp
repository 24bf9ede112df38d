// Issue 15: quantized activations. The network's activation hooks are checked with a
// differentiable stand-in (x → x + 0.3·tanh x at every quantization site, and a penalty on
// every layer output and the logits): the gradient of every parameter equals central
// differences, so each site's forward and backward hook sits where it belongs. The
// quantizers the model's CompressionSpec chooses are checked on small examples worked by
// hand (values, STE masks, scale and shift gradients, one Adam step of the scales), the
// scale gradient of a binarized site against central differences of the whole network's
// loss, and a w1a1 / w2a8 model trains with finite losses and moving scales.
#include "design/precision_shorthand.h"
#include "train/activation_quantization.h"
#include "train/datasets.h"
#include "train/network.h"
#include "train/presets.h"
#include "train/trainer.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <random>
#include <set>

using namespace tcw;
using namespace tcw::train;

namespace {

TaskShape textTask() {
    return testing::textTask(7);
}

// Two layers of different widths (inter-layer projection), attention (sdp, wma) and
// convolution heads, two FF hidden layers.
TransformerSpec mixedModel(Activation act) {
    TransformerSpec spec;
    spec.name = "hooks";
    spec.activation = act;
    LayerSpec a;
    a.hiddenSize = 16;
    a.heads = {{HeadType::SaSdp, 8}, {HeadType::SaWma, 8}, {HeadType::C5, 8}};
    a.feedForwardSizes = {24, 20};
    LayerSpec b;
    b.hiddenSize = 12;
    b.heads = {{HeadType::SaSdp, 6}, {HeadType::SaSdp, 6}};
    b.feedForwardSizes = {16};
    spec.layers = {a, b};
    return spec;
}

// x → x + c·tanh(x) at every quantization site; ½k·Σh² on layer outputs and logits.
struct SmoothHooks : ActivationHooks {
    static constexpr float c = 0.3f;
    static constexpr double k = 0.01;
    std::map<std::tuple<int, int, int>, std::vector<float>> saved;
    std::set<std::pair<int, int>> seen; // (site, index)
    double penalty = 0;
    void forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows, std::int64_t cols) override {
        const std::size_t n = std::size_t(rows * cols);
        seen.insert({int(site), index});
        if (site == ActivationSite::LayerOutput || site == ActivationSite::Logits) {
            for (std::size_t i = 0; i < n; ++i)
                penalty += 0.5 * k * double(x[i]) * x[i];
            saved[{layer, int(site), index}].assign(x, x + n);
            return;
        }
        saved[{layer, int(site), index}].assign(x, x + n);
        for (std::size_t i = 0; i < n; ++i)
            x[i] = x[i] + c * std::tanh(x[i]);
    }
    void backward(int layer, ActivationSite site, int index, float* g, float* x, std::int64_t rows,
                  std::int64_t cols) override {
        const auto& in = saved.at({layer, int(site), index});
        const std::size_t n = std::size_t(rows * cols);
        QVERIFY(in.size() == n);
        if (site == ActivationSite::LayerOutput || site == ActivationSite::Logits) {
            QVERIFY(x == nullptr);
            for (std::size_t i = 0; i < n; ++i)
                g[i] += float(k * in[i]);
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const float t = std::tanh(in[i]);
            g[i] *= 1 + c * (1 - t * t);
        }
        std::copy(in.begin(), in.end(), x);
    }
};

const Dataset& listOps() {
    return testing::tinyListOps(96, 32);
}

// A short run whose activation scales learn at 1e-2.
TrainConfig smallConfig(int steps) {
    TrainConfig c = testing::shortRun(steps);
    c.activationQuantization.scaleLearningRate = 1e-2f;
    return c;
}

} // namespace

class TestActivationQuantization : public QObject {
    Q_OBJECT
private slots:
    void hookSitesMatchFiniteDifferences_data();
    void hookSitesMatchFiniteDifferences();
    void elasticSignedWithShiftByHand();
    void uniformClipByHand();
    void elasticUnsignedProbabilitiesByHand();
    void kindsFollowTheSpec();
    void scaleGradientMatchesFiniteDifferences();
    void quantizedModelsTrain_data();
    void quantizedModelsTrain();
};

void TestActivationQuantization::hookSitesMatchFiniteDifferences_data() {
    QTest::addColumn<int>("relu");
    QTest::addColumn<int>("compressed");
    QTest::newRow("gelu") << 0 << 0;
    QTest::newRow("relu, compressed FF activations") << 1 << 1;
}

void TestActivationQuantization::hookSitesMatchFiniteDifferences() {
    QFETCH(int, relu);
    QFETCH(int, compressed);
    const TaskShape task = textTask();
    Network net(mixedModel(relu ? Activation::Relu : Activation::Gelu), task, 3);
    net.setCompressSavedActivations(compressed != 0);
    net.initialize(5);
    std::mt19937_64 rng(9);
    std::normal_distribution<float> n(0.0f, 0.3f);
    for (float& p : net.parameters())
        p += n(rng);
    SmoothHooks hooks;
    net.setActivationHooks(&hooks);
    const Batch batch = testing::randomBatch(task, 3, 4);
    auto totalLoss = [&] {
        hooks.penalty = 0;
        const double ce = net.forward(batch, nullptr).loss;
        return ce + hooks.penalty;
    };
    totalLoss();
    net.backward(batch, nullptr);
    // Every site was hooked: linear inputs 0-3, Q/K/V of both layers' groups, probabilities,
    // both FF hidden positions, layer outputs, logits.
    for (int i = 0; i < 4; ++i)
        QVERIFY(hooks.seen.count({int(ActivationSite::LinearInput), i}));
    for (int i = 0; i < 6; ++i) // layer 0: groups sdp (0) and wma (1)
        QVERIFY(hooks.seen.count({int(ActivationSite::QueryKeyValue), i}));
    QVERIFY(hooks.seen.count({int(ActivationSite::AttentionProbabilities), 1}));
    QVERIFY(hooks.seen.count({int(ActivationSite::FeedForwardHidden), 1}));
    QVERIFY(hooks.seen.count({int(ActivationSite::LayerOutput), 0}));
    QVERIFY(hooks.seen.count({int(ActivationSite::Logits), 0}));
    const std::vector<float> grads(net.gradients().begin(), net.gradients().end());
    auto params = net.parameters();
    const float eps = 2e-3f;
    for (const ParamTensor& t : net.tensors()) {
        std::vector<float> v(std::size_t(t.size()));
        double norm = 0;
        for (std::int64_t i = 0; i < t.size(); ++i) {
            v[std::size_t(i)] = grads[std::size_t(t.offset + i)] + 0.1f * n(rng); // mostly along the gradient
            norm += double(v[std::size_t(i)]) * v[std::size_t(i)];
        }
        norm = std::sqrt(norm);
        if (norm == 0)
            continue;
        double analytic = 0;
        for (std::int64_t i = 0; i < t.size(); ++i) {
            v[std::size_t(i)] = float(v[std::size_t(i)] / norm);
            analytic += double(v[std::size_t(i)]) * grads[std::size_t(t.offset + i)];
        }
        const std::vector<float> saved(params.begin() + t.offset, params.begin() + t.offset + t.size());
        auto lossAt = [&](float step) {
            for (std::int64_t i = 0; i < t.size(); ++i)
                params[std::size_t(t.offset + i)] = saved[std::size_t(i)] + step * v[std::size_t(i)];
            return totalLoss();
        };
        const double numeric = (lossAt(eps) - lossAt(-eps)) / (2.0 * eps);
        lossAt(0.0f);
        const double tolerance = 0.05 * std::max(std::fabs(numeric), std::fabs(analytic)) + 1e-4;
        const std::string what =
            t.name + ": analytic " + std::to_string(analytic) + ", numeric " + std::to_string(numeric);
        QVERIFY2(std::fabs(numeric - analytic) <= tolerance, what.c_str());
    }
    net.setActivationHooks(nullptr);
}

void TestActivationQuantization::elasticSignedWithShiftByHand() {
    TransformerSpec spec = mixedModel(Activation::Gelu);
    spec.compression.precision[std::size_t(TensorRole::LinearInputs)] = {1, Quantizer::Sign};
    ActivationQuantization q(spec, {.scaleLearningRate = 1e-3f});
    QVERIFY(q.active());
    // x [2 rows, 2 channels]; α starts at 2·mean|x| = 1.875, the shift at 0.
    std::vector<float> x = {0.5f, -1.0f, 2.0f, -0.25f};
    const std::vector<float> original = x;
    q.forward(0, ActivationSite::LinearInput, 1, x.data(), 2, 2);
    QCOMPARE(x, (std::vector<float>{1.875f, -1.875f, 1.875f, -1.875f}));
    auto* e = q.entry(0, ActivationSite::LinearInput, 1);
    QVERIFY(e && e->kind == ActivationQuantizerKind::ElasticSigned);
    QCOMPARE(e->shift.size(), std::size_t(2));
    QCOMPARE(e->clippedFraction, 0.25); // |2/1.875| > 1
    std::vector<float> g = {1, 2, 3, 4};
    q.backward(0, ActivationSite::LinearInput, 1, g.data(), x.data(), 2, 2);
    QCOMPARE(g, (std::vector<float>{1, 2, 0, 4})); // STE: |u/α| ≤ 1
    QCOMPARE(x, original);                         // restored
    QCOMPARE(e->scaleGradient, -1.0);              // (1 − 2 + 3 − 4)/√4
    QCOMPARE(e->shiftGradient, (std::vector<double>{-1.0, -6.0}));
    // One Adam step moves each by lr against the gradient's sign.
    q.step(0);
    QVERIFY(std::fabs(e->scale - (1.875f + 1e-3f)) < 1e-6f);
    QVERIFY(std::fabs(e->shift[0] - 1e-3f) < 1e-7f && std::fabs(e->shift[1] - 1e-3f) < 1e-7f);
    QCOMPARE(e->scaleGradient, 0.0);
    // The next forward keeps the learned scale and subtracts the shift.
    x = {0.0f, 0.0005f, 0.002f, 0.5f};
    q.forward(0, ActivationSite::LinearInput, 1, x.data(), 2, 2);
    const float a = e->scale;
    QCOMPARE(x, (std::vector<float>{-a, -a, a, a})); // 0 − 0.001 < 0, 0.0005 − 0.001 < 0
}

void TestActivationQuantization::uniformClipByHand() {
    TransformerSpec spec = mixedModel(Activation::Gelu);
    spec.compression.precision[std::size_t(TensorRole::FeedForwardHidden)] = {2, Quantizer::Symmetric};
    ActivationQuantization q(spec);
    // Q = 1, the clip starts at max|x| = 1.
    std::vector<float> x = {0.2f, -0.6f, 1.0f, 0.4f};
    q.forward(1, ActivationSite::FeedForwardHidden, 0, x.data(), 1, 4);
    QCOMPARE(x, (std::vector<float>{0.0f, -1.0f, 1.0f, 0.0f}));
    auto* e = q.entry(1, ActivationSite::FeedForwardHidden, 0);
    QVERIFY(e && e->kind == ActivationQuantizerKind::Uniform && e->scale == 1.0f);
    QCOMPARE(e->zeroFraction, 0.5);
    std::vector<float> g = {1, 1, 1, 1};
    q.backward(1, ActivationSite::FeedForwardHidden, 0, g.data(), x.data(), 1, 4);
    QCOMPARE(g, (std::vector<float>{1, 1, 1, 1}));
    QVERIFY(std::fabs(e->scaleGradient - (-1.0)) < 1e-6); // Σ (round(u) − u)/Q = −0.2 − 0.4 + 0 − 0.4
    // Other layers' and roles' tensors stay unchanged.
    std::vector<float> y = {0.3f, -2.0f};
    q.forward(1, ActivationSite::QueryKeyValue, 0, y.data(), 1, 2);
    QCOMPARE(y, (std::vector<float>{0.3f, -2.0f}));
    QVERIFY(!q.entry(1, ActivationSite::QueryKeyValue, 0));
}

void TestActivationQuantization::elasticUnsignedProbabilitiesByHand() {
    TransformerSpec spec = mixedModel(Activation::Gelu);
    spec.compression.precision[std::size_t(TensorRole::AttentionProbabilities)] = {1, Quantizer::Sign};
    ActivationQuantization q(spec);
    std::vector<float> p = {0.1f, 0.3f, 0.6f, 0.0f}; // α = 4·mean = 1
    q.forward(0, ActivationSite::AttentionProbabilities, 0, p.data(), 1, 4);
    QCOMPARE(p, (std::vector<float>{0.0f, 0.0f, 1.0f, 0.0f}));
    auto* e = q.entry(0, ActivationSite::AttentionProbabilities, 0);
    QVERIFY(e && e->kind == ActivationQuantizerKind::ElasticUnsigned && e->shift.empty());
    QCOMPARE(e->zeroFraction, 0.75); // {0, α} creates zeros
    std::vector<float> g = {1, 2, 3, 4};
    q.backward(0, ActivationSite::AttentionProbabilities, 0, g.data(), p.data(), 1, 4);
    QCOMPARE(g, (std::vector<float>{1, 2, 3, 4}));
    QVERIFY(std::fabs(e->scaleGradient - 0.25) < 1e-6); // (−0.1 − 0.6 + 1.2 + 0)/√4
}

void TestActivationQuantization::kindsFollowTheSpec() {
    TransformerSpec spec = mixedModel(Activation::Relu);
    QVERIFY(applyPrecisionShorthand("w1a1", spec.compression).empty());
    ActivationQuantization bin(spec);
    std::vector<float> x(8, 0.5f);
    const std::pair<ActivationSite, ActivationQuantizerKind> expected[] = {
        {ActivationSite::LinearInput, ActivationQuantizerKind::ElasticSigned},
        {ActivationSite::QueryKeyValue, ActivationQuantizerKind::ElasticSigned},
        {ActivationSite::AttentionProbabilities, ActivationQuantizerKind::ElasticUnsigned},
        {ActivationSite::FeedForwardHidden, ActivationQuantizerKind::ElasticUnsigned}, // ReLU: two-set
    };
    for (const auto& [site, kind] : expected) {
        bin.forward(0, site, 0, x.data(), 2, 4);
        QVERIFY(bin.entry(0, site, 0)->kind == kind);
    }
    QVERIFY(applyPrecisionShorthand("w2a8", spec.compression).empty());
    ActivationQuantization lsq(spec, {.lsq = true});
    lsq.forward(0, ActivationSite::AttentionProbabilities, 0, x.data(), 2, 4);
    QVERIFY(lsq.entry(0, ActivationSite::AttentionProbabilities, 0)->kind == ActivationQuantizerKind::LsqUnsigned);
    lsq.forward(0, ActivationSite::QueryKeyValue, 0, x.data(), 2, 4);
    QVERIFY(lsq.entry(0, ActivationSite::QueryKeyValue, 0)->kind == ActivationQuantizerKind::LsqSigned);
    QVERIFY(!ActivationQuantization::anyQuantized(CompressionSpec{}));
}

// Binarized linear inputs x_b = α·sign(u): the loss is differentiable in α (the signs stay),
// and the hook's scale gradient is Σ g·sign(u)/√N.
void TestActivationQuantization::scaleGradientMatchesFiniteDifferences() {
    TransformerSpec spec = mixedModel(Activation::Gelu);
    spec.compression.precision[std::size_t(TensorRole::LinearInputs)] = {1, Quantizer::Sign};
    const TaskShape task = textTask();
    Network net(spec, task, 3);
    net.initialize(2);
    std::mt19937_64 rng(4);
    std::normal_distribution<float> n(0.0f, 0.3f);
    for (float& p : net.parameters())
        p += n(rng);
    ActivationQuantization q(spec, {.shift = false});
    net.setActivationHooks(&q);
    const Batch batch = testing::randomBatch(task, 3, 8);
    net.forward(batch, nullptr);
    net.backward(batch, nullptr);
    // Only where no binarized tensor lies between the site and the loss: the last layer's FF
    // input. (Elsewhere the gradient arriving at the site carries the STE's derivative of a
    // later sign, which finite differences see as 0.)
    for (int l = 1; l < 2; ++l)
        for (int index : {2}) {
            auto* e = q.entry(l, ActivationSite::LinearInput, index);
            QVERIFY(e);
            const double analytic = e->scaleGradient * std::sqrt(double(e->input.size()));
            const float a = e->scale, eps = 2e-2f * a;
            e->scale = a + eps;
            const double up = net.forward(batch, nullptr).loss;
            e->scale = a - eps;
            const double down = net.forward(batch, nullptr).loss;
            e->scale = a;
            const double numeric = (up - down) / (2.0 * double(eps));
            const std::string what = "layer " + std::to_string(l) + " input " + std::to_string(index) + ": analytic " +
                                     std::to_string(analytic) + ", numeric " + std::to_string(numeric);
            QVERIFY2(std::fabs(analytic) > 1e-3, what.c_str()); // a gradient to check
            QVERIFY2(std::fabs(numeric - analytic) <= 0.03 * std::fabs(analytic) + 1e-4, what.c_str());
        }
    net.setActivationHooks(nullptr);
}

void TestActivationQuantization::quantizedModelsTrain_data() {
    QTest::addColumn<QString>("precision");
    QTest::newRow("w1a1") << "w1a1";
    QTest::newRow("w2a8") << "w2a8";
}

void TestActivationQuantization::quantizedModelsTrain() {
    QFETCH(QString, precision);
    TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
    QVERIFY(applyPrecisionShorthand(precision.toStdString(), spec.compression).empty());
    Trainer trainer(spec, listOps(), smallConfig(6));
    const ActivationQuantization* q = trainer.activationQuantization();
    QVERIFY(q && q->active());
    std::map<std::tuple<int, int, int>, float> start;
    for (int s = 0; s < 6; ++s) {
        const StepReport r = trainer.trainStep();
        QVERIFY(r.finite);
        if (s == 0)
            for (const auto& [key, e] : q->quantizers())
                start[key] = e.scale;
    }
    // Per layer: 3 linear inputs (Q/K/V projection, output projection, FF input), Q/K/V of one
    // attention group, its probabilities, one FF hidden tensor.
    QCOMPARE(q->quantizers().size(), std::size_t(2 * (3 + 3 + 1 + 1)));
    // Every scale learns, except where the tensor's gradient is exactly zero: with w1a1 the
    // first steps' near-uniform attention probabilities all round to 0 under α = 4·mean p,
    // so V gets no gradient until the probabilities' own scale has moved.
    for (const auto& [key, e] : q->quantizers()) {
        const bool vOfA1 = e.site == ActivationSite::QueryKeyValue && e.index % 3 == 2 && precision == "w1a1";
        QVERIFY2(e.scale != start.at(key) || vOfA1, ("scale unmoved at layer " + std::to_string(e.layer) + " site " +
                                                     std::to_string(int(e.site)) + " index " + std::to_string(e.index))
                                                        .c_str());
    }
    const EvalResult eval = trainer.evaluate(listOps().test);
    QVERIFY(std::isfinite(eval.loss));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainer.network().setBf16Matmul(true));
}

QTEST_APPLESS_MAIN(TestActivationQuantization)
#include "test_activation_quantization.moc"
