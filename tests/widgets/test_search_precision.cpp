// Issue 15: the Search panel's targets, precision and robustness controls (offscreen). The
// panel's choices build the same search configuration as the equivalent `tcw search` options
// (the binary's --print-config, compared whole); the panel shows the CLI's validation
// messages; precisions other than f32 and robustness are disabled, with the reason, until
// the accuracy is trained; a stored search's targets, precisions and robustness definition
// come back from the form unchanged.
#include "panels/search_panel.h"
#include "panels/search_precision_box.h"

#include "../support/settings_sandbox.h"
#include "codesign/search_request.h"
#include "io/search_json.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace tcw;
using search::Metric;
using search::RobustnessKind;

namespace {

const QString kTcw = QStringLiteral(TCW_CLI_BINARY);
const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

struct CliRun {
    int exitCode = -1;
    QString out, err;
};

CliRun printConfig(const QStringList& options) {
    QProcess p;
    p.start(kTcw, QStringList{QStringLiteral("search"), QStringLiteral("--print-config")} + options);
    CliRun r;
    if (!p.waitForFinished(60000))
        return r;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// The panel's ticks for objectives (others unticked).
void tickObjectives(widgets::SearchPanel& panel, std::initializer_list<Metric> used) {
    for (Metric m : {Metric::Accuracy, Metric::Latency, Metric::DynamicEnergy, Metric::LeakageEnergy,
                     Metric::TotalEnergy, Metric::Area, Metric::PeakPower, Metric::Robustness})
        panel.setObjectiveWeight(m, std::find(used.begin(), used.end(), m) != used.end(), 0.5);
}

QListWidgetItem* precisionItem(widgets::SearchPanel& panel, const QString& name) {
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("searchPrecisions"));
    const auto found = list ? list->findItems(name, Qt::MatchExactly) : QList<QListWidgetItem*>{};
    return found.isEmpty() ? nullptr : found.front();
}

} // namespace

