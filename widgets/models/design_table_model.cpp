// Design table model: formatting with units, raw values for sorting, provenance cues.
#include "design_table_model.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <limits>

namespace tcw::models {

namespace {
std::optional<Objective> objectiveOfColumn(int column) {
    switch (column) {
    case DesignTableModel::AccuracyColumn:
        return Objective::Accuracy;
    case DesignTableModel::LatencyColumn:
        return Objective::Latency;
    case DesignTableModel::EnergyColumn:
        return Objective::Energy;
    case DesignTableModel::AreaColumn:
        return Objective::Area;
    case DesignTableModel::PeakPowerColumn:
        return Objective::PeakPower;
    default:
        return std::nullopt;
    }
}

QString kindLabel(store::DesignKind kind) {
    switch (kind) {
    case store::DesignKind::Transformer:
        return DesignTableModel::tr("Transformer");
    case store::DesignKind::Accelerator:
        return DesignTableModel::tr("Accelerator");
    case store::DesignKind::Pair:
        return DesignTableModel::tr("Co-design");
    }
    return {};
}

QString formatNumber(double value) {
    // Four significant digits: enough to tell designs apart, short enough to scan a column.
    return QLocale().toString(value, 'g', 4);
}

QString localTime(const std::string& isoUtc) {
    const QDateTime t = QDateTime::fromString(QString::fromStdString(isoUtc), Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString::fromStdString(isoUtc);
}
} // namespace

DesignTableModel::DesignTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DesignTableModel::setDesigns(std::vector<store::DesignSummary> designs) {
    beginResetModel();
    m_designs = std::move(designs);
    endResetModel();
}

const store::DesignSummary* DesignTableModel::designAt(int row) const {
    return row >= 0 && row < int(m_designs.size()) ? &m_designs[std::size_t(row)] : nullptr;
}

int DesignTableModel::rowOfDesign(std::int64_t designId) const {
    // Rows are in id order (the store returns them so): binary search.
    auto it = std::lower_bound(m_designs.begin(), m_designs.end(), designId,
                               [](const store::DesignSummary& s, std::int64_t id) { return s.design.id < id; });
    if (it != m_designs.end() && it->design.id == designId)
        return int(it - m_designs.begin());
    for (std::size_t i = 0; i < m_designs.size(); ++i) // rows set out of order by a caller
        if (m_designs[i].design.id == designId)
            return int(i);
    return -1;
}

int DesignTableModel::evaluatedCount() const {
    return int(std::count_if(m_designs.begin(), m_designs.end(), [](const auto& s) { return s.latest.has_value(); }));
}

DesignTableModel::Column DesignTableModel::columnOf(Objective objective) {
    switch (objective) {
    case Objective::Accuracy:
        return AccuracyColumn;
    case Objective::Latency:
        return LatencyColumn;
    case Objective::Energy:
        return EnergyColumn;
    case Objective::Area:
        return AreaColumn;
    case Objective::PeakPower:
        return PeakPowerColumn;
    }
    return NameColumn;
}

int DesignTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_designs.size());
}

int DesignTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DesignTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::DesignSummary& row = m_designs[std::size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case SortRole:
        return sortData(row, column);
    case Qt::ToolTipRole:
        return toolTipData(row, column);
    case DesignIdRole:
        return qint64(row.design.id);
    case DesignKindRole:
        return int(row.design.kind);
    case EvaluatedRole:
        return row.latest.has_value();
    case ExportRole:
        if (const auto objective = objectiveOfColumn(column)) {
            const auto value = row.latest ? objectiveValue(*row.latest, *objective) : std::nullopt;
            return value ? QString::number(*value, 'g', QLocale::FloatingPointShortest) : QString();
        }
        return column == CreatedColumn ? QString::fromStdString(row.design.createdAt) : displayData(row, column);
    case Qt::TextAlignmentRole:
        if (objectiveOfColumn(column) || column == IdColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::FontRole:
        // Predicted accuracies are set in italics: a number to trust less than a measured one.
        if (column == AccuracyColumn && row.latest && row.latest->accuracySource == store::AccuracySource::Predicted) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (row.latest && !row.latest->feasible)
            return QColor(Qt::gray);
        return {};
    default:
        return {};
    }
}

