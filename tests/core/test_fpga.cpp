// Issue 16: the fpga target kind (descriptor table, presets with sources, JSON) and its cost
// model: fit verdicts against the reference note's arithmetic, per-PE banks, imbalance.
#include "compress/pruning_mask.h"
#include "io/target_json.h"
#include "sim/fpga_model.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tcw;

namespace {

FpgaSpec preset(const char* file) {
    std::ifstream in(std::filesystem::path(TCW_SOURCE_DATA_DIR) / "targets" / file);
    std::stringstream text;
    text << in.rdbuf();
    const auto parsed = io::parseTargetJson(text.str());
    if (!parsed.target)
        qFatal("%s: %s", file, parsed.errors.empty() ? "?" : parsed.errors.front().message.c_str());
    return *parsed.target->fpga();
}

} // namespace

class TestFpga : public QObject {
    Q_OBJECT

private slots:
    void presetsLoad() {
        const FpgaSpec zcu = preset("zcu104.json"), u200 = preset("u200.json");
        QCOMPARE(zcu.dspSlices, 1728);
        QCOMPARE(zcu.onChipMemoryBits, 39813120.0); // 312 × 36 Kib + 96 × 288 Kib
        QCOMPARE(u200.onChipMemoryBits, 280e6);     // 35 MB
        QCOMPARE(u200.dspSlices, 6840);
        QVERIFY(validate(zcu).empty());
        QVERIFY(validate(u200).empty());
        // The same object back from its text; the kind's table drives --edit.
        const auto again = io::parseTargetJson(io::targetJsonText(Target(u200)));
        QVERIFY(again.target);
        QCOMPARE(*again.target->fpga(), u200);
        QCOMPARE(targetKindName(TargetKind::Fpga), std::string_view("fpga"));
        const ParsedFieldEdit edit = parseFieldEdit(TargetKind::Fpga, "weightFormat=two-level");
        QVERIFY(edit.edit);
        QCOMPARE(edit.edit->value, 5.0);
        QVERIFY(parseFieldEdit(TargetKind::Fpga, "weightFormat=coo").error);
        const auto bad = io::parseTargetJson(R"({"kind": "fpga", "name": "x", "sources": {"dsp": "?"}})");
        QVERIFY(!bad.target);
        bool named = false;
        for (const auto& e : bad.errors)
            named |= e.path == "sources.dsp";
        QVERIFY(named);
    }

