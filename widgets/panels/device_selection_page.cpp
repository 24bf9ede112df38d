// The Selection view (device_selection_page.h).
#include "device_selection_page.h"

#include "codesign/selection_runs.h"
#include "codesign/trained_accuracy.h"
#include "compress/mask_grid.h"
#include "compress/sparse_format.h"
#include "io/files.h"
#include "models/breakdown_series.h"
#include "models/colour_map.h"
#include "models/selection_data_sets.h"
#include "plots/bar_chart.h"
#include "plots/selection_plots.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <map>

namespace tcw::widgets {

namespace {

// LC slider: 10^(v/100 − 3) ms, 1 µs … 10 s. AC slider: v / 1000.
constexpr int kLcSteps = 700, kAcSteps = 1000;
double lcOfSlider(int v) {
    return std::pow(10.0, v / 100.0 - 3.0);
}
int sliderOfLc(double ms) {
    return std::clamp(int(std::lround((std::log10(std::max(ms, 1e-3)) + 3.0) * 100.0)), 0, kLcSteps);
}

QString msText(double seconds) {
    return QLocale().toString(seconds * 1e3, 'g', 4) + QStringLiteral(" ms");
}

QColor mix(const QColor& a, const QColor& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + t * (b.redF() - a.redF())),
                            float(a.greenF() + t * (b.greenF() - a.greenF())),
                            float(a.blueF() + t * (b.blueF() - a.blueF())));
}

// The sparsity a setting reaches (N:M: 1 − N/M).
double settingSparsity(const search::CompressionSetting& s) {
    if (s.pattern == "dense")
        return 0;
    if (const auto colon = s.pattern.find(':'); colon != std::string::npos) {
        const double n = std::atof(s.pattern.substr(0, colon).c_str()),
                     m = std::atof(s.pattern.substr(colon + 1).c_str());
        return m > 0 ? 1.0 - n / m : 0.0;
    }
    return s.sparsity;
}

struct Outcome {
    search::SelectionInput input;
    search::SelectionResult result;
    std::vector<std::optional<double>> accuracies;
    std::vector<AccuracyCurve> curves;
    QString error;
};

} // namespace

QString cellText(const search::SelectionCell& cell) {
    if (cell.latencySeconds)
        return msText(*cell.latencySeconds);
    if (cell.reasons.empty())
        return QObject::tr("no latency");
    // Why there is no latency: a "cannot run / cannot cost" reason, else the setting's error
    // (selectDevice adds it after the accuracy's).
    QString reason = QString::fromStdString(cell.reasons.back());
    for (const auto& why : cell.reasons)
        if (why.rfind("cannot ", 0) == 0) {
            reason = QString::fromStdString(why);
            break;
        }
    const qsizetype colon = reason.indexOf(QStringLiteral(": "));
    QString head = colon < 0 ? reason : reason.left(colon), detail = colon < 0 ? QString() : reason.mid(colon + 2);
    constexpr int kWidth = 28;
    auto elide = [](const QString& t) {
        return t.size() > kWidth ? t.left(kWidth - 1).trimmed() + QStringLiteral("…") : t;
    };
    return detail.isEmpty() ? elide(head) : elide(head) + QLatin1Char('\n') + elide(detail);
}

CellJudgement judgeCell(const search::SelectionCell& cell, double lc, double ac) {
    CellJudgement j;
    if (!cell.latencySeconds || !cell.accuracy)
        return j; // cannot run (or no accuracy): the reasons say why
    const bool slow = *cell.latencySeconds > lc, inaccurate = *cell.accuracy < ac;
    double miss = 0;
    if (slow)
        miss = std::max(miss, lc > 0 ? (*cell.latencySeconds - lc) / lc : 1.0);
    if (inaccurate)
        miss = std::max(miss, ac > 0 ? (ac - *cell.accuracy) / ac : 1.0);
    j.verdict = slow && inaccurate ? CellVerdict::BothFail
                : slow             ? CellVerdict::LatencyFails
                : inaccurate       ? CellVerdict::AccuracyFails
                                   : CellVerdict::Feasible;
    j.severity = std::min(1.0, miss);
    return j;
}

