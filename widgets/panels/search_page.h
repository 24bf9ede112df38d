// A search as a page of its own (issue 18, "searches as first-class objects"): a selector of
// the workspace's searches, the chosen one's configuration (algorithm, objectives, budget,
// seed, spaces, status, started / finished, what wrote it), its hypervolume history as stored
// per trial, the best value so far of each objective against trials, and its designs (a
// button sets the explorer's filter to "search:N"). The page only shows: the window reads the
// workspace off the GUI thread and hands it a SearchPageContent. A model × device search
// (issue 14) shows the same, with its trials listed: device, model, metrics, provenance and
// whether each is on the front.
#pragma once

#include "plots/best_so_far_chart.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QVector>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QStandardItemModel;
class QSplitter;
class QTableView;

namespace tcw::widgets {

class HypervolumePlot;

// One trial of a model × device search as the page lists it (display units; NaN: absent).
struct SearchTrialRow {
    qint64 position = 0;
    QString device;
    QString model, modelToolTip; // the architecture for EdgeTran's hashes; the hash in the tooltip
    double glue = 0;             // %
    double latencyMs = 0;
    double energyMJ = 0;
    double peakPowerW = 0;
    QString provenance; // "measured" or "predicted ± σ (…)"
    QString glueSource; // "published" or "predicted"
    bool seeded = false, feasible = true, onFront = false;
};

struct SearchPageContent {
    qint64 searchId = 0;
    QString title;                           // "Search 3 · NSGA-II · joint · 20000 trials"
    QList<QPair<QString, QString>> settings; // (label, value) rows, in display order
    QVector<double> hypervolume;             // per stored trial, position order
    int recomputed = 0;                      // of those, values not stored (older workspace)
    QList<BestSoFarChart::Series> bestSoFar; // per objective
    int budget = 0;
    int designs = 0;              // distinct designs among its trials
    QString error;                // the search could not be read: why
    QList<SearchTrialRow> trials; // a model × device search's trials (empty for other searches)
    QString hypervolumeBasis;     // how the hypervolume was taken, when not as stored per trial
};

class SearchPage : public QWidget {
    Q_OBJECT

public:
    explicit SearchPage(QWidget* parent = nullptr);

    // The searches of the open workspace as (id, title), oldest first; keeps the chosen one
    // when it is still there. An empty list clears the page (no workspace, or no search yet).
    void setSearches(const QList<QPair<qint64, QString>>& searches);
    void setContent(const SearchPageContent& content);
    void clear();
    qint64 shownSearch() const { return m_content.searchId; }
    qint64 chosenSearch() const; // the selector's (0 when none)
    void chooseSearch(qint64 searchId);
    const SearchPageContent& content() const { return m_content; }

    HypervolumePlot* hypervolumePlot() const { return m_hypervolume; }
    BestSoFarChart* bestSoFarChart() const { return m_best; }
    QPushButton* showDesignsButton() const { return m_showDesigns; }
    QTableView* trialTable() const { return m_trialTable; }

signals:
    void searchChosen(qint64 searchId);         // the selector changed: load this search
    void showDesignsRequested(qint64 searchId); // filter the explorer to this search's designs
    void contentShown(qint64 searchId);         // setContent() has drawn a search

private:
    void showTrials(const QList<SearchTrialRow>& trials);

    QComboBox* m_selector;
    QLabel* m_title;
    QLabel* m_state;
    QFormLayout* m_settings;
    HypervolumePlot* m_hypervolume;
    QLabel* m_hypervolumeNote;
    BestSoFarChart* m_best;
    QPushButton* m_showDesigns;
    QSplitter* m_charts;
    QWidget* m_trialBox;
    QTableView* m_trialTable;
    QStandardItemModel* m_trials;
    SearchPageContent m_content;
};

} // namespace tcw::widgets
