// Chart grid: re-places the charts when the column count changes.
#include "chart_grid.h"

#include <QGridLayout>
#include <QResizeEvent>

namespace tcw::widgets {

namespace {
constexpr int kTwoColumnWidth = 760; // two charts of ~380 px stay readable
}

ChartGrid::ChartGrid(QWidget* parent) : QWidget(parent), m_grid(new QGridLayout(this)) {
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setHorizontalSpacing(16);
    m_grid->setVerticalSpacing(10);
}

void ChartGrid::addChart(QWidget* chart) {
    m_charts << chart;
    chart->setParent(this);
    const int i = int(m_charts.size()) - 1;
    m_grid->addWidget(chart, i / m_columns, i % m_columns, Qt::AlignTop);
}

void ChartGrid::relayout(int columns) {
    m_columns = columns;
    for (QWidget* chart : m_charts)
        m_grid->removeWidget(chart);
    for (int i = 0; i < m_charts.size(); ++i)
        m_grid->addWidget(m_charts[i], i / columns, i % columns, Qt::AlignTop);
    for (int c = 0; c < 2; ++c)
        m_grid->setColumnStretch(c, c < columns ? 1 : 0);
}

void ChartGrid::resizeEvent(QResizeEvent* event) {
    const int columns = event->size().width() >= kTwoColumnWidth ? 2 : 1;
    if (columns != m_columns)
        relayout(columns);
    QWidget::resizeEvent(event);
}

} // namespace tcw::widgets
