// Issue 20: one training configuration per process, so that its peak RSS is its own. Trains
// `--warmup` steps, then times `--steps` steps one by one and prints one line:
//   model=… data=… threads=… act=… grad=… kernels=sparse|dense precision=… median_ms=…
//   cpu_ms=… vmhwm_mib=… vmhwm_timed_mib=… saved_dense_mib=… saved_stored_mib=… work_mib=…
//   pool_resident_mib=… act_sparsity=… grad_sparsity=…
//   sparse_calls=… dense_calls=… grad_density=…
// median_ms is the median wall time of a step; cpu_ms the median of the process's CPU time
// per step (all threads): on a machine loaded by others it measures the work, not the waits.
// vmhwm_mib: the process's peak RSS; vmhwm_train_mib: the peak from the trainer's construction
// on (after the data set is loaded and the heap trimmed); vmhwm_timed_mib: the peak during the
// timed steps (reset after warm-up). saved_stored_mib: what the trainer holds for the saved activations (issue 20:
// the compressed pool's tensors plus those kept dense; dense storage holds saved_dense_mib),
// work_mib its shared work buffer, pool_resident_mib the pool's resident high-water mark.
// The data, the configuration and the bf16 decision go through codesign::loadTrainingData
// and codesign::makeTrainConfig, as tcw train does. Linked with the OpenMP wait-policy
// object, so its threads sleep when idle as tcw's do. run_dynaprop_bench.sh runs the
// configurations side by side.
#include "codesign/training_job.h"
#include "io/files.h"
#include "train/precision.h"
#include "train/trainer.h"

#include <malloc.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace tcw;

namespace {

double cpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

double vmHwmMiB() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0; // kB
    return -1.0;
}

// VmHWM := the current RSS (Linux ≥ 4.0); false where the kernel refuses.
bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5" << std::flush;
    return static_cast<bool>(out);
}

