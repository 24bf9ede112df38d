// The trainer's own loops (see kernels.h).
#include "kernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TCW_GELU_AVX512 1
#endif

namespace tcw::train {

// Loops over more than this many elements are shared among the OpenMP threads.
constexpr std::int64_t kParallelElements = 1 << 16;

namespace {

// The library is built for baseline x86-64; loops that the compiler vectorises get
// AVX-512 / AVX2 clones chosen at load time by the CPU. (OpenMP regions call them per
// chunk: a clone's target does not reach the outlined body of a parallel loop.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TCW_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TCW_VECTOR_CLONES
#endif

// Splits [0, count) into cache-sized chunks shared among the OpenMP threads.
template <typename Chunk> void forChunks(std::int64_t count, Chunk chunk) {
    constexpr std::int64_t kChunk = 1 << 14;
    const std::int64_t chunks = (count + kChunk - 1) / kChunk;
#pragma omp parallel for if (count > kParallelElements) schedule(static)
    for (std::int64_t c = 0; c < chunks; ++c)
        chunk(c * kChunk, std::min(count, (c + 1) * kChunk));
}

// Like forChunks, for chunks that count something: returns the sum of their counts.
template <typename Chunk> std::int64_t sumOverChunks(std::int64_t count, Chunk chunk) {
    constexpr std::int64_t kChunk = 1 << 14;
    const std::int64_t chunks = (count + kChunk - 1) / kChunk;
    std::int64_t sum = 0;
#pragma omp parallel for if (count > kParallelElements) reduction(+ : sum) schedule(static)
    for (std::int64_t c = 0; c < chunks; ++c)
        sum += chunk(c * kChunk, std::min(count, (c + 1) * kChunk));
    return sum;
}

TCW_VECTOR_CLONES void maskChunk(float* g, const float* y, std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
        g[i] = y[i] != 0.0f ? g[i] : 0.0f;
}

TCW_VECTOR_CLONES void copyMaskedChunk(const float* src, const float* y, float* dst, std::int64_t begin,
                                       std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
        dst[i] = y[i] != 0.0f ? src[i] : 0.0f;
}

// out[c0, c1) = column sums of rows; c1 − c0 ≤ 64, kept in a local accumulator.
TCW_VECTOR_CLONES void columnSumsBlock(const float* x, std::int64_t rows, std::int64_t rowStride, std::int64_t c0,
                                       std::int64_t c1, float* out) {
    float acc[64] = {};
    const std::int64_t width = c1 - c0;
    if (width == 64) {
        for (std::int64_t r = 0; r < rows; ++r) {
            const float* row = x + r * rowStride + c0;
            for (std::int64_t c = 0; c < 64; ++c)
                acc[c] += row[c];
        }
    } else {
        for (std::int64_t r = 0; r < rows; ++r) {
            const float* row = x + r * rowStride + c0;
            for (std::int64_t c = 0; c < width; ++c)
                acc[c] += row[c];
        }
    }
    for (std::int64_t c = 0; c < width; ++c)
        out[c0 + c] = acc[c];
}

// bf16 copy of columns [c0, c1) of a dense [rows, cols] x (round to nearest even).
TCW_VECTOR_CLONES void columnsToBf16(const float* __restrict x, std::int64_t rows, std::int64_t cols, std::int64_t c0,
                                     std::int64_t c1, std::uint16_t* __restrict y) {
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = c0; c < c1; ++c) {
            const std::uint32_t bits = std::bit_cast<std::uint32_t>(x[r * cols + c]);
            y[r * cols + c] = static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
        }
}

// y = bf16(x), round to nearest even (finite x; the bits oneDNN's f32 → bf16 reorder gives).
TCW_VECTOR_CLONES void toBf16Chunk(const float* __restrict x, std::uint16_t* __restrict y, std::int64_t begin,
                                   std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
        const std::uint32_t bits = std::bit_cast<std::uint32_t>(x[i]);
        y[i] = static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }
}

// e^y for y ≤ 0 (clamped at −87: below it the result is 0 to f32 precision anyway), written
// without library calls so that loops over it vectorise. Cephes expf: 2^n · e^r, |r| ≤ ln2/2.
inline float expNonPositive(float y) {
    y = std::max(y, -87.0f);
    const float n = std::floor(y * std::numbers::log2e_v<float> + 0.5f);
    const float r = y - n * 0.693359375f + n * 2.12194440e-4f; // ln 2 split hi + lo
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float er = p * r * r + r + 1.0f;
    // A NaN y (a diverged run) gives a NaN n, which must not reach the integer conversion
    // (undefined behaviour); er is NaN then, so the result still is.
    const float nInRange = n >= -126.0f && n <= 127.0f ? n : 0.0f;
    const float scale = std::bit_cast<float>((static_cast<std::int32_t>(nInRange) + 127) << 23);
    return er * scale;
}

