// Thin layer over oneDNN matmuls for the trainer (layer norm, softmax and activations are
// fused loops in kernels.h): every primitive is built once per shape and kept
// in a cache; callers pass raw float pointers. Private to tcw_train (never include it from a
// public header: only tcw_train may see oneDNN).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <unordered_map>
#include <vector>

namespace tcw::train {

// A batch of matrices in memory: element (b, r, c) lives at
// data[b·batchStride + r·rowStride + c·colStride]. batch == 1 with a batched partner
// broadcasts. Transposes are views (swapped strides), never copies.
struct MatView {
    const float* data = nullptr;
    std::int64_t batch = 1, rows = 0, cols = 0;
    std::int64_t batchStride = 0, rowStride = 0, colStride = 1;

    MatView t() const { return {data, batch, cols, rows, batchStride, colStride, rowStride}; }
};

// A dense row-major [rows, cols] matrix (rowStride = cols).
inline MatView dense(const float* data, std::int64_t rows, std::int64_t cols) {
    return {data, 1, rows, cols, rows * cols, cols, 1};
}

// Which matmul operands hold data that stays unchanged until the next invalidateBf16Cache()
// (parameters, activations saved for backward): in bf16 mode their conversion is done once
// and shared by every view of the same storage (e.g. X in the forward, Xᵀ in the backward).
enum MatmulStable : unsigned { StableNone = 0, StableA = 1, StableB = 2, StableAB = 3 };

class DnnlContext {
public:
    DnnlContext();
    ~DnnlContext();
    DnnlContext(const DnnlContext&) = delete;
    DnnlContext& operator=(const DnnlContext&) = delete;

    // c = alpha·a·b (+ bias broadcast over rows, bias[c.cols]) (+ c if accumulate).
    void matmul(const MatView& a, const MatView& b, const MatView& c, const float* bias = nullptr, float alpha = 1.0f,
                bool accumulate = false, unsigned stable = StableNone);
    // c = (a·b) ⊙ m, with m laid out like c: the element-wise product is a post-op of the
    // matmul (one pass over c instead of two), e.g. a gradient times an activation's derivative.
    void matmulTimes(const MatView& a, const MatView& b, const MatView& c, const float* m,
                     unsigned stable = StableNone);
    // Forgets bf16 conversions of stable operands (call when parameters or saved activations change).
    void invalidateBf16Cache();
    // Forgets the bf16 copy of one storage (a scratch buffer that was stable for a while).
    void forgetBf16(const MatView& v);
    // Stable operands inside [base, base + count) are converted with the whole range, in one
    // reorder per invalidation (the trainer's flat parameter vector): one large conversion
    // and OpenMP region instead of one per weight matrix.
    void convertBf16Together(const float* base, std::int64_t count);
    // For a producer that writes the bf16 copy of v (a stable operand) itself, next to the
    // f32 values: the copy's storage, valid until the next invalidation or forgetBf16(v).
    // Null when bf16 matmuls are off.
    std::uint16_t* bf16Output(const MatView& v);

    std::size_t cachedPrimitiveCount() const { return m_cache.size(); }

    // Mixed precision: matmul operands are converted to bf16 (dense, so transposed and
    // strided views become plain) and multiplied with f32 accumulation into f32 outputs.
    void setBf16Matmul(bool on) { m_bf16Matmul = on; }
    bool bf16Matmul() const { return m_bf16Matmul; }

    struct Key {
        std::array<std::int64_t, 25> v{};
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Entry {
        dnnl::primitive primitive;
        std::unordered_map<int, dnnl::memory> args; // memory objects; handles set at each call
        // bf16 matmuls: f32 → bf16 conversions of both operands into memory owned here.
        dnnl::primitive convertA, convertB;
        dnnl::memory aF32, aBf16, bF32, bBf16;
    };

private:
    void matmulImpl(const MatView& a, const MatView& b, const MatView& c, const float* bias, float alpha,
                    bool accumulate, unsigned stable, const float* multiplyBy);
    static dnnl::primitive_attr matmulAttr(const MatView& c, float alpha, bool accumulate, bool multiply);
    Entry& cached(const Key& key, const std::function<Entry()>& build);
    void run(Entry& entry, std::initializer_list<std::pair<int, const void*>> handles);
    void matmulBf16(const Key& key, const MatView& a, const MatView& b, const MatView& c, const float* bias,
                    float alpha, bool accumulate, unsigned stable, const float* multiplyBy);
    const std::uint16_t* bf16Storage(const MatView& v); // converted once per invalidation

    struct Bf16Copy {
        std::vector<std::uint16_t> data;
        bool valid = false;
        dnnl::primitive convert; // f32 → bf16 reorder of the whole storage
        dnnl::memory from, to;
    };
    struct StorageKeyHash {
        std::size_t operator()(const std::pair<const float*, std::int64_t>& k) const noexcept {
            return std::hash<const float*>()(k.first) ^ (std::hash<std::int64_t>()(k.second) << 1);
        }
    };
    std::unordered_map<std::pair<const float*, std::int64_t>, Bf16Copy, StorageKeyHash> m_bf16Copies;
    struct Bf16Block {
        const float* base = nullptr;
        std::int64_t count = 0;
        Bf16Copy copy;
    };
    std::vector<Bf16Block> m_bf16Blocks; // from convertBf16Together
    void allocate(Bf16Copy& copy, std::int64_t count);
    void convert(Bf16Copy& copy, const float* from, std::int64_t count);

    dnnl::engine m_engine;
    dnnl::stream m_stream;
    std::unordered_map<Key, Entry, KeyHash> m_cache;
    bool m_bf16Matmul = false;
};

} // namespace tcw::train
