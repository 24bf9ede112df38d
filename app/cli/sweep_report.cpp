// Streaming summary and CSV of `tcw sweep` (see sweep_report.h).
#include "sweep_report.h"

#include "search/pareto.h"

#include <algorithm>
#include <cstdio>

namespace tcw::cli {

namespace {

const io::CsvRow kHeader = {"index",
                            "tile_b",
                            "tile_x",
                            "tile_y",
                            "pe",
                            "lanes_per_pe",
                            "mac_per_lane",
                            "softmax_per_pe",
                            "batch_size",
                            "activation_buffer_mb",
                            "weight_buffer_mb",
                            "mask_buffer_mb",
                            "main_memory",
                            "feasible",
                            "cycles",
                            "latency_s",
                            "energy_dynamic_nj",
                            "energy_leakage_nj",
                            "energy_total_nj",
                            "area_mm2",
                            "peak_power_mw",
                            "mac_utilisation",
                            "pareto"};

std::string num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", v);
    return std::string(text);
}

} // namespace

SweepReport::SweepReport(const AcceleratorSpace& space, double clockMHz, const std::string& out)
    : m_space(space), m_clockMHz(clockMHz) {
    if (!out.empty())
        m_csv = std::make_unique<io::CsvFileWriter>(out, kHeader);
}

void SweepReport::add(std::span<const SweepPoint> points) {
    // The batch's rows go to the file with pareto = 0; the members of the final front get
    // their 1 in finish(). The front is updated per batch: the non-dominated set of (front so
    // far, then the batch's feasible points) — with the first of equal points kept, as the
    // front of all points in index order would keep it.
    std::vector<ObjectiveVector> objectives;
    std::vector<Member> candidates;
    objectives.reserve(m_front.size() + points.size());
    for (const Member& m : m_front)
        objectives.push_back({double(m.point.cycles), m.point.totalEnergyNJ(), m.point.areaMM2});
    std::size_t members = m_front.size();
    std::vector<Member> batch;
    for (const SweepPoint& p : points) {
        ++m_evaluated;
        std::uint64_t paretoOffset = 0;
        if (m_csv) {
            const auto a = m_space.at(p.index);
            const auto offsets = m_csv->writeRow({std::to_string(p.index),
                                                  std::to_string(a.tileB),
                                                  std::to_string(a.tileX),
                                                  std::to_string(a.tileY),
                                                  std::to_string(a.peCount),
                                                  std::to_string(a.lanesPerPe),
                                                  std::to_string(a.macsPerLane),
                                                  std::to_string(a.softmaxPerPe),
                                                  std::to_string(a.batchSize),
                                                  num(a.activationBufferMB),
                                                  num(a.weightBufferMB),
                                                  num(a.maskBufferMB),
                                                  a.mainMemory.key(),
                                                  p.feasible ? "1" : "0",
                                                  std::to_string(p.cycles),
                                                  num(double(p.cycles) / (m_clockMHz * 1e6)),
                                                  num(p.dynamicEnergyNJ),
                                                  num(p.leakageEnergyNJ),
                                                  num(p.totalEnergyNJ()),
                                                  num(p.areaMM2),
                                                  num(p.peakPowerMW),
                                                  num(p.macUtilisation),
                                                  "0"});
            if (!offsets.empty())
                paretoOffset = offsets.back();
        }
        if (!p.feasible)
            continue;
        ++m_feasible;
        objectives.push_back({double(p.cycles), p.totalEnergyNJ(), p.areaMM2});
        batch.push_back({p, paretoOffset});
    }
    if (batch.empty())
        return;
    std::vector<Member> front;
    for (std::size_t k : nonDominatedFront(objectives))
        front.push_back(k < members ? m_front[k] : batch[k - members]);
    m_front = std::move(front);
}

std::vector<SweepPoint> SweepReport::front() const {
    std::vector<SweepPoint> out;
    for (const Member& m : m_front)
        out.push_back(m.point);
    // std::sort as the whole-space version did, on the same sequence, so ties come out alike.
    std::sort(out.begin(), out.end(), [](const SweepPoint& x, const SweepPoint& y) { return x.cycles < y.cycles; });
    return out;
}

io::FileErrors SweepReport::finish() {
    if (!m_csv)
        return {};
    for (const Member& m : m_front)
        m_csv->patch(m.paretoOffset, "1");
    return m_csv->finish();
}

} // namespace tcw::cli
