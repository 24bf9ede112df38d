// tcw prune and tcw formats end to end (issue 16): a short pruning run on the bundled
// fashion-mnist-mini data reaches exactly the requested sparsity in every pruned matrix, its
// checkpoint holds the masks, and tcw formats prints the sizes the formulas of
// docs/pruning.md give, worked out here from the shapes alone.
#include "../support/tcw_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

using u64 = std::uint64_t;

u64 bitsFor(u64 n) { // ⌈log₂ n⌉
    u64 bits = 0;
    while ((u64(1) << bits) < n)
        ++bits;
    return bits;
}

// `hierarchical` at 75 % on an M × N matrix with 16 × 16 blocks: half the blocks go, then half
// the columns of every kept block, so K = blocks / 2, 8 columns per kept block, nnz = M·N / 4.
QList<u64> hierarchical75Bits(u64 m, u64 n) {
    const u64 b = 16, blocks = (m / 16) * (n / 16), k = blocks / 2, nnz = m * n / 4, v = 16 * k * 8;
    const u64 pointers = (m / 16 + 1) * bitsFor(k + 1);
    return {m * n * b,
            m * n + nnz * b,
            nnz * (b + bitsFor(n)) + (m + 1) * bitsFor(m * n + 1),
            k * (16 * 16 * b + bitsFor(n / 16)) + pointers,
            k * (bitsFor(n / 16) + 16 * bitsFor(17)) + nnz * (b + bitsFor(16)) + pointers,
            blocks + k * 16 + v * b};
}

} // namespace

using tcw::testing::readFile;
using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCliPrune : public QObject {
    Q_OBJECT
private slots:
    void pruneReachesTheSparsityAndFormatsPrintsTheFormulas() {
        QTemporaryDir dir;
        const QString out = dir.filePath("run");
        const QStringList prune = {"prune",
                                   "--model",
                                   "vit-fashion-mnist",
                                   "--data",
                                   "fashion-mnist",
                                   "--data-dir",
                                   kData + "/datasets/fashion-mnist-mini",
                                   "--patch",
                                   "7",
                                   "--steps",
                                   "6",
                                   "--batch",
                                   "16",
                                   "--pattern",
                                   "hierarchical",
                                   "--target-sparsity",
                                   "0.75",
                                   "--schedule",
                                   "gradual",
                                   "--rounds",
                                   "3",
                                   "--prune-start",
                                   "0.2",
                                   "--prune-end",
                                   "0.5",
                                   "--out",
                                   out,
                                   "--quiet"};
        const TcwRun run = runTcw(prune);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        const QJsonObject record = QJsonDocument::fromJson(readFile(out + "/pruning.json")).object();
        QCOMPARE(record["kind"].toString(), QString("pruning"));
        QCOMPARE(record["schedule"].toObject()["name"].toString(), QString("gradual"));
        QCOMPARE(record["schedule"].toObject()["rounds"].toInt(), 3);
        QCOMPARE(record["format"].toObject()["valueBits"].toInt(), 16);
        const QJsonArray matrices = record["matrices"].toArray();
        // 4 layers: the fused Q/K/V of the two attention heads, the attention output, two
        // feed-forward matrices.
        QCOMPARE(matrices.size(), 16);
        for (const auto& value : matrices) {
            const QJsonObject m = value.toObject();
            const u64 rows = u64(m["rows"].toInteger()), cols = u64(m["cols"].toInteger());
            QCOMPARE(u64(m["kept"].toInteger()), rows * cols / 4);
            QCOMPARE(u64(m["keptBlocks"].toInteger()), (rows / 16) * (cols / 16) / 2);
            QCOMPARE(u64(m["keptBlockColumns"].toInteger()), (rows / 16) * (cols / 16) / 2 * 8);
        }
        // tcw formats recounts the masks from the checkpoint's zeros.
        const TcwRun formats = runTcw({"formats", out});
        QVERIFY2(formats.exitCode == 0, qPrintable(formats.err));
        QStringList lines = formats.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() == 2 + 16 + 2);
        QList<u64> totals(6, 0);
        for (int i = 0; i < 16; ++i) {
            const QStringList f = lines[2 + i].split(' ', Qt::SkipEmptyParts);
            QCOMPARE(f.size(), 13);
            const u64 rows = f[2].toULongLong(), cols = f[3].toULongLong();
            QCOMPARE(f[0], matrices[i].toObject()["tensor"].toString());
            QCOMPARE(f[4].toULongLong(), rows * cols / 4);
            QCOMPARE(f[5], QString("75.000%"));
            const QList<u64> expected = hierarchical75Bits(rows, cols);
            for (int k = 0; k < 6; ++k) {
                QCOMPARE(f[6 + k].toULongLong(), expected[k]);
                totals[k] += expected[k];
            }
        }
        const QStringList total = lines[18].split(' ', Qt::SkipEmptyParts);
        QCOMPARE(total[0], QString("total"));
        for (int k = 0; k < 6; ++k)
            QCOMPARE(total[3 + k].toULongLong(), totals[k]);
        // A second run into the same folder needs --force.
        const TcwRun again = runTcw(prune);
        QCOMPARE(again.exitCode, 2);
        QVERIFY2(again.err.contains("--force"), qPrintable(again.err));
    }

    // Without a run: the preset on the model's initial weights, 90 % unstructured.
    void formatsOfAPatternOnAModel() {
        const TcwRun run = runTcw({"formats", "--model", "vit-fashion-mnist", "--pattern", "unstructured", "--sparsity",
                                   "0.9", "--bits", "8"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QStringList lines = run.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() > 3);
        const QStringList f = lines[2].split(' ', Qt::SkipEmptyParts);
        const u64 rows = f[2].toULongLong(), cols = f[3].toULongLong();
        const u64 kept = rows * cols - u64(std::llround(0.9 * double(rows * cols)));
        QCOMPARE(f[4].toULongLong(), kept);
        QCOMPARE(f[6].toULongLong(), rows * cols * 8);        // dense
        QCOMPARE(f[7].toULongLong(), rows * cols + kept * 8); // bitmap + values
    }

    void formatsNamesWhatIsMissing() {
        QTemporaryDir dir;
        const TcwRun run = runTcw({"formats", dir.path()});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("checkpoint"), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestCliPrune)
#include "test_cli_prune.moc"
