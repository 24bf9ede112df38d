// Search panel: setup on the left, objectives in the middle, run controls, progress and the
// hypervolume curve on the right.
#include "search_panel.h"

#include "io/files.h"
#include "io/search_json.h"
#include "plots/hypervolume_plot.h"
#include "search/objective_units.h"
#include "search_devices_box.h"
#include "search_precision_box.h"

#include "codesign/device_request.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace tcw::widgets {

namespace {

using search::Metric;

// How a metric is shown in the panel: constraint bounds are typed in these units.
struct MetricDisplay {
    Metric metric;
    const char* label;
    const char* unit;
    double factor; // display value = raw value × factor
    double defaultBound;
};
const std::array<MetricDisplay, search::kMetricCount> kMetrics = {{
    {Metric::Accuracy, QT_TRANSLATE_NOOP("SearchPanel", "Accuracy"), "%", 100.0, 80.0},
    {Metric::Latency, QT_TRANSLATE_NOOP("SearchPanel", "Latency"), "ms", 1e3, 10.0},
    {Metric::DynamicEnergy, QT_TRANSLATE_NOOP("SearchPanel", "Dynamic energy"), "mJ", 1e-6, 50.0},
    {Metric::LeakageEnergy, QT_TRANSLATE_NOOP("SearchPanel", "Leakage energy"), "mJ", 1e-6, 10.0},
    {Metric::TotalEnergy, QT_TRANSLATE_NOOP("SearchPanel", "Total energy"), "mJ", 1e-6, 50.0},
    {Metric::Area, QT_TRANSLATE_NOOP("SearchPanel", "Area"), "mm²", 1.0, 3000.0},
    // mW, as the explorer's axes, table and detail show peak power (issue 18: one unit).
    {Metric::PeakPower, QT_TRANSLATE_NOOP("SearchPanel", "Peak power"), "mW", 1.0, 50000.0},
    // Issue 15: accuracy drop under bit flips in stored weights (needs trained accuracy).
    {Metric::Robustness, QT_TRANSLATE_NOOP("SearchPanel", "Robustness (accuracy drop)"), "pts", 100.0, 5.0},
}};
constexpr int kSliderSteps = 100; // weight = slider / 100

int rowOf(Metric m) {
    for (int i = 0; i < int(kMetrics.size()); ++i)
        if (kMetrics[std::size_t(i)].metric == m)
            return i;
    return 0;
}

// Selects the item whose data is `data` (the first item when none is).
void selectByData(QComboBox* combo, const QString& data) {
    combo->setCurrentIndex(std::max(0, combo->findData(data)));
}

// Selects the item reading `text`, adding it when the combo does not list it (a file given to
// `tcw search` rather than a bundled name), so that it shows.
void selectOrAddText(QComboBox* combo, const std::string& name) {
    const QString text = QString::fromStdString(name);
    if (combo->findText(text) < 0)
        combo->addItem(text);
    combo->setCurrentIndex(combo->findText(text));
}

QString number(double v) {
    return QString::number(v, 'g', QLocale::FloatingPointShortest); // exact, and short: 0.6, not 0.59999…
}

} // namespace

void setProgressQuietly(QProgressBar* bar, int maximum, int value) {
    const bool enabled = bar->updatesEnabled();
    bar->setUpdatesEnabled(false); // repaint() does nothing now
    bar->setRange(0, std::max(1, maximum));
    bar->setValue(std::clamp(value, 0, std::max(1, maximum)));
    bar->setUpdatesEnabled(enabled); // schedules one update()
}

QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        return QObject::tr("—");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 s").arg(s);
}

SearchPanel::SearchPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("searchPanel"));
    qRegisterMetaType<tcw::widgets::SearchPanel::Progress>();
    qRegisterMetaType<tcw::codesign::SearchRequest>();
    createActions();
    m_validationTimer = new QTimer(this);
    m_validationTimer->setSingleShot(true);
    m_validationTimer->setInterval(150);
    connect(m_validationTimer, &QTimer::timeout, this, &SearchPanel::validate);

    // In a scroll area: the bottom dock may be narrower or lower than the three groups, and
    // the panel must not force the window wider.
    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget(scroll);
    auto* layout = new QHBoxLayout(content);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(createSetup(), 0);
    layout->addWidget(createObjectives(), 0);
    // The targets column: kinds, precisions and robustness (issue 15) over the measured devices
    // (issue 14), so that the panel grows down, not wider than the window.
    auto* targets = new QVBoxLayout;
    m_precisionBox = new SearchPrecisionBox(content); // issue 15
    connect(m_precisionBox, &SearchPrecisionBox::changed, this, &SearchPanel::scheduleValidation);
    targets->addWidget(m_precisionBox, 0);
    m_devicesBox = new SearchDevicesBox(content); // issue 14
    m_devicesBox->setMaximumWidth(m_precisionBox->maximumWidth());
    connect(m_devicesBox, &SearchDevicesBox::changed, this, &SearchPanel::scheduleValidation);
    targets->addWidget(m_devicesBox, 1);
    layout->addLayout(targets, 0);
    layout->addWidget(createRun(), 1);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    updateControls();
}

