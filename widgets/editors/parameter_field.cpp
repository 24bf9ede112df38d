// Parameter field: a combo box and a spin box on a stacked layout, kept in step.
#include "parameter_field.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLocale>
#include <QSignalBlocker>
#include <QStackedLayout>

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

QString ParameterField::text(double value) const {
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
