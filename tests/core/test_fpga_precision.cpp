// Issue 15: the fpga model reads per-tensor bits from the model's CompressionSpec
// (core/sim/fpga_model.h through core/sim/precision_bits.h). Hand-derived on-chip bytes,
// cycles and activation traffic of one memory-bound matrix at 16 → 8 → 4 → 1 bits, a part
// whose on-chip memory holds a model only at ≤ 8 bits, a precision wider than the target named
// as the reason, and a model without a precision costing what it cost before (golden numbers
// of the build before this change, for both FPGA presets and every shipped model).
#include "io/files.h"
#include "io/target_json.h"
#include "sim/fpga_model.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tcw;

namespace {

const std::filesystem::path kData = TCW_SOURCE_DATA_DIR;

FpgaSpec part(const char* file) {
    std::ifstream in(kData / "targets" / file);
    std::stringstream text;
    text << in.rdbuf();
    const auto parsed = io::parseTargetJson(text.str());
    if (!parsed.target)
        qFatal("%s: %s", file, parsed.errors.empty() ? "?" : parsed.errors.front().message.c_str());
    return *parsed.target->fpga();
}

TransformerSpec preset(const char* name) {
    const auto loaded = io::resolveTransformer(name, kData);
    if (!loaded.value)
        qFatal("model preset %s missing under %s", name, kData.string().c_str());
    return *loaded.value;
}

Precision fixed(int bits) {
    return bits >= 16 ? Precision{bits, Quantizer::Float}
                      : Precision{bits, bits == 1 ? Quantizer::Sign : Quantizer::Symmetric};
}

// One layer, H = 128, two 64-wide sa_sdp heads, one 512-wide feed-forward matrix.
TransformerSpec oneLayer() {
    return uniformTransformer(1, 128, 2, 512);
}

// 64 PEs with bands of 2 columns (a 128-column matrix: 2 columns per PE), 128 MAC lanes (128
// tokens in one pass), 400 MHz, 19.2 GB/s, 16-bit weights and activations, dense.
FpgaSpec small() {
    FpgaSpec s;
    s.peCount = 64;
    s.macsPerPe = 128;
    s.dspSlices = 64 * 128;
    s.luts = 64 * 1500;
    s.blockCols = 2;
    s.clockMHz = 400;
    s.offChipBandwidthGBps = 19.2;
    s.weightBits = 16;
    s.activationBits = 16;
    s.weightFormat = 0; // dense
    return s;
}

// A reference into the result: a temporary result would leave it dangling.
const sim::FpgaMatrixCost& named(sim::FpgaResult&&, const std::string&) = delete;
const sim::FpgaMatrixCost& named(const sim::FpgaResult& r, const std::string& name) {
    for (const auto& m : r.matrices)
        if (m.name == name)
            return m;
    qFatal("no matrix '%s'", name.c_str());
}

} // namespace

class TestFpgaPrecision : public QObject {
    Q_OBJECT

private slots:
    // The feed-forward out matrix (512 × 128) at T = 128 tokens: each PE holds 512 × 2 weights
    // and reads one per cycle in one pass, 1,024 cycles = 2.56 µs at 400 MHz whatever the
    // bits. Weights at b bits: 65,536·b on-chip bits; its traffic does not move (the weights
    // stay on chip): 128 tokens × (512 + 128) × 16 bits = 163,840 bytes, 8.533 µs at 19.2 GB/s,
    // memory-bound at every weight width.
    void weightBitsMoveOnChipBytesNotTime() {
        const FpgaSpec spec = small();
        for (int b : {16, 8, 4, 1}) {
            TransformerSpec m = oneLayer();
            m.compression.precision[std::size_t(TensorRole::Weights)] = fixed(b);
            const auto r = sim::evaluateFpgaModel(spec, m, 0.0, 128);
            QVERIFY(r.feasible);
            const auto& out = named(r, "layer 0 feed-forward out");
            QCOMPARE(out.weightBits, b == 16 ? 16 : b);
            QCOMPARE(out.bits, std::uint64_t(65536) * std::uint64_t(b));
            QCOMPARE(out.busiestCycles, std::uint64_t(1024));
            QCOMPARE(out.computeSeconds, 1024 / 400e6);
            QCOMPARE(out.streamedBitsPerToken, std::uint64_t(640 * 16));
            QCOMPARE(out.memorySeconds, 163840 / 19.2e9);
            QCOMPARE(out.seconds, out.memorySeconds);
            // The whole layer: 196,608 weights at b bits.
            QCOMPARE(r.weightBits, std::uint64_t(196608) * std::uint64_t(b));
        }
        // Bitmap + values at 50 %: the bitmap (65,536 bits) does not move, the 32,768 kept
        // values do; each PE keeps 512 values and decodes 1,024 / 64 = 16 index words.
        FpgaSpec bitmap = spec;
        bitmap.weightFormat = 1;
        for (auto [b, bits] : {std::pair{16, 589824}, {8, 327680}, {4, 196608}, {1, 98304}}) {
            TransformerSpec m = oneLayer();
            m.compression.precision[std::size_t(TensorRole::Weights)] = fixed(b);
            const sim::FpgaResult r = sim::evaluateFpgaModel(bitmap, m, 0.5, 128);
            const auto& out = named(r, "layer 0 feed-forward out");
            QCOMPARE(out.bits, std::uint64_t(bits));
            QCOMPARE(out.busiestCycles, std::uint64_t(512));
        }
    }

