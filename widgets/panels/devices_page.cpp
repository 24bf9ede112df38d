#include "devices_page.h"

#include "models/device_table_model.h"
#include "models/model_names.h"
#include "models/objective.h"
#include "plots/power_trace_chart.h"

#include "devices/device_library.h"
#include "devices/device_store.h"
#include "devices/device_traces.h"
#include "devices/edgetran_import.h"
#include "io/device_profile_json.h"
#include "io/files.h"
#include "store/workspace.h"

#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace tcw::widgets {

namespace {

// A spread column: the text, and under it a strip from min to max on a log scale shared by
// the column (models::DeviceTableModel::columnRange), a tick at the median.
class SpreadDelegate : public QStyledItemDelegate {
public:
    SpreadDelegate(const models::DeviceTableModel* model, QObject* parent)
        : QStyledItemDelegate(parent), m_model(model) {}

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyleOptionViewItem text = option;
        text.rect.setBottom(option.rect.top() + option.rect.height() * 3 / 5);
        QStyledItemDelegate::paint(painter, text, index);
        const QVariantList s = index.data(models::DeviceTableModel::SpreadRole).toList();
        const auto range = m_model->columnRange(index.column());
        if (s.size() != 3 || !range || !(range->first > 0) || !(range->second > range->first))
            return;
        const double lo = std::log10(range->first), hi = std::log10(range->second);
        const QRectF strip(option.rect.left() + 6, option.rect.top() + option.rect.height() * 0.68,
                           option.rect.width() - 12, std::max(3.0, option.rect.height() * 0.18));
        const auto at = [&](double v) {
            return strip.left() + (v > 0 ? (std::log10(v) - lo) / (hi - lo) : 0.0) * strip.width();
        };
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->fillRect(strip, option.palette.color(QPalette::Midlight));
        const double x0 = at(s[0].toDouble()), x1 = at(s[2].toDouble()), xm = at(s[1].toDouble());
        painter->fillRect(QRectF(x0, strip.top(), std::max(1.5, x1 - x0), strip.height()),
                          QColor::fromRgb(0x3b, 0x82, 0x8c));
        painter->setPen(QPen(option.palette.color(QPalette::Text), 2));
        painter->drawLine(QPointF(xm, strip.top() - 2), QPointF(xm, strip.bottom() + 2));
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(s.height() * 2);
        return s;
    }

private:
    const models::DeviceTableModel* m_model;
};

struct Loaded {
    std::vector<devices::DeviceProfile> profiles; // the workspace's, then the shipped presets
    std::vector<bool> shipped;                    // per profile: a shipped preset
    int inWorkspace = 0;
    QString error;
};

// The workspace's profiles and, with presets, every shipped preset whose id the workspace does
// not hold (its own copy, perhaps re-measured, is the one that counts).
Loaded loadProfiles(const QString& path, const QString& dataDirectory, bool presets) {
    Loaded out;
    try {
        store::Workspace w = store::Workspace::openReadOnly(path.toStdString());
        out.profiles = devices::loadDeviceProfiles(w.database());
        for (auto& p : out.profiles)
            if (const std::string error = devices::attachDeviceTraces(w, p); !error.empty())
                out.error += QString::fromStdString(error) + '\n';
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    out.inWorkspace = int(out.profiles.size());
    out.shipped.assign(out.profiles.size(), false);
    if (presets && !dataDirectory.isEmpty()) {
        const std::filesystem::path data = dataDirectory.toStdString();
        for (const std::string& id : devices::presetDeviceIds(data)) {
            if (std::any_of(out.profiles.begin(), out.profiles.begin() + out.inWorkspace,
                            [&](const devices::DeviceProfile& p) { return p.deviceName == id; }))
                continue;
            auto preset = devices::resolveDeviceProfile(id, data);
            if (!preset.value) {
                out.error += QString::fromStdString(preset.errors.toString()) + '\n';
                continue;
            }
            out.profiles.push_back(std::move(*preset.value));
            out.shipped.push_back(true);
        }
    }
    return out;
}

} // namespace

