// Objective names, units and how each is read from a stored evaluation.
#include "objective.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace tcw::models {

const QList<ObjectiveInfo>& allObjectives() {
    static const QList<ObjectiveInfo> objectives = {
        {Objective::Accuracy, QStringLiteral("accuracy"), QCoreApplication::translate("Objective", "Accuracy"),
         QStringLiteral("%"),
         QCoreApplication::translate(
             "Objective", "Share of correct predictions on the task's validation set (trained or predicted)."),
         true},
        {Objective::Latency, QStringLiteral("latency"), QCoreApplication::translate("Objective", "Latency"),
         QStringLiteral("ms"),
         QCoreApplication::translate("Objective", "Time to process one batch on the accelerator."), false},
        {Objective::Energy, QStringLiteral("energy"), QCoreApplication::translate("Objective", "Energy"),
         QStringLiteral("mJ"), QCoreApplication::translate("Objective", "Dynamic plus leakage energy for one batch."),
         false},
        {Objective::Area, QStringLiteral("area"), QCoreApplication::translate("Objective", "Area"),
         QStringLiteral("mm²"),
         QCoreApplication::translate("Objective", "Chip area of the accelerator (main memory is off chip)."), false},
        {Objective::PeakPower, QStringLiteral("peak_power"), QCoreApplication::translate("Objective", "Peak power"),
         QStringLiteral("mW"),
         QCoreApplication::translate("Objective", "Highest power drawn in any cycle window of the run."), false},
    };
    return objectives;
}

const ObjectiveInfo& objectiveInfo(Objective objective) {
    for (const ObjectiveInfo& info : allObjectives())
        if (info.objective == objective)
            return info;
    return allObjectives().front();
}

std::optional<Objective> objectiveFromKey(const QString& key) {
    for (const ObjectiveInfo& info : allObjectives())
        if (info.key == key)
            return info.objective;
    return std::nullopt;
}

std::optional<double> objectiveValue(const store::EvaluationRecord& e, Objective objective) {
    auto scaled = [](std::optional<double> v, double factor) { return v ? std::optional<double>(*v * factor) : v; };
    switch (objective) {
    case Objective::Accuracy:
        return scaled(e.accuracy, 100.0);
    case Objective::Latency:
        return scaled(e.latencySeconds, 1e3);
    case Objective::Energy:
        return scaled(e.energyTotalNJ(), 1e-6);
    case Objective::Area:
        return e.areaMM2;
    case Objective::PeakPower:
        return e.peakPowerMW;
    }
    return std::nullopt;
}

bool objectiveHasSequenceBasis(Objective objective) {
    return objective == Objective::Latency || objective == Objective::Energy;
}

QString objectiveTitle(Objective objective, bool perSequence) {
    const ObjectiveInfo& info = objectiveInfo(objective);
    if (!perSequence || !objectiveHasSequenceBasis(objective))
        return info.labelWithUnit();
    return QCoreApplication::translate("Objective", "%1 per sequence (%2)").arg(info.label, info.unit);
}

QString formatMetric(double value) {
    const double a = std::abs(value);
    if (std::isnan(value))
        return QStringLiteral("—");
    if (a >= 1e4 && a < 1e9)
        return QLocale().toString(value, 'f', 0);
    return QLocale().toString(value, 'g', 4);
}

MetricDelta metricDelta(const store::EvaluationRecord& start, const store::EvaluationRecord& now, Objective objective) {
    MetricDelta d;
    d.start = objectiveValue(start, objective);
    d.now = objectiveValue(now, objective);
    if (!d.start || !d.now)
        return d;
    const double diff = *d.now - *d.start;
    d.changed = diff != 0;
    d.better = objectiveInfo(objective).higherIsBetter ? diff > 0 : diff < 0;
    if (*d.start != 0)
        d.relative = diff / std::abs(*d.start);
    return d;
}

QString deltaText(const MetricDelta& d, Objective objective) {
    if (!d.start || !d.now)
        return {};
    if (!d.changed)
        return QStringLiteral("±0");
    const QChar minus(0x2212);
    if (objective == Objective::Accuracy) { // already a percentage: the change in points
        const double points = *d.now - *d.start;
        return (points > 0 ? QStringLiteral("+") : QString(minus)) + QString::number(std::abs(points), 'f', 2) +
               QStringLiteral(" pt");
    }
    if (!d.relative)
        return {};
    const double pct = *d.relative * 100;
    return (pct > 0 ? QStringLiteral("+") : QString(minus)) +
           QString::number(std::abs(pct), 'f', std::abs(pct) < 10 ? 1 : 0) + QStringLiteral(" %");
}

} // namespace tcw::models
