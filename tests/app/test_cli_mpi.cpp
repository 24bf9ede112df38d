// tcw search under mpirun, end to end (3 ranks on this machine, --oversubscribe): the
// synchronous mode stores exactly the trials of a one-process run with the same seed, in
// position order; the asynchronous mode (steady-state NSGA-II, across generations) stores
// every trial exactly once; SIGKILL of rank 0 mid-run, then `mpirun … --resume`, loses no
// committed trial (BOSHCODE: ends with the uninterrupted run's trials; asynchronous NSGA-II:
// every position once) and leaves a workspace that passes PRAGMA integrity_check; a worker that cannot
// set the search up stops the job with its error. Skipped, saying
// so, when mpirun is not installed (`make test` installs it: cmake/install-deps.sh).
#include "../support/stored_trials.h"
#include "../support/tcw_process.h"
#include "store/sqlite.h"

#include <QDir>
#include <QStandardPaths>
#include <QtTest>

#include <csignal>
#include <unistd.h>

namespace {

const QString kTcw = QStringLiteral(TCW_CLI_BINARY);

using tcw::testing::runTcw;
using tcw::testing::storedTrialRows;
using tcw::testing::TcwRun;

QString mpirun() {
    return QStandardPaths::findExecutable("mpirun");
}

// mpirun's own options: as many ranks as asked on this small machine, and root allowed (CI
// containers run as root).
QStringList mpirunOptions(int ranks) {
    QStringList options = {"--oversubscribe", "-n", QString::number(ranks)};
    if (::geteuid() == 0)
        options.prepend("--allow-run-as-root");
    return options;
}

QProcessEnvironment mpiEnvironment() {
    QProcessEnvironment env = tcw::testing::tcwEnvironment();
    env.insert("OMPI_MCA_btl", "self,vader"); // one host: shared memory, no network probing
    return env;
}

TcwRun runMpi(int ranks, const QStringList& tcwArgs, int timeoutMs = 180000) {
    QProcess process;
    process.setProcessEnvironment(mpiEnvironment());
    process.start(mpirun(), mpirunOptions(ranks) + QStringList{kTcw} + tcwArgs);
    if (!process.waitForFinished(tcw::testing::scaledMs(timeoutMs)))
        return {
            -1, {}, QStringLiteral("mpirun did not finish within %1 s").arg(tcw::testing::scaledMs(timeoutMs) / 1000)};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

QStringList nsga2Args(const QString& workspace) {
    return {"search", "--workspace",  workspace, "--algorithm", "nsga2", "--budget",
            "160",    "--population", "32",      "--seed",      "7",     "--quiet"};
}

// Positions in the order their rows were written.
QStringList commitOrder(const QString& path) {
    using namespace tcw::store;
    Database db = Database::open(path.toStdString(), Database::Mode::ReadOnly);
    Statement s = db.prepare("SELECT position FROM trials ORDER BY id");
    QStringList out;
    while (s.step())
        out << QString::number(s.int64(0));
    return out;
}

using tcw::testing::committedTrials;

QString integrityCheck(const QString& path) {
    using namespace tcw::store;
    Database db = Database::open(path.toStdString(), Database::Mode::ReadOnly);
    Statement s = db.prepare("PRAGMA integrity_check");
    return s.step() ? QString::fromStdString(s.text(0)) : QString();
}

// The process under `parent` whose environment says it is MPI rank `rank`.
pid_t rankProcess(qint64 parent, int rank) {
    const QString wanted = QString("OMPI_COMM_WORLD_RANK=%1").arg(rank);
    for (const QString& entry : QDir("/proc").entryList(QDir::Dirs)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat("/proc/" + entry + "/stat");
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(stat.readAll());
        const QStringList fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() < 2 || fields[1].toLongLong() != parent)
            continue;
        QFile environ("/proc/" + entry + "/environ");
        if (environ.open(QIODevice::ReadOnly) && environ.readAll().split('\0').contains(wanted.toUtf8()))
            return static_cast<pid_t>(pid);
    }
    return 0;
}

} // namespace

class TestCliMpi : public QObject {
    Q_OBJECT
private slots:
    void init() {
        if (mpirun().isEmpty())
            QSKIP("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev, or make test)");
    }

