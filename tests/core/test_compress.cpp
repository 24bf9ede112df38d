// Issue 16: sparse storage formats (exact sizes against the reference note's worked numbers,
// encode → decode round trips) and the pruning pattern engine (exact sparsity per level,
// balance rules, criteria on hand-checked matrices).
#include "compress/block_sparse_kernel.h"
#include "compress/pruning_mask.h"
#include "compress/sparse_format.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <random>
#include <set>

using namespace tcw;
using namespace tcw::compress;

namespace {

std::vector<float> randomWeights(int rows, int cols, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0F, 1.0F);
    std::vector<float> w(std::size_t(rows) * std::size_t(cols));
    for (auto& x : w)
        x = normal(rng);
    return w;
}

PruningPattern preset(const char* name, std::optional<double> s) {
    auto r = pruningPreset(name, s);
    if (!r.pattern)
        qFatal("%s", r.error.c_str());
    return *r.pattern;
}

WeightMask maskOf(const char* name, std::optional<double> s, int rows, int cols, std::uint32_t seed = 1) {
    const auto w = randomWeights(rows, cols, seed);
    return pruneMatrix(preset(name, s), {rows, cols, w.data(), nullptr}).mask;
}

std::size_t keptIn(const WeightMask& m, int r0, int c0, int h, int w) {
    std::size_t n = 0;
    for (int r = r0; r < r0 + h; ++r)
        for (int c = c0; c < c0 + w; ++c)
            n += m.at(r, c) ? 1 : 0;
    return n;
}

} // namespace

class TestCompress : public QObject {
    Q_OBJECT

private slots:
    // The note's worked example: BERT-Base FF1, 768 × 3072, 16-bit values, 90 % unstructured.
    void unstructuredFf1Sizes() {
        const WeightMask mask = maskOf("unstructured", 0.9, 768, 3072);
        QCOMPARE(mask.kept(), std::size_t(235930)); // 2,359,296 − round(0.9 × 2,359,296)
        const MaskCounts c = countMask(mask, 16, 16);
        const FormatParams p{16, 16, 16};
        QCOMPARE(bytesOfBits(formatBits(SparseFormat::Dense, c, p)), std::uint64_t(4608 * 1024));
        QCOMPARE(bytesOfBits(formatBits(SparseFormat::Bitmap, c, p)), std::uint64_t(766772));
        // CSR: 235,930 · (16 + 12) + 769 · 22 = 6,622,958 bits = 827,869.75 bytes = 808.47 KiB.
        QCOMPARE(formatBits(SparseFormat::Csr, c, p), std::uint64_t(6622958));
        QCOMPARE(std::round(double(formatBits(SparseFormat::Csr, c, p)) / 8 / 1024 * 10) / 10, 808.5);
        QCOMPARE(bitmapBitsPerElement(0.9, 16), 2.6);
        QCOMPARE(bitmapBitsPerElement(0.0, 16), 16.0);
    }

    // Two-level with 16×16 blocks: 20 % of the blocks kept, half their columns: 465.5 KiB.
    void hierarchicalFf1TwoLevel() {
        const auto w = randomWeights(768, 3072, 2);
        const MaskResult r = pruneMatrix(preset("hierarchical", 0.9), {768, 3072, w.data(), nullptr});
        QCOMPARE(r.stages.size(), std::size_t(2));
        QCOMPARE(r.stages[0].units, std::uint64_t(9216));   // 48 × 192 blocks
        QCOMPARE(r.stages[0].removed, std::uint64_t(7373)); // round(0.8 × 9216)
        QCOMPARE(r.stages[1].units, std::uint64_t(1843 * 16));
        QCOMPARE(r.stages[1].removed, std::uint64_t(1843 * 8));
        QCOMPARE(r.mask.kept(), std::size_t(1843 * 16 * 8));
        QCOMPARE(std::round(r.mask.sparsity() * 1000) / 10, 90.0);
        const MaskCounts c = countMask(r.mask, 16, 16);
        QCOMPARE(c.keptBlocks, std::uint64_t(1843));
        QCOMPARE(c.keptBlockColumns, std::uint64_t(1843 * 8));
        // 9216 + 1843·16 + 1843·8·16·16 = 3,813,168 bits = 476,646 bytes = 465.47 KiB.
        QCOMPARE(formatBits(SparseFormat::TwoLevel, c, {16, 16, 16}), std::uint64_t(3813168));
        QCOMPARE(std::round(double(bytesOfBits(3813168)) / 1024 * 10) / 10, 465.5);
    }

