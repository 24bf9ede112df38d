// tcw search / pareto / export end to end: a real search killed with SIGKILL mid-run and
// resumed ends with exactly the trials of an uninterrupted run (none lost, none changed); bad
// workspaces are refused with a message naming the file and stay byte for byte as they were;
// the front prints in a deterministic order; exports in every format.
#include "../support/stored_trials.h"
#include "../support/tcw_process.h"
#include "store/sqlite.h"

#include <QtTest>

#include <filesystem>

namespace {

const QString kTcw = QStringLiteral(TCW_CLI_BINARY);

using tcw::testing::readFile;
using tcw::testing::runTcw;
using tcw::testing::tcwEnvironment;
using tcw::testing::TcwRun;

// One row per trial of every search in the workspace (the GUI's view of a running search).
QStringList storedTrials(const QString& path) {
    return tcw::testing::storedTrialRows(path);
}

using tcw::testing::committedTrials;

// A BOSHCODE search long enough to be killed in its surrogate steps (~10 s on 2 cores).
QStringList searchArgs(const QString& workspace) {
    return {"search", "--workspace", workspace, "--algorithm",  "boshcode", "--budget",
            "140",    "--initial",   "64",      "--seed",       "5",        "--threads",
            "2",      "--patience",  "0",       "--candidates", "50",       "--quiet"};
}

} // namespace

