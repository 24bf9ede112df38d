// Fast binary and low-bit matrix products for inference on this CPU (issue 15):
// - bit-packed ±1 matrices and an XNOR-popcount GEMM (W1A1): c[m, n] = Σ_k sign(a_mk)·sign(w_nk)
//   = K − 2·popcount(a_m XOR w_n), blocked over M and N; an AVX-512 VPOPCNTDQ kernel chosen at
//   run time where the processor has it, a portable scalar kernel otherwise;
// - oneDNN's s8 × s8 → s32 matmul for 8-bit activations with binary or ternary weights held as
//   s8 values in {−1, 0, +1}, the weights reordered once into oneDNN's blocked layout.
// Both results are exact integers: the caller applies the scales (α_w·α_a) and the bias.
// sign(0) = +1 everywhere, as binarySign in low_bit_quantizers.h.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace tcw::train {

// A [rows, k] ±1 matrix, one bit per entry (1 = negative), each row padded with zero bits to
// whole 64-bit words (padding bits are zero in both operands, so they never count).
struct PackedRows {
    std::int64_t rows = 0, k = 0, wordsPerRow = 0;
    std::vector<std::uint64_t> words; // [rows][wordsPerRow]
};

// Weights [n, k] (one row per output), packed for the GEMM: groups of 8 output rows with their
// words interleaved, [⌈n/8⌉][wordsPerRow][8], so one 512-bit load holds word j of 8 outputs.
// Rows past n are zero and their outputs are never written.
struct PackedWeights {
    std::int64_t n = 0, k = 0, wordsPerRow = 0;
    std::vector<std::uint64_t> words;
};

enum class BinaryKernel : std::uint8_t {
    Auto,   // AVX-512 VPOPCNTDQ when the processor has it, else scalar
    Scalar, // portable 64-bit popcount
    Avx512, // AVX-512F + VPOPCNTDQ (throws std::runtime_error where absent)
};

// Whether this processor runs the AVX-512 VPOPCNTDQ kernel.
bool avx512BinaryAvailable();

// Sign bits of x [rows, k] (row-major floats); `out` is reused when its size fits.
void packSignRows(const float* x, std::int64_t rows, std::int64_t k, PackedRows& out);
PackedWeights packSignWeights(const float* w, std::int64_t n, std::int64_t k);

// c [a.rows, w.n] (row-major, int32) = Σ_k sign(a)·sign(w). Throws std::invalid_argument when
// a.k ≠ w.k. Uses OpenMP threads over column blocks.
void binaryGemm(const PackedRows& a, const PackedWeights& w, std::int32_t* c, BinaryKernel kernel = BinaryKernel::Auto);

// s8 activations a [m, k] × s8 weights [n, k] (one row per output) → s32 c [m, n], exact, on
// oneDNN (VNNI where present). Built once per shape; the weights are copied and reordered at
// construction.
class Int8Matmul {
public:
    Int8Matmul(std::int64_t m, std::int64_t n, std::int64_t k, const std::int8_t* weightsNk);
    ~Int8Matmul();
    Int8Matmul(const Int8Matmul&) = delete;
    Int8Matmul& operator=(const Int8Matmul&) = delete;

    void run(const std::int8_t* a, std::int32_t* c);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace tcw::train
