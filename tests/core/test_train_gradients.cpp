// Finite-difference checks of the trainer's backward pass: for every head type and layer
// kind, the analytic gradient of each parameter tensor is compared with central
// differences of the loss along two directions (the gradient itself and a random one), in
// float32. Also checks that the network builds exactly the parameters parameterCount counts,
// and the fused loops between the matmuls (GELU, attention softmax, layer norm) against
// double-precision references.
#include "train/dynaprop.h"
#include "train/kernels.h"
#include "train/network.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <omp.h>

#include <bit>
#include <cmath>
#include <random>

using namespace tcw;
using namespace tcw::train;

Q_DECLARE_METATYPE(tcw::TransformerSpec)
Q_DECLARE_METATYPE(tcw::TaskShape)

namespace {

TaskShape textTask() {
    return testing::textTask(9);
}

TransformerSpec oneLayer(HeadType a, HeadType b, std::vector<int> ff = {24}, Activation act = Activation::Gelu) {
    TransformerSpec spec;
    spec.name = "check";
    spec.activation = act;
    LayerSpec layer;
    layer.hiddenSize = 16;
    layer.heads = {{a, 8}, {b, 8}};
    layer.feedForwardSizes = std::move(ff);
    spec.layers.push_back(layer);
    return spec;
}

} // namespace

class TestTrainGradients : public QObject {
    Q_OBJECT
private slots:
    void gradients_data();
    void gradients();
    void pruningMaskMatchesForward_data();
    void pruningMaskMatchesForward();
    void sparseKernelsMatchDenseWithPruning();
    void paddingTokensChangeNothing();
    void bf16MatmulsCloseToF32();
    void fusedKernelsMatchReferences();
};

void TestTrainGradients::gradients_data() {
    QTest::addColumn<TransformerSpec>("spec");
    QTest::addColumn<TaskShape>("task");
    QTest::addColumn<bool>("sparseKernels"); // issue 20: every backward matmul on the sparse kernels
    auto addBoth = [](const std::string& name, const TransformerSpec& spec, const TaskShape& task) {
        QTest::newRow(name.c_str()) << spec << task << false;
        QTest::newRow((name + ", sparse kernels").c_str()) << spec << task << true;
    };
    for (HeadType t : kAllHeadTypes) {
        const std::string name = "head " + std::string(headTypeName(t));
        addBoth(name.c_str(), oneLayer(t, t), textTask());
    }
    addBoth("mixed heads, two FF layers", oneLayer(HeadType::SaWma, HeadType::C13, {24, 20}), textTask());
    addBoth("relu", oneLayer(HeadType::SaSdp, HeadType::C5, {24}, Activation::Relu), textTask());
    addBoth("no feed-forward stack", oneLayer(HeadType::SaSdp, HeadType::LDct, {}), textTask());
    {
        TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::SaWma);
        LayerSpec wider;
        wider.hiddenSize = 24;
        wider.heads = {{HeadType::LDft, 8}, {HeadType::C5, 12}};
        wider.feedForwardSizes = {16};
        spec.layers.push_back(wider);
        addBoth("two layers, projection 16 → 24", spec, textTask());
    }
    {
        // Attention heads run in groups of one type and size (one batched matmul per product):
        // interleaved with other heads, two sizes, groups of two and of one.
        TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::C5);
        spec.layers.front().heads.push_back({HeadType::SaSdp, 4});
        spec.layers.front().heads.push_back({HeadType::SaWma, 8});
        spec.layers.front().heads.push_back({HeadType::SaSdp, 8});
        spec.layers.front().heads.push_back({HeadType::SaWma, 8});
        addBoth("attention groups: sdp 8, c5, sdp 4, wma 8, sdp 8, wma 8", spec, textTask());
    }
    {
        TaskShape patches = textTask();
        patches.vocabularySize = 0;
        patches.patchInputSize = 4;
        addBoth("patch embedding", oneLayer(HeadType::SaSdp, HeadType::C9), patches);
    }
}

