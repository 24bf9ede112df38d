// The best-so-far chart of the search page.
#include "best_so_far_chart.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tcw::widgets {

BestSoFarChart::BestSoFarChart(QWidget* parent)
    : QWidget(parent), m_choice(new QComboBox(this)), m_chart(new QChart), m_line(new QLineSeries), m_x(new QValueAxis),
      m_y(new QValueAxis) {
    m_choice->setObjectName(QStringLiteral("bestSoFarObjective"));
    m_choice->setToolTip(tr("The objective whose best value so far is drawn"));
    m_chart->addSeries(m_line);
    m_chart->legend()->hide();
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    m_line->attachAxis(m_x);
    m_line->attachAxis(m_y);
    m_x->setTitleText(tr("Trials"));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_chart->setMargins({4, 4, 4, 4});
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(160);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Best so far:"), this));
    row->addWidget(m_choice, 1);
    layout->addLayout(row);
    layout->addWidget(m_view, 1);
    connect(m_choice, &QComboBox::currentIndexChanged, this, &BestSoFarChart::showObjective);
}

void BestSoFarChart::setSeries(QList<Series> series) {
    const int previous = m_choice->currentIndex();
    m_series = std::move(series);
    QSignalBlocker block(m_choice);
    m_choice->clear();
    for (const Series& s : m_series)
        m_choice->addItem(s.unit.isEmpty() ? s.name : tr("%1 (%2)").arg(s.name, s.unit));
    const int index = previous >= 0 && previous < m_series.size() ? previous : 0;
    m_choice->setCurrentIndex(m_series.isEmpty() ? -1 : index);
    showObjective(m_series.isEmpty() ? -1 : index);
}

void BestSoFarChart::clear() {
    setSeries({});
}

int BestSoFarChart::shownObjective() const {
    return m_choice->currentIndex();
}

QList<QPointF> BestSoFarChart::drawnPoints() const {
    return m_line->points();
}

void BestSoFarChart::showObjective(int index) {
    m_line->clear();
    if (index < 0 || index >= m_series.size()) {
        m_y->setTitleText({});
        m_x->setRange(0, 1);
        m_y->setRange(0, 1);
        return;
    }
    const Series& s = m_series[index];
    QList<QPointF> points;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (qsizetype i = 0; i < s.value.size(); ++i) {
        const double v = s.value[i];
        if (std::isnan(v))
            continue;
        // A step line: the previous best holds until this trial improves it.
        if (!points.isEmpty() && points.back().y() != v)
            points.append(QPointF(double(i + 1), points.back().y()));
        points.append(QPointF(double(i + 1), v));
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    m_line->replace(points);
    m_y->setTitleText(s.unit.isEmpty() ? s.name : tr("%1 (%2)").arg(s.name, s.unit));
    m_x->setRange(0, std::max<double>(1, double(s.value.size())));
    if (points.isEmpty()) {
        m_y->setRange(0, 1);
        return;
    }
    const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::abs(hi) * 0.05, 1e-12);
    m_y->setRange(lo - pad, hi + pad);
    m_y->applyNiceNumbers();
    m_x->applyNiceNumbers();
}

} // namespace tcw::widgets