[[noreturn]] void usage(const char* why) {
    std::fprintf(
        stderr,
        "bench_dynaprop: %s\nusage: bench_dynaprop --model FILE [--data listops|fashion-mnist] [--patch N] "
        "[--seq-len N] [--batch N] [--threads N] [--steps N] [--warmup N] [--target-act X] "
        "[--target-grad X] [--dense-backward] [--sparse-max-density X] [--bf16] [--force-bf16] [--dense-storage]\n",
        why);
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    std::string modelPath;
    TrainingRequest r;
    r.data.name = "listops";
    r.batch = 32;
    r.learningRate = 1e-3f;
    r.threads = 1;
    int steps = 20, warmup = 5;
    bool denseStorage = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(("missing value after " + a).c_str());
            return argv[++i];
        };
        if (a == "--model")
            modelPath = next();
        else if (a == "--data")
            r.data.name = next();
        else if (a == "--patch")
            r.data.patch = std::stoi(next());
        else if (a == "--seq-len")
            r.data.sequenceLength = std::stoi(next());
        else if (a == "--batch")
            r.batch = std::stoi(next());
        else if (a == "--threads")
            r.threads = std::stoi(next());
        else if (a == "--steps")
            steps = std::stoi(next());
        else if (a == "--warmup")
            warmup = std::stoi(next());
        else if (a == "--target-act")
            r.targetActivationSparsity = std::stod(next());
        else if (a == "--target-grad")
            r.targetGradientSparsity = std::stod(next());
        else if (a == "--dense-backward")
            r.denseBackward = true;
        else if (a == "--sparse-max-density")
            r.sparseMaxDensity = std::stod(next());
        else if (a == "--bf16")
            r.bf16 = true;
        else if (a == "--force-bf16")
            r.forceBf16 = true;
        else if (a == "--dense-storage") // issue 20: saved activations kept dense
            denseStorage = true;
        else
            usage(("unknown option " + a).c_str());
    }
    if (modelPath.empty())
        usage("--model is required");
    if (r.targetActivationSparsity && *r.targetActivationSparsity <= 0.0)
        r.targetActivationSparsity.reset();
    if (r.targetGradientSparsity && *r.targetGradientSparsity <= 0.0)
        r.targetGradientSparsity.reset();
    // Enough training examples for warm-up and timed steps without a second epoch's shuffle.
    r.data.maxTrain = std::int64_t(r.batch) * (warmup + steps + 1);
    r.data.maxTest = 16;
    r.steps = warmup + steps;
    try {
        const auto loaded = io::loadTransformer(modelPath);
        if (!loaded)
            throw std::invalid_argument(loaded.errors.toString());
        const TransformerSpec spec = *loaded.value;
        const train::Dataset data = codesign::loadTrainingData(r.data);
        train::TrainConfig config = codesign::makeTrainConfig(r, data);
        if (denseStorage)
            config.compressSavedActivations = false;
        // Issue 20: the training's own peak, apart from loading the data set (decoding Fashion-MNIST
        // peaks above a small model's training): freed heap pages back, VmHWM reset to the RSS.
        const double loadHwm = vmHwmMiB();
        malloc_trim(0);
        resetPeakRss();
        train::Trainer trainer(spec, data, config);
        for (int s = 0; s < warmup; ++s)
            trainer.trainStep();
        // Issue 20: the peak over the timed steps alone as well (VmHWM reset to the current RSS;
        // Linux ≥ 4.0), beside the process's peak since it started (vmhwm_mib).
        const double trainHwmBeforeTimed = vmHwmMiB();
        const bool hwmReset = resetPeakRss();
        std::vector<double> ms, cpu;
        train::LayerSparsityCounts total;
        for (int s = 0; s < steps; ++s) {
            const auto t0 = std::chrono::steady_clock::now();
            const double c0 = cpuMs();
            const train::StepReport rep = trainer.trainStep();
            cpu.push_back(cpuMs() - c0);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            total.add(rep.total);
        }
        std::sort(ms.begin(), ms.end());
        std::sort(cpu.begin(), cpu.end());
        train::BackwardKernelCounts kernels;
        for (const auto& k : trainer.backwardKernels())
            kernels.add(k);
        const auto memory = trainer.peakActivationMemory();
        const double steadyHwm = hwmReset ? vmHwmMiB() : -1.0;
        const double trainHwm = std::max(trainHwmBeforeTimed, vmHwmMiB());
        const double wholeHwm = std::max(loadHwm, trainHwm);
        std::printf(
            "model=%s data=%s threads=%d act=%.2f grad=%.2f kernels=%s storage=%s precision=%s median_ms=%.2f "
            "cpu_ms=%.2f "
            "vmhwm_mib=%.1f vmhwm_train_mib=%.1f vmhwm_timed_mib=%.1f saved_dense_mib=%.2f "
            "saved_stored_mib=%.2f work_mib=%.2f "
            "pool_resident_mib=%.2f act_sparsity=%.3f "
            "grad_sparsity=%.3f sparse_calls=%lld dense_calls=%lld grad_density=%.3f\n",
            spec.name.c_str(), data.name.c_str(), r.threads, r.targetActivationSparsity.value_or(0.0),
            r.targetGradientSparsity.value_or(0.0), r.denseBackward ? "dense" : "sparse",
            config.compressSavedActivations.value_or(r.targetActivationSparsity.has_value()) ? "compressed" : "dense",
            config.bf16Matmul ? "bf16" : "f32", ms[ms.size() / 2], cpu[cpu.size() / 2], wholeHwm, trainHwm, steadyHwm,
            double(memory.denseBytes) / 1048576.0, double(memory.heldBytes) / 1048576.0,
            double(memory.workBytes) / 1048576.0, double(memory.poolResidentBytes) / 1048576.0,
            total.activationTotal().fraction(), total.activationGradient.fraction(),
            static_cast<long long>(kernels.sparseCalls), static_cast<long long>(kernels.denseCalls), kernels.density());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dynaprop: %s\n", e.what());
        return 1;
    }
    return 0;
}
