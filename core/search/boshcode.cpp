// BOSHCODE.
#include "boshcode.h"

#include "rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tcw::search {

namespace {

constexpr double kParegoRho = 0.05; // augmentation of the Tchebycheff scalarisation (Knowles 2006)

std::vector<double> simplexWeights(std::uint64_t seed, int step, std::size_t count) {
    auto rng = derivedRng(seed, RngStream::Scalarise, static_cast<std::uint64_t>(step));
    std::vector<double> w(count);
    double sum = 0;
    for (double& v : w) {
        v = -std::log(1.0 - uniform01(rng)); // exponential draws, normalised: uniform on the simplex
        sum += v;
    }
    for (double& v : w)
        v /= sum;
    return w;
}

// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error < 1.2e-9).
double normalQuantile(double p) {
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double low = 0.02425;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low)
        return -normalQuantile(1 - p);
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

// Normal scores of y (ties share their mean rank).
std::vector<double> normalScores(const std::vector<double>& y) {
    const std::size_t n = y.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return y[a] < y[b]; });
    std::vector<double> z(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && y[order[j + 1]] == y[order[i]])
            ++j;
        const double rank = 0.5 * double(i + j);
        for (std::size_t k = i; k <= j; ++k)
            z[order[k]] = normalQuantile((rank + 0.5) / double(n));
        i = j + 1;
    }
    return z;
}

} // namespace

Boshcode::Boshcode(Problem problem, std::uint64_t seed, BoshcodeConfig config)
    : m_problem(std::move(problem)), m_seed(seed), m_config(std::move(config)) {
    m_config.queriesPerStep = std::max(1, m_config.queriesPerStep);
    m_config.candidatesPerStep = std::max(m_config.queriesPerStep, m_config.candidatesPerStep);
}

std::vector<double> Boshcode::targets(int step) const {
    const bool pareto = m_problem.objectives.scalarisation == Scalarisation::Pareto;
    const std::vector<double> lambda =
        pareto ? simplexWeights(m_seed, step, m_problem.objectives.metrics.size()) : std::vector<double>{};
    std::vector<double> y(m_trials.size());
    std::vector<double> violation(m_trials.size());
    double worst = -std::numeric_limits<double>::infinity(), best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < m_trials.size(); ++i) {
        const Trial& t = m_trials[i];
        violation[i] = constraintViolation(t.metrics, m_problem.objectives);
        if (violation[i] > 0)
            continue;
        if (pareto) {
            const auto f = normalisedObjectives(t.metrics, m_problem.objectives, m_problem.box);
            double maxTerm = -std::numeric_limits<double>::infinity(), sum = 0;
            for (std::size_t k = 0; k < f.size(); ++k) {
                maxTerm = std::max(maxTerm, lambda[k] * f[k]);
                sum += lambda[k] * f[k];
            }
            y[i] = maxTerm + kParegoRho * sum;
        } else {
            y[i] = -weightedScore(t.metrics, m_problem.objectives);
        }
        worst = std::max(worst, y[i]);
        best = std::min(best, y[i]);
    }
    const bool anyAcceptable = std::isfinite(worst);
    const double range = anyAcceptable && worst > best ? worst - best : 1.0;
    for (std::size_t i = 0; i < m_trials.size(); ++i)
        if (violation[i] > 0)
            y[i] = (anyAcceptable ? worst : 0.0) + range * (0.1 + 0.05 * std::min(violation[i], 10.0));
    return y;
}