DevicesPage::DevicesPage(QWidget* parent)
    : QWidget(parent), m_devices(new models::DeviceTableModel(this)), m_rows(new QStandardItemModel(this)) {
    qRegisterMetaType<DevicesJobResult>();
    setObjectName(QStringLiteral("devicesPage"));
    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_import = bar->addAction(tr("Import…"));
    m_import->setObjectName(QStringLiteral("devicesImport"));
    m_import->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_import->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_import->setToolTip(tr("Add a device profile (written by tcw profile or tools/profile_cuda.py) or EdgeTran's "
                            "data (seven devices) to the workspace (Ctrl+Shift+D)"));
    m_profile = bar->addAction(tr("Profile this computer…"));
    m_profile->setObjectName(QStringLiteral("devicesProfile"));
    m_profile->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    m_profile->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_profile->setToolTip(tr("Measure inference latency (and energy where a power source is readable) of models on "
                             "this computer with the workbench's oneDNN path, and add it as device "
                             "\"this-computer\" (Ctrl+Shift+M)"));
    m_cancel = bar->addAction(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("devicesCancel"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_cancel->setToolTip(tr("Stop the running import or profile (Esc); nothing is saved"));
    m_cancel->setEnabled(false);
    bar->addSeparator();
    m_showPresets = bar->addAction(tr("Shipped Presets"));
    m_showPresets->setObjectName(QStringLiteral("devicesShowPresets"));
    m_showPresets->setCheckable(true);
    m_showPresets->setToolTip(tr("List the device presets shipped with the workbench (EdgeTran's seven, the "
                                 "H100) beside the workspace's profiles; searches and tcw simulate --target "
                                 "device:ID use them without an import"));
    m_showPresets->setChecked(QSettings().value(QStringLiteral("devices/showPresets"), true).toBool());
    connect(m_showPresets, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(QStringLiteral("devices/showPresets"), on);
        reload();
    });
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    bar->addWidget(m_progress);
    for (QAction* a : {m_import, m_profile, m_cancel})
        addAction(a);
    connect(m_import, &QAction::triggered, this, &DevicesPage::chooseImportFile);
    connect(m_profile, &QAction::triggered, this, &DevicesPage::chooseProfile);
    connect(m_cancel, &QAction::triggered, this, &DevicesPage::cancel);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("devicesStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_deviceTable = new QTableView(this);
    m_deviceTable->setObjectName(QStringLiteral("deviceTable"));
    m_deviceTable->setModel(m_devices);
    m_deviceTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_deviceTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_deviceTable->verticalHeader()->hide();
    m_deviceTable->setAlternatingRowColors(true);
    m_deviceTable->setWordWrap(false);
    auto* delegate = new SpreadDelegate(m_devices, this);
    for (int c : {models::DeviceTableModel::LatencyColumn, models::DeviceTableModel::EnergyColumn,
                  models::DeviceTableModel::PeakPowerColumn})
        m_deviceTable->setItemDelegateForColumn(c, delegate);
    m_deviceTable->verticalHeader()->setDefaultSectionSize(2 * m_deviceTable->fontMetrics().height() + 10);
    m_deviceTable->horizontalHeader()->setStretchLastSection(true);
    m_deviceTable->horizontalHeader()->setDefaultAlignment(Qt::AlignCenter); // two-line headers
    fitDeviceColumns();
    m_deviceTable->setToolTip(tr("The workspace's device profiles and the shipped presets; select one to see its "
                                 "rows"));

    m_rowTable = new QTableView(this);
    m_rowTable->setObjectName(QStringLiteral("deviceRowTable"));
    m_rowTable->setModel(m_rows);
    m_rowTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rowTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_rowTable->verticalHeader()->hide();
    m_rowTable->setSortingEnabled(true);
    m_rowTable->setWordWrap(false);
    m_rowTable->setToolTip(tr("The models measured on the device, per sequence; select a row with a trace to see "
                              "its power over time"));
    m_trace = new PowerTraceChart(this);

    m_lower = new QSplitter(Qt::Horizontal, this);
    m_lower->setObjectName(QStringLiteral("devicesLowerSplit"));
    m_lower->addWidget(m_rowTable);
    m_lower->addWidget(m_trace);
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setObjectName(QStringLiteral("devicesSplit"));
    m_split->addWidget(m_deviceTable);
    m_split->addWidget(m_lower);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(bar);
    layout->addWidget(m_status);
    layout->addWidget(m_split, 1);

    // Remembered layout, as the rest of the window's.
    QSettings s;
    if (!m_split->restoreState(s.value(QStringLiteral("devices/split")).toByteArray()))
        m_split->setSizes({300, 400});
    if (!m_lower->restoreState(s.value(QStringLiteral("devices/lowerSplit")).toByteArray()))
        m_lower->setSizes({500, 600});
    connect(m_split, &QSplitter::splitterMoved, this, &DevicesPage::saveLayout);
    connect(m_lower, &QSplitter::splitterMoved, this, &DevicesPage::saveLayout);

    connect(m_deviceTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &DevicesPage::showRows);
    connect(m_rowTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &DevicesPage::showTrace);
    setStatus(tr("No workspace open"));
}

DevicesPage::~DevicesPage() {
    // A running job stops at its next check; it is waited for, as its progress reports name
    // this page.
    if (m_stop)
        m_stop->store(true);
    if (m_job) {
        m_job->disconnect(this);
        m_job->waitForFinished();
    }
}

void DevicesPage::saveLayout() const {
    QSettings s;
    s.setValue(QStringLiteral("devices/split"), m_split->saveState());
    s.setValue(QStringLiteral("devices/lowerSplit"), m_lower->saveState());
}

QString DevicesPage::statusText() const {
    return m_status->text();
}

void DevicesPage::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b3261e") : QString());
}

void DevicesPage::setWorkspace(const QString& path, const QString& dataDirectory) {
    m_path = path;
    m_dataDirectory = dataDirectory;
    ++m_generation;
    m_devices->setProfiles({});
    m_rows->clear();
    m_trace->clear();
    m_import->setEnabled(!path.isEmpty() && !m_busy);
    m_profile->setEnabled(!path.isEmpty() && !m_busy);
    if (path.isEmpty()) {
        m_reading = false;
        setStatus(tr("No workspace open"));
        return;
    }
    reload();
}

void DevicesPage::reload() {
    if (m_path.isEmpty())
        return;
    const int generation = ++m_generation;
    const QString path = m_path;
    m_reading = true;
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // another workspace or a newer read came meanwhile
        m_reading = false;
        const Loaded read = watcher->result();
        const QString shown = m_deviceTable->currentIndex().isValid()
                                  ? m_devices->index(m_deviceTable->currentIndex().row(), 0).data().toString()
                                  : QString();
        m_devices->setProfiles(read.profiles, read.shipped);
        fitDeviceColumns();
        if (!m_busy) {
            if (!read.error.isEmpty())
                setStatus(read.error, true);
            else if (read.inWorkspace == 0)
                setStatus(tr("No device profiles in this workspace yet%1: Import… adds a profile or EdgeTran's "
                             "data, Profile this computer… measures this one, and a device search stores the ones "
                             "it searched.")
                              .arg(read.profiles.empty() ? QString()
                                   : read.profiles.size() == 1
                                       ? tr(" (the shipped preset is listed)")
                                       : tr(" (the %1 shipped presets are listed)").arg(read.profiles.size())));
            else if (m_status->text().isEmpty() || m_status->text() == tr("No workspace open") ||
                     m_status->text().startsWith(tr("No device profiles")) ||
                     m_status->text().contains(tr("in the workspace"))) {
                const int presets = int(read.profiles.size()) - read.inWorkspace;
                setStatus((read.inWorkspace == 1 ? tr("1 device profile in the workspace")
                                                 : tr("%1 device profiles in the workspace").arg(read.inWorkspace)) +
                          (presets == 0
                               ? QString()
                               : (presets == 1 ? tr(", 1 shipped preset") : tr(", %1 shipped presets").arg(presets)) +
                                     (read.inWorkspace == 1 ? tr(" beside it") : tr(" beside them"))));
            }
        }
        // The device shown before, else the first with a power trace to show, else the first.
        if (shown.isEmpty() || !showDevice(shown)) {
            int pick = read.profiles.empty() ? -1 : 0;
            const auto traced = std::find_if(read.profiles.begin(), read.profiles.end(), [](const auto& p) {
                return std::any_of(p.rows.begin(), p.rows.end(), [](const auto& r) { return !r.trace.empty(); });
            });
            if (traced != read.profiles.end())
                pick = int(traced - read.profiles.begin());
            if (pick >= 0)
                showDevice(QString::fromStdString(read.profiles[std::size_t(pick)].deviceName));
        }
        emit loaded();
    });
    watcher->setFuture(QtConcurrent::run([path, data = m_dataDirectory, presets = m_showPresets->isChecked()] {
        return loadProfiles(path, data, presets);
    }));
}

