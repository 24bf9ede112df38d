// The Pareto tab: the scatter plot bound to the shared design model, its filter proxy, the
// shared selection and the explorer settings, with its own small toolbar (log axes, greyed or
// hidden outsiders, constraint lines, reset, export) and a status line. Selecting here selects
// everywhere; the table's filters and the parallel coordinates' brushes hide points here.
#pragma once

#include "models/front_analysis.h"
#include "store/records.h"

#include <QWidget>

#include <optional>

class QItemSelectionModel;
class QLabel;
class QAction;
class QToolBar;

class QTimer;

namespace tcw::models {
class DesignProxyModel;
class DesignTableModel;
class ExplorerSettings;
} // namespace tcw::models

namespace tcw::widgets {

class ScatterPlot;

class ParetoPlotView : public QWidget {
    Q_OBJECT

public:
    ParetoPlotView(models::DesignTableModel* model, models::DesignProxyModel* proxy, QItemSelectionModel* selection,
                   models::ExplorerSettings* settings, QWidget* parent = nullptr);

    ScatterPlot* plot() const { return m_plot; }

    // The edited design's evaluation (nothing: no edit in progress) and the one it started from.
    void setWhatIf(const std::optional<store::EvaluationRecord>& current,
                   const std::optional<store::EvaluationRecord>& start);
    models::Dominance whatIfDominance() const { return m_dominance; }
    QString whatIfStatus() const { return m_whatIfStatus; }

    // Steps the current design along the front (in x order): +1 right, -1 left.
    void stepAlongFront(int direction);

public slots:
    void rebuild();

signals:
    void whatIfChanged(const QString& status, bool joinsFront);
    void statusMessage(const QString& text);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void syncSelection();
    void updateWhatIf();
    void updateConstraintLines();
    void updateStatus();
    void elideStatus();
    void toggleConstraint(bool onX, bool on);
    void saveChoices() const;
    QString toolTipFor(int row) const;
    QAction* addToggle(QToolBar* bar, const QString& text, const QString& toolTip);

    models::DesignTableModel* m_model;
    models::DesignProxyModel* m_proxy;
    QItemSelectionModel* m_selection;
    models::ExplorerSettings* m_settings;
    ScatterPlot* m_plot;
    QAction* m_logX;
    QAction* m_logY;
    QAction* m_hideOutside;
    QAction* m_constrainX;
    QAction* m_constrainY;
    QLabel* m_status;
    QStringList m_statusTexts; // the status, longest first

    std::optional<store::EvaluationRecord> m_whatIf, m_whatIfStart;
    models::Dominance m_dominance;
    QString m_whatIfStatus;
    int m_shown = 0;
    bool m_appendPending = false;     // rows were inserted; the next frontChanged draws them later
    QTimer* m_rebuildTimer = nullptr; // the deferred redraw of appended rows
};

} // namespace tcw::widgets
