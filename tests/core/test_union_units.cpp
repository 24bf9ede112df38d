// Issues 14 and 15: one unit across kinds in union searches. An ELECTOR design is simulated
// per batch of its batch_size B, a bat design per sequence, a device row per sequence; a
// search whose union holds a kind other than ELECTOR compares every kind per sequence
// (search/objective_units.h), its stored evaluations stay the simulator's (per batch), and an
// ELECTOR-only search keeps its per-batch objectives. Resuming a union search stored before
// the rule is refused with the remedy.
#include "codesign/search_session.h"
#include "io/search_json.h"
#include "search/objective_units.h"
#include "search/pair_evaluator.h"
#include "search/rng.h"
#include "search/search_config.h"
#include "search/search_runner.h"
#include "search/target_union.h"
#include "store/sqlite.h"
#include "store/workspace.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

using namespace tcw;
using namespace tcw::search;
namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCW_SOURCE_DATA_DIR;

// A stand-in accuracy for tests (never shown to a user): a fixed function of the model's size
// and weight bits, so a search is deterministic without training.
class FixedAccuracy : public AccuracyOracle {
public:
    AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token) const override {
        AccuracyEstimate e;
        e.value = 0.5 + 0.01 * model.layerCount() + 0.002 * model.compression.of(TensorRole::Weights).bits;
        e.origin = AccuracyOrigin::Trained;
        e.detail = "test stand-in";
        return e;
    }
    std::string describe() const override { return "test stand-in"; }
};

TransformerSpace sdpSpace() {
    TransformerSpace s = flexibert2Space();
    s.name = "flexibert2-sdp";
    s.headTypes = {HeadType::SaSdp}; // the heads the BAT-class model costs
    return s;
}

SearchConfig unionConfig() {
    SearchConfig c;
    c.algorithm = "random";
    c.budget = 24;
    c.modelSpace = sdpSpace();
    c.acceleratorSpace = electorSpace();
    c.targets.kinds = {TargetKind::Elector, TargetKind::Bat};
    c.targets.precisions = {"w8a8", "w1a8"};
    c.targets.bat = defaultBatSpace();
    c.accuracy = AccuracySourceKind::Trained; // fixed-point precisions need it (the stand-in answers)
    return c;
}

codesign::SessionOptions sessionOptions() {
    codesign::SessionOptions o;
    o.dataDir = kDataDir;
    o.threads = 2;
    o.accuracy = std::make_shared<FixedAccuracy>();
    return o;
}

std::vector<double> storedObjectives(const store::Workspace& ws, std::int64_t searchId, int position) {
    for (const auto& r : ws.trials(searchId))
        if (r.position && *r.position == position)
            return nlohmann::json::parse(r.objectivesJson).get<std::vector<double>>();
    return {};
}

} // namespace

