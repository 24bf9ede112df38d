// Issue 14: the explorer plots device designs beside accelerator designs. A workspace holding
// simulated ELECTOR pairs and a stored model × device search (measured and predicted pairs):
// each point's marker is its target kind's shape (elector circle, device diamond), filled
// when its metrics are simulated or measured, hollow with ±σ bars (the surrogate's σ of that
// measure) when predicted; the pixels of the exported plot show it.
#include "main_window.h"
#include "models/design_table_model.h"
#include "models/explorer_settings.h"
#include "models/point_style.h"
#include "plots/pareto_plot_view.h"
#include "plots/scatter_plot.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"

#include "design/design_space.h"
#include "devices/device_library.h"
#include "devices/device_search_store.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "sim/cost_model.h"
#include "store/workspace.h"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QPainterPath>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tcw;

namespace {

void makeMixedWorkspace(const QString& path, int electorPairs) {
    store::Workspace ws = store::Workspace::create(std::filesystem::path(path.toStdString()));
    std::mt19937_64 rng(3);
    const TechnologyLibrary tech = electorTechnology14nm();
    ws.transaction([&] {
        for (int i = 0; i < electorPairs; ++i) {
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
            e.accuracy = 0.7 + 0.01 * i;
            e.accuracySource = store::AccuracySource::Published;
            ws.addEvaluation(e);
        }
    });
    devices::StoredDeviceSearchConfig config;
    config.targets = "devices:npu_ncs";
    config.deviceIds = {"npu_ncs"};
    config.search.budget = 12;
    config.search.seed = 4;
    const auto profile = devices::resolveDeviceProfile("npu_ncs", TCW_SOURCE_DATA_DIR);
    QVERIFY(profile.value);
    devices::runStoredDeviceSearch(ws, {*profile.value}, config);
}

} // namespace

class TestDevicePoints : public QObject {
    Q_OBJECT

