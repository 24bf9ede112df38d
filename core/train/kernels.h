// Loops the trainer runs itself: fused layer norm, attention softmax and activation passes
// (fewer passes over memory than oneDNN primitives chained), masks, bias gradients, the
// attention heads' column gathers, DynaProp's pruning passes, embedding scatter, pooling, the
// fixed DFT/DCT matrices and the dynamic-span convolution.
// Private to tcw_train. Shapes in brackets, row-major.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tcw::train {

// g ⊙= (y ≠ 0): the derivative of |x| ≤ τ → 0 (and of zeroed padding rows).
void maskByNonZero(float* g, const float* y, std::int64_t count);

// dst = src ⊙ (y ≠ 0) in one pass.
void copyMaskedByNonZero(const float* src, const float* y, float* dst, std::int64_t count);

// out[c] = Σ_r x[r·rowStride + c]  (bias gradient), x [rows, cols] with a row stride.
// xBf16 (optional, dense x only): x in bf16 as well, in the same pass.
void columnSums(const float* x, std::int64_t rows, std::int64_t cols, std::int64_t rowStride, float* out,
                std::uint16_t* xBf16 = nullptr);

// Zeroes rows t of x [B·S, cols] (row stride rowStride) where mask[t] == 0.
void zeroPaddingRows(float* x, const float* mask, std::int64_t rows, std::int64_t cols, std::int64_t rowStride);

// Column blocks of a row-major matrix to dense blocks and back: how the heads of an attention
// group get their Q, K, V (and gradients) as dense [rows, width] matrices for one batched
// matmul, and give their outputs back to the shared [rows, stride] buffers.
// gatherColumns: dst[k][r][c] = src[r·srcStride + columns[k] + c] for k < columns.size().
// dstBf16 (optional): dst in bf16 as well, in the same pass.
void gatherColumns(const float* src, std::int64_t srcStride, std::span<const std::int64_t> columns, float* dst,
                   std::int64_t rows, std::int64_t width, std::uint16_t* dstBf16 = nullptr);
// scatterColumns: dst[r·dstStride + columns[k] + c] = src[k][r][c].
void scatterColumns(const float* src, std::span<const std::int64_t> columns, float* dst, std::int64_t dstStride,
                    std::int64_t rows, std::int64_t width);

// Activation and its derivative in one pass: a[i] = f(z[i]) and z[i] ← f'(z[i]) (in place:
// the backward pass needs only the derivative, which it multiplies into the incoming
// gradient inside the matmul that produces it). GELU is the erf form, with erf from
// Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7, the approximation oneDNN's gelu_erf uses).
// aBf16 (optional): a in bf16 as well (round to nearest even, as oneDNN's reorder).
void geluForwardKeepDerivative(float* z, float* a, std::int64_t count, std::uint16_t* aBf16 = nullptr);
void reluForwardKeepDerivative(float* z, float* a, std::int64_t count);

// Layer norm over the last axis of [rows, cols] with scale and shift (biased variance; mean
// and variance [rows] are saved for the backward pass), one pass over each row. With b
// non-null it normalises the residual sum a + b, which it also stores in `sum` (the
// backward pass needs it); otherwise it normalises a. dstBf16 (optional): dst in bf16 too.
void layerNormForward(const float* a, const float* b, float* sum, float* dst, const float* gamma, const float* beta,
                      float* mean, float* variance, std::int64_t rows, std::int64_t cols, float epsilon,
                      std::uint16_t* dstBf16 = nullptr);
// Issue 20: dst = the layer norm of x with the mean and variance layerNormForward saved for it:
// the same arithmetic, so the same bits as its dst (how compact storage gets y1 back).
void layerNormApply(const float* x, const float* mean, const float* variance, const float* gamma, const float* beta,
                    float* dst, std::int64_t rows, std::int64_t cols, float epsilon);
// diffSrc from src (the normalised input), its saved statistics and diffDst; overwrites
// diffGamma and diffBeta [cols]. Those are summed over fixed blocks of rows, then the blocks
// in order: the same bits for any thread count.
void layerNormBackward(const float* src, const float* mean, const float* variance, const float* diffDst,
                       const float* gamma, float* diffSrc, float* diffGamma, float* diffBeta, std::int64_t rows,
                       std::int64_t cols, float epsilon, std::vector<float>& scratch);

// Added to the scaled score of a padding key: its probability becomes 0.
inline constexpr float kMaskedScore = -1e9f;

