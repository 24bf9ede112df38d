// Quantizers for binarized and low-bit transformers, each with its forward rule and its
// backward rule (straight-through estimators, STE, and the gradients of learnable scales):
// BWN (binary weights, per matrix or per row, centred or not), TWN (ternary weights), uniform
// b-bit with a learnable clip, LSQ, and BiT's elastic binarization (signed {−α, +α} and
// unsigned {0, α}, with a learnable scale and an optional per-channel shift). Ternary weight
// splitting (BinaryBERT's TWS, with the share λ) splits a ternary matrix into two binary halves.
// docs/binarized.md gives every equation.
//
// Tensors are row-major [rows, cols] spans of float; sums are accumulated in double. Nothing
// here allocates state: callers keep latent weights and scales and pass them in.
// (Named low_bit_quantizers.h: core/ may not include a "q*.h" header, which the layering check reads as Qt.)
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace tcw::train {

// Thrown on an argument outside what a quantizer allows; the message names the argument and
// the allowed values.
struct QuantizerError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// sign with sign(0) = +1: binary values are never zero.
inline float binarySign(float v) {
    return v < 0 ? -1.0f : 1.0f;
}

// ---------------------------------------------------------------------------------------
// BWN: W_b = α·sign(W − μ), α = mean|W − μ| (over the matrix, or over each output row),
// μ = mean W (centred) or 0.
struct BwnOptions {
    bool rowWise = false;    // one α (and μ) per row instead of one per matrix
    bool centred = false;    // subtract the mean before taking the sign (BiT, BiBERT)
    bool clippedSte = false; // backward: gradient only where |W| ≤ 1 (else the identity STE)
};
struct BinaryWeights {
    std::vector<float> values; // [rows, cols]: α_r·sign(W − μ_r)
    std::vector<float> alpha;  // one per row when rowWise, else one
    std::vector<float> centre; // μ, same count as alpha (zeros when not centred)
};
BinaryWeights bwnForward(std::span<const float> w, std::int64_t rows, std::int64_t cols, const BwnOptions& options);
// dL/dW from dL/dW_b: the identity STE, or the clipped one (g where |W| ≤ 1, else 0).
void bwnBackward(std::span<const float> w, std::span<const float> gradOut, std::span<float> gradIn,
                 const BwnOptions& options);

// ---------------------------------------------------------------------------------------
// TWN: Δ = 0.7·mean|W|; α_t = mean of |W| over |W| > Δ; W_t = α_t·sign(W)·[|W| > Δ].
// Backward: the identity STE (dL/dW = dL/dW_t).
struct TernaryWeights {
    std::vector<float> values; // α_t·sign(W)·[|W| > Δ]
    double delta = 0;
    double alpha = 0;       // 0 when every entry is zeroed
    std::int64_t zeros = 0; // entries with |W| ≤ Δ
};
TernaryWeights twnForward(std::span<const float> w);

// ---------------------------------------------------------------------------------------
// Uniform symmetric b-bit with a learnable clip c > 0, Q = 2^(b−1) − 1, u = x·Q/c:
//   x_q = (c/Q)·clamp(round(u), −Q, Q)
// Backward (STE through round): dL/dx = g·[|x| ≤ c];
//   dL/dc = Σ g·(−1 below −c, +1 above c, (round(u) − u)/Q inside).
// Outside the clip this is PACT's rule; inside it is the STE-consistent derivative (our choice,
// PACT takes 0 there), so the rule is the exact derivative of the straight-through surrogate.
struct UniformQuantized {
    std::vector<float> values;
    std::int64_t clipped = 0; // entries with |x| > c
};
UniformQuantized uniformForward(std::span<const float> x, int bits, float clip);
// Writes dL/dx into gradIn and returns dL/dc.
double uniformBackward(std::span<const float> x, int bits, float clip, std::span<const float> gradOut,
                       std::span<float> gradIn);

// ---------------------------------------------------------------------------------------
// LSQ: x_q = α·clamp(round(x/α), Q_n, Q_p). Signed: Q_n = −2^(b−1), Q_p = 2^(b−1) − 1;
// unsigned: Q_n = 0, Q_p = 2^b − 1. Backward: dL/dx = g·[Q_n ≤ x/α ≤ Q_p];
//   dL/dα = Σ g·(Q_n below, Q_p above, round(x/α) − x/α inside) / √(N·Q_p).
struct LsqRange {
    int qn = 0;
    int qp = 0;
};
LsqRange lsqRange(int bits, bool isSigned);
std::vector<float> lsqForward(std::span<const float> x, int bits, bool isSigned, float alpha);
// The usual start: α = 2·mean|x|/√Q_p.
float lsqInitialScale(std::span<const float> x, int bits, bool isSigned);
// Writes dL/dx into gradIn and returns dL/dα (with the 1/√(N·Q_p) gradient scale).
double lsqBackward(std::span<const float> x, int bits, bool isSigned, float alpha, std::span<const float> gradOut,
                   std::span<float> gradIn);

// ---------------------------------------------------------------------------------------
// BiT's elastic binarization of activations, x [rows, channels] with an optional learnable
// per-channel shift β (empty: none), u = x − β_c:
//   signed:   x_b = α·sign(u);                     dL/du = g·[|u/α| ≤ 1];
//             dL/dα = Σ sign(u)·g / √N
//   unsigned: x_b = α·clamp(round(u/α), 0, 1) ∈ {0, α};   dL/du = g·[0 ≤ u/α ≤ 1];
//             dL/dα = Σ g·(1 above, round(u/α) − u/α inside, 0 below) / √N
// dL/dx = dL/du and dL/dβ_c = −Σ_rows dL/du. Starts: α = 2·mean|x| (signed), 4·mean|x|
// (unsigned). The two-set scheme takes unsigned for softmax and ReLU outputs, signed elsewhere.
enum class ElasticKind : std::uint8_t { Signed, Unsigned };
struct ElasticGradients {
    double alpha = 0;
    std::vector<float> shift; // per channel, empty when there is no shift
};
std::vector<float> elasticForward(std::span<const float> x, std::int64_t channels, ElasticKind kind, float alpha,
                                  std::span<const float> shift = {});
float elasticInitialScale(std::span<const float> x, ElasticKind kind);
ElasticGradients elasticBackward(std::span<const float> x, std::int64_t channels, ElasticKind kind, float alpha,
                                 std::span<const float> shift, std::span<const float> gradOut, std::span<float> gradIn);

// ---------------------------------------------------------------------------------------
// Ternary weight splitting: W = W₁ + W₂ with BWN(W₁) + BWN(W₂) = TWN(W) (layer-wise,
// uncentred BWN). With p the entries TWN keeps, z those it zeroes, n = |W|:
//   a = (α_t·n − Σ|W|) / (2|z|);   on z: W₁ = W⁺ + a, W₂ = W⁻ − a   (W⁺ = max(W, 0), W⁻ = min(W, 0))
//   on p: W₁ = m·W, W₂ = (1 − m)·W,   m = (Σ_p|W| − Σ_z W + (2λ − 1)·n·α_t) / (2·Σ_p|W|)
// so that mean|W₁| = λ·α_t and mean|W₂| = (1 − λ)·α_t. λ = 0.5 is BinaryBERT's split and is
// exact; another share (our weighting: the published BMT weighting is not public) gives the
// halves unequal scales, and the zeroed entries then sum to ±(2λ − 1)·α_t instead of 0.
struct TernarySplit {
    std::vector<float> w1, w2;
    double share = 0.5;
    double alphaTernary = 0; // α_t
    double a = 0, m = 0;
    // max |BWN(W₁) + BWN(W₂) − TWN(W)| / α_t, measured on the result in double.
    double equivalenceError = 0;
};
// Throws QuantizerError when λ is outside (0, 1), when TWN zeroes every entry or none (no
// split exists) or when λ needs m outside (0, 1) (the message gives the allowed range of λ).
TernarySplit splitTernary(std::span<const float> w, double share = 0.5);

} // namespace tcw::train
