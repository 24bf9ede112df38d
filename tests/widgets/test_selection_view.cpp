// Issue 16: the Selection view and the pruning-pattern viewer, offscreen. The matrix's
// colours and verdicts are those of search::selectDevice's answer for the same input
// (computed here independently), the chosen cell is the one selectDevice chooses, moving AC
// recomputes; accuracies come from the catalogue and from a runs folder, and the curves hold
// exactly those points. The heat map of a `tcw prune` run shows exactly its mask's kept
// fraction (75 % hierarchical: 0.25), and the format bars are the exact format sizes.
#include "../support/tcw_process.h"

#include "codesign/device_catalogue.h"
#include "codesign/training_job.h"
#include "compress/sparse_format.h"
#include "io/device_profile_json.h"
#include "io/files.h"
#include "panels/device_selection_page.h"
#include "plots/bar_chart.h"
#include "plots/selection_plots.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSlider>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tcw;
using namespace tcw::widgets;

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

void write(const QString& path, const std::string& text) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text.data(), qint64(text.size()));
}

profile::DeviceProfile box(const std::string& name, double seconds, const TransformerSpec& model) {
    profile::DeviceProfile p;
    p.deviceName = name;
    p.settings.sequenceLength = 16;
    profile::ProfileRow row;
    row.modelName = "tiny";
    row.model = model;
    row.latencySecondsPerSequence.median = row.latencySecondsPerSequence.mean = seconds;
    row.latencySecondsPerSequence.p5 = row.latencySecondsPerSequence.p95 = seconds;
    row.latencySecondsPerSequence.samples = 1;
    for (auto* m : {&row.energyJoulesPerSequence, &row.dynamicEnergyJoulesPerSequence, &row.averagePowerW,
                    &row.peakPowerW, &p.idlePowerW})
        *m = profile::Measure::unavailable("synthetic");
    p.rows.push_back(row);
    return p;
}

const char* kTiny = R"({"schemaVersion": 1, "kind": "transformer", "name": "tiny",
 "layers": [{"hiddenSize": 32, "heads": [{"type": "sa_sdp", "dim": 16}, {"type": "sa_sdp", "dim": 16}],
 "feedForward": [64]}]})";

const char* kFpga = R"({"kind": "fpga", "name": "mid", "dspSlices": 1728, "luts": 230400,
 "onChipMemoryBits": 1000000, "offChipBandwidthGBps": 1000, "clockMHz": 100, "peCount": 2,
 "macsPerPe": 16, "dspPerMac": 1, "lutsPerPe": 1500, "decodeBitsPerCycle": 64, "weightBits": 16,
 "weightFormat": "bitmap", "blockRows": 16, "blockCols": 16, "activationBits": 16})";

} // namespace

class TestSelectionView : public QObject {
    Q_OBJECT

