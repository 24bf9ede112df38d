// The sampling thread: reads a PowerSource every period and keeps (time, value) samples;
// mark() takes one extra sample at once, so the edges of a measured window are readings, not
// interpolations. Times are seconds since the Unix epoch (system clock), so they line up with
// an external meter's log.
#pragma once

#include "power_source.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace tcw::profile {

double epochSeconds(); // now, seconds since the Unix epoch

class PowerRecorder {
public:
    PowerRecorder(PowerSource& source, double periodSeconds);
    ~PowerRecorder();
    PowerRecorder(const PowerRecorder&) = delete;
    PowerRecorder& operator=(const PowerRecorder&) = delete;

    void start();
    void stop();   // joins the thread (also done by the destructor)
    double mark(); // a sample now; returns its time
    std::vector<PowerSample> samples() const;
    std::string error() const; // the first failed reading, empty when none failed

private:
    void sampleNow();
    void loop();

    PowerSource& m_source;
    double m_period;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
    std::vector<PowerSample> m_samples;
    std::string m_error;
};

} // namespace tcw::profile