void TestTrainGradients::gradients() {
    QFETCH(TransformerSpec, spec);
    QFETCH(TaskShape, task);
    const int B = 3;
    QFETCH(bool, sparseKernels);
    Network net(spec, task, B);
    QCOMPARE(net.parameterCount(), spec.parameterCount(task));
    net.setSparseBackward({sparseKernels ? SparseBackwardConfig::Mode::Always : SparseBackwardConfig::Mode::Never});
    testing::randomize(net, 11);
    const Batch batch = testing::randomBatch(task, B, 5);
    net.forward(batch, nullptr);
    net.backward(batch, nullptr);
    const std::vector<float> grads(net.gradients().begin(), net.gradients().end());
    // A second backward of the same forward gives the same gradients (nothing accumulates
    // across passes, nothing is left unwritten).
    std::fill(net.gradients().begin(), net.gradients().end(), 12345.0f);
    net.backward(batch, nullptr);
    QVERIFY(std::equal(grads.begin(), grads.end(), net.gradients().begin()));
    auto params = net.parameters();
    std::mt19937_64 rng(3);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const float eps = 1e-2f; // step along a unit direction
    for (const ParamTensor& t : net.tensors()) {
        double gNorm = 0.0;
        for (std::int64_t i = 0; i < t.size(); ++i)
            gNorm += double(grads[t.offset + i]) * grads[t.offset + i];
        gNorm = std::sqrt(gNorm);
        if (t.name == "embedding.tokens" || gNorm == 0.0) {
            // The token table's unused rows have zero gradient; a zero gradient elsewhere is a bug.
            QVERIFY2(t.name == "embedding.tokens" || t.name.find("positions") != std::string::npos,
                     ("zero gradient for " + t.name).c_str());
        }
        for (int direction = 0; direction < 2; ++direction) {
            std::vector<float> v(static_cast<std::size_t>(t.size()));
            double vNorm = 0.0;
            for (std::int64_t i = 0; i < t.size(); ++i) {
                v[i] = direction == 0 && gNorm > 0 ? grads[t.offset + i] : normal(rng);
                vNorm += double(v[i]) * v[i];
            }
            vNorm = std::sqrt(vNorm);
            double analytic = 0.0;
            for (std::int64_t i = 0; i < t.size(); ++i) {
                v[i] = static_cast<float>(v[i] / vNorm);
                analytic += double(v[i]) * grads[t.offset + i];
            }
            const std::vector<float> saved(params.begin() + t.offset, params.begin() + t.offset + t.size());
            auto lossAt = [&](float step) {
                for (std::int64_t i = 0; i < t.size(); ++i)
                    params[t.offset + i] = saved[i] + step * v[i];
                return static_cast<double>(net.forward(batch, nullptr).loss);
            };
            const double numeric = (lossAt(eps) - lossAt(-eps)) / (2.0 * eps);
            lossAt(0.0f);
            const double tolerance = 0.05 * std::max(std::fabs(numeric), std::fabs(analytic)) + 1e-4;
            const std::string what = t.name + (direction == 0 ? " along its gradient" : " along a random direction") +
                                     ": analytic " + std::to_string(analytic) + ", numeric " + std::to_string(numeric);
            QVERIFY2(std::fabs(numeric - analytic) <= tolerance, what.c_str());
        }
    }
}

