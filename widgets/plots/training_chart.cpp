// The Training panel's charts: their shared set-up.
#include "training_chart.h"

#include "chart_axes.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLineSeries>

#include <algorithm>

namespace tcw::widgets {

TrainingChart::TrainingChart(const models::TrainingSeries* series, QWidget* parent)
    : ChartPlot(parent), m_series(series) {}

TrainingChart::Axes TrainingChart::prepare(QChart& chart, const plotting::Chrome& chrome, const QString& title,
                                           const models::AxisScale& x, const QString& xTitle,
                                           const models::AxisScale& y, const QString& yTitle) const {
    charts::prepareChart(chart, chrome, font(), title);
    const Axes axes{charts::niceAxis(x, 8, xTitle, chrome, font()), charts::niceAxis(y, 7, yTitle, chrome, font())};
    chart.addAxis(axes.x, Qt::AlignBottom);
    chart.addAxis(axes.y, Qt::AlignLeft);
    return axes;
}

models::AxisScale TrainingChart::stepScale() const {
    return {0.0, std::max<double>(1.0, static_cast<double>(m_series->totalSteps())), false};
}

void TrainingChart::attach(QChart& chart, QAbstractSeries* series, const Axes& axes) {
    chart.addSeries(series);
    series->attachAxis(axes.x);
    series->attachAxis(axes.y);
}

QLineSeries* TrainingChart::line(const QString& name, const QPen& pen) {
    auto* series = new QLineSeries;
    series->setName(name);
    series->setPen(pen);
    return series;
}

QString TrainingChart::noRunYetOr(const QString& whyEmpty) const {
    return m_series->points().empty() ? tr("No run yet") : whyEmpty;
}

} // namespace tcw::widgets
