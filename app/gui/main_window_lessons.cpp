// The main window's side of lessons: the named controls, docks and tabs a lesson may use, and
// the Lessons menu (GUI.md: shipped lessons, Open, Record Step, Hide / Highlight Control, Save).
#include "app_paths.h"
#include "editors/accelerator_editor.h"
#include "editors/parameter_field.h"
#include "editors/transformer_editor.h"
#include "editors/what_if_summary.h"

#include "lesson_controller.h"
#include "main_window.h"
#include "panels/design_detail_panel.h"
#include "panels/device_selection_page.h"
#include "panels/devices_page.h"
#include "panels/empty_state_widget.h"
#include "panels/explorer_toolbar.h"
#include "panels/lesson_panel.h"
#include "plots/parallel_coordinates.h"
#include "plots/pareto_plot_view.h"
#include "plots/selection_plots.h"
#include "workspace_dialogs.h"
#include <QComboBox>

#include <QActionGroup>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFormLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QToolBar>
#include <QTreeView>

namespace tcw::app {

namespace {
const QString kLessonFilter = QObject::tr("Lessons (*.json);;All files (*)");
constexpr int kStatusTimeoutMs = 8000;
} // namespace

QList<MainWindow::LessonControl> MainWindow::lessonControls() const {
    QList<LessonControl> controls = {
        {QStringLiteral("toolbar.workspace"), tr("Toolbar: the workspace button"),
         m_toolBar->findChild<QWidget*>(QStringLiteral("workspaceButton"))},
        {QStringLiteral("toolbar.x"), tr("Toolbar: the x-axis objective"), m_toolBar->objectiveCombo(0)},
        {QStringLiteral("toolbar.y"), tr("Toolbar: the y-axis objective"), m_toolBar->objectiveCombo(1)},
        {QStringLiteral("toolbar.colour"), tr("Toolbar: the colour objective"), m_toolBar->objectiveCombo(2)},
        {QStringLiteral("toolbar.filter"), tr("Toolbar: the filter"), m_toolBar->filterEdit()},
        {QStringLiteral("explorer.tabs"), tr("The Pareto / Parallel coords / Table tabs"), m_explorerTabs},
        {QStringLiteral("pareto.plot"), tr("The Pareto plot"), m_paretoView},
        {QStringLiteral("parallel.plot"), tr("The parallel coordinates"), m_parallelView},
        {QStringLiteral("table"), tr("The design table"), m_table},
        {QStringLiteral("workspace.tree"), tr("The workspace tree"), m_tree},
        {QStringLiteral("detail"), tr("The design detail panel"), m_detail},
        {QStringLiteral("detail.summary"), tr("Detail: the metrics"),
         m_detail->findChild<QWidget*>(QStringLiteral("detailSummary"))},
        {QStringLiteral("detail.energy"), tr("Detail: energy by module"),
         m_detail->findChild<QWidget*>(QStringLiteral("energyChart"))},
        {QStringLiteral("detail.area"), tr("Detail: area by module"),
         m_detail->findChild<QWidget*>(QStringLiteral("areaChart"))},
        {QStringLiteral("detail.utilisation"), tr("Detail: utilisation"),
         m_detail->findChild<QWidget*>(QStringLiteral("utilisationChart"))},
        {QStringLiteral("detail.latency"), tr("Detail: latency by op"),
         m_detail->findChild<QWidget*>(QStringLiteral("latencyChart"))},
        {QStringLiteral("detail.roofline"), tr("Detail: the roofline"),
         m_detail->findChild<QWidget*>(QStringLiteral("rooflinePlot"))},
        {QStringLiteral("editors.tabs"), tr("The Accelerator / Transformer editor tabs"), m_editorTabs},
        {QStringLiteral("accelerator.summary"), tr("Accelerator editor: metrics and where the design lands"),
         m_acceleratorEditor->summary()},
        {QStringLiteral("transformer.editor"), tr("The transformer editor"), m_transformerEditor},
        {QStringLiteral("panel.tabs"), tr("The Search / Training / Lesson / Log tabs"), m_panelTabs},
        // The Devices and Selection tabs (issues 14 and 16).
        {QStringLiteral("devices.table"), tr("Devices: the device profiles"), m_devicesPage->deviceTable()},
        {QStringLiteral("devices.rows"), tr("Devices: the selected device's rows"), m_devicesPage->rowTable()},
        {QStringLiteral("selection.latency"), tr("Selection: the latency constraint LC"),
         m_selectionPage->latencySlider()},
        {QStringLiteral("selection.accuracy"), tr("Selection: the accuracy constraint AC"),
         m_selectionPage->accuracySlider()},
        {QStringLiteral("selection.matrix"), tr("Selection: the feasibility matrix"), m_selectionPage->matrix()},
        {QStringLiteral("selection.curves"), tr("Selection: accuracy against sparsity"), m_selectionPage->curvesPlot()},
    };
    const QStringList modes = {QStringLiteral("toolbar.inference"), QStringLiteral("toolbar.training")};
    for (int i = 0; i < modes.size() && i < m_toolBar->modeActions()->actions().size(); ++i)
        controls.append({modes[i], tr("Toolbar: the %1 mode").arg(m_toolBar->modeActions()->actions()[i]->text()),
                         m_toolBar->widgetForAction(m_toolBar->modeActions()->actions()[i])});
    // Each accelerator field's editing widget, by the field's name and its short name.
    for (const QString& name : acceleratorEditNames()) {
        const auto index = findField(fieldsOf(TargetKind::Elector), name.toStdString());
        QWidget* widget = m_acceleratorEditor->field(*index);
        if (!widget)
            widget = m_acceleratorEditor->choice(*index);
        controls.append({QStringLiteral("accelerator.") + name, tr("Accelerator editor: %1").arg(name), widget});
    }
    return controls;
}

QStringList MainWindow::lessonDockNames() {
    return {QStringLiteral("workspace"), QStringLiteral("detail"), QStringLiteral("editors"), QStringLiteral("panel")};
}

QDockWidget* MainWindow::lessonDock(const QString& name) const {
    const QList<QDockWidget*> docks = {m_workspaceDock, m_detailDock, m_editorsDock, m_panelDock};
    const int index = lessonDockNames().indexOf(name);
    return index >= 0 ? docks[index] : nullptr;
}

QString MainWindow::currentCentralView() const {
    // The explorer's tabs in order (showView's names).
    return QStringList{QStringLiteral("pareto"),      QStringLiteral("parallel"), QStringLiteral("table"),
                       QStringLiteral("search-page"), QStringLiteral("devices"),  QStringLiteral("grow-prune"),
                       QStringLiteral("selection")}
        .value(m_explorerTabs->currentIndex());
}

QString MainWindow::currentPanelTab() const {
    return QStringList{QStringLiteral("search"), QStringLiteral("training"), QStringLiteral("lesson"),
                       QStringLiteral("log")}
        .value(m_panelTabs->currentIndex());
}

QString MainWindow::currentEditorTab() const {
    return m_editorTabs->currentWidget() == m_transformerEditor ? QStringLiteral("transformer")
                                                                : QStringLiteral("accelerator");
}

void MainWindow::showEditorTab(const QString& name) {
    m_editorsDock->show();
    m_editorTabs->setCurrentWidget(name == QLatin1String("transformer") ? static_cast<QWidget*>(m_transformerEditor)
                                                                        : m_acceleratorEditor);
}

void MainWindow::createLessonMenu() {
    m_lessonMenu = menuBar()->addMenu(tr("&Lessons"));
    m_lessonMenu->setToolTipsVisible(true);
    connect(m_lessons, &LessonController::changed, this, &MainWindow::updateLessonMenu);
    connect(m_lessons, &LessonController::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, kStatusTimeoutMs); });
    connect(m_lessons, &LessonController::errorOccurred, m_dialogs, &WorkspaceDialogs::showError);
    // The shipped lessons, by file name (they are numbered), titled from their content.
    const QDir folder(QDir(dataDirectory()).filePath(QStringLiteral("lessons")));
    for (const QFileInfo& file : folder.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const auto parsed = models::readLessonFile(file.absoluteFilePath(), {});
        const QString title = parsed.lesson ? parsed.lesson->title : file.completeBaseName();
        QAction* action = m_lessonMenu->addAction(title);
        action->setToolTip(parsed.lesson && !parsed.lesson->summary.isEmpty()
                               ? parsed.lesson->summary
                               : tr("Start the lesson %1").arg(QDir::toNativeSeparators(file.absoluteFilePath())));
        action->setStatusTip(action->toolTip());
        connect(action, &QAction::triggered, this, [this, path = file.absoluteFilePath()] { m_lessons->open(path); });
        m_lessonStarters << action;
    }
    if (m_lessonStarters.isEmpty()) {
        QAction* none =
            m_lessonMenu->addAction(tr("No lessons found in %1").arg(QDir::toNativeSeparators(folder.path())));
        none->setToolTip(tr("The shipped lessons are JSON files in the data directory's lessons folder"));
        none->setEnabled(false);
    }
    m_lessonMenu->addSeparator();
    QAction* open = m_lessonMenu->addAction(tr("&Open Lesson…"));
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    open->setToolTip(tr("Start a lesson from a JSON file (a teacher's, or one you saved)"));
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Lesson"), QString(), kLessonFilter);
        if (!path.isEmpty())
            m_lessons->open(path);
    });
    m_lessonStarters << open;
    QAction* exit = m_lessonExit = m_lessonMenu->addAction(tr("E&xit Lesson"));
    exit->setToolTip(tr("Leave the lesson: your layout, workspace and explorer choices come back"));
    connect(exit, &QAction::triggered, this, [this] { m_lessons->exit(); });

    m_lessonMenu->addSection(tr("Teaching"));
    QAction* record = m_lessonMenu->addAction(tr("&Record Step…"));
    record->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R));
    record->setToolTip(tr("Capture what is on screen now (workspace, view, axes, mode, filter, selection, docks, "
                          "hidden and highlighted controls, edits) as a new step of the lesson"));
    connect(record, &QAction::triggered, this, [this] {
        QString title, text;
        if (m_interactive) {
            QDialog dialog(this);
            dialog.setWindowTitle(tr("Record Step"));
            auto* titleEdit = new QLineEdit(&dialog);
            titleEdit->setPlaceholderText(tr("What this step is about"));
            auto* textEdit = new QPlainTextEdit(&dialog);
            textEdit->setPlaceholderText(tr("The step's text: plain or HTML (<p>, <b>, <i>, <ul><li>, <code>)"));
            auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
            connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
            connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
            auto* form = new QFormLayout(&dialog);
            form->addRow(tr("Title"), titleEdit);
            form->addRow(tr("Text"), textEdit);
            form->addRow(buttons);
            dialog.resize(520, 360);
            if (dialog.exec() != QDialog::Accepted)
                return;
            title = titleEdit->text();
            text = textEdit->toPlainText();
        }
        m_lessons->recordStep(title, text);
    });
    QAction* hide = m_lessonMenu->addAction(tr("&Hide Controls…"));
    hide->setToolTip(tr("Choose controls to hide while this step runs (the next recorded step keeps them hidden)"));
    connect(hide, &QAction::triggered, this, [this] {
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Hide Controls"));
        auto* list = new QListWidget(&dialog);
        for (const LessonControl& c : lessonControls()) {
            auto* item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(c.name, c.description), list);
            item->setData(Qt::UserRole, c.name);
            item->setCheckState(m_lessons->hiddenControls().contains(c.name) ? Qt::Checked : Qt::Unchecked);
        }
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        auto* layout = new QVBoxLayout(&dialog);
        layout->addWidget(list);
        layout->addWidget(buttons);
        dialog.resize(480, 520);
        if (dialog.exec() != QDialog::Accepted)
            return;
        QStringList names;
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->checkState() == Qt::Checked)
                names << list->item(i)->data(Qt::UserRole).toString();
        m_lessons->setHiddenControls(names);
    });
    QAction* highlight = m_lessonMenu->addAction(tr("High&light Control…"));
    highlight->setToolTip(tr("Outline one control for the learner (the next recorded step keeps the outline)"));
    connect(highlight, &QAction::triggered, this, [this] {
        QStringList items{tr("(none)")};
        for (const LessonControl& c : lessonControls())
            items << c.name;
        bool ok = false;
        const int current = std::max<qsizetype>(0, items.indexOf(m_lessons->highlightedControl()));
        const QString chosen =
            QInputDialog::getItem(this, tr("Highlight Control"), tr("Control to outline:"), items, current, false, &ok);
        if (ok)
            m_lessons->setHighlightedControl(chosen == items.front() ? QString() : chosen);
    });
    QAction* rename = m_lessonRename = m_lessonMenu->addAction(tr("Re&name Lesson…"));
    rename->setToolTip(tr("Change the running lesson's title"));
    connect(rename, &QAction::triggered, this, [this] {
        bool ok = false;
        const QString title = QInputDialog::getText(this, tr("Rename Lesson"), tr("Title:"), QLineEdit::Normal,
                                                    m_lessons->lesson() ? m_lessons->lesson()->title : QString(), &ok);
        if (ok)
            m_lessons->setLessonTitle(title);
    });
    QAction* save = m_lessonSave = m_lessonMenu->addAction(tr("&Save Lesson As…"));
    save->setToolTip(tr("Write the lesson as a JSON file others can open (Lessons ▸ Open Lesson)"));
    connect(save, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save Lesson As"), m_lessons->lessonPath(), kLessonFilter);
        QString error;
        if (!path.isEmpty() && !m_lessons->saveAs(path, &error))
            m_dialogs->showError(tr("Cannot Save the Lesson"), error);
    });
    updateLessonMenu();
}

