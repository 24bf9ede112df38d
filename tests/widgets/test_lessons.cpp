// Lessons (offscreen): every shipped lesson loads against the window's names and each of its
// steps applies (the view, mode, axes, filter, selection, docks, tabs, hidden and highlighted
// controls and edits it names hold afterwards, with the simulator's numbers the text quotes);
// the fold of step states; record → save → load; bad files name the file and the field; Exit
// gives back the layout, the explorer choices and every hidden control; --lesson screenshots;
// every figure a shipped lesson names exists, renders crisply at the panel's width, shows on
// its step and opens larger on a click.
#include "../support/lesson_steps.h"
#include "../support/settings_sandbox.h"
#include "edit_controller.h"
#include "lesson_controller.h"
#include "main_window.h"
#include "models/device_table_model.h"
#include "models/design_table_model.h"
#include "models/edit_session.h"
#include "models/explorer_settings.h"
#include "models/lesson.h"
#include "panels/control_highlight.h"
#include "panels/lesson_panel.h"
#include "workspace_controller.h"

#include "devices/device_stats.h"
#include "devices/device_store.h"
#include "panels/device_selection_page.h"
#include "panels/devices_page.h"
#include "store/workspace.h"

#include <QDialog>
#include <QDockWidget>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tcw;
using app::LessonController;
using app::MainWindow;

namespace {
QString lessonDir() {
    return QStringLiteral(TCW_SOURCE_DATA_DIR "/lessons");
}

QStringList shippedLessons() {
    QStringList files;
    for (const QFileInfo& f : QDir(lessonDir()).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        files << f.absoluteFilePath();
    return files;
}

using testing::applyStep;

bool statusIsError(const MainWindow& window) {
    auto* status = window.lessons()->panel()->findChild<QLabel*>(QStringLiteral("lessonStatus"));
    return status && !status->isHidden() && !status->text().isEmpty();
}

QWidget* controlNamed(const MainWindow& window, const QString& name) {
    for (const MainWindow::LessonControl& c : window.lessonControls())
        if (c.name == name)
            return c.widget;
    return nullptr;
}

QString statusText(const MainWindow& window) {
    return window.lessons()->panel()->findChild<QLabel*>(QStringLiteral("lessonStatus"))->text();
}
} // namespace

class TestLessons : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void eightLessonsShip();
    void everyControlIsRegisteredAndNamed();
    void effectiveStateFoldsSteps();
    void shippedLessonLoadsAndEachStepApplies_data();
    void shippedLessonLoadsAndEachStepApplies();
    void quotedNumbersHold();
    void deviceLessonWorkspaceNumbersHold();
    void selectionStepsNameWhatFails();
    void badLessonsNameFileAndField_data();
    void badLessonsNameFileAndField();
    void recordSaveLoadRoundTrip();
    void exitRestoresLayoutAndControls();
    void panelButtonsStepAndExit();
    void screenshotOfALessonStep();
    void shippedFiguresExistAndRender();
    void figuresShowOnTheirStepsAndEnlarge();
    void rasterAndMissingFigures();

private:
    // Lessons 6 and 7 quote numbers at their steps: they are checked while
    // shippedLessonLoadsAndEachStepApplies applies those steps, so each lesson runs once.
    void lessonNumbersBeforeStart(const QString& lesson, MainWindow& window);
    void lessonNumbersAtStep(const QString& lesson, int step, MainWindow& window);
    void lessonNumbersAfterExit(const QString& lesson, MainWindow& window);
    void deadlineLessonAtStep(int step, MainWindow& window);
    void deviceLessonAtStep(int step, MainWindow& window);

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    widgets::DeviceSelectionPage::Inputs m_userSelection; // lesson 6: the user's own Selection inputs
    struct DesignCounts {
        int measured = 0, predicted = 0, elector = 0, under10W = 0;
        double electorMin = 1e30, electorMax = 0;
    } m_deviceCounts; // lesson 7: its workspace's designs, counted at step 2
};

void TestLessons::initTestCase() {
    QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_lessons")));
}

void TestLessons::init() {
    QSettings().clear();
}

void TestLessons::eightLessonsShip() {
    const QStringList files = shippedLessons();
    QCOMPARE(files.size(), 8); // the catalogues and the models the lessons use are in lessons/selection, lessons/bits
    MainWindow window;
    QStringList titles;
    for (const QString& file : files) {
        const auto parsed = window.lessons()->read(file);
        QVERIFY2(parsed.lesson, qPrintable(parsed.errors.join('\n')));
        QVERIFY2(parsed.lesson->steps.size() >= 4 && parsed.lesson->steps.size() <= 7, qPrintable(file));
        for (const models::LessonStep& step : parsed.lesson->steps)
            QVERIFY2(step.text.size() > 150, qPrintable(file + ": " + step.title)); // real teaching text
        titles << parsed.lesson->title;
    }
    QCOMPARE(titles, (QStringList{"Tiles, PEs and utilisation", "Memory-bound versus compute-bound",
                                  "DynaProp — sparsity against accuracy", "Pareto fronts and hypervolume",
                                  "Co-design against one-sided search", "Which device meets the deadline?",
                                  "Accelerator or off-the-shelf device?", "How few bits?"}));
    // The Lessons menu lists them, before Help.
    QStringList menus;
    for (QAction* a : window.menuBar()->actions())
        menus << a->text();
    QVERIFY(menus.indexOf("&Lessons") >= 0 && menus.indexOf("&Lessons") < menus.indexOf("&Help"));
    QMenu* lessons = window.menuBar()->actions().at(menus.indexOf("&Lessons"))->menu();
    for (const QString& title : titles)
        QVERIFY2(std::any_of(lessons->actions().cbegin(), lessons->actions().cend(),
                             [&](QAction* a) { return a->text() == title; }),
                 qPrintable(title));
}

void TestLessons::everyControlIsRegisteredAndNamed() {
    MainWindow window;
    QStringList names;
    for (const MainWindow::LessonControl& c : window.lessonControls()) {
        QVERIFY2(c.widget, qPrintable(c.name + " has no widget"));
        QVERIFY2(!c.description.isEmpty(), qPrintable(c.name));
        QVERIFY2(!names.contains(c.name), qPrintable(c.name + " twice"));
        names << c.name;
    }
    QVERIFY(names.contains("detail.roofline"));
    QVERIFY(names.contains("accelerator.peCount"));
    QCOMPARE(window.lessons()->vocabulary().editFields, MainWindow::acceleratorEditNames());
}

