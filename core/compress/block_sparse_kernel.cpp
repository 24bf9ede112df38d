// Block-sparse and CSR inference matmuls (block_sparse_kernel.h).
#include "block_sparse_kernel.h"

#include <immintrin.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace tcw::compress {

namespace {

constexpr int B = BlockSparseMatrix::kBlock;
constexpr int kTokenTile = 12; // accumulators per block column: 12 of the 32 zmm registers

// Block columns [first, last) of Y for all tokens.
__attribute__((target("avx512f"))) void columnsAvx512(const BlockSparseMatrix& w, const float* x, float* y, int tokens,
                                                      int first, int last) {
    const int K = w.rows, N = w.cols;
    for (int j = first; j < last; ++j) {
        const int begin = w.columnStart[std::size_t(j)], end = w.columnStart[std::size_t(j) + 1];
        for (int t0 = 0; t0 < tokens; t0 += kTokenTile) {
            const int tn = std::min(kTokenTile, tokens - t0);
            __m512 acc[kTokenTile];
            for (int t = 0; t < kTokenTile; ++t)
                acc[t] = _mm512_setzero_ps();
            for (int b = begin; b < end; ++b) {
                const float* block = w.values.data() + std::size_t(b) * B * B;
                const float* xs = x + std::size_t(t0) * std::size_t(K) + std::size_t(w.blockRow[std::size_t(b)]) * B;
                for (int r = 0; r < B; ++r) {
                    const __m512 row = _mm512_loadu_ps(block + r * B);
                    if (tn == kTokenTile) {
                        for (int t = 0; t < kTokenTile; ++t)
                            acc[t] = _mm512_fmadd_ps(
                                _mm512_set1_ps(xs[std::size_t(t) * std::size_t(K) + std::size_t(r)]), row, acc[t]);
                    } else {
                        for (int t = 0; t < tn; ++t)
                            acc[t] = _mm512_fmadd_ps(
                                _mm512_set1_ps(xs[std::size_t(t) * std::size_t(K) + std::size_t(r)]), row, acc[t]);
                    }
                }
            }
            for (int t = 0; t < tn; ++t)
                _mm512_storeu_ps(y + std::size_t(t0 + t) * std::size_t(N) + std::size_t(j) * B, acc[t]);
        }
    }
}

void columnsPortable(const BlockSparseMatrix& w, const float* x, float* y, int tokens, int first, int last) {
    const int K = w.rows, N = w.cols;
    for (int j = first; j < last; ++j)
        for (int t = 0; t < tokens; ++t) {
            float acc[B] = {};
            for (int b = w.columnStart[std::size_t(j)]; b < w.columnStart[std::size_t(j) + 1]; ++b) {
                const float* block = w.values.data() + std::size_t(b) * B * B;
                const float* xs = x + std::size_t(t) * std::size_t(K) + std::size_t(w.blockRow[std::size_t(b)]) * B;
                for (int r = 0; r < B; ++r)
                    for (int c = 0; c < B; ++c)
                        acc[c] += xs[r] * block[r * B + c];
            }
            std::copy(acc, acc + B, y + std::size_t(t) * std::size_t(N) + std::size_t(j) * B);
        }
}

} // namespace

bool blockSparseUsesAvx512() {
    static const bool yes = __builtin_cpu_supports("avx512f");
    return yes;
}

BlockSparseMatrix packBlockSparse(std::span<const float> weights, const WeightMask& mask) {
    if (mask.rows % B != 0 || mask.cols % B != 0)
        throw std::invalid_argument("block-sparse kernel: the matrix is " + std::to_string(mask.rows) + "×" +
                                    std::to_string(mask.cols) + ", both sides must be multiples of 16");
    if (weights.size() != mask.size())
        throw std::invalid_argument("block-sparse kernel: weights and mask differ in size");
    BlockSparseMatrix w;
    w.rows = mask.rows;
    w.cols = mask.cols;
    w.columnStart.push_back(0);
    for (int bj = 0; bj < w.cols / B; ++bj) {
        for (int bi = 0; bi < w.rows / B; ++bi) {
            bool kept = false;
            for (int r = 0; r < B && !kept; ++r)
                for (int c = 0; c < B && !kept; ++c)
                    kept = mask.at(bi * B + r, bj * B + c);
            if (!kept)
                continue;
            w.blockRow.push_back(bi);
            for (int r = 0; r < B; ++r)
                for (int c = 0; c < B; ++c) {
                    const int row = bi * B + r, col = bj * B + c;
                    w.values.push_back(
                        mask.at(row, col) ? weights[std::size_t(row) * std::size_t(w.cols) + std::size_t(col)] : 0.0F);
                }
        }
        w.columnStart.push_back(std::int32_t(w.blockRow.size()));
    }
    return w;
}

void blockSparseMatmul(const BlockSparseMatrix& w, std::span<const float> x, std::span<float> y, int tokens,
                       int threads) {
    if (x.size() != std::size_t(tokens) * std::size_t(w.rows) || y.size() != std::size_t(tokens) * std::size_t(w.cols))
        throw std::invalid_argument("block-sparse kernel: X or Y does not match the matrix and token count");
    const int columns = w.cols / B;
    auto run = [&](int first, int last) {
        if (blockSparseUsesAvx512())
            columnsAvx512(w, x.data(), y.data(), tokens, first, last);
        else
            columnsPortable(w, x.data(), y.data(), tokens, first, last);
    };
    threads = std::max(1, std::min(threads, columns));
    if (threads == 1) {
        run(0, columns);
        return;
    }
    // Contiguous ranges of block columns with equal kept blocks (plus one per column for
    // writing its output, so empty columns are not free).
    const double total = double(w.keptBlocks() + std::size_t(columns));
    std::vector<int> bounds{0};
    for (int j = 0, part = 1; j < columns && part < threads; ++j)
        if (double(w.columnStart[std::size_t(j) + 1] + j + 1) >= total * part / threads) {
            bounds.push_back(j + 1);
            ++part;
        }
    bounds.push_back(columns);
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i + 1 < bounds.size(); ++i)
        pool.emplace_back(run, bounds[i], bounds[i + 1]);
    run(bounds[0], bounds[1]);
    for (auto& t : pool)
        t.join();
}

CsrMatrix packCsr(std::span<const float> weights, const WeightMask& mask) {
    CsrMatrix w;
    w.rows = mask.rows;
    w.cols = mask.cols;
    w.rowStart.push_back(0);
    for (int r = 0; r < mask.rows; ++r) {
        for (int c = 0; c < mask.cols; ++c)
            if (mask.at(r, c)) {
                w.column.push_back(c);
                w.values.push_back(weights[std::size_t(r) * std::size_t(mask.cols) + std::size_t(c)]);
            }
        w.rowStart.push_back(std::int32_t(w.column.size()));
    }
    return w;
}

void csrMatmul(const CsrMatrix& w, std::span<const float> x, std::span<float> y, int tokens) {
    std::fill(y.begin(), y.end(), 0.0F);
    for (int t = 0; t < tokens; ++t) {
        float* out = y.data() + std::size_t(t) * std::size_t(w.cols);
        const float* in = x.data() + std::size_t(t) * std::size_t(w.rows);
        for (int r = 0; r < w.rows; ++r) {
            const float xr = in[r];
            for (int k = w.rowStart[std::size_t(r)]; k < w.rowStart[std::size_t(r) + 1]; ++k)
                out[w.column[std::size_t(k)]] += xr * w.values[std::size_t(k)];
        }
    }
}

} // namespace tcw::compress
