// Sparse backward matmuls (see sparse_backward.h).
#include "sparse_backward.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TCW_HAVE_AVX512_KERNELS 1
#define TCW_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,popcnt")))
#else
#define TCW_HAVE_AVX512_KERNELS 0
#endif

namespace tcw::train {

namespace {

constexpr std::int64_t kColumnBlock = 64; // columns per block of the counting pass
constexpr std::int64_t kOutBlock = 128;   // outputs kept in registers (8 × 16 floats)
constexpr std::int64_t kParallelWork = 1 << 15;
constexpr std::int64_t kPrefetchAhead = 4; // non-zeros ahead whose operand rows are prefetched

std::int64_t columnBlocks(std::int64_t cols) {
    return (cols + kColumnBlock - 1) / kColumnBlock;
}

// ---- portable loops (the same sums in the same order as the AVX-512 ones) ------------------

void sumsCountBlockPortable(const float* g, std::int64_t rows, std::int64_t cols, std::int64_t c0, std::int64_t c1,
                            float* out, std::uint16_t* counts, std::int64_t* colCounts) {
    float acc[kColumnBlock] = {};
    std::int64_t perColumn[kColumnBlock] = {};
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* row = g + r * cols;
        int n = 0;
        for (std::int64_t c = c0; c < c1; ++c) {
            acc[c - c0] += row[c];
            n += row[c] != 0.0f;
            perColumn[c - c0] += row[c] != 0.0f;
        }
        counts[r] = static_cast<std::uint16_t>(n);
    }
    std::copy(acc, acc + (c1 - c0), out + c0);
    std::copy(perColumn, perColumn + (c1 - c0), colCounts + c0);
}

// dWᵀ[j, i0 : i0 + w] = Σ over column j's non-zeros of g[n, j]·x[n, i0 : i0 + w].
void weightColumnsPortable(const float* x, std::int64_t in, const SparseRows& g, std::int64_t i0, std::int64_t w,
                           std::int64_t j0, std::int64_t j1, float* dWT) {
    float acc[kOutBlock];
    for (std::int64_t j = j0; j < j1; ++j) {
        std::fill(acc, acc + w, 0.0f);
        for (std::int64_t k = g.colStart[j]; k < g.colStart[j + 1]; ++k) {
            const float v = g.colValue[k];
            const float* xr = x + std::int64_t(g.row[k]) * in + i0;
            for (std::int64_t i = 0; i < w; ++i)
                acc[i] += v * xr[i];
        }
        std::copy(acc, acc + w, dWT + j * in + i0);
    }
}

void compressRowPortable(const float* row, std::int64_t cols, std::int32_t* index) {
    std::int64_t k = 0;
    for (std::int64_t c = 0; c < cols; ++c)
        if (row[c] != 0.0f) {
            index[k] = static_cast<std::int32_t>(c);
            ++k;
        }
}

void rowTimesTransposedPortable(const SparseRows& g, std::int64_t n, const float* wT, std::int64_t in, std::int64_t i0,
                                std::int64_t w, float* gx, bool accumulate, const float* m) {
    float acc[kOutBlock];
    std::fill(acc, acc + w, 0.0f);
    for (std::int64_t k = g.rowStart[n]; k < g.rowStart[n + 1]; ++k) {
        const float v = g.dense[n * g.cols + g.index[k]];
        const float* src = wT + std::int64_t(g.index[k]) * in + i0;
        for (std::int64_t i = 0; i < w; ++i)
            acc[i] += v * src[i];
    }
    float* dst = gx + n * in + i0;
    for (std::int64_t i = 0; i < w; ++i) {
        float r = m ? acc[i] * m[n * in + i0 + i] : acc[i];
        dst[i] = accumulate ? dst[i] + r : r;
    }
}

// ---- tiled kernels (steptime3) ---------------------------------------------------------------
// A tile: R output rows × w ≤ kTileWidth outputs, from 0 (or out's values: fromOut). For each
// entry e of list (ascending): acc[r, :] += coef[e·eStride + r·rStride] · src[(e − srcBase)·srcStride + :].
// Then (gx only) ⊙ m, + out if accumulate; stored to out.
constexpr std::int64_t kTileWidth = 64; // 4 × 16 floats per row of a tile: 16 accumulators
// (at density 0.27, tiles of 2 × 128 were faster on FF down but slower on FF up and the
// projections; 1 × 128 slower on all three: docs/training.md)

void tilePortable(int R, const std::int32_t* list, std::int64_t count, std::int64_t srcBase, const float* coef,
                  std::int64_t eStride, std::int64_t rStride, const float* src, std::int64_t srcStride, std::int64_t w,
                  float* out, std::int64_t outStride, bool fromOut, bool accumulate, const float* m) {
    float acc[kTileRows][kTileWidth] = {};
    if (fromOut)
        for (int r = 0; r < R; ++r)
            std::copy(out + r * outStride, out + r * outStride + w, acc[r]);
    for (std::int64_t t = 0; t < count; ++t) {
        const std::int64_t e = list[t];
        const float* sr = src + (e - srcBase) * srcStride;
        for (int r = 0; r < R; ++r) {
            const float v = coef[e * eStride + r * rStride];
            for (std::int64_t i = 0; i < w; ++i)
                acc[r][i] += v * sr[i];
        }
    }
    for (int r = 0; r < R; ++r) {
        float* dst = out + r * outStride;
        for (std::int64_t i = 0; i < w; ++i) {
            const float v = m ? acc[r][i] * m[r * outStride + i] : acc[r][i];
            dst[i] = accumulate ? dst[i] + v : v;
        }
    }
}

// Rows of g where any of the columns c0 … c0 + R − 1 is non-zero (ascending); returns the count.
std::int64_t unionRowsPortable(const float* g, std::int64_t rows, std::int64_t cols, std::int64_t c0, int R,
                               std::int32_t* list) {
    std::int64_t k = 0;
    for (std::int64_t n = 0; n < rows; ++n) {
        bool any = false;
        for (int r = 0; r < R; ++r)
            any |= g[n * cols + c0 + r] != 0.0f;
        list[k] = static_cast<std::int32_t>(n);
        k += any;
    }
    return k;
}

// Columns where any of the rows n0 … n0 + R − 1 of g is non-zero (ascending); returns the count.
std::int64_t unionColsPortable(const float* g, std::int64_t cols, std::int64_t n0, int R, std::int32_t* list) {
    std::int64_t k = 0;
    for (std::int64_t c = 0; c < cols; ++c) {
        bool any = false;
        for (int r = 0; r < R; ++r)
            any |= g[(n0 + r) * cols + c] != 0.0f;
        list[k] = static_cast<std::int32_t>(c);
        k += any;
    }
    return k;
}

#if TCW_HAVE_AVX512_KERNELS

TCW_AVX512 __mmask16 tailMask(std::int64_t remaining) {
    if (remaining <= 0)
        return 0; // a block narrower than this lane group (no shift by a negative count)
    return remaining >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << remaining) - 1u);
}

