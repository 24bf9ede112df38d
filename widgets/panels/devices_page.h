// The Devices view (issue 14): the workspace's device profiles as a table with per-device
// min / median / max strips of latency, energy and peak power; the rows of the chosen device;
// the power trace of a measured row with its window, idle line and peak. Import… adds a
// profile JSON or EdgeTran's data to the workspace, "Profile this computer…" measures this
// computer with core/profile. Reading, importing and profiling run off the GUI thread; the
// profile shows progress and can be cancelled.
#pragma once

#include "profile/inference_profiler.h"

#include <QFutureWatcher>
#include <QString>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QLabel;
class QProgressBar;
class QSplitter;
class QStandardItemModel;
class QTableView;
class QToolButton;
class QAction;

namespace tcw::models {
class DeviceTableModel;
}

namespace tcw::widgets {

class PowerTraceChart;

// What a background job of the page ends with.
struct DevicesJobResult {
    QString error;   // empty when it worked: what failed, naming the file and the field
    QString message; // what the user should know (saved devices, energy unavailable and why)
    bool cancelled = false;
};

class DevicesPage : public QWidget {
    Q_OBJECT

public:
    explicit DevicesPage(QWidget* parent = nullptr);
    ~DevicesPage() override;

    // The workspace whose profiles are shown (empty: none) and the data folder (presets).
    void setWorkspace(const QString& path, const QString& dataDirectory);
    // Reads the profiles again (off the GUI thread).
    void reload();
    // Reading the workspace's profiles now (loaded follows).
    bool isReading() const { return m_reading; }
    // No dialogs (tests, screenshots): Import… and Profile… then use their defaults.
    void setInteractive(bool interactive) { m_interactive = interactive; }

    // Adds a device profile JSON, or EdgeTran's data (seven profiles), to the workspace.
    void importFile(const QString& path);
    // Measures these models (preset names or files) on this computer and saves the profile.
    void profileComputer(const QStringList& models, int runs, int threads);
    void cancel();
    bool isBusy() const { return m_busy; }

    models::DeviceTableModel* deviceModel() const { return m_devices; }
    QTableView* deviceTable() const { return m_deviceTable; }
    QTableView* rowTable() const { return m_rowTable; }
    PowerTraceChart* traceChart() const { return m_trace; }
    QString statusText() const;
    // The row table's model column: the display name (an architecture for a hash), the model's
    // own name under this role.
    static constexpr int ModelNameRole = Qt::UserRole + 7;
    QAction* importAction() const { return m_import; }
    QAction* profileAction() const { return m_profile; }
    QAction* cancelAction() const { return m_cancel; }
    // Whether the presets the workbench ships (DATA/devices/presets) are listed beside the
    // workspace's profiles (a workspace profile of the same id hides its preset). Remembered.
    QAction* showPresetsAction() const { return m_showPresets; }
    void setShowPresets(bool show);
    // Selects the device (by id) and, when it has one, its first row with a power trace.
    bool showDevice(const QString& device);

signals:
    void loaded();                                    // the table shows what was read
    void jobFinished(const DevicesJobResult& result); // an import or a profile ended
    void profilesChanged();                           // the workspace's device tables changed

private:
    void chooseImportFile();
    void chooseProfile();
    void runJob(const QString& what, std::function<DevicesJobResult(std::atomic<bool>&, QObject*)> job);
    void finishJob(const DevicesJobResult& result);
    void showRows();
    void showTrace();
    void fitDeviceColumns(); // sized to contents and headers (issue 14: truncated at 1400 px)
    void setStatus(const QString& text, bool error = false);
    void saveLayout() const;

    QString m_path, m_dataDirectory;
    bool m_interactive = true;
    bool m_busy = false;
    bool m_reading = false;
    int m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QFutureWatcher<DevicesJobResult>* m_job = nullptr; // the running import or profile

    models::DeviceTableModel* m_devices;
    QStandardItemModel* m_rows;
    QTableView* m_deviceTable;
    QTableView* m_rowTable;
    PowerTraceChart* m_trace;
    QSplitter *m_split, *m_lower;
    QLabel* m_status;
    QProgressBar* m_progress;
    QAction *m_import, *m_profile, *m_cancel, *m_showPresets;
};

} // namespace tcw::widgets

Q_DECLARE_METATYPE(tcw::widgets::DevicesJobResult)
