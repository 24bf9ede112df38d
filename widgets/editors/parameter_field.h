// One numeric parameter of an editor, in two forms: restricted to a design space's allowed
// values (a combo box; a value outside the space shows as such) or free (a spin box with
// bounds). Emits edited() only for the user's changes.
#pragma once

#include <QWidget>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
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

    QComboBox* combo() const { return m_combo; }
    QDoubleSpinBox* spin() const { return m_spin; }

signals:
    void edited(double value);

private:
    void refreshCombo();
    QString text(double value) const;

    QStackedLayout* m_stack;
    QComboBox* m_combo;
    QDoubleSpinBox* m_spin;
    std::vector<double> m_choices;
    double m_value = 0;
    int m_decimals;
    QString m_suffix;
    bool m_restricted = true;
};

} // namespace tcw::widgets
