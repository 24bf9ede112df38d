// Simulator speed: evaluations per second on one core (BERT-Tiny inference, BERT-Base
// training; elector and acceltran-fast), and an exhaustive sweep of the 7,425,000-design
// elector space for BERT-Tiny inference on all cores. Figures are medians of several runs.
// The reference's own fast mode takes 0.04 s (BERT-Tiny) to 1.16 s (BERT-Base training)
// per design (measured by running jha-lab/acceltran on the cases of docs/acceltran-fast.md §10).
#include "design/design_space.h"
#include "sim/cost_model.h"
#include "sim/sweep.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <vector>

using namespace tcw;
using Clock = std::chrono::steady_clock;

namespace {

// CPU time of the calling thread: rates by CPU time stay meaningful on a shared machine,
// where other processes take turns on the cores and stretch the wall-clock time.
double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Rate {
    double wall = 0; // evaluations per wall-clock second
    double cpu = 0;  // evaluations per CPU second of the evaluating thread
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Evaluations per second of one prepared model over a seeded stream of space accelerators.
Rate evaluationsPerSecond(const TransformerSpec& model, SimMode mode, CostModelKind kind, int evaluations, int runs) {
    const auto tech = electorTechnology14nm();
    SimOptions options;
    options.mode = mode;
    options.costModel = kind;
    options.opBreakdown = false;
    const auto prepared = prepareCostModel(model, tech, options);
    const auto space = electorSpace();
    std::mt19937_64 rng(42);
    std::vector<AcceleratorSpec> accelerators;
    for (int i = 0; i < 1024; ++i)
        accelerators.push_back(space.sample(rng));
    std::vector<double> wall, cpu;
    volatile std::int64_t sink = 0;
    for (int run = 0; run < runs; ++run) {
        const auto start = Clock::now();
        const double cpuStart = threadCpuSeconds();
        for (int i = 0; i < evaluations; ++i)
            sink = sink + prepared->evaluate(accelerators[i & 1023]).cycles;
        wall.push_back(evaluations / std::chrono::duration<double>(Clock::now() - start).count());
        cpu.push_back(evaluations / (threadCpuSeconds() - cpuStart));
    }
    return {median(wall), median(cpu)};
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    const int runs = quick ? 3 : 5;
    std::printf("Simulator throughput, one core, median of %d runs (evaluations per second of wall-clock time, and\n"
                "per second of the thread's CPU time, which other processes on the machine do not stretch)\n",
                runs);
    struct Case {
        const char* name;
        TransformerSpec model;
        SimMode mode;
        CostModelKind kind;
        int evaluations;
        double target;
    };
    const std::vector<Case> cases = {
        {"BERT-Tiny inference, elector", uniformTransformer(2, 128, 2, 512), SimMode::Inference, CostModelKind::Elector,
         200000, 200000},
        {"BERT-Base training,  elector", uniformTransformer(12, 768, 12, 3072), SimMode::Training,
         CostModelKind::Elector, 20000, 20000},
        {"BERT-Tiny inference, acceltran-fast", uniformTransformer(2, 128, 2, 512), SimMode::Inference,
         CostModelKind::AcceltranFast, 100000, 0},
        {"BERT-Base training,  acceltran-fast", uniformTransformer(12, 768, 12, 3072), SimMode::Training,
         CostModelKind::AcceltranFast, 10000, 0},
    };
    for (const auto& c : cases) {
        const Rate rate =
            evaluationsPerSecond(c.model, c.mode, c.kind, quick ? c.evaluations / 10 : c.evaluations, runs);
        std::printf("  %-38s wall %9.0f /s  cpu %9.0f /s  (%.2f µs of CPU each)", c.name, rate.wall, rate.cpu,
                    1e6 / rate.cpu);
        if (c.target > 0)
            std::printf("  target ≥ %.0f: %s", c.target, rate.cpu >= c.target ? "met" : "MISSED");
        std::printf("\n");
    }

    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const auto tech = electorTechnology14nm();
    SimOptions options;
    options.opBreakdown = false;
    const auto prepared = prepareCostModel(uniformTransformer(2, 128, 2, 512), tech, options);
    const auto space = electorSpace();
    SweepRequest request;
    request.threads = threads;
    if (quick)
        request.sampleCount = 500000;
    const auto start = Clock::now();
    const auto points = sweepAccelerators(*prepared, space, request);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::size_t feasible = 0;
    for (const auto& p : points)
        feasible += p.feasible;
    std::printf("Sweep of %s%zu elector designs, BERT-Tiny inference, %d threads: %.1f s (%.0f /s), %zu feasible"
                "  target < 60 s: %s\n",
                quick ? "a sample of " : "all ", points.size(), threads, seconds, points.size() / seconds, feasible,
                quick          ? "n/a (quick)"
                : seconds < 60 ? "met"
                               : "MISSED");
    return 0;
}
