// What a view shows when it has nothing to show: a title, a sentence on why and what to do,
// and buttons for the actions that would fill it (the window's own QActions, so a button is
// enabled exactly when its menu item is).
#pragma once

#include <QList>
#include <QWidget>

class QAction;
class QHBoxLayout;
class QLabel;

namespace tcw::widgets {

class EmptyStateWidget : public QWidget {
    Q_OBJECT

public:
    explicit EmptyStateWidget(const QString& title, const QString& text, QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setText(const QString& text);
    QString title() const;
    QString text() const;
    // The buttons, one per action; the same list again changes nothing (no button is rebuilt
    // under the pointer when the window refreshes its empty states while a search runs).
    void setActions(const QList<QAction*>& actions);

private:
    QLabel* m_title;
    QLabel* m_text;
    QHBoxLayout* m_buttons;
    QList<QAction*> m_actions;
};

} // namespace tcw::widgets
