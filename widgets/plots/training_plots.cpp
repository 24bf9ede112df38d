// Training plots: curves, sparsity heat map, magnitude histograms with τ lines.
#include "training_plots.h"

#include "models/colour_map.h"
#include "models/objective.h"
#include "plot_painting.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

namespace {

void drawTitle(QPainter& painter, const QRectF& rect, const QFont& base, const plotting::Chrome& chrome,
               const QString& title) {
    QFont bold = base;
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(chrome.text);
    painter.drawText(QPointF(rect.left() + 4, rect.top() + QFontMetricsF(bold).ascent() + 3), title);
    painter.setFont(base);
}

QString percentText(double fraction) {
    return QLocale().toString(100.0 * fraction, 'f', 1) + QStringLiteral("%");
}

} // namespace

// ---- curves -------------------------------------------------------------------------------

TrainingCurvePlot::TrainingCurvePlot(Quantity quantity, const models::TrainingSeries* series, QWidget* parent)
    : TrainingChart(series, parent), m_quantity(quantity) {
    setExportName(quantity == Quantity::Loss ? QStringLiteral("training-loss") : QStringLiteral("training-accuracy"));
    setWhatsThis(quantity == Quantity::Loss
                     ? tr("Cross-entropy loss: the training mean since the previous report (line) and the test "
                          "split (points, when evaluated)")
                     : tr("Accuracy: the training mean since the previous report (line) and the test split "
                          "(points, when evaluated)"));
}

QString TrainingCurvePlot::emptyMessage() const {
    return noRunYetOr(QString());
}

void TrainingCurvePlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    const bool loss = m_quantity == Quantity::Loss;
    const auto& points = m_series->points();
    auto trainOf = [loss](const models::TrainingCurveSample& p) { return loss ? p.trainLoss : p.trainAccuracy; };
    auto testOf = [loss](const models::TrainingCurveSample& p) { return loss ? p.testLoss : p.testAccuracy; };
    std::vector<double> values;
    for (const auto& p : points) {
        values.push_back(trainOf(p));
        values.push_back(testOf(p));
    }
    models::AxisScale y = loss ? models::fittedScale(values, false) : models::AxisScale{0.0, 1.0, false};
    if (loss)
        y.lo = std::max(0.0, y.lo);
    const QString name = loss ? tr("Loss") : tr("Accuracy");
    const Axes axes = prepare(chart, chrome, name, stepScale(), tr("Step"), y, name);

    QLineSeries* train = line(tr("train"), QPen(models::palette::series(0), 1.6));
    auto* test = new QScatterSeries;
    test->setName(tr("test"));
    test->setMarkerSize(7);
    test->setColor(models::palette::series(1));
    test->setBorderColor(models::palette::series(1).darker(120));
    for (const auto& p : points) {
        if (std::isfinite(trainOf(p)))
            train->append(static_cast<double>(p.step), trainOf(p));
        if (std::isfinite(testOf(p)))
            test->append(static_cast<double>(p.step), testOf(p));
    }
    attach(chart, train, axes);
    attach(chart, test, axes);
}

QString TrainingCurvePlot::pointToolTip(const QAbstractSeries* series, QPointF point) const {
    const bool loss = m_quantity == Quantity::Loss;
    const bool test = series && series->name() == tr("test");
    // The report nearest the pointer's step.
    const models::TrainingCurveSample* nearest = nullptr;
    for (const auto& p : m_series->points()) {
        const double v = test ? (loss ? p.testLoss : p.testAccuracy) : (loss ? p.trainLoss : p.trainAccuracy);
        if (!std::isfinite(v))
            continue;
        if (!nearest || std::abs(double(p.step) - point.x()) < std::abs(double(nearest->step) - point.x()))
            nearest = &p;
    }
    if (!nearest)
        return {};
    const double v = test ? (loss ? nearest->testLoss : nearest->testAccuracy)
                          : (loss ? nearest->trainLoss : nearest->trainAccuracy);
    const QString value = loss ? QLocale().toString(v, 'f', 4) : percentText(v);
    return test ? tr("Step %1: test %2 %3")
                      .arg(QLocale().toString(nearest->step), loss ? tr("loss") : tr("accuracy"), value)
                : tr("Step %1: train %2 %3 (mean since the previous report)")
                      .arg(QLocale().toString(nearest->step), loss ? tr("loss") : tr("accuracy"), value);
}

// ---- heat map -------------------------------------------------------------------------------

