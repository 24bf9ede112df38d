// tcw select-device end to end (issue 16): the synthetic catalogue of
// tests/core/test_device_selection (two small FPGA configurations and an ELECTOR one) as files,
// with the catalogue's accuracies, gives the hand-computed answer through the CLI, and the same
// output on every run. Its third FPGA, whose DSPs cannot hold its PEs, is a target file the
// reader refuses (fpga validation), with the file and the field.
#include "../support/tcw_process.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

void write(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// 2 PEs of 16 lanes at 100 MHz, ample bandwidth; weights in bitmap + values.
QByteArray fpga(const char* name, qint64 onChipBits, int dspSlices) {
    return QStringLiteral(R"({"kind": "fpga", "name": "%1", "dspSlices": %2, "luts": 230400,
 "onChipMemoryBits": %3, "offChipBandwidthGBps": 1000, "clockMHz": 100, "peCount": 2,
 "macsPerPe": 16, "dspPerMac": 1, "lutsPerPe": 1500, "decodeBitsPerCycle": 64, "weightBits": 16,
 "weightFormat": "bitmap", "blockRows": 16, "blockCols": 16, "activationBits": 16})")
        .arg(name)
        .arg(dspSlices)
        .arg(onChipBits)
        .toUtf8();
}

} // namespace