void SearchPanel::createActions() {
    auto make = [this](const QString& text, const QString& tip, const QKeySequence& key, const char* name) {
        auto* action = new QAction(text, this);
        action->setObjectName(QLatin1String(name));
        action->setShortcut(key);
        action->setShortcutContext(Qt::WindowShortcut);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        action->setStatusTip(tip);
        return action;
    };
    m_start = make(tr("&Start Search"), tr("Start a new search with these settings in the open workspace"),
                   QKeySequence(Qt::Key_F5), "startSearchAction");
    m_pause = make(tr("&Pause Search"), tr("Hold new evaluations; those running finish and are stored"),
                   QKeySequence(Qt::Key_F6), "pauseSearchAction");
    m_resume =
        make(tr("&Resume Search"), tr("Continue the paused search"), QKeySequence(Qt::Key_F7), "resumeSearchAction");
    m_stop = make(tr("S&top Search"),
                  tr("Stop the search: finished trials stay in the workspace and it can be resumed later"),
                  QKeySequence(Qt::SHIFT | Qt::Key_F5), "stopSearchAction");
    m_resumeUnfinished =
        make(tr("Resume &Unfinished Search"), tr("Continue the workspace's unfinished search with its stored settings"),
             QKeySequence(Qt::CTRL | Qt::Key_F5), "resumeUnfinishedSearchAction");
    m_writeJobScript = make(tr("Write &Cluster Job Script…"),
                            tr("Write a Slurm batch script that runs this search under mpirun on a cluster, into "
                               "this workspace"),
                            QKeySequence(), "writeJobScriptAction");
    m_writeJobScript->setToolTip(m_writeJobScript->statusTip()); // no shortcut to show
    connect(m_writeJobScript, &QAction::triggered, this, [this] {
        validate();
        if (m_errors.isEmpty())
            emit writeJobScriptRequested(request());
    });
    connect(m_start, &QAction::triggered, this, [this] {
        validate();
        if (m_errors.isEmpty())
            emit startRequested(request());
    });
    connect(m_pause, &QAction::triggered, this, &SearchPanel::pauseRequested);
    connect(m_resume, &QAction::triggered, this, &SearchPanel::resumeRequested);
    connect(m_stop, &QAction::triggered, this, &SearchPanel::stopRequested);
    connect(m_resumeUnfinished, &QAction::triggered, this, &SearchPanel::resumeUnfinishedRequested);
}

