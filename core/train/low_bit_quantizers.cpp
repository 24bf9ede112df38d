#include "low_bit_quantizers.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace tcw::train {

namespace {

void requireSameSize(std::size_t a, std::size_t b, const char* what) {
    if (a != b)
        throw QuantizerError(std::string(what) + ": " + std::to_string(b) + " values where " + std::to_string(a) +
                             " are needed");
}

void requireBits(int bits, int lowest, const char* quantizer) {
    if (bits < lowest || bits > 16)
        throw QuantizerError(std::string(quantizer) + ": bits " + std::to_string(bits) + " is outside " +
                             std::to_string(lowest) + "–16");
}

void requirePositive(double v, const char* what) {
    if (!(v > 0) || !std::isfinite(v))
        throw QuantizerError(std::string(what) + " must be a finite number above 0");
}

// round half away from zero, as std::round.
inline double roundValue(double v) {
    return std::round(v);
}

} // namespace

// ------------------------------------------------------------------------------ BWN
BinaryWeights bwnForward(std::span<const float> w, std::int64_t rows, std::int64_t cols, const BwnOptions& options) {
    if (rows <= 0 || cols <= 0)
        throw QuantizerError("bwn: rows and cols must be at least 1");
    requireSameSize(std::size_t(rows * cols), w.size(), "bwn: weights");
    const std::int64_t groups = options.rowWise ? rows : 1;
    const std::int64_t groupSize = options.rowWise ? cols : rows * cols;
    BinaryWeights out;
    out.values.resize(w.size());
    out.alpha.resize(std::size_t(groups));
    out.centre.assign(std::size_t(groups), 0.0f);
    for (std::int64_t g = 0; g < groups; ++g) {
        const float* src = w.data() + g * groupSize;
        double mu = 0;
        if (options.centred) {
            for (std::int64_t i = 0; i < groupSize; ++i)
                mu += src[i];
            mu /= double(groupSize);
        }
        double sumAbs = 0;
        for (std::int64_t i = 0; i < groupSize; ++i)
            sumAbs += std::fabs(double(src[i]) - mu);
        const float alpha = float(sumAbs / double(groupSize));
        out.alpha[std::size_t(g)] = alpha;
        out.centre[std::size_t(g)] = float(mu);
        float* dst = out.values.data() + g * groupSize;
        for (std::int64_t i = 0; i < groupSize; ++i)
            dst[i] = alpha * binarySign(float(double(src[i]) - mu));
    }
    return out;
}

void bwnBackward(std::span<const float> w, std::span<const float> gradOut, std::span<float> gradIn,
                 const BwnOptions& options) {
    requireSameSize(w.size(), gradOut.size(), "bwn backward: incoming gradient");
    requireSameSize(w.size(), gradIn.size(), "bwn backward: outgoing gradient");
    for (std::size_t i = 0; i < w.size(); ++i)
        gradIn[i] = (!options.clippedSte || std::fabs(w[i]) <= 1.0f) ? gradOut[i] : 0.0f;
}

// ------------------------------------------------------------------------------ TWN
TernaryWeights twnForward(std::span<const float> w) {
    if (w.empty())
        throw QuantizerError("twn: no weights");
    TernaryWeights out;
    double sumAbs = 0;
    for (float v : w)
        sumAbs += std::fabs(double(v));
    out.delta = 0.7 * sumAbs / double(w.size());
    double keptSum = 0;
    std::int64_t kept = 0;
    for (float v : w)
        if (std::fabs(double(v)) > out.delta) {
            keptSum += std::fabs(double(v));
            ++kept;
        }
    out.alpha = kept > 0 ? keptSum / double(kept) : 0.0;
    out.zeros = std::int64_t(w.size()) - kept;
    out.values.resize(w.size());
    const float a = float(out.alpha);
    for (std::size_t i = 0; i < w.size(); ++i)
        out.values[i] = std::fabs(double(w[i])) > out.delta ? a * binarySign(w[i]) : 0.0f;
    return out;
}

// ------------------------------------------------------------------------------ uniform b-bit
UniformQuantized uniformForward(std::span<const float> x, int bits, float clip) {
    requireBits(bits, 2, "uniform");
    requirePositive(clip, "uniform: clip");
    const double q = std::ldexp(1.0, bits - 1) - 1;
    UniformQuantized out;
    out.values.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double u = double(x[i]) * q / clip;
        if (std::fabs(double(x[i])) > clip)
            ++out.clipped;
        out.values[i] = float(double(clip) / q * std::clamp(roundValue(u), -q, q));
    }
    return out;
}