    void syncEqualsOneProcess() {
        QTemporaryDir dir;
        const QString alone = dir.filePath("alone.tcw"), ranks = dir.filePath("ranks.tcw");
        const TcwRun one = runTcw(nsga2Args(alone) + QStringList{"--threads", "2"});
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        const TcwRun mpi = runMpi(3, nsga2Args(ranks) + QStringList{"--sync"});
        QVERIFY2(mpi.exitCode == 0, qPrintable(mpi.out + mpi.err));
        QVERIFY2(mpi.out.contains("3 ranks") && mpi.out.contains("synchronous"), qPrintable(mpi.out));
        QVERIFY2(mpi.out.contains("workers: 160 evaluations (0 failed)"), qPrintable(mpi.out));
        const QStringList expected = storedTrialRows(alone);
        QCOMPARE(expected.size(), 160);
        QCOMPARE(storedTrialRows(ranks), expected);
        // Generation by generation, in position order: the rows of a one-thread run.
        QStringList positions;
        for (int i = 0; i < 160; ++i)
            positions << QString::number(i);
        QCOMPARE(commitOrder(ranks), positions);
    }

    // Asynchronous across rounds (steady-state NSGA-II): every trial stored exactly once,
    // numbered in commit order, asks made as evaluations finish, not at generation ends.
    void asyncStoresEveryTrialOnce() {
        QTemporaryDir dir;
        const QString ranks = dir.filePath("ranks.tcw");
        const TcwRun mpi = runMpi(3, nsga2Args(ranks) + QStringList{"--threads", "2"});
        QVERIFY2(mpi.exitCode == 0, qPrintable(mpi.out + mpi.err));
        QVERIFY2(mpi.out.contains("asynchronous across rounds"), qPrintable(mpi.out));
        QVERIFY2(mpi.out.contains("workers: 160 evaluations (0 failed)"), qPrintable(mpi.out));
        QStringList positions;
        for (int i = 0; i < 160; ++i)
            positions << QString::number(i);
        QCOMPARE(commitOrder(ranks), positions); // each position once, in the order committed
        QCOMPARE(storedTrialRows(ranks).size(), 160);
        using namespace tcw::store;
        Database db = Database::open(ranks.toStdString(), Database::Mode::ReadOnly);
        Statement config = db.prepare("SELECT json_extract(config_json, '$.steadyState') FROM searches");
        QVERIFY(config.step());
        QCOMPARE(config.int64(0), std::int64_t(1));
        // Trial.round = trials told before the ask: past the first generation of 32, asks come
        // after every tell, not only after each 32nd.
        Statement asks =
            db.prepare("SELECT count(DISTINCT iteration) FROM trials WHERE iteration > 32 AND iteration % 32 != 0");
        QVERIFY(asks.step());
        QVERIFY2(asks.int64(0) > 40, qPrintable(QString::number(asks.int64(0))));
    }

