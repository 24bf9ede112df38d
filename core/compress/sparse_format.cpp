// Exact sizes, encoders and decoders of the sparse storage formats (sparse_format.h).
#include "sparse_format.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tcw::compress {

namespace {

constexpr std::array<std::string_view, kSparseFormatCount> kNames = {"dense", "bitmap", "csr",
                                                                     "bcsr",  "cbr",    "two-level"};
constexpr std::array<std::string_view, kSparseFormatCount> kLabels = {"dense", "bitmap + values", "CSR",
                                                                      "BCSR",  "CBR-style",       "two-level"};
constexpr std::array<SparseFormat, kSparseFormatCount> kAll = {SparseFormat::Dense,    SparseFormat::Bitmap,
                                                               SparseFormat::Csr,      SparseFormat::Bcsr,
                                                               SparseFormat::CbrStyle, SparseFormat::TwoLevel};

std::uint64_t ceilDiv(std::uint64_t a, std::uint64_t b) {
    return (a + b - 1) / b;
}

class BitWriter {
public:
    void put(std::uint64_t value, int bits) {
        for (int i = 0; i < bits; ++i) {
            if (count_ % 64 == 0)
                words_.push_back(0);
            if ((value >> i) & 1U)
                words_.back() |= std::uint64_t(1) << (count_ % 64);
            ++count_;
        }
    }
    std::uint64_t count() const { return count_; }
    std::vector<std::uint64_t> take() { return std::move(words_); }

private:
    std::vector<std::uint64_t> words_;
    std::uint64_t count_ = 0;
};

class BitReader {
public:
    BitReader(const std::vector<std::uint64_t>& words, std::uint64_t count) : words_(words), count_(count) {}
    std::uint64_t get(int bits) {
        if (position_ + std::uint64_t(bits) > count_)
            throw std::runtime_error("sparse format: the stream ends before its last field");
        std::uint64_t value = 0;
        for (int i = 0; i < bits; ++i, ++position_)
            if ((words_[position_ / 64] >> (position_ % 64)) & 1U)
                value |= std::uint64_t(1) << i;
        return value;
    }
    bool atEnd() const { return position_ == count_; }

private:
    const std::vector<std::uint64_t>& words_;
    std::uint64_t count_;
    std::uint64_t position_ = 0;
};

void checkParams(const FormatParams& p) {
    if (p.valueBits < 1 || p.valueBits > 32)
        throw std::invalid_argument("sparse format: valueBits must be 1 to 32, got " + std::to_string(p.valueBits));
    if (p.blockRows < 1 || p.blockCols < 1)
        throw std::invalid_argument("sparse format: blockRows and blockCols must be at least 1");
}

// The block grid of a matrix (edge blocks padded).
struct Grid {
    std::uint64_t blockRowCount, blockColCount;
};
Grid gridOf(std::uint64_t rows, std::uint64_t cols, const FormatParams& p) {
    return {ceilDiv(rows, std::uint64_t(p.blockRows)), ceilDiv(cols, std::uint64_t(p.blockCols))};
}

} // namespace

std::string_view sparseFormatName(SparseFormat f) {
    return kNames[std::size_t(f)];
}
std::string_view sparseFormatLabel(SparseFormat f) {
    return kLabels[std::size_t(f)];
}
std::optional<SparseFormat> sparseFormatFromName(std::string_view name) {
    for (std::size_t i = 0; i < kSparseFormatCount; ++i)
        if (kNames[i] == name)
            return SparseFormat(i);
    return std::nullopt;
}
std::span<const SparseFormat> allSparseFormats() {
    return kAll;
}

int bitsFor(std::uint64_t n) {
    int bits = 0;
    while (bits < 64 && (std::uint64_t(1) << bits) < n)
        ++bits;
    return bits;
}

MaskCounts countMask(const WeightMask& mask, int blockRows, int blockCols) {
    MaskCounts c;
    c.rows = std::uint64_t(mask.rows);
    c.cols = std::uint64_t(mask.cols);
    c.nnz = mask.kept();
    const FormatParams p{16, blockRows, blockCols};
    checkParams(p);
    const Grid g = gridOf(c.rows, c.cols, p);
    for (std::uint64_t br = 0; br < g.blockRowCount; ++br)
        for (std::uint64_t bc = 0; bc < g.blockColCount; ++bc) {
            std::uint64_t keptColumns = 0;
            for (int j = 0; j < blockCols; ++j) {
                const std::uint64_t col = bc * std::uint64_t(blockCols) + std::uint64_t(j);
                if (col >= c.cols)
                    break;
                for (int i = 0; i < blockRows; ++i) {
                    const std::uint64_t row = br * std::uint64_t(blockRows) + std::uint64_t(i);
                    if (row < c.rows && mask.at(int(row), int(col))) {
                        ++keptColumns;
                        break;
                    }
                }
            }
            if (keptColumns > 0) {
                ++c.keptBlocks;
                c.keptBlockColumns += keptColumns;
            }
        }
    return c;
}

