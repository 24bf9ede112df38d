// Issue 20: compressed storage of the saved activations. The forms round-trip bit for bit
// (−0.0, denormals, NaN and infinities included) at every length around the 16-lane and
// 64-bit word edges and on the threaded path; the pool aligns, refuses what it cannot hold and
// gives pages back to the operating system (checked with mincore); and a network keeping its
// activations compressed computes the same losses and gradients, bit for bit, as one keeping
// them dense, for every head type and layer kind, with pruning on and off, over several
// steps; the trainer gives the same parameters in target mode.
#include "train/activation_store.h"
#include "train/datasets.h"
#include "train/dynaprop.h"
#include "train/kernels.h"
#include "train/network.h"
#include "train/trainer.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>

using namespace tcw;
using namespace tcw::train;

Q_DECLARE_METATYPE(tcw::TransformerSpec)
Q_DECLARE_METATYPE(tcw::TaskShape)

namespace {

TaskShape textTask() {
    return testing::textTask(9);
}

// `count` values of which about `density` are non-zero, with the awkward ones mixed in.
std::vector<float> awkward(std::int64_t count, double density, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<float> n(0.0f, 1.0f);
    const float specials[] = {-0.0f,
                              std::numeric_limits<float>::denorm_min(),
                              -1e-40f,
                              std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity()};
    std::vector<float> x(static_cast<std::size_t>(count));
    for (auto& v : x) {
        const double r = u(rng);
        v = r < density ? n(rng) : 0.0f;
        if (u(rng) < 0.01)
            v = specials[rng() % std::size(specials)];
    }
    return x;
}

bool sameBits(const float* a, const float* b, std::int64_t count) {
    return std::memcmp(a, b, static_cast<std::size_t>(count) * sizeof(float)) == 0;
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

// Resident pages of [p, p + bytes) (mincore).
std::int64_t residentPages(const void* p, std::int64_t bytes) {
    const long page = sysconf(_SC_PAGESIZE);
    const auto begin = reinterpret_cast<std::uintptr_t>(p) / page * page;
    const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes + page - 1) / page * page;
    std::vector<unsigned char> in((end - begin) / page);
    if (mincore(reinterpret_cast<void*>(begin), end - begin, in.data()) != 0)
        return -1;
    std::int64_t n = 0;
    for (unsigned char c : in)
        n += c & 1;
    return n;
}

} // namespace

class TestTrainActivationStore : public QObject {
    Q_OBJECT
private slots:
    void formsRoundTrip_data();
    void formsRoundTrip();
    void poolAlignsRefusesAndShrinks();
    void compactNetworkSameBits_data();
    void compactNetworkSameBits();
    void compactTrainerSameRunInTargetMode();
};

void TestTrainActivationStore::formsRoundTrip_data() {
    QTest::addColumn<qint64>("count");
    QTest::addColumn<double>("density");
    for (qint64 count : {1, 15, 16, 17, 63, 64, 65, 1000, 70001, 200003})
        for (double density : {0.0, 0.1, 0.5, 1.0})
            QTest::newRow((std::to_string(count) + " at " + std::to_string(density)).c_str()) << count << density;
}

void TestTrainActivationStore::formsRoundTrip() {
    QFETCH(qint64, count);
    QFETCH(double, density);
    const std::vector<float> x = awkward(count, density, std::uint64_t(count) * 31 + std::uint64_t(density * 10));
    const std::vector<float> b = awkward(count, 1.0, std::uint64_t(count) + 99);
    std::int64_t bitNonZeros = 0, floatNonZeros = 0;
    for (float v : x) {
        bitNonZeros += std::bit_cast<std::uint32_t>(v) != 0;
        floatNonZeros += v != 0.0f;
    }
    ActivationPool pool;
    pool.reserve(savedTensorMaxBytes(SavedTensor::Form::Sparse, count) +
                 savedTensorMaxBytes(SavedTensor::Form::Mask, count) +
                 savedTensorMaxBytes(SavedTensor::Form::SparsePair, count) +
                 savedTensorMaxBytes(SavedTensor::Form::Dense, count));
    const std::int64_t words = (count + 63) / 64;
    std::vector<float> out(static_cast<std::size_t>(count), 7.0f), out2(static_cast<std::size_t>(count), 7.0f);

    const SavedTensor dense = saveDense(pool, x.data(), count);
    restore(dense, out.data());
    QVERIFY(sameBits(out.data(), x.data(), count));

    const SavedTensor sparse = saveSparse(pool, x.data(), count);
    QCOMPARE(sparse.nonZeros, bitNonZeros);
    QCOMPARE(sparse.bytes, words * 8 + bitNonZeros * 4);
    std::fill(out.begin(), out.end(), 7.0f);
    restore(sparse, out.data());
    QVERIFY(sameBits(out.data(), x.data(), count)); // −0.0 and NaN payloads too

    const SavedTensor mask = saveMask(pool, x.data(), count);
    QCOMPARE(mask.nonZeros, floatNonZeros);
    QCOMPARE(mask.bytes, words * 8);
    restore(mask, out.data());
    for (std::int64_t i = 0; i < count; ++i)
        QCOMPARE(out[i], x[i] != 0.0f ? 1.0f : 0.0f);
    // Masking by the bitmap is masking by x ≠ 0.
    std::vector<float> reference(static_cast<std::size_t>(count));
    copyMaskedByNonZero(b.data(), x.data(), reference.data(), count);
    copyMaskedByBits(b.data(), mask, out.data());
    QVERIFY(sameBits(out.data(), reference.data(), count));
    out = b;
    maskByBits(out.data(), mask);
    QVERIFY(sameBits(out.data(), reference.data(), count));

    const SavedTensor pair = savePair(pool, x.data(), b.data(), count);
    QCOMPARE(pair.nonZeros, bitNonZeros);
    QCOMPARE(pair.bytes, words * 8 + 2 * bitNonZeros * 4);
    for (bool maskByFirst : {false, true}) {
        std::fill(out.begin(), out.end(), 7.0f);
        std::fill(out2.begin(), out2.end(), 7.0f);
        restorePair(pair, out.data(), out2.data(), maskByFirst);
        QVERIFY(sameBits(out.data(), x.data(), count));
        for (std::int64_t i = 0; i < count; ++i) {
            const bool kept = std::bit_cast<std::uint32_t>(x[i]) != 0 && (!maskByFirst || x[i] != 0.0f);
            const float expected = kept ? b[i] : 0.0f;
            QVERIFY2(sameBits(&out2[i], &expected, 1), std::to_string(i).c_str());
        }
    }
    QVERIFY(pool.used() <= pool.capacity());
}

