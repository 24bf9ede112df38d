// Issue 14: the Search panel starts mixed searches over accelerators and measured devices
// (offscreen). The panel's device choice builds the configuration `tcw search --print-config`
// builds for the same options (compared whole, and shown again it comes back unchanged); where
// devices cannot join — an objective a device never reports, training mode, a precision list
// without f32 — the choice is greyed with the CLI's own error text, and a device measured at
// another sequence length is greyed with the search's reason; the choice is remembered; a
// mixed search started from the panel, stopped and resumed there, stores designs of both kinds
// and ends with exactly the trials of an uninterrupted `tcw search` with the same options.
#include "main_window.h"
#include "panels/search_devices_box.h"
#include "panels/search_panel.h"
#include "panels/search_precision_box.h"
#include "search_controller.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"
#include "../support/stored_trials.h"
#include "codesign/cluster_job.h"
#include "codesign/search_request.h"
#include "codesign/search_session.h"
#include "devices/device_library.h"
#include "devices/edgetran_import.h"
#include "io/search_json.h"
#include "store/sqlite.h"
#include "store/workspace.h"

#include <QCheckBox>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace tcw;
using search::Metric;
using State = widgets::SearchPanel::State;

namespace {

const QString kTcw = QStringLiteral(TCW_CLI_BINARY);
const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

struct CliRun {
    int exitCode = -1;
    QString out, err;
};

CliRun runTcw(const QStringList& arguments) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TCW_DATA_DIR"), kData);
    p.setProcessEnvironment(env);
    p.start(kTcw, arguments);
    CliRun r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

CliRun printConfig(const QStringList& options) {
    return runTcw(QStringList{QStringLiteral("search"), QStringLiteral("--print-config")} + options);
}

// The CLI's error lines, without the "tcw search: " prefix.
QStringList cliErrors(const CliRun& run) {
    QStringList out;
    for (const QString& line : run.err.split(QLatin1Char('\n')))
        if (line.startsWith(QStringLiteral("tcw search: ")))
            out << line.mid(12);
    return out;
}

void tickObjectives(widgets::SearchPanel& panel, std::initializer_list<Metric> used) {
    for (Metric m : {Metric::Accuracy, Metric::Latency, Metric::DynamicEnergy, Metric::LeakageEnergy,
                     Metric::TotalEnergy, Metric::Area, Metric::PeakPower, Metric::Robustness})
        panel.setObjectiveWeight(m, std::find(used.begin(), used.end(), m) != used.end(), 0.5);
}

QListWidgetItem* deviceItem(widgets::SearchPanel& panel, const QString& id) {
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("searchDeviceList"));
    for (int i = 0; list && i < list->count(); ++i)
        if (list->item(i)->data(Qt::UserRole).toString() == id)
            return list->item(i);
    return nullptr;
}

// A panel on the shipped data with the presets read.
bool preparePanel(widgets::SearchPanel& panel) {
    panel.setDataDirectory(kData.toStdString());
    panel.setState(State::Idle);
    return QTest::qWaitFor([&panel] { return !panel.devicesBox()->isLoading(); }, 30000);
}

// The latest search's status and configuration.
QPair<QString, QString> latestSearch(const QString& path) {
    store::Database db = store::Database::open(path.toStdString(), store::Database::Mode::ReadOnly);
    store::Statement s = db.prepare("SELECT status, config_json FROM searches ORDER BY id DESC LIMIT 1");
    if (!s.step())
        return {};
    return {QString::fromStdString(s.text(0)), QString::fromStdString(s.text(1))};
}

} // namespace

