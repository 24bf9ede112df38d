// DynaProp thresholds, pruning loops, zero counting and target-sparsity calibration.
#include "dynaprop.h"

#include "design/sparsity_bits.h"
#include "kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace tcw::train {

namespace {
// Every kSampleStride-th |x| is kept for calibration: tensors weigh in by their size, as
// they do in the measured sparsity (zeros / elements over all pruned tensors).
constexpr std::int64_t kSampleStride = 61;

// The first sampled element of a tensor of count elements, and room for its samples at the end
// of samples (filled by the pruning pass).
std::int64_t sampleStart(std::int64_t count) {
    return (count % kSampleStride) / 2;
}
float* appendSamples(std::vector<float>& samples, std::int64_t count) {
    const std::int64_t start = sampleStart(count);
    const std::int64_t n = count > start ? (count - 1 - start) / kSampleStride + 1 : 0;
    const std::size_t old = samples.size();
    samples.resize(old + static_cast<std::size_t>(n));
    return samples.data() + old;
}

// Issue 20: the calibration's sorting and selection by the samples' bits. Samples are
// magnitudes |x| (sign bit clear), whose IEEE bits order as the floats do (+Inf, then NaN, on
// top), so sorting the bits as unsigned integers gives std::sort's order for every finite
// sample, in three counting passes instead of a comparison sort (it was ~2 % of a DynaProp
// step on BERT-Mini).
void radixSortMagnitudes(std::vector<float>& samples, std::vector<std::uint32_t>& scratch) {
    const std::size_t n = samples.size();
    if (n < 2)
        return;
    scratch.resize(2 * n);
    std::uint32_t* a = scratch.data();
    std::uint32_t* b = scratch.data() + n;
    std::memcpy(a, samples.data(), n * sizeof(float));
    constexpr int kShifts[3] = {0, 11, 22};
    for (const int shift : kShifts) {
        std::array<std::size_t, 2048> start{};
        for (std::size_t i = 0; i < n; ++i)
            ++start[(a[i] >> shift) & 2047u];
        std::size_t sum = 0;
        for (auto& c : start) {
            const std::size_t count = c;
            c = sum;
            sum += count;
        }
        for (std::size_t i = 0; i < n; ++i)
            b[start[(a[i] >> shift) & 2047u]++] = a[i];
        std::swap(a, b);
    }
    std::memcpy(samples.data(), a, n * sizeof(float));
}

// The value below which `fraction` of the samples lie (0 when the fraction is 0): the k-th
// smallest, as std::nth_element gives it, found by the top bits first (one counting pass),
// then among the samples of that bucket alone.
float quantile(std::vector<float>& samples, double fraction) {
    if (samples.empty() || fraction <= 0.0)
        return 0.0f;
    const auto k = std::min<std::size_t>(samples.size() - 1, static_cast<std::size_t>(fraction * samples.size()));
    constexpr int kShift = 20; // 2048 buckets of the 11 bits below the (clear) sign bit
    std::array<std::size_t, 2048> counts{};
    for (const float v : samples)
        ++counts[(std::bit_cast<std::uint32_t>(v) >> kShift) & 2047u];
    std::size_t below = 0, bucket = 0;
    while (below + counts[bucket] <= k)
        below += counts[bucket++];
    std::vector<float> inBucket;
    inBucket.reserve(counts[bucket]);
    for (const float v : samples)
        if (((std::bit_cast<std::uint32_t>(v) >> kShift) & 2047u) == bucket)
            inBucket.push_back(v);
    const auto r = static_cast<std::ptrdiff_t>(k - below);
    std::nth_element(inBucket.begin(), inBucket.begin() + r, inBucket.end(), [](float x, float y) {
        return std::bit_cast<std::uint32_t>(x) < std::bit_cast<std::uint32_t>(y);
    });
    return inBucket[static_cast<std::size_t>(r)];
}
} // namespace

SparsityCount LayerSparsityCounts::activationTotal() const {
    SparsityCount total;
    for (const auto& c : activation)
        total.add(c);
    return total;
}