class TestUnionUnits : public QObject {
    Q_OBJECT
private slots:
    // The rule itself: which searches compare per sequence, each kind's divisor, what is divided.
    void ruleDivisorsAndWhatIsDivided() {
        TargetUnion t;
        QVERIFY(!perSequenceObjectives(t)); // no union: every search before issue 15
        t.kinds = {TargetKind::Elector};
        t.precisions = {"f32", "w8a8"};
        QVERIFY(!perSequenceObjectives(t)); // ELECTOR-only, with precisions: per batch
        QCOMPARE(metricBasis(Metric::Latency, t), std::string_view("per batch"));
        t.kinds = {TargetKind::Elector, TargetKind::Bat};
        QVERIFY(perSequenceObjectives(t));
        t.kinds = {TargetKind::Bat};
        QVERIFY(perSequenceObjectives(t));
        t.kinds = {TargetKind::Elector, TargetKind::Device};
        QVERIFY(perSequenceObjectives(t));
        QCOMPARE(metricBasis(Metric::TotalEnergy, t), std::string_view("per sequence"));
        QCOMPARE(metricBasis(Metric::Area, t), std::string_view(""));
        QCOMPARE(metricBasis(Metric::PeakPower, t), std::string_view(""));

        AcceleratorSpec a;
        a.batchSize = 16;
        QCOMPARE(sequencesPerEvaluation(Target(a)), 16);
        QCOMPARE(sequencesPerEvaluation(Target(BatSpec{})), 1);
        QCOMPARE(sequencesPerEvaluation(Target(DeviceTarget{"cpu_rpi", "cpu_rpi"})), 1);

        PairMetrics m;
        m.cycles = 48'000'000;
        m.latencySeconds = 0.0688;
        m.dynamicEnergyNJ = 3.2e7;
        m.leakageEnergyNJ = 8.0e5;
        m.areaMM2 = 212.5;
        m.peakPowerMW = 9100;
        m.accuracy = 0.81;
        m.robustnessDrop = 0.02;
        const PairMetrics s = perSequence(m, 16);
        QCOMPARE(s.latencySeconds, 0.0688 / 16); // 4.3 ms per sequence
        QCOMPARE(s.dynamicEnergyNJ, 2.0e6);
        QCOMPARE(s.leakageEnergyNJ, 5.0e4);
        QCOMPARE(s.totalEnergyNJ(), 2.05e6);
        QCOMPARE(s.cycles, m.cycles); // the simulated batch's count
        QCOMPARE(s.areaMM2, m.areaMM2);
        QCOMPARE(s.peakPowerMW, m.peakPowerMW);
        QCOMPARE(s.accuracy, m.accuracy);
        QCOMPARE(s.robustnessDrop, m.robustnessDrop);
        QVERIFY(perSequence(m, 1) == m); // bat and device designs: unchanged, bit for bit
    }

