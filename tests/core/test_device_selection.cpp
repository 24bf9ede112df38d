// Issue 16: device selection under LC and AC on a small synthetic catalogue whose latencies
// are worked out by hand from the fpga model's equations (docs/simulator.md, FPGA targets).
#include "search/device_selection.h"

#include <QtTest>

using namespace tcw;
using namespace tcw::search;

namespace {

// 2 PEs of 16 lanes at 100 MHz, dense-free bandwidth; weights in bitmap + values, or dense.
FpgaSpec smallFpga(double onChipBits) {
    FpgaSpec f;
    f.name = "fpga";
    f.peCount = 2;
    f.macsPerPe = 16;
    f.clockMHz = 100;
    f.offChipBandwidthGBps = 1000;
    f.onChipMemoryBits = onChipBits;
    f.weightFormat = 1;
    return f;
}

SelectionInput input() {
    SelectionInput in;
    // One layer: H 32, 2 heads of 16, FF 64: Q, K, V, O 32 × 32, FF 32 × 64 and 64 × 32
    // (8,192 weights). 16 tokens: one pass of 16 lanes.
    in.model = uniformTransformer(1, 32, 2, 64);
    in.task.sequenceLength = 16;
    in.task.vocabularySize = 100;
    in.batch = 1;
    in.latencyLimitSeconds = 30e-6;
    in.accuracyLimit = 0.85;
    in.order = "price";
    in.settings = {{"dense", 0, 16}, {"unstructured", 0.5, 16}, {"unstructured", 0.75, 16}};
    FpgaSpec broken = smallFpga(1e9);
    broken.dspSlices = 16; // 2 × 16 × 1 = 32 DSPs needed
    in.catalogue = {
        {"elector-edge", Target(AcceleratorSpec{}), {{"price", 300}}},
        {"mid-fpga", Target(smallFpga(1e6)), {{"price", 200}}},
        {"cheap-fpga", Target(smallFpga(50000)), {{"price", 100}}},
        {"broken-fpga", Target(broken), {{"price", 50}}},
    };
    return in;
}

std::optional<double> oracle(const CompressionSetting& s) {
    if (s.pattern == "dense")
        return 0.90;
    return s.sparsity == 0.5 ? 0.88 : 0.80;
}

} // namespace

class TestDeviceSelection : public QObject {
    Q_OBJECT

private slots:
    void handComputedCatalogue() {
        const TechnologyLibrary tech = electorTechnology14nm();
        const SelectionResult r = selectDevice(input(), oracle, tech);
        QVERIFY(r.errors.empty());
        QCOMPARE(r.rankedEntries, (std::vector<std::size_t>{3, 2, 1, 0}));
        // mid-fpga, dense: per PE 512 cycles for each 32 × 32 matrix (4), 1024 for each FF
        // matrix (2): 4096 cycles = 40.96 µs at 100 MHz.
        const auto& midDense = r.cells[1][0];
        QCOMPARE(*midDense.latencySeconds, 4096 / 100e6);
        QVERIFY(!midDense.feasible);
        QCOMPARE(midDense.reasons, std::vector<std::string>{"latency 0.04096 ms above LC 0.03 ms by 0.01096 ms"});
        // 50 %: half the values per PE (the 512-bit bitmap decodes in 8 cycles): 20.48 µs.
        QCOMPARE(*r.cells[1][1].latencySeconds, 2048 / 100e6);
        QVERIFY(r.cells[1][1].feasible);
        QCOMPARE(*r.cells[1][2].latencySeconds, 1024 / 100e6);
        QCOMPARE(r.cells[1][2].reasons, std::vector<std::string>{"accuracy 0.8 below AC 0.85 by 0.05"});
        // cheap-fpga, 50,000 bits on chip: dense 131,072 and 50 % 73,728 bits do not fit;
        // 75 % (40,960 bits) fits and is fast enough but not accurate enough.
        QCOMPARE(r.cells[2][0].reasons.size(), std::size_t(1));
        QVERIFY(r.cells[2][0].reasons[0].find("cannot run: the weights need") == 0);
        QVERIFY(!r.cells[2][1].feasible);
        QCOMPARE(*r.cells[2][2].latencySeconds, 1024 / 100e6);
        QCOMPARE(r.cells[2][2].reasons, std::vector<std::string>{"accuracy 0.8 below AC 0.85 by 0.05"});
        // broken-fpga: its DSPs cannot hold the PEs, every setting says so.
        for (const auto& cell : r.cells[3]) {
            QVERIFY(!cell.feasible);
            QVERIFY(cell.reasons.back().find("cannot run: peCount: PEs × MAC lanes × DSPs per MAC = 32") == 0);
        }
        // The cheapest with a feasible setting: mid-fpga at 50 %, margins 9.52 µs and 0.03.
        QCOMPARE(r.chosenEntry, std::optional<std::size_t>(1));
        QCOMPARE(r.chosenSetting, std::optional<std::size_t>(1));
        QCOMPARE(r.latencyMarginSeconds, 30e-6 - 2048 / 100e6);
        QVERIFY(std::abs(r.accuracyMargin - 0.03) < 1e-12);
        // The elector entry has latencies from its own model.
        QVERIFY(r.cells[0][0].latencySeconds.has_value());
    }

