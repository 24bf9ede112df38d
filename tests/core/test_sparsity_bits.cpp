// Issue 15, DynaProp and binarization together: the stored sparsity of a run is that of the
// tensors the matmuls read. A ternary (w2) run's weight sparsity is the TWN zero share of its
// weights, counted here independently from the latent weights; {±α} (w1) weights have none;
// a {0, α} activation quantizer's zeros reach the activation sparsity, and the quantizer counts
// them in its own pass exactly; the profile records bits per tensor, an old file without them
// reads as 32-bit float, and bad bits are refused naming the field; elector costs a ternary
// model with its measured weight zeros, and refuses a profile measured at other bits.
#include "design/precision_shorthand.h"
#include "design/sparsity_bits.h"
#include "design/technology_library.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "sim/cost_model.h"
#include "train/activation_quantization.h"
#include "train/low_bit_quantizers.h"
#include "train/presets.h"
#include "train/trainer.h"
#include "train/weight_precision.h"

#include "../support/train_fixtures.h"

#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

using namespace tcw;
using namespace tcw::train;

namespace {

const std::filesystem::path kData = TCW_SOURCE_DATA_DIR;

const Dataset& listOps() {
    return testing::tinyListOps(128, 32);
}

TransformerSpec tinyModel(const char* precision) {
    TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
    if (precision)
        QTest::qVerify(applyPrecisionShorthand(precision, spec.compression).empty(), "shorthand", "", __FILE__,
                       __LINE__);
    return spec;
}

// Per encoder layer, exact zeros of the quantized encoder matrices and their element count,
// computed from the latent weights with the quantizer alone (not the trainer's counting).
std::vector<SparsityCount> quantizedWeightZeros(const std::vector<ParamTensor>& tensors,
                                                const std::vector<float>& latent, const CompressionSpec& compression,
                                                int layers) {
    std::vector<SparsityCount> out(static_cast<std::size_t>(layers));
    for (const ParamTensor& t : tensors) {
        if (weightRoleOf(t) != TensorRole::Weights)
            continue;
        const std::span<const float> w(latent.data() + t.offset, std::size_t(t.size()));
        std::vector<float> q(w.size());
        quantizeWeights(w, compression.at(t.layer, TensorRole::Weights), q);
        auto& c = out[static_cast<std::size_t>(t.layer)];
        c.zeros += std::count(q.begin(), q.end(), 0.0f);
        c.elements += t.size();
    }
    return out;
}

} // namespace

class TestSparsityBits : public QObject {
    Q_OBJECT
private slots:
    void ternaryWeightsStoreTheTwnZeroShare();
    void signedBinaryWeightsHaveNoZeros();
    void floatRunIsUnchanged();
    void quantizerCountsInItsOwnPass();
    void unsignedActivationZerosReachTheProfile();
    void profileBitsReadWriteAndValidate();
    void electorUsesTheTernaryWeightZeros();
    void costModelsRefuseOtherBits();
};

// A 1-step w2 run: the weights its step counted are the TWN values of the initial latent
// weights; their zeros per layer, counted independently, are the stored weight sparsity.
void TestSparsityBits::ternaryWeightsStoreTheTwnZeroShare() {
    const TransformerSpec spec = tinyModel("w2");
    Trainer trainer(spec, listOps(), testing::shortRun(1));
    const std::vector<float> latent(trainer.network().parameters().begin(), trainer.network().parameters().end());
    const auto want = quantizedWeightZeros(trainer.network().tensors(), latent, spec.compression, 2);
    QVERIFY(trainer.trainStep().finite);
    const SparsityProfile profile = makeSparsityProfile(trainer.accumulated(), "w2", spec.compression);
    QCOMPARE(profile.layers.size(), std::size_t(2));
    for (std::size_t l = 0; l < 2; ++l) {
        QCOMPARE(trainer.accumulated()[l].weight, want[l]); // exact counts
        QCOMPARE(profile.layers[l].weight, want[l].fraction());
        // TWN on N(0, σ²) weights zeroes ~42 % (Δ = 0.7·E|w|); these are small matrices.
        QVERIFY2(std::fabs(profile.layers[l].weight - 0.4235) < 0.02,
                 qPrintable(QString::number(profile.layers[l].weight)));
        QCOMPARE(profile.layers[l].bits.weights, 2);
        QCOMPARE(profile.layers[l].bits.linearInputs, 32);
        // The latent weights (no pruning) have no zeros: all of them are the quantizer's.
        QVERIFY(profile.layers[l].weightBeforeQuantizer.has_value());
        QCOMPARE(*profile.layers[l].weightBeforeQuantizer, 0.0);
        QVERIFY(!profile.layers[l].activationBeforeQuantizer.has_value()); // f32 activations
    }
    // What tcw train and the Training panel show: one line per layer with bits and zeros.
    const auto lines = sparsityBitsLines(profile);
    QCOMPARE(lines.size(), std::size_t(2));
    char weightText[32];
    std::snprintf(weightText, sizeof weightText, "weights %.2f %%", 100.0 * want[1].fraction());
    QVERIFY2(lines[1].rfind("layer 1: bits weights 2, linear inputs 32,", 0) == 0, lines[1].c_str());
    QVERIFY2(lines[1].find(std::string("zeros: ") + weightText + " (0.00 % of the latent weights: pruning)") !=
                 std::string::npos,
             lines[1].c_str());
}

