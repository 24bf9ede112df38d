// Issue 15: the quantizers' forward and backward rules. Statistics on 10⁶ N(0,1) samples
// against the Gaussian closed forms (BWN α = √(2/π) = 0.7979; TWN Δ = 0.7·√(2/π) = 0.5585,
// zero fraction 2Φ(Δ) − 1 = 0.4235, α_t = φ(Δ)/(1 − Φ(Δ)) = 1.1842), every gradient against
// a small example worked by hand (the arithmetic in the comments), the scale gradients against
// central differences of the straight-through surrogate (and of the real forward where it is
// differentiable in the scale), and ternary weight splitting's exactness.
#include "train/low_bit_quantizers.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace tcw::train;

namespace {

std::vector<float> gaussian(std::size_t n, std::uint64_t seed, double sigma = 1.0) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> d(0.0, sigma);
    std::vector<float> v(n);
    for (auto& x : v)
        x = float(d(rng));
    return v;
}

void compareVectors(const std::vector<float>& got, const std::vector<float>& want, double tol = 1e-7) {
    QCOMPARE(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        if (std::fabs(double(got[i]) - double(want[i])) > tol)
            QFAIL(
                qPrintable(QString("entry %1: %2, expected %3").arg(i).arg(got[i], 0, 'g', 9).arg(want[i], 0, 'g', 9)));
}

bool near(double a, double b, double tol) {
    return std::fabs(a - b) <= tol;
}

// Central difference of f at p with step h.
template <class F> double centralDifference(F f, double p, double h) {
    return (f(p + h) - f(p - h)) / (2 * h);
}

} // namespace

class TestQuantizers : public QObject {
    Q_OBJECT
private slots:
    void bwnGaussianScale();
    void twnGaussianStatistics();
    void bwnHandExample();
    void twnHandExample();
    void uniformHandExample();
    void lsqHandExample();
    void elasticSignedHandExample();
    void elasticUnsignedHandExample();
    void scaleGradientsMatchFiniteDifferences();
    void shiftGradientMatchesFiniteDifferences();
    void errorsNameTheArgument();
    void ternarySplitIsExact();
    void ternarySplitShare();
};

void TestQuantizers::bwnGaussianScale() {
    const auto w = gaussian(1'000'000, 1);
    const auto layer = bwnForward(w, 1000, 1000, {});
    QCOMPARE(layer.alpha.size(), std::size_t(1));
    qInfo("BWN alpha on 10^6 N(0,1): %.5f", double(layer.alpha[0]));
    QVERIFY2(near(layer.alpha[0], 0.7979, 0.002), qPrintable(QString::number(layer.alpha[0])));
    // Row-wise and centred: each row's α is a mean of 1000 |N(0,1)|, their mean is √(2/π).
    const auto rows = bwnForward(w, 1000, 1000, {.rowWise = true, .centred = true});
    QCOMPARE(rows.alpha.size(), std::size_t(1000));
    double mean = 0;
    for (float a : rows.alpha)
        mean += a;
    mean /= 1000;
    QVERIFY2(near(mean, 0.7979, 0.002), qPrintable(QString::number(mean)));
    // Scale invariance: σ = 3 gives 3 × 0.7979.
    const auto w3 = gaussian(1'000'000, 2, 3.0);
    QVERIFY(near(bwnForward(w3, 1000, 1000, {}).alpha[0], 3 * 0.7979, 0.006));
}

void TestQuantizers::twnGaussianStatistics() {
    const auto w = gaussian(1'000'000, 3);
    const auto t = twnForward(w);
    qInfo("TWN on 10^6 N(0,1): delta %.5f, zero fraction %.5f, alpha_t %.5f", t.delta, double(t.zeros) / 1e6, t.alpha);
    QVERIFY2(near(t.delta, 0.5585, 0.002), qPrintable(QString::number(t.delta)));
    const double zeroFraction = double(t.zeros) / 1e6;
    QVERIFY2(near(zeroFraction, 0.4235, 0.002), qPrintable(QString::number(zeroFraction)));
    QVERIFY2(near(t.alpha, 1.1842, 0.003), qPrintable(QString::number(t.alpha)));
    std::int64_t zeros = 0;
    for (float v : t.values)
        zeros += v == 0.0f;
    QCOMPARE(zeros, t.zeros);
}

