// Training plots: curves, sparsity heat map, magnitude histograms with τ lines.
#include "training_plots.h"

#include "models/colour_map.h"
#include "models/objective.h"
#include "plot_painting.h"

#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
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

// A small legend entry right-aligned at (x, y); returns the x where the next one ends.
double legendEntry(QPainter& painter, double right, double y, const QColor& colour, bool line, const QString& text,
                   const plotting::Chrome& chrome) {
    const QFontMetricsF fm(painter.font());
    const double w = fm.horizontalAdvance(text);
    const double x = right - w - 18;
    painter.setPen(QPen(colour, 2));
    painter.setBrush(colour);
    if (line)
        painter.drawLine(QPointF(x, y - 4), QPointF(x + 12, y - 4));
    else
        painter.drawEllipse(QPointF(x + 6, y - 4), 3, 3);
    painter.setPen(chrome.mutedText);
    painter.drawText(QPointF(x + 16, y), text);
    return x - 10;
}

QString percentText(double fraction) {
    return QLocale().toString(100.0 * fraction, 'f', 1) + QStringLiteral("%");
}

} // namespace

// ---- curves -------------------------------------------------------------------------------

TrainingCurvePlot::TrainingCurvePlot(Quantity quantity, const models::TrainingSeries* series, QWidget* parent)
    : PlotWidget(parent), m_quantity(quantity), m_series(series) {
    setExportName(quantity == Quantity::Loss ? QStringLiteral("training-loss") : QStringLiteral("training-accuracy"));
    setToolTip(quantity == Quantity::Loss
                   ? tr("Cross-entropy loss: the training mean since the previous report (line) and the test "
                        "split (points, when evaluated)")
                   : tr("Accuracy: the training mean since the previous report (line) and the test split "
                        "(points, when evaluated)"));
}

void TrainingCurvePlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    painter.setRenderHint(QPainter::Antialiasing);
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
    const double lastStep = std::max<double>(1.0, static_cast<double>(m_series->totalSteps()));
    plotting::Margins m;
    m.top = 30;
    plotting::Frame frame{QRectF(rect.left() + m.left, rect.top() + m.top, rect.width() - m.left - m.right,
                                 rect.height() - m.top - m.bottom),
                          models::AxisScale{0.0, lastStep, false}, y};
    painter.fillRect(frame.plot, chrome.plotBackground);
    plotting::drawGrid(painter, frame, chrome);
    drawTitle(painter, rect, font(), chrome, loss ? tr("Loss") : tr("Accuracy"));

    const QColor trainColour = models::palette::series(0), testColour = models::palette::series(1);
    painter.save();
    painter.setClipRect(frame.plot.adjusted(-4, -4, 4, 4));
    QPolygonF line;
    line.reserve(static_cast<int>(points.size()));
    for (const auto& p : points)
        if (std::isfinite(trainOf(p)))
            line << QPointF(frame.px(static_cast<double>(p.step)), frame.py(trainOf(p)));
    painter.setPen(QPen(trainColour, 1.6));
    painter.setBrush(Qt::NoBrush);
    painter.drawPolyline(line);
    painter.setPen(QPen(testColour.darker(120), 1));
    painter.setBrush(testColour);
    for (const auto& p : points)
        if (std::isfinite(testOf(p)))
            painter.drawEllipse(QPointF(frame.px(static_cast<double>(p.step)), frame.py(testOf(p))), 3.5, 3.5);
    painter.restore();
    plotting::drawAxes(painter, frame, chrome, tr("Step"), loss ? tr("Loss") : tr("Accuracy"));

    painter.setFont(plotting::smallFont(font()));
    double right = rect.right() - 6;
    right = legendEntry(painter, right, rect.top() + 16, testColour, false, tr("test"), chrome);
    legendEntry(painter, right, rect.top() + 16, trainColour, true, tr("train"), chrome);
    if (points.empty()) {
        painter.setPen(chrome.mutedText);
        painter.drawText(frame.plot, Qt::AlignCenter, tr("No run yet"));
    }
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
    : PlotWidget(parent), m_tensors(tensors), m_series(series) {
    setExportName(tensors == Tensors::Activations ? QStringLiteral("activation-magnitudes")
                                                  : QStringLiteral("gradient-magnitudes"));
    setToolTip(tensors == Tensors::Activations
                   ? tr("Magnitudes |x| of the forward activations before pruning, in the last report's window "
                        "(log-spaced bins); τ_I zeroes everything left of its line")
                   : tr("Magnitudes |g| of the activation and weight gradients before pruning, in the last report's "
                        "window (log-spaced bins); τ_T zeroes (or rounds to ±τ_T) everything left of its line"));
}

