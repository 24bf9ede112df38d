// The co-design search: the joint space and its encodings, objectives, the surrogates'
// gradients, GOBI, determinism of every optimiser, exact resume after an interruption (in
// process and through a workspace), and BOSHCODE in TransCODE's setting beating its initial
// pairs.
#include "../support/time_scale.h"
#include "codesign/search_request.h"
#include "codesign/search_session.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "search/boshcode.h"
#include "search/gobi.h"
#include "search/nsga2.h"
#include "search/random_search.h"
#include "search/rng.h"
#include "search/search_config.h"
#include "search/search_runner.h"
#include "store/workspace.h"

#include <QtTest>

#include <atomic>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

using namespace tcw;
using namespace tcw::search;
namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCW_SOURCE_DATA_DIR;

AccuracyTable bundledTable() {
    const auto table = io::loadAccuracyTable(kDataDir / "accuracy/flexibert2_glue16.json");
    if (!table)
        qFatal("%s", table.errors.toString().c_str());
    return *table;
}

// A problem over FlexiBERT 2.0 × ELECTOR with the bundled accuracy predictor.
struct Setup {
    SearchConfig config;
    Problem problem;
    std::shared_ptr<const AccuracyOracle> accuracy;
    std::unique_ptr<SimulationEvaluator> evaluator;

    explicit Setup(ObjectiveConfig objectives, int boxSamples = 128) {
        config.modelSpace = flexibert2Space();
        config.acceleratorSpace = electorSpace();
        config.objectives = std::move(objectives);
        config.box = codesign::sampleBox(config, electorTechnology14nm(), 0.65, 0.89, boxSamples);
        problem = Problem{makeSpace(config), config.objectives, config.box};
        accuracy = std::make_shared<TableAccuracyModel>(bundledTable(), config.modelSpace);
        SimOptions sim;
        sim.mode = config.objectives.mode;
        evaluator = std::make_unique<SimulationEvaluator>(problem.space, electorTechnology14nm(), sim, accuracy);
    }
};

BoshcodeConfig smallBoshcode(int initial) {
    BoshcodeConfig b;
    b.initialPairs = initial;
    b.patience = 0;
    b.surrogate.teacher.steps = 150;
    b.surrogate.student.steps = 100;
    b.surrogate.natural.steps = 100;
    b.surrogate.extraInputs = 64;
    b.candidatesPerStep = 50;
    return b;
}

std::unique_ptr<Optimizer> makeAlgorithm(const QString& name, const Problem& problem, std::uint64_t seed) {
    if (name == "random")
        return std::make_unique<RandomSearch>(problem, seed, 16);
    if (name == "nsga2") {
        Nsga2Config n;
        n.populationSize = 16;
        return std::make_unique<Nsga2>(problem, seed, n);
    }
    return std::make_unique<Boshcode>(problem, seed, smallBoshcode(24));
}

// Stops the search after `limit` committed trials, like Ctrl-C or a kill between commits.
class StoppingJournal : public SearchJournal {
public:
    StoppingJournal(int limit, std::stop_source& stop) : m_limit(limit), m_stop(stop) {}
    void record(const Trial& t) override {
        committed.push_back(t);
        if (static_cast<int>(committed.size()) == m_limit)
            m_stop.request_stop();
    }
    std::vector<Trial> committed;

private:
    int m_limit;
    std::stop_source& m_stop;
};

// Pauses the run at the commit `limit` (from the runner's thread, as a GUI would between two
// trials) and counts commits for the test's thread.
class PausingJournal : public SearchJournal {
public:
    PausingJournal(int limit, RunControl& control) : m_limit(limit), m_control(control) {}
    void record(const Trial& t) override {
        std::lock_guard lock(mutex);
        committed.push_back(t);
        if (static_cast<int>(committed.size()) == m_limit)
            m_control.pause();
    }
    int count() {
        std::lock_guard lock(mutex);
        return static_cast<int>(committed.size());
    }
    std::mutex mutex;
    std::vector<Trial> committed;

private:
    int m_limit;
    RunControl& m_control;
};

