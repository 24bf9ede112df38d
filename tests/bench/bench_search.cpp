// Hypervolume against evaluations for random search, NSGA-II and multi-objective BOSHCODE in
// TransCODE's setting: FlexiBERT 2.0 × ELECTOR, accuracy predicted by the surrogate fit on
// the bundled 16-model GLUE table, BOSHCODE starting from 256 pairs (16 models × 16
// accelerators). Objectives: accuracy, latency, total energy, area (inference, Pareto; the
// hypervolume in the normalised box of `tcw search`). Prints mean ± standard deviation over
// the seeds at checkpoints, and the evaluations each algorithm needs to reach random
// search's final hypervolume.
//
// --ablation instead runs BOSHCODE on TransCODE's reference weighted objective with and
// without its two additions (normal-score targets, incumbent mutants among GOBI's
// candidates) and prints after how many surrogate-guided evaluations each variant first
// beats the best of its 256 initial pairs.
//
//   bench_search [--budget N] [--seeds S] [--threads T] [--data DIR] [--ablation]
#include "codesign/search_session.h"
#include "io/files.h"
#include "io/search_json.h"
#include "search/search_config.h"
#include "search/search_runner.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

using namespace tcw;
using namespace tcw::search;

namespace {

struct Curve {
    std::vector<double> hypervolume; // after each evaluation
    double seconds = 0;
};

Curve run(const std::string& algorithm, std::uint64_t seed, int budget, int threads, const SearchConfig& base,
          const std::vector<TransformerSpec>& tableModels, const std::shared_ptr<const AccuracyOracle>& accuracy) {
    SearchConfig config = base;
    config.algorithm = algorithm;
    config.seed = seed;
    config.budget = budget;
    config.patience = 0; // the benchmark spends the whole budget
    const Problem problem{makeSpace(config), config.objectives, config.box};
    SimOptions sim;
    sim.mode = config.objectives.mode;
    const SimulationEvaluator evaluator(problem.space, electorTechnology14nm(), sim, accuracy);
    auto optimizer = makeOptimizer(config, problem, initialCandidates(config, problem.space, tableModels));
    RunOptions options;
    options.budget = budget;
    options.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    const SearchOutcome outcome = runSearch(*optimizer, problem, evaluator, options);
    Curve curve;
    curve.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ParetoArchive archive;
    const ObjectiveVector reference(config.objectives.metrics.size(), 1.0);
    for (const Trial& t : outcome.trials) {
        if (acceptable(t.metrics, config.objectives))
            archive.insert(normalisedObjectives(t.metrics, config.objectives, config.box),
                           static_cast<std::size_t>(t.position));
        curve.hypervolume.push_back(archive.hypervolume(reference));
    }
    return curve;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v)
        s += x;
    return v.empty() ? 0 : s / double(v.size());
}

double stddev(const std::vector<double>& v) {
    const double m = mean(v);
    double s = 0;
    for (double x : v)
        s += (x - m) * (x - m);
    return v.size() > 1 ? std::sqrt(s / double(v.size() - 1)) : 0;
}

// Evaluations after the initial pairs until BOSHCODE first beats their best (−1: never).
int firstImprovement(const SearchConfig& base, std::uint64_t seed, int extra, bool rankTargets, bool mutants,
                     int threads, const std::vector<TransformerSpec>& tableModels,
                     const std::shared_ptr<const AccuracyOracle>& accuracy, double& seconds) {
    SearchConfig config = base;
    config.seed = seed;
    config.objectives = transcodeReferenceObjective();
    const Problem problem{makeSpace(config), config.objectives, config.box};
    SimOptions sim;
    const SimulationEvaluator evaluator(problem.space, electorTechnology14nm(), sim, accuracy);
    BoshcodeConfig b;
    b.initialCandidates = initialCandidates(config, problem.space, tableModels);
    b.patience = 0;
    b.rankTargets = rankTargets;
    b.mutantsPerIncumbent = mutants ? 6 : 0;
    Boshcode optimizer(problem, seed, b);
    RunOptions options;
    options.budget = 256 + extra;
    options.threads = threads;
    const auto start = std::chrono::steady_clock::now();
    const SearchOutcome outcome = runSearch(optimizer, problem, evaluator, options);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double bestInitial = -1e300;
    for (const Trial& t : outcome.trials)
        if (t.position < 256)
            bestInitial = std::max(bestInitial, trialScore(t, problem));
    for (const Trial& t : outcome.trials)
        if (t.position >= 256 && trialScore(t, problem) > bestInitial)
            return t.position - 255;
    return -1;
}

} // namespace

