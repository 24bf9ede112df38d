// Bar chart: a QHorizontalBarSeries (one segment) or QHorizontalStackedBarSeries (several),
// categories on a QBarCategoryAxis, values on a nice-number axis from 0.
#include "bar_chart.h"

#include "chart_axes.h"
#include "models/colour_map.h"
#include "models/objective.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QLegend>
#include <QLocale>

#include <algorithm>

namespace tcw::widgets {

namespace {
constexpr int kRowHeight = 20;
}

BarChart::BarChart(QWidget* parent) : ChartPlot(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void BarChart::setSeries(models::BarSeries series) {
    m_series = std::move(series);
    setExportName(m_series.title.toLower().replace(' ', '-'));
    setWhatsThis(m_series.title);
    updateGeometry();
    scheduleRebuild();
}

int BarChart::preferredHeight() const {
    const bool legend = m_series.segmentNames.size() > 1;
    // Title, the value axis' labels and margins, the legend, the bars.
    return int(66 + (legend ? 22 : 0) + std::max<qsizetype>(1, m_series.categories.size()) * kRowHeight);
}

QSize BarChart::sizeHint() const {
    return {320, preferredHeight()};
}

QSize BarChart::minimumSizeHint() const {
    return {200, preferredHeight()};
}

QString BarChart::categoryLabel(int c) const {
    return QStringLiteral("%1  %2").arg(m_series.categories[c], models::formatMetric(m_series.total(c)));
}

double BarChart::axisMax() const {
    double max = m_series.fixedMax;
    if (max <= 0)
        for (int c = 0; c < m_series.categories.size(); ++c)
            max = std::max(max, m_series.total(c));
    return max > 0 ? max : 1;
}

QString BarChart::emptyMessage() const {
    return m_series.isEmpty() ? tr("Nothing to show") : QString();
}

void BarChart::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    charts::prepareChart(chart, chrome, font(),
                         m_series.title.isEmpty() ? QString()
                                                  : m_series.title + QStringLiteral(" (") + m_series.unit + ')');
    const bool stacked = m_series.segmentNames.size() > 1;
    chart.legend()->setVisible(stacked);
    chart.legend()->setMarkerShape(QLegend::MarkerShapeRectangle); // filled in the segment's colour
    QCategoryAxis* valueAxis = charts::niceAxis(models::AxisScale{0, axisMax(), false}, 5, QString(), chrome, font());
    chart.addAxis(valueAxis, Qt::AlignBottom);
    if (m_series.isEmpty())
        return;
    QAbstractBarSeries* bars = stacked ? static_cast<QAbstractBarSeries*>(new QHorizontalStackedBarSeries)
                                       : static_cast<QAbstractBarSeries*>(new QHorizontalBarSeries);
    bars->setBarWidth(0.64);
    // Qt Charts puts the first category at the bottom; the series lists them top to bottom.
    const int n = int(m_series.categories.size());
    for (int s = 0; s < std::max<int>(1, int(m_series.segmentNames.size())); ++s) {
        auto* set = new QBarSet(s < m_series.segmentNames.size() ? m_series.segmentNames[s] : m_series.title);
        const QColor colour = s < int(m_series.segmentColours.size()) ? m_series.segmentColours[std::size_t(s)]
                                                                      : models::palette::series(0);
        set->setColor(colour);
        set->setBorderColor(colour);
        for (int c = n - 1; c >= 0; --c) {
            const auto& values = m_series.values[std::size_t(c)];
            set->append(std::size_t(s) < values.size() ? values[std::size_t(s)] : 0.0);
        }
        bars->append(set);
    }
    chart.addSeries(bars);
    QStringList labels;
    for (int c = n - 1; c >= 0; --c)
        labels << categoryLabel(c);
    auto* categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(labels);
    charts::styleAxis(categoryAxis, chrome, font());
    categoryAxis->setLabelsBrush(chrome.text);
    categoryAxis->setGridLineVisible(false);
    // Qt Charts would elide a label to "…" once a row is lower than the label plus padding
    // (about 24 px); the rows are sized for the font (preferredHeight), so show them whole.
    categoryAxis->setTruncateLabels(false);
    chart.addAxis(categoryAxis, Qt::AlignLeft);
    bars->attachAxis(valueAxis);
    bars->attachAxis(categoryAxis);
}

QString BarChart::barToolTip(const QBarSet*, int index) const {
    const int c = int(m_series.categories.size()) - 1 - index; // bars are bottom to top
    if (c < 0 || c >= m_series.categories.size())
        return {};
    const QLocale locale;
    QString text =
        QStringLiteral("<b>%1</b>: %2 %3")
            .arg(m_series.categories[c].toHtmlEscaped(), models::formatMetric(m_series.total(c)), m_series.unit);
    if (m_series.segmentNames.size() > 1)
        for (int s = 0; s < m_series.segmentNames.size(); ++s)
            text += QStringLiteral("<br>%1: %2 %3")
                        .arg(m_series.segmentNames[s],
                             models::formatMetric(m_series.values[std::size_t(c)][std::size_t(s)]), m_series.unit);
    return text;
}

} // namespace tcw::widgets