QWidget* SearchPanel::createSetup() {
    auto* box = new QGroupBox(tr("Search"), this);
    box->setMaximumWidth(320);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_algorithm = new QComboBox(box);
    m_algorithm->setObjectName(QStringLiteral("searchAlgorithm"));
    m_algorithm->addItem(tr("BOSHCODE"), QStringLiteral("boshcode"));
    m_algorithm->addItem(tr("NSGA-II"), QStringLiteral("nsga2"));
    m_algorithm->addItem(tr("Random"), QStringLiteral("random"));
    m_algorithm->setToolTip(tr("BOSHCODE: surrogate models with gradient-based proposals (TransCODE); NSGA-II: "
                               "evolutionary; Random: uniform samples of the space"));
    m_budget = new QSpinBox(box);
    m_budget->setObjectName(QStringLiteral("searchBudget"));
    m_budget->setRange(1, 1'000'000);
    m_budget->setValue(512);
    m_budget->setToolTip(tr("Evaluations in all: pairs of a transformer and an accelerator simulated and scored"));
    m_seed = new QSpinBox(box);
    m_seed->setRange(0, 1'000'000'000);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("Random seed: the same seed and settings give the same trials"));
    m_modelSpace = new QComboBox(box);
    m_modelSpace->setToolTip(tr("The transformer design space (bundled in data/spaces)"));
    m_acceleratorSpace = new QComboBox(box);
    m_acceleratorSpace->setToolTip(tr("The accelerator design space (bundled in data/spaces)"));
    m_mode = new QComboBox(box);
    m_mode->addItem(tr("Inference"), QStringLiteral("inference"));
    m_mode->addItem(tr("Training"), QStringLiteral("training"));
    m_mode->setToolTip(tr("Cost the pairs running inference, or training (forward, backward and update)"));
    m_accuracy = new QComboBox(box);
    m_accuracy->setObjectName(QStringLiteral("searchAccuracy"));
    m_accuracy->addItem(tr("Predicted from a table"), QStringLiteral("predicted"));
    m_accuracy->addItem(tr("Listed in a table, else predicted"), QStringLiteral("imported"));
    m_accuracy->addItem(tr("Predicted from this workspace's runs"), QStringLiteral("workspace"));
    m_accuracy->addItem(tr("Trained on a data set"), QStringLiteral("trained"));
    m_accuracy->setToolTip(tr("Where each model's accuracy comes from: a surrogate fit on an accuracy table "
                              "(fast); the table's own score for the models it lists and the surrogate for the "
                              "others; a surrogate fit on the workspace's finished training runs; or a short "
                              "DynaProp training of every new model (slow, cached)"));
    m_table = new QComboBox(box);
    m_table->setToolTip(tr("The accuracy table the predictor is fit on (bundled in data/accuracy)"));
    m_dataset = new QComboBox(box);
    m_dataset->addItem(QStringLiteral("fashion-mnist"));
    m_dataset->addItem(QStringLiteral("listops"));
    m_dataset->setToolTip(tr("The data set models are trained on (and whose workspace runs are used)"));
    m_trainSteps = new QSpinBox(box);
    m_trainSteps->setRange(1, 1'000'000);
    m_trainSteps->setValue(200);
    m_trainSteps->setToolTip(tr("Optimizer steps per trained model: the training budget of each evaluation"));
    form->addRow(tr("&Algorithm"), m_algorithm);
    form->addRow(tr("&Budget"), m_budget);
    form->addRow(tr("S&eed"), m_seed);
    form->addRow(tr("&Models"), m_modelSpace);
    form->addRow(tr("A&ccelerators"), m_acceleratorSpace);
    form->addRow(tr("Cost &mode"), m_mode);
    form->addRow(tr("Acc&uracy"), m_accuracy);
    m_tableLabel = new QLabel(tr("Table"), box);
    m_datasetLabel = new QLabel(tr("Data set"), box);
    m_stepsLabel = new QLabel(tr("Train steps"), box);
    form->addRow(m_tableLabel, m_table);
    form->addRow(m_datasetLabel, m_dataset);
    form->addRow(m_stepsLabel, m_trainSteps);

    for (QComboBox* combo : {m_algorithm, m_modelSpace, m_acceleratorSpace, m_mode, m_accuracy, m_table, m_dataset})
        connect(combo, &QComboBox::currentIndexChanged, this, &SearchPanel::scheduleValidation);
    for (QSpinBox* spin : {m_budget, m_seed, m_trainSteps})
        connect(spin, &QSpinBox::valueChanged, this, &SearchPanel::scheduleValidation);
    connect(m_accuracy, &QComboBox::currentIndexChanged, this, &SearchPanel::updateControls);
    return box;
}

QWidget* SearchPanel::createObjectives() {
    auto* box = new QGroupBox(tr("Objectives"), this);
    auto* grid = new QGridLayout(box);
    grid->setVerticalSpacing(2);
    m_scalarisation = new QComboBox(box);
    m_scalarisation->setObjectName(QStringLiteral("searchScalarisation"));
    m_scalarisation->addItem(tr("Pareto front"), false);
    m_scalarisation->addItem(tr("Weighted score"), true);
    m_scalarisation->setToolTip(tr("Pareto: find the best trade-offs of the ticked objectives. Weighted score: "
                                   "maximise Σ weight × term, term = accuracy or 1 − cost / reference (TransCODE)"));
    auto* transcode = m_transcodeWeights = new QToolButton(box);
    transcode->setText(tr("TransCODE weights"));
    transcode->setToolTip(tr("0.5 accuracy, 0.1 latency, 0.2 dynamic energy, 0.1 leakage energy: TransCODE's "
                             "weighted score"));
    connect(transcode, &QToolButton::clicked, this, &SearchPanel::applyTranscodeWeights);
    grid->addWidget(m_scalarisation, 0, 0, 1, 2);
    grid->addWidget(transcode, 0, 2, 1, 3);
    grid->addWidget(new QLabel(tr("Weight"), box), 1, 1, 1, 2);
    grid->addWidget(new QLabel(tr("Constraint"), box), 1, 3, 1, 2);
    for (int i = 0; i < int(kMetrics.size()); ++i) {
        const MetricDisplay& d = kMetrics[std::size_t(i)];
        ObjectiveRow& row = m_rows[std::size_t(i)];
        const QString label = tr(d.label);
        row.used = new QCheckBox(label, box);
        row.used->setToolTip(
            tr("Search on %1 (%2)")
                .arg(label.toLower(), search::isMaximised(d.metric) ? tr("higher is better") : tr("lower is better")));
        row.weight = new QSlider(Qt::Horizontal, box);
        row.weight->setRange(0, kSliderSteps);
        row.weight->setValue(int(std::lround(search::referenceWeight(d.metric) * kSliderSteps)));
        row.weight->setMinimumWidth(90);
        row.weight->setToolTip(tr("Weight of %1 in the weighted score").arg(label.toLower()));
        row.weightLabel = new QLabel(box);
        row.weightLabel->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(QStringLiteral("0.00")) + 4);
        row.constrained = new QCheckBox(search::isMaximised(d.metric) ? QStringLiteral("≥") : QStringLiteral("≤"), box);
        row.constrained->setToolTip(
            tr("Only accept designs whose %1 is %2 the bound")
                .arg(label.toLower(), search::isMaximised(d.metric) ? tr("at least") : tr("at most")));
        row.bound = new QDoubleSpinBox(box);
        row.bound->setRange(0, 1e12);
        row.bound->setDecimals(3);
        row.bound->setValue(d.defaultBound);
        row.bound->setSuffix(QLatin1Char(' ') + QString::fromUtf8(d.unit));
        row.bound->setToolTip(row.constrained->toolTip());
        grid->addWidget(row.used, i + 2, 0);
        grid->addWidget(row.weight, i + 2, 1);
        grid->addWidget(row.weightLabel, i + 2, 2);
        grid->addWidget(row.constrained, i + 2, 3);
        grid->addWidget(row.bound, i + 2, 4);
        const bool byDefault = d.metric == Metric::Accuracy || d.metric == Metric::Latency ||
                               d.metric == Metric::TotalEnergy || d.metric == Metric::Area;
        row.used->setChecked(byDefault);
        connect(row.used, &QCheckBox::toggled, this, &SearchPanel::scheduleValidation);
        connect(row.used, &QCheckBox::toggled, this, &SearchPanel::updateControls);
        connect(row.constrained, &QCheckBox::toggled, this, &SearchPanel::scheduleValidation);
        connect(row.constrained, &QCheckBox::toggled, this, &SearchPanel::updateControls);
        connect(row.bound, &QDoubleSpinBox::valueChanged, this, &SearchPanel::scheduleValidation);
        connect(row.weight, &QSlider::valueChanged, this, [this, i](int v) {
            m_rows[std::size_t(i)].weightLabel->setText(QLocale().toString(double(v) / kSliderSteps, 'f', 2));
            scheduleValidation();
        });
        row.weightLabel->setText(QLocale().toString(double(row.weight->value()) / kSliderSteps, 'f', 2));
    }
    connect(m_scalarisation, &QComboBox::currentIndexChanged, this, &SearchPanel::scheduleValidation);
    connect(m_scalarisation, &QComboBox::currentIndexChanged, this, &SearchPanel::updateControls);
    m_validation = new QLabel(box);
    m_validation->setObjectName(QStringLiteral("searchValidation"));
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_validation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(m_validation, int(kMetrics.size()) + 2, 0, 1, 5);
    grid->setRowStretch(int(kMetrics.size()) + 3, 1);
    return box;
}

