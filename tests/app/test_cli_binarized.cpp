// Issue 15 end to end on the bundled fashion-mnist-mini data: a short ternary run (w2) is
// split by tcw tws-split into the full-width binary model, whose logits equal the ternary
// model's (tws_split.json's comparison, printed too), with its lineage recorded; a w1a1 run
// distils from an f32 teacher run and records the loss split in metrics.json; a teacher of
// another shape is refused.
#include "../support/tcw_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

QStringList trainArgs(const QString& out, const QString& precision, const QString& patch = "7") {
    QStringList a = {"train",
                     "--model",
                     "vit-fashion-mnist",
                     "--data",
                     "fashion-mnist",
                     "--data-dir",
                     kData + "/datasets/fashion-mnist-mini",
                     "--patch",
                     patch,
                     "--steps",
                     "6",
                     "--batch",
                     "16",
                     "--out",
                     out,
                     "--quiet"};
    if (!precision.isEmpty())
        a << "--precision" << precision;
    return a;
}

} // namespace

using tcw::testing::readFile;
using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCliBinarized : public QObject {
    Q_OBJECT
private slots:
    void twsSplitOfATernaryRun() {
        QTemporaryDir dir;
        const QString run = dir.filePath("ternary"), split = dir.filePath("split");
        const TcwRun train = runTcw(trainArgs(run, "w2"));
        QVERIFY2(train.exitCode == 0, qPrintable(train.err + train.out));
        const TcwRun tws = runTcw(
            {"tws-split", run, "--out", split, "--data-dir", kData + "/datasets/fashion-mnist-mini", "--patch", "7"});
        QVERIFY2(tws.exitCode == 0, qPrintable(tws.err + tws.out));
        QVERIFY(tws.out.contains("equivalence error"));
        const QJsonObject r = QJsonDocument::fromJson(readFile(split + "/tws_split.json")).object();
        QCOMPARE(r["kind"].toString(), QString("twsSplit"));
        QCOMPARE(r["share"].toDouble(), 0.5);
        QVERIFY(r["lineage"].toObject()["source"].toString().endsWith("ternary"));
        QCOMPARE(r["splitMatrices"].toArray().size(), 32); // every encoder matrix of the 4 layers
        QVERIFY(r["maxEquivalenceError"].toDouble() < 1e-6);
        const QJsonObject logits = r["logits"].toObject();
        QVERIFY(logits["examples"].toInt() > 0);
        QVERIFY(logits["maxAbsDifference"].toDouble() < 1e-5 * logits["maxAbsLogit"].toDouble());
        QCOMPARE(logits["sameArgmax"].toInt(), logits["examples"].toInt());
        // The split checkpoint is not one of the half-width model: resuming from it is refused.
        QStringList resume = trainArgs(dir.filePath("resumed"), "w2");
        resume << "--resume" << split + "/checkpoint.bin";
        QVERIFY(runTcw(resume).exitCode != 0);
        // A run without ternary weights cannot be split.
        const QString f32 = dir.filePath("f32");
        QVERIFY(runTcw(trainArgs(f32, "")).exitCode == 0);
        const TcwRun refused = runTcw({"tws-split", f32, "--out", dir.filePath("no"), "--precision", "w32",
                                       "--data-dir", kData + "/datasets/fashion-mnist-mini", "--patch", "7"});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("ternary"), qPrintable(refused.err));
    }

    void w1a1DistilsFromAnF32Teacher() {
        QTemporaryDir dir;
        const QString teacher = dir.filePath("teacher"), student = dir.filePath("student");
        QVERIFY(runTcw(trainArgs(teacher, "")).exitCode == 0);
        QStringList args = trainArgs(student, "w1a1");
        args << "--teacher" << teacher << "--distill-weight"
             << "0.5";
        const TcwRun run = runTcw(args);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        QVERIFY(run.out.contains("distillation (mean of the last"));
        const QJsonObject m = QJsonDocument::fromJson(readFile(student + "/metrics.json")).object();
        const QJsonObject d = m["distillation"].toObject();
        QCOMPARE(d["logitWeight"].toDouble(), 0.5);
        QVERIFY(d["logitLoss"].toDouble() > 0 && d["hiddenLoss"].toDouble() > 0 && d["taskLoss"].toDouble() > 0);
        QVERIFY(m["precision"].toArray().contains(QJsonValue("linearInputs: 1-bit sign")));
        // A teacher of another shape (16 patches of 7 × 7 against 49 of 4 × 4) is refused.
        QStringList other = trainArgs(dir.filePath("other"), "w1a1", "4");
        other << "--teacher" << teacher;
        const TcwRun refused = runTcw(other);
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("teacher"), qPrintable(refused.err));
    }
};

QTEST_GUILESS_MAIN(TestCliBinarized)
#include "test_cli_binarized.moc"
