// The explorer in the window (offscreen): a click on a plotted point selects its table row and
// a table row selects its point; brushing the parallel coordinates filters the table; editing
// an accelerator parameter changes the metrics and moves the what-if point, undo restores
// them; saving adds the edited design; designs exported as JSON, CSV and reference files
// import back as identical designs; plots export to PNG, SVG and PDF files that open; the
// live models pass QAbstractItemModelTester while all this happens.
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
#include "models/edit_session.h"
#include "models/explorer_settings.h"
#include "models/layer_table_model.h"
#include "models/op_table_model.h"
#include "panels/design_detail_panel.h"
#include "plots/parallel_coordinates.h"
#include "plots/pareto_plot_view.h"
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
#include <QFile>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QUndoGroup>
#include <QUndoStack>

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
void makeExplorerWorkspace(const QString& path, int pairs, int predictedEvery = 0) {
    store::Workspace ws = store::Workspace::create(std::filesystem::path(path.toStdString()));
    std::mt19937_64 rng(11);
    const TechnologyLibrary tech = electorTechnology14nm();
    ws.transaction([&] {
        for (int i = 0; i < pairs; ++i) {
            TransformerSpec model = flexibert2Space().sample(rng);
            model.name = "m" + std::to_string(i);
            AcceleratorSpec accelerator = electorSpace().sample(rng);
            accelerator.name = "a" + std::to_string(i);
            const io::CodesignPair pair{"pair " + std::to_string(i), model, accelerator};
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
    }
    void init() { QSettings().clear(); }

    void predictedMetricsAreHollowAndFilterable() {
        const QString path = m_dir.filePath("provenance.tcw");
        makeExplorerWorkspace(path, 24, 4); // pairs 0, 4, 8, … predicted
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(path);
        QVERIFY(waitForOpen(window.controller()));
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

    void editingChangesMetricsAndUndoRestoresThem() {
        MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
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
        widgets::ParameterField* pes = editor->field(widgets::AcceleratorEditor::PeCount);
        QVERIFY(pes->isRestricted());
        QComboBox* combo = pes->combo();
        const int other = combo->currentIndex() == 0 ? 1 : 0;
        combo->setCurrentIndex(other);
        emit combo->activated(other);
        QVERIFY(session->isModified());
        QCOMPARE(double(session->current().accelerator.peCount), combo->itemData(other).toDouble());
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
        editor->undoStack()->undo(); // the PE count
        QCOMPARE(session->current().transformer.layerCount(), layerCount + 1);
        QCOMPARE(session->current().accelerator.peCount, session->start().accelerator.peCount);

        // Save as a new design: it joins the workspace, evaluated, and is selected.
        const qint64 designs = window.controller()->counts().designs;
        window.actions().saveEditedDesign->trigger();
        QCOMPARE(window.controller()->counts().designs, designs + 1);
        const auto id = window.controller()->currentDesignId();
        QVERIFY(id);
        QVERIFY(window.controller()->design(*id)->name.find("(edited)") != std::string::npos);
        QCOMPARE(window.controller()->evaluations(*id).size(), std::size_t(1));
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
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(m_path);
        QVERIFY(waitForOpen(window.controller()));
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
    QString m_path;
};

QTEST_MAIN(TestExplorer)
#include "test_explorer.moc"
