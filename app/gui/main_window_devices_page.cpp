// The main window's Devices page (issue 14): the explorer's fifth tab shows the workspace's
// device profiles (widgets/panels/devices_page.h). It follows the open workspace, reads again
// when the workspace's content changes (a device search run by tcw stores its profiles), and
// tells the explorer to reload after an import or a profile.
#include "app_paths.h"
#include "main_window.h"
#include "workspace_controller.h"

#include "models/device_table_model.h"
#include "panels/devices_page.h"
#include "panels/search_panel.h"

#include <QAction>
#include <QTabWidget>

namespace tcw::app {

void MainWindow::createDevicesPage() {
    m_devicesPage = new widgets::DevicesPage(m_explorerTabs);
    m_explorerTabs->addTab(m_devicesPage, tr("Devices"));
    m_explorerTabs->setTabToolTip(m_explorerTabs->indexOf(m_devicesPage),
                                  tr("Measured devices: each profile's min / median / max latency, energy and peak "
                                     "power, its rows and power traces; import profiles or profile this computer "
                                     "(Ctrl+5)"));
    m_showDevices = new QAction(tr("De&vices"), this);
    m_showDevices->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_5));
    m_showDevices->setToolTip(tr("Show the workspace's measured devices"));
    m_showDevices->setStatusTip(m_showDevices->toolTip());
    addAction(m_showDevices);
    connect(m_showDevices, &QAction::triggered, this, [this] { showView(QStringLiteral("devices")); });
}

void MainWindow::connectDevicesPage() {
    connect(m_controller, &WorkspaceController::workspaceOpened, this, [this](const QString& path) {
        m_devicesPage->setInteractive(m_interactive);
        m_devicesPage->setWorkspace(path, dataDirectory());
    });
    connect(m_controller, &WorkspaceController::workspaceClosed, this, [this] {
        m_devicesPage->setWorkspace({}, dataDirectory());
        m_searchPanel->setWorkspaceDevices({});
    });
    // Issue 14: the Search panel lists the workspace's devices beside the presets (read once,
    // by this page, off the GUI thread).
    connect(m_devicesPage, &widgets::DevicesPage::loaded, this,
            [this] { m_searchPanel->setWorkspaceDevices(m_devicesPage->deviceModel()->profiles()); });
    connect(m_controller, &WorkspaceController::contentChanged, m_devicesPage, &widgets::DevicesPage::reload);
}

} // namespace tcw::app
