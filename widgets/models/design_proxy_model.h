// Sorting and text filtering of the design table. Designs without a value in the sorted
// column (not evaluated in this mode) always come last, whichever way the column is sorted.
#pragma once

#include <QSortFilterProxyModel>

namespace tcw::models {

class DesignProxyModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit DesignProxyModel(QObject* parent = nullptr);

public slots:
    // Case-insensitive substring over the name, kind, feasibility, accuracy source and cost
    // model columns; whitespace-separated words must all match (in any of those columns).
    void setFilterText(const QString& text);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList m_words;
};

} // namespace tcw::models
