// The Search panel's measured devices (search_devices_box.h).
#include "search_devices_box.h"

#include "codesign/device_request.h"
#include "devices/device_library.h"
#include "devices/edgetran_import.h"
#include "devices/mixed_costs.h"

#include <QCheckBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace tcw::widgets {

namespace {

// QSettings keys: whether devices are searched, and which (in their order).
const char* const kOnKey = "search/measuredDevices";
const char* const kIdsKey = "search/devices";
constexpr int IdRole = Qt::UserRole;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QStringList toList(const std::vector<std::string>& ids) {
    QStringList out;
    for (const auto& id : ids)
        out << q(id);
    return out;
}

// What the box keeps of a profile: all but the rows, of which only the first (without its
// trace) — the settings, and whether there are rows, are what devices::mixedDeviceProblems reads.
devices::DeviceProfile trimmed(devices::DeviceProfile p) {
    if (p.rows.size() > 1)
        p.rows.resize(1);
    for (auto& r : p.rows) {
        r.trace = {};
        r.batchLatencySeconds.clear();
    }
    return p;
}

struct PresetRead {
    QStringList ids; // every preset file's id (what devices:all names)
    std::vector<devices::DeviceProfile> profiles;
    std::vector<int> rowCounts;
    QStringList errors;
};

PresetRead readPresets(const std::filesystem::path& dataDir) {
    PresetRead out;
    for (const std::string& id : devices::presetDeviceIds(dataDir)) {
        out.ids << q(id);
        const auto loaded = devices::resolveDeviceProfile(id, dataDir);
        if (!loaded.ok()) {
            out.errors << QObject::tr("Preset %1 does not load: %2").arg(q(id), q(loaded.errors.toString()).trimmed());
            continue;
        }
        out.rowCounts.push_back(int(loaded.value->rows.size()));
        out.profiles.push_back(trimmed(*loaded.value));
    }
    return out;
}

} // namespace

SearchDevicesBox::SearchDevicesBox(QWidget* parent) : QGroupBox(tr("Measured devices"), parent) {
    setObjectName(QStringLiteral("searchDevicesBox"));
    setMaximumWidth(300);
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(3);
    m_on = new QCheckBox(tr("Search measured &devices too"), this);
    m_on->setObjectName(QStringLiteral("searchMeasuredDevices"));
    layout->addWidget(m_on);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("searchDeviceList"));
    m_list->setMinimumHeight(6 * (m_list->fontMetrics().height() + 4));
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_list->setToolTip(tr("The devices a device design may run on: each with the batch it was measured at and the "
                          "sequence length of its rows (Space ticks the current one)"));
    layout->addWidget(m_list, 1);

    auto* buttons = new QHBoxLayout;
    auto button = [this, buttons](const QString& text, const QString& tip, const char* name) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setObjectName(QLatin1String(name));
        b->setFocusPolicy(Qt::StrongFocus); // reachable with Tab
        buttons->addWidget(b);
        return b;
    };
    m_edgetran = button(tr("EdgeTran"),
                        tr("EdgeTran's seven measured devices, in the paper's order (tcw search --targets …,"
                           "devices:edgetran)"),
                        "searchDevicesEdgetran");
    m_all = button(tr("All"),
                   tr("Every device listed: the presets (tcw search --targets …,devices:all) and the workspace's own"),
                   "searchDevicesAll");
    m_none = button(tr("None"), tr("Untick every device"), "searchDevicesNone");
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("searchDevicesNote"));
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_note);

    // The remembered choice.
    const QSettings settings;
    m_on->setChecked(settings.value(QLatin1String(kOnKey), false).toBool());
    m_chosen = settings.value(QLatin1String(kIdsKey)).toStringList();
    m_chosen.removeDuplicates();

    connect(m_on, &QCheckBox::toggled, this, [this] {
        remember();
        updateControls();
        emit changed();
    });
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        const QString id = item->data(IdRole).toString();
        QStringList ids = m_chosen;
        if (item->checkState() == Qt::Checked && !ids.contains(id))
            ids << id; // ticked last: its device level comes last
        else if (item->checkState() != Qt::Checked)
            ids.removeAll(id);
        if (ids != m_chosen)
            choose(ids, true);
    });
    connect(m_edgetran, &QToolButton::clicked, this, [this] { choose(toList(devices::edgetranDeviceIds()), true); });
    connect(m_all, &QToolButton::clicked, this, [this] { choose(listedIds(), true); });
    connect(m_none, &QToolButton::clicked, this, [this] { choose({}, true); });
    rebuildList();
    updateControls();
}

