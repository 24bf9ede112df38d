// acceltran-fast against the reference fast mode: the published numbers of
// docs/acceltran-fast.md §10 (exact cycles, energies and area to 1e-9 relative) and edge cases
// of §11 worked out by hand from the equations.
#include "sim/acceltran_fast_model.h"
#include "sim/area_model.h"

#include <QtTest>

#include <cmath>
#include <map>

using namespace tcw;

namespace {

constexpr double kRelTol = 1e-9;

bool close(double actual, double expected, double tol = kRelTol) {
    if (expected == 0)
        return std::abs(actual) <= tol;
    return std::abs(actual - expected) <= tol * std::abs(expected);
}

#define QCOMPARE_REL(actual, expected)                                                                                 \
    do {                                                                                                               \
        const double a_ = (actual), e_ = (expected);                                                                   \
        if (!close(a_, e_))                                                                                            \
            QFAIL(qPrintable(QString("%1 = %2, expected %3 (relative difference %4)")                                  \
                                 .arg(#actual)                                                                         \
                                 .arg(a_, 0, 'g', 17)                                                                  \
                                 .arg(e_, 0, 'g', 17)                                                                  \
                                 .arg(e_ != 0 ? std::abs(a_ - e_) / std::abs(e_) : std::abs(a_), 0, 'g', 3)));         \
    } while (false)

// §7.4: the reference's config_tiny ("edge") and config_base ("server").
AcceleratorSpec configTiny() {
    AcceleratorSpec a;
    a.name = "config_tiny";
    a.tileB = 1;
    a.tileX = a.tileY = 16;
    a.nonlinearity = Nonlinearity::Gelu;
    a.peCount = 64;
    a.lanesPerPe = 16;
    a.macsPerLane = 16;
    a.softmaxPerPe = 4;
    a.batchSize = 4;
    a.activationBufferMB = 4;
    a.weightBufferMB = 8;
    a.maskBufferMB = 1;
    a.mainMemory = {MemoryType::Dram, 32, 2, 1, BandwidthMode::Low};
    return a;
}

AcceleratorSpec configBase() {
    AcceleratorSpec a = configTiny();
    a.name = "config_base";
    a.peCount = 512;
    a.lanesPerPe = 32;
    a.softmaxPerPe = 32;
    a.activationBufferMB = 32;
    a.weightBufferMB = 64;
    a.maskBufferMB = 8;
    a.mainMemory = {MemoryType::Rram, 32, 2, 1, BandwidthMode::High};
    return a;
}

AcceleratorSpec configNamed(const QString& name) {
    return name == "base" ? configBase() : configTiny();
}

LayerSpec layerOf(int hidden, std::vector<HeadSpec> heads, std::vector<int> feedForward) {
    LayerSpec l;
    l.hiddenSize = hidden;
    l.heads = std::move(heads);
    l.feedForwardSizes = std::move(feedForward);
    return l;
}

// §10: BERT-Tiny (2 × 2 sa_sdp_64, H 128, FF 512) and BERT-Base (12 × 12 sa_sdp_64, H 768, FF 3072).
TransformerSpec bert(int layers, int hidden, int heads, int feedForward) {
    TransformerSpec s;
    s.name = "bert";
    for (int l = 0; l < layers; ++l)
        s.layers.push_back(layerOf(hidden, std::vector<HeadSpec>(heads, {HeadType::SaSdp, 64}), {feedForward}));
    return s;
}

TransformerSpec modelNamed(const QString& name) {
    return name == "base" ? bert(12, 768, 12, 3072) : bert(2, 128, 2, 512);
}

SimOptions fastOptions(bool training) {
    SimOptions o;
    o.costModel = CostModelKind::AcceltranFast;
    o.mode = training ? SimMode::Training : SimMode::Inference;
    return o;
}

SimResult run(const TransformerSpec& m, const AcceleratorSpec& a, bool training, SimOptions o) {
    o.mode = training ? SimMode::Training : SimMode::Inference;
    return AcceltranFastModel(m, electorTechnology14nm(), o).evaluate(a);
}

SimResult run(const TransformerSpec& m, const AcceleratorSpec& a, bool training) {
    return run(m, a, training, fastOptions(training));
}

const OpCost* findOp(const SimResult& r, const std::string& name) {
    for (const OpCost& op : r.ops)
        if (op.name == name)
            return &op;
    return nullptr;
}

// The reference's record fields (§4), as printed in §10.
struct Golden {
    double areaMM2 = 0;
    qint64 cycles = 0;
    double buffer = 0, mainMemory = 0;
    double mac[2] = {}, softmax[2] = {}, layerNorm[2] = {}, sparsity[2] = {}, others[2] = {};
    double eDyn = 0, eLeak = 0;
};

// The §10.5 cycle split by op kind.
struct CycleSplit {
    qint64 embedding = 0, singleMemory = 0, singleMatMul = 0, layerNorm = 0, nonlinearity = 0, headGroups = 0;
};

} // namespace

Q_DECLARE_METATYPE(Golden)
Q_DECLARE_METATYPE(CycleSplit)

class TestAcceltranFast : public QObject {
    Q_OBJECT
private slots:
    // ----- §10.1-10.3: every field of the reference record --------------------------------
    void referenceRecords_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("config");
        QTest::addColumn<bool>("training");
        QTest::addColumn<Golden>("golden");