void TestSparsityBits::signedBinaryWeightsHaveNoZeros() {
    const TransformerSpec spec = tinyModel("w1");
    Trainer trainer(spec, listOps(), testing::shortRun(2));
    QVERIFY(trainer.trainStep().finite);
    QVERIFY(trainer.trainStep().finite);
    const SparsityProfile profile = makeSparsityProfile(trainer.accumulated(), "w1", spec.compression);
    for (const LayerSparsity& l : profile.layers) {
        QCOMPARE(l.weight, 0.0);
        QCOMPARE(l.bits.weights, 1);
        QVERIFY(l.weightBeforeQuantizer.has_value());
    }
    for (const LayerSparsityCounts& c : trainer.accumulated())
        QVERIFY(c.weight.elements > 0 && c.weight.zeros == 0);
}

// Without any precision the profile is what it was: no bits, no before-quantizer fractions,
// the activation fraction DynaProp's own count.
void TestSparsityBits::floatRunIsUnchanged() {
    const TransformerSpec spec = tinyModel(nullptr);
    TrainConfig config = testing::shortRun(2);
    config.dynaprop.tauActivation = 0.05f;
    Trainer trainer(spec, listOps(), config);
    QVERIFY(trainer.trainStep().finite);
    QVERIFY(trainer.trainStep().finite);
    const SparsityProfile profile = makeSparsityProfile(trainer.accumulated(), "f32", spec.compression);
    for (std::size_t l = 0; l < profile.layers.size(); ++l) {
        const LayerSparsityCounts& c = trainer.accumulated()[l];
        QCOMPARE(c.activationQuantizerZeros, std::int64_t(0));
        QCOMPARE(c.latentWeight, SparsityCount{});
        QCOMPARE(profile.layers[l].activation, c.activationTotal().fraction());
        QVERIFY(profile.layers[l].activation > 0.1); // τ_I = 0.05 prunes
        QVERIFY(profile.layers[l].bits.allFloat());
        QVERIFY(!profile.layers[l].activationBeforeQuantizer && !profile.layers[l].weightBeforeQuantizer);
    }
    QVERIFY(sparsityBitsLines(profile).empty()); // nothing extra to show
    // Its JSON has no new field: it reads as files did before.
    const std::string text = io::sparsityProfileText(profile);
    QVERIFY(text.find("bits") == std::string::npos);
    QVERIFY(text.find("BeforeQuantizer") == std::string::npos);
}

// A {0, α} quantizer on attention probabilities: its zeros are those of the elastic forward
// rule, counted with the input's in the copy-back pass; the delta of a counted site reaches
// takeZeroDeltas(), that of an uncounted linear input (index 0) does not.
void TestSparsityBits::quantizerCountsInItsOwnPass() {
    TransformerSpec spec = tinyModel(nullptr);
    spec.compression.precision[std::size_t(TensorRole::AttentionProbabilities)] = {1, Quantizer::Sign};
    spec.compression.precision[std::size_t(TensorRole::LinearInputs)] = {1, Quantizer::Sign};
    ActivationQuantization aq(spec);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(0.0f, 0.25f);
    std::vector<float> probs(8 * 16);
    for (float& v : probs)
        v = u(rng);
    probs[3] = probs[40] = 0.0f; // zeros before the quantizer
    std::vector<float> x = probs;
    aq.forward(1, ActivationSite::AttentionProbabilities, 0, x.data(), 8, 16);
    const auto* e = aq.entry(1, ActivationSite::AttentionProbabilities, 0);
    QVERIFY(e && e->kind == ActivationQuantizerKind::ElasticUnsigned);
    const std::vector<float> want = elasticForward(probs, 16, ElasticKind::Unsigned, e->scale);
    const auto wantZeros = std::count(want.begin(), want.end(), 0.0f);
    QVERIFY(wantZeros > 2);
    QCOMPARE(e->outputZeros, std::int64_t(wantZeros));
    QCOMPARE(e->inputZeros, std::int64_t(2));
    QCOMPARE(std::int64_t(std::count(x.begin(), x.end(), 0.0f)), std::int64_t(wantZeros));
    // A {±α} linear input of the Q/K/V projection (a copy DynaProp does not count).
    std::vector<float> input(8 * 16);
    for (float& v : input)
        v = u(rng) - 0.125f;
    aq.forward(1, ActivationSite::LinearInput, 0, input.data(), 8, 16);
    QCOMPARE(aq.entry(1, ActivationSite::LinearInput, 0)->outputZeros, std::int64_t(0));
    const std::vector<std::int64_t> deltas = aq.takeZeroDeltas();
    QCOMPARE(deltas, (std::vector<std::int64_t>{0, std::int64_t(wantZeros) - 2}));
    QCOMPARE(aq.takeZeroDeltas(), (std::vector<std::int64_t>{0, 0}));
}

