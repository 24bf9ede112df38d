// The explorer's two-objective Pareto analysis: non-dominated ranks of the plotted designs
// (the table's "Pareto rank" and the plot's front), the front as a step line, where an edited
// design would land (its dominance status) and constraint bounds. Pure functions over value
// arrays; every objective says whether higher is better.
#pragma once

#include "objective.h"

#include <QString>

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace tcw::models {

// A threshold on one objective: at least `bound` for an objective where higher is better
// (accuracy), at most `bound` for the others.
struct ObjectiveBound {
    Objective objective = Objective::Latency;
    double bound = 0;

    bool operator==(const ObjectiveBound&) const = default;
};
bool meetsBound(double value, const ObjectiveBound& bound); // NaN never meets a bound

// One axis of a two-objective comparison: whether a larger value is the better one.
struct AxisSense {
    bool xHigherIsBetter = false;
    bool yHigherIsBetter = false;
};

// Non-dominated ranks in two objectives: 0 for the front, 1 for the front of the rest, …;
// -1 for points that are not eligible or have a NaN. Equal points share a rank (neither
// dominates the other). O(n log n).
std::vector<int> paretoRanks2D(std::span<const double> x, std::span<const double> y, AxisSense sense,
                               const std::vector<bool>& eligible);

// The rank-0 points ordered along x (ascending), for the step line.
std::vector<std::size_t> frontInXOrder(std::span<const double> x, std::span<const double> y,
                                       const std::vector<int>& ranks);

// The step line through front points (given in x order): from each point horizontally to the
// next point's x, then vertically to its y, so the line bounds the region the front dominates.
struct StepPoint {
    double x = 0, y = 0;
};
std::vector<StepPoint> stepLine(std::span<const double> x, std::span<const double> y,
                                const std::vector<std::size_t>& frontOrder, AxisSense sense);

// Where a point would stand among the eligible points: joins the front when no eligible point
// dominates it (equal points do not dominate); how many dominate it and how many it dominates.
struct Dominance {
    bool joinsFront = false;
    int dominatedBy = 0;
    int dominates = 0;

    bool operator==(const Dominance&) const = default;
};
Dominance dominanceAgainst(double px, double py, std::span<const double> x, std::span<const double> y, AxisSense sense,
                           const std::vector<bool>& eligible);

// "Joins the front (dominates 12 designs)" / "Dominated by 3 designs" / "Not comparable".
QString dominanceText(const Dominance& dominance, bool valid);

} // namespace tcw::models
