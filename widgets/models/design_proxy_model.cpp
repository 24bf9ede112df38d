// Design table sorting (missing values last) and word filtering.
#include "design_proxy_model.h"

#include "design_table_model.h"

#include <QRegularExpression>

#include <cmath>

namespace tcw::models {

DesignProxyModel::DesignProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(DesignTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(true);
}

void DesignProxyModel::setFilterText(const QString& text) {
    const QStringList words = text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    invalidateRowsFilter();
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

bool DesignProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_words.isEmpty())
        return true;
    static constexpr int kTextColumns[] = {DesignTableModel::NameColumn, DesignTableModel::KindColumn,
                                           DesignTableModel::FeasibleColumn, DesignTableModel::AccuracySourceColumn,
                                           DesignTableModel::CostModelColumn};
    QString text;
    for (int column : kTextColumns) {
        text += sourceModel()->index(sourceRow, column, sourceParent).data().toString();
        text += '\n';
    }
    for (const QString& word : m_words)
        if (!text.contains(word, Qt::CaseInsensitive))
            return false;
    return true;
}

} // namespace tcw::models
