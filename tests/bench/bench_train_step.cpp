// Training-step benchmark of the trainer on the reference model: 2 layers, hidden
// 128, 4 sa_sdp heads, FF 512, GELU, post-norm, batch 32 × sequence 64, vocabulary 1000,
// mean-pool + linear head, SGD. Prints the median step time; run_train_bench.sh runs it
// beside pytorch_train_step.py. Not a test: timings never decide pass or fail.
// --matmul-floor: instead, every matmul of the step (same shapes, layouts, bias and fused
// multiply as the trainer's) runs alone, repeatedly, on the same operands, and the medians are
// summed: what the step's matmuls cost at oneDNN's best, with nothing else around them. Each
// matmul's shape, median and GFLOP/s is printed above the sum. It also prints the CPU's f32
// FMA ceiling at that thread count (a register-only loop of independent 512-bit FMAs) and the
// step's time were all of its FLOPs to run at that ceiling.
#include "train/dynaprop.h"
#include "train/network.h"
#include "train/optimizer.h"
#include "train/presets.h"

#include <immintrin.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace tcw;
using namespace tcw::train;

namespace {

template <typename F> double medianMs(F&& run, int repeats) {
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        run();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// One f32 matmul c [batch, m, n] = a [batch, m, k] · b [batch, k, n] (+ bias) (⊙ multiplier),
// a and/or b transposed as strided views, as the trainer calls it.
double matmulAloneMs(dnnl::engine& engine, dnnl::stream& stream, std::int64_t batch, std::int64_t m, std::int64_t k,
                     std::int64_t n, bool aTransposed, bool bTransposed, bool bias, bool multiply) {
    using dnnl::memory;
    const auto f32 = memory::data_type::f32;
    const memory::desc a({batch, m, k}, f32, aTransposed ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
    const memory::desc b({batch, k, n}, f32, bTransposed ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
    const memory::desc c({batch, m, n}, f32, memory::dims{m * n, n, 1});
    const memory::desc biasDesc({1, 1, n}, f32, memory::dims{n, n, 1});
    dnnl::primitive_attr attr;
    if (multiply) {
        dnnl::post_ops ops;
        ops.append_binary(dnnl::algorithm::binary_mul, c);
        attr.set_post_ops(ops);
    }
    const auto desc = bias ? dnnl::matmul::desc(a, b, biasDesc, c) : dnnl::matmul::desc(a, b, c);
    dnnl::matmul mm(dnnl::matmul::primitive_desc(desc, attr, engine));
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    auto filled = [&](const memory::desc& d) {
        memory mem(d, engine);
        auto* x = static_cast<float*>(mem.get_data_handle());
        for (std::size_t i = 0; i < d.get_size() / sizeof(float); ++i)
            x[i] = normal(rng);
        return mem;
    };
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, filled(a)}, {DNNL_ARG_WEIGHTS, filled(b)}, {DNNL_ARG_DST, filled(c)}};
    if (bias)
        args[DNNL_ARG_BIAS] = filled(biasDesc);
    if (multiply)
        args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1] = filled(c);
    mm.execute(stream, args); // first run: page faults, caches
    stream.wait();
    const double t = medianMs(
        [&] {
            mm.execute(stream, args);
            stream.wait();
        },
        30);
    const double gflop = 2.0 * static_cast<double>(batch * m * k * n) / 1e9;
    std::printf("  matmul batch=%lld m=%lld k=%lld n=%lld%s%s%s%s median_ms=%.3f gflops=%.1f\n",
                static_cast<long long>(batch), static_cast<long long>(m), static_cast<long long>(k),
                static_cast<long long>(n), aTransposed ? " a^T" : "", bTransposed ? " b^T" : "", bias ? " +bias" : "",
                multiply ? " *mul" : "", t, gflop / (t / 1000.0));
    return t;
}

// f32 FLOP/s of the cores at their limit: each thread runs 16 independent chains of 512-bit
// FMAs (enough to cover the FMA latency on two pipes), in registers, for ~0.2 s.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f"))) double fmaChainsGflops(long iterations) {
    __m512 acc[16];
    for (int i = 0; i < 16; ++i)
        acc[i] = _mm512_set1_ps(static_cast<float>(i) * 1e-3f);
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    const auto t0 = std::chrono::steady_clock::now();
    for (long it = 0; it < iterations; ++it)
        for (int i = 0; i < 16; ++i)
            acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    alignas(64) float lanes[16];
    float sink = 0.0f;
    for (int i = 0; i < 16; ++i) {
        _mm512_store_ps(lanes, acc[i]);
        sink += lanes[i];
    }
    if (sink == 12345.0f) // keeps the chains alive
        std::printf(" ");
    return 2.0 * 16 * 16 * static_cast<double>(iterations) / seconds / 1e9; // FMA = 2 FLOP × 16 lanes
}