TCW_AVX512 void sumsCountBlockAvx512(const float* g, std::int64_t rows, std::int64_t cols, std::int64_t c0,
                                     std::int64_t c1, float* out, std::uint16_t* counts, std::int64_t* colCounts) {
    const std::int64_t w = c1 - c0;
    const __mmask16 m0 = tailMask(w), m1 = tailMask(w - 16), m2 = tailMask(w - 32), m3 = tailMask(w - 48);
    const __mmask16 k0 = w > 0 ? m0 : 0, k1 = w > 16 ? m1 : 0, k2 = w > 32 ? m2 : 0, k3 = w > 48 ? m3 : 0;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    __m512i n0 = _mm512_setzero_si512(), n1 = n0, n2 = n0, n3 = n0; // per-column counts
    const __m512i one = _mm512_set1_epi32(1);
    const __m512 zero = _mm512_setzero_ps();
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* p = g + r * cols + c0;
        const __m512 v0 = _mm512_maskz_loadu_ps(k0, p), v1 = _mm512_maskz_loadu_ps(k1, p + 16),
                     v2 = _mm512_maskz_loadu_ps(k2, p + 32), v3 = _mm512_maskz_loadu_ps(k3, p + 48);
        a0 = _mm512_add_ps(a0, v0);
        a1 = _mm512_add_ps(a1, v1);
        a2 = _mm512_add_ps(a2, v2);
        a3 = _mm512_add_ps(a3, v3);
        const __mmask16 z0 = _mm512_cmp_ps_mask(v0, zero, _CMP_NEQ_UQ), z1 = _mm512_cmp_ps_mask(v1, zero, _CMP_NEQ_UQ),
                        z2 = _mm512_cmp_ps_mask(v2, zero, _CMP_NEQ_UQ), z3 = _mm512_cmp_ps_mask(v3, zero, _CMP_NEQ_UQ);
        n0 = _mm512_mask_add_epi32(n0, z0, n0, one);
        n1 = _mm512_mask_add_epi32(n1, z1, n1, one);
        n2 = _mm512_mask_add_epi32(n2, z2, n2, one);
        n3 = _mm512_mask_add_epi32(n3, z3, n3, one);
        counts[r] = static_cast<std::uint16_t>(__builtin_popcount(z0) + __builtin_popcount(z1) +
                                               __builtin_popcount(z2) + __builtin_popcount(z3));
    }
    // int32 lanes: a column's count fits (rows < 2^31).
    alignas(64) std::int32_t perColumn[kColumnBlock];
    _mm512_store_si512(perColumn, n0);
    _mm512_store_si512(perColumn + 16, n1);
    _mm512_store_si512(perColumn + 32, n2);
    _mm512_store_si512(perColumn + 48, n3);
    for (std::int64_t c = 0; c < w; ++c)
        colCounts[c0 + c] = perColumn[c];
    float* o = out + c0;
    _mm512_mask_storeu_ps(o, k0, a0);
    _mm512_mask_storeu_ps(o + 16, k1, a1);
    _mm512_mask_storeu_ps(o + 32, k2, a2);
    _mm512_mask_storeu_ps(o + 48, k3, a3);
}

TCW_AVX512 void compressRowAvx512(const float* row, std::int64_t cols, std::int32_t* index) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    std::int64_t k = 0;
    for (std::int64_t c = 0; c < cols; c += 16) {
        const __mmask16 load = tailMask(cols - c);
        const __m512 v = _mm512_maskz_loadu_ps(load, row + c);
        const __mmask16 nz = _mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ);
        if (!nz)
            continue;
        // Compressed in a register, then a masked store of the low lanes: the memory form of
        // vcompressps is microcoded on some CPUs (AMD Zen 4: ~100 cycles), the register form not.
        const int n = __builtin_popcount(nz);
        const __mmask16 low = __mmask16((1u << n) - 1u);
        _mm512_mask_storeu_epi32(index + k, low,
                                 _mm512_maskz_compress_epi32(nz, _mm512_add_epi32(lanes, _mm512_set1_epi32(int(c)))));
        k += n;
    }
}

