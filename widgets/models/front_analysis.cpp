// Two-objective Pareto analysis. Ranks use the O(n log n) sweep: sort by x (better first),
// then each point joins the first front whose best y so far does not dominate it.
#include "front_analysis.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tcw::models {

bool meetsBound(double value, const ObjectiveBound& bound) {
    if (std::isnan(value))
        return false;
    return objectiveInfo(bound.objective).higherIsBetter ? value >= bound.bound : value <= bound.bound;
}

namespace {
// Both coordinates as "smaller is better".
double minimised(double v, bool higherIsBetter) {
    return higherIsBetter ? -v : v;
}
} // namespace

std::vector<int> paretoRanks2D(std::span<const double> x, std::span<const double> y, AxisSense sense,
                               const std::vector<bool>& eligible) {
    const std::size_t n = x.size();
    std::vector<int> ranks(n, -1);
    std::vector<std::size_t> order;
    order.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        if ((eligible.empty() || eligible[i]) && !std::isnan(x[i]) && !std::isnan(y[i]))
            order.push_back(i);
    auto mx = [&](std::size_t i) { return minimised(x[i], sense.xHigherIsBetter); };
    auto my = [&](std::size_t i) { return minimised(y[i], sense.yHigherIsBetter); };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return mx(a) != mx(b) ? mx(a) < mx(b) : my(a) != my(b) ? my(a) < my(b) : a < b;
    });
    // Per front: the smallest minimised y so far and the point that has it. A later point
    // (x no better) is dominated by a front member iff that front's best y is ≤ its y, unless
    // the member equals it exactly. Best y grows with the front index, so binary search.
    std::vector<double> bestY;
    std::vector<std::size_t> bestPoint;
    for (std::size_t i : order) {
        const double yi = my(i);
        auto it = std::upper_bound(bestY.begin(), bestY.end(), yi); // first front with bestY > yi
        std::size_t front = std::size_t(it - bestY.begin());
        // Fronts before `front` have bestY ≤ yi. The last of them may hold only points equal
        // to this one (same x and y), which do not dominate it.
        if (front > 0) {
            const std::size_t p = bestPoint[front - 1];
            if (bestY[front - 1] == yi && mx(p) == mx(i)) {
                ranks[i] = int(front - 1);
                continue;
            }
        }
        if (front == bestY.size()) {
            bestY.push_back(yi);
            bestPoint.push_back(i);
        } else {
            bestY[front] = yi;
            bestPoint[front] = i;
        }
        ranks[i] = int(front);
    }
    return ranks;
}

std::vector<std::size_t> frontInXOrder(std::span<const double> x, std::span<const double> y,
                                       const std::vector<int>& ranks) {
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < ranks.size(); ++i)
        if (ranks[i] == 0)
            front.push_back(i);
    std::sort(front.begin(), front.end(),
              [&](std::size_t a, std::size_t b) { return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b]; });
    return front;
}

std::vector<StepPoint> stepLine(std::span<const double> x, std::span<const double> y,
                                const std::vector<std::size_t>& frontOrder, AxisSense sense) {
    std::vector<StepPoint> line;
    if (frontOrder.empty())
        return line;
    line.push_back({x[frontOrder[0]], y[frontOrder[0]]});
    for (std::size_t k = 1; k < frontOrder.size(); ++k) {
        const std::size_t a = frontOrder[k - 1], b = frontOrder[k];
        // Lower x better: a (smaller x) is better in x, so b must be better in y; the region
        // dominated by a and b has its corner at (x_b, y_a). Higher x better: the corner is
        // at (x_a, y_b).
        if (!sense.xHigherIsBetter)
            line.push_back({x[b], y[a]});
        else
            line.push_back({x[a], y[b]});
        line.push_back({x[b], y[b]});
    }
    return line;
}

Dominance dominanceAgainst(double px, double py, std::span<const double> x, std::span<const double> y, AxisSense sense,
                           const std::vector<bool>& eligible) {
    Dominance d;
    if (std::isnan(px) || std::isnan(py))
        return d;
    const double pxm = minimised(px, sense.xHigherIsBetter), pym = minimised(py, sense.yHigherIsBetter);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if ((!eligible.empty() && !eligible[i]) || std::isnan(x[i]) || std::isnan(y[i]))
            continue;
        const double xm = minimised(x[i], sense.xHigherIsBetter), ym = minimised(y[i], sense.yHigherIsBetter);
        if (xm <= pxm && ym <= pym && (xm < pxm || ym < pym))
            ++d.dominatedBy;
        else if (pxm <= xm && pym <= ym && (pxm < xm || pym < ym))
            ++d.dominates;
    }
    d.joinsFront = d.dominatedBy == 0;
    return d;
}

QString dominanceText(const Dominance& d, bool valid) {
    auto tr = [](const char* text) { return QCoreApplication::translate("Dominance", text); };
    auto designs = [&tr](int n) { return QString::number(n) + ' ' + (n == 1 ? tr("design") : tr("designs")); };
    if (!valid)
        return tr("Not on the plot (no value for an axis)");
    if (d.joinsFront)
        return d.dominates > 0 ? tr("Would join the front, dominating %1").arg(designs(d.dominates))
                               : tr("Would join the front");
    return tr("Dominated by %1").arg(designs(d.dominatedBy));
}

} // namespace tcw::models