QWidget* SearchPanel::createRun() {
    auto* box = new QGroupBox(tr("Run"), this);
    auto* layout = new QVBoxLayout(box);
    auto* buttons = new QHBoxLayout;
    auto* resumeRow = new QHBoxLayout;
    for (QAction* action : {m_start, m_pause, m_resume, m_stop, m_resumeUnfinished, m_writeJobScript}) {
        auto* button = new QToolButton(box);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setObjectName(action->objectName() + QStringLiteral("Button"));
        (action == m_resumeUnfinished || action == m_writeJobScript ? resumeRow : buttons)->addWidget(button);
    }
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_progress = new QProgressBar(box);
    m_progress->setObjectName(QStringLiteral("searchProgress"));
    m_progress->setFormat(tr("No search running"));
    m_progress->setToolTip(tr("Trials evaluated and stored, of the budget"));
    layout->addWidget(m_progress);
    auto* figures = new QGridLayout;
    auto value = [box](const QString& tip) {
        auto* label = new QLabel(QStringLiteral("—"), box);
        label->setToolTip(tip);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };
    m_trials = value(tr("Trials stored of the budget"));
    m_eta = value(tr("Time left at the rate of this run's evaluations (pauses not counted)"));
    m_hypervolume = value(tr("Hypervolume of the acceptable trials in the search's normalised box: each cost on a log "
                             "scale from the best (0) to the worst (1) of 512 sampled designs of the spaces, accuracy "
                             "linearly over the accuracy table's range; the reference point is 1 in every "
                             "coordinate. A trial better than every sampled design lies below 0, so a front that "
                             "beats the sample can exceed 1."));
    m_hypervolume->setObjectName(QStringLiteral("searchHypervolume"));
    m_best = value(tr("The best weighted score so far (weighted searches)"));
    m_front = value(tr("Acceptable trials no other trial beats on every objective"));
    const QList<QPair<QString, QLabel*>> rows = {{tr("Trials"), m_trials},
                                                 {tr("Time left"), m_eta},
                                                 {tr("Hypervolume"), m_hypervolume},
                                                 {tr("Best score"), m_best},
                                                 {tr("Front"), m_front}};
    for (int i = 0; i < rows.size(); ++i) { // three pairs to a row
        figures->addWidget(new QLabel(rows[i].first, box), i / 3, 2 * (i % 3));
        figures->addWidget(rows[i].second, i / 3, 2 * (i % 3) + 1);
        figures->setColumnStretch(2 * (i % 3) + 1, 1);
    }
    layout->addLayout(figures);
    m_message = new QLabel(box);
    m_message->setObjectName(QStringLiteral("searchMessage"));
    m_message->setWordWrap(true);
    m_message->setMinimumWidth(200);
    resumeRow->addWidget(m_message, 1);
    layout->addLayout(resumeRow);
    m_plot = new HypervolumePlot(box);
    layout->addWidget(m_plot, 1);
    return box;
}

