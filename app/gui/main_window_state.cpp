// The explorer's state of now, wired: the workspace, the cost mode, the filter and the
// selection feed one models::ExplorerState, and every view that shows something derived from
// them subscribes to it, refreshes or clears, and reports which state its content belongs to.
#include "edit_controller.h"
#include "editors/accelerator_editor.h"
#include "editors/transformer_editor.h"
#include "lesson_controller.h"
#include "main_actions.h"
#include "main_window.h"
#include "models/design_proxy_model.h"
#include "models/explorer_settings.h"
#include "models/explorer_state.h"
#include "models/selection_link.h"
#include "models/workspace_tree_model.h"
#include "panels/design_detail_panel.h"
#include "panels/lesson_panel.h"
#include "panels/search_panel.h"
#include "panels/training_panel.h"
#include "plots/parallel_coordinates.h"
#include "plots/pareto_plot_view.h"
#include "plots/scatter_plot.h"
#include "search_controller.h"
#include "training_controller.h"
#include "workspace_controller.h"

#include <QTabWidget>
#include <QTableView>
#include <QTreeView>

namespace tcw::app {

using models::ExplorerContext;
using models::ExplorerState;

namespace {
// The design a view's current index points at, read back from the view.
std::optional<qint64> designOf(const QModelIndex& index) {
    if (!index.isValid())
        return std::nullopt;
    return index.data(models::DesignTableModel::DesignIdRole).toLongLong();
}
} // namespace

void MainWindow::connectState() {
    // Sources. The workspace's generation changes before the models take the new content, so
    // the selections that follow belong to it; the mode after the models were re-read in it;
    // the filter after hidden designs left the selection.
    connect(m_controller, &WorkspaceController::workspaceChanging, m_state, &ExplorerState::setWorkspaceOpen);
    connect(m_explorerSettings, &models::ExplorerSettings::modeChanged, m_state, &ExplorerState::setMode);
    connect(m_proxy, &models::DesignProxyModel::filterAboutToChange, m_tableLink, &models::SelectionLink::suspend);
    connect(m_proxy, &models::DesignProxyModel::filterChanged, this, [this] {
        m_tableLink->resume();
        dropHiddenFromSelection();
        m_state->noteFilterChanged();
    });
    auto followSelection = [this] { m_state->setDesign(m_controller->currentDesignId()); };
    connect(m_controller->selectionModel(), &QItemSelectionModel::currentChanged, this, followSelection);
    connect(m_controller->designModel(), &QAbstractItemModel::modelReset, this, followSelection);
    m_state->setMode(m_explorerSettings->mode());

    const auto all = ExplorerState::Workspace | ExplorerState::Mode | ExplorerState::Selection;
    // The edit session first: the detail and the what-if read it.
    m_state->subscribe({QStringLiteral("editors"), all,
                        [this](const ExplorerContext& now) {
                            m_edits->follow(now);
                            const auto design = now.designId ? m_controller->design(*now.designId) : std::nullopt;
                            if (design && design->kind != store::DesignKind::Pair)
                                m_editorTabs->setCurrentWidget(design->kind == store::DesignKind::Accelerator
                                                                   ? static_cast<QWidget*>(m_acceleratorEditor)
                                                                   : m_transformerEditor);
                            m_actions.exportReport->setEnabled(m_edits->session()->isActive());
                        },
                        [this] { return m_edits->shown(); }});
    m_state->subscribe({QStringLiteral("design detail"), all,
                        [this](const ExplorerContext& now) {
                            const auto design = now.designId ? m_controller->design(*now.designId) : std::nullopt;
                            m_detail->show(now, design,
                                           design ? m_controller->evaluations(design->id)
                                                  : std::vector<store::EvaluationRecord>{});
                        },
                        [this] { return m_detail->shownContext(); }});
    m_state->subscribe({QStringLiteral("what-if"), all, [this](const ExplorerContext&) { updateWhatIf(); },
                        [this]() -> std::optional<ExplorerContext> { return m_edits->shown(); }});
    m_state->subscribe({QStringLiteral("training panel"), ExplorerState::Workspace | ExplorerState::Selection,
                        [this](const ExplorerContext& now) {
                            // A run of another workspace (its curves, a cancelled run's status)
                            // is not this workspace's; a run going keeps its view.
                            if (now.workspace != m_trainingShown.workspace && !m_training->isRunning())
                                m_trainingPanel->clearRun();
                            updateTrainingDesign();
                            m_trainingShown = now;
                            m_trainingShown.designId = m_trainingPanel->designId()
                                                           ? m_trainingPanel->designId()
                                                           : now.designId; // an accelerator: not trainable
                        },
                        [this]() -> std::optional<ExplorerContext> { return m_trainingShown; }});
    m_state->subscribe({QStringLiteral("search panel"), ExplorerState::Workspace,
                        [this](const ExplorerContext& now) {
                            // The progress of a search of another workspace: gone (a search
                            // going in this one keeps reporting).
                            if (now.workspace != m_searchShown.workspace && !m_search->isActive()) {
                                m_searchPanel->resetProgress(0);
                                m_searchPanel->setMessage({});
                            }
                            m_searchShown = now;
                        },
                        [this]() -> std::optional<ExplorerContext> { return m_searchShown; }});
    // A lesson's step describes its own workspace: one opened by hand mid-lesson (not by the
    // step) makes the step's numbers another workspace's, and the lesson panel says so.
    m_state->subscribe({QStringLiteral("lesson"), ExplorerState::Workspace,
                        [this](const ExplorerContext& now) {
                            if (now.workspace != m_lessonShown.workspace && m_lessons->isRunning() &&
                                !m_lessons->isApplying())
                                m_lessons->panel()->setStatus(
                                    tr("Another workspace is open now: this step's numbers are those of its own "
                                       "workspace. Go Back or Next to apply a step again."),
                                    true);
                            m_lessonShown = now;
                        },
                        [this]() -> std::optional<ExplorerContext> { return m_lessonShown; }});
    // The selection's views: read back from what each view marks as current.
    m_state->subscribe(
        {QStringLiteral("workspace tree"), ExplorerState::Selection,
         [this](const ExplorerContext& now) { syncTree(now.designId); },
         [this]() -> std::optional<ExplorerContext> {
             ExplorerContext shown = m_state->context();
             const QModelIndex index = m_tree->currentIndex();
             const bool design = index.isValid() && models::WorkspaceTreeModel::NodeType(
                                                        index.data(models::WorkspaceTreeModel::NodeTypeRole).toInt()) ==
                                                        models::WorkspaceTreeModel::NodeType::Design;
             if (!design && m_tree->selectionModel()->hasSelection())
                 return std::nullopt; // a search or a run is shown, not a design
             shown.designId =
                 design ? std::optional<qint64>(index.data(models::WorkspaceTreeModel::ItemIdRole).toLongLong())
                        : std::nullopt;
             return shown;
         }});
    m_state->subscribe({QStringLiteral("design table"), ExplorerState::Selection | ExplorerState::Filter,
                        [](const ExplorerContext&) {}, // mirrored by the selection link
                        [this]() -> std::optional<ExplorerContext> {
                            ExplorerContext shown = m_state->context();
                            shown.designId = designOf(m_table->selectionModel()->currentIndex());
                            return shown;
                        }});
    m_state->subscribe({QStringLiteral("Pareto plot"), ExplorerState::Selection | ExplorerState::Filter,
                        [this](const ExplorerContext&) { m_paretoView->plot()->update(); },
                        [this]() -> std::optional<ExplorerContext> {
                            ExplorerContext shown = m_state->context();
                            const int row = m_paretoView->plot()->current();
                            shown.designId =
                                designOf(row >= 0 ? m_controller->designModel()->index(row, 0) : QModelIndex());
                            return shown;
                        }});
    // The parallel coordinates: its lines are the rows the filter accepts now (built again on
    // every filter change), and the design it draws as current is the selection's.
    m_state->subscribe({QStringLiteral("parallel coordinates"), ExplorerState::Selection | ExplorerState::Filter,
                        [this](const ExplorerContext&) { m_parallelView->plot()->update(); },
                        [this]() -> std::optional<ExplorerContext> {
                            const widgets::ParallelCoordinatesPlot* plot = m_parallelView->plot();
                            ExplorerContext shown = m_state->context();
                            if (!plot->linesMatchFilter())
                                shown.filter = 0; // lines of an earlier filter
                            const int row = plot->drawnCurrentRow();
                            shown.designId =
                                designOf(row >= 0 ? m_controller->designModel()->index(row, 0) : QModelIndex());
                            return shown;
                        }});
}

void MainWindow::dropHiddenFromSelection() {
    // A design the filter hides is not selected silently: it leaves the selection, and the
    // views that showed it clear.
    QItemSelectionModel* selection = m_controller->selectionModel();
    QItemSelection hidden;
    for (const QModelIndex& index : selection->selectedRows())
        if (!m_proxy->acceptsSourceRow(index.row()))
            hidden.select(index, index.siblingAtColumn(m_controller->designModel()->columnCount() - 1));
    if (!hidden.isEmpty())
        selection->select(hidden, QItemSelectionModel::Deselect);
    const QModelIndex current = selection->currentIndex();
    if (current.isValid() && !m_proxy->acceptsSourceRow(current.row()))
        selection->setCurrentIndex(QModelIndex(), QItemSelectionModel::NoUpdate);
}

void MainWindow::syncTree(std::optional<qint64> designId) {
    // Follow in the tree without echoing back into the selection.
    m_syncingTree = true;
    const QModelIndex treeIndex = designId ? m_controller->treeModel()->indexOfDesign(*designId) : QModelIndex();
    if (treeIndex.isValid()) {
        m_tree->setCurrentIndex(treeIndex);
        m_tree->scrollTo(treeIndex);
    } else {
        m_tree->selectionModel()->clear();
    }
    m_syncingTree = false;
}

} // namespace tcw::app
