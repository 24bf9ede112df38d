// Issue 14, "alone or MIXED with accelerator spaces": a co-design search whose target dimension
// holds ELECTOR designs and measured devices (two shipped EdgeTran presets). Checks that a
// seeded search stores designs of both kinds, a device design's metrics are the profile's row
// exactly where the model was measured there (else the surrogate's, marked predicted), the
// stored front is non-dominated under docs/search.md's rule (objectives every kind reports,
// compared on all of them), objectives a device cannot report are refused, and a stopped
// search resumed from the workspace ends with the trials of an uninterrupted one.
#include "codesign/search_request.h"
#include "codesign/search_session.h"
#include "devices/device_library.h"
#include "devices/device_rows.h"
#include "devices/mixed_costs.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "search/pair_evaluator.h"
#include "search/pareto.h"
#include "search/search_config.h"
#include "search/search_runner.h"
#include "search/target_union.h"
#include "store/workspace.h"

#include <QtTest>

#include <filesystem>
#include <random>
#include <set>
#include <stop_token>

using namespace tcw;
using namespace tcw::search;
namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCW_SOURCE_DATA_DIR;
const std::vector<std::string> kDevices = {"gpu_m1-pro", "cpu_rpi"};

std::vector<profile::DeviceProfile> presets() {
    std::vector<profile::DeviceProfile> out;
    for (const auto& id : kDevices) {
        auto loaded = devices::resolveDeviceProfile(id, kDataDir);
        if (!loaded.ok())
            qFatal("preset %s does not load", id.c_str());
        out.push_back(*loaded.value);
    }
    return out;
}

// A stand-in accuracy (never shown to a user): a fixed function of the model's size, so the
// search is deterministic without a table or training.
class FixedAccuracy : public AccuracyOracle {
public:
    AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token) const override {
        AccuracyEstimate e;
        int heads = 0;
        for (const auto& l : model.layers)
            heads += static_cast<int>(l.heads.size());
        e.value = 0.6 + 0.01 * model.layerCount() + 0.001 * heads;
        e.origin = AccuracyOrigin::Predicted;
        e.detail = "test stand-in";
        return e;
    }
    std::string describe() const override { return "test stand-in"; }
};

SearchConfig mixedConfig() {
    SearchConfig c;
    c.algorithm = "nsga2";
    c.populationSize = 8;
    c.budget = 32;
    c.seed = 7;
    c.modelSpace = flexibert2Space();
    c.acceleratorSpace = electorSpace();
    c.targets.kinds = {TargetKind::Elector, TargetKind::Device};
    c.targets.devices = kDevices;
    c.objectives.metrics = {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::PeakPower};
    return c;
}

codesign::SessionOptions sessionOptions() {
    codesign::SessionOptions o;
    o.dataDir = kDataDir;
    o.threads = 2;
    o.accuracy = std::make_shared<FixedAccuracy>();
    o.deviceProfiles = presets();
    return o;
}

} // namespace