    QTemporaryDir m_settingsDir, m_dir;

private slots:
    void initTestCase() { QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_device_points"))); }

    void markersFollowTargetKindAndProvenance() {
        const QString path = m_dir.filePath("mixed.tcw");
        makeMixedWorkspace(path, 20);
        app::MainWindow window;
        window.setInteractive(false);
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(window.controller(), &app::WorkspaceController::workspaceOpened);
        window.controller()->openWorkspace(path);
        QVERIFY(opened.wait(20000));
        QVERIFY(window.showView(QStringLiteral("pareto")));
        window.explorerSettings()->setXObjective(models::Objective::Latency);
        window.explorerSettings()->setYObjective(models::Objective::Energy);
        widgets::ScatterPlot* plot = window.paretoView()->plot();
        const auto* model = window.controller()->designModel();
        const auto& data = plot->data();
        const int n = model->rowCount();
        QVERIFY(n > 20);
        QCOMPARE(int(data.markers.size()), n);
        int electors = 0, measured = 0, predicted = 0;
        for (int row = 0; row < n; ++row) {
            const auto k = std::size_t(row);
            const store::DesignSummary* d = model->designAt(row);
            QVERIFY(d && d->latest);
            const bool hollow = data.flags[k] & widgets::ScatterPlot::Predicted;
            if (d->design.targetKind == "elector") {
                ++electors;
                QCOMPARE(data.markers[k], widgets::ScatterPlot::Marker::Circle);
                QVERIFY(!hollow); // simulated: filled
                QVERIFY(std::isnan(data.xError[k]) && std::isnan(data.yError[k]));
                continue;
            }
            QCOMPARE(QString::fromStdString(d->design.targetKind), QStringLiteral("device"));
            QCOMPARE(data.markers[k], widgets::ScatterPlot::Marker::Diamond);
            // Its energy is the whole device's, not split into dynamic and leakage parts.
            const QString energyTip =
                model->index(row, models::DesignTableModel::EnergyColumn).data(Qt::ToolTipRole).toString();
            QVERIFY2(energyTip.contains("whole device") && !energyTip.contains("leakage 0"), qPrintable(energyTip));
            if (d->latest->provenance == store::MetricsProvenance::Measured) {
                ++measured;
                QVERIFY(!hollow);
                QVERIFY(std::isnan(data.xError[k]) && std::isnan(data.yError[k]));
            } else {
                ++predicted;
                QCOMPARE(d->latest->provenance, store::MetricsProvenance::Predicted);
                QVERIFY(hollow);
                // The bars are the surrogate's σ of latency (ms) and energy (mJ).
                const QJsonObject b =
                    QJsonDocument::fromJson(QByteArray::fromStdString(d->latest->breakdownJson)).object();
                const double latencySigmaMs = b.value("latencySigmaS").toDouble() * 1e3;
                const double energySigmaMJ = b.value("energySigmaJ").toDouble() * 1e3;
                QVERIFY(latencySigmaMs > 0 && energySigmaMJ > 0);
                QCOMPARE(data.xError[k], latencySigmaMs);
                QCOMPARE(data.yError[k], energySigmaMJ);
                QVERIFY(data.xError[k] < *d->latest->latencySeconds * 1e3); // a σ, not the value
            }
        }
        QCOMPARE(electors, 20);
        QVERIFY(measured >= 5);
        QVERIFY(predicted >= 1);
        QCOMPARE(data.markerLabels[std::size_t(widgets::ScatterPlot::Marker::Diamond)], QStringLiteral("device"));
        QCOMPARE(data.markerLabels[std::size_t(widgets::ScatterPlot::Marker::Circle)], QStringLiteral("elector"));

        // Pixels: a filled marker's centre has the point's ink, a hollow one's shows the plot's
        // background. Checked on points with no other point within 12 px.
        QImage image(plot->size(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            plot->render(painter, QRectF(QPointF(0, 0), QSizeF(plot->size())), true);
        }
        const QRgb background = image.pixel(plot->plotRect().topLeft().toPoint() + QPoint(2, 40));
        int checkedFilled = 0, checkedHollow = 0;
        for (int row = 0; row < n; ++row) {
            const auto k = std::size_t(row);
            if (!(data.flags[k] & widgets::ScatterPlot::Visible) || (data.flags[k] & widgets::ScatterPlot::Front))
                continue;
            const QPointF p = plot->positionOf(row);
            if (!plot->plotRect().adjusted(8, 8, -8, -8).contains(p))
                continue;
            bool alone = true;
            for (int other = 0; other < n && alone; ++other)
                if (other != row && (data.flags[std::size_t(other)] & widgets::ScatterPlot::Visible) &&
                    QLineF(plot->positionOf(other), p).length() < 12)
                    alone = false;
            if (!alone)
                continue;
            const QRgb centre = image.pixel(p.toPoint());
            if (data.flags[k] & widgets::ScatterPlot::Predicted) {
                QCOMPARE(centre, background);
                ++checkedHollow;
            } else {
                QVERIFY(centre != background);
                ++checkedFilled;
            }
        }
        QVERIFY(checkedFilled >= 3);
        QVERIFY(checkedHollow >= 1);
    }

    void shapesHaveTheirOwnOutline() {
        // The diamond reaches farther along the axes than the square, the square farther along
        // the diagonals; the triangle's apex is up.
        using M = widgets::ScatterPlot::Marker;
        const QPointF c(0, 0);
        const auto diamond = widgets::ScatterPlot::markerPath(M::Diamond, c, 3);
        const auto square = widgets::ScatterPlot::markerPath(M::Square, c, 3);
        const auto triangle = widgets::ScatterPlot::markerPath(M::Triangle, c, 3);
        QVERIFY(diamond.contains(QPointF(3.5, 0)) && !square.contains(QPointF(3.5, 0)));
        QVERIFY(square.contains(QPointF(2.4, 2.4)) && !diamond.contains(QPointF(2.4, 2.4)));
        QVERIFY(triangle.contains(QPointF(0, -3.2)) && !triangle.contains(QPointF(0, 3.2)));
        QCOMPARE(models::markerForTargetKind("device"), models::MarkerShape::Diamond);
        QCOMPARE(models::markerForTargetKind("bat"), models::MarkerShape::Square);
        QCOMPARE(models::markerForTargetKind("fpga"), models::MarkerShape::Triangle);
        QCOMPARE(models::markerForTargetKind("elector"), models::MarkerShape::Circle);
    }
};

QTEST_MAIN(TestDevicePoints)
#include "test_device_points.moc"
