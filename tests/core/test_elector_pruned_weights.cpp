// Issue 16: the elector model with a pruned run's weight masks — load across PEs per wave
// (sim::peLoad) and stored weights at their format's exact size — against counts worked out
// by hand (docs/simulator.md §3.1a, §3.2a).
#include "sim/cost_model.h"
#include "sim/elector_model.h"
#include "sim/weight_tiles.h"

#include <QtTest>

#include <cmath>

using namespace tcw;
using compress::SparseFormat;
using compress::WeightMask;

namespace {

const OpCost* findOp(const SimResult& r, const std::string& name) {
    for (const auto& op : r.ops)
        if (op.name == name)
            return &op;
    return nullptr;
}

// One 64 × 64 weight matmul over 32 tokens (two 16-row tiles), nothing else.
Workload oneWeightOp() {
    Workload w;
    w.model = uniformTransformer(1, 64, 1, 64);
    w.mode = SimMode::Inference;
    w.layerCount = 1;
    w.savedActivationElements = {0};
    w.layerWeightElements = {64 * 64};
    WorkOp op;
    op.name = "ff";
    op.kind = OpKind::MatMul;
    op.phase = Phase::Forward;
    op.layer = 0;
    op.m = 32;
    op.k = 64;
    op.n = 64;
    op.a = {true, false, StorageKind::Activation};
    op.b = {false, true, StorageKind::Weight};
    op.density = DensitySource::Dense;
    op.weightReadElements = 64 * 64;
    w.ops.push_back(op);
    return w;
}

// Keeps the 16 × 16 blocks (block row, block column) for which keep(r, c) holds.
template <class Keep> WeightMask blockMask(Keep keep) {
    WeightMask m(64, 64, false);
    for (int r = 0; r < 64; ++r)
        for (int c = 0; c < 64; ++c)
            m.set(r, c, keep(r / 16, c / 16));
    return m;
}

// 2 PEs of 2 lanes, one sequence: a wave gives each PE 2 tiles; a 16 × 16 × 16 tile takes
// 16·16·16 / 16 = 256 cycles on a lane of 16 multipliers.
AcceleratorSpec twoPes() {
    AcceleratorSpec a;
    a.peCount = 2;
    a.lanesPerPe = 2;
    a.batchSize = 1;
    a.tileB = 1;
    return a;
}

// The sparsity profile's weight sparsity set to 0: unpruned weights dense (its default, 0.5,
// would store them as a bitmap of half zeros).
SimResult run(Workload w, const AcceleratorSpec& a, std::optional<SparseFormat> format = std::nullopt,
              double profileWeightSparsity = 0) {
    SimOptions o;
    o.weightFormat = format;
    o.sparsity.weight = profileWeightSparsity;
    const TechnologyLibrary technology = electorTechnology14nm(); // the model keeps a reference: it must outlive it
    const ElectorModel model(std::move(w), technology, o);
    return model.evaluate(a);
}

} // namespace

class TestElectorPrunedWeights : public QObject {
    Q_OBJECT

private slots:
    // Half of the 16 blocks kept either way. Unbalanced: block columns 0 and 2 whole, so
    // tile columns 0 and 2 — both PE 0's (column j to PE j mod 2): PE 0 walks 8 weight tiles,
    // PE 1 none; two row tiles meet each, 16 tiles on PE 0's 2 lanes, 8 waves × 256 = 2048
    // cycles, as many as the dense op (32 tiles on 4 lanes). Balanced: block rows 0 and 1 of
    // every column, 4 tiles per PE: 2·4 / 2 = 4 waves, 1024 cycles.
    void busiestPeSetsTheWaves() {
        const AcceleratorSpec a = twoPes();
        QCOMPARE(a.tileX, 16);
        QCOMPARE(a.macsPerLane, 16);
        const SimResult dense = run(oneWeightOp(), a);
        QVERIFY2(dense.feasible, dense.infeasibleSummary().c_str());
        QCOMPARE(findOp(dense, "ff")->computeCycles, std::int64_t(2048));

        Workload unbalanced = oneWeightOp();
        attachWeightMask(unbalanced, "ff", blockMask([](int, int c) { return c % 2 == 0; }));
        QCOMPARE(findOp(run(unbalanced, a), "ff")->computeCycles, std::int64_t(2048));

        Workload balanced = oneWeightOp();
        attachWeightMask(balanced, "ff", blockMask([](int r, int) { return r < 2; }));
        QCOMPARE(findOp(run(balanced, a), "ff")->computeCycles, std::int64_t(1024));

        // Four PEs of one lane: the unbalanced mask now has PEs 0 and 2 busy with 4 tiles each,
        // 2·4 / 1 = 8 waves; the dense op 32 tiles on 4 lanes, 8 waves too.
        AcceleratorSpec four = twoPes();
        four.peCount = 4;
        four.lanesPerPe = 1;
        QCOMPARE(findOp(run(unbalanced, four), "ff")->computeCycles, std::int64_t(2048));
        QCOMPARE(findOp(run(balanced, four), "ff")->computeCycles, std::int64_t(512 * 2));
    }