class TestMixedDeviceSearch : public QObject {
    Q_OBJECT
private slots:
    void parsesAndRefuses() {
        std::string error, set;
        const auto kinds = parseTargetKinds("elector,bat,devices:gpu_m1-pro,cpu_rpi", &error, &set);
        QVERIFY2(kinds, error.c_str());
        QCOMPARE(*kinds, (std::vector<TargetKind>{TargetKind::Elector, TargetKind::Bat, TargetKind::Device}));
        QCOMPARE(set, std::string("devices:gpu_m1-pro,cpu_rpi"));
        QVERIFY(!parseTargetKinds("elector,devices:edgetran", &error)); // callers that take no devices
        QVERIFY(QString::fromStdString(error).contains("searched alone"));

        // Through the request: devices:edgetran is the seven EdgeTran ids.
        codesign::SearchRequest r;
        r.targets = "elector,devices:edgetran";
        r.objectives = {"accuracy", "latency", "energy", "power"};
        const auto built = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY2(built.config, built.errors.empty() ? "" : built.errors.front().c_str());
        QCOMPARE(built.config->targets.devices.size(), std::size_t(7));
        const auto back = io::parseSearchConfig(io::searchConfigJson(*built.config), "test");
        QVERIFY(back.ok());
        QVERIFY(back.value->targets == built.config->targets);

        // Objectives a device cannot report are refused, naming them.
        r.objectives = {"accuracy", "latency", "area"};
        auto refused = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY(!refused.config);
        QVERIFY(QString::fromStdString(refused.errors.front()).contains("area"));
        r.objectives = {"accuracy", "dynamic-energy"};
        refused = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY(!refused.config);
        QVERIFY(QString::fromStdString(refused.errors.front()).contains("dynamic-energy"));
        r.objectives = {"accuracy", "latency", "power"};
        r.costModel = "acceltran-fast"; // no peak power for an ELECTOR design
        refused = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY(!refused.config);
        QVERIFY(QString::fromStdString(refused.errors.front()).contains("peak power"));

        // Units: a profile measured at 128 tokens is refused for a task of 64.
        const auto problems = devices::mixedDeviceProblems(kDevices, presets(), 64);
        QCOMPARE(problems.size(), std::size_t(2));
        QVERIFY(QString::fromStdString(problems.front()).contains("sequence length 128"));
    }

    void threeKindSpaceStaysCanonical() {
        // elector ∪ bat ∪ devices with precisions: a device design takes f32, every kind is
        // drawn, the unit-cube view round-trips, crossover and mutation stay in the space.
        codesign::SearchRequest r;
        r.targets = "elector,bat,devices:gpu_m1-pro,cpu_rpi";
        r.precisions = {"f32", "w1a8"};
        r.accuracy = "trained";
        r.modelSpace = "sdp-small";
        r.objectives = {"accuracy", "latency", "energy", "power"};
        const auto built = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY2(built.config, built.errors.empty() ? "" : built.errors.front().c_str());
        const CoDesignSpace space = makeSpace(*built.config);
        QCOMPARE(space.targets().devices, kDevices);
        std::mt19937_64 rng(11);
        std::set<std::string> seen;
        Candidate previous = space.sample(rng);
        for (int i = 0; i < 2000; ++i) {
            const Candidate c = space.sample(rng);
            QVERIFY(space.contains(c));
            const TargetKind kind = space.targetKind(c);
            seen.insert(kind == TargetKind::Device ? space.device(c) : std::string(targetKindName(kind)));
            if (kind == TargetKind::Device) {
                QCOMPARE(space.precision(c), std::string("f32"));
                QCOMPARE(space.target(c).device()->device, space.device(c));
            } else {
                QCOMPARE(c.target.back(), 0); // a non-device design's device level is canonical
            }
            QCOMPARE(space.fromUnit(space.toUnit(c)), c);
            QVERIFY(space.contains(space.crossover(c, previous, rng)));
            QVERIFY(space.contains(space.mutate(c, 0.3, rng)));
            previous = c;
        }
        QCOMPARE(seen, (std::set<std::string>{"elector", "bat", "gpu_m1-pro", "cpu_rpi"}));

        r.precisions = {"w1a8"}; // no f32 for the devices
        const auto refused = codesign::buildSearchConfig(r, kDataDir);
        QVERIFY(!refused.config);
        QVERIFY(QString::fromStdString(refused.errors.front()).contains("f32"));
    }

