// Training panel: the form, the run controls and the live plots.
#include "training_panel.h"

#include "models/objective.h"
#include "plots/low_bit_plots.h"
#include "plots/training_plots.h"
#include "train/precision.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileSystemModel>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

namespace {

QAction* makeAction(QObject* owner, const QString& text, const QString& tip, const QKeySequence& key,
                    const QString& objectName) {
    auto* action = new QAction(text, owner);
    action->setObjectName(objectName);
    action->setShortcut(key);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    action->setStatusTip(tip);
    return action;
}

// QSettings key of the Threads field.
constexpr char kThreadsSetting[] = "training/threads";

QSpinBox* spin(int lo, int hi, int value, const QString& tip, const QString& special = {}) {
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    s->setToolTip(tip);
    s->setGroupSeparatorShown(true);
    if (!special.isEmpty())
        s->setSpecialValueText(special);
    return s;
}

QDoubleSpinBox* doubleSpin(double lo, double hi, double value, int decimals, double step, const QString& tip) {
    auto* s = new QDoubleSpinBox;
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setValue(value);
    s->setToolTip(tip);
    return s;
}

QString percentChange(double now, double dense) {
    if (!(dense > 0) || !std::isfinite(now))
        return {};
    return QStringLiteral(" (%1%2%)")
        .arg(now <= dense ? QStringLiteral("−") : QStringLiteral("+"))
        .arg(QLocale().toString(std::abs(100.0 * (1.0 - now / dense)), 'f', 1));
}

} // namespace

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("trainingPanel"));
    m_start = makeAction(this, tr("&Train Selected Design"),
                         tr("Train the selected design's transformer with DynaProp on the chosen data set"),
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T), QStringLiteral("trainStart"));
    m_pause = makeAction(this, tr("&Pause Training"),
                         tr("Pause the run between two steps (pausing changes nothing it computes)"),
                         QKeySequence(Qt::Key_F8), QStringLiteral("trainPause"));
    m_resume = makeAction(this, tr("&Resume Training"), tr("Continue the paused run"), QKeySequence(Qt::Key_F9),
                          QStringLiteral("trainResume"));
    m_stop = makeAction(this, tr("&Stop Training"),
                        tr("Stop the run after the current step; it is stored as cancelled with its curve so far"),
                        QKeySequence(Qt::SHIFT | Qt::Key_F8), QStringLiteral("trainStop"));
    connect(m_start, &QAction::triggered, this, &TrainingPanel::startRequested);
    connect(m_pause, &QAction::triggered, this, &TrainingPanel::pauseRequested);
    connect(m_resume, &QAction::triggered, this, &TrainingPanel::resumeRequested);
    connect(m_stop, &QAction::triggered, this, &TrainingPanel::stopRequested);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* scroll = new QScrollArea;
    scroll->setWidget(createForm());
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(270);
    scroll->setMaximumWidth(330);
    layout->addWidget(scroll);
    // The plots keep a readable size and scroll when the dock is made small.
    auto* plotScroll = new QScrollArea;
    plotScroll->setWidget(createPlots());
    plotScroll->setWidgetResizable(true);
    plotScroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(plotScroll, 1);
    updateThresholdMode();
    updateActions();
}

