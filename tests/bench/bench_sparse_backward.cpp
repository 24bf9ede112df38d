// Issue 20: where the sparse backward kernels beat oneDNN. One dense layer's backward
// (bias gradient, dW = xᵀ·gy, gx = gy·Wᵀ) on BERT-Mini's feed-forward shapes, gy random
// with a given density: the sparse path (count in the bias pass, compress, two kernels)
// against oneDNN's (bias pass, two dense matmuls), alternated in one process so that load
// changes hit both alike; medians of --repeats. Times are the process's CPU time
// (CLOCK_PROCESS_CPUTIME_ID): on a machine loaded by others, wall time mostly measures the
// waits for a core, CPU time the work (all threads together, so compare at equal threads).
// Prints one line per (shape, density) with both medians and their ratio (sparse / dense;
// < 1: the sparse kernels are faster), then the tiled kernels' (steptime3: count, tiled dW and
// gx, in the same rounds) median and ratio to oneDNN.
// With --phases, also the sparse path's phases (count in the bias pass, compress, dW, gx) and
// the tiled dW and gx, medians of each. --densities takes a comma-separated list.
// Usage: bench_sparse_backward [--threads N] [--repeats N] [--rows N] [--densities D,…] [--phases 1]
#include "train/dnnl_context.h"
#include "train/kernels.h"
#include "train/sparse_backward.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace tcw::train;

namespace {
double cpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
} // namespace

int main(int argc, char** argv) {
    int threads = 1, repeats = 7;
    std::int64_t rows = 2048; // 32 sequences × 64 tokens
    std::vector<double> densities{0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 1.0};
    bool phases = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--threads")
            threads = std::atoi(argv[i + 1]);
        else if (a == "--repeats")
            repeats = std::atoi(argv[i + 1]);
        else if (a == "--rows")
            rows = std::atoll(argv[i + 1]);
        else if (a == "--phases")
            phases = std::atoi(argv[i + 1]) != 0;
        else if (a == "--densities") {
            densities.clear();
            std::string list = argv[i + 1];
            for (std::size_t p = 0; p < list.size();) {
                const std::size_t q = std::min(list.find(',', p), list.size());
                densities.push_back(std::atof(list.substr(p, q - p).c_str()));
                p = q + 1;
            }
        }
    }
    omp_set_num_threads(threads);
    std::printf("threads=%d rows=%lld isa=%s\n", threads, static_cast<long long>(rows),
                bestSparseIsa() == SparseIsa::Avx512 ? "avx512" : "portable");
    struct Shape {
        std::int64_t in, out;
    };
    DnnlContext dnnl;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (const Shape s : {Shape{256, 1024}, Shape{1024, 256}, Shape{256, 256}})
        for (double density : densities) {
            std::bernoulli_distribution keep(density);
            std::vector<float> gy(rows * s.out), x(rows * s.in), w(s.in * s.out), gx(rows * s.in), dW(s.in * s.out),
                db(s.out);
            for (float& v : gy)
                v = keep(rng) ? u(rng) : 0.0f;
            for (float& v : x)
                v = u(rng);
            for (float& v : w)
                v = u(rng);
            SparseRows sparse;
            std::vector<float> wT, dWT;
            std::vector<double> sparseMs, denseMs, countMs, compressMs, dWMs, gxMs, tiledMs, tiledDwMs, tiledGxMs;
            for (int r = 0; r < repeats + 1; ++r) {
                const double t0 = cpuMs();
                columnSumsCounting(gy.data(), rows, s.out, db.data(), sparse);
                const double ta = cpuMs();
                compressRows(gy.data(), sparse);
                const double tb = cpuMs();
                sparseWeightGradient(x.data(), s.in, sparse, dW.data(), dWT);
                const double tc = cpuMs();
                sparseTimesTransposed(sparse, w.data(), s.in, gx.data(), false, nullptr, wT);
                const double t1 = cpuMs();
                if (r > 0) {
                    countMs.push_back(ta - t0);
                    compressMs.push_back(tb - ta);
                    dWMs.push_back(tc - tb);
                    gxMs.push_back(t1 - tc);
                }
                const double tt0 = cpuMs();
                columnSumsCounting(gy.data(), rows, s.out, db.data(), sparse);
                tiledWeightGradient(x.data(), s.in, gy.data(), sparse, dW.data(), dWT);
                const double tt1 = cpuMs();
                tiledTimesTransposed(gy.data(), sparse, w.data(), s.in, gx.data(), false, nullptr, wT);
                const double tt2 = cpuMs();
                if (r > 0) {
                    tiledMs.push_back(tt2 - tt0);
                    tiledDwMs.push_back(tt1 - tt0);
                    tiledGxMs.push_back(tt2 - tt1);
                }
                const double td = cpuMs();
                columnSums(gy.data(), rows, s.out, s.out, db.data());
                dnnl.matmul(dense(x.data(), rows, s.in).t(), dense(gy.data(), rows, s.out),
                            dense(dW.data(), s.in, s.out));
                dnnl.matmul(dense(gy.data(), rows, s.out), dense(w.data(), s.in, s.out).t(),
                            dense(gx.data(), rows, s.in));
                const double t2 = cpuMs();
                if (r == 0)
                    continue; // warm-up: primitives built, buffers touched
                sparseMs.push_back(t1 - t0);
                denseMs.push_back(t2 - td);
            }
            const double a = median(sparseMs), b = median(denseMs);
            std::printf("in=%lld out=%lld density=%.2f sparse_cpu_ms=%.3f dense_cpu_ms=%.3f ratio=%.3f\n",
                        static_cast<long long>(s.in), static_cast<long long>(s.out), density, a, b, a / b);
            std::printf("  tiled: tiled_cpu_ms=%.3f ratio=%.3f\n", median(tiledMs), median(tiledMs) / b);
            if (phases)
                std::printf("  phases: count_ms=%.3f compress_ms=%.3f dW_ms=%.3f gx_ms=%.3f tiled_dW_ms=%.3f "
                            "tiled_gx_ms=%.3f\n",
                            median(countMs), median(compressMs), median(dWMs), median(gxMs), median(tiledDwMs),
                            median(tiledGxMs));
            std::fflush(stdout);
        }
    return 0;
}