// Padding keys are masked in every head of a batched attention group (each group's softmax
// covers G·B sequences over one batch mask): what stands at padding positions changes
// neither the loss nor any gradient. (Finite differences cannot see a wrong mask: the
// gradient of a wrongly masked forward is still its gradient.)
void TestTrainGradients::paddingTokensChangeNothing() {
    TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::SaSdp);
    spec.layers.front().heads.push_back({HeadType::SaWma, 8});
    spec.layers.front().heads.push_back({HeadType::SaWma, 8});
    const TaskShape task = textTask();
    const int B = 3;
    Network net(spec, task, B);
    testing::randomize(net, 4);
    Batch batch = testing::randomBatch(task, B, 5); // the last sequence is padded after 5 tokens
    const float loss = net.forward(batch, nullptr).loss;
    net.backward(batch, nullptr);
    const std::vector<float> grads(net.gradients().begin(), net.gradients().end());
    for (int s = 5; s < task.sequenceLength; ++s)
        batch.tokens[static_cast<std::size_t>((B - 1) * task.sequenceLength + s)] = 2 + s % 7;
    QCOMPARE(net.forward(batch, nullptr).loss, loss);
    net.backward(batch, nullptr);
    for (const ParamTensor& t : net.tensors()) {
        if (t.name == "embedding.tokens" || t.name == "embedding.positions")
            continue; // padding positions' embeddings get gradient through the rows themselves
        for (std::int64_t i = 0; i < t.size(); ++i)
            QVERIFY2(std::fabs(net.gradients()[t.offset + i] - grads[t.offset + i]) <=
                         1e-6f * (1.0f + std::fabs(grads[t.offset + i])),
                     (t.name + " " + std::to_string(i)).c_str());
    }
}

// With τ_I > 0 the backward pass must be the gradient of the pruned forward: finite
// differences of the pruned network still agree (away from the threshold's jumps).
void TestTrainGradients::pruningMaskMatchesForward_data() {
    QTest::addColumn<bool>("sparseKernels");
    QTest::addColumn<bool>("compressed"); // issue 20: saved activations kept compressed
    QTest::newRow("dense kernels") << false << false;
    QTest::newRow("sparse kernels") << true << false;
    QTest::newRow("dense kernels, compressed activations") << false << true;
    QTest::newRow("sparse kernels, compressed activations") << true << true;
}

void TestTrainGradients::pruningMaskMatchesForward() {
    QFETCH(bool, sparseKernels);
    QFETCH(bool, compressed);
    const TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::C5);
    const TaskShape task = textTask();
    Network net(spec, task, 3);
    net.setSparseBackward({sparseKernels ? SparseBackwardConfig::Mode::Always : SparseBackwardConfig::Mode::Never});
    net.setCompressSavedActivations(compressed);
    testing::randomize(net, 2);
    const Batch batch = testing::randomBatch(task, 3, 9);
    DynaPropConfig config;
    config.tauActivation = 0.05f;
    DynaProp prune(1, config);
    prune.beginStep();
    net.forward(batch, &prune);
    QVERIFY(prune.stepCounts()[0].activationTotal().fraction() > 0.02);
    net.backward(batch, &prune);
    const std::vector<float> grads(net.gradients().begin(), net.gradients().end());
    // The classifier and output projection see the pruned activations exactly.
    for (const ParamTensor& t : net.tensors()) {
        if (t.name != "classifier.weight" && t.name != "layers.0.ff.1.weight")
            continue;
        auto params = net.parameters();
        double gNorm = 0.0;
        for (std::int64_t i = 0; i < t.size(); ++i)
            gNorm += double(grads[t.offset + i]) * grads[t.offset + i];
        gNorm = std::sqrt(gNorm);
        const float eps = 2e-4f; // small enough to cross no threshold
        const std::vector<float> saved(params.begin() + t.offset, params.begin() + t.offset + t.size());
        auto lossAt = [&](float step) {
            for (std::int64_t i = 0; i < t.size(); ++i)
                params[t.offset + i] = saved[i] + step * static_cast<float>(grads[t.offset + i] / gNorm);
            return static_cast<double>(net.forward(batch, &prune).loss);
        };
        const double numeric = (lossAt(eps) - lossAt(-eps)) / (2.0 * eps);
        lossAt(0.0f);
        QVERIFY2(std::fabs(numeric - gNorm) <= 0.05 * gNorm + 1e-4,
                 (t.name + ": analytic " + std::to_string(gNorm) + ", numeric " + std::to_string(numeric)).c_str());
    }
}