TCW_VECTOR_CLONES void geluChunk(float* z, float* a, std::int64_t begin, std::int64_t end) {
    constexpr float kInvSqrt2 = 0.70710678118654752f, kInvSqrt2Pi = 0.39894228040143268f;
    for (std::int64_t i = begin; i < end; ++i) {
        const float x = z[i];
        const float u = x * kInvSqrt2;
        const float e = expNonPositive(-u * u); // e^(−x²/2)
        const float t = 1.0f / (1.0f + 0.3275911f * std::fabs(u));
        const float poly =
            t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        const float erfAbs = 1.0f - poly * e;
        const float cdf = 0.5f + 0.5f * std::copysign(erfAbs, u); // Φ(x)
        a[i] = x * cdf;
        z[i] = cdf + x * e * kInvSqrt2Pi; // Φ(x) + x·φ(x)
    }
}

#ifdef TCW_GELU_AVX512
// expNonPositive on 16 lanes, the same steps (clamp, Cephes reduction, polynomial, 2^n).
__attribute__((target("avx512f,avx512dq"))) inline __m512 expNonPositiveAvx512(__m512 y) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    y = _mm512_maskz_max_ps(0xffff, _mm512_set1_ps(-87.0f), y);
    const __m512 n =
        _mm512_maskz_roundscale_ps(0xffff, _mm512_fmadd_ps(y, _mm512_set1_ps(std::numbers::log2e_v<float>), half),
                                   _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), y);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 er = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), one);
    const __mmask16 inRange = _mm512_cmp_ps_mask(n, _mm512_set1_ps(-126.0f), _CMP_GE_OQ) &
                              _mm512_cmp_ps_mask(n, _mm512_set1_ps(127.0f), _CMP_LE_OQ);
    const __m512i exponent = _mm512_maskz_cvtps_epi32(inRange, n);
    const __m512 scale =
        _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xffff, _mm512_add_epi32(exponent, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(er, scale);
}

// Issue 20: geluChunk in AVX-512, the same formula step by step (expNonPositive's clamp,
// Cephes reduction and polynomial; the erf approximation; Φ and Φ + x·φ). GCC leaves the scalar
// loop unvectorised (expNonPositive's clamp and floor turn into branches), which made the GELU
// pass ~10 % of a BERT-Mini training step. Results agree with the scalar loop to a few ulp
// (its multiply-adds are contracted where the compiler chose; here they are explicit); NaN
// propagates as there (vmaxps returns its second operand, the NaN; cvtps of a NaN n is not used).
// (The maskz forms with all lanes set avoid GCC 12's false 'may be used uninitialized'.)
__attribute__((target("avx512f,avx512dq"))) void geluChunkAvx512(float* z, float* a, std::int64_t begin,
                                                                 std::int64_t end) {
    const __m512 invSqrt2 = _mm512_set1_ps(0.70710678118654752f), invSqrt2Pi = _mm512_set1_ps(0.39894228040143268f);
    const __m512 one = _mm512_set1_ps(1.0f), half = _mm512_set1_ps(0.5f), zero = _mm512_setzero_ps();
    const __m512i absBits = _mm512_set1_epi32(0x7fffffff), signBits = _mm512_set1_epi32(std::int32_t(0x80000000u));
    for (std::int64_t i = begin; i < end; i += 16) {
        const std::int64_t left = end - i;
        const __mmask16 lanes = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1u);
        const __m512 x = _mm512_maskz_loadu_ps(lanes, z + i);
        const __m512 u = _mm512_mul_ps(x, invSqrt2);
        const __m512 e = expNonPositiveAvx512(_mm512_sub_ps(zero, _mm512_mul_ps(u, u))); // e^(−u²)
        // erf(|u|) ≈ 1 − poly(t)·e, t = 1 / (1 + 0.3275911·|u|)
        const __m512 absU = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(u), absBits));
        const __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), absU, one));
        __m512 poly = _mm512_fmadd_ps(t, _mm512_set1_ps(1.061405429f), _mm512_set1_ps(-1.453152027f));
        poly = _mm512_fmadd_ps(t, poly, _mm512_set1_ps(1.421413741f));
        poly = _mm512_fmadd_ps(t, poly, _mm512_set1_ps(-0.284496736f));
        poly = _mm512_fmadd_ps(t, poly, _mm512_set1_ps(0.254829592f));
        poly = _mm512_mul_ps(t, poly);
        const __m512 erfAbs = _mm512_fnmadd_ps(poly, e, one);
        const __m512 signedErf =
            _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(_mm512_castps_si512(erfAbs), absBits),
                                                _mm512_and_si512(_mm512_castps_si512(u), signBits)));
        const __m512 cdf = _mm512_fmadd_ps(half, signedErf, half); // Φ(x)
        _mm512_mask_storeu_ps(a + i, lanes, _mm512_mul_ps(x, cdf));
        _mm512_mask_storeu_ps(z + i, lanes, _mm512_fmadd_ps(_mm512_mul_ps(x, e), invSqrt2Pi, cdf)); // Φ(x) + x·φ(x)
    }
}