void SearchPanel::setDataDirectory(const std::filesystem::path& dataDir) {
    m_dataDir = dataDir;
    auto fill = [&](QComboBox* combo, io::DocumentKind kind, const QString& preferred) {
        const QSignalBlocker block(combo);
        combo->clear();
        for (const auto& name : io::presetNames(dataDir, kind))
            combo->addItem(QString::fromStdString(name));
        combo->setCurrentIndex(std::max(0, combo->findText(preferred)));
    };
    fill(m_modelSpace, io::DocumentKind::TransformerSpace, QStringLiteral("flexibert2"));
    fill(m_acceleratorSpace, io::DocumentKind::AcceleratorSpace, QStringLiteral("elector"));
    {
        const QSignalBlocker block(m_table);
        m_table->clear();
        for (const auto& name : io::accuracyTableNames(dataDir))
            m_table->addItem(QString::fromStdString(name));
        m_table->setCurrentIndex(std::max(0, m_table->findText(QStringLiteral("flexibert2_glue16"))));
    }
    m_devicesBox->setDataDirectory(dataDir); // the presets, read off the GUI thread
    validate();
}

void SearchPanel::setWorkspaceDevices(const std::vector<devices::DeviceProfile>& profiles) {
    m_devicesBox->setWorkspaceProfiles(profiles);
}

codesign::SearchRequest SearchPanel::request() const {
    return formRequest(true);
}

