// The search page.
#include "search_page.h"

#include "plots/hypervolume_plot.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace tcw::widgets {

SearchPage::SearchPage(QWidget* parent)
    : QWidget(parent), m_selector(new QComboBox(this)), m_title(new QLabel(this)), m_state(new QLabel(this)),
      m_settings(new QFormLayout), m_hypervolume(new HypervolumePlot(this)), m_hypervolumeNote(new QLabel(this)),
      m_best(new BestSoFarChart(this)), m_showDesigns(new QPushButton(tr("Show Its Designs in the Explorer"), this)),
      m_trialBox(new QGroupBox(tr("Trials (model × device)"), this)), m_trialTable(new QTableView(this)),
      m_trials(new QStandardItemModel(this)) {
    setObjectName(QStringLiteral("searchPage"));
    m_selector->setObjectName(QStringLiteral("searchSelector"));
    m_selector->setToolTip(tr("The workspace's searches; the tree's Searches group opens them here too"));
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_title->setObjectName(QStringLiteral("searchTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setWordWrap(true);
    m_hypervolume->setObjectName(QStringLiteral("searchPageHypervolume"));
    m_hypervolume->setExportName(QStringLiteral("search-hypervolume"));
    m_hypervolume->setToolTip(tr("Hypervolume after each trial, as stored with the trial: of the acceptable trials "
                                 "so far, in the search's normalised box (reference point 1 in every objective)"));
    m_hypervolumeNote->setWordWrap(true);
    m_showDesigns->setObjectName(QStringLiteral("showSearchDesigns"));
    m_showDesigns->setToolTip(tr("Sets the explorer's filter to search:N, which keeps this search's designs"));

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Search:"), this));
    top->addWidget(m_selector);
    top->addStretch(1);
    top->addWidget(m_showDesigns);

    auto* settingsBox = new QGroupBox(tr("Configuration"), this);
    settingsBox->setLayout(m_settings);
    m_settings->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(settingsBox);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(300);

    auto* hvBox = new QGroupBox(tr("Hypervolume against trials"), this);
    auto* hvLayout = new QVBoxLayout(hvBox);
    hvLayout->addWidget(m_hypervolume, 1);
    hvLayout->addWidget(m_hypervolumeNote);
    auto* bestBox = new QGroupBox(tr("Best so far against trials"), this);
    auto* bestLayout = new QVBoxLayout(bestBox);
    bestLayout->addWidget(m_best, 1);
    auto* charts = m_charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(hvBox);
    charts->addWidget(bestBox);
    // A model × device search's trials, sortable; the front's in bold.
    m_trialTable->setObjectName(QStringLiteral("searchTrialTable"));
    m_trialTable->setModel(m_trials);
    m_trialTable->setSortingEnabled(true);
    m_trialTable->verticalHeader()->hide();
    m_trialTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_trialTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_trialTable->setTextElideMode(Qt::ElideMiddle);
    m_trialTable->setToolTip(tr("Every pair the search made, in the order it made them: the device, the model, "
                                "its GLUE score (published or predicted), latency, energy and peak power "
                                "(measured, or predicted with the device surrogate's σ), and whether it is on "
                                "the front of the feasible pairs; the front's pairs first (click # for the "
                                "search's order)"));
    m_trials->setSortRole(Qt::UserRole);
    m_trialTable->setWordWrap(false);
    auto* trialLayout = new QVBoxLayout(m_trialBox);
    trialLayout->addWidget(m_trialTable);
    charts->addWidget(m_trialBox);
    charts->setStretchFactor(0, 1);
    charts->setStretchFactor(1, 1);
    charts->setStretchFactor(2, 2);

    auto* body = new QSplitter(Qt::Horizontal, this);
    body->addWidget(scroll);
    body->addWidget(charts);
    body->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_title);
    layout->addWidget(m_state);
    layout->addWidget(body, 1);

    connect(m_selector, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            emit searchChosen(m_selector->itemData(index).toLongLong());
    });
    connect(m_showDesigns, &QPushButton::clicked, this, [this] {
        if (m_content.searchId > 0)
            emit showDesignsRequested(m_content.searchId);
    });
    clear();
}

qint64 SearchPage::chosenSearch() const {
    return m_selector->currentIndex() < 0 ? 0 : m_selector->currentData().toLongLong();
}

void SearchPage::chooseSearch(qint64 searchId) {
    const int index = m_selector->findData(searchId);
    if (index >= 0 && index != m_selector->currentIndex())
        m_selector->setCurrentIndex(index); // searchChosen follows
    else if (index >= 0)
        emit searchChosen(searchId); // the same one again: read it again (it may have grown)
}

void SearchPage::setSearches(const QList<QPair<qint64, QString>>& searches) {
    const qint64 chosen = chosenSearch();
    {
        QSignalBlocker block(m_selector);
        m_selector->clear();
        for (const auto& [id, title] : searches)
            m_selector->addItem(title, id);
        const int index = m_selector->findData(chosen);
        m_selector->setCurrentIndex(index >= 0 ? index : -1);
    }
    if (searches.isEmpty() || m_selector->currentIndex() < 0)
        clear();
    m_selector->setEnabled(!searches.isEmpty());
}

