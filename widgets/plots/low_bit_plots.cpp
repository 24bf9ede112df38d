// Low-bit training plots: latent weights with boundaries, scales per tensor, loss split.
#include "low_bit_plots.h"

#include "models/colour_map.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace tcw::widgets {

// ---- latent weights -------------------------------------------------------------------------

LatentWeightPlot::LatentWeightPlot(const models::TrainingSeries* series, QWidget* parent)
    : TrainingChart(series, parent) {
    setExportName(QStringLiteral("training-latent-weights"));
    setWhatsThis(tr("The latent f32 weights of one quantized matrix at the latest report (share per bin) and the "
                    "quantizer's decision boundaries: 0 for BWN, ±Δ for TWN, the rounding steps of b-bit "
                    "uniform weights"));
}

void LatentWeightPlot::setTensorIndex(int index) {
    m_index = std::max(0, index);
    scheduleRebuild();
}

const models::LatentWeights* LatentWeightPlot::shown() const {
    const auto& latest = m_series->lowBit().latest();
    if (!latest || latest->weights.empty())
        return nullptr;
    return &latest->weights[std::size_t(std::min<int>(m_index, int(latest->weights.size()) - 1))];
}

QString LatentWeightPlot::emptyMessage() const {
    if (shown())
        return {};
    return noRunYetOr(tr("The weights are not quantized (f32)"));
}

void LatentWeightPlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    const models::LatentWeights* w = shown();
    if (!w)
        return;
    qint64 total = 0;
    for (qint64 c : w->counts)
        total += c;
    double peak = 0;
    for (qint64 c : w->counts)
        peak = std::max(peak, double(c) / double(std::max<qint64>(1, total)));
    const double span = std::max(1e-12, w->upper - w->lower);
    const models::AxisScale xScale{w->lower - 0.02 * span, w->upper + 0.02 * span, false};
    const models::AxisScale yScale{0.0, std::max(0.01, peak * 1.1), false};
    const Axes axes = prepare(chart, chrome, tr("Latent weights: %1").arg(w->tensor), xScale, tr("Latent weight"),
                              yScale, tr("Share"));
    // The histogram as a step outline.
    auto* bars = line(tr("%1 latent weights").arg(QLocale().toString(total)), QPen(models::palette::series(0), 1.6));
    const double width = (w->upper - w->lower) / double(std::max<std::size_t>(1, w->counts.size()));
    bars->append(w->lower, 0);
    for (std::size_t b = 0; b < w->counts.size(); ++b) {
        const double share = double(w->counts[b]) / double(std::max<qint64>(1, total));
        bars->append(w->lower + double(b) * width, share);
        bars->append(w->lower + double(b + 1) * width, share);
    }
    bars->append(w->upper, 0);
    attach(chart, bars, axes);
    // Boundaries: dashed verticals in one series (a NaN-free zig-zag along the top and bottom).
    if (!w->boundaries.empty()) {
        auto* lines = new QLineSeries;
        const QString scale = QLocale().toString(w->scale, 'g', 4);
        lines->setName(w->rule == QLatin1String("BWN") ? tr("boundary 0 (α = %1)").arg(scale)
                       : w->rule == QLatin1String("TWN")
                           ? tr("±Δ = ±%1 (α = %2, %3% zero)")
                                 .arg(QLocale().toString(w->boundaries.back(), 'g', 4), scale,
                                      QLocale().toString(100 * w->zeroFraction, 'f', 1))
                           : tr("%1 boundaries (%2-bit, clip %3)").arg(w->boundaries.size()).arg(w->bits).arg(scale));
        QPen pen(models::palette::constraint(), w->boundaries.size() > 16 ? 0.6 : 1.4, Qt::DashLine);
        lines->setPen(pen);
        bool top = false;
        for (double b : w->boundaries) {
            lines->append(b, top ? yScale.hi : 0.0);
            lines->append(b, top ? 0.0 : yScale.hi);
            top = !top;
        }
        attach(chart, lines, axes);
    }
}

QString LatentWeightPlot::pointToolTip(const QAbstractSeries*, QPointF point) const {
    const models::LatentWeights* w = shown();
    if (!w || w->counts.empty())
        return {};
    const double width = (w->upper - w->lower) / double(w->counts.size());
    if (!(width > 0))
        return {};
    const int b = std::clamp(int((point.x() - w->lower) / width), 0, int(w->counts.size()) - 1);
    qint64 total = 0;
    for (qint64 c : w->counts)
        total += c;
    return tr("%1: %2 of %3 weights in [%4, %5)")
        .arg(w->tensor)
        .arg(QLocale().toString(w->counts[std::size_t(b)]), QLocale().toString(total),
             QLocale().toString(w->lower + b * width, 'g', 4), QLocale().toString(w->lower + (b + 1) * width, 'g', 4));
}

