// The power trace of one measured row of a device profile (Qt Charts, the Devices view): power
// against time, the measured window shaded between two lines, the idle power as a dashed line,
// the row's peak power (the largest mean over the profile's peak window) as a line over the
// window. The series are named for tests and the legend explains each. The raw samples are
// drawn thin and labelled with their period; beside them the mean power over the profile's peak
// window (profile::windowMeanTrace), whose highest point is the peak: a counter that advances
// coarser than the sampling period (NVML's on an H100: ~100 ms steps under 50 ms samples) makes
// the samples alternate between 0 and twice the power, so they spike far above the peak.
#pragma once

#include "profile/device_profile.h"

#include <QWidget>

#include <optional>

class QChart;
class QLabel;
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
    // profile's idle power when measured; settings: its sampling period, peak window and power
    // source (a counter's trace or instantaneous samples).
    void setRow(const QString& title, const profile::ProfileRow& row, std::optional<double> idleW,
                const profile::ProfileSettings& settings);
    void clear(const QString& message = {});
    bool hasTrace() const;

    // For tests: the drawn lines (power in W, time in s).
    QLineSeries* traceSeries() const { return m_trace; }
    QLineSeries* idleSeries() const { return m_idle; }
    QLineSeries* peakSeries() const { return m_peak; }
    QLineSeries* windowMeanSeries() const { return m_windowMean; } // mean over the peak window
    QLineSeries* windowStartSeries() const { return m_windowStart; }
    QLineSeries* windowEndSeries() const { return m_windowEnd; }
    QChartView* chartView() const { return m_view; }
    QLabel* keyLabel() const { return m_key; } // the legend, wrapped under the chart

private:
    void updateKey();

    QChart* m_chart;
    QLabel* m_key = nullptr;
    QChartView* m_view;
    QLineSeries *m_trace, *m_windowMean, *m_idle, *m_peak, *m_windowStart, *m_windowEnd;
    QLineSeries *m_bandLow, *m_bandHigh;
    QAreaSeries* m_band;
    QValueAxis *m_x, *m_y;
};

} // namespace tcw::widgets