// Issue 20: with DynaProp pruning activations (τ_I) and activation gradients (τ_T, exactly),
// the sparse backward kernels give the dense kernels' gradients to float tolerance, and
// Auto mode picks them for the sparse gradients.
void TestTrainGradients::sparseKernelsMatchDenseWithPruning() {
    TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::C5, {40, 24});
    const TaskShape task = textTask();
    const Batch batch = testing::randomBatch(task, 3, 9);
    DynaPropConfig config;
    config.tauActivation = 0.02f;
    config.tauGradient = 2e-3f;
    config.stochasticActivationGradients = false;
    std::vector<float> grads[3];
    std::vector<BackwardKernelCounts> counts[3];
    const SparseBackwardConfig::Mode modes[] = {SparseBackwardConfig::Mode::Never, SparseBackwardConfig::Mode::Always,
                                                SparseBackwardConfig::Mode::Auto};
    for (int k = 0; k < 3; ++k) {
        Network net(spec, task, 3);
        testing::randomize(net, 2);
        net.setSparseBackward({modes[k], 0.5});
        DynaProp prune(1, config);
        prune.beginStep();
        net.forward(batch, &prune);
        net.backward(batch, &prune);
        QVERIFY(prune.stepCounts()[0].activationGradient.fraction() > 0.5);
        grads[k].assign(net.gradients().begin(), net.gradients().end());
        counts[k] = net.takeBackwardKernelCounts();
    }
    QCOMPARE(counts[0][0].sparseCalls, std::int64_t(0));
    QVERIFY(counts[1][0].denseCalls == 0 && counts[1][0].sparseCalls > 0);
    QVERIFY(counts[2][0].sparseCalls > 0); // some gradients are sparse enough
    QVERIFY(counts[1][0].density() < 1.0); // and the density is measured
    QCOMPARE(counts[1][0].density(), counts[2][0].density());
    double scale = 0.0;
    for (float g : grads[0])
        scale = std::max(scale, double(std::fabs(g)));
    QVERIFY(scale > 0.0);
    for (int k = 1; k < 3; ++k)
        for (std::size_t i = 0; i < grads[0].size(); ++i)
            QVERIFY2(std::fabs(grads[k][i] - grads[0][i]) <= 1e-5 * scale + 1e-5 * std::fabs(grads[0][i]),
                     (std::to_string(k) + ": " + std::to_string(i) + " " + std::to_string(grads[k][i]) + " vs " +
                      std::to_string(grads[0][i]))
                         .c_str());
}

// Mixed precision (bf16 matmul operands, f32 accumulation) must give nearly the f32
// gradients, including the shared bf16 copies of stable operands across forward and backward.
void TestTrainGradients::bf16MatmulsCloseToF32() {
    TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::SaWma);
    LayerSpec second;
    second.hiddenSize = 24;
    second.heads = {{HeadType::LDft, 8}, {HeadType::LDct, 8}, {HeadType::C9, 8}};
    second.feedForwardSizes = {32};
    spec.layers.push_back(second);
    const TaskShape task = textTask();
    Network net(spec, task, 3);
    const Batch batch = testing::randomBatch(task, 3, 8);
    // Two parameter sets in turn: stale bf16 copies of the first would spoil the second.
    for (std::uint64_t seed : {4u, 5u}) {
        testing::randomize(net, seed);
        net.setBf16Matmul(false);
        const float lossF32 = net.forward(batch, nullptr).loss;
        net.backward(batch, nullptr);
        const std::vector<float> f32(net.gradients().begin(), net.gradients().end());
        net.setBf16Matmul(true);
        const float lossBf16 = net.forward(batch, nullptr).loss;
        net.backward(batch, nullptr);
        QVERIFY2(std::fabs(lossBf16 - lossF32) < 0.02f * std::fabs(lossF32),
                 (std::to_string(lossBf16) + " vs " + std::to_string(lossF32)).c_str());
        for (const ParamTensor& t : net.tensors()) {
            double dot = 0.0, a2 = 0.0, b2 = 0.0;
            for (std::int64_t i = t.offset; i < t.offset + t.size(); ++i) {
                dot += double(f32[i]) * net.gradients()[i];
                a2 += double(f32[i]) * f32[i];
                b2 += double(net.gradients()[i]) * net.gradients()[i];
            }
            if (a2 == 0.0)
                continue;
            const double cosine = dot / std::sqrt(a2 * b2);
            QVERIFY2(cosine > 0.98, (t.name + ": cosine " + std::to_string(cosine)).c_str());
        }
    }
}