// A 1-step run with {0, α} attention probabilities (w32, ReLU FFN at 32 bits): the stored
// activation zeros are DynaProp's plus exactly what the quantizers of the step's forward pass
// added, and the probabilities' zeros make the activation sparsity larger than before them.
void TestSparsityBits::unsignedActivationZerosReachTheProfile() {
    TransformerSpec spec = tinyModel(nullptr);
    spec.compression.precision[std::size_t(TensorRole::AttentionProbabilities)] = {1, Quantizer::Sign};
    Trainer trainer(spec, listOps(), testing::shortRun(1));
    QVERIFY(trainer.trainStep().finite);
    const ActivationQuantization* aq = trainer.activationQuantization();
    QVERIFY(aq);
    const SparsityProfile profile = makeSparsityProfile(trainer.accumulated(), "a1 probabilities", spec.compression);
    for (int l = 0; l < 2; ++l) {
        std::int64_t added = 0;
        for (const auto& [key, q] : aq->quantizers())
            if (q.layer == l) {
                QCOMPARE(q.site, ActivationSite::AttentionProbabilities);
                added += q.outputZeros - q.inputZeros;
            }
        const LayerSparsityCounts& c = trainer.accumulated()[std::size_t(l)];
        QVERIFY(added > 0);
        QCOMPARE(c.activationQuantizerZeros, added);
        const LayerSparsity& s = profile.layers[std::size_t(l)];
        QCOMPARE(s.activation, double(c.activationTotal().zeros + added) / double(c.activationTotal().elements));
        QVERIFY(s.activationBeforeQuantizer.has_value());
        QCOMPARE(*s.activationBeforeQuantizer, c.activationTotal().fraction());
        QVERIFY(s.activation > *s.activationBeforeQuantizer);
        QCOMPARE(s.bits.attentionProbabilities, 1);
        QVERIFY(!s.weightBeforeQuantizer.has_value()); // f32 weights
    }
}

void TestSparsityBits::profileBitsReadWriteAndValidate() {
    // A file written before bits existed reads as 32-bit float, nothing before a quantizer.
    const std::string old = R"({"schemaVersion": 1, "kind": "sparsityProfile", "source": "old",
        "layers": [{"activation": 0.5, "weight": 0.1, "activationGradient": 0.9, "weightGradient": 0.9}]})";
    const auto loaded = io::parseDocument(old, io::Syntax::Json, "old.json");
    QVERIFY(loaded.ok());
    const auto& p = std::get<SparsityProfile>(*loaded.value);
    QCOMPARE(p.layers.front().bits, TensorBits{});
    QVERIFY(!p.layers.front().activationBeforeQuantizer && !p.layers.front().weightBeforeQuantizer);
    // Written and read back with bits and the zeros before the quantizers.
    SparsityProfile q = p;
    q.layers.front().bits = {2, 8, 8, 1, 8};
    q.layers.front().weight = 0.42;
    q.layers.front().weightBeforeQuantizer = 0.0;
    q.layers.front().activationBeforeQuantizer = 0.25;
    const auto back = io::parseDocument(io::sparsityProfileText(q), io::Syntax::Json, "new.json");
    QVERIFY(back.ok());
    QCOMPARE(std::get<SparsityProfile>(*back.value), q);
    // Bits outside 1, 2, 4, 8, 16, 32 and unknown roles are refused, naming the field.
    std::string bad = old;
    bad.replace(bad.find("\"weightGradient\": 0.9}"), 22,
                R"("weightGradient": 0.9, "bits": {"weights": 3, "values": 8}})");
    const auto refused = io::parseDocument(bad, io::Syntax::Json, "bad.json");
    QVERIFY(!refused.ok());
    const std::string errors = refused.errors.toString();
    QVERIFY2(errors.find("bad.json") != std::string::npos, errors.c_str());
    QVERIFY2(errors.find("layers[0].bits.weights") != std::string::npos, errors.c_str());
    QVERIFY2(errors.find("1, 2, 4, 8, 16, 32, got 3") != std::string::npos, errors.c_str());
    QVERIFY2(errors.find("values") != std::string::npos, errors.c_str());
    bad = old;
    bad.replace(bad.find("\"weightGradient\": 0.9}"), 22, R"("weightGradient": 0.9, "weightBeforeQuantizer": 1.5})");
    const auto refused2 = io::parseDocument(bad, io::Syntax::Json, "bad.json");
    QVERIFY(!refused2.ok());
    QVERIFY(refused2.errors.toString().find("layers[0].weightBeforeQuantizer") != std::string::npos);
}