QColor verdictColour(const CellJudgement& j) {
    // Okabe–Ito hues (colour-blind safe): feasible bluish green, latency vermillion, accuracy
    // orange, both reddish purple, cannot run grey; a small miss is a pale tint, a miss of
    // 100 % or more the full hue.
    const QColor white(Qt::white);
    switch (j.verdict) {
    case CellVerdict::Feasible:
        return mix(white, QColor(0, 158, 115), 0.55);
    case CellVerdict::LatencyFails:
        return mix(white, QColor(213, 94, 0), 0.25 + 0.75 * j.severity);
    case CellVerdict::AccuracyFails:
        return mix(white, QColor(230, 159, 0), 0.25 + 0.75 * j.severity);
    case CellVerdict::BothFail:
        return mix(white, QColor(204, 121, 167), 0.25 + 0.75 * j.severity);
    case CellVerdict::CannotRun:
        break;
    }
    return QColor(200, 200, 200);
}

QString verdictName(CellVerdict v) {
    switch (v) {
    case CellVerdict::Feasible:
        return QObject::tr("feasible");
    case CellVerdict::LatencyFails:
        return QObject::tr("latency above LC");
    case CellVerdict::AccuracyFails:
        return QObject::tr("accuracy below AC");
    case CellVerdict::BothFail:
        return QObject::tr("both fail");
    case CellVerdict::CannotRun:
        break;
    }
    return QObject::tr("cannot run / no accuracy");
}

TaskShape selectionTask(const QString& dataSet, int textSequenceLength) {
    if (dataSet == QLatin1String("text")) {
        TaskShape t; // BERT's WordPiece vocabulary, two classes (TaskShape's defaults)
        t.sequenceLength = textSequenceLength;
        return t;
    }
    if (dataSet == QLatin1String("fashion-mnist") || dataSet == QLatin1String("listops")) {
        search::TrainingSettings s; // patch 7: tcw's --patch default
        s.dataset = dataSet.toStdString();
        return codesign::taskShapeFor(s);
    }
    throw std::invalid_argument("data set '" + dataSet.toStdString() + "': allowed are " +
                                models::selectionDataSets().join(QStringLiteral(", ")).toStdString());
}

struct DeviceSelectionPage::Loaded {
    codesign::DeviceCatalogue catalogue;
    search::DeviceLatencyFn deviceLatency;
};

DeviceSelectionPage::DeviceSelectionPage(QWidget* parent) : QWidget(parent) {
    m_dataDir = QString::fromStdString(io::findDataDir(QCoreApplication::applicationFilePath().toStdString()).string());
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(120);
    connect(m_debounce, &QTimer::timeout, this, &DeviceSelectionPage::compute);
    buildUi();
}

DeviceSelectionPage::~DeviceSelectionPage() = default;