int main(int argc, char** argv) {
    int budget = 1024, seeds = 5, threads = 2;
    bool ablation = false;
    std::filesystem::path dataDir = io::findDataDir();
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--ablation"))
            ablation = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--ablation")) {
            --i;
            continue;
        }
        if (!std::strcmp(argv[i], "--budget"))
            budget = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--seeds"))
            seeds = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads"))
            threads = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--data"))
            dataDir = argv[i + 1];
    }
    const auto table = io::loadAccuracyTable(dataDir / "accuracy/flexibert2_glue16.json");
    if (!table) {
        std::fprintf(stderr, "%s\n", table.errors.toString().c_str());
        return 2;
    }
    SearchConfig base;
    base.modelSpace = flexibert2Space();
    base.acceleratorSpace = electorSpace();
    base.objectives = defaultObjectives();
    base.box = codesign::sampleBox(base, electorTechnology14nm(), 0.65, 0.89); // as tcw search: table range ± 0.05
    std::vector<TransformerSpec> tableModels;
    for (const auto& e : table->entries)
        tableModels.push_back(e.model);
    const auto accuracy = std::make_shared<TableAccuracyModel>(*table, base.modelSpace);
    if (ablation) {
        const int extra = 160;
        std::printf("BOSHCODE on TransCODE's reference objective, 256 initial pairs (16 × 16), %d more "
                    "evaluations, seeds 1..%d: evaluations until a pair beats the best initial one (- = never)\n\n",
                    extra, seeds);
        std::printf("%-34s", "variant");
        for (int s = 1; s <= seeds; ++s)
            std::printf("  seed %-3d", s);
        std::printf("  s per run\n");
        for (const auto& [name, rank, mutants] :
             {std::tuple<const char*, bool, bool>{"normal scores + mutants (default)", true, true},
              {"normal scores, no mutants", true, false},
              {"raw targets + mutants", false, true},
              {"raw targets, no mutants", false, false}}) {
            std::printf("%-34s", name);
            double total = 0;
            for (int s = 1; s <= seeds; ++s) {
                double seconds = 0;
                const int n = firstImprovement(base, static_cast<std::uint64_t>(s), extra, rank, mutants, threads,
                                               tableModels, accuracy, seconds);
                total += seconds;
                std::printf("  %-8s", n > 0 ? std::to_string(n).c_str() : "-");
                std::fflush(stdout);
            }
            std::printf("  %.1f\n", total / seeds);
        }
        return 0;
    }

    std::printf("bench_search: flexibert2 × elector, predicted accuracy (%s), objectives accuracy, latency, "
                "energy, area (inference, Pareto)\nbudget %d evaluations, seeds 1..%d, %d evaluation threads; "
                "hypervolume in the normalised box (reference point 1)\n\n",
                accuracy->describe().c_str(), budget, seeds, threads);
    const std::vector<std::string> algorithms = {"random", "nsga2", "boshcode"};
    std::map<std::string, std::vector<Curve>> curves;
    for (const auto& a : algorithms)
        for (int s = 1; s <= seeds; ++s) {
            curves[a].push_back(run(a, static_cast<std::uint64_t>(s), budget, threads, base, tableModels, accuracy));
            std::fprintf(stderr, "%s seed %d: HV %.4f in %.1f s\n", a.c_str(), s, curves[a].back().hypervolume.back(),
                         curves[a].back().seconds);
        }

    std::vector<int> checkpoints;
    for (int n : {32, 64, 128, 256, 384, 512, 768, 1024, 1536, 2048})
        if (n < budget)
            checkpoints.push_back(n);
    checkpoints.push_back(budget);
    std::printf("%-12s", "evaluations");
    for (const auto& a : algorithms)
        std::printf("  %-17s", a.c_str());
    std::printf("\n");
    for (int n : checkpoints) {
        std::printf("%-12d", n);
        for (const auto& a : algorithms) {
            std::vector<double> v;
            for (const Curve& c : curves[a])
                v.push_back(c.hypervolume[static_cast<std::size_t>(n - 1)]);
            std::printf("  %.4f ± %.4f   ", mean(v), stddev(v));
        }
        std::printf("\n");
    }
    // Evaluations to reach random search's final hypervolume (mean over seeds of the curve).
    std::vector<double> randomFinal;
    for (const Curve& c : curves["random"])
        randomFinal.push_back(c.hypervolume.back());
    const double target = mean(randomFinal);
    std::printf("\nrandom search's final hypervolume (mean of %d seeds): %.4f\n", seeds, target);
    bool halfReached = false;
    for (const auto& a : algorithms) {
        std::vector<double> meanCurve(static_cast<std::size_t>(budget), 0.0);
        for (const Curve& c : curves[a])
            for (int i = 0; i < budget; ++i)
                meanCurve[static_cast<std::size_t>(i)] += c.hypervolume[static_cast<std::size_t>(i)] / seeds;
        int reach = -1;
        for (int i = 0; i < budget && reach < 0; ++i)
            if (meanCurve[static_cast<std::size_t>(i)] >= target)
                reach = i + 1;
        int seedsWithinHalf = 0;
        for (const Curve& c : curves[a])
            seedsWithinHalf += c.hypervolume[static_cast<std::size_t>(budget / 2 - 1)] >= target ? 1 : 0;
        double seconds = 0;
        for (const Curve& c : curves[a])
            seconds += c.seconds / seeds;
        std::printf("%-9s reaches it after %s evaluations (mean curve); %d/%d seeds by %d; %.1f s per run\n", a.c_str(),
                    reach > 0 ? std::to_string(reach).c_str() : "more than the budget's", seedsWithinHalf, seeds,
                    budget / 2, seconds);
        if (a != "random" && reach > 0 && reach <= budget / 2)
            halfReached = true;
    }
    std::printf("\nBOSHCODE or NSGA-II reaches random search's final hypervolume in at most half its "
                "evaluations: %s\n",
                halfReached ? "yes" : "no");
    return 0;
}