std::uint64_t formatBits(SparseFormat f, const MaskCounts& c, const FormatParams& p) {
    checkParams(p);
    const std::uint64_t b = std::uint64_t(p.valueBits);
    const std::uint64_t br = std::uint64_t(p.blockRows), bc = std::uint64_t(p.blockCols);
    const Grid g = gridOf(c.rows, c.cols, p);
    const std::uint64_t pointers = (g.blockRowCount + 1) * std::uint64_t(bitsFor(c.keptBlocks + 1));
    switch (f) {
    case SparseFormat::Dense:
        return c.rows * c.cols * b;
    case SparseFormat::Bitmap:
        return c.rows * c.cols + c.nnz * b;
    case SparseFormat::Csr:
        return c.nnz * (b + std::uint64_t(bitsFor(c.cols))) +
               (c.rows + 1) * std::uint64_t(bitsFor(c.rows * c.cols + 1));
    case SparseFormat::Bcsr:
        return c.keptBlocks * (br * bc * b + std::uint64_t(bitsFor(g.blockColCount))) + pointers;
    case SparseFormat::CbrStyle:
        return c.keptBlocks * (std::uint64_t(bitsFor(g.blockColCount)) + br * std::uint64_t(bitsFor(bc + 1))) +
               c.nnz * (b + std::uint64_t(bitsFor(bc))) + pointers;
    case SparseFormat::TwoLevel:
        return g.blockRowCount * g.blockColCount + c.keptBlocks * bc + br * c.keptBlockColumns * b;
    }
    return 0;
}

FormatSizes formatSizes(const MaskCounts& counts, const FormatParams& p) {
    FormatSizes out;
    for (SparseFormat f : allSparseFormats()) {
        out.bits[std::size_t(f)] = formatBits(f, counts, p);
        if (out.of(f) < out.of(out.smallest))
            out.smallest = f;
    }
    return out;
}

double bitmapBitsPerElement(double sparsity, int valueBits) {
    return std::min(double(valueBits), (1.0 - sparsity) * valueBits + 1.0);
}