// NV vectors of 16 outputs in registers; masks[NV − 1] trims the last.
template <int NV>
TCW_AVX512 void rowBlockTimesTransposed(const SparseRows& g, std::int64_t n, const float* wT, std::int64_t in,
                                        std::int64_t i0, __mmask16 last, float* gx, bool accumulate, const float* m) {
    __m512 acc[NV];
    for (int q = 0; q < NV; ++q)
        acc[q] = _mm512_setzero_ps();
    const std::int32_t* idx = g.index.data();
    const float* val = g.dense + n * g.cols; // the row's values, by column
    const std::int64_t kEnd = g.rowStart[n + 1];
    for (std::int64_t k = g.rowStart[n]; k < kEnd; ++k) {
        if (k + kPrefetchAhead < kEnd) { // the rows the next non-zeros pick (no pattern to predict)
            const char* ahead = reinterpret_cast<const char*>(wT + std::int64_t(idx[k + kPrefetchAhead]) * in + i0);
            for (int q = 0; q < NV; ++q)
                _mm_prefetch(ahead + 64 * q, _MM_HINT_T0);
        }
        const __m512 v = _mm512_set1_ps(val[idx[k]]);
        const float* src = wT + std::int64_t(idx[k]) * in + i0;
        for (int q = 0; q < NV; ++q) {
            const __m512 w = q + 1 < NV ? _mm512_loadu_ps(src + 16 * q) : _mm512_maskz_loadu_ps(last, src + 16 * q);
            acc[q] = _mm512_fmadd_ps(v, w, acc[q]);
        }
    }
    float* dst = gx + n * in + i0;
    for (int q = 0; q < NV; ++q) {
        const __mmask16 k = q + 1 < NV ? __mmask16(0xFFFF) : last;
        __m512 r = acc[q];
        if (m)
            r = _mm512_mul_ps(r, _mm512_maskz_loadu_ps(k, m + n * in + i0 + 16 * q));
        if (accumulate)
            r = _mm512_add_ps(_mm512_maskz_loadu_ps(k, dst + 16 * q), r);
        _mm512_mask_storeu_ps(dst + 16 * q, k, r);
    }
}

TCW_AVX512 void rowTimesTransposedAvx512(const SparseRows& g, std::int64_t n, const float* wT, std::int64_t in,
                                         std::int64_t i0, std::int64_t w, float* gx, bool accumulate, const float* m) {
    const int nv = int((w + 15) / 16);
    const __mmask16 last = tailMask(w - 16 * (nv - 1));
    switch (nv) {
    case 1:
        rowBlockTimesTransposed<1>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    case 2:
        rowBlockTimesTransposed<2>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    case 3:
        rowBlockTimesTransposed<3>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    case 4:
        rowBlockTimesTransposed<4>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    case 5:
        rowBlockTimesTransposed<5>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    case 6:
        rowBlockTimesTransposed<6>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    case 7:
        rowBlockTimesTransposed<7>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    default:
        rowBlockTimesTransposed<8>(g, n, wT, in, i0, last, gx, accumulate, m);
        break;
    }
}

template <int NV>
TCW_AVX512 void weightColumnsBlock(const float* x, std::int64_t in, const SparseRows& g, std::int64_t i0,
                                   __mmask16 last, std::int64_t j0, std::int64_t j1, float* dWT) {
    const std::int32_t* rowIdx = g.row.data();
    const float* val = g.colValue.data();
    for (std::int64_t j = j0; j < j1; ++j) {
        __m512 acc[NV];
        for (int q = 0; q < NV; ++q)
            acc[q] = _mm512_setzero_ps();
        const std::int64_t kEnd = g.colStart[j + 1];
        for (std::int64_t k = g.colStart[j]; k < kEnd; ++k) {
            if (k + kPrefetchAhead < kEnd) {
                const char* ahead =
                    reinterpret_cast<const char*>(x + std::int64_t(rowIdx[k + kPrefetchAhead]) * in + i0);
                for (int q = 0; q < NV; ++q)
                    _mm_prefetch(ahead + 64 * q, _MM_HINT_T0);
            }
            const __m512 v = _mm512_set1_ps(val[k]);
            const float* xp = x + std::int64_t(rowIdx[k]) * in + i0;
            for (int q = 0; q < NV; ++q) {
                const __m512 xv = q + 1 < NV ? _mm512_loadu_ps(xp + 16 * q) : _mm512_maskz_loadu_ps(last, xp + 16 * q);
                acc[q] = _mm512_fmadd_ps(v, xv, acc[q]);
            }
        }
        float* d = dWT + j * in + i0;
        for (int q = 0; q < NV; ++q)
            _mm512_mask_storeu_ps(d + 16 * q, q + 1 < NV ? __mmask16(0xFFFF) : last, acc[q]);
    }
}

