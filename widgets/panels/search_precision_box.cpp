// The Search panel's targets, precision and robustness controls (search_precision_box.h).
#include "search_precision_box.h"

#include "search/target_union.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QSize>
#include <QSpinBox>

namespace tcw::widgets {

namespace {

const char* const kNeedsTraining = QT_TRANSLATE_NOOP(
    "SearchPrecisionBox", "Needs a trained accuracy (Accuracy: Trained on a data set): a predicted or "
                          "imported accuracy knows nothing of a model's precision, and has no "
                          "weights to flip and no activations to perturb.");

} // namespace

QStringList SearchPrecisionBox::precisionNames() {
    return {QStringLiteral("f32"),  QStringLiteral("w8a8"), QStringLiteral("w4a8"), QStringLiteral("w2a8"),
            QStringLiteral("w1a8"), QStringLiteral("w1a4"), QStringLiteral("w1a1")};
}

SearchPrecisionBox::SearchPrecisionBox(QWidget* parent) : QGroupBox(tr("Targets, precision, robustness"), parent) {
    setObjectName(QStringLiteral("searchPrecisionBox"));
    setMaximumWidth(270);
    auto* form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    auto* kinds = new QHBoxLayout;
    m_elector = new QCheckBox(tr("ELECTOR"), this);
    m_elector->setObjectName(QStringLiteral("searchTargetElector"));
    m_elector->setChecked(true);
    m_elector->setToolTip(tr("Search ELECTOR accelerators (the Accelerators space)"));
    m_bat = new QCheckBox(tr("BAT-class"), this);
    m_bat->setObjectName(QStringLiteral("searchTargetBat"));
    m_bat->setToolTip(tr("Search BAT-class binarized accelerators too (the bundled bat space, data/spaces/bat.yaml; "
                         "our own modelling). They cost inference of fixed-point models only: tick a precision "
                         "such as w1a8"));
    kinds->addWidget(m_elector);
    kinds->addWidget(m_bat);
    kinds->addStretch(1);
    form->addRow(tr("Targets"), kinds);

    m_precisions = new QListWidget(this);
    m_precisions->setObjectName(QStringLiteral("searchPrecisions"));
    m_precisions->setFlow(QListView::LeftToRight);
    m_precisions->setWrapping(true);
    m_precisions->setResizeMode(QListView::Adjust);
    m_precisions->setUniformItemSizes(true);
    m_precisions->setGridSize(QSize(m_precisions->fontMetrics().horizontalAdvance(QStringLiteral("w8a8")) + 30,
                                    m_precisions->fontMetrics().height() + 6));
    m_precisions->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_precisions->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_precisions->setToolTip(tr("The model-wide precisions searched, as tcw search --precisions (none ticked: each "
                                "model's own)"));
    for (const QString& name : precisionNames()) {
        auto* item = new QListWidgetItem(name, m_precisions);
        item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
        item->setCheckState(Qt::Unchecked);
    }
    // Three to a row: every precision in view without scrolling.
    m_precisions->setFixedSize(3 * m_precisions->gridSize().width() + 2 * m_precisions->frameWidth() + 4,
                               3 * m_precisions->gridSize().height() + 2 * m_precisions->frameWidth() + 2);
    form->addRow(tr("Precisions"), m_precisions);

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("searchRobustnessKind"));
    m_kind->addItem(tr("Weight bit flips"), QStringLiteral("bitflip"));
    m_kind->addItem(tr("Activation noise"), QStringLiteral("noise"));
    m_kind->setToolTip(tr("What the robustness objective measures, as the accuracy drop of the trained model: each "
                          "stored bit of its encoder weights flipping with a probability, or Gaussian noise of σ × "
                          "each activation vector's RMS on the inputs of its linear layers (before their "
                          "quantizers)"));
    m_rate = new QDoubleSpinBox(this);
    m_rate->setObjectName(QStringLiteral("searchRobustnessRate"));
    m_rate->setDecimals(6);
    m_rate->setRange(0.0, 1.0);
    m_rate->setSingleStep(1e-4);
    m_rate->setValue(1e-3);
    m_rate->setToolTip(tr("Probability that one stored weight bit flips (--robustness-rate)"));
    m_sigma = new QDoubleSpinBox(this);
    m_sigma->setObjectName(QStringLiteral("searchRobustnessSigma"));
    m_sigma->setDecimals(3);
    m_sigma->setRange(0.0, 1000.0);
    m_sigma->setSingleStep(0.05);
    m_sigma->setValue(0.1);
    m_sigma->setToolTip(tr("Standard deviation of the noise relative to each activation vector's RMS "
                           "(--robustness-sigma); 0 adds nothing"));
    m_seeds = new QSpinBox(this);
    m_seeds->setObjectName(QStringLiteral("searchRobustnessSeeds"));
    m_seeds->setRange(1, 1000);
    m_seeds->setValue(3);
    m_seeds->setToolTip(tr("Random flip or noise patterns averaged (--robustness-seeds)"));
    m_rateLabel = new QLabel(tr("Flip rate"), this);
    m_sigmaLabel = new QLabel(tr("Noise σ"), this);
    form->addRow(tr("Robustness"), m_kind);
    auto* values = new QHBoxLayout; // the rate or σ, and the seeds, on one line
    values->addWidget(m_rate, 1);
    values->addWidget(m_sigma, 1);
    values->addWidget(new QLabel(tr("seeds"), this));
    values->addWidget(m_seeds);
    auto* valueLabels = new QWidget(this); // "Flip rate" or "Noise σ", whichever applies
    auto* labelLayout = new QHBoxLayout(valueLabels);
    labelLayout->setContentsMargins(0, 0, 0, 0);
    labelLayout->addWidget(m_rateLabel);
    labelLayout->addWidget(m_sigmaLabel);
    form->addRow(valueLabels, values);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("searchPrecisionNote"));
    m_note->setWordWrap(true);
    form->addRow(m_note);

    for (QCheckBox* box : {m_elector, m_bat})
        connect(box, &QCheckBox::toggled, this, &SearchPrecisionBox::changed);
    connect(m_precisions, &QListWidget::itemChanged, this, &SearchPrecisionBox::changed);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        updateControls();
        emit changed();
    });
    for (QDoubleSpinBox* spin : {m_rate, m_sigma})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &SearchPrecisionBox::changed);
    connect(m_seeds, &QSpinBox::valueChanged, this, &SearchPrecisionBox::changed);
    updateControls();
}