EncodedMatrix encode(SparseFormat f, const WeightMask& mask, std::span<const std::uint32_t> codes,
                     const FormatParams& p) {
    checkParams(p);
    if (codes.size() != mask.size())
        throw std::invalid_argument("sparse format: " + std::to_string(codes.size()) + " values for a " +
                                    std::to_string(mask.rows) + "×" + std::to_string(mask.cols) + " mask");
    const std::uint64_t limit = p.valueBits == 32 ? ~std::uint64_t(0) : (std::uint64_t(1) << p.valueBits) - 1;
    for (auto v : codes)
        if (v > limit)
            throw std::invalid_argument("sparse format: a value code does not fit in " + std::to_string(p.valueBits) +
                                        " bits");
    const std::uint64_t M = std::uint64_t(mask.rows), N = std::uint64_t(mask.cols);
    const int b = p.valueBits;
    const Grid g = gridOf(M, N, p);
    auto value = [&](std::uint64_t r, std::uint64_t c) -> std::uint64_t {
        return (r < M && c < N && mask.at(int(r), int(c))) ? codes[r * N + c] : 0;
    };
    auto keptAt = [&](std::uint64_t r, std::uint64_t c) { return r < M && c < N && mask.at(int(r), int(c)); };
    auto blockKept = [&](std::uint64_t bi, std::uint64_t bj) {
        for (int i = 0; i < p.blockRows; ++i)
            for (int j = 0; j < p.blockCols; ++j)
                if (keptAt(bi * p.blockRows + i, bj * p.blockCols + j))
                    return true;
        return false;
    };
    auto columnKept = [&](std::uint64_t bi, std::uint64_t c) {
        for (int i = 0; i < p.blockRows; ++i)
            if (keptAt(bi * p.blockRows + i, c))
                return true;
        return false;
    };

    EncodedMatrix out;
    out.format = f;
    out.rows = mask.rows;
    out.cols = mask.cols;
    out.params = p;
    BitWriter w;
    switch (f) {
    case SparseFormat::Dense:
        for (std::uint64_t r = 0; r < M; ++r)
            for (std::uint64_t c = 0; c < N; ++c)
                w.put(value(r, c), b);
        break;
    case SparseFormat::Bitmap:
        for (std::uint64_t r = 0; r < M; ++r)
            for (std::uint64_t c = 0; c < N; ++c)
                w.put(keptAt(r, c) ? 1 : 0, 1);
        for (std::uint64_t r = 0; r < M; ++r)
            for (std::uint64_t c = 0; c < N; ++c)
                if (keptAt(r, c))
                    w.put(value(r, c), b);
        break;
    case SparseFormat::Csr: {
        const int pointerBits = bitsFor(M * N + 1), columnBits = bitsFor(N);
        std::uint64_t running = 0;
        w.put(0, pointerBits);
        for (std::uint64_t r = 0; r < M; ++r) {
            for (std::uint64_t c = 0; c < N; ++c)
                running += keptAt(r, c) ? 1 : 0;
            w.put(running, pointerBits);
        }
        for (std::uint64_t r = 0; r < M; ++r)
            for (std::uint64_t c = 0; c < N; ++c)
                if (keptAt(r, c)) {
                    w.put(c, columnBits);
                    w.put(value(r, c), b);
                }
        break;
    }
    case SparseFormat::Bcsr:
    case SparseFormat::CbrStyle: {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> kept;
        std::vector<std::uint64_t> rowPointer{0};
        for (std::uint64_t bi = 0; bi < g.blockRowCount; ++bi) {
            for (std::uint64_t bj = 0; bj < g.blockColCount; ++bj)
                if (blockKept(bi, bj))
                    kept.emplace_back(bi, bj);
            rowPointer.push_back(kept.size());
        }
        out.keptBlocks = kept.size();
        const int pointerBits = bitsFor(kept.size() + 1), blockColumnBits = bitsFor(g.blockColCount);
        for (auto ptr : rowPointer)
            w.put(ptr, pointerBits);
        for (auto [bi, bj] : kept) {
            w.put(bj, blockColumnBits);
            if (f == SparseFormat::Bcsr) {
                for (int i = 0; i < p.blockRows; ++i)
                    for (int j = 0; j < p.blockCols; ++j)
                        w.put(value(bi * p.blockRows + i, bj * p.blockCols + j), b);
                continue;
            }
            const int countBits = bitsFor(std::uint64_t(p.blockCols) + 1), inBlockBits = bitsFor(p.blockCols);
            for (int i = 0; i < p.blockRows; ++i) {
                std::uint64_t n = 0;
                for (int j = 0; j < p.blockCols; ++j)
                    n += keptAt(bi * p.blockRows + i, bj * p.blockCols + j) ? 1 : 0;
                w.put(n, countBits);
            }
            for (int i = 0; i < p.blockRows; ++i)
                for (int j = 0; j < p.blockCols; ++j)
                    if (keptAt(bi * p.blockRows + i, bj * p.blockCols + j)) {
                        w.put(std::uint64_t(j), inBlockBits);
                        w.put(value(bi * p.blockRows + i, bj * p.blockCols + j), b);
                    }
        }
        break;
    }
    case SparseFormat::TwoLevel: {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> kept;
        for (std::uint64_t bi = 0; bi < g.blockRowCount; ++bi)
            for (std::uint64_t bj = 0; bj < g.blockColCount; ++bj) {
                const bool k = blockKept(bi, bj);
                w.put(k ? 1 : 0, 1);
                if (k)
                    kept.emplace_back(bi, bj);
            }
        for (auto [bi, bj] : kept)
            for (int j = 0; j < p.blockCols; ++j)
                w.put(columnKept(bi, bj * p.blockCols + j) ? 1 : 0, 1);
        for (auto [bi, bj] : kept)
            for (int j = 0; j < p.blockCols; ++j) {
                const std::uint64_t c = bj * p.blockCols + j;
                if (!columnKept(bi, c))
                    continue;
                for (int i = 0; i < p.blockRows; ++i)
                    w.put(value(bi * p.blockRows + i, c), b);
            }
        out.keptBlocks = kept.size();
        break;
    }
    }
    out.bitCount = w.count();
    out.words = w.take();
    return out;
}