using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCliSelectDevice : public QObject {
    Q_OBJECT
private slots:
    void handComputedCatalogueThroughTheCli() {
        QTemporaryDir dir;
        // One layer: H 32, 2 heads of 16, FF 64 (8,192 weights); fashion-mnist at patch 7: 16 tokens.
        write(dir.filePath("tiny.json"), R"({"schemaVersion": 1, "kind": "transformer", "name": "tiny",
 "layers": [{"hiddenSize": 32, "heads": [{"type": "sa_sdp", "dim": 16}, {"type": "sa_sdp", "dim": 16}],
 "feedForward": [64]}]})");
        write(dir.filePath("mid.json"), fpga("mid", 1000000, 1728));
        write(dir.filePath("cheap.json"), fpga("cheap", 50000, 1728));
        write(dir.filePath("catalogue.json"), (R"({"schemaVersion": 1, "kind": "deviceCatalogue", "targets": [
 {"name": "elector-edge", "kind": "elector", "file": ")" +
                                               kData + R"(/presets/accelerators/edge.json", "cost": {"price": 300}},
 {"name": "mid-fpga", "kind": "fpga", "file": "mid.json", "cost": {"price": 200}},
 {"name": "cheap-fpga", "kind": "fpga", "file": "cheap.json", "cost": {"price": 100}}],
 "settings": [{"pattern": "dense", "accuracy": 0.90},
              {"pattern": "unstructured", "sparsity": 0.5, "accuracy": 0.88},
              {"pattern": "unstructured", "sparsity": 0.75, "accuracy": 0.80}]})")
                                                  .toUtf8());
        const QStringList args = {"select-device",
                                  "--model",
                                  dir.filePath("tiny.json"),
                                  "--data",
                                  "fashion-mnist",
                                  "--data-dir",
                                  kData + "/datasets/fashion-mnist-mini",
                                  "--patch",
                                  "7",
                                  "--latency",
                                  "0.03",
                                  "--accuracy",
                                  "0.85",
                                  "--catalogue",
                                  dir.filePath("catalogue.json")};
        const TcwRun run = runTcw(args);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        const QStringList lines = run.out.split('\n', Qt::SkipEmptyParts);
        auto line = [&](const QString& prefix) {
            for (const auto& l : lines)
                if (l.startsWith(prefix))
                    return l;
            return QString();
        };
        // Cheapest first: cheap (on-chip memory, then accuracy), mid, elector.
        QVERIFY(line("cell cheap-fpga | dense 16-bit | rejected | latency - | cannot run: the weights need").size() >
                0);
        QCOMPARE(line("cell cheap-fpga | unstructured 75 % 16-bit"),
                 QString("cell cheap-fpga | unstructured 75 % 16-bit | rejected | latency 0.01024 ms | accuracy 0.8 "
                         "below AC 0.85 by 0.05"));
        QCOMPARE(line("cell mid-fpga | dense 16-bit"),
                 QString("cell mid-fpga | dense 16-bit | rejected | latency 0.04096 ms | latency 0.04096 ms above LC "
                         "0.03 ms by 0.01096 ms"));
        QCOMPARE(line("cell mid-fpga | unstructured 50 % 16-bit"),
                 QString("cell mid-fpga | unstructured 50 % 16-bit | feasible | latency 0.02048 ms"));
        QCOMPARE(line("chosen:"), QString("chosen: mid-fpga (price 200) with unstructured 50 % 16-bit: latency "
                                          "0.02048 ms (margin 0.00952 ms), accuracy 0.88 (margin 0.03)"));
        int cells = 0;
        for (const auto& l : lines)
            cells += l.startsWith("cell ");
        QCOMPARE(cells, 3 * 3);
        const int cheap = lines.indexOf(line("cell cheap-fpga")), mid = lines.indexOf(line("cell mid-fpga")),
                  elector = lines.indexOf(line("cell elector-edge"));
        QVERIFY(cheap >= 0 && cheap < mid && mid < elector);
        // The same matrix on every run.
        const TcwRun again = runTcw(args);
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, run.out);
    }

    // Settings without an accuracy are trained into --runs (a pruning run each) and read back
    // from there on the next call: the same output, no training.
    void trainsMissingAccuraciesOnceAndReusesThem() {
        QTemporaryDir dir;
        write(dir.filePath("tiny.json"), R"({"schemaVersion": 1, "kind": "transformer", "name": "tiny",
 "layers": [{"hiddenSize": 32, "heads": [{"type": "sa_sdp", "dim": 16}, {"type": "sa_sdp", "dim": 16}],
 "feedForward": [64]}]})");
        write(dir.filePath("mid.json"), fpga("mid", 1000000, 1728));
        write(dir.filePath("catalogue.json"), R"({"schemaVersion": 1, "kind": "deviceCatalogue", "targets": [
 {"name": "mid-fpga", "kind": "fpga", "file": "mid.json", "cost": {"price": 200}}]})");
        const QStringList args = {"select-device",
                                  "--model",
                                  dir.filePath("tiny.json"),
                                  "--data",
                                  "fashion-mnist",
                                  "--data-dir",
                                  kData + "/datasets/fashion-mnist-mini",
                                  "--patch",
                                  "7",
                                  "--steps",
                                  "4",
                                  "--batch",
                                  "16",
                                  "--latency",
                                  "0.03",
                                  "--accuracy",
                                  "0",
                                  "--catalogue",
                                  dir.filePath("catalogue.json"),
                                  "--patterns",
                                  "unstructured",
                                  "--sparsity",
                                  "0.5",
                                  "--runs",
                                  dir.filePath("runs"),
                                  "--quiet"};
        const TcwRun first = runTcw(args);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err + first.out));
        QCOMPARE(first.err.count("training "), 2);
        QVERIFY(QFile::exists(dir.filePath("runs/dense-s0-b16/metrics.json")));
        QVERIFY(QFile::exists(dir.filePath("runs/unstructured-s0.5-b16/pruning.json")));
        QVERIFY(first.out.contains("setting 1: unstructured 50 % 16-bit, accuracy "));
        QVERIFY(first.out.contains("(trained)"));
        QVERIFY(first.out.contains("chosen: mid-fpga (price 200) with unstructured 50 % 16-bit: latency 0.02048 ms"));
        const TcwRun second = runTcw(args);
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(second.err.count("training "), 0);
        QCOMPARE(second.err.count("accuracy from "), 2);
        QCOMPARE(second.out, first.out);
    }

    // tcw formats RUN --pes: each matrix's kept 16 × 16 tiles are its kept blocks (hierarchical
    // 75 %: half the blocks of each matrix, 96 of 192 for 128 × 384), split over 2 PEs.
    void formatsPrintsTheLoadAcrossPes() {
        QTemporaryDir dir;
        const QString run = dir.filePath("run");
        const TcwRun pruned = runTcw({"prune",
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
                                      "oneshot",
                                      "--out",
                                      run,
                                      "--quiet"});
        QVERIFY2(pruned.exitCode == 0, qPrintable(pruned.err));
        const TcwRun formats = runTcw({"formats", run, "--pes", "2"});
        QVERIFY2(formats.exitCode == 0, qPrintable(formats.err));
        const QStringList lines = formats.out.split('\n', Qt::SkipEmptyParts);
        const int header = int(lines.indexOf(QRegularExpression("tensor +tiles +busiest +even +imbalance")));
        QVERIFY(header > 0);
        int matrices = 0;
        for (int i = header + 1; i < lines.size(); ++i) {
            const QStringList f = lines[i].split(' ', Qt::SkipEmptyParts);
            QCOMPARE(f.size(), 5);
            const int tiles = f[1].toInt(), busiest = f[2].toInt(), even = f[3].toInt();
            const int expected = f[0].contains("heads.proj") ? 96 : f[0].contains("out.weight") ? 32 : 64;
            QCOMPARE(tiles, expected);
            QCOMPARE(even, (tiles + 1) / 2);
            QVERIFY(busiest >= even && busiest <= tiles);
            QVERIFY(std::abs(f[4].toDouble() - 2.0 * busiest / tiles) <= 0.0005 + 1e-12); // printed to 3 decimals
            ++matrices;
        }
        QCOMPARE(matrices, 16);
    }

    void catalogueErrorsNameTheField_data() {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("expected");
        QTest::newRow("device file") << QByteArray(R"({"name": "phone", "kind": "device", "file": "x.json",
 "cost": {"price": 1}})") << "targets[0].file: '";
        QTest::newRow("device id") << QByteArray(R"({"name": "phone", "kind": "device", "device": "phone9",
 "cost": {"price": 1}})") << "targets[0].device: 'phone9' is not a device preset; the presets are a100";
        QTest::newRow("unknown cost") << QByteArray(R"({"name": "f", "kind": "fpga", "file": "ok.json",
 "cost": {"speed": 1}})") << "targets[0].cost.speed";
        QTest::newRow("DSPs short") << QByteArray(R"({"name": "f", "kind": "fpga", "file": "broken.json",
 "cost": {"price": 1}})") << "targets[0].file";
    }
    void catalogueErrorsNameTheField() {
        QFETCH(QByteArray, target);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        write(dir.filePath("ok.json"), fpga("ok", 1000000, 1728));
        write(dir.filePath("broken.json"), fpga("broken", 1000000, 16)); // 2 × 16 × 1 DSPs needed
        write(dir.filePath("catalogue.json"),
              QByteArray(R"({"schemaVersion": 1, "kind": "deviceCatalogue", "targets": [)") + target + "]}");
        const TcwRun run = runTcw({"select-device", "--model", "vit-fashion-mnist", "--data", "fashion-mnist",
                                   "--data-dir", kData + "/datasets/fashion-mnist-mini", "--latency", "1", "--accuracy",
                                   "0.5", "--catalogue", dir.filePath("catalogue.json")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("catalogue.json: " + expected), qPrintable(run.err));
        if (QTest::currentDataTag() == QString("DSPs short"))
            QVERIFY2(run.err.contains("peCount"), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestCliSelectDevice)
#include "test_cli_select_device.moc"
