// The main toolbar (GUI.md): workspace ▸ objectives x / y / colour ▸ mode ▸ filter. Every
// control edits the shared ExplorerSettings and follows it when something else changes it.
#pragma once

#include "models/explorer_settings.h"

#include <QToolBar>

class QActionGroup;
class QComboBox;
class QLineEdit;
class QMenu;
class QTimer;
class QToolButton;

namespace tcw::widgets {

class ExplorerToolBar : public QToolBar {
    Q_OBJECT

public:
    explicit ExplorerToolBar(models::ExplorerSettings* settings, QWidget* parent = nullptr);

    // The workspace button: its text is the open workspace's name, its menu the app's
    // workspace commands (new, open, recent, ...).
    void setWorkspaceMenu(QMenu* menu);
    // The objective choices' texts per sequence (latency and energy) while the explorer's
    // designs mix target kinds, as its axes and columns are titled then.
    void setPerSequence(bool perSequence);
    void setWorkspace(const QString& name, const QString& path); // empty name: none open

    QActionGroup* modeActions() const { return m_modeGroup; }
    QComboBox* objectiveCombo(int axis) const; // 0 = x, 1 = y, 2 = colour
    QLineEdit* filterEdit() const { return m_filter; }

public slots:
    void focusFilter(); // Edit ▸ Find

private:
    QComboBox* addObjectiveCombo(const QString& label, const QString& toolTip);
    void syncFromSettings();

    models::ExplorerSettings* m_settings;
    QToolButton* m_workspaceButton;
    QComboBox* m_x;
    QComboBox* m_y;
    QComboBox* m_colour;
    QActionGroup* m_modeGroup;
    QAction* m_inference;
    QAction* m_training;
    QLineEdit* m_filter;
    QTimer* m_filterDelay;
};

} // namespace tcw::widgets
