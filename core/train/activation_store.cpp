// The activation pool and the compressed forms of saved tensors (see activation_store.h).
// Kernels: AVX-512 (compress / expand with the bitmap's 16-bit pieces as lane masks) where the
// CPU has it, portable loops elsewhere; both write the same layout.
#include "activation_store.h"

#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TCW_STORE_X86 1
// popcnt too: without it std::popcount is a call into libgcc (__popcountdi2) per word.
#define TCW_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,popcnt")))
#endif

namespace tcw::train {

namespace {

constexpr std::int64_t kAlign = 64;
// Restores and masks are split among the OpenMP threads in chunks of this many bitmap words.
constexpr std::int64_t kChunkWords = 256;
constexpr std::int64_t kParallelWords = 1024;
// Floats the AVX-512 save loops may write past the kept values (one whole register).
constexpr std::int64_t kStoreSlack = 16;

std::int64_t alignUp(std::int64_t v, std::int64_t a) {
    return (v + a - 1) / a * a;
}

std::int64_t pageSize() {
    static const std::int64_t size = std::max<long>(4096, sysconf(_SC_PAGESIZE));
    return size;
}

std::int64_t wordsOf(std::int64_t count) {
    return (count + 63) / 64;
}

bool haveAvx512() {
#ifdef TCW_STORE_X86
    static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    return yes;
#else
    return false;
#endif
}

std::uint32_t bitsOf(float v) {
    return std::bit_cast<std::uint32_t>(v);
}

// ---- portable loops ----------------------------------------------------------------------

std::int64_t sparseSaveScalar(const float* x, std::int64_t count, std::uint64_t* bits, float* out) {
    std::int64_t k = 0;
    for (std::int64_t w = 0; w < wordsOf(count); ++w) {
        std::uint64_t word = 0;
        const std::int64_t end = std::min(count, (w + 1) * 64);
        for (std::int64_t i = w * 64; i < end; ++i)
            if (bitsOf(x[i]) != 0) {
                word |= std::uint64_t{1} << (i & 63);
                out[k++] = x[i];
            }
        bits[w] = word;
    }
    return k;
}

std::int64_t pairSaveScalar(const float* a, const float* b, std::int64_t count, std::uint64_t* bits, float* out) {
    std::int64_t k = 0;
    for (std::int64_t w = 0; w < wordsOf(count); ++w) {
        std::uint64_t word = 0;
        const std::int64_t end = std::min(count, (w + 1) * 64);
        for (std::int64_t i = w * 64; i < end; ++i)
            if (bitsOf(a[i]) != 0)
                word |= std::uint64_t{1} << (i & 63);
        bits[w] = word;
        const int n = std::popcount(word);
        std::int64_t j = 0;
        for (std::int64_t i = w * 64; i < end; ++i)
            if ((word >> (i & 63)) & 1u) {
                out[k + j] = a[i];
                out[k + n + j] = b[i];
                ++j;
            }
        k += 2 * n;
    }
    return k / 2;
}

// Words [w0, w1) of a Sparse / Mask / pair tensor; k = the value offset of word w0.
void restoreWordsScalar(const std::uint64_t* bits, const float* values, std::int64_t count, std::int64_t w0,
                        std::int64_t w1, std::int64_t k, float* x, float* b, bool pair, bool maskOnly,
                        bool maskByFirst) {
    for (std::int64_t w = w0; w < w1; ++w) {
        const std::uint64_t word = bits[w];
        const int n = std::popcount(word);
        const std::int64_t end = std::min(count, (w + 1) * 64);
        std::int64_t j = 0;
        for (std::int64_t i = w * 64; i < end; ++i) {
            const bool set = (word >> (i & 63)) & 1u;
            if (maskOnly) {
                x[i] = set ? 1.0f : 0.0f;
                continue;
            }
            x[i] = set ? values[k + j] : 0.0f;
            if (pair) {
                const float bv = set ? values[k + n + j] : 0.0f;
                b[i] = maskByFirst && x[i] == 0.0f ? 0.0f : bv;
            }
            j += set;
        }
        k += pair ? 2 * n : maskOnly ? 0 : n;
    }
}

void maskWordsScalar(const std::uint64_t* bits, std::int64_t count, std::int64_t w0, std::int64_t w1, const float* src,
                     float* dst) {
    for (std::int64_t w = w0; w < w1; ++w) {
        const std::uint64_t word = bits[w];
        const std::int64_t end = std::min(count, (w + 1) * 64);
        for (std::int64_t i = w * 64; i < end; ++i)
            dst[i] = (word >> (i & 63)) & 1u ? src[i] : 0.0f;
    }
}

// ---- AVX-512 -------------------------------------------------------------------------------

#ifdef TCW_STORE_X86
// Lanes [i, i + 16) of x that exist (count may end inside the group).
TCW_AVX512 inline __mmask16 tailMask(std::int64_t i, std::int64_t count) {
    const std::int64_t left = count - i;
    return left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1u);
}

TCW_AVX512 std::int64_t sparseSaveAvx512(const float* x, std::int64_t count, std::uint64_t* bits, float* out) {
    std::int64_t k = 0;
    for (std::int64_t w = 0; w < wordsOf(count); ++w) {
        std::uint64_t word = 0;
        for (int q = 0; q < 4; ++q) {
            const std::int64_t i = w * 64 + q * 16;
            if (i >= count)
                break;
            const __mmask16 lanes = tailMask(i, count);
            const __m512i v = _mm512_maskz_loadu_epi32(lanes, x + i);
            const __mmask16 nz = _mm512_test_epi32_mask(v, v);
            // Compress in a register and store all 16 lanes (the memory form of vcompressps is
            // microcoded and slow): lanes past the kept ones are overwritten by the next store,
            // the last ones land in the slack the caller reserves (kStoreSlack).
            _mm512_storeu_ps(out + k, _mm512_maskz_compress_ps(nz, _mm512_castsi512_ps(v)));
            k += std::popcount(static_cast<unsigned>(nz));
            word |= std::uint64_t(nz) << (q * 16);
        }
        bits[w] = word;
    }
    return k;
}

TCW_AVX512 std::int64_t pairSaveAvx512(const float* a, const float* b, std::int64_t count, std::uint64_t* bits,
                                       float* out) {
    std::int64_t k = 0;
    for (std::int64_t w = 0; w < wordsOf(count); ++w) {
        __m512i va[4], vb[4];
        __mmask16 nz[4] = {0, 0, 0, 0};
        std::uint64_t word = 0;
        for (int q = 0; q < 4; ++q) {
            const std::int64_t i = w * 64 + q * 16;
            if (i >= count) {
                va[q] = vb[q] = _mm512_setzero_si512();
                continue;
            }
            const __mmask16 lanes = tailMask(i, count);
            va[q] = _mm512_maskz_loadu_epi32(lanes, a + i);
            vb[q] = _mm512_maskz_loadu_epi32(lanes, b + i);
            nz[q] = _mm512_test_epi32_mask(va[q], va[q]);
            word |= std::uint64_t(nz[q]) << (q * 16);
        }
        bits[w] = word;
        const int n = std::popcount(word);
        std::int64_t ka = k, kb = k + n;
        for (int q = 0; q < 4; ++q) {
            // All of a's pieces of the word before b's: a's spare lanes never reach b's values.
            _mm512_storeu_ps(out + ka, _mm512_maskz_compress_ps(nz[q], _mm512_castsi512_ps(va[q])));
            ka += std::popcount(static_cast<unsigned>(nz[q]));
        }
        for (int q = 0; q < 4; ++q) {
            _mm512_storeu_ps(out + kb, _mm512_maskz_compress_ps(nz[q], _mm512_castsi512_ps(vb[q])));
            kb += std::popcount(static_cast<unsigned>(nz[q]));
        }
        k += 2 * n;
    }
    return k / 2;
}

TCW_AVX512 void restoreWordsAvx512(const std::uint64_t* bits, const float* values, std::int64_t count, std::int64_t w0,
                                   std::int64_t w1, std::int64_t k, float* x, float* b, bool pair, bool maskOnly,
                                   bool maskByFirst) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (std::int64_t w = w0; w < w1; ++w) {
        const std::uint64_t word = bits[w];
        const int n = std::popcount(word);
        std::int64_t ka = k, kb = k + n;
        for (int q = 0; q < 4; ++q) {
            const std::int64_t i = w * 64 + q * 16;
            if (i >= count)
                break;
            const __mmask16 lanes = tailMask(i, count);
            const auto m = static_cast<__mmask16>(word >> (q * 16));
            if (maskOnly) {
                _mm512_mask_storeu_ps(x + i, lanes, _mm512_maskz_mov_ps(m, one));
                continue;
            }
            const __m512 va = _mm512_maskz_expandloadu_ps(m, values + ka);
            _mm512_mask_storeu_ps(x + i, lanes, va);
            if (pair) {
                const __m512 vb = _mm512_maskz_expandloadu_ps(m, values + kb);
                const __mmask16 keep =
                    maskByFirst ? _mm512_cmp_ps_mask(va, _mm512_setzero_ps(), _CMP_NEQ_UQ) : __mmask16(0xffff);
                _mm512_mask_storeu_ps(b + i, lanes, _mm512_maskz_mov_ps(keep, vb));
            }
            const int c = std::popcount(static_cast<unsigned>(m));
            ka += c;
            kb += c;
        }
        k += pair ? 2 * n : maskOnly ? 0 : n;
    }
}