bool geluHasAvx512() {
    static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    return yes;
}
#endif

// p[j] = e^(p[j] − mx) for p[j] ≤ mx: 16 lanes at a time where the CPU has AVX-512 (issue 20: the
// scalar loop does not vectorise, see geluChunkAvx512), else expNonPositive element by element.
#ifdef TCW_GELU_AVX512
__attribute__((target("avx512f,avx512dq"))) void expShiftedRowAvx512(float* p, std::int64_t cols, float mx) {
    const __m512 m = _mm512_set1_ps(mx);
    for (std::int64_t j = 0; j < cols; j += 16) {
        const std::int64_t left = cols - j;
        const __mmask16 lanes = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1u);
        _mm512_mask_storeu_ps(p + j, lanes,
                              expNonPositiveAvx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, p + j), m)));
    }
}
#endif

void expShiftedRow(float* p, std::int64_t cols, float mx) {
#ifdef TCW_GELU_AVX512
    if (geluHasAvx512()) {
        expShiftedRowAvx512(p, cols, mx);
        return;
    }
#endif
    for (std::int64_t j = 0; j < cols; ++j)
        p[j] = expNonPositive(p[j] - mx);
}

TCW_VECTOR_CLONES void reluChunk(float* z, float* a, std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
        const float x = z[i];
        a[i] = x > 0.0f ? x : 0.0f;
        z[i] = x > 0.0f ? 1.0f : 0.0f;
    }
}

// Row reductions in 16 lanes (element j goes to lane j mod 16, lanes combined in a fixed
// order): they vectorise without reassociation, and every CPU and thread count gives the
// same bits.
constexpr std::int64_t kLanes = 16;

inline float laneSum(const float* lanes) {
    float sum = 0.0f;
    for (std::int64_t l = 0; l < kLanes; ++l)
        sum += lanes[l];
    return sum;
}

// Rows [begin, end) of the attention softmax, each `cols` long (see kernels.h).
TCW_VECTOR_CLONES void attentionSoftmaxRows(const float* scores, const float* keyMask, float* probs, std::int64_t cols,
                                            float scale, std::int64_t begin, std::int64_t end,
                                            std::int64_t rowsPerSequence, std::int64_t maskSequences) {
    for (std::int64_t r = begin; r < end; ++r) {
        const float* s = scores + r * cols;
        float* p = probs + r * cols;
        if (keyMask) {
            const float* m = keyMask + (r / rowsPerSequence) % maskSequences * cols;
            for (std::int64_t j = 0; j < cols; ++j)
                p[j] = s[j] * scale + (m[j] == 0.0f ? kMaskedScore : 0.0f);
        } else {
            for (std::int64_t j = 0; j < cols; ++j)
                p[j] = s[j] * scale;
        }
        float lanes[kLanes];
        std::fill(lanes, lanes + kLanes, -3.0e38f);
        const std::int64_t whole = cols - cols % kLanes; // columns in full groups of 16
        for (std::int64_t j0 = 0; j0 < whole; j0 += kLanes)
            for (std::int64_t l = 0; l < kLanes; ++l)
                lanes[l] = std::max(lanes[l], p[j0 + l]);
        for (std::int64_t j = whole; j < cols; ++j)
            lanes[j - whole] = std::max(lanes[j - whole], p[j]);
        float mx = lanes[0];
        for (std::int64_t l = 1; l < kLanes; ++l)
            mx = std::max(mx, lanes[l]);
        std::fill(lanes, lanes + kLanes, 0.0f);
        expShiftedRow(p, cols, mx);
        for (std::int64_t j0 = 0; j0 < whole; j0 += kLanes)
            for (std::int64_t l = 0; l < kLanes; ++l)
                lanes[l] += p[j0 + l];
        for (std::int64_t j = whole; j < cols; ++j)
            lanes[j - whole] += p[j];
        const float inv = 1.0f / laneSum(lanes);
        for (std::int64_t j = 0; j < cols; ++j)
            p[j] *= inv;
    }
}

TCW_VECTOR_CLONES void attentionSoftmaxBackwardRows(const float* probs, const float* gProbs, const float* scores,
                                                    float* gScores, std::int64_t cols, float scale, std::int64_t begin,
                                                    std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
        const float* p = probs + r * cols;
        const float* gp = gProbs + r * cols;
        float* gs = gScores + r * cols;
        float lanes[kLanes] = {};
        const std::int64_t whole = cols - cols % kLanes;
        for (std::int64_t j0 = 0; j0 < whole; j0 += kLanes)
            for (std::int64_t l = 0; l < kLanes; ++l)
                lanes[l] += p[j0 + l] * gp[j0 + l];
        for (std::int64_t j = whole; j < cols; ++j)
            lanes[j - whole] += p[j] * gp[j];
        const float dot = laneSum(lanes);
        if (scores) {
            const float* s = scores + r * cols;
            for (std::int64_t j = 0; j < cols; ++j)
                gs[j] = s[j] != 0.0f ? scale * p[j] * (gp[j] - dot) : 0.0f;
        } else {
            for (std::int64_t j = 0; j < cols; ++j)
                gs[j] = scale * p[j] * (gp[j] - dot);
        }
    }
}

