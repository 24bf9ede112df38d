// ControlHighlight: an overlay child of the target's window, placed over the target.
#include "control_highlight.h"

#include <QEvent>
#include <QPainter>
#include <QScrollArea>
#include <QTimer>

namespace tcw::widgets {

namespace {
constexpr int kMarginPx = 4; // the outline sits this far outside the control
constexpr int kPenPx = 3;
const QColor kOutline(0xE6, 0x9F, 0x00); // Okabe–Ito orange: visible on light and dark, colour-blind safe
} // namespace

ControlHighlight::ControlHighlight(QObject* owner) : QWidget(qobject_cast<QWidget*>(owner)) {
    setObjectName(QStringLiteral("controlHighlight"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setFocusPolicy(Qt::NoFocus);
    hide();
    if (owner && !parentWidget()) // not a widget: go with it all the same
        connect(owner, &QObject::destroyed, this, &QObject::deleteLater);
}

ControlHighlight::~ControlHighlight() {
    watch(false);
}

void ControlHighlight::setTarget(QWidget* target) {
    watch(false);
    m_target = target;
    if (!target) {
        hide();
        return;
    }
    QWidget* window = target->window();
    if (parentWidget() != window)
        setParent(window); // hides until follow() shows it
    watch(true);
    follow();
    // A control inside a scrolled panel (the detail's charts) is scrolled into view, now and
    // once the layouts that showing its dock posted have run.
    scrollIntoView();
    QTimer::singleShot(0, this, &ControlHighlight::scrollIntoView);
}

void ControlHighlight::scrollIntoView() {
    if (!m_target)
        return;
    for (QWidget* w = m_target->parentWidget(); w; w = w->parentWidget())
        if (auto* area = qobject_cast<QScrollArea*>(w)) {
            area->ensureWidgetVisible(m_target, 8, 8);
            break;
        }
}

void ControlHighlight::watch(bool on) {
    for (const QPointer<QWidget>& w : std::as_const(m_watched))
        if (w)
            w->removeEventFilter(this);
    m_watched.clear();
    if (!on || !m_target)
        return;
    for (QWidget* w = m_target; w; w = w->isWindow() ? nullptr : w->parentWidget()) {
        w->installEventFilter(this);
        m_watched << w;
    }
}

bool ControlHighlight::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::Move:
    case QEvent::Resize:
    case QEvent::Show:
    case QEvent::Hide:
    case QEvent::LayoutRequest:
        follow();
        break;
    case QEvent::ParentChange: // docked or floated: a new window, new ancestors
        setTarget(m_target);
        break;
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void ControlHighlight::follow() {
    if (!m_target || !parentWidget() || !m_target->isVisibleTo(parentWidget()) || !parentWidget()->isVisible()) {
        hide();
        return;
    }
    // Only the part of the control its ancestors show (a scroll area's viewport clips it): a
    // control scrolled out of view has no outline floating over other widgets.
    QWidget* window = parentWidget();
    const QRect target(m_target->mapTo(window, QPoint(0, 0)), m_target->size());
    QRect visible = target;
    for (QWidget* w = m_target->parentWidget(); w && w != window; w = w->parentWidget())
        visible &= QRect(w->mapTo(window, QPoint(0, 0)), w->size());
    if (visible.isEmpty()) {
        hide();
        return;
    }
    const QMargins margin(kMarginPx, kMarginPx, kMarginPx, kMarginPx);
    setGeometry((target + margin) & (visible + margin));
    show();
    raise();
}

void ControlHighlight::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(kOutline, kPenPx));
    painter.setBrush(Qt::NoBrush);
    const qreal inset = kPenPx / 2.0 + 0.5;
    painter.drawRoundedRect(QRectF(rect()).adjusted(inset, inset, -inset, -inset), 6, 6);
}

} // namespace tcw::widgets
