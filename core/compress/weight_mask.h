// A keep/prune mask over one weight matrix, row-major. Rows × columns follow the matrix as
// the formats see it (BERT-Base's first feed-forward matrix: 768 × 3072).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tcw::compress {

struct WeightMask {
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> keep; // rows·cols entries, 1 kept, 0 pruned

    WeightMask() = default;
    WeightMask(int r, int c, bool kept = true)
        : rows(r), cols(c), keep(std::size_t(r) * std::size_t(c), kept ? 1 : 0) {}

    bool operator==(const WeightMask&) const = default;

    std::size_t size() const { return keep.size(); }
    bool at(int r, int c) const { return keep[std::size_t(r) * std::size_t(cols) + std::size_t(c)] != 0; }
    void set(int r, int c, bool kept) { keep[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = kept ? 1 : 0; }
    std::size_t kept() const {
        std::size_t n = 0;
        for (auto k : keep)
            n += k;
        return n;
    }
    double sparsity() const { return keep.empty() ? 0.0 : 1.0 - double(kept()) / double(keep.size()); }
};

} // namespace tcw::compress
