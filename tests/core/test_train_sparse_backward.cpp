// Issue 20: the sparse backward kernels (train/sparse_backward.h) equal the dense matmuls on
// random sparse gradients — several densities (none, a few, half, all non-zero), odd shapes
// that leave partial vectors and blocks — against a double-precision reference and against
// oneDNN; with the AVX-512 and the portable loops; the same bits for 1 and 2 threads.
#include "train/dnnl_context.h"
#include "train/sparse_backward.h"

#include <QtTest>
#include <omp.h>

#include <cmath>
#include <random>
#include <vector>

using namespace tcw::train;

namespace {

struct Shape {
    std::int64_t rows, in, out;
};

std::vector<float> randomSparse(std::int64_t count, double density, std::mt19937& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::bernoulli_distribution keep(density);
    std::vector<float> v(static_cast<std::size_t>(count));
    for (float& x : v)
        x = keep(rng) ? u(rng) : 0.0f;
    return v;
}

std::vector<float> randomDense(std::int64_t count, std::mt19937& rng) {
    return randomSparse(count, 1.0, rng);
}

// |a − b| ≤ tol·(1 + |ref|) elementwise, ref the magnitude scale (Σ|terms|).
bool close(const std::vector<float>& a, const std::vector<double>& ref, const std::vector<double>& scale, double tol,
           QString& why) {
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(double(a[i]) - ref[i]) > tol * (1.0 + scale[i])) {
            why = QStringLiteral("element %1: %2 vs %3").arg(i).arg(a[i]).arg(ref[i]);
            return false;
        }
    return true;
}

} // namespace

class TestTrainSparseBackward : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { omp_set_num_threads(1); }
    void equalToDense_data();
    void equalToDense();
    void sameBitsForAnyThreadCount();
    void densityCountedInTheBiasPass();
};

void TestTrainSparseBackward::equalToDense_data() {
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<qint64>("in");
    QTest::addColumn<qint64>("out");
    QTest::addColumn<double>("density");
    QTest::addColumn<bool>("avx512");
    const Shape shapes[] = {{37, 129, 70}, {1, 17, 1},    {48, 160, 260}, {25, 300, 65},
                            {8, 5, 200},   {130, 64, 64}, {3, 1, 129},    {521, 70, 18}};
    for (const Shape& s : shapes)
        for (double d : {0.0, 0.02, 0.1, 0.2, 0.3, 0.5, 1.0})
            for (bool avx : {false, true})
                QTest::addRow("%lldx%lldx%lld d=%.2f %s", (long long)s.rows, (long long)s.in, (long long)s.out, d,
                              avx ? "avx512" : "portable")
                    << qint64(s.rows) << qint64(s.in) << qint64(s.out) << d << avx;
}