SearchDevicesBox::~SearchDevicesBox() = default;

void SearchDevicesBox::setDataDirectory(const std::filesystem::path& dataDir) {
    const int generation = ++m_generation;
    m_loading = true;
    updateControls();
    auto* watcher = new QFutureWatcher<PresetRead>(this);
    connect(watcher, &QFutureWatcher<PresetRead>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // another data folder came meanwhile
        PresetRead read = watcher->result();
        m_presets.clear();
        for (std::size_t i = 0; i < read.profiles.size(); ++i)
            m_presets.push_back({std::move(read.profiles[i]), read.rowCounts[i], true});
        m_presetErrors = read.errors;
        m_presetIdsOnDisk = read.ids;
        m_loading = false;
        rebuildList();
        updateControls();
        emit presetsLoaded();
        emit changed();
    });
    watcher->setFuture(QtConcurrent::run([dataDir] { return readPresets(dataDir); }));
}

void SearchDevicesBox::setWorkspaceProfiles(const std::vector<devices::DeviceProfile>& profiles) {
    std::vector<Entry> read;
    for (const auto& p : profiles)
        read.push_back({trimmed(p), int(p.rows.size()), false});
    const auto same = [](const Entry& a, const Entry& b) { return a.rowCount == b.rowCount && a.profile == b.profile; };
    if (std::equal(read.begin(), read.end(), m_workspace.begin(), m_workspace.end(), same))
        return; // read again (the workspace changed elsewhere), the same devices
    m_workspace = std::move(read);
    rebuildList();
    updateControls();
    emit changed();
}

bool SearchDevicesBox::devicesOn() const {
    return m_on->isChecked();
}

QStringList SearchDevicesBox::listedIds() const {
    QStringList ids;
    for (int i = 0; i < m_list->count(); ++i)
        if (entry(m_list->item(i)->data(IdRole).toString()))
            ids << m_list->item(i)->data(IdRole).toString();
    return ids;
}

const SearchDevicesBox::Entry* SearchDevicesBox::entry(const QString& id) const {
    for (const auto* list : {&m_presets, &m_workspace}) // a preset first, as the search takes it
        for (const Entry& e : *list)
            if (q(e.profile.deviceName) == id)
                return &e;
    return nullptr;
}

QString SearchDevicesBox::deviceSet() const {
    if (!devicesOn() || m_chosen.isEmpty())
        return {};
    if (m_chosen == toList(devices::edgetranDeviceIds()))
        return QStringLiteral("devices:edgetran");
    if (!m_presetIdsOnDisk.isEmpty() && m_chosen == m_presetIdsOnDisk)
        return QStringLiteral("devices:all");
    return QStringLiteral("devices:") + m_chosen.join(QLatin1Char(','));
}

QString SearchDevicesBox::probeSet() const {
    if (!m_chosen.isEmpty())
        return QStringLiteral("devices:") + m_chosen.join(QLatin1Char(','));
    const QStringList listed = listedIds();
    return listed.isEmpty() ? QStringLiteral("devices:edgetran")
                            : QStringLiteral("devices:") + listed.join(QLatin1Char(','));
}

void SearchDevicesBox::fillRequest(codesign::SearchRequest& r) const {
    // Devices join ELECTOR or BAT-class designs; with neither ticked the panel says so (the
    // request keeps the Targets row's "none", whose error the core names).
    if (r.targets == "none")
        return;
    r.targets = codesign::withDeviceSet(r.targets, deviceSet().toStdString());
}