    void deviceDesignIsTheMeasuredRowExactly() {
        const SearchConfig c = mixedConfig();
        const CoDesignSpace space = makeSpace(c);
        SimulationEvaluator evaluator(space, electorTechnology14nm(), SimOptions{}, nullptr);
        const auto profiles = presets();
        evaluator.setDeviceCosts(devices::mixedDeviceCosts(profiles, c.objectives));
        int checked = 0;
        for (std::size_t d = 0; d < profiles.size(); ++d) {
            for (const auto& row : profiles[d].rows) {
                if (!space.models().check(row.model).empty())
                    continue; // not of the search's model space
                Candidate cand = space.encode(row.model, space.accelerators().at(0));
                cand.target.back() = static_cast<int>(d);
                cand.target[0] = 1; // the device kind
                QVERIFY(space.contains(cand));
                QCOMPARE(space.targetKind(cand), TargetKind::Device);
                const PairMetrics m = evaluator.simulate(cand);
                QVERIFY2(m.feasible, m.infeasibleReason.c_str());
                QVERIFY(m.measuredCost && m.measuredCost->measured);
                QCOMPARE(m.latencySeconds, row.latencySecondsPerSequence.median); // exact, not fuzzy
                QCOMPARE(m.totalEnergyNJ(), *row.energyJoulesPerSequence.value * 1e9);
                QCOMPARE(m.peakPowerMW, *row.peakPowerW.value * 1e3);
                QCOMPARE(m.areaMM2, 0.0); // absent, never an objective here
                if (++checked >= 6)
                    break;
            }
        }
        QVERIFY(checked >= 6);
    }

    void mixedSearchStoresBothKindsWithAHonestFront() {
        QTemporaryDir dir;
        auto ws = store::Workspace::create(dir.filePath("m.tcw").toStdString());
        auto session = codesign::SearchSession::start(ws, mixedConfig(), sessionOptions());
        const auto run = session.run();
        QCOMPARE(run.trials.size(), std::size_t(32));
        const auto stored = codesign::readStoredSearch(ws);
        QVERIFY(stored.trials == run.trials);
        QCOMPARE(stored.config.targets.devices, kDevices);
        const auto profiles = presets();
        int electorDesigns = 0, deviceDesigns = 0, measured = 0;
        for (std::size_t i = 0; i < stored.trials.size(); ++i) {
            const Candidate& cand = stored.trials[i].proposal.candidate;
            const auto design = ws.design(stored.designIds[i]);
            const auto evaluation = ws.evaluation(stored.evaluationIds[i]);
            QVERIFY(design && evaluation);
            if (stored.problem.space.targetKind(cand) != TargetKind::Device) {
                ++electorDesigns;
                QCOMPARE(design->targetKind, std::string("elector"));
                QCOMPARE(evaluation->costModel, std::string("elector"));
                continue;
            }
            ++deviceDesigns;
            QCOMPARE(design->targetKind, std::string("device"));
            QCOMPARE(evaluation->costModel, std::string("measured"));
            QVERIFY(!evaluation->areaMM2); // absent, not zero
            const auto doc = io::parseDocument(design->specJson, io::Syntax::Json, "design");
            QVERIFY(doc.ok());
            const auto& pair = std::get<io::CodesignPair>(*doc.value);
            QVERIFY(pair.target.device());
            const std::string id = pair.target.device()->device;
            QCOMPARE(id, stored.problem.space.device(cand));
            const auto& profile = profiles[stored.problem.space.deviceIndex(cand)];
            const auto* row = devices::findRow(profile, pair.transformer);
            if (row) {
                ++measured;
                QCOMPARE(evaluation->provenance, store::MetricsProvenance::Measured);
                QCOMPARE(*evaluation->latencySeconds, row->latencySecondsPerSequence.median);
            } else {
                QCOMPARE(evaluation->provenance, store::MetricsProvenance::Predicted);
                QVERIFY(evaluation->metricsStdDevFraction && *evaluation->metricsStdDevFraction > 0);
            }
        }
        QVERIFY(electorDesigns > 0);
        QVERIFY(deviceDesigns > 0);
        qInfo("%d ELECTOR designs, %d device designs (%d measured rows)", electorDesigns, deviceDesigns, measured);

        // The front: acceptable, non-dominated on all four objectives, and every other acceptable
        // design dominated by (or equal to) one of its members.
        const auto front = paretoFront(stored.trials, stored.problem);
        QVERIFY(!front.empty());
        const auto vec = [&](int p) {
            return minimisedObjectives(stored.trials[std::size_t(p)].metrics, stored.problem.objectives);
        };
        for (int a : front) {
            QVERIFY(acceptable(stored.trials[std::size_t(a)].metrics, stored.problem.objectives));
            for (std::size_t b = 0; b < stored.trials.size(); ++b)
                if (acceptable(stored.trials[b].metrics, stored.problem.objectives))
                    QVERIFY(!dominates(vec(int(b)), vec(a)));
        }
        for (std::size_t b = 0; b < stored.trials.size(); ++b) {
            if (!acceptable(stored.trials[b].metrics, stored.problem.objectives) ||
                std::find(front.begin(), front.end(), int(b)) != front.end())
                continue;
            bool covered = false;
            for (int a : front)
                covered = covered || dominates(vec(a), vec(int(b))) || vec(a) == vec(int(b));
            QVERIFY(covered);
        }
    }

