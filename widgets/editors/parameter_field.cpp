// Parameter field: a combo box and a spin box on a stacked layout, kept in step.
#include "parameter_field.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QKeyEvent>
#include <QLineEdit>
#include <QLocale>
#include <QSignalBlocker>
#include <QStackedLayout>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

ParameterField::ParameterField(double minimum, double maximum, int decimals, const QString& suffix, QWidget* parent)
    : QWidget(parent), m_stack(new QStackedLayout(this)), m_combo(new QComboBox(this)),
      m_spin(new QDoubleSpinBox(this)), m_decimals(decimals), m_suffix(suffix) {
    m_stack->setContentsMargins(0, 0, 0, 0);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_spin->setRange(minimum, maximum);
    m_spin->setDecimals(decimals);
    m_spin->setSuffix(suffix.isEmpty() ? QString() : QLatin1Char(' ') + suffix);
    m_spin->setKeyboardTracking(false); // typing "128" edits once, not at 1, 12 and 128
    m_spin->setAccelerated(true);
    m_stack->addWidget(m_combo);
    m_stack->addWidget(m_spin);
    // The wheel scrolls the editor unless the field has focus (a click or Tab gives it), so
    // scrolling past a field never changes it; Ctrl+Z / Ctrl+Shift+Z reach the editor's undo.
    for (QWidget* w : {static_cast<QWidget*>(m_combo), static_cast<QWidget*>(m_spin)}) {
        w->setFocusPolicy(Qt::StrongFocus);
        w->installEventFilter(this);
    }
    m_spin->findChild<QLineEdit*>()->installEventFilter(this);
    connect(m_combo, &QComboBox::activated, this, [this](int index) {
        const double v = m_combo->itemData(index).toDouble();
        if (v != m_value) {
            m_value = v;
            emit edited(v);
        }
    });
    connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (v != m_value) {
            m_value = v;
            emit edited(v);
        }
    });
}

bool ParameterField::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Wheel) {
        auto* widget = qobject_cast<QWidget*>(watched);
        if (widget && !widget->hasFocus()) {
            event->ignore(); // not taken: it goes on to the scroll area around the editor
            return true;
        }
    } else if (event->type() == QEvent::KeyPress && watched != m_combo) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (refusesKey(*key))
            return true; // said why; the text stays as it was
    } else if (event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
            // Typed but not entered: Ctrl+Z gives the field its value back. Otherwise the
            // line edit's own text undo would swallow the key and the edit stays.
            const bool typing = m_spin->hasFocus() && m_spin->valueFromText(m_spin->cleanText()) != m_spin->value();
            if (key->matches(QKeySequence::Undo) && typing) {
                setValue(m_value);
                event->accept();
                return true;
            }
            event->ignore(); // the window's Undo / Redo shortcut takes it
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool ParameterField::refusesKey(const QKeyEvent& key) {
    auto* edit = m_spin->findChild<QLineEdit*>();
    const QString suffix = m_spin->suffix();
    auto number = [&](const QString& text, bool* ok) {
        QString t = text.trimmed();
        if (!suffix.isEmpty() && t.endsWith(suffix.trimmed()))
            t.chop(suffix.trimmed().size());
        return QLocale().toDouble(t.trimmed(), ok);
    };
    bool ok = false;
    if (key.key() == Qt::Key_Return || key.key() == Qt::Key_Enter) {
        // Entered below the smallest value: the spin box would quietly keep the old value.
        const double v = number(edit->text(), &ok);
        if (ok && v < m_spin->minimum()) {
            refuse(tr("%1 is less than the smallest value allowed here, %2")
                       .arg(QLocale().toString(v), text(m_spin->minimum())));
            setValue(m_value);
            return true;
        }
        return false;
    }
    if (key.text().isEmpty() || !key.text().front().isDigit())
        return false;
    // The text this key would make: beyond the largest value the spin box drops the key unsaid.
    QString after = edit->text();
    const int from = edit->hasSelectedText() ? edit->selectionStart() : edit->cursorPosition();
    after.replace(from, edit->selectedText().size(), key.text());
    const double v = number(after, &ok);
    if (ok && v > m_spin->maximum()) {
        refuse(tr("%1 is more than the largest value allowed here, %2")
                   .arg(QLocale().toString(v), text(m_spin->maximum())));
        return true;
    }
    return false;
}

void ParameterField::refuse(const QString& message) {
    m_refusal = message;
    QToolTip::showText(mapToGlobal(QPoint(0, height())), message, this);
    emit refused(message);
}

void ParameterField::setMinimumText(const QString& text) {
    m_minimumText = text;
    m_spin->setSpecialValueText(text);
    refreshCombo();
}

QString ParameterField::text(double value) const {
    if (!m_minimumText.isEmpty() && value == m_spin->minimum())
        return m_minimumText;
    // Whole numbers without decimals; fractions (0.5 MB) with as few as they need.
    const QString number =
        m_decimals == 0 ? QLocale().toString(qint64(std::llround(value))) : QLocale().toString(value, 'g', 6);
    return m_suffix.isEmpty() ? number : number + QLatin1Char(' ') + m_suffix;
}

void ParameterField::setChoices(const std::vector<double>& values) {
    m_choices = values;
    std::sort(m_choices.begin(), m_choices.end());
    refreshCombo();
}

void ParameterField::setRestricted(bool restricted) {
    m_restricted = restricted;
    m_stack->setCurrentWidget(restricted ? static_cast<QWidget*>(m_combo) : m_spin);
}

void ParameterField::setValue(double value) {
    m_value = value;
    const QSignalBlocker blockSpin(m_spin);
    m_spin->setValue(value);
    refreshCombo();
}

void ParameterField::setToolTip(const QString& text) {
    QWidget::setToolTip(text);
    m_combo->setToolTip(text);
    m_spin->setToolTip(text);
}

void ParameterField::refreshCombo() {
    const QSignalBlocker block(m_combo);
    m_combo->clear();
    bool found = false;
    for (double v : m_choices) {
        m_combo->addItem(text(v), v);
        found = found || v == m_value;
    }
    if (!found) {
        m_combo->addItem(tr("%1 (outside the space)").arg(text(m_value)), m_value);
        m_combo->setItemData(m_combo->count() - 1, tr("This value is not one the design space allows"),
                             Qt::ToolTipRole);
    }
    m_combo->setCurrentIndex(m_combo->findData(m_value));
}

} // namespace tcw::widgets
