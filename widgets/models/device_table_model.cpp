#include "device_table_model.h"

#include "objective.h"

#include <QLocale>

#include <algorithm>

namespace tcw::models {

namespace {
double unitFactor(int column) {
    // seconds → ms, joules → mJ, watts → mW
    return column == DeviceTableModel::LatencyColumn || column == DeviceTableModel::EnergyColumn ||
                   column == DeviceTableModel::PeakPowerColumn
               ? 1e3
               : 1.0;
}
QString unitOf(int column) {
    switch (column) {
    case DeviceTableModel::LatencyColumn:
        return QStringLiteral("ms");
    case DeviceTableModel::EnergyColumn:
        return QStringLiteral("mJ");
    case DeviceTableModel::PeakPowerColumn:
        return QStringLiteral("mW");
    default:
        return {};
    }
}
} // namespace

DeviceTableModel::DeviceTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DeviceTableModel::setProfiles(std::vector<devices::DeviceProfile> profiles, std::vector<bool> shipped) {
    beginResetModel();
    m_profiles = std::move(profiles);
    m_shipped = std::move(shipped);
    m_shipped.resize(m_profiles.size(), false);
    m_summaries.clear();
    for (const auto& p : m_profiles)
        m_summaries.push_back(devices::summarize(p));
    endResetModel();
}

bool DeviceTableModel::isShipped(int row) const {
    return row >= 0 && std::size_t(row) < m_shipped.size() && m_shipped[std::size_t(row)];
}

const devices::DeviceProfile* DeviceTableModel::profileAt(int row) const {
    return row >= 0 && std::size_t(row) < m_profiles.size() ? &m_profiles[std::size_t(row)] : nullptr;
}

std::optional<devices::Spread> DeviceTableModel::spread(int row, int column) const {
    if (row < 0 || std::size_t(row) >= m_summaries.size())
        return std::nullopt;
    const auto& s = m_summaries[std::size_t(row)];
    const std::optional<devices::Spread>& raw = column == LatencyColumn  ? s.latency
                                                : column == EnergyColumn ? s.energy
                                                                         : s.peakPower;
    if (!isSpreadColumn(column) || !raw)
        return std::nullopt;
    devices::Spread out = *raw;
    const double f = unitFactor(column);
    out.min *= f;
    out.median *= f;
    out.max *= f;
    return out;
}

std::optional<std::pair<double, double>> DeviceTableModel::columnRange(int column) const {
    std::optional<std::pair<double, double>> range;
    for (int row = 0; row < rowCount(); ++row)
        if (const auto s = spread(row, column))
            range = range ? std::pair{std::min(range->first, s->min), std::max(range->second, s->max)}
                          : std::pair{s->min, s->max};
    return range;
}

int DeviceTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_profiles.size());
}

int DeviceTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeviceTableModel::data(const QModelIndex& index, int role) const {
    const auto* p = profileAt(index.row());
    if (!p || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const int column = index.column();
    if (isSpreadColumn(column)) {
        const auto s = spread(index.row(), column);
        if (role == SpreadRole)
            return s ? QVariantList{s->min, s->median, s->max} : QVariant();
        if (role == Qt::DisplayRole)
            return s ? QStringLiteral("%1 / %2 / %3")
                           .arg(formatMetric(s->min), formatMetric(s->median), formatMetric(s->max))
                     : tr("unavailable");
        if (role == Qt::ToolTipRole) {
            const QString measure = column == LatencyColumn  ? tr("Latency per sequence")
                                    : column == EnergyColumn ? tr("Energy per sequence")
                                                             : tr("Peak power");
            if (!s)
                return tr("%1: no row of %2 has it (no power source when it was measured)")
                    .arg(measure, QString::fromStdString(p->deviceName));
            return tr("%1 over %2 rows: min %3 %6, median %4 %6, max %5 %6 (the strip: min to max on a log scale "
                      "shared by all devices, the tick at the median)")
                .arg(measure)
                .arg(s->count)
                .arg(formatMetric(s->min), formatMetric(s->median), formatMetric(s->max), unitOf(column));
        }
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case DeviceColumn:
            return QString::fromStdString(p->deviceName);
        case ClassColumn:
            return QString::fromUtf8(profile::deviceClassName(p->deviceClass));
        case RowsColumn:
            return qlonglong(p->rows.size());
        case PowerSourceColumn:
            return QString::fromStdString(p->settings.powerSource);
        case LibraryColumn:
            return isShipped(index.row()) ? tr("shipped") : tr("workspace");
        case DescriptionColumn:
            return QString::fromStdString(p->description);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == LibraryColumn)
            return isShipped(index.row())
                       ? tr("A preset shipped with the workbench (devices/presets in its data folder): searches "
                            "(devices:ID, devices:edgetran) and tcw simulate --target device:%1 use it; a search "
                            "that uses it, or Import…, copies it into the workspace")
                             .arg(QString::fromStdString(p->deviceName))
                       : tr("Stored in this workspace (imported, profiled, or copied by a search that used it)");
        if (column == PowerSourceColumn)
            return QString::fromStdString(p->settings.powerSourceDetail.empty() ? p->settings.powerSource
                                                                                : p->settings.powerSourceDetail);
        if (column == DeviceColumn || column == DescriptionColumn) {
            QString text = QString::fromStdString(p->description);
            for (const auto& c : p->caveats)
                text += QStringLiteral("\n• ") + QString::fromStdString(c);
            return text;
        }
    }
    if (role == Qt::TextAlignmentRole && column == RowsColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DeviceTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case DeviceColumn:
            return tr("Device");
        case ClassColumn:
            return tr("Class");
        case RowsColumn:
            return tr("Models");
        case LatencyColumn:
            return tr("Latency (ms)\nmin / median / max");
        case EnergyColumn:
            return tr("Energy (mJ)\nmin / median / max");
        case PeakPowerColumn:
            return tr("Peak power (mW)\nmin / median / max");
        case PowerSourceColumn:
            return tr("Power source");
        case LibraryColumn:
            return tr("From");
        case DescriptionColumn:
            return tr("Description");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && isSpreadColumn(section))
        return tr("Per sequence over the device's measured rows; the strip spans min to max on a log scale shared "
                  "by all devices, the tick marks the median");
    return {};
}

} // namespace tcw::models