    // The page's matrix against selectDevice's answer for the page's own input.
    void checkMatrixAgainstSelectDevice(const DeviceSelectionPage& page, const QString& catalogue) {
        const auto cat = codesign::readDeviceCatalogue(catalogue.toStdString(), kData.toStdString());
        search::SelectionInput in = page.input();
        in.deviceLatency = cat.deviceLatency();
        std::vector<std::optional<double>> accuracies;
        for (std::size_t k = 0; k < in.settings.size(); ++k)
            accuracies.push_back(page.result().cells[0][k].accuracy);
        const auto oracle = [&](const search::CompressionSetting& s) -> std::optional<double> {
            for (std::size_t k = 0; k < in.settings.size(); ++k)
                if (in.settings[k].label() == s.label())
                    return accuracies[k];
            return std::nullopt;
        };
        const auto r = search::selectDevice(in, oracle, electorTechnology14nm());
        QCOMPARE(r.rankedEntries, page.result().rankedEntries);
        QCOMPARE(r.chosenEntry, page.result().chosenEntry);
        QCOMPARE(r.chosenSetting, page.result().chosenSetting);
        const QTableWidget* m = page.matrix();
        QCOMPARE(m->rowCount(), int(r.rankedEntries.size()));
        QCOMPARE(m->columnCount(), int(in.settings.size()));
        for (int row = 0; row < m->rowCount(); ++row)
            for (int k = 0; k < m->columnCount(); ++k) {
                const auto e = r.rankedEntries[std::size_t(row)];
                const auto& cell = r.cells[e][std::size_t(k)];
                const CellJudgement j = judgeCell(cell, in.latencyLimitSeconds, in.accuracyLimit);
                const QTableWidgetItem* item = m->item(row, k);
                QCOMPARE(item->data(Qt::UserRole).toInt(), int(j.verdict));
                QVERIFY(item->text().endsWith(cellText(cell)));
                QCOMPARE(item->background().color(), verdictColour(j));
                QCOMPARE(j.verdict == CellVerdict::Feasible, cell.feasible);
                QCOMPARE(item->data(Qt::UserRole + 2).toBool(),
                         r.chosenEntry == e && r.chosenSetting == std::size_t(k));
            }
    }

private slots:
    void verdictsAndColours() {
        search::SelectionCell cell;
        cell.latencySeconds = 2e-3;
        cell.accuracy = 0.80;
        // LC 1 ms, AC 0.85: both fail; latency misses by 100 % (severity clipped to 1).
        CellJudgement j = judgeCell(cell, 1e-3, 0.85);
        QCOMPARE(j.verdict, CellVerdict::BothFail);
        QCOMPARE(j.severity, 1.0);
        // LC 4 ms: accuracy alone, by 0.05 / 0.85.
        j = judgeCell(cell, 4e-3, 0.85);
        QCOMPARE(j.verdict, CellVerdict::AccuracyFails);
        QVERIFY(std::abs(j.severity - 0.05 / 0.85) < 1e-12);
        j = judgeCell(cell, 1.6e-3, 0.5);
        QCOMPARE(j.verdict, CellVerdict::LatencyFails);
        QVERIFY(std::abs(j.severity - 0.25) < 1e-12);
        QCOMPARE(judgeCell(cell, 4e-3, 0.5).verdict, CellVerdict::Feasible);
        cell.latencySeconds.reset();
        QCOMPARE(judgeCell(cell, 4e-3, 0.5).verdict, CellVerdict::CannotRun);
        // A cell reads its latency, or why it has none (the tooltip has the reason whole).
        QCOMPARE(cellText(search::SelectionCell{true, 0.9, 2e-3, {}, {}}), QStringLiteral("2 ms"));
        cell.reasons = {"accuracy 0.8 below AC 0.85 by 0.05",
                        "cannot run: the weights need 27.6 MB on chip in bitmap + values at 16 bits, the part has "
                        "5.0 MB"};
        QCOMPARE(cellText(cell), QStringLiteral("cannot run\nthe weights need 27.6 MB on…"));
        cell.reasons = {"cannot cost: no measured cost model for device 'x'"};
        QCOMPARE(cellText(cell), QStringLiteral("cannot cost\nno measured cost model for…"));
        // A bigger miss is a stronger colour.
        const QColor small = verdictColour({CellVerdict::LatencyFails, 0.1}),
                     big = verdictColour({CellVerdict::LatencyFails, 0.9});
        QVERIFY(big.greenF() < small.greenF());
    }