double fmaPeakGflops(int threads) {
    if (!__builtin_cpu_supports("avx512f"))
        return 0.0;
    double total = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        fmaChainsGflops(2'000'000); // warm up (clock ramps, AVX-512 licence)
        std::vector<double> runs;
        for (int r = 0; r < 5; ++r)
            runs.push_back(fmaChainsGflops(4'000'000));
        std::sort(runs.begin(), runs.end());
        total += runs[2];
    }
    return total;
}
#else
double fmaPeakGflops(int) {
    return 0.0;
}
#endif

// The step's matmuls for a model of sa_sdp heads of one size and one FF hidden layer (the
// benchmark model), each timed alone; returns the sum of their medians (and of the forward
// pass's alone in forwardMs).
double matmulFloorMs(const TransformerSpec& spec, std::int64_t B, std::int64_t S, double& forwardMs) {
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const std::int64_t N = B * S;
    double total = 0.0;
    forwardMs = 0.0;
    for (const LayerSpec& layer : spec.layers) {
        const std::int64_t H = layer.hiddenSize, G = static_cast<std::int64_t>(layer.heads.size());
        const std::int64_t d = layer.heads.front().dim, F = layer.feedForwardSizes.front();
        // Linear layers in → out: forward x·W + b, backward dW = xᵀ·gy and gx = gy·Wᵀ (the
        // FF output layer's gx with the activation's derivative multiplied in).
        const std::int64_t linears[4][2] = {{H, 3 * G * d}, {G * d, H}, {H, F}, {F, H}};
        for (int i = 0; i < 4; ++i) {
            const std::int64_t in = linears[i][0], out = linears[i][1];
            const double forward = matmulAloneMs(engine, stream, 1, N, in, out, false, false, true, false);
            forwardMs += forward;
            total += forward;
            total += matmulAloneMs(engine, stream, 1, in, N, out, true, false, false, false);
            total += matmulAloneMs(engine, stream, 1, N, out, in, false, true, false, i == 3);
        }
        // Attention, batch G·B: S = Q·Kᵀ, C = P·V; gP = gC·Vᵀ, gV = Pᵀ·gC, gQ = gS·K, gK = gSᵀ·Q.
        const std::int64_t GB = G * B;
        const double forward = matmulAloneMs(engine, stream, GB, S, d, S, false, true, false, false) +
                               matmulAloneMs(engine, stream, GB, S, S, d, false, false, false, false);
        forwardMs += forward;
        total += forward;
        total += matmulAloneMs(engine, stream, GB, S, d, S, false, true, false, false);
        total += matmulAloneMs(engine, stream, GB, S, S, d, true, false, false, false);
        total += matmulAloneMs(engine, stream, GB, S, S, d, false, false, false, false);
        total += matmulAloneMs(engine, stream, GB, S, S, d, true, false, false, false);
    }
    return total;
}

} // namespace