void TestLessons::effectiveStateFoldsSteps() {
    models::Lesson lesson;
    lesson.title = "fold";
    models::LessonStep a, b, c;
    a.title = "a";
    a.state.view = "pareto";
    a.state.filter = "one";
    a.state.hiddenControls = {"table"};
    a.state.acceleratorEdits = {{"peCount", 128}};
    b.title = "b";
    b.state.filter = "two";
    b.state.hideDocks = {"detail"};
    b.state.highlight = "pareto.plot";
    c.title = "c";
    c.state.showDocks = {"detail"};
    c.state.x = models::Objective::Energy;
    lesson.steps = {a, b, c};

    const auto s1 = models::effectiveState(lesson, 1);
    QCOMPARE(s1.view, std::optional<QString>("pareto"));
    QCOMPARE(s1.filter, std::optional<QString>("two"));
    QCOMPARE(s1.hideDocks, QStringList{"detail"});
    QVERIFY(s1.hiddenControls.isEmpty()); // step-only: step 0's hidden control does not carry
    QVERIFY(s1.acceleratorEdits.empty());
    QCOMPARE(s1.highlight, QStringLiteral("pareto.plot"));
    const auto s2 = models::effectiveState(lesson, 2);
    QCOMPARE(s2.showDocks, QStringList{"detail"});
    QVERIFY(s2.hideDocks.isEmpty());
    QVERIFY(s2.highlight.isEmpty());
    QCOMPARE(s2.x, std::optional(models::Objective::Energy));
    QCOMPARE(models::effectiveState(lesson, 0).acceleratorEdits.size(), std::size_t(1));
    // A step that moves to another workspace drops the selection made in the earlier one.
    lesson.steps[0].state.workspace = "one.tcw";
    lesson.steps[0].state.select = "design";
    QCOMPARE(models::effectiveState(lesson, 1).select, std::optional<QString>("design"));
    lesson.steps[2].state.workspace = "two.tcw";
    QVERIFY(!models::effectiveState(lesson, 2).select);
    // Going back gives what going forward gave.
    lesson.steps[2].state.workspace.reset();
    lesson.steps[0].state = a.state;
    QCOMPARE(models::effectiveState(lesson, 1), s1);
}

void TestLessons::shippedLessonLoadsAndEachStepApplies_data() {
    QTest::addColumn<QString>("file");
    for (const QString& file : shippedLessons())
        QTest::newRow(qPrintable(QFileInfo(file).completeBaseName())) << file;
}

void TestLessons::shippedLessonLoadsAndEachStepApplies() {
    QFETCH(QString, file);
    const QString lessonName = QFileInfo(file).completeBaseName();
    MainWindow window;
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    LessonController* lessons = window.lessons();
    const auto parsed = lessons->read(file);
    QVERIFY2(parsed.lesson, qPrintable(parsed.errors.join('\n')));
    lessonNumbersBeforeStart(lessonName, window);
    if (QTest::currentTestFailed())
        return;
    lessons->start(*parsed.lesson, file);
    QVERIFY(lessons->isRunning());
    // The lesson has the left dock.
    QCOMPARE(window.leftDockStack()->currentWidget(), lessons->panel());
    QVERIFY(window.lessonDock("workspace")->isVisible());

    for (int step = 0; step < int(parsed.lesson->steps.size()); ++step) {
        QVERIFY2(applyStep(lessons, step),
                 qPrintable(QStringLiteral("step %1 never applied: %2").arg(step + 1).arg(statusText(window))));
        const QString where = QStringLiteral("%1 step %2: ").arg(QFileInfo(file).fileName()).arg(step + 1);
        QVERIFY2(!statusIsError(window), qPrintable(where + statusText(window)));
        const models::LessonState state = models::effectiveState(*parsed.lesson, step);
        QVERIFY(lessons->panel()->progressLabel()->text().startsWith(
            QStringLiteral("Step %1 of %2 ").arg(step + 1).arg(parsed.lesson->steps.size())));
        if (state.workspace)
            QCOMPARE(QFileInfo(window.controller()->filePath()).canonicalFilePath(),
                     QFileInfo(lessons->resolveWorkspace(*state.workspace)).canonicalFilePath());
        if (state.view)
            QCOMPARE(window.currentCentralView(), *state.view);
        const models::ExplorerChoice& choice = window.explorerSettings()->choice();
        if (state.mode)
            QCOMPARE(choice.mode, *state.mode);
        if (state.x)
            QCOMPARE(choice.x, *state.x);
        if (state.y)
            QCOMPARE(choice.y, *state.y);
        if (state.colour)
            QCOMPARE(choice.colour, *state.colour);
        if (state.filter)
            QCOMPARE(choice.filterText, *state.filter);
        if (state.bounds)
            QCOMPARE(choice.bounds, *state.bounds);
        if (state.select) {
            const auto id = window.controller()->currentDesignId();
            QVERIFY2(id, qPrintable(where + "nothing selected"));
            QCOMPARE(QString::fromStdString(window.controller()->design(*id)->name), *state.select);
        }
        for (const QString& dock : state.showDocks)
            QVERIFY2(window.lessonDock(dock)->isVisible(), qPrintable(where + dock));
        for (const QString& dock : state.hideDocks)
            QVERIFY2(!window.lessonDock(dock)->isVisible(), qPrintable(where + dock));
        if (state.panelTab)
            QCOMPARE(window.currentPanelTab(), *state.panelTab);
        if (state.editorTab)
            QCOMPARE(window.currentEditorTab(), *state.editorTab);
        QCOMPARE(lessons->hiddenControls(), state.hiddenControls);
        for (const QString& name : state.hiddenControls)
            QVERIFY2(controlNamed(window, name)->isHidden(), qPrintable(where + name));
        QCOMPARE(lessons->panel()->figureLabel()->isVisible(),
                 !parsed.lesson->steps[std::size_t(step)].figure.isEmpty());
        QCOMPARE(lessons->highlightedControl(), state.highlight);
        if (!state.highlight.isEmpty()) {
            QWidget* target = controlNamed(window, state.highlight);
            QCOMPARE(lessons->highlight()->target(), target);
            if (target->isVisible()) {
                // The outline surrounds what its window shows of the control (scrolled into
                // view, clipped by the scroll area and the dock it sits in).
                QTRY_VERIFY2(lessons->highlight()->isVisible(), qPrintable(where + state.highlight));
                QWidget* topLevel = target->window();
                QRect control(target->mapTo(topLevel, QPoint(0, 0)), target->size());
                for (QWidget* w = target->parentWidget(); w && w != topLevel; w = w->parentWidget())
                    control &= QRect(w->mapTo(topLevel, QPoint(0, 0)), w->size());
                QVERIFY2(!control.isEmpty(), qPrintable(where + state.highlight));
                QTRY_VERIFY2(lessons->highlight()->geometry().contains(control), qPrintable(where + state.highlight));
            }
        }
        const models::EditSession* session = window.edits()->session();
        if (!state.acceleratorEdits.empty()) {
            QVERIFY2(session->isModified(), qPrintable(where + "the edits did not apply"));
            const auto values = MainWindow::acceleratorEditValues(session->current().target.electorSpec());
            for (const auto& [field, value] : state.acceleratorEdits)
                QCOMPARE(values.value(field), value);
        } else {
            QVERIFY2(!session->isModified(), qPrintable(where + "an earlier step's edits remained"));
        }
        lessonNumbersAtStep(lessonName, step, window);
        if (QTest::currentTestFailed())
            return;
    }
    lessons->exit();
    QVERIFY(!lessons->isRunning());
    lessonNumbersAfterExit(lessonName, window);
}

