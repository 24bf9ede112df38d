// Pause and resume for long jobs (training, search) that run on a worker thread. The job
// calls waitWhilePaused() at its safe points (between training steps, before an evaluation
// starts); the controlling thread calls pause() / resume(). Stopping stays with the job's
// std::stop_token: a paused job wakes up as soon as its stop is requested, so "stop while
// paused" never hangs. Pausing changes nothing a job computes: a run paused any number of
// times ends exactly as an uninterrupted one.
#pragma once

#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace tcw {

class RunControl {
public:
    void pause() {
        std::lock_guard lock(m_mutex);
        m_paused = true;
    }
    void resume() {
        {
            std::lock_guard lock(m_mutex);
            m_paused = false;
        }
        m_changed.notify_all();
    }
    bool paused() const {
        std::lock_guard lock(m_mutex);
        return m_paused;
    }

    // Blocks while paused, until resume() or until stop is requested. True when the job
    // should go on, false when it should stop.
    bool waitWhilePaused(std::stop_token stop) {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, stop, [this] { return !m_paused; });
        return !stop.stop_requested();
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable_any m_changed;
    bool m_paused = false;
};

} // namespace tcw
