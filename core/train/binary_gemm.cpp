#include "binary_gemm.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TCW_BINARY_X86 1
// GCC 12's AVX-512 headers warn of their own undefined pass-through operands (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

namespace tcw::train {

namespace {

std::int64_t wordsFor(std::int64_t k) {
    return (k + 63) / 64;
}

void checkShape(std::int64_t rows, std::int64_t k, const char* what) {
    if (rows < 0 || k <= 0)
        throw std::invalid_argument(std::string(what) + ": rows must be ≥ 0 and k ≥ 1");
}

// ------------------------------------------------------------------ scalar kernel
// Rows [m0, m0 + MR) against the 8 outputs of weight group g.
void scalarBlock(const PackedRows& a, const PackedWeights& w, std::int64_t m0, std::int64_t rowsHere, std::int64_t g,
                 std::int32_t* c) {
    const std::int64_t kw = a.wordsPerRow;
    const std::uint64_t* wg = w.words.data() + g * kw * 8;
    const std::int64_t n0 = g * 8;
    const std::int64_t cols = std::min<std::int64_t>(8, w.n - n0);
    for (std::int64_t r = 0; r < rowsHere; ++r) {
        const std::uint64_t* ar = a.words.data() + (m0 + r) * kw;
        std::int64_t acc[8] = {};
        for (std::int64_t j = 0; j < kw; ++j) {
            const std::uint64_t x = ar[j];
            for (int l = 0; l < 8; ++l)
                acc[l] += std::popcount(x ^ wg[j * 8 + l]);
        }
        for (std::int64_t l = 0; l < cols; ++l)
            c[(m0 + r) * w.n + n0 + l] = std::int32_t(a.k - 2 * acc[l]);
    }
}

void scalarGemm(const PackedRows& a, const PackedWeights& w, std::int32_t* c) {
    const std::int64_t groups = (w.n + 7) / 8;
#pragma omp parallel for schedule(static)
    for (std::int64_t g = 0; g < groups; ++g)
        for (std::int64_t m0 = 0; m0 < a.rows; m0 += 4)
            scalarBlock(a, w, m0, std::min<std::int64_t>(4, a.rows - m0), g, c);
}

#ifdef TCW_BINARY_X86
// ------------------------------------------------------------------ AVX-512 VPOPCNTDQ kernel
#define TCW_AVX512_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq")))

// MR rows × NB groups of 8 outputs: MR·NB accumulators of 8 int64 lanes; per word one broadcast
// of each row's word, one load per group, and an XOR, a popcount and an add per accumulator.
template <int MR, int NB>
TCW_AVX512_TARGET void avxBlock(const PackedRows& a, const PackedWeights& w, std::int64_t m0, std::int64_t g0,
                                std::int32_t* c) {
    const std::int64_t kw = a.wordsPerRow;
    __m512i acc[MR][NB];
    for (int r = 0; r < MR; ++r)
        for (int b = 0; b < NB; ++b)
            acc[r][b] = _mm512_setzero_si512();
    const std::uint64_t* ar[MR];
    for (int r = 0; r < MR; ++r)
        ar[r] = a.words.data() + (m0 + r) * kw;
    const std::uint64_t* wg[NB];
    for (int b = 0; b < NB; ++b)
        wg[b] = w.words.data() + (g0 + b) * kw * 8;
    for (std::int64_t j = 0; j < kw; ++j) {
        __m512i wv[NB];
        for (int b = 0; b < NB; ++b)
            wv[b] = _mm512_loadu_si512(wg[b] + j * 8);
        for (int r = 0; r < MR; ++r) {
            const __m512i x = _mm512_set1_epi64(std::int64_t(ar[r][j]));
            for (int b = 0; b < NB; ++b)
                acc[r][b] = _mm512_add_epi64(acc[r][b], _mm512_popcnt_epi64(_mm512_xor_si512(x, wv[b])));
        }
    }
    const __m512i kv = _mm512_set1_epi64(a.k);
    for (int b = 0; b < NB; ++b) {
        const std::int64_t n0 = (g0 + b) * 8;
        const std::int64_t cols = std::min<std::int64_t>(8, w.n - n0);
        const __mmask8 mask = __mmask8((1u << cols) - 1u);
        for (int r = 0; r < MR; ++r) {
            const __m512i dot = _mm512_sub_epi64(kv, _mm512_slli_epi64(acc[r][b], 1));
            _mm256_mask_storeu_epi32(c + (m0 + r) * w.n + n0, mask, _mm512_cvtepi64_epi32(dot));
        }
    }
}

template <int NB>
TCW_AVX512_TARGET void avxColumnBlock(const PackedRows& a, const PackedWeights& w, std::int64_t g0, std::int32_t* c) {
    constexpr int MR = 6;
    std::int64_t m0 = 0;
    for (; m0 + MR <= a.rows; m0 += MR)
        avxBlock<MR, NB>(a, w, m0, g0, c);
    switch (a.rows - m0) {
    case 5:
        avxBlock<5, NB>(a, w, m0, g0, c);
        break;
    case 4:
        avxBlock<4, NB>(a, w, m0, g0, c);
        break;
    case 3:
        avxBlock<3, NB>(a, w, m0, g0, c);
        break;
    case 2:
        avxBlock<2, NB>(a, w, m0, g0, c);
        break;
    case 1:
        avxBlock<1, NB>(a, w, m0, g0, c);
        break;
    default:
        break;
    }
}

TCW_AVX512_TARGET void avxGemm(const PackedRows& a, const PackedWeights& w, std::int32_t* c) {
    const std::int64_t groups = (w.n + 7) / 8;
    const std::int64_t pairs = groups / 2;
#pragma omp parallel for schedule(static)
    for (std::int64_t p = 0; p < pairs; ++p)
        avxColumnBlock<2>(a, w, 2 * p, c);
    if (groups % 2)
        avxColumnBlock<1>(a, w, groups - 1, c);
}

// One row's signs, 64 to a word. A function of its own, with the AVX-512 target, because
// clang does not give an OpenMP region's outlined body its function's target attributes.
TCW_AVX512_TARGET void avxPackRow(const float* src, std::int64_t k, std::uint64_t* dst, std::int64_t kw) {
    const __m512 zero = _mm512_setzero_ps();
    for (std::int64_t j = 0; j < kw; ++j) {
        std::uint64_t word = 0;
        for (int q = 0; q < 4; ++q) {
            const std::int64_t base = j * 64 + q * 16;
            if (base >= k)
                break;
            const std::int64_t count = std::min<std::int64_t>(16, k - base);
            const __mmask16 load = __mmask16((1u << count) - 1u);
            const __m512 v = _mm512_maskz_loadu_ps(load, src + base);
            word |= std::uint64_t(_mm512_mask_cmp_ps_mask(load, v, zero, _CMP_LT_OQ)) << (q * 16);
        }
        dst[j] = word;
    }
}

void avxPackRows(const float* x, std::int64_t rows, std::int64_t k, std::uint64_t* words, std::int64_t kw) {
#pragma omp parallel for schedule(static) if (rows * k > (1 << 16))
    for (std::int64_t r = 0; r < rows; ++r)
        avxPackRow(x + r * k, k, words + r * kw, kw);
}
#endif

bool cpuHasAvx512Popcount() {
#ifdef TCW_BINARY_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vpopcntdq");
#else
    return false;
#endif
}

} // namespace

bool avx512BinaryAvailable() {
    static const bool available = cpuHasAvx512Popcount();
    return available;
}

void packSignRows(const float* x, std::int64_t rows, std::int64_t k, PackedRows& out) {
    checkShape(rows, k, "packSignRows");
    out.rows = rows;
    out.k = k;
    out.wordsPerRow = wordsFor(k);
    out.words.resize(std::size_t(rows * out.wordsPerRow));
#ifdef TCW_BINARY_X86
    if (avx512BinaryAvailable()) {
        avxPackRows(x, rows, k, out.words.data(), out.wordsPerRow);
        return;
    }
#endif
    std::fill(out.words.begin(), out.words.end(), 0);
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t i = 0; i < k; ++i)
            if (x[r * k + i] < 0)
                out.words[std::size_t(r * out.wordsPerRow + i / 64)] |= std::uint64_t(1) << (i % 64);
}