TCW_AVX512 void weightColumnsAvx512(const float* x, std::int64_t in, const SparseRows& g, std::int64_t i0,
                                    std::int64_t w, std::int64_t j0, std::int64_t j1, float* dWT) {
    const int nv = int((w + 15) / 16);
    const __mmask16 last = tailMask(w - 16 * (nv - 1));
    switch (nv) {
    case 1:
        weightColumnsBlock<1>(x, in, g, i0, last, j0, j1, dWT);
        break;
    case 2:
        weightColumnsBlock<2>(x, in, g, i0, last, j0, j1, dWT);
        break;
    case 3:
        weightColumnsBlock<3>(x, in, g, i0, last, j0, j1, dWT);
        break;
    case 4:
        weightColumnsBlock<4>(x, in, g, i0, last, j0, j1, dWT);
        break;
    case 5:
        weightColumnsBlock<5>(x, in, g, i0, last, j0, j1, dWT);
        break;
    case 6:
        weightColumnsBlock<6>(x, in, g, i0, last, j0, j1, dWT);
        break;
    case 7:
        weightColumnsBlock<7>(x, in, g, i0, last, j0, j1, dWT);
        break;
    default:
        weightColumnsBlock<8>(x, in, g, i0, last, j0, j1, dWT);
        break;
    }
}

// dst[c * ds + r] = src[r * ss + c] for a 16 × 16 tile: unpacks within 128-bit lanes, then
// two rounds of lane shuffles (exact: values are only moved). GCC 12 warns of the undefined
// vector its unpack and shuffle intrinsics start from (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TCW_AVX512 void transpose16x16(const float* src, std::int64_t ss, float* dst, std::int64_t ds) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i)
        r[i] = _mm512_loadu_ps(src + i * ss);
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int h = 0; h < 16; h += 8)
        for (int i = 0; i < 4; ++i) {
            t[h + i] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0x88);
            t[h + i + 4] = _mm512_shuffle_f32x4(r[h + i], r[h + i + 4], 0xdd);
        }
    for (int i = 0; i < 8; ++i) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
    for (int i = 0; i < 16; ++i)
        _mm512_storeu_ps(dst + i * ds, r[i]);
}
#pragma GCC diagnostic pop

template <int R, int NV>
TCW_AVX512 void tileAvx512(const std::int32_t* list, std::int64_t count, std::int64_t srcBase, const float* coef,
                           std::int64_t eStride, std::int64_t rStride, const float* src, std::int64_t srcStride,
                           std::int64_t w, float* out, std::int64_t outStride, bool fromOut, bool accumulate,
                           const float* m) {
    __mmask16 mask[NV];
#pragma GCC unroll 16
    for (int q = 0; q < NV; ++q)
        mask[q] = tailMask(w - 16 * q);
    __m512 acc[R * NV];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
        for (int q = 0; q < NV; ++q)
            acc[r * NV + q] =
                fromOut ? _mm512_maskz_loadu_ps(mask[q], out + r * outStride + 16 * q) : _mm512_setzero_ps();
    for (std::int64_t t = 0; t < count; ++t) {
        const std::int64_t e = list[t];
        const float* sr = src + (e - srcBase) * srcStride;
        __m512 x[NV];
#pragma GCC unroll 16
        for (int q = 0; q < NV; ++q)
            x[q] = _mm512_maskz_loadu_ps(mask[q], sr + 16 * q);
        const float* c = coef + e * eStride;
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            const __m512 v = _mm512_set1_ps(c[r * rStride]);
#pragma GCC unroll 16
            for (int q = 0; q < NV; ++q)
                acc[r * NV + q] = _mm512_fmadd_ps(v, x[q], acc[r * NV + q]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
        for (int q = 0; q < NV; ++q) {
            float* dst = out + r * outStride + 16 * q;
            __m512 v = acc[r * NV + q];
            if (m)
                v = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(mask[q], m + r * outStride + 16 * q));
            if (accumulate)
                v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask[q], dst), v);
            _mm512_mask_storeu_ps(dst, mask[q], v);
        }
}

void tileDispatch(bool avx, int R, const std::int32_t* list, std::int64_t count, std::int64_t srcBase,
                  const float* coef, std::int64_t eStride, std::int64_t rStride, const float* src,
                  std::int64_t srcStride, std::int64_t w, float* out, std::int64_t outStride, bool fromOut,
                  bool accumulate, const float* m) {
    static_assert(kTileRows == 4 && kTileWidth == 64, "the tiles below are 1–4 rows × 4 vectors");
    if (avx) {
#define TCW_TILE(RR)                                                                                                   \
    return tileAvx512<RR, 4>(list, count, srcBase, coef, eStride, rStride, src, srcStride, w, out, outStride, fromOut, \
                             accumulate, m)
        switch (R) {
        case 1:
            TCW_TILE(1);
        case 2:
            TCW_TILE(2);
        case 3:
            TCW_TILE(3);
        default:
            TCW_TILE(4);
        }
#undef TCW_TILE
    }
    tilePortable(R, list, count, srcBase, coef, eStride, rStride, src, srcStride, w, out, outStride, fromOut,
                 accumulate, m);
}

// Columns where any of the R rows from n0 is non-zero: the rows' compare masks OR-ed, the column
// numbers compressed in a register and stored masked (as compressRowAvx512).
TCW_AVX512 std::int64_t unionColsAvx512(const float* g, std::int64_t cols, std::int64_t n0, int R, std::int32_t* list) {
    const __m512 zero = _mm512_setzero_ps();
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    std::int64_t k = 0;
    for (std::int64_t c = 0; c < cols; c += 16) {
        const __mmask16 load = tailMask(cols - c);
        __mmask16 nz = 0;
        for (int r = 0; r < R; ++r)
            nz |= _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(load, g + (n0 + r) * cols + c), zero, _CMP_NEQ_UQ);
        if (!nz)
            continue;
        const int n = __builtin_popcount(nz);
        _mm512_mask_storeu_epi32(list + k, __mmask16((1u << n) - 1u),
                                 _mm512_maskz_compress_epi32(nz, _mm512_add_epi32(lanes, _mm512_set1_epi32(int(c)))));
        k += n;
    }
    return k;
}

