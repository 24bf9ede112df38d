// The ask–tell loop with parallel evaluation, journaling and replay.
#include "search_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace tcw::search {

namespace {

// The running front and best score of the trials seen so far.
class Tracker {
public:
    explicit Tracker(const Problem& problem)
        : m_problem(problem), m_reference(problem.objectives.metrics.size(), 1.0) {}

    void add(const Trial& t) {
        if (!acceptable(t.metrics, m_problem.objectives))
            return;
        m_best = std::max(m_best, trialScore(t, m_problem));
        m_archive.insert(normalisedObjectives(t.metrics, m_problem.objectives, m_problem.box),
                         static_cast<std::size_t>(t.position));
    }
    double hypervolume() const { return m_archive.hypervolume(m_reference); }
    double best() const { return m_best; }
    int frontSize() const { return static_cast<int>(m_archive.size()); }
    std::vector<int> front() const {
        std::vector<int> out;
        for (std::size_t id : m_archive.ids())
            out.push_back(static_cast<int>(id));
        return out;
    }

private:
    const Problem& m_problem;
    ObjectiveVector m_reference;
    ParetoArchive m_archive;
    double m_best = -std::numeric_limits<double>::infinity();
};

// Evaluates `todo` (indices into proposals) on `threads` threads; calls onDone(index, metrics)
// on the calling thread as each finishes. Returns early, after the running evaluations end,
// when stop is requested. Rethrows the first evaluation error after every thread stopped.
// A paused control holds every worker before it takes its next evaluation.
void evaluateParallel(const PairEvaluator& evaluator, const std::vector<Proposal>& proposals,
                      const std::vector<int>& todo, int threads, std::stop_token stop, RunControl* control,
                      const std::function<void(int, PairMetrics)>& onDone) {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::pair<int, PairMetrics>> finished;
    std::exception_ptr error;
    std::size_t next = 0;
    const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), todo.size()));
    int running = workers; // guarded by mutex; workers count themselves out
    auto worker = [&] {
        while (true) {
            if (control && !control->waitWhilePaused(stop))
                break;
            int index = -1;
            {
                std::lock_guard lock(mutex);
                if (next < todo.size() && !stop.stop_requested() && !error)
                    index = todo[next++];
            }
            if (index < 0)
                break;
            try {
                PairMetrics m = evaluator.evaluate(proposals[static_cast<std::size_t>(index)].candidate, stop);
                std::lock_guard lock(mutex);
                if (!stop.stop_requested())
                    finished.emplace_back(index, std::move(m));
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!error && !stop.stop_requested()) // a cancelled evaluation may end in an error
                    error = std::current_exception();
            }
            ready.notify_one();
        }
        std::lock_guard lock(mutex);
        --running;
        ready.notify_one();
    };
    std::vector<std::jthread> pool;
    for (int t = 0; t < workers; ++t)
        pool.emplace_back(worker);
    std::unique_lock lock(mutex);
    while (true) {
        ready.wait(lock, [&] { return !finished.empty() || running == 0; });
        while (!finished.empty()) {
            auto [index, metrics] = std::move(finished.front());
            finished.pop_front();
            lock.unlock();
            onDone(index, std::move(metrics)); // the journal writes outside the lock
            lock.lock();
        }
        if (running == 0 && finished.empty())
            break;
    }
    lock.unlock();
    pool.clear(); // joins
    if (error)
        std::rethrow_exception(error);
}

