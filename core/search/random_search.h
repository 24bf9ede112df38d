// Random search: every trial an independent uniform sample of the joint space, trial i drawn
// from the generator of (seed, i), so the trials do not depend on how they are batched.
#pragma once

#include "optimizer.h"

namespace tcw::search {

class RandomSearch : public Optimizer {
public:
    RandomSearch(Problem problem, std::uint64_t seed, int roundSize = 64);
    std::string_view name() const override { return "random"; }
    std::vector<Proposal> ask(int maxCount, std::stop_token stop) override;
    void tell(std::span<const Trial> round) override;
    // One sample per ask, from the steady-state generator of the ask.
    bool steadyState() const override { return true; }

protected:
    Proposal proposeOne(std::uint64_t draw, std::stop_token stop) override;
    void learnOne(const Trial& trial) override;

private:
    Problem m_problem;
    std::uint64_t m_seed;
    int m_roundSize;
    int m_told = 0; // trials told so far = position of the next proposal
};

} // namespace tcw::search