void TestLessons::quotedNumbersHold() {
    // The lessons quote the simulator; the window's live re-simulation gives the same numbers.
    MainWindow window;
    window.setInteractive(false);
    window.show();
    LessonController* lessons = window.lessons();
    QVERIFY(lessons->open(lessonDir() + "/1-tiles-pes-utilisation.json"));
    QVERIFY(applyStep(lessons, 0));
    const models::EditSession* session = window.edits()->session();
    QVERIFY(session->isActive());
    QCOMPARE(qRound(session->currentEvaluation().record.latencySeconds.value_or(0) * 1e7), 4017); // 401.7 µs
    QVERIFY(applyStep(lessons, 2));                                                               // 128 PEs
    QCOMPARE(qRound(session->currentEvaluation().record.latencySeconds.value_or(0) * 1e7), 3667); // 366.7 µs
    QCOMPARE(qRound(session->currentEvaluation().record.areaMM2.value_or(0) * 10), 1225);         // 122.5 mm²
    QVERIFY(applyStep(lessons, 3));                                                               // 512 PEs: no faster
    QCOMPARE(qRound(session->currentEvaluation().record.latencySeconds.value_or(0) * 1e7), 3667);
    QCOMPARE(qRound(session->currentEvaluation().record.areaMM2.value_or(0) * 10), 4236);

    QVERIFY(lessons->open(lessonDir() + "/3-dynaprop-sparsity-accuracy.json"));
    QVERIFY(applyStep(lessons, 0)); // training mode
    QCOMPARE(window.explorerSettings()->mode(), SimMode::Training);
    QCOMPARE(qRound(session->currentEvaluation().record.latencySeconds.value_or(0) * 1e6), 3939); // 3.939 ms
    const auto& r = session->currentEvaluation().record;
    QCOMPARE(qRound((r.energyDynamicNJ.value_or(0) + r.energyLeakageNJ.value_or(0)) / 1e4), 10216); // 102.16 mJ

    QVERIFY(lessons->open(lessonDir() + "/5-codesign-vs-one-sided.json"));
    QVERIFY(applyStep(lessons, 1)); // the fixed-accelerator search only
    QCOMPARE(window.controller()->designModel()->rowCount(), 192);
    auto* proxyRows = window.findChild<QTableView*>("designTable")->model();
    QCOMPARE(proxyRows->rowCount(), 64);
    // The numbers its steps quote, from the designs' latest evaluations (re-costed at the
    // current cost-model revision): the fastest fixed-model design, the joint search's two
    // accurate and fast ones, the fixed-accelerator search's most accurate one.
    std::optional<store::EvaluationRecord> fastestFixedModel, jointAt81, mostAccurateFixedAccelerator;
    for (const auto& d : window.controller()->designModel()->designs()) {
        if (!d.latest)
            continue;
        const store::EvaluationRecord& e = *d.latest;
        const QString name = QString::fromStdString(d.design.name);
        if (name.startsWith("fixed model") &&
            (!fastestFixedModel || e.latencySeconds < fastestFixedModel->latencySeconds))
            fastestFixedModel = e;
        if (name.startsWith("joint") && qRound(e.accuracy.value_or(0) * 1e4) == 8101)
            jointAt81 = e;
        if (name.startsWith("fixed accelerator") &&
            (!mostAccurateFixedAccelerator || e.accuracy > mostAccurateFixedAccelerator->accuracy))
            mostAccurateFixedAccelerator = e;
    }
    QVERIFY(fastestFixedModel && jointAt81 && mostAccurateFixedAccelerator);
    QCOMPARE(qRound(*fastestFixedModel->latencySeconds * 1e7), 432);            // 0.0432 ms
    QCOMPARE(qRound(*fastestFixedModel->areaMM2), 2062);                        // 2,062 mm²
    QCOMPARE(qRound(*jointAt81->latencySeconds * 1e6), 257);                    // 81.01 % at 0.257 ms
    QCOMPARE(qRound(*mostAccurateFixedAccelerator->latencySeconds * 1e5), 182); // 81.84 % needs 1.82 ms
    lessons->exit();
}

namespace {
// The Selection tab's matrix now: a cell by target and setting label, the chosen target.
struct Matrix {
    const widgets::DeviceSelectionPage* page;
    std::optional<std::size_t> entry(const QString& name) const {
        const auto& c = page->input().catalogue;
        for (std::size_t i = 0; i < c.size(); ++i)
            if (QString::fromStdString(c[i].name) == name)
                return i;
        return std::nullopt;
    }
    std::optional<std::size_t> setting(const QString& label) const {
        const auto& s = page->input().settings;
        for (std::size_t i = 0; i < s.size(); ++i)
            if (QString::fromStdString(s[i].label()) == label)
                return i;
        return std::nullopt;
    }
    const search::SelectionCell& cell(const QString& name, const QString& label) const {
        return page->result().cells.at(entry(name).value()).at(setting(label).value());
    }
    // Latency in µs, rounded: what the lesson quotes to 3 significant digits.
    long long us(const QString& name, const QString& label) const {
        return std::llround(cell(name, label).latencySeconds.value() * 1e6);
    }
    QString chosen() const {
        return page->result().chosenEntry
                   ? QString::fromStdString(page->input().catalogue[*page->result().chosenEntry].name)
                   : QString();
    }
    QString chosenSetting() const {
        return page->result().chosenSetting
                   ? QString::fromStdString(page->input().settings[*page->result().chosenSetting].label())
                   : QString();
    }
};

double storedAccuracy(const QString& run) {
    QFile f(QStringLiteral(TCW_SOURCE_DATA_DIR "/../docs/runs/deadline-bert-tiny/%1/metrics.json").arg(run));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return QJsonDocument::fromJson(f.readAll()).object().value("testAccuracy").toDouble(-1);
}
} // namespace

