// The Log tab: the application's messages with a level filter, copy and clear. Follows the
// newest message while scrolled to the end.
#pragma once

#include <QWidget>

class QComboBox;
class QTableView;

namespace tcw::models {
class LogModel;
}

namespace tcw::widgets {

class LogPanel : public QWidget {
    Q_OBJECT

public:
    explicit LogPanel(models::LogModel* model, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    int visibleRowCount() const;

public slots:
    void setMinimumLevel(QtMsgType type); // QtDebugMsg shows everything
    void copyAll();

private:
    models::LogModel* m_model;
    QTableView* m_view;
    QComboBox* m_level;
    class LevelFilter;
    LevelFilter* m_filter;
};

} // namespace tcw::widgets
