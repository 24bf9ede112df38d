// Rank 0's remote accuracy oracle and the worker ranks' loop (see remote_accuracy.h).
#include "remote_accuracy.h"

#include "io/search_json.h"
#include "search/pair_evaluator.h"

#include <stdexcept>

namespace tcw::cluster {

namespace {

// Sleeps between polls when nothing happened, a little longer each time (50 µs … 1 ms), so an
// idle rank costs no CPU and a busy one answers at once.
class Backoff {
public:
    void idle() {
        std::this_thread::sleep_for(m_pause);
        m_pause = std::min(m_pause * 2, std::chrono::microseconds(1000));
    }
    void busy() { m_pause = std::chrono::microseconds(50); }

private:
    std::chrono::microseconds m_pause{50};
};

} // namespace

RemoteAccuracy::RemoteAccuracy(Mpi& mpi) : m_mpi(mpi), m_busy(static_cast<std::size_t>(mpi.size()), 0) {}

RemoteAccuracy::~RemoteAccuracy() {
    shutdown();
}

void RemoteAccuracy::connect(const SearchSetup& setup) {
    m_training = setup.config.training;
    m_expensive = setup.config.accuracy == search::AccuracySourceKind::Trained;
    m_slotsPerWorker = std::max(1, setup.slots);
    const std::string bytes = encodeSetup(setup);
    for (int rank = 1; rank < m_mpi.size(); ++rank)
        m_mpi.send(rank, kSetupTag, bytes);
    std::string error;
    for (int ready = 1; ready < m_mpi.size(); ++ready) {
        const Message m = m_mpi.wait();
        Reader r(m.bytes, "set-up answer of rank " + std::to_string(m.source));
        const bool ok = r.u64() != 0;
        const std::string text = r.text();
        if (!ok && error.empty())
            error = "rank " + std::to_string(m.source) + ": " + text;
        if (ok && m.source == 1)
            m_description = text;
    }
    m_quit = false;
    m_connected = std::chrono::steady_clock::now();
    m_dispatcher = std::thread([this] { dispatch(); });
    if (!error.empty())
        throw std::runtime_error(error);
}

void RemoteAccuracy::shutdown() {
    if (!m_dispatcher.joinable())
        return;
    m_quit = true;
    m_dispatcher.join();
}

search::AccuracyEstimate RemoteAccuracy::estimate(const TransformerSpec& model, std::stop_token stop) const {
    std::shared_future<search::AccuracyEstimate> answer;
    bool first = true;
    {
        std::lock_guard lock(m_mutex);
        const std::string key = m_expensive ? io::trainingKeyJson(model, m_training) : std::string();
        if (const auto it = m_expensive ? m_shared.find(key) : m_shared.end(); it != m_shared.end()) {
            answer = it->second;
            first = false;
        } else {
            Job job;
            job.id = m_nextJob++;
            job.modelJson = encodeModel(model);
            answer = job.result.get_future().share();
            m_queue.push_back(std::move(job));
            if (m_expensive)
                m_shared.emplace(key, answer);
        }
    }
    while (answer.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready)
        if (stop.stop_requested())
            return {};                         // the search is stopping; the runner drops this evaluation
    search::AccuracyEstimate e = answer.get(); // rethrows EvaluationFailed
    if (!first && e.training) {
        // Trained for an earlier trial of this search: stored with that trial.
        auto shared = std::make_shared<search::TrainingOutcome>(*e.training);
        if (!shared->cachedRunId)
            shared->cachedRunId = -1;
        e.training = std::move(shared);
    }
    return e;
}

RemoteAccuracy::Load RemoteAccuracy::load() const {
    std::lock_guard lock(m_mutex);
    Load l;
    l.workers = m_mpi.size() - 1;
    l.slots = l.workers * m_slotsPerWorker;
    for (int b : m_busy)
        l.busy += b;
    l.finished = m_finished;
    l.failed = m_failed;
    const double minutes = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_connected).count() / 60.0;
    l.perMinute = minutes > 0 ? m_finished / minutes : 0;
    return l;
}