void TestLessons::lessonNumbersBeforeStart(const QString& lesson, MainWindow& window) {
    if (lesson != "6-which-device-meets-the-deadline")
        return;
    // The user's own Selection inputs: another model and task, no catalogue. The lesson's numbers
    // must not depend on them (it costs for the text task), and Exit Lesson gives them back.
    widgets::DeviceSelectionPage::Inputs mine = window.selectionPage()->inputs();
    mine.catalogue.clear();
    mine.model = "vit-fashion-mnist";
    mine.data = "fashion-mnist";
    mine.sequence = 200;
    mine.latencyMs = 2;
    mine.accuracy = 0.5;
    window.selectionPage()->setInputs(mine);
    QCOMPARE(window.selectionPage()->inputs(), mine);
    QCOMPARE(window.selectionPage()->sequenceLength(), 16); // fixed by the 7×7 patches
    m_userSelection = mine;
}

void TestLessons::lessonNumbersAtStep(const QString& lesson, int step, MainWindow& window) {
    if (lesson == "6-which-device-meets-the-deadline")
        deadlineLessonAtStep(step, window);
    else if (lesson == "7-accelerator-or-device")
        deviceLessonAtStep(step, window);
}

void TestLessons::lessonNumbersAfterExit(const QString& lesson, MainWindow& window) {
    if (lesson != "6-which-device-meets-the-deadline")
        return;
    QCOMPARE(window.selectionPage()->inputs(), m_userSelection); // the user's fields, catalogue-less again
    QVERIFY(window.selectionPage()->cataloguePath().isEmpty());
    QCOMPARE(window.selectionPage()->matrix()->rowCount(), 0);
}

void TestLessons::deadlineLessonAtStep(int step, MainWindow& window) {
    // Lesson 6 quotes search::selectDevice through the Selection tab: recomputed here.
    const Matrix m{window.selectionPage()};
    const QString dense = "dense 16-bit", h50 = "hierarchical 50 % 16-bit", h75 = "hierarchical 75 % 16-bit",
                  h90 = "hierarchical 90 % 16-bit";
    switch (step) {
    case 0: // LC 1 ms, AC 0.80, dense only
        QCOMPARE(window.currentCentralView(), QStringLiteral("selection"));
        QCOMPARE(m.page->input().model.name, std::string("bert-tiny"));
        QCOMPARE(m.page->input().task.sequenceLength, 64);
        QCOMPARE(m.page->input().task.vocabularySize, 30522); // the text task, not the user's Fashion-MNIST
        QCOMPARE(m.page->input().task.numClasses, 2);
        QCOMPARE(m.page->input().settings.size(), std::size_t(1));
        QCOMPARE(m.page->input().catalogue.size(), std::size_t(9)); // 7 devices, 2 FPGAs
        QCOMPARE(m.us("a100", dense), 1821ll);                      // 1.821 ms
        QCOMPARE(m.us("zcu104", dense), 737ll);                     // 0.737 ms
        QCOMPARE(m.chosen(), QStringLiteral("zcu104"));
        QCOMPARE(m.page->input().catalogue[*m.entry("zcu104")].cost.at("price"), 1500.0);
        break;
    case 1: // LC 0.6 ms
        QCOMPARE(m.page->latencyLimitMs(), 0.6);
        QCOMPARE(m.chosen(), QStringLiteral("u200"));
        QCOMPARE(m.us("u200", dense), 492ll);
        QCOMPARE(m.page->input().catalogue[*m.entry("u200")].cost.at("price"), 9000.0);
        for (const auto& row : m.page->result().cells) // no device comes close
            QVERIFY(!row[0].latencySeconds || *row[0].latencySeconds > 0.4e-3);
        break;
    case 2: // the pruned settings
        QCOMPARE(m.page->input().settings.size(), std::size_t(4));
        QCOMPARE(m.us("zcu104", h50), 369ll);
        QCOMPARE(m.us("zcu104", h75), 184ll);
        QCOMPARE(m.us("a100", h75), m.us("a100", dense)); // a device runs the dense model
        QCOMPARE(m.chosen(), QStringLiteral("zcu104"));
        QCOMPARE(m.chosenSetting(), h75);
        QCOMPARE(qRound(*m.cell("zcu104", h75).accuracy * 1000), 833);
        break;
    case 3: // LC 0.3 ms
        QCOMPARE(m.chosen(), QStringLiteral("zcu104"));
        QCOMPARE(m.chosenSetting(), h75);
        for (const auto& row : m.page->result().cells) {
            QVERIFY(!row[*m.setting(dense)].feasible); // nothing dense meets 0.3 ms
            QVERIFY(!row[*m.setting(h90)].feasible);   // 0.774 fails AC everywhere
        }
        QCOMPARE(m.us("zcu104", h90), 74ll);
        QCOMPARE(qRound(*m.cell("zcu104", h90).accuracy * 1000), 774);
        break;
    case 4: // AC 0.84
        QCOMPARE(m.chosen(), QStringLiteral("u200"));
        QCOMPARE(m.chosenSetting(), h50);
        QCOMPARE(m.us("u200", h50), 246ll);
        QCOMPARE(qRound(m.page->result().accuracyMargin * 1000), 9);
        QVERIFY(!m.cell("zcu104", h50).feasible); // 0.369 ms > LC
        break;
    case 5: { // the accuracies are the stored runs' (rounded as the catalogue gives them)
        const std::vector<std::pair<QString, QString>> runs = {{dense, "dense-s0-b16"},
                                                               {h50, "hierarchical-s0.5-b16"},
                                                               {h75, "hierarchical-s0.75-b16"},
                                                               {h90, "hierarchical-s0.9-b16"}};
        for (const auto& [label, run] : runs) {
            const double stored = storedAccuracy(run);
            QVERIFY2(stored > 0, qPrintable(run));
            QCOMPARE(qRound(*m.cell("zcu104", label).accuracy * 1000), qRound(stored * 1000));
        }
        break;
    }
    default:
        QFAIL(qPrintable(QStringLiteral("lesson 6 has no step %1 in this test; check its numbers here").arg(step + 1)));
    }
}

