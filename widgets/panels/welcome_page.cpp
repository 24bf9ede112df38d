// Welcome page: a centred column with the app's identity, actions and recent files.
#include "welcome_page.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace tcw::widgets {

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("welcomePage"));
    auto* icon = new QLabel(this);
    icon->setPixmap(QApplication::windowIcon().pixmap(96, 96));
    icon->setAlignment(Qt::AlignCenter);

    auto* title = new QLabel(tr("TransCODE Workbench"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2.0);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setAlignment(Qt::AlignCenter);

    auto* tagline = new QLabel(tr("Co-design transformers and accelerators: train with runtime pruning, simulate, "
                                  "search, and explore the accuracy, latency, energy and area trade-offs."),
                               this);
    tagline->setWordWrap(true);
    tagline->setAlignment(Qt::AlignCenter);
    tagline->setForegroundRole(QPalette::PlaceholderText);

    m_buttons = new QWidget(this);
    new QHBoxLayout(m_buttons);
    m_buttons->layout()->setContentsMargins(0, 0, 0, 0);

    m_recentTitle = new QLabel(tr("Recent workspaces"), this);
    QFont recentFont = m_recentTitle->font();
    recentFont.setBold(true);
    m_recentTitle->setFont(recentFont);
    m_recent = new QListWidget(this);
    m_recent->setObjectName(QStringLiteral("recentWorkspaces"));
    m_recent->setToolTip(tr("Double-click or press Enter to open"));
    m_recent->setMaximumWidth(560);
    m_recent->setMinimumWidth(420);
    m_recent->setMaximumHeight(220);
    m_recent->setFrameShape(QFrame::StyledPanel);
    connect(m_recent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { emit recentFileActivated(item->data(Qt::UserRole).toString()); });

    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(48, 24, 48, 24);
    column->addStretch(2);
    column->addWidget(icon);
    column->addWidget(title);
    column->addSpacing(4);
    column->addWidget(tagline); // full width: an aligned wrapped label would be clipped
    column->addSpacing(20);
    column->addWidget(m_buttons, 0, Qt::AlignHCenter);
    column->addSpacing(24);
    column->addWidget(m_recentTitle, 0, Qt::AlignHCenter);
    column->addWidget(m_recent, 0, Qt::AlignHCenter);
    column->addStretch(3);
    setRecentFiles({});
}

void WelcomePage::setActions(const QList<QAction*>& actions) {
    auto* layout = static_cast<QHBoxLayout*>(m_buttons->layout());
    while (QLayoutItem* item = layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (QAction* action : actions) {
        auto* button = new QToolButton(m_buttons);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setMinimumSize(150, 34);
        layout->addWidget(button);
    }
}

void WelcomePage::setRecentFiles(const QStringList& paths) {
    m_recent->clear();
    for (const QString& path : paths) {
        const QFileInfo info(path);
        auto* item = new QListWidgetItem(
            QStringLiteral("%1    %2").arg(info.completeBaseName(), QDir::toNativeSeparators(info.absolutePath())),
            m_recent);
        item->setData(Qt::UserRole, path);
        item->setToolTip(QDir::toNativeSeparators(path));
        if (!info.exists()) {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(tr("%1 (missing)").arg(QDir::toNativeSeparators(path)));
        }
    }
    m_recentTitle->setVisible(!paths.isEmpty());
    m_recent->setVisible(!paths.isEmpty());
}

} // namespace tcw::widgets
