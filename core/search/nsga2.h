// NSGA-II (Deb et al. 2002) on the pair encoding: binary tournaments on (constrained) rank
// and crowding distance, (μ + λ) elitist survival by non-dominated sorting and crowding.
//
// Variation. SBX and polynomial mutation assume a real-coded genome where nearby values mean
// similar designs. Most of this genome is categorical: a layer's feed-forward entry indexes
// 258 stacks and its head entry 21,805 multisets, enumerated by count and then
// lexicographically, so neighbouring indices are unrelated designs and a blend of two parents'
// indices is a third, unrelated design. So: uniform crossover that swaps whole layers (a
// layer's hidden size, feed-forward stack and heads travel together, as building blocks) and
// single accelerator parameters; and per-gene mutation with probability 1/(free genes), half
// the time a step to the neighbouring allowed value (meaningful for the ordinal genes: layer
// count, hidden size, every accelerator parameter) and otherwise a uniform resample.
// Children are canonical (unused layers zeroed, tile_y = tile_x) and hence valid.
#pragma once

#include "optimizer.h"

#include <set>

namespace tcw::search {

struct Nsga2Config {
    int populationSize = 64;
    double crossoverProbability = 0.9;
    double mutationRate = 0; // per gene; 0: 1 / number of free genes
    bool operator==(const Nsga2Config&) const = default;
};

class Nsga2 : public Optimizer {
public:
    Nsga2(Problem problem, std::uint64_t seed, Nsga2Config config = {});
    std::string_view name() const override { return "nsga2"; }
    std::vector<Proposal> ask(int maxCount, std::stop_token stop) override;
    void tell(std::span<const Trial> round) override;
    // Steady-state NSGA-II (Durillo et al. 2009's ssNSGA-II): while fewer than μ trials are
    // told, each ask samples the space; afterwards it breeds one child (two binary tournaments,
    // crossover, mutation, as in a generation) from the current population, and each tell
    // runs (μ + 1) survival: the new trial joins, the worst by rank and crowding leaves.
    bool steadyState() const override { return true; }

    // The current parent population (positions of its trials), best first.
    std::vector<int> population() const;

protected:
    Proposal proposeOne(std::uint64_t draw, std::stop_token stop) override;
    void learnOne(const Trial& trial) override;

private:
    struct Member {
        Trial trial;
        ObjectiveVector objectives;
        double violation = 0;
        int rank = 0;
        double crowding = 0;
    };
    bool better(const Member& a, const Member& b) const; // tournament order
    const Member& tournament(std::mt19937_64& rng) const;
    void survive(std::vector<Member> pool); // (μ + λ) survival of pool into m_population

    Problem m_problem;
    std::uint64_t m_seed;
    Nsga2Config m_config;
    std::vector<Member> m_population;
    std::set<Candidate> m_seen; // every candidate told, to steer offspring away from repeats
};

} // namespace tcw::search