void TestLessons::deviceLessonWorkspaceNumbersHold() {
    // Lesson 7 quotes the workspace's device profiles (here), its pairs' provenance and peak
    // power, and the Selection tab (deviceLessonAtStep, as its steps are applied).
    const QString path = lessonDir() + "/devices.tcw";
    store::Workspace w = store::Workspace::openReadOnly(path.toStdString());
    const auto profiles = devices::loadDeviceProfiles(w.database());
    QCOMPARE(profiles.size(), std::size_t(7));
    std::size_t rows = 0;
    std::map<std::string, devices::DeviceSummary> summary;
    for (const auto& p : profiles) {
        const auto s = devices::summarize(p);
        rows += s.rows;
        summary[s.device] = s;
    }
    QCOMPARE(rows, std::size_t(782));
    QCOMPARE(devices::distinctModels(profiles), std::size_t(686));
    QCOMPARE(devices::commonModels(profiles).size(), std::size_t(16));
    const auto ms = [&](const char* d, double scale) { return std::llround(summary.at(d).latency->median * scale); };
    QCOMPARE(ms("a100", 1e5), 679ll);             // 6.79 ms
    QCOMPARE(ms("gpu_m1-pro", 1e5), 1765ll);      // 17.65 ms
    QCOMPARE(ms("cpu_m1-pro", 1e3), 871ll);       // 0.871 s
    QCOMPARE(ms("cpu_rpi", 1e2), 1042ll);         // 10.42 s
    QCOMPARE(ms("cpu_jetson-nano", 1e2), 3226ll); // 32.26 s
    QCOMPARE(ms("npu_ncs", 1e2), 4544ll);         // 45.44 s
    QCOMPARE(ms("gpu_jetson-nano", 1e2), 5844ll); // 58.44 s
    const auto watts = [&](const char* d, double scale) {
        return std::llround(summary.at(d).peakPower->median * scale);
    };
    QCOMPARE(watts("a100", 1), 158ll);
    QCOMPARE(watts("gpu_m1-pro", 10), 223ll);
    QCOMPARE(watts("cpu_rpi", 10), 48ll);
    QCOMPARE(watts("npu_ncs", 100), 213ll);
}

void TestLessons::deviceLessonAtStep(int step, MainWindow& window) {
    auto* shown = window.findChild<QTableView*>("designTable")->model();
    const Matrix m{window.selectionPage()};
    const QString dense = "dense 16-bit";
    DesignCounts& c = m_deviceCounts;
    switch (step) {
    case 0: { // the lesson workspace's seven devices, and the shipped H100 preset beside them
        const models::DeviceTableModel* devices = window.devicesPage()->deviceModel();
        int inWorkspace = 0;
        for (int row = 0; row < devices->rowCount(); ++row)
            inWorkspace += !devices->isShipped(row);
        QCOMPARE(inWorkspace, 7);
        QCOMPARE(devices->rowCount(), window.devicesPage()->showPresetsAction()->isChecked() ? 8 : 7);
        break;
    }
    case 1: { // target:device
        QCOMPARE(shown->rowCount(), 798);
        const models::DesignTableModel* designs = window.controller()->designModel();
        c = DesignCounts{};
        for (int row = 0; row < designs->rowCount(); ++row) {
            const auto& e = designs->designAt(row)->latest;
            QVERIFY(e && e->peakPowerMW);
            if (e->costModel == "elector") {
                ++c.elector;
                c.electorMin = std::min(c.electorMin, *e->peakPowerMW);
                c.electorMax = std::max(c.electorMax, *e->peakPowerMW);
                continue;
            }
            c.measured += e->provenance == store::MetricsProvenance::Measured;
            c.predicted += e->provenance == store::MetricsProvenance::Predicted;
            c.under10W += *e->peakPowerMW < 10000;
        }
        QCOMPARE(c.measured, 783);
        QCOMPARE(c.predicted, 15);
        break;
    }
    case 2: // provenance:predicted
        QCOMPARE(shown->rowCount(), 15);
        break;
    case 3: // one model on every target
        QCOMPARE(m.us("a100", dense), 6314ll);
        QCOMPARE(m.us("m1-pro-gpu", dense), 13319ll);
        QCOMPARE(std::llround(m.cell("rpi", dense).latencySeconds.value() * 100), 1524ll); // 15.24 s
        QCOMPARE(m.cell("a100", dense).provenance, std::string("measured"));
        QCOMPARE(m.us("elector-edge", dense), 1353ll);
        QCOMPARE(m.us("elector-server", dense), 209ll);
        QVERIFY(!m.cell("zcu104", dense).latencySeconds);
        QVERIFY(!m.cell("u200", dense).latencySeconds);
        QCOMPARE(qRound(*m.cell("a100", dense).accuracy * 10000), 8378);
        QCOMPARE(m.chosen(), QStringLiteral("elector-edge"));
        break;
    case 4: // LC 0.5 ms
        QCOMPARE(m.chosen(), QStringLiteral("elector-server"));
        QCOMPARE(m.page->input().catalogue[*m.entry("elector-server")].cost.at("price"), 6000.0);
        break;
    case 5: // peak power under 10 W
        QCOMPARE(c.under10W, 354);
        QCOMPARE(c.elector, 32);
        QCOMPARE(qRound(c.electorMin / 100), 425); // 42.5 W
        QCOMPARE(qRound(c.electorMax / 1e4), 121); // 1.21 kW
        break;
    default:
        QFAIL(qPrintable(QStringLiteral("lesson 7 has no step %1 in this test; check its numbers here").arg(step + 1)));
    }
}