// Throws on the commit after `limit`: a crash in the middle of a round.
class CrashingJournal : public SearchJournal {
public:
    explicit CrashingJournal(int limit) : m_limit(limit) {}
    void record(const Trial& t) override {
        if (static_cast<int>(committed.size()) == m_limit)
            throw std::runtime_error("power cut");
        committed.push_back(t);
    }
    std::vector<Trial> committed;

private:
    int m_limit;
};

double finiteDifference(const std::function<double(const std::vector<double>&)>& f, std::vector<double> x,
                        std::size_t i) {
    const double h = 1e-5;
    x[i] += h;
    const double up = f(x);
    x[i] -= 2 * h;
    return (up - f(x)) / (2 * h);
}

std::vector<double> randomPoint(std::mt19937_64& rng, int d) {
    std::vector<double> x(static_cast<std::size_t>(d));
    for (double& v : x)
        v = uniform01(rng);
    return x;
}

// Fails every third model (as a worker rank's error arrives at rank 0), predicts the rest.
class FailingOracle : public AccuracyOracle {
public:
    explicit FailingOracle(std::shared_ptr<const AccuracyOracle> inner) : m_inner(std::move(inner)) {}
    AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token stop) const override {
        if (m_calls.fetch_add(1) % 3 == 2)
            throw EvaluationFailed("rank 2: out of memory while training");
        return m_inner->estimate(model, stop);
    }
    std::string describe() const override { return "failing every third"; }

private:
    std::shared_ptr<const AccuracyOracle> m_inner;
    mutable std::atomic<int> m_calls{0};
};

} // namespace

