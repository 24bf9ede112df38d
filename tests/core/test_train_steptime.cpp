// Issue 20, the step-time work. (1) GELU with its derivative, vectorised: against the
// double-precision formula over the whole range a training meets, in every lane position
// (lengths that end mid-register), with NaN propagated and the infinities' limits.
// (2) DynaProp's target-sparsity calibration sorts and selects its samples by their bits
// (a radix sort, a bucket-then-select quantile) instead of std::sort / std::nth_element. The
// thresholds must be the same floats: here they are recomputed from the same samples (every
// 61st magnitude, as dynaprop.cpp takes them) with the standard algorithms and the formulas
// of docs/training.md, and compared exactly, on tensors with zeros, ties, tiny and huge values.
#include "train/dynaprop.h"
#include "train/kernels.h"

#include <QtTest>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace tcw::train;

namespace {

constexpr std::int64_t kStride = 61; // dynaprop.cpp's kSampleStride

std::vector<float> samplesOf(const std::vector<float>& x) {
    std::vector<float> s;
    const auto n = static_cast<std::int64_t>(x.size());
    for (std::int64_t i = (n % kStride) / 2; i < n; i += kStride)
        s.push_back(std::fabs(x[static_cast<std::size_t>(i)]));
    return s;
}

float referenceQuantile(std::vector<float> s, double fraction) {
    const auto k = std::min<std::size_t>(s.size() - 1, static_cast<std::size_t>(fraction * s.size()));
    std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
    return s[k];
}

// τ with Σ_{|x| ≤ τ} (1 − |x|/τ) = target · n (stochastic pruning), as DynaProp::endStep solves it.
float referenceStochastic(std::vector<float> s, double target) {
    std::sort(s.begin(), s.end());
    const double n = static_cast<double>(s.size());
    double prefix = 0.0, next = s.back();
    for (std::size_t m = 1; m <= s.size(); ++m) {
        prefix += s[m - 1];
        const double denominator = static_cast<double>(m) - target * n;
        if (denominator <= 0.0)
            continue;
        const double candidate = prefix / denominator;
        const double upper = m < s.size() ? s[m] : std::numeric_limits<double>::infinity();
        if (candidate >= s[m - 1] && candidate < upper) {
            next = candidate;
            break;
        }
    }
    return static_cast<float>(next);
}

// Normal values at several scales, with exact zeros, negative zeros and repeated values.
std::vector<float> tensor(std::uint32_t seed, std::int64_t count, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::uniform_int_distribution<int> pick(0, 19);
    std::vector<float> x(static_cast<std::size_t>(count));
    for (auto& v : x) {
        const int p = pick(rng);
        v = p == 0 ? 0.0f : p == 1 ? -0.0f : p == 2 ? 0.25f : p == 3 ? 1e-12f * normal(rng) : normal(rng);
        if (p == 4)
            v *= 1e6f;
    }
    return x;
}

} // namespace

class TestTrainCalibration : public QObject {
    Q_OBJECT
private slots:
    void geluMatchesFormula();
    void thresholdsEqualSortedReference_data();
    void thresholdsEqualSortedReference();
    void samplesTakenInThePruningPass();
};

void TestTrainCalibration::geluMatchesFormula() {
    // [−12, 12) in steps of 1/256, then lengths 1 … 40 (partial registers).
    std::vector<float> x;
    for (int i = -12 * 256; i < 12 * 256; ++i)
        x.push_back(static_cast<float>(i) / 256.0f);
    double worstA = 0.0, worstD = 0.0;
    for (const std::size_t length : {x.size(), std::size_t(1), std::size_t(15), std::size_t(17), std::size_t(40)}) {
        std::vector<float> z(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(length)), a(length);
        geluForwardKeepDerivative(z.data(), a.data(), static_cast<std::int64_t>(length), nullptr);
        for (std::size_t i = 0; i < length; ++i) {
            const double v = x[i], cdf = 0.5 * (1.0 + std::erf(v / std::sqrt(2.0)));
            const double derivative = cdf + v * std::exp(-0.5 * v * v) / std::sqrt(2.0 * M_PI);
            worstA = std::max(worstA, std::fabs(a[i] - v * cdf));
            worstD = std::max(worstD, std::fabs(z[i] - derivative));
        }
    }
    QVERIFY2(worstA < 4e-6 && worstD < 1e-6, (std::to_string(worstA) + " " + std::to_string(worstD)).c_str());
    // NaN stays NaN (a diverged run is detected downstream); far in the tails GELU is x and 0,
    // its derivative 1 and 0.
    std::vector<float> z = {std::nanf(""), 1e30f, -1e30f, 40.0f, -40.0f}, a(z.size());
    geluForwardKeepDerivative(z.data(), a.data(), static_cast<std::int64_t>(z.size()), nullptr);
    QVERIFY(std::isnan(a[0]) && std::isnan(z[0]));
    QVERIFY(a[1] == 1e30f && z[1] == 1.0f);
    QVERIFY(a[3] == 40.0f && z[3] == 1.0f);
    // e^(−x²/2) is clamped at e^−87 (expNonPositive), so x·φ(x) is tiny, not 0, far left.
    QVERIFY(a[2] == 0.0f && std::fabs(z[2]) < 1e-7f);
    QVERIFY(a[4] == 0.0f && std::fabs(z[4]) < 1e-30f);
}