void TestLessons::selectionStepsNameWhatFails() {
    // The selection vocabulary: its fields fold one by one, a bad field names the file and what
    // is allowed, a catalogue that cannot be read is the step's error, and it round-trips.
    models::Lesson lesson;
    lesson.title = "selection";
    models::LessonStep a, b;
    a.title = "a";
    a.state.selection.catalogue = "cat.json";
    a.state.selection.latencyMs = 5;
    a.state.selection.accuracy = 0.8;
    a.state.selection.data = "fashion-mnist";
    b.title = "b";
    b.state.selection.latencyMs = 0.5;
    lesson.steps = {a, b};
    const auto folded = models::effectiveState(lesson, 1);
    QCOMPARE(folded.selection.catalogue, std::optional<QString>("cat.json"));
    QCOMPARE(folded.selection.latencyMs, std::optional<double>(0.5));
    QCOMPARE(folded.selection.accuracy, std::optional<double>(0.8));
    QCOMPARE(folded.selection.data, std::optional<QString>("fashion-mnist"));
    const auto reread = models::parseLesson(models::serialiseLesson(lesson), "x.json", {});
    QVERIFY2(reread.lesson, qPrintable(reread.errors.join('\n')));
    QCOMPARE(*reread.lesson, lesson);

    const auto bad = models::parseLesson(
        R"({"schemaVersion":1,"kind":"lesson","title":"t","steps":[{"title":"s","state":{"selection":)"
        R"({"latencyMs":-1,"sequence":2.5,"order":"price","data":"mnist"}}}]})",
        "bad.json", {});
    QVERIFY(!bad.lesson);
    const QString errors = bad.errors.join('\n');
    QVERIFY2(
        errors.contains("bad.json: steps[0].state.selection.latencyMs: must be a latency in ms from 0.001 to 10000"),
        qPrintable(errors));
    QVERIFY2(errors.contains("bad.json: steps[0].state.selection.sequence: must be a whole number of tokens"),
             qPrintable(errors));
    QVERIFY2(errors.contains("bad.json: steps[0].state.selection.order: unknown field; allowed: catalogue, model"),
             qPrintable(errors));
    QVERIFY2(errors.contains("bad.json: steps[0].state.selection.data: must be one of text, fashion-mnist, listops"),
             qPrintable(errors));

    // A catalogue that does not exist: the step says so and never holds.
    const QString path = m_dir.filePath("missing-catalogue.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"schemaVersion":1,"kind":"lesson","title":"t","steps":[{"title":"s","state":{)"
            R"("workspace":")" TCW_SOURCE_DATA_DIR R"(/examples/example.tcw","view":"selection",)"
            R"("selection":{"catalogue":"nope.json"}}}]})");
    f.close();
    MainWindow window;
    window.setInteractive(false);
    window.show();
    QVERIFY(window.lessons()->open(path));
    QTRY_VERIFY2_WITH_TIMEOUT(statusText(window).contains("nope.json"), qPrintable(statusText(window)), 30000);
    QVERIFY(statusIsError(window));
    QVERIFY(!window.lessons()->isApplying());
    window.lessons()->exit();
}

void TestLessons::badLessonsNameFileAndField_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("allowed");
    const QByteArray head = R"({"schemaVersion":1,"kind":"lesson","title":"t","steps":[)";
    QTest::newRow("not json") << QByteArray("{ nope") << "(top)"
                              << "not JSON";
    QTest::newRow("kind") << QByteArray(R"({"schemaVersion":1,"kind":"design","title":"t","steps":[{"title":"a"}]})")
                          << "kind"
                          << "\"lesson\"";
    QTest::newRow("no steps") << QByteArray(R"({"schemaVersion":1,"kind":"lesson","title":"t","steps":[]})") << "steps"
                              << "at least one step";
    QTest::newRow("unknown control") << head + R"({"title":"a","state":{"highlight":"rooflne"}}]})"
                                     << "steps[0].state.highlight"
                                     << "detail.roofline";
    QTest::newRow("hidden control")
        << head + R"({"title":"a"},{"title":"b","state":{"hiddenControls":["table","nope"]}}]})"
        << "steps[1].state.hiddenControls[1]"
        << "toolbar.filter";
    QTest::newRow("view") << head + R"({"title":"a","state":{"view":"roofline"}}]})"
                          << "steps[0].state.view"
                          << "pareto, parallel, table";
    QTest::newRow("axis") << head + R"({"title":"a","state":{"axes":{"x":"speed"}}}]})"
                          << "steps[0].state.axes.x"
                          << "latency";
    QTest::newRow("edit field") << head + R"({"title":"a","state":{"acceleratorEdits":{"pes":4}}}]})"
                                << "steps[0].state.acceleratorEdits.pes"
                                << "peCount";
    QTest::newRow("typo in a key") << head + R"({"title":"a","stat":{}}]})"
                                   << "steps[0].stat"
                                   << "title, text, figure, state";
    QTest::newRow("dock") << head + R"({"title":"a","state":{"hideDocks":["toolbar"]}}]})"
                          << "steps[0].state.hideDocks[0]"
                          << "workspace, detail, editors, panel";
    // Issue 19: a missing workspace ran the lesson on whatever was open; a huge text stalled it.
    QTest::newRow("missing workspace") << head + R"({"title":"a","state":{"workspace":"no/such.tcw"}}]})"
                                       << "steps[0].state.workspace"
                                       << "does not exist";
    QTest::newRow("huge text") << head + R"({"title":"a","text":")" + QByteArray(70000, 'x') + R"("}]})"
                               << "steps[0].text"
                               << "the limit for a step's text is 65536";
}

void TestLessons::badLessonsNameFileAndField() {
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QFETCH(QString, allowed);
    const QString path = m_dir.filePath("bad.json");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(json);
    f.close();
    MainWindow window;
    window.setInteractive(false);
    QSignalSpy errors(window.lessons(), &LessonController::errorOccurred);
    QVERIFY(!window.lessons()->open(path));
    QVERIFY(!window.lessons()->isRunning());
    QCOMPARE(errors.size(), 1);
    const QString text = errors.front().at(1).toString();
    QVERIFY2(text.contains(path + ": " + field + ": "), qPrintable(text));
    QVERIFY2(text.contains(allowed), qPrintable(text));
}

