// Stale evaluations: the cost-model revision stored with each evaluation, the example workspace
// kept current, and re-costing (core/codesign/resimulation.h).
#include "codesign/resimulation.h"
#include "design/technology_library.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "io/search_json.h"
#include "sim/cost_model.h"
#include "store/workspace.h"

#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <stop_token>
#include <variant>

using namespace tcw;
namespace fs = std::filesystem;

namespace {

const fs::path kData = TCW_SOURCE_DATA_DIR;

io::CodesignPair tinyOnEdge() {
    const auto model = io::resolveTransformer("bert-tiny", kData);
    const auto accelerator = io::resolveAccelerator("edge", kData);
    if (!model.value || !accelerator.value)
        qFatal("bert-tiny or edge preset missing under %s", kData.string().c_str());
    return io::CodesignPair{"tiny on edge", *model.value, Target(accelerator.value->spec)};
}

SimOptions defaultOptions(SimMode mode) {
    SimOptions o;
    o.mode = mode;
    o.opBreakdown = false;
    return o;
}

// An evaluation as a build before revisions wrote it: no "costModelRevision" in its options,
// the sparsity as text alone (`note`, left out when empty), and metrics that are not what the
// cost model gives today.
store::EvaluationRecord oldEvaluation(std::int64_t designId, const io::CodesignPair& pair, const std::string& note) {
    const SimResult now = simulate(pair.transformer, std::get<AcceleratorSpec>(pair.target.spec),
                                   electorTechnology14nm(), defaultOptions(SimMode::Inference));
    store::EvaluationRecord e = io::evaluationRecordOf(now, defaultOptions(SimMode::Inference));
    e.designId = designId;
    auto options = nlohmann::json::parse(e.optionsJson);
    options.erase("costModelRevision");
    options.erase("sparsitySource");
    options.erase("sparsity");
    if (!note.empty())
        options["sparsity"] = note;
    e.optionsJson = options.dump();
    *e.cycles += 1000; // what an older model said
    *e.latencySeconds *= 1.25;
    e.accuracy = 0.8125;
    e.accuracySource = store::AccuracySource::Predicted;
    e.accuracyStdDev = 0.01;
    e.accuracyDetail = "a surrogate";
    return e;
}

} // namespace

class TestResimulation : public QObject {
    Q_OBJECT

private slots:
    void revisionIsStoredAndReadBack() {
        const std::string text = io::evaluationOptionsJson({TaskShape{}, "scalars 0.5/0.5/0.9"});
        const auto back = io::parseEvaluationOptions(text, "options");
        QVERIFY(back.value);
        QCOMPARE(back.value->costModelRevision, kCostModelRevision);
        // What earlier builds wrote reads as revision 0.
        const auto old = io::parseEvaluationOptions(R"({"task":{"sequenceLength":128}})", "options");
        QVERIFY(old.value);
        QCOMPARE(old.value->costModelRevision, 0);
        const auto wrong = io::parseEvaluationOptions(R"({"costModelRevision":"two"})", "options");
        QVERIFY(!wrong.value);
        QVERIFY(wrong.errors.toString().find("costModelRevision") != std::string::npos);
    }

