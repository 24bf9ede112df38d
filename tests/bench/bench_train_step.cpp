// Training-step benchmark of the trainer on the reference model: 2 layers, hidden
// 128, 4 sa_sdp heads, FF 512, GELU, post-norm, batch 32 × sequence 64, vocabulary 1000,
// mean-pool + linear head, SGD. Prints the median step time; run_train_bench.sh runs it
// beside pytorch_train_step.py. Not a test: timings never decide pass or fail.
#include "train/dynaprop.h"
#include "train/network.h"
#include "train/optimizer.h"
#include "train/presets.h"

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

int main(int argc, char** argv) {
    int threads = 1, steps = 50, warmup = 5;
    bool dynaprop = false, bf16 = false;
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
        else {
            std::fprintf(stderr, "usage: bench_train_step [--threads N] [--steps N] [--dynaprop] [--bf16]\n");
            return 2;
        }
    }
    setComputeThreads(threads); // before any oneDNN primitive is created
    const int B = 32, S = 64, V = 1000, C = 2;
    const TransformerSpec spec = benchModelPreset();
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

    std::vector<double> ms;
    float loss = 0.0f;
    for (int s = 0; s < warmup + steps; ++s) {
        const auto t0 = std::chrono::steady_clock::now();
        DynaProp* p = dynaprop ? &prune : nullptr;
        if (p)
            p->beginStep();
        loss = net.forward(batch, p).loss;
        net.backward(batch, p);
        sgd.step(net.parameters(), net.gradients(), net.tensors(), s);
        const auto t1 = std::chrono::steady_clock::now();
        if (s >= warmup)
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const double gflop = 3.0 * spec.forwardFlopsPerToken(task) * B * S / 1e9;
    std::printf("ours threads=%d steps=%d median_ms=%.2f min_ms=%.2f gflop_per_step=%.2f gflops=%.1f loss=%.4f%s%s\n",
                threads, steps, median, ms.front(), gflop, gflop / (median / 1000.0), loss,
                dynaprop ? " dynaprop=on" : "", bf16 ? " matmul=bf16" : " matmul=f32");
    return 0;
}