int main(int argc, char** argv) {
    int threads = 1, steps = 50, warmup = 5;
    bool dynaprop = false, bf16 = false, floor = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (a == "--steps" && i + 1 < argc)
            steps = std::atoi(argv[++i]);
        else if (a == "--dynaprop")
            dynaprop = true;
        else if (a == "--bf16")
            bf16 = true;
        else if (a == "--matmul-floor")
            floor = true;
        else {
            std::fprintf(stderr,
                         "usage: bench_train_step [--threads N] [--steps N] [--dynaprop] [--bf16 | --matmul-floor]\n");
            return 2;
        }
    }
    setComputeThreads(threads); // before any oneDNN primitive is created
    const int B = 32, S = 64, V = 1000, C = 2;
    const TransformerSpec spec = benchModelPreset();
    if (floor) {
        double forwardMs = 0.0;
        const double total = matmulFloorMs(spec, B, S, forwardMs);
        std::printf("ours threads=%d matmul_floor_ms=%.2f forward_ms=%.2f backward_ms=%.2f (the step's f32 matmuls, "
                    "each alone at oneDNN's best)\n",
                    threads, total, forwardMs, total - forwardMs);
        TaskShape task;
        task.sequenceLength = S;
        task.vocabularySize = V;
        task.numClasses = C;
        const double gflop = 3.0 * spec.forwardFlopsPerToken(task) * B * S / 1e9;
        if (const double peak = fmaPeakGflops(threads); peak > 0.0)
            std::printf("ours threads=%d fma_peak_gflops=%.1f step_at_peak_ms=%.2f (%.2f GFLOP per step, every FLOP "
                        "at the cores' f32 FMA limit)\n",
                        threads, peak, gflop / peak * 1000.0, gflop);
        return 0;
    }
    TaskShape task;
    task.sequenceLength = S;
    task.vocabularySize = V;
    task.numClasses = C;
    Network net(spec, task, B);
    net.initialize(1);
    net.setBf16Matmul(bf16);
    OptimizerConfig oc;
    oc.kind = OptimizerKind::Sgd;
    oc.learningRate = 0.01f;
    Optimizer sgd(oc, net.parameterCount());
    DynaPropConfig dc;
    dc.tauActivation = 0.02f;
    dc.tauGradient = 1e-5f;
    DynaProp prune(spec.layerCount(), dc);

    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> token(1, V - 1), label(0, C - 1);
    Batch batch;
    batch.size = B;
    batch.sequenceLength = S;
    batch.tokens.resize(B * S);
    batch.mask.assign(B * S, 1.0f);
    batch.labels.resize(B);
    for (auto& t : batch.tokens)
        t = token(rng);
    for (auto& l : batch.labels)
        l = label(rng);

    // Per step: the whole step, and its forward, backward and update parts (ms).
    std::vector<double> ms, forwardMs, backwardMs, updateMs;
    auto msBetween = [](auto from, auto to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
    float loss = 0.0f;
    for (int s = 0; s < warmup + steps; ++s) {
        const auto t0 = std::chrono::steady_clock::now();
        DynaProp* p = dynaprop ? &prune : nullptr;
        if (p)
            p->beginStep();
        loss = net.forward(batch, p).loss;
        const auto tForward = std::chrono::steady_clock::now();
        net.backward(batch, p);
        const auto tBackward = std::chrono::steady_clock::now();
        sgd.step(net.parameters(), net.gradients(), net.tensors(), s);
        const auto t1 = std::chrono::steady_clock::now();
        if (s >= warmup) {
            ms.push_back(msBetween(t0, t1));
            forwardMs.push_back(msBetween(t0, tForward));
            backwardMs.push_back(msBetween(tForward, tBackward));
            updateMs.push_back(msBetween(tBackward, t1));
        }
    }
    auto medianOf = [](std::vector<double>& v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    std::printf("  parts: forward_ms=%.2f backward_ms=%.2f update_ms=%.2f (medians)\n", medianOf(forwardMs),
                medianOf(backwardMs), medianOf(updateMs));
    const double median = medianOf(ms);
    const double gflop = 3.0 * spec.forwardFlopsPerToken(task) * B * S / 1e9;
    std::printf("ours threads=%d steps=%d median_ms=%.2f min_ms=%.2f gflop_per_step=%.2f gflops=%.1f loss=%.4f%s%s\n",
                threads, steps, median, ms.front(), gflop, gflop / (median / 1000.0), loss,
                dynaprop ? " dynaprop=on" : "", bf16 ? " matmul=bf16" : " matmul=f32");
    return 0;
}
