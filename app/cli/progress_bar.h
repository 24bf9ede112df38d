// A one-line progress bar on stderr for long commands: fraction, rate, ETA. Redraws at most
// ten times a second; prints nothing when stderr is not a terminal except a final line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tcw::cli {

class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    // done of total units; `extra` is shown after the ETA (e.g. "loss 0.41").
    void update(std::uint64_t done, std::uint64_t total, const std::string& extra = {});
    void finish(const std::string& summary = {});

private:
    std::string m_label;
    std::chrono::steady_clock::time_point m_start, m_lastDraw;
    bool m_terminal = false;
    bool m_drawn = false;
};

std::string formatDuration(double seconds); // "1 h 02 min", "3 min 05 s", "12.3 s"

} // namespace tcw::cli