double uniformBackward(std::span<const float> x, int bits, float clip, std::span<const float> gradOut,
                       std::span<float> gradIn) {
    requireBits(bits, 2, "uniform");
    requirePositive(clip, "uniform: clip");
    requireSameSize(x.size(), gradOut.size(), "uniform backward: incoming gradient");
    requireSameSize(x.size(), gradIn.size(), "uniform backward: outgoing gradient");
    const double q = std::ldexp(1.0, bits - 1) - 1;
    double gradClip = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double g = gradOut[i];
        if (x[i] > clip) {
            gradIn[i] = 0;
            gradClip += g;
        } else if (x[i] < -clip) {
            gradIn[i] = 0;
            gradClip -= g;
        } else {
            const double u = double(x[i]) * q / clip;
            gradIn[i] = float(g);
            gradClip += g * (roundValue(u) - u) / q;
        }
    }
    return gradClip;
}

// ------------------------------------------------------------------------------ LSQ
LsqRange lsqRange(int bits, bool isSigned) {
    requireBits(bits, isSigned ? 2 : 1, "lsq");
    if (isSigned)
        return {-(1 << (bits - 1)), (1 << (bits - 1)) - 1};
    return {0, (1 << bits) - 1};
}

std::vector<float> lsqForward(std::span<const float> x, int bits, bool isSigned, float alpha) {
    const LsqRange r = lsqRange(bits, isSigned);
    requirePositive(alpha, "lsq: scale α");
    std::vector<float> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = float(double(alpha) * std::clamp(roundValue(double(x[i]) / alpha), double(r.qn), double(r.qp)));
    return out;
}

float lsqInitialScale(std::span<const float> x, int bits, bool isSigned) {
    const LsqRange r = lsqRange(bits, isSigned);
    if (x.empty())
        throw QuantizerError("lsq: no values to start the scale from");
    double sumAbs = 0;
    for (float v : x)
        sumAbs += std::fabs(double(v));
    return float(2.0 * sumAbs / double(x.size()) / std::sqrt(double(r.qp)));
}

double lsqBackward(std::span<const float> x, int bits, bool isSigned, float alpha, std::span<const float> gradOut,
                   std::span<float> gradIn) {
    const LsqRange r = lsqRange(bits, isSigned);
    requirePositive(alpha, "lsq: scale α");
    requireSameSize(x.size(), gradOut.size(), "lsq backward: incoming gradient");
    requireSameSize(x.size(), gradIn.size(), "lsq backward: outgoing gradient");
    double gradAlpha = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = double(x[i]) / alpha;
        const double g = gradOut[i];
        if (v < r.qn) {
            gradIn[i] = 0;
            gradAlpha += g * r.qn;
        } else if (v > r.qp) {
            gradIn[i] = 0;
            gradAlpha += g * r.qp;
        } else {
            gradIn[i] = float(g);
            gradAlpha += g * (roundValue(v) - v);
        }
    }
    return x.empty() ? 0.0 : gradAlpha / std::sqrt(double(x.size()) * r.qp);
}

// ------------------------------------------------------------------------------ elastic (BiT)
namespace {

void checkElastic(std::span<const float> x, std::int64_t channels, float alpha, std::span<const float> shift) {
    if (channels <= 0 || x.size() % std::size_t(channels) != 0)
        throw QuantizerError("elastic: " + std::to_string(x.size()) + " values are not rows of " +
                             std::to_string(channels) + " channels");
    requirePositive(alpha, "elastic: scale α");
    if (!shift.empty())
        requireSameSize(std::size_t(channels), shift.size(), "elastic: shift (one per channel)");
}

} // namespace

std::vector<float> elasticForward(std::span<const float> x, std::int64_t channels, ElasticKind kind, float alpha,
                                  std::span<const float> shift) {
    checkElastic(x, channels, alpha, shift);
    std::vector<float> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float u = shift.empty() ? x[i] : x[i] - shift[i % std::size_t(channels)];
        if (kind == ElasticKind::Signed)
            out[i] = alpha * binarySign(u);
        else
            out[i] = float(double(alpha) * std::clamp(roundValue(double(u) / alpha), 0.0, 1.0));
    }
    return out;
}

float elasticInitialScale(std::span<const float> x, ElasticKind kind) {
    if (x.empty())
        throw QuantizerError("elastic: no values to start the scale from");
    double sumAbs = 0;
    for (float v : x)
        sumAbs += std::fabs(double(v));
    return float((kind == ElasticKind::Signed ? 2.0 : 4.0) * sumAbs / double(x.size()));
}

