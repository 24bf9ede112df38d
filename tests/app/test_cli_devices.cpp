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

    // The H100 preset is what `tcw devices import` writes of the measured file, and a profile
    // `tcw profile` wrote imports the same way.
    void importAddsAProfileFileToTheLibrary() {
        QTemporaryDir dir;
        const TcwRun run = runTcw({"devices", "import", kData + "/devices/h100-profile.json", "--out", dir.path()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(run.out.contains("device:h100"));
        QFile a(dir.filePath("h100.json")), b(kData + "/devices/presets/h100.json");
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QVERIFY(a.readAll() == b.readAll());
        const TcwRun again = runTcw({"devices", "import", kData + "/devices/h100-profile.json", "--out", dir.path()});
        QCOMPARE(again.exitCode, 1); // no --force: the library's h100.json stays
        const QString mine = dir.filePath("this-computer.json");
        const TcwRun profiled = runTcw({"profile", "--model", "bert-tiny", "--runs", "2", "--seq", "16", "--sysfs-root",
                                        dir.path(), "--out", mine});
        QVERIFY2(profiled.exitCode == 0, qPrintable(profiled.err));
        const QString library = dir.filePath("library");
        QVERIFY(QDir().mkpath(library));
        const TcwRun imported = runTcw({"devices", "import", mine, "--out", library});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        const TcwRun shown = runTcw({"devices", "show", library + "/this-computer.json"});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY2(shown.out.contains("batch 1, runs 2, sequence length 16"), qPrintable(shown.out));
        // Not a profile: the file and the field are named.
        QFile broken(dir.filePath("broken.json"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(R"({"schemaVersion": 1, "kind": "deviceProfile", "rows": 3})");
        broken.close();
        const TcwRun refused = runTcw({"devices", "import", dir.filePath("broken.json"), "--out", library});
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains("broken.json") && refused.err.contains("device"), qPrintable(refused.err));
    }

    void listShowCompare() {
        const TcwRun list = runTcw({"devices", "list"});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("gpu_m1-pro"));
        // EdgeTran's seven and the H100 measured with tools/profile_cuda.py.
        QCOMPARE(list.out.count('\n'), 1 + 8);
        QVERIFY(list.out.contains("h100"));
        const TcwRun h100 = runTcw({"devices", "show", "h100"});
        QCOMPARE(h100.exitCode, 0);
        QVERIFY2(h100.out.contains("NVML"), qPrintable(h100.out));
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
