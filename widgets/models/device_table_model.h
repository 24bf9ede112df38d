// The Devices view's table (issue 14): one row per device profile of the workspace, with its
// class, row count, power source, and per measure the min / median / max over its rows
// (core/devices/device_stats.h) in the explorer's units: latency ms, energy mJ, peak power mW
// (per sequence, as the profiles hold them).
#pragma once

#include "devices/device_rows.h"
#include "devices/device_stats.h"

#include <QAbstractTableModel>

#include <optional>
#include <utility>
#include <vector>

namespace tcw::models {

class DeviceTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        DeviceColumn,
        ClassColumn,
        RowsColumn,
        LatencyColumn,   // ms
        EnergyColumn,    // mJ
        PeakPowerColumn, // mW
        PowerSourceColumn,
        LibraryColumn, // where the profile comes from: the workspace or the presets the workbench ships
        DescriptionColumn,
        ColumnCount
    };
    // The spread columns: QVariantList {min, median, max} in the column's unit (invalid when
    // no row has the measure).
    static constexpr int SpreadRole = Qt::UserRole + 1;

    explicit DeviceTableModel(QObject* parent = nullptr);

    // shipped[i]: profile i is a preset shipped with the workbench (DATA/devices/presets), not
    // one of the workspace's; missing entries are the workspace's.
    void setProfiles(std::vector<devices::DeviceProfile> profiles, std::vector<bool> shipped = {});
    bool isShipped(int row) const;
    const std::vector<devices::DeviceProfile>& profiles() const { return m_profiles; }
    const devices::DeviceProfile* profileAt(int row) const;
    // min / median / max of a spread column in its unit.
    std::optional<devices::Spread> spread(int row, int column) const;
    // The smallest min and largest max of a spread column over all devices (the strips' scale).
    std::optional<std::pair<double, double>> columnRange(int column) const;
    static bool isSpreadColumn(int column) {
        return column == LatencyColumn || column == EnergyColumn || column == PeakPowerColumn;
    }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<devices::DeviceProfile> m_profiles;
    std::vector<bool> m_shipped;
    std::vector<devices::DeviceSummary> m_summaries;
};

} // namespace tcw::models
