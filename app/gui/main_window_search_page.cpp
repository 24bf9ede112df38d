// The main window's search page: the explorer's fourth tab shows one stored search (its
// configuration, hypervolume history, best so far, designs). The list of searches follows the
// workspace; a page is read off the GUI thread and dropped when a newer read or another
// workspace came meanwhile; a search that ends while its page is shown is read again.
#include "main_window.h"
#include "search_controller.h"
#include "search_page_loader.h"
#include "workspace_controller.h"

#include "models/design_proxy_model.h"
#include "panels/explorer_toolbar.h"
#include "panels/search_page.h"

#include <QFutureWatcher>
#include <QLineEdit>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace tcw::app {

void MainWindow::createSearchPage() {
    m_searchPage = new widgets::SearchPage(m_explorerTabs);
    m_explorerTabs->addTab(m_searchPage, tr("Search"));
    m_explorerTabs->setTabToolTip(m_explorerTabs->indexOf(m_searchPage),
                                  tr("One stored search: its configuration, hypervolume history, best so far and "
                                     "designs (a search in the Workspace tree opens it)"));
}

void MainWindow::connectSearchPage() {
    connect(m_searchPage, &widgets::SearchPage::searchChosen, this, &MainWindow::loadSearchPage);
    connect(m_searchPage, &widgets::SearchPage::showDesignsRequested, this, [this](qint64 searchId) {
        m_toolBar->filterEdit()->setText(QStringLiteral("search:%1").arg(searchId));
        m_proxy->setFilterText(m_toolBar->filterEdit()->text()); // at once, not after the typing delay
        showView(QStringLiteral("pareto"));
    });
    // Every view shows the state of now: another workspace clears the page before its content
    // arrives; a reload refreshes the list of searches and what "search:N" keeps.
    connect(m_controller, &WorkspaceController::workspaceChanging, this, [this] {
        ++m_searchPageGeneration;
        m_searchPage->setSearches({});
    });
    connect(m_controller, &WorkspaceController::contentChanged, this, &MainWindow::refreshSearchPageList);
    connect(m_search, &SearchController::finished, this, [this] {
        if (m_searchPage->shownSearch() > 0 && m_explorerTabs->currentWidget() == m_searchPage)
            loadSearchPage(m_searchPage->shownSearch());
    });
    connect(m_explorerTabs, &QTabWidget::currentChanged, this, [this] {
        // Coming back to the page shows the search as it is now (a search may have run on).
        if (m_explorerTabs->currentWidget() == m_searchPage && m_searchPage->chosenSearch() > 0)
            loadSearchPage(m_searchPage->chosenSearch());
    });
}

void MainWindow::refreshSearchPageList() {
    QList<QPair<qint64, QString>> searches;
    for (const auto& item : m_controller->treeContent().searches)
        searches.append({item.id, item.name});
    m_searchPage->setSearches(searches);
    m_proxy->setSearchMembers(m_controller->searchMembers());
}

void MainWindow::openSearchPage(qint64 searchId) {
    refreshSearchPageList(); // the selector lists what the tree lists now
    showView(QStringLiteral("search-page"));
    m_searchPage->chooseSearch(searchId);
}

void MainWindow::loadSearchPage(qint64 searchId) {
    if (!m_controller->isOpen() || searchId <= 0)
        return;
    const int generation = ++m_searchPageGeneration;
    const QString path = m_controller->filePath();
    auto* watcher = new QFutureWatcher<widgets::SearchPageContent>(this);
    connect(watcher, &QFutureWatcher<widgets::SearchPageContent>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_searchPageGeneration)
            return; // a newer read, or another workspace, came meanwhile
        m_searchPage->setContent(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path, searchId] { return tcw::app::loadSearchPage(path, searchId); }));
}

} // namespace tcw::app
