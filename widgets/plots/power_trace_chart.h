// The power trace of one measured row of a device profile (Qt Charts, the Devices view): power
// against time, the measured window shaded between two lines, the idle power as a dashed line,
// the row's peak power (the largest mean over the profile's peak window) as a line over the
// window. The series are named for tests and the legend explains each.
#pragma once

#include "profile/device_profile.h"

#include <QWidget>

#include <optional>

class QChart;
class QChartView;
class QLineSeries;
class QAreaSeries;
class QValueAxis;

namespace tcw::widgets {

class PowerTraceChart : public QWidget {
    Q_OBJECT

public:
    explicit PowerTraceChart(QWidget* parent = nullptr);

    // Shows the row's trace (an empty trace: the message why there is none). idleW: the
    // profile's idle power when measured; peakWindowMs: the profile's window.
    void setRow(const QString& title, const profile::ProfileRow& row, std::optional<double> idleW, double peakWindowMs);
    void clear(const QString& message = {});
    bool hasTrace() const;

    // For tests: the drawn lines (power in W, time in s).
    QLineSeries* traceSeries() const { return m_trace; }
    QLineSeries* idleSeries() const { return m_idle; }
    QLineSeries* peakSeries() const { return m_peak; }
    QLineSeries* windowStartSeries() const { return m_windowStart; }
    QLineSeries* windowEndSeries() const { return m_windowEnd; }
    QChartView* chartView() const { return m_view; }

private:
    QChart* m_chart;
    QChartView* m_view;
    QLineSeries *m_trace, *m_idle, *m_peak, *m_windowStart, *m_windowEnd;
    QLineSeries *m_bandLow, *m_bandHigh;
    QAreaSeries* m_band;
    QValueAxis *m_x, *m_y;
};

} // namespace tcw::widgets
