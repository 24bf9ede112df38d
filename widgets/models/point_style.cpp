#include "point_style.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace tcw::models {

MarkerShape markerForTargetKind(const std::string& kind) {
    if (kind == "bat")
        return MarkerShape::Square;
    if (kind == "fpga")
        return MarkerShape::Triangle;
    if (kind == "device")
        return MarkerShape::Diamond;
    return MarkerShape::Circle;
}

QString markerLabel(MarkerShape shape) {
    switch (shape) {
    case MarkerShape::Circle:
        return QStringLiteral("elector");
    case MarkerShape::Square:
        return QStringLiteral("bat");
    case MarkerShape::Triangle:
        return QStringLiteral("fpga");
    case MarkerShape::Diamond:
        return QStringLiteral("device");
    }
    return {};
}

std::optional<double> objectiveSigma(const store::EvaluationRecord& e, Objective objective) {
    if (objective == Objective::Accuracy) {
        if (e.accuracySource != store::AccuracySource::Predicted || !e.accuracyStdDev || !e.accuracy)
            return std::nullopt;
        return *e.accuracyStdDev * 100.0; // %
    }
    if (e.provenance != store::MetricsProvenance::Predicted)
        return std::nullopt;
    const auto value = objectiveValue(e, objective);
    if (!value)
        return std::nullopt;
    // A device pair's evaluation keeps each measure's σ (core/devices/device_search_store.cpp).
    const char* key = objective == Objective::Latency     ? "latencySigmaS"
                      : objective == Objective::Energy    ? "energySigmaJ"
                      : objective == Objective::PeakPower ? "peakPowerSigmaW"
                                                          : nullptr;
    if (key && e.costModel == "measured") {
        const QJsonObject b = QJsonDocument::fromJson(QByteArray::fromStdString(e.breakdownJson)).object();
        if (b.contains(QLatin1String(key)) && b.value(QLatin1String(key)).isDouble()) {
            const double sigma = b.value(QLatin1String(key)).toDouble();
            // Display units: latency ms, energy mJ, peak power mW.
            return sigma * 1e3;
        }
    }
    if (!e.metricsStdDevFraction)
        return std::nullopt;
    return std::abs(*value) * *e.metricsStdDevFraction;
}

} // namespace tcw::models
