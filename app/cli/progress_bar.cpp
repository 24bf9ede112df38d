// Progress bar for tcw.
#include "progress_bar.h"

#include <cstdio>
#include <unistd.h>

namespace tcw::cli {

ProgressBar::ProgressBar(std::string label)
    : m_label(std::move(label)), m_start(std::chrono::steady_clock::now()), m_terminal(isatty(2) != 0) {}

std::string formatDuration(double seconds) {
    char text[64];
    if (seconds >= 3600)
        std::snprintf(text, sizeof text, "%d h %02d min", int(seconds / 3600), int(seconds / 60) % 60);
    else if (seconds >= 60)
        std::snprintf(text, sizeof text, "%d min %02d s", int(seconds / 60), int(seconds) % 60);
    else
        std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total, const std::string& extra) {
    const auto now = std::chrono::steady_clock::now();
    if (!m_terminal || (m_drawn && now - m_lastDraw < std::chrono::milliseconds(100) && done < total))
        return;
    m_lastDraw = now;
    m_drawn = true;
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0.0;
    constexpr int kWidth = 30;
    std::string bar(kWidth, ' ');
    for (int i = 0; i < int(fraction * kWidth); ++i)
        bar[i] = '#';
    std::fprintf(stderr, "\r%s [%s] %5.1f%%  %llu/%llu  %.0f/s  ETA %s  %s\033[K", m_label.c_str(), bar.c_str(),
                 100 * fraction, static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 elapsed > 0 ? double(done) / elapsed : 0.0, formatDuration(eta).c_str(), extra.c_str());
    std::fflush(stderr);
}

void ProgressBar::finish(const std::string& summary) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    if (m_terminal && m_drawn)
        std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "%s: done in %s%s%s\n", m_label.c_str(), formatDuration(elapsed).c_str(),
                 summary.empty() ? "" : ", ", summary.c_str());
}

} // namespace tcw::cli