    // The same matrix reads the hidden activation at ffnHidden bits: per token 512·b + 128·16
    // bits, so 163,840 / 98,304 / 65,536 / 40,960 bytes for 128 tokens: 8.533 / 5.12 / 3.413
    // / 2.133 µs; at 1 bit the 2.56 µs of compute is the longer (compute-bound).
    void activationBitsMoveTraffic() {
        const FpgaSpec spec = small();
        for (auto [b, bytes] : {std::pair{16, 163840.0}, {8, 98304.0}, {4, 65536.0}, {1, 40960.0}}) {
            TransformerSpec m = oneLayer();
            m.compression.precision[std::size_t(TensorRole::FeedForwardHidden)] = fixed(b);
            const auto r = sim::evaluateFpgaModel(spec, m, 0.0, 128);
            const auto& out = named(r, "layer 0 feed-forward out");
            QCOMPARE(out.streamedBitsPerToken, std::uint64_t(512 * b + 128 * 16));
            QCOMPARE(out.memorySeconds, bytes / 19.2e9);
            QCOMPARE(out.busiestCycles, std::uint64_t(1024));
            QCOMPARE(out.seconds, b == 1 ? 1024 / 400e6 : bytes / 19.2e9); // 1 bit: compute-bound
            // The first feed-forward matrix writes the hidden activation at b (the
            // non-linearity on the way out) and reads the native layer-norm output.
            QCOMPARE(named(r, "layer 0 feed-forward 0").streamedBitsPerToken, std::uint64_t(128 * 16 + 512 * b));
        }
        // Q, K, V write qkv bits and read the native layer input; the attention output reads
        // the head outputs at linearInputs bits and writes native.
        TransformerSpec m = oneLayer();
        m.compression.precision[std::size_t(TensorRole::QueryKeyValue)] = fixed(4);
        m.compression.precision[std::size_t(TensorRole::LinearInputs)] = fixed(8);
        const auto r = sim::evaluateFpgaModel(small(), m, 0.0, 128);
        QCOMPARE(named(r, "layer 0 query").streamedBitsPerToken, std::uint64_t(128 * 16 + 128 * 4));
        QCOMPARE(named(r, "layer 0 attention output").streamedBitsPerToken, std::uint64_t(128 * 8 + 128 * 16));
        QCOMPARE(named(r, "layer 0 feed-forward out").streamedBitsPerToken, std::uint64_t(640 * 16));
    }

    // bert-mini (3,145,728 encoder weights) dense on the ZCU104 (39,813,120 bits): 50.3 Mbit at
    // 16 bits does not fit, 25.2 Mbit at 8 and 12.6 Mbit at 4 do.
    void onChipFitChangesWithBits() {
        FpgaSpec zcu = part("zcu104.json");
        zcu.weightFormat = 0;
        for (int b : {16, 8, 4, 1}) {
            TransformerSpec m = preset("bert-mini");
            m.compression.precision[std::size_t(TensorRole::Weights)] = fixed(b);
            const auto r = sim::evaluateFpgaModel(zcu, m, 0.0, 128);
            QCOMPARE(r.weightBits, std::uint64_t(3145728) * std::uint64_t(b));
            QCOMPARE(r.feasible, b <= 8);
            if (b == 16) {
                QCOMPARE(r.reasons.size(), std::size_t(1));
                QCOMPARE(r.reasons.front(),
                         std::string("the weights need 6.3 MB on chip in dense at 16 bits, the part has 5.0 MB"));
            }
        }
        // Layer 0 at 8 bits, the rest native: 786,432 · 8 + 2,359,296 · 16 bits, still too big,
        // and the reason gives both widths.
        TransformerSpec mixed = preset("bert-mini");
        mixed.compression.layerPrecision.push_back({0, TensorRole::Weights, fixed(8)});
        const auto r = sim::evaluateFpgaModel(zcu, mixed, 0.0, 128);
        QCOMPARE(r.weightBits, std::uint64_t(786432) * 8 + std::uint64_t(2359296) * 16);
        QVERIFY(!r.feasible);
        QCOMPARE(r.reasons.front(),
                 std::string("the weights need 5.5 MB on chip in dense at 8 to 16 bits, the part has 5.0 MB"));
    }