SparsityHeatMap::SparsityHeatMap(const models::TrainingSeries* series, QWidget* parent)
    : PlotWidget(parent), m_series(series) {
    setExportName(QStringLiteral("training-sparsity"));
    setMouseTracking(true);
    setToolTip(tr("Measured sparsity (zeros / elements) per layer and tensor kind, one column per report: "
                  "forward activations by kind (pruned by τ_I), activation and weight gradients (pruned by τ_T)"));
}

void SparsityHeatMap::seriesChanged() {
    const int columns = m_series->columnCount();
    const int rows = static_cast<int>(m_series->rowLabels().size());
    if (columns == 0 || rows == 0) {
        m_cells = QImage();
    } else {
        m_cells = QImage(columns, rows, QImage::Format_RGB32);
        for (int c = 0; c < columns; ++c) {
            const auto& column = m_series->column(c);
            for (int r = 0; r < rows; ++r) {
                const double v = r < static_cast<int>(column.size()) ? column[static_cast<std::size_t>(r)] : NAN;
                m_cells.setPixel(c, r, std::isfinite(v) ? models::viridis(v) : models::ColourScale::missingColour());
            }
        }
    }
    update();
}

QRectF SparsityHeatMap::cellArea(const QRectF& rect) const {
    const QFontMetricsF fm(plotting::smallFont(font()));
    double labelWidth = 0;
    for (const QString& label : m_series->rowLabels())
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(label));
    const double left = rect.left() + std::min(labelWidth + 10, rect.width() * 0.4);
    return QRectF(left, rect.top() + 26, rect.right() - 58 - left, rect.height() - 26 - 34);
}

void SparsityHeatMap::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    drawTitle(painter, rect, font(), chrome, tr("Sparsity per layer and tensor kind"));
    const QRectF area = cellArea(rect);
    const QFont small = plotting::smallFont(font());
    painter.setFont(small);
    const QFontMetricsF fm(small);
    const QStringList& labels = m_series->rowLabels();
    const int rows = static_cast<int>(labels.size());
    if (m_cells.isNull() || rows == 0) {
        painter.fillRect(area, chrome.plotBackground);
        painter.setPen(chrome.mutedText);
        painter.drawText(area, Qt::AlignCenter, tr("No reports yet"));
        return;
    }
    painter.drawImage(area, m_cells); // one pixel per cell, scaled up without smoothing
    // Row labels; with many rows only those that fit.
    const double rowHeight = area.height() / rows;
    const int every = std::max(1, static_cast<int>(std::ceil(fm.height() / std::max(1.0, rowHeight))));
    painter.setPen(chrome.text);
    for (int r = 0; r < rows; r += every) {
        const double y = area.top() + (r + 0.5) * rowHeight;
        painter.drawText(QRectF(rect.left(), y - fm.height() / 2, area.left() - rect.left() - 6, fm.height()),
                         Qt::AlignRight | Qt::AlignVCenter, labels[r]);
    }
    // Layer separators: rows come in groups of the same layer prefix ("L1 …").
    painter.setPen(QPen(chrome.background, 1));
    for (int r = 1; r < rows; ++r)
        if (labels[r].section(QLatin1Char(' '), 0, 0) != labels[r - 1].section(QLatin1Char(' '), 0, 0))
            painter.drawLine(QPointF(area.left(), area.top() + r * rowHeight),
                             QPointF(area.right(), area.top() + r * rowHeight));
    // Step axis under the cells: first, middle and last report.
    painter.setPen(chrome.mutedText);
    const int columns = m_series->columnCount();
    for (const int c : {0, columns / 2, columns - 1}) {
        const double x = area.left() + (c + 0.5) * area.width() / columns;
        const QString text = QLocale().toString(m_series->columnStep(c));
        painter.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3));
        painter.drawText(QPointF(std::clamp(x - fm.horizontalAdvance(text) / 2, area.left(),
                                            area.right() - fm.horizontalAdvance(text)),
                                 area.bottom() + 4 + fm.ascent()),
                         text);
    }
    painter.setPen(chrome.text);
    painter.drawText(QRectF(area.left(), area.bottom() + 4 + fm.height(), area.width(), fm.height() + 4),
                     Qt::AlignHCenter | Qt::AlignTop, tr("Step"));
    // Colour bar 0–100 %.
    const QRectF bar(area.right() + 10, area.top(), 10, area.height());
    for (int i = 0; i < 64; ++i) {
        const double t0 = i / 64.0;
        painter.fillRect(
            QRectF(bar.left(), bar.bottom() - (i + 1) * bar.height() / 64, bar.width(), bar.height() / 64 + 0.5),
            QColor(models::viridis(t0)));
    }
    painter.setPen(chrome.mutedText);
    painter.drawText(QPointF(bar.right() + 3, bar.top() + fm.ascent()), QStringLiteral("100%"));
    painter.drawText(QPointF(bar.right() + 3, bar.bottom()), QStringLiteral("0%"));
}