// Sum of x[0, n) in 16 lanes.
inline float rowSum(const float* x, std::int64_t n) {
    float lanes[kLanes] = {};
    const std::int64_t whole = n - n % kLanes;
    for (std::int64_t j0 = 0; j0 < whole; j0 += kLanes)
        for (std::int64_t l = 0; l < kLanes; ++l)
            lanes[l] += x[j0 + l];
    for (std::int64_t j = whole; j < n; ++j)
        lanes[j - whole] += x[j];
    return laneSum(lanes);
}

// Σ (x[j] − mu)² over [0, n) in 16 lanes.
inline float rowSquaredDeviations(const float* x, std::int64_t n, float mu) {
    float lanes[kLanes] = {};
    const std::int64_t whole = n - n % kLanes;
    for (std::int64_t j0 = 0; j0 < whole; j0 += kLanes)
        for (std::int64_t l = 0; l < kLanes; ++l)
            lanes[l] += (x[j0 + l] - mu) * (x[j0 + l] - mu);
    for (std::int64_t j = whole; j < n; ++j)
        lanes[j - whole] += (x[j] - mu) * (x[j] - mu);
    return laneSum(lanes);
}

// Layer norm forward of rows [begin, end).
TCW_VECTOR_CLONES void layerNormRows(const float* a, const float* b, float* sum, float* dst, const float* gamma,
                                     const float* beta, float* mean, float* variance, std::int64_t cols, float epsilon,
                                     std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
        const float* x = a + r * cols;
        if (b) {
            float* s = sum + r * cols;
            const float* br = b + r * cols;
            for (std::int64_t j = 0; j < cols; ++j)
                s[j] = x[j] + br[j];
            x = s;
        }
        const float mu = rowSum(x, cols) / static_cast<float>(cols);
        const float var = rowSquaredDeviations(x, cols, mu) / static_cast<float>(cols);
        const float inv = 1.0f / std::sqrt(var + epsilon);
        float* y = dst + r * cols;
        for (std::int64_t j = 0; j < cols; ++j)
            y[j] = gamma[j] * ((x[j] - mu) * inv) + beta[j];
        mean[r] = mu;
        variance[r] = var;
    }
}

// Issue 20: layerNormRows' last loop with saved statistics (keep the two identical).
TCW_VECTOR_CLONES void layerNormApplyRows(const float* a, float* dst, const float* gamma, const float* beta,
                                          const float* mean, const float* variance, std::int64_t cols, float epsilon,
                                          std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
        const float* x = a + r * cols;
        const float mu = mean[r];
        const float var = variance[r];
        const float inv = 1.0f / std::sqrt(var + epsilon);
        float* y = dst + r * cols;
        for (std::int64_t j = 0; j < cols; ++j)
            y[j] = gamma[j] * ((x[j] - mu) * inv) + beta[j];
    }
}

// Layer norm backward of rows [begin, end); adds this block's Σ diffDst·x̂ and Σ diffDst to
// partGamma, partBeta [cols]; `work` holds two rows.
// (The buffers never overlap: __restrict lets the row loops vectorise without alias checks.)
TCW_VECTOR_CLONES void layerNormBackwardRows(const float* __restrict src, const float* __restrict mean,
                                             const float* __restrict variance, const float* __restrict diffDst,
                                             const float* __restrict gamma, float* __restrict diffSrc,
                                             float* __restrict partGamma, float* __restrict partBeta, std::int64_t cols,
                                             float epsilon, std::int64_t begin, std::int64_t end,
                                             float* __restrict work) {
    float* __restrict g = work;         // γ ⊙ diffDst
    float* __restrict gx = work + cols; // γ ⊙ diffDst ⊙ x̂
    for (std::int64_t r = begin; r < end; ++r) {
        const float* __restrict x = src + r * cols;
        const float* __restrict dy = diffDst + r * cols;
        const float mu = mean[r], inv = 1.0f / std::sqrt(variance[r] + epsilon);
        for (std::int64_t j = 0; j < cols; ++j) {
            const float xh = (x[j] - mu) * inv;
            g[j] = gamma[j] * dy[j];
            gx[j] = g[j] * xh;
            partGamma[j] += dy[j] * xh;
            partBeta[j] += dy[j];
        }
        const float meanG = rowSum(g, cols) / static_cast<float>(cols);
        const float meanGx = rowSum(gx, cols) / static_cast<float>(cols);
        float* __restrict ds = diffSrc + r * cols;
        for (std::int64_t j = 0; j < cols; ++j)
            ds[j] = inv * (g[j] - meanG - (x[j] - mu) * inv * meanGx);
    }
}

