// Issue 16: the elector model walks only the weight tiles that block pruning keeps; finer
// pruning changes no tile.
#include "sim/cost_model.h"
#include "sim/weight_tiles.h"

#include <QtTest>

using namespace tcw;

namespace {

const OpCost* findOp(const SimResult& r, const std::string& name) {
    for (const auto& op : r.ops)
        if (op.name == name)
            return &op;
    return nullptr;
}

TransformerSpec withFeedForwardPattern(PruningPattern pattern) {
    TransformerSpec m = uniformTransformer(2, 256, 4, 1024);
    m.compression.pruning[std::size_t(WeightMatrix::FeedForward)] = std::move(pattern);
    return m;
}

} // namespace

class TestWeightTiles : public QObject {
    Q_OBJECT

private slots:
    void opNamesMapToMatrices() {
        const Workload w = lowerWorkload(uniformTransformer(2, 128, 2, 512), TaskShape{}, SimMode::Inference);
        int ff = 0, q = 0, out = 0, cls = 0;
        for (const WorkOp& op : w.ops) {
            const auto m = weightMatrixOfOp(op);
            ff += m == WeightMatrix::FeedForward ? 1 : 0;
            q += m == WeightMatrix::Query ? 1 : 0;
            out += m == WeightMatrix::AttentionOutput ? 1 : 0;
            cls += m == WeightMatrix::Classifier ? 1 : 0;
        }
        QCOMPARE(ff, 4); // ff0 and ff.out of two layers
        QCOMPARE(q, 2);
        QCOMPARE(out, 2);
        QCOMPARE(cls, 1);
    }

    // 16×16 blocks on 16×16 tiles, 75 % of the blocks removed: a compute-bound feed-forward op
    // takes exactly a quarter of its dense cycles.
    void alignedBlocksRemoveTheirCycles() {
        const TechnologyLibrary tech = electorTechnology14nm();
        AcceleratorSpec a; // AccelTran-Edge: 16 × 16 tiles
        QCOMPARE(a.tileX, 16);
        QCOMPARE(a.tileY, 16);
        SimOptions o;
        const SimResult dense = simulate(uniformTransformer(2, 256, 4, 1024), a, tech, o);
        const SimResult pruned = simulate(
            withFeedForwardPattern({{{PruningLevel::Block, 0.75, BalanceRule::None, PruningCriterion::L2, 16, 16}}}), a,
            tech, o);
        for (const char* name : {"L0.ff0", "L1.ff.out"}) {
            const OpCost* d = findOp(dense, name);
            const OpCost* p = findOp(pruned, name);
            QVERIFY(d && p);
            QCOMPARE(d->bound, Bound::Compute);
            QCOMPARE(p->computeCycles * 4, d->computeCycles);
        }
        // The query projection is not pruned: unchanged.
        QCOMPARE(findOp(pruned, "L0.sa_sdp_x4.q")->computeCycles, findOp(dense, "L0.sa_sdp_x4.q")->computeCycles);
        // 32×32 blocks: four tiles each, the same share removed.
        const SimResult big = simulate(
            withFeedForwardPattern({{{PruningLevel::Block, 0.75, BalanceRule::None, PruningCriterion::L2, 32, 32}}}), a,
            tech, o);
        QCOMPARE(findOp(big, "L0.ff0")->computeCycles * 4, findOp(dense, "L0.ff0")->computeCycles);
        // Blocks the tile does not divide (8×8), and element pruning: no tile skipped.
        for (const PruningPattern& p :
             {PruningPattern{{{PruningLevel::Block, 0.75, BalanceRule::None, PruningCriterion::L2, 8, 8}}},
              PruningPattern{{{PruningLevel::Element, 0.9, BalanceRule::None, PruningCriterion::Magnitude, 0, 0}}}}) {
            const SimResult r = simulate(withFeedForwardPattern(p), a, tech, o);
            QCOMPARE(findOp(r, "L0.ff0")->computeCycles, findOp(dense, "L0.ff0")->computeCycles);
        }
    }

    void keptTilesArithmetic() {
        WorkOp op;
        op.n = 1024;
        QCOMPARE(keptWeightTiles(op, 256, 16), std::int64_t(16 * 64));
        op.weightBlockRatio = 0.8;
        op.weightBlockRows = 16;
        op.weightBlockCols = 16;
        // 1024 blocks, round(819.2) = 819 removed, 205 kept.
        QCOMPARE(keptWeightTiles(op, 256, 16), std::int64_t(205));
        QCOMPARE(keptWeightTiles(op, 256, 8), std::int64_t(205 * 4));
        QCOMPARE(keptWeightTiles(op, 256, 32), std::int64_t(8 * 32)); // 16 not a multiple of 32: all tiles
    }
};

QTEST_APPLESS_MAIN(TestWeightTiles)
#include "test_weight_tiles.moc"