PackedWeights packSignWeights(const float* w, std::int64_t n, std::int64_t k) {
    checkShape(n, k, "packSignWeights");
    PackedWeights out;
    out.n = n;
    out.k = k;
    out.wordsPerRow = wordsFor(k);
    const std::int64_t groups = (n + 7) / 8;
    out.words.assign(std::size_t(groups * out.wordsPerRow * 8), 0);
    for (std::int64_t row = 0; row < n; ++row) {
        const std::int64_t g = row / 8, lane = row % 8;
        for (std::int64_t i = 0; i < k; ++i)
            if (w[row * k + i] < 0)
                out.words[std::size_t((g * out.wordsPerRow + i / 64) * 8 + lane)] |= std::uint64_t(1) << (i % 64);
    }
    return out;
}

void binaryGemm(const PackedRows& a, const PackedWeights& w, std::int32_t* c, BinaryKernel kernel) {
    if (a.k != w.k)
        throw std::invalid_argument("binaryGemm: activations have k = " + std::to_string(a.k) +
                                    ", weights k = " + std::to_string(w.k));
    if (kernel == BinaryKernel::Avx512 && !avx512BinaryAvailable())
        throw std::runtime_error("binaryGemm: this processor lacks AVX-512 VPOPCNTDQ");
#ifdef TCW_BINARY_X86
    if (kernel != BinaryKernel::Scalar && avx512BinaryAvailable()) {
        avxGemm(a, w, c);
        return;
    }
#endif
    scalarGemm(a, w, c);
}

