// Objective names, units and how each is read from a stored evaluation.
#include "objective.h"

#include <QCoreApplication>

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

} // namespace tcw::models
