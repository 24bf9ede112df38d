// Multi-objective utilities.
#include "pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace tcw {

bool dominates(std::span<const double> a, std::span<const double> b) {
    bool better = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] > b[i])
            return false;
        better |= a[i] < b[i];
    }
    return better;
}

namespace {

std::vector<std::size_t> sortedOrder(const std::vector<ObjectiveVector>& p) {
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
    return order;
}

// 2 or 3 objectives: sweep in lexicographic order keeping a staircase of the (y, z)
// projections of the front so far (for 2-D, z is constant).
std::vector<std::size_t> frontBySweep(const std::vector<ObjectiveVector>& p, bool threeD) {
    std::vector<std::size_t> front;
    std::map<double, double> stairs; // y → min z among front points with that y; z strictly falls as y rises
    const ObjectiveVector* previous = nullptr;
    for (std::size_t i : sortedOrder(p)) {
        const double y = p[i][1], z = threeD ? p[i][2] : 0.0;
        if (previous && *previous == p[i])
            continue; // duplicate of a point already judged
        previous = &p[i];
        // Dominated iff some earlier point has y' ≤ y and z' ≤ z (x' ≤ x by the order; an
        // equal point was skipped above, so one of the inequalities is strict somewhere).
        auto it = stairs.upper_bound(y);
        if (it != stairs.begin() && std::prev(it)->second <= z)
            continue;
        front.push_back(i);
        // Insert (y, z) and drop staircase points it now covers (y'' ≥ y, z'' ≥ z).
        auto from = stairs.lower_bound(y);
        auto to = from;
        while (to != stairs.end() && to->second >= z)
            ++to;
        stairs.erase(from, to);
        stairs[y] = z;
    }
    std::sort(front.begin(), front.end());
    return front;
}

} // namespace

std::vector<std::size_t> nonDominatedFront(const std::vector<ObjectiveVector>& p) {
    if (p.empty())
        return {};
    const std::size_t d = p.front().size();
    if (d == 1) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < p.size(); ++i)
            if (p[i][0] < p[best][0])
                best = i;
        return {best};
    }
    if (d == 2 || d == 3)
        return frontBySweep(p, d == 3);
    std::vector<std::size_t> front;
    for (std::size_t i : sortedOrder(p)) {
        bool dominated = false;
        for (std::size_t j : front)
            if (dominates(p[j], p[i]) || p[j] == p[i]) {
                dominated = true;
                break;
            }
        if (!dominated)
            front.push_back(i); // lexicographic order: a later point never dominates an earlier one
    }
    std::sort(front.begin(), front.end());
    return front;
}

std::vector<int> nonDominatedRanks(const std::vector<ObjectiveVector>& p) {
    const std::size_t n = p.size();
    std::vector<int> rank(n, -1), dominatedCount(n, 0);
    std::vector<std::vector<std::size_t>> dominatesList(n);
    std::vector<std::size_t> current;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
            if (i == j)
                continue;
            if (dominates(p[i], p[j]))
                dominatesList[i].push_back(j);
            else if (dominates(p[j], p[i]))
                ++dominatedCount[i];
        }
        if (dominatedCount[i] == 0) {
            rank[i] = 0;
            current.push_back(i);
        }
    }
    for (int r = 0; !current.empty(); ++r) {
        std::vector<std::size_t> next;
        for (std::size_t i : current)
            for (std::size_t j : dominatesList[i])
                if (--dominatedCount[j] == 0) {
                    rank[j] = r + 1;
                    next.push_back(j);
                }
        current = std::move(next);
    }
    return rank;
}

std::vector<double> crowdingDistance(const std::vector<ObjectiveVector>& front) {
    const std::size_t n = front.size();
    std::vector<double> distance(n, 0.0);
    if (n == 0)
        return distance;
    const double inf = std::numeric_limits<double>::infinity();
    if (n <= 2)
        return std::vector<double>(n, inf);
    std::vector<std::size_t> order(n);
    for (std::size_t m = 0; m < front.front().size(); ++m) {
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return front[a][m] < front[b][m]; });
        const double span = front[order.back()][m] - front[order.front()][m];
        distance[order.front()] = distance[order.back()] = inf;
        if (span <= 0)
            continue;
        for (std::size_t k = 1; k + 1 < n; ++k)
            distance[order[k]] += (front[order[k + 1]][m] - front[order[k - 1]][m]) / span;
    }
    return distance;
}