class TestSearchPrecision : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_search_precision")));
        qputenv("TCW_DATA_DIR", kData.toUtf8());
    }

    void panelBuildsWhatTheCliBuilds_data() {
        QTest::addColumn<bool>("bat");
        QTest::addColumn<QStringList>("precisions");
        QTest::addColumn<bool>("noise");
        QTest::addColumn<double>("value"); // the flip rate or σ
        QTest::addColumn<int>("seeds");
        QTest::addColumn<QStringList>("cli");
        QTest::newRow("elector ∪ bat, w1a8 and w1a1, activation noise σ 0.3, 2 seeds")
            << true << QStringList{"w1a8", "w1a1"} << true << 0.3 << 2
            << QStringList{"--targets", "elector,bat",        "--precisions", "w1a8,w1a1",          "--robustness-kind",
                           "noise",     "--robustness-sigma", "0.3",          "--robustness-seeds", "2"};
        QTest::newRow("elector, f32 and w8a8, bit flips at 0.01 (the default kind)")
            << false << QStringList{"f32", "w8a8"} << false << 0.01 << 3
            << QStringList{"--precisions", "f32,w8a8", "--robustness-rate", "0.01"};
    }
    void panelBuildsWhatTheCliBuilds() {
        QFETCH(bool, bat);
        QFETCH(QStringList, precisions);
        QFETCH(bool, noise);
        QFETCH(double, value);
        QFETCH(int, seeds);
        QFETCH(QStringList, cli);
        widgets::SearchPanel panel;
        panel.setDataDirectory(kData.toStdString());
        panel.setAlgorithm(QStringLiteral("random"));
        panel.setBudget(40);
        panel.setAccuracySource(QStringLiteral("trained"));
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency, Metric::TotalEnergy, Metric::Robustness});
        panel.precisionBox()->setTargets(true, bat);
        panel.precisionBox()->setPrecisions(precisions);
        panel.precisionBox()->setRobustness(noise ? RobustnessKind::ActivationNoise : RobustnessKind::BitFlip, value,
                                            seeds);
        panel.setBudget(40); // validate now (the box's changes wait for the timer)
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        const codesign::BuiltConfig built = codesign::buildSearchConfig(panel.request(), kData.toStdString());
        QVERIFY(built.config);

        const CliRun run = printConfig(QStringList{"--algorithm", "random", "--budget", "40", "--accuracy", "trained",
                                                   "--objectives", "accuracy,latency,energy,robustness"} +
                                       cli);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const auto fromCli = io::parseSearchConfig(run.out.toStdString(), "tcw search --print-config");
        QVERIFY2(fromCli, fromCli ? "" : fromCli.errors.toString().c_str());
        QCOMPARE(built.config->targets.kinds, fromCli.value->targets.kinds);
        QCOMPARE(built.config->targets.precisions, fromCli.value->targets.precisions);
        QVERIFY(built.config->robustness == fromCli.value->robustness);
        QCOMPARE(built.config->robustness.kind, noise ? RobustnessKind::ActivationNoise : RobustnessKind::BitFlip);
        QCOMPARE(noise ? built.config->robustness.sigma : built.config->robustness.rate, value);
        QCOMPARE(built.config->robustness.seeds, seeds);
        QVERIFY(built.config->objectives == fromCli.value->objectives);
        QVERIFY(*built.config == *fromCli.value); // and everything else alike

        // Stored and shown again, the form builds the same configuration.
        widgets::SearchPanel other;
        other.setDataDirectory(kData.toStdString());
        other.showSearch(*built.config);
        QVERIFY2(other.validationErrors().isEmpty(), qPrintable(other.validationErrors().join('\n')));
        const codesign::BuiltConfig again = codesign::buildSearchConfig(other.request(), kData.toStdString());
        QVERIFY(again.config && *again.config == *built.config);
    }

    // The CLI's own words: the panel lists every problem `tcw search` names for the same choices.
    void validationMessagesAreTheClis() {
        widgets::SearchPanel panel;
        panel.setDataDirectory(kData.toStdString());
        panel.setAccuracySource(QStringLiteral("trained"));
        tickObjectives(panel, {Metric::Accuracy, Metric::Latency});
        panel.precisionBox()->setTargets(true, true);
        panel.precisionBox()->setPrecisions({"f32"}); // bat costs fixed-point models only
        panel.setBudget(512);
        const CliRun run = printConfig({"--accuracy", "trained", "--objectives", "accuracy,latency", "--targets",
                                        "elector,bat", "--precisions", "f32"});
        QCOMPARE(run.exitCode, 2);
        QStringList cli;
        for (const QString& line : run.err.split(QLatin1Char('\n')))
            if (line.startsWith(QStringLiteral("tcw search: ")))
                cli << line.mid(12);
        QCOMPARE(panel.validationErrors(), cli);
        QVERIFY(panel.validationErrors().join(' ').contains(QStringLiteral("fixed-point")));
        auto* label = panel.findChild<QLabel*>(QStringLiteral("searchValidation"));
        QVERIFY(label && label->text().contains(QStringLiteral("w1a8")));
        QVERIFY(!panel.startAction()->isEnabled());
        panel.precisionBox()->setPrecisions({"f32", "w1a8"});
        panel.setBudget(512);
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
    }

    // Precisions other than f32 and robustness apply to trained accuracy only: disabled (not
    // searched), with the reason in the tooltip and the note, until the accuracy is trained.
    void controlsApplyOnlyWithTrainedAccuracy() {
        widgets::SearchPanel panel;
        panel.setDataDirectory(kData.toStdString());
        panel.setState(widgets::SearchPanel::State::Idle);
        panel.setAccuracySource(QStringLiteral("predicted"));
        panel.precisionBox()->setPrecisions({"f32", "w1a1"});
        panel.setBudget(512);
        QListWidgetItem* f32 = precisionItem(panel, QStringLiteral("f32"));
        QListWidgetItem* w1a1 = precisionItem(panel, QStringLiteral("w1a1"));
        QVERIFY(f32 && w1a1);
        QVERIFY(f32->flags() & Qt::ItemIsEnabled);
        QVERIFY(!(w1a1->flags() & Qt::ItemIsEnabled));
        QVERIFY(w1a1->toolTip().contains(QStringLiteral("trained accuracy")));
        QCOMPARE(panel.request().precisions, (std::vector<std::string>{"f32"})); // the greyed one is not searched
        auto* note = panel.findChild<QLabel*>(QStringLiteral("searchPrecisionNote"));
        QVERIFY(note && !note->isHidden() && note->text().contains(QStringLiteral("Trained")));
        auto* kind = panel.findChild<QComboBox*>(QStringLiteral("searchRobustnessKind"));
        QVERIFY(kind && !kind->isEnabled());
        QVERIFY2(panel.validationErrors().isEmpty(), qPrintable(panel.validationErrors().join('\n')));
        QVERIFY(panel.startAction()->isEnabled());

        panel.setAccuracySource(QStringLiteral("trained"));
        QVERIFY(w1a1->flags() & Qt::ItemIsEnabled);
        QCOMPARE(panel.request().precisions, (std::vector<std::string>{"f32", "w1a1"}));
        QVERIFY(!kind->isEnabled()); // robustness not ticked yet
        QVERIFY(note->text().contains(QStringLiteral("Robustness")));
        tickObjectives(panel, {Metric::Accuracy, Metric::Robustness});
        QVERIFY(kind->isEnabled());
        QVERIFY(note->isHidden());
        // Activation noise shows σ in place of the flip rate.
        auto* rate = panel.findChild<QDoubleSpinBox*>(QStringLiteral("searchRobustnessRate"));
        auto* sigma = panel.findChild<QDoubleSpinBox*>(QStringLiteral("searchRobustnessSigma"));
        QVERIFY(rate && sigma && !rate->isHidden() && sigma->isHidden());
        panel.precisionBox()->setRobustness(RobustnessKind::ActivationNoise, 0.2, 4);
        QVERIFY(rate->isHidden() && !sigma->isHidden());
        const codesign::SearchRequest r = panel.request();
        QCOMPARE(r.robustnessKind, std::string("noise"));
        QCOMPARE(r.robustnessSigma, 0.2);
        QCOMPARE(r.robustnessSeeds, 4);

        // Back to a predicted accuracy with robustness ticked: the core's reason is shown, and
        // the tick can still be taken off.
        panel.setAccuracySource(QStringLiteral("predicted"));
        QVERIFY(panel.validationErrors().join(' ').contains(QStringLiteral("use --accuracy trained")));
        auto* robustness = panel.findChild<QCheckBox*>(); // any: find the robustness row by its text
        for (QCheckBox* box : panel.findChildren<QCheckBox*>())
            if (box->text().startsWith(QStringLiteral("Robustness")))
                robustness = box;
        QVERIFY(robustness && robustness->isEnabled() && robustness->isChecked());
        robustness->setChecked(false);
        QVERIFY(!robustness->isEnabled());
        QVERIFY(robustness->toolTip().contains(QStringLiteral("Trained")));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestSearchPrecision)
#include "test_search_precision.moc"