void TestLessons::recordSaveLoadRoundTrip() {
    MainWindow window;
    window.setInteractive(false);
    window.show();
    LessonController* lessons = window.lessons();
    QVERIFY(lessons->open(lessonDir() + "/4-pareto-fronts-hypervolume.json"));
    QVERIFY(applyStep(lessons, 1)); // energy on x
    // The teacher hides the filter, outlines the table, selects a design and edits it.
    window.controller()->selectDesign(window.controller()->designModel()->designAt(3)->design.id);
    lessons->setHiddenControls({"toolbar.filter"});
    lessons->setHighlightedControl("table");
    QString error;
    QVERIFY2(window.applyAcceleratorEdits({"peCount=256"}, &error), qPrintable(error));
    const models::LessonState now = lessons->captureState();
    QCOMPARE(now.hiddenControls, QStringList{"toolbar.filter"});
    QCOMPARE(now.x, std::optional(models::Objective::Energy));
    QCOMPARE(now.workspace, std::optional<QString>("examples/example.tcw")); // portable: data-relative
    QCOMPARE(now.acceleratorEdits.size(), std::size_t(1));
    lessons->recordStep("My step", "<p>Look at the table.</p>");
    QCOMPARE(lessons->currentStep(), 2);
    QCOMPARE(lessons->lesson()->steps.size(), std::size_t(7));
    QCOMPARE(lessons->lesson()->steps[2].title, QStringLiteral("My step"));
    QCOMPARE(lessons->lesson()->steps[2].state, now);

    const QString saved = m_dir.filePath("teacher/my-lesson.json");
    QVERIFY(QDir().mkpath(QFileInfo(saved).absolutePath()));
    QVERIFY2(lessons->saveAs(saved, &error), qPrintable(error));
    const auto reread = lessons->read(saved);
    QVERIFY2(reread.lesson, qPrintable(reread.errors.join('\n')));
    QCOMPARE(*reread.lesson, *lessons->lesson());
    QCOMPARE(models::serialiseLesson(*reread.lesson), models::serialiseLesson(*lessons->lesson()));
    // The figure beside the shipped lesson is still found from the new place.
    const QString figure = reread.lesson->steps[6].figure;
    QVERIFY2(figure.endsWith("figures/pareto-hypervolume.svg"), qPrintable(figure));
    QVERIFY2(QFileInfo(QFileInfo(saved).dir().filePath(figure)).isFile(), qPrintable(figure));

    // Another user opens it: the recorded step applies as recorded.
    lessons->exit();
    QVERIFY(lessons->open(saved));
    QVERIFY(applyStep(lessons, 2));
    QVERIFY(controlNamed(window, "toolbar.filter")->isHidden());
    QCOMPARE(lessons->highlightedControl(), QStringLiteral("table"));
    QCOMPARE(
        MainWindow::acceleratorEditValues(window.edits()->session()->current().target.electorSpec()).value("peCount"),
        256.0);
    lessons->exit();
    QVERIFY(!controlNamed(window, "toolbar.filter")->isHidden());

    // A lesson recorded from scratch starts with its first step.
    lessons->recordStep({}, {});
    QVERIFY(lessons->isRunning());
    QCOMPARE(lessons->lesson()->steps.size(), std::size_t(1));
    QCOMPARE(lessons->lesson()->steps[0].title, QStringLiteral("Step 1"));
    lessons->exit();
}

void TestLessons::exitRestoresLayoutAndControls() {
    MainWindow window;
    window.setInteractive(false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    models::ExplorerChoice mine;
    mine.x = models::Objective::Area;
    mine.y = models::Objective::Latency;
    mine.colour = models::Objective::PeakPower;
    window.explorerSettings()->setChoice(mine);
    window.lessonDock("detail")->hide(); // the user's own arrangement
    QApplication::processEvents();
    const QByteArray before = window.saveState(MainWindow::kLayoutVersion);
    QMap<QString, bool> visible;
    for (const QString& dock : MainWindow::lessonDockNames())
        visible[dock] = window.lessonDock(dock)->isVisible();

    LessonController* lessons = window.lessons();
    QVERIFY(lessons->open(lessonDir() + "/2-memory-vs-compute-bound.json"));
    QVERIFY(applyStep(lessons, 0));
    lessons->setHiddenControls({"toolbar.x", "detail.energy"});
    QVERIFY(controlNamed(window, "toolbar.x")->isHidden());
    QVERIFY(window.lessonDock("detail")->isVisible());   // the step showed it
    QVERIFY(!window.lessonDock("editors")->isVisible()); // and hid this one
    QCOMPARE(window.lessonDock("workspace")->windowTitle(), QStringLiteral("Lesson"));

    lessons->exit();
    QApplication::processEvents();
    QCOMPARE(window.explorerSettings()->choice(), mine);
    for (const QString& dock : MainWindow::lessonDockNames())
        QCOMPARE(window.lessonDock(dock)->isVisible(), visible[dock]);
    QCOMPARE(window.saveState(MainWindow::kLayoutVersion), before);
    QVERIFY(!controlNamed(window, "toolbar.x")->isHidden());
    QVERIFY(!controlNamed(window, "detail.energy")->isHidden());
    QVERIFY(!lessons->highlight()->isVisible());
    QCOMPARE(window.leftDockStack()->currentWidget()->objectName(), QStringLiteral("workspaceTree"));
    QCOMPARE(window.lessonDock("workspace")->windowTitle(), QStringLiteral("Workspace"));
    QVERIFY(!window.edits()->session()->isModified());
}

void TestLessons::panelButtonsStepAndExit() {
    MainWindow window;
    window.setInteractive(false);
    window.show();
    LessonController* lessons = window.lessons();
    QVERIFY(lessons->open(lessonDir() + "/4-pareto-fronts-hypervolume.json"));
    widgets::LessonPanel* panel = lessons->panel();
    QVERIFY(!panel->backButton()->isEnabled());
    QCOMPARE(panel->nextButton()->shortcut(), QKeySequence(Qt::ALT | Qt::Key_Right));
    QSignalSpy applied(lessons, &LessonController::stepApplied);
    panel->nextButton()->click();
    QCOMPARE(lessons->currentStep(), 1);
    QVERIFY(QTest::qWaitFor([&] { return !applied.isEmpty() && applied.last().at(0).toInt() == 1; }, 30000));
    QVERIFY(panel->backButton()->isEnabled());
    panel->stepList()->setCurrentRow(5); // the last step, from the list
    QCOMPARE(lessons->currentStep(), 5);
    QVERIFY(!panel->nextButton()->isEnabled());
    QVERIFY(panel->progressLabel()->text().startsWith("Step 6 of 6"));
    panel->findChild<QPushButton*>("lessonExit")->click();
    QVERIFY(!lessons->isRunning());
}

void TestLessons::screenshotOfALessonStep() {
    const QString png = m_dir.filePath("lesson.png");
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", m_dir.filePath("config"));
    process.setProcessEnvironment(env);
    process.start(TCW_WORKBENCH_EXE, {"--lesson", lessonDir() + "/5-codesign-vs-one-sided.json", "--lesson-step", "2",
                                      "--screenshot", png});
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    const QImage image(png);
    QCOMPARE(image.size(), QSize(1400, 900));

    // A bad step number is refused before anything is shown.
    process.start(TCW_WORKBENCH_EXE, {"--lesson", lessonDir() + "/5-codesign-vs-one-sided.json", "--lesson-step", "9",
                                      "--screenshot", png});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardError().contains("the lesson has 6 steps"));
}

namespace {
// Distinct colours and the share of pixels that differ from the top-left (background) one.
std::pair<int, double> inkOf(const QImage& image) {
    QSet<QRgb> colours;
    const QRgb background = image.pixel(image.width() / 2, 3);
    qsizetype differing = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            colours.insert(image.pixel(x, y));
            differing += image.pixel(x, y) != background;
        }
    return {int(colours.size()), double(differing) / double(image.width() * image.height())};
}
} // namespace