// Rows at a time so that a chunk is about 16 k elements.
template <typename RowsFn> void forRowChunks(std::int64_t rows, std::int64_t cols, RowsFn fn) {
    const std::int64_t perChunk = std::max<std::int64_t>(1, (1 << 14) / std::max<std::int64_t>(cols, 1));
    const std::int64_t chunks = (rows + perChunk - 1) / perChunk;
#pragma omp parallel for if (rows * cols > kParallelElements) schedule(static)
    for (std::int64_t c = 0; c < chunks; ++c)
        fn(c * perChunk, std::min(rows, (c + 1) * perChunk));
}

// dst[r·dstStride + c] = src[r·srcStride + c] for rows [begin, end), c < width: a plain loop
// the compiler vectorises (a memcpy call per short row costs more than the copy).
TCW_VECTOR_CLONES void copyRows(const float* __restrict src, std::int64_t srcStride, float* __restrict dst,
                                std::int64_t dstStride, std::int64_t width, std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
        const float* s = src + r * srcStride;
        float* d = dst + r * dstStride;
        for (std::int64_t c = 0; c < width; ++c)
            d[c] = s[c];
    }
}

} // namespace

void maskByNonZero(float* g, const float* y, std::int64_t count) {
    forChunks(count, [&](std::int64_t b, std::int64_t e) { maskChunk(g, y, b, e); });
}

void copyMaskedByNonZero(const float* src, const float* y, float* dst, std::int64_t count) {
    forChunks(count, [&](std::int64_t b, std::int64_t e) { copyMaskedChunk(src, y, dst, b, e); });
}

void columnSums(const float* x, std::int64_t rows, std::int64_t cols, std::int64_t rowStride, float* out,
                std::uint16_t* xBf16) {
    // Column blocks of 64 per thread: each column is summed by one thread in row order, so
    // the result does not depend on the thread count. The bf16 copy is made block by block
    // right after the block's sums, while its rows are still in cache.
    const std::int64_t blocks = (cols + 63) / 64;
#pragma omp parallel for if (rows * cols > kParallelElements && blocks > 1) schedule(static)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
        const std::int64_t c0 = blk * 64, c1 = std::min(cols, c0 + 64);
        columnSumsBlock(x, rows, rowStride, c0, c1, out);
        if (xBf16)
            columnsToBf16(x, rows, cols, c0, c1, xBf16);
    }
}

void zeroPaddingRows(float* x, const float* mask, std::int64_t rows, std::int64_t cols, std::int64_t rowStride) {
    for (std::int64_t r = 0; r < rows; ++r)
        if (mask[r] == 0.0f)
            std::fill(x + r * rowStride, x + r * rowStride + cols, 0.0f);
}

void gatherColumns(const float* src, std::int64_t srcStride, std::span<const std::int64_t> columns, float* dst,
                   std::int64_t rows, std::int64_t width, std::uint16_t* dstBf16) {
    const auto blocks = static_cast<std::int64_t>(columns.size());
    forRowChunks(rows, width * blocks, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t k = 0; k < blocks; ++k) {
            float* block = dst + k * rows * width;
            copyRows(src + columns[static_cast<std::size_t>(k)], srcStride, block, width, width, b, e);
            if (dstBf16)
                toBf16Chunk(block, dstBf16 + k * rows * width, b * width, e * width);
        }
    });
}

void scatterColumns(const float* src, std::span<const std::int64_t> columns, float* dst, std::int64_t dstStride,
                    std::int64_t rows, std::int64_t width) {
    const auto blocks = static_cast<std::int64_t>(columns.size());
    forRowChunks(rows, width * blocks, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t k = 0; k < blocks; ++k)
            copyRows(src + k * rows * width, width, dst + columns[static_cast<std::size_t>(k)], dstStride, width, b, e);
    });
}

void geluForwardKeepDerivative(float* z, float* a, std::int64_t count, std::uint16_t* aBf16) {
    forChunks(count, [&](std::int64_t b, std::int64_t e) {
#ifdef TCW_GELU_AVX512
        if (geluHasAvx512())
            geluChunkAvx512(z, a, b, e);
        else
#endif
            geluChunk(z, a, b, e);
        if (aBf16)
            toBf16Chunk(a, aBf16, b, e); // while the chunk is in cache
    });
}

void reluForwardKeepDerivative(float* z, float* a, std::int64_t count) {
    forChunks(count, [&](std::int64_t b, std::int64_t e) { reluChunk(z, a, b, e); });
}