    void matrixFollowsSelectDevice() {
        QTemporaryDir dir;
        const QString tinyPath = dir.filePath("tiny.json");
        write(tinyPath, kTiny);
        auto tiny = io::resolveTransformer(tinyPath.toStdString(), kData.toStdString());
        QVERIFY(tiny.ok());
        write(dir.filePath("slow.json"), io::deviceProfileJson(box("slow-box", 2e-3, *tiny.value)));
        write(dir.filePath("fast.json"), io::deviceProfileJson(box("fast-box", 1e-5, *tiny.value)));
        write(dir.filePath("mid.json"), kFpga);
        const QString catalogue = dir.filePath("catalogue.json");
        write(catalogue, R"({"schemaVersion": 1, "kind": "deviceCatalogue", "targets": [
 {"name": "slow", "kind": "device", "file": "slow.json", "cost": {"price": 10}},
 {"name": "fast", "kind": "device", "file": "fast.json", "cost": {"price": 150}},
 {"name": "mid-fpga", "kind": "fpga", "file": "mid.json", "cost": {"price": 200}}],
 "settings": [{"pattern": "dense", "accuracy": 0.90},
              {"pattern": "unstructured", "sparsity": 0.5},
              {"pattern": "unstructured", "sparsity": 0.75, "accuracy": 0.80}]})");
        // The 50 % setting's accuracy comes from a runs folder, with one more trained setting.
        const QString runs = dir.filePath("runs");
        write(runs + "/unstructured-s0.5-b16/metrics.json", R"({"model": "tiny", "testAccuracy": 0.88})");
        write(runs + "/unstructured-s0.9-b16/metrics.json", R"({"testAccuracy": 0.70})");
        write(runs + "/unfinished-s0.5-b16/log.txt", "no metrics");

        DeviceSelectionPage page;
        page.setDataDir(kData);
        page.setModel(tinyPath);
        page.setSequenceLength(16);
        page.setLatencyLimitMs(0.03);
        page.setAccuracyLimit(0.85);
        page.setRunsFolder(runs);
        page.resize(1200, 800);
        page.show();
        QSignalSpy computed(&page, &DeviceSelectionPage::computed);
        QSignalSpy failed(&page, &DeviceSelectionPage::failed);
        page.loadCatalogue(catalogue);
        QVERIFY2(computed.wait(60000), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(page.input().settings.size(), std::size_t(4)); // three listed, one more trained
        QCOMPARE(page.input().settings[3].label(), std::string("unstructured 90 % 16-bit"));
        QCOMPARE(*page.result().cells[0][1].accuracy, 0.88);
        checkMatrixAgainstSelectDevice(page, catalogue);
        // The hand-computed answer of test_selection_devices: fast-box (row 2 by price), dense.
        QCOMPARE(page.result().chosenEntry, std::optional<std::size_t>(1));
        QCOMPARE(page.result().chosenSetting, std::optional<std::size_t>(0));
        QVERIFY(page.matrix()->item(1, 0)->text().startsWith(QStringLiteral("★ ")));
        QVERIFY(page.chosenText().startsWith(QStringLiteral("Chosen: fast (price 150) with dense 16-bit")));
        // The curves: one pattern, the dense point then 50, 75, 90 %.
        const auto& curves = page.curvesPlot()->curves();
        QCOMPARE(curves.size(), std::size_t(1));
        QCOMPARE(curves[0].pattern, QStringLiteral("unstructured 16-bit"));
        const std::vector<std::pair<double, double>> expected{{0.0, 0.90}, {0.5, 0.88}, {0.75, 0.80}, {0.9, 0.70}};
        QCOMPARE(curves[0].points, expected);
        QCOMPARE(page.curvesPlot()->accuracyLimit(), 0.85);
        // Dragging AC to 0.95: nothing meets it; the matrix follows.
        page.accuracySlider()->setValue(950);
        QVERIFY(computed.wait(60000));
        QCOMPARE(page.input().accuracyLimit, 0.95);
        QVERIFY(!page.result().chosenEntry);
        checkMatrixAgainstSelectDevice(page, catalogue);
        // LC slider at value 348: 10^0.48 = 3.01995 ms, shown (and used) as 3.0200 ms; with AC
        // 0.85 slow-box (2 ms, price 10) now meets both.
        page.setAccuracyLimit(0.85);
        page.latencySlider()->setValue(348);
        QVERIFY(computed.wait(60000));
        QCOMPARE(page.latencyLimitMs(), 3.02);
        QVERIFY(std::abs(page.input().latencyLimitSeconds - 3.02e-3) < 1e-15);
        QCOMPARE(page.result().chosenEntry, std::optional<std::size_t>(0));
        checkMatrixAgainstSelectDevice(page, catalogue);
        // A runs folder of another model is refused, naming it (its accuracies are not this model's).
        write(runs + "/block-16x16-s0.5-b16/metrics.json", R"({"model": "bert-tiny", "testAccuracy": 0.5})");
        page.setRunsFolder(runs);
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.last().first().toString().contains(QStringLiteral("holds runs of bert-tiny")),
                 qPrintable(failed.last().first().toString()));
        QCOMPARE(page.matrix()->rowCount(), 0); // the matrix of the previous inputs is gone
    }

    void taskIsTheDataSetsAsTheCliLoadsIt() {
        // The page costs the model for the task `tcw select-device --data D` loads (before this,
        // it costed every model as a text task of 30,522 tokens and two classes, so a ViT's
        // latency differed from the command's). Each data set's shape against the loaded data.
        DeviceSelectionPage page;
        page.setSequenceLength(200);
        for (const QString& name : {QStringLiteral("fashion-mnist"), QStringLiteral("listops")}) {
            codesign::TrainingDataRequest request;
            request.name = name.toStdString();
            request.patch = 7; // the page's Fashion-MNIST patches (the preset ViT's)
            if (name == QLatin1String("fashion-mnist"))
                request.dataDir = (kData + "/datasets/fashion-mnist-mini").toStdString();
            request.maxTrain = request.maxTest = 64;
            const TaskShape loaded = codesign::loadTrainingData(request).task;
            const TaskShape shape = selectionTask(name, 200);
            QCOMPARE(shape.sequenceLength, loaded.sequenceLength);
            QCOMPARE(shape.vocabularySize, loaded.vocabularySize);
            QCOMPARE(shape.numClasses, loaded.numClasses);
            QCOMPARE(shape.patchInputSize, loaded.patchInputSize);
            page.setDataSet(name);
            QCOMPARE(page.sequenceLength(), loaded.sequenceLength); // the field follows, disabled
        }
        page.setDataSet(QStringLiteral("text")); // the user's length comes back
        QCOMPARE(page.sequenceLength(), 200);
        const TaskShape text = selectionTask(QStringLiteral("text"), 200);
        QCOMPARE(text.sequenceLength, 200);
        QCOMPARE(text.vocabularySize, 30522);
        QCOMPARE(text.numClasses, 2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, selectionTask(QStringLiteral("mnist"), 16));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, page.setDataSet(QStringLiteral("mnist")));
    }

    void pruningPatternViewer() {
        QTemporaryDir dir;
        const QString run = dir.filePath("run");
        const auto pruned = tcw::testing::runTcw({"prune",
                                                  "--model",
                                                  "vit-fashion-mnist",
                                                  "--data",
                                                  "fashion-mnist",
                                                  "--data-dir",
                                                  kData + "/datasets/fashion-mnist-mini",
                                                  "--patch",
                                                  "7",
                                                  "--steps",
                                                  "6",
                                                  "--batch",
                                                  "16",
                                                  "--pattern",
                                                  "hierarchical",
                                                  "--target-sparsity",
                                                  "0.75",
                                                  "--schedule",
                                                  "oneshot",
                                                  "--prune-start",
                                                  "0.5",
                                                  "--out",
                                                  run,
                                                  "--threads",
                                                  "1"});
        QVERIFY2(pruned.exitCode == 0, qPrintable(pruned.err));
        DeviceSelectionPage page;
        page.resize(1200, 800);
        QSignalSpy shown(&page, &DeviceSelectionPage::pruningRunShown);
        page.loadPruningRun(run);
        QVERIFY(shown.wait(60000));
        const auto* p = page.prunedRun();
        QVERIFY(p);
        QCOMPARE(p->masks.size(), std::size_t(16));
        for (int i = 0; i < int(p->masks.size()); ++i) {
            page.showPrunedMatrix(i);
            const auto& mask = p->masks[std::size_t(i)];
            const auto& grid = page.heatMap()->grid();
            // The picture's kept fraction is the mask's: 75 % hierarchical leaves exactly 25 %.
            QCOMPARE(grid.keptSum(), std::uint64_t(mask.kept()));
            QCOMPARE(grid.totalSum(), std::uint64_t(mask.size()));
            QCOMPARE(page.heatMap()->shownKeptFraction(), 0.25);
            // Each format's bar is its exact size in KiB.
            const auto sizes = compress::formatSizes(p->record.matrices[std::size_t(i)].counts, p->record.format);
            const auto& bars = page.formatChart()->series();
            QCOMPARE(bars.categories.size(), qsizetype(compress::kSparseFormatCount));
            for (std::size_t f = 0; f < compress::kSparseFormatCount; ++f)
                QCOMPARE(bars.values[f][0], double(sizes.bits[f]) / 8.0 / 1024.0);
        }
        // A 128 × 384 matrix fits at one weight a cell: every cell is 0 or 1.
        page.showPrunedMatrix(0);
        const auto& grid = page.heatMap()->grid();
        QCOMPARE(grid.cellRows, 1);
        QCOMPARE(grid.cellCols, 1);
        // Exporting the viewer draws (a PNG of the heat map).
        QString error;
        QVERIFY2(page.heatMap()->exportTo(dir.filePath("heat.png"), &error, QSize(400, 300)), qPrintable(error));
        // A folder without pruning.json is refused with the file named.
        QSignalSpy failed(&page, &DeviceSelectionPage::failed);
        page.loadPruningRun(dir.filePath("nothing"));
        QVERIFY(failed.wait(60000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("pruning.json: not found")));
    }
};

QTEST_MAIN(TestSelectionView)
#include "test_selection_view.moc"
