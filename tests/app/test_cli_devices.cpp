// Issue 14 end to end: tcw devices (import, list, show, compare, surrogate-report), tcw
// simulate --target device:ID, tcw search --targets devices:….
#include "../support/tcw_process.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);
} // namespace

using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCliDevices : public QObject {
    Q_OBJECT
private slots:
    // The shipped presets are exactly what the documented command writes.
    void importRebuildsThePresetsByteForByte() {
        QTemporaryDir dir;
        const QString out = dir.filePath("presets");
        const TcwRun run =
            runTcw({"devices", "import-edgetran", kData + "/devices/edgetran_devices782.json", "--out", out});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(run.out.contains("782 rows, 686 distinct models, 16 on all 7 devices"));
        const QStringList files = QDir(out).entryList({"*.json"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 7);
        for (const QString& f : files) {
            QFile a(out + "/" + f), b(kData + "/devices/presets/" + f);
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            QVERIFY2(a.readAll() == b.readAll(), qPrintable(f));
        }
        // A second import into the same folder is refused without --force.
        const TcwRun again =
            runTcw({"devices", "import-edgetran", kData + "/devices/edgetran_devices782.json", "--out", out});
        QCOMPARE(again.exitCode, 1);
    }

    void listShowCompare() {
        const TcwRun list = runTcw({"devices", "list"});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("gpu_m1-pro"));
        const TcwRun show = runTcw({"devices", "show", "cpu_rpi"});
        QCOMPARE(show.exitCode, 0);
        QVERIFY(show.out.contains("batch 1, runs 1"));
        QVERIFY(show.out.contains("no idle power"));
        const TcwRun compare = runTcw({"devices", "compare", "a100", "gpu_m1-pro"});
        QCOMPARE(compare.exitCode, 0);
        QVERIFY2(compare.out.contains("(×2.388)"), qPrintable(compare.out)); // median per-model latency ratio
        const TcwRun unknown = runTcw({"devices", "show", "tpu"});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("the presets are a100"));
    }

    void simulateOnADeviceAnswersMeasuredOrPredicted() {
        const TcwRun predicted =
            runTcw({"simulate", "--model", "bert-tiny", "--target", "device:gpu_m1-pro", "--json"});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        const QJsonObject j = QJsonDocument::fromJson(predicted.out.toUtf8()).object();
        QCOMPARE(j["kind"].toString(), QString("deviceEstimate"));
        QVERIFY(j["provenance"].toString().startsWith("predicted ± σ"));
        QVERIFY(j["latencySigma"].toDouble() > 0);
        const TcwRun bad = runTcw({"simulate", "--model", "bert-tiny", "--target", "gpu"});
        QCOMPARE(bad.exitCode, 2);
    }

    void searchOverDevicesPrintsSurrogatesFrontAndBest() {
        const TcwRun run =
            runTcw({"search", "--targets", "devices:gpu_m1-pro,npu_ncs", "--budget", "20", "--seed", "2"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(run.out.contains("mean R² / MAPE"));
        QVERIFY(run.out.contains("Pareto front"));
        QVERIFY(run.out.contains("measured; GLUE stored"));
        QVERIFY(run.out.contains("best stored pair  gpu_m1-pro"));
        QVERIFY(run.out.contains("0.08720"));
    }
};

QTEST_GUILESS_MAIN(TestCliDevices)
#include "test_cli_devices.moc"
