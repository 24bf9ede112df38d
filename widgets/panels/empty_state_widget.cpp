// Empty state: centred text block with action buttons.
#include "empty_state_widget.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace tcw::widgets {

EmptyStateWidget::EmptyStateWidget(const QString& title, const QString& text, QWidget* parent)
    : QWidget(parent), m_title(new QLabel(title)), m_text(new QLabel(text)), m_buttons(new QHBoxLayout) {
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setForegroundRole(QPalette::PlaceholderText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_buttons->setSpacing(8);

    // Wrapped labels take the column's full width (a label aligned inside a layout gets its
    // one-line width and is clipped); the column itself is kept to a readable measure.
    auto* block = new QWidget(this);
    block->setMaximumWidth(560);
    auto* column = new QVBoxLayout(block);
    column->setContentsMargins(16, 16, 16, 16);
    column->addWidget(m_title);
    column->addSpacing(6);
    column->addWidget(m_text);
    column->addSpacing(12);
    auto* buttonRow = new QHBoxLayout;
    buttonRow->addStretch();
    buttonRow->addLayout(m_buttons);
    buttonRow->addStretch();
    column->addLayout(buttonRow);

    auto* rows = new QVBoxLayout(this);
    rows->addStretch(2);
    auto* centred = new QHBoxLayout;
    centred->addStretch(1);
    centred->addWidget(block, 100);
    centred->addStretch(1);
    rows->addLayout(centred);
    rows->addStretch(3);
}

void EmptyStateWidget::setTitle(const QString& title) {
    m_title->setText(title);
}
void EmptyStateWidget::setText(const QString& text) {
    m_text->setText(text);
}
QString EmptyStateWidget::title() const {
    return m_title->text();
}
QString EmptyStateWidget::text() const {
    return m_text->text();
}

void EmptyStateWidget::setActions(const QList<QAction*>& actions) {
    if (actions == m_actions)
        return;
    m_actions = actions;
    while (QLayoutItem* item = m_buttons->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (QAction* action : actions) {
        auto* button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setAutoRaise(false);
        button->setMinimumHeight(30);
        m_buttons->addWidget(button);
    }
}

} // namespace tcw::widgets
