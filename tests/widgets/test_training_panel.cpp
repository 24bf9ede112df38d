// The Training panel end to end (offscreen): a run started from the panel and one started by
// `tcw train` with the same options and seed go through one function (codesign::TrainingJob)
// and store identical records apart from ids and times; the design's accuracy becomes
// trained; pause holds the step, resume continues, stop stores the run as cancelled with its
// partial curve; closing the window during a run stops it cleanly.
#include "../support/settings_sandbox.h"
#include "codesign/training_job.h"
#include "design/precision_shorthand.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "main_window.h"
#include "panels/training_panel.h"
#include "plots/training_plots.h"
#include "store/workspace.h"
#include "train/checkpoint.h"
#include "train/low_bit_report.h"
#include "train/precision.h"
#include "train/presets.h"
#include "training_controller.h"
#include "workspace_controller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace tcw;
using tcw::app::MainWindow;
using tcw::app::TrainingController;
using tcw::app::TrainingOutcome;
using tcw::app::WorkspaceController;

Q_DECLARE_METATYPE(tcw::app::TrainingOutcome)

namespace {

// A workspace with one pair: a two-layer transformer small enough to train in a blink, on
// the edge accelerator. Returns the pair's id.
qint64 makeWorkspace(const QString& path) {
    store::Workspace ws = store::Workspace::create(path.toStdString());
    TransformerSpec model = train::uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::C5}, {48});
    const std::filesystem::path data = TCW_SOURCE_DATA_DIR;
    const io::CodesignPair pair{"tiny on edge", model, io::resolveAccelerator("edge", data)->spec};
    return ws.addDesign("tiny on edge", store::DesignKind::Pair, io::canonicalJson(pair));
}

codesign::TrainingRequest smallRequest(std::int64_t steps, std::int64_t logEvery) {
    codesign::TrainingRequest r;
    r.data.name = "listops";
    r.data.maxTrain = 256;
    r.data.maxTest = 64;
    r.data.sequenceLength = 24;
    r.data.seed = 5;
    r.steps = steps;
    r.batch = 16;
    r.learningRate = 3e-3f;
    r.seed = 5;
    r.threads = 1;
    r.logEverySteps = logEvery;
    r.tauActivation = 0.02f;
    r.tauGradient = 1e-4f;
    return r;
}

// Shows the window (no dialogs), opens the workspace and selects the design; false when the
// workspace did not open.
bool openAndSelect(MainWindow& window, const QString& path, qint64 design) {
    window.setInteractive(false);
    window.show();
    QSignalSpy opened(window.controller(), &WorkspaceController::workspaceOpened);
    window.controller()->openWorkspace(path);
    if (!opened.wait(10000))
        return false;
    window.controller()->selectDesign(design);
    return true;
}

} // namespace

class TestTrainingPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void seriesAppendsAndMergesColumns();
    void runFromPanelMatchesTcwTrain();
    void pauseResumeStop();
    void badOptionsFailWithoutARun();
    void browseFillsTheDataFolder();
    void loneTransformerCostedOnAPreset();
    void closingDuringARunStopsIt();
    void threadsRememberedAndPrecisionExplained();
    void lowBitRunShowsTheTrainersNumbers();

private:
    QTemporaryDir m_settingsDir;
};

void TestTrainingPanel::initTestCase() {
    qRegisterMetaType<TrainingOutcome>();
    QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_training_panel")));
}