    // A fixed-point precision wider than the target's width for its role is a reason naming the
    // field; float roles are stored at the native widths.
    void widerThanTheTargetIsNamed() {
        const FpgaSpec zcu = part("zcu104.json");
        TransformerSpec m = preset("bert-tiny");
        m.compression.precision[std::size_t(TensorRole::Weights)] = Precision{32, Quantizer::Symmetric};
        m.compression.precision[std::size_t(TensorRole::AttentionProbabilities)] = Precision{8, Quantizer::Symmetric};
        auto r = sim::evaluateFpgaModel(zcu, m, 0.9, 128);
        QVERIFY(!r.feasible);
        QCOMPARE(r.reasons.size(), std::size_t(1));
        QCOMPARE(r.reasons.front(), std::string("compression.precision.weights: 32-bit symmetric is wider than the "
                                                "fpga target's 16-bit weights (weightBits); allowed: 1 to 16 bits, or "
                                                "float (stored at the native width)"));
        // Activations too, by their layer override's path.
        TransformerSpec a = preset("bert-tiny");
        a.compression.layerPrecision.push_back({1, TensorRole::QueryKeyValue, Precision{32, Quantizer::Symmetric}});
        r = sim::evaluateFpgaModel(zcu, a, 0.9, 128);
        QVERIFY(!r.feasible);
        QCOMPARE(r.reasons.front(), std::string("compression.layerPrecision[0] (layer 1 qkv): 32-bit symmetric is "
                                                "wider than the fpga target's 16-bit activations (activationBits); "
                                                "allowed: 1 to 16 bits, or float (stored at the native width)"));
        // Embeddings and classifier are not costed here, so not checked.
        TransformerSpec e = preset("bert-tiny");
        e.compression.precision[std::size_t(TensorRole::Embeddings)] = Precision{32, Quantizer::Symmetric};
        QVERIFY(sim::evaluateFpgaModel(zcu, e, 0.9, 128).feasible);
        // Every role at 16-bit float costs exactly the default (32-bit float) model.
        TransformerSpec f = preset("bert-tiny");
        for (auto& p : f.compression.precision)
            p = Precision{16, Quantizer::Float};
        const auto base = sim::evaluateFpgaModel(zcu, preset("bert-tiny"), 0.9, 128);
        const auto half = sim::evaluateFpgaModel(zcu, f, 0.9, 128);
        QCOMPARE(half.latencySeconds, base.latencySeconds);
        QCOMPARE(half.weightBits, base.weightBits);
    }

