// Issue 18: a search's history against its trials. The hypervolume stored with each trial
// equals the history recomputed from the trials in position order, whatever order the
// journal commits them in (an asynchronous run commits as evaluations finish); it is the
// hypervolume of each prefix (checked against the exact hypervolume of the prefix's points);
// trials stored before schema v5 (NULL) are recomputed on read; best-so-far is the running
// best of each objective over the acceptable trials; the search's title tells searches apart.
#include "codesign/search_session.h"
#include "codesign/search_summary.h"
#include "io/files.h"
#include "search/search_history.h"
#include "store/sqlite.h"

#include <QtTest>

#include <cmath>
#include <filesystem>

using namespace tcw;
using namespace tcw::search;

namespace {

const std::filesystem::path kDataDir = TCW_SOURCE_DATA_DIR;

SearchConfig smallSearch() {
    SearchConfig c;
    c.algorithm = "nsga2";
    c.budget = 48;
    c.populationSize = 16;
    c.seed = 3;
    c.modelSpace = flexibert2Space();
    c.acceleratorSpace = electorSpace();
    c.objectives.constraints = {{Metric::Area, 2000}};
    return c;
}

} // namespace

class TestSearchHistory : public QObject {
    Q_OBJECT
private slots:
    void storedHistoryEqualsRecomputedWhateverTheCommitOrder_data() {
        QTest::addColumn<bool>("inOrder");
        QTest::newRow("in position order") << true;
        QTest::newRow("as evaluations finish") << false;
    }
    void storedHistoryEqualsRecomputedWhateverTheCommitOrder() {
        QFETCH(bool, inOrder);
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("h.tcw").toStdString());
        codesign::SessionOptions options;
        options.dataDir = kDataDir;
        options.threads = 2;
        options.commitInOrder = inOrder;
        options.writer = "test_search_history";
        auto session = codesign::SearchSession::start(ws, smallSearch(), options);
        QVERIFY(!session.run().cancelled);

        const auto stored = codesign::readStoredSearch(ws);
        QCOMPARE(int(stored.trials.size()), 48);
        QCOMPARE(int(stored.storedHypervolumes.size()), 48);
        const std::vector<double> recomputed = hypervolumeHistory(stored.trials, stored.problem);
        for (std::size_t i = 0; i < recomputed.size(); ++i) {
            QVERIFY2(stored.storedHypervolumes[i].has_value(), qPrintable(QString::number(i)));
            QCOMPARE(*stored.storedHypervolumes[i], recomputed[i]);
            if (i > 0)
                QVERIFY(recomputed[i] >= recomputed[i - 1]);
            // The definition: the exact hypervolume of the acceptable prefix's normalised points.
            const std::vector<Trial> prefix(stored.trials.begin(), stored.trials.begin() + std::ptrdiff_t(i) + 1);
            QVERIFY(std::abs(trialsHypervolume(prefix, stored.problem) - recomputed[i]) < 1e-12);
        }
        QVERIFY(recomputed.back() > 0);
        const auto history = codesign::searchHistory(stored);
        QCOMPARE(history.recomputed, 0);
        QCOMPARE(history.hypervolume, recomputed);
        const auto writer = ws.property(codesign::searchWriterKey(stored.record.id, false));
        QVERIFY(writer && QString::fromStdString(*writer).startsWith("test_search_history"));
    }

    void valuesStoredBeforeV5AreRecomputedOnRead() {
        QTemporaryDir dir;
        const QString path = dir.filePath("old.tcw");
        {
            auto ws = store::Workspace::create(path.toStdString());
            codesign::SessionOptions options;
            options.dataDir = kDataDir;
            options.threads = 1;
            auto session = codesign::SearchSession::start(ws, smallSearch(), options);
            session.run();
        }
        std::vector<double> full;
        {
            const auto ws = store::Workspace::openReadOnly(path.toStdString());
            full = codesign::searchHistory(codesign::readStoredSearch(ws)).hypervolume;
        }
        {
            auto db = store::Database::open(path.toStdString(), store::Database::Mode::ReadWrite);
            db.exec("UPDATE trials SET hypervolume = NULL WHERE position % 3 = 1");
        }
        const auto ws = store::Workspace::openReadOnly(path.toStdString());
        const auto history = codesign::searchHistory(codesign::readStoredSearch(ws));
        QCOMPARE(history.recomputed, 16);
        QCOMPARE(history.hypervolume, full);
    }

    void bestSoFarIsTheRunningBestOfAcceptableTrials() {
        // Hand-made trials: accuracy (max) and latency (min); trial 2 violates the area bound.
        Problem problem;
        problem.objectives.metrics = {Metric::Accuracy, Metric::Latency};
        problem.objectives.constraints = {{Metric::Area, 100}};
        problem.box.lo = {0.5, 1e-3};
        problem.box.hi = {0.9, 1.0};
        auto trial = [](int position, double accuracy, double latency, double area) {
            Trial t;
            t.position = position;
            t.metrics.accuracy = accuracy;
            t.metrics.latencySeconds = latency;
            t.metrics.areaMM2 = area;
            t.metrics.accuracyOrigin = AccuracyOrigin::Predicted;
            return t;
        };
        const std::vector<Trial> trials = {trial(0, 0.70, 0.5, 50), trial(1, 0.65, 0.2, 50), trial(2, 0.95, 0.01, 500),
                                           trial(3, 0.80, 0.3, 50)};
        const auto best = bestSoFar(trials, problem);
        QCOMPARE(best.size(), std::size_t(2));
        QCOMPARE(best[0], (std::vector<double>{0.70, 0.70, 0.70, 0.80}));
        QCOMPARE(best[1], (std::vector<double>{0.5, 0.2, 0.2, 0.2}));
        const auto hv = hypervolumeHistory(trials, problem);
        QCOMPARE(hv[2], hv[1]); // the unacceptable trial adds nothing
        QVERIFY(hv[3] > hv[1]);
    }

    void titlesTellSearchesApart() {
        SearchConfig c = smallSearch();
        c.budget = 20000;
        QCOMPARE(codesign::searchTitle(3, c), std::string("Search 3 · NSGA-II · joint · 20000 trials"));
        c.algorithm = "boshcode";
        c.budget = 1;
        c.fixedAccelerator = AcceleratorSpec{};
        QCOMPARE(codesign::searchTitle(4, c), std::string("Search 4 · BOSHCODE · transformer only · 1 trial"));
    }
};

QTEST_GUILESS_MAIN(TestSearchHistory)
#include "test_search_history.moc"