void TestTrainingPanel::seriesAppendsAndMergesColumns() {
    models::TrainingSeries series;
    series.reset({"L1 a", "L1 b"});
    const int reports = models::TrainingSeries::kMaxColumns + 1;
    for (int i = 1; i <= reports; ++i) {
        models::TrainingUpdate u;
        u.step = i * 10;
        u.totalSteps = reports * 10;
        u.points.push_back({u.step, 1.0 / i, 0.1, models::kNoValue, models::kNoValue});
        // Row a: the report's index as a fraction of all; row b: seen only in even reports.
        u.sparsityColumns.push_back({double(i) / reports, i % 2 == 0 ? 1.0 : models::kNoValue});
        u.columnSteps.push_back(u.step);
        if (i == 3)
            u.activationThresholds = {0.5};
        series.apply(u);
    }
    QCOMPARE(int(series.points().size()), reports); // every curve point is kept
    QCOMPARE(series.step(), qint64(reports * 10));
    // One column too many: neighbouring pairs were merged into their mean, the later step.
    QCOMPARE(series.columnCount(), models::TrainingSeries::kMaxColumns / 2 + 1);
    QCOMPARE(series.columnStep(0), 20);
    QCOMPARE(series.column(0)[0], 0.5 * (1.0 + 2.0) / reports);
    QCOMPARE(series.column(0)[1], 1.0); // NaN and 1 → the seen value
    QCOMPARE(series.columnStep(series.columnCount() - 1), qint64(reports * 10));
    QCOMPARE(series.activationThresholds(), std::vector<double>{0.5}); // kept until a report brings new ones
    QCOMPARE(models::formatDuration(65), QStringLiteral("1 min 05 s"));
}

