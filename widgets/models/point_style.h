// How a design's point looks in the explorer's plots (issue 14): its marker shape by the kind
// of target it runs on, and the ±σ of a predicted coordinate (the surrogate's uncertainty),
// from the design and its latest evaluation.
#pragma once

#include "objective.h"

#include "store/records.h"

#include <QString>

#include <optional>

namespace tcw::models {

// Marker shapes, in the order of widgets/plots/scatter_plot.h ScatterPlot::Marker.
enum class MarkerShape : quint8 { Circle, Square, Triangle, Diamond };
// elector (and a lone transformer) → circle, bat → square, fpga → triangle, device → diamond.
MarkerShape markerForTargetKind(const std::string& targetKind);
// The legend's word for a shape: "elector", "bat", "fpga", "device".
QString markerLabel(MarkerShape shape);

// σ of the objective's value, in its display unit, when the evaluation has one: a predicted
// accuracy's σ; a predicted metric's σ (a device surrogate's own σ of that measure, from the
// evaluation's breakdown, else the metric × the evaluation's relative σ). None for simulated,
// measured or published numbers.
std::optional<double> objectiveSigma(const store::EvaluationRecord& evaluation, Objective objective);

} // namespace tcw::models
