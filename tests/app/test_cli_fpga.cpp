// Issue 15/16: tcw simulate --target fpga:… end to end — the model's precision (--precision)
// moves the on-chip size and the fit; the numbers are the cost model's (test_fpga_precision
// derives them); --precision on elector and acceltran-fast gives docs/simulator.md's table;
// bad input exits 2 naming what is allowed.
#include "../support/tcw_process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using tcw::testing::runTcw;

class TestCliFpga : public QObject {
    Q_OBJECT

private slots:
    // bert-mini dense (3,145,728 encoder weights) in bitmap + values on the ZCU104: 16 + 1 bits
    // per weight (6.685 MB) do not fit its 4.977 MB, 8 + 1 (3.539 MB) and 1 + 1 (0.786 MB) do.
    void precisionMovesTheFit() {
        const auto f32 = runTcw({"simulate", "--model", "bert-mini", "--target", "fpga:zcu104"});
        QCOMPARE(f32.exitCode, 1);
        QVERIFY2(f32.out.contains("the weights need 6.7 MB on chip in bitmap + values at 16 bits, the part has 5.0 MB"),
                 qPrintable(f32.out));
        for (auto [precision, mb, bits] : {std::tuple{"w8a8", "3.539 MB", 8}, std::tuple{"w1a1", "0.786 MB", 1}}) {
            const auto r =
                runTcw({"simulate", "--model", "bert-mini", "--precision", precision, "--target", "fpga:zcu104"});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains(QStringLiteral("on chip       %1 of 4.977 MB").arg(mb)), qPrintable(r.out));
            const auto j = runTcw(
                {"simulate", "--model", "bert-mini", "--precision", precision, "--target", "fpga:zcu104", "--json"});
            QCOMPARE(j.exitCode, 0);
            const QJsonObject o = QJsonDocument::fromJson(j.out.toUtf8()).object();
            QCOMPARE(o.value("kind").toString(), QStringLiteral("fpgaResult"));
            QCOMPARE(o.value("weightBits").toDouble(), 3145728.0 * (bits + 1));
            QCOMPARE(o.value("matrices").toArray().size(), 24);
            QCOMPARE(o.value("matrices").toArray().at(0).toObject().value("weightBits").toInt(), bits);
        }
    }

    // --precision on an accelerator: docs/simulator.md's BERT-Tiny on edge table (issue 15),
    // elector and acceltran-fast.
    void precisionOnAccelerators() {
        for (auto [precision, cycles, energy] : {std::tuple{"f32", "11,695 cycles", "total 215.8 µJ"},
                                                 std::tuple{"w8a8", "11,277 cycles", "total 185.5 µJ"},
                                                 std::tuple{"w1a1", "11,001 cycles", "total 165.2 µJ"}}) {
            const auto r =
                runTcw({"simulate", "--model", "bert-tiny", "--accelerator", "edge", "--precision", precision});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains(cycles) && r.out.contains(QString::fromUtf8(energy)), qPrintable(r.out));
        }
        const auto fast = runTcw({"simulate", "--model", "bert-tiny", "--accelerator", "edge", "--precision", "w1a1",
                                  "--cost-model", "acceltran-fast"});
        QCOMPARE(fast.exitCode, 0);
        QVERIFY2(fast.out.contains("154,474 cycles"), qPrintable(fast.out));
    }

    void badInputExits2() {
        const auto unknown = runTcw({"simulate", "--model", "bert-tiny", "--target", "fpga:nope"});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("the targets there are") && unknown.err.contains("zcu104"),
                 qPrintable(unknown.err));
        const auto training =
            runTcw({"simulate", "--model", "bert-tiny", "--target", "fpga:u200", "--mode", "training"});
        QCOMPARE(training.exitCode, 2);
        QVERIFY2(training.err.contains("costs inference"), qPrintable(training.err));
        const auto precision =
            runTcw({"simulate", "--model", "bert-tiny", "--precision", "w3a3", "--target", "fpga:u200"});
        QCOMPARE(precision.exitCode, 2);
        QVERIFY2(precision.err.startsWith("--precision: "), qPrintable(precision.err));
    }
};

QTEST_GUILESS_MAIN(TestCliFpga)
#include "test_cli_fpga.moc"
