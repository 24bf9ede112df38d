// The tcw binary end to end: validate's exit codes and report lines, convert's round trips.
#include "../support/tcw_process.h"

#include <QFileInfo>
#include <QtTest>

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);
const QString kTestData = QStringLiteral(TCW_TEST_DATA_DIR) + "/io";

} // namespace

using tcw::testing::readFile;
using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCli : public QObject {
    Q_OBJECT
private slots:
    // tcw sweep --out streams its rows: every design once, in index order, and the "pareto"
    // column (patched in place at the end) marks exactly the front the command prints.
    void sweepStreamsTheCsvAndMarksTheFront() {
        QTemporaryDir dir;
        const QString out = dir.filePath("sweep.csv");
        const TcwRun run = runTcw({"sweep", "--model", "bert-tiny", "--sample", "20000", "--seed", "3", "--threads",
                                   "2", "--out", out, "--show", "100000"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(dir.filePath(".sweep.csv.tmp")));
        QStringList lines = QString::fromUtf8(readFile(out)).split("\r\n");
        QCOMPARE(lines.takeLast(), QString()); // the last row ends with CRLF
        const QStringList header = lines.takeFirst().split(',');
        QCOMPARE(lines.size(), 20000);
        const int cycles = header.indexOf("cycles"), energy = header.indexOf("energy_total_nj"),
                  area = header.indexOf("area_mm2"), feasible = header.indexOf("feasible"),
                  pareto = header.indexOf("pareto");
        QVERIFY(cycles > 0 && energy > 0 && area > 0 && feasible > 0 && pareto == header.size() - 1);
        struct Row {
            qint64 index;
            double c, e, a;
            bool feasible, front;
        };
        std::vector<Row> rows, front;
        for (const QString& line : lines) {
            const QStringList f = line.split(',');
            rows.push_back({f[0].toLongLong(), f[cycles].toDouble(), f[energy].toDouble(), f[area].toDouble(),
                            f[feasible] == "1", f[pareto] == "1"});
            if (rows.size() > 1)
                QVERIFY(rows[rows.size() - 2].index < rows.back().index); // index order
            if (rows.back().front)
                front.push_back(rows.back());
        }
        // The printed count, and the rows the summary lists, are the flagged ones.
        QVERIFY2(run.out.contains(
                     QString("Pareto-optimal in latency, energy and area: %1 accelerators\n").arg(front.size())),
                 qPrintable(run.out));
        QVERIFY(!front.empty());
        // The CSV rounds to 10 digits: compare with a relative tolerance.
        auto noWorse = [](double x, double y) { return x <= y * (1 + 1e-9); };
        auto better = [](double x, double y) { return x < y * (1 - 1e-9); };
        auto dominates = [&](const Row& p, const Row& q) {
            return noWorse(p.c, q.c) && noWorse(p.e, q.e) && noWorse(p.a, q.a) &&
                   (better(p.c, q.c) || better(p.e, q.e) || better(p.a, q.a));
        };
        for (const Row& f : front) {
            QVERIFY(f.feasible);
            for (const Row& r : rows)
                QVERIFY2(!r.feasible || !dominates(r, f), qPrintable(QString::number(f.index)));
        }
        for (const Row& r : rows) {
            if (!r.feasible || r.front)
                continue;
            bool covered = false;
            for (const Row& f : front)
                covered = covered || (noWorse(f.c, r.c) && noWorse(f.e, r.e) && noWorse(f.a, r.a));
            QVERIFY2(covered, qPrintable(QString::number(r.index)));
        }
    }

    void validate_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QStringList>("lines"); // expected stdout lines, in order, exactly
        const QString tiny = kData + "/presets/models/bert-tiny.json";
        const QString bad = kTestData + "/bad/bad_transformer.json";
        const QString dict = kTestData + "/model_dicts/glue16/2a8863139d4ccf931452c5f86c3a5a52.json";
        QTest::newRow("good preset file")
            << QStringList{"validate", tiny} << 0 << QStringList{"ok  " + tiny + " (transformer, workbench JSON)"};
        QTest::newRow("preset names") << QStringList{"validate", "bert-tiny", "edge", "elector"} << 0
                                      << QStringList{"ok  bert-tiny (transformer, workbench JSON)",
                                                     "ok  edge (accelerator, workbench JSON)",
                                                     "ok  elector (acceleratorSpace, TransCODE design-space YAML)"};
        QTest::newRow("bad file")
            << QStringList{"validate", bad} << 1
            << QStringList{bad + ": activation: 'swish' is not one of gelu, relu",
                           bad + ": layers[1].feedForward[1]: must be a whole number, got the string 'wide'",
                           bad + ": layers[2].dropout: unknown field; the fields here are hiddenSize, heads, "
                                 "feedForward",
                           bad + ": layers[2].heads[0].type: 'sa_foo' is not one of sa_sdp, sa_wma, l_dft, l_dct, "
                                 "c_5, c_9, c_13",
                           bad + ": layers[1].hiddenSize: must be between 1 and 65536, got -4",
                           bad + ": layers[2].heads[1].dim: must be between 1 and 65536, got 0"};
        QTest::newRow("good and bad") << QStringList{"validate", "bert-tiny", kTestData + "/bad/bad_model_dict.json"}
                                      << 1 << QStringList{};
        QTest::newRow("in space") << QStringList{"validate",  kData + "/presets/accelerators/reference/edge.yaml",
                                                 "bert-tiny", "--space",
                                                 "elector",   "--space",
                                                 "laptop"}
                                  << 0
                                  << QStringList{"ok  " + kData +
                                                     "/presets/accelerators/reference/edge.yaml (accelerator, "
                                                     "AccelTran config YAML) in space elector",
                                                 "ok  bert-tiny (transformer, workbench JSON) in space laptop"};
        // Membership errors name the model dict's own fields (h[…], f[…], o[…]).
        QTest::newRow("model dict outside laptop")
            << QStringList{"validate", dict, "--space", "laptop"} << 1
            << QStringList{dict + ": h[0]: 512 is not one of 128, 256 (space 'laptop')",
                           dict + ": f[0]: stack depth 3 is not one of 1, 2 (space 'laptop')",
                           dict + ": f[0][2]: 2048 is not one of 256, 512, 1024 (space 'laptop')",
                           dict + ": f[1][0]: 2048 is not one of 256, 512, 1024 (space 'laptop')",
                           dict + ": f[1][1]: 3072 is not one of 256, 512, 1024 (space 'laptop')"};
        QTest::newRow("unknown space") << QStringList{"validate", "bert-tiny", "--space", "nospace"} << 2
                                       << QStringList{};
        QTest::newRow("missing file") << QStringList{"validate", "/nonexistent/model.json"} << 1
                                      << QStringList{"/nonexistent/model.json: no such file"};
    }
    void validate() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QStringList, lines);
        const TcwRun run = runTcw(args);
        QVERIFY2(run.exitCode == exitCode, qPrintable(run.out + run.err));
        if (!lines.isEmpty())
            QCOMPARE(run.out.trimmed().split('\n'), lines);
    }

    void validateWithoutFilesIsAUsageError() {
        const TcwRun run = runTcw({"validate"});
        QVERIFY(run.exitCode != 0 && run.exitCode != 1);
        QVERIFY(run.err.contains("FILE"));
    }

    void helpDescribesTheCommands() {
        const TcwRun validate = runTcw({"validate", "--help"});
        QCOMPARE(validate.exitCode, 0);
        QVERIFY(validate.out.contains("--space"));
        QVERIFY(validate.out.contains("Exit status"));
        const TcwRun convert = runTcw({"convert", "--help"});
        QCOMPARE(convert.exitCode, 0);
        QVERIFY(convert.out.contains("--to"));
        QVERIFY(convert.out.contains("model dict"));
    }

    void convertRoundTrips() {
        QTemporaryDir dir;
        const QString d = dir.path();
        TcwRun run = runTcw({"convert", "edge", d + "/edge.yaml"});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), "wrote " + d +
                                        "/edge.yaml (accelerator, AccelTran config YAML) from edge "
                                        "(workbench JSON)");
        QCOMPARE(readFile(d + "/edge.yaml"), readFile(kData + "/presets/accelerators/reference/edge.yaml"));
        QCOMPARE(runTcw({"convert", d + "/edge.yaml", d + "/edge.json"}).exitCode, 0);
        QCOMPARE(readFile(d + "/edge.json"), readFile(kData + "/presets/accelerators/edge.json"));

        QCOMPARE(runTcw({"convert", "bert-tiny", d + "/bert-tiny.json", "--to", "reference"}).exitCode, 0);
        QCOMPARE(readFile(d + "/bert-tiny.json"),
                 QByteArray(R"({"l": 2, "o": [["sa_sdp_64", "sa_sdp_64"], ["sa_sdp_64", "sa_sdp_64"]], )"
                            R"("h": [128, 128], "f": [[512], [512]]})"
                            "\n"));
        QCOMPARE(runTcw({"convert", d + "/bert-tiny.json", d + "/ours.json"}).exitCode, 0);
        QCOMPARE(readFile(d + "/ours.json"), readFile(kData + "/presets/models/bert-tiny.json"));

        QCOMPARE(runTcw({"convert", "laptop", d + "/laptop.json"}).exitCode, 0);
        QCOMPARE(runTcw({"convert", d + "/laptop.json", d + "/laptop.yaml"}).exitCode, 0);
        QCOMPARE(readFile(d + "/laptop.yaml"), readFile(kData + "/spaces/laptop.yaml"));
    }

    void convertRefusesWhatItCannotWrite_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("tech as yaml") << QStringList{"convert", "elector-14nm-700mhz", "tech.yaml"} << 2
                                      << "has no YAML format";
        QTest::newRow("transformer as yaml") << QStringList{"convert", "bert-tiny", "m.yaml"} << 2
                                             << "give the output a .json name and ask for --to reference";
        QTest::newRow("ours as yaml") << QStringList{"convert", "edge", "e.yaml", "--to", "ours"} << 2
                                      << "workbench formats are JSON";
        QTest::newRow("invalid input") << QStringList{"convert", kTestData + "/bad/bad_acceltran.yaml", "x.json"} << 1
                                       << "softmax_per_pe: required field is missing";
        QTest::newRow("bad --to") << QStringList{"convert", "edge", "e.yaml", "--to", "theirs"} << 105 << "theirs";
    }
    void convertRefusesWhatItCannotWrite() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const TcwRun run = runTcw(args, dir.path());
        QVERIFY2(run.exitCode == exitCode, qPrintable(QString::number(run.exitCode) + ": " + run.err));
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0); // nothing written
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
