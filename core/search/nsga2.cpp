// NSGA-II.
#include "nsga2.h"

#include "rng.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace tcw::search {

Nsga2::Nsga2(Problem problem, std::uint64_t seed, Nsga2Config config)
    : m_problem(std::move(problem)), m_seed(seed), m_config(config) {
    m_config.populationSize = std::max(4, m_config.populationSize + (m_config.populationSize % 2));
    if (m_config.mutationRate <= 0) {
        int free = 0;
        for (int i = 0; i < m_problem.space.dimension(); ++i)
            free += m_problem.space.isFree(i) ? 1 : 0;
        m_config.mutationRate = 1.0 / std::max(1, free);
    }
}

bool Nsga2::better(const Member& a, const Member& b) const {
    // Deb's constrained tournament: acceptable beats unacceptable; two unacceptable compare by
    // violation; two acceptable by rank, then crowding. Ties go to the earlier trial.
    if ((a.violation == 0) != (b.violation == 0))
        return a.violation == 0;
    if (a.violation != b.violation)
        return a.violation < b.violation;
    if (a.rank != b.rank)
        return a.rank < b.rank;
    if (a.crowding != b.crowding)
        return a.crowding > b.crowding;
    return a.trial.position < b.trial.position;
}

const Nsga2::Member& Nsga2::tournament(std::mt19937_64& rng) const {
    const auto n = static_cast<std::uint64_t>(m_population.size());
    const Member& a = m_population[uniformIndex(rng, n)];
    const Member& b = m_population[uniformIndex(rng, n)];
    return better(a, b) ? a : b;
}

std::vector<Proposal> Nsga2::ask(int maxCount, std::stop_token) {
    std::vector<Proposal> out;
    const int count = std::min(m_config.populationSize, maxCount);
    if (m_round == 0 || m_population.empty()) {
        for (int k = 0; k < count; ++k) {
            auto rng = derivedRng(m_seed, RngStream::Initial, static_cast<std::uint64_t>(k));
            out.push_back({m_problem.space.sample(rng), "initial", std::nullopt, std::nullopt});
        }
        return out;
    }
    auto rng = derivedRng(m_seed, RngStream::Variation, static_cast<std::uint64_t>(m_round));
    std::set<Candidate> proposed;
    auto fresh = [&](const Candidate& c) { return !m_seen.count(c) && !proposed.count(c); };
    while (static_cast<int>(out.size()) < m_config.populationSize) {
        const Member& p1 = tournament(rng);
        const Member& p2 = tournament(rng);
        Candidate c1 = p1.trial.proposal.candidate, c2 = p2.trial.proposal.candidate;
        if (uniform01(rng) < m_config.crossoverProbability) {
            c1 = m_problem.space.crossover(p1.trial.proposal.candidate, p2.trial.proposal.candidate, rng);
            c2 = m_problem.space.crossover(p2.trial.proposal.candidate, p1.trial.proposal.candidate, rng);
        }
        for (Candidate* c : {&c1, &c2}) {
            Candidate child = m_problem.space.mutate(*c, m_config.mutationRate, rng);
            // A repeat teaches nothing: mutate harder (up to a few times) to leave the seen set.
            for (int attempt = 1; attempt <= 8 && !fresh(child); ++attempt)
                child = m_problem.space.mutate(*c, std::min(1.0, m_config.mutationRate * (1 + attempt)), rng);
            proposed.insert(child);
            out.push_back({std::move(child), "offspring", std::nullopt, std::nullopt});
        }
    }
    out.resize(static_cast<std::size_t>(count));
    return out;
}

void Nsga2::tell(std::span<const Trial> round) {
    std::vector<Member> pool = std::move(m_population);
    for (const Trial& t : round) {
        m_seen.insert(t.proposal.candidate);
        pool.push_back({t, selectionObjectives(t, m_problem), constraintViolation(t.metrics, m_problem.objectives)});
    }
    ++m_round;
    survive(std::move(pool));
}

Proposal Nsga2::proposeOne(std::uint64_t draw, std::stop_token) {
    auto rng = derivedRng(m_seed, RngStream::SteadyState, draw);
    if (toldOne() < m_config.populationSize || m_population.empty())
        return {m_problem.space.sample(rng), "initial", std::nullopt, std::nullopt};
    // One child of a generation's breeding step: the first of the pair.
    const Member& p1 = tournament(rng);
    const Member& p2 = tournament(rng);
    Candidate c = p1.trial.proposal.candidate;
    if (uniform01(rng) < m_config.crossoverProbability)
        c = m_problem.space.crossover(p1.trial.proposal.candidate, p2.trial.proposal.candidate, rng);
    Candidate child = m_problem.space.mutate(c, m_config.mutationRate, rng);
    for (int attempt = 1; attempt <= 8 && m_seen.count(child); ++attempt)
        child = m_problem.space.mutate(c, std::min(1.0, m_config.mutationRate * (1 + attempt)), rng);
    return {std::move(child), "offspring", std::nullopt, std::nullopt};
}

void Nsga2::learnOne(const Trial& t) {
    m_seen.insert(t.proposal.candidate);
    std::vector<Member> pool = std::move(m_population);
    pool.push_back({t, selectionObjectives(t, m_problem), constraintViolation(t.metrics, m_problem.objectives)});
    survive(std::move(pool));
}

void Nsga2::survive(std::vector<Member> pool) {
    // Acceptable members in non-dominated fronts with crowding; then unacceptable by violation.
    std::vector<std::size_t> acceptable, rejected;
    for (std::size_t i = 0; i < pool.size(); ++i)
        (pool[i].violation == 0 ? acceptable : rejected).push_back(i);
    std::vector<ObjectiveVector> points;
    for (std::size_t i : acceptable)
        points.push_back(pool[i].objectives);
    const std::vector<int> ranks = nonDominatedRanks(points);
    const int fronts = ranks.empty() ? 0 : *std::max_element(ranks.begin(), ranks.end()) + 1;
    for (int r = 0; r < fronts; ++r) {
        std::vector<std::size_t> members;
        std::vector<ObjectiveVector> front;
        for (std::size_t k = 0; k < acceptable.size(); ++k)
            if (ranks[k] == r) {
                members.push_back(acceptable[k]);
                front.push_back(points[k]);
            }
        const auto crowding = crowdingDistance(front);
        for (std::size_t k = 0; k < members.size(); ++k) {
            pool[members[k]].rank = r;
            pool[members[k]].crowding = crowding[k];
        }
    }
    for (std::size_t i : rejected) {
        pool[i].rank = std::numeric_limits<int>::max();
        pool[i].crowding = 0;
    }
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return better(pool[a], pool[b]); });
    order.resize(std::min(order.size(), static_cast<std::size_t>(m_config.populationSize)));
    m_population.clear();
    for (std::size_t i : order)
        m_population.push_back(std::move(pool[i]));
}

std::vector<int> Nsga2::population() const {
    std::vector<int> out;
    for (const Member& m : m_population)
        out.push_back(m.trial.position);
    return out;
}

} // namespace tcw::search