QWidget* TrainingPanel::createForm() {
    auto* form = new QWidget;
    auto* f = new QFormLayout(form);
    f->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_designLabel = new QLabel(tr("Select a transformer or a co-design"));
    m_designLabel->setWordWrap(true);
    m_designLabel->setToolTip(tr("The design a run trains: the explorer's selection. A pair's transformer is "
                                 "trained and its accelerator costs it."));
    f->addRow(tr("Design:"), m_designLabel);
    m_acceleratorPreset = new QComboBox;
    m_acceleratorPreset->setToolTip(tr("The accelerator that costs a lone transformer's training steps (a pair is "
                                       "costed on its own)"));
    m_acceleratorPreset->setPlaceholderText(tr("the pair's own"));
    f->addRow(tr("Accelerator:"), m_acceleratorPreset);

    m_dataset = new QComboBox;
    m_dataset->addItem(tr("Fashion-MNIST"), QStringLiteral("fashion-mnist"));
    m_dataset->addItem(tr("ListOps (synthetic)"), QStringLiteral("listops"));
    m_dataset->addItem(tr("Fortunes (language)"), QStringLiteral("fortunes"));
    m_dataset->addItem(tr("GLUE TSV folder"), QStringLiteral("tsv"));
    m_dataset->setToolTip(tr("Fashion-MNIST images as patches; ListOps expressions generated from the seed; "
                             "fortunes language identification; a folder with train.tsv and dev.tsv"));
    f->addRow(tr("Data set:"), m_dataset);
    m_dataDir = new QLineEdit;
    m_dataDir->setObjectName(QStringLiteral("trainingDataFolder"));
    m_dataDir->setPlaceholderText(tr("default location"));
    m_dataDir->setToolTip(tr("Fashion-MNIST folder or fortunes root (empty: the system's); for a TSV data set "
                             "the folder with train.tsv and dev.tsv (required)"));
    // Typed paths complete from the file system (folders only).
    auto* folders = new QFileSystemModel(m_dataDir);
    folders->setFilter(QDir::AllDirs | QDir::NoDotAndDotDot | QDir::Drives);
    folders->setRootPath(QString());
    auto* completer = new QCompleter(folders, m_dataDir);
    completer->setCompletionMode(QCompleter::PopupCompletion);
    m_dataDir->setCompleter(completer);
    m_browseDataDir = new QToolButton;
    m_browseDataDir->setObjectName(QStringLiteral("trainingBrowseDataFolder"));
    m_browseDataDir->setText(tr("Browse…"));
    m_browseDataDir->setToolTip(tr("Choose the data folder"));
    connect(m_browseDataDir, &QToolButton::clicked, this, &TrainingPanel::browseDataFolder);
    auto* folderRow = new QHBoxLayout;
    folderRow->setContentsMargins(0, 0, 0, 0);
    folderRow->addWidget(m_dataDir, 1);
    folderRow->addWidget(m_browseDataDir);
    f->addRow(tr("Folder:"), folderRow);
    m_maxTrain = spin(0, 10'000'000, 12'800, tr("Training examples used (0 = all)"), tr("all"));
    f->addRow(tr("Train examples:"), m_maxTrain);
    m_maxTest = spin(0, 10'000'000, 2'000, tr("Test examples evaluated (0 = all)"), tr("all"));
    f->addRow(tr("Test examples:"), m_maxTest);
    m_steps = spin(1, 10'000'000, 200, tr("Optimizer steps (batches) of the run"));
    f->addRow(tr("Steps:"), m_steps);
    m_batch = spin(1, 4096, 64, tr("Examples per step"));
    f->addRow(tr("Batch:"), m_batch);
    m_learningRate = doubleSpin(1e-6, 1.0, 1e-3, 6, 1e-4, tr("Peak learning rate of AdamW (5% warm-up, cosine decay)"));
    f->addRow(tr("Learning rate:"), m_learningRate);
    m_seed = spin(0, 1'000'000, 1,
                  tr("Seed of the initialisation and the data order: the same seed gives the same "
                     "run, here and in tcw train"));
    f->addRow(tr("Seed:"), m_seed);
    // The thread count is this computer's, not the workspace's: kept in the settings.
    m_threads = spin(1, 256, QSettings().value(QLatin1String(kThreadsSetting), 1).toInt(),
                     tr("oneDNN / OpenMP threads of the run (idle threads sleep, so a busy computer slows the run "
                        "in proportion to the cores it gets); remembered on this computer"));
    m_threads->setObjectName(QStringLiteral("trainingThreads"));
    connect(m_threads, &QSpinBox::valueChanged, this,
            [](int threads) { QSettings().setValue(QLatin1String(kThreadsSetting), threads); });
    f->addRow(tr("Threads:"), m_threads);
    m_bf16 = new QCheckBox(tr("bf16 matmuls"));
    m_bf16->setObjectName(QStringLiteral("trainingBf16"));
    m_bf16->setToolTip(tr("bf16 matmul operands with f32 accumulation (tcw train --bf16): faster where the CPU "
                          "multiplies bf16 in hardware, less exact"));
    f->addRow(QString(), m_bf16);
    m_precisionNote = new QLabel;
    m_precisionNote->setObjectName(QStringLiteral("trainingPrecisionNote"));
    m_precisionNote->setWordWrap(true);
    f->addRow(QString(), m_precisionNote);
    connect(m_bf16, &QCheckBox::toggled, this, &TrainingPanel::updatePrecisionNote);
    updatePrecisionNote();
    createLowBitForm(f); // issue 15: precision and teacher, as tcw train's options
    m_logEvery = spin(1, 100'000, 10, tr("Steps between reports: curve points, heat-map columns, histograms"));
    f->addRow(tr("Report every:"), m_logEvery);
    m_evalDuring = new QCheckBox(tr("Test at every report"));
    m_evalDuring->setToolTip(tr("Test points on the curves during the run (slower); otherwise only at the end"));
    f->addRow(QString(), m_evalDuring);

    m_thresholdMode = new QComboBox;
    m_thresholdMode->addItem(tr("Fixed thresholds"));
    m_thresholdMode->addItem(tr("Target sparsities"));
    m_thresholdMode->setToolTip(tr("DynaProp: fixed τ_I / τ_T, or thresholds calibrated per layer and tensor kind "
                                   "to reach a sparsity"));
    f->addRow(tr("Pruning:"), m_thresholdMode);
    m_thresholdStack = new QStackedWidget;
    auto* fixed = new QWidget;
    auto* fixedForm = new QFormLayout(fixed);
    fixedForm->setContentsMargins(0, 0, 0, 0);
    m_tauActivation = doubleSpin(0, 10, 0.02, 4, 0.005, tr("τ_I: forward activations with |x| ≤ τ_I become 0"));
    m_tauGradient = doubleSpin(0, 1, 1e-4, 6, 1e-5,
                               tr("τ_T: gradients with |g| ≤ τ_T become 0 (activation "
                                  "gradients: 0 or ±τ_T, unbiased)"));
    fixedForm->addRow(tr("τ_I:"), m_tauActivation);
    fixedForm->addRow(tr("τ_T:"), m_tauGradient);
    auto* target = new QWidget;
    auto* targetForm = new QFormLayout(target);
    targetForm->setContentsMargins(0, 0, 0, 0);
    m_targetActivation = doubleSpin(0, 0.99, 0.5, 2, 0.05, tr("Activation sparsity τ_I is calibrated to"));
    m_targetGradient = doubleSpin(0, 0.99, 0.8, 2, 0.05, tr("Gradient sparsity τ_T is calibrated to"));
    targetForm->addRow(tr("Activations:"), m_targetActivation);
    targetForm->addRow(tr("Gradients:"), m_targetGradient);
    m_thresholdStack->addWidget(fixed);
    m_thresholdStack->addWidget(target);
    f->addRow(m_thresholdStack);
    connect(m_thresholdMode, &QComboBox::currentIndexChanged, this, &TrainingPanel::updateThresholdMode);

    return form;
}

void TrainingPanel::createLowBitForm(QFormLayout* f) {
    auto precisionCombo = [](const QStringList& items, const QString& empty, const QString& tip) {
        auto* c = new QComboBox;
        c->setEditable(true); // any shorthand tcw train takes; the core names what is allowed
        c->addItem(QString());
        c->addItems(items);
        c->lineEdit()->setPlaceholderText(empty);
        c->setToolTip(tip);
        return c;
    };
    m_precision = precisionCombo(
        {QStringLiteral("w1a1"), QStringLiteral("w1a8"), QStringLiteral("w2a8"), QStringLiteral("w4a8"),
         QStringLiteral("w8a8"), QStringLiteral("w1"), QStringLiteral("w2"), QStringLiteral("w8")},
        tr("the design's own"),
        tr("Weight / activation bits of the encoder layers (tcw train --precision): w1 = BWN sign weights, w2 = "
           "ternary (TWN), w4 / w8 symmetric; a1 = BiT's elastic binarization, a8 = 8-bit. Embeddings and the "
           "classifier stay f32. Empty: the design's own precision. A run at another precision is stored on "
           "the transformer at that precision (its own design) with its trained accuracy; the pair itself, at "
           "its own precision, is not evaluated"));
    m_precision->setObjectName(QStringLiteral("trainingPrecision"));
    f->addRow(tr("Precision:"), m_precision);
    m_activationQuantizer = new QComboBox;
    m_activationQuantizer->setObjectName(QStringLiteral("trainingActivationQuantizer"));
    m_activationQuantizer->addItem(tr("uniform, learnable clip"), false);
    m_activationQuantizer->addItem(tr("LSQ"), true);
    m_activationQuantizer->setToolTip(tr("How b-bit activations are quantized (tcw train --act-quantizer)"));
    f->addRow(tr("Activations:"), m_activationQuantizer);
    m_teacher = new QLineEdit;
    m_teacher->setObjectName(QStringLiteral("trainingTeacher"));
    m_teacher->setPlaceholderText(tr("none"));
    m_teacher->setToolTip(tr("Distil from this run (its folder or checkpoint.bin), a model of the same shape "
                             "(tcw train --teacher)"));
    auto* browse = new QToolButton;
    browse->setObjectName(QStringLiteral("trainingBrowseTeacher"));
    browse->setText(tr("Browse…"));
    browse->setToolTip(tr("Choose the teacher's run folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Teacher Run Folder"), m_teacher->text());
        if (!dir.isEmpty())
            m_teacher->setText(QDir::toNativeSeparators(dir));
    });
    auto* teacherRow = new QHBoxLayout;
    teacherRow->setContentsMargins(0, 0, 0, 0);
    teacherRow->addWidget(m_teacher, 1);
    teacherRow->addWidget(browse);
    f->addRow(tr("Teacher:"), teacherRow);
    m_teacherPrecision =
        precisionCombo({QStringLiteral("w1"), QStringLiteral("w2"), QStringLiteral("w4"), QStringLiteral("w8")},
                       tr("32-bit"), tr("The precision the teacher was trained at (tcw train --teacher-precision)"));
    m_teacherPrecision->setObjectName(QStringLiteral("trainingTeacherPrecision"));
    f->addRow(tr("Teacher bits:"), m_teacherPrecision);
    m_distillLogit = doubleSpin(0, 100, 1.0, 3, 0.1,
                                tr("Weight of the logits' distillation loss, KL·T² "
                                   "(tcw train --distill-weight)"));
    m_distillLogit->setObjectName(QStringLiteral("trainingDistillWeight"));
    f->addRow(tr("Logit weight:"), m_distillLogit);
    m_distillHidden = doubleSpin(0, 100, 1.0, 3, 0.1,
                                 tr("Weight of the per-layer hidden states' distillation "
                                    "loss, MSE (tcw train --distill-hidden-weight)"));
    m_distillHidden->setObjectName(QStringLiteral("trainingDistillHiddenWeight"));
    f->addRow(tr("Hidden weight:"), m_distillHidden);
    m_distillTemperature = doubleSpin(0.01, 100, 1.0, 2, 0.5,
                                      tr("Softmax temperature T of the logits' loss "
                                         "(tcw train --distill-temperature)"));
    m_distillTemperature->setObjectName(QStringLiteral("trainingDistillTemperature"));
    f->addRow(tr("Temperature:"), m_distillTemperature);
    auto updateTeacher = [this] {
        const bool on = !m_teacher->text().trimmed().isEmpty();
        for (QWidget* w :
             std::initializer_list<QWidget*>{m_teacherPrecision, m_distillLogit, m_distillHidden, m_distillTemperature})
            w->setEnabled(on);
    };
    connect(m_teacher, &QLineEdit::textChanged, this, updateTeacher);
    updateTeacher();
}

QString TrainingPanel::precision() const {
    return m_precision->currentText().trimmed();
}

void TrainingPanel::setPrecision(const QString& shorthand) {
    m_precision->setCurrentText(shorthand);
}

void TrainingPanel::showLowBitPlots() {
    m_plotTabs->setCurrentIndex(1);
}

QWidget* TrainingPanel::createLowBitPlots() {
    auto* page = new QWidget;
    auto* grid = new QGridLayout(page);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    m_latentTensor = new QComboBox;
    m_latentTensor->setObjectName(QStringLiteral("trainingLatentTensor"));
    m_latentTensor->setToolTip(tr("The quantized weight matrix whose latent weights are drawn"));
    m_latentTensor->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_clipped = new QLabel;
    m_clipped->setObjectName(QStringLiteral("trainingClipped"));
    m_clipped->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_clipped->setToolTip(tr("Activation quantizers: the share of their last forward's inputs beyond the scale "
                             "(|x/α| > 1, |x| > c, or outside LSQ's range), which the STE gives no gradient"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Matrix:")));
    top->addWidget(m_latentTensor);
    top->addWidget(m_clipped, 1);
    grid->addLayout(top, 0, 0, 1, 3);
    m_latentWeights = new LatentWeightPlot(&m_series);
    m_scales = new ScaleCurvePlot(&m_series);
    m_lossSplit = new LossSplitPlot(&m_series);
    grid->addWidget(m_latentWeights, 1, 0);
    grid->addWidget(m_scales, 1, 1);
    grid->addWidget(m_lossSplit, 1, 2);
    grid->setRowStretch(1, 1);
    for (int c = 0; c < 3; ++c)
        grid->setColumnStretch(c, 1);
    connect(m_latentTensor, &QComboBox::currentIndexChanged, m_latentWeights, &LatentWeightPlot::setTensorIndex);
    return page;
}

void TrainingPanel::updateLowBit() {
    const auto& latest = m_series.lowBit().latest();
    QStringList names;
    if (latest)
        for (const auto& w : latest->weights)
            names << tr("%1 (%2, %3-bit)").arg(w.tensor, w.rule).arg(w.bits);
    QStringList shown;
    for (int i = 0; i < m_latentTensor->count(); ++i)
        shown << m_latentTensor->itemText(i);
    if (names != shown) {
        const int keep = m_latentTensor->currentIndex();
        const QSignalBlocker block(m_latentTensor);
        m_latentTensor->clear();
        m_latentTensor->addItems(names);
        m_latentTensor->setCurrentIndex(names.isEmpty() ? -1 : std::clamp(keep, 0, int(names.size()) - 1));
        m_latentWeights->setTensorIndex(std::max(0, m_latentTensor->currentIndex()));
    }
    if (const auto c = m_series.lowBit().clipped())
        m_clipped->setText(tr("Clipped activations: %1% mean over %2 quantizers, at most %3% (%4)")
                               .arg(QLocale().toString(100 * c->mean, 'f', 2))
                               .arg(latest->activations.size())
                               .arg(QLocale().toString(100 * c->max, 'f', 2), c->maxName));
    else
        m_clipped->setText(latest ? tr("Activations are not quantized: none clipped") : QString());
    m_latentWeights->seriesChanged();
    m_scales->seriesChanged();
    m_lossSplit->seriesChanged();
}

QWidget* TrainingPanel::createPlots() {
    auto* plots = new QWidget;
    auto* grid = new QGridLayout(plots);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    auto* statusRow = new QHBoxLayout;
    // The run controls stay in view whatever the form's scroll position.
    for (QAction* a : {m_start, m_pause, m_resume, m_stop}) {
        auto* b = new QToolButton;
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        statusRow->addWidget(b);
    }
    m_start->setIconText(tr("Start"));
    m_pause->setIconText(tr("Pause"));
    m_resume->setIconText(tr("Resume"));
    m_stop->setIconText(tr("Stop"));
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("step %v of %m"));
    m_progress->setToolTip(tr("Optimizer steps done of the run's total"));
    m_status = new QLabel(tr("No run yet"));
    m_status->setObjectName(QStringLiteral("trainingStatus"));
    m_status->setWordWrap(true); // issue 15: a quantized run's per-layer bits and zeros follow the summary
    m_status->setToolTip(tr("The run's state, time spent and time left"));
    statusRow->addWidget(m_progress, 1);
    statusRow->addWidget(m_status, 2);
    grid->addLayout(statusRow, 0, 0, 1, 3);
    m_cost = new QLabel;
    m_cost->setObjectName(QStringLiteral("trainingCost"));
    // One line, clipped in a narrow dock (word wrap would make the plots' scroll area size them
    // by their preferred rather than their minimum height).
    m_cost->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_cost->setToolTip(tr("One training step (forward, backward, update of a batch) simulated on the design's "
                          "accelerator with the sparsity measured so far, against the same step without sparsity"));
    grid->addWidget(m_cost, 1, 0, 1, 3);
    auto* sparsityPage = new QWidget;
    auto* sparsityGrid = new QGridLayout(sparsityPage);
    sparsityGrid->setContentsMargins(0, 0, 0, 0);
    sparsityGrid->setSpacing(4);
    m_plotTabs = new QTabWidget;
    m_plotTabs->setObjectName(QStringLiteral("trainingPlotTabs"));
    m_plotTabs->addTab(sparsityPage, tr("Curves and sparsity"));
    m_plotTabs->addTab(createLowBitPlots(), tr("Precision and distillation"));
    grid->addWidget(m_plotTabs, 2, 0, 1, 3);
    grid->setRowStretch(2, 1);
    m_lossPlot = new TrainingCurvePlot(TrainingCurvePlot::Quantity::Loss, &m_series);
    m_accuracyPlot = new TrainingCurvePlot(TrainingCurvePlot::Quantity::Accuracy, &m_series);
    m_heatMap = new SparsityHeatMap(&m_series);
    m_activationHistogram = new MagnitudeHistogramPlot(MagnitudeHistogramPlot::Tensors::Activations, &m_series);
    m_gradientHistogram = new MagnitudeHistogramPlot(MagnitudeHistogramPlot::Tensors::Gradients, &m_series);
    sparsityGrid->addWidget(m_lossPlot, 0, 0);
    sparsityGrid->addWidget(m_accuracyPlot, 0, 1);
    sparsityGrid->addWidget(m_activationHistogram, 0, 2);
    sparsityGrid->addWidget(m_heatMap, 1, 0, 1, 2);
    sparsityGrid->addWidget(m_gradientHistogram, 1, 2);
    sparsityGrid->setRowStretch(0, 1);
    sparsityGrid->setRowStretch(1, 1);
    for (int c = 0; c < 3; ++c) {
        sparsityGrid->setColumnStretch(c, 1);
        grid->setColumnStretch(c, 1);
    }
    return plots;
}

void TrainingPanel::setDesign(std::optional<qint64> designId, const QString& name, bool hasAccelerator) {
    m_designId = designId;
    m_hasAccelerator = hasAccelerator;
    if (!designId)
        m_designLabel->setText(name.isEmpty() ? tr("Select a transformer or a co-design") : name);
    else
        m_designLabel->setText(hasAccelerator ? tr("%1 (pair)").arg(name) : tr("%1 (transformer)").arg(name));
    // A pair brings its own accelerator; a transformer is costed on a preset.
    if (hasAccelerator)
        m_acceleratorPreset->setCurrentIndex(-1);
    else if (m_acceleratorPreset->currentIndex() < 0 && m_acceleratorPreset->count() > 0)
        m_acceleratorPreset->setCurrentIndex(0);
    updateActions();
}

void TrainingPanel::setAcceleratorPresets(const QList<QPair<QString, QString>>& presets) {
    m_acceleratorPreset->clear();
    for (const auto& [name, file] : presets)
        m_acceleratorPreset->addItem(name, file);
}

QString TrainingPanel::acceleratorPresetFile() const {
    return m_hasAccelerator ? QString() : m_acceleratorPreset->currentData().toString();
}

codesign::TrainingRequest TrainingPanel::request() const {
    codesign::TrainingRequest r = m_base;
    const QString dataset = m_dataset->currentData().toString();
    r.data.name = dataset == QLatin1String("tsv") ? "tsv:" + m_dataDir->text().toStdString() : dataset.toStdString();
    r.data.dataDir = dataset == QLatin1String("tsv") ? std::string() : m_dataDir->text().toStdString();
    r.data.maxTrain = m_maxTrain->value();
    r.data.maxTest = m_maxTest->value();
    r.data.seed = static_cast<std::uint64_t>(m_seed->value());
    r.steps = m_steps->value();
    r.batch = m_batch->value();
    r.learningRate = static_cast<float>(m_learningRate->value());
    r.seed = static_cast<std::uint64_t>(m_seed->value());
    r.threads = m_threads->value();
    r.bf16 = m_bf16->isChecked();
    r.logEverySteps = m_logEvery->value();
    r.evalEverySteps = m_evalDuring->isChecked() ? m_logEvery->value() : 0;
    const bool target = m_thresholdMode->currentIndex() == 1;
    r.tauActivation = target ? 0.0f : static_cast<float>(m_tauActivation->value());
    r.tauGradient = target ? 0.0f : static_cast<float>(m_tauGradient->value());
    r.targetActivationSparsity = target ? std::optional<double>(m_targetActivation->value()) : std::nullopt;
    r.targetGradientSparsity = target ? std::optional<double>(m_targetGradient->value()) : std::nullopt;
    r.collectMagnitudeHistograms = true;
    r.activationLsq = m_activationQuantizer->currentData().toBool(); // issue 15
    r.teacher = m_teacher->text().trimmed().toStdString();
    r.teacherPrecision = m_teacherPrecision->currentText().trimmed().toStdString();
    r.distillLogitWeight = m_distillLogit->value();
    r.distillHiddenWeight = m_distillHidden->value();
    r.distillTemperature = m_distillTemperature->value();
    return r;
}

void TrainingPanel::setRequest(const codesign::TrainingRequest& r) {
    m_base = r;
    const QString name = QString::fromStdString(r.data.name);
    const bool tsv = name.startsWith(QLatin1String("tsv:"));
    m_dataset->setCurrentIndex(std::max(0, m_dataset->findData(tsv ? QStringLiteral("tsv") : name)));
    m_dataDir->setText(tsv ? name.mid(4) : QString::fromStdString(r.data.dataDir));
    m_maxTrain->setValue(static_cast<int>(r.data.maxTrain));
    m_maxTest->setValue(static_cast<int>(r.data.maxTest));
    m_steps->setValue(static_cast<int>(r.steps));
    m_batch->setValue(r.batch);
    m_learningRate->setValue(r.learningRate);
    m_seed->setValue(static_cast<int>(r.seed));
    m_threads->setValue(r.threads);
    m_bf16->setChecked(r.bf16);
    m_logEvery->setValue(static_cast<int>(r.logEverySteps));
    m_evalDuring->setChecked(r.evalEverySteps > 0);
    const bool target = r.targetActivationSparsity || r.targetGradientSparsity;
    m_thresholdMode->setCurrentIndex(target ? 1 : 0);
    m_tauActivation->setValue(r.tauActivation);
    m_tauGradient->setValue(r.tauGradient);
    m_targetActivation->setValue(r.targetActivationSparsity.value_or(0.0));
    m_targetGradient->setValue(r.targetGradientSparsity.value_or(0.0));
    m_activationQuantizer->setCurrentIndex(r.activationLsq ? 1 : 0); // issue 15
    m_teacher->setText(QString::fromStdString(r.teacher));
    m_teacherPrecision->setCurrentText(QString::fromStdString(r.teacherPrecision));
    m_distillLogit->setValue(r.distillLogitWeight);
    m_distillHidden->setValue(r.distillHiddenWeight);
    m_distillTemperature->setValue(r.distillTemperature);
    updatePrecisionNote();
}

void TrainingPanel::runStarted(const QString& description, const QStringList& heatMapRows) {
    m_running = true;
    m_paused = false;
    m_series.reset(heatMapRows);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setText(tr("Preparing: %1").arg(description));
    m_cost->clear();
    m_heatMap->seriesChanged();
    for (auto* p :
         std::initializer_list<ChartPlot*>{m_lossPlot, m_accuracyPlot, m_activationHistogram, m_gradientHistogram})
        p->dataChanged();
    updateLowBit();
    updateActions();
}

void TrainingPanel::applyUpdate(const models::TrainingUpdate& update) {
    m_series.apply(update);
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(1, update.totalSteps)));
    m_progress->setValue(static_cast<int>(update.step));
    m_status->setText(statusText());
    m_lossPlot->seriesChanged();
    m_accuracyPlot->seriesChanged();
    if (!update.sparsityColumns.empty())
        m_heatMap->seriesChanged();
    m_activationHistogram->seriesChanged();
    m_gradientHistogram->seriesChanged();
    if (update.cost)
        updateCost();
    if (update.lowBit || !update.lossSplit.empty())
        updateLowBit();
}

