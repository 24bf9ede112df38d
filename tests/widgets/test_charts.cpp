// The conventional charts on Qt Charts (offscreen): what each chart shows is read back from
// its QChart — the axes' ticks and labels against the one nice-number routine
// (models::axisTicks) over random data, the series' values against the data, tooltips with
// values and units, colours that follow the light and dark palettes — and exported to PNG,
// SVG and PDF. The Pareto plot (the project's own widget) keeps its front outlines light on
// the dark theme.
#include "models/axis_ticks.h"
#include "models/colour_map.h"
#include "plots/bar_chart.h"
#include "plots/chart_axes.h"
#include "plots/hypervolume_plot.h"
#include "plots/roofline_plot.h"
#include "plots/scatter_plot.h"
#include "plots/training_plots.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QFile>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tcw;
using widgets::charts::shownTicks;

namespace {

QCategoryAxis* axisOf(QChart* chart, Qt::Alignment alignment) {
    for (QAbstractAxis* a : chart->axes())
        if (a->alignment() == alignment)
            if (auto* c = qobject_cast<QCategoryAxis*>(a))
                return c;
    return nullptr;
}

template <class T> T* seriesNamed(QChart* chart, const QString& name) {
    for (QAbstractSeries* s : chart->series())
        if (s->name() == name)
            if (auto* t = qobject_cast<T*>(s))
                return t;
    return nullptr;
}

// The axis shows exactly axisTicks(scale, maxTicks): the same values (log10 on log axes, read
// back as data values), the same labels, each label parsed back to its value; the axis spans
// the scale.
void checkAxis(QCategoryAxis* axis, const models::AxisScale& scale, int maxTicks, const char* where) {
    QVERIFY2(axis, where);
    const auto expected = models::axisTicks(scale, maxTicks);
    const auto shown = shownTicks(*axis, scale.logarithmic);
    QVERIFY2(shown.size() >= expected.size(), where);
    const double span = scale.logarithmic ? std::log10(scale.hi / scale.lo) : scale.hi - scale.lo;
    QVERIFY2(std::abs(axis->min() - widgets::charts::axisCoordinate(scale, scale.lo)) <= 1e-9 * span, where);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(shown[i].second, expected[i].label);
        const double tolerance = 1e-9 * std::max(std::abs(expected[i].value), span);
        QVERIFY2(std::abs(shown[i].first - expected[i].value) <= tolerance,
                 qPrintable(
                     QStringLiteral("%1: tick %2 shown at %3").arg(where).arg(expected[i].value).arg(shown[i].first)));
        bool ok = false;
        double parsed = QLocale().toDouble(shown[i].second, &ok);
        if (!ok)
            parsed = shown[i].second.toDouble(&ok);
        QVERIFY2(ok && std::abs(parsed - expected[i].value) <= tolerance, qPrintable(shown[i].second));
    }
}

double luminance(QRgb c) {
    return 0.2126 * qRed(c) + 0.7152 * qGreen(c) + 0.0722 * qBlue(c);
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT

private slots:
    void hypervolumeAxesAndSeries();
    void barChartAxesSeriesAndTooltips();
    void rooflineLogAxesAndOps();
    void trainingCurvesAndHistogram();
    void chartsFollowTheTheme();
    void chartsExport();
    void rightClickOnTheChartOffersExport();
    void darkParetoKeepsFrontOutlinesLight();
};

