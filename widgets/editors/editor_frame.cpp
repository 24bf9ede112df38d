#include "editor_frame.h"

#include "models/edit_session.h"
#include "panels/empty_state_widget.h"
#include "what_if_summary.h"

#include "design/validation.h"

#include <QAction>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace tcw::widgets {

EditorFrame::EditorFrame(QUndoStack* stack, const Texts& texts, QWidget* parent)
    : QWidget(parent), m_pages(new QStackedWidget(this)) {
    m_empty = new EmptyStateWidget(texts.emptyTitle, texts.emptyText, this);
    m_pages->addWidget(m_empty);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_pages);

    auto* page = new QWidget;
    auto* column = new QVBoxLayout(page);
    column->setContentsMargins(6, 6, 6, 6);
    auto* header = new QHBoxLayout;
    m_title = new QLabel(page);
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    header->addWidget(m_title, 1);
    // The buttons read "Undo" and "Redo"; what they would undo goes in the tooltip (the stack's
    // own actions are named after the command, "Undo set PE count to 512", and widened the dock).
    auto addTool = [&](bool undo, const QString& tip) {
        auto* action = new QAction(undo ? tr("Undo") : tr("Redo"), page);
        action->setObjectName(undo ? QStringLiteral("editorUndo") : QStringLiteral("editorRedo"));
        auto update = [stack, action, tip, undo] {
            const QString what = undo ? stack->undoText() : stack->redoText();
            action->setEnabled(undo ? stack->canUndo() : stack->canRedo());
            action->setToolTip(what.isEmpty() ? tip : QStringLiteral("%1: %2").arg(tip, what));
        };
        connect(action, &QAction::triggered, stack, undo ? &QUndoStack::undo : &QUndoStack::redo);
        connect(stack, &QUndoStack::indexChanged, action, update);
        connect(stack, &QUndoStack::cleanChanged, action, update);
        update();
        auto* button = new QToolButton(page);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        header->addWidget(button);
    };
    addTool(true, texts.undoTip);
    addTool(false, texts.redoTip);
    column->addLayout(header);
    m_top = new QVBoxLayout;
    m_top->setContentsMargins(0, 0, 0, 0);
    column->addLayout(m_top);

    // The editor's body, its problems and the metrics scroll together, so the dock can be short.
    auto* scroll = new QScrollArea(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget;
    auto* content = m_content = new QVBoxLayout(inner);
    content->setContentsMargins(0, 0, 0, 0);
    m_body = new QVBoxLayout;
    m_body->setContentsMargins(0, 0, 0, 0);
    content->addLayout(m_body, 1);
    m_problems = new QLabel(inner);
    m_problems->setWordWrap(true);
    m_problems->setVisible(false);
    content->addWidget(m_problems);
    auto* metrics = new QGroupBox(tr("Metrics"), inner);
    auto* metricsLayout = new QVBoxLayout(metrics);
    m_summary = new WhatIfSummary(metrics);
    metricsLayout->addWidget(m_summary);
    content->addWidget(metrics);
    content->addStretch(0);
    scroll->setWidget(inner);
    column->addWidget(scroll, 1);

    auto* buttons = new QHBoxLayout;
    m_reset = new QPushButton(tr("Back to Start"), page);
    m_reset->setToolTip(texts.resetTip);
    connect(m_reset, &QPushButton::clicked, this, &EditorFrame::resetRequested);
    m_save = new QPushButton(tr("Save as Design…"), page);
    m_save->setToolTip(tr("Add the edited co-design to the workspace as a new design, with its metrics"));
    connect(m_save, &QPushButton::clicked, this, &EditorFrame::saveRequested);
    buttons->addWidget(m_reset);
    buttons->addStretch();
    buttons->addWidget(m_save);
    column->addLayout(buttons);
    m_pages->addWidget(page);
}

void EditorFrame::setBodyGrows(bool grows) {
    m_content->setStretch(0, grows ? 1 : 0);
    m_content->setStretch(m_content->count() - 1, grows ? 0 : 1);
}

bool EditorFrame::showSession(const models::EditSession& session,
                              const std::function<bool(const ValidationError&)>& ownsError) {
    if (!session.isActive()) {
        m_pages->setCurrentWidget(m_empty);
        m_summary->clear();
        return false;
    }
    m_pages->setCurrentIndex(1);
    const QString name = QString::fromStdString(session.start().name);
    m_title->setText(session.isModified() ? tr("%1 (edited)").arg(name) : name);
    const models::WhatIfEvaluation& now = session.currentEvaluation();
    QStringList problems;
    for (const auto& e : now.errors)
        if (ownsError(e))
            problems << QString::fromStdString(e.toString()).toHtmlEscaped();
    m_problems->setText(
        problems.isEmpty()
            ? QString()
            : QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(problems.join(QStringLiteral("<br>"))));
    m_problems->setVisible(!problems.isEmpty());
    m_summary->setEvaluations(session.startEvaluation(), now, session.isModified());
    m_save->setEnabled(session.isModified() && now.simulated);
    return true;
}

} // namespace tcw::widgets