void MainWindow::updateLessonMenu() {
    const bool running = m_lessons->isRunning();
    m_lessonExit->setEnabled(running);
    m_lessonRename->setEnabled(running);
    m_lessonSave->setEnabled(running);
    // The Lesson tab's buttons are rebuilt: not while one of them is being clicked.
    QMetaObject::invokeMethod(this, &MainWindow::updateLessonTab, Qt::QueuedConnection);
}

void MainWindow::updateLessonTab() {
    // How to start a lesson, or where the running one is.
    const bool running = m_lessons->isRunning();
    if (running) {
        m_lessonEmpty->setTitle(tr("Lesson: %1").arg(m_lessons->lesson()->title));
        m_lessonEmpty->setText(tr("Its steps are in the left dock: Alt+Right for the next, Alt+Left for the one "
                                  "before. Exit the lesson to get your layout back."));
        m_lessonEmpty->setActions({m_lessonExit});
    } else {
        m_lessonEmpty->setTitle(tr("No lesson running"));
        const int shipped = int(m_lessonStarters.size()) - 1; // the last is Open Lesson…
        m_lessonEmpty->setText(tr("Step-by-step lessons on co-design, shown in the left dock: start with the first, "
                                  "pick one from the Lessons menu, or open a lesson file."));
        // The first lesson and Open Lesson…: a row of every title would not fit the panel.
        m_lessonEmpty->setActions(shipped > 0 ? QList<QAction*>{m_lessonStarters.front(), m_lessonStarters.back()}
                                              : QList<QAction*>{m_lessonStarters.back()});
    }
}

} // namespace tcw::app