TCW_AVX512 void maskWordsAvx512(const std::uint64_t* bits, std::int64_t count, std::int64_t w0, std::int64_t w1,
                                const float* src, float* dst) {
    for (std::int64_t w = w0; w < w1; ++w) {
        const std::uint64_t word = bits[w];
        for (int q = 0; q < 4; ++q) {
            const std::int64_t i = w * 64 + q * 16;
            if (i >= count)
                break;
            const __mmask16 lanes = tailMask(i, count);
            const auto m = static_cast<__mmask16>(word >> (q * 16));
            _mm512_mask_storeu_ps(dst + i, lanes, _mm512_maskz_loadu_ps(m & lanes, src + i));
        }
    }
}

// Bitmap of x ≠ 0 (float comparison, as maskSaveWords: −0.0 is zero, NaN is not) for words
// [w0, w1), four compares per word; returns the set bits (issue 20: the scalar loop was one
// of the largest costs of a DynaProp step's saving).
TCW_AVX512 std::int64_t maskSaveWordsAvx512(const float* x, std::int64_t count, std::int64_t w0, std::int64_t w1,
                                            std::uint64_t* bits) {
    const __m512 zero = _mm512_setzero_ps();
    std::int64_t nonZeros = 0;
    for (std::int64_t w = w0; w < w1; ++w) {
        std::uint64_t word = 0;
        for (int q = 0; q < 4; ++q) {
            const std::int64_t i = w * 64 + q * 16;
            if (i >= count)
                break;
            const __mmask16 lanes = tailMask(i, count);
            const __mmask16 nz = _mm512_mask_cmp_ps_mask(lanes, _mm512_maskz_loadu_ps(lanes, x + i), zero, _CMP_NEQ_UQ);
            word |= std::uint64_t(nz) << (q * 16);
        }
        bits[w] = word;
        nonZeros += std::popcount(word);
    }
    return nonZeros;
}
#endif

