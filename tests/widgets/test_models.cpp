// Item models of widgets/models: QAbstractItemModelTester on each, sorting and filtering of
// the design table, selection linking, explorer settings persistence, CSV export.
#include "../support/settings_sandbox.h"
#include "models/axis_ticks.h"
#include "models/colour_map.h"
#include "models/csv_export.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/explorer_settings.h"
#include "models/explorer_state.h"
#include "models/log_model.h"
#include "models/selection_link.h"
#include "models/workspace_tree_model.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include <cmath>
#include <random>

using namespace tcw;
using namespace tcw::models;

namespace {
store::DesignSummary summary(std::int64_t id, const std::string& name, store::DesignKind kind,
                             std::optional<double> latencySeconds, std::optional<double> accuracy = std::nullopt) {
    store::DesignSummary s;
    s.design.id = id;
    s.design.name = name;
    s.design.kind = kind;
    s.design.hash = std::string(64, 'a');
    s.design.createdAt = "2024-05-01T10:00:00.000Z";
    if (latencySeconds || accuracy) {
        store::EvaluationRecord e;
        e.id = id * 10;
        e.designId = id;
        e.latencySeconds = latencySeconds;
        e.energyDynamicNJ = 2e6;
        e.energyLeakageNJ = 1e6;
        e.areaMM2 = 100.0 + double(id);
        e.accuracy = accuracy;
        e.accuracySource = accuracy ? store::AccuracySource::Predicted : store::AccuracySource::None;
        s.latest = e;
    }
    return s;
}

std::vector<store::DesignSummary> sampleDesigns() {
    return {summary(1, "bert-tiny on edge", store::DesignKind::Pair, 0.004, 0.78),
            summary(2, "bert-base", store::DesignKind::Transformer, std::nullopt),
            summary(3, "bert-mini on server", store::DesignKind::Pair, 0.001, 0.81),
            summary(4, "edge", store::DesignKind::Accelerator, std::nullopt),
            summary(5, "bert-small on edge", store::DesignKind::Pair, 0.009, 0.84)};
}

QStringList column(const QAbstractItemModel& model, int c, int role = Qt::DisplayRole) {
    QStringList values;
    for (int r = 0; r < model.rowCount(); ++r)
        values << model.index(r, c).data(role).toString();
    return values;
}
} // namespace

class TestModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void designTableModelPassesTester();
    void designTableShowsUnitsAndProvenance();
    void proxySortsMissingValuesLast_data();
    void proxySortsMissingValuesLast();
    void proxyFiltersByWords();
    void selectionLinkMirrorsBothWays();
    void workspaceTreeModelPassesTester();
    void workspaceTreeGrowsLikeARebuild();
    void logModelPassesTesterAndCaps();
    void explorerSettingsSignalAndPersist();
    void csvExportQuotesAndUsesFullPrecision();
    void tickLabelsAreTheTickValues();
    void explorerStateRefreshesItsDependentsInOrder();
    void darkThemeKeepsTheFrontAndDarkestPointsVisible();

private:
    QTemporaryDir m_settingsDir;
};

void TestModels::initTestCase() {
    QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_models")));
}

void TestModels::designTableModelPassesTester() {
    DesignTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDesigns(sampleDesigns());
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), int(DesignTableModel::ColumnCount));
    QCOMPARE(model.evaluatedCount(), 3);
    QCOMPARE(model.rowOfDesign(3), 2);
    QCOMPARE(model.rowOfDesign(99), -1);
    model.setDesigns({});
    QCOMPARE(model.rowCount(), 0);
    model.setDesigns(sampleDesigns());

    DesignProxyModel proxy;
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&model);
    proxy.sort(DesignTableModel::LatencyColumn);
    proxy.setFilterText(QStringLiteral("edge"));
    proxy.setFilterText({});
}

