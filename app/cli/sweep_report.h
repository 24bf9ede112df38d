// What `tcw sweep` keeps of a sweep while it streams by: counts, the Pareto-optimal feasible
// accelerators in (latency, total energy, area), and the CSV rows written as they arrive.
// Memory grows with the front, not with the space; the CSV's "pareto" column is patched in
// place for the final front when the sweep ends.
#pragma once

#include "design/design_space.h"
#include "io/csv.h"
#include "sim/sweep.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tcw::cli {

class SweepReport {
public:
    // out: the CSV to write (empty: none); clockMHz turns cycles into latency_s.
    SweepReport(const AcceleratorSpace& space, double clockMHz, const std::string& out);

    // Points in index order (consecutive batches; gaps allowed after a stop).
    void add(std::span<const SweepPoint> points);

    std::uint64_t evaluated() const { return m_evaluated; }
    std::uint64_t feasible() const { return m_feasible; }
    // The front, fastest first (sorted from index order, as before streaming).
    std::vector<SweepPoint> front() const;

    // Marks the front in the CSV and moves it into place; the file's errors (none without --out).
    io::FileErrors finish();
    const io::FileErrors* csvErrors() const { return m_csv ? &m_csv->errors() : nullptr; }
    std::uint64_t rowsWritten() const { return m_csv ? m_csv->rows() : 0; }

private:
    struct Member {
        SweepPoint point;
        std::uint64_t paretoOffset = 0; // where its CSV "pareto" field lies
    };
    const AcceleratorSpace& m_space;
    double m_clockMHz;
    std::unique_ptr<io::CsvFileWriter> m_csv;
    std::vector<Member> m_front; // in index order
    std::uint64_t m_evaluated = 0, m_feasible = 0;
};

} // namespace tcw::cli
