// The sampling thread (power_recorder.h).
#include "power_recorder.h"

#include <chrono>

namespace tcw::profile {

double epochSeconds() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

PowerRecorder::PowerRecorder(PowerSource& source, double periodSeconds)
    : m_source(source), m_period(periodSeconds > 0 ? periodSeconds : 0.1) {}

PowerRecorder::~PowerRecorder() {
    stop();
}

void PowerRecorder::start() {
    if (m_thread.joinable())
        return;
    m_stopping = false;
    sampleNow();
    m_thread = std::thread([this] { loop(); });
}

void PowerRecorder::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
        sampleNow();
    }
}

double PowerRecorder::mark() {
    sampleNow();
    std::lock_guard lock(m_mutex);
    return m_samples.empty() ? epochSeconds() : m_samples.back().timeSeconds;
}

std::vector<PowerSample> PowerRecorder::samples() const {
    std::lock_guard lock(m_mutex);
    return m_samples;
}

std::string PowerRecorder::error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
}

// The source is read and the sample stored under one lock, so samples stay in time order and
// a counter's running total is never read from two threads at once.
void PowerRecorder::sampleNow() {
    std::lock_guard lock(m_mutex);
    const auto value = m_source.read();
    const double t = epochSeconds();
    if (value)
        m_samples.push_back({t, *value});
    else if (m_error.empty())
        m_error = m_source.lastError();
}

void PowerRecorder::loop() {
    using namespace std::chrono;
    auto next = steady_clock::now();
    for (;;) {
        next += duration_cast<steady_clock::duration>(duration<double>(m_period));
        {
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_until(lock, next, [this] { return m_stopping; }))
                return;
        }
        sampleNow();
    }
}

} // namespace tcw::profile
