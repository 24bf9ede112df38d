// One numeric parameter of an editor, in two forms: restricted to a design space's allowed
// values (a combo box; a value outside the space shows as such) or free (a spin box with
// bounds). Emits edited() only for the user's changes. The wheel changes it only when it has
// focus (else the editor scrolls); Ctrl+Z in it undoes the editor's last edit.
#pragma once

#include <QWidget>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QKeyEvent;
class QStackedLayout;

namespace tcw::widgets {

class ParameterField : public QWidget {
    Q_OBJECT

public:
    // decimals 0: whole numbers.
    ParameterField(double minimum, double maximum, int decimals, const QString& suffix, QWidget* parent = nullptr);

    void setChoices(const std::vector<double>& values);
    void setRestricted(bool restricted);
    bool isRestricted() const { return m_restricted; }
    void setValue(double value); // no edited() signal
    double value() const { return m_value; }
    void setToolTip(const QString& text);
    // Text shown for the minimum instead of its number, where the minimum means "derive it"
    // (QSpinBox::specialValueText; the combo of a restricted field shows it too).
    void setMinimumText(const QString& text);

    QComboBox* combo() const { return m_combo; }
    QDoubleSpinBox* spin() const { return m_spin; }

    // Why the last value typed was not taken (beyond the field's bounds), shown at the field
    // as it happened; empty when none was refused.
    QString lastRefusal() const { return m_refusal; }

signals:
    void edited(double value);
    void refused(const QString& message); // a typed value outside the bounds, with the bounds

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refreshCombo();
    bool refusesKey(const QKeyEvent& key); // true: the key is refused and the refusal said
    void refuse(const QString& message);
    QString text(double value) const;

    QStackedLayout* m_stack;
    QComboBox* m_combo;
    QDoubleSpinBox* m_spin;
    std::vector<double> m_choices;
    double m_value = 0;
    int m_decimals;
    QString m_suffix;
    QString m_minimumText; // "" when the minimum is an ordinary value
    bool m_restricted = true;
    QString m_refusal;
};

} // namespace tcw::widgets