class TestSearchDevices : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_search_devices")));
        qputenv("TCW_DATA_DIR", kData.toUtf8());
    }
    void init() { QSettings().clear(); }

    // The list: every preset with its batch and sequence length, then the workspace's own.
    void listsPresetsAndWorkspaceDevices() {
        widgets::SearchPanel panel;
        QVERIFY(preparePanel(panel));
        const auto presets = devices::presetDeviceIds(kData.toStdString());
        QCOMPARE(qsizetype(presets.size()), qsizetype(8)); // EdgeTran's seven and the H100
        QStringList expected;
        for (const auto& id : presets)
            expected << QString::fromStdString(id);
        QCOMPARE(panel.devicesBox()->listedIds(), expected);
        QListWidgetItem* m1 = deviceItem(panel, QStringLiteral("gpu_m1-pro"));
        QVERIFY(m1);
        QCOMPARE(m1->text(), QStringLiteral("gpu_m1-pro · batch 32 · seq 128"));
        QVERIFY(m1->toolTip().contains(QStringLiteral("Apple M1 Pro GPU")));
        QVERIFY(deviceItem(panel, QStringLiteral("cpu_rpi"))->text().contains(QStringLiteral("batch 1")));

        // A workspace profile is listed after the presets; a workspace copy of a preset once.
        auto rpi = devices::resolveDeviceProfile("cpu_rpi", kData.toStdString());
        QVERIFY(rpi.ok());
        devices::DeviceProfile own = *rpi.value;
        own.deviceName = "lab-pi";
        panel.setWorkspaceDevices({own, *rpi.value});
        QCOMPARE(panel.devicesBox()->listedIds(), expected + QStringList{QStringLiteral("lab-pi")});
        QVERIFY(deviceItem(panel, QStringLiteral("lab-pi"))->text().endsWith(QStringLiteral("· workspace")));
    }

    // Two devices and ELECTOR, EdgeTran's seven, every preset: the configuration is the CLI's.
    void panelBuildsWhatTheCliBuilds_data() {
        QTest::addColumn<QString>("choose"); // ids, or the button "edgetran" / "all"
        QTest::addColumn<QStringList>("cli");
        QTest::addColumn<QStringList>("devices");
        QTest::newRow("ELECTOR + gpu_m1-pro, cpu_rpi")
            << QStringLiteral("gpu_m1-pro,cpu_rpi") << QStringList{"--targets", "elector,devices:gpu_m1-pro,cpu_rpi"}
            << QStringList{"gpu_m1-pro", "cpu_rpi"};
        QStringList edgetran;
        for (const auto& id : devices::edgetranDeviceIds())
            edgetran << QString::fromStdString(id);
        QTest::newRow("ELECTOR + EdgeTran's seven")
            << QStringLiteral("edgetran") << QStringList{"--targets", "elector,devices:edgetran"} << edgetran;
        QStringList all;
        for (const auto& id : devices::presetDeviceIds(kData.toStdString()))
            all << QString::fromStdString(id);
        QTest::newRow("ELECTOR + every preset")
            << QStringLiteral("all") << QStringList{"--targets", "elector,devices:all"} << all;
    }
    void panelBuildsWhatTheCliBuilds() {
        QFETCH(QString, choose);
        QFETCH(QStringList, cli);
        QFETCH(QStringList, devices);
        widgets::SearchPanel panel;
        QVERIFY(preparePanel(panel));
        panel.setAlgorithm(QStringLiteral("random"));
        panel.setBudget(40);
        panel.setSeed(3);
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::PeakPower});
        auto* on = panel.findChild<QCheckBox*>(QStringLiteral("searchMeasuredDevices"));
        QVERIFY(on && on->isEnabled() && !on->isChecked());
        on->setChecked(true);
        if (choose == QLatin1String("edgetran") || choose == QLatin1String("all")) {
            auto* button =
                panel.findChild<QToolButton*>(choose == QLatin1String("all") ? QStringLiteral("searchDevicesAll")
                                                                             : QStringLiteral("searchDevicesEdgetran"));
            QVERIFY(button && button->isEnabled());
            button->click();
        } else { // ticked one by one, in this order, as a user does
            for (const QString& id : choose.split(QLatin1Char(','))) {
                QListWidgetItem* item = deviceItem(panel, id);
                QVERIFY(item && (item->flags() & Qt::ItemIsEnabled));
                item->setCheckState(Qt::Checked);
            }
        }
        QCOMPARE(panel.devicesBox()->chosen(), devices);
        panel.setBudget(40); // validate now (the box's changes wait for the timer)
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        const codesign::BuiltConfig built = codesign::buildSearchConfig(panel.request(), kData.toStdString());
        QVERIFY(built.config);
        std::vector<std::string> ids;
        for (const QString& id : devices)
            ids.push_back(id.toStdString());
        QCOMPARE(built.config->targets.devices, ids);
        QCOMPARE(built.config->targets.kinds, (std::vector<TargetKind>{TargetKind::Elector, TargetKind::Device}));

        const CliRun run = printConfig(QStringList{"--algorithm", "random", "--budget", "40", "--seed", "3",
                                                   "--objectives", "accuracy,latency,energy,power"} +
                                       cli);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const auto fromCli = io::parseSearchConfig(run.out.toStdString(), "tcw search --print-config");
        QVERIFY2(fromCli, fromCli ? "" : fromCli.errors.toString().c_str());
        QVERIFY(built.config->targets == fromCli.value->targets);
        // What --print-config prints is what the search stores: the panel's, printed the same
        // way, is that text, and read back it is the CLI's configuration whole. (Compared as
        // stored: an unused robustness definition is not written, so its test-example cap is
        // the request's before and the default after.)
        const std::string panelJson = io::searchConfigJson(*built.config);
        QCOMPARE(QString::fromStdString(panelJson).trimmed(), run.out.trimmed());
        const auto panelStored = io::parseSearchConfig(panelJson, "the panel's configuration");
        QVERIFY(panelStored && *panelStored.value == *fromCli.value);

        // Shown again (a resumed search), the form builds the same configuration.
        widgets::SearchPanel other;
        QVERIFY(preparePanel(other));
        other.showSearch(*built.config);
        QVERIFY2(other.validationErrors().isEmpty(), qPrintable(other.validationErrors().join('\n')));
        const codesign::BuiltConfig again = codesign::buildSearchConfig(other.request(), kData.toStdString());
        QVERIFY(again.config && *again.config == *built.config);
    }

    // The cluster job script's `tcw search` options (Write Cluster Job Script…) carry the
    // devices and the rest of the targets group: the CLI builds the panel's configuration from
    // them (before, --targets, --precisions and the robustness definition were left out, and a
    // job searched ELECTOR alone).
    void jobScriptArgumentsCarryTheTargets() {
        widgets::SearchPanel panel;
        QVERIFY(preparePanel(panel));
        panel.setAlgorithm(QStringLiteral("nsga2"));
        panel.setAccuracySource(QStringLiteral("trained"));
        panel.setCostMode(SimMode::Inference);
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::Robustness});
        panel.precisionBox()->setTargets(true, true);
        panel.precisionBox()->setPrecisions({QStringLiteral("f32"), QStringLiteral("w1a8")});
        panel.precisionBox()->setRobustness(search::RobustnessKind::ActivationNoise, 0.25, 2);
        panel.devicesBox()->setDevicesOn(true);
        panel.devicesBox()->setChosen({QStringLiteral("h100"), QStringLiteral("cpu_rpi")});
        panel.setBudget(64);
        // (Trained on Fashion-MNIST, the task has 16 tokens: the devices' 128 would be refused
        // when the search starts; the configuration itself builds.)
        const codesign::BuiltConfig built = codesign::buildSearchConfig(panel.request(), kData.toStdString());
        QVERIFY2(built.config, built.errors.empty() ? "" : built.errors.front().c_str());
        QStringList args;
        for (const auto& a : codesign::searchArguments(panel.request()))
            args << QString::fromStdString(a);
        QVERIFY2(args.join(' ').contains(QStringLiteral("--targets elector,bat,devices:h100,cpu_rpi")),
                 qPrintable(args.join(' ')));
        const CliRun run = printConfig(args);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QCOMPARE(run.out.trimmed(), QString::fromStdString(io::searchConfigJson(*built.config)).trimmed());
    }

    // Where devices cannot join, the choice is greyed with the CLI's words; ticked anyway, the
    // panel's validation lists exactly what `tcw search` prints for the same options.
    void greyedWithTheClisReason() {
        widgets::SearchPanel panel;
        QVERIFY(preparePanel(panel));
        auto* on = panel.findChild<QCheckBox*>(QStringLiteral("searchMeasuredDevices"));
        auto* note = panel.findChild<QLabel*>(QStringLiteral("searchDevicesNote"));
        QVERIFY(on && note);
        // The default objectives include area, which no device reports.
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::Area});
        const CliRun area = printConfig({"--objectives", "accuracy,latency,energy,area", "--targets",
                                         "elector,devices:" + panel.devicesBox()->listedIds().join(',')});
        QCOMPARE(area.exitCode, 2);
        const QStringList areaReasons = cliErrors(area);
        QCOMPARE(areaReasons.size(), qsizetype(1));
        QVERIFY(areaReasons.front().contains(QStringLiteral("area cannot be an objective")));
        QVERIFY(!on->isEnabled());
        QVERIFY2(on->toolTip().contains(areaReasons.front()), qPrintable(on->toolTip()));
        QVERIFY(!note->isHidden() && note->text().contains(areaReasons.front()));
        QVERIFY(panel.validationErrors().isEmpty()); // devices are off: an ELECTOR search can start
        QVERIFY(panel.startAction()->isEnabled());

        // Energy split into dynamic and leakage parts: refused with its own reason.
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::DynamicEnergy});
        QVERIFY(!on->isEnabled());
        QVERIFY(on->toolTip().contains(QStringLiteral("dynamic-energy cannot be an objective")));
        // Objectives every kind reports: the choice applies.
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::PeakPower});
        QVERIFY(on->isEnabled());
        QVERIFY(note->isHidden());
        on->setChecked(true);
        panel.devicesBox()->setChosen({QStringLiteral("gpu_m1-pro"), QStringLiteral("cpu_rpi")});
        panel.setBudget(512);
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));

        // Training mode with the devices ticked: the tick stays (so it can be taken off), the
        // list is greyed, and the validation lines are the CLI's.
        panel.setCostMode(SimMode::Training);
        const CliRun training = printConfig({"--objectives", "accuracy,latency,energy,power", "--mode", "training",
                                             "--targets", "elector,devices:gpu_m1-pro,cpu_rpi"});
        QCOMPARE(training.exitCode, 2);
        QCOMPARE(panel.validationErrors(), cliErrors(training));
        QVERIFY(panel.validationErrors().join(' ').contains(QStringLiteral("measured inference only")));
        QVERIFY(on->isEnabled() && on->isChecked());
        QVERIFY(!panel.findChild<QListWidget*>(QStringLiteral("searchDeviceList"))->isEnabled());
        QVERIFY(!panel.startAction()->isEnabled());
        panel.setCostMode(SimMode::Inference);
        QVERIFY(panel.validationErrors().isEmpty());

        // A precision list without f32 (a trained accuracy, so w8a8 applies) …
        panel.setAccuracySource(QStringLiteral("trained"));
        panel.precisionBox()->setPrecisions({QStringLiteral("w8a8")});
        panel.setBudget(512);
        const CliRun precisions =
            printConfig({"--objectives", "accuracy,latency,energy,power", "--accuracy", "trained", "--precisions",
                         "w8a8", "--targets", "elector,devices:gpu_m1-pro,cpu_rpi"});
        QCOMPARE(precisions.exitCode, 2);
        const QStringList cli = cliErrors(precisions);
        QCOMPARE(cli.size(), qsizetype(1));
        QVERIFY(cli.front().contains(QStringLiteral("add f32")));
        QVERIFY(on->toolTip().contains(cli.front()));
        QCOMPARE(panel.validationErrors().mid(0, 1), cli);
        // … and what `tcw search` refuses when the search starts, which --print-config does not
        // check: a model trained on Fashion-MNIST is simulated at its 16 tokens, and the devices
        // measured 128. Each ticked device says so.
        const QString otherLength = QStringLiteral("measured at sequence length 128, the search's task has 16");
        QCOMPARE(panel.validationErrors().size(), qsizetype(3));
        for (const QString& e : panel.validationErrors().mid(1))
            QVERIFY2(e.contains(otherLength), qPrintable(e));
        QVERIFY(deviceItem(panel, QStringLiteral("cpu_rpi"))->toolTip().contains(otherLength));
        QVERIFY(!(deviceItem(panel, QStringLiteral("a100"))->flags() & Qt::ItemIsEnabled)); // not ticked: greyed
        panel.precisionBox()->setPrecisions({QStringLiteral("f32"), QStringLiteral("w8a8")});
        panel.setBudget(512);
        QCOMPARE(panel.validationErrors().size(), qsizetype(2)); // the lengths remain
        QVERIFY(!panel.startAction()->isEnabled());
        panel.setAccuracySource(QStringLiteral("predicted")); // the table's task: 128 tokens
        panel.setBudget(512);
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        QVERIFY(panel.request().targets == "elector,devices:gpu_m1-pro,cpu_rpi");
        QVERIFY(deviceItem(panel, QStringLiteral("a100"))->flags() & Qt::ItemIsEnabled);

        // Devices with neither ELECTOR nor BAT-class: the panel says what to tick.
        panel.precisionBox()->setTargets(false, false);
        panel.setBudget(512);
        QVERIFY(panel.validationErrors().join(' ').contains(QStringLiteral("tick one of them in Targets")));
    }

    // A device measured at another sequence length than the search's task is greyed with the
    // search's own reason (devices::mixedDeviceProblems), and refused when ticked.
    void otherSequenceLengthGreysADevice() {
        widgets::SearchPanel panel;
        QVERIFY(preparePanel(panel));
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy});
        auto rpi = devices::resolveDeviceProfile("cpu_rpi", kData.toStdString());
        QVERIFY(rpi.ok());
        devices::DeviceProfile short64 = *rpi.value;
        short64.deviceName = "pi-seq64";
        short64.settings.sequenceLength = 64;
        panel.setWorkspaceDevices({short64});
        panel.devicesBox()->setDevicesOn(true);
        panel.setBudget(512);
        QListWidgetItem* item = deviceItem(panel, QStringLiteral("pi-seq64"));
        QVERIFY(item);
        QVERIFY(!(item->flags() & Qt::ItemIsEnabled));
        QVERIFY2(item->toolTip().contains(QStringLiteral("measured at sequence length 64, the search's task has 128")),
                 qPrintable(item->toolTip()));
        QVERIFY(deviceItem(panel, QStringLiteral("cpu_rpi"))->flags() & Qt::ItemIsEnabled);
        panel.devicesBox()->setChosen({QStringLiteral("cpu_rpi"), QStringLiteral("pi-seq64")});
        panel.setBudget(512);
        QVERIFY(panel.validationErrors().join(' ').contains(QStringLiteral("device 'pi-seq64'")));
        item = deviceItem(panel, QStringLiteral("pi-seq64"));
        QVERIFY(item && (item->flags() & Qt::ItemIsEnabled)); // ticked: it can be unticked
        QVERIFY(!panel.startAction()->isEnabled());
    }

    // The choice comes back in a new panel (QSettings), in its order; a stored search shown in
    // the form is not remembered.
    void choiceIsRemembered() {
        {
            widgets::SearchPanel panel;
            QVERIFY(preparePanel(panel));
            panel.devicesBox()->setDevicesOn(true);
            panel.devicesBox()->setChosen({QStringLiteral("npu_ncs"), QStringLiteral("a100")});
        }
        widgets::SearchPanel again;
        QVERIFY(preparePanel(again));
        QVERIFY(again.devicesBox()->devicesOn());
        QCOMPARE(again.devicesBox()->chosen(), (QStringList{QStringLiteral("npu_ncs"), QStringLiteral("a100")}));
        QCOMPARE(deviceItem(again, QStringLiteral("a100"))->checkState(), Qt::Checked);
        QCOMPARE(again.devicesBox()->deviceSet(), QStringLiteral("devices:npu_ncs,a100"));
        search::SearchConfig elector; // a search without devices shown: the tick goes, the memory stays
        again.showSearch(elector);
        QVERIFY(!again.devicesBox()->devicesOn());
        QVERIFY(QSettings().value(QStringLiteral("search/measuredDevices")).toBool());
    }

    // Started from the panel on a new workspace: stopped after its first trials, resumed from
    // the panel, the mixed search stores designs of both kinds — the trials, value for value,
    // of an uninterrupted `tcw search` with the same options.
    void mixedSearchFromThePanel() {
        constexpr int kBudget = 200;
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("mixed.tcw"));
        const QString reference = dir.filePath(QStringLiteral("reference.tcw"));
        { store::Workspace::create(path.toStdString()); }

        app::MainWindow window;
        window.setInteractive(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.controller()->openWorkspace(path);
        QVERIFY(QTest::qWaitFor([&window] { return window.controller()->isOpen() && !window.controller()->isBusy(); },
                                60000));
        widgets::SearchPanel* panel = window.searchPanel();
        app::SearchController* search = window.searches();
        search->setThreads(2);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->devicesBox()->isLoading(), 30000);
        QCOMPARE(panel->state(), State::Idle);
        panel->setAlgorithm(QStringLiteral("nsga2"));
        panel->setBudget(kBudget);
        panel->setSeed(5);
        tickObjectives(*panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::PeakPower});
        panel->devicesBox()->setDevicesOn(true);
        panel->devicesBox()->setChosen({QStringLiteral("gpu_m1-pro"), QStringLiteral("cpu_rpi")});
        panel->setBudget(kBudget);
        QVERIFY2(panel->validationErrors().isEmpty(), qPrintable(panel->validationErrors().join('\n')));
        QVERIFY(panel->startAction()->isEnabled());
        auto stopEarly = connect(search, &app::SearchController::progressed, search, [search] {
            if (search->state() == State::Running)
                search->stop();
        });
        panel->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), State::Idle, 60000);
        disconnect(stopEarly);
        QCOMPARE(latestSearch(path).first, QStringLiteral("cancelled"));
        const int stopped = int(testing::storedTrialRows(path, testing::Trials::LatestSearch).size());
        QVERIFY2(stopped > 0 && stopped < kBudget, qPrintable(QString::number(stopped)));

        // Resumed from the panel: the profiles come from the workspace, where the search saved them.
        QTRY_VERIFY(panel->resumeUnfinishedAction()->isEnabled());
        panel->devicesBox()->setChosen({QStringLiteral("a100")}); // changed meanwhile; the stored search wins
        panel->resumeUnfinishedAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(panel->state() == State::Running || panel->state() == State::Idle, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(panel->state(), State::Idle, 120000);
        QCOMPARE(latestSearch(path).first, QStringLiteral("finished"));
        QCOMPARE(panel->devicesBox()->chosen(), (QStringList{QStringLiteral("gpu_m1-pro"), QStringLiteral("cpu_rpi")}));

        // Designs of both kinds are stored.
        {
            const auto workspace = store::Workspace::openReadOnly(path.toStdString());
            const codesign::StoredSearch stored = codesign::readStoredSearch(workspace);
            QCOMPARE(int(stored.trials.size()), kBudget);
            std::map<std::string, int> kinds;
            for (const auto& t : stored.trials) {
                const TargetKind kind = stored.problem.space.targetKind(t.proposal.candidate);
                ++kinds[kind == TargetKind::Device ? "device:" + stored.problem.space.device(t.proposal.candidate)
                                                   : std::string(targetKindName(kind))];
            }
            QVERIFY2(kinds["elector"] > 0 && kinds["device:gpu_m1-pro"] > 0 && kinds["device:cpu_rpi"] > 0,
                     qPrintable(QStringLiteral("%1 elector, %2 gpu_m1-pro, %3 cpu_rpi")
                                    .arg(kinds["elector"])
                                    .arg(kinds["device:gpu_m1-pro"])
                                    .arg(kinds["device:cpu_rpi"])));
        }

        // The same search from the command line, never interrupted.
        const CliRun cli = runTcw({"search", "--workspace", reference, "--algorithm", "nsga2", "--budget",
                                   QString::number(kBudget), "--seed", "5", "--threads", "2", "--quiet", "--objectives",
                                   "accuracy,latency,energy,power", "--targets", "elector,devices:gpu_m1-pro,cpu_rpi"});
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.err));
        QCOMPARE(latestSearch(path).second, latestSearch(reference).second); // the same configuration
        const QStringList gui = testing::storedTrialRows(path, testing::Trials::LatestSearch);
        const QStringList reference_ = testing::storedTrialRows(reference, testing::Trials::LatestSearch);
        QCOMPARE(gui.size(), reference_.size());
        for (qsizetype i = 0; i < gui.size(); ++i)
            QCOMPARE(gui[i], reference_[i]);
        window.controller()->closeWorkspace();
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestSearchDevices)
#include "test_search_devices.moc"
