// LessonController: steps applied as effective states (models::effectiveState), the workspace
// first and the rest once it has opened.
#include "lesson_controller.h"

#include "design/target.h"

#include "app_paths.h"
#include "edit_controller.h"
#include "main_window.h"
#include "models/design_table_model.h"
#include "panels/control_highlight.h"
#include "panels/device_selection_page.h"
#include "panels/devices_page.h"
#include "panels/lesson_panel.h"
#include "workspace_controller.h"

#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QStackedWidget>

namespace tcw::app {

namespace {
QString canonical(const QString& path) {
    const QFileInfo info(path);
    return info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
}
} // namespace

LessonController::LessonController(MainWindow* window)
    : QObject(window), m_window(window), m_panel(new widgets::LessonPanel),
      m_highlight(new widgets::ControlHighlight(window)) {
    m_panel->hide();
    connect(m_panel, &widgets::LessonPanel::stepRequested, this, &LessonController::goToStep);
    connect(m_panel, &widgets::LessonPanel::exitRequested, this, [this] { exit(); });
}

widgets::LessonPanel* LessonController::panel() const {
    return m_panel.data();
}

LessonController::~LessonController() {
    if (m_panel && !m_panel->parent())
        delete m_panel.data();
}

models::LessonVocabulary LessonController::vocabulary() const {
    models::LessonVocabulary v;
    v.views = {QStringLiteral("pareto"), QStringLiteral("parallel"), QStringLiteral("table"), QStringLiteral("devices"),
               QStringLiteral("selection")};
    v.docks = MainWindow::lessonDockNames();
    v.panelTabs = {QStringLiteral("search"), QStringLiteral("training"), QStringLiteral("lesson"),
                   QStringLiteral("log")};
    v.editorTabs = {QStringLiteral("accelerator"), QStringLiteral("transformer")};
    for (const MainWindow::LessonControl& c : m_window->lessonControls())
        v.controls << c.name;
    v.editFields = MainWindow::acceleratorEditNames();
    return v;
}

models::LessonParseResult LessonController::read(const QString& path) const {
    return models::readLessonFile(path, vocabulary());
}

QString LessonController::resolveWorkspace(const QString& written) const {
    if (QFileInfo(written).isAbsolute())
        return written;
    if (!m_path.isEmpty()) {
        const QString beside = QFileInfo(m_path).dir().filePath(written);
        if (QFileInfo::exists(beside))
            return beside;
    }
    return QDir(dataDirectory()).filePath(written);
}

bool LessonController::open(const QString& path) {
    const models::LessonParseResult result = read(path);
    if (!result.lesson) {
        emit errorOccurred(tr("Cannot Open the Lesson"), result.errors.join(QLatin1Char('\n')));
        return false;
    }
    // A step whose workspace is missing would run on whatever workspace is open: refuse the
    // lesson before it starts, naming the step and where the workspace was looked for.
    const QString previousPath = m_path;
    m_path = QFileInfo(path).absoluteFilePath(); // resolveWorkspace looks beside the lesson
    QStringList missing;
    for (std::size_t i = 0; i < result.lesson->steps.size(); ++i)
        if (const auto& workspace = result.lesson->steps[i].state.workspace) {
            const QString resolved = resolveWorkspace(*workspace);
            if (!QFileInfo(resolved).isFile())
                missing << tr("%1: steps[%2].state.workspace: %3 does not exist")
                               .arg(path)
                               .arg(i)
                               .arg(QDir::toNativeSeparators(resolved));
        }
    m_path = previousPath;
    if (!missing.isEmpty()) {
        emit errorOccurred(tr("Cannot Open the Lesson"), missing.join(QLatin1Char('\n')));
        return false;
    }
    start(*result.lesson, path);
    return true;
}

void LessonController::rememberUserState() {
    if (m_user) // kept from before the first lesson: a second lesson does not overwrite it
        return;
    UserState user;
    user.layout = m_window->saveState(MainWindow::kLayoutVersion);
    user.choice = m_window->explorerSettings()->choice();
    user.workspace = m_window->controller()->filePath();
    user.selected = m_window->controller()->currentDesignId();
    user.selection = m_window->selectionPage()->inputs();
    m_user = user;
}

void LessonController::start(const models::Lesson& lesson, const QString& path) {
    rememberUserState();
    m_lesson = lesson;
    m_path = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    m_panel->setLesson(lesson, m_path.isEmpty() ? QDir::currentPath() : QFileInfo(m_path).absolutePath());
    takeOverLeftDock(true);
    emit started(lesson.title);
    m_step = -1;
    goToStep(0);
}

void LessonController::goToStep(int step) {
    if (!m_lesson || step < 0 || std::size_t(step) >= m_lesson->steps.size())
        return;
    m_step = step;
    const quint64 generation = ++m_generation;
    disconnect(m_openedConnection);
    disconnect(m_failedConnection);
    disconnect(m_computedConnection);
    disconnect(m_computeFailedConnection);
    disconnect(m_devicesConnection);
    m_panel->showStep(step);
    m_panel->setStatus({});
    emit changed();

    const models::LessonState state = models::effectiveState(*m_lesson, step);
    WorkspaceController* workspace = m_window->controller();
    if (state.workspace) {
        const QString path = resolveWorkspace(*state.workspace);
        if (!QFileInfo::exists(path)) {
            fail(tr("The step's workspace %1 does not exist").arg(QDir::toNativeSeparators(path)));
            return;
        }
        if (!workspace->isOpen() || canonical(workspace->filePath()) != canonical(path)) {
            m_applying = true;
            m_panel->setStatus(tr("Opening %1…").arg(QFileInfo(path).fileName()));
            // Opening runs on the worker thread: the rest of the step waits for it.
            m_openedConnection = connect(workspace, &WorkspaceController::workspaceOpened, this,
                                         [this, generation] { applyAfterWorkspace(generation); });
            m_failedConnection = connect(workspace, &WorkspaceController::errorOccurred, this,
                                         [this, generation](const QString& title, const QString& text) {
                                             if (generation == m_generation)
                                                 fail(title + QStringLiteral(": ") + text);
                                         });
            workspace->openWorkspace(path);
            return;
        }
    }
    applyAfterWorkspace(generation);
}

void LessonController::applyAfterWorkspace(quint64 generation) {
    if (generation != m_generation || !m_lesson)
        return; // a later step or an exit came first
    disconnect(m_openedConnection);
    disconnect(m_failedConnection);
    disconnect(m_computedConnection);
    disconnect(m_computeFailedConnection);
    disconnect(m_devicesConnection);
    m_applying = false;
    m_panel->setStatus({});
    const models::LessonState state = models::effectiveState(*m_lesson, m_step);
    WorkspaceController* workspace = m_window->controller();

    models::ExplorerChoice choice = m_window->explorerSettings()->choice();
    if (state.mode)
        choice.mode = *state.mode;
    if (state.x)
        choice.x = *state.x;
    if (state.y)
        choice.y = *state.y;
    if (state.colour) {
        choice.colour = *state.colour;
        choice.colourByPrecision = false; // issue 15: the step's colour objective shows, not the precisions
    }
    if (state.filter)
        choice.filterText = *state.filter;
    if (state.bounds)
        choice.bounds = *state.bounds;
    m_window->explorerSettings()->setChoice(choice); // mode changes reload synchronously

    if (state.select) {
        const models::DesignTableModel* model = workspace->designModel();
        std::optional<qint64> id;
        for (int row = 0; row < model->rowCount() && !id; ++row)
            if (QString::fromStdString(model->designAt(row)->design.name) == *state.select)
                id = model->designAt(row)->design.id;
        if (id)
            workspace->selectDesign(*id);
        else
            m_panel->setStatus(tr("No design named “%1” in this workspace").arg(*state.select), true);
    }

    // Views first (showing a bottom tab shows its dock), then the docks the step names.
    if (state.view)
        m_window->showView(*state.view);
    if (state.panelTab)
        m_window->showView(*state.panelTab);
    if (state.editorTab)
        m_window->showEditorTab(*state.editorTab);
    for (const QString& name : state.showDocks)
        if (QDockWidget* dock = m_window->lessonDock(name))
            dock->show();
    for (const QString& name : state.hideDocks)
        if (QDockWidget* dock = m_window->lessonDock(name))
            dock->hide();
    m_window->lessonDock(QStringLiteral("workspace"))->show(); // the lesson lives there

    applyEdits(state);
    applyHidden(state.hiddenControls);
    setHighlightedControl(state.highlight);
    // The step holds once the tabs it shows have their content: the Selection tab's matrix
    // computed with its inputs, the Devices tab's profiles read.
    m_waitingForSelection = !state.selection.isEmpty();
    m_waitingForDevices = state.view == QLatin1String("devices") && m_window->devicesPage()->isReading();
    if (m_waitingForDevices)
        m_devicesConnection = connect(m_window->devicesPage(), &widgets::DevicesPage::loaded, this, [this, generation] {
            m_waitingForDevices = false;
            finishStep(generation);
        });
    m_applying = m_waitingForSelection || m_waitingForDevices;
    if (m_waitingForSelection)
        applySelection(state.selection, generation);
    finishStep(generation);
}

void LessonController::applySelection(const models::LessonSelection& selection, quint64 generation) {
    widgets::DeviceSelectionPage* page = m_window->selectionPage();
    // What the page shows already holds when the step asks for nothing else (a later step that
    // only keeps the earlier inputs): no second computation.
    const QString model = !selection.model ? page->model()
                          : selection.model->endsWith(QLatin1String(".json"))
                              ? resolveWorkspace(*selection.model) // found like a workspace
                              : *selection.model;
    const QString catalogue = selection.catalogue ? resolveWorkspace(*selection.catalogue) : page->cataloguePath();
    // A lesson that names no data set is costed for the text task, whatever the user had chosen:
    // its numbers must not depend on the page's state before the lesson.
    const QString data = selection.data.value_or(QStringLiteral("text"));
    const bool same = canonical(catalogue) == canonical(page->cataloguePath()) && model == page->model() &&
                      data == page->dataSet() &&
                      selection.sequence.value_or(page->sequenceLength()) == page->sequenceLength() &&
                      qFuzzyCompare(selection.latencyMs.value_or(page->latencyLimitMs()), page->latencyLimitMs()) &&
                      qFuzzyCompare(1 + selection.accuracy.value_or(page->accuracyLimit()), 1 + page->accuracyLimit());
    if (same && !page->isBusy() && !page->result().cells.empty()) {
        m_waitingForSelection = false;
        return;
    }
    m_applying = true;
    m_panel->setStatus(tr("Computing the feasibility matrix…"));
    m_computedConnection = connect(page, &widgets::DeviceSelectionPage::computed, this, [this, generation] {
        m_waitingForSelection = false;
        finishStep(generation);
    });
    m_computeFailedConnection =
        connect(page, &widgets::DeviceSelectionPage::failed, this, [this, generation](const QString& text) {
            if (generation == m_generation)
                fail(tr("The Selection tab: %1").arg(text));
        });
    page->setModel(model);
    page->setDataSet(data); // checked against the same list when the lesson was read
    if (selection.sequence)
        page->setSequenceLength(*selection.sequence);
    if (selection.latencyMs)
        page->setLatencyLimitMs(*selection.latencyMs);
    if (selection.accuracy)
        page->setAccuracyLimit(*selection.accuracy);
    if (canonical(catalogue) != canonical(page->cataloguePath()))
        page->loadCatalogue(catalogue); // computes once read, with the fields set above
    else
        page->refresh();
}

void LessonController::finishStep(quint64 generation) {
    if (generation != m_generation || !m_lesson || m_waitingForSelection || m_waitingForDevices)
        return;
    disconnect(m_computedConnection);
    disconnect(m_computeFailedConnection);
    disconnect(m_devicesConnection);
    m_applying = false;
    m_panel->setStatus({});
    emit stepApplied(m_step);
}

void LessonController::applyEdits(const models::LessonState& state) {
    EditController* edits = m_window->edits();
    const auto id = m_window->controller()->currentDesignId();
    // Each step's what-if starts from the stored design: edits of an earlier step go.
    if (edits->session()->isModified() && id) {
        edits->session()->end();
        edits->followDesign(id, m_window->explorerSettings()->mode());
    }
    if (state.acceleratorEdits.empty())
        return;
    QStringList list;
    // A choice field's value is its index in a lesson file; --edit takes the choice's name.
    const auto fields = fieldsOf(TargetKind::Elector);
    for (const auto& [field, value] : state.acceleratorEdits) {
        const auto index = findField(fields, field.toStdString());
        list << (index && fields[*index].type == FieldType::Choice
                     ? QStringLiteral("%1=%2").arg(field, QString::fromStdString(fields[*index].valueText(value)))
                     : QStringLiteral("%1=%2").arg(field).arg(value, 0, 'g', 17));
    }
    QString error;
    if (!m_window->applyAcceleratorEdits(list, &error))
        m_panel->setStatus(tr("The step's edits cannot be applied: %1").arg(error), true);
}

void LessonController::fail(const QString& text) {
    m_applying = false;
    m_panel->setStatus(text, true);
    emit statusMessage(text);
}

QWidget* LessonController::control(const QString& name) const {
    for (const MainWindow::LessonControl& c : m_window->lessonControls())
        if (c.name == name)
            return c.widget;
    return nullptr;
}

void LessonController::applyHidden(const QStringList& names) {
    // Give back what the last step hid, then hide this step's.
    for (auto it = m_hidden.crbegin(); it != m_hidden.crend(); ++it)
        if (it->first)
            it->first->setVisible(it->second);
    m_hidden.clear();
    m_hiddenNames.clear();
    for (const QString& name : names) {
        QWidget* widget = control(name);
        if (!widget)
            continue;
        m_hidden.append({widget, !widget->isHidden()});
        widget->hide();
        m_hiddenNames << name;
    }
}

void LessonController::setHiddenControls(const QStringList& names) {
    applyHidden(names);
    emit changed();
}

void LessonController::setHighlightedControl(const QString& name) {
    QWidget* widget = name.isEmpty() ? nullptr : control(name);
    m_highlightName = widget ? name : QString();
    m_highlight->setTarget(widget);
    emit changed();
}

void LessonController::takeOverLeftDock(bool on) {
    QStackedWidget* stack = m_window->leftDockStack();
    QDockWidget* dock = m_window->lessonDock(QStringLiteral("workspace"));
    if (on) {
        if (stack->indexOf(m_panel) < 0)
            stack->addWidget(m_panel);
        stack->setCurrentWidget(m_panel);
        dock->setWindowTitle(tr("Lesson"));
        dock->show();
        dock->raise();
    } else {
        stack->setCurrentIndex(0);
        stack->removeWidget(m_panel);
        m_panel->setParent(nullptr);
        m_panel->hide();
        dock->setWindowTitle(tr("Workspace"));
    }
}

void LessonController::exit(bool restoreWorkspace) {
    if (!m_lesson)
        return;
    ++m_generation;
    disconnect(m_openedConnection);
    disconnect(m_failedConnection);
    disconnect(m_computedConnection);
    disconnect(m_computeFailedConnection);
    disconnect(m_devicesConnection);
    m_applying = false;
    applyHidden({});
    setHighlightedControl({});
    takeOverLeftDock(false);
    m_lesson.reset();
    m_path.clear();
    m_step = -1;
    const UserState user = *m_user;
    m_user.reset();
    m_window->restoreState(user.layout, MainWindow::kLayoutVersion);
    m_window->explorerSettings()->setChoice(user.choice);
    if (m_window->selectionPage()->inputs() != user.selection) // the lesson's catalogue, model and limits go
        m_window->selectionPage()->setInputs(user.selection);
    if (m_window->edits()->session()->isModified()) { // a step's what-if is not the user's
        m_window->edits()->session()->end();
        m_window->edits()->followDesign(m_window->controller()->currentDesignId(), user.choice.mode);
    }
    WorkspaceController* workspace = m_window->controller();
    const bool sameWorkspace = user.workspace.isEmpty() ||
                               (workspace->isOpen() && canonical(workspace->filePath()) == canonical(user.workspace));
    if (restoreWorkspace && !sameWorkspace) {
        if (user.selected) {
            auto* connection = new QMetaObject::Connection;
            *connection =
                connect(workspace, &WorkspaceController::workspaceOpened, this, [workspace, connection, user] {
                    disconnect(*connection);
                    delete connection;
                    workspace->selectDesign(*user.selected);
                });
        }
        workspace->openWorkspace(user.workspace);
    } else if (sameWorkspace && user.selected) {
        workspace->selectDesign(*user.selected);
    }
    emit exited();
    emit changed();
}

QString LessonController::portable(const QString& file) const {
    const QString path = canonical(file);
    const QString data = canonical(dataDirectory());
    const QString lessonDir = m_path.isEmpty() ? QString() : canonical(QFileInfo(m_path).absolutePath());
    // Portable where possible: beside the lesson, then in the data directory.
    if (!lessonDir.isEmpty() && path.startsWith(lessonDir + QLatin1Char('/')))
        return QDir(lessonDir).relativeFilePath(path);
    if (!data.isEmpty() && path.startsWith(data + QLatin1Char('/')))
        return QDir(data).relativeFilePath(path);
    return path;
}

models::LessonState LessonController::captureState() const {
    models::LessonState s;
    WorkspaceController* workspace = m_window->controller();
    if (workspace->isOpen()) {
        s.workspace = portable(workspace->filePath());
        if (vocabulary().views.contains(m_window->currentCentralView()))
            s.view = m_window->currentCentralView();
    }
    const models::ExplorerChoice& choice = m_window->explorerSettings()->choice();
    s.mode = choice.mode;
    s.x = choice.x;
    s.y = choice.y;
    s.colour = choice.colour;
    s.filter = choice.filterText;
    s.bounds = choice.bounds;
    if (const auto id = workspace->currentDesignId())
        if (const auto design = workspace->design(*id))
            s.select = QString::fromStdString(design->name);
    for (const QString& name : MainWindow::lessonDockNames())
        (m_window->lessonDock(name)->isVisible() ? s.showDocks : s.hideDocks) << name;
    s.panelTab = m_window->currentPanelTab();
    s.editorTab = m_window->currentEditorTab();
    s.hiddenControls = m_hiddenNames;
    s.highlight = m_highlightName;
    if (const widgets::DeviceSelectionPage* page = m_window->selectionPage(); !page->cataloguePath().isEmpty()) {
        s.selection.catalogue = portable(page->cataloguePath());
        s.selection.model = QFileInfo::exists(page->model()) ? portable(page->model()) : page->model();
        s.selection.sequence = page->sequenceLength();
        s.selection.latencyMs = page->latencyLimitMs();
        s.selection.accuracy = page->accuracyLimit();
    }
    QStringList fields; // the full names: a short name would record the same edit twice
    for (const FieldInfo& f : fieldsOf(TargetKind::Elector))
        fields << QString::fromUtf8(f.name.data(), qsizetype(f.name.size()));
    const auto* session = m_window->edits()->session();
    if (session->isModified()) {
        const QMap<QString, double> start = MainWindow::acceleratorEditValues(session->start().target.electorSpec());
        const QMap<QString, double> now = MainWindow::acceleratorEditValues(session->current().target.electorSpec());
        for (const QString& field : fields)
            if (start.value(field) != now.value(field))
                s.acceleratorEdits.emplace_back(field, now.value(field));
    }
    return s;
}

void LessonController::recordStep(const QString& title, const QString& text) {
    models::LessonStep step;
    step.title =
        title.trimmed().isEmpty() ? tr("Step %1").arg(m_lesson ? m_lesson->steps.size() + 1 : 1) : title.trimmed();
    step.text = text;
    step.state = captureState();
    if (!m_lesson) {
        models::Lesson lesson;
        lesson.title = tr("Untitled lesson");
        lesson.steps.push_back(step);
        // Recording keeps what is on screen: start without re-applying anything.
        rememberUserState();
        m_lesson = lesson;
        m_path.clear();
        m_panel->setLesson(*m_lesson, QDir::currentPath());
        takeOverLeftDock(true);
        m_step = 0;
        emit started(lesson.title);
    } else {
        const auto at = m_lesson->steps.begin() + std::min<std::ptrdiff_t>(m_step + 1, m_lesson->steps.size());
        m_lesson->steps.insert(at, step);
        m_step = std::min<int>(m_step + 1, int(m_lesson->steps.size()) - 1);
        const QString base = m_path.isEmpty() ? QDir::currentPath() : QFileInfo(m_path).absolutePath();
        m_panel->setLesson(*m_lesson, base);
        m_panel->showStep(m_step);
    }
    emit statusMessage(tr("Recorded step %1 of %2").arg(m_step + 1).arg(m_lesson->steps.size()));
    emit changed();
}

void LessonController::setLessonTitle(const QString& title) {
    if (!m_lesson || title.trimmed().isEmpty())
        return;
    m_lesson->title = title.trimmed();
    const int step = m_step;
    m_panel->setLesson(*m_lesson, m_path.isEmpty() ? QDir::currentPath() : QFileInfo(m_path).absolutePath());
    m_panel->showStep(step);
    emit changed();
}

bool LessonController::saveAs(const QString& path, QString* error) {
    if (!m_lesson) {
        if (error)
            *error = tr("no lesson to save: record a step first");
        return false;
    }
    models::Lesson lesson = *m_lesson;
    // Workspaces recorded beside the old file or by absolute path stay found from the new place.
    const QDir newDir = QFileInfo(path).absoluteDir();
    const auto movePath = [&](std::optional<QString>& written) {
        if (!written)
            return;
        const QString resolved = canonical(resolveWorkspace(*written));
        const QString data = canonical(dataDirectory());
        if (!data.isEmpty() && resolved.startsWith(data + QLatin1Char('/')))
            written = QDir(data).relativeFilePath(resolved);
        else if (resolved.startsWith(canonical(newDir.absolutePath()) + QLatin1Char('/')))
            written = newDir.relativeFilePath(resolved);
        else
            written = resolved;
    };
    for (models::LessonStep& step : lesson.steps) {
        movePath(step.state.workspace);
        movePath(step.state.selection.catalogue);
        if (step.state.selection.model && step.state.selection.model->endsWith(QLatin1String(".json")))
            movePath(step.state.selection.model);
    }
    // So do figures: relative to the new file when beside or under it, else by absolute path.
    const QDir oldDir = m_path.isEmpty() ? QDir::current() : QFileInfo(m_path).absoluteDir();
    for (models::LessonStep& step : lesson.steps)
        if (!step.figure.isEmpty()) {
            const QString resolved = QFileInfo(oldDir.filePath(step.figure)).absoluteFilePath();
            step.figure = resolved.startsWith(newDir.absolutePath() + QLatin1Char('/'))
                              ? newDir.relativeFilePath(resolved)
                              : resolved;
        }
    if (!models::writeLessonFile(lesson, path, error))
        return false;
    m_lesson = lesson;
    m_path = QFileInfo(path).absoluteFilePath();
    emit statusMessage(tr("Saved the lesson to %1").arg(QDir::toNativeSeparators(path)));
    emit changed();
    return true;
}

} // namespace tcw::app
