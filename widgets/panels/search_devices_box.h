// Issue 14, the Search panel's "Measured devices" group: off-the-shelf devices whose latency,
// energy and peak power were measured (the EdgeTran presets under data/devices/presets and the
// open workspace's imported or profiled devices) as a target kind of a co-design search, mixed
// with the ELECTOR / BAT-class designs of the Targets row. A checkable list shows each device's
// id, the batch it was measured at and the sequence length; EdgeTran / All / None choose sets.
// It adds the device set to the request's --targets as `tcw search --targets
// elector,devices:ID,ID…` does (the set last), so the core builds and checks both alike.
//
// Where devices cannot join the search — training mode, a precision list without f32, an
// objective or constraint a device can never report — the choice is greyed and the note and
// tooltip give the core's reasons (codesign::deviceApplicability: the errors `tcw search`
// prints); a device measured at another sequence length than the search's task is greyed
// with devices::mixedDeviceProblems' reason. A ticked choice stays uncheckable, and the panel's
// validation line names what to change. The choice (on/off and the devices, in order) is
// remembered in QSettings.
#pragma once

#include "codesign/search_request.h"
#include "devices/device_rows.h"
#include "search/search_config.h"

#include <QGroupBox>
#include <QStringList>

#include <filesystem>
#include <vector>

class QCheckBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QToolButton;

namespace tcw::widgets {

class SearchDevicesBox : public QGroupBox {
    Q_OBJECT

public:
    explicit SearchDevicesBox(QWidget* parent = nullptr);
    ~SearchDevicesBox() override;

    // Reads the presets under DATA/devices/presets off the GUI thread (presetsLoaded follows).
    void setDataDirectory(const std::filesystem::path& dataDir);
    // The open workspace's device profiles (none: no workspace or none in it). A preset's id
    // wins over a workspace profile of the same id, as the search takes the preset.
    void setWorkspaceProfiles(const std::vector<devices::DeviceProfile>& profiles);
    bool isLoading() const { return m_loading; }

    bool devicesOn() const;
    // The devices chosen, in their order (the order of the search's device levels).
    QStringList chosen() const { return m_chosen; }
    // Ids the list shows (presets, then workspace-only devices).
    QStringList listedIds() const;
    // The device set as `tcw search --targets` takes it: devices:edgetran or devices:all when
    // the choice is exactly that set in its order, else devices:ID,ID…; empty when off or none.
    QString deviceSet() const;
    // The set whose applicability is shown: the chosen one, else every listed device.
    QString probeSet() const;
    // Appends the device set to r.targets (after ELECTOR / BAT-class), when on.
    void fillRequest(codesign::SearchRequest& r) const;
    // A stored search's devices in the controls (nothing is remembered for it).
    void showSearch(const search::SearchConfig& config);
    // refusals: why devices cannot join (the core's words; empty: they can); sequenceLength:
    // the search's task's (0: unknown); idle: no search runs (the controls are editable).
    void setApplicability(const QStringList& refusals, int sequenceLength, bool idle);
    // What the search would refuse at its start about the chosen devices (one measured at
    // another sequence length, one not loaded): devices::mixedDeviceProblems; empty when off.
    QStringList chosenProblems(int sequenceLength) const;

    // For tests and demos.
    void setDevicesOn(bool on);
    void setChosen(const QStringList& ids);

signals:
    void changed();
    void presetsLoaded();

private:
    struct Entry {
        devices::DeviceProfile profile; // settings, description, caveats; rows cut to the first
        int rowCount = 0;
        bool preset = false;
    };
    void rebuildList();
    void updateControls();
    void remember() const;
    void choose(const QStringList& ids, bool byUser);
    const Entry* entry(const QString& id) const;
    QString itemProblem(const QString& id) const;

    std::vector<Entry> m_presets, m_workspace;
    QStringList m_presetErrors;
    QStringList m_presetIdsOnDisk; // every preset file's id, sorted: what devices:all names
    QStringList m_chosen;
    QStringList m_refusals;
    int m_sequenceLength = 0;
    bool m_idle = true;
    bool m_loading = false;
    int m_generation = 0;

    QCheckBox* m_on = nullptr;
    QListWidget* m_list = nullptr;
    QToolButton* m_edgetran = nullptr;
    QToolButton* m_all = nullptr;
    QToolButton* m_none = nullptr;
    QLabel* m_note = nullptr;
};

} // namespace tcw::widgets