        Golden tinyInference;
        tinyInference.areaMM2 = 54.06426665203198;
        tinyInference.cycles = 167596;
        tinyInference.buffer = 4870.662082560001;
        tinyInference.mainMemory = 165123.38190336002;
        tinyInference.mac[0] = 786050.7677257145, tinyInference.mac[1] = 48258.19157065141;
        tinyInference.softmax[0] = 810.6405302857144, tinyInference.softmax[1] = 62.48389485714286;
        tinyInference.layerNorm[0] = 1026.0550217142857, tinyInference.layerNorm[1] = 60.276736;
        tinyInference.sparsity[0] = 131028.59494546287, tinyInference.sparsity[1] = 43899.50306011428;
        tinyInference.others[0] = 171682.1441155657, tinyInference.others[1] = 41218.91288795428;
        tinyInference.eDyn = 1260592.246325, tinyInference.eLeak = 133499.368150;
        QTest::newRow("10.1 bert-tiny config_tiny inference") << "tiny"
                                                              << "tiny" << false << tinyInference;

        Golden tinyTraining;
        tinyTraining.areaMM2 = 54.14520736499207;
        tinyTraining.cycles = 185388;
        tinyTraining.buffer = 12313.493649199389;
        tinyTraining.mainMemory = 165123.38190336002;
        tinyTraining.mac[0] = 912306.524160001, tinyTraining.mac[1] = 56009.43962111992;
        tinyTraining.softmax[0] = 810.6405302857144, tinyTraining.softmax[1] = 62.48389485714286;
        tinyTraining.layerNorm[0] = 2052.1100434285713, tinyTraining.layerNorm[1] = 120.55347200000003;
        tinyTraining.sparsity[0] = 419291.5038254815, tinyTraining.sparsity[1] = 140478.40979236565;
        tinyTraining.others[0] = 550420.9873609873, tinyTraining.others[1] = 132092.86003916792;
        tinyTraining.eDyn = 2062318.641473, tinyTraining.eLeak = 328763.746820;
        QTest::newRow("10.2 bert-tiny config_tiny training") << "tiny"
                                                             << "tiny" << true << tinyTraining;

        Golden baseInference;
        baseInference.areaMM2 = 1829.6963167631302;
        baseInference.cycles = 8049525;
        baseInference.buffer = 826578.7649871367;
        baseInference.mainMemory = 22913289.26318607;
        baseInference.mac[0] = 937470606.7046549, baseInference.mac[1] = 57554343.800339796;
        baseInference.softmax[0] = 116732.23636114306, baseInference.softmax[1] = 8997.680859428598;
        baseInference.layerNorm[0] = 36937.98078171429, baseInference.layerNorm[1] = 2169.9624959999996;
        baseInference.sparsity[0] = 1698130590.493195, baseInference.sparsity[1] = 568937559.659081;
        baseInference.others[0] = 1112500293.8688724, baseInference.others[1] = 267098555.5139423;
        baseInference.eDyn = 3771995029.312038, baseInference.eLeak = 893601626.616719;
        QTest::newRow("10.3 bert-base config_base inference") << "base"
                                                              << "base" << false << baseInference;
    }
    void referenceRecords() {
        QFETCH(QString, model);
        QFETCH(QString, config);
        QFETCH(bool, training);
        QFETCH(Golden, golden);
        const SimResult r = run(modelNamed(model), configNamed(config), training);
        QVERIFY(r.feasible);
        QCOMPARE(r.costModel, CostModelKind::AcceltranFast);
        QCOMPARE(r.clockMHz, 700.0);
        const AcceltranFastRecord rec = AcceltranFastModel::referenceRecord(r);
        QCOMPARE(rec.cycles, golden.cycles);
        QCOMPARE_REL(rec.areaMM2, golden.areaMM2);
        QCOMPARE_REL(rec.bufferNJ, golden.buffer);
        QCOMPARE_REL(rec.mainMemoryNJ, golden.mainMemory);
        QCOMPARE_REL(rec.macLanes.dynamic, golden.mac[0]);
        QCOMPARE_REL(rec.macLanes.leakage, golden.mac[1]);
        QCOMPARE_REL(rec.softmax.dynamic, golden.softmax[0]);
        QCOMPARE_REL(rec.softmax.leakage, golden.softmax[1]);
        QCOMPARE_REL(rec.layerNorm.dynamic, golden.layerNorm[0]);
        QCOMPARE_REL(rec.layerNorm.leakage, golden.layerNorm[1]);
        QCOMPARE_REL(rec.sparsity.dynamic, golden.sparsity[0]);
        QCOMPARE_REL(rec.sparsity.leakage, golden.sparsity[1]);
        QCOMPARE_REL(rec.others.dynamic, golden.others[0]);
        QCOMPARE_REL(rec.others.leakage, golden.others[1]);
        // (O1), (O2) through the generic SimResult totals: every energy has a module class.
        QCOMPARE_REL(r.dynamicEnergyNJ(), golden.eDyn);
        QCOMPARE_REL(r.leakageEnergyNJ(), golden.eLeak);
        QCOMPARE_REL(rec.dynamicNJ(), golden.eDyn);
        QCOMPARE_REL(rec.leakageNJ(), golden.eLeak);
        QCOMPARE_REL(r.totalAreaMM2(), golden.areaMM2);
    }