class TestSearch : public QObject {
    Q_OBJECT
private slots:
    void spaceEncodingsRoundTrip() {
        CoDesignSpace space(flexibert2Space(), electorSpace());
        QCOMPARE(space.dimension(), 49);
        std::mt19937_64 rng(3);
        for (int k = 0; k < 300; ++k) {
            const Candidate c = space.sample(rng);
            QVERIFY(space.contains(c));
            QCOMPARE(space.fromUnit(space.toUnit(c)), c);
            const Candidate d = space.sample(rng);
            const Candidate child = space.crossover(c, d, rng);
            QVERIFY(space.contains(child));
            QVERIFY(space.contains(space.mutate(child, 0.2, rng)));
            // Any point of the cube snaps to a valid design.
            QVERIFY(space.contains(space.fromUnit(randomPoint(rng, space.dimension()))));
        }
        // One-sided: a fixed accelerator never changes.
        const AcceleratorSpec edge = space.accelerator(space.sample(rng));
        space.fixAccelerator(edge);
        for (int k = 0; k < 50; ++k) {
            const Candidate c = space.mutate(space.sample(rng), 0.5, rng);
            QCOMPARE(space.accelerator(c), edge);
            QVERIFY(!space.isFree(space.modelLength() + 3));
        }
        TransformerSpec outside = space.model(space.sample(rng));
        outside.layers.front().hiddenSize = 100;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, space.fixModel(outside));
    }

    void bundledTableEncodesAsPublished() {
        // The table's own 37-integer encodings (TransCODE's) equal ours for every model.
        std::ifstream in(kDataDir / "accuracy/flexibert2_glue16.json");
        const auto json = nlohmann::json::parse(in);
        const AccuracyTable table = bundledTable();
        QCOMPARE(table.entries.size(), std::size_t(16));
        QVERIFY(!table.source.empty());
        int known = 0;
        for (std::size_t i = 0; i < table.entries.size(); ++i) {
            known += table.entries[i].accuracy ? 1 : 0;
            QCOMPARE(flexibert2Space().encode(table.entries[i].model),
                     json["models"][i]["embedding37"].get<std::vector<int>>());
        }
        QCOMPARE(known, 13);

        TableAccuracyModel predicted(table, flexibert2Space());
        TableAccuracyModel::Config imported;
        imported.preferListed = true;
        TableAccuracyModel listed(table, flexibert2Space(), imported);
        QCOMPARE(predicted.fittedEntries(), 13);
        const auto& top = table.entries[15]; // GLUE 0.8378
        QCOMPARE(listed.estimate(top.model, {}).value, 0.8378);
        QCOMPARE(listed.estimate(top.model, {}).origin, AccuracyOrigin::Imported);
        const auto p = predicted.estimate(top.model, {});
        QCOMPARE(p.origin, AccuracyOrigin::Predicted);
        QVERIFY(std::abs(p.value - 0.8378) < 0.02);
        // Away from the table the ensemble disagrees: some uncertainty.
        std::mt19937_64 rng(1);
        double spread = 0;
        for (int k = 0; k < 50; ++k)
            spread = std::max(spread, predicted.estimate(flexibert2Space().sample(rng), {}).stdDev);
        QVERIFY(spread > 0.005);
    }

    void referenceObjectiveIsTranscodes() {
        PairMetrics m;
        m.accuracy = 0.8;
        m.cycles = 700'000;
        m.latencySeconds = 1e-3;
        m.dynamicEnergyNJ = 9e9;
        m.leakageEnergyNJ = 4e9;
        const ObjectiveConfig reference = transcodeReferenceObjective();
        // 0.5·0.8 + 0.1·(1 − 7e5/4e9) + 0.2·(1 − 0.1) + 0.1·(1 − 0.2)
        QVERIFY(std::abs(weightedScore(m, reference) - (0.4 + 0.1 * (1 - 7e5 / 4e9) + 0.18 + 0.08)) < 1e-12);
        QCOMPARE(minimisedObjectives(m, reference), (ObjectiveVector{-0.8, 1e-3, 9e9, 4e9}));
        ObjectiveConfig constrained = defaultObjectives();
        constrained.constraints = {{Metric::Accuracy, 0.85}, {Metric::Latency, 2e-3}};
        QVERIFY(std::abs(constraintViolation(m, constrained) - 0.05 / 0.85) < 1e-12);
        m.accuracy = 0.9;
        QVERIFY(acceptable(m, constrained));
        m.feasible = false;
        QCOMPARE(constraintViolation(m, constrained), 1.0);
        QVERIFY(validate(constrained).empty());
        constrained.weights.pop_back();
        QVERIFY(!validate(constrained).empty());
    }

    void inputGradientsMatchFiniteDifferences() {
        std::mt19937_64 rng(11);
        const int d = 6;
        Mlp net(d, {8, 8}, 2, 0.1, rng);
        Eigen::VectorXd w(2);
        w << 0.7, -1.3;
        for (int trial = 0; trial < 5; ++trial) {
            const auto x = randomPoint(rng, d);
            const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(x.data(), d);
            const Eigen::VectorXd g = net.inputGradient(v, w);
            auto f = [&](const std::vector<double>& p) {
                return w.dot(net.forward(Eigen::Map<const Eigen::VectorXd>(p.data(), d)).col(0));
            };
            for (int i = 0; i < d; ++i)
                QVERIFY(std::abs(g(i) - finiteDifference(f, x, std::size_t(i))) < 1e-6);
        }
        // The acquisition μ − κσ of a fitted surrogate, through all three networks.
        std::vector<std::vector<double>> xs, extra;
        std::vector<double> ys;
        for (int k = 0; k < 80; ++k) {
            xs.push_back(randomPoint(rng, d));
            ys.push_back(std::sin(3 * xs.back()[0]) + xs.back()[1] * xs.back()[2]);
            extra.push_back(randomPoint(rng, d));
        }
        SurrogateConfig config;
        config.teacher.steps = config.student.steps = config.natural.steps = 100;
        Surrogate s;
        QVERIFY(s.fit(xs, ys, extra, config, rng));
        for (int trial = 0; trial < 5; ++trial) {
            const auto x = randomPoint(rng, d);
            std::vector<double> g;
            s.acquisition(x, 0.5, &g);
            auto f = [&](const std::vector<double>& p) { return s.acquisition(p, 0.5); };
            for (int i = 0; i < d; ++i)
                QVERIFY2(std::abs(g[std::size_t(i)] - finiteDifference(f, x, std::size_t(i))) < 1e-5,
                         qPrintable(QString::number(g[std::size_t(i)])));
        }
    }

    void surrogateLearnsAndGobiDescends() {
        std::mt19937_64 rng(5);
        const int d = 5;
        auto truth = [](const std::vector<double>& x) {
            double v = 0;
            for (std::size_t i = 0; i < x.size(); ++i)
                v += (x[i] - 0.3) * (x[i] - 0.3) * double(i + 1);
            return v;
        };
        std::vector<std::vector<double>> xs, extra;
        std::vector<double> ys;
        for (int k = 0; k < 200; ++k) {
            xs.push_back(randomPoint(rng, d));
            ys.push_back(truth(xs.back()));
        }
        for (int k = 0; k < 100; ++k)
            extra.push_back(randomPoint(rng, d));
        Surrogate s;
        QVERIFY(s.fit(xs, ys, extra, SurrogateConfig{}, rng));
        // Held-out R² of the teacher's mean.
        double ss = 0, sr = 0, mean = 0;
        std::vector<std::vector<double>> test;
        for (int k = 0; k < 100; ++k)
            test.push_back(randomPoint(rng, d));
        for (const auto& x : test)
            mean += truth(x) / 100;
        for (const auto& x : test) {
            ss += (truth(x) - mean) * (truth(x) - mean);
            sr += (truth(x) - s.predict(x).mean) * (truth(x) - s.predict(x).mean);
        }
        QVERIFY2(1 - sr / ss > 0.7, qPrintable(QString::number(1 - sr / ss)));
        const auto p = s.predict(test.front());
        QVERIFY(p.epistemic > 0 && p.aleatoric > 0);

        // GOBI lowers the acquisition, keeps fixed coordinates and the bounds.
        std::vector<bool> free = {true, true, false, true, true};
        GobiConfig config;
        for (int trial = 0; trial < 5; ++trial) {
            const auto start = randomPoint(rng, d);
            const GobiResult r = gobi(s, start, free, config, rng);
            QVERIFY(r.acquisition <= s.acquisition(start, config.kappa) + 1e-12);
            QCOMPARE(r.x[2], start[2]);
            for (double v : r.x)
                QVERIFY(v >= 0 && v <= 1);
            QVERIFY(r.steps >= 1 && r.steps <= config.maxSteps);
        }
        // It optimises the acquisition: as low as the best of 5,000 random points, or lower.
        double bestSampled = std::numeric_limits<double>::infinity();
        for (int k = 0; k < 5000; ++k) {
            auto x = randomPoint(rng, d);
            x[2] = 0.5;
            bestSampled = std::min(bestSampled, s.acquisition(x, config.kappa));
        }
        double bestGobi = std::numeric_limits<double>::infinity();
        for (int trial = 0; trial < 4; ++trial) {
            auto start = randomPoint(rng, d);
            start[2] = 0.5;
            bestGobi = std::min(bestGobi, gobi(s, start, free, config, rng).acquisition);
        }
        QVERIFY2(bestGobi <= bestSampled + 1e-3, qPrintable(QString("%1 vs %2").arg(bestGobi).arg(bestSampled)));
    }

    // A failed evaluation is a failed trial with its message; the search goes on to its
    // budget and the failed pairs never reach the front.
    void failedEvaluationsAreStoredAndTheSearchGoesOn() {
        Setup s(defaultObjectives());
        SimOptions sim;
        const SimulationEvaluator evaluator(s.problem.space, electorTechnology14nm(), sim,
                                            std::make_shared<FailingOracle>(s.accuracy));
        RunOptions options;
        options.budget = 30;
        options.threads = 1;
        auto optimizer = makeAlgorithm("random", s.problem, 3);
        const auto outcome = runSearch(*optimizer, s.problem, evaluator, options);
        QCOMPARE(outcome.trials.size(), std::size_t(30));
        int failed = 0;
        for (const Trial& t : outcome.trials) {
            if (t.metrics.infeasibleReason.rfind("evaluation failed: ", 0) != 0)
                continue;
            ++failed;
            QVERIFY(!t.metrics.feasible);
            QVERIFY(t.metrics.infeasibleReason.find("out of memory while training") != std::string::npos);
            QVERIFY(!acceptable(t.metrics, s.problem.objectives));
            QVERIFY(std::find(outcome.front.begin(), outcome.front.end(), t.position) == outcome.front.end());
        }
        QVERIFY2(failed >= 8, qPrintable(QString::number(failed))); // every third feasible design
    }

    void sameSeedSameTrials_data() {
        QTest::addColumn<QString>("algorithm");
        QTest::addColumn<bool>("pareto");
        QTest::newRow("random") << "random" << true;
        QTest::newRow("nsga2 pareto") << "nsga2" << true;
        QTest::newRow("nsga2 weighted") << "nsga2" << false;
        QTest::newRow("boshcode weighted") << "boshcode" << false;
        QTest::newRow("boshcode pareto") << "boshcode" << true;
    }
    void sameSeedSameTrials() {
        QFETCH(QString, algorithm);
        QFETCH(bool, pareto);
        Setup s(pareto ? defaultObjectives() : transcodeReferenceObjective());
        RunOptions options;
        options.budget = 40;
        options.threads = 2;
        auto a = makeAlgorithm(algorithm, s.problem, 7);
        auto b = makeAlgorithm(algorithm, s.problem, 7);
        auto c = makeAlgorithm(algorithm, s.problem, 8);
        const auto ra = runSearch(*a, s.problem, *s.evaluator, options);
        options.threads = 1; // thread count changes the commit order, never the trials
        const auto rb = runSearch(*b, s.problem, *s.evaluator, options);
        const auto rc = runSearch(*c, s.problem, *s.evaluator, options);
        QCOMPARE(ra.trials.size(), std::size_t(40));
        QVERIFY(ra.trials == rb.trials);
        QVERIFY(!(ra.trials == rc.trials));
        for (std::size_t i = 0; i < ra.trials.size(); ++i) {
            QCOMPARE(ra.trials[i].position, int(i));
            QVERIFY(s.problem.space.contains(ra.trials[i].proposal.candidate));
        }
        // The runner's incremental front (normalised objectives) is the batch front (raw ones).
        QCOMPARE(ra.front, paretoFront(ra.trials, s.problem));
        QCOMPARE(ra.hypervolume, trialsHypervolume(ra.trials, s.problem));
    }

    void interruptedRunResumesExactly_data() {
        QTest::addColumn<QString>("algorithm");
        QTest::addColumn<int>("limit");
        QTest::addColumn<bool>("crash");
        QTest::newRow("random, stop mid-round") << "random" << 21 << false;
        QTest::newRow("nsga2, stop mid-generation") << "nsga2" << 27 << false;
        QTest::newRow("nsga2, crash at a round boundary") << "nsga2" << 32 << true;
        QTest::newRow("boshcode, crash in the initial round") << "boshcode" << 10 << true;
        QTest::newRow("boshcode, stop in a GOBI step") << "boshcode" << 31 << false;
    }
    void interruptedRunResumesExactly() {
        QFETCH(QString, algorithm);
        QFETCH(int, limit);
        QFETCH(bool, crash);
        Setup s(defaultObjectives());
        RunOptions options;
        options.budget = 44;
        options.threads = 2;
        auto whole = makeAlgorithm(algorithm, s.problem, 3);
        const auto uninterrupted = runSearch(*whole, s.problem, *s.evaluator, options);

        std::vector<Trial> committed;
        {
            auto first = makeAlgorithm(algorithm, s.problem, 3);
            if (crash) {
                CrashingJournal journal(limit);
                QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                         runSearch(*first, s.problem, *s.evaluator, options, {}, &journal));
                committed = journal.committed;
            } else {
                std::stop_source stop;
                StoppingJournal journal(limit, stop);
                const auto partial =
                    runSearch(*first, s.problem, *s.evaluator, options, {}, &journal, stop.get_token());
                QVERIFY(partial.cancelled);
                committed = journal.committed;
            }
        }
        // A stop lets evaluations already finished on the other thread commit too.
        QVERIFY(int(committed.size()) >= limit && int(committed.size()) < options.budget);
        // A fresh optimiser from nothing but the committed trials (in commit order).
        auto resumed = makeAlgorithm(algorithm, s.problem, 3);
        std::stop_source never;
        StoppingJournal rest(-1, never);
        const auto outcome = runSearch(*resumed, s.problem, *s.evaluator, options, committed, &rest);
        QCOMPARE(outcome.replayMismatches, 0);
        QVERIFY(outcome.trials == uninterrupted.trials);
        QCOMPARE(int(committed.size() + rest.committed.size()), options.budget); // nothing evaluated twice
        for (const Trial& t : committed)                                         // no committed trial lost or changed
            QVERIFY(outcome.trials[std::size_t(t.position)] == t);
    }

    void pausedRunEndsAsUnpaused_data() {
        QTest::addColumn<QString>("algorithm");
        QTest::newRow("random") << "random";
        QTest::newRow("nsga2") << "nsga2";
    }
    void pausedRunEndsAsUnpaused() {
        QFETCH(QString, algorithm);
        Setup s(defaultObjectives());
        RunOptions options;
        options.budget = 40;
        options.threads = 2;
        auto whole = makeAlgorithm(algorithm, s.problem, 5);
        const auto uninterrupted = runSearch(*whole, s.problem, *s.evaluator, options);

        RunControl control;
        options.control = &control;
        PausingJournal journal(13, control);
        auto paused = makeAlgorithm(algorithm, s.problem, 5);
        std::vector<SearchProgress> reports;
        std::mutex reportsMutex;
        SearchOutcome outcome;
        std::thread run([&] {
            outcome =
                runSearch(*paused, s.problem, *s.evaluator, options, {}, &journal, {}, [&](const SearchProgress& p) {
                    std::lock_guard lock(reportsMutex);
                    reports.push_back(p);
                });
        });
        // Whatever happens below, the run ends before the test returns.
        struct Finish {
            RunControl& control;
            std::thread& run;
            ~Finish() {
                control.resume();
                if (run.joinable())
                    run.join();
            }
        } finish{control, run};
        QTRY_VERIFY_WITH_TIMEOUT(control.paused(), tcw::testing::scaledMs(5000));
        // Held: evaluations already under way (or finished and queued for the journal) are
        // committed; no new one starts however long it stays paused.
        QTest::qWait(300);
        const int whilePaused = journal.count();
        QVERIFY2(whilePaused >= 13 && whilePaused < options.budget, qPrintable(QString::number(whilePaused)));
        QTest::qWait(300);
        QCOMPARE(journal.count(), whilePaused);
        control.resume();
        run.join();
        QVERIFY(!outcome.cancelled);
        QVERIFY(outcome.trials == uninterrupted.trials);
        QCOMPARE(journal.count(), options.budget);
        QCOMPARE(outcome.hypervolume, uninterrupted.hypervolume);
        // The last report counts every trial, all evaluated by this call, the latest position.
        QVERIFY(!reports.empty());
        QCOMPARE(reports.back().trials, options.budget);
        QCOMPARE(reports.back().evaluatedThisRun, options.budget);
        QCOMPARE(reports.back().lastPosition, journal.committed.back().position);
        QVERIFY(reports.back().elapsedSeconds > 0);
        for (std::size_t i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i].trials >= reports[i - 1].trials);
    }

    void stopWhilePausedEndsTheRun() {
        Setup s(defaultObjectives());
        RunOptions options;
        options.budget = 40;
        options.threads = 2;
        RunControl control;
        control.pause(); // paused before the first evaluation
        options.control = &control;
        auto optimizer = makeAlgorithm("random", s.problem, 5);
        std::stop_source stop;
        SearchOutcome outcome;
        std::thread run(
            [&] { outcome = runSearch(*optimizer, s.problem, *s.evaluator, options, {}, nullptr, stop.get_token()); });
        QTest::qWait(100);
        stop.request_stop();
        run.join(); // wakes up: a stop ends a paused run
        QVERIFY(outcome.cancelled);
        QVERIFY(outcome.trials.empty());
    }

    void requestBuildsTheConfigOrEveryError() {
        const auto dataDir = io::findDataDir();
        codesign::SearchRequest request;
        request.algorithm = "nsga2";
        request.budget = 30;
        request.objectives = {"accuracy,latency"};
        request.weights = {"0.7", "0.3"};
        request.constraints = {"area<=3000"};
        const auto built = codesign::buildSearchConfig(request, dataDir);
        QVERIFY2(built.errors.empty(), built.errors.empty() ? "" : built.errors.front().c_str());
        QCOMPARE(built.config->objectives.metrics, (std::vector<Metric>{Metric::Accuracy, Metric::Latency}));
        QCOMPARE(built.config->objectives.weights, (std::vector<double>{0.7, 0.3}));
        QVERIFY(built.config->objectives.scalarisation == Scalarisation::WeightedSum);
        QCOMPARE(built.config->objectives.constraints.size(), std::size_t(1));
        QCOMPARE(built.config->objectives.constraints[0].bound, 3000.0);
        QCOMPARE(built.config->modelSpace.name.empty(), false);

        request.objectives = {"accuracy", "speed"};
        request.constraints = {"accuracy<=0.9"};
        request.budget = 0;
        request.modelSpace = "no-such-space";
        const auto bad = codesign::buildSearchConfig(request, dataDir);
        QVERIFY(!bad.config);
        auto mentions = [&](const std::string& text) {
            return std::any_of(bad.errors.begin(), bad.errors.end(),
                               [&](const std::string& e) { return e.find(text) != std::string::npos; });
        };
        QVERIFY(mentions("unknown metric 'speed'"));
        QVERIFY(mentions("accuracy takes a lower bound"));
        QVERIFY(mentions("budget must be at least 1"));
        QVERIFY(mentions("no-such-space"));
    }

    void nsga2KeepsTheFront() {
        Setup s(defaultObjectives());
        Nsga2Config n;
        n.populationSize = 12;
        Nsga2 nsga(s.problem, 4, n);
        RunOptions options;
        options.budget = 60;
        const auto outcome = runSearch(nsga, s.problem, *s.evaluator, options);
        // Elitism: every acceptable non-dominated trial of the run survives (when it fits).
        const auto front = paretoFront(outcome.trials, s.problem);
        const auto population = nsga.population();
        if (front.size() <= population.size())
            for (int p : front)
                QVERIFY(std::find(population.begin(), population.end(), p) != population.end());
        QCOMPARE(population.size(), std::size_t(12));
    }

    void boshcodeBeatsItsInitialPairs() {
        // TransCODE's setting: FlexiBERT 2.0 × ELECTOR, accuracy predicted from the 16-model
        // table, the reference weighted objective, 256 initial pairs = 16 models × 16 accelerators.
        Setup s(transcodeReferenceObjective(), 16);
        s.config.initialPairs = 256;
        s.config.seed = 1;
        std::vector<TransformerSpec> tableModels;
        for (const auto& e : bundledTable().entries)
            tableModels.push_back(e.model);
        const auto initial = initialCandidates(s.config, s.problem.space, tableModels);
        QCOMPARE(initial.size(), std::size_t(256));
        BoshcodeConfig b;
        b.initialCandidates = initial;
        b.patience = 0;
        Boshcode boshcode(s.problem, s.config.seed, b);
        RunOptions options;
        options.budget = 256 + 60;
        options.threads = 2;
        const auto outcome = runSearch(boshcode, s.problem, *s.evaluator, options);
        double bestInitial = -1, bestAfter = -1;
        for (const Trial& t : outcome.trials)
            (t.position < 256 ? bestInitial : bestAfter) =
                std::max(t.position < 256 ? bestInitial : bestAfter, trialScore(t, s.problem));
        qInfo("best of the 256 initial pairs %.7f, best BOSHCODE pair %.7f", bestInitial, bestAfter);
        QVERIFY(bestAfter > bestInitial);
    }

    void configJsonRoundTrips() {
        SearchConfig c;
        c.modelSpace = flexibert2Space();
        c.acceleratorSpace = electorSpace();
        c.objectives = defaultObjectives();
        c.objectives.constraints = {{Metric::Accuracy, 0.8}, {Metric::Area, 123.456789}};
        c.box = codesign::sampleBox(c, electorTechnology14nm(), 0.6, 0.9, 32);
        c.seed = 18446744073709551557ull;
        c.fixedAccelerator = electorSpace().at(12345);
        c.accuracy = AccuracySourceKind::Trained;
        c.training.tauActivation = 0.02;
        const auto back = io::parseSearchConfig(io::searchConfigJson(c), "config");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QVERIFY(*back == c);
        const auto broken = io::parseSearchConfig(R"({"kind":"searchConfig","schemaVersion":99})", "x");
        QVERIFY(!broken.ok());
        QVERIFY(QString::fromStdString(broken.errors.toString()).contains("newer"));
    }

    void predictorFitOnTheWorkspacesTrainingRuns() {
        // --accuracy-table workspace: the predictor learns from the finished training runs on the
        // data set, up to the last run when the search started.
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("runs.tcw").toStdString());
        const auto laptop = io::resolveSpace("laptop", kDataDir);
        QVERIFY(laptop.ok());
        SearchConfig c;
        c.algorithm = "random";
        c.budget = 20;
        c.modelSpaceName = "laptop";
        c.modelSpace = std::get<TransformerSpace>(*laptop.value);
        c.acceleratorSpace = electorSpace();
        c.accuracyTable = "workspace";
        codesign::SessionOptions options;
        options.dataDir = kDataDir;
        QVERIFY_THROWS_EXCEPTION(codesign::SearchSetupError, codesign::SearchSession::start(ws, c, options));
        std::mt19937_64 rng(2);
        for (int k = 0; k < 6; ++k) {
            const TransformerSpec model = c.modelSpace.sample(rng);
            store::TrainingRunRecord run;
            run.designId = ws.addDesign("m", store::DesignKind::Transformer,
                                        io::formatDocument(io::Document{model}, io::FileFormat::WorkbenchJson).text);
            run.dataset = k == 5 ? "listops" : "fashion-mnist"; // another data set: left out
            run.status = store::RunStatus::Finished;
            run.finalAccuracy = 0.6 + 0.05 * k;
            ws.addTrainingRun(run);
        }
        auto session = codesign::SearchSession::start(ws, c, options);
        QCOMPARE(session.config().workspaceRunsUpTo, std::int64_t(6));
        QVERIFY(QString::fromStdString(session.accuracyDescription()).contains("on 5 models of workspace"));
        session.run();
        const auto stored = codesign::readStoredSearch(ws);
        const auto evaluation = ws.evaluation(stored.evaluationIds.front());
        QCOMPARE(evaluation->accuracySource, store::AccuracySource::Predicted);
        QVERIFY(*evaluation->accuracy >= 0.55 && *evaluation->accuracy <= 0.9);
    }

    void workspaceSessionResumesExactly() {
        // Through the workspace: stop after some commits, resume from the file, compare with an
        // uninterrupted session in another workspace.
        QTemporaryDir dir;
        SearchConfig c;
        c.algorithm = "nsga2";
        c.budget = 50;
        c.populationSize = 16;
        c.modelSpace = flexibert2Space();
        c.acceleratorSpace = electorSpace();
        c.objectives.constraints = {{Metric::Area, 2000}};
        codesign::SessionOptions options;
        options.dataDir = kDataDir;
        options.threads = 2;

        auto whole = store::Workspace::create(dir.filePath("whole.tcw").toStdString());
        auto uninterrupted = codesign::SearchSession::start(whole, c, options);
        QVERIFY(!uninterrupted.run().cancelled);

        auto ws = store::Workspace::create(dir.filePath("w.tcw").toStdString());
        {
            auto session = codesign::SearchSession::start(ws, c, options);
            std::stop_source stop;
            const auto partial = session.run(stop.get_token(), [&](const SearchProgress& p) {
                if (p.trials >= 20)
                    stop.request_stop();
            });
            QVERIFY(partial.cancelled);
        }
        QCOMPARE(ws.searches().back().status, store::RunStatus::Cancelled);
        const int stored = static_cast<int>(ws.trials(ws.searches().back().id).size());
        QVERIFY(stored >= 20 && stored < 50);
        auto resumed = codesign::SearchSession::resume(ws, options);
        QCOMPARE(resumed.storedTrials(), stored);
        QVERIFY(!resumed.run().cancelled);
        QCOMPARE(ws.searches().back().status, store::RunStatus::Finished);
        QVERIFY_THROWS_EXCEPTION(codesign::SearchSetupError, codesign::SearchSession::resume(ws, options));

        const auto a = codesign::readStoredSearch(whole);
        const auto b = codesign::readStoredSearch(ws);
        QCOMPARE(b.trials.size(), std::size_t(50));
        QVERIFY(a.trials == b.trials);
        QVERIFY(a.config == b.config);
        // What the workspace holds for each trial.
        const auto evaluation = ws.evaluation(b.evaluationIds.front());
        QVERIFY(evaluation);
        QCOMPARE(evaluation->accuracySource, store::AccuracySource::Predicted);
        QVERIFY(evaluation->accuracyStdDev.has_value());
        QVERIFY(evaluation->accuracyDetail.find("flexibert2_glue16") != std::string::npos);
        QVERIFY(evaluation->breakdownJson.find("simResult") != std::string::npos);
        QCOMPARE(ws.design(b.designIds.front())->kind, store::DesignKind::Pair);
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "test_search.moc"
