// Issue 15: the BAT-class cost model and the model size breakdown. Three shapes' cycle counts
// derived by hand (the arithmetic is in docs/simulator.md, "BAT-class"), monotone in PEs,
// lanes and bits per lane, every reason named when something does not fit or is not costed,
// the `bat` kind's descriptor table through Target, and BERT-Base's size with 1-bit weights
// against the published 13.4–16.5 MB (BiBERT / BiT / BinaryBERT, W-E 1-1).
#include "design/model_size.h"
#include "design/precision_shorthand.h"
#include "design/target.h"
#include "io/format_trees.h"
#include "sim/bat_model.h"

#include <QtTest>

using namespace tcw;

namespace {

// 1 layer, hidden 64, one sa_sdp head of 64, FFN 256; S = 32.
TransformerSpec small(const char* precision) {
    TransformerSpec spec;
    spec.name = "small";
    LayerSpec layer;
    layer.hiddenSize = 64;
    layer.heads = {{HeadType::SaSdp, 64}};
    layer.feedForwardSizes = {256};
    spec.layers = {layer};
    QTest::qVerify(applyPrecisionShorthand(precision, spec.compression).empty(), "precision", "", __FILE__, __LINE__);
    return spec;
}

TaskShape task(int S) {
    TaskShape t;
    t.sequenceLength = S;
    t.vocabularySize = 100;
    t.numClasses = 2;
    return t;
}

// P = 4, L = 4, K = 64 (capacity 1024 bit-products per cycle), T = 8, units 64/16/16/32.
BatSpec smallEngine() {
    BatSpec b;
    b.peCount = 4;
    b.lanesPerPe = 4;
    b.bitsPerLane = 64;
    b.scaleUnits = 64;
    b.softmaxUnits = 16;
    b.layerNormUnits = 16;
    b.activationUnits = 32;
    b.tokenBlock = 8;
    b.clockMHz = 500;
    return b;
}

TransformerSpec bertBase(const char* precision) {
    TransformerSpec spec;
    spec.name = "bert-base";
    for (int l = 0; l < 12; ++l) {
        LayerSpec layer;
        layer.hiddenSize = 768;
        layer.heads.assign(12, HeadSpec{HeadType::SaSdp, 64});
        layer.feedForwardSizes = {3072};
        spec.layers.push_back(layer);
    }
    QTest::qVerify(applyPrecisionShorthand(precision, spec.compression).empty(), "precision", "", __FILE__, __LINE__);
    return spec;
}

TaskShape bertTask() {
    TaskShape t;
    t.sequenceLength = 512;
    t.vocabularySize = 30522;
    t.numClasses = 2;
    return t;
}

} // namespace

class TestBatModel : public QObject {
    Q_OBJECT
private slots:
    void handDerivedCycles_data();
    void handDerivedCycles();
    void monotoneInEngineSize();
    void reasonsAreNamed();
    void unsupportedIsNotCosted();
    void targetKindAndFields();
    void bertBaseSize();
    void jsonRoundTrip();
};

void TestBatModel::handDerivedCycles_data() {
    QTest::addColumn<QString>("precision");
    QTest::addColumn<int>("feed");
    QTest::addColumn<qint64>("qkv");
    QTest::addColumn<qint64>("rest");
    // W1A1: qkv engine ⌈8·192·64/1024⌉ = 96, scale ⌈8·192/64⌉ = 24 → 120 + 3·96 = 408;
    // rest engine 16 + 16 + 32 + 128 + 128 = 320, scale ⌈3840/64⌉ = 60, softmax 16, norm 64,
    // activation 64 → 524 + 3·320 = 1484.
    QTest::newRow("w1a1") << "w1a1" << int(ActivationFeed::BitSerial) << qint64(408) << qint64(1484);
    // W1A8 bit-serial: qkv 96·8 = 768 → 792 + 3·768 = 3096; rest: Q·Kᵀ and P·V 16·64 each,
    // out 32·8, FFN 128·8 twice = 4352 → 4352 + 204 + 3·4352 = 17612.
    QTest::newRow("w1a8 serial") << "w1a8" << int(ActivationFeed::BitSerial) << qint64(3096) << qint64(17612);
    // W1A8 bit-parallel, 4 bits a pass (2 passes): qkv 192 → 216 + 576 = 792; rest: 16·16 twice,
    // 32·2, 128·2 twice = 1088 → 1088 + 204 + 3·1088 = 4556.
    QTest::newRow("w1a8 parallel") << "w1a8" << int(ActivationFeed::BitParallel) << qint64(792) << qint64(4556);
}