void SparsityHeatMap::mouseMoveEvent(QMouseEvent* event) {
    const QRectF area = cellArea(rect());
    const int columns = m_series->columnCount();
    const int rows = static_cast<int>(m_series->rowLabels().size());
    if (columns == 0 || rows == 0 || !area.contains(event->position())) {
        QToolTip::hideText();
        return;
    }
    const int c =
        std::clamp(static_cast<int>((event->position().x() - area.left()) / area.width() * columns), 0, columns - 1);
    const int r =
        std::clamp(static_cast<int>((event->position().y() - area.top()) / area.height() * rows), 0, rows - 1);
    const auto& column = m_series->column(c);
    const double v = r < static_cast<int>(column.size()) ? column[static_cast<std::size_t>(r)] : NAN;
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("%1 at step %2: %3")
                           .arg(m_series->rowLabels()[r])
                           .arg(m_series->columnStep(c))
                           .arg(std::isfinite(v) ? percentText(v) : tr("not seen")),
                       this);
}

// ---- histograms -----------------------------------------------------------------------------

MagnitudeHistogramPlot::MagnitudeHistogramPlot(Tensors tensors, const models::TrainingSeries* series, QWidget* parent)
    : TrainingChart(series, parent), m_tensors(tensors) {
    setExportName(tensors == Tensors::Activations ? QStringLiteral("activation-magnitudes")
                                                  : QStringLiteral("gradient-magnitudes"));
    setWhatsThis(tensors == Tensors::Activations
                     ? tr("Magnitudes |x| of the forward activations before pruning, in the last report's window "
                          "(log-spaced bins); τ_I zeroes everything left of its line")
                     : tr("Magnitudes |g| of the activation and weight gradients before pruning, in the last "
                          "report's window (log-spaced bins); τ_T zeroes (or rounds to ±τ_T) everything left of "
                          "its line"));
}

namespace {
// The bins with finite, positive edges that hold anything: [first, last], or -1 when none.
std::pair<int, int> occupiedBins(const models::MagnitudeBins& bins) {
    int first = -1, last = -1;
    for (int b = 1; b + 1 < static_cast<int>(bins.counts.size()); ++b)
        if (bins.counts[static_cast<std::size_t>(b)] > 0) {
            first = first < 0 ? b : first;
            last = b;
        }
    return {first, last};
}

std::vector<double> positiveSorted(const std::vector<double>& taus) {
    std::vector<double> positive;
    for (const double t : taus)
        if (t > 0)
            positive.push_back(t);
    std::sort(positive.begin(), positive.end());
    return positive;
}
} // namespace

models::AxisScale MagnitudeHistogramPlot::magnitudeScale() const {
    const bool activations = m_tensors == Tensors::Activations;
    const models::MagnitudeBins& bins = activations ? m_series->activations() : m_series->gradients();
    const auto taus = positiveSorted(activations ? m_series->activationThresholds() : m_series->gradientThresholds());
    const auto [first, last] = occupiedBins(bins);
    double lo = first > 0 ? bins.lower[static_cast<std::size_t>(first)] : 1e-6;
    double hi = last > 0 ? bins.upper[static_cast<std::size_t>(last)] : 1.0;
    if (!taus.empty()) {
        lo = std::min(lo, taus.front() / 2);
        hi = std::max(hi, taus.back() * 2);
    }
    return {lo, hi, true};
}

QString MagnitudeHistogramPlot::emptyMessage() const {
    const bool activations = m_tensors == Tensors::Activations;
    return (activations ? m_series->activations() : m_series->gradients()).total() > 0 ? QString()
                                                                                       : tr("No reports yet");
}

void MagnitudeHistogramPlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    const bool activations = m_tensors == Tensors::Activations;
    const models::MagnitudeBins& bins = activations ? m_series->activations() : m_series->gradients();
    const auto taus = positiveSorted(activations ? m_series->activationThresholds() : m_series->gradientThresholds());
    const QString tauName = activations ? QStringLiteral("τ_I") : QStringLiteral("τ_T");
    const qint64 total = bins.total();
    const auto [first, last] = occupiedBins(bins);
    double peak = 0;
    for (int b = std::max(first, 1); first > 0 && b <= last; ++b)
        peak = std::max(peak, static_cast<double>(bins.counts[static_cast<std::size_t>(b)]) / total);
    const models::AxisScale xScale = magnitudeScale();
    const models::AxisScale yScale{0.0, std::max(0.01, peak * 1.1), false};
    const Axes axes = prepare(chart, chrome, activations ? tr("Activation magnitudes") : tr("Gradient magnitudes"),
                              xScale, activations ? tr("|activation|") : tr("|gradient|"), yScale, tr("Share"));
    chart.legend()->setMarkerShape(QLegend::MarkerShapeRectangle);
    const double yTop = yScale.hi;
    // τ: a band from the smallest to the largest threshold in force (target mode calibrates one
    // per layer and kind), a line at the median.
    const QColor tauColour = models::palette::constraint();
    if (!taus.empty()) {
        const double tLo = std::log10(taus.front()), tHi = std::log10(taus.back());
        const double tauMedian = taus[taus.size() / 2];
        if (tHi > tLo) {
            auto* upper = new QLineSeries;
            upper->append(tLo, yTop);
            upper->append(tHi, yTop);
            auto* band = new QAreaSeries(upper);
            band->setName(
                tr("%1 range %2 … %3")
                    .arg(tauName, QLocale().toString(taus.front(), 'g', 3), QLocale().toString(taus.back(), 'g', 3)));
            QColor fill = tauColour;
            fill.setAlpha(40);
            band->setBrush(fill);
            band->setPen(Qt::NoPen);
            attach(chart, band, axes);
        }
        QLineSeries* median =
            line(tr("%1 = %2%3")
                     .arg(tauName, QLocale().toString(tauMedian, 'g', 3), tHi > tLo ? tr(" (median)") : QString()),
                 QPen(tauColour, 2, Qt::DashLine));
        median->append(std::log10(tauMedian), 0);
        median->append(std::log10(tauMedian), yTop);
        attach(chart, median, axes);
    }
    if (total > 0 && first > 0) {
        // The bins as a step outline over a filled area (bars of log-spaced widths).
        auto* outline = new QLineSeries;
        for (int b = first; b <= last; ++b) {
            const double share = static_cast<double>(bins.counts[static_cast<std::size_t>(b)]) / total;
            const double x0 = std::log10(bins.lower[static_cast<std::size_t>(b)]);
            const double x1 = std::log10(bins.upper[static_cast<std::size_t>(b)]);
            outline->append(x0, 0);
            outline->append(x0, share);
            outline->append(x1, share);
            outline->append(x1, 0);
        }
        auto* area = new QAreaSeries(outline);
        const double zeros = static_cast<double>(bins.counts.front()) / total;
        // Short for the legend; the tooltip says what "zeros" counts.
        area->setName(tr("share per bin · %1 zeros").arg(percentText(zeros)));
        const QColor barColour = activations ? models::palette::forward() : models::palette::backward();
        QColor fill = barColour;
        fill.setAlpha(170);
        area->setBrush(fill);
        area->setPen(QPen(barColour.darker(120), 0.8));
        attach(chart, area, axes);
    }
    if (taus.empty()) {
        // Said in the legend: nothing is pruned.
        attach(chart, line(tr("%1 = 0: nothing pruned").arg(tauName), QPen(tauColour, 2, Qt::DashLine)), axes);
    }
}

QString MagnitudeHistogramPlot::pointToolTip(const QAbstractSeries* series, QPointF point) const {
    const bool activations = m_tensors == Tensors::Activations;
    const models::MagnitudeBins& bins = activations ? m_series->activations() : m_series->gradients();
    const qint64 total = bins.total();
    if (total <= 0 || !qobject_cast<const QAreaSeries*>(series))
        return {};
    const double magnitude = std::pow(10.0, point.x());
    const QString zeros = tr("<br>exact zeros / below %1: %2")
                              .arg(QLocale().toString(bins.upper.front(), 'g', 2),
                                   percentText(static_cast<double>(bins.counts.front()) / static_cast<double>(total)));
    for (std::size_t b = 1; b + 1 < bins.counts.size(); ++b)
        if (magnitude >= bins.lower[b] && magnitude < bins.upper[b])
            return tr("%1 ≤ |%2| < %3: %4 of elements")
                       .arg(QLocale().toString(bins.lower[b], 'g', 3),
                            activations ? QStringLiteral("x") : QStringLiteral("g"),
                            QLocale().toString(bins.upper[b], 'g', 3),
                            percentText(static_cast<double>(bins.counts[b]) / static_cast<double>(total))) +
                   zeros;
    return {};
}

} // namespace tcw::widgets