void DeviceSelectionPage::buildUi() {
    auto* top = new QGridLayout;
    auto* open = new QPushButton(tr("Catalogue…"), this);
    open->setToolTip(tr("A device catalogue file (docs/formats.md): measured devices, ELECTOR and FPGA targets "
                        "with their costs, and the settings to try"));
    connect(open, &QPushButton::clicked, this, &DeviceSelectionPage::chooseCatalogue);
    m_catalogueLabel = new QLabel(tr("no catalogue"), this);
    auto* runs = new QPushButton(tr("Runs folder…"), this);
    runs->setToolTip(tr("The folder tcw select-device --runs DIR trained the settings into: their accuracies"));
    connect(runs, &QPushButton::clicked, this, &DeviceSelectionPage::chooseRuns);
    m_runsLabel = new QLabel(tr("no runs folder"), this);
    m_model = new QComboBox(this);
    m_model->setEditable(true);
    m_model->setToolTip(tr("The model: a preset name or a model file"));
    for (const auto& name : io::presetNames(m_dataDir.toStdString(), io::DocumentKind::Transformer))
        m_model->addItem(QString::fromStdString(name));
    m_model->setCurrentText(QStringLiteral("bert-tiny"));
    m_data = new QComboBox(this);
    m_data->addItems(models::selectionDataSets());
    m_data->setItemData(0,
                        tr("A BERT-style text task: WordPiece vocabulary of 30,522 tokens, two classes, at the "
                           "sequence length beside"),
                        Qt::ToolTipRole);
    m_data->setItemData(1,
                        tr("Fashion-MNIST in 7×7 patches: 16 tokens of 49 values, 10 classes (tcw select-device "
                           "--data fashion-mnist)"),
                        Qt::ToolTipRole);
    m_data->setItemData(2,
                        tr("ListOps: its own sequence length, 32 symbols, 10 classes (tcw select-device "
                           "--data listops)"),
                        Qt::ToolTipRole);
    m_data->setToolTip(tr("The task the model is costed for: its sequence, input embedding and classifier"));
    m_sequence = new QSpinBox(this);
    m_sequence->setRange(1, 65536);
    m_sequence->setValue(128);
    m_sequence->setSuffix(tr(" tokens"));
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 4096);
    m_batch->setPrefix(tr("batch "));
    m_order = new QComboBox(this);
    m_order->addItems(
        {QStringLiteral("price"), QStringLiteral("tdp"), QStringLiteral("peak-power"), QStringLiteral("area")});
    m_order->setToolTip(tr("The cost the catalogue is ranked by (cheapest first)"));
    top->addWidget(open, 0, 0);
    top->addWidget(m_catalogueLabel, 0, 1, 1, 4);
    top->addWidget(runs, 0, 5);
    top->addWidget(m_runsLabel, 0, 6, 1, 3);
    top->addWidget(new QLabel(tr("Model"), this), 1, 0);
    top->addWidget(m_model, 1, 1);
    top->addWidget(m_data, 1, 2);
    top->addWidget(m_sequence, 1, 3);
    top->addWidget(m_batch, 1, 4);
    top->addWidget(new QLabel(tr("Rank by"), this), 1, 5);
    top->addWidget(m_order, 1, 6);

    m_lcSlider = new QSlider(Qt::Horizontal, this);
    m_lcSlider->setRange(0, kLcSteps);
    m_lcSlider->setToolTip(tr("Latency constraint LC, logarithmic from 1 µs to 10 s"));
    m_lcField = new QDoubleSpinBox(this);
    m_lcField->setDecimals(4);
    m_lcField->setRange(1e-3, 1e4);
    m_lcField->setSuffix(tr(" ms"));
    m_acSlider = new QSlider(Qt::Horizontal, this);
    m_acSlider->setRange(0, kAcSteps);
    m_acSlider->setToolTip(tr("Accuracy constraint AC"));
    m_acField = new QDoubleSpinBox(this);
    m_acField->setDecimals(3);
    m_acField->setRange(0, 1);
    m_acField->setSingleStep(0.005);
    top->addWidget(new QLabel(tr("LC"), this), 2, 0);
    top->addWidget(m_lcSlider, 2, 1, 1, 5);
    top->addWidget(m_lcField, 2, 6);
    top->addWidget(new QLabel(tr("AC"), this), 3, 0);
    top->addWidget(m_acSlider, 3, 1, 1, 5);
    top->addWidget(m_acField, 3, 6);
    connect(m_lcSlider, &QSlider::valueChanged, this, [this](int v) {
        const QSignalBlocker block(m_lcField);
        m_lcField->setValue(lcOfSlider(v));
        scheduleCompute();
    });
    connect(m_lcField, &QDoubleSpinBox::valueChanged, this, [this](double ms) {
        const QSignalBlocker block(m_lcSlider);
        m_lcSlider->setValue(sliderOfLc(ms));
        scheduleCompute();
    });
    connect(m_acSlider, &QSlider::valueChanged, this, [this](int v) {
        const QSignalBlocker block(m_acField);
        m_acField->setValue(v / double(kAcSteps));
        scheduleCompute();
    });
    connect(m_acField, &QDoubleSpinBox::valueChanged, this, [this](double ac) {
        const QSignalBlocker block(m_acSlider);
        m_acSlider->setValue(int(std::lround(ac * kAcSteps)));
        scheduleCompute();
    });
    connect(m_model, &QComboBox::currentTextChanged, this, &DeviceSelectionPage::scheduleCompute);
    connect(m_sequence, &QSpinBox::valueChanged, this, [this](int tokens) {
        if (m_sequence->isEnabled())
            m_textSequence = tokens;
        scheduleCompute();
    });
    connect(m_data, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        // A data set of fixed length sets the field (disabled, saying why); "text" gives the
        // user's length back.
        const bool text = name == QLatin1String("text");
        const QSignalBlocker block(m_sequence);
        m_sequence->setValue(text ? m_textSequence : selectionTask(name, m_textSequence).sequenceLength);
        m_sequence->setEnabled(text);
        m_sequence->setToolTip(text ? tr("Tokens per sequence") : tr("Set by the data set"));
        scheduleCompute();
    });
    connect(m_batch, &QSpinBox::valueChanged, this, &DeviceSelectionPage::scheduleCompute);
    connect(m_order, &QComboBox::currentTextChanged, this, &DeviceSelectionPage::scheduleCompute);
    setLatencyLimitMs(5);
    setAccuracyLimit(0.85);

    m_status = new QLabel(tr("Open a device catalogue (for example data/targets/example-catalogue.json)."), this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_matrix = new QTableWidget(this);
    m_matrix->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_matrix->setSelectionMode(QAbstractItemView::SingleSelection);
    m_matrix->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_matrix->horizontalHeader()->setMinimumSectionSize(70);
    m_curves = new AccuracySparsityPlot(this);

    auto* legend = new QLabel(this);
    QString legendText;
    for (auto v : {CellVerdict::Feasible, CellVerdict::LatencyFails, CellVerdict::AccuracyFails, CellVerdict::BothFail,
                   CellVerdict::CannotRun})
        legendText += QStringLiteral("<span style='background:%1'>&nbsp;&nbsp;&nbsp;&nbsp;</span> %2 &nbsp; ")
                          .arg(verdictColour({v, 1.0}).name(), verdictName(v).toHtmlEscaped());
    legend->setText(legendText + tr("· paler: misses by less · ★ chosen"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(top);
    leftLayout->addWidget(m_status);
    leftLayout->addWidget(legend);
    auto* split = new QSplitter(Qt::Vertical, left);
    split->addWidget(m_matrix);
    split->addWidget(m_curves);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    leftLayout->addWidget(split, 1);

    // The pruning-pattern viewer.
    auto* viewer = new QGroupBox(tr("Pruning pattern"), this);
    auto* v = new QVBoxLayout(viewer);
    auto* runRow = new QHBoxLayout;
    auto* openRun = new QPushButton(tr("Pruning run…"), viewer);
    openRun->setToolTip(tr("A folder tcw prune wrote (pruning.json and checkpoint.bin)"));
    connect(openRun, &QPushButton::clicked, this, &DeviceSelectionPage::choosePruningRun);
    m_runLabel = new QLabel(tr("no run"), viewer);
    runRow->addWidget(openRun);
    runRow->addWidget(m_runLabel, 1);
    m_prunedMatrix = new QComboBox(viewer);
    connect(m_prunedMatrix, &QComboBox::currentIndexChanged, this, &DeviceSelectionPage::showPrunedMatrix);
    m_heatMap = new PruningHeatMap(viewer);
    m_formats = new BarChart(viewer);
    m_formats->setExportName(QStringLiteral("format-sizes"));
    v->addLayout(runRow);
    v->addWidget(m_prunedMatrix);
    v->addWidget(m_heatMap, 1);
    v->addWidget(m_formats, 1);

    // The page lives in the explorer's tab: it must not widen the window. Long texts elide or
    // wrap, combo boxes size to a few characters, plots shrink.
    for (QLabel* label : {m_catalogueLabel, m_runsLabel, m_runLabel})
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    for (QComboBox* box : {m_model, m_data, m_order, m_prunedMatrix}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(box == m_model ? 16 : 8);
    }
    legend->setWordWrap(true);
    legend->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_matrix->setMinimumWidth(200);
    auto* outer = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(left);
    outer->addWidget(viewer);
    outer->setStretchFactor(0, 3);
    outer->setStretchFactor(1, 2);
    // In a scroll area: a small window scrolls the page rather than growing to fit it.
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->setMinimumSize(980, 560);
    scroll->setWidget(outer);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

void DeviceSelectionPage::setDataDir(const QString& dir) {
    m_dataDir = dir;
}

double DeviceSelectionPage::latencyLimitMs() const {
    return m_lcField->value();
}

double DeviceSelectionPage::accuracyLimit() const {
    return m_acField->value();
}

QString DeviceSelectionPage::model() const {
    return m_model->currentText();
}

int DeviceSelectionPage::sequenceLength() const {
    return m_sequence->value();
}

bool DeviceSelectionPage::isBusy() const {
    return m_catalogueReading || m_computing || m_debounce->isActive();
}

void DeviceSelectionPage::refresh() {
    if (m_catalogueReading)
        return; // the reading computes when it ends
    if (m_loaded)
        compute();
    else if (!m_cataloguePath.isEmpty())
        loadCatalogue(m_cataloguePath); // it failed before: read it again
    else
        showMessage(tr("No device catalogue is open: choose one with Catalogue…"), true);
}

void DeviceSelectionPage::setLatencyLimitMs(double ms) {
    m_lcField->setValue(ms);
}

void DeviceSelectionPage::setAccuracyLimit(double ac) {
    m_acField->setValue(ac);
}

void DeviceSelectionPage::setModel(const QString& nameOrPath) {
    m_model->setCurrentText(nameOrPath);
}

void DeviceSelectionPage::setSequenceLength(int tokens) {
    m_textSequence = tokens;
    if (m_sequence->isEnabled())
        m_sequence->setValue(tokens);
}

void DeviceSelectionPage::setDataSet(const QString& name) {
    if (m_data->findText(name) < 0)
        throw std::invalid_argument("data set '" + name.toStdString() + "': allowed are " +
                                    models::selectionDataSets().join(QStringLiteral(", ")).toStdString());
    m_data->setCurrentText(name);
}

QString DeviceSelectionPage::dataSet() const {
    return m_data->currentText();
}

DeviceSelectionPage::Inputs DeviceSelectionPage::inputs() const {
    Inputs in;
    in.catalogue = m_cataloguePath;
    in.runs = m_runsPath;
    in.model = m_model->currentText();
    in.data = m_data->currentText();
    in.sequence = m_textSequence;
    in.batch = m_batch->value();
    in.latencyMs = m_lcField->value();
    in.accuracy = m_acField->value();
    in.order = m_order->currentText();
    return in;
}

void DeviceSelectionPage::setInputs(const Inputs& in) {
    setModel(in.model);
    setDataSet(in.data);
    setSequenceLength(in.sequence);
    m_batch->setValue(in.batch);
    setLatencyLimitMs(in.latencyMs);
    setAccuracyLimit(in.accuracy);
    m_order->setCurrentText(in.order);
    if (in.runs != m_runsPath)
        setRunsFolder(in.runs);
    if (in.catalogue.isEmpty() && !m_cataloguePath.isEmpty()) { // the page had none: show none again
        ++m_catalogueGeneration;
        ++m_generation;
        m_catalogueReading = m_computing = false;
        m_debounce->stop();
        m_loaded.reset();
        m_cataloguePath.clear();
        m_catalogueLabel->setText(tr("no catalogue"));
        m_catalogueLabel->setToolTip({});
        clearResult();
        showMessage(tr("Open a device catalogue (for example data/targets/example-catalogue.json)."), false);
    } else if (in.catalogue != m_cataloguePath) {
        loadCatalogue(in.catalogue);
    }
}

void DeviceSelectionPage::showMessage(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b3261e") : QString());
    if (error)
        emit failed(text);
}

void DeviceSelectionPage::chooseCatalogue() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Device catalogue"), m_dataDir + "/targets",
                                                      tr("Device catalogue (*.json)"));
    if (!path.isEmpty())
        loadCatalogue(path);
}

void DeviceSelectionPage::chooseRuns() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Runs folder of tcw select-device"));
    if (!path.isEmpty())
        setRunsFolder(path);
}