SparsityCount LayerSparsityCounts::activationConsumed() const {
    SparsityCount total = activationTotal();
    total.zeros += activationQuantizerZeros;
    return total;
}

void LayerSparsityCounts::add(const LayerSparsityCounts& o) {
    for (std::size_t k = 0; k < activation.size(); ++k)
        activation[k].add(o.activation[k]);
    activationGradient.add(o.activationGradient);
    weightGradient.add(o.weightGradient);
    weight.add(o.weight);
    activationQuantizerZeros += o.activationQuantizerZeros;
    latentWeight.add(o.latentWeight);
}

void MagnitudeHistogram::add(const float* x, std::int64_t count) {
    constexpr int last = kBinCount - 1;
    for (std::int64_t i = 0; i < count; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, x + i, sizeof bits);
        // Biased exponent e: |x| in [2^(e − 127), 2^(e − 126)) for normal numbers; 0 for zeros
        // and denormals (all below 2^kFirstExponent).
        const int exponent = static_cast<int>((bits >> 23) & 0xffu) - 127;
        const int bin = exponent < kFirstExponent ? 0 : std::min(last, exponent - kFirstExponent + 1);
        ++counts[static_cast<std::size_t>(bin)];
    }
}

void MagnitudeHistogram::add(const MagnitudeHistogram& o) {
    for (std::size_t b = 0; b < counts.size(); ++b)
        counts[b] += o.counts[b];
}

std::int64_t MagnitudeHistogram::total() const {
    std::int64_t n = 0;
    for (const auto c : counts)
        n += c;
    return n;
}

double MagnitudeHistogram::lowerEdge(int bin) {
    return bin <= 0 ? 0.0 : std::ldexp(1.0, kFirstExponent + bin - 1);
}

double MagnitudeHistogram::upperEdge(int bin) {
    return bin >= kBinCount - 1 ? std::numeric_limits<double>::infinity() : std::ldexp(1.0, kFirstExponent + bin);
}

void MagnitudeHistograms::add(const MagnitudeHistograms& o) {
    activation.add(o.activation);
    activationGradient.add(o.activationGradient);
    weightGradient.add(o.weightGradient);
}

std::string activationKindName(ActivationKind kind) {
    switch (kind) {
    case ActivationKind::Projection:
        return "projection";
    case ActivationKind::Scores:
        return "scores";
    case ActivationKind::Probabilities:
        return "probabilities";
    case ActivationKind::Context:
        return "context";
    case ActivationKind::Dense:
        return "dense";
    }
    return "?";
}

DynaProp::DynaProp(int layerCount, const DynaPropConfig& config)
    : m_config(config), m_counts(static_cast<std::size_t>(layerCount)),
      m_actSamples(static_cast<std::size_t>(layerCount)), m_actGradSamples(static_cast<std::size_t>(layerCount)),
      m_weightGradSamples(static_cast<std::size_t>(layerCount)) {
    const auto n = static_cast<std::size_t>(layerCount);
    std::array<float, kActivationKindCount> act{};
    act.fill(config.targetActivationSparsity ? 0.0f : config.tauActivation);
    m_thresholds.activation.assign(n, act);
    const float tauGrad = config.targetGradientSparsity ? 0.0f : config.tauGradient;
    m_thresholds.activationGradient.assign(n, tauGrad);
    m_thresholds.weightGradient.assign(n, tauGrad);
    m_random = config.seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (m_random == 0)
        m_random = 1;
}

std::int64_t DynaProp::prune(float* x, std::int64_t count, float tau, SparsityCount& counter,
                             std::vector<float>* samples, MagnitudeHistogram& histogram) {
    if (m_collectMagnitudes && m_observing)
        histogram.add(x, count);
    // Calibration samples are the magnitudes before pruning, so the quantile for the target
    // is exact whatever τ is in force; taken in the pruning pass (steptime3).
    float* sampleOut = samples && m_observing ? appendSamples(*samples, count) : nullptr;
    const std::int64_t zeros =
        sampleOut ? pruneByMagnitudeSampling(x, count, tau, sampleOut, sampleStart(count), kSampleStride)
                  : pruneByMagnitude(x, count, tau);
    if (m_observing) {
        counter.zeros += zeros;
        counter.elements += count;
    }
    return zeros;
}