DecodedMatrix decode(const EncodedMatrix& e) {
    checkParams(e.params);
    const FormatParams& p = e.params;
    const std::uint64_t M = std::uint64_t(e.rows), N = std::uint64_t(e.cols);
    const int b = p.valueBits;
    const Grid g = gridOf(M, N, p);
    DecodedMatrix out{WeightMask(e.rows, e.cols, false), std::vector<std::uint32_t>(M * N, 0)};
    auto store = [&](std::uint64_t r, std::uint64_t c, std::uint64_t v) {
        if (r < M && c < N) {
            out.mask.set(int(r), int(c), true);
            out.codes[r * N + c] = std::uint32_t(v);
        }
    };
    BitReader in(e.words, e.bitCount);
    switch (e.format) {
    case SparseFormat::Dense:
        for (std::uint64_t r = 0; r < M; ++r)
            for (std::uint64_t c = 0; c < N; ++c)
                store(r, c, in.get(b));
        break;
    case SparseFormat::Bitmap: {
        std::vector<std::uint8_t> bits(M * N);
        for (auto& k : bits)
            k = std::uint8_t(in.get(1));
        for (std::uint64_t i = 0; i < M * N; ++i)
            if (bits[i])
                store(i / N, i % N, in.get(b));
        break;
    }
    case SparseFormat::Csr: {
        const int pointerBits = bitsFor(M * N + 1), columnBits = bitsFor(N);
        std::vector<std::uint64_t> pointer(M + 1);
        for (auto& ptr : pointer)
            ptr = in.get(pointerBits);
        for (std::uint64_t r = 0; r < M; ++r)
            for (std::uint64_t k = pointer[r]; k < pointer[r + 1]; ++k) {
                const std::uint64_t c = in.get(columnBits);
                store(r, c, in.get(b));
            }
        break;
    }
    case SparseFormat::Bcsr:
    case SparseFormat::CbrStyle: {
        const int pointerBits = bitsFor(e.keptBlocks + 1), blockColumnBits = bitsFor(g.blockColCount);
        std::vector<std::uint64_t> pointer(g.blockRowCount + 1);
        for (auto& ptr : pointer)
            ptr = in.get(pointerBits);
        for (std::uint64_t bi = 0; bi < g.blockRowCount; ++bi)
            for (std::uint64_t k = pointer[bi]; k < pointer[bi + 1]; ++k) {
                const std::uint64_t bj = in.get(blockColumnBits);
                if (e.format == SparseFormat::Bcsr) {
                    for (int i = 0; i < p.blockRows; ++i)
                        for (int j = 0; j < p.blockCols; ++j)
                            store(bi * p.blockRows + i, bj * p.blockCols + j, in.get(b));
                    continue;
                }
                const int countBits = bitsFor(std::uint64_t(p.blockCols) + 1), inBlockBits = bitsFor(p.blockCols);
                std::vector<std::uint64_t> perRow(std::size_t(p.blockRows));
                for (auto& n : perRow)
                    n = in.get(countBits);
                for (int i = 0; i < p.blockRows; ++i)
                    for (std::uint64_t n = 0; n < perRow[std::size_t(i)]; ++n) {
                        const std::uint64_t j = in.get(inBlockBits);
                        store(bi * p.blockRows + i, bj * p.blockCols + j, in.get(b));
                    }
            }
        break;
    }
    case SparseFormat::TwoLevel: {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> kept;
        for (std::uint64_t bi = 0; bi < g.blockRowCount; ++bi)
            for (std::uint64_t bj = 0; bj < g.blockColCount; ++bj)
                if (in.get(1))
                    kept.emplace_back(bi, bj);
        std::vector<std::uint8_t> columns(kept.size() * std::size_t(p.blockCols));
        for (auto& k : columns)
            k = std::uint8_t(in.get(1));
        for (std::size_t k = 0; k < kept.size(); ++k)
            for (int j = 0; j < p.blockCols; ++j) {
                if (!columns[k * std::size_t(p.blockCols) + std::size_t(j)])
                    continue;
                for (int i = 0; i < p.blockRows; ++i)
                    store(kept[k].first * p.blockRows + i, kept[k].second * p.blockCols + j, in.get(b));
            }
        break;
    }
    }
    if (!in.atEnd())
        throw std::runtime_error("sparse format: bits left over after the last field");
    return out;
}

} // namespace tcw::compress
