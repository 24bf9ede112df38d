// Sorting and filtering of the design table: text words and value ranges per objective (the
// parallel coordinates' brushes). Designs without a value in the sorted column (not evaluated
// in this mode) always come last, whichever way the column is sorted. The plots show the rows
// this proxy accepts, so one filter applies to every view.
#pragma once

#include "objective.h"
#include "store/records.h"

#include <QHash>
#include <QSet>
#include <QSortFilterProxyModel>

#include <optional>
#include <utility>
#include <vector>

namespace tcw::models {

// A closed interval of an objective in display units.
struct ObjectiveRange {
    Objective objective = Objective::Latency;
    double lo = 0, hi = 0;

    bool operator==(const ObjectiveRange&) const = default;
};

// The filter as a value: what a row must satisfy. A design outside a range (or without a
// value for a ranged objective) is rejected; words must all occur in the row's text.
struct DesignFilter {
    QStringList words;
    std::vector<ObjectiveRange> ranges;

    bool operator==(const DesignFilter&) const = default;
    bool isEmpty() const { return words.isEmpty() && ranges.empty(); }
    bool acceptsValues(const store::DesignSummary& design) const; // the ranges only
    static bool acceptsText(const QStringList& words, const QString& rowText);
    // "target:KIND" → (the target kind column, "KIND"), "provenance:NAME" → (the provenance
    // column, "NAME"); any other word: nothing (it is matched against every text column).
    static std::optional<std::pair<int, QString>> qualifiedColumn(const QString& word);
};

class DesignProxyModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit DesignProxyModel(QObject* parent = nullptr);
    ~DesignProxyModel() override; // the source's row filter goes with it

    const DesignFilter& filter() const { return m_filter; }
    std::optional<ObjectiveRange> range(Objective objective) const;
    // Whether a row of the source model passes the filter (for views that draw every row).
    bool acceptsSourceRow(int sourceRow) const;
    // The designs of each search (search id → design ids), for the word "search:N", which keeps
    // the designs search N's trials hold. Re-filters when the filter has such a word.
    void setSearchMembers(QHash<qint64, QSet<qint64>> members);
    // The search a "search:N" word names, when the filter has one (the first).
    static std::optional<qint64> searchOfWord(const QString& word);
    // A DesignTableModel source gets this filter as its row filter: its ranks and front are
    // those of the rows shown.
    void setSourceModel(QAbstractItemModel* sourceModel) override;

public slots:
    // Case-insensitive substring over the name, kind, feasibility, accuracy source, cost model,
    // metrics provenance and target kind columns; whitespace-separated words must all match
    // (in any of those columns). A word "target:KIND" or "provenance:NAME" must match in that
    // column itself ("target:elector" keeps the ELECTOR designs, not every elector-costed one);
    // "search:N" keeps the designs of search N (setSearchMembers).
    void setFilterText(const QString& text);
    // lo > hi is swapped; nothing (std::nullopt) clears the objective's range.
    void setRange(tcw::models::Objective objective, std::optional<std::pair<double, double>> range);
    void clearRanges();

signals:
    void filterAboutToChange(); // before the rows are filtered again
    void filterChanged();       // after any change of words or ranges, ranks recomputed

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void applyFilter(); // re-filters the rows, recomputes the source's ranks, tells the views

    DesignFilter m_filter;
    QHash<qint64, QSet<qint64>> m_searchMembers;
};

} // namespace tcw::models
