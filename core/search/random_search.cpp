// Random search.
#include "random_search.h"

#include "rng.h"

#include <algorithm>

namespace tcw::search {

RandomSearch::RandomSearch(Problem problem, std::uint64_t seed, int roundSize)
    : m_problem(std::move(problem)), m_seed(seed), m_roundSize(std::max(1, roundSize)) {}

std::vector<Proposal> RandomSearch::ask(int maxCount, std::stop_token) {
    std::vector<Proposal> out;
    const int count = std::min(m_roundSize, maxCount);
    for (int k = 0; k < count; ++k) {
        auto rng = derivedRng(m_seed, RngStream::Sample, static_cast<std::uint64_t>(m_told + k));
        out.push_back({m_problem.space.sample(rng), "random", std::nullopt, std::nullopt});
    }
    return out;
}

void RandomSearch::tell(std::span<const Trial> round) {
    m_told += static_cast<int>(round.size());
    ++m_round;
}

Proposal RandomSearch::proposeOne(std::uint64_t draw, std::stop_token) {
    auto rng = derivedRng(m_seed, RngStream::SteadyState, draw);
    return {m_problem.space.sample(rng), "random", std::nullopt, std::nullopt};
}

void RandomSearch::learnOne(const Trial&) {
    ++m_told;
}

} // namespace tcw::search