// For the groups of kTileRows columns in the 16 from c0: the rows where any of a group's columns
// is non-zero (one 16-lane compare per row; a group's nibble of the mask decides).
TCW_AVX512 void unionRowsAvx512(const float* g, std::int64_t rows, std::int64_t cols, std::int64_t c0,
                                std::int32_t* lists, std::int64_t* counts) {
    const __m512 zero = _mm512_setzero_ps();
    const __mmask16 load = tailMask(cols - c0);
    constexpr int TR = int(kTileRows);
    const int groups = int((std::min<std::int64_t>(16, cols - c0) + TR - 1) / TR);
    const unsigned bits = (1u << TR) - 1u;
    std::int64_t k[16] = {};
    for (std::int64_t n = 0; n < rows; ++n) {
        const unsigned nz = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(load, g + n * cols + c0), zero, _CMP_NEQ_UQ);
        for (int q = 0; q < groups; ++q) {
            lists[q * rows + k[q]] = static_cast<std::int32_t>(n);
            k[q] += ((nz >> (TR * q)) & bits) != 0;
        }
    }
    for (int q = 0; q < groups; ++q)
        counts[q] = k[q];
}
#endif // TCW_HAVE_AVX512_KERNELS

bool useAvx512(SparseIsa isa) {
#if TCW_HAVE_AVX512_KERNELS
    return isa == SparseIsa::Avx512 && bestSparseIsa() == SparseIsa::Avx512;
#else
    (void)isa;
    return false;
#endif
}

// dst [cols, rows] = srcᵀ, src [rows, cols]; 32 × 32 tiles, whole 16 × 16 tiles in AVX-512
// registers where the CPU has it (the scalar loop was ~8 % of the sparse path's time).
void transpose(const float* src, std::int64_t rows, std::int64_t cols, float* dst, bool avx) {
    constexpr std::int64_t T = 32;
    const std::int64_t tr = (rows + T - 1) / T, tc = (cols + T - 1) / T;
#pragma omp parallel for collapse(2) if (rows * cols > kParallelWork) schedule(static)
    for (std::int64_t a = 0; a < tr; ++a)
        for (std::int64_t b = 0; b < tc; ++b) {
            const std::int64_t r0 = a * T, r1 = std::min(rows, r0 + T), c0 = b * T, c1 = std::min(cols, c0 + T);
#if TCW_HAVE_AVX512_KERNELS
            if (avx && r1 - r0 == T && c1 - c0 == T) {
                for (std::int64_t r = r0; r < r1; r += 16)
                    for (std::int64_t c = c0; c < c1; c += 16)
                        transpose16x16(src + r * cols + c, cols, dst + c * rows + r, rows);
                continue;
            }
#endif
            (void)avx;
            for (std::int64_t r = r0; r < r1; ++r)
                for (std::int64_t c = c0; c < c1; ++c)
                    dst[c * rows + r] = src[r * cols + c];
        }
}

} // namespace

SparseIsa bestSparseIsa() {
#if TCW_HAVE_AVX512_KERNELS
    static const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    return avx512 ? SparseIsa::Avx512 : SparseIsa::Portable;
#else
    return SparseIsa::Portable;
#endif
}

std::int64_t columnSumsCounting(const float* g, std::int64_t rows, std::int64_t cols, float* out, SparseRows& s,
                                SparseIsa isa) {
    s.rows = rows;
    s.cols = cols;
    const std::int64_t blocks = columnBlocks(cols);
    s.rowCount.resize(static_cast<std::size_t>(blocks * rows));
    s.colStart.assign(static_cast<std::size_t>(cols + 1), 0);
    std::int64_t* colCounts = s.colStart.data() + 1; // counts first, prefix sums below
    const bool avx = useAvx512(isa);
    // Each column block is one thread's, its sums in row order: the same bits for any thread count.
#pragma omp parallel for if (rows * cols > kParallelWork && blocks > 1) schedule(static)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
        const std::int64_t c0 = blk * kColumnBlock, c1 = std::min(cols, c0 + kColumnBlock);
        std::uint16_t* counts = s.rowCount.data() + blk * rows;
#if TCW_HAVE_AVX512_KERNELS
        if (avx) {
            sumsCountBlockAvx512(g, rows, cols, c0, c1, out, counts, colCounts);
            continue;
        }
#endif
        (void)avx;
        sumsCountBlockPortable(g, rows, cols, c0, c1, out, counts, colCounts);
    }
    s.rowStart.assign(static_cast<std::size_t>(rows + 1), 0);
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
        const std::uint16_t* counts = s.rowCount.data() + blk * rows;
        for (std::int64_t r = 0; r < rows; ++r)
            s.rowStart[static_cast<std::size_t>(r + 1)] += counts[r];
    }
    for (std::int64_t r = 0; r < rows; ++r)
        s.rowStart[static_cast<std::size_t>(r + 1)] += s.rowStart[static_cast<std::size_t>(r)];
    for (std::int64_t c = 0; c < cols; ++c)
        s.colStart[static_cast<std::size_t>(c + 1)] += s.colStart[static_cast<std::size_t>(c)];
    return s.rowStart.back();
}

