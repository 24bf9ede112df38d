// The frame both design editors share. While no co-design is being edited it shows an empty
// state; otherwise a page with the design's name and undo / redo at the top, the editor's own
// controls (top()), a scrolling body (body()) that ends in the edit's problems and the what-if
// metrics, and Back to Start / Save as Design… at the bottom. showSession() does the part of a
// refresh that is the same for both editors.
#pragma once

#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QStackedWidget;
class QUndoStack;
class QVBoxLayout;

namespace tcw {
struct ValidationError;
}

namespace tcw::models {
class EditSession;
}

namespace tcw::widgets {

class EmptyStateWidget;
class WhatIfSummary;

class EditorFrame : public QWidget {
    Q_OBJECT

public:
    struct Texts {
        QString emptyTitle, emptyText; // the empty state
        QString undoTip, redoTip;      // the header's undo / redo buttons
        QString resetTip;              // Back to Start
    };
    EditorFrame(QUndoStack* stack, const Texts& texts, QWidget* parent = nullptr);

    QVBoxLayout* top() const { return m_top; }   // between the header and the body
    QVBoxLayout* body() const { return m_body; } // scrolls; the problems and metrics follow it
    // Whether the body takes the height left (a table) or the metrics follow it closely and the
    // room is left at the bottom (a form). Default: the body grows.
    void setBodyGrows(bool grows);
    WhatIfSummary* summary() const { return m_summary; }
    QLabel* problemsLabel() const { return m_problems; }
    QPushButton* resetButton() const { return m_reset; }
    QPushButton* saveButton() const { return m_save; }

    // Shows the empty state when the session is not active (false), else the page with the
    // session's title, the errors of the current evaluation that ownsError accepts, the
    // metrics against the start and Save enabled when there is something new to save (true).
    bool showSession(const models::EditSession& session, const std::function<bool(const ValidationError&)>& ownsError);

signals:
    void resetRequested();
    void saveRequested();

private:
    QStackedWidget* m_pages;
    EmptyStateWidget* m_empty;
    QLabel* m_title;
    QVBoxLayout* m_top;
    QVBoxLayout* m_content; // body, problems, metrics, room at the bottom
    QVBoxLayout* m_body;
    QLabel* m_problems;
    WhatIfSummary* m_summary;
    QPushButton* m_reset;
    QPushButton* m_save;
};

} // namespace tcw::widgets