void SearchDevicesBox::showSearch(const search::SearchConfig& c) {
    const QSignalBlocker block(this);
    const bool devicesOn = c.targets.has(TargetKind::Device);
    {
        const QSignalBlocker blockOn(m_on); // shown, not chosen: nothing is remembered
        m_on->setChecked(devicesOn);
    }
    if (devicesOn)
        m_chosen = toList(c.targets.devices);
    rebuildList();
    updateControls();
}

void SearchDevicesBox::setApplicability(const QStringList& refusals, int sequenceLength, bool idle) {
    if (refusals == m_refusals && sequenceLength == m_sequenceLength && idle == m_idle)
        return;
    m_refusals = refusals;
    m_sequenceLength = sequenceLength;
    m_idle = idle;
    updateControls();
}

QStringList SearchDevicesBox::chosenProblems(int sequenceLength) const {
    if (!devicesOn() || m_chosen.isEmpty())
        return {};
    if (m_loading)
        return {tr("Reading the device presets…")};
    if (sequenceLength <= 0)
        return {}; // no configuration builds: the panel names why
    std::vector<std::string> ids;
    std::vector<devices::DeviceProfile> profiles;
    for (const QString& id : m_chosen) {
        ids.push_back(id.toStdString());
        if (const Entry* e = entry(id))
            profiles.push_back(e->profile);
    }
    QStringList out;
    for (const std::string& p : devices::mixedDeviceProblems(ids, profiles, sequenceLength))
        out << q(p);
    return out;
}

QString SearchDevicesBox::itemProblem(const QString& id) const {
    const Entry* e = entry(id);
    if (!e || m_sequenceLength <= 0)
        return {};
    QStringList out;
    for (const std::string& p : devices::mixedDeviceProblems({id.toStdString()}, {e->profile}, m_sequenceLength))
        out << q(p);
    return out.join(QLatin1Char(' '));
}

void SearchDevicesBox::setDevicesOn(bool on) {
    m_on->setChecked(on);
}

void SearchDevicesBox::setChosen(const QStringList& ids) {
    choose(ids, true);
}

void SearchDevicesBox::choose(const QStringList& ids, bool byUser) {
    m_chosen = ids;
    m_chosen.removeDuplicates();
    rebuildList(); // the ticks; a chosen id the list lacks shows as not loaded
    if (byUser)
        remember();
    updateControls();
    emit changed();
}

void SearchDevicesBox::remember() const {
    QSettings settings;
    settings.setValue(QLatin1String(kOnKey), m_on->isChecked());
    settings.setValue(QLatin1String(kIdsKey), m_chosen);
}

void SearchDevicesBox::rebuildList() {
    // The items wanted: every preset, then the workspace's own (a workspace copy of a preset,
    // which a mixed search saves, once), then any chosen id neither has (remembered, or a
    // stored search's) — as (id, text).
    QList<QPair<QString, QString>> wanted;
    QStringList shown;
    for (const auto* list : {&m_presets, &m_workspace})
        for (const Entry& e : *list) {
            const QString id = q(e.profile.deviceName);
            if (shown.contains(id))
                continue;
            shown << id;
            wanted.append({id, tr("%1 · batch %2 · seq %3%4")
                                   .arg(id)
                                   .arg(e.profile.settings.batchSize)
                                   .arg(e.profile.settings.sequenceLength)
                                   .arg(e.preset ? QString() : tr(" · workspace"))});
        }
    for (const QString& id : m_chosen)
        if (!shown.contains(id))
            wanted.append({id, m_loading ? tr("%1 · reading…").arg(id) : tr("%1 · not loaded").arg(id)});

    const QSignalBlocker block(m_list);
    bool same = m_list->count() == wanted.size();
    for (int i = 0; same && i < m_list->count(); ++i)
        same = m_list->item(i)->data(IdRole).toString() == wanted[i].first;
    if (!same) { // items are only replaced when the devices change (the current one and the scroll stay)
        const QString current = m_list->currentItem() ? m_list->currentItem()->data(IdRole).toString() : QString();
        m_list->clear();
        for (const auto& [id, text] : wanted) {
            auto* item = new QListWidgetItem(text, m_list);
            item->setData(IdRole, id);
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            if (id == current)
                m_list->setCurrentItem(item);
        }
    }
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        item->setText(wanted[i].second);
        item->setCheckState(m_chosen.contains(wanted[i].first) ? Qt::Checked : Qt::Unchecked);
    }
}

