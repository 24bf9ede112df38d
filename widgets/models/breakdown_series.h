// What the detail panel's bar charts show, computed from a SimResult: energy (dynamic and
// leakage), area and utilisation by module, and cycles by op kind split into forward,
// backward and update. Labels are for people ("MAC lanes"), values in the units named.
#pragma once

#include "sim/sim_types.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <vector>

namespace tcw::models {

// A horizontal bar chart's content: one bar per category, each the sum of its segments.
struct BarSeries {
    QString title;
    QString unit;             // of the values, shown on the axis and in tooltips
    QStringList categories;   // bar labels, top to bottom
    QStringList segmentNames; // legend; one name means plain bars
    std::vector<QColor> segmentColours;
    std::vector<std::vector<double>> values; // [category][segment]
    double fixedMax = 0;                     // > 0: the axis ends here (utilisation: 100 %)

    double total(int category) const;
    bool isEmpty() const { return categories.isEmpty(); }
};

QString moduleLabel(ModuleClass module); // "MAC lanes", "Activation buffer", …
QString opKindLabel(OpKind kind);        // "Matrix multiply", …

BarSeries energyByModule(const SimResult& result);      // µJ, dynamic + leakage; zero modules left out
BarSeries areaByModule(const SimResult& result);        // mm²; off-chip main memory left out
BarSeries utilisationByModule(const SimResult& result); // %, busy fraction of the run
BarSeries latencyByOpKind(const SimResult& result);     // µs by phase; from the per-op rows
// "forward 61 % · backward 31 % · update 8 %" of the run's cycles (inference: forward only).
QString phaseSplitText(const SimResult& result);

} // namespace tcw::models