// ------------------------------------------------------------------ oneDNN s8 matmul
struct Int8Matmul::Impl {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    dnnl::matmul primitive;
    dnnl::memory::desc srcMd, dstMd;
    dnnl::memory weights;
};

Int8Matmul::Int8Matmul(std::int64_t m, std::int64_t n, std::int64_t k, const std::int8_t* weightsNk)
    : m_impl(std::make_unique<Impl>()) {
    if (m <= 0 || n <= 0 || k <= 0)
        throw std::invalid_argument("Int8Matmul: m, n and k must be at least 1");
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    m_impl->srcMd = dnnl::memory::desc({m, k}, dt::s8, tag::ab);
    m_impl->dstMd = dnnl::memory::desc({m, n}, dt::s32, tag::ab);
    const dnnl::memory::desc anyWeights({k, n}, dt::s8, tag::any);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(m_impl->srcMd, anyWeights, m_impl->dstMd), m_impl->engine);
    m_impl->primitive = dnnl::matmul(pd);
    // [n, k] row-major is [k, n] with the "ba" layout; reorder once into what the matmul wants.
    const dnnl::memory::desc userWeights({k, n}, dt::s8, tag::ba);
    dnnl::memory user(userWeights, m_impl->engine, const_cast<std::int8_t*>(weightsNk));
    m_impl->weights = dnnl::memory(pd.weights_desc(), m_impl->engine);
    dnnl::reorder(user, m_impl->weights).execute(m_impl->stream, user, m_impl->weights);
    m_impl->stream.wait();
}

Int8Matmul::~Int8Matmul() = default;

void Int8Matmul::run(const std::int8_t* a, std::int32_t* c) {
    dnnl::memory src(m_impl->srcMd, m_impl->engine, const_cast<std::int8_t*>(a));
    dnnl::memory dst(m_impl->dstMd, m_impl->engine, c);
    m_impl->primitive.execute(m_impl->stream,
                              {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, m_impl->weights}, {DNNL_ARG_DST, dst}});
    m_impl->stream.wait();
}

} // namespace tcw::train

#if defined(TCW_BINARY_X86) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
