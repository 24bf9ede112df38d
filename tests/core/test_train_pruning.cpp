// Issue 16: pruning while training — schedules' arithmetic, masks with exact per-level shares
// on the trainer's matrices, and pruned weights that stay exactly zero while fine-tuning.
#include "compress/sparse_format.h"
#include "train/datasets.h"
#include "train/pruning.h"
#include "train/trainer.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <cmath>

using namespace tcw;
using namespace tcw::train;

namespace {

const Dataset& listOps() {
    return testing::tinyListOps(128, 32);
}

// 2 layers of 32 with 2 heads and a 64-wide feed-forward layer; FF pruned hierarchically in
// 16 × 16 blocks: 50 % of the blocks, then half the columns of the kept blocks (75 %).
TransformerSpec prunedModel() {
    TransformerSpec spec = uniformTransformer(2, 32, 2, 64);
    spec.compression.pruning[std::size_t(WeightMatrix::FeedForward)] = {
        {{PruningLevel::Block, 0.5, BalanceRule::None, PruningCriterion::L2, 16, 16},
         {PruningLevel::Column, 0.5, BalanceRule::PerBlock, PruningCriterion::L2, 0, 0}}};
    return spec;
}

} // namespace

class TestTrainPruning : public QObject {
    Q_OBJECT

private slots:
    void schedules() {
        QCOMPARE(eventSteps({PruneSchedule::OneShot, 5, 0, 1}), std::vector<std::int64_t>{5});
        QCOMPARE(eventSteps({PruneSchedule::Gradual, 0, 30, 4}), (std::vector<std::int64_t>{0, 10, 20, 30}));
        const PruningPlan gradual{PruneSchedule::Gradual, 0, 30, 4};
        // s·(1 − (1 − p)³) at p = 1/4, 1/2, 3/4, then s: kept 1 − 0.9·37/64, …
        QCOMPARE(keptShareAt(gradual, 0, 0.9), 1 - 0.9 * (1 - 27.0 / 64));
        QCOMPARE(keptShareAt(gradual, 1, 0.9), 1 - 0.9 * (1 - 1.0 / 8));
        QCOMPARE(keptShareAt(gradual, 3, 0.9), 1 - 0.9);
        const PruningPlan iterative{PruneSchedule::Iterative, 0, 20, 2};
        QCOMPARE(keptShareAt(iterative, 0, 0.75), 0.5); // (1 − 0.75)^(1/2)
        QCOMPARE(keptShareAt(iterative, 1, 0.75), 0.25);
        QCOMPARE(pruneScheduleFromName("gradual"), std::optional(PruneSchedule::Gradual));
        QVERIFY(!pruneScheduleFromName("cubic"));
    }

    // One-shot after step 2, then fine-tuning: each FF matrix keeps exactly 25 %, in whole
    // columns of kept blocks, and the pruned weights are 0 at every later step.
    void masksStayFixedWhileFineTuning() {
        const TransformerSpec spec = prunedModel();
        Trainer trainer(spec, listOps(), testing::shortRun(8));
        auto pruning = std::make_shared<WeightPruning>(spec, trainer.network(), PruningPlan{PruneSchedule::OneShot, 2});
        trainer.setPruning(pruning);
        std::vector<compress::WeightMask> first;
        for (int step = 0; step < 8; ++step) {
            QVERIFY(trainer.trainStep().finite);
            if (step < 2) {
                QCOMPARE(pruning->eventsDone(), 0);
                continue;
            }
            QCOMPARE(pruning->eventsDone(), 1);
            if (first.empty())
                for (const auto& p : pruning->masks())
                    first.push_back(p.mask);
            const auto params = trainer.network().parameters();
            for (std::size_t k = 0; k < pruning->masks().size(); ++k) {
                const auto& p = pruning->masks()[k];
                QCOMPARE(p.mask, first[k]); // fixed after the event
                const ParamTensor* t = nullptr;
                for (const auto& x : trainer.network().tensors())
                    if (x.name == p.tensor)
                        t = &x;
                QVERIFY(t);
                std::size_t nonZero = 0;
                for (std::size_t i = 0; i < p.mask.size(); ++i) {
                    if (!p.mask.keep[i])
                        QCOMPARE(params[std::size_t(t->offset) + i], 0.0F);
                    nonZero += params[std::size_t(t->offset) + i] != 0.0F ? 1 : 0;
                }
                QVERIFY(nonZero > 0);
            }
        }
        // Two FF matrices per layer (32 × 64 and 64 × 32: 8 blocks each), 4 blocks kept,
        // 8 of 16 columns in each: exactly 25 % kept.
        QCOMPARE(pruning->masks().size(), std::size_t(4));
        for (const auto& p : pruning->masks()) {
            QCOMPARE(p.matrix, WeightMatrix::FeedForward);
            QCOMPARE(p.mask.kept(), p.mask.size() / 4);
            const auto c = compress::countMask(p.mask, 16, 16);
            QCOMPARE(c.keptBlocks, std::uint64_t(4));
            QCOMPARE(c.keptBlockColumns, std::uint64_t(4 * 8));
        }
    }

    // Gradual: the kept share steps down with the cubic ramp and ends exact.
    void gradualReachesTheTarget() {
        TransformerSpec spec = uniformTransformer(1, 32, 2, 64);
        spec.compression.pruning[std::size_t(WeightMatrix::FeedForward)] = {
            {{PruningLevel::Element, 0.75, BalanceRule::None, PruningCriterion::Magnitude, 0, 0}}};
        Trainer trainer(spec, listOps(), testing::shortRun(7));
        auto pruning =
            std::make_shared<WeightPruning>(spec, trainer.network(), PruningPlan{PruneSchedule::Gradual, 0, 6, 3});
        trainer.setPruning(pruning);
        std::vector<double> kept;
        for (int step = 0; step < 7; ++step) {
            trainer.trainStep();
            if (step == 0 || step == 3 || step == 6)
                kept.push_back(double(pruning->masks()[0].mask.kept()) / double(pruning->masks()[0].mask.size()));
        }
        // 2048 weights: 1 − 0.75·(1 − (2/3)³) = 0.527…, 1 − 0.75·(1 − (1/3)³) = 0.277…, 0.25.
        QCOMPARE(kept.size(), std::size_t(3));
        QCOMPARE(std::llround(kept[0] * 2048), std::llround((1 - 0.75 * (1 - 8.0 / 27)) * 2048));
        QCOMPARE(std::llround(kept[1] * 2048), std::llround((1 - 0.75 * (1 - 1.0 / 27)) * 2048));
        QCOMPARE(kept[2], 0.25);
    }

    void mismatchedQkvIsRefused() {
        TransformerSpec spec = uniformTransformer(1, 32, 2, 64);
        spec.compression.pruning[std::size_t(WeightMatrix::Query)] = {
            {{PruningLevel::Element, 0.5, BalanceRule::None, PruningCriterion::L1, 0, 0}}};
        Trainer trainer(spec, listOps(), testing::shortRun(1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WeightPruning(spec, trainer.network(), PruningPlan{}));
    }
};

QTEST_APPLESS_MAIN(TestTrainPruning)
#include "test_train_pruning.moc"