void DynaProp::pruneActivation(int layer, ActivationKind kind, float* x, std::int64_t count) {
    const auto l = static_cast<std::size_t>(layer);
    const int k = static_cast<int>(kind);
    auto* samples = m_config.targetActivationSparsity ? &m_actSamples[l][k] : nullptr;
    prune(x, count, m_thresholds.activation[l][k], m_counts[l].activation[k], samples, m_magnitudes.activation);
}

std::int64_t DynaProp::pruneStochastic(float* x, std::int64_t count, float tau, SparsityCount& counter,
                                       std::vector<float>* samples, MagnitudeHistogram& histogram) {
    if (m_collectMagnitudes && m_observing)
        histogram.add(x, count);
    float* sampleOut = samples && m_observing ? appendSamples(*samples, count) : nullptr;
    // One step of the xorshift state per call keys the counter-based draws of its elements
    // (the state is what checkpoints keep).
    std::uint64_t r = m_random;
    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    m_random = r;
    const auto key = static_cast<std::uint32_t>(r >> 32);
    const std::int64_t zeros =
        sampleOut ? pruneStochasticallySampling(x, count, tau, key, sampleOut, sampleStart(count), kSampleStride)
                  : pruneStochastically(x, count, tau, key);
    if (m_observing) {
        counter.zeros += zeros;
        counter.elements += count;
    }
    return zeros;
}

void DynaProp::pruneActivationGradient(int layer, float* g, std::int64_t count) {
    const auto l = static_cast<std::size_t>(layer);
    if (m_config.pruneActivationGradients && m_config.stochasticActivationGradients &&
        m_thresholds.activationGradient[l] > 0.0f) {
        auto* samples = m_config.targetGradientSparsity ? &m_actGradSamples[l] : nullptr;
        pruneStochastic(g, count, m_thresholds.activationGradient[l], m_counts[l].activationGradient, samples,
                        m_magnitudes.activationGradient);
        return;
    }
    const float tau = m_config.pruneActivationGradients ? m_thresholds.activationGradient[l] : 0.0f;
    auto* samples =
        m_config.targetGradientSparsity && m_config.pruneActivationGradients ? &m_actGradSamples[l] : nullptr;
    prune(g, count, tau, m_counts[l].activationGradient, samples, m_magnitudes.activationGradient);
}

void DynaProp::pruneWeightGradient(int layer, float* g, std::int64_t count) {
    const auto l = static_cast<std::size_t>(layer);
    const float tau = m_config.pruneWeightGradients ? m_thresholds.weightGradient[l] : 0.0f;
    auto* samples =
        m_config.targetGradientSparsity && m_config.pruneWeightGradients ? &m_weightGradSamples[l] : nullptr;
    prune(g, count, tau, m_counts[l].weightGradient, samples, m_magnitudes.weightGradient);
}

void DynaProp::countWeights(int layer, const float* w, std::int64_t count) {
    if (!m_observing)
        return;
    auto& c = m_counts[static_cast<std::size_t>(layer)].weight;
    for (std::int64_t i = 0; i < count; ++i)
        c.zeros += w[i] == 0.0f;
    c.elements += count;
}

void DynaProp::addQuantizerCounts(int layer, std::int64_t activationZeros, const SparsityCount& latentWeight) {
    if (!m_observing)
        return;
    auto& c = m_counts[static_cast<std::size_t>(layer)];
    c.activationQuantizerZeros += activationZeros;
    c.latentWeight.add(latentWeight);
}

void DynaProp::beginStep() {
    for (auto& c : m_counts)
        c = LayerSparsityCounts{};
    m_magnitudes = MagnitudeHistograms{};
    for (auto& layer : m_actSamples)
        for (auto& s : layer)
            s.clear();
    for (auto& s : m_actGradSamples)
        s.clear();
    for (auto& s : m_weightGradSamples)
        s.clear();
}

