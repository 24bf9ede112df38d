// Issue 18, done-when 3: the hypervolume history a workspace stores per trial survives kill -9.
// A real `tcw search` (NSGA-II, predicted accuracy) is killed with SIGKILL mid-run and resumed
// with --resume; the stored history must then be continuous (one value per committed trial,
// no NULL, positions 0 … n-1), monotone, and equal to the history recomputed from the trials
// in position order (search::hypervolumeHistory) — at the kill and after the resume.
#include "../support/stored_trials.h"
#include "../support/tcw_process.h"

#include "codesign/search_session.h"
#include "codesign/search_summary.h"
#include "search/search_history.h"
#include "store/sqlite.h"
#include "store/workspace.h"

#include <QtTest>

#include <cmath>

namespace {

using tcw::testing::committedTrials;
using tcw::testing::runTcw;
using tcw::testing::tcwEnvironment;
using tcw::testing::TcwRun;

// NSGA-II: cheap trials, so the run is long enough to kill mid-run through its commits (one
// fsync'ed transaction each) rather than through CPU, and its rounds of 32 leave the kill
// inside a round now and then.
constexpr int kBudget = 1200;
QStringList searchArgs(const QString& workspace) {
    return {"search",       "--workspace", workspace, "--algorithm", "nsga2",     "--budget", QString::number(kBudget),
            "--population", "32",          "--seed",  "9",           "--threads", "2",        "--quiet"};
}

std::vector<std::pair<qint64, double>> storedColumn(const QString& path) {
    return tcw::testing::storedHypervolumes(path);
}

// Checks continuity, monotonicity and equality with the recomputed history; returns the count.
int checkHistory(const QString& path) {
    const auto column = storedColumn(path);
    for (std::size_t i = 0; i < column.size(); ++i) {
        if (column[i].first != static_cast<qint64>(i))
            qFatal("trial %zu is missing (position %lld stored there)", i, column[i].first);
        if (std::isnan(column[i].second))
            qFatal("trial %zu has no stored hypervolume", i);
        if (i > 0 && column[i].second < column[i - 1].second)
            qFatal("hypervolume falls at trial %zu: %.17g after %.17g", i, column[i].second, column[i - 1].second);
    }
    const auto workspace = tcw::store::Workspace::openReadOnly(path.toStdString());
    const auto stored = tcw::codesign::readStoredSearch(workspace);
    const std::vector<double> recomputed = tcw::search::hypervolumeHistory(stored.trials, stored.problem);
    if (recomputed.size() != column.size())
        qFatal("%zu trials read, %zu stored values", recomputed.size(), column.size());
    for (std::size_t i = 0; i < column.size(); ++i)
        if (std::abs(recomputed[i] - column[i].second) > 1e-12)
            qFatal("trial %zu: stored %.17g, recomputed %.17g", i, column[i].second, recomputed[i]);
    const auto history = tcw::codesign::searchHistory(stored);
    if (history.recomputed != 0 || history.hypervolume.size() != column.size())
        qFatal("the page's history recomputed %d of %zu values", history.recomputed, column.size());
    return static_cast<int>(column.size());
}

} // namespace

class TestCliSearchHistory : public QObject {
    Q_OBJECT
private slots:
    void sigkillThenResumeKeepsAContinuousMonotoneHistory() {
        QTemporaryDir dir;
        const QString path = dir.filePath("killed.tcw");
        QProcess process;
        process.setProcessEnvironment(tcwEnvironment());
        process.start(QStringLiteral(TCW_CLI_BINARY), searchArgs(path));
        QVERIFY(process.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        while (committedTrials(path) < 200 && process.state() == QProcess::Running &&
               waited.elapsed() < tcw::testing::scaledMs(120000))
            QTest::qWait(20);
        QCOMPARE(process.state(), QProcess::Running);
        process.kill(); // SIGKILL
        QVERIFY(process.waitForFinished(tcw::testing::scaledMs(10000)));
        const int atKill = checkHistory(path);
        QVERIFY2(atKill >= 200 && atKill < kBudget, qPrintable(QString::number(atKill)));

        const TcwRun resumed = runTcw({"search", "--workspace", path, "--resume", "--quiet"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QCOMPARE(checkHistory(path), kBudget);
        // The history rises somewhere after the kill too (the curve is not flat to the end).
        const auto column = storedColumn(path);
        QVERIFY(column.back().second > 0);
        QVERIFY(column.front().second <= column.back().second);
    }
};

QTEST_GUILESS_MAIN(TestCliSearchHistory)
#include "test_cli_search_history.moc"