    // BERT-Base's encoder linear weights: 12 layers × (4 · 768² + 2 · 768 · 3072).
    void bertBaseEncoderBitmapTotals() {
        for (auto [s, bytes, mb] :
             {std::tuple{0.90, std::uint64_t(27603744), 27.6}, std::tuple{0.95, std::uint64_t(19110288), 19.1}}) {
            std::uint64_t bits = 0, weights = 0;
            for (auto [rows, cols, count] : {std::tuple{768, 768, 4}, std::tuple{768, 3072, 2}}) {
                MaskCounts c;
                c.rows = std::uint64_t(rows);
                c.cols = std::uint64_t(cols);
                c.nnz = c.rows * c.cols - std::uint64_t(std::llround(s * double(c.rows * c.cols)));
                bits += 12 * count * formatBits(SparseFormat::Bitmap, c, {16, 16, 16});
                weights += 12 * count * c.rows * c.cols;
            }
            QCOMPARE(weights, std::uint64_t(84934656));
            QCOMPARE(bytesOfBits(bits), bytes);
            QCOMPARE(std::round(double(bytesOfBits(bits)) / 1e5) / 10, mb);
        }
    }

    // Hand-checked 4 × 4 matrix with 2 × 2 blocks, every format's size.
    void smallHandSizes() {
        WeightMask m(4, 4, false);
        m.set(0, 0, true); // block (0,0), column 0
        m.set(1, 1, true); // block (0,0), column 1
        m.set(3, 2, true); // block (1,1), column 0 of the block
        const MaskCounts c = countMask(m, 2, 2);
        QCOMPARE(c.nnz, std::uint64_t(3));
        QCOMPARE(c.keptBlocks, std::uint64_t(2));
        QCOMPARE(c.keptBlockColumns, std::uint64_t(3));
        const FormatParams p{8, 2, 2};
        QCOMPARE(formatBits(SparseFormat::Dense, c, p), std::uint64_t(128));
        QCOMPARE(formatBits(SparseFormat::Bitmap, c, p), std::uint64_t(16 + 24));
        // CSR: 3 · (8 + 2) + 5 · ⌈log₂ 17⌉ = 30 + 25.
        QCOMPARE(formatBits(SparseFormat::Csr, c, p), std::uint64_t(55));
        // BCSR: 2 · (4 · 8 + 1) + 3 · ⌈log₂ 3⌉ = 66 + 6.
        QCOMPARE(formatBits(SparseFormat::Bcsr, c, p), std::uint64_t(72));
        // CBR-style: 2 · (1 + 2 · 2) + 3 · (8 + 1) + 3 · 2 = 10 + 27 + 6.
        QCOMPARE(formatBits(SparseFormat::CbrStyle, c, p), std::uint64_t(43));
        // two-level: 4 + 2 · 2 + 2 · 3 · 8 = 56.
        QCOMPARE(formatBits(SparseFormat::TwoLevel, c, p), std::uint64_t(56));
    }

