// BOSHCODE's surrogate of a minimised objective over the unit-cube view of the pair
// encoding (docs/search.md): a teacher MLP with dropout predicts the mean; a student MLP
// learns the teacher's MC-dropout spread (the epistemic σ, cheap and differentiable where
// MC dropout is neither); a natural-parameter network predicts a heteroscedastic Gaussian
// (the aleatoric σ). The acquisition μ − κ·σ, σ = √(σ_e² + σ_a²), and its input gradient
// drive GOBI.
#pragma once

#include "mlp.h"

#include <random>
#include <span>
#include <stop_token>
#include <vector>

namespace tcw::search {

struct SurrogateConfig {
    int hidden = 64;       // teacher: two hidden layers of this width
    int smallHidden = 32;  // student and natural-parameter network: two layers of this width
    double dropout = 0.1;  // teacher
    int mcSamples = 16;    // dropout passes whose spread the student learns
    int extraInputs = 256; // random points added to the student's inputs (σ away from the data)
    Mlp::TrainOptions teacher{1000, 64, 1e-2, 1e-4};
    Mlp::TrainOptions student{300, 64, 3e-3, 1e-4};
    Mlp::TrainOptions natural{300, 64, 2e-3, 1e-4};
};

class Surrogate {
public:
    struct Prediction {
        double mean = 0;      // target units
        double epistemic = 0; // σ, target units
        double aleatoric = 0; // σ, target units
        double stdDev() const;
    };

    // Fits the three networks to (x[i], y[i]); x are unit-cube points, extra are points
    // without targets where the student also learns the teacher's spread. Deterministic for
    // a given rng state. Returns false (and stays unfitted) when stop was requested.
    bool fit(const std::vector<std::vector<double>>& x, const std::vector<double>& y,
             const std::vector<std::vector<double>>& extra, const SurrogateConfig& config, std::mt19937_64& rng,
             std::stop_token stop = {});
    bool fitted() const { return m_fitted; }

    Prediction predict(std::span<const double> x) const;
    std::vector<Prediction> predict(const std::vector<std::vector<double>>& x) const;

    // a(x) = μ(x) − κ·σ(x) in target units; with gradient, also ∂a/∂x.
    double acquisition(std::span<const double> x, double kappa, std::vector<double>* gradient = nullptr) const;

    // MC-dropout σ of the teacher at x (what the student imitates), target units.
    double monteCarloStdDev(std::span<const double> x, int samples, std::mt19937_64& rng) const;

private:
    Mlp m_teacher, m_student, m_natural;
    double m_yMean = 0, m_yScale = 1;
    bool m_fitted = false;
};

} // namespace tcw::search