    // A union search in a workspace: every ELECTOR trial's stored objectives are its stored
    // evaluation / B exactly, every bat trial's its evaluation; the evaluations stay per batch.
    void unionTrialObjectivesArePerSequence() {
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("u.tcw").toStdString());
        const SearchConfig c = unionConfig(); // accuracy, latency, energy, area
        auto session = codesign::SearchSession::start(ws, c, sessionOptions());
        const auto run = session.run();
        QCOMPARE(run.trials.size(), std::size_t(24));
        const auto stored = codesign::readStoredSearch(ws);
        QVERIFY(stored.config.targets.objectivesPerSequence); // the marker is stored
        QVERIFY(stored.trials == run.trials);                 // read back per sequence, as run
        std::set<int> batches;
        int bat = 0;
        for (std::size_t i = 0; i < stored.trials.size(); ++i) {
            const Trial& t = stored.trials[i];
            const auto e = ws.evaluation(stored.evaluationIds[i]);
            QVERIFY(e && e->latencySeconds && e->energyDynamicNJ);
            const auto values = storedObjectives(ws, stored.record.id, t.position);
            QCOMPARE(values.size(), std::size_t(4));
            const Target target = stored.problem.space.target(t.proposal.candidate);
            if (const AcceleratorSpec* a = target.elector()) {
                const double b = a->batchSize;
                batches.insert(a->batchSize);
                QCOMPARE(e->costModel, std::string("elector"));
                // The stored evaluation is the simulator's, per batch (unchanged): it equals
                // the attached SimResult of the run's trial.
                QCOMPARE(*e->latencySeconds, run.trials[i].metrics.simulation->latencySeconds());
                QCOMPARE(values[1], *e->latencySeconds / b);
                QCOMPARE(values[2], *e->energyDynamicNJ / b + e->energyLeakageNJ.value_or(0) / b);
                QCOMPARE(values[3], *e->areaMM2); // the hardware's, not divided
                QCOMPARE(t.metrics.latencySeconds, *e->latencySeconds / b);
            } else {
                ++bat;
                QCOMPARE(values[1], *e->latencySeconds);
                QCOMPARE(values[2], *e->energyDynamicNJ + e->energyLeakageNJ.value_or(0));
            }
        }
        QVERIFY(bat > 0);
        QVERIFY(batches.size() >= 2); // the shipped space's 4, 16 and 32: more than one divisor met
        QVERIFY(*batches.rbegin() > 1);
    }

    // A hand-made pair: an ELECTOR design at batch B that a bat design dominates per batch but
    // not per sequence. The stored search's front is the per-sequence one.
    void frontIsThePerSequenceOne() {
        SearchConfig c = unionConfig();
        c.objectives.metrics = {Metric::Latency, Metric::TotalEnergy};
        c.objectives.weights = {referenceWeight(Metric::Latency), referenceWeight(Metric::TotalEnergy)};
        c.objectives.normalisers = {referenceNormaliser(Metric::Latency), referenceNormaliser(Metric::TotalEnergy)};
        c.box = codesign::sampleBox(c, electorTechnology14nm(), 0, 1, 32);
        const Problem problem{makeSpace(c), c.objectives, c.box};
        SimOptions sim;
        sim.opBreakdown = false;
        const SimulationEvaluator evaluator(problem.space, electorTechnology14nm(), sim,
                                            std::make_shared<FixedAccuracy>());
        std::vector<Trial> electors, bats;
        auto rng = derivedRng(7, RngStream::Reference, 0);
        for (int k = 0; k < 400; ++k) {
            Trial t;
            t.proposal.candidate = problem.space.sample(rng);
            t.metrics = evaluator.evaluate(t.proposal.candidate, {});
            if (!t.metrics.feasible)
                continue;
            const Target target = problem.space.target(t.proposal.candidate);
            if (target.elector() && target.elector()->batchSize > 1)
                electors.push_back(t);
            else if (target.bat())
                bats.push_back(t);
        }
        QVERIFY(!electors.empty() && !bats.empty());
        // Per batch, the bat design dominates; per sequence, the ELECTOR design is not dominated.
        std::optional<std::pair<Trial, Trial>> pair;
        for (const Trial& e : electors) {
            const SimResult& r = *e.metrics.simulation;
            const double b = problem.space.target(e.proposal.candidate).elector()->batchSize;
            QCOMPARE(e.metrics.latencySeconds, r.latencySeconds() / b);
            for (const Trial& t : bats) {
                const bool batchDominated = t.metrics.latencySeconds < r.latencySeconds() &&
                                            t.metrics.totalEnergyNJ() < r.dynamicEnergyNJ() + r.leakageEnergyNJ();
                const bool sequenceDominated = t.metrics.latencySeconds <= e.metrics.latencySeconds &&
                                               t.metrics.totalEnergyNJ() <= e.metrics.totalEnergyNJ();
                if (batchDominated && !sequenceDominated) {
                    pair.emplace(e, t);
                    break;
                }
            }
            if (pair)
                break;
        }
        QVERIFY2(pair, "no ELECTOR / bat pair whose per-batch and per-sequence fronts differ in the seeded sample");

        // Stored through the workspace journal and read back, as tcw pareto reads it.
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("hand.tcw").toStdString());
        SearchConfig stored = c;
        stored.targets.objectivesPerSequence = true;
        store::SearchRecord record;
        record.name = "hand-made";
        record.algorithm = stored.algorithm;
        record.configJson = io::searchConfigJson(stored);
        const std::int64_t id = ws.addSearch(record);
        {
            codesign::WorkspaceJournal journal(ws, id, stored, problem, {});
            Trial e = pair->first, t = pair->second;
            e.position = 0;
            t.position = 1;
            journal.record(e);
            journal.record(t);
        }
        const auto s = codesign::readStoredSearch(ws, id);
        QCOMPARE(s.trials.size(), std::size_t(2));
        const std::vector<int> front = paretoFront(s.trials, s.problem);
        QVERIFY2(std::find(front.begin(), front.end(), 0) != front.end(), "the ELECTOR design is on the front");
        // The same two designs compared per batch: the bat design alone.
        std::vector<Trial> perBatch = s.trials;
        const SimResult& r = *pair->first.metrics.simulation;
        perBatch[0].metrics.latencySeconds = r.latencySeconds();
        perBatch[0].metrics.dynamicEnergyNJ = r.dynamicEnergyNJ();
        perBatch[0].metrics.leakageEnergyNJ = r.leakageEnergyNJ();
        QCOMPARE(paretoFront(perBatch, s.problem), std::vector<int>{1});
        QVERIFY(front != std::vector<int>{1});
        // The evaluation stored for the ELECTOR design is the per-batch one.
        const auto ev = ws.evaluation(s.evaluationIds[0]);
        QVERIFY(ev);
        QCOMPARE(*ev->latencySeconds, r.latencySeconds());
    }

    // An ELECTOR-only search: objectives per batch exactly as before, no marker stored.
    void electorOnlySearchKeepsPerBatchObjectives() {
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("e.tcw").toStdString());
        SearchConfig c;
        c.algorithm = "random";
        c.budget = 12;
        c.modelSpace = flexibert2Space();
        c.acceleratorSpace = electorSpace();
        c.accuracy = AccuracySourceKind::Trained;
        auto session = codesign::SearchSession::start(ws, c, sessionOptions());
        session.run();
        const auto stored = codesign::readStoredSearch(ws);
        QVERIFY(!stored.config.targets.objectivesPerSequence);
        QVERIFY(stored.record.configJson.find("objectiveUnits") == std::string::npos);
        std::set<int> batches;
        for (std::size_t i = 0; i < stored.trials.size(); ++i) {
            const Trial& t = stored.trials[i];
            const auto e = ws.evaluation(stored.evaluationIds[i]);
            QVERIFY(e && e->latencySeconds);
            const auto values = storedObjectives(ws, stored.record.id, t.position);
            QCOMPARE(values[1], *e->latencySeconds);
            QCOMPARE(values[2], *e->energyDynamicNJ + e->energyLeakageNJ.value_or(0));
            QCOMPARE(t.metrics.latencySeconds, *e->latencySeconds);
            batches.insert(stored.problem.space.accelerator(t.proposal.candidate).batchSize);
        }
        QVERIFY(*batches.rbegin() > 1); // per batch of more than one sequence, not divided
    }

    // A union search stored before the rule (no marker: its ELECTOR objectives are per batch)
    // is refused on resume with the remedy; one stored under the rule resumes.
    void unionSearchStoredBeforeTheRuleIsRefusedOnResume() {
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("old.tcw").toStdString());
        {
            auto session = codesign::SearchSession::start(ws, unionConfig(), sessionOptions());
            std::stop_source stop;
            stop.request_stop(); // stored, never run: unfinished
            session.run(stop.get_token());
        }
        { // resumes under the rule
            auto again = codesign::SearchSession::resume(ws, sessionOptions());
            QVERIFY(again.config().targets.objectivesPerSequence);
        }
        ws.database().exec("UPDATE searches SET config_json = json_remove(config_json, '$.targets.objectiveUnits')");
        QVERIFY(!codesign::readStoredSearch(ws).config.targets.objectivesPerSequence);
        try {
            codesign::SearchSession::resume(ws, sessionOptions());
            QFAIL("a union search stored before the per-sequence rule was resumed");
        } catch (const codesign::SearchSetupError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("per batch") != std::string::npos, what.c_str());
            QVERIFY2(what.find("start a new search") != std::string::npos, what.c_str());
        }
        // A damaged marker names the field and what is allowed.
        ws.database().exec(
            "UPDATE searches SET config_json = json_set(config_json, '$.targets.objectiveUnits', 'per batch')");
        try {
            codesign::readStoredSearch(ws);
            QFAIL("a wrong objectiveUnits was read");
        } catch (const codesign::SearchSetupError& e) {
            QVERIFY2(std::string(e.what()).find("targets.objectiveUnits") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestUnionUnits)
#include "test_union_units.moc"
