// Small tanh MLPs with dropout and Adam.
#include "mlp.h"

#include "rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tcw::search {

Mlp::Mlp(int inputs, const std::vector<int>& hidden, int outputs, double dropout, std::mt19937_64& rng)
    : m_inputs(inputs), m_dropout(dropout) {
    int previous = inputs;
    std::vector<int> widths = hidden;
    widths.push_back(outputs);
    for (int width : widths) {
        const double limit = std::sqrt(6.0 / double(previous + width));
        Eigen::MatrixXd w(width, previous);
        for (Eigen::Index c = 0; c < w.cols(); ++c)
            for (Eigen::Index r = 0; r < w.rows(); ++r)
                w(r, c) = (2.0 * uniform01(rng) - 1.0) * limit;
        m_weight.push_back(std::move(w));
        m_bias.push_back(Eigen::VectorXd::Zero(width));
        previous = width;
    }
}

Eigen::MatrixXd Mlp::forwardCached(const Eigen::MatrixXd& x, std::mt19937_64* dropoutRng, Cache& cache) const {
    cache.activations.clear();
    cache.masks.clear();
    cache.activations.push_back(x);
    const std::size_t layers = m_weight.size();
    for (std::size_t l = 0; l + 1 < layers; ++l) {
        Eigen::MatrixXd h = ((m_weight[l] * cache.activations.back()).colwise() + m_bias[l]).array().tanh().matrix();
        if (dropoutRng && m_dropout > 0) {
            Eigen::MatrixXd mask(h.rows(), h.cols());
            const double keep = 1.0 - m_dropout;
            for (Eigen::Index c = 0; c < mask.cols(); ++c)
                for (Eigen::Index r = 0; r < mask.rows(); ++r)
                    mask(r, c) = uniform01(*dropoutRng) < keep ? 1.0 / keep : 0.0;
            h = h.cwiseProduct(mask);
            cache.masks.push_back(std::move(mask));
        } else {
            cache.masks.emplace_back();
        }
        cache.activations.push_back(std::move(h));
    }
    return (m_weight.back() * cache.activations.back()).colwise() + m_bias.back();
}

Eigen::MatrixXd Mlp::forward(const Eigen::MatrixXd& x, std::mt19937_64* dropoutRng) const {
    Cache cache;
    return forwardCached(x, dropoutRng, cache);
}

Eigen::VectorXd Mlp::inputGradient(const Eigen::VectorXd& x, const Eigen::VectorXd& outputWeights) const {
    Cache cache;
    forwardCached(x, nullptr, cache);
    Eigen::VectorXd delta = m_weight.back().transpose() * outputWeights;
    for (std::size_t l = m_weight.size() - 1; l-- > 0;) {
        const Eigen::VectorXd& h = cache.activations[l + 1]; // tanh output (no dropout here)
        delta = delta.cwiseProduct((1.0 - h.array().square()).matrix());
        delta = m_weight[l].transpose() * delta;
    }
    return delta;
}

double Mlp::train(const Eigen::MatrixXd& x, const BatchLoss& loss, const TrainOptions& o, std::mt19937_64& rng) {
    const std::size_t layers = m_weight.size();
    std::vector<Eigen::MatrixXd> mW, vW;
    std::vector<Eigen::VectorXd> mB, vB;
    for (std::size_t l = 0; l < layers; ++l) {
        mW.push_back(Eigen::MatrixXd::Zero(m_weight[l].rows(), m_weight[l].cols()));
        vW.push_back(mW.back());
        mB.push_back(Eigen::VectorXd::Zero(m_bias[l].size()));
        vB.push_back(mB.back());
    }
    const int n = static_cast<int>(x.cols());
    if (n == 0)
        return 0;
    const int batch = std::min(o.batchSize, n);
    const int stepsPerEpoch = std::max(1, n / batch);
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    double epochLoss = 0, lastEpochLoss = 0;
    int inEpoch = 0;
    Cache cache;
    Eigen::MatrixXd xb(x.rows(), batch), grad;
    std::vector<int> columns(batch);
    for (int step = 0; step < o.steps; ++step) {
        const int slot = step % stepsPerEpoch;
        if (slot == 0) // a fresh permutation per epoch (Fisher–Yates with the portable draw)
            for (int i = n - 1; i > 0; --i)
                std::swap(order[i], order[uniformIndex(rng, static_cast<std::uint64_t>(i + 1))]);
        for (int k = 0; k < batch; ++k) {
            columns[k] = order[slot * batch + k];
            xb.col(k) = x.col(columns[k]);
        }
        const Eigen::MatrixXd out = forwardCached(xb, &rng, cache);
        grad.resize(out.rows(), out.cols());
        epochLoss += loss(out, columns, grad);
        if (++inEpoch == stepsPerEpoch) {
            lastEpochLoss = epochLoss / inEpoch;
            epochLoss = 0;
            inEpoch = 0;
        }
        // Back-propagation: delta is dLoss/d(pre-activation) of the current layer.
        Eigen::MatrixXd delta = grad;
        const double t = step + 1;
        const double c1 = 1.0 - std::pow(o.beta1, t), c2 = 1.0 - std::pow(o.beta2, t);
        for (std::size_t l = layers; l-- > 0;) {
            const Eigen::MatrixXd gW = delta * cache.activations[l].transpose();
            const Eigen::VectorXd gB = delta.rowwise().sum();
            if (l > 0) {
                delta = m_weight[l].transpose() * delta;
                if (cache.masks[l - 1].size() > 0)
                    delta = delta.cwiseProduct(cache.masks[l - 1]);
                // h = mask ⊙ tanh(z): tanh' = 1 − tanh², with tanh = h / mask where kept.
                const Eigen::MatrixXd& h = cache.activations[l];
                Eigen::MatrixXd th = h;
                if (cache.masks[l - 1].size() > 0)
                    th = (cache.masks[l - 1].array() > 0).select(h.array() / cache.masks[l - 1].array(), 0.0);
                delta = delta.cwiseProduct((1.0 - th.array().square()).matrix());
            }
            mW[l] = o.beta1 * mW[l] + (1 - o.beta1) * gW;
            vW[l] = o.beta2 * vW[l] + (1 - o.beta2) * gW.cwiseProduct(gW);
            mB[l] = o.beta1 * mB[l] + (1 - o.beta1) * gB;
            vB[l] = o.beta2 * vB[l] + (1 - o.beta2) * gB.cwiseProduct(gB);
            m_weight[l] -= o.learningRate * ((mW[l] / c1).array() / ((vW[l] / c2).array().sqrt() + o.epsilon)).matrix();
            m_weight[l] *= 1.0 - o.learningRate * o.weightDecay;
            m_bias[l] -= o.learningRate * ((mB[l] / c1).array() / ((vB[l] / c2).array().sqrt() + o.epsilon)).matrix();
        }
    }
    return inEpoch == 0 ? lastEpochLoss : (lastEpochLoss > 0 ? lastEpochLoss : epochLoss / inEpoch);
}

} // namespace tcw::search