QString TrainingPanel::statusText() const {
    const auto& points = m_series.points();
    QString text = m_paused ? tr("Paused at step %1").arg(m_series.step())
                            : tr("Step %1 of %2").arg(m_series.step()).arg(m_series.totalSteps());
    text += tr(" · %1 spent · %2 left")
                .arg(models::formatDuration(m_series.elapsedSeconds()), models::formatDuration(m_series.etaSeconds()));
    if (!points.empty())
        text += tr(" · loss %1 · accuracy %2%")
                    .arg(QLocale().toString(points.back().trainLoss, 'f', 3))
                    .arg(QLocale().toString(100.0 * points.back().trainAccuracy, 'f', 1));
    return text;
}

void TrainingPanel::updateCost() {
    const auto& cost = m_series.cost();
    if (!cost)
        return;
    if (!cost->infeasibleReason.isEmpty()) {
        m_cost->setText(tr("Simulated on %1: infeasible (%2)").arg(cost->accelerator, cost->infeasibleReason));
        return;
    }
    m_cost->setText(
        tr("Simulated training step on %1 with the sparsity measured so far: <b>%2 ms</b>%3, <b>%4 mJ</b>%5 "
           "(dense: %6 ms, %7 mJ)")
            .arg(cost->accelerator.toHtmlEscaped(), models::formatMetric(cost->latencySeconds * 1e3),
                 percentChange(cost->latencySeconds, cost->denseLatencySeconds),
                 models::formatMetric(cost->energyNJ * 1e-6), percentChange(cost->energyNJ, cost->denseEnergyNJ),
                 models::formatMetric(cost->denseLatencySeconds * 1e3),
                 models::formatMetric(cost->denseEnergyNJ * 1e-6)));
}