    // Every format decodes to the matrix it encoded, and its stream is exactly formatBits long.
    void roundTripsOnRandomPatterns() {
        std::mt19937 rng(7);
        int cases = 0;
        for (auto [rows, cols] : {std::pair{16, 32}, std::pair{17, 23}, std::pair{1, 1}, std::pair{40, 8}}) {
            for (double keep : {0.0, 0.05, 0.3, 0.9, 1.0}) {
                for (int bits : {1, 5, 16, 32}) {
                    for (auto [br, bc] : {std::pair{4, 4}, std::pair{3, 5}, std::pair{1, 8}}) {
                        WeightMask mask(rows, cols, false);
                        std::bernoulli_distribution kept(keep);
                        for (auto& k : mask.keep)
                            k = kept(rng) ? 1 : 0;
                        std::vector<std::uint32_t> codes(mask.size());
                        std::uniform_int_distribution<std::uint64_t> code(0, bits == 32 ? 0xFFFFFFFFULL
                                                                                        : (1ULL << bits) - 1);
                        for (auto& v : codes)
                            v = std::uint32_t(code(rng));
                        const FormatParams p{bits, br, bc};
                        const MaskCounts counts = countMask(mask, br, bc);
                        for (SparseFormat f : allSparseFormats()) {
                            const EncodedMatrix e = encode(f, mask, codes, p);
                            QCOMPARE(e.bitCount, formatBits(f, counts, p));
                            const DecodedMatrix d = decode(e);
                            for (int r = 0; r < rows; ++r)
                                for (int c = 0; c < cols; ++c) {
                                    const std::size_t i = std::size_t(r) * std::size_t(cols) + std::size_t(c);
                                    QCOMPARE(d.codes[i], mask.at(r, c) ? codes[i] : 0U);
                                    if (mask.at(r, c))
                                        QVERIFY(d.mask.at(r, c)); // a kept element is stored
                                }
                            if (f == SparseFormat::Bitmap || f == SparseFormat::Csr || f == SparseFormat::CbrStyle)
                                QCOMPARE(d.mask, mask);
                            ++cases;
                        }
                    }
                }
            }
        }
        QCOMPARE(cases, 4 * 5 * 4 * 3 * 6);
        // A structured mask round-trips with its structure: two-level stores exactly its columns.
        const WeightMask hp = maskOf("hierarchical", 0.75, 64, 64, 3);
        std::vector<std::uint32_t> codes(hp.size(), 0);
        for (std::size_t i = 0; i < codes.size(); ++i)
            codes[i] = std::uint32_t(i % 65536);
        QCOMPARE(decode(encode(SparseFormat::TwoLevel, hp, codes, {16, 16, 16})).mask, hp);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, encode(SparseFormat::Bitmap, hp, codes, {8, 16, 16}));
    }

    // 80 % of 100 blocks, then half the columns of every kept block: exactly 90.0 %.
    void hierarchicalExactPerLevel() {
        const auto w = randomWeights(160, 160, 4);
        const MaskResult r = pruneMatrix(preset("hierarchical", 0.9), {160, 160, w.data(), nullptr});
        QCOMPARE(r.stages[0].removed, std::uint64_t(80));
        QCOMPARE(r.mask.kept(), std::size_t(160 * 160 / 10));
        QCOMPARE(r.mask.sparsity(), 0.9);
        int keptBlocks = 0;
        for (int br = 0; br < 10; ++br)
            for (int bc = 0; bc < 10; ++bc) {
                const std::size_t n = keptIn(r.mask, br * 16, bc * 16, 16, 16);
                if (n == 0)
                    continue;
                ++keptBlocks;
                int columns = 0;
                for (int j = 0; j < 16; ++j) {
                    const std::size_t col = keptIn(r.mask, br * 16, bc * 16 + j, 16, 1);
                    QVERIFY(col == 0 || col == 16); // whole column segments
                    columns += col == 16 ? 1 : 0;
                }
                QCOMPARE(columns, 8); // balanced: every kept block keeps 8 of its 16 columns
            }
        QCOMPARE(keptBlocks, 20);
        // The blocks kept are the 20 of largest L2 norm.
        std::vector<std::pair<double, int>> norms;
        for (int b = 0; b < 100; ++b) {
            double s = 0;
            for (int i = 0; i < 16; ++i)
                for (int j = 0; j < 16; ++j) {
                    const float x = w[std::size_t((b / 10) * 16 + i) * 160 + std::size_t((b % 10) * 16 + j)];
                    s += double(x) * x;
                }
            norms.emplace_back(s, b);
        }
        std::sort(norms.begin(), norms.end());
        for (int k = 80; k < 100; ++k)
            QVERIFY(keptIn(r.mask, (norms[std::size_t(k)].second / 10) * 16, (norms[std::size_t(k)].second % 10) * 16,
                           16, 16) > 0);
    }

    void balanceRulesHoldExactly() {
        // block-balanced: every block row keeps the same number of blocks.
        const WeightMask bb = maskOf("block-balanced", 0.75, 64, 128, 5);
        for (int br = 0; br < 4; ++br) {
            int kept = 0;
            for (int bc = 0; bc < 8; ++bc)
                kept += keptIn(bb, br * 16, bc * 16, 16, 16) > 0 ? 1 : 0;
            QCOMPARE(kept, 2);
        }
        // column-balanced-block: every 16×16 tile keeps 4 of its columns.
        const WeightMask cb = maskOf("column-balanced-block", 0.75, 32, 64, 6);
        for (int br = 0; br < 2; ++br)
            for (int bc = 0; bc < 4; ++bc)
                QCOMPARE(keptIn(cb, br * 16, bc * 16, 16, 16), std::size_t(4 * 16));
        // 2:4: two of every four consecutive weights down a column.
        const WeightMask nm = maskOf("2:4", std::nullopt, 64, 48, 7);
        for (int r = 0; r < 64; r += 4)
            for (int c = 0; c < 48; ++c)
                QCOMPARE(keptIn(nm, r, c, 4, 1), std::size_t(2));
        QCOMPARE(nm.sparsity(), 0.5);
        // Element stages balanced per row and per PE group.
        const auto w = randomWeights(30, 40, 8);
        const WeightMask perRow =
            pruneMatrix({{{PruningLevel::Element, 0.7, BalanceRule::PerRow, PruningCriterion::L1, 0, 0}}},
                        {30, 40, w.data(), nullptr})
                .mask;
        for (int r = 0; r < 30; ++r)
            QCOMPARE(keptIn(perRow, r, 0, 1, 40), std::size_t(12));
        const WeightMask perPe =
            pruneMatrix({{{PruningLevel::Element, 0.5, BalanceRule::PerPeGroup, PruningCriterion::L1, 0, 0}}},
                        {30, 40, w.data(), nullptr}, {1, false, 4})
                .mask;
        for (int pe = 0; pe < 4; ++pe) {
            std::size_t kept = 0;
            for (int c = pe; c < 40; c += 4)
                kept += keptIn(perPe, 0, c, 30, 1);
            QCOMPARE(kept, std::size_t(150)); // 300 weights per PE, half kept
        }
        // Heads: 2 of 8 heads (column bands) removed whole; along rows for the output matrix.
        const auto hw = randomWeights(16, 64, 9);
        const PruningPattern heads{{{PruningLevel::Head, 0.25, BalanceRule::None, PruningCriterion::L2, 0, 0}}};
        const WeightMask hm = pruneMatrix(heads, {16, 64, hw.data(), nullptr}, {8, false, 1}).mask;
        int removedHeads = 0;
        for (int h = 0; h < 8; ++h) {
            const std::size_t n = keptIn(hm, 0, h * 8, 16, 8);
            QVERIFY(n == 0 || n == 128);
            removedHeads += n == 0 ? 1 : 0;
        }
        QCOMPARE(removedHeads, 2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 pruneMatrix(heads, {16, 64, hw.data(), nullptr}, {6, false, 1}));
        const WeightMask hr = pruneMatrix(heads, {64, 16, hw.data(), nullptr}, {8, true, 1}).mask;
        QCOMPARE(hr.kept(), std::size_t(6 * 8 * 16));
    }

    // Criteria on a hand-made 2 × 4 matrix, rows as units.
    void criteriaRankAsDefined() {
        // row 0: 3, 0, 0, 0   (L1 3, L2 3,    max 3)
        // row 1: 1, 1, 1, 1   (L1 4, L2 2,    max 1)
        const std::vector<float> w{3, 0, 0, 0, 1, 1, 1, 1};
        // gradients: row 0 −1 → |Σwg| = 3; row 1 +1, −1, +1, −1 → 0.
        const std::vector<float> g{-1, 0, 0, 0, 1, -1, 1, -1};
        auto survivor = [&](PruningCriterion c) {
            const PruningPattern p{{{PruningLevel::Row, 0.5, BalanceRule::None, c, 0, 0}}};
            const WeightMask m = pruneMatrix(p, {2, 4, w.data(), g.data()}).mask;
            return m.at(0, 0) ? 0 : 1;
        };
        QCOMPARE(survivor(PruningCriterion::L1), 1);
        QCOMPARE(survivor(PruningCriterion::L2), 0);
        QCOMPARE(survivor(PruningCriterion::Magnitude), 0);
        QCOMPARE(survivor(PruningCriterion::Taylor), 0);
        const PruningPattern taylor{{{PruningLevel::Row, 0.5, BalanceRule::None, PruningCriterion::Taylor, 0, 0}}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, pruneMatrix(taylor, {2, 4, w.data(), nullptr}));
    }

    // A layer stage removes whole matrices across layers, then the rest runs per matrix.
    void layerStageAcrossLayers() {
        std::vector<std::vector<float>> weights;
        std::vector<MatrixView> views;
        for (int l = 0; l < 4; ++l) {
            weights.push_back(randomWeights(8, 8, 10 + std::uint32_t(l)));
            for (auto& x : weights.back())
                x *= float(l + 1); // layer 0 smallest
        }
        for (auto& w : weights)
            views.push_back({8, 8, w.data(), nullptr});
        const PruningPattern p{{{PruningLevel::Layer, 0.25, BalanceRule::None, PruningCriterion::L1, 0, 0},
                                {PruningLevel::Element, 0.5, BalanceRule::None, PruningCriterion::Magnitude, 0, 0}}};
        const auto r = pruneLayers(p, views);
        QCOMPARE(r[0].mask.kept(), std::size_t(0));
        for (int l = 1; l < 4; ++l)
            QCOMPARE(r[std::size_t(l)].mask.kept(), std::size_t(32));
        QCOMPARE(r[1].stages[0].removed, std::uint64_t(1));
    }

    // The block-sparse kernel and the CSR peer give the dense product of the masked matrix.
    void kernelsEqualDense() {
        for (auto [K, N, T, pattern, s] :
             {std::tuple{64, 96, 13, "block-16x16", 0.75}, std::tuple{128, 64, 24, "hierarchical", 0.9},
              std::tuple{32, 48, 1, "unstructured", 0.5}, std::tuple{48, 32, 37, "block-balanced", 0.0}}) {
            const auto w = randomWeights(K, N, 11);
            const auto x = randomWeights(T, K, 12);
            const WeightMask mask = pruneMatrix(preset(pattern, s), {K, N, w.data(), nullptr}).mask;
            std::vector<double> expected(std::size_t(T) * std::size_t(N), 0.0);
            for (int t = 0; t < T; ++t)
                for (int k = 0; k < K; ++k)
                    for (int n = 0; n < N; ++n)
                        if (mask.at(k, n))
                            expected[std::size_t(t * N + n)] +=
                                double(x[std::size_t(t * K + k)]) * double(w[std::size_t(k * N + n)]);
            const BlockSparseMatrix packed = packBlockSparse(w, mask);
            QCOMPARE(packed.keptBlocks(), std::size_t(countMask(mask, 16, 16).keptBlocks));
            const CsrMatrix csr = packCsr(w, mask);
            for (int threads : {1, 2, 3}) {
                std::vector<float> y(expected.size(), -1.0F), z(expected.size(), -1.0F);
                blockSparseMatmul(packed, x, y, T, threads);
                csrMatmul(csr, x, z, T);
                for (std::size_t i = 0; i < y.size(); ++i) {
                    QVERIFY2(std::abs(y[i] - expected[i]) <= 1e-4 * (1 + std::abs(expected[i])), pattern);
                    QVERIFY2(std::abs(z[i] - expected[i]) <= 1e-4 * (1 + std::abs(expected[i])), pattern);
                }
            }
        }
        WeightMask odd(20, 16);
        std::vector<float> w(odd.size(), 1.0F);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, packBlockSparse(w, odd));
    }

    void presetsAndErrors() {
        QVERIFY(pruningPreset("2:4", 0.5).pattern);
        QVERIFY(pruningPreset("2:4", 0.6).error.find("has sparsity") != std::string::npos);
        QVERIFY(pruningPreset("4:2", std::nullopt).error.find("1 ≤ N < M") != std::string::npos);
        QVERIFY(pruningPreset("block", 0.5).error.find("is not a pattern") != std::string::npos);
        QVERIFY(pruningPreset("unstructured", std::nullopt).error.find("needs a target sparsity") != std::string::npos);
        const auto b = pruningPreset("block-32x8", 0.5).pattern;
        QVERIFY(b);
        QCOMPARE(b->stages[0].blockRows, 32);
        QCOMPARE(b->stages[0].blockCols, 8);
        const auto h = pruningPreset("hierarchical", 0.75).pattern;
        QVERIFY(h && h->stages.size() == 2);
        QCOMPARE(h->stages[0].ratio, 0.5);
        QCOMPARE(h->stages[1].ratio, 0.5);
        // Each preset validates as a CompressionSpec pattern.
        for (const char* name :
             {"unstructured", "block-16x16", "block-balanced", "column-balanced-block", "2:4", "hierarchical"}) {
            CompressionSpec spec;
            spec.pruning[std::size_t(WeightMatrix::FeedForward)] =
                *pruningPreset(name, std::string_view(name) == "2:4" ? std::optional<double>() : 0.9).pattern;
            QVERIFY2(validate(spec, 2).empty(), name);
        }
    }
};

QTEST_APPLESS_MAIN(TestCompress)
#include "test_compress.moc"
