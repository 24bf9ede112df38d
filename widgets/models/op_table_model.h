// The per-op breakdown of one simulation as a table (the detail panel's "latency by op"):
// cycles with their compute, main-memory and buffer parts, what bounds the op, its work and
// traffic, in run order; sortable through a proxy on SortRole.
#pragma once

#include "sim/sim_types.h"

#include <QAbstractTableModel>

#include <array>
#include <vector>

namespace tcw::models {

class OpTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        PhaseColumn,
        KindColumn,
        CyclesColumn,
        ShareColumn,
        ComputeColumn,
        MemoryColumn,
        BufferColumn,
        BoundColumn,
        MacsColumn,
        MainMemoryBytesColumn,
        EnergyColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1 };

    explicit OpTableModel(QObject* parent = nullptr);

    void setOps(std::vector<OpCost> ops);
    const std::vector<OpCost>& ops() const { return m_ops; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant value(const OpCost& op, int column) const;

    std::vector<OpCost> m_ops;
    double m_totalCycles = 0;
};

// Cycles by op kind and phase, for the stacked "latency by op" chart: one row per kind that
// has any cycles, in OpKind order, with its forward / backward / update cycles.
struct OpKindCycles {
    OpKind kind = OpKind::MatMul;
    std::array<double, kPhaseCount> cycles{};
    double total() const { return cycles[0] + cycles[1] + cycles[2]; }
};
std::vector<OpKindCycles> cyclesByKind(const std::vector<OpCost>& ops);

} // namespace tcw::models