    void boshcodeInitialPairsHitTheMeasuredRows() {
        // BOSHCODE starts from the accuracy table's models (FlexiBERT 2.0's GLUE16, which
        // EdgeTran measured on every device) × sampled targets: device designs of those models
        // are the profile's rows, exactly.
        QTemporaryDir dir;
        SearchConfig c = mixedConfig();
        c.algorithm = "boshcode";
        c.initialPairs = 16;
        c.budget = 18;
        c.seed = 3;
        auto ws = store::Workspace::create(dir.filePath("b.tcw").toStdString());
        codesign::SearchSession::start(ws, c, sessionOptions()).run();
        const auto stored = codesign::readStoredSearch(ws);
        const auto profiles = presets();
        int measured = 0;
        for (std::size_t i = 0; i < stored.trials.size(); ++i) {
            const Candidate& cand = stored.trials[i].proposal.candidate;
            if (stored.problem.space.targetKind(cand) != TargetKind::Device)
                continue;
            const auto& profile = profiles[stored.problem.space.deviceIndex(cand)];
            const auto* row = devices::findRow(profile, stored.problem.space.model(cand));
            if (!row)
                continue;
            ++measured;
            QCOMPARE(stored.metricsOrigins[i].provenance, store::MetricsProvenance::Measured);
            QCOMPARE(stored.trials[i].metrics.latencySeconds, row->latencySecondsPerSequence.median);
            QCOMPARE(stored.trials[i].metrics.totalEnergyNJ(), *row->energyJoulesPerSequence.value * 1e9);
        }
        QVERIFY(measured >= 8);
    }

    void stoppedSearchResumesToTheSameTrials() {
        QTemporaryDir dir;
        const auto options = sessionOptions();
        auto whole = store::Workspace::create(dir.filePath("whole.tcw").toStdString());
        auto uninterrupted = codesign::SearchSession::start(whole, mixedConfig(), options);
        QVERIFY(!uninterrupted.run().cancelled);

        auto ws = store::Workspace::create(dir.filePath("w.tcw").toStdString());
        {
            auto session = codesign::SearchSession::start(ws, mixedConfig(), options);
            std::stop_source stop;
            const auto partial = session.run(stop.get_token(), [&](const SearchProgress& p) {
                if (p.trials >= 12)
                    stop.request_stop();
            });
            QVERIFY(partial.cancelled);
        }
        QCOMPARE(ws.searches().back().status, store::RunStatus::Cancelled);
        // Resumed as the CLI does: no profiles given, the workspace's device tables hold them.
        codesign::SessionOptions resumeOptions = options;
        resumeOptions.deviceProfiles.clear();
        auto resumed = codesign::SearchSession::resume(ws, resumeOptions);
        QVERIFY(resumed.storedTrials() >= 12 && resumed.storedTrials() < 32);
        QVERIFY(!resumed.run().cancelled);
        const auto a = codesign::readStoredSearch(whole);
        const auto b = codesign::readStoredSearch(ws);
        QCOMPARE(b.trials.size(), std::size_t(32));
        QVERIFY(a.trials == b.trials);
        QVERIFY(a.config == b.config);
        QVERIFY(a.metricsOrigins == b.metricsOrigins);
    }
};

QTEST_GUILESS_MAIN(TestMixedDeviceSearch)
#include "test_mixed_device_search.moc"
