// Multi-objective utilities as free functions over points in objective space, every
// objective minimised (negate one to maximise it): dominance, the non-dominated front,
// non-dominated sorting, crowding distance, exact hypervolume, IGD and the knee point.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tcw {

using ObjectiveVector = std::vector<double>;

// a dominates b: no worse in every objective and better in at least one.
bool dominates(std::span<const double> a, std::span<const double> b);

// Indices of the non-dominated points, ascending. Duplicates: the first is kept.
// O(n log n) for 2 and 3 objectives, O(n·front) otherwise.
std::vector<std::size_t> nonDominatedFront(const std::vector<ObjectiveVector>& points);

// Fronts 0, 1, … (Deb's fast non-dominated sort): ranks[i] = front index of point i.
std::vector<int> nonDominatedRanks(const std::vector<ObjectiveVector>& points);

// Crowding distance of each point within the given set (one front); boundary points ∞.
std::vector<double> crowdingDistance(const std::vector<ObjectiveVector>& front);

// Exact hypervolume dominated by `points` and bounded by `reference` (points not strictly
// better than the reference in every objective contribute nothing). Any dimension; exact
// slicing (WFG-style) recursion, fast for the 2–5 objectives of the workbench.
double hypervolume(const std::vector<ObjectiveVector>& points, const ObjectiveVector& reference);

// Inverted generational distance: mean distance from each reference-front point to the
// nearest point of `approximation`.
double invertedGenerationalDistance(const std::vector<ObjectiveVector>& approximation,
                                    const std::vector<ObjectiveVector>& referenceFront);

// Knee of a front: the point farthest from the hyperplane through the extreme points, after
// normalising each objective to [0, 1]. Returns an index into `front` (0 for ≤ 2 points).
std::size_t kneePoint(const std::vector<ObjectiveVector>& front);

} // namespace tcw
