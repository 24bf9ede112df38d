// An outline drawn around one control, for lessons: a transparent overlay on the control's
// window that follows it as it moves, resizes, shows or hides (it watches the control and
// each of its ancestors), and lets every click through.
#pragma once

#include <QPointer>
#include <QWidget>

namespace tcw::widgets {

class ControlHighlight : public QWidget {
    Q_OBJECT

public:
    explicit ControlHighlight(QObject* owner = nullptr);
    ~ControlHighlight() override;

    // Outlines target (nothing: removes the outline).
    void setTarget(QWidget* target);
    QWidget* target() const { return m_target; }
    // Whether the outline is on screen now (the target is visible).
    bool isShowing() const { return isVisible(); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void follow();
    void scrollIntoView();
    void watch(bool on);

    QPointer<QWidget> m_target;
    QList<QPointer<QWidget>> m_watched; // the target and its ancestors up to its window
};

} // namespace tcw::widgets