void DevicesPage::setShowPresets(bool show) {
    m_showPresets->setChecked(show); // toggled reads again when it changes
}

void DevicesPage::fitDeviceColumns() {
    // Every column as wide as its contents and header (two-line headers for the strips), the
    // description taking what is left; a long description is elided, not the numbers.
    QHeaderView* header = m_deviceTable->horizontalHeader();
    for (int c = 0; c < models::DeviceTableModel::DescriptionColumn; ++c)
        m_deviceTable->resizeColumnToContents(c);
    const int description = 48 * m_deviceTable->fontMetrics().averageCharWidth();
    header->resizeSection(models::DeviceTableModel::DescriptionColumn, description);
}

bool DevicesPage::showDevice(const QString& device) {
    for (int row = 0; row < m_devices->rowCount(); ++row)
        if (m_devices->index(row, 0).data().toString() == device) {
            m_deviceTable->setCurrentIndex(m_devices->index(row, 0));
            m_deviceTable->selectRow(row);
            m_deviceTable->scrollTo(m_devices->index(row, 0));
            return true;
        }
    return false;
}

void DevicesPage::showRows() {
    m_rows->clear();
    m_trace->clear();
    const auto* p = m_devices->profileAt(m_deviceTable->currentIndex().row());
    if (!p)
        return;
    m_rows->setHorizontalHeaderLabels({tr("Model"), tr("Latency (ms)"), tr("± CV"), tr("Energy (mJ)"),
                                       tr("Peak power (mW)"), tr("GLUE"), tr("Provenance"), tr("Trace")});
    int firstTraced = -1;
    for (const auto& row : p->rows) {
        QList<QStandardItem*> items;
        // EdgeTran's hashes read as the architecture; the hash stays in the tooltip and in
        // ModelNameRole, by which the trace of the selected row is found.
        const QString modelName = QString::fromStdString(row.modelName);
        auto* name = new QStandardItem(models::displayModelName(modelName, row.model));
        name->setToolTip(models::modelNameToolTip(modelName, row.model));
        name->setData(modelName, ModelNameRole);
        items << name;
        const auto number = [](std::optional<double> v, double factor, const QString& missing) {
            auto* item = new QStandardItem(v ? models::formatMetric(*v * factor) : missing);
            if (v)
                item->setData(*v * factor, Qt::UserRole);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        items << number(row.latencySecondsPerSequence.median, 1e3, {});
        items << number(row.latencySecondsPerSequence.samples > 1 ? std::optional(row.latencySecondsPerSequence.cv)
                                                                  : std::nullopt,
                        1.0, tr("—"));
        auto* energy = number(row.energyJoulesPerSequence.value, 1e3, tr("unavailable"));
        auto* peak = number(row.peakPowerW.value, 1e3, tr("unavailable"));
        if (!row.energyJoulesPerSequence.available())
            energy->setToolTip(
                QString::fromStdString(row.energyJoulesPerSequence.reason + " " + row.energyJoulesPerSequence.remedy));
        if (!row.peakPowerW.available())
            peak->setToolTip(QString::fromStdString(row.peakPowerW.reason + " " + row.peakPowerW.remedy));
        items << energy << peak;
        items << number(row.glue, 1.0, tr("—"));
        items << new QStandardItem(QString::fromStdString(row.provenance));
        items << new QStandardItem(row.trace.empty() ? QString() : tr("yes"));
        if (firstTraced < 0 && !row.trace.empty())
            firstTraced = m_rows->rowCount();
        m_rows->appendRow(items);
    }
    m_rowTable->resizeColumnsToContents();
    // An architecture name can be long: at most ~34 characters wide, elided in the middle (its
    // end is the hash that tells two models of one shape apart); the tooltip has it all.
    m_rowTable->setColumnWidth(
        0, std::min(m_rowTable->columnWidth(0), 34 * m_rowTable->fontMetrics().averageCharWidth() + 16));
    m_rowTable->setTextElideMode(Qt::ElideMiddle);
    const int pick = firstTraced >= 0 ? firstTraced : 0;
    if (m_rows->rowCount() > 0) {
        m_rowTable->setCurrentIndex(m_rows->index(pick, 0));
        m_rowTable->selectRow(pick);
    }
}

void DevicesPage::showTrace() {
    const auto* p = m_devices->profileAt(m_deviceTable->currentIndex().row());
    const int row = m_rowTable->currentIndex().row();
    if (!p || row < 0) {
        m_trace->clear();
        return;
    }
    // The rows model is not sorted apart from the profile unless the user sorted it: find the
    // row by its model name.
    const QString name = m_rows->index(row, 0).data(ModelNameRole).toString();
    for (const auto& r : p->rows)
        if (QString::fromStdString(r.modelName) == name) {
            m_trace->setRow(QStringLiteral("%1 · %2").arg(QString::fromStdString(p->deviceName),
                                                          m_rows->index(row, 0).data().toString()),
                            r, p->idlePowerW.value, p->settings);
            return;
        }
}

void DevicesPage::chooseImportFile() {
    if (m_path.isEmpty() || m_busy)
        return;
    const QString start = m_dataDirectory.isEmpty() ? QString() : m_dataDirectory + QStringLiteral("/devices");
    const QString file =
        m_interactive ? QFileDialog::getOpenFileName(this, tr("Import device profiles"), start,
                                                     tr("Device profiles or EdgeTran data (*.json);;All files (*)"))
                      : QString();
    if (!file.isEmpty())
        importFile(file);
}

void DevicesPage::chooseProfile() {
    if (m_path.isEmpty() || m_busy)
        return;
    QStringList models{QStringLiteral("bert-tiny"), QStringLiteral("bert-mini")};
    int runs = 10, threads = 0;
    if (m_interactive) {
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Profile this computer"));
        auto* form = new QFormLayout(&dialog);
        auto* modelsEdit = new QLineEdit(models.join(QStringLiteral(", ")), &dialog);
        modelsEdit->setToolTip(tr("Preset names (bert-tiny, bert-mini, …) or model files, comma-separated"));
        auto* runsSpin = new QSpinBox(&dialog);
        runsSpin->setRange(1, 10000);
        runsSpin->setValue(runs);
        runsSpin->setToolTip(tr("Timed batches per model (after 2 warm-up batches)"));
        auto* threadsSpin = new QSpinBox(&dialog);
        threadsSpin->setRange(0, 1024);
        threadsSpin->setSpecialValueText(tr("oneDNN's default"));
        threadsSpin->setToolTip(tr("Compute threads"));
        form->addRow(tr("Models"), modelsEdit);
        form->addRow(tr("Runs"), runsSpin);
        form->addRow(tr("Threads"), threadsSpin);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
        buttons->button(QDialogButtonBox::Ok)->setText(tr("Profile"));
        form->addRow(buttons);
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        if (dialog.exec() != QDialog::Accepted)
            return;
        models.clear();
        for (const QString& m : modelsEdit->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
            models << m.trimmed();
        runs = runsSpin->value();
        threads = threadsSpin->value();
    }
    profileComputer(models, runs, threads);
}

void DevicesPage::runJob(const QString& what, std::function<DevicesJobResult(std::atomic<bool>&, QObject*)> job) {
    m_busy = true;
    m_stop = std::make_shared<std::atomic<bool>>(false);
    m_import->setEnabled(false);
    m_profile->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setVisible(true);
    m_progress->setRange(0, 0);
    setStatus(what);
    auto* watcher = new QFutureWatcher<DevicesJobResult>(this);
    m_job = watcher;
    connect(watcher, &QFutureWatcher<DevicesJobResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_job = nullptr;
        finishJob(watcher->result());
    });
    auto stop = m_stop;
    QObject* receiver = this;
    watcher->setFuture(QtConcurrent::run([job, stop, receiver] { return job(*stop, receiver); }));
}

void DevicesPage::cancel() {
    if (!m_busy || !m_stop)
        return;
    m_stop->store(true);
    m_cancel->setEnabled(false);
    setStatus(tr("Cancelling…"));
}

void DevicesPage::finishJob(const DevicesJobResult& result) {
    m_busy = false;
    m_stop.reset();
    m_import->setEnabled(!m_path.isEmpty());
    m_profile->setEnabled(!m_path.isEmpty());
    m_cancel->setEnabled(false);
    m_progress->setVisible(false);
    if (result.cancelled)
        setStatus(tr("Cancelled; nothing was saved."));
    else if (!result.error.isEmpty())
        setStatus(result.error, true);
    else
        setStatus(result.message);
    if (!result.cancelled && result.error.isEmpty()) {
        reload();
        emit profilesChanged();
    }
    emit jobFinished(result);
}

void DevicesPage::importFile(const QString& file) {
    if (m_path.isEmpty() || m_busy)
        return;
    const QString path = m_path;
    runJob(tr("Importing %1…").arg(file), [file, path](std::atomic<bool>& stop, QObject*) {
        DevicesJobResult r;
        const std::filesystem::path f = file.toStdString();
        std::vector<devices::DeviceProfile> profiles;
        // A device profile file; else EdgeTran's data. Both errors when it is neither.
        auto one = io::loadDeviceProfile(f);
        if (one.value) {
            profiles.push_back(std::move(*one.value));
        } else {
            auto edgetran = devices::importEdgetranFile(f);
            if (edgetran.profiles.empty()) {
                r.error =
                    QObject::tr("%1 is neither a device profile nor EdgeTran's data.\nAs a device profile: "
                                "%2\nAs EdgeTran's data: %3")
                        .arg(file, QString::fromStdString(one.errors.toString()),
                             QString::fromStdString(edgetran.errors.empty() ? std::string("no rows")
                                                                            : edgetran.errors.front().toString()));
                return r;
            }
            profiles = std::move(edgetran.profiles);
        }
        if (stop.load()) {
            r.cancelled = true;
            return r;
        }
        try {
            store::Workspace w = store::Workspace::open(path.toStdString());
            w.transaction([&] {
                for (const auto& p : profiles) {
                    devices::saveDeviceProfile(w.database(), p);
                    devices::saveDeviceTraces(w, p);
                }
            });
        } catch (const std::exception& e) {
            r.error = QObject::tr("%1: %2").arg(path, QString::fromStdString(e.what()));
            return r;
        }
        QStringList names;
        std::size_t rows = 0;
        for (const auto& p : profiles) {
            names << QString::fromStdString(p.deviceName);
            rows += p.rows.size();
        }
        r.message =
            QObject::tr("Imported %1 (%2 rows) from %3").arg(names.join(QStringLiteral(", "))).arg(rows).arg(file);
        return r;
    });
}

void DevicesPage::profileComputer(const QStringList& modelNames, int runs, int threads) {
    if (m_path.isEmpty() || m_busy)
        return;
    profile::ProfileRequest request;
    for (const QString& name : modelNames) {
        auto model = io::resolveTransformer(name.toStdString(), m_dataDirectory.toStdString());
        if (!model) {
            model.errors.file = name.toStdString();
            setStatus(QString::fromStdString(model.errors.toString()), true);
            return;
        }
        request.models.emplace_back(model.value->name.empty() ? name.toStdString() : model.value->name, *model.value);
    }
    if (request.models.empty()) {
        setStatus(tr("Profile this computer: name at least one model"), true);
        return;
    }
    request.settings.runs = runs;
    request.settings.threads = threads;
    request.command = QStringLiteral("transcode-workbench: Devices ▸ Profile this computer (models %1, runs %2, "
                                     "threads %3)")
                          .arg(modelNames.join(QStringLiteral(",")))
                          .arg(runs)
                          .arg(threads)
                          .toStdString();
    const QString path = m_path;
    const int count = int(request.models.size());
    runJob(tr("Profiling this computer…"), [request, path, count](std::atomic<bool>& stop, QObject* receiver) {
        DevicesJobResult r;
        profile::DeviceProfile p;
        try {
            p = profile::profileInference(
                request,
                [receiver, count](const profile::ProfileProgress& progress) {
                    const QString stage = QString::fromStdString(progress.stage);
                    const int model = progress.model;
                    QMetaObject::invokeMethod(receiver, [receiver, stage, model, count] {
                        auto* page = static_cast<DevicesPage*>(receiver);
                        if (!page->m_busy)
                            return;
                        page->m_progress->setRange(0, count);
                        page->m_progress->setValue(model);
                        page->m_progress->setFormat(tr("model %1/%2: %3").arg(model + 1).arg(count).arg(stage));
                    });
                },
                &stop);
        } catch (const profile::ProfileCancelled&) {
            r.cancelled = true;
            return r;
        } catch (const std::exception& e) {
            r.error = QObject::tr("Profiling failed: %1").arg(QString::fromStdString(e.what()));
            return r;
        }
        try {
            store::Workspace w = store::Workspace::open(path.toStdString());
            devices::saveDeviceProfileWithTraces(w, p);
        } catch (const std::exception& e) {
            r.error = QObject::tr("%1: %2").arg(path, QString::fromStdString(e.what()));
            return r;
        }
        QStringList latencies;
        for (const auto& row : p.rows)
            latencies << QObject::tr("%1 %2 ms (p5 %3, p95 %4)")
                             .arg(QString::fromStdString(row.modelName),
                                  models::formatMetric(row.latencySecondsPerSequence.median * 1e3),
                                  models::formatMetric(row.latencySecondsPerSequence.p5 * 1e3),
                                  models::formatMetric(row.latencySecondsPerSequence.p95 * 1e3));
        r.message = QObject::tr("Saved device \"%1\": latency per sequence %2.")
                        .arg(QString::fromStdString(p.deviceName), latencies.join(QStringLiteral("; ")));
        if (!p.rows.empty() && !p.rows.front().energyJoulesPerSequence.available()) {
            const auto& e = p.rows.front().energyJoulesPerSequence;
            r.message +=
                QObject::tr(" Energy and power are unavailable here: %1").arg(QString::fromStdString(e.reason));
            if (!e.remedy.empty())
                r.message += QObject::tr(" (%1)").arg(QString::fromStdString(e.remedy));
        }
        return r;
    });
}

} // namespace tcw::widgets
