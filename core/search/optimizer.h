// The ask–tell interface of the co-design optimisers (random, NSGA-II, BOSHCODE) and the
// values that pass through it. An optimiser proposes rounds of candidates; the caller
// evaluates them anywhere (threads, processes, cluster ranks) and tells the whole round back.
//
// Determinism contract, which makes resuming exact: what ask() returns depends only on the
// optimiser's configuration (seed included) and on the rounds told so far; tell() needs
// nothing from the matching ask(). A search rebuilt from its stored trials by telling them
// round by round is therefore in the state the interrupted one was in.
//
// Steady state (the asynchronous mode across rounds, optional: steadyState()). Instead of
// rounds, askOne() proposes one candidate from everything told so far and tellOne() tells one
// trial, so a finished evaluation is followed at once by the next candidate, also where a
// round (generation) would end. The contract for this mode:
//  - reproducible given the order of tells: what askOne() returns depends only on the
//    configuration (seed included), on the trials told so far in the order they were told,
//    and on how many asks came since the last tell (each ask draws from the generator of
//    (seed, trials told, asks since that tell)); nothing else, no clock, no thread;
//  - the caller numbers trials in the order it tells them (position = tell order), and
//    stores with each the number of trials told before it was asked (Trial::round), so
//    the workspace's position order is the tell order;
//  - resuming: telling the stored trials one by one in position order puts a fresh optimiser
//    in the state the interrupted one had after its last stored trial; evaluations that were
//    in flight were never stored and are asked anew (the first asks after the replay are the
//    asks the interrupted run made after its last tell, so a lost evaluation is re-proposed).
// A round-based optimiser that does not support it (BOSHCODE: a step fits its surrogates on
// every trial told and proposes its queries together from that fit, so asking one at a time
// would refit per evaluation on rank 0) keeps its round boundaries in the asynchronous mode.
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

    // Steady state (see the contract above); only called when steadyState() is true, and a
    // search uses either rounds or steady state from its first trial to its last.
    virtual bool steadyState() const { return false; }
    Proposal askOne(std::stop_token stop);
    void tellOne(const Trial& trial);
    // Trials told one by one so far.
    int toldOne() const { return m_toldOne; }

    // The optimiser's own stopping rule has fired (e.g. BOSHCODE's patience).
    virtual bool finished() const { return false; }
    // Rounds told so far.
    int round() const { return m_round; }

protected:
    // Steady state, for the optimisers that have one: the proposal drawn from `draw` (the
    // generator index of (trials told, asks since the last tell)); learning one trial.
    virtual Proposal proposeOne(std::uint64_t draw, std::stop_token stop);
    virtual void learnOne(const Trial& trial);

    int m_round = 0;

private:
    int m_toldOne = 0;       // steady state: trials told
    int m_asksSinceTell = 0; // steady state: askOne() calls since the last tellOne()
};

// How good a trial is for single-objective bookkeeping (higher is better): the weighted
// score; in a Pareto search the negated mean normalised objective. Unacceptable trials
// (infeasible or violating a constraint) score −10⁹·(1 + violation), below any acceptable one.
double trialScore(const Trial& t, const Problem& problem);
// The minimised vector NSGA-II and the fronts use: normalised objectives (Pareto) or the
// single −score (weighted sum).
ObjectiveVector selectionObjectives(const Trial& t, const Problem& problem);

} // namespace tcw::search