void DeviceSelectionPage::choosePruningRun() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("A run folder of tcw prune"));
    if (!path.isEmpty())
        loadPruningRun(path);
}

void DeviceSelectionPage::loadCatalogue(const QString& path) {
    m_cataloguePath = path;
    m_catalogueLabel->setText(QFileInfo(path).fileName());
    m_catalogueLabel->setToolTip(path);
    showMessage(tr("Reading %1 and fitting its measured devices' cost models…").arg(QFileInfo(path).fileName()), false);
    const int generation = ++m_catalogueGeneration;
    ++m_generation; // a computation on the previous catalogue is no longer wanted
    m_catalogueReading = true;
    m_computing = false; // a computation under way is dropped
    const std::string file = path.toStdString(), data = m_dataDir.toStdString();
    using Result = std::pair<std::shared_ptr<const Loaded>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_catalogueGeneration)
            return; // another catalogue was asked for meanwhile
        m_catalogueReading = false;
        const Result r = watcher->result();
        if (!r.first) {
            m_loaded.reset();
            clearResult();
            showMessage(r.second, true);
            return;
        }
        m_loaded = r.first;
        emit catalogueLoaded();
        compute();
    });
    watcher->setFuture(QtConcurrent::run([file, data]() -> Result {
        try {
            auto loaded = std::make_shared<Loaded>();
            loaded->catalogue = codesign::readDeviceCatalogue(file, data);
            loaded->deviceLatency = loaded->catalogue.deviceLatency(); // fits every device's surrogates
            return {loaded, {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromStdString(e.what())};
        }
    }));
}

