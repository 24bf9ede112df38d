// A column of charts that becomes two columns when there is room for them (the detail panel
// docked narrow or floated wide); the order stays row by row.
#pragma once

#include <QWidget>

class QGridLayout;

namespace tcw::widgets {

class ChartGrid : public QWidget {
    Q_OBJECT

public:
    explicit ChartGrid(QWidget* parent = nullptr);
    void addChart(QWidget* chart);
    int columns() const { return m_columns; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void relayout(int columns);

    QGridLayout* m_grid;
    QList<QWidget*> m_charts;
    int m_columns = 1;
};

} // namespace tcw::widgets