// Random budgets and hypervolumes (fixed seed): the x axis is 0..budget and the y axis
// 0..1.1 × max with the routine's ticks; the step line holds each value until the next report.
void TestCharts::hypervolumeAxesAndSeries() {
    std::mt19937 rng(18);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int round = 0; round < 60; ++round) {
        widgets::HypervolumePlot plot;
        const int budget = 1 + int(std::pow(10.0, 5 * unit(rng)));
        plot.setBudget(budget);
        const double scale = std::pow(10.0, -4 + 5 * unit(rng));
        double hv = 0;
        const int reports = 1 + int(unit(rng) * 20);
        for (int r = 1; r <= reports; ++r) {
            hv += unit(rng) * scale;
            plot.addPoint(int(double(r) / reports * budget), hv);
        }
        QChart* chart = plot.chart();
        checkAxis(axisOf(chart, Qt::AlignBottom), models::AxisScale{0, double(budget), false}, 8, "trials");
        checkAxis(axisOf(chart, Qt::AlignLeft), models::AxisScale{0, hv * 1.1, false}, 6, "hypervolume");
        auto* line = seriesNamed<QLineSeries>(chart, "hypervolume");
        QVERIFY(line);
        const auto& points = plot.points();
        QCOMPARE(line->count(), int(2 * points.size() - 1));
        for (qsizetype i = 1; i < points.size(); ++i) {
            QCOMPARE(line->at(int(2 * i - 1)), QPointF(points[i].x(), points[i - 1].y())); // the step
            QCOMPARE(line->at(int(2 * i)), points[i]);
        }
    }
    widgets::HypervolumePlot plot;
    plot.setBudget(100);
    plot.addPoint(10, 0.25);
    plot.addPoint(40, 0.5);
    QCOMPARE(plot.pointToolTip(nullptr, QPointF(39, 0.3)), QStringLiteral("10 trials: hypervolume 0.2500"));
    QCOMPARE(plot.pointToolTip(nullptr, QPointF(40, 0.5)), QStringLiteral("40 trials: hypervolume 0.5000"));
    // The chart read 0/0.3/0.5/0.8/1.0/1.3: ticks 0.25 apart are labelled as such
    // (0..1.21: a step of 0.25 for at most 6 ticks).
    plot.addPoint(50, 1.1);
    const auto shown = shownTicks(*axisOf(plot.chart(), Qt::AlignLeft), false);
    QStringList labels;
    for (const auto& t : shown)
        labels << t.second;
    QCOMPARE(labels, QStringList({"0", "0.25", "0.50", "0.75", "1.00"}));
}

void TestCharts::barChartAxesSeriesAndTooltips() {
    widgets::BarChart chart;
    models::BarSeries s;
    s.title = "Energy by module";
    s.unit = "µJ";
    s.categories = {"MAC lanes", "Weight buffer", "Main memory"};
    s.segmentNames = {"dynamic", "leakage"};
    s.segmentColours = {models::palette::series(0), models::palette::series(1)};
    s.values = {{1850, 1124}, {210, 11024}, {2469, 0}};
    chart.setSeries(s);
    QChart* c = chart.chart();
    auto* bars = qobject_cast<QHorizontalStackedBarSeries*>(c->series().value(0));
    QVERIFY(bars);
    QCOMPARE(bars->count(), 2);
    // Bars bottom to top: the series' last category first.
    QCOMPARE(bars->barSets()[0]->label(), QStringLiteral("dynamic"));
    QCOMPARE(bars->barSets()[0]->at(0), 2469.0);
    QCOMPARE(bars->barSets()[1]->at(1), 11024.0);
    QCOMPARE(bars->barSets()[0]->at(2), 1850.0);
    QCOMPARE(bars->barSets()[1]->color(), models::palette::series(1));
    QVERIFY(c->legend()->isVisible());
    QBarCategoryAxis* categories = nullptr;
    for (QAbstractAxis* a : c->axes())
        if (auto* b = qobject_cast<QBarCategoryAxis*>(a))
            categories = b;
    QVERIFY(categories);
    QCOMPARE(categories->categories(),
             QStringList({"Main memory  2,469", "Weight buffer  11,234", "MAC lanes  2,974"}));
    checkAxis(axisOf(c, Qt::AlignBottom), models::AxisScale{0, 11234, false}, 5, "energy");
    QCOMPARE(chart.barToolTip(nullptr, 1),
             QStringLiteral("<b>Weight buffer</b>: 11,234 µJ<br>dynamic: 210 µJ<br>leakage: 11,024 µJ"));
    // Eleven modules at the preferred height: every label shown whole (Qt Charts elided them all
    // to "…" in rows lower than about 24 px).
    models::BarSeries many;
    many.title = "Utilisation";
    many.unit = "%";
    many.segmentNames = {"busy"};
    many.segmentColours = {models::palette::series(2)};
    many.fixedMax = 100;
    for (int i = 0; i < 11; ++i) {
        many.categories << QStringLiteral("Activation buffer %1").arg(i);
        many.values.push_back({1.0 + 8 * i});
    }
    chart.setSeries(many);
    chart.resize(368, chart.preferredHeight());
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QTest::qWait(50);
    for (QAbstractAxis* a : chart.chart()->axes())
        QVERIFY2(!a->labelsTruncated(), a->metaObject()->className());
    chart.hide();
    // A fixed maximum (utilisation: 100 %) ends the axis there, one segment gives plain bars.
    models::BarSeries u;
    u.title = "Utilisation";
    u.unit = "%";
    u.segmentNames = {"busy"};
    u.segmentColours = {models::palette::series(2)};
    u.fixedMax = 100;
    u.categories = {"MAC lanes"};
    u.values = {{37.5}};
    chart.setSeries(u);
    c = chart.chart();
    QVERIFY(qobject_cast<QHorizontalBarSeries*>(c->series().value(0)));
    QVERIFY(!c->legend()->isVisible());
    checkAxis(axisOf(c, Qt::AlignBottom), models::AxisScale{0, 100, false}, 5, "utilisation");
    QCOMPARE(chart.barToolTip(nullptr, 0), QStringLiteral("<b>MAC lanes</b>: 37.5 %"));
    // Random totals: the value axis always comes from the routine.
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int round = 0; round < 40; ++round) {
        models::BarSeries r = s;
        for (auto& row : r.values)
            for (double& v : row)
                v = std::pow(10.0, -6 + 12 * unit(rng)) * unit(rng);
        chart.setSeries(r);
        checkAxis(axisOf(chart.chart(), Qt::AlignBottom), models::AxisScale{0, chart.axisMax(), false}, 5, "random");
    }
}

