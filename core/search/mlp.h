// Small fully connected networks for BOSHCODE's surrogates, written with Eigen: tanh hidden
// layers (smooth, so the input Hessian GOBI's second-order steps need exists — ReLU networks
// are piecewise linear and have none), a linear output layer, inverted dropout after every
// hidden layer, Adam with decoupled weight decay. Samples are columns: x is [inputs × n].
#pragma once

#include <Eigen/Core>

#include <functional>
#include <random>
#include <vector>

namespace tcw::search {

class Mlp {
public:
    Mlp() = default;
    // Glorot-uniform weights, zero biases, from rng.
    Mlp(int inputs, const std::vector<int>& hidden, int outputs, double dropout, std::mt19937_64& rng);

    int inputs() const { return m_inputs; }
    int outputs() const { return static_cast<int>(m_bias.empty() ? 0 : m_bias.back().size()); }
    double dropout() const { return m_dropout; }

    // [outputs × n]. With dropoutRng, a fresh dropout mask per sample and unit (MC dropout);
    // without, the deterministic network (inverted dropout needs no rescaling at test time).
    Eigen::MatrixXd forward(const Eigen::MatrixXd& x, std::mt19937_64* dropoutRng = nullptr) const;

    // Gradient with respect to the input of Σ_k outputWeights[k]·output_k at one input x
    // (deterministic network).
    Eigen::VectorXd inputGradient(const Eigen::VectorXd& x, const Eigen::VectorXd& outputWeights) const;

    struct TrainOptions {
        int steps = 400;
        int batchSize = 64;
        double learningRate = 3e-3;
        double weightDecay = 1e-4;
        double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    };
    // Adam over minibatches drawn (without replacement within an epoch) from the columns of x;
    // `loss` gets the batch's output [outputs × n] and the column indices it came from, fills
    // the gradient with respect to that output and returns the loss (both means over the
    // batch). Training uses dropout. Returns the mean loss of the last complete epoch.
    using BatchLoss = std::function<double(const Eigen::MatrixXd& output, const std::vector<int>& columns,
                                           Eigen::MatrixXd& gradient)>;
    double train(const Eigen::MatrixXd& x, const BatchLoss& loss, const TrainOptions& options, std::mt19937_64& rng);

private:
    struct Cache {
        std::vector<Eigen::MatrixXd> activations; // input, then each hidden layer after tanh and dropout
        std::vector<Eigen::MatrixXd> masks;       // dropout masks (scaled), per hidden layer
    };
    Eigen::MatrixXd forwardCached(const Eigen::MatrixXd& x, std::mt19937_64* dropoutRng, Cache& cache) const;

    int m_inputs = 0;
    double m_dropout = 0;
    std::vector<Eigen::MatrixXd> m_weight; // [out × in] per layer
    std::vector<Eigen::VectorXd> m_bias;
};

} // namespace tcw::search
