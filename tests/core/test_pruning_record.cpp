// Issue 16: pruning.json (codesign/pruning_record.h) writes and reads back every field, names
// the file and the field of a bad one, and the pruning request's shares become the trainer's
// event steps as documented (docs/pruning.md).
#include "codesign/pruning_record.h"
#include "codesign/training_job.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tcw;
using namespace tcw::codesign;

namespace {

PruningRecord sample() {
    PruningRecord r;
    r.model = "m";
    r.data = "d";
    r.plan = {train::PruneSchedule::Iterative, 3, 9, 4};
    r.format = {8, 16, 16};
    PrunedMatrixRecord m;
    m.tensor = "layers.1.ff.0.weight";
    m.matrix = WeightMatrix::FeedForward;
    m.layer = 1;
    m.rows = 32;
    m.cols = 64;
    m.offset = 1234;
    m.pattern.stages = {{PruningLevel::Block, 0.5, BalanceRule::PerRow, PruningCriterion::L2, 16, 16}};
    m.counts = {32, 64, 1024, 4, 64};
    r.matrices = {m};
    return r;
}

void writeText(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p) << text;
}

} // namespace

class TestPruningRecord : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "pruning.json";
        const PruningRecord r = sample();
        writeText(path, pruningRecordJson(r));
        const PruningRecord back = readPruningRecord(path);
        QCOMPARE(back.model, r.model);
        QCOMPARE(back.plan.schedule, r.plan.schedule);
        QCOMPARE(back.plan.endStep, std::int64_t(9));
        QCOMPARE(back.plan.rounds, 4);
        QCOMPARE(back.format.valueBits, 8);
        QCOMPARE(back.matrices.size(), std::size_t(1));
        QCOMPARE(back.matrices[0].tensor, r.matrices[0].tensor);
        QCOMPARE(back.matrices[0].offset, std::int64_t(1234));
        QVERIFY(back.matrices[0].pattern == r.matrices[0].pattern);
        QCOMPARE(back.matrices[0].counts.nnz, std::uint64_t(1024));
        QCOMPARE(back.matrices[0].counts.keptBlocks, std::uint64_t(4));
        QCOMPARE(back.matrices[0].counts.keptBlockColumns, std::uint64_t(64));
    }

    // A checkpoint's zeros are the mask: 2 rows × 3 columns, one weight pruned.
    void recountsFromParameters() {
        PruningRecord r = sample();
        r.matrices[0].rows = 2;
        r.matrices[0].cols = 3;
        r.matrices[0].offset = 1;
        recountFromParameters(r, {9, 1, 0, 2, 3, 4, 5, 9}, "ck");
        QCOMPARE(r.matrices[0].counts.nnz, std::uint64_t(5));
        QCOMPARE(r.matrices[0].counts.keptBlocks, std::uint64_t(1));
        r.matrices[0].offset = 3;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, recountFromParameters(r, {1, 2, 3, 4, 5, 6, 7, 8}, "ck"));
    }

    void badFieldsAreNamed_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("field");
        QTest::newRow("kept") << "\"kept\": 1024"
                              << "\"kept\": -1"
                              << "matrices[0].kept";
        QTest::newRow("schedule") << "\"iterative\""
                                  << "\"sometimes\""
                                  << "schedule.name";
        QTest::newRow("balance") << "\"perRow\""
                                 << "\"perTile\""
                                 << "matrices[0].pattern[0].balance";
        QTest::newRow("kind") << "\"kind\": \"pruning\""
                              << "\"kind\": \"sweep\""
                              << "kind";
    }
    void badFieldsAreNamed() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, field);
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "pruning.json";
        QString text = QString::fromStdString(pruningRecordJson(sample()));
        QVERIFY(text.contains(from));
        writeText(path, text.replace(from, to).toStdString());
        try {
            readPruningRecord(path);
            QFAIL("read a bad record");
        } catch (const std::invalid_argument& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString::fromStdString(path.string()) + ": " + field + ":"),
                     qPrintable(message));
        }
    }

    // Event after step round(share · T) − 1: 0.5 of 6 → after step 2; 0.2 … 0.5 → 0 … 2.
    void sharesBecomeSteps() {
        const auto oneShot = resolvePruningPlan({train::PruneSchedule::OneShot, 0.5, 0.9, 7}, 6);
        QCOMPARE(oneShot.startStep, std::int64_t(2));
        QCOMPARE(oneShot.endStep, std::int64_t(2));
        QCOMPARE(oneShot.rounds, 1);
        const auto gradual = resolvePruningPlan({train::PruneSchedule::Gradual, 0.2, 0.5, 3}, 6);
        QCOMPARE(gradual.startStep, std::int64_t(0));
        QCOMPARE(gradual.endStep, std::int64_t(2));
        QCOMPARE(gradual.rounds, 3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 resolvePruningPlan({train::PruneSchedule::Gradual, 0.6, 0.5, 3}, 6));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 resolvePruningPlan({train::PruneSchedule::OneShot, 1.5, 0.5, 1}, 6));
    }
};

QTEST_GUILESS_MAIN(TestPruningRecord)
#include "test_pruning_record.moc"