void TestTrainingPanel::runFromPanelMatchesTcwTrain() {
    QTemporaryDir dir;
    const QString gui = dir.filePath("gui.tcw"), cli = dir.filePath("cli.tcw");
    const qint64 pair = makeWorkspace(gui);
    QCOMPARE(makeWorkspace(cli), pair);

    MainWindow window;
    QVERIFY(openAndSelect(window, gui, pair));
    auto* panel = window.trainingPanel();
    QCOMPARE(panel->designId(), std::optional<qint64>(pair));
    QVERIFY(panel->startAction()->isEnabled());
    panel->setRequest(smallRequest(12, 3));
    window.training()->setUpdateIntervalMs(0); // every report reaches the panel
    QSignalSpy finished(window.training(), &TrainingController::finished);
    QSignalSpy reloaded(window.controller(), &WorkspaceController::contentChanged);
    panel->startAction()->trigger();
    QVERIFY(window.training()->isRunning());
    QVERIFY(!panel->startAction()->isEnabled());
    QVERIFY(finished.wait(120000));
    const auto outcome = finished.takeFirst().at(0).value<TrainingOutcome>();
    QVERIFY2(outcome.stored, qPrintable(outcome.message));
    QCOMPARE(outcome.status, QStringLiteral("completed"));
    QCOMPARE(outcome.steps, 12);
    QCOMPARE(outcome.trainedEvaluations, 2);
    QVERIFY(QFileInfo::exists(outcome.runDirectory + "/checkpoint.bin"));
    QVERIFY(QFileInfo::exists(outcome.runDirectory + "/curves.csv"));
    QVERIFY(outcome.runDirectory.startsWith(gui + ".runs/run-"));

    // The panel saw every report: four curve points, four heat-map columns of 2 layers × 7 rows,
    // histograms that count something, and the simulated cost.
    const auto& series = panel->series();
    QCOMPARE(int(series.points().size()), 4);
    QCOMPARE(series.columnCount(), 4);
    QCOMPARE(int(series.rowLabels().size()), 14);
    QCOMPARE(int(series.column(0).size()), 14);
    QVERIFY(series.activations().total() > 0);
    QVERIFY(series.gradients().total() > 0);
    QCOMPARE(series.activationThresholds().front(), double(0.02f));
    QVERIFY(series.cost().has_value());
    QVERIFY(series.cost()->latencySeconds > 0);
    QVERIFY(series.cost()->denseLatencySeconds > 0);
    // The plots draw what they hold (export renders the same picture as the screen).
    for (auto* plot : panel->findChildren<widgets::PlotWidget*>()) {
        QString error;
        QVERIFY2(plot->exportTo(dir.filePath(plot->exportName() + ".png"), &error, QSize(400, 240)), qPrintable(error));
    }

    // The same options through the tcw binary, stored in the other workspace.
    QProcess tcw;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("TCW_DATA_DIR", TCW_SOURCE_DATA_DIR);
    tcw.setProcessEnvironment(env);
    tcw.start(TCW_CLI_BINARY, {"train",     "--workspace", cli,           "--design",    QString::number(pair),
                               "--data",    "listops",     "--max-train", "256",         "--max-test",
                               "64",        "--seq-len",   "24",          "--steps",     "12",
                               "--batch",   "16",          "--lr",        "0.003",       "--seed",
                               "5",         "--threads",   "1",           "--log-every", "3",
                               "--tau-act", "0.02",        "--tau-grad",  "0.0001",      "--quiet"});
    QVERIFY(tcw.waitForFinished(120000));
    QVERIFY2(tcw.exitCode() == 0, tcw.readAllStandardError().constData());

    // Done-when 5: one path, identical records. Everything the two runs stored is compared
    // field by field; only ids, timestamps, elapsed seconds and the run folder (each next to
    // its own workspace, named by the time it started) may differ.
    const store::Workspace a = store::Workspace::open(gui.toStdString());
    const store::Workspace b = store::Workspace::open(cli.toStdString());
    QCOMPARE(a.counts(), b.counts());
    QCOMPARE(a.counts().trainingRuns, 1);
    const auto designsA = a.designs(), designsB = b.designs();
    QCOMPARE(int(designsA.size()), 2); // the pair and its transformer, which the run belongs to
    for (std::size_t i = 0; i < designsA.size(); ++i) {
        store::DesignRecord x = designsA[i], y = designsB[i];
        x.createdAt = y.createdAt = "";
        QCOMPARE(x, y);
    }
    const auto runsA = a.trainingRuns(), runsB = b.trainingRuns();
    QCOMPARE(runsA[0].status, store::RunStatus::Finished);
    QVERIFY(runsA[0].finalAccuracy.has_value());
    QCOMPARE(*runsA[0].finalAccuracy, outcome.testAccuracy);
    {
        store::TrainingRunRecord x = runsA[0], y = runsB[0];
        const auto configA = io::parseTrainingConfig(x.configJson, "gui run");
        const auto configB = io::parseTrainingConfig(y.configJson, "cli run");
        QVERIFY2(configA && configB, (configA.errors.toString() + configB.errors.toString()).c_str());
        QCOMPARE(configA->request, configB->request);
        codesign::TrainingRequest asked = smallRequest(12, 3);
        asked.collectMagnitudeHistograms = false; // a live view's choice, not stored
        QCOMPARE(configA->request, asked);
        QCOMPARE(configA->modelName, configB->modelName);
        QCOMPARE(QString::fromStdString(configA->runDirectory), outcome.runDirectory);
        QVERIFY(QString::fromStdString(configB->runDirectory).startsWith(cli + ".runs/run-"));
        auto curveA = io::parseTrainingCurve(x.curvesJson, "gui run"),
             curveB = io::parseTrainingCurve(y.curvesJson, "cli run");
        QVERIFY(curveA && curveB);
        QCOMPARE(int(curveA->size()), 4);
        for (std::size_t i = 0; i < curveA->size(); ++i) {
            auto p = (*curveA)[i], q = (*curveB)[i];
            QVERIFY(p.elapsedSeconds > 0);
            p.elapsedSeconds = q.elapsedSeconds = 0; // time is the one measurement allowed to differ
            QCOMPARE(p, q);
            QCOMPARE(p.trainLoss, series.points()[i].trainLoss);
        }
        QVERIFY(!x.sparsityProfileJson.empty());
        x.id = y.id = 0;
        x.createdAt = y.createdAt = x.finishedAt = y.finishedAt = x.configJson = y.configJson = x.curvesJson =
            y.curvesJson = "";
        QCOMPARE(x, y); // design, name, data set, status, accuracy, measured sparsity profile
    }
    // The pair's evaluations: both modes, trained accuracy, the measured sparsity's metrics.
    const auto ea = a.evaluations(pair), eb = b.evaluations(pair);
    QCOMPARE(int(ea.size()), 2);
    QCOMPARE(int(eb.size()), 2);
    const std::string folderNameA = std::filesystem::path(outcome.runDirectory.toStdString()).filename().string();
    for (std::size_t i = 0; i < 2; ++i) {
        QCOMPARE(ea[i].accuracySource, store::AccuracySource::Trained);
        QCOMPARE(*ea[i].accuracy, *runsA[0].finalAccuracy);
        QVERIFY(ea[i].latencySeconds.value_or(0) > 0);
        QVERIFY(ea[i].accuracyDetail.find("run " + std::to_string(runsA[0].id)) != std::string::npos);
        QVERIFY(ea[i].accuracyDetail.find(folderNameA) != std::string::npos);
        store::EvaluationRecord x = ea[i], y = eb[i];
        x.createdAt = y.createdAt = "";
        // The detail names the run folder; beyond it the text must match.
        x.accuracyDetail = x.accuracyDetail.substr(0, x.accuracyDetail.rfind("; run-"));
        y.accuracyDetail = y.accuracyDetail.substr(0, y.accuracyDetail.rfind("; run-"));
        QCOMPARE(x, y);
    }
    // The explorer reloaded: the design now shows a trained accuracy.
    QTRY_VERIFY(!reloaded.isEmpty());
    const auto shown = window.controller()->evaluations(pair);
    QCOMPARE(shown.back().accuracySource, store::AccuracySource::Trained);
    QVERIFY(panel->startAction()->isEnabled());

    // The stored run, shown again from the workspace: the same curve.
    const std::vector<models::TrainingCurveSample> live = series.points();
    window.showStoredTrainingRun(runsA[0].id);
    QCOMPARE(int(series.points().size()), 4);
    for (std::size_t i = 0; i < live.size(); ++i) {
        QCOMPARE(series.points()[i].step, live[i].step);
        QCOMPARE(series.points()[i].trainLoss, live[i].trainLoss);
    }
    QVERIFY(panel->findChild<QLabel*>("trainingStatus")->text().startsWith("Stored run 1 (finished"));
}

