// The metrics of the design being edited next to those of the design it started from: one
// row per objective with the start, the value now and the change (green when better, red
// when worse, with a sign so colour is never the only cue), then feasibility, where the
// edited design would stand on the Pareto plot, the accuracy's provenance and how long the
// re-evaluation took. Shared by the detail panel and both editors.
#pragma once

#include "models/edit_session.h"
#include "models/objective.h"

#include <QWidget>

class QGridLayout;
class QLabel;

namespace tcw::widgets {

class WhatIfSummary : public QWidget {
    Q_OBJECT

public:
    explicit WhatIfSummary(QWidget* parent = nullptr);

    void setEvaluations(const models::WhatIfEvaluation& start, const models::WhatIfEvaluation& now, bool modified);
    void setDominance(const QString& status, bool joinsFront);
    void clear();

    // The shown value of an objective now ("12.3 ms") and its change ("−4.0 %"), for tests.
    QString valueText(models::Objective objective) const;
    QString deltaText(models::Objective objective) const;
    QString statusText() const;
    QString feasibilityText() const; // "Feasible · outside the design space (2 parameters): …"

private:
    QGridLayout* m_grid;
    QLabel* m_startHeader;
    QLabel* m_deltaHeader;
    std::vector<QLabel*> m_start, m_now, m_delta; // by objective
    QLabel* m_feasible;
    QLabel* m_dominance;
    QLabel* m_accuracy;
    QLabel* m_timing;
};

} // namespace tcw::widgets