void TestCharts::rooflineLogAxesAndOps() {
    models::Roofline r;
    r.peakGflops = 2048;
    r.bandwidthGBs = 64;
    r.ridgeFlopPerByte = 32;
    r.points = {{"L0.ff0", Phase::Forward, Bound::Compute, 1e6, 128, 1900, 500},
                {"L0.softmax", Phase::Forward, Bound::Memory, 1e4, 2, 100, 100},
                {"L0.attn", Phase::Backward, Bound::Buffer, 1e5, std::numeric_limits<double>::infinity(), 700, 40}};
    widgets::RooflinePlot plot;
    plot.setRoofline(r);
    QChart* c = plot.chart();
    const auto s = plot.scales();
    QVERIFY(s.x.logarithmic && s.y.logarithmic);
    QCategoryAxis* x = axisOf(c, Qt::AlignBottom);
    checkAxis(x, s.x, 8, "intensity");
    checkAxis(axisOf(c, Qt::AlignLeft), s.y, 7, "throughput");
    // The ∞ column: its own label beyond the finite ticks.
    QCOMPARE(x->categoriesLabels().back(), QStringLiteral("∞"));
    QCOMPARE(x->endValue(QStringLiteral("∞")), s.infinityX);
    // Roofs: the knee at (log10 ridge, log10 peak), the slope 1 in log–log (bandwidth × intensity).
    auto* roof = qobject_cast<QLineSeries*>(c->series().value(0));
    QVERIFY(roof);
    QCOMPARE(roof->count(), 3);
    QVERIFY(!c->legend()->markers(roof).front()->isVisible()); // the title names the roofs
    QVERIFY(c->title().startsWith(QStringLiteral("Roofline: 64 GB/s, 2,048 GFLOP/s")));
    QCOMPARE(roof->at(1), QPointF(std::log10(32.0), std::log10(2048.0)));
    QVERIFY(std::abs(roof->at(0).y() - std::log10(64.0 * s.x.lo)) < 1e-12);
    // Two phases: the legend names phase and bound (one phase: the bound alone).
    auto* compute = seriesNamed<QScatterSeries>(c, "forward, compute-bound");
    auto* memory = seriesNamed<QScatterSeries>(c, "forward, memory-bound");
    auto* buffer = seriesNamed<QScatterSeries>(c, "backward, buffer-bound");
    QVERIFY(compute && memory && buffer);
    QCOMPARE(compute->markerShape(), QScatterSeries::MarkerShapeCircle);
    QCOMPARE(memory->markerShape(), QScatterSeries::MarkerShapeRectangle);
    QCOMPARE(buffer->markerShape(), QScatterSeries::MarkerShapeTriangle);
    QCOMPARE(compute->at(0), QPointF(std::log10(128.0), std::log10(1900.0)));
    QCOMPARE(buffer->at(0), QPointF(s.infinityX, std::log10(700.0)));
    QCOMPARE(plot.pointToolTip(memory, memory->at(0)),
             QStringLiteral("<b>L0.softmax</b> (forward, memory-bound)<br>intensity 2 FLOP/byte<br>100 GFLOP/s over "
                            "100 cycles"));
    QVERIFY(plot.pointToolTip(buffer, buffer->at(0)).contains("∞ (no main-memory traffic)"));
    QVERIFY(plot.pointToolTip(roof, roof->at(1)).isEmpty()); // the roofs are not ops
    // Random rooflines over many decades (fixed seed): both log axes come from the routine.
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int round = 0; round < 40; ++round) {
        models::Roofline random;
        random.peakGflops = std::pow(10.0, 1 + 5 * unit(rng));
        random.bandwidthGBs = std::pow(10.0, 5 * unit(rng));
        random.ridgeFlopPerByte = random.peakGflops / random.bandwidthGBs;
        for (int i = 0; i < 1 + int(10 * unit(rng)); ++i)
            random.points.push_back({"op", Phase::Forward, Bound::Compute, 1e6, std::pow(10.0, -2 + 6 * unit(rng)),
                                     random.peakGflops * std::pow(10.0, -4 * unit(rng)), 100});
        widgets::RooflinePlot p;
        p.setRoofline(random);
        const auto rs = p.scales();
        checkAxis(axisOf(p.chart(), Qt::AlignBottom), rs.x, 8, "random intensity");
        checkAxis(axisOf(p.chart(), Qt::AlignLeft), rs.y, 7, "random throughput");
    }
    r.points.pop_back();
    plot.setRoofline(r);
    QVERIFY(seriesNamed<QScatterSeries>(plot.chart(), "memory-bound"));
    QCOMPARE(plot.pointToolTip(seriesNamed<QScatterSeries>(plot.chart(), "compute-bound"),
                               QPointF(std::log10(128.0), std::log10(1900.0)))
                 .left(13),
             QStringLiteral("<b>L0.ff0</b>"));
}