    // The balanced mask's 8 kept 16 × 16 blocks at b = 20 bits (the 14 nm table): BCSR is the
    // smallest, K·(b_r·b_c·b + ⌈log₂ 4⌉) + (4 + 1)·⌈log₂ 9⌉ = 8·(5120 + 2) + 20 = 40996 bits;
    // bitmap + values 64·64 + 2048·20 = 45056; dense 64·64·20 = 81920. Main memory moves
    // exactly that, in ⌈bits / bandwidth⌉ cycles.
    void storedWeightsTakeTheFormatsBits() {
        const TechnologyLibrary tech = electorTechnology14nm();
        QCOMPARE(tech.bitsPerValue(), 20);
        const AcceleratorSpec a = twoPes();
        const double bandwidth = tech.mainMemoryBandwidthBitsPerCycle(a.mainMemory.mode);
        Workload w = oneWeightOp();
        attachWeightMask(w, "ff", blockMask([](int r, int) { return r < 2; }));
        const struct {
            std::optional<SparseFormat> format;
            double bits;
        } cases[] = {{std::nullopt, 40996},
                     {SparseFormat::Bcsr, 40996},
                     {SparseFormat::Bitmap, 45056},
                     {SparseFormat::Dense, 81920}};
        for (const auto& c : cases) {
            const SimResult result = run(w, a, c.format); // op points into it
            const OpCost* op = findOp(result, "ff");
            QCOMPARE(op->mainMemoryBytes, c.bits / 8);
            QCOMPARE(op->memoryCycles, std::int64_t(std::ceil(c.bits / bandwidth)));
        }
        QCOMPARE(findOp(run(oneWeightOp(), a), "ff")->mainMemoryBytes, 81920.0 / 8);
        // The profile's 50 % weight sparsity governs unpruned weights only: min(20, 0.5·20 + 1)
        // = 11 bits each, 45056; the mask's exact counts win over it.
        QCOMPARE(findOp(run(oneWeightOp(), a, std::nullopt, 0.5), "ff")->mainMemoryBytes, 45056.0 / 8);
        QCOMPARE(findOp(run(w, a, std::nullopt, 0.5), "ff")->mainMemoryBytes, 40996.0 / 8);
    }

    // Without a mask, a block stage alone on tile-aligned blocks gives the counts: BERT-like
    // feed-forward 256 × 1024, 16 × 16 blocks, 75 % removed: K = 1024 − 768 = 256, BCSR
    // 256·(5120 + 6) + 17·9 = 1312409 bits, plus the 1024 biases at 20 bits.
    void blockStageAloneGivesTheCounts() {
        TransformerSpec m = uniformTransformer(2, 256, 4, 1024);
        m.compression.pruning[std::size_t(WeightMatrix::FeedForward)] =
            PruningPattern{{{PruningLevel::Block, 0.75, BalanceRule::None, PruningCriterion::L2, 16, 16}}};
        SimOptions o;
        o.sparsity.weight = 0;
        const SimResult r = simulate(m, AcceleratorSpec{}, electorTechnology14nm(), o);
        QCOMPARE(findOp(r, "L0.ff0")->mainMemoryBytes, (1312409.0 + 1024 * 20) / 8);
        // A finer stage after the block: the counts depend on the weights; the pattern's
        // sparsity 1 − 0.25·0.5 = 0.875 in §3.1's bits, min(20, 0.125·20 + 1) = 3.5 per weight.
        m.compression.pruning[std::size_t(WeightMatrix::FeedForward)] =
            PruningPattern{{{PruningLevel::Block, 0.75, BalanceRule::None, PruningCriterion::L2, 16, 16},
                            {PruningLevel::Column, 0.5, BalanceRule::PerBlock, PruningCriterion::L2, 0, 0}}};
        const SimResult finer = simulate(m, AcceleratorSpec{}, electorTechnology14nm(), o);
        QCOMPARE(findOp(finer, "L0.ff0")->mainMemoryBytes, (256.0 * 1024 * 3.5 + 1024 * 20) / 8);
        // A layer stage removes whole matrices of some layers, which ones the weights decide:
        // it changes no op's storage here.
        m.compression.pruning[std::size_t(WeightMatrix::FeedForward)] =
            PruningPattern{{{PruningLevel::Layer, 0.5, BalanceRule::None, PruningCriterion::L2, 0, 0}}};
        QCOMPARE(findOp(simulate(m, AcceleratorSpec{}, electorTechnology14nm(), o), "L0.ff0")->mainMemoryBytes,
                 (256.0 * 1024 + 1024) * 20 / 8);
        // Unpruned matrices keep the profile's bits: the query projection, dense at 0.
        QCOMPARE(findOp(finer, "L0.sa_sdp_x4.q")->mainMemoryBytes, 4 * (256.0 * 64 + 64) * 20 / 8);
    }

    void maskShapeIsChecked() {
        Workload w = oneWeightOp();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, attachWeightMask(w, "ff", WeightMask(64, 32)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, attachWeightMask(w, "nothing", WeightMask(64, 64)));
        try {
            attachWeightMask(w, "ff", WeightMask(32, 64));
            QFAIL("a 32 × 64 mask was attached to a 64 × 64 op");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("weight mask for 'ff': is 32 × 64, the op's weights are 64 × 64"));
        }
    }
};

QTEST_APPLESS_MAIN(TestElectorPrunedWeights)
#include "test_elector_pruned_weights.moc"