codesign::SearchRequest SearchPanel::formRequest(bool withDevices) const {
    codesign::SearchRequest r;
    r.algorithm = m_algorithm->currentData().toString().toStdString();
    r.budget = m_budget->value();
    r.seed = std::uint64_t(m_seed->value());
    r.modelSpace = m_modelSpace->currentText().toStdString();
    r.acceleratorSpace = m_acceleratorSpace->currentText().toStdString();
    r.mode = m_mode->currentData().toString().toStdString();
    const QString accuracy = m_accuracy->currentData().toString();
    r.accuracy = accuracy == QLatin1String("workspace") ? "predicted" : accuracy.toStdString();
    r.accuracyTable = accuracy == QLatin1String("workspace") ? "workspace" : m_table->currentText().toStdString();
    r.data = m_dataset->currentText().toStdString();
    r.trainSteps = m_trainSteps->value();
    const bool weighted = m_scalarisation->currentData().toBool();
    for (std::size_t i = 0; i < kMetrics.size(); ++i) {
        const ObjectiveRow& row = m_rows[i];
        const std::string name(search::metricName(kMetrics[i].metric));
        if (row.used->isChecked()) {
            r.objectives.push_back(name);
            if (weighted)
                r.weights.push_back(number(double(row.weight->value()) / kSliderSteps).toStdString());
        }
        if (row.constrained->isChecked())
            r.constraints.push_back(name + (search::isMaximised(kMetrics[i].metric) ? ">=" : "<=") +
                                    number(row.bound->value() / kMetrics[i].factor).toStdString());
    }
    m_precisionBox->fillRequest(r); // issue 15
    if (withDevices)
        m_devicesBox->fillRequest(r); // issue 14: the device set last, as --targets takes it
    if (r.objectives.empty())
        r.objectives.push_back("none"); // named in the validation error rather than replaced by the defaults
    return r;
}

void SearchPanel::showSearch(const search::SearchConfig& c) {
    selectByData(m_algorithm, QString::fromStdString(c.algorithm));
    m_budget->setValue(c.budget);
    m_seed->setValue(int(std::min<std::uint64_t>(c.seed, std::uint64_t(m_seed->maximum()))));
    selectOrAddText(m_modelSpace, c.modelSpaceName);
    selectOrAddText(m_acceleratorSpace, c.acceleratorSpaceName);
    selectByData(m_mode, QString::fromUtf8(simModeName(c.objectives.mode)));
    const bool fromWorkspace = c.accuracy != search::AccuracySourceKind::Trained && c.accuracyTable == "workspace";
    selectByData(m_accuracy, fromWorkspace ? QStringLiteral("workspace")
                                           : QString::fromUtf8(search::accuracySourceKindName(c.accuracy)));
    if (!fromWorkspace && c.accuracy != search::AccuracySourceKind::Trained)
        selectOrAddText(m_table, c.accuracyTable);
    selectOrAddText(m_dataset, c.training.dataset);
    m_trainSteps->setValue(int(std::clamp<std::int64_t>(c.training.steps, 1, m_trainSteps->maximum())));
    const bool weighted = c.objectives.scalarisation == search::Scalarisation::WeightedSum;
    m_scalarisation->setCurrentIndex(weighted ? 1 : 0);
    const search::ObjectiveConfig& o = c.objectives;
    for (std::size_t i = 0; i < kMetrics.size(); ++i) {
        ObjectiveRow& row = m_rows[i];
        const auto it = std::find(o.metrics.begin(), o.metrics.end(), kMetrics[i].metric);
        row.used->setChecked(it != o.metrics.end());
        const auto index = std::size_t(it - o.metrics.begin());
        if (weighted && it != o.metrics.end() && index < o.weights.size())
            row.weight->setValue(int(std::lround(o.weights[index] * kSliderSteps)));
        const auto bound = std::find_if(o.constraints.begin(), o.constraints.end(),
                                        [&](const search::Constraint& k) { return k.metric == kMetrics[i].metric; });
        row.constrained->setChecked(bound != o.constraints.end());
        if (bound != o.constraints.end())
            row.bound->setValue(bound->bound * kMetrics[i].factor);
    }
    m_precisionBox->showSearch(c); // issue 15
    m_devicesBox->showSearch(c);   // issue 14
    validate();
}

QStringList SearchPanel::validationErrors() const {
    return m_errors;
}

void SearchPanel::scheduleValidation() {
    m_validationTimer->start();
}

