// Op table: numbers formatted with units for display, raw for sorting.
#include "op_table_model.h"

#include <QColor>
#include <QLocale>

#include <array>

namespace tcw::models {

OpTableModel::OpTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpTableModel::setOps(std::vector<OpCost> ops) {
    beginResetModel();
    m_ops = std::move(ops);
    m_totalCycles = 0;
    for (const OpCost& op : m_ops)
        m_totalCycles += double(op.cycles);
    endResetModel();
}

int OpTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_ops.size());
}

int OpTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OpTableModel::value(const OpCost& op, int column) const {
    switch (column) {
    case NameColumn:
        return QString::fromStdString(op.name);
    case PhaseColumn:
        return QString::fromUtf8(phaseName(op.phase));
    case KindColumn:
        return QString::fromUtf8(opKindName(op.kind));
    case CyclesColumn:
        return double(op.cycles);
    case ShareColumn:
        return m_totalCycles > 0 ? 100.0 * double(op.cycles) / m_totalCycles : 0.0;
    case ComputeColumn:
        return double(op.computeCycles);
    case MemoryColumn:
        return double(op.memoryCycles);
    case BufferColumn:
        return double(op.bufferCycles);
    case BoundColumn:
        return QString::fromUtf8(boundName(op.bound));
    case MacsColumn:
        return op.macs;
    case MainMemoryBytesColumn:
        return op.mainMemoryBytes;
    case EnergyColumn:
        return op.dynamicEnergyNJ;
    }
    return {};
}

QVariant OpTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OpCost& op = m_ops[std::size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case SortRole:
        return value(op, column);
    case Qt::DisplayRole: {
        const QVariant v = value(op, column);
        if (v.typeId() != QMetaType::Double)
            return v;
        if (column == ShareColumn)
            return QLocale().toString(v.toDouble(), 'f', 1);
        if (column == MacsColumn || column == MainMemoryBytesColumn || column == EnergyColumn)
            return QLocale().toString(v.toDouble(), 'g', 4);
        return QLocale().toString(qint64(v.toDouble()));
    }
    case Qt::TextAlignmentRole:
        return int((column == NameColumn || column == PhaseColumn || column == KindColumn || column == BoundColumn
                        ? Qt::AlignLeft
                        : Qt::AlignRight) |
                   Qt::AlignVCenter);
    case Qt::ToolTipRole:
        return tr("%1 (%2, %3): %4 cycles, bound by %5")
            .arg(QString::fromStdString(op.name), QString::fromUtf8(phaseName(op.phase)),
                 QString::fromUtf8(opKindName(op.kind)), QLocale().toString(qint64(op.cycles)),
                 QString::fromUtf8(boundName(op.bound)));
    default:
        return {};
    }
}

QVariant OpTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char* const titles[ColumnCount] = {
        QT_TR_NOOP("Op"),      QT_TR_NOOP("Phase"),   QT_TR_NOOP("Kind"),        QT_TR_NOOP("Cycles"),
        QT_TR_NOOP("Share %"), QT_TR_NOOP("Compute"), QT_TR_NOOP("Main memory"), QT_TR_NOOP("Buffer"),
        QT_TR_NOOP("Bound"),   QT_TR_NOOP("MACs"),    QT_TR_NOOP("DRAM bytes"),  QT_TR_NOOP("Energy (nJ)")};
    static const char* const tips[ColumnCount] = {
        QT_TR_NOOP("The op's name: layer, head group and step"),
        QT_TR_NOOP("Forward, backward or weight update"),
        QT_TR_NOOP("What the op computes"),
        QT_TR_NOOP("Cycles the op adds to the run (overlap can hide part of its time)"),
        QT_TR_NOOP("Share of the run's cycles"),
        QT_TR_NOOP("Cycles on the MAC lanes (or softmax / layer-norm units)"),
        QT_TR_NOOP("Cycles moving data to or from main memory"),
        QT_TR_NOOP("Cycles moving data to or from the on-chip buffers"),
        QT_TR_NOOP("Which of compute, main memory and buffers limits the op"),
        QT_TR_NOOP("Multiply-accumulates before zero skipping"),
        QT_TR_NOOP("Bytes moved to or from main memory"),
        QT_TR_NOOP("Dynamic energy of the op")};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

std::vector<OpKindCycles> cyclesByKind(const std::vector<OpCost>& ops) {
    std::array<OpKindCycles, 12> byKind{};
    for (std::size_t k = 0; k < byKind.size(); ++k)
        byKind[k].kind = OpKind(k);
    for (const OpCost& op : ops)
        byKind[std::size_t(op.kind)].cycles[std::size_t(op.phase)] += double(op.cycles);
    std::vector<OpKindCycles> rows;
    for (const OpKindCycles& row : byKind)
        if (row.total() > 0)
            rows.push_back(row);
    return rows;
}

} // namespace tcw::models
