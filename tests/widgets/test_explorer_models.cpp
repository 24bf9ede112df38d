// The explorer's computations in tcw_models: two-objective Pareto ranks against core's
// non-dominated sort, the front's step line, what-if dominance, constraint bounds and range
// filters, the roofline, the edit session with undo, the layer and op tables (each through
// QAbstractItemModelTester) and design export that re-imports to identical designs.
#include "models/colour_map.h"
#include "models/design_export.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/edit_commands.h"
#include "models/edit_session.h"
#include "models/front_analysis.h"
#include "models/layer_table_model.h"
#include "models/op_table_model.h"
#include "models/roofline.h"

#include "design/design_space.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "search/pareto.h"
#include "sim/cost_model.h"

#include "io/record_json.h"
#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>

#include <QtTest>

#include <cmath>
#include <random>

using namespace tcw;
using namespace tcw::models;

namespace {
const std::filesystem::path kDataDir = TCW_SOURCE_DATA_DIR;

io::CodesignPair tinyOnEdge() {
    const auto model = io::resolveTransformer("bert-tiny", kDataDir);
    const auto accelerator = io::resolveAccelerator("edge", kDataDir);
    return {"tiny on edge", *model, accelerator->spec};
}

store::DesignSummary evaluated(std::int64_t id, double latencyMs, double accuracyPct, bool feasible = true) {
    store::DesignSummary s;
    s.design.id = id;
    s.design.name = "d" + std::to_string(id);
    s.design.kind = store::DesignKind::Pair;
    store::EvaluationRecord e;
    e.designId = id;
    e.latencySeconds = latencyMs / 1e3;
    e.accuracy = accuracyPct / 100;
    e.energyDynamicNJ = 1e6 * double(id);
    e.areaMM2 = 10;
    e.feasible = feasible;
    s.latest = e;
    return s;
}
} // namespace

class TestExplorerModels : public QObject {
    Q_OBJECT

private slots:
    // Property: on random integer data (many ties and duplicates) the O(n log n) ranks equal
    // core's non-dominated sort, for every direction of the two axes.
    void ranksMatchCoreNonDominatedSort_data() {
        QTest::addColumn<bool>("xHigher");
        QTest::addColumn<bool>("yHigher");
        QTest::newRow("min-min") << false << false;
        QTest::newRow("min-max") << false << true;
        QTest::newRow("max-min") << true << false;
        QTest::newRow("max-max") << true << true;
    }
    void ranksMatchCoreNonDominatedSort() {
        QFETCH(bool, xHigher);
        QFETCH(bool, yHigher);
        std::mt19937_64 rng(42);
        for (int trial = 0; trial < 40; ++trial) {
            const int n = 1 + int(rng() % 200);
            std::uniform_int_distribution<int> value(0, 12);
            const auto size = static_cast<std::size_t>(n);
            std::vector<double> x(size), y(size);
            std::vector<bool> eligible(size);
            for (int i = 0; i < n; ++i) {
                x[std::size_t(i)] = value(rng);
                y[std::size_t(i)] = value(rng);
                eligible[std::size_t(i)] = rng() % 5 != 0;
            }
            const auto ranks = paretoRanks2D(x, y, {xHigher, yHigher}, eligible);
            std::vector<ObjectiveVector> points;
            std::vector<int> map;
            for (int i = 0; i < n; ++i)
                if (eligible[std::size_t(i)]) {
                    points.push_back({xHigher ? -x[std::size_t(i)] : x[std::size_t(i)],
                                      yHigher ? -y[std::size_t(i)] : y[std::size_t(i)]});
                    map.push_back(i);
                }
            const auto expected = points.empty() ? std::vector<int>{} : nonDominatedRanks(points);
            for (std::size_t k = 0; k < map.size(); ++k)
                QCOMPARE(ranks[std::size_t(map[k])], expected[k]);
            for (int i = 0; i < n; ++i)
                if (!eligible[std::size_t(i)])
                    QCOMPARE(ranks[std::size_t(i)], -1);
        }
    }

