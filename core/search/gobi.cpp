// GOBI with AdaHessian steps.
#include "gobi.h"

#include "rng.h"

#include <algorithm>
#include <cmath>

namespace tcw::search {

GobiResult gobi(const Surrogate& surrogate, std::vector<double> x, const std::vector<bool>& free, const GobiConfig& c,
                std::mt19937_64& rng) {
    const std::size_t d = x.size();
    const std::vector<double> start = x;
    std::vector<double> m(d, 0.0), v(d, 0.0), g, gPlus, gMinus, probe(d), shifted(d);
    double value = surrogate.acquisition(x, c.kappa, &g);
    int quiet = 0, step = 0;
    for (step = 1; step <= c.maxSteps; ++step) {
        // Hutchinson: D_i = v_i·(H·v)_i with v_i = ±1 on the free coordinates.
        for (std::size_t i = 0; i < d; ++i)
            probe[i] = free[i] ? (uniform01(rng) < 0.5 ? -1.0 : 1.0) : 0.0;
        for (std::size_t i = 0; i < d; ++i)
            shifted[i] = x[i] + c.finiteDifference * probe[i];
        surrogate.acquisition(shifted, c.kappa, &gPlus);
        for (std::size_t i = 0; i < d; ++i)
            shifted[i] = x[i] - c.finiteDifference * probe[i];
        surrogate.acquisition(shifted, c.kappa, &gMinus);
        const double c1 = 1.0 - std::pow(c.beta1, step), c2 = 1.0 - std::pow(c.beta2, step);
        for (std::size_t i = 0; i < d; ++i) {
            if (!free[i])
                continue;
            const double hessianDiagonal = probe[i] * (gPlus[i] - gMinus[i]) / (2 * c.finiteDifference);
            m[i] = c.beta1 * m[i] + (1 - c.beta1) * g[i];
            v[i] = c.beta2 * v[i] + (1 - c.beta2) * hessianDiagonal * hessianDiagonal;
            x[i] -= c.learningRate * (m[i] / c1) / (std::sqrt(v[i] / c2) + c.epsilon);
            x[i] = std::clamp(x[i], std::max(0.0, start[i] - c.trustRadius), std::min(1.0, start[i] + c.trustRadius));
        }
        const double next = surrogate.acquisition(x, c.kappa, &g);
        quiet = std::abs(next - value) < c.tolerance ? quiet + 1 : 0;
        value = next;
        if (quiet >= c.patience)
            break;
    }
    return {std::move(x), value, std::min(step, c.maxSteps)};
}

} // namespace tcw::search
