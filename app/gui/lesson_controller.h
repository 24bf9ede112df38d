// Runs lessons in the main window: takes over the left dock with the lesson panel, applies
// each step's state (opening its workspace first, asynchronously, then mode, axes, filter,
// selection, docks, tabs, hidden and highlighted controls, what-if edits), and on exit gives
// back the user's layout, explorer choices, workspace and selection. Also the teacher's side:
// record the current state as a step, hide controls, highlight one, save the lesson.
// No dialogs: the menu asks, this does.
#pragma once

#include "models/explorer_settings.h"
#include "models/lesson.h"
#include "panels/device_selection_page.h"

#include <QObject>
#include <QPointer>

#include <optional>

class QWidget;

namespace tcw::widgets {
class ControlHighlight;
class LessonPanel;
} // namespace tcw::widgets

namespace tcw::app {

class MainWindow;

class LessonController : public QObject {
    Q_OBJECT

public:
    explicit LessonController(MainWindow* window);
    ~LessonController() override;

    widgets::LessonPanel* panel() const;
    bool isRunning() const { return m_lesson.has_value(); }
    const std::optional<models::Lesson>& lesson() const { return m_lesson; }
    QString lessonPath() const { return m_path; } // empty for a lesson being recorded
    int currentStep() const { return m_step; }
    bool isApplying() const { return m_applying; } // waiting for the step's workspace
    QStringList hiddenControls() const { return m_hiddenNames; }
    QString highlightedControl() const { return m_highlightName; }
    widgets::ControlHighlight* highlight() const { return m_highlight; }

    // The names this window accepts in a lesson.
    models::LessonVocabulary vocabulary() const;
    // Reads and validates a lesson file; the errors name the file and the field.
    models::LessonParseResult read(const QString& path) const;
    // Where a lesson's workspace field points: the lesson's folder, then the data directory.
    QString resolveWorkspace(const QString& written) const;

    // The workbench's state now, as a step would set it.
    models::LessonState captureState() const;

public slots:
    // Starts lesson (read from path: figures and workspaces are relative to its folder).
    bool open(const QString& path);
    void start(const models::Lesson& lesson, const QString& path);
    void goToStep(int step);
    void next() { goToStep(m_step + 1); }
    void back() { goToStep(m_step - 1); }
    // Leaves the lesson and restores what the user had; with restoreWorkspace false the
    // lesson's workspace stays open (the window is closing).
    void exit(bool restoreWorkspace = true);

    // Teacher: the current state as a new step after the current one (a lesson is started
    // when none runs); the hidden and highlighted controls of now go with it.
    void recordStep(const QString& title, const QString& text);
    void setHiddenControls(const QStringList& names);
    void setHighlightedControl(const QString& name);
    bool saveAs(const QString& path, QString* error);
    void setLessonTitle(const QString& title);

signals:
    void started(const QString& title);
    void stepApplied(int step); // the step's whole state holds now
    void exited();
    void changed(); // running, step or lesson content changed (menus update)
    void statusMessage(const QString& text);
    void errorOccurred(const QString& title, const QString& text);

private:
    struct UserState {
        QByteArray layout;
        models::ExplorerChoice choice;
        QString workspace;
        std::optional<qint64> selected;
        widgets::DeviceSelectionPage::Inputs selection; // the Selection tab's fields
    };
    void rememberUserState(); // the layout, explorer choice, workspace and selection exit restores
    void applyAfterWorkspace(quint64 generation);
    void applyEdits(const models::LessonState& state);
    // The Selection tab's inputs; the step holds once the page has computed with them.
    void applySelection(const models::LessonSelection& selection, quint64 generation);
    void finishStep(quint64 generation);
    void takeOverLeftDock(bool on);
    void applyHidden(const QStringList& names);
    QWidget* control(const QString& name) const;
    QString portable(const QString& file) const; // beside the lesson, in the data directory, or absolute
    void fail(const QString& text);

    MainWindow* m_window;
    QPointer<widgets::LessonPanel> m_panel; // in the left dock while a lesson runs, else ours
    widgets::ControlHighlight* m_highlight;
    std::optional<models::Lesson> m_lesson;
    QString m_path;
    int m_step = -1;
    bool m_applying = false;
    quint64 m_generation = 0; // bumped by every step and exit: late workspace opens are dropped
    std::optional<UserState> m_user;
    QList<QPair<QPointer<QWidget>, bool>> m_hidden; // widgets hidden, with their visibility before
    QStringList m_hiddenNames;
    QString m_highlightName;
    QMetaObject::Connection m_openedConnection, m_failedConnection;
    QMetaObject::Connection m_computedConnection, m_computeFailedConnection; // the Selection tab
    QMetaObject::Connection m_devicesConnection;                             // the Devices tab
    bool m_waitingForSelection = false, m_waitingForDevices = false;
};

} // namespace tcw::app