void TestTrainingPanel::pauseResumeStop() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w.tcw");
    const qint64 pair = makeWorkspace(path);
    MainWindow window;
    QVERIFY(openAndSelect(window, path, pair));
    auto* panel = window.trainingPanel();
    panel->setRequest(smallRequest(100000, 2)); // far more than the test lets it do
    TrainingController* training = window.training();
    training->setUpdateIntervalMs(0);
    QSignalSpy updated(training, &TrainingController::updated);
    QSignalSpy finished(training, &TrainingController::finished);
    QVERIFY(window.startTraining());
    QVERIFY(updated.wait(60000));

    panel->pauseAction()->trigger();
    QVERIFY(training->isPaused());
    QVERIFY(!panel->pauseAction()->isEnabled());
    QVERIFY(panel->resumeAction()->isEnabled());
    // Reports already under way arrive; then the step holds still.
    for (int quiet = 0, rounds = 0; quiet < 2; ++rounds) {
        QVERIFY(rounds < 60);
        const qsizetype before = updated.count();
        QTest::qWait(200);
        quiet = updated.count() == before ? quiet + 1 : 0;
    }
    const qint64 pausedAt = panel->series().step();
    QTest::qWait(400);
    QCOMPARE(panel->series().step(), pausedAt);
    QVERIFY(panel->statusText().startsWith("Paused at step"));

    panel->resumeAction()->trigger();
    QVERIFY(!training->isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(panel->series().step() >= pausedAt + 4, 20000);

    panel->stopAction()->trigger();
    QVERIFY(finished.wait(60000));
    const auto outcome = finished.takeFirst().at(0).value<TrainingOutcome>();
    QVERIFY2(outcome.stored, qPrintable(outcome.message));
    QCOMPARE(outcome.status, QStringLiteral("cancelled"));
    QVERIFY(outcome.steps > pausedAt);
    QVERIFY(outcome.steps < 100000);

    const store::Workspace ws = store::Workspace::open(path.toStdString());
    const auto runs = ws.trainingRuns();
    QCOMPARE(int(runs.size()), 1);
    QCOMPARE(runs[0].status, store::RunStatus::Cancelled);
    QVERIFY(!runs[0].finalAccuracy); // stopped at once: not evaluated, so no accuracy is stored
    // The partial curve: one point per report up to where it stopped.
    const auto points = io::parseTrainingCurve(runs[0].curvesJson, "stopped run");
    QVERIFY(points.ok());
    QCOMPARE(qint64(points->size()), outcome.steps / 2);
    QCOMPARE(qint64(points->size()), qint64(panel->series().points().size()));
    // A cancelled run is not an accuracy for the design.
    QVERIFY(ws.evaluations(pair).empty());
    QVERIFY(panel->startAction()->isEnabled());
    QVERIFY(!panel->stopAction()->isEnabled());
}