void SearchPage::clear() {
    m_content = {};
    m_title->setText(m_selector->count() > 0 ? tr("Choose a search") : tr("No search in this workspace"));
    m_state->setText(m_selector->count() > 0
                         ? tr("Pick one above, or in the Workspace tree's Searches group.")
                         : tr("Run one from the Search panel (Search ▸ New Search) or with tcw search."));
    while (m_settings->rowCount() > 0)
        m_settings->removeRow(0);
    m_hypervolume->clear();
    m_hypervolume->setBudget(1);
    m_hypervolumeNote->clear();
    m_best->clear();
    m_showDesigns->setEnabled(false);
    m_trials->clear();
    m_trialBox->setVisible(false);
}

void SearchPage::setContent(const SearchPageContent& content) {
    clear();
    m_content = content;
    if (!content.error.isEmpty()) {
        m_title->setText(tr("Search %1").arg(content.searchId));
        m_state->setText(content.error);
        emit contentShown(content.searchId);
        return;
    }
    m_title->setText(content.title);
    const QLocale locale;
    m_state->setText(tr("%1 of %2 trials stored, %3 designs")
                         .arg(locale.toString(content.hypervolume.size()), locale.toString(content.budget),
                              locale.toString(content.designs)));
    for (const auto& [label, value] : content.settings) {
        auto* field = new QLabel(value, this);
        field->setWordWrap(true);
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_settings->addRow(label + QLatin1Char(':'), field);
    }
    showTrials(content.trials);
    m_hypervolume->setBudget(std::max(1, std::max(content.budget, int(content.hypervolume.size()))));
    for (qsizetype i = 0; i < content.hypervolume.size(); ++i)
        m_hypervolume->addPoint(int(i + 1), content.hypervolume[i]);
    if (content.hypervolume.isEmpty())
        m_hypervolumeNote->setText(tr("No trial stored yet."));
    else if (!content.hypervolumeBasis.isEmpty())
        m_hypervolumeNote->setText(tr("Hypervolume %1 after %2 trials, %3")
                                       .arg(locale.toString(content.hypervolume.back(), 'f', 4),
                                            locale.toString(content.hypervolume.size()), content.hypervolumeBasis));
    else
        m_hypervolumeNote->setText(
            (content.recomputed > 0
                 ? tr("Hypervolume %1 after %2 trials; %3 values recomputed from the trials (stored before "
                      "the workspace kept them).")
                       .arg(locale.toString(content.hypervolume.back(), 'f', 4),
                            locale.toString(content.hypervolume.size()), locale.toString(content.recomputed))
                 : tr("Hypervolume %1 after %2 trials, as stored with each trial.")
                       .arg(locale.toString(content.hypervolume.back(), 'f', 4),
                            locale.toString(content.hypervolume.size()))));
    m_best->setSeries(content.bestSoFar);
    m_showDesigns->setEnabled(content.designs > 0);
    emit contentShown(content.searchId);
}

void SearchPage::showTrials(const QList<SearchTrialRow>& trials) {
    m_trials->clear();
    m_trialBox->setVisible(!trials.isEmpty());
    if (trials.isEmpty())
        return;
    // The trials take half the height, the two charts a quarter each.
    const int height = std::max(400, m_charts->height());
    m_charts->setSizes({height / 4, height / 4, height / 2});
    m_trials->setHorizontalHeaderLabels({tr("#"), tr("Device"), tr("Model"), tr("GLUE (%)"), tr("Latency (ms)"),
                                         tr("Energy (mJ)"), tr("Peak power (W)"), tr("Provenance"), tr("Front")});
    const QLocale locale;
    int onFront = 0;
    for (const SearchTrialRow& t : trials) {
        auto text = [](const QString& s, const QVariant& sort) {
            auto* item = new QStandardItem(s);
            item->setData(sort, Qt::UserRole);
            return item;
        };
        auto number = [&](double v, int decimals) {
            auto* item = text(std::isfinite(v) ? locale.toString(v, 'f', decimals) : tr("—"),
                              std::isfinite(v) ? QVariant(v) : QVariant());
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        QList<QStandardItem*> row;
        row << number(double(t.position), 0) << text(t.device, t.device);
        auto* model = text(t.model, t.model);
        model->setToolTip(t.modelToolTip);
        row << model;
        auto* glue = number(t.glue, 2);
        glue->setToolTip(t.glueSource == QLatin1String("published") ? tr("GLUE score of the device library's row")
                                                                    : tr("GLUE predicted (boosted trees)"));
        row << glue << number(t.latencyMs, 4) << number(t.energyMJ, 2) << number(t.peakPowerW, 1);
        auto* provenance = text(t.provenance + (t.seeded ? tr(" · stored pair") : QString()), t.provenance);
        if (!t.feasible)
            provenance->setToolTip(tr("Above the search's peak-power limit: not on the front"));
        row << provenance;
        row << text(t.onFront ? tr("✓") : QString(), t.onFront ? 1 : 0);
        if (t.onFront) {
            ++onFront;
            for (QStandardItem* item : row) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
        }
        m_trials->appendRow(row);
    }
    static_cast<QGroupBox*>(m_trialBox)
        ->setTitle(tr("Trials (model × device): %1, %2 on the front (bold)")
                       .arg(locale.toString(trials.size()), locale.toString(onFront)));
    m_trialTable->resizeColumnsToContents();
    m_trialTable->setColumnWidth(
        2, std::min(m_trialTable->columnWidth(2), 34 * m_trialTable->fontMetrics().averageCharWidth() + 16));
    // The front first (bold), each part in the order the search made it (a stable sort of the
    // position order); "#" sorts by position.
    m_trialTable->sortByColumn(8, Qt::DescendingOrder);
}

} // namespace tcw::widgets
