// Issue 15: quantization-aware training of weights. The precision shorthand sets the model's
// CompressionSpec; WeightPrecision writes BWN / TWN / uniform values into exactly the encoder
// matrices (embeddings, classifier, biases and norms untouched) and gives the latent weights
// back bit for bit; a trainer step sees the quantized weights (its loss equals a forward pass
// of a network holding them) and steps the latent ones; activation precisions the activation
// quantizers cannot train are refused.
#include "design/precision_shorthand.h"
#include "train/datasets.h"
#include "train/low_bit_quantizers.h"
#include "train/presets.h"
#include "train/trainer.h"
#include "train/weight_precision.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <cmath>
#include <numeric>
#include <set>

using namespace tcw;
using namespace tcw::train;

namespace {

const Dataset& listOps() {
    return testing::tinyListOps(128, 32);
}

TransformerSpec tinyModel(const char* precision) {
    TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
    if (precision)
        QTest::qVerify(applyPrecisionShorthand(precision, spec.compression).empty(), "shorthand", "", __FILE__,
                       __LINE__);
    return spec;
}

} // namespace

class TestTrainPrecision : public QObject {
    Q_OBJECT
private slots:
    void shorthand();
    void quantizesEncoderMatricesOnly();
    void trainStepSeesQuantizedWeights();
    void activationPrecisionIsRefused();
    void halfPrecisionWeightsRoundToNearestEven();
};

void TestTrainPrecision::shorthand() {
    CompressionSpec spec;
    QVERIFY(applyPrecisionShorthand("w1a8", spec).empty());
    QCOMPARE(spec.of(TensorRole::Weights), (Precision{1, Quantizer::Sign}));
    QCOMPARE(spec.of(TensorRole::LinearInputs), (Precision{8, Quantizer::Symmetric}));
    QCOMPARE(spec.of(TensorRole::AttentionProbabilities), (Precision{8, Quantizer::Symmetric}));
    QCOMPARE(spec.of(TensorRole::Embeddings), (Precision{32, Quantizer::Float}));
    QCOMPARE(spec.of(TensorRole::Classifier), (Precision{32, Quantizer::Float}));
    spec = {};
    QVERIFY(applyPrecisionShorthand("w2", spec).empty());
    QCOMPARE(spec.of(TensorRole::Weights), (Precision{2, Quantizer::Symmetric}));
    QCOMPARE(spec.of(TensorRole::QueryKeyValue), (Precision{32, Quantizer::Float}));
    QVERIFY(validate(spec, 2).empty());
    for (const char* bad : {"", "w3a8", "a8", "w1a", "w1x8", "w1a64"})
        QVERIFY2(applyPrecisionShorthand(bad, spec).find("expected wBaB") != std::string::npos, bad);
}

void TestTrainPrecision::quantizesEncoderMatricesOnly() {
    for (const char* p : {"w1", "w2", "w8"}) {
        const TransformerSpec spec = tinyModel(p);
        Network net(spec, listOps().task, 4);
        net.initialize(7);
        const std::vector<float> latent(net.parameters().begin(), net.parameters().end());
        WeightPrecision wp(net.tensors(), spec.compression);
        QVERIFY(wp.active());
        wp.quantize(net.parameters());
        int quantizedTensors = 0;
        for (const ParamTensor& t : net.tensors()) {
            const auto role = weightRoleOf(t);
            const std::span<const float> before(latent.data() + t.offset, std::size_t(t.size()));
            const std::span<const float> now(net.parameters().data() + t.offset, std::size_t(t.size()));
            if (role != TensorRole::Weights) {
                QVERIFY2(std::equal(before.begin(), before.end(), now.begin()), t.name.c_str());
                continue;
            }
            ++quantizedTensors;
            std::vector<float> want(before.size());
            if (std::string(p) == "w1") {
                double alpha = 0;
                for (float v : before)
                    alpha += std::fabs(v);
                alpha /= double(before.size());
                for (std::size_t i = 0; i < want.size(); ++i)
                    want[i] = float(alpha) * binarySign(before[i]);
            } else if (std::string(p) == "w2") {
                want = twnForward(before).values;
            } else {
                float clip = 0;
                for (float v : before)
                    clip = std::max(clip, std::fabs(v));
                for (std::size_t i = 0; i < want.size(); ++i)
                    want[i] = float(double(clip) / 127 * std::round(double(before[i]) * 127 / clip));
            }
            for (std::size_t i = 0; i < want.size(); ++i)
                QVERIFY2(std::fabs(now[i] - want[i]) <= 1e-7f * (1 + std::fabs(want[i])), t.name.c_str());
        }
        // 2 layers × (Q, K, V of 2 heads as one projection?, out, 2 FFN matrices): at least 4 each.
        QVERIFY(quantizedTensors >= 8);
        wp.restore(net.parameters());
        QVERIFY(std::equal(latent.begin(), latent.end(), net.parameters().begin()));
    }
}

