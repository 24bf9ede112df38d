// The workspace's designs as a table: one row per design with its latest evaluation in the
// explorer's mode. The one model of designs that the table, the plots, the parallel
// coordinates and the editors share (with one QItemSelectionModel over it).
#pragma once

#include "objective.h"
#include "store/records.h"

#include <QAbstractTableModel>

#include <cstdint>
#include <optional>
#include <vector>

namespace tcw::models {

class DesignTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        KindColumn,
        AccuracyColumn,
        LatencyColumn,
        EnergyColumn,
        AreaColumn,
        PeakPowerColumn,
        FeasibleColumn,
        AccuracySourceColumn,
        CostModelColumn,
        CreatedColumn,
        IdColumn,
        ColumnCount
    };

    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as double (missing: NaN), text as QString
        DesignIdRole,                // qint64
        DesignKindRole,              // int(store::DesignKind)
        EvaluatedRole,               // bool: the row has an evaluation in the current mode
        ExportRole,                  // full-precision numbers in display units, "" when missing
    };

    explicit DesignTableModel(QObject* parent = nullptr);

    void setDesigns(std::vector<store::DesignSummary> designs);
    const std::vector<store::DesignSummary>& designs() const { return m_designs; }
    const store::DesignSummary* designAt(int row) const;
    int rowOfDesign(std::int64_t designId) const; // -1 when absent
    int evaluatedCount() const;

    static Column columnOf(Objective objective);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QVariant displayData(const store::DesignSummary& row, int column) const;
    QVariant sortData(const store::DesignSummary& row, int column) const;
    QVariant toolTipData(const store::DesignSummary& row, int column) const;

    std::vector<store::DesignSummary> m_designs;
};

} // namespace tcw::models
