// Asks for the range of one objective that the design table (and with it the plots) keeps:
// from and to in the objective's unit, prefilled with the current limit or the values shown.
#pragma once

#include "models/objective.h"

#include <QDialog>

#include <optional>
#include <utility>

class QDoubleSpinBox;

namespace tcw::widgets {

class RangeFilterDialog : public QDialog {
    Q_OBJECT

public:
    // lo, hi: the range to start from; dataLo, dataHi: the values that occur (spin box bounds
    // are wider, so any range can be typed).
    RangeFilterDialog(models::Objective objective, double lo, double hi, QWidget* parent = nullptr);

    std::pair<double, double> range() const;

private:
    QDoubleSpinBox* m_from;
    QDoubleSpinBox* m_to;
};

} // namespace tcw::widgets