    // A convolution head (the ViT preset has c_9 heads) is costed on FPGA rows: heads sa_sdp 16
    // and c_9 16 keep the Q, K, V, O and FF matrices above (4096 cycles dense) and add the
    // c_9 head's kernel generator 16 × 9 and depthwise taps 9 × 16, each one 16-column band on
    // PE 0 with 144 values, dense whatever the setting: 4384 cycles, 43.84 µs; at 50 %
    // 2048 + 288 = 2336.
    void convolutionHeadsOnFpgaRows() {
        SelectionInput in = input();
        in.model.layers[0].heads = {{HeadType::SaSdp, 16}, {HeadType::C9, 16}};
        const SelectionResult r = selectDevice(in, oracle, electorTechnology14nm());
        QCOMPARE(*r.cells[1][0].latencySeconds, 4384 / 100e6);
        QCOMPARE(*r.cells[1][1].latencySeconds, 2336 / 100e6);
    }

    void sameMatrixEveryRun() {
        const TechnologyLibrary tech = electorTechnology14nm();
        const SelectionResult a = selectDevice(input(), oracle, tech), b = selectDevice(input(), oracle, tech);
        for (std::size_t e = 0; e < a.cells.size(); ++e)
            for (std::size_t k = 0; k < a.cells[e].size(); ++k) {
                QCOMPARE(a.cells[e][k].reasons, b.cells[e][k].reasons);
                QCOMPARE(a.cells[e][k].latencySeconds, b.cells[e][k].latencySeconds);
            }
        QCOMPARE(a.chosenEntry, b.chosenEntry);
    }

    void ordersAndErrors() {
        const TechnologyLibrary tech = electorTechnology14nm();
        SelectionInput in = input();
        in.order = "tdp";
        const SelectionResult r = selectDevice(in, oracle, tech);
        QVERIFY(!r.chosenEntry);
        QCOMPARE(r.errors.size(), std::size_t(4));
        QCOMPARE(r.errors[0], std::string("catalogue[0] 'elector-edge': has no 'tdp' cost to rank by"));
        // Nothing meets AC 0.95: nothing chosen, every cell says why.
        in = input();
        in.accuracyLimit = 0.95;
        const SelectionResult none = selectDevice(in, oracle, tech);
        QVERIFY(!none.chosenEntry);
        for (const auto& row : none.cells)
            for (const auto& cell : row)
                QVERIFY(!cell.reasons.empty());
    }
};

QTEST_APPLESS_MAIN(TestDeviceSelection)
#include "test_device_selection.moc"
