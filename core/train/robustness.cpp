// Accuracy drop under random bit flips in stored weights (robustness.h).
#include "robustness.h"

#include "activation_quantization.h"
#include "trainer.h"
#include "weight_precision.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace tcw::train {

namespace {

int storedBitsOf(const Precision& p) {
    if (p.quantizer == Quantizer::Float && p.bits == 32)
        return 32;
    if (p.quantizer == Quantizer::Sign && p.bits == 1)
        return 1;
    if (p.quantizer == Quantizer::Symmetric && p.bits >= 2 && p.bits <= 8)
        return p.bits;
    throw std::invalid_argument("robustness: weights stored as " + std::to_string(p.bits) + "-bit " +
                                std::string(quantizerName(p.quantizer)) +
                                " have no defined bit layout (allowed: 32-bit float, 1-bit sign, 2–8-bit symmetric)");
}

// Positions in [0, n) where a Bernoulli(rate) event happens, by geometric skips.
template <typename F> std::int64_t forEachEvent(std::int64_t n, double rate, std::mt19937_64& rng, F&& f) {
    if (!(rate > 0.0) || n <= 0)
        return 0;
    std::int64_t count = 0;
    if (rate >= 1.0) {
        for (std::int64_t i = 0; i < n; ++i)
            f(i);
        return n;
    }
    const double logKeep = std::log1p(-rate);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::int64_t pos = -1;
    while (true) {
        const double draw = 1.0 - u(rng); // (0, 1]
        const double skip = std::floor(std::log(draw) / logKeep);
        if (!(skip < double(n)))
            break;
        pos += 1 + static_cast<std::int64_t>(skip);
        if (pos >= n)
            break;
        f(pos);
        ++count;
    }
    return count;
}

double accuracyOf(Network& network, const Dataset& data, std::int64_t n, int batchSize, std::stop_token stop) {
    std::int64_t correct = 0;
    std::vector<std::int64_t> indices;
    Batch batch;
    for (std::int64_t first = 0; first < n; first += batchSize) {
        if (stop.stop_requested())
            throw std::runtime_error("robustness evaluation cancelled");
        const std::int64_t count = std::min<std::int64_t>(batchSize, n - first);
        indices.resize(static_cast<std::size_t>(count));
        std::iota(indices.begin(), indices.end(), first);
        data.fillBatch(data.test, indices, batch);
        correct += network.forward(batch, nullptr, false).correct;
    }
    return n > 0 ? double(correct) / double(n) : 0.0;
}

} // namespace

std::int64_t flipStoredBits(std::span<float> stored, const Precision& precision, double rate, std::mt19937_64& rng) {
    const int bits = storedBitsOf(precision);
    const std::int64_t n = static_cast<std::int64_t>(stored.size());
    if (bits == 32)
        return forEachEvent(n * 32, rate, rng, [&](std::int64_t i) {
            std::uint32_t word = std::bit_cast<std::uint32_t>(stored[std::size_t(i / 32)]);
            word ^= std::uint32_t(1) << (i % 32);
            stored[std::size_t(i / 32)] = std::bit_cast<float>(word);
        });
    if (bits == 1)
        return forEachEvent(n, rate, rng, [&](std::int64_t i) { stored[std::size_t(i)] = -stored[std::size_t(i)]; });
    // b-bit symmetric: q = s·k, k in [−kmax, kmax], stored as a b-bit two's-complement code.
    const int kmax = (1 << (bits - 1)) - 1;
    float maxAbs = 0.0f;
    for (float v : stored)
        maxAbs = std::max(maxAbs, std::abs(v));
    const double s = double(maxAbs) / double(kmax);
    std::vector<int> code(stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i)
        code[i] = s > 0 ? static_cast<int>(std::lround(double(stored[i]) / s)) & ((1 << bits) - 1) : 0;
    const std::int64_t flips =
        forEachEvent(n * bits, rate, rng, [&](std::int64_t i) { code[std::size_t(i / bits)] ^= 1 << (i % bits); });
    for (std::size_t i = 0; i < stored.size(); ++i) {
        int k = code[i];
        if (k & (1 << (bits - 1)))
            k -= 1 << bits; // sign-extend
        stored[i] = static_cast<float>(s * k);
    }
    return flips;
}

