// Shortcuts dialog: walks the menu bar, one row per action with a shortcut.
#include "shortcuts_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tcw::app {

namespace {
QString plain(QString text) {
    text.remove(QLatin1Char('&'));
    return text;
}

void collect(const QMenu* menu, const QString& path, QTreeWidget* tree, int& count) {
    for (QAction* action : menu->actions()) {
        if (action->isSeparator())
            continue;
        if (action->menu()) {
            collect(action->menu(), path + plain(action->text()) + QStringLiteral(" ▸ "), tree, count);
            continue;
        }
        const QList<QKeySequence> keys = action->shortcuts();
        if (keys.isEmpty())
            continue;
        QStringList texts;
        for (const QKeySequence& key : keys)
            texts << key.toString(QKeySequence::NativeText);
        auto* item = new QTreeWidgetItem(tree, {path + plain(action->text()), texts.join(QStringLiteral(", "))});
        item->setToolTip(0, action->toolTip());
        ++count;
    }
}
} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menus, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Keyboard Shortcuts"));
    auto* tree = new QTreeWidget(this);
    tree->setHeaderLabels({tr("Command"), tr("Shortcut")});
    tree->setRootIsDecorated(false);
    tree->setAlternatingRowColors(true);
    for (QAction* top : menus->actions())
        if (top->menu())
            collect(top->menu(), plain(top->text()) + QStringLiteral(" ▸ "), tree, m_count);
    // Keys the plots and the table handle themselves (they have no menu command).
    const QList<QPair<QString, QString>> viewKeys = {
        {tr("Pareto plot, parallel coordinates ▸ Next design on the front"), tr("→ or ↑")},
        {tr("Pareto plot, parallel coordinates ▸ Previous design on the front"), tr("← or ↓")},
        {tr("Pareto plot, parallel coordinates, table ▸ Selection in or out of the export set"), tr("Space")},
        {tr("Pareto plot ▸ Reset zoom"), tr("Home, or double-click")},
        {tr("Pareto plot ▸ Zoom in / out"), tr("+ / −, or the wheel")},
        {tr("Parallel coordinates ▸ Clear brushes"), tr("Esc")},
    };
    for (const auto& [command, key] : viewKeys) {
        new QTreeWidgetItem(tree, {command, key});
        ++m_count;
    }
    tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tree);
    layout->addWidget(buttons);
    resize(560, 520);
}

} // namespace tcw::app
