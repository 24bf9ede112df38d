// Why the Pareto plot is not a Qt Charts chart: the pan frame of 100,000 points in the
// project's ScatterPlot against a QChartView with one QScatterSeries of the same points (one
// colour, Qt Charts' software path), side by side in one process, offscreen, 900 × 600.
// Each frame moves the view by a few pixels and repaints synchronously. Prints medians of
// wall time and the load average (the machine may be shared). Never run by ctest.
#include "plots/scatter_plot.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace tcw;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}
} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const int n = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 100000;
    const int frames = 15;
    std::mt19937_64 rng(7);
    std::normal_distribution<double> gauss;
    widgets::ScatterPlot::Data data;
    auto* series = new QScatterSeries;
    QList<QPointF> points;
    for (int i = 0; i < n; ++i) {
        const double x = std::exp(gauss(rng)), y = 75 + 3 * gauss(rng);
        data.x.push_back(x);
        data.y.push_back(y);
        data.colour.push_back(gauss(rng));
        data.flags.push_back(widgets::ScatterPlot::Visible | widgets::ScatterPlot::Feasible |
                             widgets::ScatterPlot::Eligible);
        points.append(QPointF(x, y));
    }
    data.xTitle = "latency";
    data.yTitle = "accuracy";

    widgets::ScatterPlot own;
    own.resize(900, 600);
    own.setData(data);
    own.show();
    app.processEvents();
    std::vector<double> ownMs;
    for (int i = 0; i < frames; ++i) {
        const auto start = Clock::now();
        own.panByPixels(QPointF(i % 2 ? 7 : -7, i % 3 ? 4 : -4));
        own.repaint();
        ownMs.push_back(msSince(start));
    }

    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    series->replace(points);
    series->setMarkerSize(5);
    chart->addSeries(series);
    auto* x = new QValueAxis;
    auto* y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    x->setRange(0, 10);
    y->setRange(60, 90);
    QChartView view(chart);
    view.resize(900, 600);
    const auto shown = Clock::now();
    view.show();
    app.processEvents();
    view.repaint();
    const double firstMs = msSince(shown);
    std::vector<double> chartMs;
    for (int i = 0; i < frames; ++i) {
        const auto start = Clock::now();
        const double dx = i % 2 ? 0.08 : -0.08, dy = i % 3 ? 0.2 : -0.2;
        x->setRange(x->min() + dx, x->max() + dx);
        y->setRange(y->min() + dy, y->max() + dy);
        app.processEvents(); // Qt Charts lays the series out from posted events
        view.repaint();
        chartMs.push_back(msSince(start));
    }
    std::printf("bench_chart_scatter: %d points, 900 x 600, %d frames each; load average %s\n", n, frames,
                loadAverage().c_str());
    std::printf("  ScatterPlot (the project's)      pan frame: median %.2f ms\n", median(ownMs));
    std::printf("  QChartView + QScatterSeries      pan frame: median %.2f ms (first show %.0f ms)\n", median(chartMs),
                firstMs);
    std::printf("  ratio Qt Charts / ScatterPlot: %.1f\n", median(chartMs) / median(ownMs));
    return 0;
}