// Set bits of words [w0, w1), with the popcnt instruction where the CPU has it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
std::int64_t
popcountWords(const std::uint64_t* bits, std::int64_t w0, std::int64_t w1) {
    std::int64_t n = 0;
    for (std::int64_t w = w0; w < w1; ++w)
        n += std::popcount(bits[w]);
    return n;
}

// Bitmap of x ≠ 0 (float comparison) for words [w0, w1).
void maskSaveWords(const float* x, std::int64_t count, std::int64_t w0, std::int64_t w1, std::uint64_t* bits) {
    for (std::int64_t w = w0; w < w1; ++w) {
        std::uint64_t word = 0;
        const std::int64_t end = std::min(count, (w + 1) * 64);
        for (std::int64_t i = w * 64; i < end; ++i)
            word |= std::uint64_t(x[i] != 0.0f) << (i & 63);
        bits[w] = word;
    }
}

// Calls body(w0, w1, valueOffset) over chunks of words, in parallel for large tensors; value
// offsets come from the bitmap (valuesPerBit: 0 masks, 1 sparse, 2 pairs).
template <typename Body>
void forWordChunks(const std::uint64_t* bits, std::int64_t words, int valuesPerBit, Body body) {
    const std::int64_t chunks = (words + kChunkWords - 1) / kChunkWords;
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(chunks) + 1, 0);
    if (valuesPerBit > 0)
        for (std::int64_t c = 0; c < chunks; ++c) {
            std::int64_t n = 0;
            n += popcountWords(bits, c * kChunkWords, std::min(words, (c + 1) * kChunkWords));
            offsets[static_cast<std::size_t>(c) + 1] = offsets[static_cast<std::size_t>(c)] + valuesPerBit * n;
        }
#pragma omp parallel for if (words > kParallelWords) schedule(static)
    for (std::int64_t c = 0; c < chunks; ++c)
        body(c * kChunkWords, std::min(words, (c + 1) * kChunkWords), offsets[static_cast<std::size_t>(c)]);
}

} // namespace

