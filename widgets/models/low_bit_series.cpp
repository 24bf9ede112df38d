#include "low_bit_series.h"

#include <algorithm>

namespace tcw::models {

void LowBitSeries::clear() {
    m_latest.reset();
    m_scales.clear();
    m_split.clear();
}

ScaleSample scaleSampleOf(qint64 step, const LowBitSnapshot& snapshot) {
    ScaleSample s;
    s.step = step;
    for (const auto& w : snapshot.weights)
        if (w.scale > 0) // float16 weights have no scale
            s.scales.emplace_back(w.tensor, w.scale);
    for (const auto& a : snapshot.activations)
        if (a.scale > 0) // 0 before the quantizer's first forward
            s.scales.emplace_back(a.name, a.scale);
    return s;
}

void LowBitSeries::apply(const std::optional<LowBitSnapshot>& snapshot, const std::vector<ScaleSample>& scales,
                         const std::vector<LossSplitSample>& split) {
    if (snapshot)
        m_latest = snapshot;
    for (const auto& sample : scales)
        for (const auto& [name, scale] : sample.scales)
            m_scales[name].emplace_back(sample.step, scale);
    m_split.insert(m_split.end(), split.begin(), split.end());
}

std::optional<LowBitSeries::Clipped> LowBitSeries::clipped() const {
    if (!m_latest || m_latest->activations.empty())
        return std::nullopt;
    Clipped c;
    double sum = 0;
    for (const auto& a : m_latest->activations) {
        sum += a.clippedFraction;
        if (c.maxName.isEmpty() || a.clippedFraction > c.max) {
            c.max = a.clippedFraction;
            c.maxName = a.name;
        }
    }
    c.mean = sum / double(m_latest->activations.size());
    return c;
}

} // namespace tcw::models