    // ----- §10.4: further reference points (summary numbers) -------------------------------
    void summaryPoints_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("config");
        QTest::addColumn<bool>("training");
        QTest::addColumn<double>("areaMM2");
        QTest::addColumn<qint64>("cycles");
        QTest::addColumn<double>("eDyn");
        QTest::addColumn<double>("eLeak");
        QTest::newRow("bert-base config_base training")
            << "base"
            << "base" << true << 1830.9913681704852 << qint64(8507181) << 5584318986.181585 << 1423789215.495278;
        QTest::newRow("bert-tiny config_base inference")
            << "tiny"
            << "base" << false << 1829.6963167631302 << qint64(14368) << 4496830.625584 << 1087878.814106;
    }
    void summaryPoints() {
        QFETCH(QString, model);
        QFETCH(QString, config);
        QFETCH(bool, training);
        QFETCH(double, areaMM2);
        QFETCH(qint64, cycles);
        QFETCH(double, eDyn);
        QFETCH(double, eLeak);
        const SimResult r = run(modelNamed(model), configNamed(config), training);
        QVERIFY(r.feasible);
        QCOMPARE(qint64(r.cycles), cycles);
        QCOMPARE_REL(r.totalAreaMM2(), areaMM2);
        QCOMPARE_REL(r.dynamicEnergyNJ(), eDyn);
        QCOMPARE_REL(r.leakageEnergyNJ(), eLeak);
    }

    // ----- §10.5: the cycle split, read from the per-op rows -------------------------------
    void cycleSplit_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("config");
        QTest::addColumn<bool>("training");
        QTest::addColumn<CycleSplit>("split");
        QTest::newRow("10.1") << "tiny"
                              << "tiny" << false << CycleSplit{49954, 13930, 81920, 256, 1024, 20512};
        QTest::newRow("10.2") << "tiny"
                              << "tiny" << true << CycleSplit{49954, 14854, 88476, 512, 2048, 29544};
        QTest::newRow("10.3") << "base"
                              << "base" << false << CycleSplit{29973, 309204, 6635520, 1152, 36864, 1036812};
    }
    void cycleSplit() {
        QFETCH(QString, model);
        QFETCH(QString, config);
        QFETCH(bool, training);
        QFETCH(CycleSplit, split);
        const SimResult r = run(modelNamed(model), configNamed(config), training);
        std::map<OpKind, qint64> byKind;
        qint64 sum = 0;
        double energySum = 0;
        for (const OpCost& op : r.ops) {
            byKind[op.kind] += op.cycles;
            sum += op.cycles;
            energySum += op.dynamicEnergyNJ;
        }
        QCOMPARE(byKind[OpKind::Embedding], split.embedding);
        QCOMPARE(byKind[OpKind::Load] + byKind[OpKind::Store], split.singleMemory);
        QCOMPARE(byKind[OpKind::MatMul], split.singleMatMul);
        QCOMPARE(byKind[OpKind::LayerNorm], split.layerNorm);
        QCOMPARE(byKind[OpKind::Nonlinearity], split.nonlinearity);
        QCOMPARE(byKind[OpKind::HeadGroup], split.headGroups);
        QCOMPARE(sum, qint64(r.cycles));
        QCOMPARE_REL(energySum, r.dynamicEnergyNJ()); // the rows carry all the dynamic energy
    }

    // §10.5 op-level values: the FF matmuls, one head group, and k_bwd = 1.0 − 0.9 (1639).
    void anatomyOfBertTiny() {
        const SimResult r = run(modelNamed("tiny"), configTiny(), true);
        QCOMPARE(findOp(r, "L0.ff0.load")->cycles, qint64(3338));
        QCOMPARE(findOp(r, "L0.ff0.store")->cycles, qint64(231));
        QCOMPARE(findOp(r, "L0.ff1.store")->cycles, qint64(58));
        QCOMPARE(findOp(r, "L0.ff0.load")->memoryCycles, qint64(3338)); // main memory (M1)
        QCOMPARE(findOp(r, "L0.ff0.store")->bufferCycles, qint64(231)); // buffer (M2)
        QCOMPARE(findOp(r, "L0.ff0.store")->bound, Bound::Buffer);
        QCOMPARE(findOp(r, "L0.ff0.store")->bufferBytes, 4.0 * 128 * 512 * 10 / 8); // wf_a = 10 bits
        QCOMPARE(findOp(r, "L0.ff0.matmul")->cycles, qint64(8192));
        QCOMPARE(findOp(r, "L0.ff1.matmul")->cycles, qint64(32768));
        QCOMPARE(findOp(r, "L0.ln0")->cycles, qint64(64));
        QCOMPARE(findOp(r, "L0.ff0.nl")->cycles, qint64(256));
        QCOMPARE(findOp(r, "L0.heads")->cycles, qint64(10256));
        QCOMPARE(findOp(r, "L1.heads")->cycles, qint64(10256));
        QCOMPARE(findOp(r, "L0.ff0.dW")->cycles, qint64(1639));
        QCOMPARE(findOp(r, "L0.ff1.dW")->cycles, qint64(1639));
        QCOMPARE(findOp(r, "L0.ff0.dW.store")->cycles, qint64(231));
        QCOMPARE(findOp(r, "L0.heads.bwd")->cycles, qint64(4516));
        QCOMPARE(findOp(r, "L0.heads.bwd")->phase, Phase::Backward);
        QCOMPARE(r.cyclesByPhase[int(Phase::Forward)], qint64(167596)); // = the inference run
        QCOMPARE(r.cyclesByPhase[int(Phase::Backward)], qint64(185388 - 167596));
        QCOMPARE(r.cyclesByPhase[int(Phase::Update)], qint64(0));
        QCOMPARE_REL(r.energyByPhaseNJ[0] + r.energyByPhaseNJ[1], r.dynamicEnergyNJ());
        // The forward pass of a training run costs what inference costs, plus stochastic
        // rounding on the 163840 MAC tiles of the forward groups (C3, W6).
        const SimResult inference = run(modelNamed("tiny"), configTiny(), false);
        QCOMPARE_REL(r.energyByPhaseNJ[int(Phase::Forward)],
                     inference.dynamicEnergyNJ() + 0.0216570 * 64 / 700 * 163840);
        QCOMPARE(inference.cyclesByPhase[int(Phase::Backward)], qint64(0));
        QCOMPARE(inference.energyOf(ModuleClass::StochasticRounding).dynamic, 0.0);
    }

    // "others" split into FIFO, dataflow, DMA and rounding by their powers (W6, C3).
    void othersSplitByModule() {
        const TechnologyLibrary t = electorTechnology14nm();
        const SimResult r = run(modelNamed("tiny"), configTiny(), true);
        // 10.5: MAC-class tiles inside groups, inference 163840; training adds backward groups.
        const double perTile = 64.0 / 700.0;
        const double tiles = r.energyOf(ModuleClass::Dataflow).dynamic / (t.dataflow.dynamicPowerMW * perTile);
        QCOMPARE_REL(r.energyOf(ModuleClass::Fifo).dynamic, t.fifo.dynamicPowerMW * perTile * tiles);
        QCOMPARE_REL(r.energyOf(ModuleClass::Dma).leakage, t.dma.leakagePowerMW * perTile * tiles);
        QCOMPARE_REL(r.energyOf(ModuleClass::StochasticRounding).dynamic,
                     t.stochasticRounding.dynamicPowerMW * perTile * tiles);
        QCOMPARE_REL(tiles, std::round(tiles));
        const SimResult inference = run(modelNamed("tiny"), configTiny(), false);
        QCOMPARE_REL(inference.energyOf(ModuleClass::Dataflow).dynamic, t.dataflow.dynamicPowerMW * perTile * 163840);
    }

    // ----- §8: infeasibility (E1) and invalid configs --------------------------------------
    void bertBaseOnConfigTinyIsInfeasible() {
        const SimResult r = run(modelNamed("base"), configTiny(), false);
        QVERIFY(!r.feasible);
        QCOMPARE(r.infeasibleReasons.size(), std::size_t(1));
        const QString reason = QString::fromStdString(r.infeasibleReasons.front());
        QVERIFY2(reason.contains("embedding table"), qPrintable(reason));
        QVERIFY2(reason.contains("235392000 bits"), qPrintable(reason)); // 30650 · 768 · 10
        QVERIFY2(reason.contains("28.06 MB"), qPrintable(reason));
        QVERIFY2(reason.contains("weight buffer (8 MB"), qPrintable(reason));
        QCOMPARE(r.cycles, std::int64_t(0));
        QCOMPARE(r.dynamicEnergyNJ(), 0.0);
        QCOMPARE_REL(r.totalAreaMM2(), 54.06426665203198); // still reported for the explorer
    }

    void embeddingCapacity_data() {
        QTest::addColumn<int>("hidden");
        QTest::addColumn<double>("weightBufferMB");
        QTest::addColumn<bool>("feasible");
        // §8 table: infeasible weight buffers per H_0.
        QTest::newRow("128 / 8") << 128 << 8.0 << true;
        QTest::newRow("256 / 8") << 256 << 8.0 << false;
        QTest::newRow("256 / 16") << 256 << 16.0 << true;
        QTest::newRow("512 / 16") << 512 << 16.0 << false;
        QTest::newRow("512 / 32") << 512 << 32.0 << true;
        QTest::newRow("768 / 16") << 768 << 16.0 << false;
        QTest::newRow("768 / 32") << 768 << 32.0 << true;
    }
    void embeddingCapacity() {
        QFETCH(int, hidden);
        QFETCH(double, weightBufferMB);
        QFETCH(bool, feasible);
        AcceleratorSpec a = configTiny();
        a.weightBufferMB = weightBufferMB;
        const SimResult r = run(bert(1, hidden, 2, 4 * hidden), a, false);
        QCOMPARE(r.feasible, feasible);
        QCOMPARE(r.infeasibleReasons.empty(), feasible);
    }

    void invalidConfigs_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("reasonContains");
        QTest::newRow("tileX != tileY") << "tileY"
                                        << "tileX == tileY";
        QTest::newRow("tileB > batch") << "tileB"
                                       << "tile.tileB";
        QTest::newRow("no lane variant") << "macs"
                                         << "macsPerLane";
        QTest::newRow("no softmax variant") << "tile"
                                            << "tile.tileX";
        QTest::newRow("unknown memory") << "memory"
                                        << "mainMemory";
    }
    void invalidConfigs() {
        QFETCH(QString, change);
        QFETCH(QString, reasonContains);
        AcceleratorSpec a = configTiny();
        if (change == "tileY")
            a.tileY = 8;
        else if (change == "tileB")
            a.tileB = 8;
        else if (change == "macs")
            a.macsPerLane = 4;
        else if (change == "tile")
            a.tileX = a.tileY = 12;
        else if (change == "memory")
            a.mainMemory = {MemoryType::Hbm, 4, 4, 4, BandwidthMode::High};
        SimResult r;
        const auto model = modelNamed("tiny");
        r = run(model, a, false); // must not throw
        QVERIFY(!r.feasible);
        QVERIFY(!r.infeasibleReasons.empty());
        bool found = false;
        for (const auto& reason : r.infeasibleReasons)
            found = found || QString::fromStdString(reason).contains(reasonContains);
        QVERIFY2(found, qPrintable(QString::fromStdString(r.infeasibleReasons.front())));
        QCOMPARE(r.cycles, std::int64_t(0));
    }

    void invalidModelAndSparsityAreReported() {
        TransformerSpec empty;
        QVERIFY(!run(empty, configTiny(), false).feasible);
        SimOptions o = fastOptions(false);
        o.sparsity.activation = 1.5;
        const SimResult r = run(modelNamed("tiny"), configTiny(), false, o);
        QVERIFY(!r.feasible);
        QVERIFY(QString::fromStdString(r.infeasibleReasons.front()).contains("sparsity.activation"));
    }

    // ----- §11 edge cases, worked by hand from the equations ------------------------------

    // Only c_13 heads at tile 8 in training (quirk 8): per conv T = 4·16·16 = 1024 tiles;
    // forward m = 8·(8 − 13) = −40, c = ⌈1024·(−40)/16384·0.5⌉ = ⌈−1.25⌉ = −1; backward
    // m = 8·(8 − 128) = −960, c = ⌈−60·0.09999999999999998⌉ = −5. Eight heads in series on
    // the MAC unit: −8 forward, −40 backward.
    void negativeConvolutionGroups() {
        AcceleratorSpec a = configTiny();
        a.tileX = a.tileY = 8;
        TransformerSpec m;
        m.layers.push_back(layerOf(128, std::vector<HeadSpec>(8, {HeadType::C13, 16}), {512}));
        const SimResult r = run(m, a, true);
        QVERIFY(r.feasible);
        QCOMPARE(findOp(r, "L0.heads")->cycles, qint64(-8));
        QCOMPARE(findOp(r, "L0.heads.bwd")->cycles, qint64(-40));
        // Forward: embedding ⌈30650·128·10/785.365⌉ = 49954; LN T = 4·16·16 = 1024,
        // c = ⌈1024·16·0.5/64⌉ = 128 (×2); FF 128→512: load 3338, matmul T = 4·16·16·16·64,
        // c = T·512/16384·0.5 = 16384, store 231, NL = R = 1024; FF 512→128: load 3338,
        // matmul 65536, store 58, NL 1024.
        QCOMPARE(r.cyclesByPhase[int(Phase::Forward)],
                 qint64(49954 - 8 + 128 + (3338 + 16384 + 231 + 1024) + (3338 + 65536 + 58 + 1024) + 128));
        // Backward: LN 128, NL 1024, dW (4,512,128)×(4,128,128): T = 4·64·16·16·16,
        // c = ⌈32768·k_bwd⌉ = 3277, store 231; NL 1024, dW 3277, store 231; LN 128; heads −40.
        QCOMPARE(r.cyclesByPhase[int(Phase::Backward)], qint64(128 + 1024 + 3277 + 231 + 1024 + 3277 + 231 + 128 - 40));
        // (C3) is charged per tile with positive T even though the cycles are negative.
        const double sparsityPerTile = (0.2852968 + 0.2613971) * 1024 / 700;
        QCOMPARE_REL(r.energyOf(ModuleClass::Sparsity).dynamic, sparsityPerTile * (8 * 1024 + 8 * 1024));
        QCOMPARE(r.utilisation[int(ModuleClass::MacLanes)] >= 0, true);
    }

    // c_9 at tile 8 is negative as well; c_5 is not (T4): forward m = 8·(8 − 9) = −8,
    // c = ⌈1024·(−8)/16384·0.5⌉ = ⌈−0.25⌉ = 0; c_5: m = 24, c = ⌈0.75⌉ = 1.
    void convolutionAtTile8_data() {
        QTest::addColumn<int>("headType");
        QTest::addColumn<qint64>("groupCycles");
        QTest::newRow("c_5") << int(HeadType::C5) << qint64(4);
        QTest::newRow("c_9") << int(HeadType::C9) << qint64(0);
        QTest::newRow("c_13") << int(HeadType::C13) << qint64(-4);
    }
    void convolutionAtTile8() {
        QFETCH(int, headType);
        QFETCH(qint64, groupCycles);
        AcceleratorSpec a = configTiny();
        a.tileX = a.tileY = 8;
        TransformerSpec m;
        m.layers.push_back(layerOf(128, std::vector<HeadSpec>(4, {HeadType(headType), 32}), {512}));
        QCOMPARE(findOp(run(m, a, false), "L0.heads")->cycles, groupCycles);
    }

    // A layer of only `l` heads, training, with an empty FF stack: the backward group is
    // empty (quirk 10), and there is no FF and no NL. Per head: MM (4,128,128)×(4,128,128),
    // T = 4·8·8·8·8 = 16384, c = 16384·4096/16384·0.5 = 2048; LN T = 256, c = 64.
    void transformHeadsOnlyWithoutFeedForward() {
        TransformerSpec m;
        m.layers.push_back(layerOf(128, {{HeadType::LDft, 64}, {HeadType::LDct, 7}}, {}));
        const SimResult r = run(m, configTiny(), true);
        QVERIFY(r.feasible);
        QCOMPARE(findOp(r, "L0.heads")->cycles, qint64(2 * 2048));
        const OpCost* backwardGroup = findOp(r, "L0.heads.bwd");
        QVERIFY(backwardGroup);
        QCOMPARE(backwardGroup->cycles, qint64(0));
        QCOMPARE(backwardGroup->dynamicEnergyNJ, 0.0);
        QCOMPARE(r.cycles, std::int64_t(49954 + 4096 + 64 + 64 + 64 + 64));
        for (const OpCost& op : r.ops)
            QVERIFY2(op.kind != OpKind::Nonlinearity && op.kind != OpKind::MatMul, op.name.c_str());
        // Energies (C2-C5, M3): loads 2 DFT/DCT matrices (4,128,128); stores 2 × (4,128,128);
        // MAC cycles 4096; LN cycles 4 × 64; group tiles 2 × 16384.
        const double elements = 2.0 * 4 * 128 * 128;
        QCOMPARE_REL(r.energyOf(ModuleClass::MainMemory).dynamic, 13.43777522 * elements * 0.5 / 64);
        QCOMPARE_REL(r.energyOf(ModuleClass::ActivationBuffer).dynamic, 0.079275099 * std::sqrt(4.0) * elements / 64);
        QCOMPARE(r.energyOf(ModuleClass::WeightBuffer).dynamic, 0.0);
        QCOMPARE_REL(r.energyOf(ModuleClass::MacLanes).dynamic, 5.1955 * 1024 / 700 * 4096);
        QCOMPARE_REL(r.energyOf(ModuleClass::LayerNorm).leakage, 2.5753 * 64 / 700 * 256);
        QCOMPARE_REL(r.energyOf(ModuleClass::Sparsity).leakage, (0.1507329 + 0.0324301) * 1024 / 700 * 32768);
        QCOMPARE_REL(r.energyOf(ModuleClass::Dataflow).dynamic, 11.3711 * 64 / 700 * 32768);
        QCOMPARE(r.energyOf(ModuleClass::Softmax).dynamic, 0.0);
    }

    // One wma head (H 128, d 64): forward Q, K, V 1024 each, W·Kᵀ (4,64,64)×(4,64,128)
    // T = 4·4·4·4·8 = 2048 → 256, Q·Kᵀ 512, softmax 16, P·V 1024, output 512 = 5392.
    // Backward: the 13 sdp matmuls (2258, half of §10.5's 4516) plus (d,S,S) 205 and
    // (d,S,d) 103.
    void weightedMultiplicativeHead() {
        TransformerSpec m;
        m.layers.push_back(layerOf(128, {{HeadType::SaWma, 64}}, {512}));
        const SimResult r = run(m, configTiny(), true);
        QCOMPARE(findOp(r, "L0.heads")->cycles, qint64(3 * 1024 + 256 + 512 + 16 + 1024 + 512));
        QCOMPARE(findOp(r, "L0.heads.bwd")->cycles, qint64(2258 + 205 + 103));
    }

    // Three layers 128 → 256 → 128 with projections: forward NLs use their own layer's LN
    // tiles, but the backward projection NL of layer ℓ uses layer ℓ+1's (quirk 4).
    void staleTileRegisterAcrossProjections() {
        TransformerSpec m;
        m.layers.push_back(layerOf(128, {{HeadType::SaSdp, 64}, {HeadType::C9, 64}}, {256}));
        m.layers.push_back(layerOf(256, {{HeadType::LDft, 64}, {HeadType::SaWma, 32}}, {512}));
        m.layers.push_back(layerOf(128, {{HeadType::SaSdp, 32}}, {}));
        const SimResult r = run(m, configTiny(), true);
        QVERIFY(r.feasible);
        // T_ew(4,128,128) = 4·8·8 = 256; T_ew(4,128,256) = 512.
        QCOMPARE(findOp(r, "L0.proj.nl")->cycles, qint64(256));
        QCOMPARE(findOp(r, "L1.proj.nl")->cycles, qint64(512));
        QCOMPARE(findOp(r, "L0.proj.nl.bwd")->cycles, qint64(512)); // R from L1.ln0.bwd
        QCOMPARE(findOp(r, "L1.proj.nl.bwd")->cycles, qint64(256)); // R from L2.ln0.bwd
        QCOMPARE(findOp(r, "L1.ff0.nl")->cycles, qint64(512));      // sized by R, not (4,128,256)
        QCOMPARE(findOp(r, "L0.ff1.nl")->cycles, qint64(256));      // NL after the last FF, quirk 3
        QVERIFY(!findOp(r, "L2.ff0.load"));                         // empty stack: no FF, no NL
        QVERIFY(!findOp(r, "L2.proj.load"));
        // Projection FF 128 → 256: load (4,128,256) ⌈1310720/785.365⌉ = 1669.
        QCOMPARE(findOp(r, "L0.proj.load")->cycles, qint64(1669));
    }

    // Heads in a non-canonical order change the overlap (3.8) but not the energy.
    void headOrderMattersForCyclesOnly() {
        TransformerSpec a;
        a.layers.push_back(layerOf(128, {{HeadType::SaSdp, 64}, {HeadType::LDft, 64}, {HeadType::SaSdp, 64}}, {512}));
        TransformerSpec b = a;
        b.layers[0].heads = {{HeadType::SaSdp, 64}, {HeadType::SaSdp, 64}, {HeadType::LDft, 64}};
        const SimResult ra = run(a, configTiny(), false);
        const SimResult rb = run(b, configTiny(), false);
        QCOMPARE_REL(ra.dynamicEnergyNJ(), rb.dynamicEnergyNJ());
        // a: h0 Q K V QKᵀ on MAC (3584); h0 softmax (16) ‖ h1 DFT (2048): δ 16 then 2032;
        // h0 P·V 1024, output 512; h2 alone: 3584, softmax 16, P·V 1024, output 512.
        QCOMPARE(findOp(ra, "L0.heads")->cycles, qint64(3584 + 16 + 2032 + 1024 + 512 + 3584 + 16 + 1024 + 512));
        // b: h0 and h1 as in §10.5 up to h1's softmax (3584 + 16 + 1008 + 1024 + 512 + 2560),
        // which overlaps h2's DFT (16, then 2032); then h1's P·V 1024 and output 512.
        QCOMPARE(findOp(rb, "L0.heads")->cycles, qint64(3584 + 16 + 1008 + 1024 + 512 + 2560 + 16 + 2032 + 1024 + 512));
    }

    // The task shape replaces the reference's hard-coded S = 128 and V = 30522: the embedding
    // table is (V + S, H_0) and the backward conv kernel is S. Eight c_13 heads, H 128, tile 8:
    // conv T = 4·⌈S/8⌉·16; forward m = −40, backward m = 8·(8 − S).
    //   S 64: forward ⌈512·(−40)/16384·0.5⌉ = ⌈−0.625⌉ = 0; backward ⌈−14·k_bwd⌉ = −1 per head.
    void taskShapeIsUsed_data() {
        QTest::addColumn<int>("sequenceLength");
        QTest::addColumn<int>("vocabularySize");
        QTest::addColumn<qint64>("embeddingCycles"); // ⌈(V + S)·128·10 / 785.365⌉
        QTest::addColumn<qint64>("forwardGroupCycles");
        QTest::addColumn<qint64>("backwardGroupCycles");
        QTest::newRow("reference S 128, V 30522") << 128 << 30522 << qint64(49954) << qint64(-8) << qint64(-40);
        QTest::newRow("S 64") << 64 << 30522 << qint64(49850) << qint64(0) << qint64(-8);
        QTest::newRow("V 0 (patch inputs)") << 128 << 0 << qint64(209) << qint64(-8) << qint64(-40);
    }
    void taskShapeIsUsed() {
        QFETCH(int, sequenceLength);
        QFETCH(int, vocabularySize);
        QFETCH(qint64, embeddingCycles);
        QFETCH(qint64, forwardGroupCycles);
        QFETCH(qint64, backwardGroupCycles);
        AcceleratorSpec a = configTiny();
        a.tileX = a.tileY = 8;
        TransformerSpec m;
        m.layers.push_back(layerOf(128, std::vector<HeadSpec>(8, {HeadType::C13, 16}), {512}));
        SimOptions o = fastOptions(true);
        o.task.sequenceLength = sequenceLength;
        o.task.vocabularySize = vocabularySize;
        const SimResult r = run(m, a, true, o);
        QVERIFY(r.feasible);
        QCOMPARE(findOp(r, "embedding")->cycles, embeddingCycles);
        QCOMPARE(findOp(r, "L0.heads")->cycles, forwardGroupCycles);
        QCOMPARE(findOp(r, "L0.heads.bwd")->cycles, backwardGroupCycles);
    }

    // ----- options, determinism, speed-related behaviour ----------------------------------
    void breakdownOffGivesTheSameTotals() {
        SimOptions o = fastOptions(true);
        o.opBreakdown = false;
        const SimResult quick = run(modelNamed("tiny"), configTiny(), true, o);
        SimResult full = run(modelNamed("tiny"), configTiny(), true);
        QVERIFY(quick.ops.empty());
        QVERIFY(!full.ops.empty());
        full.ops.clear();
        QCOMPARE(quick, full);
    }

    void preparedModelIsReusable() {
        const AcceltranFastModel model(modelNamed("tiny"), electorTechnology14nm(), fastOptions(false));
        const SimResult first = model.evaluate(configTiny());
        model.evaluate(configBase());
        QCOMPARE(model.evaluate(configTiny()), first);
        QCOMPARE(model.evaluate(configBase()).cycles, std::int64_t(14368));
        auto viaFactory = makeAcceltranFastModel(modelNamed("tiny"), electorTechnology14nm(), fastOptions(false));
        QCOMPARE(viaFactory->kind(), CostModelKind::AcceltranFast);
        QCOMPARE(viaFactory->evaluate(configTiny()), first);
    }

    void profileMeanIsUsed() {
        SimOptions o = fastOptions(true);
        auto profile = std::make_shared<SparsityProfile>();
        profile->layers = {{0.4, 0.5, 0.9, 0.3}, {0.6, 0.5, 0.9, 0.1}}; // mean: 0.5, 0.5, 0.9
        o.sparsity.profile = profile;
        o.sparsity.activation = 0.1; // overridden by the profile
        const AcceltranFastModel model(modelNamed("tiny"), electorTechnology14nm(), o);
        QCOMPARE(model.sparsities().activation, 0.5);
        QCOMPARE(model.sparsities().gradient, 0.9);
        QCOMPARE(model.evaluate(configTiny()).cycles, std::int64_t(185388));
    }

    void utilisationIsAFraction() {
        const SimResult r = run(modelNamed("base"), configBase(), true);
        for (ModuleClass m : {ModuleClass::MacLanes, ModuleClass::Softmax, ModuleClass::LayerNorm}) {
            const double u = r.utilisation[int(m)];
            QVERIFY(u > 0 && u <= 1);
        }
        // 10.5: 103424 MAC cycles of 167596.
        const SimResult tiny = run(modelNamed("tiny"), configTiny(), false);
        QCOMPARE_REL(tiny.utilisation[int(ModuleClass::MacLanes)], 103424.0 / 167596.0);
        QCOMPARE_REL(tiny.utilisation[int(ModuleClass::Softmax)], 64.0 / 167596.0);
    }

    void areaMatchesSection5() {
        // (A1)-(A4) worked examples; acceleratorAreaMM2 is shared with the elector model.
        const TechnologyLibrary t = electorTechnology14nm();
        auto total = [](const std::array<double, kModuleClassCount>& a) {
            double s = 0;
            for (double v : a)
                s += v;
            return s;
        };
        QCOMPARE_REL(total(acceleratorAreaMM2(configTiny(), t, SimMode::Inference)), 54.064266652);
        QCOMPARE_REL(total(acceleratorAreaMM2(configTiny(), t, SimMode::Training)), 54.145207365);
        QCOMPARE_REL(total(acceleratorAreaMM2(configBase(), t, SimMode::Inference)), 1829.696316763);
        QCOMPARE_REL(total(acceleratorAreaMM2(configBase(), t, SimMode::Training)), 1830.991368170);
    }
};

QTEST_GUILESS_MAIN(TestAcceltranFast)
#include "test_acceltran_fast.moc"