void SearchPanel::validate() {
    m_validationTimer->stop();
    m_errors.clear();
    const codesign::SearchRequest r = request();
    { // Issues 14/15: a union search's latency and energy bounds are per sequence (objective_units.h).
        search::TargetUnion union_;
        std::string deviceSet;
        if (!r.targets.empty())
            if (const auto kinds = search::parseTargetKinds(r.targets, nullptr, &deviceSet))
                union_.kinds = *kinds;
        for (std::size_t i = 0; i < kMetrics.size() && i < m_rows.size(); ++i)
            m_rows[i].bound->setSuffix(
                QLatin1Char(' ') + QString::fromUtf8(kMetrics[i].unit) +
                (search::metricBasis(kMetrics[i].metric, union_) == "per sequence" ? tr(" per sequence") : QString()));
    }
    if (r.objectives.size() == 1 && r.objectives.front() == "none") {
        m_errors << tr("Tick at least one objective");
    } else {
        for (const auto& e : codesign::buildSearchConfig(r, m_dataDir).errors)
            m_errors << QString::fromStdString(e);
    }
    // Issue 14: whether measured devices can join a search of the other choices — the errors
    // `tcw search` names once the device set is added (they grey the device choice).
    codesign::SearchRequest alone = formRequest(false);
    if (alone.targets == "none")
        alone.targets.clear(); // neither kind ticked: judge the devices beside ELECTOR
    const codesign::DeviceApplicability applicability =
        codesign::deviceApplicability(alone, m_devicesBox->probeSet().toStdString(), m_dataDir);
    m_deviceRefusals.clear();
    for (const auto& e : applicability.refusals)
        m_deviceRefusals << QString::fromStdString(e);
    m_deviceSequenceLength = applicability.sequenceLength;
    if (m_devicesBox->devicesOn()) {
        if (r.targets == "none")
            m_errors << tr("Measured devices join ELECTOR or BAT-class designs here: tick one of them in Targets too "
                           "(devices alone are the model × device search, tcw search --targets devices:…)");
        else if (m_devicesBox->chosen().isEmpty())
            m_errors << tr("Tick at least one measured device, or untick Search measured devices too");
        else // what the search would refuse at its start: a device measured at another length, one not loaded
            m_errors << m_devicesBox->chosenProblems(m_deviceSequenceLength);
    }
    m_validation->setText(m_errors.join(QLatin1Char('\n')));
    m_validation->setVisible(!m_errors.isEmpty());
    updateControls();
}

void SearchPanel::setAlgorithm(const QString& name) {
    selectByData(m_algorithm, name);
    validate();
}
void SearchPanel::setBudget(int budget) {
    m_budget->setValue(budget);
    validate();
}
void SearchPanel::setSeed(int seed) {
    m_seed->setValue(seed);
    validate();
}
void SearchPanel::setObjectiveWeight(search::Metric metric, bool used, double weight) {
    ObjectiveRow& row = m_rows[std::size_t(rowOf(metric))];
    row.used->setChecked(used);
    row.weight->setValue(int(std::lround(weight * kSliderSteps)));
    validate();
}
void SearchPanel::setWeighted(bool weighted) {
    m_scalarisation->setCurrentIndex(weighted ? 1 : 0);
    validate();
}
void SearchPanel::setCostMode(SimMode mode) {
    selectByData(m_mode, QString::fromUtf8(simModeName(mode)));
    validate();
}
void SearchPanel::setConstraint(search::Metric metric, bool on, double boundInDisplayUnits) {
    ObjectiveRow& row = m_rows[std::size_t(rowOf(metric))];
    row.constrained->setChecked(on);
    row.bound->setValue(boundInDisplayUnits);
    validate();
}

void SearchPanel::setAccuracySource(const QString& name) {
    selectByData(m_accuracy, name);
    validate();
}

void SearchPanel::applyTranscodeWeights() {
    const search::ObjectiveConfig reference = search::transcodeReferenceObjective();
    for (std::size_t i = 0; i < kMetrics.size(); ++i) {
        const auto it = std::find(reference.metrics.begin(), reference.metrics.end(), kMetrics[i].metric);
        const bool used = it != reference.metrics.end();
        m_rows[i].used->setChecked(used);
        if (used)
            m_rows[i].weight->setValue(
                int(std::lround(reference.weights[std::size_t(it - reference.metrics.begin())] * kSliderSteps)));
    }
    m_scalarisation->setCurrentIndex(1);
    validate();
}

void SearchPanel::setState(State state) {
    m_state = state;
    updateControls();
}

void SearchPanel::setUnfinishedSearch(const QString& description) {
    m_unfinished = description;
    m_resumeUnfinished->setToolTip(
        description.isEmpty()
            ? tr("Continue the workspace's unfinished search (there is none)")
            : tr("Continue %1 with its stored settings (%2)")
                  .arg(description, m_resumeUnfinished->shortcut().toString(QKeySequence::NativeText)));
    updateControls();
}

