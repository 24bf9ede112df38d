// Help ▸ Keyboard Shortcuts: every menu command that has a shortcut, read from the menus
// themselves so the list cannot drift from what the keys do.
#pragma once

#include <QDialog>

class QMenuBar;

namespace tcw::app {

class ShortcutsDialog : public QDialog {
    Q_OBJECT

public:
    explicit ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);
    int shortcutCount() const { return m_count; }

private:
    int m_count = 0;
};

} // namespace tcw::app