// The steady-state loop (RunOptions::steadyState): up to `threads` evaluations in flight at
// every moment; the calling thread asks, commits and tells, the pool evaluates.
SearchOutcome runSteadyState(Optimizer& optimizer, const Problem& problem, const PairEvaluator& evaluator,
                             const RunOptions& options, std::vector<Trial> stored, SearchJournal* journal,
                             std::stop_token stop, const SearchProgressCallback& progress) {
    SearchOutcome outcome;
    Tracker tracker(problem);
    const int threads =
        std::max(1, options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency()));
    const auto started = std::chrono::steady_clock::now();
    auto lastReport = started - std::chrono::seconds(1);
    int evaluatedThisRun = 0, lastPosition = -1;
    auto report = [&](bool replaying, bool force) {
        if (!progress)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - lastReport < std::chrono::milliseconds(200))
            return;
        lastReport = now;
        SearchProgress p;
        p.trials = static_cast<int>(outcome.trials.size());
        p.budget = options.budget;
        p.round = optimizer.round();
        p.hypervolume = tracker.hypervolume();
        p.bestScore = tracker.best();
        p.frontSize = tracker.frontSize();
        p.replaying = replaying;
        p.evaluatedThisRun = evaluatedThisRun;
        p.elapsedSeconds = std::chrono::duration<double>(now - started).count();
        p.lastPosition = lastPosition;
        progress(p);
    };

    // Replay: the stored trials are numbered in the order they were told.
    std::sort(stored.begin(), stored.end(), [](const Trial& a, const Trial& b) { return a.position < b.position; });
    for (Trial& t : stored) {
        optimizer.tellOne(t);
        tracker.add(t);
        outcome.trials.push_back(std::move(t));
        report(true, false);
    }
    report(true, true);

    struct Job {
        Proposal proposal;
        int basis = 0; // trials told before the ask
    };
    std::mutex mutex;
    std::condition_variable work, done;
    std::deque<Job> queue;
    std::deque<std::pair<Job, PairMetrics>> finished;
    std::exception_ptr error;
    bool closing = false;
    auto worker = [&] {
        while (true) {
            Job job;
            {
                std::unique_lock lock(mutex);
                work.wait(lock, [&] { return closing || !queue.empty(); });
                if (queue.empty())
                    break; // closing
                job = std::move(queue.front());
                queue.pop_front();
            }
            // A paused run holds the evaluation before it starts; stopped, it is dropped.
            const bool go = !options.control || options.control->waitWhilePaused(stop);
            PairMetrics metrics;
            try {
                if (go)
                    metrics = evaluator.evaluate(job.proposal.candidate, stop);
            } catch (...) {
                std::lock_guard lock(mutex);
                if (!error && !stop.stop_requested()) // a cancelled evaluation may end in an error
                    error = std::current_exception();
            }
            {
                std::lock_guard lock(mutex);
                finished.emplace_back(std::move(job), std::move(metrics)); // committed unless stopped or failed
            }
            done.notify_one();
        }
    };
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back(worker);
    // Declared after the pool, so destroyed before it: the threads leave before they are
    // joined, also when the journal throws.
    struct Close {
        std::mutex& mutex;
        bool& closing;
        std::condition_variable& work;
        // A constructor, not aggregate initialisation: clang 14 (the sanitized tree) has no
        // parenthesised aggregate initialisation, which std::in_place construction needs.
        Close(std::mutex& m, bool& c, std::condition_variable& w) : mutex(m), closing(c), work(w) {}
        Close(const Close&) = delete;
        Close& operator=(const Close&) = delete;
        ~Close() {
            {
                std::lock_guard lock(mutex);
                closing = true;
            }
            work.notify_all();
        }
    };
    std::optional<Close> close(std::in_place, mutex, closing, work);

    int inFlight = 0; // asked and not yet told (queued or evaluating)
    auto failedOrStopped = [&] {
        std::lock_guard lock(mutex);
        return error != nullptr || stop.stop_requested();
    };
    // Keeps every thread busy: asks while a thread has no evaluation and budget is left.
    auto fill = [&] {
        while (inFlight < threads && static_cast<int>(outcome.trials.size()) + inFlight < options.budget &&
               !optimizer.finished() && !failedOrStopped()) {
            Job job{optimizer.askOne(stop), optimizer.toldOne()};
            if (stop.stop_requested())
                return;
            ++inFlight;
            std::lock_guard lock(mutex);
            queue.push_back(std::move(job));
            work.notify_one();
        }
    };
    fill();
    while (inFlight > 0) {
        std::deque<std::pair<Job, PairMetrics>> ready;
        bool dropping = false;
        {
            std::unique_lock lock(mutex);
            done.wait_for(lock, std::chrono::milliseconds(50), [&] { return !finished.empty(); });
            dropping = error != nullptr || stop.stop_requested();
            if (dropping) { // evaluations not started are dropped; running ones end uncommitted
                inFlight -= static_cast<int>(queue.size());
                queue.clear();
            }
            ready.swap(finished);
        }
        for (auto& [job, metrics] : ready) {
            --inFlight;
            if (dropping || failedOrStopped())
                continue;
            Trial t{static_cast<int>(outcome.trials.size()), job.basis, std::move(job.proposal), std::move(metrics)};
            if (journal)
                journal->record(t);
            tracker.add(t);
            optimizer.tellOne(t);
            ++evaluatedThisRun;
            lastPosition = t.position;
            outcome.trials.push_back(std::move(t));
            report(false, false);
            fill(); // the freed thread gets the next candidate at once
        }
    }
    close.reset();
    pool.clear(); // joins
    if (error)
        std::rethrow_exception(error);
    if (optimizer.finished() && static_cast<int>(outcome.trials.size()) < options.budget)
        outcome.stoppedByRule = true;
    else if (static_cast<int>(outcome.trials.size()) < options.budget)
        outcome.cancelled = true;
    outcome.hypervolume = tracker.hypervolume();
    outcome.front = tracker.front();
    report(false, true);
    return outcome;
}

} // namespace

