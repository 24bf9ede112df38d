// Issue 16: the block-sparse inference kernel against the dense f32 oneDNN matmul and the
// unstructured (CSR) peer at 50 / 75 / 90 / 95 % weight sparsity on BERT-Base shapes
// (128 tokens × 768 → 3072, 3072 → 768, 768 → 768), side by side in one process: for each
// shape the dense run, then each sparsity's block (16×16 blocks, L2) and unstructured
// (magnitude) runs, each the median of 15 timed calls after a warm-up. Prints the load average
// before and after, since the machine is shared. Usage: bench_block_sparse [threads]
// (oneDNN and the kernel both run on that many threads; default 1).
#include "compress/block_sparse_kernel.h"
#include "compress/pruning_mask.h"

#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <unordered_map>
#include <vector>

using namespace tcw;
using namespace tcw::compress;

namespace {

template <typename F> double medianMs(F&& run, int repeats = 15) {
    run(); // warm-up: page faults, caches
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        run();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

std::vector<float> randomValues(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0F, 1.0F);
    std::vector<float> v(n);
    for (auto& x : v)
        x = normal(rng);
    return v;
}

void printLoad(const char* when) {
    double load[3] = {};
    if (getloadavg(load, 3) == 3)
        std::printf("load average %s: %.2f %.2f %.2f\n", when, load[0], load[1], load[2]);
}

} // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
    omp_set_num_threads(threads);
    std::printf("block-sparse kernel: %s, %d thread(s)\n", blockSparseUsesAvx512() ? "AVX-512" : "portable", threads);
    printLoad("before");
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const int T = 128;
    for (auto [K, N] : {std::pair{768, 3072}, std::pair{3072, 768}, std::pair{768, 768}}) {
        const auto w = randomValues(std::size_t(K) * std::size_t(N), 1);
        const auto x = randomValues(std::size_t(T) * std::size_t(K), 2);
        std::vector<float> y(std::size_t(T) * std::size_t(N));
        // Dense oneDNN f32 matmul.
        using dnnl::memory;
        const memory::desc a({T, K}, memory::data_type::f32, memory::format_tag::ab);
        const memory::desc b({K, N}, memory::data_type::f32, memory::format_tag::ab);
        const memory::desc c({T, N}, memory::data_type::f32, memory::format_tag::ab);
        dnnl::matmul mm(dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, c), engine));
        memory am(a, engine, const_cast<float*>(x.data())), bm(b, engine, const_cast<float*>(w.data())),
            cm(c, engine, y.data());
        const std::unordered_map<int, memory> args{{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
        const double dense = medianMs([&] {
            mm.execute(stream, args);
            stream.wait();
        });
        const double gflop = 2.0 * T * K * N / 1e9;
        std::printf("\n%d tokens × %d → %d: dense oneDNN %.3f ms (%.1f GFLOP/s)\n", T, K, N, dense,
                    gflop / dense * 1e3);
        std::printf("  sparsity  block ms  block/dense speed-up  unstructured ms  unstructured speed-up\n");
        for (double s : {0.50, 0.75, 0.90, 0.95}) {
            const WeightMask blocks =
                pruneMatrix(*pruningPreset("block-16x16", s).pattern, {K, N, w.data(), nullptr}).mask;
            const WeightMask elements =
                pruneMatrix(*pruningPreset("unstructured", s).pattern, {K, N, w.data(), nullptr}).mask;
            const BlockSparseMatrix packed = packBlockSparse(w, blocks);
            const CsrMatrix csr = packCsr(w, elements);
            const double block = medianMs([&] { blockSparseMatmul(packed, x, y, T, threads); });
            const double unstructured = medianMs([&] { csrMatmul(csr, x, y, T); });
            std::printf("  %5.0f %%  %8.3f  %8.2f×              %8.3f         %8.2f×\n", s * 100, block, dense / block,
                        unstructured, dense / unstructured);
        }
    }
    printLoad("after");
    return 0;
}
