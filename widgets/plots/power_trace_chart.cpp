#include "power_trace_chart.h"

#include "models/colour_map.h"
#include "profile/power_math.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

PowerTraceChart::PowerTraceChart(QWidget* parent)
    : QWidget(parent), m_chart(new QChart), m_trace(new QLineSeries), m_windowMean(new QLineSeries),
      m_idle(new QLineSeries), m_peak(new QLineSeries), m_windowStart(new QLineSeries), m_windowEnd(new QLineSeries),
      m_bandLow(new QLineSeries), m_bandHigh(new QLineSeries), m_band(new QAreaSeries(m_bandHigh, m_bandLow)),
      m_x(new QValueAxis), m_y(new QValueAxis) {
    m_trace->setName(tr("power samples"));
    m_windowMean->setName(tr("mean over the peak window"));
    m_idle->setName(tr("idle"));
    m_peak->setName(tr("peak"));
    m_windowStart->setName(tr("window"));
    m_windowEnd->setName(tr("window end"));
    m_band->setName(tr("measured window"));
    QColor band = QColor::fromRgb(models::viridis(0.75));
    band.setAlpha(50);
    m_band->setBrush(band);
    m_band->setPen(Qt::NoPen);
    // The raw samples thin and light, the windowed mean (what the peak is the largest of) bold.
    QColor samples = QColor::fromRgb(models::viridis(0.3));
    samples.setAlpha(110);
    m_trace->setPen(QPen(samples, 0.9));
    m_windowMean->setPen(QPen(QColor::fromRgb(models::viridis(0.05)), 2.2));
    m_idle->setPen(QPen(QColor(230, 140, 20), 2.2, Qt::DashLine));
    m_peak->setPen(QPen(QColor(200, 60, 40), 1.6, Qt::DashDotLine));
    const QPen edge(QColor::fromRgb(models::viridis(0.75)).darker(130), 1.2);
    m_windowStart->setPen(edge);
    m_windowEnd->setPen(edge);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{m_band, m_trace, m_windowMean, m_idle, m_peak,
                                                                      m_windowStart, m_windowEnd})
        m_chart->addSeries(s);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractSeries* s : m_chart->series()) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    // One legend entry for the two window edges.
    for (QLegendMarker* marker : m_chart->legend()->markers(m_windowEnd))
        marker->setVisible(false);
    for (QLegendMarker* marker : m_chart->legend()->markers(m_windowStart))
        marker->setVisible(false);
    m_x->setTitleText(tr("Time (s)"));
    m_y->setTitleText(tr("Power (W)"));
    // The key is a wrapped label under the chart: Qt Charts' legend is one line, which a
    // narrow chart truncates ("power…", "idle 1…").
    m_chart->legend()->setVisible(false);
    m_chart->setMargins({4, 4, 4, 4});
    m_view = new QChartView(m_chart, this);
    m_view->setObjectName(QStringLiteral("powerTraceView"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(130); // + the key under it: the page's minimum height stays as it was
    m_view->setToolTip(tr("The power trace of the selected row: the thin line is the raw samples, the bold line "
                          "the mean power over the profile's peak window, whose highest point is the peak (red); "
                          "the shaded band is the measured window (timed runs), the dashed line the idle power. "
                          "Raw samples can spike far above the peak: a counter that advances in steps coarser "
                          "than the sampling period gives samples of 0 and of twice the power"));
    m_key = new QLabel(this);
    m_key->setObjectName(QStringLiteral("powerTraceKey"));
    m_key->setWordWrap(true);
    m_key->setTextFormat(Qt::RichText);
    m_key->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Maximum);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_key);
    clear();
}

bool PowerTraceChart::hasTrace() const {
    return m_trace->count() > 0;
}

void PowerTraceChart::clear(const QString& message) {
    for (QLineSeries* s : {m_trace, m_windowMean, m_idle, m_peak, m_windowStart, m_windowEnd, m_bandLow, m_bandHigh})
        s->clear();
    m_chart->setTitle(message.isEmpty() ? tr("Select a measured row with a power trace") : message);
    updateKey();
    m_x->setRange(0, 1);
    m_y->setRange(0, 1);
}