void SearchDevicesBox::updateControls() {
    const bool applicable = m_refusals.isEmpty();
    const bool on = m_on->isChecked();
    // Refused, the tick can still be taken off (the validation line says what to change).
    m_on->setEnabled(m_idle && (applicable || on));
    const QString refusalText = m_refusals.join(QLatin1Char('\n'));
    m_on->setToolTip(applicable ? tr("Search off-the-shelf devices whose latency, energy and peak power were measured "
                                     "beside the accelerators ticked in Targets: a device design is a model on one "
                                     "of the devices below, costed per sequence from the device's rows (or its "
                                     "surrogate, marked predicted); tcw search --targets elector,devices:…")
                                : tr("Measured devices cannot join this search:\n%1").arg(refusalText));
    const bool editable = m_idle && on && applicable;
    m_list->setEnabled(editable);
    m_all->setEnabled(editable && m_list->count() > 0);
    m_none->setEnabled(editable && !m_chosen.isEmpty());
    m_edgetran->setEnabled(editable &&
                           std::all_of(devices::edgetranDeviceIds().begin(), devices::edgetranDeviceIds().end(),
                                       [this](const std::string& id) { return entry(q(id)); }));
    {
        const QSignalBlocker block(m_list); // flags changing are not the user's choice
        for (int i = 0; i < m_list->count(); ++i) {
            QListWidgetItem* item = m_list->item(i);
            const QString id = item->data(IdRole).toString();
            const Entry* e = entry(id);
            const QString problem = itemProblem(id);
            Qt::ItemFlags flags = item->flags();
            // A device that cannot join is greyed, unless ticked (it can still be unticked).
            flags.setFlag(Qt::ItemIsEnabled, e && (problem.isEmpty() || item->checkState() == Qt::Checked));
            item->setFlags(flags);
            QString tip;
            if (e) {
                const auto& p = e->profile;
                tip = tr("%1: %2\n%3 rows measured at batch %4, sequence length %5 (per-sequence latency and energy)\n"
                         "Power read from: %6\n%7")
                          .arg(id, q(p.description))
                          .arg(e->rowCount)
                          .arg(p.settings.batchSize)
                          .arg(p.settings.sequenceLength)
                          .arg(q(p.settings.powerSourceDetail.empty() ? p.settings.powerSource
                                                                      : p.settings.powerSourceDetail),
                               e->preset ? tr("A preset (data/devices/presets)")
                                         : tr("A profile in this workspace (imported or profiled)"));
                for (const auto& caveat : p.caveats)
                    tip += QStringLiteral("\n• ") + q(caveat);
                if (!problem.isEmpty())
                    tip += tr("\n\nCannot join this search: %1").arg(problem);
            } else {
                tip = m_loading ? tr("%1: reading the presets…").arg(id)
                                : tr("%1: no preset and no profile in the workspace has this id; the search would "
                                     "refuse it")
                                      .arg(id);
            }
            item->setToolTip(tip);
        }
    }
    QString note;
    if (m_loading)
        note = tr("Reading the device presets…");
    else if (!applicable)
        note = tr("Cannot join this search: %1").arg(m_refusals.join(QLatin1Char(' ')));
    else if (!m_presetErrors.isEmpty())
        note = m_presetErrors.join(QLatin1Char('\n'));
    else if (on && m_chosen.isEmpty())
        note = tr("Tick the devices to search (EdgeTran: the paper's seven).");
    else if (on)
        note = (m_chosen.size() == 1 ? tr("1 device") : tr("%1 devices").arg(m_chosen.size())) +
               tr(": --targets …,%1").arg(deviceSet());
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
    m_note->setToolTip(applicable ? QString() : refusalText);
}

} // namespace tcw::widgets