// A vector's capacity grown once to a whole gradient's size: later calls of any density or
// smaller shape never reallocate, so the heap keeps no freed blocks of the smaller sizes, and
// only the elements written become resident (reserve touches no page).
template <class T> void resizeReserved(std::vector<T>& v, std::int64_t n, std::int64_t whole) {
    if (v.capacity() < static_cast<std::size_t>(n))
        v.reserve(static_cast<std::size_t>(std::max(n, whole)));
    v.resize(static_cast<std::size_t>(n));
}

void compressRows(const float* g, SparseRows& s, SparseIsa isa) {
    const std::int64_t nnz = s.nonZeros();
    s.dense = g;
    resizeReserved(s.index, nnz, s.rows * s.cols);
    const bool avx = useAvx512(isa);
#pragma omp parallel for if (s.rows * s.cols > kParallelWork) schedule(static)
    for (std::int64_t r = 0; r < s.rows; ++r) {
        std::int32_t* index = s.index.data() + s.rowStart[r];
#if TCW_HAVE_AVX512_KERNELS
        if (avx) {
            compressRowAvx512(g + r * s.cols, s.cols, index);
            continue;
        }
#endif
        (void)avx;
        compressRowPortable(g + r * s.cols, s.cols, index);
    }
    // By columns, from the rows' lists (not a second pass over g): each block of 64 columns is
    // one thread's, its rows in order; a row's non-zeros of block b start after those of the
    // blocks before it (the counts of pass 1).
    resizeReserved(s.row, nnz, s.rows * s.cols);
    resizeReserved(s.colValue, nnz, s.rows * s.cols);
    const std::int64_t blocks = columnBlocks(s.cols);
    s.blockStart.resize(static_cast<std::size_t>(blocks * s.rows));
    for (std::int64_t r = 0; r < s.rows; ++r) {
        std::int64_t k = s.rowStart[static_cast<std::size_t>(r)];
        for (std::int64_t blk = 0; blk < blocks; ++blk) {
            s.blockStart[static_cast<std::size_t>(blk * s.rows + r)] = k;
            k += s.rowCount[static_cast<std::size_t>(blk * s.rows + r)];
        }
    }
#pragma omp parallel for if (nnz > kParallelWork / 4 && blocks > 1) schedule(static)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
        const std::int64_t c0 = blk * kColumnBlock, c1 = std::min(s.cols, c0 + kColumnBlock);
        std::int64_t cursor[kColumnBlock];
        for (std::int64_t c = c0; c < c1; ++c)
            cursor[c - c0] = s.colStart[static_cast<std::size_t>(c)];
        const std::int64_t* start = s.blockStart.data() + blk * s.rows;
        const std::uint16_t* counts = s.rowCount.data() + blk * s.rows;
        const std::int32_t* index = s.index.data();
        std::int32_t* rowOut = s.row.data();
        float* valueOut = s.colValue.data();
        for (std::int64_t r = 0; r < s.rows; ++r) {
            const float* row = g + r * s.cols;
            for (std::int64_t k = start[r], end = start[r] + counts[r]; k < end; ++k) {
                const std::int64_t at = cursor[index[k] - c0]++;
                rowOut[at] = static_cast<std::int32_t>(r);
                valueOut[at] = row[index[k]];
            }
        }
    }
}

void sparseTimesTransposed(const SparseRows& g, const float* w, std::int64_t in, float* gx, bool accumulate,
                           const float* m, std::vector<float>& wT, SparseIsa isa) {
    wT.resize(static_cast<std::size_t>(g.cols * in));
    const bool avx = useAvx512(isa);
    transpose(w, in, g.cols, wT.data(), avx);
    const bool parallel = g.nonZeros() * in > kParallelWork || g.rows * in > kParallelWork;
    // Rows outer, blocks of 128 outputs inner (rows inner was slower on an AMD EPYC with a
    // 1 MiB L2: the row's non-zeros are then read once per block from further away).
    const std::int64_t iBlocks = (in + kOutBlock - 1) / kOutBlock;
#pragma omp parallel for if (parallel) schedule(dynamic, 16)
    for (std::int64_t n = 0; n < g.rows; ++n)
        for (std::int64_t ib = 0; ib < iBlocks; ++ib) {
            const std::int64_t i0 = ib * kOutBlock, width = std::min(kOutBlock, in - i0);
#if TCW_HAVE_AVX512_KERNELS
            if (avx) {
                rowTimesTransposedAvx512(g, n, wT.data(), in, i0, width, gx, accumulate, m);
                continue;
            }
#endif
            (void)avx;
            rowTimesTransposedPortable(g, n, wT.data(), in, i0, width, gx, accumulate, m);
        }
}

void sparseWeightGradient(const float* x, std::int64_t in, const SparseRows& g, float* dW, std::vector<float>& scratch,
                          SparseIsa isa) {
    scratch.resize(static_cast<std::size_t>(g.cols * in));
    float* dWT = scratch.data();
    const bool avx = useAvx512(isa);
    // Tasks: ranges of dWᵀ's rows (gy's columns) × blocks of its columns; every element is
    // one task's, summed over column j's non-zeros in row order whatever the threads.
    const std::int64_t iBlocks = (in + kOutBlock - 1) / kOutBlock;
    const bool parallel = g.nonZeros() * in > kParallelWork || g.cols * in > kParallelWork;
    const std::int64_t threads = parallel ? std::max(1, omp_get_max_threads()) : 1;
    const std::int64_t jRanges =
        std::min<std::int64_t>(std::max<std::int64_t>(1, g.cols), std::max<std::int64_t>(1, 8 * threads));
    const std::int64_t jStep = (g.cols + jRanges - 1) / jRanges;
    // Blocks of 128 columns of dWᵀ outer: the slice of x they read ([rows, 128]) stays in the
    // cache over the column ranges.
#pragma omp parallel for collapse(2) if (parallel) schedule(dynamic, 1)
    for (std::int64_t ib = 0; ib < iBlocks; ++ib)
        for (std::int64_t jr = 0; jr < jRanges; ++jr) {
            const std::int64_t i0 = ib * kOutBlock, w = std::min(kOutBlock, in - i0);
            const std::int64_t j0 = jr * jStep, j1 = std::min(g.cols, j0 + jStep);
            if (j0 >= j1)
                continue;
#if TCW_HAVE_AVX512_KERNELS
            if (avx) {
                weightColumnsAvx512(x, in, g, i0, w, j0, j1, dWT);
                continue;
            }
#endif
            (void)avx;
            weightColumnsPortable(x, in, g, i0, w, j0, j1, dWT);
        }
    transpose(dWT, g.cols, in, dW, avx);
}