void TrainingPanel::runPausedChanged(bool paused) {
    m_paused = paused;
    if (m_running)
        m_status->setText(statusText());
    updateActions();
}

void TrainingPanel::runFinished(const QString& summary, bool ok, std::optional<qint64> finalStep) {
    if (finalStep) {
        m_progress->setRange(0, static_cast<int>(std::max<qint64>({1, *finalStep, qint64(m_progress->maximum())})));
        m_progress->setValue(static_cast<int>(*finalStep));
    }
    m_running = false;
    m_paused = false;
    m_status->setText(summary);
    m_status->setStyleSheet(ok ? QString() : QStringLiteral("font-weight: bold"));
    updateActions();
}

void TrainingPanel::showStoredRun(const QString& description, const std::vector<models::TrainingCurveSample>& curve,
                                  qint64 totalSteps) {
    if (m_running)
        return; // the live run keeps the plots
    m_series.reset({});
    models::TrainingUpdate update;
    update.points = curve;
    update.step = curve.empty() ? 0 : curve.back().step;
    update.totalSteps = std::max(totalSteps, update.step);
    m_series.apply(update);
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(1, update.totalSteps)));
    m_progress->setValue(static_cast<int>(update.step));
    m_status->setText(description);
    m_status->setStyleSheet(QString());
    m_cost->clear();
    m_heatMap->seriesChanged();
    for (auto* p :
         std::initializer_list<ChartPlot*>{m_lossPlot, m_accuracyPlot, m_activationHistogram, m_gradientHistogram})
        p->dataChanged();
}