    // Without a precision every FPGA preset × shipped model costs what the build before
    // precision did (bitmap + values, 16 bits, 90 %, 128 tokens; CSR, 8 bits, 50 %, 4,096
    // tokens): feasibility, weight bits, fullest bank and latency bit for bit.
    void defaultCostsAsBefore_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("bits");
        QTest::addColumn<double>("sparsity");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<bool>("feasible");
        QTest::addColumn<qulonglong>("weightBits");
        QTest::addColumn<qulonglong>("fullestBank");
        QTest::addColumn<double>("latency");
        struct Row {
            const char *target, *model;
            int format, bits;
            double sparsity;
            int tokens;
            bool feasible;
            qulonglong weightBits, fullestBank;
            double latency;
        };
        const Row rows[] = {
            {"zcu104", "bert-tiny", 1, 16, 0.9, 128, true, 1022336, 95904, 0x1.36f00f805eee5p-13},
            {"zcu104", "bert-mini", 1, 16, 0.9, 128, true, 8178944, 383552, 0x1.36da95f17cbddp-11},
            {"zcu104", "bert-small", 1, 16, 0.9, 128, true, 32715520, 852224, 0x1.57c3e140cd24bp-10},
            {"zcu104", "bert-medium", 1, 16, 0.9, 128, false, 65431040, 1704448, 0x1.57c3e140cd24ap-9},
            {"zcu104", "bert-base", 1, 16, 0.9, 128, false, 220829952, 4217664, 0x1.a9455e2e08a74p-8},
            {"zcu104", "vit-fashion-mnist", 1, 16, 0.9, 128, true, 1441408, 207936, 0x1.81b54c5293f68p-12},
            {"u200", "bert-tiny", 1, 16, 0.9, 128, true, 1022336, 95904, 0x1.9cb8320b1507p-14},
            {"u200", "bert-mini", 1, 16, 0.9, 128, true, 8178944, 383552, 0x1.9c9b8ff73cc66p-12},
            {"u200", "bert-small", 1, 16, 0.9, 128, true, 32715520, 767040, 0x1.9c8d3eed50a61p-11},
            {"u200", "bert-medium", 1, 16, 0.9, 128, true, 65431040, 1534080, 0x1.9c8d3eed50a61p-10},
            {"u200", "bert-base", 1, 16, 0.9, 128, true, 220829952, 3450816, 0x1.cfee95497dcddp-9},
            {"u200", "vit-fashion-mnist", 1, 16, 0.9, 128, true, 1441408, 207936, 0x1.012388370d4f3p-12},
            {"zcu104", "bert-tiny", 2, 8, 0.5, 4096, true, 2672352, 251028, 0x1.828c0be769dc2p-6},
            {"zcu104", "bert-mini", 2, 8, 0.5, 4096, true, 21568960, 1013056, 0x1.828c0be769dc3p-4},
            {"zcu104", "bert-small", 2, 8, 0.5, 4096, false, 87438080, 2275676, 0x1.ad7f29abcaf4bp-3},
            {"zcu104", "bert-medium", 2, 8, 0.5, 4096, false, 174876160, 4551352, 0x1.ad7f29abcaf4dp-2},
            {"zcu104", "bert-base", 2, 8, 0.5, 4096, false, 600494592, 11428896, 0x1.09c0482f18c78p+0},
            {"zcu104", "vit-fashion-mnist", 2, 8, 0.5, 4096, true, 3608808, 432876, 0x1.50e2f17c5997fp-5},
            {"u200", "bert-tiny", 2, 8, 0.5, 4096, true, 2672352, 251028, 0x1.01b2b29a4692dp-6},
            {"u200", "bert-mini", 2, 8, 0.5, 4096, true, 21568960, 1013056, 0x1.01b2b29a4692ep-4},
            {"u200", "bert-small", 2, 8, 0.5, 4096, true, 87048192, 2044248, 0x1.01b2b29a4692ep-3},
            {"u200", "bert-medium", 2, 8, 0.5, 4096, true, 174096384, 4088496, 0x1.01b2b29a4692fp-2},
            {"u200", "bert-base", 2, 8, 0.5, 4096, false, 587538432, 9198600, 0x1.21e908ed8f652p-1},
            {"u200", "vit-fashion-mnist", 2, 8, 0.5, 4096, true, 3608808, 432876, 0x1.c12e975077754p-6},
        };
        for (const Row& r : rows)
            QTest::addRow("%s %s f%d b%d", r.target, r.model, r.format, r.bits)
                << r.target << r.model << r.format << r.bits << r.sparsity << r.tokens << r.feasible << r.weightBits
                << r.fullestBank << r.latency;
    }
    void defaultCostsAsBefore() {
        QFETCH(QString, target);
        QFETCH(QString, model);
        QFETCH(int, format);
        QFETCH(int, bits);
        QFETCH(double, sparsity);
        QFETCH(int, tokens);
        QFETCH(bool, feasible);
        QFETCH(qulonglong, weightBits);
        QFETCH(qulonglong, fullestBank);
        QFETCH(double, latency);
        FpgaSpec spec = part((target + ".json").toUtf8().constData());
        spec.weightFormat = format;
        spec.weightBits = bits;
        const TransformerSpec m = preset(model.toUtf8().constData());
        QVERIFY(m.compression.isDefault());
        const auto r = sim::evaluateFpgaModel(spec, m, sparsity, tokens);
        QCOMPARE(r.feasible, feasible);
        QCOMPARE(qulonglong(r.weightBits), weightBits);
        QCOMPARE(qulonglong(r.fullestBankBits), fullestBank);
        QVERIFY2(r.latencySeconds == latency, qPrintable(QString::number(r.latencySeconds, 'g', 17)));
    }
};

QTEST_GUILESS_MAIN(TestFpgaPrecision)
#include "test_fpga_precision.moc"