    void stepLineBoundsTheDominatedRegion() {
        // Lower latency and higher accuracy are better: (1, 70), (2, 80), (4, 90) form the front.
        const std::vector<double> x = {1, 2, 4, 3}, y = {70, 80, 90, 75};
        const AxisSense sense{false, true};
        const auto ranks = paretoRanks2D(x, y, sense, {});
        QCOMPARE(ranks, (std::vector<int>{0, 0, 0, 1}));
        const auto order = frontInXOrder(x, y, ranks);
        QCOMPARE(order, (std::vector<std::size_t>{0, 1, 2}));
        const auto line = stepLine(x, y, order, sense);
        QCOMPARE(line.size(), std::size_t(5));
        QCOMPARE(line[1].x, 2.0); // corner at the next point's x, this point's y
        QCOMPARE(line[1].y, 70.0);
        QCOMPARE(line[4].y, 90.0);
    }

    void whatIfDominance() {
        const std::vector<double> x = {1, 2, 4}, y = {70, 80, 90};
        const AxisSense sense{false, true};
        QCOMPARE(dominanceAgainst(1.5, 85, x, y, sense, {}), (Dominance{true, 0, 1}));
        QCOMPARE(dominanceAgainst(3, 75, x, y, sense, {}), (Dominance{false, 1, 0}));
        QCOMPARE(dominanceAgainst(1, 70, x, y, sense, {}), (Dominance{true, 0, 0})); // equal: not dominated
        QCOMPARE(dominanceAgainst(5, 60, x, y, sense, {}), (Dominance{false, 3, 0}));
        QCOMPARE(dominanceAgainst(5, 60, x, y, sense, {false, false, true}), (Dominance{false, 1, 0}));
        QVERIFY(!dominanceAgainst(NAN, 60, x, y, sense, {}).joinsFront);
        QVERIFY(dominanceText({false, 2, 0}, true).contains("2"));
    }

    void boundsAndRanksInTheTable() {
        DesignTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDesigns({evaluated(1, 1, 70), evaluated(2, 2, 80), evaluated(3, 4, 90), evaluated(4, 3, 75),
                          evaluated(5, 0.5, 95, false)});
        model.setFront(Objective::Latency, Objective::Accuracy, {});
        auto rank = [&](int row) { return model.index(row, DesignTableModel::ParetoRankColumn).data().toString(); };
        QCOMPARE(rank(0), QString("1")); // the front is rank 1 (Seen 12)
        QCOMPARE(rank(3), QString("2"));
        QCOMPARE(rank(4), QString("—")); // infeasible: not ranked
        QSignalSpy changed(&model, &DesignTableModel::dataChanged);
        model.setFront(Objective::Latency, Objective::Accuracy, {{Objective::Latency, 2.5}});
        QVERIFY(changed.count() >= 1);
        QCOMPARE(rank(2), QString("—")); // 4 ms > 2.5 ms
        QCOMPARE(rank(3), QString("—"));
        QVERIFY(!model.index(2, 0).data(DesignTableModel::EligibleRole).toBool());
        QVERIFY(meetsBound(90, {Objective::Accuracy, 85}));
        QVERIFY(!meetsBound(80, {Objective::Accuracy, 85}));
        QVERIFY(!meetsBound(NAN, {Objective::Latency, 85}));

        store::EvaluationRecord whatIf;
        whatIf.latencySeconds = 0.0015;
        whatIf.accuracy = 0.85;
        QVERIFY(model.dominanceOf(whatIf).joinsFront);
        whatIf.accuracy = 0.60;
        QCOMPARE(model.dominanceOf(whatIf).dominatedBy, 1);
    }