// ---- scales ---------------------------------------------------------------------------------

ScaleCurvePlot::ScaleCurvePlot(const models::TrainingSeries* series, QWidget* parent) : TrainingChart(series, parent) {
    setExportName(QStringLiteral("training-scales"));
    setWhatsThis(tr("The scale of every quantized tensor over the reports: α of BWN weights, α_t of TWN weights, "
                    "the clip of b-bit weights (max |W|), and the learnt scale or clip of each activation "
                    "quantizer"));
}

QString ScaleCurvePlot::emptyMessage() const {
    if (!m_series->lowBit().scales().empty())
        return {};
    return noRunYetOr(tr("Nothing is quantized: no scales"));
}

void ScaleCurvePlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    const auto& scales = m_series->lowBit().scales();
    if (scales.empty())
        return; // the empty message says why
    std::vector<double> values;
    for (const auto& [name, curve] : scales)
        for (const auto& [step, v] : curve)
            values.push_back(v);
    const models::AxisScale y = models::fittedScale(values, true);
    const Axes axes = prepare(chart, chrome, tr("Scales per tensor"), stepScale(), tr("Step"), y, tr("Scale"));
    int i = 0;
    for (const auto& [name, curve] : scales) {
        QLineSeries* scale = line(name, QPen(models::palette::series(i++), 1.2));
        for (const auto& [step, v] : curve)
            if (v > 0)
                scale->append(double(step), std::log10(v)); // a log axis: log10 units
        attach(chart, scale, axes);
    }
    // More tensors than a legend can name readably: the tooltips name them.
    chart.legend()->setVisible(scales.size() <= 6);
}

// ---- loss split -----------------------------------------------------------------------------

LossSplitPlot::LossSplitPlot(const models::TrainingSeries* series, QWidget* parent) : TrainingChart(series, parent) {
    setExportName(QStringLiteral("training-loss-split"));
    setWhatsThis(tr("With a teacher: the student's cross-entropy on the labels, the logits' distillation loss "
                    "(KL·T²) and the hidden states' (MSE), unweighted, and the weighted sum that is optimised; "
                    "means over the steps since the previous report"));
}

QString LossSplitPlot::emptyMessage() const {
    if (!m_series->lowBit().lossSplit().empty())
        return {};
    return noRunYetOr(tr("No teacher: no distillation loss"));
}

void LossSplitPlot::buildChart(QChart& chart, const plotting::Chrome& chrome, bool) const {
    const auto& split = m_series->lowBit().lossSplit();
    if (split.empty())
        return; // the empty message says why
    std::vector<double> values;
    for (const auto& s : split)
        values.insert(values.end(), {s.taskLoss, s.logitLoss, s.hiddenLoss, s.weightedLoss});
    models::AxisScale y = models::fittedScale(values, false);
    y.lo = std::max(0.0, y.lo);
    const Axes axes = prepare(chart, chrome, tr("Teacher / student loss"), stepScale(), tr("Step"), y, tr("Loss"));
    // Short names: the legend is one line (whatsThis and the tooltip say what each is).
    const QString names[] = {tr("task"), tr("logits"), tr("hidden"), tr("optimised")};
    for (int k = 0; k < 4; ++k) {
        QPen pen(models::palette::series(k), k == 3 ? 1.0 : 1.6);
        if (k == 3)
            pen.setStyle(Qt::DashLine);
        QLineSeries* curve = line(names[k], pen);
        for (const auto& s : split) {
            const double v = k == 0 ? s.taskLoss : k == 1 ? s.logitLoss : k == 2 ? s.hiddenLoss : s.weightedLoss;
            curve->append(double(s.step), v);
        }
        attach(chart, curve, axes);
    }
}

QString LossSplitPlot::pointToolTip(const QAbstractSeries*, QPointF point) const {
    const models::LossSplitSample* nearest = nullptr;
    for (const auto& s : m_series->lowBit().lossSplit())
        if (!nearest || std::abs(double(s.step) - point.x()) < std::abs(double(nearest->step) - point.x()))
            nearest = &s;
    if (!nearest)
        return {};
    const QLocale l;
    return tr("Step %1: task %2, logits %3, hidden %4, optimised %5")
        .arg(l.toString(nearest->step), l.toString(nearest->taskLoss, 'f', 4), l.toString(nearest->logitLoss, 'f', 4),
             l.toString(nearest->hiddenLoss, 'f', 4), l.toString(nearest->weightedLoss, 'f', 4));
}

} // namespace tcw::widgets