class TestCliSearch : public QObject {
    Q_OBJECT
private slots:
    void sigkillThenResumeMatchesUninterrupted() {
        QTemporaryDir dir;
        const QString whole = dir.filePath("whole.tcw"), killed = dir.filePath("killed.tcw");
        const TcwRun uninterrupted = runTcw(searchArgs(whole));
        QVERIFY2(uninterrupted.exitCode == 0, qPrintable(uninterrupted.err));
        const QStringList expected = storedTrials(whole);
        QCOMPARE(expected.size(), 140);

        QProcess process;
        process.setProcessEnvironment(tcwEnvironment());
        process.start(kTcw, searchArgs(killed));
        QVERIFY(process.waitForStarted());
        // Kill -9 once the search is past its initial pairs and into the surrogate steps.
        QElapsedTimer waited;
        waited.start();
        while (committedTrials(killed) < 90 && process.state() == QProcess::Running &&
               waited.elapsed() < tcw::testing::scaledMs(120000))
            QTest::qWait(20);
        QCOMPARE(process.state(), QProcess::Running);
        process.kill(); // SIGKILL
        QVERIFY(process.waitForFinished(tcw::testing::scaledMs(10000)));
        const QStringList atKill = storedTrials(killed);
        QVERIFY2(atKill.size() >= 90 && atKill.size() < 140, qPrintable(QString::number(atKill.size())));

        const TcwRun resumed = runTcw({"search", "--workspace", killed, "--resume", "--quiet"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.out.contains(QString("%1 trials already stored").arg(atKill.size())), qPrintable(resumed.out));
        const QStringList final = storedTrials(killed);
        for (const QString& row : atKill) // no committed trial lost or changed
            QVERIFY2(final.contains(row), qPrintable(row));
        QCOMPARE(final, expected); // the same trials as the uninterrupted run
        const TcwRun again = runTcw({"search", "--workspace", killed, "--resume"});
        QCOMPARE(again.exitCode, 2);
        QVERIFY(again.err.contains("no unfinished search"));
    }

    void badWorkspacesAreRefusedUntouched_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("not SQLite") << "text"
                                    << "not an SQLite database";
        QTest::newRow("corrupt") << "corrupt"
                                 << "damaged";
        QTest::newRow("newer version") << "newer"
                                       << "newer TransCODE Workbench";
        QTest::newRow("read-only") << "readonly"
                                   << "read-only";
    }
    void badWorkspacesAreRefusedUntouched() {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString good = dir.filePath("good.tcw"), bad = dir.filePath("bad.tcw");
        QCOMPARE(
            runTcw({"search", "--workspace", good, "--algorithm", "random", "--budget", "600", "--quiet"}).exitCode, 0);
        if (kind == "text") {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("trial,accuracy\n1,0.8\n");
        } else {
            QVERIFY(QFile::copy(good, bad));
            if (kind == "corrupt") {
                QFile f(bad);
                QVERIFY(f.open(QIODevice::ReadWrite));
                QByteArray bytes = f.readAll();
                QVERIFY(bytes.size() > 8 * 4096);
                for (qsizetype i = 4096; i < bytes.size() - 4096; ++i)
                    bytes[i] = char(0x5A ^ (i * 17));
                f.seek(0);
                f.write(bytes);
            } else if (kind == "newer") {
                tcw::store::Database db =
                    tcw::store::Database::open(bad.toStdString(), tcw::store::Database::Mode::ReadWrite);
                db.setUserVersion(99);
            } else if (kind == "readonly") {
                QVERIFY(QFile::setPermissions(bad, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
            }
        }
        const QByteArray before = readFile(bad);
        for (const QStringList& args :
             {QStringList{"search", "--workspace", bad, "--budget", "5"},
              QStringList{"search", "--workspace", bad, "--resume"}, QStringList{"pareto", bad},
              QStringList{"export", bad, "--out", dir.filePath("x.json")}}) {
            const TcwRun r = runTcw(args);
            // pareto and export only read (Workspace::openReadOnly): a read-only workspace is
            // read, and stays as it was; everything else is refused.
            if (kind == "readonly" && args.front() != "search") {
                QVERIFY2(r.exitCode == 0, qPrintable(r.err));
                continue;
            }
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(bad) && r.err.contains(message), qPrintable(r.err));
        }
        QCOMPARE(readFile(bad), before);
        QVERIFY(!QFileInfo::exists(bad + "-wal"));
        QCOMPARE(QFileInfo::exists(dir.filePath("x.json")), kind == "readonly");
    }

    void aRefusedSearchLeavesNoFile() {
        // A search refused before it starts does not leave the workspace it would have created
        // (before, an empty .tcw stayed behind after every mistyped option).
        QTemporaryDir dir;
        const QString path = dir.filePath("new.tcw");
        const TcwRun r = runTcw({"search", "--workspace", path, "--objectives", "accuracy,speed", "--quiet"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("speed"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!QFileInfo::exists(path + "-wal"));
        QVERIFY(!QFileInfo::exists(path + "-shm"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
        // An existing workspace is left as it was, refused or not.
        QCOMPARE(runTcw({"search", "--workspace", path, "--algorithm", "random", "--budget", "3", "--quiet"}).exitCode,
                 0);
        const QByteArray before = readFile(path);
        QCOMPARE(runTcw({"search", "--workspace", path, "--objectives", "accuracy,speed", "--quiet"}).exitCode, 2);
        QVERIFY(QFileInfo::exists(path));
        QCOMPARE(readFile(path), before);
    }

    void paretoAndExport() {
        QTemporaryDir dir;
        const QString ws = dir.filePath("w.tcw");
        const TcwRun search = runTcw({"search", "--workspace", ws, "--algorithm", "nsga2", "--budget", "128",
                                      "--population", "32", "--constraint", "area<=3000", "--quiet"});
        QVERIFY2(search.exitCode == 0, qPrintable(search.err));
        QVERIFY(search.out.contains("objectives  accuracy ↑, latency ↓, energy ↓, area ↓ (inference, Pareto); area ≤"));
        const TcwRun pareto = runTcw({"pareto", ws});
        QCOMPARE(pareto.exitCode, 0);
        QCOMPARE(runTcw({"pareto", ws}).out, pareto.out); // deterministic
        const QStringList lines = pareto.out.split('\n', Qt::SkipEmptyParts);
        const int header = static_cast<int>(lines.indexOf(QRegularExpression("^trial .*")));
        QVERIFY(header > 0);
        const int frontSize = static_cast<int>(lines.size()) - header - 1;
        QVERIFY(frontSize >= 2);
        // Rows by accuracy, descending (the first objective).
        double previous = 100; // percent
        for (int i = header + 1; i < lines.size(); ++i) {
            const double accuracy = lines[i].section(' ', 1, 1, QString::SectionSkipEmpty).chopped(1).toDouble();
            QVERIFY(accuracy <= previous);
            previous = accuracy;
        }
        QVERIFY(lines[header + 1].contains("predicted ±"));
        // Where the hardware metrics come from: the elector cost model's simulation.
        QVERIFY(lines[header].contains("hardware"));
        for (int i = header + 1; i < lines.size(); ++i)
            QVERIFY2(lines[i].contains("simulated (elector)"), qPrintable(lines[i]));

        const TcwRun csv = runTcw({"export", ws, "--format", "csv", "--out", dir.filePath("front.csv")});
        QVERIFY2(csv.exitCode == 0, qPrintable(csv.err));
        QCOMPARE(readFile(dir.filePath("front.csv")).count("\r\n"), frontSize + 1);
        const QList<QByteArray> csvLines = readFile(dir.filePath("front.csv")).split('\n');
        const int provenanceColumn = int(csvLines[0].trimmed().split(',').indexOf("provenance"));
        QVERIFY(provenanceColumn > 0);
        QCOMPARE(csvLines[0].trimmed().split(',').at(provenanceColumn + 1), QByteArray("cost_model"));
        QCOMPARE(csvLines[1].split(',').at(provenanceColumn), QByteArray("simulated"));
        const TcwRun json = runTcw({"export", ws, "--selection", "knee", "--out", dir.filePath("knee.json")});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const auto doc = QJsonDocument::fromJson(readFile(dir.filePath("knee.json"))).object();
        QCOMPARE(doc["kind"].toString(), QString("searchExport"));
        QCOMPARE(doc["pairs"].toArray().size(), 1);
        QCOMPARE(doc["pairs"][0]["pair"]["kind"].toString(), QString("pair"));
        QCOMPARE(doc["pairs"][0]["metrics"]["provenance"].toString(), QString("simulated"));
        QCOMPARE(doc["pairs"][0]["metrics"]["costModel"].toString(), QString("elector"));
        const TcwRun reference =
            runTcw({"export", ws, "--selection", "0,5", "--format", "reference", "--out", dir.filePath("ref")});
        QVERIFY2(reference.exitCode == 0, qPrintable(reference.err));
        for (const char* file : {"trial_0_model.json", "trial_0_accelerator.yaml", "trial_5_model.json"})
            QVERIFY(QFileInfo::exists(dir.filePath("ref/") + file));
        // The exported reference files read back as the designs they came from.
        const TcwRun validate = runTcw({"validate", dir.filePath("ref/trial_5_model.json"),
                                        dir.filePath("ref/trial_5_accelerator.yaml"), "--space", "flexibert2"});
        QVERIFY(validate.out.contains("ok  " + dir.filePath("ref/trial_5_model.json")));
        QCOMPARE(runTcw({"export", ws, "--selection", "9999", "--out", dir.filePath("n.json")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliSearch)
#include "test_cli_search.moc"