void TestTrainActivationStore::poolAlignsRefusesAndShrinks() {
    const long page = sysconf(_SC_PAGESIZE);
    ActivationPool pool;
    const std::int64_t capacity = 256 * page;
    pool.reserve(capacity);
    QCOMPARE(pool.capacity(), capacity);
    auto* base = static_cast<std::byte*>(pool.allocate(3));
    auto* second = static_cast<std::byte*>(pool.allocate(10));
    QCOMPARE(second - base, std::ptrdiff_t(64)); // 64-byte aligned
    QCOMPARE(pool.used(), std::int64_t(74));
    // An open allocation keeps what is closed.
    auto* open = static_cast<float*>(pool.open(1000 * 4));
    QCOMPARE(reinterpret_cast<std::byte*>(open) - base, std::ptrdiff_t(128));
    pool.close(10 * 4);
    QCOMPARE(pool.used(), std::int64_t(168));
    bool refused = false;
    try {
        pool.allocate(capacity);
    } catch (const std::length_error&) {
        refused = true;
    }
    QVERIFY(refused);
    pool.reset();
    // A pass writing 200 pages makes them resident ...
    auto* big = static_cast<std::byte*>(pool.allocate(200 * page));
    QCOMPARE(big, base);
    std::memset(big, 1, static_cast<std::size_t>(200 * page));
    QVERIFY(residentPages(base, 200 * page) >= 190);
    QCOMPARE(pool.touched(), 200 * page);
    // ... and passes writing 2 pages give them back once the window has passed.
    for (int pass = 0; pass < ActivationPool::kWindow + 1; ++pass) {
        pool.reset();
        std::memset(pool.allocate(2 * page), 2, static_cast<std::size_t>(2 * page));
    }
    pool.reset();
    QCOMPARE(pool.touched(), 2 * page);
    QVERIFY2(residentPages(base + 2 * page, 198 * page) == 0,
             std::to_string(residentPages(base + 2 * page, 198 * page)).c_str());
    QCOMPARE(static_cast<int>(base[0]), 2); // what is kept stays
}

void TestTrainActivationStore::compactNetworkSameBits_data() {
    QTest::addColumn<TransformerSpec>("spec");
    QTest::addColumn<TaskShape>("task");
    QTest::addColumn<bool>("pruned");
    auto addBoth = [](const std::string& name, const TransformerSpec& spec, const TaskShape& task) {
        QTest::newRow((name + ", pruned").c_str()) << spec << task << true;
        QTest::newRow((name + ", not pruned").c_str()) << spec << task << false;
    };
    for (HeadType t : kAllHeadTypes)
        addBoth("head " + std::string(headTypeName(t)), oneLayer(t, t), textTask());
    addBoth("mixed heads, three FF layers", oneLayer(HeadType::SaWma, HeadType::C13, {24, 20, 12}), textTask());
    addBoth("relu", oneLayer(HeadType::SaSdp, HeadType::C5, {24}, Activation::Relu), textTask());
    addBoth("no feed-forward stack", oneLayer(HeadType::SaSdp, HeadType::LDct, {}), textTask());
    {
        TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::SaWma);
        LayerSpec wider;
        wider.hiddenSize = 24;
        wider.heads = {{HeadType::LDft, 8}, {HeadType::C5, 12}, {HeadType::SaSdp, 8}};
        wider.feedForwardSizes = {16};
        spec.layers.push_back(wider);
        addBoth("two layers, projection 16 → 24", spec, textTask());
    }
    {
        TaskShape patches = textTask();
        patches.vocabularySize = 0;
        patches.patchInputSize = 4;
        addBoth("patch embedding (no padding)", oneLayer(HeadType::SaSdp, HeadType::SaSdp, {32}), patches);
    }
}