// ---- tiled kernels (steptime3) ---------------------------------------------------------------

namespace {
void runTile(bool avx, int R, const std::int32_t* list, std::int64_t count, std::int64_t srcBase, const float* coef,
             std::int64_t eStride, std::int64_t rStride, const float* src, std::int64_t srcStride, std::int64_t w,
             float* out, std::int64_t outStride, bool fromOut, bool accumulate, const float* m) {
#if TCW_HAVE_AVX512_KERNELS
    tileDispatch(avx, R, list, count, srcBase, coef, eStride, rStride, src, srcStride, w, out, outStride, fromOut,
                 accumulate, m);
#else
    (void)avx;
    tilePortable(R, list, count, srcBase, coef, eStride, rStride, src, srcStride, w, out, outStride, fromOut,
                 accumulate, m);
#endif
}
} // namespace

// dst[b][c][r − 64·b] = src[r, c] for blocks b of 64 of src's rows (src [rows, cols]): Wᵀ in
// blocks of 64 outputs, each block's [cols, 64] slice contiguous (a slice read with a stride of
// a power of two bytes keeps few cache sets: the slice did not stay in L2).
void transposeBlocked(const float* src, std::int64_t rows, std::int64_t cols, float* dst, bool avx) {
    const std::int64_t blocks = (rows + kTileWidth - 1) / kTileWidth;
#pragma omp parallel for if (rows * cols > kParallelWork) schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
        const std::int64_t r0 = b * kTileWidth, r1 = std::min(rows, r0 + kTileWidth);
        float* d = dst + b * cols * kTileWidth;
        std::int64_t c0 = 0;
#if TCW_HAVE_AVX512_KERNELS
        if (avx && r1 - r0 == kTileWidth) {
            for (; c0 + 16 <= cols; c0 += 16)
                for (std::int64_t r = r0; r < r1; r += 16)
                    transpose16x16(src + r * cols + c0, cols, d + c0 * kTileWidth + (r - r0), kTileWidth);
        }
#endif
        (void)avx;
        for (std::int64_t r = r0; r < r1; ++r)
            for (std::int64_t c = c0; c < cols; ++c)
                d[c * kTileWidth + (r - r0)] = src[r * cols + c];
    }
}

void tiledTimesTransposed(const float* g, SparseRows& s, const float* w, std::int64_t in, float* gx, bool accumulate,
                          const float* m, std::vector<float>& wT, SparseIsa isa) {
    const std::int64_t rows = s.rows, cols = s.cols;
    s.dense = g;
    const std::int64_t oBlocks = (in + kTileWidth - 1) / kTileWidth;
    wT.resize(static_cast<std::size_t>(oBlocks * cols * kTileWidth));
    const bool avx = useAvx512(isa);
    transposeBlocked(w, in, cols, wT.data(), avx);
    const std::int64_t tiles = (rows + kTileRows - 1) / kTileRows;
    // The lists live in the CSR index's storage (a call runs one kind of kernel): pages the
    // per-non-zero kernels have made resident, so the tiles add nothing to the peak RSS.
    resizeReserved(s.index, tiles * cols, rows * cols);
    std::int32_t* tileCols = s.index.data();
    s.tileColCount.resize(static_cast<std::size_t>(tiles));
    const bool parallel = rows * cols > kParallelWork;
#pragma omp parallel for if (parallel) schedule(static)
    for (std::int64_t t = 0; t < tiles; ++t) {
        const int R = int(std::min(kTileRows, rows - t * kTileRows));
        std::int32_t* list = tileCols + t * cols;
#if TCW_HAVE_AVX512_KERNELS
        if (avx) {
            s.tileColCount[static_cast<std::size_t>(t)] = unionColsAvx512(g, cols, t * kTileRows, R, list);
            continue;
        }
#endif
        s.tileColCount[static_cast<std::size_t>(t)] = unionColsPortable(g, cols, t * kTileRows, R, list);
    }
    // Blocks of 64 outputs outer: the block's [cols, 64] slice of Wᵀ stays in L2 over the row
    // tiles. Tasks are (block, 16 row tiles); every element is one task's, so the bits do not
    // depend on the threads.
    const std::int64_t perTask = 16;
    const std::int64_t tileGroups = (tiles + perTask - 1) / perTask;
#pragma omp parallel for collapse(2) if (parallel) schedule(dynamic, 1)
    for (std::int64_t ob = 0; ob < oBlocks; ++ob)
        for (std::int64_t tg = 0; tg < tileGroups; ++tg) {
            const std::int64_t i0 = ob * kTileWidth, width = std::min(kTileWidth, in - i0);
            for (std::int64_t t = tg * perTask, t1 = std::min(tiles, t + perTask); t < t1; ++t) {
                const std::int64_t n0 = t * kTileRows;
                const int R = int(std::min(kTileRows, rows - n0));
                runTile(avx, R, tileCols + t * cols, s.tileColCount[static_cast<std::size_t>(t)], 0, g + n0 * cols, 1,
                        cols, wT.data() + ob * cols * kTileWidth, kTileWidth, width, gx + n0 * in + i0, in, false,
                        accumulate, m ? m + n0 * in + i0 : nullptr);
            }
        }
}