namespace {

TransformerSpec ternaryBertTiny() {
    auto loaded = io::resolveTransformer("bert-tiny", kData);
    if (!loaded.value)
        qFatal("model preset bert-tiny missing under %s", kData.string().c_str());
    TransformerSpec m = *loaded.value;
    m.compression.precision[std::size_t(TensorRole::Weights)] = {2, Quantizer::Symmetric};
    return m;
}

AcceleratorSpec edge() {
    const auto loaded = io::resolveAccelerator("edge", kData);
    if (!loaded.value)
        qFatal("accelerator preset edge missing under %s", kData.string().c_str());
    return loaded.value->spec;
}

SimOptions withProfile(CostModelKind kind, int layers, double weight, TensorBits bits) {
    auto profile = std::make_shared<SparsityProfile>();
    profile->source = "test run";
    for (int l = 0; l < layers; ++l) {
        LayerSparsity s{0.0, weight, 0.0, 0.0};
        s.bits = bits;
        profile->layers.push_back(s);
    }
    SimOptions o;
    o.costModel = kind;
    o.sparsity.profile = profile;
    return o;
}

} // namespace

// elector skips weight zeros: a ternary model's measured ~42 % costs less than none.
void TestSparsityBits::electorUsesTheTernaryWeightZeros() {
    const TransformerSpec m = ternaryBertTiny();
    const TensorBits bits = tensorBitsAt(m.compression, 0);
    QCOMPARE(bits.weights, 2);
    const TechnologyLibrary t = electorTechnology14nm();
    const SimResult none = simulate(m, edge(), t, withProfile(CostModelKind::Elector, m.layerCount(), 0.0, bits));
    const SimResult twn = simulate(m, edge(), t, withProfile(CostModelKind::Elector, m.layerCount(), 0.4235, bits));
    QVERIFY2(none.feasible && twn.feasible,
             qPrintable(QString::fromStdString(none.infeasibleReasons.empty() ? "" : none.infeasibleReasons.front())));
    const double eNone = none.dynamicEnergyNJ() + none.leakageEnergyNJ();
    const double eTwn = twn.dynamicEnergyNJ() + twn.leakageEnergyNJ();
    QVERIFY2(
        twn.cycles < none.cycles || eTwn < eNone,
        qPrintable(QString("cycles %1 vs %2, energy %3 vs %4").arg(twn.cycles).arg(none.cycles).arg(eTwn).arg(eNone)));
    QVERIFY(twn.cycles <= none.cycles && eTwn <= eNone);
}

// A profile measured at 32-bit weights does not describe the ternary model: both cost models
// say so, naming the profile, the model and both widths.
void TestSparsityBits::costModelsRefuseOtherBits() {
    const TransformerSpec m = ternaryBertTiny();
    const TechnologyLibrary t = electorTechnology14nm();
    for (const CostModelKind kind : {CostModelKind::Elector, CostModelKind::AcceltranFast}) {
        const SimResult r = simulate(m, edge(), t, withProfile(kind, m.layerCount(), 0.0, TensorBits{}));
        QVERIFY(!r.feasible);
        std::string reasons;
        for (const auto& s : r.infeasibleReasons)
            reasons += s + "\n";
        QVERIFY2(reasons.find("layers[0].bits.weights") != std::string::npos, reasons.c_str());
        QVERIFY2(reasons.find("'test run'") != std::string::npos, reasons.c_str());
        QVERIFY2(reasons.find("32-bit weights") != std::string::npos, reasons.c_str());
        QVERIFY2(reasons.find("'" + m.name + "' has 2-bit") != std::string::npos, reasons.c_str());
    }
}

QTEST_GUILESS_MAIN(TestSparsityBits)
#include "test_sparsity_bits.moc"