void TestTrainSparseBackward::equalToDense() {
    QFETCH(qint64, rows);
    QFETCH(qint64, in);
    QFETCH(qint64, out);
    QFETCH(double, density);
    QFETCH(bool, avx512);
    if (avx512 && bestSparseIsa() != SparseIsa::Avx512)
        QSKIP("no AVX-512 on this CPU");
    const SparseIsa isa = avx512 ? SparseIsa::Avx512 : SparseIsa::Portable;
    std::mt19937 rng(static_cast<unsigned>(rows * 131 + in * 7 + out + int(density * 100)));
    const auto gy = randomSparse(rows * out, density, rng);
    const auto x = randomDense(rows * in, rng);
    const auto w = randomDense(in * out, rng);
    const auto m = randomDense(rows * in, rng);
    const auto gxStart = randomDense(rows * in, rng);

    // Double-precision references: bias gradient, dW = xᵀ·gy, gx = gy·Wᵀ.
    std::vector<double> bias(out), biasScale(out), dW(in * out), dWScale(in * out), gx(rows * in), gxScale(rows * in);
    std::int64_t nonZeros = 0;
    for (std::int64_t n = 0; n < rows; ++n)
        for (std::int64_t j = 0; j < out; ++j) {
            const double g = gy[n * out + j];
            nonZeros += g != 0.0;
            bias[j] += g;
            biasScale[j] += std::abs(g);
            for (std::int64_t i = 0; i < in; ++i) {
                dW[i * out + j] += x[n * in + i] * g;
                dWScale[i * out + j] += std::abs(x[n * in + i] * g);
                gx[n * in + i] += g * w[i * out + j];
                gxScale[n * in + i] += std::abs(g * w[i * out + j]);
            }
        }

    SparseRows s;
    std::vector<float> biasOut(out, -7.0f);
    QCOMPARE(columnSumsCounting(gy.data(), rows, out, biasOut.data(), s, isa), nonZeros);
    compressRows(gy.data(), s, isa);
    QCOMPARE(s.nonZeros(), nonZeros);
    // Both compressed forms exactly: by rows in column order, by columns in row order.
    std::vector<std::int64_t> rowStart{0}, colStart(out + 1, 0);
    std::vector<std::int32_t> index, row;
    std::vector<float> colValue;
    for (std::int64_t n = 0; n < rows; ++n) {
        for (std::int64_t j = 0; j < out; ++j)
            if (gy[n * out + j] != 0.0f) {
                index.push_back(std::int32_t(j));
            }
        rowStart.push_back(std::int64_t(index.size()));
    }
    for (std::int64_t j = 0; j < out; ++j) {
        for (std::int64_t n = 0; n < rows; ++n)
            if (gy[n * out + j] != 0.0f) {
                row.push_back(std::int32_t(n));
                colValue.push_back(gy[n * out + j]);
            }
        colStart[j + 1] = std::int64_t(row.size());
    }
    QCOMPARE(s.rowStart, rowStart);
    QCOMPARE(s.index, index);
    QCOMPARE(s.dense, gy.data()); // the values are read from gy
    QCOMPARE(s.colStart, colStart);
    QCOMPARE(s.row, row);
    QCOMPARE(s.colValue, colValue);
    QString why;
    QVERIFY2(close(biasOut, bias, biasScale, 1e-5, why), qPrintable(why));

    std::vector<float> scratch, dWOut(in * out, 123.0f);
    sparseWeightGradient(x.data(), in, s, dWOut.data(), scratch, isa);
    QVERIFY2(close(dWOut, dW, dWScale, 1e-5, why), qPrintable("dW " + why));

    std::vector<float> gxOut(rows * in, 55.0f);
    sparseTimesTransposed(s, w.data(), in, gxOut.data(), false, nullptr, scratch, isa);
    QVERIFY2(close(gxOut, gx, gxScale, 1e-5, why), qPrintable("gx " + why));

    // gx += gy·Wᵀ, and gx = (gy·Wᵀ) ⊙ m: the two forms the network asks for.
    std::vector<float> gxAcc = gxStart;
    sparseTimesTransposed(s, w.data(), in, gxAcc.data(), true, nullptr, scratch, isa);
    std::vector<double> acc(gx), accScale(gxScale), times(gx), timesScale(gxScale);
    for (std::size_t i = 0; i < acc.size(); ++i) {
        acc[i] += gxStart[i];
        accScale[i] += std::abs(gxStart[i]);
        times[i] *= m[i];
        timesScale[i] *= std::abs(m[i]);
    }
    QVERIFY2(close(gxAcc, acc, accScale, 1e-5, why), qPrintable("gx += " + why));
    std::vector<float> gxTimes(rows * in, 9.0f);
    sparseTimesTransposed(s, w.data(), in, gxTimes.data(), false, m.data(), scratch, isa);
    QVERIFY2(close(gxTimes, times, timesScale, 1e-5, why), qPrintable("gx ⊙ m " + why));

    // And oneDNN's dense matmuls, as the network runs them, to float tolerance.
    DnnlContext dnnl;
    std::vector<float> dWDense(in * out), gxDense(rows * in);
    dnnl.matmul(dense(x.data(), rows, in).t(), dense(gy.data(), rows, out), dense(dWDense.data(), in, out));
    dnnl.matmul(dense(gy.data(), rows, out), dense(w.data(), in, out).t(), dense(gxDense.data(), rows, in));
    for (std::size_t i = 0; i < dWDense.size(); ++i)
        QVERIFY2(std::abs(dWDense[i] - dWOut[i]) <= 1e-5 * (1.0 + dWScale[i]), qPrintable(QString::number(i)));
    for (std::size_t i = 0; i < gxDense.size(); ++i)
        QVERIFY2(std::abs(gxDense[i] - gxOut[i]) <= 1e-5 * (1.0 + gxScale[i]), qPrintable(QString::number(i)));

    // Steptime3: the tiled kernels sum the same terms in the same order plus the tiles' zeros
    // (each adds ±0), so they equal the per-non-zero kernels as floats (only the sign of a zero
    // sum may differ, and −0 == +0), and the reference to float tolerance. 521 rows: three
    // chunks of 256 for dW, the last partial; partial row tiles, column groups and output blocks.
    SparseRows t;
    std::vector<float> tiledBias(out), tiledScratch, tiledDW(in * out, -3.0f);
    QCOMPARE(columnSumsCounting(gy.data(), rows, out, tiledBias.data(), t, isa), nonZeros);
    tiledWeightGradient(x.data(), in, gy.data(), t, tiledDW.data(), tiledScratch, isa);
    QVERIFY2(close(tiledDW, dW, dWScale, 1e-5, why), qPrintable("tiled dW " + why));
    for (std::size_t i = 0; i < tiledDW.size(); ++i)
        QVERIFY2(tiledDW[i] == dWOut[i],
                 qPrintable(QStringLiteral("tiled dW %1: %2 vs %3").arg(i).arg(tiledDW[i]).arg(dWOut[i])));
    std::vector<float> tiledGx(rows * in, 55.0f), tiledAcc = gxStart, tiledTimes(rows * in, 9.0f);
    tiledTimesTransposed(gy.data(), t, w.data(), in, tiledGx.data(), false, nullptr, tiledScratch, isa);
    tiledTimesTransposed(gy.data(), t, w.data(), in, tiledAcc.data(), true, nullptr, tiledScratch, isa);
    tiledTimesTransposed(gy.data(), t, w.data(), in, tiledTimes.data(), false, m.data(), tiledScratch, isa);
    QVERIFY2(close(tiledGx, gx, gxScale, 1e-5, why), qPrintable("tiled gx " + why));
    QVERIFY2(close(tiledAcc, acc, accScale, 1e-5, why), qPrintable("tiled gx += " + why));
    QVERIFY2(close(tiledTimes, times, timesScale, 1e-5, why), qPrintable("tiled gx ⊙ m " + why));
    for (std::size_t i = 0; i < tiledGx.size(); ++i) {
        QVERIFY2(tiledGx[i] == gxOut[i], qPrintable(QStringLiteral("tiled gx %1").arg(i)));
        QVERIFY2(tiledAcc[i] == gxAcc[i], qPrintable(QStringLiteral("tiled gx += %1").arg(i)));
        QVERIFY2(tiledTimes[i] == gxTimes[i], qPrintable(QStringLiteral("tiled gx ⊙ m %1").arg(i)));
    }
}