void tiledWeightGradient(const float* x, std::int64_t in, const float* g, SparseRows& s, float* dW,
                         std::vector<float>& scratch, SparseIsa isa) {
    const std::int64_t rows = s.rows, cols = s.cols;
    s.dense = g;
    const bool avx = useAvx512(isa);
    const std::int64_t groups = (cols + kTileRows - 1) / kTileRows;
    const std::int64_t chunks = std::max<std::int64_t>(1, (rows + kSparseRowChunk - 1) / kSparseRowChunk);
    const std::int64_t oBlocks = (in + kTileWidth - 1) / kTileWidth;
    const bool parallel = rows * cols > kParallelWork;
    const int threads = parallel ? std::max(1, omp_get_max_threads()) : 1;
    scratch.resize(static_cast<std::size_t>(cols * in)); // dWᵀ
    // The lists and the packed slices of x (one [chunk, 64] per thread) live in the CSC arrays'
    // storage (a call runs one kind of kernel), as the gx lists do in the CSR index's.
    resizeReserved(s.colValue, threads * kSparseRowChunk * kTileWidth, rows * cols);
    float* dWT = scratch.data();
    resizeReserved(s.row, groups * rows, rows * cols);
    std::int32_t* groupRows = s.row.data();
    s.groupRowCount.resize(static_cast<std::size_t>(groups));
#if TCW_HAVE_AVX512_KERNELS
    if (avx) {
        const std::int64_t sixteens = (cols + 15) / 16;
#pragma omp parallel for if (parallel) schedule(static)
        for (std::int64_t b = 0; b < sixteens; ++b)
            unionRowsAvx512(g, rows, cols, b * 16, groupRows + b * (16 / kTileRows) * rows,
                            s.groupRowCount.data() + b * (16 / kTileRows));
    }
#endif
    if (!avx) {
#pragma omp parallel for if (parallel) schedule(static)
        for (std::int64_t q = 0; q < groups; ++q) {
            const int R = int(std::min(kTileRows, cols - q * kTileRows));
            s.groupRowCount[static_cast<std::size_t>(q)] =
                unionRowsPortable(g, rows, cols, q * kTileRows, R, groupRows + q * rows);
        }
    }
    // Where each group's list reaches each chunk of rows ([groups][chunks + 1]).
    s.groupChunkStart.resize(static_cast<std::size_t>(groups * (chunks + 1)));
    for (std::int64_t q = 0; q < groups; ++q) {
        const std::int32_t* list = groupRows + q * rows;
        const std::int64_t count = s.groupRowCount[static_cast<std::size_t>(q)];
        std::int64_t* at = s.groupChunkStart.data() + q * (chunks + 1);
        std::int64_t k = 0;
        for (std::int64_t c = 0; c < chunks; ++c) {
            at[c] = k;
            while (k < count && list[k] < (c + 1) * kSparseRowChunk)
                ++k;
        }
        at[chunks] = count;
    }
    // dWᵀ[j .. j + 3, block] = Σ over the rows where g[:, j .. j + 3] has a non-zero of
    // g[n, j + r]·x[n, block], rows ascending. A task is a block of 64 outputs; chunk by chunk
    // of rows (in order), x's [chunk, 64] slice is copied contiguous (x's rows are a power of two
    // bytes apart: read in place, the slice kept few cache sets) and every column group adds its
    // chunk's rows to the sums stored after the chunk before (a stored float loads back the same).
#pragma omp parallel for if (parallel) schedule(dynamic, 1)
    for (std::int64_t ob = 0; ob < oBlocks; ++ob) {
        float* packed = s.colValue.data() + std::int64_t(omp_get_thread_num()) * kSparseRowChunk * kTileWidth;
        const std::int64_t i0 = ob * kTileWidth, width = std::min(kTileWidth, in - i0);
        for (std::int64_t c = 0; c < chunks; ++c) {
            const std::int64_t r0 = c * kSparseRowChunk, r1 = std::min(rows, r0 + kSparseRowChunk);
            for (std::int64_t n = r0; n < r1; ++n)
                std::copy(x + n * in + i0, x + n * in + i0 + width, packed + (n - r0) * kTileWidth);
            for (std::int64_t q = 0; q < groups; ++q) {
                const std::int64_t j0 = q * kTileRows;
                const int R = int(std::min(kTileRows, cols - j0));
                const std::int64_t* at = s.groupChunkStart.data() + q * (chunks + 1);
                const std::int32_t* list = groupRows + q * rows;
                runTile(avx, R, list + at[c], at[c + 1] - at[c], r0, g + j0, cols, 1, packed, kTileWidth, width,
                        dWT + j0 * in + i0, in, c > 0, false, nullptr);
            }
        }
    }
    transpose(dWT, cols, in, dW, avx);
}

} // namespace tcw::train