    // Every workspace the program ships (the example `make run` opens, the lessons' ones) shows
    // numbers of this build's cost models: every design's latest evaluation is at the current
    // revision and equals a fresh simulation. When this fails after a cost-model change: bump
    // kCostModelRevision and run `tcw resimulate` on each workspace it names.
    void shippedWorkspacesAreCurrent_data() {
        QTest::addColumn<QString>("path");
        int found = 0;
        for (const auto& entry : fs::recursive_directory_iterator(kData)) {
            if (entry.path().extension() == ".tcw") {
                QTest::newRow(fs::relative(entry.path(), kData).string().c_str())
                    << QString::fromStdString(entry.path().string());
                ++found;
            }
        }
        QVERIFY(found >= 1);
    }
    void shippedWorkspacesAreCurrent() {
        // ELECTOR-class and BAT-class evaluations (the lesson "How few bits?") alike.
        QFETCH(QString, path);
        const store::Workspace ws = store::Workspace::openReadOnly(path.toStdString());
        QVERIFY2(codesign::staleEvaluations(ws).empty(),
                 qPrintable(path + " shows costs of another cost-model revision: run `tcw resimulate " + path + "`"));
        // What the explorer shows, the latest simulated evaluation of each design and mode,
        // costed again as `tcw resimulate` costs (nothing stored) gives the stored numbers.
        const auto latest = codesign::latestSimulatedEvaluations(ws);
        const codesign::Recosted again = codesign::recost(ws, latest, {});
        QCOMPARE(again.report.stale, std::int64_t(latest.size()));
        for (const std::string& skipped : again.report.skipped) // not the ELECTOR-class cost models' numbers
            QVERIFY2(skipped.find("is not a co-design") != std::string::npos ||
                         skipped.find("is not an ELECTOR-class accelerator") != std::string::npos ||
                         skipped.find("is not one this build has") != std::string::npos,
                     qPrintable(path + ": " + QString::fromStdString(skipped)));
        QCOMPARE(again.evaluations.size() + again.report.skipped.size(), latest.size());
        QVERIFY(!again.evaluations.empty()); // every shipped workspace holds co-designs the cost models priced
        for (std::size_t i = 0; i < again.evaluations.size(); ++i) {
            const store::EvaluationRecord& now = again.evaluations[i];
            const auto e = ws.evaluation(again.replaces[i]);
            QVERIFY(e);
            if (now.cycles != e->cycles || now.energyTotalNJ() != e->energyTotalNJ() || now.areaMM2 != e->areaMM2 ||
                now.peakPowerMW != e->peakPowerMW || now.feasible != e->feasible) {
                QFAIL(qPrintable(QStringLiteral("%1, design %2: stored %3 cycles, the cost models give %4 at "
                                                "revision %5 — bump kCostModelRevision (core/sim/cost_model.h) "
                                                "and run `tcw resimulate` on it")
                                     .arg(path)
                                     .arg(now.designId)
                                     .arg(e->cycles.value_or(-1))
                                     .arg(now.cycles.value_or(-1))
                                     .arg(kCostModelRevision)));
            }
        }
    }

    void staleEvaluationsAreRecostedAsNewOnes() {
        QTemporaryDir dir;
        store::Workspace ws = store::Workspace::create(fs::path(dir.path().toStdString()) / "w.tcw");
        const io::CodesignPair pair = tinyOnEdge();
        const auto id = ws.addDesign(pair.name, store::DesignKind::Pair, io::canonicalJson(pair));
        const store::EvaluationRecord old = oldEvaluation(id, pair, "scalars 0.5/0.5/0.9");
        const auto oldId = ws.addEvaluation(old);
        store::SearchRecord search;
        search.name = "s";
        search.algorithm = "random";
        const auto searchId = ws.addSearch(search);
        store::TrialRecord trial;
        trial.searchId = searchId;
        trial.designId = id;
        trial.evaluationId = oldId;
        trial.position = 0;
        ws.addTrial(trial);
        // A current one of another design is not stale.
        const auto other =
            ws.addDesign("other", store::DesignKind::Pair,
                         io::canonicalJson(io::CodesignPair{"other", pair.transformer, Target(AcceleratorSpec{})}));
        store::EvaluationRecord current = io::evaluationRecordOf(
            simulate(pair.transformer, AcceleratorSpec{}, electorTechnology14nm(), defaultOptions(SimMode::Inference)),
            defaultOptions(SimMode::Inference));
        current.designId = other;
        ws.addEvaluation(current);

        const auto stale = codesign::staleEvaluations(ws);
        QCOMPARE(stale.size(), std::size_t(1));
        QCOMPARE(stale[0].evaluationId, oldId);
        QCOMPARE(stale[0].revision, 0);

        // A dry run costs and reports, and writes nothing.
        codesign::ResimulationOptions dry;
        dry.dryRun = true;
        const auto preview = codesign::resimulateStale(ws, dry);
        QCOMPARE(preview.stale, std::int64_t(1));
        QCOMPARE(preview.updated, std::int64_t(0));
        QCOMPARE(preview.changed, std::int64_t(1));
        QCOMPARE(ws.evaluations(id).size(), std::size_t(1));
        // Latency was 1.25× today's: the change is 1 − 1 / 1.25 = 20 %.
        QVERIFY(std::abs(preview.largestLatencyChange - 0.2) < 1e-9);

        std::int64_t progressCalls = 0;
        codesign::ResimulationOptions options;
        options.progress = [&](std::int64_t done, std::int64_t total) {
            ++progressCalls;
            QCOMPARE(total, std::int64_t(1));
            QCOMPARE(done, progressCalls);
        };
        const auto report = codesign::resimulateStale(ws, options);
        QCOMPARE(report.updated, std::int64_t(1));
        QVERIFY(report.skipped.empty());
        QCOMPARE(progressCalls, std::int64_t(1));
        const auto history = ws.evaluations(id);
        QCOMPARE(history.size(), std::size_t(2)); // the old one stays
        QCOMPARE(history[0].cycles, old.cycles);
        const store::EvaluationRecord& fresh = history[1];
        const SimResult expected = simulate(pair.transformer, std::get<AcceleratorSpec>(pair.target.spec),
                                            electorTechnology14nm(), defaultOptions(SimMode::Inference));
        QCOMPARE(fresh.cycles, std::optional<std::int64_t>(expected.cycles));
        QCOMPARE(*fresh.latencySeconds, expected.latencySeconds());
        QCOMPARE(fresh.accuracy, old.accuracy);
        QCOMPARE(fresh.accuracySource, old.accuracySource);
        QCOMPARE(fresh.accuracyStdDev, old.accuracyStdDev);
        QCOMPARE(fresh.accuracyDetail, old.accuracyDetail);
        QCOMPARE(io::parseEvaluationOptions(fresh.optionsJson, "o").value->sparsity,
                 std::string("scalars 0.5/0.5/0.9"));
        QVERIFY(!codesign::isStale(fresh));
        // The search's trial reads the new numbers too.
        QCOMPARE(ws.trials(searchId).at(0).evaluationId, std::optional<std::int64_t>(fresh.id));
        QVERIFY(codesign::staleEvaluations(ws).empty());
        QCOMPARE(codesign::resimulateStale(ws, {}).stale, std::int64_t(0));
    }