namespace {

// Hypervolume of points (all strictly inside the reference box) by slicing along the last
// objective: sort by it, and sum slab thickness × (d−1)-dimensional volume of the points
// below the slab.
double hypervolumeRecursive(std::vector<ObjectiveVector> pts, const ObjectiveVector& ref, std::size_t d) {
    if (pts.empty())
        return 0.0;
    if (d == 1) {
        double best = ref[0];
        for (const auto& q : pts)
            best = std::min(best, q[0]);
        return ref[0] - best;
    }
    if (d == 2) {
        std::sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
        double volume = 0, bestY = ref[1];
        for (const auto& q : pts) {
            if (q[1] < bestY) {
                volume += (ref[0] - q[0]) * (bestY - q[1]);
                bestY = q[1];
            }
        }
        return volume;
    }
    const std::size_t last = d - 1;
    std::sort(pts.begin(), pts.end(), [last](const auto& a, const auto& b) { return a[last] < b[last]; });
    double volume = 0;
    std::vector<ObjectiveVector> slice;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        // Keep only the non-dominated projections of the slice (cheaper recursion).
        ObjectiveVector projected(pts[i].begin(), pts[i].begin() + last);
        bool covered = false;
        for (const auto& s : slice)
            if (std::equal(s.begin(), s.end(), projected.begin(), [](double a, double b) { return a <= b; })) {
                covered = true;
                break;
            }
        if (!covered) {
            std::erase_if(slice, [&](const ObjectiveVector& s) {
                return std::equal(projected.begin(), projected.end(), s.begin(),
                                  [](double a, double b) { return a <= b; });
            });
            slice.push_back(std::move(projected));
        }
        const double top = i + 1 < pts.size() ? pts[i + 1][last] : ref[last];
        const double thickness = top - pts[i][last];
        if (thickness > 0)
            volume += thickness * hypervolumeRecursive(slice, ref, last);
    }
    return volume;
}

} // namespace

double hypervolume(const std::vector<ObjectiveVector>& points, const ObjectiveVector& reference) {
    std::vector<ObjectiveVector> inside;
    for (const auto& p : points) {
        bool in = p.size() == reference.size();
        for (std::size_t i = 0; in && i < p.size(); ++i)
            in = p[i] < reference[i];
        if (in)
            inside.push_back(p);
    }
    if (inside.empty())
        return 0.0;
    std::vector<ObjectiveVector> front;
    for (std::size_t i : nonDominatedFront(inside))
        front.push_back(inside[i]);
    return hypervolumeRecursive(std::move(front), reference, reference.size());
}

double invertedGenerationalDistance(const std::vector<ObjectiveVector>& approximation,
                                    const std::vector<ObjectiveVector>& referenceFront) {
    if (referenceFront.empty() || approximation.empty())
        return std::numeric_limits<double>::infinity();
    double sum = 0;
    for (const auto& r : referenceFront) {
        double best = std::numeric_limits<double>::infinity();
        for (const auto& a : approximation) {
            double d2 = 0;
            for (std::size_t i = 0; i < r.size(); ++i)
                d2 += (a[i] - r[i]) * (a[i] - r[i]);
            best = std::min(best, d2);
        }
        sum += std::sqrt(best);
    }
    return sum / double(referenceFront.size());
}

std::size_t kneePoint(const std::vector<ObjectiveVector>& front) {
    if (front.size() <= 2)
        return 0;
    const std::size_t d = front.front().size();
    ObjectiveVector lo(d, std::numeric_limits<double>::infinity()), hi(d, -std::numeric_limits<double>::infinity());
    for (const auto& p : front)
        for (std::size_t i = 0; i < d; ++i) {
            lo[i] = std::min(lo[i], p[i]);
            hi[i] = std::max(hi[i], p[i]);
        }
    // In normalised space the extreme points span the plane Σ x_i = 1 (approximately); the
    // knee is the point with the smallest coordinate sum, i.e. farthest below that plane.
    std::size_t best = 0;
    double bestSum = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < front.size(); ++k) {
        double sum = 0;
        for (std::size_t i = 0; i < d; ++i)
            sum += hi[i] > lo[i] ? (front[k][i] - lo[i]) / (hi[i] - lo[i]) : 0.0;
        if (sum < bestSum) {
            bestSum = sum;
            best = k;
        }
    }
    return best;
}

bool ParetoArchive::insert(ObjectiveVector point, std::size_t id) {
    for (const auto& member : m_points)
        if (member == point || dominates(member, point))
            return false;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_points.size(); ++i) {
        if (dominates(point, m_points[i]))
            continue;
        if (kept != i) {
            m_points[kept] = std::move(m_points[i]);
            m_ids[kept] = m_ids[i];
        }
        ++kept;
    }
    m_points.resize(kept);
    m_ids.resize(kept);
    // Insertion order = id order for a search (ids are trial positions): keep them sorted.
    const auto at = std::upper_bound(m_ids.begin(), m_ids.end(), id) - m_ids.begin();
    m_points.insert(m_points.begin() + at, std::move(point));
    m_ids.insert(m_ids.begin() + at, id);
    m_cachedVolume = -1;
    return true;
}

double ParetoArchive::hypervolume(const ObjectiveVector& reference) const {
    if (m_cachedVolume < 0 || reference != m_cachedReference) {
        m_cachedVolume = tcw::hypervolume(m_points, reference);
        m_cachedReference = reference;
    }
    return m_cachedVolume;
}

} // namespace tcw
