// Issue 20: activations kept for the backward pass in a form sized by their non-zeros, in one
// pool whose resident memory follows what is stored.
//
// ActivationPool: one reserved range of address space, bump-allocated during a forward pass
// and reset before the next one. Pages become resident only when written, so the process
// holds what the stored tensors take, not their dense size; pages above the largest use of
// the last few passes are given back to the operating system (madvise), so the pool shrinks
// when sparsity rises and reuses its pages while it holds steady.
//
// SavedTensor: one tensor as kept in the pool, in one of four forms:
//   Dense       the floats as they are (what pruning did not thin out)
//   Sparse      a bitmap (bit i: element i's bits are not all zero) + those elements in order;
//               restores bit for bit (−0.0 included)
//   Mask        only the bitmap of x ≠ 0 (float comparison: −0.0 counts as zero): for tensors
//               the backward pass reads only to mask gradients by (x ≠ 0)
//   SparsePair  two tensors a and b of one shape with one bitmap (a's bits not all zero):
//               per 64-element word of the bitmap, a's kept values, then b's. How an activation
//               and its derivative are kept: where a = 0 the backward pass masks b anyway.
// Private to tcw_train.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace tcw::train {

class ActivationPool {
public:
    ActivationPool() = default;
    ~ActivationPool();
    ActivationPool(const ActivationPool&) = delete;
    ActivationPool& operator=(const ActivationPool&) = delete;

    // Reserves `bytes` of address space (none of it resident until written); releases what was
    // reserved before. 0 releases everything.
    void reserve(std::int64_t bytes);
    // Starts a pass: what was allocated is free again. Pages above the largest use of the last
    // kWindow passes go back to the operating system.
    void reset();
    // 64-byte aligned; throws std::length_error past the reservation (a sizing error).
    void* allocate(std::int64_t bytes);
    // An allocation of unknown size: up to maxBytes may be written at the returned pointer;
    // close(usedBytes) keeps the first usedBytes. Nothing else may be allocated in between.
    void* open(std::int64_t maxBytes);
    void close(std::int64_t usedBytes);

    std::int64_t used() const { return m_used; } // bytes allocated in this pass
    std::int64_t touched() const {
        return m_touched;
    } // bytes that may be resident (high-water, less what was given back)
    std::int64_t capacity() const { return m_capacity; }

    static constexpr int kWindow = 4;

private:
    std::byte* m_base = nullptr;
    std::int64_t m_capacity = 0;
    std::int64_t m_used = 0;
    std::int64_t m_touched = 0;
    std::int64_t m_openAt = -1;
    std::deque<std::int64_t> m_recent; // used bytes of the last passes
};

struct SavedTensor {
    enum class Form : std::uint8_t { None, Dense, Sparse, Mask, SparsePair };
    Form form = Form::None;
    std::int64_t count = 0;              // elements (of each tensor of a pair)
    std::int64_t nonZeros = 0;           // set bits (Sparse, Mask, SparsePair); count for Dense
    const std::uint64_t* bits = nullptr; // [⌈count / 64⌉]
    const float* values = nullptr;
    std::int64_t bytes = 0; // taken in the pool (without alignment padding)
};

// Bytes a tensor of `count` elements can take at most in each form (with the pool's alignment).
std::int64_t savedTensorMaxBytes(SavedTensor::Form form, std::int64_t count);

SavedTensor saveDense(ActivationPool& pool, const float* x, std::int64_t count);
SavedTensor saveSparse(ActivationPool& pool, const float* x, std::int64_t count);
SavedTensor saveMask(ActivationPool& pool, const float* x, std::int64_t count);
SavedTensor savePair(ActivationPool& pool, const float* a, const float* b, std::int64_t count);

// Dense / Sparse → x exactly as saved; Mask → 1.0f where x ≠ 0 was saved, 0.0f elsewhere.
void restore(const SavedTensor& t, float* x);
// SparsePair → a and b exactly as saved (0 where a was 0); with maskByFirst, b = 0 where a == 0
// (float comparison, as maskByNonZero).
void restorePair(const SavedTensor& t, float* a, float* b, bool maskByFirst);

// From a Mask (or Sparse) tensor's bitmap: g ⊙= bit, dst = src ⊙ bit.
void maskByBits(float* g, const SavedTensor& mask);
void copyMaskedByBits(const float* src, const SavedTensor& mask, float* dst);

} // namespace tcw::train