void RemoteAccuracy::dispatch() {
    Backoff backoff;
    while (!m_quit) {
        bool active = false;
        {
            // Hand queued jobs to the least busy ranks with a free slot.
            std::lock_guard lock(m_mutex);
            while (!m_queue.empty()) {
                int rank = -1;
                for (int r = 1; r < m_mpi.size(); ++r)
                    if (m_busy[r] < m_slotsPerWorker && (rank < 0 || m_busy[r] < m_busy[rank]))
                        rank = r;
                if (rank < 0)
                    break;
                Job job = std::move(m_queue.front());
                m_queue.pop_front();
                Writer w;
                w.u64(job.id);
                w.text(job.modelJson);
                m_mpi.send(rank, kEstimateTag, w.take());
                ++m_busy[rank];
                m_running.emplace(job.id, std::make_pair(rank, std::move(job.result)));
                active = true;
            }
        }
        while (auto m = m_mpi.poll()) {
            active = true;
            if (m->tag != kResultTag)
                continue;
            Reader r(m->bytes, "result from rank " + std::to_string(m->source));
            const std::uint64_t id = r.u64();
            const bool ok = r.u64() != 0;
            std::lock_guard lock(m_mutex);
            const auto it = m_running.find(id);
            if (it == m_running.end())
                continue;
            --m_busy[it->second.first];
            ++m_finished;
            try {
                if (ok) {
                    it->second.second.set_value(readEstimate(r));
                } else {
                    ++m_failed;
                    throw search::EvaluationFailed("rank " + std::to_string(m->source) + ": " + r.text());
                }
            } catch (...) {
                it->second.second.set_exception(std::current_exception());
            }
            m_running.erase(it);
        }
        if (active)
            backoff.busy();
        else
            backoff.idle();
    }
    for (int rank = 1; rank < m_mpi.size(); ++rank)
        m_mpi.send(rank, kStopTag, {});
    while (!m_mpi.progress())
        backoff.idle();
}

int serveSearch(Mpi& mpi) {
    Message first = mpi.wait();
    if (first.tag == kStopTag)
        return 0; // rank 0 could not set the search up; it reports why
    std::shared_ptr<const search::AccuracyOracle> oracle;
    int slots = 1;
    {
        Writer answer;
        try {
            SearchSetup setup = decodeSetup(first.bytes);
            slots = std::max(1, setup.slots);
            oracle = codesign::makeAccuracyOracle(setup.config, std::move(setup.inputs));
            answer.u64(1);
            answer.text(oracle->describe());
        } catch (const std::exception& e) {
            answer.u64(0);
            answer.text(std::string(e.what()) + " (on " + mpi.host() + ")");
        }
        mpi.send(0, kReadyTag, answer.take());
    }

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::pair<std::uint64_t, std::string>> jobs; // id, model JSON
    std::deque<std::string> results;
    bool leaving = false;
    std::stop_source stopJobs;
    std::vector<std::jthread> pool;
    if (oracle)
        for (int s = 0; s < slots; ++s)
            pool.emplace_back([&] {
                while (true) {
                    std::pair<std::uint64_t, std::string> job;
                    {
                        std::unique_lock lock(mutex);
                        wake.wait(lock, [&] { return leaving || !jobs.empty(); });
                        if (leaving)
                            return;
                        job = std::move(jobs.front());
                        jobs.pop_front();
                    }
                    Writer w;
                    w.u64(job.first);
                    try {
                        const search::AccuracyEstimate e =
                            oracle->estimate(decodeModel(job.second), stopJobs.get_token());
                        w.u64(1);
                        writeEstimate(w, e);
                    } catch (const std::exception& e) {
                        Writer failed;
                        failed.u64(job.first);
                        failed.u64(0);
                        failed.text(e.what());
                        w = std::move(failed);
                    }
                    std::lock_guard lock(mutex);
                    results.push_back(w.take());
                }
            });

    Backoff backoff;
    while (true) {
        bool active = false;
        if (auto m = mpi.poll()) {
            active = true;
            if (m->tag == kStopTag)
                break;
            if (m->tag == kEstimateTag) {
                Reader r(m->bytes, "job from rank 0");
                const std::uint64_t id = r.u64();
                std::string model = r.text();
                if (!oracle) { // set-up failed: every job fails with that message
                    Writer w;
                    w.u64(id);
                    w.u64(0);
                    w.text("this worker could not set the search up");
                    mpi.send(0, kResultTag, w.take());
                } else {
                    std::lock_guard lock(mutex);
                    jobs.emplace_back(id, std::move(model));
                    wake.notify_one();
                }
            }
        }
        std::deque<std::string> ready;
        {
            std::lock_guard lock(mutex);
            ready.swap(results);
        }
        for (auto& bytes : ready) {
            mpi.send(0, kResultTag, std::move(bytes));
            active = true;
        }
        if (active)
            backoff.busy();
        else
            backoff.idle();
    }
    {
        std::lock_guard lock(mutex);
        leaving = true;
    }
    stopJobs.request_stop();
    wake.notify_all();
    pool.clear();
    return 0;
}

} // namespace tcw::cluster
