// The Search panel in the window (offscreen), on a copy of the example workspace: an NSGA-II
// search started from the panel streams its designs into the explorer's design model while it
// runs; pausing stops the trial count, resuming continues it; stopping stores the search as
// cancelled with its trials, and resuming it from the panel ends with exactly the trials (and
// configuration) of an uninterrupted `tcw search` with the same seed. Closing the workspace or
// the window mid-search stops it cleanly. The panel's validation names bad choices.
#include "main_window.h"
#include "models/design_table_model.h"
#include "panels/search_page.h"
#include "panels/search_panel.h"
#include "plots/hypervolume_plot.h"
#include "search_controller.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"
#include "../support/stored_trials.h"
#include "codesign/search_session.h"
#include "search/search_history.h"
#include "store/sqlite.h"
#include "store/workspace.h"

#include <QAction>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace tcw;
using app::MainWindow;
using State = widgets::SearchPanel::State;

namespace {

const QString kTcw = QStringLiteral(TCW_CLI_BINARY);
const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);
constexpr int kBudget = 3000;

// Rows of the latest search's trials with their evaluations.
QStringList storedTrials(const QString& path) {
    return testing::storedTrialRows(path, testing::Trials::LatestSearch);
}

int committedTrials(const QString& path) {
    return int(storedTrials(path).size());
}

// The latest search's status and configuration.
QPair<QString, QString> latestSearch(const QString& path) {
    store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
    store::Statement s = db.prepare("SELECT status, config_json FROM searches ORDER BY id DESC LIMIT 1");
    if (!s.step())
        return {};
    return {QString::fromStdString(s.text(0)), QString::fromStdString(s.text(1))};
}

// Issue 18: the latest search's hypervolume as stored per trial is continuous (positions 0 …
// n-1, a value each), monotone, and equal to the history recomputed from the trials.
QString storedHistoryProblem(const QString& path) {
    const auto column = testing::storedHypervolumes(path, testing::Trials::LatestSearch);
    for (std::size_t i = 0; i < column.size(); ++i) {
        if (column[i].first != qint64(i) || std::isnan(column[i].second))
            return QStringLiteral("trial %1 has no stored hypervolume").arg(i);
        if (i > 0 && column[i].second < column[i - 1].second)
            return QStringLiteral("the hypervolume falls at trial %1").arg(i);
    }
    const auto workspace = store::Workspace::openReadOnly(path.toStdString());
    const auto stored = codesign::readStoredSearch(workspace);
    const auto recomputed = search::hypervolumeHistory(stored.trials, stored.problem);
    if (recomputed.size() != column.size())
        return QStringLiteral("%1 trials, %2 values").arg(recomputed.size()).arg(column.size());
    for (std::size_t i = 0; i < column.size(); ++i)
        if (std::abs(recomputed[i] - column[i].second) > 1e-12)
            return QStringLiteral("trial %1: stored %2, recomputed %3").arg(i).arg(column[i].second).arg(recomputed[i]);
    return {};
}

bool waitForOpen(app::WorkspaceController* controller) {
    return QTest::qWaitFor([controller] { return controller->isOpen() && !controller->isBusy(); }, 60000);
}

} // namespace

class TestSearchPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_search_panel")));
        qputenv("TCW_DATA_DIR", kData.toUtf8());
    }
    void init() { QSettings().clear(); }

    void validationNamesBadChoices() {
        widgets::SearchPanel panel;
        panel.setDataDirectory(kData.toStdString());
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        panel.setState(State::Idle);
        QVERIFY(panel.startAction()->isEnabled());
        // Every objective unticked: nothing to search.
        for (auto m :
             {search::Metric::Accuracy, search::Metric::Latency, search::Metric::TotalEnergy, search::Metric::Area})
            panel.setObjectiveWeight(m, false, 0.1);
        QVERIFY(!panel.validationErrors().isEmpty());
        QVERIFY(!panel.startAction()->isEnabled());
        auto* label = panel.findChild<QLabel*>(QStringLiteral("searchValidation"));
        QVERIFY(label && label->text().contains(QStringLiteral("objective")));
        // A weighted score with all weights zero is refused by core's validation.
        panel.setObjectiveWeight(search::Metric::Accuracy, true, 0.0);
        panel.setWeighted(true);
        QVERIFY2(!panel.validationErrors().isEmpty(), "zero weights accepted");
        panel.setObjectiveWeight(search::Metric::Accuracy, true, 0.6);
        panel.setObjectiveWeight(search::Metric::Latency, true, 0.4);
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        const codesign::SearchRequest r = panel.request();
        QCOMPARE(r.objectives, (std::vector<std::string>{"accuracy", "latency"}));
        QCOMPARE(r.weights, (std::vector<std::string>{"0.6", "0.4"}));
        // An accuracy constraint in percent becomes a fraction.
        panel.setConstraint(search::Metric::Accuracy, true, 75.0);
        panel.setConstraint(search::Metric::Latency, true, 2.0); // ms
        QCOMPARE(panel.request().constraints, (std::vector<std::string>{"accuracy>=0.75", "latency<=0.002"}));
    }

    // A search's settings shown in the form come back unchanged from the form: the request it
    // makes builds the same configuration (every setting the form has a control for).
    void showSearchFillsTheForm_data() {
        QTest::addColumn<codesign::SearchRequest>("request");
        codesign::SearchRequest trained;
        trained.algorithm = "nsga2";
        trained.budget = 777;
        trained.seed = 42;
        trained.mode = "training";
        trained.accuracy = "trained";
        trained.data = "listops";
        trained.trainSteps = 50;
        trained.objectives = {"accuracy", "latency", "dynamic-energy"};
        trained.weights = {"0.5", "0.3", "0.2"};
        trained.constraints = {"accuracy>=0.6", "area<=2500"};
        QTest::newRow("weighted, trained, training mode") << trained;
        codesign::SearchRequest imported;
        imported.algorithm = "random";
        imported.budget = 64;
        imported.seed = 3;
        imported.accuracy = "imported";
        imported.accuracyTable = "flexibert2_glue16";
        imported.objectives = {"accuracy", "power"};
        imported.constraints = {"latency<=0.004"};
        QTest::newRow("pareto, imported, a constraint on an unused metric") << imported;
        codesign::SearchRequest workspace;
        workspace.accuracyTable = "workspace";
        workspace.data = "listops";
        QTest::newRow("predicted from the workspace's runs") << workspace;
    }
    void showSearchFillsTheForm() {
        QFETCH(codesign::SearchRequest, request);
        const codesign::BuiltConfig built = codesign::buildSearchConfig(request, kData.toStdString());
        QVERIFY2(built.config, built.errors.empty() ? "" : built.errors.front().c_str());
        widgets::SearchPanel panel;
        panel.setDataDirectory(kData.toStdString());
        panel.setAlgorithm(QStringLiteral("boshcode")); // something else first
        panel.setBudget(5);
        panel.setWeighted(!(built.config->objectives.scalarisation == search::Scalarisation::WeightedSum));
        panel.setConstraint(search::Metric::TotalEnergy, true, 12.0);
        panel.showSearch(*built.config);
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        const codesign::BuiltConfig again = codesign::buildSearchConfig(panel.request(), kData.toStdString());
        QVERIFY2(again.config, again.errors.empty() ? "" : again.errors.front().c_str());
        QCOMPARE(again.config->algorithm, built.config->algorithm);
        QCOMPARE(again.config->budget, built.config->budget);
        QCOMPARE(again.config->seed, built.config->seed);
        QCOMPARE(again.config->accuracy, built.config->accuracy);
        QCOMPARE(again.config->accuracyTable, built.config->accuracyTable);
        QVERIFY(again.config->training == built.config->training);
        QVERIFY(again.config->objectives == built.config->objectives);
        QVERIFY(*again.config == *built.config); // and nothing else moved
    }

    void startPauseResumeStopResume() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("search.tcw"));
        const QString reference = dir.filePath(QStringLiteral("reference.tcw"));
        QVERIFY(QFile::copy(kData + QStringLiteral("/examples/example.tcw"), path));
        QVERIFY(QFile::copy(kData + QStringLiteral("/examples/example.tcw"), reference));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        QFile::setPermissions(reference, QFile::ReadOwner | QFile::WriteOwner);

        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(path);
        QVERIFY(waitForOpen(window.controller()));
        widgets::SearchPanel* panel = window.searchPanel();
        app::SearchController* search = window.searches();
        search->setThreads(2);
        search->setReloadInterval(100);
        QCOMPARE(panel->state(), State::Idle);
        QVERIFY(panel->resumeUnfinishedAction()->isEnabled() == false); // the example's searches finished
        const int designsBefore = window.controller()->designModel()->rowCount();

        panel->setAlgorithm(QStringLiteral("nsga2"));
        panel->setBudget(kBudget);
        panel->setSeed(4);
        QVERIFY2(panel->validationErrors().isEmpty(), qPrintable(panel->validationErrors().join('\n')));
        // Pause from the first report on (a search of this size takes about a second).
        auto pauseEarly = connect(search, &app::SearchController::progressed, search, [search] {
            if (search->state() == State::Running)
                search->pause();
        });
        QVERIFY(panel->startAction()->isEnabled());
        panel->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), State::Paused, 60000);
        disconnect(pauseEarly);
        QVERIFY(!panel->startAction()->isEnabled());
        QVERIFY(panel->resumeAction()->isEnabled());
        QVERIFY(panel->stopAction()->isEnabled());

        // Paused mid-run: what was committed streams into the explorer while the search is
        // still under way, and the count holds.
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->designModel()->rowCount() > designsBefore, 30000);
        QVERIFY(search->isActive());
        QTest::qWait(400);
        const int whilePaused = committedTrials(path);
        QVERIFY2(whilePaused > 0 && whilePaused < kBudget, qPrintable(QString::number(whilePaused)));
        QTest::qWait(400);
        QCOMPARE(committedTrials(path), whilePaused);
        QVERIFY2(storedHistoryProblem(path).isEmpty(), qPrintable(storedHistoryProblem(path))); // while paused
        QCOMPARE(latestSearch(path).first, QStringLiteral("running"));
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->designModel()->rowCount() >= designsBefore + 1, 10000);
        QVERIFY(!panel->hypervolumePlot()->points().isEmpty());

        // Resume; stop again at about a third of the budget.
        auto stopLater = connect(search, &app::SearchController::progressed, search,
                                 [search](const widgets::SearchPanel::Progress& p) {
                                     if (p.trials >= kBudget / 3 && search->state() == State::Running)
                                         search->stop();
                                 });
        panel->resumeAction()->trigger();
        QCOMPARE(panel->state(), State::Running);
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), State::Idle, 60000);
        disconnect(stopLater);
        const int stopped = committedTrials(path);
        QVERIFY2(stopped > whilePaused && stopped < kBudget, qPrintable(QString::number(stopped)));
        QCOMPARE(latestSearch(path).first, QStringLiteral("cancelled"));
        QVERIFY2(storedHistoryProblem(path).isEmpty(), qPrintable(storedHistoryProblem(path)));
        QVERIFY(search->progress().etaSeconds >= 0);
        // The last trials reach the explorer after the search ended.
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->counts().evaluations >= 2000 + stopped, 10000);

        // Resume from the panel: it completes the stored search, and the form, changed in the
        // meantime, shows the stored search's settings again.
        QTRY_VERIFY(panel->resumeUnfinishedAction()->isEnabled());
        panel->setAlgorithm(QStringLiteral("random"));
        panel->setBudget(17);
        panel->setSeed(99);
        panel->resumeUnfinishedAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(panel->request().algorithm, std::string("nsga2"), 60000);
        QCOMPARE(panel->request().budget, kBudget);
        QCOMPARE(panel->request().seed, std::uint64_t(4));
        QTRY_VERIFY_WITH_TIMEOUT(panel->state() == State::Running || panel->state() == State::Idle, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), State::Idle, 120000);
        QCOMPARE(latestSearch(path).first, QStringLiteral("finished"));
        QCOMPARE(committedTrials(path), kBudget);
        QVERIFY(!panel->resumeUnfinishedAction()->isEnabled());
        QCOMPARE(int(panel->hypervolumePlot()->points().back().x()), kBudget);
        for (qsizetype i = 1; i < panel->hypervolumePlot()->points().size(); ++i) // the front only improves
            QVERIFY(panel->hypervolumePlot()->points()[i].y() >= panel->hypervolumePlot()->points()[i - 1].y());

        // The same search from the command line, never interrupted.
        QProcess tcw;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TCW_DATA_DIR"), kData);
        tcw.setProcessEnvironment(env);
        tcw.start(kTcw, {"search", "--workspace", reference, "--algorithm", "nsga2", "--budget",
                         QString::number(kBudget), "--seed", "4", "--threads", "2", "--quiet"});
        QVERIFY(tcw.waitForFinished(120000));
        QCOMPARE(tcw.exitCode(), 0);
        QCOMPARE(latestSearch(path).second, latestSearch(reference).second); // the same configuration
        const QStringList gui = storedTrials(path), cli = storedTrials(reference);
        QCOMPARE(gui.size(), cli.size());
        for (qsizetype i = 0; i < gui.size(); ++i)
            QCOMPARE(gui[i], cli[i]);
        // The stored history across pause, stop and resume: continuous, monotone, the one
        // recomputed from the trials, and value for value the uninterrupted run's.
        QVERIFY2(storedHistoryProblem(path).isEmpty(), qPrintable(storedHistoryProblem(path)));
        const auto guiHistory = testing::storedHypervolumes(path, testing::Trials::LatestSearch);
        const auto cliHistory = testing::storedHypervolumes(reference, testing::Trials::LatestSearch);
        QCOMPARE(guiHistory.size(), cliHistory.size());
        for (std::size_t i = 0; i < guiHistory.size(); ++i)
            QCOMPARE(guiHistory[i].second, cliHistory[i].second);

        // The search page: the tree's search opens it, with the stored history as is.
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->searchMembers().size() >= 3, 10000);
        const qint64 searchId = window.controller()->treeContent().searches.back().id;
        window.openSearchPage(searchId);
        widgets::SearchPage* page = window.searchPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->shownSearch(), searchId, 30000);
        QVERIFY2(page->content().error.isEmpty(), qPrintable(page->content().error));
        QVERIFY(page->content().title.contains(QStringLiteral("NSGA-II")));
        QCOMPARE(page->content().recomputed, 0);
        QCOMPARE(page->content().hypervolume.size(), qsizetype(kBudget));
        for (int i = 0; i < kBudget; ++i)
            QCOMPARE(page->content().hypervolume[i], guiHistory[std::size_t(i)].second);
        QCOMPARE(page->hypervolumePlot()->points().size(), qsizetype(kBudget));
        QCOMPARE(page->content().bestSoFar.size(), qsizetype(4)); // accuracy, latency, energy, area
        QVERIFY(!page->bestSoFarChart()->drawnPoints().isEmpty());
        window.controller()->closeWorkspace();
        QCOMPARE(page->shownSearch(), qint64(0)); // another workspace: the page is cleared
    }

    // Seen 4 / Done-when 3: a real `tcw search` killed with SIGKILL mid-run, resumed from the
    // panel: the hypervolume curve is the whole history — a point for every replayed round of
    // the stored trials (no step from the first round to the end of the replay), rising only,
    // and on into the trials evaluated after the resume.
    void hypervolumeHistorySurvivesKillAndResume() {
        constexpr int kLongBudget = 40000; // long enough to kill mid-run, stopped after the replay
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("killed.tcw"));
        QVERIFY(QFile::copy(kData + QStringLiteral("/examples/example.tcw"), path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        QProcess tcw;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TCW_DATA_DIR"), kData);
        tcw.setProcessEnvironment(env);
        tcw.start(kTcw, {"search", "--workspace", path, "--algorithm", "nsga2", "--budget",
                         QString::number(kLongBudget), "--seed", "4", "--threads", "1", "--quiet"});
        QVERIFY(tcw.waitForStarted());
        // The new search is the latest once it has started (the example's own two are finished).
        QTRY_VERIFY_WITH_TIMEOUT(
            latestSearch(path).first == QLatin1String("running") && committedTrials(path) >= 8 * 64, 60000);
        tcw.kill(); // SIGKILL: no chance to mark the search stopped
        QVERIFY(tcw.waitForFinished(10000));
        const int stored = committedTrials(path);
        QVERIFY2(stored >= 8 * 64 && stored < kLongBudget, qPrintable(QString::number(stored)));
        QCOMPARE(latestSearch(path).first, QStringLiteral("running")); // as the kill left it

        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(path);
        QVERIFY(waitForOpen(window.controller()));
        widgets::SearchPanel* panel = window.searchPanel();
        window.searches()->setThreads(2);
        QTRY_VERIFY(panel->resumeUnfinishedAction()->isEnabled());
        panel->resumeUnfinishedAction()->trigger();
        const QVector<QPointF>& points = panel->hypervolumePlot()->points();
        QTRY_VERIFY_WITH_TIMEOUT(!points.isEmpty() && points.back().x() > stored + 64, 60000);
        panel->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), State::Idle, 60000);
        QVERIFY2(points.front().x() <= 64, qPrintable(QString::number(points.front().x())));
        for (qsizetype i = 1; i < points.size(); ++i) {
            QVERIFY(points[i].x() > points[i - 1].x());
            QVERIFY(points[i].y() >= points[i - 1].y()); // the front only improves
            // Replaying the complete stored rounds: a point per round of 64.
            if (points[i - 1].x() < stored - 64)
                QVERIFY2(points[i].x() - points[i - 1].x() <= 64,
                         qPrintable(QStringLiteral("%1 → %2").arg(points[i - 1].x()).arg(points[i].x())));
        }
        window.controller()->closeWorkspace();
    }

    void closingStopsARunningSearch() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("close.tcw"));
        QVERIFY(QFile::copy(kData + QStringLiteral("/examples/example.tcw"), path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        for (bool closeWindow : {false, true}) {
            MainWindow window;
            window.setInteractive(false);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.controller()->openWorkspace(path);
            QVERIFY(waitForOpen(window.controller()));
            window.searchPanel()->setAlgorithm(QStringLiteral("random"));
            window.searchPanel()->setBudget(1'000'000); // far more than runs before the close
            window.searches()->setThreads(2);
            window.searchPanel()->startAction()->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(window.searches()->progress().trials > 0, 60000);
            if (closeWindow)
                window.close();
            else
                window.controller()->closeWorkspace();
            QVERIFY(!window.searches()->isActive()); // stopped and joined at once
            QCOMPARE(latestSearch(path).first, QStringLiteral("cancelled"));
            QVERIFY(committedTrials(path) > 0);
            if (!closeWindow) {
                QCOMPARE(window.searchPanel()->state(), State::NoWorkspace);
                QVERIFY(!window.searchPanel()->startAction()->isEnabled());
            }
        }
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestSearchPanel)
#include "test_search_panel.moc"