void layerNormForward(const float* a, const float* b, float* sum, float* dst, const float* gamma, const float* beta,
                      float* mean, float* variance, std::int64_t rows, std::int64_t cols, float epsilon,
                      std::uint16_t* dstBf16) {
    forRowChunks(rows, cols, [&](std::int64_t bb, std::int64_t e) {
        layerNormRows(a, b, sum, dst, gamma, beta, mean, variance, cols, epsilon, bb, e);
        if (dstBf16)
            toBf16Chunk(dst, dstBf16, bb * cols, e * cols);
    });
}

void layerNormApply(const float* x, const float* mean, const float* variance, const float* gamma, const float* beta,
                    float* dst, std::int64_t rows, std::int64_t cols, float epsilon) {
    forRowChunks(rows, cols, [&](std::int64_t b, std::int64_t e) {
        layerNormApplyRows(x, dst, gamma, beta, mean, variance, cols, epsilon, b, e);
    });
}

void layerNormBackward(const float* src, const float* mean, const float* variance, const float* diffDst,
                       const float* gamma, float* diffSrc, float* diffGamma, float* diffBeta, std::int64_t rows,
                       std::int64_t cols, float epsilon, std::vector<float>& scratch) {
    constexpr std::int64_t kBlockRows = 64; // fixed: the parameter-gradient sums do not depend on threads
    const std::int64_t blocks = (rows + kBlockRows - 1) / kBlockRows;
    // Per block: Σ diffDst·x̂ [cols], Σ diffDst [cols], then two work rows.
    const std::int64_t perBlock = 4 * cols;
    scratch.assign(static_cast<std::size_t>(blocks * perBlock), 0.0f);
#pragma omp parallel for if (rows * cols > kParallelElements) schedule(static)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
        float* part = scratch.data() + blk * perBlock;
        layerNormBackwardRows(src, mean, variance, diffDst, gamma, diffSrc, part, part + cols, cols, epsilon,
                              blk * kBlockRows, std::min(rows, (blk + 1) * kBlockRows), part + 2 * cols);
    }
    std::fill(diffGamma, diffGamma + cols, 0.0f);
    std::fill(diffBeta, diffBeta + cols, 0.0f);
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
        const float* part = scratch.data() + blk * perBlock;
        for (std::int64_t j = 0; j < cols; ++j) {
            diffGamma[j] += part[j];
            diffBeta[j] += part[cols + j];
        }
    }
}

void attentionSoftmax(const float* scores, const float* keyMask, float* probs, std::int64_t sequences,
                      std::int64_t queries, std::int64_t keys, float scale, std::uint16_t* probsBf16,
                      std::int64_t maskSequences) {
    if (maskSequences <= 0)
        maskSequences = sequences;
    forRowChunks(sequences * queries, keys, [&](std::int64_t b, std::int64_t e) {
        attentionSoftmaxRows(scores, keyMask, probs, keys, scale, b, e, queries, maskSequences);
        if (probsBf16)
            toBf16Chunk(probs, probsBf16, b * keys, e * keys);
    });
}

void attentionSoftmaxBackward(const float* probs, const float* gProbs, const float* scores, float* gScores,
                              std::int64_t rows, std::int64_t keys, float scale, std::uint16_t* gScoresBf16) {
    forRowChunks(rows, keys, [&](std::int64_t b, std::int64_t e) {
        attentionSoftmaxBackwardRows(probs, gProbs, scores, gScores, keys, scale, b, e);
        if (gScoresBf16)
            toBf16Chunk(gScores, gScoresBf16, b * keys, e * keys);
    });
}

namespace {
// A 32-bit integer hash with full avalanche (Chris Wellons' "lowbias32"): a bijection, so
// distinct indices never share a random number within one call.
inline std::uint32_t hash32(std::uint32_t v) {
    v ^= v >> 16;
    v *= 0x7feb352du;
    v ^= v >> 15;
    v *= 0x846ca68bu;
    v ^= v >> 16;
    return v;
}

TCW_VECTOR_CLONES std::int64_t pruneStochasticChunk(float* x, float tau, std::uint32_t key, std::int64_t begin,
                                                    std::int64_t end) {
    const float invTau = 1.0f / tau;
    std::int64_t zeros = 0;
    for (std::int64_t i = begin; i < end; ++i) {
        const float a = std::fabs(x[i]);
        const float u = static_cast<float>(hash32(key ^ static_cast<std::uint32_t>(i)) >> 8) * (1.0f / 16777216.0f);
        const bool small = a <= tau;
        const bool keep = u < a * invTau;
        x[i] = small ? (keep ? std::copysign(tau, x[i]) : 0.0f) : x[i];
        zeros += small && !keep;
    }
    return zeros;
}

TCW_VECTOR_CLONES std::int64_t pruneByMagnitudeChunk(float* x, float tau, std::int64_t begin, std::int64_t end) {
    std::int64_t zeros = 0;
    for (std::int64_t i = begin; i < end; ++i) {
        const bool small = std::fabs(x[i]) <= tau;
        x[i] = small ? 0.0f : x[i];
        zeros += small;
    }
    return zeros;
}

TCW_VECTOR_CLONES std::int64_t countZerosChunk(const float* x, std::int64_t begin, std::int64_t end) {
    std::int64_t zeros = 0;
    for (std::int64_t i = begin; i < end; ++i)
        zeros += x[i] == 0.0f;
    return zeros;
}
} // namespace

