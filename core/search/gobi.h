// GOBI (gradient-based optimisation using backpropagation to the input, docs/search.md):
// minimise a surrogate's acquisition a(x) = μ − κ·σ over the unit-cube view of the encoding
// with AdaHessian (Yao et al. 2021): Adam's moments, but the second moment is of the
// Hessian's diagonal, estimated by Hutchinson's trick D ≈ v ⊙ (H·v) with a Rademacher v.
// The Hessian-vector product is a central difference of input gradients,
// H·v ≈ (∇a(x + h·v) − ∇a(x − h·v)) / 2h: exact to O(h²) on the smooth (tanh) surrogates and
// three gradient evaluations per step, where Pearlmutter's R-operator would need a second
// backward pass through every network for the same 49 numbers.
#pragma once

#include "surrogate.h"

#include <random>
#include <vector>

namespace tcw::search {

struct GobiConfig {
    double kappa = 0.5;        // exploration weight in μ − κ·σ
    double learningRate = 0.5; // docs/search.md
    int maxSteps = 200;        // docs/search.md
    double tolerance = 1e-5;   // stop when |Δa| < tolerance …
    int patience = 6;          // … for this many consecutive steps
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-4;
    double finiteDifference = 1e-3;
    // Box half-width around the start that the descent stays in (unit-cube units; ≥ 1: none).
    double trustRadius = 1.0;
};

struct GobiResult {
    std::vector<double> x; // the optimised point, clamped to [0, 1]
    double acquisition = 0;
    int steps = 0;
};

// From `start`, moves only the coordinates with free[i]; every step is clamped to [0, 1].
GobiResult gobi(const Surrogate& surrogate, std::vector<double> start, const std::vector<bool>& free,
                const GobiConfig& config, std::mt19937_64& rng);

} // namespace tcw::search