void TestTrainSparseBackward::sameBitsForAnyThreadCount() {
    std::mt19937 rng(11);
    const std::int64_t rows = 300, in = 200, out = 333;
    const auto gy = randomSparse(rows * out, 0.1, rng);
    const auto x = randomDense(rows * in, rng);
    const auto w = randomDense(in * out, rng);
    std::vector<float> results[2][5];
    for (int t = 0; t < 2; ++t) {
        omp_set_num_threads(t + 1);
        SparseRows s;
        results[t][0].resize(out);
        columnSumsCounting(gy.data(), rows, out, results[t][0].data(), s);
        compressRows(gy.data(), s);
        std::vector<float> scratch;
        results[t][1].resize(in * out);
        sparseWeightGradient(x.data(), in, s, results[t][1].data(), scratch);
        results[t][2].resize(rows * in);
        sparseTimesTransposed(s, w.data(), in, results[t][2].data(), false, nullptr, scratch);
        results[t][3].resize(in * out); // the tiled kernels (steptime3)
        tiledWeightGradient(x.data(), in, gy.data(), s, results[t][3].data(), scratch);
        results[t][4].resize(rows * in);
        tiledTimesTransposed(gy.data(), s, w.data(), in, results[t][4].data(), false, nullptr, scratch);
    }
    omp_set_num_threads(1);
    for (int k = 0; k < 5; ++k)
        QVERIFY(results[0][k] == results[1][k]);
}

void TestTrainSparseBackward::densityCountedInTheBiasPass() {
    // A hand-made gradient: row 0 has 2 non-zeros, row 1 none, row 2 all 3 (one of them −0,
    // which is zero).
    const std::vector<float> gy = {1.0f, 0.0f, -2.0f, 0.0f, 0.0f, 0.0f, 3.0f, -0.0f, 4.0f};
    for (SparseIsa isa : {SparseIsa::Portable, bestSparseIsa()}) {
        SparseRows s;
        std::vector<float> bias(3);
        QCOMPARE(columnSumsCounting(gy.data(), 3, 3, bias.data(), s, isa), std::int64_t(4));
        QCOMPARE(bias, (std::vector<float>{4.0f, 0.0f, 2.0f}));
        compressRows(gy.data(), s, isa);
        QCOMPARE(s.rowStart, (std::vector<std::int64_t>{0, 2, 2, 4}));
        QCOMPARE(s.index, (std::vector<std::int32_t>{0, 2, 0, 2}));
        QCOMPARE(s.colValue, (std::vector<float>{1.0f, 3.0f, -2.0f, 4.0f}));
    }
}

QTEST_APPLESS_MAIN(TestTrainSparseBackward)
#include "test_train_sparse_backward.moc"