std::int64_t pruneByMagnitude(float* x, std::int64_t count, float tau) {
    return sumOverChunks(count, [&](std::int64_t b, std::int64_t e) {
        return tau > 0.0f ? pruneByMagnitudeChunk(x, tau, b, e) : countZerosChunk(x, b, e);
    });
}

std::int64_t pruneStochastically(float* x, std::int64_t count, float tau, std::uint32_t key) {
    return sumOverChunks(count,
                         [&](std::int64_t b, std::int64_t e) { return pruneStochasticChunk(x, tau, key, b, e); });
}

namespace {
// Steptime3: the calibration samples of [b, e) taken block by block just before the block is
// pruned, so they come from cache lines the pruning loads anyway (a separate strided gather
// over the tensor cost ~1 % of a DynaProp step). Sample k is |x[start + k·stride]| before pruning.
template <class Prune>
std::int64_t sampledChunk(const float* x, std::int64_t b, std::int64_t e, float* samples, std::int64_t start,
                          std::int64_t stride, Prune prune) {
    constexpr std::int64_t kBlock = 1024; // 4 KiB: still in L1 when the pruning reads it
    std::int64_t i = b <= start ? start : start + ((b - start + stride - 1) / stride) * stride;
    std::int64_t zeros = 0;
    for (std::int64_t sb = b; sb < e; sb += kBlock) {
        const std::int64_t se = std::min(e, sb + kBlock);
        for (; i < se; i += stride)
            samples[(i - start) / stride] = std::fabs(x[i]);
        zeros += prune(sb, se);
    }
    return zeros;
}
} // namespace

std::int64_t pruneByMagnitudeSampling(float* x, std::int64_t count, float tau, float* samples, std::int64_t start,
                                      std::int64_t stride) {
    return sumOverChunks(count, [&](std::int64_t b, std::int64_t e) {
        return sampledChunk(x, b, e, samples, start, stride, [&](std::int64_t sb, std::int64_t se) {
            return tau > 0.0f ? pruneByMagnitudeChunk(x, tau, sb, se) : countZerosChunk(x, sb, se);
        });
    });
}

std::int64_t pruneStochasticallySampling(float* x, std::int64_t count, float tau, std::uint32_t key, float* samples,
                                         std::int64_t start, std::int64_t stride) {
    return sumOverChunks(count, [&](std::int64_t b, std::int64_t e) {
        return sampledChunk(x, b, e, samples, start, stride, [&](std::int64_t sb, std::int64_t se) {
            return pruneStochasticChunk(x, tau, key, sb, se);
        });
    });
}

TransformMatrices makeTransformMatrices(int n) {
    TransformMatrices m;
    const auto nn = static_cast<std::size_t>(n) * n;
    m.cosine.resize(nn);
    m.sine.resize(nn);
    m.dct.resize(nn);
    const double pi = std::numbers::pi;
    for (int j = 0; j < n; ++j)
        for (int k = 0; k < n; ++k) {
            // jk mod n keeps the angle small, so cos/sin stay exact for large n.
            const double angle = 2.0 * pi * static_cast<double>((static_cast<std::int64_t>(j) * k) % n) / n;
            m.cosine[j * n + k] = static_cast<float>(std::cos(angle));
            m.sine[j * n + k] = static_cast<float>(std::sin(angle));
            const double scale = j == 0 ? std::sqrt(1.0 / n) : std::sqrt(2.0 / n);
            m.dct[j * n + k] = static_cast<float>(scale * std::cos(pi * (k + 0.5) * j / n));
        }
    return m;
}

