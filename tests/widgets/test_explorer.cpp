// The explorer in the window (offscreen): a click on a plotted point selects its table row and
// a table row selects its point; brushing the parallel coordinates filters the table; editing
// an accelerator parameter changes the metrics and moves the what-if point, undo restores
// them; saving adds the edited design; designs exported as JSON, CSV and reference files
// import back as identical designs; plots export to PNG, SVG and PDF files that open; the
// live models pass QAbstractItemModelTester while all this happens. The two rules of GUI.md:
// every view that depends on the workspace, the cost mode, the filter or the selection shows
// the state of now after any of them changes, and a design the filter hides is never selected.
#include "design_import.h"
#include "edit_controller.h"
#include "editors/accelerator_editor.h"
#include "editors/parameter_field.h"
#include "editors/transformer_editor.h"
#include "editors/what_if_summary.h"
#include "export_actions.h"
#include "main_window.h"
#include "models/design_export.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/design_traits.h"
#include "models/edit_session.h"
#include "models/explorer_settings.h"
#include "models/explorer_state.h"
#include "models/layer_table_model.h"
#include "models/op_table_model.h"
#include "models/workspace_tree_model.h"
#include "panels/control_highlight.h"
#include "panels/design_detail_panel.h"
#include "panels/search_panel.h"
#include "panels/training_panel.h"
#include "plots/parallel_coordinates.h"
#include "plots/pareto_plot_view.h"
#include "plots/plot_widget.h"
#include "plots/scatter_plot.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"
#include "design/design_space.h"
#include "io/files.h"
#include "io/formats.h"
#include "sim/cost_model.h"
#include "store/workspace.h"

#include "io/record_json.h"
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFormLayout>
#include <QHelpEvent>
#include <QImage>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QToolTip>
#include <QUndoGroup>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <QLabel>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tcw;
using tcw::app::MainWindow;

namespace {
// A workspace of sampled FlexiBERT 2.0 × ELECTOR co-designs, simulated for real, with made-up
// predicted accuracies.
// predictedEvery > 0: every so many pairs' hardware metrics are stored as predicted (± 5 %).
void makeExplorerWorkspace(const QString& path, int pairs, int predictedEvery = 0, unsigned seed = 11,
                           const std::string& prefix = "pair ") {
    store::Workspace ws = store::Workspace::create(std::filesystem::path(path.toStdString()));
    std::mt19937_64 rng(seed);
    const TechnologyLibrary tech = electorTechnology14nm();
    ws.transaction([&] {
        for (int i = 0; i < pairs; ++i) {
            TransformerSpec model = flexibert2Space().sample(rng);
            model.name = "m" + std::to_string(i);
            AcceleratorSpec accelerator = electorSpace().sample(rng);
            accelerator.name = "a" + std::to_string(i);
            const io::CodesignPair pair{prefix + std::to_string(i), model, accelerator};
            const auto id = ws.addDesign(pair.name, store::DesignKind::Pair, io::canonicalJson(pair));
            SimOptions options;
            options.opBreakdown = false;
            store::EvaluationRecord e = io::evaluationRecordOf(simulate(model, accelerator, tech, options), options);
            e.designId = id;
            e.accuracy = 0.70 + 0.1 * double(i % 17) / 17.0;
            e.accuracyStdDev = 0.02;
            e.accuracySource = store::AccuracySource::Predicted;
            if (predictedEvery > 0 && i % predictedEvery == 0) {
                e.provenance = store::MetricsProvenance::Predicted;
                e.metricsStdDevFraction = 0.05;
            }
            ws.addEvaluation(e);
        }
    });
}

bool waitForOpen(app::WorkspaceController* controller) {
    QSignalSpy opened(controller, &app::WorkspaceController::workspaceOpened);
    return opened.wait(10000);
}

// The window shown, not interactive (no dialogs), with the workspace at `path` opened.
bool showWithWorkspace(MainWindow& window, const QString& path) {
    window.setInteractive(false);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.controller()->openWorkspace(path);
    return waitForOpen(window.controller());
}

QByteArray readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A plotted point that the mouse can hit: the point pointAt() finds at its own position.
int clickablePoint(const widgets::ScatterPlot* plot, int skip = 0) {
    for (int i = 0; i < int(plot->data().x.size()); ++i) {
        if (!(plot->data().flags[std::size_t(i)] & widgets::ScatterPlot::Visible))
            continue;
        const QPointF at = plot->positionOf(i);
        if (plot->plotRect().contains(at) && plot->pointAt(at) == i && skip-- == 0)
            return i;
    }
    return -1;
}
} // namespace

