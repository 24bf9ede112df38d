// Issue 15: binary and low-bit matrix products against the f32 oneDNN matmul, side by side in
// one process on the linear-layer shapes of BERT-Tiny, BERT-Mini and BERT-Base (M = 128 tokens:
// one 128-token sequence; Q/K/V/output K = N = h, FFN up K = h, N = 4h, FFN down K = 4h, N = h).
// Kernels: f32 oneDNN matmul (weights reordered once into oneDNN's layout), XNOR-popcount
// W1A1 on packed activations, the same with the activations' packing from f32 included, and
// oneDNN s8 × s8 → s32 (8-bit activations, binary weights as s8 ±1). Each figure is the median
// of several timed runs of a loop lasting ≥ 20 ms; the rows take turns so load drifts hit all.
// Usage: bench_binary_gemm [--threads T] (default 1: the machines are shared).
#include "train/binary_gemm.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

using namespace tcw::train;

namespace {

using Clock = std::chrono::steady_clock;

// Milliseconds per call of `run`, one timed loop of at least 20 ms.
double timeOnce(const std::function<void()>& run) {
    int iterations = 1;
    for (;;) {
        const auto t0 = Clock::now();
        for (int i = 0; i < iterations; ++i)
            run();
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (ms >= 20.0)
            return ms / iterations;
        iterations *= ms < 2.0 ? 10 : 2;
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct F32Matmul {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    dnnl::matmul primitive;
    dnnl::memory src, weights, dst;

    F32Matmul(std::int64_t m, std::int64_t n, std::int64_t k, float* a, float* wNk, float* c) {
        using dt = dnnl::memory::data_type;
        using tag = dnnl::memory::format_tag;
        const dnnl::memory::desc srcMd({m, k}, dt::f32, tag::ab), dstMd({m, n}, dt::f32, tag::ab);
        const dnnl::matmul::primitive_desc pd(
            dnnl::matmul::desc(srcMd, dnnl::memory::desc({k, n}, dt::f32, tag::any), dstMd), engine);
        primitive = dnnl::matmul(pd);
        dnnl::memory user(dnnl::memory::desc({k, n}, dt::f32, tag::ba), engine, wNk);
        weights = dnnl::memory(pd.weights_desc(), engine);
        dnnl::reorder(user, weights).execute(stream, user, weights);
        src = dnnl::memory(srcMd, engine, a);
        dst = dnnl::memory(dstMd, engine, c);
        stream.wait();
    }
    void run() {
        primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}});
        stream.wait();
    }
};

struct Shape {
    const char* model;
    const char* layer;
    std::int64_t m, n, k;
};

} // namespace

int main(int argc, char** argv) {
    int threads = 1;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: bench_binary_gemm [--threads T]\n");
            return 2;
        }
    omp_set_num_threads(threads);
    double load[3] = {};
    if (getloadavg(load, 3) < 0)
        load[0] = -1;
    std::printf("bench_binary_gemm: %d thread(s), AVX-512 VPOPCNTDQ kernel: %s, load average %.2f %.2f %.2f\n", threads,
                avx512BinaryAvailable() ? "yes" : "no (scalar)", load[0], load[1], load[2]);

    const std::vector<Shape> shapes = {
        {"BERT-Tiny", "qkv/out", 128, 128, 128},   {"BERT-Tiny", "ffn up", 128, 512, 128},
        {"BERT-Tiny", "ffn down", 128, 128, 512},  {"BERT-Mini", "qkv/out", 128, 256, 256},
        {"BERT-Mini", "ffn up", 128, 1024, 256},   {"BERT-Mini", "ffn down", 128, 256, 1024},
        {"BERT-Base", "qkv/out", 128, 768, 768},   {"BERT-Base", "ffn up", 128, 3072, 768},
        {"BERT-Base", "ffn down", 128, 768, 3072},
    };
    const int repeats = 7;
    std::printf("%-10s %-9s %5s %5s %5s | %9s %9s %9s %9s | %7s %7s %7s\n", "model", "layer", "M", "N", "K", "f32 ms",
                "W1A1 ms", "+pack ms", "W1A8 ms", "W1A1 ×", "+pack ×", "W1A8 ×");
    std::mt19937_64 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> byte(-128, 127);
    for (const Shape& s : shapes) {
        std::vector<float> a(std::size_t(s.m * s.k)), w(std::size_t(s.n * s.k)), c(std::size_t(s.m * s.n));
        for (auto& v : a)
            v = normal(rng);
        for (auto& v : w)
            v = normal(rng);
        std::vector<std::int8_t> a8(a.size()), w8(w.size());
        for (auto& v : a8)
            v = std::int8_t(byte(rng));
        for (std::size_t i = 0; i < w.size(); ++i)
            w8[i] = w[i] < 0 ? -1 : 1;
        std::vector<std::int32_t> ci(c.size());

        F32Matmul f32(s.m, s.n, s.k, a.data(), w.data(), c.data());
        const PackedWeights pw = packSignWeights(w.data(), s.n, s.k);
        PackedRows pa;
        packSignRows(a.data(), s.m, s.k, pa);
        Int8Matmul s8(s.m, s.n, s.k, w8.data());

        std::vector<double> tF32, tBin, tBinPack, tS8;
        for (int r = 0; r < repeats; ++r) {
            tF32.push_back(timeOnce([&] { f32.run(); }));
            tBin.push_back(timeOnce([&] { binaryGemm(pa, pw, ci.data()); }));
            tBinPack.push_back(timeOnce([&] {
                packSignRows(a.data(), s.m, s.k, pa);
                binaryGemm(pa, pw, ci.data());
            }));
            tS8.push_back(timeOnce([&] { s8.run(a8.data(), ci.data()); }));
        }
        const double f = median(tF32), b = median(tBin), bp = median(tBinPack), q = median(tS8);
        std::printf("%-10s %-9s %5lld %5lld %5lld | %9.4f %9.4f %9.4f %9.4f | %7.2f %7.2f %7.2f\n", s.model, s.layer,
                    (long long)s.m, (long long)s.n, (long long)s.k, f, b, bp, q, f / b, f / bp, f / q);
        std::fflush(stdout);
    }
    if (getloadavg(load, 3) >= 0)
        std::printf("load average at the end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    return 0;
}
