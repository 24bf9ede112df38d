// Issue 15: the elector and acceltran-fast models read per-tensor bits from the model's
// CompressionSpec (core/sim/precision_bits.h). Hand-derived traffic and cycles at 16 → 8 → 4 →
// 1 weight bits, compute that does not move, a buffer that fits only at fewer bits, and the
// default spec costing what it cost before precision existed (golden numbers of the build
// before this change).
#include "design/technology_library.h"
#include "io/files.h"
#include "sim/acceltran_fast_model.h"
#include "sim/cost_model.h"
#include "sim/precision_bits.h"

#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace tcw;

namespace {

const std::filesystem::path kData = TCW_SOURCE_DATA_DIR;

TransformerSpec preset(const char* name) {
    const auto loaded = io::resolveTransformer(name, kData);
    if (!loaded.value)
        qFatal("model preset %s missing under %s", name, kData.string().c_str());
    return *loaded.value;
}

AcceleratorSpec accelerator(const char* name) {
    const auto loaded = io::resolveAccelerator(name, kData);
    if (!loaded.value)
        qFatal("accelerator preset %s missing under %s", name, kData.string().c_str());
    return loaded.value->spec;
}

// A 16-bit fixed-point technology (4 integer + 12 fraction bits): 16-bit tensors are native,
// so 8, 4 and 1 bits are exact halvings.
TechnologyLibrary sixteenBit() {
    TechnologyLibrary t = electorTechnology14nm();
    t.integerBits = 4;
    t.fractionBits = 12;
    return t;
}

// Weights of every linear layer at `bits` (16: float, the native width), activations native.
TransformerSpec withWeightBits(TransformerSpec m, int bits) {
    m.compression.precision[std::size_t(TensorRole::Weights)] =
        bits >= 16 ? Precision{bits, Quantizer::Float}
                   : Precision{bits, bits == 1 ? Quantizer::Sign : Quantizer::Symmetric};
    return m;
}

SimOptions dense(CostModelKind kind, SimMode mode = SimMode::Inference) {
    SimOptions o;
    o.costModel = kind;
    o.mode = mode;
    o.sparsity.activation = 0;
    o.sparsity.weight = 0;
    o.sparsity.gradient = 0;
    return o;
}

// Exact equality of doubles (QCOMPARE is fuzzy for them).
#define QCOMPARE_EXACT(actual, expected)                                                                               \
    do {                                                                                                               \
        const double a_ = (actual), e_ = (expected);                                                                   \
        if (!(a_ == e_))                                                                                               \
            QFAIL(qPrintable(                                                                                          \
                QString("%1 = %2, expected exactly %3").arg(#actual).arg(a_, 0, 'g', 17).arg(e_, 0, 'g', 17)));        \
    } while (false)

const OpCost& op(const SimResult& r, const std::string& name) {
    for (const auto& o : r.ops)
        if (o.name == name)
            return o;
    qFatal("no op %s", name.c_str());
}

} // namespace

class TestPrecisionCost : public QObject {
    Q_OBJECT

private slots:
    // The rules of precision_bits.h: float is native, fixed point its bits, training native,
    // wider than the data path a named problem.
    void precisionBitsRules() {
        CompressionSpec spec;
        QVERIFY(PrecisionBits(spec, 20, SimMode::Inference).allNative());
        QCOMPARE(PrecisionBits(spec, 20, SimMode::Inference).bits(TensorRole::Weights, 0), 20);
        spec.precision[std::size_t(TensorRole::Weights)] = {16, Quantizer::Float};
        QVERIFY(PrecisionBits(spec, 20, SimMode::Inference).allNative());
        spec.precision[std::size_t(TensorRole::Weights)] = {4, Quantizer::Symmetric};
        spec.layerPrecision.push_back({1, TensorRole::Weights, {1, Quantizer::Sign}});
        const PrecisionBits p(spec, 20, SimMode::Inference);
        QVERIFY(!p.allNative());
        QCOMPARE(p.bits(TensorRole::Weights, 0), 4);
        QCOMPARE(p.bits(TensorRole::Weights, 1), 1);
        QCOMPARE(p.bits(TensorRole::LinearInputs, 1), 20);
        QVERIFY(p.problems().empty());
        const PrecisionBits training(spec, 20, SimMode::Training);
        QVERIFY(training.allNative());
        QCOMPARE(training.bits(TensorRole::Weights, 1), 20);
        spec.precision[std::size_t(TensorRole::QueryKeyValue)] = {32, Quantizer::Symmetric};
        const PrecisionBits wide(spec, 20, SimMode::Inference);
        QCOMPARE(wide.problems().size(), std::size_t(1));
        QVERIFY(wide.problems()[0].find("compression.precision.qkv") != std::string::npos);
        QVERIFY(wide.problems()[0].find("20-bit") != std::string::npos);
    }

    // elector: a memory-bound weight load. bert-tiny's L0.ff0 is a 128 × 512 matrix and 512
    // biases; at 16-bit native (no sparsity) its main-memory traffic is 65536·b + 512·16 bits:
    // 132096, 66560, 33792, 9216 bytes at b = 16, 8, 4, 1 (biases stay native), ⌈bits / 785.365⌉
    // = 1346, 679, 345, 94 cycles on edge's low-bandwidth DRAM. With 16-token sequences (batch
    // 4) its compute is one wave of 4·1·32·8 = 1024 tiles on 1024 lanes, 16·16·16 / 16 = 256
    // cycles a tile, at every b. So the op takes max(256, memory): 1346 → 679 → 345 cycles,
    // falling as the bytes do, until at 1 bit the unchanged compute (256) bounds it.
    void electorMemoryBoundOpFallsWithTheBytes() {
        const TechnologyLibrary t = sixteenBit();
        const AcceleratorSpec a = accelerator("edge");
        const double bandwidth = t.mainMemoryBandwidthBitsPerCycle(a.mainMemory.mode);
        QCOMPARE(bandwidth, 785.365);
        struct Row {
            int bits;
            double bytes;
            std::int64_t memory, cycles;
            Bound bound;
        };
        const std::array<Row, 4> expected = {{{16, 132096, 1346, 1346, Bound::Memory},
                                              {8, 66560, 679, 679, Bound::Memory},
                                              {4, 33792, 345, 345, Bound::Memory},
                                              {1, 9216, 94, 256, Bound::Compute}}};
        SimOptions o = dense(CostModelKind::Elector);
        o.task.sequenceLength = 16;
        for (const Row& row : expected) {
            const SimResult r = simulate(withWeightBits(preset("bert-tiny"), row.bits), a, t, o);
            QVERIFY(r.feasible);
            const OpCost& ff = op(r, "L0.ff0");
            QCOMPARE_EXACT(ff.mainMemoryBytes, row.bytes);
            QCOMPARE(ff.memoryCycles, row.memory);
            QCOMPARE(ff.memoryCycles, static_cast<std::int64_t>(std::ceil(row.bytes * 8 / bandwidth)));
            QCOMPARE(ff.computeCycles, std::int64_t(256)); // the lanes stay 16-bit: no faster MACs
            QCOMPARE(ff.cycles, row.cycles);
            QCOMPARE(ff.bound, row.bound);
        }
    }

    // elector: a compute-bound op keeps its cycles. With 128-token sequences L0.ff0 is 8 waves
    // of 1024 tiles, 8 · 256 = 2048 cycles, above its memory time at every b (1346 at 16 bits):
    // fewer weight bits only shorten traffic that was already hidden behind compute.
    void electorComputeBoundOpDoesNotMove() {
        const TechnologyLibrary t = sixteenBit();
        const AcceleratorSpec a = accelerator("edge");
        const SimResult at16 = simulate(withWeightBits(preset("bert-tiny"), 16), a, t, dense(CostModelKind::Elector));
        const OpCost& ref = op(at16, "L0.ff0");
        QCOMPARE(ref.bound, Bound::Compute);
        QCOMPARE(ref.cycles, std::int64_t(2048));
        for (int bits : {8, 4, 1}) {
            const SimResult r =
                simulate(withWeightBits(preset("bert-tiny"), bits), a, t, dense(CostModelKind::Elector));
            const OpCost& ff = op(r, "L0.ff0");
            QCOMPARE(ff.cycles, std::int64_t(2048));
            QCOMPARE(ff.computeCycles, std::int64_t(2048));
            QCOMPARE(ff.macs, ref.macs);
            QVERIFY(ff.mainMemoryBytes < ref.mainMemoryBytes);
        }
        // The attention scores (Q·Kᵀ) read no weights: not one cycle or byte moves.
        const SimResult w1 = simulate(withWeightBits(preset("bert-tiny"), 1), a, t, dense(CostModelKind::Elector));
        QCOMPARE(op(w1, "L0.sa_sdp_x2.scores").cycles, op(at16, "L0.sa_sdp_x2.scores").cycles);
        QCOMPARE_EXACT(op(w1, "L0.sa_sdp_x2.scores").bufferBytes, op(at16, "L0.sa_sdp_x2.scores").bufferBytes);
    }

    // elector: softmax traffic. The probabilities are written at their role's bits: with no
    // sparsity the softmax of a layer (2 heads, 128 × 128 each, batch 4) reads 131072 scores at
    // 16 bits and writes 131072 probabilities at b bits: (131072·16 + 131072·b) / 8 bytes.
    void electorSoftmaxWritesProbabilitiesAtTheirBits() {
        const TechnologyLibrary t = sixteenBit();
        const AcceleratorSpec a = accelerator("edge");
        for (int bits : {16, 8, 4, 1}) {
            TransformerSpec m = preset("bert-tiny");
            if (bits < 16)
                m.compression.precision[std::size_t(TensorRole::AttentionProbabilities)] =
                    Precision{bits, bits == 1 ? Quantizer::Sign : Quantizer::Symmetric};
            const SimResult r = simulate(m, a, t, dense(CostModelKind::Elector));
            const OpCost& softmax = op(r, "L0.sa_sdp_x2.softmax");
            QCOMPARE(softmax.bufferBytes, (131072.0 * 16 + 131072.0 * bits) / 8);
        }
    }

    // elector: one 256 × 256 weight tile (tile y 256) needs 65536·b bits of weight buffer;
    // 0.0625 MB holds 524288 bits: at the native 20 bits and at 16 it does not fit (the reason
    // names the buffer and both sizes), at 8 it fits exactly, at 4 with room.
    void electorWeightTileFitsOnlyAtFewerBits() {
        const TechnologyLibrary t = electorTechnology14nm();
        AcceleratorSpec a = accelerator("edge");
        a.tileY = 256;
        a.weightBufferMB = 0.0625;
        auto at = [&](int bits) {
            TransformerSpec m = preset("bert-tiny");
            if (bits < 20) {
                const Precision p{bits, Quantizer::Symmetric};
                m.compression.precision[std::size_t(TensorRole::Weights)] = p;
                m.compression.precision[std::size_t(TensorRole::Classifier)] = p;
            }
            return simulate(m, a, t, dense(CostModelKind::Elector));
        };
        for (int bits : {20, 16}) {
            const SimResult r = at(bits);
            QVERIFY(!r.feasible);
            QVERIFY(!r.infeasibleReasons.empty());
            QVERIFY2(r.infeasibleReasons[0].find("weights need " + std::string(bits == 20 ? "0.156" : "0.125") +
                                                 " MB of weight buffer, it has 0.0625 MB") != std::string::npos,
                     r.infeasibleReasons[0].c_str());
        }
        QVERIFY(at(8).feasible);
        QVERIFY(at(4).feasible);
    }

    // A precision the 20-bit data path cannot hold is a reason, in both models.
    void widerThanTheDataPathIsInfeasible() {
        TransformerSpec m = preset("bert-tiny");
        m.compression.precision[std::size_t(TensorRole::Weights)] = {32, Quantizer::Symmetric};
        for (CostModelKind kind : {CostModelKind::Elector, CostModelKind::AcceltranFast}) {
            const SimResult r = simulate(m, accelerator("edge"), electorTechnology14nm(), SimOptions{kind});
            QVERIFY(!r.feasible);
            bool named = false;
            for (const auto& reason : r.infeasibleReasons)
                named = named || reason.find("compression.precision.weights: 32-bit symmetric is wider than the "
                                             "accelerator's 20-bit fixed point") != std::string::npos;
            QVERIFY(named);
        }
    }

    // acceltran-fast (W1)/(M1) with our extension: a feed-forward load of n = B·x·y values at
    // b bits takes ⌈n · wf_w · b / (IL + FL) / BW_mm⌉ cycles. bert-tiny's L0.ff0 on edge: n =
    // 4·128·512 = 262144; with s_w = 0 and 16-bit native, wf_w = 16, so 4194304 · b/16 bits.
    // Matmul cycles (C1) stay; the main-memory energy (M1) falls as the bits do.
    void acceltranFastLoadsFallWithTheBytes() {
        const TechnologyLibrary t = sixteenBit();
        const AcceleratorSpec a = accelerator("edge");
        const double bandwidth = t.mainMemoryBandwidthBitsPerCycle(a.mainMemory.mode);
        const SimResult at16 =
            simulate(withWeightBits(preset("bert-tiny"), 16), a, t, dense(CostModelKind::AcceltranFast));
        QVERIFY(at16.feasible);
        for (int bits : {16, 8, 4, 1}) {
            const SimResult r =
                simulate(withWeightBits(preset("bert-tiny"), bits), a, t, dense(CostModelKind::AcceltranFast));
            QVERIFY(r.feasible);
            const double loadBits = 262144.0 * 16 * bits / 16;
            const OpCost& load = op(r, "L0.ff0.load");
            QCOMPARE(load.mainMemoryBytes, loadBits / 8);
            QCOMPARE(load.cycles, static_cast<std::int64_t>(std::ceil(loadBits / bandwidth)));
            QCOMPARE(op(r, "L0.ff0.matmul").cycles, op(at16, "L0.ff0.matmul").cycles);
            QCOMPARE(op(r, "L0.heads").cycles, op(at16, "L0.heads").cycles); // group memory takes no time (M3)
            // Every weight load (feed-forward and heads) scales by b / 16; the embedding stays.
            QCOMPARE(r.energyOf(ModuleClass::MainMemory).dynamic,
                     at16.energyOf(ModuleClass::MainMemory).dynamic * bits / 16);
        }
    }

    // acceltran-fast (E1): the embedding table at the embeddings' bits decides feasibility.
    // bert-mini (H 256) on edge: (30522 + 128) · 256 values at wf_w = 20 · 0.5 = 10 bits are
    // 9.35 MB, over the 8 MB weight buffer; at 8 embedding bits (wf_w 4) they are 3.74 MB.
    void acceltranFastEmbeddingFitsAtFewerBits() {
        TransformerSpec m = preset("bert-mini");
        const SimOptions o{CostModelKind::AcceltranFast};
        const SimResult native = simulate(m, accelerator("edge"), electorTechnology14nm(), o);
        QVERIFY(!native.feasible);
        QVERIFY(native.infeasibleReasons[0].find("9.35 MB at 10 bits per value") != std::string::npos);
        m.compression.precision[std::size_t(TensorRole::Embeddings)] = {8, Quantizer::Symmetric};
        const SimResult eight = simulate(m, accelerator("edge"), electorTechnology14nm(), o);
        QVERIFY(eight.feasible);
        QCOMPARE(op(eight, "embedding").mainMemoryBytes, 30650.0 * 256 * 4 / 8);
    }

    // Training keeps latent weights, gradients and optimizer state at full precision: a w1a1
    // model trains at the cost of the f32 one in both models.
    void trainingIgnoresPrecision() {
        TransformerSpec w1a1 = preset("bert-tiny");
        for (TensorRole role : {TensorRole::Weights, TensorRole::LinearInputs, TensorRole::QueryKeyValue,
                                TensorRole::AttentionProbabilities, TensorRole::FeedForwardHidden})
            w1a1.compression.precision[std::size_t(role)] = {1, Quantizer::Sign};
        for (CostModelKind kind : {CostModelKind::Elector, CostModelKind::AcceltranFast}) {
            SimOptions o{kind};
            o.mode = SimMode::Training;
            const SimResult a = simulate(preset("bert-tiny"), accelerator("edge"), electorTechnology14nm(), o);
            const SimResult b = simulate(w1a1, accelerator("edge"), electorTechnology14nm(), o);
            QCOMPARE(b.cycles, a.cycles);
            QCOMPARE(b.totalEnergyNJ(), a.totalEnergyNJ());
        }
    }

    // The default spec (and one of float roles only) costs what the build before this change
    // did, bit for bit: cycles and energies printed by `tcw simulate --json` at commit 01e49cb.
    void defaultSpecCostsAsBefore_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("accelerator");
        QTest::addColumn<int>("costModel");
        QTest::addColumn<int>("mode");
        QTest::addColumn<qint64>("cycles");
        QTest::addColumn<double>("dynamicNJ");
        QTest::addColumn<double>("leakageNJ");
        const int E = int(CostModelKind::Elector), F = int(CostModelKind::AcceltranFast);
        const int I = int(SimMode::Inference), T = int(SimMode::Training);
        QTest::newRow("bert-tiny edge elector inference")
            << "bert-tiny"
            << "edge" << E << I << qint64(11695) << 141208.3348813867 << 74599.86523360571;
        QTest::newRow("bert-tiny edge elector training")
            << "bert-tiny"
            << "edge" << E << T << qint64(90892) << 740184.9562697194 << 580313.8393408778;
        QTest::newRow("bert-mini server elector inference")
            << "bert-mini"
            << "server" << E << I << qint64(30262) << 923006.8021227336 << 3381620.82522699;
        QTest::newRow("bert-small edge elector inference")
            << "bert-small"
            << "edge" << E << I << qint64(234690) << 3674462.670562776 << 1497036.543110297;
        QTest::newRow("bert-tiny edge acceltran-fast inference")
            << "bert-tiny"
            << "edge" << F << I << qint64(167596) << 1260592.246324663 << 133499.36814957715;
        QTest::newRow("bert-tiny server acceltran-fast training")
            << "bert-tiny"
            << "server" << F << T << qint64(17344) << 12406666.340251647 << 3375273.8606331614;
        QTest::newRow("bert-small server acceltran-fast inference")
            << "bert-small"
            << "server" << F << I << qint64(836614) << 383020667.3060977 << 90792385.29399428;
    }
    void defaultSpecCostsAsBefore() {
        QFETCH(QString, model);
        QFETCH(QString, accelerator);
        QFETCH(int, costModel);
        QFETCH(int, mode);
        QFETCH(qint64, cycles);
        QFETCH(double, dynamicNJ);
        QFETCH(double, leakageNJ);
        SimOptions o;
        o.costModel = CostModelKind(costModel);
        o.mode = SimMode(mode);
        TransformerSpec m = preset(model.toStdString().c_str());
        const AcceleratorSpec a = ::accelerator(accelerator.toStdString().c_str());
        const SimResult r = simulate(m, a, electorTechnology14nm(), o);
        QCOMPARE(qint64(r.cycles), cycles);
        QCOMPARE_EXACT(r.dynamicEnergyNJ(), dynamicNJ); // the same operations in the same order
        QCOMPARE_EXACT(r.leakageEnergyNJ(), leakageNJ);
        // Float roles are the native width too: 16-bit float everywhere changes nothing.
        for (auto& p : m.compression.precision)
            p = {16, Quantizer::Float};
        const SimResult f16 = simulate(m, a, electorTechnology14nm(), o);
        QCOMPARE(qint64(f16.cycles), cycles);
        QCOMPARE_EXACT(f16.dynamicEnergyNJ(), dynamicNJ);
        QCOMPARE_EXACT(f16.leakageEnergyNJ(), leakageNJ);
    }
};

QTEST_APPLESS_MAIN(TestPrecisionCost)
#include "test_precision_cost.moc"