    // "measured by training run N": costed again with that run's profile, not the scalars.
    void measuredSparsityComesFromItsTrainingRun() {
        QTemporaryDir dir;
        store::Workspace ws = store::Workspace::create(fs::path(dir.path().toStdString()) / "w.tcw");
        const io::CodesignPair pair = tinyOnEdge();
        const auto id = ws.addDesign(pair.name, store::DesignKind::Pair, io::canonicalJson(pair));
        SparsityProfile profile;
        for (int l = 0; l < pair.transformer.layerCount(); ++l)
            profile.layers.push_back(LayerSparsity{0.9, 0.1, 0.95, 0.95});
        store::TrainingRunRecord run;
        run.designId = id;
        run.name = "run";
        run.dataset = "fashion-mnist";
        run.sparsityProfileJson = io::sparsityProfileText(profile);
        const auto runId = ws.addTrainingRun(run);
        ws.addEvaluation(oldEvaluation(id, pair, "measured by training run " + std::to_string(runId)));
        const auto unknown =
            ws.addDesign("unknown", store::DesignKind::Pair,
                         io::canonicalJson(io::CodesignPair{"unknown", pair.transformer, Target(AcceleratorSpec{})}));
        ws.addEvaluation(oldEvaluation(unknown, pair, "measured by training"));

        const auto report = codesign::resimulateStale(ws, {});
        QCOMPARE(report.stale, std::int64_t(2));
        QCOMPARE(report.updated, std::int64_t(1));
        QCOMPARE(report.skipped.size(), std::size_t(1));
        QVERIFY2(report.skipped[0].find("design " + std::to_string(unknown)) == 0, report.skipped[0].c_str());
        QVERIFY(report.skipped[0].find("not stored") != std::string::npos);

        SimOptions o = defaultOptions(SimMode::Inference);
        o.sparsity.profile = std::make_shared<const SparsityProfile>(profile);
        const SimResult withProfile =
            simulate(pair.transformer, std::get<AcceleratorSpec>(pair.target.spec), electorTechnology14nm(), o);
        const SimResult withScalars = simulate(pair.transformer, std::get<AcceleratorSpec>(pair.target.spec),
                                               electorTechnology14nm(), defaultOptions(SimMode::Inference));
        QVERIFY(withProfile.cycles != withScalars.cycles); // the test can tell the two apart
        QCOMPARE(ws.evaluations(id).back().cycles, std::optional<std::int64_t>(withProfile.cycles));
    }

