// The ask–tell loop: asks the optimiser for a round, evaluates its proposals on a pool of
// threads, hands every finished trial to a journal (the workspace) at once, tells the round
// back, and reports progress with the hypervolume of the acceptable trials.
//
// Resuming: given the trials a previous run committed (any order), the loop first tells the
// optimiser every complete round among them without evaluating anything, then asks the round
// that was in flight again — the optimiser's determinism contract makes it the same round —
// and evaluates only its missing trials. With a deterministic evaluator the trials in the
// end are exactly those of an uninterrupted run.
#pragma once

#include "optimizer.h"
#include "pair_evaluator.h"

#include "design/run_control.h"

#include <functional>
#include <stop_token>
#include <vector>

namespace tcw::search {

// Persistence of a running search. Called on the thread that called runSearch, one trial at
// a time, in the order evaluations finish; the trial must be durable when record() returns.
class SearchJournal {
public:
    virtual ~SearchJournal() = default;
    virtual void record(const Trial& trial) = 0;
};

struct SearchProgress {
    int trials = 0; // evaluated so far (stored ones included)
    int budget = 0;
    int round = 0;
    double hypervolume = 0;    // of the acceptable trials' normalised objectives, reference 1
    double bestScore = 0;      // trialScore of the best trial
    int frontSize = 0;         // acceptable non-dominated trials
    bool replaying = false;    // telling stored trials
    int evaluatedThisRun = 0;  // trials evaluated by this call (not stored before it): the rate for an ETA
    double elapsedSeconds = 0; // since this call began, pauses included
    int lastPosition = -1;     // the latest trial committed by this call, -1 before the first
};
using SearchProgressCallback = std::function<void(const SearchProgress&)>;

struct RunOptions {
    int budget = 256; // trials in all, stored ones included
    int threads = 0;  // evaluation threads; 0: all hardware threads
    // Pausing holds evaluations that have not started (and the next round's ask); running
    // ones finish and reach the journal. A paused run ends with the same trials as one never
    // paused. Not owned; may be null.
    RunControl* control = nullptr;
    // Hand a round's trials to the journal in position order (each once every earlier one of
    // the round has finished) instead of as they finish. The trials are the same; the journal
    // (the workspace's rows) then has the order of a one-thread run.
    bool commitInOrder = false;
    // Asynchronous across rounds (when the optimiser has a steady state, Optimizer::
    // steadyState()): every thread that finishes an evaluation commits it, tells it and gets
    // the next candidate at once, at a generation boundary too. Trials are numbered in the
    // order they finish (= are told), Trial::round is the number told before the ask, and the
    // stored trials are replayed one by one in position order. Ignored for an optimiser
    // without a steady state (it keeps its rounds; commitInOrder then applies).
    bool steadyState = false;
};

struct SearchOutcome {
    std::vector<Trial> trials; // position order
    bool cancelled = false;    // stop was requested before the budget was spent
    bool stoppedByRule = false;
    int replayMismatches = 0; // stored trials the re-asked round did not reproduce (kept as stored)
    double hypervolume = 0;
    std::vector<int> front; // positions of the acceptable non-dominated trials, ascending
};

SearchOutcome runSearch(Optimizer& optimizer, const Problem& problem, const PairEvaluator& evaluator,
                        const RunOptions& options, std::vector<Trial> stored = {}, SearchJournal* journal = nullptr,
                        std::stop_token stop = {}, const SearchProgressCallback& progress = {});

// The acceptable non-dominated trials of a finished list (positions, ascending), by the
// problem's objectives (raw metrics; a weighted search's front is over its metrics too).
std::vector<int> paretoFront(const std::vector<Trial>& trials, const Problem& problem);
double trialsHypervolume(const std::vector<Trial>& trials, const Problem& problem);

} // namespace tcw::search