void TestCharts::trainingCurvesAndHistogram() {
    models::TrainingSeries series;
    series.reset({});
    models::TrainingUpdate u;
    u.step = 60;
    u.totalSteps = 200;
    u.points = {{20, 2.1, 0.31, NAN, NAN}, {40, 1.7, 0.42, 1.8, 0.40}, {60, 1.2, 0.55, NAN, NAN}};
    u.activations.lower = {0, 1e-4, 1e-3, 1e-2, 1e-1, 1};
    u.activations.upper = {1e-4, 1e-3, 1e-2, 1e-1, 1, INFINITY};
    u.activations.counts = {20, 10, 30, 30, 10, 0};
    u.activationThresholds = {0.01, 0.02, 0.04};
    series.apply(u);
    widgets::TrainingCurvePlot loss(widgets::TrainingCurvePlot::Quantity::Loss, &series);
    QChart* c = loss.chart();
    checkAxis(axisOf(c, Qt::AlignBottom), models::AxisScale{0, 200, false}, 8, "step");
    models::AxisScale y = models::fittedScale({2.1, NAN, 1.7, 1.8, 1.2, NAN}, false);
    y.lo = std::max(0.0, y.lo);
    checkAxis(axisOf(c, Qt::AlignLeft), y, 7, "loss");
    auto* train = seriesNamed<QLineSeries>(c, "train");
    auto* test = seriesNamed<QScatterSeries>(c, "test");
    QVERIFY(train && test);
    QCOMPARE(train->count(), 3);
    QCOMPARE(train->at(2), QPointF(60, 1.2));
    QCOMPARE(test->count(), 1); // only the evaluated step
    QCOMPARE(test->at(0), QPointF(40, 1.8));
    QVERIFY(c->legend()->isVisible());
    QCOMPARE(loss.pointToolTip(test, QPointF(41, 1.8)), QStringLiteral("Step 40: test loss 1.8000"));
    widgets::TrainingCurvePlot accuracy(widgets::TrainingCurvePlot::Quantity::Accuracy, &series);
    checkAxis(axisOf(accuracy.chart(), Qt::AlignLeft), models::AxisScale{0, 1, false}, 7, "accuracy");
    QCOMPARE(accuracy.pointToolTip(seriesNamed<QLineSeries>(accuracy.chart(), "train"), QPointF(59, 0.5)),
             QStringLiteral("Step 60: train accuracy 55.0% (mean since the previous report)"));

    widgets::MagnitudeHistogramPlot histogram(widgets::MagnitudeHistogramPlot::Tensors::Activations, &series);
    c = histogram.chart();
    const models::AxisScale xs = histogram.magnitudeScale();
    QCOMPARE(xs.lo, 1e-4); // the first occupied bin's lower edge (τ/2 = 0.005 is above it)
    QCOMPARE(xs.hi, 1.0);
    checkAxis(axisOf(c, Qt::AlignBottom), xs, 8, "|activation|");
    checkAxis(axisOf(c, Qt::AlignLeft), models::AxisScale{0, 0.3 * 1.1, false}, 7, "share");
    QAreaSeries* area = nullptr;
    QLineSeries* tau = nullptr;
    for (QAbstractSeries* s : c->series()) {
        if (s->name().startsWith("share per bin"))
            area = qobject_cast<QAreaSeries*>(s);
        if (s->name().startsWith(QStringLiteral("τ_I = ")))
            tau = qobject_cast<QLineSeries*>(s);
    }
    QVERIFY(area && tau);
    QCOMPARE(area->name(), QStringLiteral("share per bin · 20.0% zeros"));
    QCOMPARE(tau->name(), QStringLiteral("τ_I = 0.02 (median)"));
    QCOMPARE(tau->at(0).x(), std::log10(0.02));
    // The bin [1e-3, 1e-2) holds 30 % at log10 x in [-3, -2].
    const auto outline = area->upperSeries()->points();
    QVERIFY(outline.contains(QPointF(-3, 0.3)) && outline.contains(QPointF(-2, 0.3)));
    QCOMPARE(histogram.pointToolTip(area, QPointF(-2.5, 0.1)),
             QStringLiteral("0.001 ≤ |x| < 0.01: 30.0% of elements<br>exact zeros / below 0.0001: 20.0%"));
}

