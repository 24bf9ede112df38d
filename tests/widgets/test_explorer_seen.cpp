// Issue 18's remaining Seen items in the window (offscreen), on a copy of the example
// workspace. Seen 11: every parameter outside the design space is flagged, in the what-if
// summary and at its row, not only the first. Seen 12: a stopped training's bar shows the
// step the run ended at, the step its summary names.
#include "main_window.h"
#include "training_controller.h"
#include "workspace_controller.h"

#include "../support/settings_sandbox.h"
#include "editors/accelerator_editor.h"
#include "editors/what_if_summary.h"
#include "models/training_series.h"
#include "panels/training_panel.h"

#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QTemporaryDir>
#include <QtTest>

using namespace tcw;
using app::MainWindow;

namespace {

const QString kData = QStringLiteral(TCW_SOURCE_DATA_DIR);

bool openCopy(MainWindow& window, const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("example.tcw"));
    QFile::copy(kData + QStringLiteral("/examples/example.tcw"), path);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    window.setInteractive(false);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    window.controller()->openWorkspace(path);
    return QTest::qWaitFor([&window] { return window.controller()->isOpen() && !window.controller()->isBusy(); },
                           60000);
}

} // namespace

class TestExplorerSeen : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_explorer_seen"))); }

    // Seen 11: two parameters outside the ELECTOR space are both flagged.
    void everyOutOfSpaceParameterIsFlagged() {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(openCopy(window, dir));
        QVERIFY(window.showView(QStringLiteral("accelerator-editor")));
        auto* editor = window.acceleratorEditor();
        editor->setRestricted(false);
        QString error;
        // Within the fields' bounds, outside the space's lists (PEs 64…1024, lanes 8…64).
        QVERIFY2(window.applyAcceleratorEdits({QStringLiteral("peCount=100"), QStringLiteral("lanesPerPe=12")}, &error),
                 qPrintable(error));
        const QString summary = editor->summary()->feasibilityText();
        QVERIFY2(summary.contains(QStringLiteral("peCount")) && summary.contains(QStringLiteral("lanesPerPe")),
                 qPrintable(summary));
        for (const QString& name : {QStringLiteral("peCount"), QStringLiteral("lanesPerPe")}) {
            auto* label = editor->findChild<QLabel*>(QStringLiteral("label:") + name);
            QVERIFY2(label, qPrintable(name));
            QVERIFY2(label->property("outsideSpace").toBool(), qPrintable(name));
            QVERIFY(label->toolTip().startsWith(QStringLiteral("Outside the design space")));
        }
        auto* inside = editor->findChild<QLabel*>(QStringLiteral("label:macsPerLane"));
        QVERIFY(inside && !inside->property("outsideSpace").toBool());
    }

    // Seen 12: the bar read "step 60 of 100" beside "cancelled at step 68" (the last progress
    // report came before the stop landed).
    void stoppedTrainingBarAgreesWithItsSummary() {
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(openCopy(window, dir));
        widgets::TrainingPanel* panel = window.trainingPanel();
        auto* bar = panel->findChild<QProgressBar*>();
        QVERIFY(bar);
        panel->runStarted(QStringLiteral("a run"), {});
        models::TrainingUpdate update;
        update.step = 60;
        update.totalSteps = 100;
        panel->applyUpdate(update);
        QCOMPARE(bar->value(), 60);
        app::TrainingOutcome outcome;
        outcome.stored = true;
        outcome.status = QStringLiteral("cancelled");
        outcome.runId = 7;
        outcome.steps = 68;
        emit window.training()->finished(outcome);
        QCOMPARE(bar->value(), 68);
        QCOMPARE(bar->maximum(), 100);
        QVERIFY(bar->text().contains(QStringLiteral("68")));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestExplorerSeen)
#include "test_explorer_seen.moc"