    // BERT-Base encoder weights, 16-bit bitmap + values: 27.6 MB at 90 %, 19.1 MB at 95 %.
    void bertBaseFitVerdicts() {
        const FpgaSpec zcu = preset("zcu104.json"), u200 = preset("u200.json");
        const TransformerSpec bert = uniformTransformer(12, 768, 12, 3072);
        for (auto [s, bytes] : {std::pair{0.90, 27603744.0}, std::pair{0.95, 19110288.0}}) {
            const auto big = sim::evaluateFpga(u200, sim::encoderMatricesUniform(bert, s, u200), 128);
            QCOMPARE(double(big.weightBits) / 8, bytes);
            QVERIFY2(big.feasible, big.reasons.empty() ? "" : big.reasons.front().c_str());
            const auto small = sim::evaluateFpga(zcu, sim::encoderMatricesUniform(bert, s, zcu), 128);
            QCOMPARE(double(small.weightBits) / 8, bytes);
            QVERIFY(!small.feasible);
            QCOMPARE(small.reasons.size(), std::size_t(1));
            const std::string expected = s == 0.90 ? "the weights need 27.6 MB on chip in bitmap + values at 16 bits, "
                                                     "the part has 5.0 MB"
                                                   : "the weights need 19.1 MB on chip in bitmap + values at 16 bits, "
                                                     "the part has 5.0 MB";
            QCOMPARE(small.reasons.front(), expected);
        }
        // Dense 16-bit: 169.9 MB, fits neither.
        FpgaSpec dense = u200;
        dense.weightFormat = 0;
        const auto d = sim::evaluateFpga(dense, sim::encoderMatricesUniform(bert, 0.0, dense), 128);
        QCOMPARE(d.weightBits, std::uint64_t(84934656) * 16);
        QVERIFY(!d.feasible);
        FpgaSpec bcsr = u200;
        bcsr.weightFormat = 3;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, sim::encoderMatricesUniform(bert, 0.9, bcsr));
    }

    // 64 × 128 matrix, 4 PEs, bands of 16 columns (PE p: bands p and p + 4).
    void busiestPeSetsTheWave() {
        FpgaSpec spec;
        spec.peCount = 4;
        spec.macsPerPe = 16;
        spec.blockRows = 16;
        spec.blockCols = 16;
        spec.weightFormat = 1; // bitmap
        spec.clockMHz = 100;
        spec.offChipBandwidthGBps = 1000;
        // PE 0 keeps 3 blocks, PEs 1–3 one each.
        compress::WeightMask m(64, 128, false);
        auto keepBlock = [&](int br, int bc) {
            for (int i = 0; i < 16; ++i)
                for (int j = 0; j < 16; ++j)
                    m.set(br * 16 + i, bc * 16 + j, true);
        };
        keepBlock(0, 0);
        keepBlock(1, 0);
        keepBlock(2, 4); // band 4: PE 0
        keepBlock(0, 1);
        keepBlock(0, 2);
        keepBlock(0, 3);
        const sim::FpgaMatrix fm = sim::matrixFromMask("w", m, spec);
        QCOMPARE(fm.banks[0].storedValues, std::uint64_t(768));
        QCOMPARE(fm.banks[0].indexBits, std::uint64_t(64 * 32)); // the bank's bitmap
        QCOMPARE(fm.banks[1].storedValues, std::uint64_t(256));
        const auto r = sim::evaluateFpga(spec, {fm}, 32); // 2 passes of 16 tokens
        QCOMPARE(r.matrices[0].busiestCycles, std::uint64_t(2 * 768));
        QCOMPARE(r.matrices[0].meanCycles, 2.0 * (768 + 3 * 256) / 4);
        QCOMPARE(r.imbalance, 2.0);
        QCOMPARE(r.latencySeconds, 1536 / 100e6);
        // Balanced per PE group: 8 kept blocks, 2 per PE, every PE equally busy.
        const std::vector<float> w(64 * 128, 1.0F);
        std::vector<float> varied(w);
        for (std::size_t i = 0; i < varied.size(); ++i)
            varied[i] = float((i * 7919) % 101) / 101.0F;
        const PruningPattern balanced{
            {{PruningLevel::Block, 0.75, BalanceRule::PerPeGroup, PruningCriterion::L2, 16, 16}}};
        const auto mask = compress::pruneMatrix(balanced, {64, 128, varied.data(), nullptr}, {1, false, 4}).mask;
        const auto rb = sim::evaluateFpga(spec, {sim::matrixFromMask("w", mask, spec)}, 32);
        QCOMPARE(rb.imbalance, 1.0);
        QCOMPARE(rb.matrices[0].busiestCycles, std::uint64_t(2 * 512));
        // Index decode bounds a PE when its index bits outrun its values: CSR at 1 % kept.
        FpgaSpec csr = spec;
        csr.weightFormat = 2;
        csr.decodeBitsPerCycle = 1;
        compress::WeightMask sparse(64, 128, false);
        sparse.set(0, 0, true);
        const auto fc = sim::matrixFromMask("w", sparse, csr);
        // PE 0's bank: 64 × 32, one value: 1 · (16 + 5) + 65 · ⌈log₂ 2049⌉ = 21 + 780 bits.
        QCOMPARE(fc.banks[0].bits, std::uint64_t(801));
        QCOMPARE(fc.banks[0].indexBits, std::uint64_t(785));
        QCOMPARE(sim::evaluateFpga(csr, {fc}, 16).matrices[0].busiestCycles, std::uint64_t(785));
    }

    void resourceLimits() {
        FpgaSpec spec = preset("zcu104.json");
        spec.peCount = 128; // 128 × 16 × 1 = 2048 DSPs > 1728
        const auto errors = validate(spec);
        QCOMPARE(errors.size(), std::size_t(1));
        QCOMPARE(errors.front().path, std::string("peCount"));
        QCOMPARE(errors.front().message,
                 std::string("PEs × MAC lanes × DSPs per MAC = 2048 DSP blocks, more than the part's 1728"));
        const auto r = sim::evaluateFpga(spec, {}, 1);
        QVERIFY(!r.feasible);
        QCOMPARE(r.reasons.front().substr(0, 8), std::string("peCount:"));
    }

    // Convolution heads (the ViT preset's c_9): their Q, K, V projections are in the H × D
    // matrices, plus per head a 32 × 9 kernel generator and 9 × 32 depthwise taps (dense, as
    // the presets leave them). One layer, H 64, heads sa_sdp 32 and two c_9 32 (D 96), feed-
    // forward 128, dense 16-bit: 3·64·96 + 96·64 + 64·128 + 128·64 + 2·288 + 2·288 = 42112
    // weights, 673792 bits — 18432 more than three sa_sdp heads of 32.
    void convolutionHeadsAreCovered() {
        FpgaSpec zcu = preset("zcu104.json");
        zcu.weightFormat = 0; // dense
        QCOMPARE(zcu.blockCols, 16);
        QCOMPARE(zcu.macsPerPe, 16);
        TransformerSpec conv = uniformTransformer(1, 64, 3, 128);
        conv.layers[0].heads = {{HeadType::SaSdp, 32}, {HeadType::C9, 32}, {HeadType::C9, 32}};
        const auto r = sim::evaluateFpga(zcu, sim::encoderMatricesUniform(conv, 0.0, zcu), 128);
        QVERIFY(r.feasible);
        QCOMPARE(r.weightBits, std::uint64_t(673792));
        TransformerSpec sdp = conv;
        sdp.layers[0].heads = {{HeadType::SaSdp, 32}, {HeadType::SaSdp, 32}, {HeadType::SaSdp, 32}};
        QCOMPARE(sim::evaluateFpga(zcu, sim::encoderMatricesUniform(sdp, 0.0, zcu), 128).weightBits,
                 std::uint64_t(655360));
        const sim::FpgaMatrixCost *taps = nullptr, *generator = nullptr;
        for (const auto& m : r.matrices) {
            if (m.name == "layer 0 c_9 (d 32) depthwise taps")
                taps = &m;
            if (m.name == "layer 0 c_9 (d 32) kernel generator")
                generator = &m;
        }
        QVERIFY(taps && generator);
        // Taps: 32 channels in two 16-wide bands, PEs 0 and 1, 9 · 16 = 144 values each; 128
        // tokens in ⌈128 / 16⌉ = 8 passes: 1152 cycles. Activations: 32 in and 32 out per token.
        QCOMPARE(taps->busiestCycles, std::uint64_t(1152));
        QCOMPARE(taps->memorySeconds, 128.0 * 64 * 2 / 19.2e9);
        // Generator: its 9 columns are one band on PE 0: 32 · 9 = 288 values, 2304 cycles.
        QCOMPARE(generator->busiestCycles, std::uint64_t(2304));
        QCOMPARE(generator->memorySeconds, 128.0 * (32 + 9) * 2 / 19.2e9);
        // Fixed-transform heads are not weights of this model: refused, naming the layer.
        TransformerSpec dft = conv;
        dft.layers[0].heads[1].type = HeadType::LDft;
        try {
            sim::encoderMatricesUniform(dft, 0.0, zcu);
            QFAIL("an l_dft head was costed");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(std::string(e.what()).substr(0, 17), std::string("layers[0].heads: "));
            QVERIFY(std::string(e.what()).find("'l_dft'") != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestFpga)
#include "test_fpga.moc"
