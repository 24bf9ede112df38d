// Multi-objective utilities as free functions over points in objective space, every
// objective minimised (negate one to maximise it): dominance, the non-dominated front,
// non-dominated sorting, crowding distance, exact hypervolume, IGD and the knee point; and
// ParetoArchive, the front of a growing set kept up to date point by point.
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

// The non-dominated subset of a growing set of points, updated as each point arrives: a new
// point joins unless a member dominates or equals it (the first of equal points stays, as in
// nonDominatedFront), and the members it dominates leave. Afterwards the members are exactly
// nonDominatedFront of every point inserted so far (same ids, in insertion order).
class ParetoArchive {
public:
    // True when the point joined the front.
    bool insert(ObjectiveVector point, std::size_t id);

    const std::vector<ObjectiveVector>& points() const { return m_points; }
    const std::vector<std::size_t>& ids() const { return m_ids; } // ascending when ids are inserted ascending
    std::size_t size() const { return m_points.size(); }
    bool empty() const { return m_points.empty(); }

    // hypervolume(points(), reference), cached until the front or the reference changes.
    double hypervolume(const ObjectiveVector& reference) const;

private:
    std::vector<ObjectiveVector> m_points;
    std::vector<std::size_t> m_ids;
    mutable ObjectiveVector m_cachedReference;
    mutable double m_cachedVolume = -1;
};

} // namespace tcw