void TestTrainingPanel::badOptionsFailWithoutARun() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w.tcw");
    const qint64 pair = makeWorkspace(path);
    MainWindow window;
    QVERIFY(openAndSelect(window, path, pair));
    codesign::TrainingRequest request = smallRequest(10, 2);
    request.data.maxTrain = 8; // fewer examples than one batch of 16
    window.trainingPanel()->setRequest(request);
    QSignalSpy finished(window.training(), &TrainingController::finished);
    QVERIFY(window.startTraining());
    QVERIFY(finished.wait(60000));
    const auto outcome = finished.takeFirst().at(0).value<TrainingOutcome>();
    QVERIFY(!outcome.stored);
    QCOMPARE(outcome.status, QStringLiteral("failed"));
    QVERIFY2(outcome.message.contains("fewer than one batch of 16"), qPrintable(outcome.message));
    QVERIFY(window.trainingPanel()->findChild<QLabel*>("trainingStatus")->text().startsWith("Training failed"));
    QVERIFY(window.trainingPanel()->startAction()->isEnabled());
    QVERIFY(QDir(path + ".runs").isEmpty()); // no folder left for a run that never ran
    const store::Workspace ws = store::Workspace::open(path.toStdString());
    QVERIFY(ws.trainingRuns().empty());
}

// Browse… opens a folder dialog without blocking; the chosen folder lands in the field and in
// the request ("tsv:" + folder for a TSV data set). Cancelling changes nothing.
void TestTrainingPanel::browseFillsTheDataFolder() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("glue/sst2"));
    const QString folder = dir.filePath("glue/sst2");
    widgets::TrainingPanel panel;
    panel.show();
    codesign::TrainingRequest request = smallRequest(10, 2);
    request.data.name = "tsv:";
    panel.setRequest(request);
    auto* field = panel.findChild<QLineEdit*>("trainingDataFolder");
    auto* browse = panel.findChild<QToolButton*>("trainingBrowseDataFolder");
    QVERIFY(field && browse && browse->isEnabled());
    auto chooseIn = [&](const QString& choice) {
        browse->click();
        auto* dialog = panel.findChild<QFileDialog*>("trainingDataFolderDialog");
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->fileMode(), QFileDialog::Directory);
        if (choice.isEmpty()) {
            dialog->reject();
        } else {
            dialog->selectFile(choice);
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog::accept, public in QDialog
        }
        QTRY_VERIFY(!panel.findChild<QFileDialog*>("trainingDataFolderDialog"));
    };
    chooseIn(folder);
    QCOMPARE(QDir::fromNativeSeparators(field->text()), folder);
    QCOMPARE(panel.request().data.name, "tsv:" + folder.toStdString());
    chooseIn(QString()); // cancelled
    QCOMPARE(QDir::fromNativeSeparators(field->text()), folder);
}