    // kill -9 of rank 0 in the asynchronous mode, then --resume: no committed trial lost or
    // changed, every position once, the budget spent, the workspace intact.
    void sigkillAsyncThenResume() {
        QTemporaryDir dir;
        const QString killed = dir.filePath("killed.tcw");
        QStringList args = nsga2Args(killed);
        args[args.indexOf("160")] = "1500";
        args << "--threads"
             << "2";
        QProcess job;
        job.setProcessEnvironment(mpiEnvironment());
        job.start(mpirun(), mpirunOptions(3) + QStringList{kTcw} + args);
        QVERIFY(job.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        while (committedTrials(killed) < 100 && job.state() == QProcess::Running &&
               waited.elapsed() < tcw::testing::scaledMs(150000))
            QTest::qWait(10);
        QCOMPARE(job.state(), QProcess::Running);
        const pid_t rank0 = rankProcess(job.processId(), 0);
        QVERIFY2(rank0 > 0, "rank 0's process not found under mpirun");
        QCOMPARE(::kill(rank0, SIGKILL), 0);
        QVERIFY(job.waitForFinished(tcw::testing::scaledMs(30000)));
        QVERIFY(job.exitCode() != 0);
        const QStringList atKill = storedTrialRows(killed);
        QVERIFY2(atKill.size() >= 100 && atKill.size() < 1500, qPrintable(QString::number(atKill.size())));
        QCOMPARE(integrityCheck(killed), QString("ok"));

        const TcwRun resumed = runMpi(3, {"search", "--workspace", killed, "--resume", "--quiet", "--threads", "2"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
        QVERIFY2(resumed.out.contains(QString("%1 trials already stored").arg(atKill.size())), qPrintable(resumed.out));
        QVERIFY2(resumed.out.contains("asynchronous across rounds"), qPrintable(resumed.out));
        const QStringList final = storedTrialRows(killed);
        QCOMPARE(final.size(), 1500);
        for (int i = 0; i < atKill.size(); ++i) // the committed prefix, unchanged
            QCOMPARE(final[i], atKill[i]);
        QStringList positions;
        for (int i = 0; i < 1500; ++i)
            positions << QString::number(i);
        QCOMPARE(commitOrder(killed), positions);
        QCOMPARE(integrityCheck(killed), QString("ok"));
    }

    // A worker that cannot set the search up (its data set is missing) stops the job before
    // any evaluation, naming the rank; the search is stored as failed, not left pending.
    void workerSetupErrorIsReported() {
        QTemporaryDir dir;
        const QString workspace = dir.filePath("w.tcw");
        const TcwRun mpi =
            runMpi(3, {"search", "--workspace", workspace, "--model-space", "laptop", "--accuracy", "trained", "--data",
                       "fashion-mnist", "--data-dir", dir.filePath("missing"), "--budget", "4", "--quiet"});
        QCOMPARE(mpi.exitCode, 2);
        QVERIFY2(mpi.err.contains("a worker rank cannot run this search: rank ") && mpi.err.contains("missing"),
                 qPrintable(mpi.err));
        using namespace tcw::store;
        Database db = Database::open(workspace.toStdString(), Database::Mode::ReadOnly);
        Statement s = db.prepare("SELECT status, (SELECT count(*) FROM trials) FROM searches");
        QVERIFY(s.step());
        QCOMPARE(QString::fromStdString(s.text(0)), QString("failed"));
        QCOMPARE(s.int64(1), std::int64_t(0));
    }

    void sigkillRankZeroThenResume() {
        QTemporaryDir dir;
        const QString whole = dir.filePath("whole.tcw"), killed = dir.filePath("killed.tcw");
        // BOSHCODE: its surrogate steps keep rank 0 busy long enough to be killed mid-run.
        const QStringList args = {"search", "--workspace",  "",   "--algorithm", "boshcode", "--budget",
                                  "120",    "--initial",    "48", "--seed",      "5",        "--patience",
                                  "0",      "--candidates", "40", "--quiet"};
        QStringList wholeArgs = args, killedArgs = args;
        wholeArgs[2] = whole;
        killedArgs[2] = killed;
        // Its surrogate steps take minutes under the sanitizers on a loaded machine (scaled).
        const TcwRun uninterrupted = runTcw(wholeArgs, {}, 300000);
        QVERIFY2(uninterrupted.exitCode == 0, qPrintable(uninterrupted.err));
        const QStringList expected = storedTrialRows(whole);
        QCOMPARE(expected.size(), 120);

        QProcess job;
        job.setProcessEnvironment(mpiEnvironment());
        job.start(mpirun(), mpirunOptions(3) + QStringList{kTcw} + killedArgs);
        QVERIFY(job.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        while (committedTrials(killed) < 70 && job.state() == QProcess::Running &&
               waited.elapsed() < tcw::testing::scaledMs(150000))
            QTest::qWait(20);
        QCOMPARE(job.state(), QProcess::Running);
        const pid_t rank0 = rankProcess(job.processId(), 0);
        QVERIFY2(rank0 > 0, "rank 0's process not found under mpirun");
        QCOMPARE(::kill(rank0, SIGKILL), 0);
        QVERIFY(job.waitForFinished(tcw::testing::scaledMs(30000))); // mpirun ends the other ranks
        QVERIFY(job.exitCode() != 0);
        const QStringList atKill = storedTrialRows(killed);
        QVERIFY2(atKill.size() >= 70 && atKill.size() < 120, qPrintable(QString::number(atKill.size())));
        QCOMPARE(integrityCheck(killed), QString("ok"));

        const TcwRun resumed = runMpi(3, {"search", "--workspace", killed, "--resume", "--quiet"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
        QVERIFY2(resumed.out.contains(QString("%1 trials already stored").arg(atKill.size())), qPrintable(resumed.out));
        const QStringList final = storedTrialRows(killed);
        for (const QString& row : atKill) // no committed trial lost or changed
            QVERIFY2(final.contains(row), qPrintable(row));
        QCOMPARE(final, expected);
        QCOMPARE(integrityCheck(killed), QString("ok"));
    }
};

QTEST_GUILESS_MAIN(TestCliMpi)
#include "test_cli_mpi.moc"