void MagnitudeHistogramPlot::render(QPainter& painter, const QRectF& rect, bool forExport) const {
    const plotting::Chrome chrome = plotting::chromeFor(palette(), forExport);
    painter.fillRect(rect, chrome.background);
    painter.setRenderHint(QPainter::Antialiasing);
    const bool activations = m_tensors == Tensors::Activations;
    const models::MagnitudeBins& bins = activations ? m_series->activations() : m_series->gradients();
    const std::vector<double>& taus = activations ? m_series->activationThresholds() : m_series->gradientThresholds();
    const QString tauName = activations ? QStringLiteral("τ_I") : QStringLiteral("τ_T");
    drawTitle(painter, rect, font(), chrome, activations ? tr("Activation magnitudes") : tr("Gradient magnitudes"));

    // Bins with finite, positive edges on a log axis; the first (zeros and below) as a note.
    const qint64 total = bins.total();
    int first = -1, last = -1;
    for (int b = 1; b + 1 < static_cast<int>(bins.counts.size()); ++b)
        if (bins.counts[static_cast<std::size_t>(b)] > 0) {
            first = first < 0 ? b : first;
            last = b;
        }
    std::vector<double> positiveTaus;
    for (const double t : taus)
        if (t > 0)
            positiveTaus.push_back(t);
    std::sort(positiveTaus.begin(), positiveTaus.end());
    double lo = first > 0 ? bins.lower[static_cast<std::size_t>(first)] : 1e-6;
    double hi = last > 0 ? bins.upper[static_cast<std::size_t>(last)] : 1.0;
    if (!positiveTaus.empty()) {
        lo = std::min(lo, positiveTaus.front() / 2);
        hi = std::max(hi, positiveTaus.back() * 2);
    }
    double peak = 0;
    for (int b = std::max(first, 1); first > 0 && b <= last; ++b)
        peak = std::max(peak, static_cast<double>(bins.counts[static_cast<std::size_t>(b)]) / total);
    plotting::Margins m;
    m.top = 30;
    plotting::Frame frame{QRectF(rect.left() + m.left, rect.top() + m.top, rect.width() - m.left - m.right,
                                 rect.height() - m.top - m.bottom),
                          models::AxisScale{lo, hi, true}, models::AxisScale{0.0, std::max(0.01, peak * 1.1), false}};
    painter.fillRect(frame.plot, chrome.plotBackground);
    plotting::drawGrid(painter, frame, chrome);
    const QColor barColour = activations ? models::palette::forward() : models::palette::backward();
    painter.save();
    painter.setClipRect(frame.plot);
    if (total > 0 && first > 0) {
        QColor fill = barColour;
        fill.setAlpha(170);
        painter.setPen(QPen(barColour.darker(120), 0.6));
        painter.setBrush(fill);
        for (int b = first; b <= last; ++b) {
            const double share = static_cast<double>(bins.counts[static_cast<std::size_t>(b)]) / total;
            const double x0 = frame.px(bins.lower[static_cast<std::size_t>(b)]);
            const double x1 = frame.px(bins.upper[static_cast<std::size_t>(b)]);
            painter.drawRect(QRectF(QPointF(x0, frame.py(share)), QPointF(x1, frame.py(0))));
        }
    }
    // τ: a band from the smallest to the largest threshold in force (target mode calibrates one
    // per layer and kind), a line at the median.
    const QColor tauColour = models::palette::constraint();
    if (!positiveTaus.empty()) {
        const double tLo = positiveTaus.front(), tHi = positiveTaus.back();
        const double median = positiveTaus[positiveTaus.size() / 2];
        if (tHi > tLo) {
            QColor band = tauColour;
            band.setAlpha(40);
            painter.fillRect(
                QRectF(QPointF(frame.px(tLo), frame.plot.top()), QPointF(frame.px(tHi), frame.plot.bottom())), band);
        }
        painter.setPen(QPen(tauColour, 2, Qt::DashLine));
        painter.drawLine(QPointF(frame.px(median), frame.plot.top()), QPointF(frame.px(median), frame.plot.bottom()));
    }
    painter.restore();
    plotting::drawAxes(painter, frame, chrome, activations ? tr("|activation|") : tr("|gradient|"),
                       tr("Share of elements"));

    painter.setFont(plotting::smallFont(font()));
    const QFontMetricsF fm(painter.font());
    QString tauText;
    if (positiveTaus.empty())
        tauText = tr("%1 = 0: nothing pruned").arg(tauName);
    else if (positiveTaus.front() == positiveTaus.back())
        tauText = tr("%1 = %2").arg(tauName, QLocale().toString(positiveTaus.front(), 'g', 3));
    else
        tauText = tr("%1 %2 … %3")
                      .arg(tauName, QLocale().toString(positiveTaus.front(), 'g', 3),
                           QLocale().toString(positiveTaus.back(), 'g', 3));
    painter.setPen(tauColour);
    painter.drawText(QPointF(rect.right() - 6 - fm.horizontalAdvance(tauText), rect.top() + 16), tauText);
    if (total > 0) {
        const double zeros = static_cast<double>(bins.counts.front()) / total;
        const QString note =
            tr("exact zeros / below %1: %2").arg(QLocale().toString(bins.upper.front(), 'g', 2), percentText(zeros));
        painter.setPen(chrome.mutedText);
        painter.drawText(QPointF(frame.plot.left() + 4, frame.plot.top() + fm.ascent() + 2), note);
    } else {
        painter.setPen(chrome.mutedText);
        painter.drawText(frame.plot, Qt::AlignCenter, tr("No reports yet"));
    }
}

} // namespace tcw::widgets
