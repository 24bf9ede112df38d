// The main window's GPTran view (issue 14): the explorer's sixth tab shows the workspace's
// grow-and-prune runs as a tree (tcw grow-prune stores them with their lineage). It is read off
// the GUI thread whenever the tab is shown or the workspace's content changes; a read that
// finishes after a newer one or another workspace is dropped. Choosing a node selects its
// design in the explorer.
#include "grow_prune_loader.h"
#include "main_window.h"
#include "workspace_controller.h"

#include "panels/grow_prune_page.h"

#include <QFutureWatcher>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace tcw::app {

void MainWindow::createGrowPrunePage() {
    m_growPrunePage = new widgets::GrowPrunePage(m_explorerTabs);
    m_explorerTabs->addTab(m_growPrunePage, tr("GPTran"));
    m_explorerTabs->setTabToolTip(m_explorerTabs->indexOf(m_growPrunePage),
                                  tr("The grow-and-prune runs of the workspace as a tree: operator, accuracy and the "
                                     "target's costs per child (tcw grow-prune)"));
}

void MainWindow::connectGrowPrunePage() {
    connect(m_growPrunePage, &widgets::GrowPrunePage::designRequested, this,
            [this](qint64 designId) { m_controller->selectDesign(designId); });
    connect(m_controller, &WorkspaceController::workspaceChanging, this, [this] {
        ++m_growPruneGeneration;
        m_growPrunePage->setNodes({});
    });
    const auto reloadIfShown = [this] {
        if (m_explorerTabs->currentWidget() == m_growPrunePage)
            loadGrowPrunePage();
    };
    connect(m_controller, &WorkspaceController::contentChanged, this, reloadIfShown);
    connect(m_explorerTabs, &QTabWidget::currentChanged, this, reloadIfShown);
}

void MainWindow::loadGrowPrunePage() {
    if (!m_controller->isOpen())
        return;
    const int generation = ++m_growPruneGeneration;
    const QString path = m_controller->filePath();
    auto* watcher = new QFutureWatcher<GrowPruneTreeContent>(this);
    connect(watcher, &QFutureWatcher<GrowPruneTreeContent>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_growPruneGeneration)
            return;
        const GrowPruneTreeContent content = watcher->result();
        m_growPrunePage->setNodes(content.nodes, content.error);
        emit growPruneTreeLoaded();
    });
    watcher->setFuture(QtConcurrent::run([path] { return loadGrowPruneTree(path); }));
}

} // namespace tcw::app