void DeviceSelectionPage::setRunsFolder(const QString& path) {
    m_runsPath = path;
    m_runsLabel->setText(path.isEmpty() ? tr("no runs folder") : QFileInfo(path).fileName());
    m_runsLabel->setToolTip(path);
    scheduleCompute();
}

void DeviceSelectionPage::scheduleCompute() {
    if (m_loaded)
        m_debounce->start();
}

void DeviceSelectionPage::compute() {
    m_debounce->stop();
    if (!m_loaded)
        return;
    const int generation = ++m_generation;
    m_computing = true;
    const auto loaded = m_loaded;
    const std::string model = m_model->currentText().toStdString(), data = m_dataDir.toStdString(),
                      runs = m_runsPath.toStdString(), order = m_order->currentText().toStdString();
    const QString dataSet = m_data->currentText();
    const int sequence = m_sequence->value(), batch = m_batch->value();
    const double lc = m_lcField->value() * 1e-3, ac = m_acField->value();
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer computation was asked for
        m_computing = false;
        Outcome o = watcher->result();
        if (!o.error.isEmpty()) {
            clearResult(); // what it showed belongs to other inputs
            showMessage(o.error, true);
            return;
        }
        m_input = std::move(o.input);
        m_result = std::move(o.result);
        m_accuracies = std::move(o.accuracies);
        m_curves->setCurves(std::move(o.curves));
        m_curves->setAccuracyLimit(m_input.accuracyLimit);
        showResult();
        emit computed();
    });
    watcher->setFuture(QtConcurrent::run([=]() -> Outcome {
        Outcome o;
        try {
            auto spec = io::resolveTransformer(model, data);
            if (!spec)
                throw std::invalid_argument(spec.errors.toString());
            o.input.model = *spec.value;
            o.input.task = selectionTask(dataSet, sequence); // as tcw select-device --data gives it
            o.input.batch = batch;
            o.input.latencyLimitSeconds = lc;
            o.input.accuracyLimit = ac;
            o.input.order = order;
            o.input.catalogue = loaded->catalogue.entries;
            o.input.deviceLatency = loaded->deviceLatency;
            // The catalogue's settings, then those trained in the runs folder.
            std::vector<codesign::SettingRun> trained;
            if (!runs.empty())
                trained = codesign::settingRuns(runs);
            for (const auto& t : trained)
                if (!t.model.empty() && t.model != o.input.model.name)
                    throw std::invalid_argument(runs + ": holds runs of " + t.model + " (" +
                                                codesign::settingRunFolder(t.setting) + "), the view's model is " +
                                                o.input.model.name + ": choose that model or another runs folder");
            for (const auto& s : loaded->catalogue.settings) {
                o.input.settings.push_back(s.setting);
                std::optional<double> a = s.accuracy;
                if (!a && !runs.empty())
                    a = codesign::cachedSettingAccuracy(runs, s.setting);
                o.accuracies.push_back(a);
            }
            for (const auto& t : trained) {
                const bool listed = std::any_of(o.input.settings.begin(), o.input.settings.end(),
                                                [&](const auto& s) { return s.label() == t.setting.label(); });
                if (!listed) {
                    o.input.settings.push_back(t.setting);
                    o.accuracies.push_back(t.accuracy);
                }
            }
            const auto accuracies = o.accuracies;
            const auto settings = o.input.settings;
            const auto oracle = [&](const search::CompressionSetting& s) -> std::optional<double> {
                for (std::size_t k = 0; k < settings.size(); ++k)
                    if (settings[k].label() == s.label())
                        return accuracies[k];
                return std::nullopt;
            };
            o.result = search::selectDevice(o.input, oracle, electorTechnology14nm());
            if (!o.result.errors.empty()) {
                std::string all;
                for (const auto& e : o.result.errors)
                    all += (all.empty() ? "" : "; ") + e;
                throw std::invalid_argument(all);
            }
            // Curves: per pattern (and bits) its trained points, starting from the dense model.
            std::optional<double> dense;
            std::map<std::string, std::vector<std::pair<double, double>>> byPattern;
            for (std::size_t k = 0; k < settings.size(); ++k) {
                if (!accuracies[k])
                    continue;
                if (settings[k].pattern == "dense")
                    dense = accuracies[k];
                else
                    byPattern[settings[k].pattern + " " + std::to_string(settings[k].weightBits) + "-bit"].push_back(
                        {settingSparsity(settings[k]), *accuracies[k]});
            }
            if (byPattern.empty() && dense)
                o.curves.push_back({QStringLiteral("dense"), {{0.0, *dense}}});
            for (auto& [name, points] : byPattern) {
                if (dense)
                    points.push_back({0.0, *dense});
                std::sort(points.begin(), points.end());
                o.curves.push_back({QString::fromStdString(name), points});
            }
        } catch (const std::exception& e) {
            o.error = QString::fromStdString(e.what());
        }
        return o;
    }));
}