// Attention probabilities in one pass: probs[s, i, :] = softmax(scale·scores[s, i, :] +
// (keyMask[s mod maskSequences, j] == 0 ? kMaskedScore : 0)), scores and probs
// [sequences, queries, keys], keyMask [maskSequences, keys] or null (no padding). Heads
// batched over one batch of B sequences pass maskSequences = B; 0 means one row per sequence.
// probsBf16 (optional): probs in bf16 as well.
void attentionSoftmax(const float* scores, const float* keyMask, float* probs, std::int64_t sequences,
                      std::int64_t queries, std::int64_t keys, float scale, std::uint16_t* probsBf16 = nullptr,
                      std::int64_t maskSequences = 0);
// Its backward through the scale: gScores = scale · P ⊙ (gP − rowsum(P ⊙ gP)), [rows, keys].
// With scores non-null, entries whose raw score is 0 (pruned) get no gradient.
// gScoresBf16 (optional): gScores in bf16 as well.
void attentionSoftmaxBackward(const float* probs, const float* gProbs, const float* scores, float* gScores,
                              std::int64_t rows, std::int64_t keys, float scale, std::uint16_t* gScoresBf16 = nullptr);

// Magnitude pruning: |x| ≤ tau → 0 (tau > 0), returning the zeros of x afterwards; with
// tau = 0, x is only read and its zeros counted.
std::int64_t pruneByMagnitude(float* x, std::int64_t count, float tau);

// Unbiased stochastic pruning (DynaProp's τ_T on activation gradients): each |x| ≤ tau becomes
// ±tau with probability |x|/tau and 0 otherwise, so E[x] is kept. The uniform number of
// element i is a hash of (key, i): the same result for any thread count, and no chain of
// random states, so the loop vectorises and runs in parallel. Returns the zeros made.
std::int64_t pruneStochastically(float* x, std::int64_t count, float tau, std::uint32_t key);

// The same passes, also writing the calibration samples |x[start + k·stride]| (before pruning)
// to samples[k] for every start + k·stride < count, taken in the pruning pass itself
// (steptime3): the same values as a gather before it.
std::int64_t pruneByMagnitudeSampling(float* x, std::int64_t count, float tau, float* samples, std::int64_t start,
                                      std::int64_t stride);
std::int64_t pruneStochasticallySampling(float* x, std::int64_t count, float tau, std::uint32_t key, float* samples,
                                         std::int64_t start, std::int64_t stride);

// DFT (real part, split as cos and sin) and orthonormal DCT-II matrices of size n×n.
struct TransformMatrices {
    std::vector<float> cosine; // [n, n] cos(2π jk/n)
    std::vector<float> sine;   // [n, n] sin(2π jk/n)
    std::vector<float> dct;    // [n, n] orthonormal DCT-II: row k = basis k
};
TransformMatrices makeTransformMatrices(int n);

// ConvBERT-style dynamic-span convolution of one head over B sequences of length S, width d,
// kernel k. q, kp, v are strided views into the projection buffer (row stride projStride).
struct ConvHeadParams {
    const float* convWeight; // [d, k] depthwise taps of the key convolution
    const float* convBias;   // [d]
    const float* gateWeight; // [d, k] kernel generator
    const float* gateBias;   // [k]
};
struct ConvHeadGrads {
    float* convWeight; // [d, k]
    float* convBias;   // [d]
    float* gateWeight; // [d, k]
    float* gateBias;   // [k]
};
struct ConvHeadShape {
    int batch, sequence, dim, kernel;
    std::int64_t projStride; // row stride of q, kp, v (and their gradients)
    std::int64_t outStride;  // row stride of the output (its gradient)
};

// ks [B·S, d] = depthwise_conv(kp) + bias; kernel [B·S, k] = softmax((q ⊙ ks)·Wg + bg);
// out[t] = Σ_j kernel[t, j]·v[t + j − k/2].
void convHeadForward(const ConvHeadShape& s, const ConvHeadParams& p, const float* q, const float* kp, const float* v,
                     float* ks, float* kernel, float* out);
// Writes gq, gkp, gv (overwrites) and adds to the parameter gradients (caller zeroes them).
void convHeadBackward(const ConvHeadShape& s, const ConvHeadParams& p, const float* q, const float* kp, const float* v,
                      const float* ks, const float* kernel, const float* gOut, float* gq, float* gkp, float* gv,
                      const ConvHeadGrads& g, std::vector<float>& scratch);

} // namespace tcw::train
