// Design table sorting (missing values last), word and range filtering.
#include "design_proxy_model.h"

#include "design_table_model.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace tcw::models {

bool DesignFilter::acceptsValues(const store::DesignSummary& design) const {
    for (const ObjectiveRange& r : ranges) {
        const auto value = design.latest ? objectiveValue(*design.latest, r.objective) : std::nullopt;
        if (!value || std::isnan(*value) || *value < r.lo || *value > r.hi)
            return false;
    }
    return true;
}

bool DesignFilter::acceptsText(const QStringList& words, const QString& rowText) {
    for (const QString& word : words)
        if (!rowText.contains(word, Qt::CaseInsensitive))
            return false;
    return true;
}

std::optional<std::pair<int, QString>> DesignFilter::qualifiedColumn(const QString& word) {
    static const std::pair<QLatin1String, int> kKeys[] = {
        {QLatin1String("target:"), DesignTableModel::TargetKindColumn},
        {QLatin1String("provenance:"), DesignTableModel::ProvenanceColumn},
        {QLatin1String("precision:"), DesignTableModel::PrecisionColumn}, // issue 15
    };
    for (const auto& [key, column] : kKeys)
        if (word.startsWith(key, Qt::CaseInsensitive))
            return std::pair(column, word.mid(key.size()));
    return std::nullopt;
}

DesignProxyModel::DesignProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(DesignTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(true);
}

std::optional<ObjectiveRange> DesignProxyModel::range(Objective objective) const {
    for (const ObjectiveRange& r : m_filter.ranges)
        if (r.objective == objective)
            return r;
    return std::nullopt;
}

void DesignProxyModel::setFilterText(const QString& text) {
    const QStringList words = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (words == m_filter.words)
        return;
    emit filterAboutToChange();
    m_filter.words = words;
    applyFilter();
}

void DesignProxyModel::setRange(Objective objective, std::optional<std::pair<double, double>> range) {
    std::vector<ObjectiveRange> ranges = m_filter.ranges;
    std::erase_if(ranges, [objective](const ObjectiveRange& r) { return r.objective == objective; });
    if (range)
        ranges.push_back({objective, std::min(range->first, range->second), std::max(range->first, range->second)});
    if (ranges == m_filter.ranges)
        return;
    emit filterAboutToChange();
    m_filter.ranges = std::move(ranges);
    applyFilter();
}

void DesignProxyModel::clearRanges() {
    if (m_filter.ranges.empty())
        return;
    emit filterAboutToChange();
    m_filter.ranges.clear();
    applyFilter();
}

DesignProxyModel::~DesignProxyModel() {
    if (auto* table = qobject_cast<DesignTableModel*>(sourceModel()))
        table->setRowFilter({});
}

void DesignProxyModel::setSourceModel(QAbstractItemModel* model) {
    if (auto* old = qobject_cast<DesignTableModel*>(sourceModel()))
        old->setRowFilter({});
    QSortFilterProxyModel::setSourceModel(model);
    if (auto* table = qobject_cast<DesignTableModel*>(model))
        table->setRowFilter([this](int row) { return acceptsSourceRow(row); });
}

void DesignProxyModel::applyFilter() {
    invalidateRowsFilter();
    if (auto* table = qobject_cast<DesignTableModel*>(sourceModel()))
        table->refilter();
    emit filterChanged();
}

bool DesignProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    if (l.typeId() == QMetaType::Double && r.typeId() == QMetaType::Double) {
        const double a = l.toDouble();
        const double b = r.toDouble();
        const bool missingA = std::isnan(a);
        const bool missingB = std::isnan(b);
        if (missingA || missingB) {
            // Qt reverses lessThan for descending order; answer so that missing stays last.
            if (missingA == missingB) // keep source order, which Qt reverses when descending
                return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
            return sortOrder() == Qt::AscendingOrder ? missingB : missingA;
        }
        return a < b;
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

std::optional<qint64> DesignProxyModel::searchOfWord(const QString& word) {
    static const QLatin1String kKey("search:");
    if (!word.startsWith(kKey, Qt::CaseInsensitive))
        return std::nullopt;
    bool ok = false;
    const qint64 id = word.mid(kKey.size()).toLongLong(&ok);
    return ok ? std::optional<qint64>(id) : std::nullopt;
}

void DesignProxyModel::setSearchMembers(QHash<qint64, QSet<qint64>> members) {
    if (members == m_searchMembers)
        return;
    m_searchMembers = std::move(members);
    if (std::any_of(m_filter.words.begin(), m_filter.words.end(),
                    [](const QString& w) { return searchOfWord(w).has_value(); })) {
        emit filterAboutToChange();
        applyFilter();
    }
}

bool DesignProxyModel::acceptsSourceRow(int sourceRow) const {
    return filterAcceptsRow(sourceRow, {});
}

bool DesignProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_filter.isEmpty())
        return true;
    if (!m_filter.ranges.empty()) {
        const auto* table = qobject_cast<const DesignTableModel*>(sourceModel());
        // The table's values: the unit its columns and the plots show (per sequence when mixed).
        if (table && sourceRow >= 0 && sourceRow < table->rowCount())
            for (const ObjectiveRange& r : m_filter.ranges) {
                const double value = table->values(r.objective)[std::size_t(sourceRow)];
                if (std::isnan(value) || value < r.lo || value > r.hi)
                    return false;
            }
    }
    if (m_filter.words.isEmpty())
        return true;
    // "target:KIND" and "provenance:NAME" words look at that one column; the others at all of
    // the text columns.
    QStringList plain;
    for (const QString& word : m_filter.words) {
        if (const auto search = searchOfWord(word)) { // "search:N": a design of search N's trials
            const auto* table = qobject_cast<const DesignTableModel*>(sourceModel());
            const store::DesignSummary* design = table ? table->designAt(sourceRow) : nullptr;
            const auto members = m_searchMembers.constFind(*search);
            if (!design || members == m_searchMembers.constEnd() || !members->contains(design->design.id))
                return false;
            continue;
        }
        const auto qualified = DesignFilter::qualifiedColumn(word);
        if (!qualified) {
            plain << word;
            continue;
        }
        const QString value = sourceModel()->index(sourceRow, qualified->first, sourceParent).data().toString();
        if (!value.contains(qualified->second, Qt::CaseInsensitive))
            return false;
    }
    if (plain.isEmpty())
        return true;
    static constexpr int kTextColumns[] = {DesignTableModel::NameColumn,      DesignTableModel::KindColumn,
                                           DesignTableModel::FeasibleColumn,  DesignTableModel::AccuracySourceColumn,
                                           DesignTableModel::CostModelColumn, DesignTableModel::ProvenanceColumn,
                                           DesignTableModel::TargetKindColumn};
    QString text;
    for (int column : kTextColumns) {
        text += sourceModel()->index(sourceRow, column, sourceParent).data().toString();
        text += '\n';
    }
    return DesignFilter::acceptsText(plain, text);
}

} // namespace tcw::models