    void exportSetIsCheckableAndSurvivesReload() {
        DesignTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDesigns({evaluated(1, 1, 70), evaluated(2, 2, 80), evaluated(3, 4, 90)});
        QSignalSpy spy(&model, &DesignTableModel::exportSetChanged);
        const QModelIndex cell = model.index(1, DesignTableModel::InExportSetColumn);
        QVERIFY(model.flags(cell) & Qt::ItemIsUserCheckable);
        QVERIFY(model.setData(cell, int(Qt::Checked), Qt::CheckStateRole));
        QCOMPARE(cell.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        model.toggleExportSet({0, 1}); // not all in → all in
        QCOMPARE(model.exportSet().size(), 2);
        model.toggleExportSet({0, 1}); // all in → out
        QCOMPARE(model.exportSet().size(), 0);
        model.setInExportSet({2}, true);
        model.setDesigns({evaluated(3, 4, 90), evaluated(4, 1, 60)});
        QCOMPARE(model.exportSet(), QSet<qint64>{3});
        QVERIFY(spy.count() >= 4);
    }

    // A search streaming trials in: designs appended at the end are inserted rows (no reset,
    // the export set stays) and leave the model exactly as a reset to the whole list would;
    // the earlier rows a new front point outranks are refreshed.
    void appendedDesignsAreInsertedNotReset() {
        const std::vector<store::DesignSummary> first{evaluated(1, 1, 70), evaluated(2, 2, 80), evaluated(3, 4, 90)};
        const std::vector<store::DesignSummary> added{evaluated(4, 0.5, 95), // dominates every earlier design
                                                      evaluated(5, 8, 60)};
        DesignTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        DesignProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.sort(DesignTableModel::ParetoRankColumn);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDesigns(first);
        model.setInExportSet({1}, true);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy fronts(&model, &DesignTableModel::frontChanged);
        model.appendDesigns(added);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserts.count(), 1);
        QCOMPARE(inserts.front().at(1).toInt(), 3);
        QCOMPARE(inserts.front().at(2).toInt(), 4);
        QCOMPARE(changes.count(), 1); // the three earlier ranks moved down one front
        QCOMPARE(fronts.count(), 1);
        QCOMPARE(model.exportSet(), QSet<qint64>{2});

        std::vector<store::DesignSummary> all = first;
        all.insert(all.end(), added.begin(), added.end());
        DesignTableModel fresh;
        fresh.setDesigns(all);
        QCOMPARE(model.paretoRanks(), fresh.paretoRanks());
        QCOMPARE(model.eligible(), fresh.eligible());
        for (Objective o : {Objective::Accuracy, Objective::Latency})
            for (int r = 0; r < 5; ++r) {
                const double a = model.values(o)[std::size_t(r)], b = fresh.values(o)[std::size_t(r)];
                QVERIFY(a == b || (std::isnan(a) && std::isnan(b)));
            }
        for (int r = 0; r < 5; ++r)
            for (int c = 0; c < model.columnCount(); ++c)
                if (c != DesignTableModel::InExportSetColumn)
                    QCOMPARE(model.index(r, c).data(), fresh.index(r, c).data());
        QCOMPARE(proxy.rowCount(), 5);
        QCOMPARE(proxy.index(0, DesignTableModel::NameColumn).data(), QVariant(QStringLiteral("d4")));
        QCOMPARE(model.rowKeys().size(), std::size_t(5));
        QCOMPARE(model.rowKeys()[3].first, qint64(4));
    }

    void rangesFilterRowsAndViews() {
        DesignTableModel model;
        model.setDesigns({evaluated(1, 1, 70), evaluated(2, 2, 80), evaluated(3, 4, 90)});
        DesignProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        QSignalSpy spy(&proxy, &DesignProxyModel::filterChanged);
        proxy.setRange(Objective::Accuracy, std::pair{95.0, 75.0}); // swapped on purpose
        QCOMPARE(proxy.rowCount(), 2);
        QVERIFY(!proxy.acceptsSourceRow(0));
        QCOMPARE(proxy.range(Objective::Accuracy)->lo, 75.0);
        proxy.setRange(Objective::Latency, std::pair{0.0, 3.0});
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setRange(Objective::Latency, std::nullopt);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.clearRanges();
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(spy.count(), 4);
    }