QString DeviceSelectionPage::chosenText() const {
    if (!m_result.chosenEntry)
        return tr("No target meets both LC %1 and AC %2 with any setting.")
            .arg(msText(m_input.latencyLimitSeconds), QLocale().toString(m_input.accuracyLimit, 'f', 3));
    const auto& entry = m_input.catalogue[*m_result.chosenEntry];
    const auto& cell = m_result.cells[*m_result.chosenEntry][*m_result.chosenSetting];
    return tr("Chosen: %1 (%2 %3) with %4: latency %5 (margin %6), accuracy %7 (margin %8)")
        .arg(QString::fromStdString(entry.name), QString::fromStdString(m_input.order),
             QLocale().toString(entry.cost.at(m_input.order)),
             QString::fromStdString(m_input.settings[*m_result.chosenSetting].label()), msText(*cell.latencySeconds),
             msText(m_result.latencyMarginSeconds), QLocale().toString(*cell.accuracy, 'f', 4),
             QLocale().toString(m_result.accuracyMargin, 'f', 4));
}

void DeviceSelectionPage::clearResult() {
    m_input = {};
    m_result = {};
    m_accuracies.clear();
    m_matrix->clear();
    m_matrix->setRowCount(0);
    m_matrix->setColumnCount(0);
    m_curves->setCurves({});
}