void TestTrainActivationStore::compactNetworkSameBits() {
    QFETCH(TransformerSpec, spec);
    QFETCH(TaskShape, task);
    QFETCH(bool, pruned);
    const int B = 3;
    Network plain(spec, task, B), compact(spec, task, B);
    compact.setCompressSavedActivations(true);
    testing::randomize(plain, 11);
    testing::randomize(compact, 11);
    DynaPropConfig config;
    config.tauActivation = pruned ? 0.05f : 0.0f;
    config.tauGradient = pruned ? 1e-3f : 0.0f;
    DynaProp prunePlain(spec.layerCount(), config), pruneCompact(spec.layerCount(), config);
    // Several steps (the pool is reused and the parameters move), a smaller batch in between.
    for (int step = 0; step < 4; ++step) {
        const int b = step == 2 ? 2 : B;
        const Batch batch = testing::randomBatch(task, b, 5 + step);
        prunePlain.beginStep();
        pruneCompact.beginStep();
        const ForwardResult a = plain.forward(batch, &prunePlain);
        const ForwardResult c = compact.forward(batch, &pruneCompact);
        QVERIFY(sameBits(&a.loss, &c.loss, 1));
        const ActivationMemory mem = compact.savedActivationMemory();
        QCOMPARE(mem.denseBytes, plain.savedActivationMemory().denseBytes);
        QCOMPARE(mem.heldBytes, mem.compressedBytes);
        QVERIFY(mem.workBytes > 0 && mem.poolResidentBytes > 0);
        if (pruned)
            QVERIFY2(mem.heldBytes < mem.denseBytes,
                     (std::to_string(mem.heldBytes) + " of " + std::to_string(mem.denseBytes)).c_str());
        plain.backward(batch, &prunePlain);
        compact.backward(batch, &pruneCompact);
        const auto g = plain.gradients(), h = compact.gradients();
        for (const ParamTensor& t : plain.tensors())
            QVERIFY2(sameBits(g.data() + t.offset, h.data() + t.offset, t.size()),
                     (t.name + " at step " + std::to_string(step)).c_str());
        QCOMPARE(pruneCompact.stepCounts(), prunePlain.stepCounts());
        for (Network* net : {&plain, &compact}) {
            auto p = net->parameters();
            const auto grad = net->gradients();
            for (std::size_t i = 0; i < p.size(); ++i)
                p[i] -= 0.05f * grad[i];
        }
    }
    // A forward pass that keeps nothing for the backward pass (evaluation) is refused a backward.
    const Batch batch = testing::randomBatch(task, B, 1);
    compact.forward(batch, nullptr, false);
    bool refused = false;
    try {
        compact.backward(batch, nullptr);
    } catch (const std::logic_error&) {
        refused = true;
    }
    QVERIFY(refused);
}

void TestTrainActivationStore::compactTrainerSameRunInTargetMode() {
    ListOpsOptions o;
    o.trainCount = 96;
    o.testCount = 16;
    o.maxDepth = 2;
    o.sequenceLength = 24;
    const Dataset data = makeListOps(o);
    TransformerSpec spec = oneLayer(HeadType::SaSdp, HeadType::C5, {48});
    spec.layers.front().hiddenSize = 32;
    spec.layers.front().heads = {{HeadType::SaSdp, 16}, {HeadType::SaWma, 16}};
    TrainConfig config;
    config.batchSize = 16;
    config.steps = 5;
    config.seed = 3;
    config.threads = 1;
    config.memoryEverySteps = 1;
    config.dynaprop.targetActivationSparsity = 0.5;
    config.dynaprop.targetGradientSparsity = 0.9;
    config.compressSavedActivations = false;
    Trainer plain(spec, data, config);
    config.compressSavedActivations = true;
    Trainer compact(spec, data, config);
    for (int s = 0; s < 5; ++s) {
        const StepReport a = plain.trainStep(), c = compact.trainStep();
        QVERIFY(sameBits(&a.loss, &c.loss, 1));
        QVERIFY(a.total.activationTotal().fraction() > 0.3); // the first step prunes too
    }
    const auto p = plain.network().parameters(), q = compact.network().parameters();
    QVERIFY(sameBits(p.data(), q.data(), static_cast<std::int64_t>(p.size())));
    QCOMPARE(compact.accumulated(), plain.accumulated());
    QVERIFY(compact.peakActivationMemory().heldBytes < 0.75 * plain.peakActivationMemory().heldBytes);
}

QTEST_APPLESS_MAIN(TestTrainActivationStore)
#include "test_train_activation_store.moc"