void TestTrainPrecision::trainStepSeesQuantizedWeights() {
    const TransformerSpec spec = tinyModel("w1");
    Trainer trainer(spec, listOps(), testing::shortRun(4));
    const std::vector<float> latent(trainer.network().parameters().begin(), trainer.network().parameters().end());
    // The loss a plain network gives with the BWN weights written in.
    Network reference(spec, listOps().task, 16);
    std::copy(latent.begin(), latent.end(), reference.parameters().begin());
    WeightPrecision wp(reference.tensors(), spec.compression);
    wp.quantize(reference.parameters());
    Batch batch;
    // The evaluation on the test split (taken in order) against the reference's forward passes.
    const EvalResult eval = trainer.evaluate(listOps().test);
    double lossSum = 0;
    for (std::int64_t at = 0; at < listOps().test.count; at += 16) {
        const std::int64_t count = std::min<std::int64_t>(16, listOps().test.count - at);
        std::vector<std::int64_t> idx(static_cast<std::size_t>(count));
        std::iota(idx.begin(), idx.end(), at);
        listOps().fillBatch(listOps().test, idx, batch);
        lossSum += double(reference.forward(batch, nullptr).loss) * double(count);
    }
    QVERIFY2(std::fabs(eval.loss - lossSum / double(listOps().test.count)) < 1e-5,
             qPrintable(QString("%1 vs %2").arg(eval.loss).arg(lossSum / double(listOps().test.count))));
    // Evaluation left the latent weights in place.
    QVERIFY(std::equal(latent.begin(), latent.end(), trainer.network().parameters().begin()));
    // A step moves the latent weights: they are no longer two values per matrix.
    QVERIFY(trainer.trainStep().finite);
    for (const ParamTensor& t : trainer.network().tensors())
        if (weightRoleOf(t) == TensorRole::Weights) {
            std::set<float> values(trainer.network().parameters().begin() + t.offset,
                                   trainer.network().parameters().begin() + t.offset + t.size());
            QVERIFY(values.size() > 2);
        }
}

// 16-bit float weights (tcw prune --weight-bits 16 stores them so) train as f32 latent weights
// rounded to IEEE half in the forward pass: 11 significant bits, ties to even.
void TestTrainPrecision::halfPrecisionWeightsRoundToNearestEven() {
    const std::vector<float> latent = {1.0f, 1.0001f, 1.0f + 1.5f / 2048, 1.0f / 3, -65504.0f, 0.0f};
    std::vector<float> out(latent.size());
    quantizeWeights(latent, Precision{16, Quantizer::Float}, out);
    QCOMPARE(out[0], 1.0f);
    QCOMPARE(out[1], 1.0f);               // 1 + 1e-4 is below half a step (2^-11) above 1
    QCOMPARE(out[2], 1.0f + 2.0f / 2048); // 1 + 1.5·2^-11 rounds up to 1 + 2^-10
    QCOMPARE(out[3], 0.333251953125f);    // 1/3 to 11 significant bits: 1365 · 2^-12
    QCOMPARE(out[4], -65504.0f);          // the largest half
    QCOMPARE(out[5], 0.0f);
}

void TestTrainPrecision::activationPrecisionIsRefused() {
    // Quantized activations train since issue 15's activation quantizers; precisions they
    // cannot train are refused with the role and what is allowed.
    Trainer trainer(tinyModel("w1a8"), listOps(), testing::shortRun(4));
    QVERIFY(trainer.activationQuantization() && trainer.activationQuantization()->active());
    TransformerSpec half = tinyModel(nullptr);
    half.compression.precision[std::size_t(TensorRole::LinearInputs)] = {16, Quantizer::Float};
    try {
        Trainer refused(half, listOps(), testing::shortRun(4));
        QFAIL("16-bit float activations trained");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("compression.precision.linearInputs"), e.what());
        QVERIFY(QString(e.what()).contains("allowed: 1-bit sign, 2–8-bit symmetric, 32-bit float"));
    }
    CompressionSpec asym;
    asym.precision[std::size_t(TensorRole::Weights)] = {8, Quantizer::Asymmetric};
    Network net(tinyModel(nullptr), listOps().task, 2);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WeightPrecision(net.tensors(), asym));
}

QTEST_APPLESS_MAIN(TestTrainPrecision)
#include "test_train_precision.moc"
