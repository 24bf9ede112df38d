// The main window's Selection tab (issue 16): the device-selection view and the pruning-pattern
// viewer (widgets::DeviceSelectionPage). It works on files (a device catalogue, a runs folder,
// a tcw prune run), not on the workspace, so the workspace's changes leave it as it is.
#include "main_window.h"

#include "app_paths.h"

#include "panels/device_selection_page.h"

#include <QTabWidget>

namespace tcw::app {

void MainWindow::createSelectionPage() {
    m_selectionPage = new widgets::DeviceSelectionPage(m_explorerTabs);
    m_selectionPage->setDataDir(dataDirectory());
    m_explorerTabs->addTab(m_selectionPage, tr("Selection"));
    m_explorerTabs->setTabToolTip(m_explorerTabs->indexOf(m_selectionPage),
                                  tr("The cheapest catalogue target that meets a latency and an accuracy constraint, "
                                     "the feasibility matrix, accuracy against sparsity, and pruning patterns"));
}

} // namespace tcw::app