void TestTrainingPanel::loneTransformerCostedOnAPreset() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w.tcw");
    qint64 model = 0;
    {
        store::Workspace ws = store::Workspace::create(path.toStdString());
        const TransformerSpec spec = train::uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::C5}, {48});
        model = ws.addDesign("tiny", store::DesignKind::Transformer,
                             io::formatDocument(io::Document{spec}, io::FileFormat::WorkbenchJson).text);
    }
    MainWindow window;
    QVERIFY(openAndSelect(window, path, model));
    auto* panel = window.trainingPanel();
    QVERIFY(panel->acceleratorPresetFile().endsWith(".json")); // a preset is picked for the cost
    panel->setRequest(smallRequest(4, 2));
    window.training()->setUpdateIntervalMs(0);
    QSignalSpy finished(window.training(), &TrainingController::finished);
    QVERIFY(window.startTraining());
    QVERIFY(finished.wait(60000));
    const auto outcome = finished.takeFirst().at(0).value<TrainingOutcome>();
    QVERIFY2(outcome.stored, qPrintable(outcome.message));
    QVERIFY(panel->series().cost().has_value());
    QVERIFY(panel->series().cost()->latencySeconds > 0);
    // Stored on the transformer itself: accuracy-only evaluations in both modes.
    const store::Workspace ws = store::Workspace::open(path.toStdString());
    QCOMPARE(ws.trainingRuns().front().designId, model);
    const auto evaluations = ws.evaluations(model);
    QCOMPARE(int(evaluations.size()), 2);
    for (const auto& e : evaluations) {
        QCOMPARE(e.accuracySource, store::AccuracySource::Trained);
        QCOMPARE(*e.accuracy, outcome.testAccuracy);
        QVERIFY(!e.latencySeconds);
    }
    QCOMPARE(ws.designs().size(), std::size_t(1)); // no second copy of the transformer
}

void TestTrainingPanel::closingDuringARunStopsIt() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w.tcw");
    const qint64 pair = makeWorkspace(path);
    {
        MainWindow window;
        QVERIFY(openAndSelect(window, path, pair));
        window.trainingPanel()->setRequest(smallRequest(100000, 5));
        QSignalSpy updated(window.training(), &TrainingController::updated);
        QVERIFY(window.startTraining());
        QVERIFY(updated.wait(60000));
        window.trainingPanel()->pauseAction()->trigger(); // even a paused run stops
        QVERIFY(window.close());
        QVERIFY(!window.isVisible());
    }
    const store::Workspace ws = store::Workspace::open(path.toStdString());
    const auto runs = ws.trainingRuns();
    QCOMPARE(int(runs.size()), 1);
    QCOMPARE(runs[0].status, store::RunStatus::Cancelled);
}

// Issue 20: the thread count is a setting of this computer (a new panel starts with the last
// one), and the bf16 box shows the decision tcw train would make on this CPU.
void TestTrainingPanel::threadsRememberedAndPrecisionExplained() {
    {
        widgets::TrainingPanel panel;
        auto* threads = panel.findChild<QSpinBox*>(QStringLiteral("trainingThreads"));
        QVERIFY(threads);
        threads->setValue(3);
        QCOMPARE(panel.request().threads, 3);
    }
    widgets::TrainingPanel panel;
    QCOMPARE(panel.request().threads, 3);
    QCOMPARE(QSettings().value(QStringLiteral("training/threads")).toInt(), 3);

    auto* bf16 = panel.findChild<QCheckBox*>(QStringLiteral("trainingBf16"));
    auto* note = panel.findChild<QLabel*>(QStringLiteral("trainingPrecisionNote"));
    QVERIFY(bf16 && note);
    QCOMPARE(note->text(), QStringLiteral("Matmuls in f32"));
    bf16->setChecked(true);
    QVERIFY(panel.request().bf16);
    const train::PrecisionChoice choice = train::choosePrecision(true, false, train::detectCpuIsa());
    if (choice.note.empty())
        QCOMPARE(note->text(), QStringLiteral("Matmuls in bf16 (this CPU multiplies bf16 in hardware)"));
    else
        QCOMPARE(note->text(), QString::fromStdString(choice.note));
    codesign::TrainingRequest forced = panel.request();
    forced.forceBf16 = true; // tcw train --force-bf16's request, opened in the panel
    panel.setRequest(forced);
    QCOMPARE(note->text().isEmpty(), false);
    QCOMPARE(panel.request().forceBf16, true);
}

