// Range filter dialog: two spin boxes with enough decimals for the objective's scale.
#include "range_filter_dialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

RangeFilterDialog::RangeFilterDialog(models::Objective objective, double lo, double hi, QWidget* parent)
    : QDialog(parent), m_from(new QDoubleSpinBox(this)), m_to(new QDoubleSpinBox(this)) {
    const models::ObjectiveInfo& info = models::objectiveInfo(objective);
    setWindowTitle(tr("Limit %1").arg(info.label));
    // Enough decimals to show the smaller end with four significant digits.
    const double smallest = std::max(1e-9, std::min(std::abs(lo), std::abs(hi)));
    const int decimals = std::clamp(3 - int(std::floor(std::log10(smallest))), 0, 9);
    for (QDoubleSpinBox* box : {m_from, m_to}) {
        box->setDecimals(decimals);
        box->setRange(-1e12, 1e12);
        box->setSuffix(QLatin1Char(' ') + info.unit);
        box->setGroupSeparatorShown(true);
    }
    m_from->setValue(lo);
    m_to->setValue(hi);
    m_from->setToolTip(tr("Designs below this value are hidden"));
    m_to->setToolTip(tr("Designs above this value are hidden"));
    auto* form = new QFormLayout(this);
    auto* text = new QLabel(
        tr("Show only designs whose %1 lies in this range; the plots follow the table.").arg(info.label.toLower()),
        this);
    text->setWordWrap(true);
    form->addRow(text);
    form->addRow(tr("From"), m_from);
    form->addRow(tr("To"), m_to);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

std::pair<double, double> RangeFilterDialog::range() const {
    return {std::min(m_from->value(), m_to->value()), std::max(m_from->value(), m_to->value())};
}

} // namespace tcw::widgets