void TestBatModel::handDerivedCycles() {
    QFETCH(QString, precision);
    QFETCH(int, feed);
    QFETCH(qint64, qkv);
    QFETCH(qint64, rest);
    BatSpec b = smallEngine();
    b.activationFeed = ActivationFeed(feed);
    b.parallelActivationBits = 4;
    const BatResult r = simulateBat(small(precision.toUtf8().constData()), task(32), b);
    QVERIFY(r.costed);
    QVERIFY2(r.feasible, r.reasons.empty() ? "" : r.reasons.front().c_str());
    QCOMPARE(r.segments.size(), std::size_t(2));
    QCOMPARE(r.segments[0].blocks, std::int64_t(4));
    QCOMPARE(r.segments[0].cycles, qkv);
    QCOMPARE(r.segments[1].cycles, rest);
    QCOMPARE(r.cycles, qkv + rest);
    QCOMPARE(r.latencyMs, double(qkv + rest) / 500e3);
}

void TestBatModel::monotoneInEngineSize() {
    const TransformerSpec model = bertBase("w1a8");
    const TaskShape t = [] {
        TaskShape s = bertTask();
        s.sequenceLength = 128;
        return s;
    }();
    BatSpec b;
    b.weightBufferMB = 64;
    b.activationBufferKB = 4096;
    b.fifoKB = 1024;
    for (int field = 0; field < 3; ++field) {
        std::int64_t previous = -1;
        for (int v : {1, 2, 3, 8, 16, 64, 100, 256, 1024}) {
            BatSpec x = b;
            (field == 0 ? x.peCount : field == 1 ? x.lanesPerPe : x.bitsPerLane) = v;
            const BatResult r = simulateBat(model, t, x);
            QVERIFY(r.costed);
            if (previous >= 0)
                QVERIFY2(r.cycles <= previous,
                         qPrintable(QString("field %1 at %2: %3 > %4").arg(field).arg(v).arg(r.cycles).arg(previous)));
            previous = r.cycles;
        }
    }
    // Fewer activation bits never cost more; bit-parallel never more than bit-serial.
    const BatResult a8 = simulateBat(model, t, b), a4 = simulateBat(bertBase("w1a4"), t, b),
                    a1 = simulateBat(bertBase("w1a1"), t, b);
    QVERIFY(a1.cycles < a4.cycles && a4.cycles < a8.cycles);
    BatSpec parallel = b;
    parallel.activationFeed = ActivationFeed::BitParallel;
    QVERIFY(simulateBat(model, t, parallel).cycles < a8.cycles);
}

void TestBatModel::reasonsAreNamed() {
    const TransformerSpec model = bertBase("w1a8");
    BatSpec b;
    b.weightBufferMB = 4;     // W1 encoder: 10.1 MiB + scales
    b.activationBufferKB = 8; // K and V of 512 tokens × 768 at 8 bits: 768 KiB
    b.fifoKB = 1;             // 16 tokens of the FFN hidden 3072 × 8 bit: 48 KiB
    const BatResult r = simulateBat(model, bertTask(), b);
    QVERIFY(r.costed);
    QVERIFY(!r.feasible);
    QCOMPARE(r.reasons.size(), std::size_t(3));
    QVERIFY2(QString::fromStdString(r.reasons[0]).startsWith("memory.weightBufferMB: the encoder weights need 10.1"),
             r.reasons[0].c_str());
    QCOMPARE(r.keyValueBytes, 2.0 * 512 * 768);
    QVERIFY(QString::fromStdString(r.reasons[1]).startsWith("memory.activationBufferKB: keys and values of 512"));
    QCOMPARE(r.fifoBytes, 16.0 * 512 * 12); // attention probabilities: 16 tokens × 512 × 12 heads × 8 bit
    QVERIFY2(QString::fromStdString(r.reasons[2]).contains("streaming.fifoKB") &&
                 QString::fromStdString(r.reasons[2]).contains("attention probabilities"),
             r.reasons[2].c_str());
    // With 1-bit probabilities the feed-forward hidden is the widest: 16 × 3072 × 8 bit.
    TransformerSpec p1 = model;
    p1.compression.precision[std::size_t(TensorRole::AttentionProbabilities)] = {1, Quantizer::Sign};
    const BatResult r1 = simulateBat(p1, bertTask(), b);
    QCOMPARE(r1.fifoBytes, 16.0 * 3072);
    QVERIFY(QString::fromStdString(r1.reasons[2]).contains("feed-forward hidden (3072 × 8 bit)"));
    // Big enough buffers: feasible.
    b.weightBufferMB = 11;
    b.activationBufferKB = 768;
    b.fifoKB = 96;
    QVERIFY(simulateBat(model, bertTask(), b).feasible);
}

void TestBatModel::unsupportedIsNotCosted() {
    TransformerSpec model = small("w1a1");
    model.layers[0].heads = {{HeadType::C5, 64}};
    BatResult r = simulateBat(model, task(32), smallEngine());
    QVERIFY(!r.costed);
    QCOMPARE(r.cycles, std::int64_t(0));
    QVERIFY(r.reasons.at(0).find("c_5 head") != std::string::npos);
    r = simulateBat(small("w1"), task(32), smallEngine()); // 32-bit float activations
    QVERIFY(!r.costed);
    QVERIFY(r.reasons.at(0).find("linearInputs: 32-bit float") != std::string::npos);
}