void TrainingPanel::clearRun() {
    if (m_running)
        return;
    m_series.reset({});
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->clear();
    m_status->setStyleSheet(QString());
    m_cost->clear();
    m_heatMap->seriesChanged();
    for (auto* p :
         std::initializer_list<ChartPlot*>{m_lossPlot, m_accuracyPlot, m_activationHistogram, m_gradientHistogram})
        p->dataChanged();
    updateActions();
}

void TrainingPanel::browseDataFolder() {
    // A window-modal dialog opened without a nested event loop: the run's updates keep coming.
    auto* dialog = new QFileDialog(this, tr("Data folder"), m_dataDir->text());
    dialog->setObjectName(QStringLiteral("trainingDataFolderDialog"));
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this](const QString& folder) { m_dataDir->setText(QDir::toNativeSeparators(folder)); });
    dialog->open();
}

void TrainingPanel::updateActions() {
    m_start->setEnabled(!m_running && m_designId.has_value());
    m_pause->setEnabled(m_running && !m_paused);
    m_resume->setEnabled(m_running && m_paused);
    m_stop->setEnabled(m_running);
    for (QWidget* w : std::initializer_list<QWidget*>{m_dataset, m_dataDir, m_browseDataDir, m_maxTrain, m_maxTest,
                                                      m_steps, m_batch, m_learningRate, m_seed, m_threads, m_bf16,
                                                      m_logEvery, m_evalDuring, m_thresholdMode, m_thresholdStack})
        w->setEnabled(!m_running);
    m_acceleratorPreset->setEnabled(!m_running && m_designId && !m_hasAccelerator);
}

void TrainingPanel::updatePrecisionNote() {
    // The decision tcw train makes for the same request (train/precision.h).
    const train::PrecisionChoice choice =
        train::choosePrecision(m_bf16->isChecked(), m_base.forceBf16, train::detectCpuIsa());
    if (!choice.note.empty())
        m_precisionNote->setText(QString::fromStdString(choice.note));
    else
        m_precisionNote->setText(choice.bf16 ? tr("Matmuls in bf16 (this CPU multiplies bf16 in hardware)")
                                             : tr("Matmuls in f32"));
}

void TrainingPanel::updateThresholdMode() {
    m_thresholdStack->setCurrentIndex(m_thresholdMode->currentIndex());
}

} // namespace tcw::widgets