void SearchPanel::updateControls() {
    const bool open = m_state != State::NoWorkspace;
    const bool idle = m_state == State::Idle || m_state == State::NoWorkspace;
    m_start->setEnabled(open && idle && m_errors.isEmpty());
    m_pause->setEnabled(m_state == State::Running || m_state == State::Starting);
    m_resume->setEnabled(m_state == State::Paused);
    m_stop->setEnabled(m_state == State::Running || m_state == State::Paused || m_state == State::Starting);
    m_resumeUnfinished->setEnabled(open && idle && !m_unfinished.isEmpty());
    m_writeJobScript->setEnabled(open && m_errors.isEmpty());
    for (QWidget* w : std::initializer_list<QWidget*>{m_algorithm, m_budget, m_seed, m_modelSpace, m_acceleratorSpace,
                                                      m_mode, m_accuracy, m_scalarisation})
        w->setEnabled(idle);
    m_transcodeWeights->setEnabled(idle);
    const QString accuracy = m_accuracy->currentData().toString();
    const bool trained = accuracy == QLatin1String("trained");
    const bool table = accuracy == QLatin1String("predicted") || accuracy == QLatin1String("imported");
    m_table->setVisible(table);
    m_tableLabel->setVisible(table);
    m_dataset->setVisible(!table);
    m_datasetLabel->setVisible(!table);
    m_trainSteps->setVisible(trained);
    m_stepsLabel->setVisible(trained);
    m_table->setEnabled(idle);
    m_dataset->setEnabled(idle);
    m_trainSteps->setEnabled(idle);
    const bool weighted = m_scalarisation->currentData().toBool();
    for (ObjectiveRow& row : m_rows) {
        row.used->setEnabled(idle);
        row.weight->setEnabled(idle && weighted && row.used->isChecked());
        row.weightLabel->setEnabled(row.weight->isEnabled());
        row.constrained->setEnabled(idle);
        row.bound->setEnabled(idle && row.constrained->isChecked());
    }
    // Issue 15: robustness is measured on a trained model; ticked anyway, it stays untickable
    // (and the validation line says why).
    ObjectiveRow& robustness = m_rows[std::size_t(rowOf(Metric::Robustness))];
    robustness.used->setEnabled(idle && (trained || robustness.used->isChecked()));
    robustness.used->setToolTip(
        trained ? tr("Search on the trained model's accuracy drop under bit flips or activation noise (defined in "
                     "Targets, precision, robustness; lower is better)")
                : tr("Needs Accuracy: Trained on a data set: a predicted or imported accuracy has no weights to flip "
                     "and no activations to perturb"));
    if (m_precisionBox)
        m_precisionBox->setApplicability(trained, robustness.used->isChecked(), idle);
    if (m_devicesBox)
        m_devicesBox->setApplicability(m_deviceRefusals, m_deviceSequenceLength, idle);
}

void SearchPanel::resetProgress(int budget) {
    // No budget means no search: say so instead of "0 / 1 trials" (the bar's range is never empty).
    m_progress->setFormat(budget > 0 ? tr("%v / %m trials") : tr("No search running"));
    setProgressQuietly(m_progress, budget, 0);
    m_plot->clear();
    m_plot->setBudget(budget);
    for (QLabel* label : {m_trials, m_eta, m_hypervolume, m_best, m_front})
        label->setText(QStringLiteral("—"));
}

void SearchPanel::setProgress(const Progress& p) {
    const QLocale locale;
    m_progress->setFormat(tr("%v / %m trials"));
    setProgressQuietly(m_progress, p.budget, p.trials);
    m_trials->setText(tr("%1 / %2").arg(locale.toString(p.trials), locale.toString(p.budget)));
    m_eta->setText(p.replaying ? tr("replaying stored trials") : formatDuration(p.etaSeconds));
    m_hypervolume->setText(locale.toString(p.hypervolume, 'f', 4));
    m_best->setText(p.weighted && std::isfinite(p.bestScore) ? locale.toString(p.bestScore, 'f', 5)
                                                             : QStringLiteral("—"));
    m_front->setText(locale.toString(p.frontSize));
    m_plot->setBudget(p.budget);
    m_plot->addPoint(p.trials, p.hypervolume);
}

void SearchPanel::setMessage(const QString& text, const QString& detail) {
    m_message->setText(text);
    m_message->setToolTip(detail.isEmpty() ? text : detail);
}

QString SearchPanel::statusText() const {
    return m_message->text();
}

} // namespace tcw::widgets