    // Rows this build writes carry the sparsity's source itself (kind, scalars, run): re-costing
    // reads it, not the text beside it — here every text says the default scalars.
    void theStructuredSourceIsWhatRecostingReads() {
        QTemporaryDir dir;
        store::Workspace ws = store::Workspace::create(fs::path(dir.path().toStdString()) / "w.tcw");
        const io::CodesignPair pair = tinyOnEdge();
        SparsityProfile profile;
        for (int l = 0; l < pair.transformer.layerCount(); ++l)
            profile.layers.push_back(LayerSparsity{0.9, 0.1, 0.95, 0.95});
        store::TrainingRunRecord run;
        run.designId = ws.addDesign(pair.name, store::DesignKind::Pair, io::canonicalJson(pair));
        run.name = "run";
        run.dataset = "fashion-mnist";
        run.sparsityProfileJson = io::sparsityProfileText(profile);
        const auto runId = ws.addTrainingRun(run);
        SparsitySettings odd;
        odd.activation = 0.1;
        odd.weight = 0.2;
        odd.gradient = 0.3;
        const io::SparsitySource sources[] = {io::SparsitySource::scalarsOf(odd), io::SparsitySource{},
                                              io::SparsitySource::trainingRun(runId)};
        std::vector<std::int64_t> designs;
        for (const io::SparsitySource& source : sources) {
            io::CodesignPair named = pair;
            named.name = io::sparsitySourceText(source);
            designs.push_back(ws.addDesign(named.name, store::DesignKind::Pair, io::canonicalJson(named)));
            store::EvaluationRecord e = oldEvaluation(designs.back(), pair, "scalars 0.5/0.5/0.9");
            io::EvaluationOptions options = *io::parseEvaluationOptions(e.optionsJson, "e");
            options.sparsitySource = source;
            options.costModelRevision = kCostModelRevision - 1; // stale
            e.optionsJson = io::evaluationOptionsJson(options);
            ws.addEvaluation(e);
        }
        const auto report = codesign::resimulateStale(ws, {});
        QCOMPARE(report.stale, std::int64_t(3));
        QCOMPARE(report.updated, std::int64_t(3));
        QVERIFY(report.skipped.empty());

        SparsitySettings dense;
        dense.activation = dense.weight = dense.gradient = 0.0;
        SparsitySettings measured;
        measured.profile = std::make_shared<const SparsityProfile>(profile);
        const SparsitySettings expected[] = {odd, dense, measured};
        std::set<std::int64_t> cycles;
        for (std::size_t i = 0; i < designs.size(); ++i) {
            SimOptions o = defaultOptions(SimMode::Inference);
            o.sparsity = expected[i];
            const SimResult r =
                simulate(pair.transformer, std::get<AcceleratorSpec>(pair.target.spec), electorTechnology14nm(), o);
            const store::EvaluationRecord fresh = ws.evaluations(designs[i]).back();
            QCOMPARE(fresh.cycles, std::optional<std::int64_t>(r.cycles));
            cycles.insert(r.cycles);
            // The new row keeps the source and the text it was costed with.
            const auto kept = io::parseEvaluationOptions(fresh.optionsJson, "e");
            QCOMPARE(kept->sparsitySource, std::optional<io::SparsitySource>(sources[i]));
            QCOMPARE(kept->sparsity, std::string("scalars 0.5/0.5/0.9"));
            QCOMPARE(kept->costModelRevision, kCostModelRevision);
        }
        // The default scalars give yet other numbers: the test can tell the sources apart.
        cycles.insert(simulate(pair.transformer, std::get<AcceleratorSpec>(pair.target.spec), electorTechnology14nm(),
                               defaultOptions(SimMode::Inference))
                          .cycles);
        QCOMPARE(cycles.size(), std::size_t(4));
    }

    void aStopBeforeStoringWritesNothing() {
        QTemporaryDir dir;
        store::Workspace ws = store::Workspace::create(fs::path(dir.path().toStdString()) / "w.tcw");
        const io::CodesignPair pair = tinyOnEdge();
        const auto id = ws.addDesign(pair.name, store::DesignKind::Pair, io::canonicalJson(pair));
        ws.addEvaluation(oldEvaluation(id, pair, {}));
        std::stop_source stop;
        stop.request_stop();
        const auto report = codesign::resimulateStale(ws, {}, stop.get_token());
        QVERIFY(report.cancelled);
        QCOMPARE(report.updated, std::int64_t(0));
        QCOMPARE(ws.evaluations(id).size(), std::size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestResimulation)
#include "test_resimulation.moc"
