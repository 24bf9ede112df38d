// The Design detail dock: the selected design (or, while it is being edited, the edited
// version against where it started) — metrics with their changes, energy and area by module,
// utilisation, latency by op kind split into forward / backward / update, the roofline of the
// ops and the per-op table; then what the workspace stores about it. Designs that cannot be
// simulated here (a transformer or an accelerator on its own) show their stored metrics.
#pragma once

#include "models/explorer_state.h"
#include "sim/sim_types.h"
#include "store/records.h"

#include <QWidget>

#include <optional>
#include <vector>

class QFormLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace tcw::models {
class EditSession;
class OpTableModel;
} // namespace tcw::models

namespace tcw::widgets {

class BarChart;
class EmptyStateWidget;
class RooflinePlot;
class WhatIfSummary;

class DesignDetailPanel : public QWidget {
    Q_OBJECT

public:
    explicit DesignDetailPanel(QWidget* parent = nullptr);

    // The session whose evaluations the charts show (the window's one edit session).
    void setSession(models::EditSession* session);

    // No design: the empty state. Evaluations in any order and mode.
    void setDesign(const std::optional<store::DesignRecord>& design,
                   const std::vector<store::EvaluationRecord>& evaluations);
    void setMode(SimMode mode);
    // The design of the explorer's state now (its id, workspace and mode), or nothing.
    void show(const models::ExplorerContext& now, const std::optional<store::DesignRecord>& design,
              const std::vector<store::EvaluationRecord>& evaluations);
    // The state the shown design belongs to; nothing when no design is shown.
    std::optional<models::ExplorerContext> shownContext() const;
    void setDominance(const QString& status, bool joinsFront);
    bool hasDesign() const { return m_design.has_value(); }
    bool showsBreakdown() const;                    // charts of a simulation are shown
    QString metricText(const QString& label) const; // the shown value of one metric (tests)

    // The charts, for the HTML report.
    QList<const class PlotWidget*> charts() const;

signals:
    void reportRequested(); // "HTML Report…"

private:
    void refresh();
    void refreshBreakdown();
    void refreshStored();
    void addRow(const QString& label, const QString& value, const QString& toolTip = {});

    models::EditSession* m_session = nullptr;
    QStackedWidget* m_stack;
    EmptyStateWidget* m_empty;
    QLabel* m_title;
    QLabel* m_subtitle;
    WhatIfSummary* m_summary;
    QLabel* m_phaseSplit;
    QLabel* m_storedNote;
    QWidget* m_breakdown;
    BarChart* m_energy;
    BarChart* m_area;
    BarChart* m_utilisation;
    BarChart* m_latency;
    RooflinePlot* m_roofline;
    models::OpTableModel* m_ops;
    QTableView* m_opTable;
    QFormLayout* m_form;
    QPushButton* m_report;
    std::optional<store::DesignRecord> m_design;
    std::vector<store::EvaluationRecord> m_evaluations;
    SimMode m_mode = SimMode::Inference;
    models::ExplorerContext m_context;
};

} // namespace tcw::widgets
