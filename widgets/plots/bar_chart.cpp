// Bar chart: category labels left, bars on a shared linear axis, totals at the bar ends.
#include "bar_chart.h"

#include "models/objective.h"
#include "plot_painting.h"

#include <QFontMetricsF>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace tcw::widgets {

namespace {
constexpr double kRowHeight = 18;
constexpr double kTitleHeight = 20;
} // namespace

BarChart::BarChart(QWidget* parent) : PlotWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void BarChart::setSeries(models::BarSeries series) {
    m_series = std::move(series);
    setExportName(m_series.title.toLower().replace(' ', '-'));
    setToolTip(m_series.title);
    updateGeometry();
    update();
}

int BarChart::preferredHeight() const {
    const bool legend = m_series.segmentNames.size() > 1;
    return int(kTitleHeight + (legend ? 18 : 0) + std::max<qsizetype>(1, m_series.categories.size()) * kRowHeight + 24);
}

QSize BarChart::sizeHint() const {
    return {320, preferredHeight()};
}

QSize BarChart::minimumSizeHint() const {
    return {200, preferredHeight()};
}

BarChart::Layout BarChart::layoutFor(const QRectF& rect, const QFontMetricsF& fm) const {
    Layout l;
    for (const QString& c : m_series.categories)
        l.labelWidth = std::max(l.labelWidth, fm.horizontalAdvance(c));
    l.labelWidth = std::min(l.labelWidth + 8, rect.width() * 0.4);
    l.legendHeight = m_series.segmentNames.size() > 1 ? 18 : 0;
    const double top = rect.top() + kTitleHeight + l.legendHeight;
    l.plot = QRectF(rect.left() + l.labelWidth, top, rect.width() - l.labelWidth - 64, rect.bottom() - top - 20);
    l.barHeight = m_series.categories.isEmpty() ? 0 : l.plot.height() / double(m_series.categories.size());
    l.max = m_series.fixedMax;
    if (l.max <= 0)
        for (int c = 0; c < m_series.categories.size(); ++c)
            l.max = std::max(l.max, m_series.total(c));
    if (l.max <= 0)
        l.max = 1;
    return l;
}

void BarChart::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    painter.setRenderHint(QPainter::Antialiasing);
    const QFont small = plotting::smallFont(font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    const Layout l = layoutFor(rect, fm);

    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(chrome.text);
    painter.drawText(QPointF(rect.left() + 2, rect.top() + QFontMetricsF(bold).ascent() + 2),
                     m_series.title + QStringLiteral(" (") + m_series.unit + ')');
    painter.setFont(small);
    if (m_series.isEmpty()) {
        painter.setPen(chrome.mutedText);
        painter.drawText(l.plot, Qt::AlignCenter, tr("Nothing to show"));
        return;
    }
    if (m_series.segmentNames.size() > 1) {
        double x = l.plot.left();
        const double y = rect.top() + kTitleHeight + 12;
        for (int s = 0; s < m_series.segmentNames.size(); ++s) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(m_series.segmentColours[std::size_t(s)]);
            painter.drawRect(QRectF(x, y - 8, 10, 10));
            painter.setPen(chrome.mutedText);
            painter.drawText(QPointF(x + 14, y), m_series.segmentNames[s]);
            x += 24 + fm.horizontalAdvance(m_series.segmentNames[s]);
        }
    }
    // Grid and axis labels.
    const models::AxisScale axis{0, l.max, false};
    painter.setPen(QPen(chrome.grid, 1));
    for (const auto& t : models::axisTicks(axis, 5)) {
        const double x = l.plot.left() + t.value / l.max * l.plot.width();
        painter.setPen(QPen(chrome.grid, 1));
        painter.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom()));
        painter.setPen(chrome.mutedText);
        painter.drawText(QPointF(x - fm.horizontalAdvance(t.label) / 2, l.plot.bottom() + fm.ascent() + 3), t.label);
    }
    for (int c = 0; c < m_series.categories.size(); ++c) {
        const double y = l.plot.top() + c * l.barHeight;
        painter.setPen(chrome.text);
        painter.drawText(QRectF(rect.left(), y, l.labelWidth - 6, l.barHeight), Qt::AlignRight | Qt::AlignVCenter,
                         plotting::elided(fm, m_series.categories[c], l.labelWidth - 6));
        double x = l.plot.left();
        const auto& values = m_series.values[std::size_t(c)];
        for (std::size_t s = 0; s < values.size(); ++s) {
            const double w = values[s] / l.max * l.plot.width();
            painter.setPen(Qt::NoPen);
            painter.setBrush(m_series.segmentColours[s]);
            painter.drawRect(QRectF(x, y + l.barHeight * 0.18, std::max(0.0, w), l.barHeight * 0.64));
            x += w;
        }
        painter.setPen(chrome.mutedText);
        painter.drawText(QPointF(x + 4, y + l.barHeight / 2 + fm.ascent() / 2 - 1),
                         models::formatMetric(m_series.total(c)));
    }
    painter.setPen(QPen(chrome.axis, 1));
    painter.drawLine(l.plot.topLeft(), l.plot.bottomLeft());
}

void BarChart::mouseMoveEvent(QMouseEvent* event) {
    const QFontMetricsF fm(plotting::smallFont(font()));
    const Layout l = layoutFor(rect(), fm);
    const int c = l.barHeight > 0 ? int((event->position().y() - l.plot.top()) / l.barHeight) : -1;
    if (c < 0 || c >= m_series.categories.size() || event->position().y() < l.plot.top()) {
        QToolTip::hideText();
        return;
    }
    QString text = QStringLiteral("<b>%1</b>: %2 %3")
                       .arg(m_series.categories[c], QLocale().toString(m_series.total(c), 'g', 4), m_series.unit);
    if (m_series.segmentNames.size() > 1)
        for (int s = 0; s < m_series.segmentNames.size(); ++s)
            text +=
                QStringLiteral("<br>%1: %2 %3")
                    .arg(m_series.segmentNames[s],
                         QLocale().toString(m_series.values[std::size_t(c)][std::size_t(s)], 'g', 4), m_series.unit);
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

} // namespace tcw::widgets