// The chart's background, plot area, labels and the hypervolume line follow the palette: the
// light one, then the dark one (--theme dark) set at run time.
void TestCharts::chartsFollowTheTheme() {
    widgets::HypervolumePlot plot;
    plot.addPoint(10, 0.5);
    QPalette light = QApplication::palette();
    plot.setPalette(light);
    QCOMPARE(plot.chart()->backgroundBrush().color(), light.color(QPalette::Window));
    const QPalette dark = models::palette::dark();
    plot.setPalette(dark);
    QTRY_COMPARE(plot.chart()->backgroundBrush().color(), dark.color(QPalette::Window));
    QCOMPARE(plot.chart()->plotAreaBackgroundBrush().color(), dark.color(QPalette::Base));
    QCOMPARE(axisOf(plot.chart(), Qt::AlignBottom)->titleBrush().color(), dark.color(QPalette::Text));
    QCOMPARE(seriesNamed<QLineSeries>(plot.chart(), "hypervolume")->pen().color(), dark.color(QPalette::Highlight));
    QCOMPARE(plot.chart()->titleBrush().color(), dark.color(QPalette::Text));
}

// Export Plot (PNG, SVG, PDF) of the converted charts: print colours on white, the series'
// colour present in the picture, the SVG holding the axis labels as text.
void TestCharts::chartsExport() {
    QTemporaryDir dir;
    widgets::BarChart bars;
    models::BarSeries s;
    s.title = "Area by module";
    s.unit = "mm²";
    s.categories = {"MAC lanes", "Weight buffer"};
    s.segmentNames = {"area"};
    s.segmentColours = {QColor(0, 158, 115)};
    s.values = {{77.16}, {37.64}};
    bars.setSeries(s);
    widgets::HypervolumePlot hv;
    hv.setBudget(1000);
    hv.addPoint(100, 0.2);
    hv.addPoint(900, 0.8);
    hv.setPalette(models::palette::dark()); // export is in print colours whatever the theme
    for (const widgets::PlotWidget* plot :
         {static_cast<const widgets::PlotWidget*>(&bars), static_cast<const widgets::PlotWidget*>(&hv)}) {
        QString error;
        const QString png = dir.filePath(plot->exportName() + ".png");
        QVERIFY2(plot->exportTo(png, &error, QSize(480, 300)), qPrintable(error));
        QImage image(png);
        QCOMPARE(image.size(), QSize(960, 600));
        QCOMPARE(image.pixelColor(2, 2), QColor(Qt::white));
        const QColor wanted = plot == &bars ? QColor(0, 158, 115) : QColor(0x00, 0x72, 0xb2);
        int hits = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                hits += image.pixelColor(x, y) == wanted;
        QVERIFY2(hits > 50, qPrintable(QString::number(hits)));
        const QString svg = dir.filePath(plot->exportName() + ".svg");
        QVERIFY2(plot->exportTo(svg, &error, QSize(480, 300)), qPrintable(error));
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains(plot == &bars ? "MAC lanes" : "Trials"));
        // The value axis' labels as text: 0..77.16 → 0, 20, 40, 60; 0..0.88 → 0, 0.2, …, 0.8.
        QVERIFY(text.contains(plot == &bars ? ">60<" : ">0.4<"));
        const QString pdf = dir.filePath(plot->exportName() + ".pdf");
        QVERIFY2(plot->exportTo(pdf, &error, QSize(480, 300)), qPrintable(error));
        QVERIFY(QFileInfo(pdf).size() > 1000);
    }
}