void TestQuantizers::bwnHandExample() {
    const std::vector<float> w = {0.5f, -1.5f, 2.0f, -0.25f};
    // Layer-wise: α = (0.5 + 1.5 + 2 + 0.25)/4 = 1.0625.
    auto b = bwnForward(w, 2, 2, {});
    QCOMPARE(b.alpha, std::vector<float>{1.0625f});
    compareVectors(b.values, {1.0625f, -1.0625f, 1.0625f, -1.0625f});
    // Row-wise: row 0 α = 1, row 1 α = 1.125.
    b = bwnForward(w, 2, 2, {.rowWise = true});
    QCOMPARE(b.alpha, (std::vector<float>{1.0f, 1.125f}));
    compareVectors(b.values, {1.0f, -1.0f, 1.125f, -1.125f});
    // Centred row-wise: row 0 μ = −0.5, W − μ = (1, −1), α = 1; row 1 μ = 0.875,
    // W − μ = (1.125, −1.125), α = 1.125.
    b = bwnForward(w, 2, 2, {.rowWise = true, .centred = true});
    QCOMPARE(b.centre, (std::vector<float>{-0.5f, 0.875f}));
    QCOMPARE(b.alpha, (std::vector<float>{1.0f, 1.125f}));
    compareVectors(b.values, {1.0f, -1.0f, 1.125f, -1.125f});
    // Centred layer-wise: μ = 0.1875, W − μ = (0.3125, −1.6875, 1.8125, −0.4375): α = 1.0625,
    // and 0.25 − μ > 0 flips nothing here; W = 0.1 would: its centred sign is −.
    b = bwnForward(std::vector<float>{0.1f, 0.3f, 0.5f, 0.7f}, 1, 4, {.centred = true});
    compareVectors(b.values, {-0.2f, -0.2f, 0.2f, 0.2f}, 1e-7);
    // Backward: identity, or clipped to |W| ≤ 1.
    const std::vector<float> g = {1, 2, 3, 4};
    std::vector<float> gin(4);
    bwnBackward(w, g, gin, {});
    compareVectors(gin, g);
    bwnBackward(w, g, gin, {.clippedSte = true});
    compareVectors(gin, {1, 0, 0, 4});
}

void TestQuantizers::twnHandExample() {
    const std::vector<float> w = {0.125f, -0.875f, 1.25f, -0.0625f, 0.625f, -2.0f};
    // Σ|W| = 4.9375, mean 0.82291…, Δ = 0.7 × that = 0.576041…; kept 0.875, 1.25, 0.625, 2:
    // α_t = 4.75/4 = 1.1875.
    const auto t = twnForward(w);
    QVERIFY(near(t.delta, 0.7 * 4.9375 / 6, 1e-15));
    QCOMPARE(t.alpha, 1.1875);
    QCOMPARE(t.zeros, std::int64_t(2));
    compareVectors(t.values, {0, -1.1875f, 1.1875f, 0, 1.1875f, -1.1875f});
}

void TestQuantizers::uniformHandExample() {
    // 3 bits: Q = 3; c = 1.5, u = 2x.
    const std::vector<float> x = {-2.0f, -0.625f, 0.125f, 0.5625f, 1.625f};
    // u = (−4, −1.25, 0.25, 1.125, 3.25) → clamp(round u) = (−3, −1, 0, 1, 3), × c/Q = 0.5.
    const auto q = uniformForward(x, 3, 1.5f);
    compareVectors(q.values, {-1.5f, -0.5f, 0, 0.5f, 1.5f});
    QCOMPARE(q.clipped, std::int64_t(2));
    const std::vector<float> g = {0.5f, -1, 2, 1, 3};
    std::vector<float> gin(5);
    // dc = −0.5 (below) + 3 (above) + [−1·(−1 + 1.25) + 2·(0 − 0.25) + 1·(1 − 1.125)]/3
    //    = 2.5 − 0.875/3.
    const double dc = uniformBackward(x, 3, 1.5f, g, gin);
    QVERIFY2(near(dc, 2.5 - 0.875 / 3, 1e-15), qPrintable(QString::number(dc, 'g', 17)));
    compareVectors(gin, {0, -1, 2, 1, 0});
}