void TestLessons::shippedFiguresExistAndRender() {
    MainWindow window;
    for (const QString& file : shippedLessons()) {
        const auto parsed = window.lessons()->read(file);
        QVERIFY2(parsed.lesson, qPrintable(parsed.errors.join('\n')));
        int figures = 0;
        for (const models::LessonStep& step : parsed.lesson->steps) {
            if (step.figure.isEmpty())
                continue;
            ++figures;
            const QString path = QFileInfo(file).dir().filePath(step.figure);
            const QString where = QFileInfo(file).fileName() + ": " + step.figure;
            QVERIFY2(QFileInfo(path).isFile(), qPrintable(where + " does not exist"));
            QVERIFY2(path.endsWith(".svg"), qPrintable(where)); // drawn crisply at any width
            // At the panel's width, on a plain and on a high-density screen: the image is
            // made at that size (not scaled from another), with real drawing on it.
            const QImage one = widgets::LessonPanel::renderFigure(path, 280, 1.0);
            QVERIFY2(!one.isNull(), qPrintable(where + " does not render"));
            QCOMPARE(one.width(), 280);
            QVERIFY2(one.height() > 150 && one.height() < 300, qPrintable(where)); // fits beside the text
            const auto [colours, ink] = inkOf(one);
            QVERIFY2(colours > 50, qPrintable(where + QStringLiteral(": %1 colours").arg(colours)));
            QVERIFY2(ink > 0.05 && ink < 0.8, qPrintable(where + QStringLiteral(": ink %1").arg(ink)));
            const QImage two = widgets::LessonPanel::renderFigure(path, 280, 2.0);
            QCOMPARE(two.size(), QSize(560, one.height() * 2));
            QCOMPARE(two.devicePixelRatio(), 2.0);
        }
        QVERIFY2(figures >= 1, qPrintable(file + " has no figure"));
    }
}

void TestLessons::figuresShowOnTheirStepsAndEnlarge() {
    for (const QString& file : shippedLessons()) {
        MainWindow window;
        const auto parsed = window.lessons()->read(file);
        QVERIFY(parsed.lesson);
        widgets::LessonPanel panel;
        panel.resize(330, 900); // wider than the figures are drawn
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setLesson(*parsed.lesson, QFileInfo(file).absolutePath());
        for (int i = 0; i < int(parsed.lesson->steps.size()); ++i) {
            panel.showStep(i);
            QApplication::processEvents();
            const QString where = QStringLiteral("%1 step %2").arg(QFileInfo(file).fileName()).arg(i + 1);
            QLabel* figure = panel.figureLabel();
            const bool has = !parsed.lesson->steps[std::size_t(i)].figure.isEmpty();
            QVERIFY2(figure->isVisible() == has, qPrintable(where));
            QVERIFY2(panel.findChild<QLabel*>("lessonStatus")->isHidden(), qPrintable(where));
            if (!has)
                continue;
            // Drawn for the label's own width (no wider than the panel), at the screen's density.
            const QPixmap pixmap = figure->pixmap();
            QVERIFY(!pixmap.isNull());
            QCOMPARE(pixmap.devicePixelRatio(), figure->devicePixelRatioF());
            QCOMPARE(qRound(pixmap.width() / pixmap.devicePixelRatio()), std::min(figure->width(), 280));
            QVERIFY2(figure->width() <= panel.width(), qPrintable(where));
            QCOMPARE(figure->height(), qRound(pixmap.height() / pixmap.devicePixelRatio()));
            QVERIFY(figure->toolTip().contains("click to enlarge"));

            // A narrower dock redraws it narrower; a click opens it larger.
            const int wide = figure->width();
            panel.resize(panel.minimumSizeHint().width(), 900);
            QApplication::processEvents();
            QVERIFY2(figure->width() < wide, qPrintable(where));
            QCOMPARE(qRound(figure->pixmap().width() / figure->pixmap().devicePixelRatio()),
                     std::min(figure->width(), 280));
            panel.resize(330, 900);
            QApplication::processEvents();
            QTest::mouseClick(figure, Qt::LeftButton);
            auto* dialog = panel.findChild<QDialog*>("lessonFigureDialog");
            QVERIFY2(dialog && dialog->isVisible(), qPrintable(where));
            const QPixmap large = dialog->findChild<QLabel*>("lessonFigureLarge")->pixmap();
            QVERIFY(large.width() / large.devicePixelRatio() > 2 * pixmap.width() / pixmap.devicePixelRatio());
            dialog->close();
            QApplication::processEvents();
        }
    }
}

void TestLessons::rasterAndMissingFigures() {
    // A PNG figure wider than the panel is scaled down, a small one kept as it is; a figure that
    // cannot be read names its path in the status line.
    QImage wide(600, 300, QImage::Format_RGB32);
    wide.fill(Qt::darkCyan);
    QVERIFY(wide.save(m_dir.filePath("wide.png")));
    QImage small(120, 60, QImage::Format_RGB32);
    small.fill(Qt::darkRed);
    QVERIFY(small.save(m_dir.filePath("small.png")));
    QImage scaled = widgets::LessonPanel::renderFigure(m_dir.filePath("wide.png"), 280, 1.0);
    QCOMPARE(scaled.size(), QSize(280, 140));
    scaled = widgets::LessonPanel::renderFigure(m_dir.filePath("small.png"), 280, 2.0);
    QCOMPARE(scaled.size(), QSize(120, 60)); // never enlarged
    QCOMPARE(scaled.devicePixelRatio(), 1.0);
    QVERIFY(widgets::LessonPanel::renderFigure(m_dir.filePath("nope.svg"), 280, 1.0).isNull());

    models::Lesson lesson;
    lesson.title = "figures";
    models::LessonStep a, b;
    a.title = "a";
    a.figure = "wide.png";
    b.title = "b";
    b.figure = "nope.svg";
    lesson.steps = {a, b};
    widgets::LessonPanel panel;
    panel.resize(250, 700);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setLesson(lesson, m_dir.path());
    QApplication::processEvents();
    QVERIFY(panel.figureLabel()->isVisible());
    QCOMPARE(panel.figureLabel()->pixmap().width(), qRound(panel.figureLabel()->width() * panel.devicePixelRatioF()));
    panel.showStep(1);
    QVERIFY(panel.figureLabel()->isHidden());
    auto* status = panel.findChild<QLabel*>("lessonStatus");
    QVERIFY(!status->isHidden());
    QVERIFY2(status->text().contains(QDir::toNativeSeparators(m_dir.filePath("nope.svg"))), qPrintable(status->text()));
    QVERIFY(!panel.enlargeFigure());
}

QTEST_MAIN(TestLessons)
#include "test_lessons.moc"
