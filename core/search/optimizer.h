// The ask–tell interface of the co-design optimisers (random, NSGA-II, BOSHCODE) and the
// values that pass through it. An optimiser proposes rounds of candidates; the caller
// evaluates them anywhere (threads, processes, cluster ranks) and tells the whole round back.
//
// Determinism contract, which makes resuming exact: what ask() returns depends only on the
// optimiser's configuration (seed included) and on the rounds told so far; tell() needs
// nothing from the matching ask(). A search rebuilt from its stored trials by telling them
// round by round is therefore in the state the interrupted one was in.
#pragma once

#include "codesign_space.h"
#include "objectives.h"

#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::search {

// Why a candidate was proposed, and what the surrogate expected of it.
struct Proposal {
    Candidate candidate;
    std::string origin;                   // "random", "initial", "offspring", "gobi", "uncertainty", "diversity"
    std::optional<double> predictedValue; // surrogate's mean of the minimised target, when it had one
    std::optional<double> predictedStdDev;

    bool operator==(const Proposal&) const = default;
};

// One evaluated trial, as told to the optimiser and stored in the workspace.
struct Trial {
    int position = 0; // 0, 1, 2, … over the whole search
    int round = 0;    // the ask–tell round that proposed it
    Proposal proposal;
    PairMetrics metrics;

    bool operator==(const Trial&) const = default;
};

// What every optimiser is told about the problem.
struct Problem {
    CoDesignSpace space;
    ObjectiveConfig objectives;
    HypervolumeBox box; // Pareto scalarisations and normalised objectives use it
};

class Optimizer {
public:
    virtual ~Optimizer() = default;
    virtual std::string_view name() const = 0;

    // The next round: at most maxCount proposals (≥ 1 unless finished()). A long ask (BOSHCODE
    // trains its surrogates here) returns early with what it has when stop is requested.
    virtual std::vector<Proposal> ask(int maxCount, std::stop_token stop) = 0;
    // Every trial of the round last asked (or, replaying, of the next stored round), in
    // position order.
    virtual void tell(std::span<const Trial> round) = 0;

    // The optimiser's own stopping rule has fired (e.g. BOSHCODE's patience).
    virtual bool finished() const { return false; }
    // Rounds told so far.
    int round() const { return m_round; }

protected:
    int m_round = 0;
};

// How good a trial is for single-objective bookkeeping (higher is better): the weighted
// score; in a Pareto search the negated mean normalised objective. Unacceptable trials
// (infeasible or violating a constraint) score −10⁹·(1 + violation), below any acceptable one.
double trialScore(const Trial& t, const Problem& problem);
// The minimised vector NSGA-II and the fronts use: normalised objectives (Pareto) or the
// single −score (weighted sum).
ObjectiveVector selectionObjectives(const Trial& t, const Problem& problem);

} // namespace tcw::search