void TestQuantizers::lsqHandExample() {
    // 2-bit signed: Q_n = −2, Q_p = 1; α = 0.5, v = x/α = (−3, −0.75, 0.25, 0.75, 2).
    const std::vector<float> x = {-1.5f, -0.375f, 0.125f, 0.375f, 1.0f};
    QCOMPARE(lsqRange(2, true).qn, -2);
    QCOMPARE(lsqRange(2, true).qp, 1);
    QCOMPARE(lsqRange(4, false).qp, 15);
    compareVectors(lsqForward(x, 2, true, 0.5f), {-1.0f, -0.5f, 0, 0.5f, 0.5f});
    const std::vector<float> g = {1, 2, 3, 4, 5};
    std::vector<float> gin(5);
    // dα = [1·(−2) + 2·(−1 + 0.75) + 3·(0 − 0.25) + 4·(1 − 0.75) + 5·1] / √(5·1) = 2.75/√5.
    const double da = lsqBackward(x, 2, true, 0.5f, g, gin);
    QVERIFY2(near(da, 2.75 / std::sqrt(5.0), 1e-15), qPrintable(QString::number(da, 'g', 17)));
    compareVectors(gin, {0, 2, 3, 4, 0});
    // Start: 2·mean|x|/√Q_p = 2 × 3.375/5 = 1.35.
    QVERIFY(near(lsqInitialScale(x, 2, true), 1.35, 1e-6));
}

void TestQuantizers::elasticSignedHandExample() {
    // Two channels, α = 1, shift β = (0.25, −0.25): u = (0.25, −1, 1.75, 0.25).
    const std::vector<float> x = {0.5f, -1.25f, 2.0f, 0.0f};
    const std::vector<float> shift = {0.25f, -0.25f};
    compareVectors(elasticForward(x, 2, ElasticKind::Signed, 1.0f, shift), {1, -1, 1, 1});
    const std::vector<float> g = {1, 2, 3, 4};
    std::vector<float> gin(4);
    const auto grads = elasticBackward(x, 2, ElasticKind::Signed, 1.0f, shift, g, gin);
    // dL/du = g·[|u| ≤ 1] = (1, 2, 0, 4); dα = (1 − 2 + 3 + 4)/√4 = 3;
    // dβ = −(1 + 0, 2 + 4) = (−1, −6).
    compareVectors(gin, {1, 2, 0, 4});
    QCOMPARE(grads.alpha, 3.0);
    compareVectors(grads.shift, {-1, -6});
    // Start: 2·mean|x| = 2 × 3.75/4.
    QVERIFY(near(elasticInitialScale(x, ElasticKind::Signed), 1.875, 1e-7));
}

void TestQuantizers::elasticUnsignedHandExample() {
    // α = 0.5, v = x/α = (−0.5, 0.25, 0.75, 1.5) → {0, 0, α, α}.
    const std::vector<float> x = {-0.25f, 0.125f, 0.375f, 0.75f};
    compareVectors(elasticForward(x, 1, ElasticKind::Unsigned, 0.5f), {0, 0, 0.5f, 0.5f});
    const std::vector<float> g = {1, 2, 3, 4};
    std::vector<float> gin(4);
    const auto grads = elasticBackward(x, 1, ElasticKind::Unsigned, 0.5f, {}, g, gin);
    // dL/dx = g·[0 ≤ v ≤ 1] = (0, 2, 3, 0); dα = (2·(0 − 0.25) + 3·(1 − 0.75) + 4·1)/√4 = 2.125.
    compareVectors(gin, {0, 2, 3, 0});
    QCOMPARE(grads.alpha, 2.125);
    QVERIFY(grads.shift.empty());
    QVERIFY(near(elasticInitialScale(x, ElasticKind::Unsigned), 4 * 1.5 / 4, 1e-7));
}