void DeviceSelectionPage::showResult() {
    showMessage(chosenText(), false);
    const auto& ranked = m_result.rankedEntries;
    m_matrix->clear();
    m_matrix->setRowCount(int(ranked.size()));
    m_matrix->setColumnCount(int(m_input.settings.size()));
    QStringList columns;
    for (std::size_t k = 0; k < m_input.settings.size(); ++k)
        columns << QString::fromStdString(m_input.settings[k].label()).section(' ', 0, 0) + QStringLiteral("\n") +
                       QString::fromStdString(m_input.settings[k].label()).section(' ', 1) + QStringLiteral("\n") +
                       (m_accuracies[k] ? tr("accuracy %1").arg(QLocale().toString(*m_accuracies[k], 'f', 4))
                                        : tr("no accuracy"));
    m_matrix->setHorizontalHeaderLabels(columns);
    for (int row = 0; row < int(ranked.size()); ++row) {
        const std::size_t e = ranked[std::size_t(row)];
        const auto& entry = m_input.catalogue[e];
        const bool chosenRow = m_result.chosenEntry == e;
        auto* header = new QTableWidgetItem(
            (chosenRow ? QStringLiteral("▶ ") : QString()) + QString::fromStdString(entry.name) +
            QStringLiteral(" (%1, %2 %3)")
                .arg(QString::fromUtf8(targetKindName(entry.target.kind()).data()),
                     QString::fromStdString(m_input.order), QLocale().toString(entry.cost.at(m_input.order))));
        if (chosenRow) {
            QFont bold = header->font();
            bold.setBold(true);
            header->setFont(bold);
        }
        m_matrix->setVerticalHeaderItem(row, header);
        for (int k = 0; k < int(m_input.settings.size()); ++k) {
            const auto& cell = m_result.cells[e][std::size_t(k)];
            const CellJudgement j = judgeCell(cell, m_input.latencyLimitSeconds, m_input.accuracyLimit);
            const bool chosen = chosenRow && m_result.chosenSetting == std::size_t(k);
            auto* item = new QTableWidgetItem((chosen ? QStringLiteral("★ ") : QString()) + cellText(cell));
            item->setBackground(verdictColour(j));
            item->setForeground(QColor(Qt::black));
            item->setTextAlignment(Qt::AlignCenter);
            item->setData(Qt::UserRole, int(j.verdict));
            item->setData(Qt::UserRole + 1, j.severity);
            item->setData(Qt::UserRole + 2, chosen);
            QStringList tip{verdictName(j.verdict)};
            for (const auto& why : cell.reasons)
                tip << QString::fromStdString(why);
            if (!cell.provenance.empty())
                tip << tr("latency: %1").arg(QString::fromStdString(cell.provenance));
            item->setToolTip(tip.join(QLatin1Char('\n')));
            if (chosen) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            m_matrix->setItem(row, k, item);
        }
    }
    m_matrix->resizeRowsToContents();
}

