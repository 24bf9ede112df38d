// tcw profile end to end (issue 14): on this computer it prints latency with its spread, says
// why energy is unavailable (or measures it from a fake sensor tree), and writes a device
// profile that reads back through the codec.
#include "../support/tcw_process.h"

#include "io/device_profile_json.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <filesystem>
#include <fstream>

using tcw::testing::runTcw;
using tcw::testing::TcwRun;

class TestCliProfile : public QObject {
    Q_OBJECT
private slots:
    void profilesThisComputer() {
        QTemporaryDir dir;
        const QString out = dir.filePath("this-computer.json");
        // An empty sysfs root stands for a machine with no power source (as this VM is); with
        // /sys the result would depend on the machine the test runs on.
        const TcwRun run = runTcw({"profile", "--model", "bert-tiny", "--runs", "5", "--seq", "32", "--sysfs-root",
                                   dir.path(), "--out", out});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(
            run.out.contains(QRegularExpression(R"(bert-tiny +latency median [0-9.]+ ms/seq  p5 [0-9.]+ ms  p95 )")),
            qPrintable(run.out));
        QVERIFY2(run.out.contains("energy and power: unavailable: no readable power source: no RAPL powercap zones"),
                 qPrintable(run.out));
        QVERIFY(run.out.contains("remedy: "));
        const auto profile = tcw::io::loadDeviceProfile(out.toStdString());
        QVERIFY2(profile.ok(), profile.errors.toString().c_str());
        QCOMPARE(profile->rows.size(), std::size_t(1));
        const auto& row = profile->rows[0];
        QCOMPARE(row.modelName, std::string("bert-tiny"));
        QCOMPARE(row.latencySecondsPerSequence.samples, 5);
        QCOMPARE(row.batchLatencySeconds.size(), std::size_t(5));
        QVERIFY(!row.energyJoulesPerSequence.available());
        QVERIFY(!row.energyJoulesPerSequence.reason.empty());
        QCOMPARE(profile->settings.sequenceLength, 32);
        QCOMPARE(profile->settings.powerSource, std::string("none"));
        QVERIFY(profile->command.find("profile --model bert-tiny --runs 5") != std::string::npos);
        QVERIFY(!profile->machine.kernel.empty());
        QVERIFY(profile->machine.threadsUsed >= 1);
        // The written file is never replaced without --force.
        const TcwRun again = runTcw({"profile", "--model", "bert-tiny", "--runs", "1", "--out", out});
        QCOMPARE(again.exitCode, 2);
    }

    void measuresAFakeRaplCounter() {
        // A RAPL tree whose counter does not move: energy 0 is then what was measured, so the
        // source, the idle window and the trace are exercised end to end.
        QTemporaryDir dir;
        const std::filesystem::path zone = dir.path().toStdString() + "/class/powercap/intel-rapl:0";
        std::filesystem::create_directories(zone);
        std::ofstream(zone / "name") << "package-0\n";
        std::ofstream(zone / "energy_uj") << "123456\n";
        std::ofstream(zone / "max_energy_range_uj") << "262143328850\n";
        const QString out = dir.filePath("rapl.json");
        const TcwRun run = runTcw({"profile", "--model", "bert-tiny", "--runs", "3", "--seq", "16", "--power", "rapl",
                                   "--idle", "0.1", "--period", "20", "--sysfs-root", dir.path(), "--out", out});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("idle power 0 W"), qPrintable(run.out));
        const auto profile = tcw::io::loadDeviceProfile(out.toStdString());
        QVERIFY2(profile.ok(), profile.errors.toString().c_str());
        QCOMPARE(profile->settings.powerSource, std::string("rapl"));
        QCOMPARE(profile->settings.powerSourceDetail, std::string("intel-rapl:0 (package-0)"));
        QCOMPARE(*profile->rows[0].energyJoulesPerSequence.value, 0.0);
        QVERIFY(!profile->rows[0].trace.empty());
    }

    void badInputIsRefused() {
        QTemporaryDir dir;
        const TcwRun unknownModel = runTcw({"profile", "--model", "no-such-model", "--out", dir.filePath("x.json")});
        QCOMPARE(unknownModel.exitCode, 2);
        QVERIFY(!QFile::exists(dir.filePath("x.json")));
        const TcwRun badMeter = runTcw({"profile", "--model", "bert-tiny", "--runs", "1", "--seq", "8", "--power",
                                        "csv:" + dir.filePath("missing.csv"), "--out", dir.filePath("y.json")});
        QCOMPARE(badMeter.exitCode, 2);
        QVERIFY2(badMeter.err.contains("missing.csv"), qPrintable(badMeter.err));
        QVERIFY(!QFile::exists(dir.filePath("y.json")));
    }
};

QTEST_GUILESS_MAIN(TestCliProfile)
#include "test_cli_profile.moc"
