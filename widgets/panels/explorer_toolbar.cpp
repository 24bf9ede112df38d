// Explorer toolbar: two-way binding between its controls and ExplorerSettings.
#include "explorer_toolbar.h"

#include <QActionGroup>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalBlocker>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace tcw::widgets {

using models::Objective;

namespace {
void selectObjective(QComboBox* combo, Objective objective) {
    const QSignalBlocker block(combo);
    combo->setCurrentIndex(combo->findData(int(objective)));
}
} // namespace

ExplorerToolBar::ExplorerToolBar(models::ExplorerSettings* settings, QWidget* parent)
    : QToolBar(tr("Explorer"), parent), m_settings(settings) {
    setObjectName(QStringLiteral("explorerToolBar"));
    setMovable(false);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setIconSize(QSize(16, 16));

    m_workspaceButton = new QToolButton(this);
    m_workspaceButton->setPopupMode(QToolButton::InstantPopup);
    m_workspaceButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_workspaceButton->setMinimumWidth(150);
    m_workspaceButton->setIcon(style()->standardIcon(QStyle::SP_DirIcon));
    m_workspaceButton->setObjectName(QStringLiteral("workspaceButton"));
    addWidget(m_workspaceButton);
    setWorkspace({}, {});
    addSeparator();

    m_x = addObjectiveCombo(tr("x"), tr("Objective on the horizontal axis of the Pareto plot"));
    m_y = addObjectiveCombo(tr("y"), tr("Objective on the vertical axis of the Pareto plot"));
    m_colour = addObjectiveCombo(tr("colour"), tr("Objective that colours the points (with a colour bar)"));
    connect(m_x, &QComboBox::currentIndexChanged, this,
            [this] { m_settings->setXObjective(Objective(m_x->currentData().toInt())); });
    connect(m_y, &QComboBox::currentIndexChanged, this,
            [this] { m_settings->setYObjective(Objective(m_y->currentData().toInt())); });
    // Issue 15: the model's precision, categorical (data −1: not an objective).
    m_colour->addItem(tr("Precision"), -1);
    m_colour->setItemData(m_colour->count() - 1,
                          tr("The model's precision (f32, w1a8, …): one colour per precision, with a key"),
                          Qt::ToolTipRole);
    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] {
        const int data = m_colour->currentData().toInt();
        if (data >= 0)
            m_settings->setColourObjective(Objective(data));
        m_settings->setColourByPrecision(data < 0);
    });
    addSeparator();

    m_modeGroup = new QActionGroup(this);
    m_inference = new QAction(tr("Inference"), m_modeGroup);
    m_inference->setCheckable(true);
    m_inference->setToolTip(tr("Show the cost of inference: one forward pass per batch"));
    m_inference->setStatusTip(m_inference->toolTip());
    m_training = new QAction(tr("Training"), m_modeGroup);
    m_training->setCheckable(true);
    m_training->setToolTip(tr("Show the cost of training: forward, backward and weight update per batch"));
    m_training->setStatusTip(m_training->toolTip());
    addActions(m_modeGroup->actions());
    connect(m_modeGroup, &QActionGroup::triggered, this, [this](QAction* action) {
        m_settings->setMode(action == m_training ? SimMode::Training : SimMode::Inference);
    });
    addSeparator();

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter designs…"));
    m_filter->setToolTip(tr("Show only designs whose name, kind, feasibility, accuracy source or cost model "
                            "contains every word typed here"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(180);
    m_filter->setMaximumWidth(320);
    addWidget(m_filter);
    // The filter waits for a pause in typing: refiltering 100,000 rows per key would stutter.
    m_filterDelay = new QTimer(this);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(150);
    connect(m_filter, &QLineEdit::textEdited, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filterDelay, &QTimer::timeout, this, [this] { m_settings->setFilterText(m_filter->text()); });
    connect(m_filter, &QLineEdit::returnPressed, this, [this] {
        m_filterDelay->stop();
        m_settings->setFilterText(m_filter->text());
    });
    // The clear button sets the text programmatically (no textEdited): apply at once.
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty()) {
            m_filterDelay->stop();
            m_settings->setFilterText({});
        }
    });

    connect(m_settings, &models::ExplorerSettings::changed, this, &ExplorerToolBar::syncFromSettings);
    syncFromSettings();
}

QComboBox* ExplorerToolBar::addObjectiveCombo(const QString& label, const QString& toolTip) {
    auto* caption = new QLabel(label + QLatin1Char(' '), this);
    caption->setToolTip(toolTip);
    caption->setContentsMargins(6, 0, 0, 0);
    addWidget(caption);
    auto* combo = new QComboBox(this);
    combo->setToolTip(toolTip);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    for (const models::ObjectiveInfo& info : models::allObjectives()) {
        combo->addItem(info.labelWithUnit(), int(info.objective));
        combo->setItemData(combo->count() - 1, info.description, Qt::ToolTipRole);
    }
    caption->setBuddy(combo);
    addWidget(combo);
    return combo;
}

QComboBox* ExplorerToolBar::objectiveCombo(int axis) const {
    switch (axis) {
    case 0:
        return m_x;
    case 1:
        return m_y;
    default:
        return m_colour;
    }
}

void ExplorerToolBar::setPerSequence(bool perSequence) {
    for (QComboBox* combo : {m_x, m_y, m_colour})
        for (int i = 0; i < combo->count(); ++i)
            if (const QVariant data = combo->itemData(i); data.isValid() && data.toInt() >= 0)
                combo->setItemText(i, models::objectiveTitle(models::Objective(data.toInt()), perSequence));
}

void ExplorerToolBar::setWorkspaceMenu(QMenu* menu) {
    m_workspaceButton->setMenu(menu);
}

void ExplorerToolBar::setWorkspace(const QString& name, const QString& path) {
    if (name.isEmpty()) {
        m_workspaceButton->setText(tr("No workspace"));
        m_workspaceButton->setToolTip(tr("No workspace is open. Click to create or open one."));
    } else {
        m_workspaceButton->setText(name);
        m_workspaceButton->setToolTip(
            tr("Workspace %1\nClick for workspace commands and recent workspaces.").arg(path));
    }
}

void ExplorerToolBar::focusFilter() {
    if (!isVisible())
        show();
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void ExplorerToolBar::syncFromSettings() {
    selectObjective(m_x, m_settings->xObjective());
    selectObjective(m_y, m_settings->yObjective());
    if (m_settings->colourByPrecision()) {
        const QSignalBlocker block(m_colour);
        m_colour->setCurrentIndex(m_colour->findData(-1));
    } else {
        selectObjective(m_colour, m_settings->colourObjective());
    }
    (m_settings->mode() == SimMode::Training ? m_training : m_inference)->setChecked(true);
    if (m_filter->text() != m_settings->filterText()) {
        const QSignalBlocker block(m_filter);
        m_filter->setText(m_settings->filterText());
    }
}

} // namespace tcw::widgets