void DynaProp::endStep() {
    if (!m_observing)
        return;
    const double alpha = m_calibrated ? m_config.calibrationSmoothing : 1.0;
    auto update = [&](float& tau, std::vector<float>& samples, double target) {
        if (samples.empty())
            return;
        tau = static_cast<float>((1.0 - alpha) * tau + alpha * quantile(samples, target));
    };
    // Stochastic pruning zeroes a value |x| ≤ τ with probability 1 − |x|/τ: τ solves
    // Σ_{|x| ≤ τ} (1 − |x|/τ) = target · n over the samples.
    auto updateStochastic = [&](float& tau, std::vector<float>& samples, double target) {
        if (samples.empty())
            return;
        radixSortMagnitudes(samples, m_sortScratch);
        const double n = static_cast<double>(samples.size());
        double prefix = 0.0, next = samples.back();
        for (std::size_t m = 1; m <= samples.size(); ++m) {
            prefix += samples[m - 1];
            // With the m smallest below τ: τ = prefix / (m − target·n), valid if it lies in
            // [samples[m−1], samples[m]).
            const double denominator = static_cast<double>(m) - target * n;
            if (denominator <= 0.0)
                continue;
            const double candidate = prefix / denominator;
            const double upper = m < samples.size() ? samples[m] : std::numeric_limits<double>::infinity();
            if (candidate >= samples[m - 1] && candidate < upper) {
                next = candidate;
                break;
            }
        }
        tau = static_cast<float>((1.0 - alpha) * tau + alpha * next);
    };
    const bool stochastic = m_config.pruneActivationGradients && m_config.stochasticActivationGradients;
    for (std::size_t l = 0; l < m_counts.size(); ++l) {
        if (m_config.targetActivationSparsity)
            for (int k = 0; k < kActivationKindCount; ++k)
                update(m_thresholds.activation[l][k], m_actSamples[l][k], *m_config.targetActivationSparsity);
        if (m_config.targetGradientSparsity) {
            if (stochastic)
                updateStochastic(m_thresholds.activationGradient[l], m_actGradSamples[l],
                                 *m_config.targetGradientSparsity);
            else
                update(m_thresholds.activationGradient[l], m_actGradSamples[l], *m_config.targetGradientSparsity);
            update(m_thresholds.weightGradient[l], m_weightGradSamples[l], *m_config.targetGradientSparsity);
        }
    }
    m_calibrated = true;
}

void DynaProp::calibrateActivations() { // issue 20
    if (!m_config.targetActivationSparsity)
        return;
    for (std::size_t l = 0; l < m_counts.size(); ++l)
        for (std::size_t k = 0; k < kActivationKindCount; ++k)
            if (!m_actSamples[l][k].empty())
                m_thresholds.activation[l][k] = quantile(m_actSamples[l][k], *m_config.targetActivationSparsity);
}

SparsityProfile makeSparsityProfile(const std::vector<LayerSparsityCounts>& accumulated, const std::string& source,
                                    const CompressionSpec& compression) {
    SparsityProfile profile;
    profile.source = source;
    for (std::size_t l = 0; l < accumulated.size(); ++l) {
        const LayerSparsityCounts& c = accumulated[l];
        LayerSparsity s;
        s.bits = tensorBitsAt(compression, static_cast<int>(l)); // issue 15
        s.activation = c.activationConsumed().fraction();
        const TensorBits& b = s.bits;
        if (b.linearInputs != 32 || b.queryKeyValue != 32 || b.attentionProbabilities != 32 ||
            b.feedForwardHidden != 32)
            s.activationBeforeQuantizer = c.activationTotal().fraction();
        s.weight = c.weight.fraction();
        if (c.latentWeight.elements > 0)
            s.weightBeforeQuantizer = c.latentWeight.fraction();
        s.activationGradient = c.activationGradient.fraction();
        s.weightGradient = c.weightGradient.fraction();
        profile.layers.push_back(s);
    }
    return profile;
}

} // namespace tcw::train
