// Issue 15 Done-when 6 / issue 14: a co-design search over a union of target kinds (elector ∪
// bat) with model-wide precisions as a dimension — the union space's sampling and encodings,
// the shipped bat space, the BAT-class energy against hand-derived values, the configuration's
// checks and JSON, a mixed search reproducible trial for trial, and a bat trial's round trip
// through the workspace.
#include "codesign/search_request.h"
#include "codesign/search_session.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "search/nsga2.h"
#include "search/pair_evaluator.h"
#include "search/random_search.h"
#include "search/rng.h"
#include "search/search_config.h"
#include "search/search_runner.h"
#include "search/target_union.h"
#include "sim/bat_energy.h"
#include "store/workspace.h"

#include <QtTest>

#include <filesystem>
#include <set>

using namespace tcw;
using namespace tcw::search;
namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCW_SOURCE_DATA_DIR;

TargetUnion electorAndBat() {
    TargetUnion t;
    t.kinds = {TargetKind::Elector, TargetKind::Bat};
    t.precisions = {"f32", "w8a8", "w1a8", "w1a1"};
    t.bat = defaultBatSpace();
    return t;
}

// A stand-in accuracy for tests (never shown to a user): a fixed function of the model's
// size and weight bits, so a search is deterministic without training.
class FixedAccuracy : public AccuracyOracle {
public:
    AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token) const override {
        AccuracyEstimate e;
        const int bits = model.compression.of(TensorRole::Weights).bits;
        e.value = 0.5 + 0.01 * model.layerCount() + 0.002 * bits;
        e.origin = AccuracyOrigin::Trained;
        e.detail = "test stand-in";
        return e;
    }
    std::string describe() const override { return "test stand-in"; }
};

// FlexiBERT 2.0 with sa_sdp heads only: the heads the BAT-class model costs.
TransformerSpace sdpSpace() {
    TransformerSpace s = flexibert2Space();
    s.name = "flexibert2-sdp";
    s.headTypes = {HeadType::SaSdp};
    return s;
}

SearchConfig unionConfig() {
    SearchConfig c;
    c.algorithm = "nsga2";
    c.populationSize = 8;
    c.modelSpace = sdpSpace();
    c.acceleratorSpace = electorSpace();
    c.targets = electorAndBat();
    c.accuracy = AccuracySourceKind::Trained; // precisions other than f32 need it
    return c;
}

} // namespace

class TestTargetUnion : public QObject {
    Q_OBJECT
private slots:
    void unionSpaceSamplesAndRoundTrips() {
        CoDesignSpace space(flexibert2Space(), electorSpace());
        const int plain = space.dimension();
        space.setTargets(electorAndBat());
        QCOMPARE(space.dimension(), plain + 2 + defaultBatSpace().length());
        std::mt19937_64 rng(5);
        std::set<int> kinds, precisions;
        const std::vector<int> firstElector = electorSpace().encode(electorSpace().at(0));
        for (int i = 0; i < 2000; ++i) {
            const Candidate c = space.sample(rng);
            QVERIFY(space.contains(c));
            QCOMPARE(space.fromUnit(space.toUnit(c)), c);
            QCOMPARE(*space.split(c.joined()), c);
            kinds.insert(c.target[0]);
            precisions.insert(c.target[1]);
            const TransformerSpec model = space.model(c);
            const std::string p = space.precision(c);
            CompressionSpec expected;
            QVERIFY(applySearchPrecision(p, expected).empty());
            QCOMPARE(model.compression.precision, expected.precision);
            if (space.targetKind(c) == TargetKind::Bat) {
                QCOMPARE(c.accelerator, firstElector); // the unused elector part is canonical
                QCOMPARE(space.target(c).kind(), TargetKind::Bat);
                QCOMPARE(*space.target(c).bat(), space.bat(c));
            } else {
                QVERIFY(std::all_of(c.target.begin() + 2, c.target.end(), [](int v) { return v == 0; }));
                QCOMPARE(space.target(c).kind(), TargetKind::Elector);
            }
            const Candidate d = space.sample(rng);
            QVERIFY(space.contains(space.crossover(c, d, rng)));
            QVERIFY(space.contains(space.mutate(c, 0.3, rng)));
        }
        QCOMPARE(kinds, (std::set<int>{0, 1}));
        QCOMPARE(precisions, (std::set<int>{0, 1, 2, 3}));
        // A bat level decodes to the listed value: level 2 of engine.peCount is 64.
        std::vector<int> levels(std::size_t(defaultBatSpace().length()), 0);
        levels[0] = 2;
        QCOMPARE(defaultBatSpace().decode(levels).peCount, 64);
        // An elector-only space keeps its encodings and draws (every earlier search).
        CoDesignSpace old(flexibert2Space(), electorSpace());
        std::mt19937_64 a(9), b(9);
        const Candidate oc = old.sample(a);
        QVERIFY(oc.target.empty());
        QCOMPARE(int(oc.joined().size()), plain);
    }