    void provenanceColumnAndTargetFilter() {
        // Three designs: simulated by elector on an elector target, predicted ± 8 % on a "bat"
        // target (a kind a later issue adds), and a lone transformer with an accuracy only.
        store::DesignSummary simulated = evaluated(1, 1, 70);
        simulated.design.targetKind = "elector";
        simulated.latest->costModel = "elector";
        store::DesignSummary predicted = evaluated(2, 2, 80);
        predicted.design.targetKind = "bat";
        predicted.latest->costModel = "bat-surrogate";
        predicted.latest->provenance = store::MetricsProvenance::Predicted;
        predicted.latest->metricsStdDevFraction = 0.08;
        store::DesignSummary model = evaluated(3, 4, 90);
        model.design.kind = store::DesignKind::Transformer;
        model.latest->provenance = store::MetricsProvenance::None;
        DesignTableModel table;
        table.setDesigns({simulated, predicted, model});
        auto cell = [&table](int row, int column) { return table.index(row, column).data().toString(); };
        QCOMPARE(cell(0, DesignTableModel::ProvenanceColumn), QString("simulated (elector)"));
        QCOMPARE(cell(1, DesignTableModel::ProvenanceColumn), QString("predicted ± 8 % (bat-surrogate)"));
        QCOMPARE(cell(2, DesignTableModel::ProvenanceColumn), QString());
        QCOMPARE(cell(1, DesignTableModel::TargetKindColumn), QString("bat"));
        QCOMPARE(table.headerData(DesignTableModel::ProvenanceColumn, Qt::Horizontal).toString(),
                 QString("Metrics from"));
        QVERIFY(provenanceIsFirmNumber(store::MetricsProvenance::Measured));
        QVERIFY(!provenanceIsFirmNumber(store::MetricsProvenance::Predicted));

        DesignProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&table);
        // "elector" alone also matches the cost model; target:elector only the target kind.
        proxy.setFilterText("target:elector");
        QCOMPARE(proxy.rowCount(), 1);
        QVERIFY(proxy.acceptsSourceRow(0));
        proxy.setFilterText("TARGET:Bat");
        QCOMPARE(proxy.rowCount(), 1);
        QVERIFY(proxy.acceptsSourceRow(1));
        proxy.setFilterText("provenance:predicted");
        QCOMPARE(proxy.rowCount(), 1);
        QVERIFY(proxy.acceptsSourceRow(1));
        proxy.setFilterText("target:bat d1"); // both must hold: d1 is an elector design
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterText("simulated");
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterText("");
        QCOMPARE(proxy.rowCount(), 3);
    }

    // Rule 2: ranks, the front, eligibility and a what-if point's dominance are computed on the
    // designs the filter shows; a hidden design is never ranked or counted (Seen 6).
    void frontAndRanksFollowTheFilter() {
        DesignTableModel model;
        model.setDesigns(
            {evaluated(1, 1, 70), evaluated(2, 2, 80), evaluated(3, 4, 90), evaluated(4, 3, 75), evaluated(5, 5, 60)});
        model.setFront(Objective::Latency, Objective::Accuracy, {});
        DesignProxyModel proxy;
        proxy.setSourceModel(&model);
        QCOMPARE(model.paretoRanks(), (std::vector<int>{0, 0, 0, 1, 2}));
        // Hide the 80 % and 90 % designs: the 75 % design (3 ms) joins the front; hidden: not ranked.
        proxy.setRange(Objective::Accuracy, std::pair{0.0, 77.0});
        QCOMPARE(model.paretoRanks(), (std::vector<int>{0, -1, -1, 0, 1}));
        QVERIFY(!model.index(2, 0).data(DesignTableModel::EligibleRole).toBool());
        QCOMPARE(model.index(2, DesignTableModel::ParetoRankColumn).data().toString(), QString("—"));
        QCOMPARE(model.index(3, DesignTableModel::ParetoRankColumn).data().toString(), QString("1"));
        // What a what-if point is dominated by: shown designs only.
        store::EvaluationRecord whatIf;
        whatIf.latencySeconds = 0.0045;
        whatIf.accuracy = 0.85;
        QCOMPARE(model.dominanceOf(whatIf).dominatedBy, 0);
        // The same ranks as the core sort over the shown designs alone, for random filters.
        std::mt19937 rng(5);
        std::vector<store::DesignSummary> many;
        std::uniform_real_distribution<double> u(0, 1);
        for (int i = 0; i < 300; ++i)
            many.push_back(evaluated(i + 1, 0.1 + 10 * u(rng), 60 + 30 * u(rng)));
        model.setDesigns(many);
        for (int round = 0; round < 20; ++round) {
            const double lo = 60 + 30 * u(rng), hi = lo + 15 * u(rng);
            proxy.setRange(Objective::Accuracy, std::pair{lo, hi});
            std::vector<double> x, y;
            std::vector<int> rowOf;
            for (int r = 0; r < model.rowCount(); ++r)
                if (proxy.acceptsSourceRow(r)) {
                    x.push_back(model.values(Objective::Latency)[std::size_t(r)]);
                    y.push_back(model.values(Objective::Accuracy)[std::size_t(r)]);
                    rowOf.push_back(r);
                }
            const auto shownRanks = paretoRanks2D(x, y, {false, true}, std::vector<bool>(x.size(), true));
            for (int r = 0; r < model.rowCount(); ++r) {
                const auto at = std::find(rowOf.begin(), rowOf.end(), r);
                const int expected = at == rowOf.end() ? -1 : shownRanks[std::size_t(at - rowOf.begin())];
                QCOMPARE(model.paretoRanks()[std::size_t(r)], expected);
            }
        }
    }

    void colourScale() {
        ColourScale scale;
        scale.setRange(1, 100, true);
        QCOMPARE(scale.position(10), 0.5);
        QCOMPARE(scale.colour(1), viridis(0));
        QCOMPARE(scale.colour(100), viridis(1));
        QCOMPARE(scale.colour(NAN), ColourScale::missingColour());
        QVERIFY(qRed(viridis(1)) > 240 && qBlue(viridis(0)) > 70); // yellow end, purple start
    }

    void rooflineUnderItsRoofs() {
        const auto pair = tinyOnEdge();
        const TechnologyLibrary tech = electorTechnology14nm();
        const SimResult r = simulate(pair.transformer, pair.target.electorSpec(), tech, SimOptions{});
        const Roofline roof = rooflineOf(r, pair.target.electorSpec(), tech);
        QCOMPARE(roof.peakGflops, 2.0 * double(pair.target.electorSpec().multiplierCount()) * 700e6 / 1e9);
        QVERIFY(roof.bandwidthGBs > 0);
        QCOMPARE(roof.ridgeFlopPerByte, roof.peakGflops / roof.bandwidthGBs);
        int withMacs = 0;
        for (const OpCost& op : r.ops)
            withMacs += op.macs > 0;
        QCOMPARE(int(roof.points.size()), withMacs);
        for (const RooflinePoint& p : roof.points) {
            // Dense-equivalent FLOPs: zero skipping at the default densities lifts ops above the
            // dense roof, by at most 1 / (activation density × weight density) = 4.
            QVERIFY2(p.achievedGflops > 0 && p.achievedGflops <= 4 * roof.peakGflops * (1 + 1e-9), p.name.c_str());
            if (std::isfinite(p.intensityFlopPerByte))
                QVERIFY2(p.achievedGflops <= roof.attainableGflops(p.intensityFlopPerByte) * (1 + 1e-6) ||
                             p.bound != Bound::Memory,
                         p.name.c_str());
        }
        QVERIFY(roof.opsWithoutMainMemory > 0); // the attention ops of BERT-Tiny stay on chip
    }

    // Seen 2: the same design begun again in training mode is costed in training mode (the
    // cost model prepared for inference was reused: inference numbers labelled training).
    void editSessionCostsTheModeItWasBegunIn() {
        const auto pair = tinyOnEdge();
        const TechnologyLibrary tech = electorTechnology14nm();
        EditSession session;
        SimOptions inference;
        session.begin(7, pair, inference, std::nullopt);
        QCOMPARE(*session.startEvaluation().record.latencySeconds,
                 simulate(pair.transformer, pair.target.electorSpec(), tech, inference).latencySeconds());
        SimOptions training;
        training.mode = SimMode::Training;
        session.begin(7, pair, training, std::nullopt);
        const double expected = simulate(pair.transformer, pair.target.electorSpec(), tech, training).latencySeconds();
        QCOMPARE(*session.startEvaluation().record.latencySeconds, expected);
        QCOMPARE(session.startEvaluation().record.mode, std::string("training"));
    }

    void editSessionReevaluatesAndUndoRestores() {
        EditSession session;
        QUndoStack stack;
        const auto pair = tinyOnEdge();
        store::EvaluationRecord stored;
        stored.accuracy = 0.8;
        stored.accuracyStdDev = 0.01;
        stored.accuracySource = store::AccuracySource::Predicted;
        session.begin(7, pair, SimOptions{}, stored);
        QVERIFY(session.isActive());
        const store::EvaluationRecord before = session.currentEvaluation().record;
        QVERIFY(before.latencySeconds && *before.latencySeconds > 0);
        QCOMPARE(before.accuracy, std::optional<double>(0.8));

        QSignalSpy evaluatedSpy(&session, &EditSession::evaluated);
        AcceleratorSpec bigger = pair.target.electorSpec();
        bigger.peCount *= 2;
        stack.push(new AcceleratorEditCommand(&session, pair.target.electorSpec(), bigger, "PEs", 3));
        QCOMPARE(evaluatedSpy.count(), 1);
        QVERIFY(session.isModified());
        const auto after = session.currentEvaluation().record;
        QVERIFY(*after.latencySeconds < *before.latencySeconds);
        QVERIFY(*after.areaMM2 > *before.areaMM2);
        QCOMPARE(after.accuracy, std::optional<double>(0.8)); // same model: same accuracy
        QVERIFY(session.currentEvaluation().evaluationMs < 50);

        AcceleratorSpec biggest = bigger;
        biggest.peCount *= 2;
        stack.push(new AcceleratorEditCommand(&session, bigger, biggest, "PEs", 3));
        QCOMPARE(stack.count(), 1); // merged: one undo step
        stack.undo();
        QCOMPARE(session.currentEvaluation().record, before);
        QVERIFY(!session.isModified());
        stack.redo();
        QCOMPARE(session.current().target.electorSpec().peCount, pair.target.electorSpec().peCount * 4);

        // A changed model: the stored accuracy no longer applies; no predictor → said so.
        TransformerSpec deeper = pair.transformer;
        deeper.layers.push_back(deeper.layers.back());
        session.setTransformer(deeper);
        QVERIFY(!session.currentEvaluation().record.accuracy);
        QVERIFY(session.currentEvaluation().accuracyNote.contains("not yet predicted"));
        session.setAccuracyPredictor(
            [](const TransformerSpec& m) {
                return AccuracyPrediction{0.5 + 0.01 * m.layerCount(), 0.02, "test"};
            },
            "a test predictor");
        QCOMPARE(session.currentEvaluation().record.accuracy, std::optional<double>(0.53));
        QCOMPARE(session.currentEvaluation().record.accuracySource, store::AccuracySource::Predicted);

        // A malformed design is reported, not simulated.
        AcceleratorSpec broken = session.current().target.electorSpec();
        broken.peCount = 0;
        session.setAccelerator(broken);
        QVERIFY(!session.currentEvaluation().simulated);
        QVERIFY(!session.currentEvaluation().errors.empty());
        QCOMPARE(session.currentEvaluation().errors.front().path.rfind("accelerator.", 0), std::size_t(0));
        session.end();
        QVERIFY(!session.isActive());
    }

    void simOptionsFromStoredEvaluations() {
        store::EvaluationRecord e;
        e.mode = "training";
        e.costModel = "acceltran-fast";
        e.optionsJson = R"({"task":{"sequenceLength":64,"vocabularySize":0,"numClasses":10,"patchInputSize":49},)"
                        R"("sparsity":"scalars 0.5/0.5/0.9"})";
        const SimOptions o = io::simOptionsOf(e);
        QCOMPARE(o.mode, SimMode::Training);
        QCOMPARE(o.costModel, CostModelKind::AcceltranFast);
        QCOMPARE(o.task.sequenceLength, 64);
        QCOMPARE(o.task.patchInputSize, 49);
        QCOMPARE(io::simOptionsOf(io::evaluationRecordOf(SimResult{}, o)).task, o.task);
    }

    void layerTableEditsAsWholeSpecs() {
        LayerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSpec(tinyOnEdge().transformer);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, LayerTableModel::HeadsColumn).data().toString(), QString("2×sa_sdp"));
        QSignalSpy requested(&model, &LayerTableModel::editRequested);
        QSignalSpy rejected(&model, &LayerTableModel::editRejected);
        QVERIFY(model.setData(model.index(1, LayerTableModel::HeadsColumn), "2x c_9, sa_sdp"));
        QCOMPARE(requested.count(), 1);
        const auto spec = requested.at(0).at(0).value<TransformerSpec>();
        QCOMPARE(int(spec.layers[1].heads.size()), 3);
        QCOMPARE(spec.layers[1].heads[0].dim, 128 / 3);
        QCOMPARE(model.spec().layers[1].heads.size(), std::size_t(2)); // unchanged until applied
        model.setSpec(spec);
        QCOMPARE(model.index(1, LayerTableModel::HeadsColumn).data().toString(), QString("1×sa_sdp, 2×c_9"));
        QVERIFY(!model.setData(model.index(0, LayerTableModel::FeedForwardColumn), "512, -3"));
        QVERIFY(!model.setData(model.index(0, LayerTableModel::HeadsColumn), "2×attention"));
        QCOMPARE(rejected.count(), 2);
        QVERIFY(model.setData(model.index(0, LayerTableModel::HiddenColumn), 256));
        QCOMPARE(requested.last().at(0).value<TransformerSpec>().layers[0].heads[0].dim, 128);
        QCOMPARE(*parseFeedForward("1024 512", nullptr), (std::vector<int>{1024, 512}));
        model.setSpec(TransformerSpec{});
        QCOMPARE(model.rowCount(), 0);
    }

    void opTableAndKindTotals() {
        const auto pair = tinyOnEdge();
        SimOptions training;
        training.mode = SimMode::Training;
        const SimResult r = simulate(pair.transformer, pair.target.electorSpec(), electorTechnology14nm(), training);
        OpTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOps(r.ops);
        QCOMPARE(model.rowCount(), int(r.ops.size()));
        double total = 0;
        for (const auto& row : cyclesByKind(r.ops))
            total += row.total();
        QCOMPARE(total, double(r.cycles));
        double phases = 0;
        for (const auto& row : cyclesByKind(r.ops))
            phases += row.cycles[std::size_t(Phase::Backward)];
        QCOMPARE(phases, double(r.cyclesByPhase[std::size_t(Phase::Backward)]));
    }

    // The search stores pairs in its own writer's text; the explorer's canonical text is the same.
    void canonicalPairTextMatchesTheSearch() {
        const auto pair = tinyOnEdge();
        QCOMPARE(io::canonicalJson(pair), io::pairJson(pair.transformer, pair.target.electorSpec(), pair.name));
    }

    void exportedDesignsReimportIdentically() {
        std::vector<ExportedDesign> designs;
        std::mt19937_64 rng(3);
        for (int i = 0; i < 5; ++i) {
            TransformerSpec m = flexibert2Space().sample(rng);
            m.name = "m" + std::to_string(i);
            AcceleratorSpec a = electorSpace().sample(rng);
            a.name = "a" + std::to_string(i);
            ExportedDesign d;
            d.design.id = i + 1;
            d.design.name = "pair " + std::to_string(i) + (i == 2 ? ", with \"quotes\"" : "");
            d.design.kind = store::DesignKind::Pair;
            d.design.specJson = io::pairJson(m, a, d.design.name);
            store::EvaluationRecord e;
            e.latencySeconds = 0.001 * (i + 1);
            e.accuracy = 0.7;
            d.latest = e;
            designs.push_back(d);
        }
        QTemporaryDir dir;
        // CSV
        QStringList errors;
        const auto fromCsv = designsFromCsv(designsCsv(designs), "designs.csv", &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
        QCOMPARE(fromCsv.size(), designs.size());
        for (std::size_t i = 0; i < designs.size(); ++i) {
            QCOMPARE(fromCsv[i].specJson, designs[i].design.specJson);
            QCOMPARE(fromCsv[i].name, designs[i].design.name);
        }
        // JSON files
        QString error;
        const auto json = writeDesignJsonFiles(designs, dir.path(), &error);
        QVERIFY2(json, qPrintable(error));
        QCOMPARE(json->size(), int(designs.size()));
        for (int i = 0; i < json->size(); ++i) {
            QFile file(json->at(i));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const auto read = canonicalDesign(file.readAll().toStdString(), json->at(i), &error);
            QVERIFY2(read, qPrintable(error));
            QCOMPARE(read->specJson, designs[std::size_t(i)].design.specJson);
        }
        // Reference files
        const auto reference = writeReferenceFiles(designs, dir.filePath("reference"), &error);
        QVERIFY2(reference, qPrintable(error));
        QCOMPARE(reference->size(), 2 * int(designs.size()));
        for (int i = 0; i < int(designs.size()); ++i) {
            const auto pair =
                io::loadReferencePair(reference->at(2 * i).toStdString(), reference->at(2 * i + 1).toStdString());
            QVERIFY2(pair, pair.errors.toString().c_str());
            auto expected = std::get<io::CodesignPair>(
                *io::parseDocument(designs[std::size_t(i)].design.specJson, io::Syntax::Json, "x").value);
            QCOMPARE(pair->transformer, expected.transformer);
            QCOMPARE(pair->target.electorSpec(), expected.target.electorSpec());
        }
        QStringList taken;
        QCOMPARE(exportFileStem("a/b c", taken), QString("a_b_c"));
        QCOMPARE(exportFileStem("a/b c", taken), QString("a_b_c-2"));
    }

    // Issue 19, Seen 4: a number past double's range in an imported CSV's spec ended the
    // program (an uncaught json out_of_range); it is a message naming the file and the row.
    void csvImportOfAnOutOfRangeNumberIsAMessage() {
        ExportedDesign d;
        d.design.id = 1;
        d.design.name = "tiny";
        d.design.kind = store::DesignKind::Pair;
        std::mt19937_64 rng(5);
        TransformerSpec m = flexibert2Space().sample(rng);
        m.name = "m";
        AcceleratorSpec a = electorSpace().sample(rng);
        a.name = "a";
        d.design.specJson = io::pairJson(m, a, d.design.name);
        QString csv = designsCsv({d});
        const qsizetype at = csv.indexOf("\"\"peCount\"\":");
        QVERIFY(at > 0);
        const qsizetype number = at + QString("\"\"peCount\"\":").size();
        qsizetype end = number;
        while (end < csv.size() && (csv[end].isDigit() || csv[end] == ' '))
            ++end;
        csv.replace(number, end - number, "1E610");
        QStringList errors;
        const auto read = designsFromCsv(csv, "designs.csv", &errors);
        QVERIFY(read.empty());
        QVERIFY2(errors.size() == 1 && errors.front().contains("designs.csv") && errors.front().contains("range"),
                 qPrintable(errors.join('\n')));
    }
};

QTEST_MAIN(TestExplorerModels)
#include "test_explorer_models.moc"