void SearchPrecisionBox::fillRequest(codesign::SearchRequest& r) const {
    // ELECTOR alone is every search before issue 15 (no --targets); with precisions the
    // request's empty targets mean elector, as `tcw search --precisions …` alone.
    if (m_bat->isChecked())
        r.targets = m_elector->isChecked() ? "elector,bat" : "bat";
    else
        r.targets = m_elector->isChecked() ? "" : "none"; // named in the core's error
    r.precisions.clear();
    for (int i = 0; i < m_precisions->count(); ++i) {
        const QListWidgetItem* item = m_precisions->item(i);
        if (item->checkState() == Qt::Checked && (item->flags() & Qt::ItemIsEnabled))
            r.precisions.push_back(item->text().toStdString());
    }
    r.robustnessKind = m_kind->currentData().toString().toStdString();
    r.robustnessRate = m_rate->value();
    r.robustnessSigma = m_sigma->value();
    r.robustnessSeeds = m_seeds->value();
}

void SearchPrecisionBox::showSearch(const search::SearchConfig& c) {
    const QSignalBlocker block(this);
    const bool any = !c.targets.empty();
    m_elector->setChecked(!any || c.targets.has(TargetKind::Elector));
    m_bat->setChecked(any && c.targets.has(TargetKind::Bat));
    QStringList names;
    for (const std::string& p : c.targets.precisions)
        names << QString::fromStdString(p);
    setPrecisions(names);
    m_kind->setCurrentIndex(
        std::max(0, m_kind->findData(QString::fromUtf8(search::robustnessKindName(c.robustness.kind)))));
    m_rate->setValue(c.robustness.rate);
    m_sigma->setValue(c.robustness.sigma);
    m_seeds->setValue(c.robustness.seeds);
    updateControls();
}

void SearchPrecisionBox::setApplicability(bool trained, bool robustnessObjective, bool idle) {
    m_trained = trained;
    m_robustnessObjective = robustnessObjective;
    m_idle = idle;
    updateControls();
}

void SearchPrecisionBox::setTargets(bool elector, bool bat) {
    m_elector->setChecked(elector);
    m_bat->setChecked(bat);
}

void SearchPrecisionBox::setPrecisions(const QStringList& names) {
    const QSignalBlocker block(m_precisions);
    for (const QString& name : names) // a stored search's precision the list lacks (w3a3 …) shows too
        if (m_precisions->findItems(name, Qt::MatchExactly).isEmpty()) {
            auto* item = new QListWidgetItem(name, m_precisions);
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
        }
    for (int i = 0; i < m_precisions->count(); ++i)
        m_precisions->item(i)->setCheckState(names.contains(m_precisions->item(i)->text()) ? Qt::Checked
                                                                                           : Qt::Unchecked);
    updateControls();
    emit changed();
}

void SearchPrecisionBox::setRobustness(search::RobustnessKind kind, double rateOrSigma, int seeds) {
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(QString::fromUtf8(search::robustnessKindName(kind)))));
    (kind == search::RobustnessKind::ActivationNoise ? m_sigma : m_rate)->setValue(rateOrSigma);
    m_seeds->setValue(seeds);
}

void SearchPrecisionBox::updateControls() {
    m_elector->setEnabled(m_idle);
    m_bat->setEnabled(m_idle);
    {
        const QSignalBlocker block(m_precisions); // flags changing are not the user's choice
        for (int i = 0; i < m_precisions->count(); ++i) {
            QListWidgetItem* item = m_precisions->item(i);
            const bool applies = m_idle && (m_trained || item->text() == QLatin1String("f32"));
            Qt::ItemFlags flags = item->flags();
            flags.setFlag(Qt::ItemIsEnabled, applies);
            item->setFlags(flags);
            item->setToolTip(
                item->text() == QLatin1String("f32")
                    ? tr("Every tensor 32-bit float (tcw train --precision w32a32)")
                    : tr("w<weight bits>a<activation bits>, as tcw train --precision. %1").arg(tr(kNeedsTraining)));
        }
    }
    m_precisions->setEnabled(m_idle);
    const bool noise = m_kind->currentData().toString() == QLatin1String("noise");
    const bool robustness = m_idle && m_trained && m_robustnessObjective;
    for (QWidget* w : std::initializer_list<QWidget*>{m_kind, m_rate, m_sigma, m_seeds})
        w->setEnabled(robustness);
    m_rate->setVisible(!noise);
    m_rateLabel->setVisible(!noise);
    m_sigma->setVisible(noise);
    m_sigmaLabel->setVisible(noise);
    QString note;
    if (!m_trained)
        note = tr("Precisions other than f32 and robustness need Accuracy: Trained on a data set; greyed "
                  "precisions are not searched.");
    else if (!m_robustnessObjective)
        note = tr("Tick Robustness among the objectives to define it here.");
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
    m_note->setToolTip(m_trained ? QString() : tr(kNeedsTraining));
}

} // namespace tcw::widgets