void TestBatModel::targetKindAndFields() {
    QCOMPARE(targetKindFromName("bat"), std::optional<TargetKind>(TargetKind::Bat));
    Target t{BatSpec{}};
    QCOMPARE(t.kind(), TargetKind::Bat);
    QCOMPARE(t.name(), std::string("bat-class"));
    const auto pes = fieldIndex(TargetKind::Bat, "peCount");
    QVERIFY(pes);
    setFieldValue(t, *pes, 128);
    QCOMPARE(t.bat()->peCount, 128);
    QCOMPARE(fieldValue(t, *pes), 128.0);
    const ParsedFieldEdit edit = parseFieldEdit(TargetKind::Bat, "activationFeed=bitParallel");
    QVERIFY(edit.edit);
    setFieldValue(t, edit.edit->field, edit.edit->value);
    QCOMPARE(t.bat()->activationFeed, ActivationFeed::BitParallel);
    const ParsedFieldEdit bad = parseFieldEdit(TargetKind::Bat, "tokenBlock=0");
    QVERIFY(bad.error);
    QCOMPARE(bad.error->path, std::string("streaming.tokenBlock"));
    QVERIFY(validate(t).empty());
    t.bat()->parallelActivationBits = 16;
    t.bat()->bitsPerLane = 8;
    const ValidationErrors errors = validate(t);
    QCOMPARE(errors.size(), std::size_t(1));
    QCOMPARE(errors[0].path, std::string("engine.parallelActivationBits"));
}

// BERT-Base with 1-bit encoder weights and 1-bit word embeddings (BiT's W-E 1-1): the parts
// sum to the parameter count, the encoder matrices hold 84,934,656 bits = 10.6 MB, and the
// total lies within 10 % of the published 13.4–16.5 MB.
void TestBatModel::bertBaseSize() {
    TransformerSpec model = bertBase("w1a1");
    const TaskShape t = bertTask();
    const ModelSize f32 = modelSize(bertBase("w32"), t);
    QCOMPARE(f32.totalBytes, 4.0 * double(model.parameterCount(t)));
    ModelSize w1 = modelSize(model, t);
    QCOMPARE(w1.item("encoder weights").values, std::int64_t(84'934'656));
    QCOMPARE(w1.item("encoder weights").bytes, 84'934'656 / 8.0);
    std::int64_t values = 0;
    for (const auto& i : w1.items)
        values += i.values;
    QCOMPARE(values - w1.item("weight scales (32-bit)").values, model.parameterCount(t));
    QCOMPARE(w1.item("weight scales (32-bit)").values, std::int64_t(12 * (3 * 12 + 1 + 2)));
    // Embeddings at 32 bits dominate: 30522 × 768 × 4 B = 93.8 MB.
    QVERIFY(w1.totalBytes > 100e6);
    model.compression.precision[std::size_t(TensorRole::Embeddings)] = {1, Quantizer::Sign};
    w1 = modelSize(model, t);
    qInfo("BERT-Base W1 E1: %.2f MB (encoder %.2f, embeddings %.2f, 32-bit rest %.2f, scales %.4f, classifier "
          "%.4f)",
          w1.totalBytes / 1e6, w1.item("encoder weights").bytes / 1e6, w1.item("embeddings").bytes / 1e6,
          w1.item("biases, norms, positions (32-bit)").bytes / 1e6, w1.item("weight scales (32-bit)").bytes / 1e6,
          w1.item("classifier").bytes / 1e6);
    QVERIFY(w1.totalBytes >= 0.9 * 13.4e6 && w1.totalBytes <= 1.1 * 16.5e6);
}

// The bat target reads back what it writes, alone and in a pair.
void TestBatModel::jsonRoundTrip() {
    BatSpec b;
    b.name = "tiny-bat";
    b.peCount = 32;
    b.activationFeed = ActivationFeed::BitParallel;
    b.fifoKB = 12.5;
    const io::detail::Json j = io::detail::targetJson(Target(b));
    QCOMPARE(QString::fromStdString(j.at("kind").get<std::string>()), QString("bat"));
    ValidationErrors errors;
    const Target back = io::detail::readTargetJson(j, errors);
    QVERIFY(errors.empty());
    QVERIFY(back == Target(b));
    io::detail::Json bad = j;
    bad["engine"]["lanesPerPe"] = 0;
    errors.clear();
    io::detail::readTargetJson(bad, errors);
    QCOMPARE(errors.size(), std::size_t(1));
    QCOMPARE(errors[0].path, std::string("engine.lanesPerPe"));
    // A pair holding one reads back (a union search's bat trials, tcw search --targets elector,bat).
    const io::CodesignPair pair{"p", small("w1a8"), Target(b)};
    errors.clear();
    const io::CodesignPair read = io::detail::readPairJson(io::detail::pairJson(pair), errors);
    QVERIFY(errors.empty());
    QVERIFY(read == pair);
}

QTEST_APPLESS_MAIN(TestBatModel)
#include "test_bat_model.moc"
