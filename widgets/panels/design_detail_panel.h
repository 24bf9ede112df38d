// The Design detail dock: the selected design's identity and its latest metrics in the
// explorer's mode, with every evaluation counted. Charts (energy and area by module, latency
// by op, roofline) join this panel with the explorer.
#pragma once

#include "sim/sim_types.h"
#include "store/records.h"

#include <QWidget>

#include <optional>
#include <vector>

class QFormLayout;
class QLabel;
class QStackedWidget;

namespace tcw::widgets {

class EmptyStateWidget;

class DesignDetailPanel : public QWidget {
    Q_OBJECT

public:
    explicit DesignDetailPanel(QWidget* parent = nullptr);

    // No design: the empty state. Evaluations in any order and mode.
    void setDesign(const std::optional<store::DesignRecord>& design,
                   const std::vector<store::EvaluationRecord>& evaluations);
    void setMode(SimMode mode);
    bool hasDesign() const { return m_design.has_value(); }
    QString metricText(const QString& label) const; // the shown value of one metric (tests)

private:
    void refresh();
    void addRow(const QString& label, const QString& value, const QString& toolTip = {});

    QStackedWidget* m_stack;
    EmptyStateWidget* m_empty;
    QLabel* m_title;
    QLabel* m_subtitle;
    QFormLayout* m_form;
    std::optional<store::DesignRecord> m_design;
    std::vector<store::EvaluationRecord> m_evaluations;
    SimMode m_mode = SimMode::Inference;
};

} // namespace tcw::widgets