// ---- pool ----------------------------------------------------------------------------------

ActivationPool::~ActivationPool() {
    reserve(0);
}

void ActivationPool::reserve(std::int64_t bytes) {
    if (m_base)
        munmap(m_base, static_cast<std::size_t>(m_capacity));
    m_base = nullptr;
    m_capacity = m_used = m_touched = 0;
    m_openAt = -1;
    m_recent.clear();
    if (bytes <= 0)
        return;
    const std::int64_t size = alignUp(bytes, pageSize());
    void* p = mmap(nullptr, static_cast<std::size_t>(size), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    m_base = static_cast<std::byte*>(p);
    m_capacity = size;
}

void ActivationPool::reset() {
    m_recent.push_back(m_used);
    while (static_cast<int>(m_recent.size()) > kWindow)
        m_recent.pop_front();
    const std::int64_t keep =
        std::min(m_capacity, alignUp(*std::max_element(m_recent.begin(), m_recent.end()), pageSize()));
    if (m_touched > keep) {
        madvise(m_base + keep, static_cast<std::size_t>(m_touched - keep), MADV_DONTNEED);
        m_touched = keep;
    }
    m_used = 0;
    m_openAt = -1;
}

void* ActivationPool::allocate(std::int64_t bytes) {
    if (m_openAt >= 0)
        throw std::logic_error("activation pool: allocation while one is open");
    const std::int64_t at = alignUp(m_used, kAlign);
    if (bytes < 0 || at + bytes > m_capacity)
        throw std::length_error("activation pool: " + std::to_string(at + bytes) + " bytes needed, " +
                                std::to_string(m_capacity) + " reserved");
    m_used = at + bytes;
    m_touched = std::max(m_touched, m_used);
    return m_base + at;
}

void* ActivationPool::open(std::int64_t maxBytes) {
    if (m_openAt >= 0)
        throw std::logic_error("activation pool: open while one is open");
    const std::int64_t at = alignUp(m_used, kAlign);
    if (maxBytes < 0 || at + maxBytes > m_capacity)
        throw std::length_error("activation pool: " + std::to_string(at + maxBytes) + " bytes needed, " +
                                std::to_string(m_capacity) + " reserved");
    m_used = at;
    m_openAt = at;
    return m_base + at;
}

void ActivationPool::close(std::int64_t usedBytes) {
    if (m_openAt < 0)
        throw std::logic_error("activation pool: close without open");
    m_used = m_openAt + usedBytes;
    m_touched = std::max(m_touched, m_used);
    m_openAt = -1;
}

// ---- saved tensors -------------------------------------------------------------------------

std::int64_t savedTensorMaxBytes(SavedTensor::Form form, std::int64_t count) {
    const std::int64_t bitmap = alignUp(wordsOf(count) * 8, kAlign);
    const std::int64_t floats = alignUp(count * 4, kAlign);
    switch (form) {
    case SavedTensor::Form::None:
        return 0;
    case SavedTensor::Form::Dense:
        return floats;
    case SavedTensor::Form::Sparse:
        return bitmap + floats + kStoreSlack * 4;
    case SavedTensor::Form::Mask:
        return bitmap;
    case SavedTensor::Form::SparsePair:
        return bitmap + 2 * floats + kStoreSlack * 4;
    }
    return 0;
}

SavedTensor saveDense(ActivationPool& pool, const float* x, std::int64_t count) {
    SavedTensor t{SavedTensor::Form::Dense, count, count, nullptr, nullptr, count * 4};
    auto* v = static_cast<float*>(pool.allocate(count * 4));
    std::memcpy(v, x, static_cast<std::size_t>(count) * 4);
    t.values = v;
    return t;
}

SavedTensor saveSparse(ActivationPool& pool, const float* x, std::int64_t count) {
    SavedTensor t{SavedTensor::Form::Sparse, count};
    auto* bits = static_cast<std::uint64_t*>(pool.allocate(wordsOf(count) * 8));
    auto* values = static_cast<float*>(pool.open((count + kStoreSlack) * 4));
#ifdef TCW_STORE_X86
    t.nonZeros = haveAvx512() ? sparseSaveAvx512(x, count, bits, values) : sparseSaveScalar(x, count, bits, values);
#else
    t.nonZeros = sparseSaveScalar(x, count, bits, values);
#endif
    pool.close(t.nonZeros * 4);
    t.bits = bits;
    t.values = values;
    t.bytes = wordsOf(count) * 8 + t.nonZeros * 4;
    return t;
}

SavedTensor saveMask(ActivationPool& pool, const float* x, std::int64_t count) {
    SavedTensor t{SavedTensor::Form::Mask, count};
    const std::int64_t words = wordsOf(count);
    auto* bits = static_cast<std::uint64_t*>(pool.allocate(words * 8));
    std::int64_t nonZeros = 0;
    const std::int64_t chunks = (words + kChunkWords - 1) / kChunkWords;
#pragma omp parallel for if (words > kParallelWords) reduction(+ : nonZeros) schedule(static)
    for (std::int64_t c = 0; c < chunks; ++c) {
        const std::int64_t w0 = c * kChunkWords, w1 = std::min(words, (c + 1) * kChunkWords);
#ifdef TCW_STORE_X86
        if (haveAvx512()) {
            nonZeros += maskSaveWordsAvx512(x, count, w0, w1, bits);
            continue;
        }
#endif
        maskSaveWords(x, count, w0, w1, bits);
        nonZeros += popcountWords(bits, w0, w1);
    }
    t.nonZeros = nonZeros;
    t.bits = bits;
    t.bytes = words * 8;
    return t;
}

SavedTensor savePair(ActivationPool& pool, const float* a, const float* b, std::int64_t count) {
    SavedTensor t{SavedTensor::Form::SparsePair, count};
    auto* bits = static_cast<std::uint64_t*>(pool.allocate(wordsOf(count) * 8));
    auto* values = static_cast<float*>(pool.open((2 * count + kStoreSlack) * 4));
#ifdef TCW_STORE_X86
    t.nonZeros = haveAvx512() ? pairSaveAvx512(a, b, count, bits, values) : pairSaveScalar(a, b, count, bits, values);
#else
    t.nonZeros = pairSaveScalar(a, b, count, bits, values);
#endif
    pool.close(2 * t.nonZeros * 4);
    t.bits = bits;
    t.values = values;
    t.bytes = wordsOf(count) * 8 + 2 * t.nonZeros * 4;
    return t;
}

namespace {
void restoreAny(const SavedTensor& t, float* x, float* b, bool maskByFirst) {
    const bool pair = t.form == SavedTensor::Form::SparsePair, maskOnly = t.form == SavedTensor::Form::Mask;
    const std::int64_t count = t.count;
    forWordChunks(t.bits, wordsOf(count),
                  pair       ? 2
                  : maskOnly ? 0
                             : 1,
                  [&](std::int64_t w0, std::int64_t w1, std::int64_t k) {
#ifdef TCW_STORE_X86
                      if (haveAvx512()) {
                          restoreWordsAvx512(t.bits, t.values, count, w0, w1, k, x, b, pair, maskOnly, maskByFirst);
                          return;
                      }
#endif
                      restoreWordsScalar(t.bits, t.values, count, w0, w1, k, x, b, pair, maskOnly, maskByFirst);
                  });
}
} // namespace

void restore(const SavedTensor& t, float* x) {
    switch (t.form) {
    case SavedTensor::Form::Dense:
        std::memcpy(x, t.values, static_cast<std::size_t>(t.count) * 4);
        return;
    case SavedTensor::Form::Sparse:
    case SavedTensor::Form::Mask:
        restoreAny(t, x, nullptr, false);
        return;
    case SavedTensor::Form::None:
    case SavedTensor::Form::SparsePair:
        break;
    }
    throw std::logic_error("restore: not a single saved tensor");
}

void restorePair(const SavedTensor& t, float* a, float* b, bool maskByFirst) {
    if (t.form != SavedTensor::Form::SparsePair)
        throw std::logic_error("restorePair: not a saved pair");
    restoreAny(t, a, b, maskByFirst);
}

void copyMaskedByBits(const float* src, const SavedTensor& mask, float* dst) {
    if (!mask.bits)
        throw std::logic_error("copyMaskedByBits: the saved tensor has no bitmap");
    forWordChunks(mask.bits, wordsOf(mask.count), 0, [&](std::int64_t w0, std::int64_t w1, std::int64_t) {
#ifdef TCW_STORE_X86
        if (haveAvx512()) {
            maskWordsAvx512(mask.bits, mask.count, w0, w1, src, dst);
            return;
        }
#endif
        maskWordsScalar(mask.bits, mask.count, w0, w1, src, dst);
    });
}

void maskByBits(float* g, const SavedTensor& mask) {
    copyMaskedByBits(g, mask, g);
}

} // namespace tcw::train