// The scale gradients are the exact derivatives of the straight-through surrogate, in which
// round(v) is replaced by v + r₀ with r₀ = round(v₀) − v₀ frozen at the evaluation point:
// its central differences in the scale must equal the analytic gradient (before the LSQ/BiT
// gradient scale). Where the real forward is differentiable in the scale (BiT's signed
// α·sign(u)), its own central differences must match.
void TestQuantizers::scaleGradientsMatchFiniteDifferences() {
    const auto x = gaussian(4000, 11);
    const auto g = gaussian(4000, 12);
    const std::size_t n = x.size();
    std::vector<float> gin(n);
    const double h = 1e-6;

    // LSQ, 3-bit signed and 4-bit unsigned.
    for (const bool isSigned : {true, false}) {
        const int bits = isSigned ? 3 : 4;
        const LsqRange r = lsqRange(bits, isSigned);
        const float alpha = isSigned ? 0.37f : 0.21f;
        const double analytic = lsqBackward(x, bits, isSigned, alpha, g, gin) * std::sqrt(double(n) * r.qp);
        auto surrogate = [&](double a) {
            double L = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double v0 = double(x[i]) / alpha, v = double(x[i]) / a;
                double q;
                if (v0 < r.qn)
                    q = r.qn;
                else if (v0 > r.qp)
                    q = r.qp;
                else
                    q = v + (std::round(v0) - v0);
                L += g[i] * a * q;
            }
            return L;
        };
        const double fd = centralDifference(surrogate, alpha, h);
        QVERIFY2(near(analytic, fd, 1e-6 * (1 + std::fabs(fd))),
                 qPrintable(QString("lsq %1 vs %2").arg(analytic, 0, 'g', 12).arg(fd, 0, 'g', 12)));
    }

    // Uniform 4-bit with clip c.
    {
        const float c = 1.3f;
        const double q = 7;
        const double analytic = uniformBackward(x, 4, c, g, gin);
        auto surrogate = [&](double cc) {
            double L = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double u0 = double(x[i]) * q / c, u = double(x[i]) * q / cc;
                double val;
                if (x[i] > c)
                    val = cc;
                else if (x[i] < -c)
                    val = -cc;
                else
                    val = cc / q * (u + (std::round(u0) - u0));
                L += g[i] * val;
            }
            return L;
        };
        const double fd = centralDifference(surrogate, c, h);
        QVERIFY2(near(analytic, fd, 1e-6 * (1 + std::fabs(fd))),
                 qPrintable(QString("uniform %1 vs %2").arg(analytic, 0, 'g', 12).arg(fd, 0, 'g', 12)));
    }

    // Elastic signed: the real forward α·sign(x) is linear in α.
    {
        const float alpha = 0.8f;
        const double analytic =
            elasticBackward(x, 1, ElasticKind::Signed, alpha, {}, g, gin).alpha * std::sqrt(double(n));
        auto forward = [&](double a) {
            double L = 0;
            for (std::size_t i = 0; i < n; ++i)
                L += g[i] * a * binarySign(x[i]);
            return L;
        };
        QVERIFY(near(analytic, centralDifference(forward, alpha, h), 1e-6 * (1 + std::fabs(analytic))));
    }

    // Elastic unsigned on ReLU-like inputs.
    {
        std::vector<float> relu(x);
        for (auto& v : relu)
            v = std::max(v, 0.0f);
        const float alpha = 0.9f;
        const double analytic =
            elasticBackward(relu, 1, ElasticKind::Unsigned, alpha, {}, g, gin).alpha * std::sqrt(double(n));
        auto surrogate = [&](double a) {
            double L = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double v0 = relu[i] / alpha, v = relu[i] / a;
                double q = 0;
                if (v0 > 1)
                    q = 1;
                else if (v0 >= 0)
                    q = v + (std::round(v0) - v0);
                L += g[i] * a * q;
            }
            return L;
        };
        const double fd = centralDifference(surrogate, alpha, h);
        QVERIFY2(near(analytic, fd, 1e-6 * (1 + std::fabs(fd))),
                 qPrintable(QString("elastic {0, α} %1 vs %2").arg(analytic, 0, 'g', 12).arg(fd, 0, 'g', 12)));
    }
}

// The shift's gradient is −Σ of the STE's dL/du over the channel: the derivative of the
// surrogate α·clamp(u/α, −1, 1) (signed) in β.
void TestQuantizers::shiftGradientMatchesFiniteDifferences() {
    const std::int64_t channels = 5;
    const auto x = gaussian(200 * channels, 21);
    const auto g = gaussian(200 * channels, 22);
    std::vector<float> shift = {0.1f, -0.2f, 0.3f, 0.0f, -0.05f};
    std::vector<float> gin(x.size());
    const float alpha = 1.1f;
    const auto grads = elasticBackward(x, channels, ElasticKind::Signed, alpha, shift, g, gin);
    for (std::int64_t c = 0; c < channels; ++c) {
        auto surrogate = [&](double beta) {
            double L = 0;
            for (std::size_t i = std::size_t(c); i < x.size(); i += std::size_t(channels)) {
                const double u = double(x[i]) - beta;
                L += g[i] * alpha * std::clamp(u / alpha, -1.0, 1.0);
            }
            return L;
        };
        const double fd = centralDifference(surrogate, shift[std::size_t(c)], 1e-6);
        QVERIFY2(near(grads.shift[std::size_t(c)], fd, 1e-4 * (1 + std::fabs(fd))),
                 qPrintable(QString("channel %1: %2 vs %3").arg(c).arg(grads.shift[std::size_t(c)]).arg(fd)));
    }
}