SearchOutcome runSearch(Optimizer& optimizer, const Problem& problem, const PairEvaluator& evaluator,
                        const RunOptions& options, std::vector<Trial> stored, SearchJournal* journal,
                        std::stop_token stop, const SearchProgressCallback& progress) {
    if (options.steadyState && optimizer.steadyState())
        return runSteadyState(optimizer, problem, evaluator, options, std::move(stored), journal, stop, progress);
    SearchOutcome outcome;
    Tracker tracker(problem);
    const int threads =
        std::max(1, options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency()));
    std::map<int, std::map<int, Trial>> storedRounds; // round → position → trial
    for (Trial& t : stored)
        storedRounds[t.round].emplace(t.position, std::move(t));
    const int lastStoredRound = storedRounds.empty() ? -1 : storedRounds.rbegin()->first;

    const auto started = std::chrono::steady_clock::now();
    auto lastReport = started - std::chrono::seconds(1);
    int evaluatedThisRun = 0, lastPosition = -1;
    int trialsSeen = 0; // told ones and those of the round in flight that finished
    auto report = [&](bool replaying, bool force) {
        if (!progress)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - lastReport < std::chrono::milliseconds(200))
            return;
        lastReport = now;
        SearchProgress p;
        p.trials = std::max(static_cast<int>(outcome.trials.size()), trialsSeen);
        p.budget = options.budget;
        p.round = optimizer.round();
        p.hypervolume = tracker.hypervolume();
        p.bestScore = tracker.best();
        p.frontSize = tracker.frontSize();
        p.replaying = replaying;
        p.evaluatedThisRun = evaluatedThisRun;
        p.elapsedSeconds = std::chrono::duration<double>(now - started).count();
        p.lastPosition = lastPosition;
        progress(p);
    };

    while (true) {
        const int round = optimizer.round();
        const auto storedHere = storedRounds.find(round);
        if (storedHere != storedRounds.end() && round < lastStoredRound) {
            // A complete stored round (a later one exists, so this one was told): replay it.
            std::vector<Trial> trials;
            for (auto& [position, t] : storedHere->second)
                trials.push_back(t);
            optimizer.tell(trials);
            for (Trial& t : trials) {
                tracker.add(t);
                outcome.trials.push_back(std::move(t));
            }
            // Every replayed round reports: a resumed search's hypervolume history is then the
            // same curve as the uninterrupted search's, not one step from the first round to
            // the end of the replay.
            report(true, true);
            continue;
        }
        const int budgetLeft = options.budget - static_cast<int>(outcome.trials.size());
        if (budgetLeft <= 0)
            break;
        if (optimizer.finished()) {
            outcome.stoppedByRule = true;
            break;
        }
        if (options.control && !options.control->waitWhilePaused(stop)) {
            outcome.cancelled = true;
            break;
        }
        if (stop.stop_requested()) {
            outcome.cancelled = true;
            break;
        }
        const std::vector<Proposal> proposals = optimizer.ask(budgetLeft, stop);
        if (stop.stop_requested()) {
            outcome.cancelled = true;
            break;
        }
        if (proposals.empty())
            break;
        const int first = static_cast<int>(outcome.trials.size());
        trialsSeen = first;
        std::vector<std::optional<Trial>> roundTrials(proposals.size());
        std::vector<int> todo;
        for (std::size_t k = 0; k < proposals.size(); ++k) {
            const int position = first + static_cast<int>(k);
            if (storedHere != storedRounds.end()) {
                const auto it = storedHere->second.find(position);
                if (it != storedHere->second.end()) {
                    if (!(it->second.proposal.candidate == proposals[k].candidate))
                        ++outcome.replayMismatches;
                    roundTrials[k] = it->second;
                    tracker.add(it->second);
                    ++trialsSeen;
                    continue;
                }
            }
            todo.push_back(static_cast<int>(k));
        }
        auto commit = [&](Trial t) {
            if (journal)
                journal->record(t);
            tracker.add(t);
            ++trialsSeen;
            ++evaluatedThisRun;
            lastPosition = t.position;
            const auto k = static_cast<std::size_t>(t.position - first);
            roundTrials[k] = std::move(t);
            report(false, false);
        };
        std::map<int, Trial> held;   // commitInOrder: finished, waiting for an earlier one
        std::size_t nextInOrder = 0; // into todo
        evaluateParallel(evaluator, proposals, todo, threads, stop, options.control, [&](int k, PairMetrics metrics) {
            Trial t{first + k, round, proposals[static_cast<std::size_t>(k)], std::move(metrics)};
            if (!options.commitInOrder)
                return commit(std::move(t));
            held.emplace(k, std::move(t));
            for (auto it = held.find(todo[nextInOrder]); it != held.end(); it = held.find(todo[nextInOrder])) {
                commit(std::move(it->second));
                held.erase(it);
                if (++nextInOrder == todo.size())
                    break;
            }
        });
        if (std::any_of(roundTrials.begin(), roundTrials.end(), [](const auto& t) { return !t.has_value(); })) {
            // Cancelled mid-round: what finished is in the journal; the round is not told.
            for (auto& t : roundTrials)
                if (t)
                    outcome.trials.push_back(std::move(*t));
            std::sort(outcome.trials.begin(), outcome.trials.end(),
                      [](const Trial& a, const Trial& b) { return a.position < b.position; });
            outcome.cancelled = true;
            break;
        }
        std::vector<Trial> told;
        for (auto& t : roundTrials)
            told.push_back(std::move(*t));
        optimizer.tell(told);
        for (Trial& t : told)
            outcome.trials.push_back(std::move(t));
        report(false, true);
    }
    outcome.hypervolume = tracker.hypervolume();
    outcome.front = tracker.front();
    report(false, true);
    return outcome;
}

std::vector<int> paretoFront(const std::vector<Trial>& trials, const Problem& problem) {
    std::vector<ObjectiveVector> points;
    std::vector<int> positions;
    for (const Trial& t : trials)
        if (acceptable(t.metrics, problem.objectives)) {
            points.push_back(minimisedObjectives(t.metrics, problem.objectives));
            positions.push_back(t.position);
        }
    std::vector<int> out;
    for (std::size_t i : nonDominatedFront(points))
        out.push_back(positions[i]);
    std::sort(out.begin(), out.end());
    return out;
}

double trialsHypervolume(const std::vector<Trial>& trials, const Problem& problem) {
    std::vector<ObjectiveVector> points;
    for (const Trial& t : trials)
        if (acceptable(t.metrics, problem.objectives))
            points.push_back(normalisedObjectives(t.metrics, problem.objectives, problem.box));
    return hypervolume(points, ObjectiveVector(problem.objectives.metrics.size(), 1.0));
}

} // namespace tcw::search
