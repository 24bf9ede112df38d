// Design value types, design spaces and the TransCODE encodings.
#include "design/design_space.h"
#include "design/run_control.h"
#include "design/technology_library.h"

#include <QtTest>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

using namespace tcw;

namespace {
TransformerSpec fromModelDict(const nlohmann::json& m) {
    TransformerSpec spec;
    const int L = m.at("l").get<int>();
    for (int l = 0; l < L; ++l) {
        LayerSpec layer;
        layer.hiddenSize = m.at("h").at(l).get<int>();
        for (const auto& h : m.at("o").at(l)) {
            auto head = headFromString(h.get<std::string>());
            if (!head)
                throw std::runtime_error("bad head " + h.get<std::string>());
            layer.heads.push_back(*head);
        }
        layer.feedForwardSizes = m.at("f").at(l).get<std::vector<int>>();
        spec.layers.push_back(layer);
    }
    return spec;
}
} // namespace

class TestDesign : public QObject {
    Q_OBJECT
private slots:
    void headStrings_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::newRow("sdp") << "sa_sdp_64" << true;
        QTest::newRow("wma") << "sa_wma_192" << true;
        QTest::newRow("dft") << "l_dft_32" << true;
        QTest::newRow("dct") << "l_dct_128" << true;
        QTest::newRow("c13") << "c_13_64" << true;
        QTest::newRow("unknown kind") << "sa_foo_64" << false;
        QTest::newRow("no dim") << "sa_sdp" << false;
        QTest::newRow("bad dim") << "c_5_x" << false;
    }
    void headStrings() {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto head = headFromString(text.toStdString());
        QCOMPARE(head.has_value(), valid);
        if (valid)
            QCOMPARE(QString::fromStdString(headString(*head)), text);
    }

    void spaceSizesMatchThePublishedCounts() {
        const auto s = flexibert2Space();
        QCOMPARE(s.feedForwardOptionCount(), std::int64_t(258));
        QCOMPARE(s.headOptionCount(), std::int64_t(21805));
        QCOMPARE(s.encodingLength(), 37);
        QCOMPARE(electorSpace().size(), std::uint64_t(7'425'000));
    }

    void parameterCountMatchesBertBase() {
        // bert-base-uncased has 109,482,240 parameters with its pooler (768² + 768), 512
        // positions and 2 token types; our model has none of those, 128 positions and a
        // 2-class classifier (768·2 + 2).
        const auto base = uniformTransformer(12, 768, 12, 3072);
        const std::int64_t expected = 109'482'240 - 590'592 - (512 - 128) * 768 - 2 * 768 + 1538;
        QCOMPARE(base.parameterCount(TaskShape{}), expected);
    }

    void flopsPerTokenOfBertTiny() {
        // Per layer and token: QKV 3·128·128, scores + context 2·128·128 (S = 128),
        // output 128·128, FF 2·128·512; classifier 128·2/128 once.
        const auto tiny = uniformTransformer(2, 128, 2, 512);
        const double macs = 2 * (3 * 128.0 * 128 + 2 * 128.0 * 128 + 128.0 * 128 + 2 * 128.0 * 512) + 2.0;
        QCOMPARE(tiny.forwardFlopsPerToken(TaskShape{}), 2 * macs);
    }

    void publishedModelsEncodeToTheirIntegers() {
        std::ifstream in(TCW_SOURCE_DATA_DIR "/accuracy/flexibert2_glue16.json");
        QVERIFY2(in.good(), "data/accuracy/flexibert2_glue16.json is missing");
        const auto doc = nlohmann::json::parse(in);
        const auto space = flexibert2Space();
        int count = 0;
        for (const auto& entry : doc.at("models")) {
            auto spec = fromModelDict(entry.at("model"));
            const auto errors = space.check(spec);
            QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().toString().c_str());
            const auto expected = entry.at("embedding37").get<std::vector<int>>();
            QCOMPARE(space.encode(spec), expected);
            auto canonical = spec;
            canonical.canonicalize();
            QCOMPARE(space.decode(expected), canonical);
            ++count;
        }
        QCOMPARE(count, 16);
    }

    void transformerEncodeDecodeIsIdentity() {
        const auto space = flexibert2Space();
        std::mt19937_64 rng(20261122);
        for (int i = 0; i < 10'000; ++i) {
            const auto spec = space.sample(rng);
            QVERIFY(space.check(spec).empty());
            const auto e = space.encode(spec);
            QCOMPARE(space.decode(e), spec);
            QCOMPARE(space.encode(space.decode(e)), e);
        }
    }

    void randomEncodingsDecodeAndEncodeBack() {
        const auto space = flexibert2Space();
        std::mt19937_64 rng(7);
        std::uniform_int_distribution<int> layers(0, 5), hidden(0, 3), ff(0, 257), heads(0, 21804);
        for (int i = 0; i < 10'000; ++i) {
            std::vector<int> e(37, 0);
            e[0] = layers(rng);
            for (int l = 0; l < space.layerCounts[e[0]]; ++l) {
                e[3 * l + 1] = hidden(rng);
                e[3 * l + 2] = ff(rng);
                e[3 * l + 3] = heads(rng);
            }
            QCOMPARE(space.encode(space.decode(e)), e);
        }
    }

    void acceleratorEncodeDecodeIsIdentity() {
        const auto space = electorSpace();
        std::mt19937_64 rng(11);
        for (int i = 0; i < 10'000; ++i) {
            auto a = space.sample(rng);
            QVERIFY(space.check(a).empty());
            const auto e = space.encode(a);
            QCOMPARE(int(e.size()), 12);
            QCOMPARE(space.decode(e), a);
        }
    }

    void acceleratorIndexCoversTheSpace() {
        const auto space = electorSpace();
        std::mt19937_64 rng(3);
        std::uniform_int_distribution<std::uint64_t> index(0, space.size() - 1);
        for (int i = 0; i < 1000; ++i)
            QVERIFY(space.check(space.at(index(rng))).empty());
        QVERIFY(space.at(0) != space.at(1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, space.at(space.size()));
    }

    void snappingReachesTheNearestMember() {
        const auto space = electorSpace();
        AcceleratorSpec a;
        a.peCount = 100; // → 128 (nearer than 64)
        a.tileX = 12;    // → 8 or 16: tie goes to the first listed, 8
        a.tileY = 30;
        a.weightBufferMB = 100; // → 128
        const auto s = space.snap(a);
        QCOMPARE(s.peCount, 128);
        QCOMPARE(s.tileX, 8);
        QCOMPARE(s.tileY, 8);
        QCOMPARE(s.weightBufferMB, 128.0);
        QVERIFY(space.check(s).empty());

        const auto ts = flexibert2Space();
        auto model = uniformTransformer(3, 300, 3, 900);
        const auto snapped = ts.snap(model);
        QVERIFY(ts.check(snapped).empty());
        QCOMPARE(snapped.layerCount(), 2);
        QCOMPARE(snapped.layers[0].hiddenSize, 256);
    }

    void validationNamesEveryBadField() {
        auto model = uniformTransformer(2, 128, 2, 512);
        model.layers[1].hiddenSize = 100;
        model.layers[0].heads[1].type = HeadType::C9;
        model.layers[0].heads[1].dim = 63;
        const auto errors = flexibert2Space().check(model);
        QCOMPARE(int(errors.size()), 2); // no dim complaints under a hidden size that is itself wrong
        QCOMPARE(QString::fromStdString(errors[0].path), QString("layers[0].heads[1].dim"));
        QCOMPARE(QString::fromStdString(errors[1].path), QString("layers[1].hiddenSize"));
        QVERIFY(QString::fromStdString(errors[1].message).contains("128, 256, 512, 768"));

        AcceleratorSpec a;
        a.tileB = 8;
        a.batchSize = 4;
        a.macsPerLane = 4;
        a.mainMemory.banks = 3;
        const auto tech = electorTechnology14nm();
        const auto aErrors = validate(a, &tech);
        QStringList paths;
        for (const auto& e : aErrors)
            paths << QString::fromStdString(e.path);
        QVERIFY(paths.contains("tile.tileB"));
        QVERIFY(paths.contains("macsPerLane"));
        QVERIFY(paths.contains("mainMemory"));
        QVERIFY(validate(electorTechnology14nm()).empty());
    }

    void memoryKeysRoundTrip() {
        for (const auto& m : electorSpace().mainMemories) {
            const auto back = MainMemorySpec::fromKey(m.key());
            QVERIFY(back.has_value());
            QCOMPARE(*back, m);
        }
        QVERIFY(!MainMemorySpec::fromKey("sram_1_1_1"));
        QVERIFY(!MainMemorySpec::fromKey("dram_32_2"));
        QCOMPARE(MainMemorySpec::fromKey("dram_32_2_1")->mode, BandwidthMode::Low);
        QCOMPARE(MainMemorySpec::fromKey("hbm_32_1_4")->mode, BandwidthMode::High);
    }
    // A paused job waits at its safe point; resume and stop both release it, and the
    // return value tells the job which one happened.
    void runControlPausesResumesAndStops() {
        RunControl control;
        std::stop_source stop;
        QVERIFY(control.waitWhilePaused(stop.get_token())); // not paused: passes at once
        control.pause();
        QVERIFY(control.paused());
        std::atomic<int> state{0}; // 0 waiting, 1 resumed, 2 stopped
        std::jthread job([&] { state = control.waitWhilePaused(stop.get_token()) ? 1 : 2; });
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        QCOMPARE(state.load(), 0); // still held
        control.resume();
        job.join();
        QCOMPARE(state.load(), 1);

        control.pause();
        state = 0;
        std::jthread stopped([&] { state = control.waitWhilePaused(stop.get_token()) ? 1 : 2; });
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        QCOMPARE(state.load(), 0);
        stop.request_stop(); // stop while paused must not hang
        stopped.join();
        QCOMPARE(state.load(), 2);
        QVERIFY(control.paused()); // stopping does not resume
    }
};

QTEST_GUILESS_MAIN(TestDesign)
#include "test_design.moc"