void TestTrainCalibration::thresholdsEqualSortedReference_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<double>("actTarget");
    QTest::addColumn<double>("gradTarget");
    QTest::newRow("large, 0.5 / 0.9") << 61 * 4000 + 17 << 0.5 << 0.9;
    QTest::newRow("large, 0.3 / 0.99") << 61 * 3000 + 5 << 0.3 << 0.99;
    QTest::newRow("small, 0.9 / 0.5") << 61 * 7 + 3 << 0.9 << 0.5;
    QTest::newRow("one sample") << 40 << 0.5 << 0.9;
}

void TestTrainCalibration::thresholdsEqualSortedReference() {
    QFETCH(int, count);
    QFETCH(double, actTarget);
    QFETCH(double, gradTarget);
    for (const bool stochastic : {true, false}) {
        DynaPropConfig config;
        config.targetActivationSparsity = actTarget;
        config.targetGradientSparsity = gradTarget;
        config.stochasticActivationGradients = stochastic;
        DynaProp dp(2, config);
        dp.beginStep();
        // Target mode starts at τ = 0: nothing is pruned in this step, the samples are the tensors.
        auto a0 = tensor(1, count, 1.0f), a1 = tensor(2, count, 3.0f), g = tensor(3, count, 1e-3f);
        auto w = tensor(4, count / 2 + 1, 2.0f);
        const auto sa0 = samplesOf(a0), sa1 = samplesOf(a1), sg = samplesOf(g), sw = samplesOf(w);
        dp.pruneActivation(0, ActivationKind::Dense, a0.data(), count);
        dp.pruneActivation(1, ActivationKind::Scores, a1.data(), count);
        dp.pruneActivationGradient(1, g.data(), count);
        dp.pruneWeightGradient(0, w.data(), count / 2 + 1);
        dp.endStep(); // not yet calibrated: each τ is the new value itself
        const Thresholds& t = dp.thresholds();
        QCOMPARE(t.activation[0][int(ActivationKind::Dense)], referenceQuantile(sa0, actTarget));
        QCOMPARE(t.activation[1][int(ActivationKind::Scores)], referenceQuantile(sa1, actTarget));
        QCOMPARE(t.activation[0][int(ActivationKind::Scores)], 0.0f); // no samples: unchanged
        QCOMPARE(t.activationGradient[1],
                 stochastic ? referenceStochastic(sg, gradTarget) : referenceQuantile(sg, gradTarget));
        QCOMPARE(t.weightGradient[0], referenceQuantile(sw, gradTarget));
        QVERIFY(t.activationGradient[1] > 0.0f);
    }
}

// Steptime3: the calibration samples are taken inside the pruning pass, block by block. They
// must be the gather's values (before pruning), and the pruned tensor and zero count those of
// the plain passes, at lengths around the 1024-element blocks, the 16 Ki-element chunks and
// the sample stride, at 1 and 2 threads (chunks split among threads).
void TestTrainCalibration::samplesTakenInThePruningPass() {
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int threads : {1, 2}) {
        omp_set_num_threads(threads);
        for (std::int64_t n : {1, 2, 60, 61, 62, 1023, 1024, 1025, 16384, 16384 + 61 * 3, 200001}) {
            std::vector<float> x(static_cast<std::size_t>(n));
            for (float& v : x)
                v = normal(rng);
            x[0] = 0.0f;
            const std::vector<float> expected = samplesOf(x);
            const std::int64_t start = (n % kStride) / 2;
            for (int kind = 0; kind < 3; ++kind) { // magnitude, count only (τ = 0), stochastic
                std::vector<float> plain = x, fused = x;
                std::vector<float> samples(expected.size(), -1.0f);
                const float tau = kind == 1 ? 0.0f : 0.7f;
                std::int64_t zerosPlain = 0, zerosFused = 0;
                if (kind == 2) {
                    zerosPlain = pruneStochastically(plain.data(), n, tau, 77u);
                    zerosFused = pruneStochasticallySampling(fused.data(), n, tau, 77u, samples.data(), start, kStride);
                } else {
                    zerosPlain = pruneByMagnitude(plain.data(), n, tau);
                    zerosFused = pruneByMagnitudeSampling(fused.data(), n, tau, samples.data(), start, kStride);
                }
                QCOMPARE(zerosFused, zerosPlain);
                QCOMPARE(fused, plain);
                QCOMPARE(samples, expected);
            }
        }
    }
    omp_set_num_threads(1);
}

QTEST_APPLESS_MAIN(TestTrainCalibration)
#include "test_train_steptime.moc"