// The fused loops against double-precision formulas: GELU (erf) and its derivative, the
// masked attention softmax with its backward, layer norm; the layer-norm parameter
// gradients must not depend on the thread count.
void TestTrainGradients::fusedKernelsMatchReferences() {
    // GELU over [−10, 10) in steps of 1/64.
    std::vector<float> z, a(1280);
    for (int i = -640; i < 640; ++i)
        z.push_back(static_cast<float>(i) / 64.0f);
    const std::vector<float> x = z;
    geluForwardKeepDerivative(z.data(), a.data(), static_cast<std::int64_t>(z.size()), nullptr);
    double worstA = 0.0, worstD = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = x[i], cdf = 0.5 * (1.0 + std::erf(v / std::sqrt(2.0)));
        worstA = std::max(worstA, std::fabs(a[i] - v * cdf));
        worstD = std::max(worstD, std::fabs(z[i] - (cdf + v * std::exp(-0.5 * v * v) / std::sqrt(2.0 * M_PI))));
    }
    QVERIFY2(worstA < 2e-6 && worstD < 1e-6, (std::to_string(worstA) + " " + std::to_string(worstD)).c_str());

    // Attention softmax of two heads batched over one batch: 2 heads × 2 sequences × 3 queries
    // × 20 keys, keys 17.. of sequence 1 padding (in both heads: the mask repeats every 2).
    const int heads = 2, seqs = 2, queries = 3, keys = 20;
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> scores(heads * seqs * queries * keys), probs(scores.size()), gProbs(scores.size()),
        gScores(scores.size()), mask(seqs * keys, 1.0f);
    for (auto& v : scores)
        v = normal(rng);
    for (auto& v : gProbs)
        v = normal(rng);
    for (int j = 17; j < keys; ++j)
        mask[keys + j] = 0.0f;
    const float scale = 0.25f;
    attentionSoftmax(scores.data(), mask.data(), probs.data(), heads * seqs, queries, keys, scale, nullptr, seqs);
    attentionSoftmaxBackward(probs.data(), gProbs.data(), nullptr, gScores.data(), heads * seqs * queries, keys, scale);
    for (int r = 0; r < heads * seqs * queries; ++r) {
        const int seq = r / queries % seqs;
        std::vector<double> p(keys);
        double mx = -1e300, sum = 0.0, dot = 0.0;
        for (int j = 0; j < keys; ++j)
            mx = std::max(mx, mask[seq * keys + j] != 0.0f ? scale * double(scores[r * keys + j]) : -1e300);
        for (int j = 0; j < keys; ++j)
            sum += p[j] = mask[seq * keys + j] != 0.0f ? std::exp(scale * double(scores[r * keys + j]) - mx) : 0.0;
        for (int j = 0; j < keys; ++j)
            dot += (p[j] /= sum) * gProbs[r * keys + j];
        for (int j = 0; j < keys; ++j) {
            QVERIFY2(std::fabs(probs[r * keys + j] - p[j]) < 1e-6,
                     ("p " + std::to_string(r) + "," + std::to_string(j)).c_str());
            const double g = scale * p[j] * (gProbs[r * keys + j] - dot);
            QVERIFY2(std::fabs(gScores[r * keys + j] - g) < 1e-5,
                     ("g " + std::to_string(r) + "," + std::to_string(j)).c_str());
        }
    }

    // Column blocks: gather three blocks of 5 columns (one overlapping another's start) out of
    // 7 rows × 16, bf16 copy included, and scatter them back into a zeroed matrix.
    {
        const std::int64_t rows7 = 7, stride = 16, width = 5;
        const std::vector<std::int64_t> columns{9, 0, 4};
        std::vector<float> src(rows7 * stride), blocks(columns.size() * rows7 * width), back(src.size(), 0.0f);
        std::vector<std::uint16_t> blocksBf16(blocks.size());
        for (auto& v : src)
            v = normal(rng);
        gatherColumns(src.data(), stride, columns, blocks.data(), rows7, width, blocksBf16.data());
        for (std::size_t k = 0; k < columns.size(); ++k)
            for (std::int64_t r = 0; r < rows7; ++r)
                for (std::int64_t c = 0; c < width; ++c) {
                    const std::size_t i = (k * rows7 + r) * width + c;
                    QCOMPARE(blocks[i], src[r * stride + columns[k] + c]);
                    const float rounded = std::bit_cast<float>(std::uint32_t{blocksBf16[i]} << 16);
                    QVERIFY(std::fabs(rounded - blocks[i]) <= std::fabs(blocks[i]) / 256.0f);
                }
        const std::vector<std::int64_t> disjoint{9, 0};
        scatterColumns(blocks.data(), disjoint, back.data(), stride, rows7, width);
        for (std::int64_t r = 0; r < rows7; ++r)
            for (std::int64_t c = 0; c < stride; ++c) {
                const bool kept = c < width || (c >= 9 && c < 9 + width);
                QCOMPARE(back[r * stride + c], kept ? src[r * stride + c] : 0.0f);
            }
    }

    // Layer norm of a + b over 40 columns for 300 rows (several row blocks), then its
    // parameter gradients with 1 and 2 threads: bit for bit the same.
    const int rows = 300, cols = 40;
    std::vector<float> in1(rows * cols), in2(rows * cols), sum(rows * cols), y(rows * cols), gamma(cols), beta(cols),
        mean(rows), var(rows), dy(rows * cols), dx(rows * cols);
    for (auto* v : {&in1, &in2, &dy, &gamma, &beta})
        for (auto& e : *v)
            e = normal(rng);
    layerNormForward(in1.data(), in2.data(), sum.data(), y.data(), gamma.data(), beta.data(), mean.data(), var.data(),
                     rows, cols, 1e-5f);
    for (int r = 0; r < rows; ++r) {
        double m = 0.0, v2 = 0.0;
        for (int j = 0; j < cols; ++j)
            m += double(in1[r * cols + j]) + in2[r * cols + j];
        m /= cols;
        for (int j = 0; j < cols; ++j)
            v2 += std::pow(double(in1[r * cols + j]) + in2[r * cols + j] - m, 2);
        v2 /= cols;
        for (int j = 0; j < cols; ++j) {
            const double ref =
                gamma[j] * (double(in1[r * cols + j]) + in2[r * cols + j] - m) / std::sqrt(v2 + 1e-5) + beta[j];
            QVERIFY2(std::fabs(y[r * cols + j] - ref) < 1e-4,
                     ("ln " + std::to_string(r) + "," + std::to_string(j)).c_str());
        }
    }
    std::vector<float> scratch, dGamma1(cols), dBeta1(cols), dGamma2(cols), dBeta2(cols);
    const int before = omp_get_max_threads();
    omp_set_num_threads(1);
    layerNormBackward(sum.data(), mean.data(), var.data(), dy.data(), gamma.data(), dx.data(), dGamma1.data(),
                      dBeta1.data(), rows, cols, 1e-5f, scratch);
    omp_set_num_threads(2);
    layerNormBackward(sum.data(), mean.data(), var.data(), dy.data(), gamma.data(), dx.data(), dGamma2.data(),
                      dBeta2.data(), rows, cols, 1e-5f, scratch);
    omp_set_num_threads(before);
    QCOMPARE(dGamma1, dGamma2);
    QCOMPARE(dBeta1, dBeta2);
    double refBeta0 = 0.0;
    for (int r = 0; r < rows; ++r)
        refBeta0 += dy[r * cols];
    QVERIFY(std::fabs(dBeta1[0] - refBeta0) < 1e-3);
}

QTEST_APPLESS_MAIN(TestTrainGradients)
#include "test_train_gradients.moc"