void TestQuantizers::errorsNameTheArgument() {
    const std::vector<float> x = {1, 2, 3};
    auto message = [](auto f) {
        try {
            f();
        } catch (const QuantizerError& e) {
            return QString(e.what());
        }
        return QString();
    };
    QVERIFY(message([&] { lsqForward(x, 2, true, 0.0f); }).contains("scale α"));
    QVERIFY(message([&] { uniformForward(x, 1, 1.0f); }).contains("bits 1"));
    QVERIFY(message([&] { elasticForward(x, 2, ElasticKind::Signed, 1.0f); }).contains("channels"));
    QVERIFY(message([&] { bwnForward(x, 2, 2, {}); }).contains("weights"));
    QVERIFY(message([&] { splitTernary(x, 1.0); }).contains("between 0 and 1"));
}

// BWN(W₁) + BWN(W₂) = TWN(W) to float tolerance and W₁ + W₂ = W, on random Gaussian matrices
// of several shapes and scales; the reported error agrees.
void TestQuantizers::ternarySplitIsExact() {
    std::mt19937_64 rng(31);
    std::uniform_int_distribution<int> dim(8, 300);
    double worst = 0;
    for (int trial = 0; trial < 40; ++trial) {
        const int rows = dim(rng), cols = dim(rng);
        const auto w = gaussian(std::size_t(rows) * cols, 100 + trial, 0.02 + 0.1 * trial);
        const auto split = splitTernary(w);
        const auto t = twnForward(w);
        const auto b1 = bwnForward(split.w1, rows, cols, {});
        const auto b2 = bwnForward(split.w2, rows, cols, {});
        for (std::size_t i = 0; i < w.size(); ++i) {
            const double sum = double(b1.values[i]) + double(b2.values[i]);
            worst = std::max(worst, std::fabs(sum - double(t.values[i])) / t.alpha);
            QVERIFY(std::fabs(double(split.w1[i]) + double(split.w2[i]) - double(w[i])) <=
                    4e-7 * (std::fabs(double(w[i])) + split.a));
        }
        QVERIFY2(split.equivalenceError < 1e-6, qPrintable(QString::number(split.equivalenceError)));
        QVERIFY(near(b1.alpha[0], t.alpha / 2, 1e-6 * t.alpha));
    }
    QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
}

// Another share gives mean|W₁| = λ·α_t, mean|W₂| = (1 − λ)·α_t; the kept entries stay exact
// and the zeroed ones sum to ±(2λ − 1)·α_t, which the reported error states.
void TestQuantizers::ternarySplitShare() {
    const auto w = gaussian(64 * 48, 41);
    const auto t = twnForward(w);
    const auto split = splitTernary(w, 0.6);
    const auto b1 = bwnForward(split.w1, 64, 48, {});
    const auto b2 = bwnForward(split.w2, 64, 48, {});
    QVERIFY(near(b1.alpha[0], 0.6 * t.alpha, 1e-6));
    QVERIFY(near(b2.alpha[0], 0.4 * t.alpha, 1e-6));
    QVERIFY(near(split.equivalenceError, 0.2, 1e-6));
    for (std::size_t i = 0; i < w.size(); ++i)
        if (t.values[i] != 0.0f)
            QVERIFY(near(double(b1.values[i]) + double(b2.values[i]), t.values[i], 1e-6));
    // An extreme share would flip kept signs: refused with the allowed range.
    bool refused = false;
    try {
        splitTernary(w, 0.99);
    } catch (const QuantizerError& e) {
        refused = QString(e.what()).contains("allows λ in");
    }
    QVERIFY(refused);
}

QTEST_APPLESS_MAIN(TestQuantizers)
#include "test_quantizers.moc"