class TestExplorer : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_explorer")));
        m_path = m_dir.filePath("explorer.tcw");
        makeExplorerWorkspace(m_path, 80);
        // Another workspace whose design ids name other designs.
        m_otherPath = m_dir.filePath("other.tcw");
        makeExplorerWorkspace(m_otherPath, 60, 0, 12, "other ");
    }
    void init() { QSettings().clear(); }

    void predictedMetricsAreHollowAndFilterable() {
        const QString path = m_dir.filePath("provenance.tcw");
        makeExplorerWorkspace(path, 24, 4); // pairs 0, 4, 8, … predicted
        MainWindow window;
        QVERIFY(showWithWorkspace(window, path));
        QVERIFY(window.showView(QStringLiteral("pareto")));
        const widgets::ScatterPlot* plot = window.paretoView()->plot();
        const auto* model = window.controller()->designModel();
        QCOMPARE(int(plot->data().flags.size()), 24);
        int hollow = 0, predictedRow = -1;
        for (int row = 0; row < 24; ++row) {
            const std::string& name = model->designAt(row)->design.name; // "pair N"
            const bool predicted = std::stoi(name.substr(5)) % 4 == 0;
            QCOMPARE(bool(plot->data().flags[std::size_t(row)] & widgets::ScatterPlot::Predicted), predicted);
            hollow += predicted;
            if (predicted)
                predictedRow = row;
            QCOMPARE(model->designAt(row)->design.targetKind, std::string("elector"));
        }
        QCOMPARE(hollow, 6);
        // The detail of a predicted design says so.
        window.controller()->selectDesign(model->designAt(predictedRow)->design.id);
        auto detailSays = [&window](const QString& text) {
            for (const QLabel* label : window.findChildren<QLabel*>())
                if (label->text() == text)
                    return true;
            return false;
        };
        QTRY_VERIFY(detailSays(QStringLiteral("predicted ± 5 % (elector)")));
        // The table says where the numbers come from, and the filter picks them out.
        auto* table = window.findChild<QTableView*>("designTable");
        auto* proxy = static_cast<models::DesignProxyModel*>(table->model());
        proxy->setFilterText("provenance:predicted");
        QCOMPARE(proxy->rowCount(), 6);
        QVERIFY(
            proxy->index(0, models::DesignTableModel::ProvenanceColumn).data().toString().startsWith("predicted ± 5"));
        proxy->setFilterText("target:elector");
        QCOMPARE(proxy->rowCount(), 24);
        proxy->setFilterText("target:bat");
        QCOMPARE(proxy->rowCount(), 0);
        // Filtered-out designs leave the plot too.
        auto visible = [plot] {
            int n = 0;
            for (quint8 f : plot->data().flags)
                n += (f & widgets::ScatterPlot::Visible) != 0;
            return n;
        };
        QTRY_COMPARE(visible(), 0);
    }

    void clickingAPointSelectsItsRowAndBack() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
        QVERIFY(window.showView(QStringLiteral("pareto")));
        widgets::ScatterPlot* plot = window.paretoView()->plot();
        QTRY_VERIFY(plot->isVisible());
        QCOMPARE(int(plot->data().x.size()), 80);

        const int point = clickablePoint(plot);
        QVERIFY(point >= 0);
        QTest::mouseClick(plot, Qt::LeftButton, {}, plot->positionOf(point).toPoint());
        const auto* model = window.controller()->designModel();
        QCOMPARE(window.controller()->currentDesignId(), std::optional<qint64>(model->designAt(point)->design.id));
        auto* table = window.findChild<QTableView*>("designTable");
        const QModelIndexList rows = table->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.front().data(models::DesignTableModel::DesignIdRole).toLongLong(),
                 model->designAt(point)->design.id);
        QCOMPARE(plot->current(), point);

        // Ctrl+click adds a second point; the table shows both rows selected.
        const int second = clickablePoint(plot, 1) == point ? clickablePoint(plot, 2) : clickablePoint(plot, 1);
        QTest::mouseClick(plot, Qt::LeftButton, Qt::ControlModifier, plot->positionOf(second).toPoint());
        QCOMPARE(table->selectionModel()->selectedRows().size(), 2);

        // And back: a table row selects its point.
        window.showView(QStringLiteral("table"));
        table->clearSelection();
        table->selectRow(5);
        const qint64 id = table->model()->index(5, 0).data(models::DesignTableModel::DesignIdRole).toLongLong();
        const int row = model->rowOfDesign(id);
        QCOMPARE(plot->current(), row);
        QCOMPARE(plot->selection(), std::vector<int>{row});

        // Arrow keys step along the front, Space toggles the export set.
        window.showView(QStringLiteral("pareto"));
        plot->setFocus();
        QTest::keyClick(plot, Qt::Key_Right);
        const int onFront = plot->current();
        QVERIFY(onFront >= 0);
        QCOMPARE(model->paretoRanks()[std::size_t(onFront)], 0);
        QTest::keyClick(plot, Qt::Key_Space);
        QVERIFY(model->exportSet().contains(model->designAt(onFront)->design.id));
    }

    void brushingFiltersTheTable() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
        QVERIFY(window.showView(QStringLiteral("parallel")));
        widgets::ParallelCoordinatesPlot* plot = window.parallelView()->plot();
        QTRY_VERIFY(plot->isVisible());
        auto* table = window.findChild<QTableView*>("designTable");
        QCOMPARE(table->model()->rowCount(), 80);

        // Brush the accuracy axis (axis 0) from 72 % to 76 %.
        const double x = plot->axisX(0);
        const QPoint from(int(x), int(std::lround(plot->valueY(0, 76.0))));
        const QPoint to(int(x), int(std::lround(plot->valueY(0, 72.0))));
        QTest::mousePress(plot, Qt::LeftButton, {}, from);
        QTest::mouseMove(plot, QPoint(from.x(), (from.y() + to.y()) / 2));
        QTest::mouseMove(plot, to);
        QTest::mouseRelease(plot, Qt::LeftButton, {}, to);
        const auto range = window.findChild<QTableView*>("designTable")->model();
        Q_UNUSED(range);
        const auto* model = window.controller()->designModel();
        const auto& accuracy = model->values(models::Objective::Accuracy);
        const auto* proxy = static_cast<models::DesignProxyModel*>(table->model());
        const auto brush = proxy->range(models::Objective::Accuracy);
        QVERIFY(brush);
        QVERIFY(std::abs(brush->lo - 72.0) < 0.5 && std::abs(brush->hi - 76.0) < 0.5);
        int inside = 0;
        for (double a : accuracy)
            inside += a >= brush->lo && a <= brush->hi;
        QVERIFY(inside > 0 && inside < 80);
        QCOMPARE(table->model()->rowCount(), inside);
        // The plot hides what the brush leaves out.
        int visible = 0;
        for (quint8 f : window.paretoView()->plot()->data().flags)
            visible += (f & widgets::ScatterPlot::Visible) != 0;
        QCOMPARE(visible, inside);
        // A click on the axis clears its brush.
        QTest::mouseClick(plot, Qt::LeftButton, {}, from);
        QCOMPARE(table->model()->rowCount(), 80);
    }

    // The accelerator editor has one row per field of the elector descriptor table, in its
    // order, with its label and help; --edit takes every field's name and sets what the row
    // then shows; an out-of-bounds value is refused with the field and its range.
    void acceleratorEditorFollowsTheDescriptor() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        QVERIFY(window.showView(QStringLiteral("accelerator-editor")));
        auto* editor = window.acceleratorEditor();
        editor->setRestricted(false);
        QCoreApplication::processEvents();
        const auto fields = electorFields();
        QCOMPARE(editor->fieldCount(), fields.size());
        int lastY = -1;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const FieldInfo& f = fields[i].info;
            const QString name = QString::fromUtf8(f.name.data());
            auto* widget = editor->findChild<QWidget*>(QStringLiteral("field:") + name);
            QVERIFY2(widget, qPrintable(name));
            QVERIFY(widget == editor->field(i) || widget == editor->choice(i));
            QCOMPARE(f.type == FieldType::Choice, editor->field(i) == nullptr);
            QCOMPARE(widget->toolTip(), QString::fromUtf8(f.help.data()));
            auto* form = qobject_cast<QFormLayout*>(widget->parentWidget()->layout());
            QVERIFY(form);
            auto* label = qobject_cast<QLabel*>(form->labelForField(widget));
            QVERIFY(label);
            QCOMPARE(label->text(), QString::fromUtf8(f.label.data()));
            QVERIFY2(widget->isVisible(), qPrintable(name));
            const int y = widget->mapTo(editor, QPoint(0, 0)).y();
            QVERIFY2(y > lastY, qPrintable(name + " is not below the row before it"));
            lastY = y;
        }

        models::EditSession* session = window.edits()->session();
        QVERIFY(session->isActive());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const FieldInfo& f = fields[i].info;
            const double now = fields[i].get(session->current().target.electorSpec());
            const double value = f.type == FieldType::Choice ? double((std::size_t(now) + 1) % f.choices.size())
                                 : now == f.max              ? f.max - 1
                                                             : std::min(f.max, now + 1);
            const QString edit = QString::fromUtf8(f.name.data()) + "=" + QString::fromStdString(f.valueText(value));
            QString error;
            QVERIFY2(window.applyAcceleratorEdits({edit}, &error), qPrintable(edit + ": " + error));
            QCOMPARE(fields[i].get(session->current().target.electorSpec()), value);
            if (editor->field(i))
                QCOMPARE(editor->field(i)->value(), value);
            else
                QCOMPARE(editor->choice(i)->currentData().toInt(), int(value));
        }
        QString error;
        QVERIFY(!window.applyAcceleratorEdits({QStringLiteral("peCount=0")}, &error));
        QVERIFY2(error.contains("peCount") && error.contains("1 to 65536"), qPrintable(error));
        QVERIFY(!window.applyAcceleratorEdits({QStringLiteral("mainMemory.type=sram")}, &error));
        QVERIFY2(error.contains("mainMemory.type") && error.contains("rram, dram, hbm"), qPrintable(error));
    }

    void editingChangesMetricsAndUndoRestoresThem() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        QAbstractItemModelTester layers(window.transformerEditor()->layerModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(window.showView(QStringLiteral("accelerator-editor"))); // selects a design on the front
        models::EditSession* session = window.edits()->session();
        QVERIFY(session->isActive());
        auto* editor = window.acceleratorEditor();
        auto* detail = window.findChild<widgets::DesignDetailPanel*>();
        const QString latencyBefore = editor->summary()->valueText(models::Objective::Latency);
        const QString areaBefore = detail->metricText(QStringLiteral("Area"));
        QVERIFY(!latencyBefore.isEmpty());

        // Pick another PE count in the combo box, as the user does.
        widgets::ParameterField* pes = editor->field("peCount");
        QVERIFY(pes->isRestricted());
        QComboBox* combo = pes->combo();
        const int other = combo->currentIndex() == 0 ? 1 : 0;
        combo->setCurrentIndex(other);
        emit combo->activated(other);
        QVERIFY(session->isModified());
        QCOMPARE(double(session->current().target.electorSpec().peCount), combo->itemData(other).toDouble());
        QVERIFY(editor->summary()->valueText(models::Objective::Area) != areaBefore);
        QVERIFY(detail->metricText(QStringLiteral("Area")) != areaBefore);
        QVERIFY(!editor->summary()->deltaText(models::Objective::Area).isEmpty());
        QVERIFY(window.paretoView()->plot()->whatIf().has_value()); // the what-if point
        QVERIFY(!window.paretoView()->whatIfStatus().isEmpty());

        // A reload of the workspace (after an import, say) keeps the edit.
        window.controller()->reload();
        QCoreApplication::processEvents();
        QVERIFY(session->isActive() && session->isModified());

        // Undo through the Edit menu's group restores everything.
        QUndoGroup* group = window.undoGroup();
        QCOMPARE(group->activeStack(), editor->undoStack());
        QVERIFY(group->canUndo());
        group->undo();
        QVERIFY(!session->isModified());
        QCOMPARE(editor->summary()->valueText(models::Objective::Latency), latencyBefore);
        QCOMPARE(detail->metricText(QStringLiteral("Area")), areaBefore);
        QVERIFY(!window.paretoView()->plot()->whatIf().has_value());
        group->redo();
        QVERIFY(session->isModified());

        // A transformer edit on the other stack: the accelerator's undo leaves it alone.
        window.showView(QStringLiteral("transformer-editor"));
        QCOMPARE(group->activeStack(), window.transformerEditor()->undoStack());
        window.transformerEditor()->setRestricted(false);
        window.transformerEditor()->layerTable()->selectRow(0);
        const int layerCount = session->current().transformer.layerCount();
        window.transformerEditor()->addLayer();
        QCOMPARE(session->current().transformer.layerCount(), layerCount + 1);
        QVERIFY(!window.transformerEditor()->statsText().isEmpty());
        // The model's compression reads per role; a dense f32 model says so.
        QCOMPARE(window.transformerEditor()->compressionText(), QStringLiteral("Compression: dense, 32-bit float"));
        {
            TransformerSpec compressed = session->current().transformer;
            compressed.compression.precision[std::size_t(TensorRole::Weights)] = {8, Quantizer::Symmetric};
            compressed.compression.pruning[std::size_t(WeightMatrix::Query)].stages = {
                {PruningLevel::Row, 0.5, BalanceRule::PerPeGroup, PruningCriterion::Magnitude, 0, 0}};
            window.transformerEditor()->apply(compressed, QStringLiteral("compress"));
            const QString text = window.transformerEditor()->compressionText();
            QVERIFY2(text.contains("weights: 8-bit symmetric") && text.contains("qkv: 32-bit float") &&
                         text.contains("query: row 50 % (perPeGroup, magnitude)"),
                     qPrintable(text));
            window.transformerEditor()->undoStack()->undo();
            QCOMPARE(window.transformerEditor()->compressionText(), QStringLiteral("Compression: dense, 32-bit float"));
            // The weights' precision picked in its combo box, as the user does; undo restores it.
            QComboBox* weights = window.transformerEditor()->precisionCombo(TensorRole::Weights);
            QCOMPARE(weights->currentText(), QStringLiteral("32-bit float"));
            const int eightBit = weights->findText(QStringLiteral("8-bit symmetric"));
            QVERIFY(eightBit >= 0);
            weights->setCurrentIndex(eightBit);
            emit weights->activated(eightBit);
            QCOMPARE(session->current().transformer.compression.of(TensorRole::Weights),
                     (Precision{8, Quantizer::Symmetric}));
            QVERIFY(window.transformerEditor()->compressionText().contains("weights: 8-bit symmetric"));
            window.transformerEditor()->undoStack()->undo();
            QVERIFY(session->current().transformer.compression.isDefault());
            QCOMPARE(weights->currentText(), QStringLiteral("32-bit float"));
        }
        editor->undoStack()->undo(); // the PE count
        QCOMPARE(session->current().transformer.layerCount(), layerCount + 1);
        QCOMPARE(session->current().target.electorSpec().peCount, session->start().target.electorSpec().peCount);

        // Save as a new design: it joins the workspace, evaluated, and is selected.
        const qint64 designs = window.controller()->counts().designs;
        window.actions().saveEditedDesign->trigger();
        QCOMPARE(window.controller()->counts().designs, designs + 1);
        const auto id = window.controller()->currentDesignId();
        QVERIFY(id);
        QVERIFY(window.controller()->design(*id)->name.find("(edited)") != std::string::npos);
        QCOMPARE(window.controller()->evaluations(*id).size(), std::size_t(1));
    }

    // Rule 1 over every dependent view: after a change of workspace, cost mode, filter or
    // selection each view shows the state of now (or nothing).
    void everyDependentViewShowsTheStateOfNow() {
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        models::ExplorerState* state = window.explorerState();
        QStringList names;
        for (const auto& d : state->dependents())
            names << d.name;
        for (const char* view : {"editors", "design detail", "what-if", "training panel", "search panel",
                                 "workspace tree", "design table", "Pareto plot"})
            QVERIFY2(names.contains(QLatin1String(view)), view);
#define EVERY_VIEW_IS_NOW()                                                                                            \
    QTRY_VERIFY2(state->staleDependents().isEmpty(), qPrintable(state->staleDependents().join('\n')))
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
        EVERY_VIEW_IS_NOW();
        auto* detail = window.findChild<widgets::DesignDetailPanel*>();
        const auto* model = window.controller()->designModel();
        auto* proxy = window.findChild<models::DesignProxyModel*>();
        for (int row : {3, 17, 42}) {
            window.controller()->selectDesign(model->designAt(row)->design.id);
            EVERY_VIEW_IS_NOW();
            QVERIFY(detail->hasDesign() && window.edits()->session()->isActive());
            window.explorerSettings()->setMode(SimMode::Training);
            EVERY_VIEW_IS_NOW();
            QCOMPARE(window.edits()->session()->options().mode, SimMode::Training);
            window.explorerSettings()->setMode(SimMode::Inference);
            EVERY_VIEW_IS_NOW();
            // A filter that hides the selected design: nothing selected, every view clear.
            const double accuracy = model->values(models::Objective::Accuracy)[std::size_t(row)];
            proxy->setRange(models::Objective::Accuracy, std::pair{accuracy + 0.5, 100.0});
            EVERY_VIEW_IS_NOW();
            QCOMPARE(window.controller()->currentDesignId(), std::nullopt);
            QVERIFY(!detail->hasDesign());
            proxy->clearRanges();
            EVERY_VIEW_IS_NOW();
        }
        window.controller()->selectDesign(model->designAt(5)->design.id);
        window.controller()->openWorkspace(m_otherPath);
        QVERIFY(waitForOpen(window.controller()));
        EVERY_VIEW_IS_NOW();
        window.controller()->selectDesign(model->designAt(5)->design.id);
        EVERY_VIEW_IS_NOW();
        window.controller()->closeWorkspace();
        EVERY_VIEW_IS_NOW();
        QVERIFY(!detail->hasDesign());
#undef EVERY_VIEW_IS_NOW
    }

    // Save As works on in a copy that holds the same designs under the same ids: unlike
    // opening another workspace, the selection and the edit under way stay.
    void saveAsKeepsTheSelectionAndTheEdit() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        const qint64 id = window.controller()->designModel()->designAt(4)->design.id;
        window.controller()->selectDesign(id);
        QVERIFY(window.edits()->session()->isActive());
        const int pes = window.edits()->session()->current().target.electorSpec().peCount == 256 ? 512 : 256;
        QString error;
        QVERIFY2(window.applyAcceleratorEdits({QStringLiteral("peCount=%1").arg(pes)}, &error), qPrintable(error));
        QVERIFY(window.edits()->session()->isModified());
        QTemporaryDir copies;
        window.controller()->saveWorkspaceAs(copies.filePath(QStringLiteral("copy.tcw")));
        QVERIFY(waitForOpen(window.controller()));
        QCOMPARE(window.controller()->currentDesignId(), std::optional<qint64>(id));
        QVERIFY(window.edits()->session()->isModified());
        QTRY_VERIFY2(window.explorerState()->staleDependents().isEmpty(),
                     qPrintable(window.explorerState()->staleDependents().join('\n')));
    }

    // Searches get numbers in the tree (the example's two searches of one space read
    // "search 1 · random on …" and "search 2 · nsga2 on …", as their trials are named).
    void searchesAreNumberedInTheTree() {
        QTemporaryDir copies;
        const QString path = copies.filePath(QStringLiteral("example.tcw"));
        QVERIFY(QFile::copy(QStringLiteral(TCW_SOURCE_DATA_DIR "/examples/example.tcw"), path));
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
        MainWindow window;
        window.setInteractive(false);
        window.controller()->openWorkspace(path);
        QVERIFY(waitForOpen(window.controller()));
        const auto* tree = window.controller()->treeModel();
        QModelIndex searches;
        for (int r = 0; r < tree->rowCount(); ++r)
            if (tree->index(r, 0).data().toString().startsWith(QLatin1String("Searches")))
                searches = tree->index(r, 0);
        QVERIFY(searches.isValid());
        QCOMPARE(tree->rowCount(searches), 2);
        for (int r = 0; r < 2; ++r) {
            const QString text = tree->index(r, 0, searches).data().toString();
            const qint64 id = tree->index(r, 0, searches).data(models::WorkspaceTreeModel::ItemIdRole).toLongLong();
            // "Search 2 · NSGA-II · joint · 600 trials": number, algorithm, scope, budget.
            QVERIFY2(text.startsWith(QStringLiteral("Search %1 · ").arg(id)) &&
                         text.endsWith(QStringLiteral(" trials")),
                     qPrintable(text));
        }
    }

    // Seen 1: another workspace opens and a design with the same id as the one shown before is
    // selected (a lesson step): detail and editors show the new workspace's design.
    void anotherWorkspaceShowsItsOwnDesign() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        const qint64 id = window.controller()->designModel()->designAt(31)->design.id;
        window.controller()->selectDesign(id);
        QVERIFY(window.edits()->session()->isActive());
        window.controller()->openWorkspace(m_otherPath);
        QVERIFY(waitForOpen(window.controller()));
        window.controller()->selectDesign(id);
        QCoreApplication::processEvents();
        const auto design = window.controller()->design(id);
        QVERIFY(design && design->name.rfind("other ", 0) == 0);
        QCOMPARE(window.edits()->session()->start().name, design->name);
        auto* detail = window.findChild<widgets::DesignDetailPanel*>();
        const auto stored = window.controller()->evaluations(id).front();
        const QString latency = detail->metricText(QStringLiteral("Latency"));
        QVERIFY2(latency.contains(models::formatMetric(*stored.latencySeconds * 1e3)),
                 qPrintable(latency + " vs " + models::formatMetric(*stored.latencySeconds * 1e3)));
        QCOMPARE(window.acceleratorEditor()->summary()->valueText(models::Objective::Latency), latency);
    }

    // Seen 2: switching the cost mode shows the selected design's cost in that mode.
    void theDetailFollowsTheCostMode() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        const qint64 id = window.controller()->designModel()->designAt(7)->design.id;
        window.controller()->selectDesign(id);
        auto* detail = window.findChild<widgets::DesignDetailPanel*>();
        const QString inference = detail->metricText(QStringLiteral("Latency"));
        window.explorerSettings()->setMode(SimMode::Training);
        QCoreApplication::processEvents();
        const auto parts = models::partsOf(window.controller()->design(id)->specJson);
        QVERIFY(parts && parts->transformer && parts->accelerator);
        SimOptions options;
        options.mode = SimMode::Training;
        const SimResult training = simulate(*parts->transformer, *parts->accelerator, electorTechnology14nm(), options);
        const QString expected = models::formatMetric(training.latencySeconds() * 1e3);
        const QString shown = detail->metricText(QStringLiteral("Latency"));
        QVERIFY2(shown.contains(expected) && shown != inference,
                 qPrintable(QStringLiteral("%1 vs %2 (inference %3, session in %4)")
                                .arg(shown, expected, inference,
                                     QString::fromLatin1(simModeName(window.edits()->session()->options().mode)))));
        QVERIFY(detail->showsBreakdown());
    }

    // Seen 6: a filter that hides the selected design clears the selection; no other design
    // is selected in its place.
    void filteringAwayTheSelectionSelectsNothingElse() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        window.showView(QStringLiteral("table"));
        const auto* model = window.controller()->designModel();
        const auto& accuracy = model->values(models::Objective::Accuracy);
        const int low = int(std::min_element(accuracy.begin(), accuracy.end()) - accuracy.begin());
        window.controller()->selectDesign(model->designAt(low)->design.id);
        auto* proxy = window.findChild<models::DesignProxyModel*>();
        proxy->setRange(models::Objective::Accuracy, std::pair{accuracy[std::size_t(low)] + 1.0, 100.0});
        QCoreApplication::processEvents();
        QCOMPARE(window.controller()->currentDesignId(), std::nullopt);
        QVERIFY(window.controller()->selectionModel()->selectedRows().isEmpty());
        QVERIFY(!window.findChild<widgets::DesignDetailPanel*>()->hasDesign());
        QVERIFY(!window.edits()->session()->isActive());
        QCOMPARE(window.paretoView()->plot()->current(), -1);
    }

    // Seen 7: the Training and Search panels do not keep another workspace's run and progress.
    void panelsForgetTheWorkspaceBefore() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        window.trainingPanel()->showStoredRun(QStringLiteral("Stored run 1 (cancelled, listops, run)"),
                                              {{10, 2.0, 0.3, NAN, NAN}, {20, 1.5, 0.4, NAN, NAN}}, 100);
        widgets::SearchPanel::Progress progress;
        progress.trials = 4288;
        progress.budget = 20000;
        progress.hypervolume = 1.159;
        window.searchPanel()->setProgress(progress);
        QLabel* hypervolume = nullptr;
        for (QLabel* label : window.searchPanel()->findChildren<QLabel*>())
            if (label->toolTip().startsWith(QLatin1String("Hypervolume of")))
                hypervolume = label;
        QVERIFY(hypervolume && hypervolume->text() != QLatin1String("—"));
        window.controller()->openWorkspace(m_otherPath);
        QVERIFY(waitForOpen(window.controller()));
        QVERIFY(window.trainingPanel()->series().points().empty());
        QVERIFY(!window.trainingPanel()->statusText().contains(QLatin1String("cancelled")));
        QCOMPARE(hypervolume->text(), QStringLiteral("—"));
    }

    // Seen 5: what the normalised hypervolume is measured in is shown with it, as lesson 4 and
    // docs/search.md say: a box from the sample's best (0) to its worst (1), which a strong
    // front can exceed — not "1 = everything".
    void hypervolumeSaysWhatItIsMeasuredIn() {
        widgets::SearchPanel panel;
        auto* hypervolume = panel.findChild<QLabel*>(QStringLiteral("searchHypervolume"));
        if (!hypervolume) // before it had a name
            for (QLabel* label : panel.findChildren<QLabel*>())
                if (label->toolTip().startsWith(QLatin1String("Hypervolume of")))
                    hypervolume = label;
        QVERIFY(hypervolume);
        QVERIFY(!hypervolume->toolTip().contains(QLatin1String("1 = everything")));
        QVERIFY(hypervolume->toolTip().contains(QLatin1String("can exceed 1")));
    }

    // Seen 9: Ctrl+Z with an editor field focused (right after typing a value) undoes the edit.
    void undoWorksFromAFocusedField() {
        MainWindow window;
        window.setInteractive(false);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
        QVERIFY(window.showView(QStringLiteral("accelerator-editor")));
        auto* editor = window.acceleratorEditor();
        editor->setRestricted(false);
        models::EditSession* session = window.edits()->session();
        QVERIFY(session->isActive());
        QDoubleSpinBox* spin = editor->field("batchSize")->spin();
        const int before = session->current().target.electorSpec().batchSize;
        spin->setFocus();
        QTRY_VERIFY(spin->hasFocus());
        spin->selectAll();
        QTest::keyClicks(spin, QString::number(before == 8 ? 16 : 8));
        QTest::keyClick(spin, Qt::Key_Return);
        QVERIFY(session->isModified());
        QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!session->isModified());
        QCOMPARE(session->current().target.electorSpec().batchSize, before);
        QTest::keyClick(spin, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(session->isModified());
    }

    // Seen 10: the wheel over a field without focus scrolls the editor and leaves the value;
    // with focus it steps the value.
    void theWheelScrollsPastFields() {
        QScrollArea area;
        auto* content = new QWidget;
        auto* layout = new QVBoxLayout(content);
        std::vector<widgets::ParameterField*> fields;
        for (int i = 0; i < 40; ++i) {
            auto* field = new widgets::ParameterField(1, 64, 0, QString());
            field->setChoices({1, 2, 4, 8, 16, 32, 64});
            field->setValue(32);
            field->setRestricted(i % 2 == 0);
            layout->addWidget(field);
            fields.push_back(field);
        }
        area.setWidget(content);
        area.resize(320, 200);
        area.show();
        QVERIFY(QTest::qWaitForWindowExposed(&area));
        auto wheelOver = [](QWidget* target) {
            const QPointF at = QRectF(target->rect()).center();
            QWheelEvent wheel(at, target->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(target, &wheel);
            return wheel.isAccepted();
        };
        for (QWidget* target : {static_cast<QWidget*>(fields[1]->spin()), static_cast<QWidget*>(fields[2]->combo())}) {
            auto* field = static_cast<widgets::ParameterField*>(target->parentWidget());
            QSignalSpy edited(field, &widgets::ParameterField::edited);
            const int scrolled = area.verticalScrollBar()->value();
            const bool taken = wheelOver(target);
            QCOMPARE(field->value(), 32.0);
            QCOMPARE(edited.count(), 0);
            // Not taken by the field: Qt passes it to the parents, the scroll area scrolls.
            QVERIFY(!taken || area.verticalScrollBar()->value() > scrolled);
        }
        fields[1]->spin()->setFocus();
        QTRY_VERIFY(fields[1]->spin()->hasFocus());
        wheelOver(fields[1]->spin());
        QVERIFY(fields[1]->value() != 32.0);
    }

    // Seen 12: the Export Plot dialog starts on a filter whose suffix the proposed name has, and
    // a name given without a suffix gets the chosen filter's.
    void exportPlotDialogNameMatchesItsFilter() {
        const QString filter = widgets::PlotWidget::exportInitialFilter();
        const QString name = widgets::PlotWidget::exportSuggestedName(QStringLiteral("pareto"));
        QVERIFY2(filter.contains(QStringLiteral("*.") + QFileInfo(name).suffix()), qPrintable(filter + " / " + name));
        QVERIFY(widgets::PlotWidget::exportFileFilter().startsWith(filter));
        QCOMPARE(widgets::PlotWidget::withExportSuffix("/x/plot", "SVG drawing (*.svg)"), QString("/x/plot.svg"));
        QCOMPARE(widgets::PlotWidget::withExportSuffix("/x/plot.pdf", "SVG drawing (*.svg)"), QString("/x/plot.pdf"));
        QCOMPARE(widgets::PlotWidget::withExportSuffix("/x/plot", QString()), QString("/x/plot.png"));
    }

    // Seen 12: the editors' Undo / Redo buttons keep their width whatever they would undo (the
    // command's name goes in the tooltip), so an edit never squeezes the plot.
    void undoButtonsKeepTheirWidth() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        QVERIFY(window.showView(QStringLiteral("accelerator-editor")));
        auto* undo = window.acceleratorEditor()->findChild<QAction*>(QStringLiteral("editorUndo"));
        QVERIFY(undo);
        QToolButton* button = nullptr;
        for (QToolButton* b : window.acceleratorEditor()->findChildren<QToolButton*>())
            if (b->defaultAction() == undo)
                button = b;
        QVERIFY(button);
        const int width = button->sizeHint().width();
        QVERIFY(!undo->isEnabled());
        QString error;
        QVERIFY2(window.applyAcceleratorEdits({QStringLiteral("peCount=256"), QStringLiteral("batchSize=16")}, &error),
                 qPrintable(error));
        QVERIFY(undo->isEnabled());
        QCOMPARE(button->sizeHint().width(), width);
        QVERIFY(undo->toolTip().size() > QStringLiteral("Undo").size());
        undo->trigger();
        QVERIFY(window.edits()->session()->isModified()); // one of two edits undone
    }

    // Seen 12: a lesson's outline around a control in a scroll area goes when the control is
    // scrolled out of view and stays inside the viewport while it is partly in view.
    void highlightStaysInsideItsScrollArea() {
        QWidget window;
        auto* layout = new QVBoxLayout(&window);
        auto* area = new QScrollArea;
        layout->addWidget(area);
        layout->addWidget(new QLabel(QStringLiteral("below the scroll area")));
        auto* content = new QWidget;
        auto* column = new QVBoxLayout(content);
        QLabel* target = nullptr;
        for (int i = 0; i < 30; ++i)
            column->addWidget(target = new QLabel(QStringLiteral("control %1").arg(i)));
        area->setWidget(content);
        area->setWidgetResizable(true);
        window.resize(300, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        widgets::ControlHighlight highlight(&window);
        highlight.setTarget(target);
        QTRY_VERIFY(highlight.isShowing()); // scrolled into view
        const QRect viewport(area->viewport()->mapTo(&window, QPoint(0, 0)), area->viewport()->size());
        QVERIFY(viewport.adjusted(-4, -4, 4, 4).contains(highlight.geometry()));
        area->verticalScrollBar()->setValue(0);
        QTRY_VERIFY(!highlight.isShowing());
        // Half of it in view: the outline ends at the viewport's edge (and its margin).
        const int half = target->mapTo(content, QPoint(0, 0)).y() - area->viewport()->height() + target->height() / 2;
        area->verticalScrollBar()->setValue(half);
        QTRY_VERIFY(highlight.isShowing());
        QVERIFY(highlight.geometry().bottom() <= viewport.bottom() + 4);
    }

    // Seen 11: a value typed beyond a field's bounds is refused with a message saying the
    // bounds, never dropped or capped without a word.
    void outOfBoundsValuesAreRefusedAloud() {
        widgets::ParameterField field(1, 999, 0, QStringLiteral("MB"));
        field.setRestricted(false);
        field.setValue(16);
        field.show();
        QVERIFY(QTest::qWaitForWindowExposed(&field));
        QSignalSpy refused(&field, &widgets::ParameterField::refused);
        QSignalSpy edited(&field, &widgets::ParameterField::edited);
        field.spin()->setFocus();
        field.spin()->selectAll();
        QTest::keyClicks(field.spin(), QStringLiteral("9999"));
        QCOMPARE(refused.count(), 1);
        QVERIFY2(field.lastRefusal().contains(QStringLiteral("999 MB")), qPrintable(field.lastRefusal()));
        QTest::keyClick(field.spin(), Qt::Key_Return);
        QCOMPARE(field.value(), 999.0);
        field.spin()->selectAll();
        QTest::keyClicks(field.spin(), QStringLiteral("0"));
        QTest::keyClick(field.spin(), Qt::Key_Return);
        QCOMPARE(refused.count(), 2);
        QVERIFY2(field.lastRefusal().contains(QStringLiteral("1 MB")), qPrintable(field.lastRefusal()));
        QCOMPARE(field.value(), 999.0);
        QCOMPARE(edited.count(), 1);
    }

    // Seen 8: the hover summary of a point (Pareto plot) or a line (parallel coordinates) stays
    // when the tooltip delay passes; the plot's help text does not replace it.
    void hoverSummaryOutlastsTheHelpTooltip() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        const auto* model = window.controller()->designModel();
        auto helpAt = [](QWidget* plot, QPoint at) {
            QHelpEvent help(QEvent::ToolTip, at, plot->mapToGlobal(at));
            QApplication::sendEvent(plot, &help);
            return QToolTip::text();
        };
        QVERIFY(window.showView(QStringLiteral("pareto")));
        widgets::ScatterPlot* scatter = window.paretoView()->plot();
        QTRY_VERIFY(scatter->isVisible());
        const int point = clickablePoint(scatter);
        QVERIFY(point >= 0);
        const QPoint at = scatter->positionOf(point).toPoint();
        QTest::mouseMove(scatter, at);
        const QString name = QString::fromStdString(model->designAt(point)->design.name);
        QTRY_VERIFY(QToolTip::text().contains(name));
        QVERIFY2(helpAt(scatter, at).contains(name), qPrintable(QToolTip::text()));

        QVERIFY(window.showView(QStringLiteral("parallel")));
        widgets::ParallelCoordinatesPlot* parallel = window.parallelView()->plot();
        QTRY_VERIFY(parallel->isVisible());
        // A point on design 0's line halfway between the first two axes.
        const auto& accuracy = model->values(models::Objective::Accuracy);
        const auto& latency = model->values(models::Objective::Latency);
        Q_UNUSED(latency);
        const int row = 0;
        const QPointF a(parallel->axisX(0), parallel->valueY(0, accuracy[std::size_t(row)]));
        QTest::mouseMove(parallel, a.toPoint());
        const QString lineName = QToolTip::text();
        if (lineName.contains(QLatin1String("<b>"))) // the mouse is on a line: its summary stays
            QCOMPARE(helpAt(parallel, a.toPoint()), lineName);
    }

    void exportedDesignsImportAsIdenticalDesigns() {
        MainWindow window;
        window.setInteractive(false);
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
        auto* model = window.controller()->designModel();
        model->setInExportSet({3, 17, 42}, true);
        const std::vector<qint64> ids = window.exports()->designsToExport();
        QCOMPARE(ids.size(), std::size_t(3));
        auto original = [&](std::size_t i) { return window.controller()->design(ids[i])->specJson; };
        QTemporaryDir out;
        QString error;

        // CSV: one file, the specifications in a column.
        const QString csv = out.filePath("designs.csv");
        QVERIFY2(window.exports()->writeDesignsCsv(ids, csv, &error), qPrintable(error));
        const app::ImportResult fromCsv = app::readDesignFiles({csv});
        QVERIFY2(fromCsv.errors.isEmpty(), qPrintable(fromCsv.errors.join('\n')));
        QCOMPARE(fromCsv.designs.size(), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i)
            QCOMPARE(fromCsv.designs[i].specJson, original(i));

        // JSON: one workbench file per design.
        const auto json =
            models::writeDesignJsonFiles(window.exports()->exportedDesigns(ids), out.filePath("json"), &error);
        QVERIFY(!json); // the folder does not exist yet: an error, not a crash
        QDir().mkpath(out.filePath("json"));
        const auto written =
            models::writeDesignJsonFiles(window.exports()->exportedDesigns(ids), out.filePath("json"), &error);
        QVERIFY2(written, qPrintable(error));
        const app::ImportResult fromJson = app::readDesignFiles(*written);
        QVERIFY2(fromJson.errors.isEmpty(), qPrintable(fromJson.errors.join('\n')));
        for (std::size_t i = 0; i < 3; ++i)
            QCOMPARE(fromJson.designs[i].specJson, original(i));

        // Reference formats: per co-design a folder with a model dict and an AccelTran YAML.
        const auto reference =
            models::writeReferenceFiles(window.exports()->exportedDesigns(ids), out.filePath("reference"), &error);
        QVERIFY2(reference, qPrintable(error));
        QCOMPARE(reference->size(), 6);
        for (int i = 0; i < 3; ++i) {
            const app::ImportResult pair = app::readDesignFiles({reference->at(2 * i), reference->at(2 * i + 1)});
            QVERIFY2(pair.errors.isEmpty(), qPrintable(pair.errors.join('\n')));
            QCOMPARE(pair.designs.size(), std::size_t(1));
            QCOMPARE(pair.designs.front().kind, store::DesignKind::Pair);
            // The pair's name travels as its folder's name; the models are the same.
            const auto back = models::partsOf(pair.designs.front().specJson);
            const auto there = models::partsOf(original(std::size_t(i)));
            QCOMPARE(*back->transformer, *there->transformer);
            QCOMPARE(*back->accelerator, *there->accelerator);
        }
        // Importing what was exported finds the designs already there.
        const std::int64_t before = window.controller()->counts().designs;
        window.controller()->importDesigns({csv});
        QTRY_VERIFY(!window.controller()->isBusy());
        QCOMPARE(window.controller()->counts().designs, before);
    }

    void plotsAndReportsExportToFilesThatOpen() {
        MainWindow window;
        QVERIFY(showWithWorkspace(window, m_path));
        window.showView(QStringLiteral("detail"));
        QTemporaryDir out;
        const QList<const widgets::PlotWidget*> plots = {window.paretoView()->plot(), window.parallelView()->plot()};
        for (const widgets::PlotWidget* plot : plots) {
            QString error;
            const QString png = out.filePath(plot->exportName() + ".png");
            const QString svg = out.filePath(plot->exportName() + ".svg");
            const QString pdf = out.filePath(plot->exportName() + ".pdf");
            QVERIFY2(plot->exportTo(png, &error), qPrintable(error));
            QVERIFY2(plot->exportTo(svg, &error), qPrintable(error));
            QVERIFY2(plot->exportTo(pdf, &error), qPrintable(error));
            const QImage image(png);
            QVERIFY(!image.isNull());
            QVERIFY(image.width() >= 640);
            QSvgRenderer renderer(svg);
            QVERIFY(renderer.isValid());
            const QByteArray bytes = readBytes(pdf);
            QVERIFY(bytes.startsWith("%PDF"));
            QVERIFY(bytes.contains("/Type /Page"));
            QVERIFY(!plot->exportTo(out.filePath("plot.gif"), &error));
            QVERIFY(error.contains(".png"));
        }
        // The report: metrics, both specifications and the charts inline.
        const QString html = out.filePath("report.html");
        QString error;
        auto* detail = window.findChild<widgets::DesignDetailPanel*>();
        QVERIFY2(window.exports()->writeReport(*window.edits()->session(), detail->charts(), html, &error),
                 qPrintable(error));
        const QString text = QString::fromUtf8(readBytes(html));
        QVERIFY(text.startsWith("<!DOCTYPE html>"));
        QCOMPARE(text.count("<svg"), detail->charts().size());
        QVERIFY(text.contains("Latency") && text.contains("PEs") && text.contains("Feed-forward"));
    }

    void liveModelsPassTheTester() {
        MainWindow window;
        QAbstractItemModelTester designs(window.controller()->designModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester table(window.findChild<QTableView*>("designTable")->model(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester ops(window.findChild<QTableView*>("opTable")->model(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester layers(window.transformerEditor()->layerModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
        window.controller()->selectDesign(7);
        window.explorerSettings()->setBound(models::Objective::Latency, 1.0); // ranks change
        window.explorerSettings()->setYObjective(models::Objective::Energy);
        window.findChild<QTableView*>("designTable")
            ->sortByColumn(models::DesignTableModel::ParetoRankColumn, Qt::AscendingOrder);
        window.controller()->designModel()->toggleExportSet({1, 2, 3});
        window.explorerSettings()->setMode(SimMode::Training);
        window.controller()->closeWorkspace();
    }

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    QString m_otherPath;
    QString m_path;
};

QTEST_MAIN(TestExplorer)
#include "test_explorer.moc"
