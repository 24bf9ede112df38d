// What the explorer shows: the objectives on the x and y axes and the colour scale, the
// simulation mode (inference or training costs) and the filter text. One instance is shared
// by the toolbar (which edits it), the views (which read it) and the status bar.
#pragma once

#include "front_analysis.h"
#include "objective.h"
#include "sim/sim_types.h"

#include <QObject>
#include <QString>

#include <optional>
#include <vector>

class QSettings;

namespace tcw::models {

// The settings as a value, for comparisons, persistence and tests.
struct ExplorerChoice {
    Objective x = Objective::Latency;
    Objective y = Objective::Accuracy;
    Objective colour = Objective::Energy;
    // Issue 15: the Pareto plot colours its points by the model's precision (categorical, one
    // series colour per precision) instead of by `colour` (kept for when this is switched off).
    bool colourByPrecision = false;
    SimMode mode = SimMode::Inference;
    QString filterText;
    std::vector<ObjectiveBound> bounds; // constraint thresholds, at most one per objective

    bool operator==(const ExplorerChoice&) const = default;
};

class ExplorerSettings : public QObject {
    Q_OBJECT

public:
    explicit ExplorerSettings(QObject* parent = nullptr);

    const ExplorerChoice& choice() const { return m_choice; }
    Objective xObjective() const { return m_choice.x; }
    Objective yObjective() const { return m_choice.y; }
    Objective colourObjective() const { return m_choice.colour; }
    bool colourByPrecision() const { return m_choice.colourByPrecision; }
    SimMode mode() const { return m_choice.mode; }
    QString filterText() const { return m_choice.filterText; }
    const std::vector<ObjectiveBound>& bounds() const { return m_choice.bounds; }
    std::optional<double> bound(Objective objective) const;

    // "x: Latency (ms) · y: Accuracy (%) · colour: Energy (mJ) · inference"
    // "x: … · y: … · colour: … · mode"; perSequence: the latency and energy titles say "per
    // sequence" (the explorer's designs mix target kinds, DesignTableModel::perSequence()).
    QString summary(bool perSequence = false) const;

    // Reads and writes the group "explorer"; unknown or missing keys keep the defaults. The
    // filter and the constraint bounds are not kept: they belong to one workspace, and a
    // forgotten filter would greet the next session with missing rows.
    void load(QSettings& settings);
    void save(QSettings& settings) const;

public slots:
    void setChoice(const tcw::models::ExplorerChoice& choice);
    void setXObjective(tcw::models::Objective objective);
    void setYObjective(tcw::models::Objective objective);
    void setColourObjective(tcw::models::Objective objective);
    void setColourByPrecision(bool on);
    void setMode(tcw::SimMode mode);
    void setFilterText(const QString& text);
    // Nothing (std::nullopt) removes the objective's constraint.
    void setBound(tcw::models::Objective objective, std::optional<double> bound);
    void clearBounds();

signals:
    void xObjectiveChanged(tcw::models::Objective objective);
    void yObjectiveChanged(tcw::models::Objective objective);
    void colourObjectiveChanged(tcw::models::Objective objective);
    void colourByPrecisionChanged(bool on);
    void modeChanged(tcw::SimMode mode);
    void filterTextChanged(const QString& text);
    void boundsChanged();
    void changed(); // after any of the above

private:
    ExplorerChoice m_choice;
};

} // namespace tcw::models