std::vector<Proposal> Boshcode::ask(int maxCount, std::stop_token stop) {
    std::vector<Proposal> out;
    const CoDesignSpace& space = m_problem.space;
    if (m_round == 0) {
        if (!m_config.initialCandidates.empty()) {
            for (const Candidate& c : m_config.initialCandidates) {
                if (static_cast<int>(out.size()) >= maxCount)
                    break;
                out.push_back({c, "initial", std::nullopt, std::nullopt});
            }
        } else {
            for (int k = 0; k < std::min(m_config.initialPairs, maxCount); ++k) {
                auto rng = derivedRng(m_seed, RngStream::Initial, static_cast<std::uint64_t>(k));
                out.push_back({space.sample(rng), "initial", std::nullopt, std::nullopt});
            }
        }
        return out;
    }
    const int step = m_round;
    const int queries = std::min(m_config.queriesPerStep, maxCount);
    auto rng = derivedRng(m_seed, RngStream::Boshcode, static_cast<std::uint64_t>(step));
    const double u = uniform01(rng);
    const std::string kind = u < m_config.gobiShare                               ? "gobi"
                             : u < m_config.gobiShare + m_config.uncertaintyShare ? "uncertainty"
                                                                                  : "diversity";
    // Random candidates not evaluated yet (a few extra draws make up for repeats).
    std::vector<Candidate> pool;
    std::set<Candidate> inPool;
    for (int attempt = 0; attempt < 4 * m_config.candidatesPerStep && (int)pool.size() < m_config.candidatesPerStep;
         ++attempt) {
        Candidate c = space.sample(rng);
        if (!m_seen.count(c) && inPool.insert(c).second)
            pool.push_back(std::move(c));
    }
    if (kind == "gobi" && m_config.mutantsPerIncumbent > 0) {
        // Mutants of the K best acceptable trials (by score; earlier trial first on ties).
        std::vector<std::size_t> best(m_trials.size());
        std::iota(best.begin(), best.end(), 0);
        std::vector<double> score(m_trials.size());
        for (std::size_t i = 0; i < m_trials.size(); ++i)
            score[i] = trialScore(m_trials[i], m_problem);
        const auto k = std::min<std::size_t>(best.size(), static_cast<std::size_t>(m_config.queriesPerStep));
        std::partial_sort(
            best.begin(), best.begin() + static_cast<std::ptrdiff_t>(k), best.end(),
            [&](std::size_t a, std::size_t b) { return score[a] != score[b] ? score[a] > score[b] : a < b; });
        int free = 0;
        for (int i = 0; i < space.dimension(); ++i)
            free += space.isFree(i) ? 1 : 0;
        const double rate = 2.0 / std::max(1, free);
        for (std::size_t j = 0; j < k; ++j) {
            int added = 0;
            for (int attempt = 0; attempt < 3 * m_config.mutantsPerIncumbent && added < m_config.mutantsPerIncumbent;
                 ++attempt) {
                Candidate c = space.mutate(m_trials[best[j]].proposal.candidate, rate, rng);
                if (!m_seen.count(c) && inPool.insert(c).second) {
                    pool.push_back(std::move(c));
                    ++added;
                }
            }
        }
    }
    if (kind == "diversity" || pool.empty()) {
        for (int k = 0; k < queries && k < static_cast<int>(pool.size()); ++k)
            out.push_back({pool[k], "diversity", std::nullopt, std::nullopt});
        return out;
    }

    auto surrogateRng = derivedRng(m_seed, RngStream::Surrogate, static_cast<std::uint64_t>(step));
    std::vector<std::vector<double>> x, extra;
    for (const Trial& t : m_trials)
        x.push_back(space.toUnit(t.proposal.candidate));
    for (int k = 0; k < m_config.surrogate.extraInputs; ++k)
        extra.push_back(space.toUnit(space.sample(surrogateRng)));
    Surrogate surrogate;
    const std::vector<double> y = m_config.rankTargets ? normalScores(targets(step)) : targets(step);
    if (!surrogate.fit(x, y, extra, m_config.surrogate, surrogateRng, stop))
        return out; // cancelled
    std::vector<std::vector<double>> poolUnits;
    for (const Candidate& c : pool)
        poolUnits.push_back(space.toUnit(c));
    const auto predictions = surrogate.predict(poolUnits);
    auto proposal = [&](const Candidate& c, const std::string& origin) {
        const auto p = surrogate.predict(space.toUnit(c));
        return Proposal{c, origin, p.mean, p.stdDev()};
    };

    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    if (kind == "uncertainty") {
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return predictions[a].stdDev() > predictions[b].stdDev();
        });
        for (int k = 0; k < queries && k < static_cast<int>(order.size()); ++k)
            out.push_back(proposal(pool[order[k]], "uncertainty"));
        return out;
    }

    const double kappa = m_config.gobi.kappa;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return predictions[a].mean - kappa * predictions[a].stdDev() <
               predictions[b].mean - kappa * predictions[b].stdDev();
    });
    std::vector<bool> free(static_cast<std::size_t>(space.dimension()));
    for (int i = 0; i < space.dimension(); ++i)
        free[static_cast<std::size_t>(i)] = space.isFree(i);
    std::set<Candidate> proposed;
    std::size_t fallback = 0;
    for (int k = 0; k < queries && k < static_cast<int>(order.size()); ++k) {
        if (stop.stop_requested())
            break;
        const GobiResult result = gobi(surrogate, poolUnits[order[k]], free, m_config.gobi, rng);
        Candidate c = space.fromUnit(result.x);
        std::string origin = "gobi";
        if (m_seen.count(c) || proposed.count(c)) {
            // The snapped optimum was evaluated already: the best random candidate not yet used.
            while (fallback < order.size() && proposed.count(pool[order[fallback]]))
                ++fallback;
            if (fallback == order.size())
                continue;
            c = pool[order[fallback++]];
            origin = "gobi-fallback";
        }
        proposed.insert(c);
        out.push_back(proposal(c, origin));
    }
    return out;
}

double Boshcode::improvementMeasure() const {
    if (m_problem.objectives.scalarisation == Scalarisation::Pareto)
        return m_front.hypervolume(ObjectiveVector(m_problem.objectives.metrics.size(), 1.0));
    return m_bestScore;
}

void Boshcode::tell(std::span<const Trial> round) {
    const double before = improvementMeasure();
    for (const Trial& t : round) {
        m_trials.push_back(t);
        m_seen.insert(t.proposal.candidate);
        if (!acceptable(t.metrics, m_problem.objectives))
            continue;
        m_bestScore = std::max(m_bestScore, trialScore(t, m_problem));
        if (m_problem.objectives.scalarisation == Scalarisation::Pareto)
            m_front.insert(normalisedObjectives(t.metrics, m_problem.objectives, m_problem.box),
                           static_cast<std::size_t>(t.position));
    }
    if (m_round > 0)
        m_quietSteps = improvementMeasure() > before ? 0 : m_quietSteps + 1;
    ++m_round;
}

bool Boshcode::finished() const {
    return m_config.patience > 0 && m_quietSteps >= m_config.patience;
}

} // namespace tcw::search