void DeviceSelectionPage::loadPruningRun(const QString& path) {
    m_runLabel->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    m_runLabel->setToolTip(path);
    const int generation = ++m_prunedGeneration;
    using Result = std::pair<std::shared_ptr<const codesign::PrunedRun>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation, path] {
        watcher->deleteLater();
        if (generation != m_prunedGeneration)
            return;
        const Result r = watcher->result();
        if (!r.first) {
            m_runLabel->setText(r.second);
            emit failed(r.second);
            return;
        }
        m_pruned = r.first;
        m_runLabel->setText(tr("%1: %2 matrices, %3-bit values, blocks %4 × %5")
                                .arg(QFileInfo(path).fileName())
                                .arg(m_pruned->record.matrices.size())
                                .arg(m_pruned->record.format.valueBits)
                                .arg(m_pruned->record.format.blockRows)
                                .arg(m_pruned->record.format.blockCols));
        const QSignalBlocker block(m_prunedMatrix);
        m_prunedMatrix->clear();
        for (std::size_t i = 0; i < m_pruned->record.matrices.size(); ++i) {
            const auto& m = m_pruned->record.matrices[i];
            m_prunedMatrix->addItem(QStringLiteral("%1 (%2 × %3, %4 % sparse)")
                                        .arg(QString::fromStdString(m.tensor))
                                        .arg(m.rows)
                                        .arg(m.cols)
                                        .arg(QLocale().toString(100.0 * m_pruned->masks[i].sparsity(), 'f', 2)));
        }
        m_prunedMatrix->setCurrentIndex(0);
        showPrunedMatrix(0);
        emit pruningRunShown();
    });
    const std::string dir = path.toStdString();
    watcher->setFuture(QtConcurrent::run([dir]() -> Result {
        try {
            return {std::make_shared<const codesign::PrunedRun>(codesign::loadPrunedRun(dir)), {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromStdString(e.what())};
        }
    }));
}

void DeviceSelectionPage::showPrunedMatrix(int index) {
    if (!m_pruned || index < 0 || index >= int(m_pruned->masks.size()))
        return;
    const auto& mask = m_pruned->masks[std::size_t(index)];
    const auto& m = m_pruned->record.matrices[std::size_t(index)];
    const auto& format = m_pruned->record.format;
    const int cellRows = compress::gridCellSize(mask.rows, 256, format.blockRows);
    const int cellCols = compress::gridCellSize(mask.cols, 512, format.blockCols);
    m_heatMap->setGrid(compress::keptGrid(mask, cellRows, cellCols), QString::fromStdString(m.tensor));
    const compress::FormatSizes sizes = compress::formatSizes(m.counts, format);
    models::BarSeries bars;
    bars.title = tr("Storage of %1 at %2-bit values").arg(QString::fromStdString(m.tensor)).arg(format.valueBits);
    bars.unit = tr("KiB");
    bars.segmentNames = {tr("size")};
    bars.segmentColours = {models::palette::series(0)};
    for (const auto f : compress::allSparseFormats()) {
        bars.categories << QString::fromUtf8(compress::sparseFormatLabel(f).data(),
                                             qsizetype(compress::sparseFormatLabel(f).size())) +
                               (f == sizes.smallest ? tr(" (smallest)") : QString());
        bars.values.push_back({double(sizes.of(f)) / 8.0 / 1024.0});
    }
    m_formats->setSeries(std::move(bars));
}

} // namespace tcw::widgets
