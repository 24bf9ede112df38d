// The metrics the explorer can put on an axis or a colour scale, with their units and the
// direction that is better. Keys are stable: they are stored in settings and files.
#pragma once

#include "store/records.h"

#include <QList>
#include <QString>

#include <optional>

namespace tcw::models {

enum class Objective {
    Accuracy,  // %, higher is better
    Latency,   // ms
    Energy,    // mJ, dynamic + leakage
    Area,      // mm²
    PeakPower, // mW
};

struct ObjectiveInfo {
    Objective objective;
    QString key;         // "latency": settings and file key
    QString label;       // "Latency"
    QString unit;        // "ms"
    QString description; // one sentence, for tooltips
    bool higherIsBetter = false;

    QString labelWithUnit() const { return unit.isEmpty() ? label : label + QStringLiteral(" (") + unit + ')'; }
};

const QList<ObjectiveInfo>& allObjectives();
const ObjectiveInfo& objectiveInfo(Objective objective);
std::optional<Objective> objectiveFromKey(const QString& key);

// The objective's value in its display unit (ms, mJ, %, ...), if the evaluation has it.
std::optional<double> objectiveValue(const store::EvaluationRecord& evaluation, Objective objective);

// One unit across target kinds (core/search/objective_units.h): when the plotted designs mix
// kinds, latency and energy are per sequence — an ELECTOR design's batch figures divided by its
// batch size. Whether an objective has such a basis (latency, energy), and its axis or column
// title then: "Latency per sequence (ms)"; without perSequence, labelWithUnit().
bool objectiveHasSequenceBasis(Objective objective);
QString objectiveTitle(Objective objective, bool perSequence);

// A metric for people: four significant digits, without exponents up to 10⁹ (1,188,000 rather
// than 1.188e+06), locale-grouped.
QString formatMetric(double value);

// An objective before and after an edit: the change, relative (a fraction of the start) and
// whether it is for the better (accuracy up, costs down).
struct MetricDelta {
    std::optional<double> start, now;
    std::optional<double> relative; // (now − start) / |start|; none without both or from 0
    bool changed = false;
    bool better = false;
};
MetricDelta metricDelta(const store::EvaluationRecord& start, const store::EvaluationRecord& now, Objective objective);
// "+12.3 %", "−4.0 %", "±0 %" (accuracy: in points, "+1.2 pt").
QString deltaText(const MetricDelta& delta, Objective objective);

} // namespace tcw::models