// Issue 15: a run at another precision with a teacher, started from the panel's controls. The
// panel's low-bit view holds the trainer's numbers: the last report's latent-weight histograms,
// boundaries, scales and zero shares equal the report of the run's checkpoint (its latent
// weights at the end), the last loss split equals the run's own (metrics.json), and the run
// is stored on the transformer at that precision, not on the pair.
void TestTrainingPanel::lowBitRunShowsTheTrainersNumbers() {
    QTemporaryDir dir;
    const QString path = dir.filePath("lowbit.tcw");
    const qint64 pair = makeWorkspace(path);
    MainWindow window;
    QVERIFY(openAndSelect(window, path, pair));
    auto* panel = window.trainingPanel();
    window.training()->setUpdateIntervalMs(0);
    QSignalSpy finished(window.training(), &TrainingController::finished);

    // The teacher: the pair's own f32 run.
    panel->setRequest(smallRequest(4, 2));
    panel->setPrecision(QString());
    panel->startAction()->trigger();
    QVERIFY(finished.wait(120000));
    const auto teacher = finished.takeFirst().at(0).value<TrainingOutcome>();
    QVERIFY2(teacher.stored, qPrintable(teacher.message));
    QVERIFY(panel->series().lowBit().latest() == std::nullopt); // f32: nothing quantized
    QVERIFY(panel->series().lowBit().lossSplit().empty());

    // The student at w2a8 from the panel's fields, as tcw train --precision w2a8 --teacher RUN
    // --distill-weight 0.7 --distill-hidden-weight 0.3 --distill-temperature 2.
    codesign::TrainingRequest studentRequest = smallRequest(5, 1);
    studentRequest.tauActivation = 0; // quantized activations are not pruned (the trainer refuses both)
    panel->setRequest(studentRequest);
    panel->findChild<QComboBox*>(QStringLiteral("trainingPrecision"))->setCurrentText(QStringLiteral("w2a8"));
    panel->findChild<QLineEdit*>(QStringLiteral("trainingTeacher"))->setText(teacher.runDirectory);
    panel->findChild<QDoubleSpinBox*>(QStringLiteral("trainingDistillWeight"))->setValue(0.7);
    panel->findChild<QDoubleSpinBox*>(QStringLiteral("trainingDistillHiddenWeight"))->setValue(0.3);
    panel->findChild<QDoubleSpinBox*>(QStringLiteral("trainingDistillTemperature"))->setValue(2.0);
    QCOMPARE(panel->precision(), QStringLiteral("w2a8"));
    QCOMPARE(panel->request().teacher, teacher.runDirectory.toStdString());
    panel->startAction()->trigger();
    QVERIFY(finished.wait(120000));
    const auto student = finished.takeFirst().at(0).value<TrainingOutcome>();
    QVERIFY2(student.stored, qPrintable(student.message));
    QCOMPARE(student.status, QStringLiteral("completed"));
    // Stored on the transformer at w2a8 (its own design), with its accuracy; the pair keeps
    // its own precision and gets no trained evaluation.
    QCOMPARE(student.trainedEvaluations, 2);
    {
        const store::Workspace ws = store::Workspace::openReadOnly(path.toStdString());
        const auto runs = ws.trainingRuns();
        const auto run = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.id == student.runId; });
        QVERIFY(run != runs.end());
        QVERIFY(run->designId != pair);
        const auto design = ws.design(run->designId);
        QVERIFY(design && design->kind == store::DesignKind::Transformer);
        QVERIFY2(QString::fromStdString(design->name).endsWith(QStringLiteral("(w2a8)")), design->name.c_str());
        const auto trained = ws.evaluations(run->designId);
        QCOMPARE(int(trained.size()), 2);
        for (const auto& e : trained) {
            QCOMPARE(e.accuracySource, store::AccuracySource::Trained);
            QCOMPARE(*e.accuracy, student.testAccuracy);
        }
        for (const auto& e : ws.evaluations(pair))
            QVERIFY(e.accuracySource != store::AccuracySource::Trained ||
                    e.accuracyDetail.find("run " + std::to_string(student.runId)) == std::string::npos);
    }

    const auto& lowBit = panel->series().lowBit();
    QVERIFY(lowBit.latest().has_value());
    QCOMPARE(int(lowBit.lossSplit().size()), 5); // one window per step
    // The last window is the last step: the run's own split (its last 10 % of 5 steps).
    QFile metricsFile(student.runDirectory + "/metrics.json");
    QVERIFY(metricsFile.open(QIODevice::ReadOnly));
    const QJsonObject distillation =
        QJsonDocument::fromJson(metricsFile.readAll()).object().value("distillation").toObject();
    const auto& last = lowBit.lossSplit().back();
    QCOMPARE(last.step, qint64(5));
    QCOMPARE(last.taskLoss, distillation.value("taskLoss").toDouble());
    QCOMPARE(last.logitLoss, distillation.value("logitLoss").toDouble());
    QCOMPARE(last.hiddenLoss, distillation.value("hiddenLoss").toDouble());
    QVERIFY(std::fabs(last.weightedLoss - (last.taskLoss + 0.7 * last.logitLoss + 0.3 * last.hiddenLoss)) < 1e-12);

    // The latent weights at the end are the checkpoint's: the report of those equals the panel's.
    TransformerSpec model = train::uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::C5}, {48});
    QVERIFY(applyPrecisionShorthand("w2a8", model.compression).empty());
    const codesign::TrainingRequest request = panel->request();
    const train::Dataset data = codesign::loadTrainingData(request.data);
    train::Network network(model, data.task, 16);
    const train::WeightPrecision precision(network.tensors(), model.compression);
    const train::CheckpointState state =
        train::loadCheckpoint((student.runDirectory + "/checkpoint.bin").toStdString());
    const train::LowBitReport expected = train::lowBitReport(state.parameters, network.tensors(), &precision, nullptr);
    const auto& shown = lowBit.latest()->weights;
    QCOMPARE(shown.size(), expected.weights.size());
    QVERIFY(!shown.empty());
    for (std::size_t i = 0; i < shown.size(); ++i) {
        QCOMPARE(shown[i].tensor, QString::fromStdString(expected.weights[i].tensor));
        QCOMPARE(shown[i].rule, QStringLiteral("TWN"));
        QCOMPARE(shown[i].scale, expected.weights[i].scale);
        QCOMPARE(shown[i].zeroFraction, expected.weights[i].zeroFraction);
        QCOMPARE(shown[i].boundaries, expected.weights[i].boundaries);
        QCOMPARE(shown[i].counts,
                 std::vector<qint64>(expected.weights[i].counts.begin(), expected.weights[i].counts.end()));
    }
    // Every activation quantizer (8-bit) has a learnt scale; the clipped label states their shares.
    QVERIFY(!lowBit.latest()->activations.empty());
    const auto clipped = lowBit.clipped();
    QVERIFY(clipped.has_value());
    QVERIFY(panel->findChild<QLabel*>(QStringLiteral("trainingClipped"))->text().contains(QStringLiteral("Clipped")));
    // A scale curve per quantized tensor, one point per report.
    QCOMPARE(lowBit.scales().size(), shown.size() + lowBit.latest()->activations.size());
    QCOMPARE(int(lowBit.scales().at(shown.front().tensor).size()), 5);
    // The matrix chooser lists the quantized matrices; the plots draw what they hold.
    QCOMPARE(panel->findChild<QComboBox*>(QStringLiteral("trainingLatentTensor"))->count(), int(shown.size()));
    for (auto* plot : panel->findChildren<widgets::PlotWidget*>()) {
        QString error;
        QVERIFY2(plot->exportTo(dir.filePath(plot->exportName() + ".png"), &error, QSize(400, 240)), qPrintable(error));
    }
    // A bad shorthand is refused before a run, naming what is allowed.
    panel->setPrecision(QStringLiteral("w3a5"));
    QString error;
    QVERIFY(!window.training()->start(pair, panel->request(), {}, &error, panel->precision()));
    QVERIFY2(error.contains(QStringLiteral("w1a1")), qPrintable(error));
}

QTEST_MAIN(TestTrainingPanel)
#include "test_training_panel.moc"