void convHeadForward(const ConvHeadShape& s, const ConvHeadParams& p, const float* q, const float* kp, const float* v,
                     float* ks, float* kernel, float* out) {
    const int S = s.sequence, d = s.dim, k = s.kernel, half = k / 2;
    std::vector<float> logits(static_cast<std::size_t>(k));
    for (int b = 0; b < s.batch; ++b) {
        const std::int64_t row0 = static_cast<std::int64_t>(b) * S;
        for (int t = 0; t < S; ++t) {
            const std::int64_t row = row0 + t;
            float* ksRow = ks + row * d; // [d]
            for (int c = 0; c < d; ++c)
                ksRow[c] = p.convBias[c];
            for (int j = 0; j < k; ++j) {
                const int src = t + j - half;
                if (src < 0 || src >= S)
                    continue;
                const float* kpRow = kp + (row0 + src) * s.projStride;
                for (int c = 0; c < d; ++c)
                    ksRow[c] += p.convWeight[c * k + j] * kpRow[c];
            }
            const float* qRow = q + row * s.projStride;
            for (int j = 0; j < k; ++j)
                logits[j] = p.gateBias[j];
            for (int c = 0; c < d; ++c) {
                const float u = qRow[c] * ksRow[c];
                for (int j = 0; j < k; ++j)
                    logits[j] += u * p.gateWeight[c * k + j];
            }
            float* kRow = kernel + row * k; // [k]
            const float mx = *std::max_element(logits.begin(), logits.end());
            float sum = 0.0f;
            for (int j = 0; j < k; ++j) {
                kRow[j] = std::exp(logits[j] - mx);
                sum += kRow[j];
            }
            for (int j = 0; j < k; ++j)
                kRow[j] /= sum;
            float* outRow = out + row * s.outStride;
            std::fill(outRow, outRow + d, 0.0f);
            for (int j = 0; j < k; ++j) {
                const int src = t + j - half;
                if (src < 0 || src >= S)
                    continue;
                const float* vRow = v + (row0 + src) * s.projStride;
                for (int c = 0; c < d; ++c)
                    outRow[c] += kRow[j] * vRow[c];
            }
        }
    }
}

void convHeadBackward(const ConvHeadShape& s, const ConvHeadParams& p, const float* q, const float* kp, const float* v,
                      const float* ks, const float* kernel, const float* gOut, float* gq, float* gkp, float* gv,
                      const ConvHeadGrads& g, std::vector<float>& scratch) {
    const int S = s.sequence, d = s.dim, k = s.kernel, half = k / 2;
    scratch.resize(static_cast<std::size_t>(2 * k + d));
    float* gKernel = scratch.data(); // [k]
    float* gLogit = gKernel + k;     // [k]
    float* gU = gLogit + k;          // [d]
    for (int b = 0; b < s.batch; ++b) {
        const std::int64_t row0 = static_cast<std::int64_t>(b) * S;
        for (int t = 0; t < S; ++t) {
            const std::int64_t row = row0 + t;
            std::fill(gq + row * s.projStride, gq + row * s.projStride + d, 0.0f);
            std::fill(gkp + row * s.projStride, gkp + row * s.projStride + d, 0.0f);
            std::fill(gv + row * s.projStride, gv + row * s.projStride + d, 0.0f);
        }
        for (int t = 0; t < S; ++t) {
            const std::int64_t row = row0 + t;
            const float* gOutRow = gOut + row * s.outStride;
            const float* kRow = kernel + row * k;
            // Dynamic convolution: out[t] = Σ_j kernel[t, j]·v[t + j − half].
            for (int j = 0; j < k; ++j) {
                gKernel[j] = 0.0f;
                const int src = t + j - half;
                if (src < 0 || src >= S)
                    continue;
                const float* vRow = v + (row0 + src) * s.projStride;
                float* gvRow = gv + (row0 + src) * s.projStride;
                float acc = 0.0f;
                for (int c = 0; c < d; ++c) {
                    acc += gOutRow[c] * vRow[c];
                    gvRow[c] += kRow[j] * gOutRow[c];
                }
                gKernel[j] = acc;
            }
            // Softmax over the k taps.
            float dot = 0.0f;
            for (int j = 0; j < k; ++j)
                dot += kRow[j] * gKernel[j];
            for (int j = 0; j < k; ++j) {
                gLogit[j] = kRow[j] * (gKernel[j] - dot);
                g.gateBias[j] += gLogit[j];
            }
            // Kernel generator: logits = (q ⊙ ks)·Wg + bg.
            const float* qRow = q + row * s.projStride;
            const float* ksRow = ks + row * d;
            for (int c = 0; c < d; ++c) {
                const float u = qRow[c] * ksRow[c];
                float acc = 0.0f;
                for (int j = 0; j < k; ++j) {
                    g.gateWeight[c * k + j] += u * gLogit[j];
                    acc += gLogit[j] * p.gateWeight[c * k + j];
                }
                gU[c] = acc;
            }
            float* gqRow = gq + row * s.projStride;
            for (int c = 0; c < d; ++c) {
                gqRow[c] = gU[c] * ksRow[c];
                const float gKs = gU[c] * qRow[c];
                // Depthwise convolution of the key projection.
                g.convBias[c] += gKs;
                for (int j = 0; j < k; ++j) {
                    const int src = t + j - half;
                    if (src < 0 || src >= S)
                        continue;
                    g.convWeight[c * k + j] += gKs * kp[(row0 + src) * s.projStride + c];
                    gkp[(row0 + src) * s.projStride + c] += p.convWeight[c * k + j] * gKs;
                }
            }
        }
    }
}

} // namespace tcw::train