ElasticGradients elasticBackward(std::span<const float> x, std::int64_t channels, ElasticKind kind, float alpha,
                                 std::span<const float> shift, std::span<const float> gradOut,
                                 std::span<float> gradIn) {
    checkElastic(x, channels, alpha, shift);
    requireSameSize(x.size(), gradOut.size(), "elastic backward: incoming gradient");
    requireSameSize(x.size(), gradIn.size(), "elastic backward: outgoing gradient");
    ElasticGradients out;
    std::vector<double> shiftGrad(shift.empty() ? 0 : std::size_t(channels), 0.0);
    double gradAlpha = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t c = i % std::size_t(channels);
        const double u = shift.empty() ? double(x[i]) : double(x[i] - shift[c]);
        const double v = u / alpha;
        const double g = gradOut[i];
        double gu = 0;
        if (kind == ElasticKind::Signed) {
            gu = std::fabs(v) <= 1 ? g : 0;
            gradAlpha += double(binarySign(float(u))) * g;
        } else if (v < 0) {
            gu = 0;
        } else if (v > 1) {
            gu = 0;
            gradAlpha += g;
        } else {
            gu = g;
            gradAlpha += g * (roundValue(v) - v);
        }
        gradIn[i] = float(gu);
        if (!shiftGrad.empty())
            shiftGrad[c] -= gu;
    }
    out.alpha = x.empty() ? 0.0 : gradAlpha / std::sqrt(double(x.size()));
    out.shift.assign(shiftGrad.begin(), shiftGrad.end());
    return out;
}

// ------------------------------------------------------------------------------ TWS
TernarySplit splitTernary(std::span<const float> w, double share) {
    if (!(share > 0 && share < 1))
        throw QuantizerError("tws: share λ must lie strictly between 0 and 1 (0.5 is BinaryBERT's split)");
    const TernaryWeights t = twnForward(w);
    const double n = double(w.size());
    const std::int64_t zCount = t.zeros;
    const std::int64_t pCount = std::int64_t(w.size()) - zCount;
    if (zCount == 0 || pCount == 0)
        throw QuantizerError("tws: the ternary matrix must have both zeroed and kept entries (it has " +
                             std::to_string(zCount) + " zeroed of " + std::to_string(w.size()) + ")");
    double sumAbs = 0, sumP = 0, sumZ = 0;
    for (float v : w) {
        const double a = std::fabs(double(v));
        sumAbs += a;
        if (a > t.delta)
            sumP += a;
        else
            sumZ += double(v);
    }
    TernarySplit out;
    out.share = share;
    out.alphaTernary = t.alpha;
    out.a = (t.alpha * n - sumAbs) / (2.0 * double(zCount));
    out.m = (sumP - sumZ + (2 * share - 1) * n * t.alpha) / (2.0 * sumP);
    if (!(out.m > 0 && out.m < 1)) {
        const double low = 0.5 * (1 - (sumP - sumZ) / (n * t.alpha));
        const double high = 0.5 * (1 + (sumP + sumZ) / (n * t.alpha));
        throw QuantizerError("tws: share λ = " + std::to_string(share) + " would flip the kept entries' signs; " +
                             "this matrix allows λ in (" + std::to_string(std::max(low, 0.0)) + ", " +
                             std::to_string(std::min(high, 1.0)) + ")");
    }
    out.w1.resize(w.size());
    out.w2.resize(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
        const double v = w[i];
        if (std::fabs(v) > t.delta) {
            out.w1[i] = float(out.m * v);
            out.w2[i] = float(v - out.m * v);
        } else {
            out.w1[i] = float(std::max(v, 0.0) + out.a);
            out.w2[i] = float(std::min(v, 0.0) - out.a);
        }
    }
    // The equivalence error of what was stored (float halves, BWN in double).
    double s1 = 0, s2 = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        s1 += std::fabs(double(out.w1[i]));
        s2 += std::fabs(double(out.w2[i]));
    }
    const double a1 = s1 / n, a2 = s2 / n;
    double err = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const double sum = a1 * binarySign(out.w1[i]) + a2 * binarySign(out.w2[i]);
        const double ternary = std::fabs(double(w[i])) > t.delta ? t.alpha * binarySign(w[i]) : 0.0;
        err = std::max(err, std::fabs(sum - ternary));
    }
    out.equivalenceError = err / t.alpha;
    return out;
}

} // namespace tcw::train