void PowerTraceChart::setRow(const QString& title, const profile::ProfileRow& row, std::optional<double> idleW,
                             const profile::ProfileSettings& settings) {
    const double peakWindowMs = settings.peakWindowMs;
    const profile::PowerTrace& t = row.trace;
    if (t.empty()) {
        clear(tr("%1: no power trace (%2)")
                  .arg(title, row.peakPowerW.available()
                                  ? tr("the source kept none")
                                  : QString::fromStdString(row.peakPowerW.reason.empty() ? "no power source"
                                                                                         : row.peakPowerW.reason)));
        return;
    }
    clear();
    QList<QPointF> points;
    double hi = 0;
    for (std::size_t i = 0; i < t.timeSeconds.size() && i < t.powerW.size(); ++i) {
        points.append(QPointF(t.timeSeconds[i], t.powerW[i]));
        hi = std::max(hi, t.powerW[i]);
    }
    m_trace->replace(points);
    m_trace->setName(tr("power, %1 ms samples").arg(settings.samplePeriodMs, 0, 'f', 0));
    // The means the peak is the largest of (profile::peakPowerW's runs over the window).
    const profile::PowerTrace means = profile::windowMeanTrace(
        t, profile::isCounterTrace(settings), peakWindowMs / 1000.0, t.windowStartSeconds, t.windowEndSeconds);
    QList<QPointF> meanPoints;
    for (std::size_t i = 0; i < means.timeSeconds.size(); ++i)
        meanPoints.append(QPointF(means.timeSeconds[i], means.powerW[i]));
    m_windowMean->replace(meanPoints);
    m_windowMean->setName(tr("mean over %1 ms").arg(peakWindowMs, 0, 'f', 0));
    const double x0 = t.timeSeconds.front(), x1 = t.timeSeconds.back();
    if (idleW) {
        m_idle->replace({QPointF(x0, *idleW), QPointF(x1, *idleW)});
        hi = std::max(hi, *idleW);
        m_idle->setName(tr("idle %1 W").arg(*idleW, 0, 'f', 1));
    } else {
        m_idle->setName(tr("idle (not measured)"));
    }
    if (row.peakPowerW.value) {
        const double peak = *row.peakPowerW.value;
        m_peak->replace({QPointF(t.windowStartSeconds, peak), QPointF(t.windowEndSeconds, peak)});
        hi = std::max(hi, peak);
        m_peak->setName(tr("peak %1 W (highest %2 ms mean)").arg(peak, 0, 'f', 1).arg(peakWindowMs, 0, 'f', 0));
        m_peak->setProperty("windowMs", peakWindowMs);
    }
    m_y->setRange(0, hi * 1.05 + 1e-9);
    m_y->applyNiceNumbers();
    const double top = m_y->max();
    m_windowStart->replace({QPointF(t.windowStartSeconds, 0), QPointF(t.windowStartSeconds, top)});
    m_windowEnd->replace({QPointF(t.windowEndSeconds, 0), QPointF(t.windowEndSeconds, top)});
    m_bandLow->replace({QPointF(t.windowStartSeconds, 0), QPointF(t.windowEndSeconds, 0)});
    m_bandHigh->replace({QPointF(t.windowStartSeconds, top), QPointF(t.windowEndSeconds, top)});
    m_band->setName(tr("window"));
    m_x->setRange(x0, x1 > x0 ? x1 : x0 + 1);
    m_x->applyNiceNumbers();
    m_band->setName(tr("window %1–%2 s").arg(t.windowStartSeconds, 0, 'f', 2).arg(t.windowEndSeconds, 0, 'f', 2));
    m_chart->setTitle(title);
    updateKey();
}

void PowerTraceChart::updateKey() {
    // One swatch and name per drawn series, in the pens' colours; the window edges share the band's.
    QStringList items;
    auto item = [&items](const QColor& colour, const QString& name) {
        items << QStringLiteral("<span style=\"color:%1\">■</span>&nbsp;%2")
                     .arg(colour.name(), name.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;")));
    };
    if (m_trace->count() > 0) {
        item(m_band->brush().color().darker(140), m_band->name());
        item(m_trace->pen().color(), m_trace->name());
        if (m_windowMean->count() > 0)
            item(m_windowMean->pen().color(), m_windowMean->name());
        if (m_idle->count() > 0)
            item(m_idle->pen().color(), m_idle->name());
        if (m_peak->count() > 0)
            item(m_peak->pen().color(), m_peak->name());
    }
    m_key->setText(items.join(QStringLiteral(" &nbsp; ")));
    m_key->setVisible(!items.isEmpty());
}

} // namespace tcw::widgets
