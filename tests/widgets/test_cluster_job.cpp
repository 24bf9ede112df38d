// The Search panel's "Write Cluster Job Script…": the Slurm script written for the panel's
// search (through the dialog's settings and the function the window calls) holds the job's
// resources and the workspace path, and its mpirun line runs as written — mpirun on this
// machine standing in for the scheduler — storing every trial once, asynchronously across rounds, for
// the configuration the same request gives alone.
// Run again after the search finished, the line starts a new search and leaves the first as it
// was (an unfinished one would be resumed: --resume-if-unfinished). Skipped, saying
// so, when mpirun is not installed.
#include "../support/stored_trials.h"
#include "../support/tcw_process.h"
#include "cluster_job_dialog.h"
#include "codesign/cluster_job.h"
#include "panels/search_panel.h"

#include <QStandardPaths>
#include <QtTest>

#include <unistd.h>

using namespace tcw;

namespace {

// Runs one line of the script with bash, in the environment a job step would have, plus what
// this small machine needs: more ranks than cores, and root allowed (CI containers).
testing::TcwRun runLine(const QString& line, const QString& folder) {
    QProcess bash;
    QProcessEnvironment env = testing::tcwEnvironment();
    env.insert("OMPI_MCA_rmaps_base_oversubscribe", "1");
    env.insert("OMPI_MCA_btl", "self,vader");
    if (::geteuid() == 0) {
        env.insert("OMPI_ALLOW_RUN_AS_ROOT", "1");
        env.insert("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }
    bash.setProcessEnvironment(env);
    bash.setWorkingDirectory(folder);
    bash.start("bash", {"-euo", "pipefail", "-c", line});
    if (!bash.waitForFinished(180000))
        return {};
    return {bash.exitStatus() == QProcess::NormalExit ? bash.exitCode() : -1,
            QString::fromUtf8(bash.readAllStandardOutput()), QString::fromUtf8(bash.readAllStandardError())};
}

// The first search's configuration JSON, without the steady-state flag when asked.
QString configOf(const QString& path, bool withoutSteadyState) {
    using namespace tcw::store;
    Database db = Database::open(path.toStdString(), Database::Mode::ReadOnly);
    Statement s = db.prepare(withoutSteadyState ? "SELECT json_remove(config_json, '$.steadyState') FROM searches "
                                                  "ORDER BY id LIMIT 1"
                                                : "SELECT json(config_json) FROM searches ORDER BY id LIMIT 1");
    return s.step() ? QString::fromStdString(s.text(0)) : QString();
}

} // namespace

class TestClusterJob : public QObject {
    Q_OBJECT
private slots:
    void scriptArgumentsAreQuoted() {
        QCOMPARE(QString::fromStdString(codesign::shellQuoted("plain/path-1.tcw")), QString("plain/path-1.tcw"));
        QCOMPARE(QString::fromStdString(codesign::shellQuoted("it's a dir/w.tcw")), QString("'it'\\''s a dir/w.tcw'"));
        codesign::SearchRequest request;
        request.algorithm = "nsga2";
        request.constraints = {"latency<=0.002"};
        const auto args = codesign::searchArguments(request);
        const std::vector<std::string> expected = {"--algorithm", "nsga2", "--constraint", "latency<=0.002"};
        QCOMPARE(args, expected); // only what differs from tcw search's defaults
    }

    void scriptRunsAsWritten() {
        if (QStandardPaths::findExecutable("mpirun").isEmpty())
            QSKIP("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev, or make test)");
        QTemporaryDir dir;
        const QString workspace = dir.filePath("cluster run.tcw"); // a space: the path must be quoted
        widgets::SearchPanel panel;
        panel.setDataDirectory(TCW_SOURCE_DATA_DIR);
        panel.setAlgorithm("nsga2");
        panel.setBudget(48);
        panel.setSeed(4);
        QVERIFY(panel.validationErrors().isEmpty());
        gui::ClusterJobDialog dialog(workspace, panel.request());
        dialog.setRanks(3);
        dialog.setThreadsPerRank(2);
        dialog.setTcwCommand(QStringLiteral(TCW_CLI_BINARY));
        const QString scriptPath = dir.filePath("job.sbatch");
        QCOMPARE(gui::writeClusterJobScript(scriptPath, dialog.job()), QString());
        QVERIFY(QFileInfo(scriptPath).isExecutable());
        const QString script = QString::fromUtf8(testing::readFile(scriptPath));
        QVERIFY2(script.startsWith("#!/bin/bash\n"), qPrintable(script));
        for (const char* line : {"#SBATCH --ntasks=3\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --nodes=1\n"})
            QVERIFY2(script.contains(line), qPrintable(script));
        QStringList mpirunLines;
        for (const QString& line : script.split('\n'))
            if (line.startsWith("mpirun "))
                mpirunLines << line;
        QCOMPARE(mpirunLines.size(), 1);
        QVERIFY2(mpirunLines[0].contains("'" + workspace + "'"), qPrintable(mpirunLines[0]));
        QVERIFY2(mpirunLines[0].contains("--threads 2"), qPrintable(mpirunLines[0]));

        const testing::TcwRun job = runLine(mpirunLines[0], dir.path());
        QVERIFY2(job.exitCode == 0, qPrintable(job.out + job.err));
        QVERIFY2(job.out.contains("3 ranks"), qPrintable(job.out));
        QVERIFY2(job.out.contains("asynchronous across rounds"), qPrintable(job.out));
        const QStringList trials = testing::storedTrialRows(workspace);
        QCOMPARE(trials.size(), 48);
        QStringList positions;
        for (const QString& row : trials)
            positions << row.section('|', 0, 0);
        positions.removeDuplicates();
        QCOMPARE(positions.size(), 48); // each trial once

        // The same search alone, from the same request: the same configuration (the job's
        // default asynchronous mode adds only its steady state; its trials then follow the
        // order evaluations finish, so they are not compared).
        const QString alone = dir.filePath("alone.tcw");
        QStringList args = {"search", "--workspace", alone, "--quiet"};
        for (const auto& a : codesign::searchArguments(panel.request()))
            args << QString::fromStdString(a);
        const testing::TcwRun one = testing::runTcw(args);
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        QCOMPARE(configOf(workspace, true), configOf(alone, false));
        QVERIFY(!configOf(workspace, true).isEmpty());

        // Requeued after the search finished: nothing unfinished, so it starts a second search
        // (the first stays as it was).
        const testing::TcwRun again = runLine(mpirunLines[0], dir.path());
        QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
        QCOMPARE(testing::storedTrialRows(workspace, testing::Trials::All).size(), 96);
    }
};

QTEST_MAIN(TestClusterJob)
#include "test_cluster_job.moc"
