// BOSHCODE (docs/search.md): Bayesian optimisation with second-order gradients over
// transformer–accelerator pairs. After an initial set of pairs (256 in TransCODE), every step
// fits the teacher / student / natural-parameter surrogates to all trials from scratch and
// proposes up to K pairs by one of three moves (CODEBench's split):
//   GOBI (80%): the K best candidates by μ − κ·σ start AdaHessian descent on the
//     acquisition; the optima are snapped to valid designs (a repeat falls back to the
//     next-best candidate). Candidates: 100 random pairs plus mutants of the K best trials so
//     far. The mutants are our addition: the encoding's index-coded genes (feed-forward and
//     head options) make the space rugged, so a start next to an incumbent — the same model on
//     a slightly different accelerator, one layer changed — is often where the improvement
//     is; random pairs alone keep the search global but rarely land there;
//   uncertainty (10%): the K random candidates of largest σ;
//   diversity (10%): K random candidates.
// Single objective: the target is −(weighted score). Multi-objective: each step scalarises the
// normalised objectives with fresh random weights λ (uniform on the simplex) by the augmented
// Tchebycheff function max_i λ_i·f_i + 0.05·Σ λ_i·f_i (ParEGO), which, unlike a weighted sum,
// reaches non-convex parts of the front, so successive steps spread along it. Trials that
// are infeasible or violate a constraint get the worst acceptable target plus a margin.
// The surrogates learn the targets' normal scores, Φ⁻¹((rank + ½)/n), not the raw values (an
// output warping as in HEBO, Cowen-Rivers et al. 2022): with TransCODE's weights the score is
// 0.5·accuracy plus cost terms a thousand times smaller, and on raw values the networks would
// see only accuracy; ranks spread the best designs apart so the cost differences among them —
// where the improvements are — are learnt too.
// Stops after `patience` steps without improving the best score (hypervolume when Pareto).
#pragma once

#include "gobi.h"
#include "optimizer.h"
#include "surrogate.h"

#include <set>

namespace tcw::search {

struct BoshcodeConfig {
    int initialPairs = 256;
    std::vector<Candidate> initialCandidates; // when given, the first round (else random pairs)
    int candidatesPerStep = 100;
    int mutantsPerIncumbent = 6; // candidates around each of the K best trials (0: random only)
    int queriesPerStep = 4;      // K
    double gobiShare = 0.8;
    double uncertaintyShare = 0.1; // diversity: the rest
    int patience = 10;             // steps without improvement before stopping; 0: never
    bool rankTargets = true;       // fit normal scores of the targets (see above)
    SurrogateConfig surrogate;
    GobiConfig gobi;
};

class Boshcode : public Optimizer {
public:
    Boshcode(Problem problem, std::uint64_t seed, BoshcodeConfig config = {});
    std::string_view name() const override { return "boshcode"; }
    std::vector<Proposal> ask(int maxCount, std::stop_token stop) override;
    void tell(std::span<const Trial> round) override;
    bool finished() const override;

    int stepsWithoutImprovement() const { return m_quietSteps; }
    double bestScore() const { return m_bestScore; }

    // The surrogate target (minimised) of every trial told so far, for step `step` (its
    // scalarisation weights when Pareto). Public for tests.
    std::vector<double> targets(int step) const;

private:
    double improvementMeasure() const;

    Problem m_problem;
    std::uint64_t m_seed;
    BoshcodeConfig m_config;
    std::vector<Trial> m_trials;
    std::set<Candidate> m_seen;
    ParetoArchive m_front; // acceptable trials, normalised objectives (Pareto scalarisation)
    double m_bestScore = -std::numeric_limits<double>::infinity();
    int m_quietSteps = 0;
};

} // namespace tcw::search
