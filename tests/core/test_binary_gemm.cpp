// Issue 15: the XNOR-popcount GEMM (scalar and AVX-512 kernels) and the oneDNN s8 matmul are
// bit-exact against a plain integer reference, on shapes that cover every block remainder
// (M not a multiple of the 6-row block, N not a multiple of 8 or 16, K not a multiple of 64)
// and on BERT-Tiny's shapes.
#include "train/binary_gemm.h"
#include "train/low_bit_quantizers.h"

#include <QtTest>

#include <random>

using namespace tcw::train;

namespace {

struct Shape {
    std::int64_t m, n, k;
};

const Shape kShapes[] = {{1, 1, 1},     {1, 8, 64},    {7, 9, 63},      {6, 16, 65},     {13, 24, 127},  {5, 3, 200},
                         {12, 40, 512}, {11, 17, 771}, {128, 128, 128}, {128, 512, 128}, {128, 128, 512}};

std::vector<float> randomFloats(std::size_t n, std::mt19937_64& rng) {
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v)
        x = d(rng);
    // Exact zeros binarize to +1: put some in.
    for (std::size_t i = 0; i < n; i += 17)
        v[i] = 0.0f;
    return v;
}

std::vector<std::int32_t> referenceSigns(const std::vector<float>& a, const std::vector<float>& w, const Shape& s) {
    std::vector<std::int32_t> c(std::size_t(s.m * s.n));
    for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) {
            std::int32_t dot = 0;
            for (std::int64_t k = 0; k < s.k; ++k)
                dot += std::int32_t(binarySign(a[std::size_t(i * s.k + k)])) *
                       std::int32_t(binarySign(w[std::size_t(j * s.k + k)]));
            c[std::size_t(i * s.n + j)] = dot;
        }
    return c;
}

} // namespace

class TestBinaryGemm : public QObject {
    Q_OBJECT
private slots:
    void xnorGemmIsExact_data();
    void xnorGemmIsExact();
    void packingIsSignBits();
    void mismatchedKIsRefused();
    void int8MatmulIsExact_data();
    void int8MatmulIsExact();
};

void TestBinaryGemm::xnorGemmIsExact_data() {
    QTest::addColumn<int>("kernel");
    QTest::newRow("scalar") << int(BinaryKernel::Scalar);
    QTest::newRow("avx512") << int(BinaryKernel::Avx512);
}

void TestBinaryGemm::xnorGemmIsExact() {
    QFETCH(int, kernel);
    if (BinaryKernel(kernel) == BinaryKernel::Avx512 && !avx512BinaryAvailable())
        QSKIP("this processor lacks AVX-512 VPOPCNTDQ");
    std::mt19937_64 rng(5);
    for (const Shape& s : kShapes) {
        const auto a = randomFloats(std::size_t(s.m * s.k), rng);
        const auto w = randomFloats(std::size_t(s.n * s.k), rng);
        PackedRows pa;
        packSignRows(a.data(), s.m, s.k, pa);
        const PackedWeights pw = packSignWeights(w.data(), s.n, s.k);
        // Sentinel past the end: the masked stores write no column beyond n.
        std::vector<std::int32_t> c(std::size_t(s.m * s.n) + 8, 12345);
        binaryGemm(pa, pw, c.data(), BinaryKernel(kernel));
        const auto want = referenceSigns(a, w, s);
        for (std::size_t i = 0; i < want.size(); ++i)
            if (c[i] != want[i])
                QFAIL(qPrintable(QString("shape %1×%2×%3, entry %4: %5, expected %6")
                                     .arg(s.m)
                                     .arg(s.n)
                                     .arg(s.k)
                                     .arg(i)
                                     .arg(c[i])
                                     .arg(want[i])));
        for (std::size_t i = want.size(); i < c.size(); ++i)
            QCOMPARE(c[i], 12345);
    }
}

void TestBinaryGemm::packingIsSignBits() {
    // k = 70: the second word holds 6 bits; 1 = negative, 0 and +0 are +1, padding stays 0.
    std::vector<float> x(70, 1.0f);
    x[0] = -1.0f;
    x[3] = 0.0f;
    x[63] = -2.0f;
    x[64] = -0.5f;
    x[69] = -3.0f;
    PackedRows p;
    packSignRows(x.data(), 1, 70, p);
    QCOMPARE(p.wordsPerRow, std::int64_t(2));
    QCOMPARE(p.words[0], (std::uint64_t(1) << 63) | 1u);
    QCOMPARE(p.words[1], std::uint64_t(0b100001));
    const auto w = packSignWeights(x.data(), 1, 70);
    QCOMPARE(w.words.size(), std::size_t(2 * 8));
    QCOMPARE(w.words[0], p.words[0]);
    QCOMPARE(w.words[8], p.words[1]);
    QCOMPARE(w.words[1], std::uint64_t(0)); // lane 1: a padding row
}

void TestBinaryGemm::mismatchedKIsRefused() {
    PackedRows a;
    std::vector<float> x(10, 1.0f);
    packSignRows(x.data(), 1, 10, a);
    const auto w = packSignWeights(x.data(), 1, 9);
    std::int32_t c = 0;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, binaryGemm(a, w, &c));
}

void TestBinaryGemm::int8MatmulIsExact_data() {
    QTest::addColumn<bool>("ternary");
    QTest::newRow("binary weights") << false;
    QTest::newRow("ternary weights") << true;
}

void TestBinaryGemm::int8MatmulIsExact() {
    QFETCH(bool, ternary);
    std::mt19937_64 rng(ternary ? 9 : 8);
    std::uniform_int_distribution<int> act(-128, 127);
    std::uniform_int_distribution<int> weight(ternary ? -1 : 0, 1);
    for (const Shape& s : {Shape{7, 9, 63}, Shape{32, 48, 256}, Shape{128, 128, 512}}) {
        std::vector<std::int8_t> a(std::size_t(s.m * s.k)), w(std::size_t(s.n * s.k));
        for (auto& v : a)
            v = std::int8_t(act(rng));
        for (auto& v : w) {
            const int d = weight(rng);
            v = std::int8_t(ternary ? d : (d ? 1 : -1));
        }
        Int8Matmul mm(s.m, s.n, s.k, w.data());
        std::vector<std::int32_t> c(std::size_t(s.m * s.n));
        mm.run(a.data(), c.data());
        for (std::int64_t i = 0; i < s.m; ++i)
            for (std::int64_t j = 0; j < s.n; ++j) {
                std::int32_t dot = 0;
                for (std::int64_t k = 0; k < s.k; ++k)
                    dot += std::int32_t(a[std::size_t(i * s.k + k)]) * std::int32_t(w[std::size_t(j * s.k + k)]);
                QCOMPARE(c[std::size_t(i * s.n + j)], dot);
            }
    }
}

QTEST_APPLESS_MAIN(TestBinaryGemm)
#include "test_binary_gemm.moc"
