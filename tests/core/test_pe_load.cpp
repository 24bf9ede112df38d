// Issue 16: load across PEs of a block-pruned weight matrix (sim/pe_load.h), balanced against
// unbalanced patterns, with counts worked out by hand.
#include "compress/pruning_mask.h"
#include "sim/pe_load.h"

#include <QtTest>

#include <random>

using namespace tcw;
using namespace tcw::compress;

namespace {

// 64 × 64: weights 1 in the even 16-wide block columns, 0.1 in the odd ones.
std::vector<float> stripes() {
    std::vector<float> w(64 * 64);
    for (int r = 0; r < 64; ++r)
        for (int c = 0; c < 64; ++c)
            w[std::size_t(r * 64 + c)] = (c / 16) % 2 == 0 ? 1.0F : 0.1F;
    return w;
}

PruningPattern blocks(BalanceRule balance) {
    PruningStage s;
    s.level = PruningLevel::Block;
    s.ratio = 0.5;
    s.balance = balance;
    s.criterion = PruningCriterion::L2;
    s.blockRows = s.blockCols = 16;
    return PruningPattern{{s}};
}

} // namespace

class TestPeLoad : public QObject {
    Q_OBJECT
private slots:
    void unbalancedBlocksLeaveAPeIdle() {
        // Half of the 16 blocks go, the lowest L2 first: all 8 of the odd block columns. With
        // 16 × 16 tiles on 2 PEs (tile column j to PE j mod 2), PE 0 walks the 8 kept tiles of
        // columns 0 and 2, PE 1 none: busiest 8, mean 4, imbalance 2; at 10 cycles a tile the
        // op takes 80 cycles where an even spread would take 40.
        const auto w = stripes();
        const auto r = pruneMatrix(blocks(BalanceRule::None), MatrixView{64, 64, w.data()});
        const auto load = sim::peLoad(r.mask, 16, 2);
        QCOMPARE(load.tilesPerPe, (std::vector<std::int64_t>{8, 0}));
        QCOMPARE(load.total, std::int64_t(8));
        QCOMPARE(load.busiest, std::int64_t(8));
        QCOMPARE(load.imbalance(), 2.0);
        QCOMPARE(load.cycles(10), std::int64_t(80));
        QCOMPARE(load.balancedCycles(10), std::int64_t(40));
        // 8 × 8 tiles on 4 PEs: kept block columns 0 and 2 are tile columns 0, 1, 4, 5, i.e.
        // PEs 0, 1, 0, 1, each of 8 tile rows: 16, 16, 0, 0 of 32 — imbalance 2.
        const auto fine = sim::peLoad(r.mask, 8, 4);
        QCOMPARE(fine.tilesPerPe, (std::vector<std::int64_t>{16, 16, 0, 0}));
        QCOMPARE(fine.imbalance(), 2.0);
        // The same mask with 8 × 8 tiles on 2 PEs: each kept block splits evenly, balanced.
        QCOMPARE(sim::peLoad(r.mask, 8, 2).imbalance(), 1.0);
    }

    void perPeGroupBalanceKeepsEveryPeEquallyBusy() {
        // perPeGroup with 2 groups: block columns 0, 2 and 1, 3 each lose round(0.5 · 8) = 4
        // blocks, so each PE walks 4 tiles: imbalance 1, 40 cycles at 10 a tile — the same
        // 8 tiles as the unbalanced pattern in half the time.
        const auto w = stripes();
        MaskContext context;
        context.peGroups = 2;
        const auto r = pruneMatrix(blocks(BalanceRule::PerPeGroup), MatrixView{64, 64, w.data()}, context);
        QCOMPARE(r.mask.kept(), std::size_t(8 * 256));
        const auto load = sim::peLoad(r.mask, 16, 2);
        QCOMPARE(load.tilesPerPe, (std::vector<std::int64_t>{4, 4}));
        QCOMPARE(load.imbalance(), 1.0);
        QCOMPARE(load.cycles(10), std::int64_t(40));
    }

    void unstructuredRemovesNoTile() {
        // 50 % of the elements at random: every 16 × 16 tile keeps some (the chance that one
        // keeps none is 2^-256), so all 16 tiles run, 8 per PE.
        std::mt19937 rng(7);
        std::normal_distribution<float> n(0, 1);
        std::vector<float> w(64 * 64);
        for (auto& x : w)
            x = n(rng);
        const auto preset = pruningPreset("unstructured", 0.5);
        const auto r = pruneMatrix(*preset.pattern, MatrixView{64, 64, w.data()});
        QCOMPARE(r.mask.kept(), std::size_t(2048));
        const auto load = sim::peLoad(r.mask, 16, 2);
        QCOMPARE(load.tilesPerPe, (std::vector<std::int64_t>{8, 8}));
        QCOMPARE(load.imbalance(), 1.0);
    }

    void edgesAndErrors() {
        // 20 × 20 with 16-wide tiles: 2 × 2 tiles, the edge ones partial; only (19, 19) kept.
        WeightMask m(20, 20, false);
        m.set(19, 19, true);
        const auto load = sim::peLoad(m, 16, 2);
        QCOMPARE(load.tilesPerPe, (std::vector<std::int64_t>{0, 1}));
        QCOMPARE(load.imbalance(), 2.0);
        QCOMPARE(sim::peLoad(WeightMask(4, 4, false), 2, 2).imbalance(), 1.0); // nothing kept
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sim::peLoad(m, 0, 2));
    }
};

QTEST_GUILESS_MAIN(TestPeLoad)
#include "test_pe_load.moc"