QVariant DesignTableModel::displayData(const store::DesignSummary& row, int column) const {
    if (const auto objective = objectiveOfColumn(column)) {
        if (!row.latest)
            return QStringLiteral("—");
        const auto value = objectiveValue(*row.latest, *objective);
        return value ? formatNumber(*value) : QStringLiteral("—");
    }
    switch (column) {
    case NameColumn:
        return QString::fromStdString(row.design.name);
    case KindColumn:
        return kindLabel(row.design.kind);
    case FeasibleColumn:
        if (!row.latest)
            return tr("not evaluated");
        return row.latest->feasible ? tr("yes") : tr("no");
    case AccuracySourceColumn:
        return row.latest ? QString::fromUtf8(store::accuracySourceName(row.latest->accuracySource)) : QString();
    case CostModelColumn:
        return row.latest ? QString::fromStdString(row.latest->costModel) : QString();
    case CreatedColumn:
        return localTime(row.design.createdAt);
    case IdColumn:
        return qint64(row.design.id);
    default:
        return {};
    }
}

QVariant DesignTableModel::sortData(const store::DesignSummary& row, int column) const {
    if (const auto objective = objectiveOfColumn(column)) {
        const auto value = row.latest ? objectiveValue(*row.latest, *objective) : std::nullopt;
        return value.value_or(std::numeric_limits<double>::quiet_NaN());
    }
    switch (column) {
    case CreatedColumn:
        return QString::fromStdString(row.design.createdAt); // ISO 8601 sorts as text
    case IdColumn:
        return qint64(row.design.id);
    default:
        return displayData(row, column);
    }
}

QVariant DesignTableModel::toolTipData(const store::DesignSummary& row, int column) const {
    if (row.latest && !row.latest->feasible && !row.latest->infeasibleReason.empty())
        return tr("Infeasible: %1").arg(QString::fromStdString(row.latest->infeasibleReason));
    if (column == AccuracyColumn && row.latest && row.latest->accuracy)
        return tr("Accuracy %1 % (%2)")
            .arg(formatNumber(*row.latest->accuracy * 100),
                 QString::fromUtf8(store::accuracySourceName(row.latest->accuracySource)));
    if (column == EnergyColumn && row.latest && row.latest->energyTotalNJ())
        return tr("Dynamic %1 nJ + leakage %2 nJ")
            .arg(formatNumber(row.latest->energyDynamicNJ.value_or(0)),
                 formatNumber(row.latest->energyLeakageNJ.value_or(0)));
    if (objectiveOfColumn(column) && !row.latest)
        return tr("Not evaluated in this mode yet");
    if (column == NameColumn)
        return tr("%1 #%2").arg(kindLabel(row.design.kind)).arg(row.design.id);
    return {};
}

QVariant DesignTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (const auto objective = objectiveOfColumn(section)) {
        const ObjectiveInfo& info = objectiveInfo(*objective);
        if (role == Qt::DisplayRole)
            return info.labelWithUnit();
        if (role == Qt::ToolTipRole)
            return info.description + ' ' + (info.higherIsBetter ? tr("Higher is better.") : tr("Lower is better."));
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn:
            return tr("Name");
        case KindColumn:
            return tr("Kind");
        case FeasibleColumn:
            return tr("Feasible");
        case AccuracySourceColumn:
            return tr("Accuracy source");
        case CostModelColumn:
            return tr("Cost model");
        case CreatedColumn:
            return tr("Created");
        case IdColumn:
            return tr("ID");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn:
            return tr("The design's name");
        case KindColumn:
            return tr("Transformer, accelerator, or co-design (one of each)");
        case FeasibleColumn:
            return tr("Whether the design fits the accelerator (buffers, tiles); hover a row for the reason");
        case AccuracySourceColumn:
            return tr("Where the accuracy comes from: trained here, predicted by a surrogate, or published");
        case CostModelColumn:
            return tr("The simulator's cost model that produced the metrics");
        case CreatedColumn:
            return tr("When the design was added to the workspace");
        case IdColumn:
            return tr("The design's number in the workspace");
        }
    }
    return {};
}

QHash<int, QByteArray> DesignTableModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(DesignIdRole, "designId");
    names.insert(DesignKindRole, "designKind");
    names.insert(EvaluatedRole, "evaluated");
    names.insert(ExportRole, "exportValue");
    return names;
}

} // namespace tcw::models
