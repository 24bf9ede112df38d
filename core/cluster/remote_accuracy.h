// A search's accuracies computed on the other MPI ranks. Rank 0 runs the optimiser, the
// simulator (microseconds) and the only workspace connection; the accuracy — a training run
// with trained accuracies, the predictor otherwise — is the part worth spreading, so rank 0's
// evaluator asks a RemoteAccuracy, which hands each model to a worker rank with a free slot
// and waits for its answer. Workers run serveSearch(). A model already being trained is not
// sent twice: later trials wait for the first and share its run, as in one process.
#pragma once

#include "mpi_runtime.h"
#include "wire.h"

#include "search/accuracy.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace tcw::cluster {

class RemoteAccuracy : public search::AccuracyOracle {
public:
    explicit RemoteAccuracy(Mpi& mpi);
    ~RemoteAccuracy() override; // shutdown()

    // Sends the set-up to every worker and waits until each is ready; throws
    // std::runtime_error with the first worker's error (e.g. its data set is missing).
    void connect(const SearchSetup& setup);
    // Tells every worker to leave (after connect(); idempotent).
    void shutdown();

    // Throws search::EvaluationFailed with the worker's message when its evaluation failed.
    search::AccuracyEstimate estimate(const TransformerSpec& model, std::stop_token stop) const override;
    bool expensive() const override { return m_expensive; }
    std::string describe() const override { return m_description; }

    struct Load {
        int workers = 0;      // ranks that evaluate
        int slots = 0;        // evaluations they run at once, in all
        int busy = 0;         // slots with a job
        int finished = 0;     // jobs answered
        int failed = 0;       // of which with an error
        double perMinute = 0; // answered jobs per minute since connect()
    };
    Load load() const;

private:
    struct Job {
        std::uint64_t id = 0;
        std::string modelJson;
        std::promise<search::AccuracyEstimate> result;
    };
    void dispatch(); // the thread that makes every MPI call after connect()

    Mpi& m_mpi;
    search::TrainingSettings m_training;
    bool m_expensive = false;
    std::string m_description;
    int m_slotsPerWorker = 1;

    mutable std::mutex m_mutex;
    mutable std::deque<Job> m_queue;
    mutable std::uint64_t m_nextJob = 1;
    mutable std::map<std::string, std::shared_future<search::AccuracyEstimate>> m_shared;      // training key → run
    std::map<std::uint64_t, std::pair<int, std::promise<search::AccuracyEstimate>>> m_running; // job → (rank, …)
    std::vector<int> m_busy;                                                                   // per rank
    int m_finished = 0, m_failed = 0;
    std::chrono::steady_clock::time_point m_connected;
    std::atomic<bool> m_quit{false};
    std::thread m_dispatcher;
};

// A worker rank of a distributed search: waits for rank 0's set-up, builds the same accuracy
// oracle a one-process search would, answers jobs on `slots` threads until told to stop.
// Returns the process's exit status.
int serveSearch(Mpi& mpi);

} // namespace tcw::cluster