RobustnessResult bitFlipRobustness(Trainer& trainer, const TransformerSpec& spec, const Dataset& data,
                                   const BitFlipRobustness& d, std::stop_token stop) {
    if (!(d.rate >= 0.0 && d.rate <= 1.0) || d.seeds < 1)
        throw std::invalid_argument("robustness: the flip rate must be in [0, 1] and at least one seed is needed");
    Network& network = trainer.network();
    std::span<float> params = network.parameters();
    const std::vector<float> latent(params.begin(), params.end());
    WeightPrecision precision(network.tensors(), spec.compression);
    precision.quantize(params); // the stored values (and the latent ones saved)
    const std::vector<float> stored(params.begin(), params.end());
    const std::int64_t n = d.maxTestExamples > 0 ? std::min(d.maxTestExamples, data.test.count) : data.test.count;
    const int batch = std::max(1, network.maxBatchSize());
    RobustnessResult r;
    try {
        r.cleanAccuracy = accuracyOf(network, data, n, batch, stop);
        for (int i = 0; i < d.seeds; ++i) {
            std::mt19937_64 rng(d.seed + std::uint64_t(i));
            std::copy(stored.begin(), stored.end(), params.begin());
            std::int64_t bits = 0;
            for (const ParamTensor& t : network.tensors()) {
                if (weightRoleOf(t) != TensorRole::Weights)
                    continue;
                const Precision p = spec.compression.at(t.layer, TensorRole::Weights);
                const std::span<float> matrix = params.subspan(std::size_t(t.offset), std::size_t(t.rows * t.cols));
                r.flippedBits += flipStoredBits(matrix, p, d.rate, rng);
                bits += std::int64_t(matrix.size()) * storedBitsOf(p);
            }
            r.storedBits = bits;
            r.flippedAccuracy.push_back(accuracyOf(network, data, n, batch, stop));
        }
    } catch (...) {
        std::copy(latent.begin(), latent.end(), params.begin());
        throw;
    }
    std::copy(latent.begin(), latent.end(), params.begin());
    const double mean =
        std::accumulate(r.flippedAccuracy.begin(), r.flippedAccuracy.end(), 0.0) / double(r.flippedAccuracy.size());
    r.drop = r.cleanAccuracy - mean;
    return r;
}

namespace {

// Noise on the linear inputs, then whatever hooks the trainer runs (its quantizers).
class NoiseHook : public ActivationHooks {
public:
    NoiseHook(double sigma, ActivationHooks* next) : m_sigma(sigma), m_next(next) {}
    void start(std::uint64_t seed) {
        m_rng.seed(seed);
        m_on = true;
    }
    void stop() { m_on = false; }
    std::int64_t noisyValues() const { return m_count; }

    void forward(int layer, ActivationSite site, int index, float* x, std::int64_t rows, std::int64_t cols) override {
        if (m_on && site == ActivationSite::LinearInput)
            m_count += addRelativeGaussianNoise(x, rows, cols, m_sigma, m_rng);
        if (m_next)
            m_next->forward(layer, site, index, x, rows, cols);
    }
    void backward(int, ActivationSite, int, float*, float*, std::int64_t, std::int64_t) override {
        throw std::logic_error("robustness: activation noise is an evaluation, it has no backward pass");
    }

private:
    double m_sigma;
    ActivationHooks* m_next;
    std::mt19937_64 m_rng;
    bool m_on = false;
    std::int64_t m_count = 0;
};

} // namespace

std::int64_t addRelativeGaussianNoise(float* x, std::int64_t rows, std::int64_t cols, double sigma,
                                      std::mt19937_64& rng) {
    if (!(sigma >= 0.0) || !std::isfinite(sigma))
        throw std::invalid_argument("robustness: the activation-noise σ must be a finite number ≥ 0");
    if (sigma == 0.0 || rows <= 0 || cols <= 0)
        return 0;
    std::normal_distribution<double> z(0.0, 1.0);
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = x + r * cols;
        double sumSquares = 0;
        for (std::int64_t j = 0; j < cols; ++j)
            sumSquares += double(row[j]) * double(row[j]);
        const double scale = sigma * std::sqrt(sumSquares / double(cols));
        for (std::int64_t j = 0; j < cols; ++j)
            row[j] = static_cast<float>(double(row[j]) + scale * z(rng));
    }
    return rows * cols;
}

RobustnessResult activationNoiseRobustness(Trainer& trainer, const Dataset& data, const ActivationNoiseRobustness& d,
                                           std::stop_token stop) {
    if (!(d.sigma >= 0.0) || !std::isfinite(d.sigma) || d.seeds < 1)
        throw std::invalid_argument("robustness: the activation-noise σ must be a finite number ≥ 0 and at least one "
                                    "seed is needed");
    Network& network = trainer.network();
    ActivationHooks* own = trainer.activationHooks();
    NoiseHook noise(d.sigma, own);
    const std::int64_t n = d.maxTestExamples > 0 ? std::min(d.maxTestExamples, data.test.count) : data.test.count;
    const int batch = std::max(1, network.maxBatchSize());
    RobustnessResult r;
    // The clean pass runs through the same hook (switched off), so that σ = 0 repeats it exactly.
    network.setActivationHooks(&noise);
    try {
        r.cleanAccuracy = accuracyOf(network, data, n, batch, stop);
        for (int i = 0; i < d.seeds; ++i) {
            noise.start(d.seed + std::uint64_t(i));
            r.flippedAccuracy.push_back(accuracyOf(network, data, n, batch, stop));
            noise.stop();
        }
    } catch (...) {
        network.setActivationHooks(own);
        throw;
    }
    network.setActivationHooks(own);
    r.noisyValues = noise.noisyValues();
    const double mean =
        std::accumulate(r.flippedAccuracy.begin(), r.flippedAccuracy.end(), 0.0) / double(r.flippedAccuracy.size());
    r.drop = r.cleanAccuracy - mean;
    return r;
}

} // namespace tcw::train