    void shippedBatSpaceIsTheDefault() {
        const auto loaded = io::resolveBatSpace("bat", kDataDir);
        QVERIFY2(loaded.ok(), loaded.errors.toString().c_str());
        QVERIFY(*loaded == defaultBatSpace());
        QVERIFY(loaded->energy == BatEnergyTable{});
        // A bad file names the field and what is allowed.
        const auto bad = io::parseBatSpace("fields:\n  - field: engine.peCount\n    values: [0, 8]\n", "bad.yaml");
        QVERIFY(!bad.ok());
        QVERIFY(bad.errors.toString().find("engine.peCount") != std::string::npos);
        QVERIFY(bad.errors.toString().find("from 1 to 4096") != std::string::npos);
        const auto unknown = io::parseBatSpace("fields:\n  - field: engine.pes\n    values: [8]\n", "bad.yaml");
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.errors.toString().find("no bat field 'engine.pes'") != std::string::npos);
    }

    void batEnergyMatchesHandDerivedValues() {
        // One segment of 2 blocks: engine 10 cycles a block, softmax 5; 64 one-bit slots.
        BatSpec t;
        t.peCount = 1;
        t.lanesPerPe = 1;
        t.bitsPerLane = 64;
        t.softmaxUnits = 16;
        t.weightBufferMB = 4;
        t.activationBufferKB = 1024;
        t.clockMHz = 700;
        BatResult r;
        r.costed = r.feasible = true;
        r.segments = {{0, "qkv", {{"engine", 10}, {"softmax", 5}}, 2, 35}};
        r.cycles = 35;
        r.weightBytes = 1000;
        r.keyValueBytes = 0;
        const BatEnergy e = batEnergy(r, t);
        // engine 20 cycles × 64 slots × 1.092 fJ = 1.39776 pJ; softmax 10 cycles × 16 × 1.95 pJ
        // = 312 pJ; weights 1000 B × 0.535 pJ × √4 = 1070 pJ.
        QCOMPARE(e.dynamicNJ, (1.39776 + 312.0 + 1070.0) * 1e-3);
        // (64 × 0.0469 µW + (4 + 1) MB × 210.4 mW) × 35 / 700 MHz.
        QCOMPARE(e.leakageNJ, (64 * 0.0469e-3 + 5 * 210.4) * 1e-3 * 35 / 700e6 * 1e9);
        // Area: 64 × 1.378 + 32 × 2665 + 96 × 551 + 5 × 294101 µm².
        QCOMPARE(e.areaMM2, (64 * 1.378 + 32 * 2665.0 + 96 * 551.0 + 5 * 294101.0) * 1e-6);
        // Monotone: twice the engine cycles cost more dynamic energy.
        BatResult longer = r;
        longer.segments[0].stages[0].cyclesPerBlock = 20;
        QVERIFY(batEnergy(longer, t).dynamicNJ > e.dynamicNJ);
    }

    void configurationChecksAndJson() {
        SearchConfig c = unionConfig();
        QVERIFY(validate(c).empty());
        const auto back = io::parseSearchConfig(io::searchConfigJson(c), "test");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QVERIFY(*back == c);
        // An elector-only configuration writes no "targets" (old searches read unchanged).
        QVERIFY(io::searchConfigJson(SearchConfig{}).find("\"targets\"") == std::string::npos);

        SearchConfig predicted = c;
        predicted.accuracy = AccuracySourceKind::Predicted;
        const auto p = validate(predicted);
        QCOMPARE(p.size(), std::size_t(1));
        QVERIFY(p.front().find("--accuracy trained") != std::string::npos);
        QVERIFY(p.front().find("no accuracy is assumed") != std::string::npos);

        SearchConfig floatOnly = c;
        floatOnly.targets.precisions = {"f32"};
        const auto f = validate(floatOnly);
        QCOMPARE(f.size(), std::size_t(1));
        QVERIFY(f.front().find("fixed-point") != std::string::npos);

        // Robustness: stored with its definition; needs a trained model.
        SearchConfig robust = c;
        robust.objectives = defaultObjectives();
        robust.objectives.metrics.push_back(Metric::Robustness);
        robust.objectives.weights.push_back(referenceWeight(Metric::Robustness));
        robust.objectives.normalisers.push_back(referenceNormaliser(Metric::Robustness));
        robust.robustness.rate = 0.01;
        robust.robustness.seeds = 5;
        QVERIFY(validate(robust).empty());
        const std::string robustJson = io::searchConfigJson(robust);
        QVERIFY(robustJson.find("accuracy drop under random bit flips in stored encoder weights") != std::string::npos);
        QVERIFY(*io::parseSearchConfig(robustJson, "test") == robust);
        // The second definition, Gaussian activation noise: stored with its σ, read back equal.
        SearchConfig noisy = robust;
        noisy.robustness.kind = RobustnessKind::ActivationNoise;
        noisy.robustness.sigma = 0.25;
        noisy.robustness.rate = RobustnessDefinition{}.rate; // only the kind's own number is stored
        QVERIFY(validate(noisy).empty());
        const std::string noisyJson = io::searchConfigJson(noisy);
        QVERIFY(noisyJson.find("\"kind\": \"noise\"") != std::string::npos);
        QVERIFY(noisyJson.find("σ = 0.25 × each activation vector's RMS, mean of 5 seeds") != std::string::npos);
        QVERIFY(noisyJson.find("\"rate\"") == std::string::npos);
        QVERIFY(*io::parseSearchConfig(noisyJson, "test") == noisy);
        noisy.robustness.sigma = -1;
        QCOMPARE(validate(noisy), (std::vector<std::string>{"robustness: the activation-noise σ (--robustness-sigma) "
                                                            "must be a finite number ≥ 0"}));
        // A configuration from before the noise definition (no "kind") reads as bit flips.
        std::string old = robustJson;
        const std::size_t member = old.find("\"robustness\": {");
        QVERIFY(member != std::string::npos);
        const std::string object = old.substr(member, old.find('}', member) - member);
        QVERIFY(object.find("\"kind\"") == std::string::npos && object.find("\"rate\"") != std::string::npos);
        QCOMPARE(io::parseSearchConfig(old, "test").value->robustness.kind, RobustnessKind::BitFlip);
        const std::string unknown = std::string(robustJson).insert(robustJson.find("\"rate\""), "\"kind\": \"heat\", ");
        QVERIFY(
            io::parseSearchConfig(unknown, "test").errors.toString().find("robustness.kind must be bitflip or noise") !=
            std::string::npos);
        robust.accuracy = AccuracySourceKind::Predicted;
        robust.targets = {};
        const auto rp = validate(robust);
        QCOMPARE(rp.size(), std::size_t(1));
        QVERIFY(rp.front().find("robustness is measured on a trained model") != std::string::npos);
        QCOMPARE(metricFromName("robustness"), std::optional<Metric>(Metric::Robustness));

        SearchConfig training = c;
        training.objectives.mode = SimMode::Training;
        QVERIFY(!validate(training).empty());

        std::string error;
        QVERIFY(!parseTargetKinds("elector,devices:edgetran", &error));
        QVERIFY(error.find("devices:") != std::string::npos);
        QVERIFY(!parseTargetKinds("elector,fpga", &error));
        QVERIFY(!parseTargetKinds("bat,bat", &error));
        QCOMPARE(*parseTargetKinds("bat,elector", &error),
                 (std::vector<TargetKind>{TargetKind::Bat, TargetKind::Elector}));

        // The request path: names resolve, the bat space comes from data/spaces/bat.yaml.
        codesign::SearchRequest r;
        r.targets = "elector,bat";
        r.precisions = {"f32,w1a8", "w1a1"};
        r.accuracy = "trained";
        r.algorithm = "random";
        const auto built = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY2(built.errors.empty(), built.errors.empty() ? "" : built.errors.front().c_str());
        QCOMPARE(built.config->targets.precisions, (std::vector<std::string>{"f32", "w1a8", "w1a1"}));
        QVERIFY(built.config->targets.bat == defaultBatSpace());
        r.precisions = {"w3a8"};
        const auto wrong = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY(!wrong.errors.empty());
        QVERIFY(std::any_of(wrong.errors.begin(), wrong.errors.end(), [](const std::string& e) {
            return e.find("\"w3a8\": expected wBaB") != std::string::npos;
        }));
        // The robustness definition from the request (the CLI's --robustness-kind/-sigma/-seeds).
        r.precisions = {"w1a8"};
        r.objectives = {"accuracy,latency,robustness"};
        r.robustnessKind = "noise";
        r.robustnessSigma = 0.5;
        r.robustnessSeeds = 2;
        const auto noise = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY2(noise.errors.empty(), noise.errors.empty() ? "" : noise.errors.front().c_str());
        QCOMPARE(noise.config->robustness.kind, RobustnessKind::ActivationNoise);
        QCOMPARE(noise.config->robustness.sigma, 0.5);
        QCOMPARE(noise.config->robustness.seeds, 2);
        QCOMPARE(noise.config->robustness.maxTestExamples, r.maxTest);
        r.robustnessKind = "heat";
        const auto heat = codesign::buildSearchConfig(r, kDataDir);
        QCOMPARE(heat.errors, (std::vector<std::string>{"--robustness-kind 'heat' is not bitflip or noise"}));
    }

    void mixedSearchIsReproducibleTrialForTrial() {
        SearchConfig c = unionConfig();
        c.box = codesign::sampleBox(c, electorTechnology14nm(), 0.5, 0.7, 64); // seeded sample of both kinds
        const Problem problem{makeSpace(c), c.objectives, c.box};
        SimOptions sim;
        sim.opBreakdown = false;
        const SimulationEvaluator evaluator(problem.space, electorTechnology14nm(), sim,
                                            std::make_shared<FixedAccuracy>());
        RunOptions options;
        options.budget = 48;
        options.threads = 2;
        Nsga2Config n;
        n.populationSize = 8;
        Nsga2 a(problem, 11, n), b(problem, 11, n), other(problem, 12, n);
        const auto ra = runSearch(a, problem, evaluator, options);
        options.threads = 1;
        const auto rb = runSearch(b, problem, evaluator, options);
        const auto rc = runSearch(other, problem, evaluator, options);
        QCOMPARE(ra.trials.size(), std::size_t(48));
        QVERIFY(ra.trials == rb.trials);
        QVERIFY(!(ra.trials == rc.trials));
        int bat = 0, batCosted = 0, elector = 0;
        for (const Trial& t : ra.trials) {
            QVERIFY(problem.space.contains(t.proposal.candidate));
            if (problem.space.targetKind(t.proposal.candidate) == TargetKind::Bat) {
                ++bat;
                const TransformerSpec model = problem.space.model(t.proposal.candidate);
                const BatResult r = simulateBat(model, sim.task, problem.space.bat(t.proposal.candidate));
                QCOMPARE(t.metrics.feasible, r.feasible);
                if (r.costed) {
                    ++batCosted;
                    QCOMPARE(t.metrics.cycles, r.cycles);
                    QCOMPARE(t.metrics.latencySeconds, r.latencyMs * 1e-3);
                    QVERIFY(t.metrics.dynamicEnergyNJ > 0);
                } else {
                    QVERIFY(!t.metrics.feasible);
                    QVERIFY(!t.metrics.infeasibleReason.empty());
                }
            } else {
                ++elector;
            }
        }
        QVERIFY(bat > 0 && elector > 0);
        QVERIFY(batCosted > 0);
    }

    void batTrialRoundTripsThroughTheWorkspace() {
        QTemporaryDir dir;
        SearchConfig c = unionConfig();
        c.algorithm = "random";
        c.budget = 16;
        codesign::SessionOptions options;
        options.dataDir = kDataDir;
        options.threads = 2;
        options.accuracy = std::make_shared<FixedAccuracy>();
        auto ws = store::Workspace::create(dir.filePath("u.tcw").toStdString());
        auto session = codesign::SearchSession::start(ws, c, options);
        const auto run = session.run();
        QCOMPARE(run.trials.size(), std::size_t(16));
        const auto stored = codesign::readStoredSearch(ws);
        QVERIFY(stored.trials == run.trials);
        TargetUnion expectedTargets = c.targets;
        expectedTargets.objectivesPerSequence = true; // start() marks a union search per sequence
        QVERIFY(stored.config.targets == expectedTargets);
        int bat = 0;
        for (std::size_t i = 0; i < stored.trials.size(); ++i) {
            const Candidate& cand = stored.trials[i].proposal.candidate;
            const auto design = ws.design(stored.designIds[i]);
            const auto evaluation = ws.evaluation(stored.evaluationIds[i]);
            QVERIFY(design && evaluation);
            const auto doc = io::parseDocument(design->specJson, io::Syntax::Json, "design");
            QVERIFY2(doc.ok(), (doc.errors.toString() + " in " + design->specJson).c_str());
            const auto& pair = std::get<io::CodesignPair>(*doc.value);
            TransformerSpec expected = stored.problem.space.model(cand);
            QCOMPARE(pair.transformer.compression, expected.compression); // the precision is stored
            if (stored.problem.space.targetKind(cand) == TargetKind::Bat) {
                ++bat;
                QCOMPARE(design->targetKind, std::string("bat"));
                QCOMPARE(evaluation->costModel, std::string("bat"));
                QVERIFY(pair.target.bat());
                QCOMPARE(*pair.target.bat(), stored.problem.space.bat(cand));
            } else {
                QCOMPARE(design->targetKind, std::string("elector"));
                QCOMPARE(pair.target.kind(), TargetKind::Elector);
            }
        }
        QVERIFY(bat > 0);
    }
};

QTEST_GUILESS_MAIN(TestTargetUnion)
#include "test_target_union.moc"