// The chart view passes the right button on: the plot's own menu (Export Plot…) opens over
// the chart.
void TestCharts::rightClickOnTheChartOffersExport() {
    widgets::HypervolumePlot plot;
    plot.resize(400, 240);
    plot.addPoint(10, 0.5);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QStringList offered;
    QTimer::singleShot(100, [&offered] {
        if (QWidget* popup = QApplication::activePopupWidget()) {
            for (QAction* a : popup->actions())
                offered << a->text();
            popup->close();
        }
    });
    QWidget* viewport = plot.chartView()->viewport();
    QContextMenuEvent event(QContextMenuEvent::Mouse, QPoint(200, 120), viewport->mapToGlobal(QPoint(200, 120)));
    QApplication::sendEvent(viewport, &event);
    QVERIFY2(offered.contains(QStringLiteral("Export Plot…")), qPrintable(offered.join(", ")));
}

// Issue 18: on the dark theme a front point drawn after a hollow (predicted) one kept a
// near-black outline, invisible on the dark plot; every front outline is light.
void TestCharts::darkParetoKeepsFrontOutlinesLight() {
    widgets::ScatterPlot plot;
    plot.setPalette(models::palette::dark());
    plot.resize(420, 320);
    widgets::ScatterPlot::Data d;
    d.x = {1, 2, 3};
    d.y = {3, 2, 1};
    d.colour = {0, 0, 0}; // the colour scale's darkest end
    const quint8 front = widgets::ScatterPlot::Visible | widgets::ScatterPlot::Feasible |
                         widgets::ScatterPlot::Eligible | widgets::ScatterPlot::Front;
    d.flags = {quint8(front | widgets::ScatterPlot::Predicted), front, front};
    d.xTitle = "x";
    d.yTitle = "y";
    plot.setData(d);
    QImage image(plot.size(), QImage::Format_ARGB32_Premultiplied);
    {
        QPainter painter(&image);
        plot.render(painter, QRectF(QPointF(0, 0), QSizeF(plot.size())), false);
    }
    for (int i : {1, 2}) {
        const QPointF c = plot.positionOf(i);
        double brightest = 0;
        for (int a = 0; a < 32; ++a) { // the outline ring, radius 3.8 px
            const double t = a * 2 * M_PI / 32;
            const QPoint p = (c + QPointF(3.8 * std::cos(t), 3.8 * std::sin(t))).toPoint();
            brightest = std::max(brightest, luminance(image.pixel(p)));
        }
        QVERIFY2(brightest > 150,
                 qPrintable(QStringLiteral("point %1: brightest outline pixel %2").arg(i).arg(brightest)));
    }
}

QTEST_MAIN(TestCharts)
#include "test_charts.moc"