void TestModels::designTableShowsUnitsAndProvenance() {
    DesignTableModel model;
    model.setDesigns(sampleDesigns());
    QCOMPARE(model.headerData(DesignTableModel::LatencyColumn, Qt::Horizontal).toString(),
             QStringLiteral("Latency (ms)"));
    QCOMPARE(model.headerData(DesignTableModel::AreaColumn, Qt::Horizontal).toString(), QStringLiteral("Area (mm²)"));
    QVERIFY(!model.headerData(DesignTableModel::AccuracyColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    const QModelIndex latency = model.index(0, DesignTableModel::LatencyColumn);
    QCOMPARE(latency.data(DesignTableModel::SortRole).toDouble(), 4.0); // seconds → ms
    QCOMPARE(model.index(0, DesignTableModel::EnergyColumn).data(DesignTableModel::SortRole).toDouble(), 3.0); // mJ
    QCOMPARE(model.index(0, DesignTableModel::AccuracyColumn).data(DesignTableModel::SortRole).toDouble(), 78.0);
    // A predicted accuracy is set in italics and says so in its tooltip.
    QVERIFY(model.index(0, DesignTableModel::AccuracyColumn).data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(model.index(0, DesignTableModel::AccuracyColumn).data(Qt::ToolTipRole).toString().contains("predicted"));
    // Not evaluated: a dash, and NaN for sorting.
    QCOMPARE(model.index(1, DesignTableModel::LatencyColumn).data().toString(), QStringLiteral("—"));
    QVERIFY(std::isnan(model.index(1, DesignTableModel::LatencyColumn).data(DesignTableModel::SortRole).toDouble()));
    QCOMPARE(model.index(1, DesignTableModel::KindColumn).data().toString(), QStringLiteral("Transformer"));
    QCOMPARE(model.index(0, DesignTableModel::KindColumn).data().toString(), QStringLiteral("Co-design"));
    QCOMPARE(model.index(2, 0).data(DesignTableModel::DesignIdRole).toLongLong(), qint64(3));
}

void TestModels::proxySortsMissingValuesLast_data() {
    QTest::addColumn<int>("order");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("ascending") << int(Qt::AscendingOrder)
                               << QStringList{"bert-mini on server", "bert-tiny on edge", "bert-small on edge",
                                              "bert-base", "edge"};
    QTest::newRow("descending") << int(Qt::DescendingOrder)
                                << QStringList{"bert-small on edge", "bert-tiny on edge", "bert-mini on server",
                                               "bert-base", "edge"};
}

void TestModels::proxySortsMissingValuesLast() {
    QFETCH(int, order);
    QFETCH(QStringList, expected);
    DesignTableModel model;
    model.setDesigns(sampleDesigns());
    DesignProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(DesignTableModel::LatencyColumn, Qt::SortOrder(order));
    QCOMPARE(column(proxy, DesignTableModel::NameColumn), expected);
}

void TestModels::proxyFiltersByWords() {
    DesignTableModel model;
    model.setDesigns(sampleDesigns());
    DesignProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setFilterText(QStringLiteral("EDGE"));
    QCOMPARE(proxy.rowCount(), 3); // two co-designs on edge and the accelerator itself
    proxy.setFilterText(QStringLiteral("edge co-design"));
    QCOMPARE(proxy.rowCount(), 2); // every word must match
    proxy.setFilterText(QStringLiteral("transformer"));
    QCOMPARE(column(proxy, DesignTableModel::NameColumn), QStringList{"bert-base"});
    proxy.setFilterText(QStringLiteral("  "));
    QCOMPARE(proxy.rowCount(), 5);
}

void TestModels::selectionLinkMirrorsBothWays() {
    DesignTableModel model;
    model.setDesigns(sampleDesigns());
    QItemSelectionModel shared(&model);
    DesignProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(DesignTableModel::NameColumn, Qt::DescendingOrder);
    QItemSelectionModel viewSelection(&proxy);
    SelectionLink link(&shared, &viewSelection);

    // The view selects its first row (sorted by name, descending: "edge").
    viewSelection.setCurrentIndex(proxy.index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(shared.currentIndex().data(DesignTableModel::DesignIdRole).toLongLong(), qint64(4));
    QVERIFY(shared.isRowSelected(3, {}));

    // The shared selection moves: the view follows, at the row where the design is sorted.
    shared.setCurrentIndex(model.index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(viewSelection.currentIndex().data().toString(), QStringLiteral("bert-tiny on edge"));
    QCOMPARE(viewSelection.selectedRows().size(), 1);
}

void TestModels::workspaceTreeModelPassesTester() {
    WorkspaceTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkspaceTreeContent content;
    content.designs = {{1, "bert-tiny on edge", {}, store::DesignKind::Pair},
                       {2, "bert-base", {}, store::DesignKind::Transformer},
                       {4, "edge", {}, store::DesignKind::Accelerator}};
    content.searches = {{7, "boshcode 1", "boshcode search, running"}};
    content.presetModels = {{"bert-tiny", "/data/presets/models/bert-tiny.json"}};
    model.setContent(content);
    QCOMPARE(model.rowCount(), 4); // designs, searches, training runs, presets
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Designs (3)"));
    QCOMPARE(model.rowCount(model.index(0, 0)), 3); // co-designs, transformers, accelerators

    const QModelIndex edge = model.indexOfDesign(4);
    QVERIFY(edge.isValid());
    QCOMPARE(edge.data().toString(), QStringLiteral("edge"));
    QCOMPARE(edge.parent().data().toString(), QStringLiteral("Accelerators (1)"));
    QCOMPARE(WorkspaceTreeModel::NodeType(edge.data(WorkspaceTreeModel::NodeTypeRole).toInt()),
             WorkspaceTreeModel::NodeType::Design);
    QVERIFY(!model.indexOfDesign(99).isValid());

    const QModelIndex presets = model.index(3, 0);
    const QModelIndex preset = model.index(0, 0, model.index(0, 0, presets));
    QCOMPARE(preset.data(WorkspaceTreeModel::FilePathRole).toString(),
             QStringLiteral("/data/presets/models/bert-tiny.json"));
    model.setContent({});
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Designs (0)"));
}

// Designs streamed in (appendDesigns) give the tree a rebuild with the whole content would:
// the same nodes, texts and tooltips; the searches and runs lists are replaced.
void TestModels::workspaceTreeGrowsLikeARebuild() {
    WorkspaceTreeContent start;
    start.designs = {{1, "pair 1", "· evaluated", store::DesignKind::Pair},
                     {2, "bert-base", {}, store::DesignKind::Transformer}};
    start.searches = {{7, "search 1", "nsga2 search, running"}};
    const QList<WorkspaceTreeContent::Item> added = {{3, "pair 3", "· evaluated", store::DesignKind::Pair},
                                                     {4, "edge", {}, store::DesignKind::Accelerator},
                                                     {5, "pair 5", "· infeasible", store::DesignKind::Pair}};
    WorkspaceTreeContent whole = start;
    whole.designs += added;
    whole.searches = {{7, "search 1", "nsga2 search, finished"}};
    whole.trainingRuns = {{9, "run 1", "Training on listops, finished"}};

    WorkspaceTreeModel grown;
    QAbstractItemModelTester tester(&grown, QAbstractItemModelTester::FailureReportingMode::QtTest);
    grown.setContent(start);
    QSignalSpy resets(&grown, &QAbstractItemModel::modelReset);
    grown.appendDesigns(added, whole.searches, whole.trainingRuns);
    QCOMPARE(resets.count(), 0);
    WorkspaceTreeModel rebuilt;
    rebuilt.setContent(whole);

    std::function<void(const QModelIndex&, const QModelIndex&)> same = [&](const QModelIndex& a, const QModelIndex& b) {
        QCOMPARE(grown.rowCount(a), rebuilt.rowCount(b));
        for (int r = 0; r < grown.rowCount(a); ++r) {
            const QModelIndex x = grown.index(r, 0, a), y = rebuilt.index(r, 0, b);
            QCOMPARE(x.data().toString(), y.data().toString());
            QCOMPARE(x.data(Qt::ToolTipRole).toString(), y.data(Qt::ToolTipRole).toString());
            QCOMPARE(x.data(WorkspaceTreeModel::ItemIdRole), y.data(WorkspaceTreeModel::ItemIdRole));
            same(x, y);
        }
    };
    same({}, {});
    QCOMPARE(grown.index(0, 0).data().toString(), QStringLiteral("Designs (5)"));
    QCOMPARE(grown.indexOfDesign(5).parent().data().toString(), QStringLiteral("Co-designs (3)"));
}

void TestModels::logModelPassesTesterAndCaps() {
    LogModel model(nullptr, 20);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 45; ++i)
        model.append({QDateTime::currentDateTime(), i % 3 == 0 ? QtWarningMsg : QtInfoMsg, "tcw.test",
                      QStringLiteral("message %1").arg(i)});
    QVERIFY(model.rowCount() <= 20);
    QCOMPARE(model.index(model.rowCount() - 1, LogModel::MessageColumn).data().toString(),
             QStringLiteral("message 44"));
    QCOMPARE(model.index(0, LogModel::LevelColumn).data(LogModel::TypeRole).toInt(), int(model.entry(0).type));
    QVERIFY(model.toPlainText().contains("tcw.test: message 44"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestModels::explorerSettingsSignalAndPersist() {
    ExplorerSettings settings;
    QSignalSpy changed(&settings, &ExplorerSettings::changed);
    QSignalSpy xChanged(&settings, &ExplorerSettings::xObjectiveChanged);
    QSignalSpy modeChanged(&settings, &ExplorerSettings::modeChanged);
    settings.setXObjective(Objective::Area);
    settings.setXObjective(Objective::Area); // no change, no signal
    settings.setMode(SimMode::Training);
    settings.setColourObjective(Objective::PeakPower);
    settings.setFilterText(QStringLiteral("bert"));
    QCOMPARE(xChanged.count(), 1);
    QCOMPARE(modeChanged.count(), 1);
    QCOMPARE(changed.count(), 4);
    QCOMPARE(settings.summary(),
             QStringLiteral("x: Area (mm²) · y: Accuracy (%) · colour: Peak power (mW) · training"));

    QSettings store;
    settings.save(store);
    ExplorerSettings loaded;
    loaded.load(store);
    ExplorerChoice expected = settings.choice();
    expected.filterText.clear(); // the filter is deliberately not kept
    QCOMPARE(loaded.choice(), expected);

    // Unknown values in the file keep the defaults.
    store.setValue("explorer/x", "no-such-objective");
    store.setValue("explorer/mode", "sideways");
    ExplorerSettings fallback;
    fallback.load(store);
    QCOMPARE(fallback.xObjective(), ExplorerChoice{}.x);
    QCOMPARE(fallback.mode(), SimMode::Inference);
}

void TestModels::csvExportQuotesAndUsesFullPrecision() {
    QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
    QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
    QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
    QCOMPARE(csvField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));

    DesignTableModel model;
    auto designs = sampleDesigns();
    designs[0].design.name = "tiny, on edge";
    designs[0].latest->latencySeconds = 0.00125;
    model.setDesigns(designs);
    const QStringList lines = modelToCsv(model, DesignTableModel::ExportRole).split(QStringLiteral("\r\n"));
    QCOMPARE(lines.size(), 1 + 5 + 1); // header, rows, the empty string after the last CRLF
    QVERIFY(lines[0].startsWith(QStringLiteral("Name,Kind,Accuracy (%),Latency (ms)")));
    QVERIFY2(lines[1].startsWith(QStringLiteral("\"tiny, on edge\",Co-design,78,1.25,")), qPrintable(lines[1]));
    QVERIFY2(lines[2].startsWith(QStringLiteral("bert-base,Transformer,,,")), qPrintable(lines[2])); // missing: empty
}

// Seen 3: every axis's ticks come from axisTicks(); each label, read back as a number, is the
// tick's value (82.5 never reads "83"), labels are distinct, ticks lie in the range. Random
// linear and logarithmic ranges over many decades, fixed seed.
void TestModels::tickLabelsAreTheTickValues() {
    QCOMPARE(models::tickLabel(82.5, 2.5), QStringLiteral("82.5"));
    QCOMPARE(models::tickLabel(0.25, 0.25), QStringLiteral("0.25"));
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> unit(0, 1);
    auto parse = [](const QString& label) {
        bool ok = false;
        double v = QLocale().toDouble(label, &ok);
        if (!ok)
            v = label.toDouble(&ok);
        return ok ? v : std::numeric_limits<double>::quiet_NaN();
    };
    int checked = 0;
    for (int round = 0; round < 4000; ++round) {
        models::AxisScale scale;
        scale.logarithmic = round % 4 == 3;
        if (scale.logarithmic) {
            scale.lo = std::pow(10.0, -9 + 15 * unit(rng));
            scale.hi = scale.lo * std::pow(10.0, 0.05 + 6 * unit(rng));
        } else {
            const double span = std::pow(10.0, -7 + 14 * unit(rng));
            scale.lo = (unit(rng) - 0.5) * span * std::pow(10.0, 3 * unit(rng));
            scale.hi = scale.lo + span;
        }
        const int maxTicks = 3 + int(unit(rng) * 8);
        const auto ticks = models::axisTicks(scale, maxTicks);
        QSet<QString> labels;
        for (std::size_t i = 0; i < ticks.size(); ++i) {
            const models::AxisTick& t = ticks[i];
            // The step to a neighbouring tick (the range's span when the axis has a single tick).
            const double gap = ticks.size() < 2       ? scale.hi - scale.lo
                               : i + 1 < ticks.size() ? ticks[i + 1].value - t.value
                                                      : t.value - ticks[i - 1].value;
            const double parsed = parse(t.label);
            QVERIFY2(std::abs(parsed - t.value) <= 1e-9 * std::max(std::abs(t.value), std::abs(gap)),
                     qPrintable(QStringLiteral("[%1, %2]%3: tick %4 labelled %5")
                                    .arg(scale.lo, 0, 'g', 17)
                                    .arg(scale.hi, 0, 'g', 17)
                                    .arg(scale.logarithmic ? " log" : "")
                                    .arg(t.value, 0, 'g', 17)
                                    .arg(t.label)));
            QVERIFY(t.value >= scale.lo - 1e-9 * std::abs(gap) && t.value <= scale.hi + 1e-9 * std::abs(gap));
            QVERIFY2(!labels.contains(t.label), qPrintable(t.label));
            labels.insert(t.label);
            ++checked;
        }
    }
    QVERIFY(checked > 10000);
}

// The one broadcast of the explorer's state: a change reaches every dependent of that aspect
// once, in the order they subscribed; a change made by a dependent follows after; stale
// dependents are named.
void TestModels::explorerStateRefreshesItsDependentsInOrder() {
    models::ExplorerState state;
    QStringList calls;
    std::optional<models::ExplorerContext> detailShows;
    state.subscribe({QStringLiteral("first"), models::ExplorerState::Selection,
                     [&](const models::ExplorerContext& now) {
                         calls << QStringLiteral("first %1").arg(now.designId.value_or(-1));
                         if (now.designId == 7)
                             state.setDesign(std::nullopt); // a hidden design leaves the selection
                     },
                     [] { return std::optional<models::ExplorerContext>(); }});
    state.subscribe({QStringLiteral("detail"), models::ExplorerState::Selection | models::ExplorerState::Workspace,
                     [&](const models::ExplorerContext& now) {
                         calls << QStringLiteral("detail %1").arg(now.designId.value_or(-1));
                         detailShows = now;
                     },
                     [&] { return detailShows; }});
    QSignalSpy changed(&state, &models::ExplorerState::changed);
    state.setWorkspaceOpen(true);
    QCOMPARE(calls, QStringList({"first -1", "detail -1"}));
    calls.clear();
    state.setDesign(7);
    QCOMPARE(calls, QStringList({"first 7", "detail 7", "first -1", "detail -1"}));
    QCOMPARE(changed.count(), 3);
    QVERIFY(state.staleDependents().isEmpty());
    calls.clear();
    state.setMode(SimMode::Training); // nobody depends on the mode here
    QVERIFY(calls.isEmpty());
    state.setDesign(3);
    detailShows->designId = 4; // a view that kept another design
    QCOMPARE(state.staleDependents().size(), 1);
    QVERIFY(state.staleDependents().front().startsWith(QLatin1String("detail: ")));
    const quint64 before = state.context().workspace;
    state.setWorkspaceOpen(true);
    QVERIFY(state.context().workspace != before);
    QCOMPARE(state.context().designId, std::nullopt);
}

// WCAG's contrast ratio of two colours (1 to 21).
static double contrast(const QColor& a, const QColor& b) {
    auto luminance = [](const QColor& c) {
        auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Issue 18 (Charts): on the dark theme's plot background the front's line and outlines are
// light, and the lowest colour of the scale is lifted off viridis' near-black purple, which the
// background swallowed (contrast 1.1); the colour bar shows the same colours as the points.
void TestModels::darkThemeKeepsTheFrontAndDarkestPointsVisible() {
    const QColor dark = models::palette::dark().color(QPalette::Base);
    const QColor light(255, 255, 255);
    QVERIFY(models::palette::isDark(dark) && !models::palette::isDark(light));
    QVERIFY(contrast(models::palette::front(dark), dark) >= 7);
    QVERIFY(contrast(models::palette::front(light), light) >= 7);
    QVERIFY(contrast(QColor::fromRgb(models::viridis(0)), dark) < 1.5); // why the floor is needed
    models::ColourScale scale;
    scale.setRange(0, 10, false);
    scale.setFloor(0.25);
    QVERIFY2(contrast(QColor::fromRgb(scale.colour(0)), dark) >= 2,
             qPrintable(QString::number(contrast(QColor::fromRgb(scale.colour(0)), dark))));
    QCOMPARE(scale.colour(0), scale.unitColour(0));
    QCOMPARE(scale.colour(10), scale.unitColour(1));
    QCOMPARE(scale.colour(10), models::viridis(1));
}

QTEST_MAIN(TestModels)
#include "test_models.moc"
