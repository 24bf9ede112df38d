// Issue 15: the distillation terms against hand-computed values, and multi-step schedules
// (32 → 4 → 2 → 1 bits, BiT): a run with quantized activations writes its learned quantizers
// beside its checkpoint, and a teacher of that precision runs with them — a student that is
// the teacher (same weights, same restored quantizers) has distillation losses of exactly 0.
#include "design/precision_shorthand.h"
#include "train/activation_scales.h"
#include "train/checkpoint.h"
#include "train/datasets.h"
#include "train/distillation.h"
#include "train/network.h"
#include "train/presets.h"
#include "train/trainer.h"
#include "train/weight_precision.h"

#include "../support/train_fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

using namespace tcw;
using namespace tcw::train;

namespace {

const Dataset& listOps() {
    return testing::tinyListOps(96, 32);
}

TransformerSpec tinyAt(const char* precision) {
    TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
    if (const std::string why = applyPrecisionShorthand(precision, spec.compression); !why.empty())
        throw std::invalid_argument(why);
    return spec;
}

} // namespace

class TestDistillationSteps : public QObject {
    Q_OBJECT
private slots:
    void logitLossMatchesHandValues();
    void hiddenLossMatchesHandValues();
    void activationScalesRoundTrip();
    void corruptScalesAreRefused();
    void quantizedTeacherRunsWithItsScales();
    void quantizedTeacherWithoutScalesIsRefused();
};

void TestDistillationSteps::logitLossMatchesHandValues() {
    // Two rows of two classes; row 1: student (0, 0), teacher (ln 3, 0); row 2: equal.
    const std::vector<float> student = {0.0f, 0.0f, 1.0f, -1.0f};
    const std::vector<float> teacher = {float(std::log(3.0)), 0.0f, 1.0f, -1.0f};
    std::vector<float> g;
    // T = 1: p_t = (3/4, 1/4), p_s = (1/2, 1/2); KL = 3/4 ln(3/2) + 1/4 ln(1/2); mean over B = 2.
    const double kl1 = 0.75 * std::log(1.5) + 0.25 * std::log(0.5);
    double loss = logitDistillationLoss(student, teacher, 2, 2, 1.0, g);
    QVERIFY(std::fabs(loss - kl1 / 2) < 1e-7);
    QVERIFY(std::fabs(kl1 - 0.1308120) < 1e-6); // the value by hand
    // dL/dz_s = T (p_s − p_t) / B = (1/2 − 3/4) / 2.
    QVERIFY(std::fabs(g[0] - (-0.125f)) < 1e-7f && std::fabs(g[1] - 0.125f) < 1e-7f);
    QCOMPARE(g[2], 0.0f);
    QCOMPARE(g[3], 0.0f);
    // T = 2: p_t = (√3, 1)/(1 + √3), the loss carries T² and the gradient T·(p_s − p_t)/B.
    const double r3 = std::sqrt(3.0), a = r3 / (1 + r3), b = 1 / (1 + r3);
    const double kl2 = a * std::log(2 * a) + b * std::log(2 * b);
    loss = logitDistillationLoss(student, teacher, 2, 2, 2.0, g);
    QVERIFY(std::fabs(loss - 4 * kl2 / 2) < 1e-7);
    QVERIFY(std::fabs(4 * kl2 / 2 - 0.0726816) < 1e-6); // by hand: 4 · 0.0363408 / 2
    QVERIFY(std::fabs(g[0] - float(2 * (0.5 - a) / 2)) < 1e-7f);
    QVERIFY(std::fabs(g[0] - (-0.1339746f)) < 1e-6f && std::fabs(g[1] - 0.1339746f) < 1e-6f);
}

void TestDistillationSteps::hiddenLossMatchesHandValues() {
    // d = (1, 0, −2, 0): mean of d² = 5/4; dL/dh_s = 2d/4.
    std::vector<float> g;
    const double loss = hiddenDistillationLoss(std::vector<float>{1, 2, 3, 4}, std::vector<float>{0, 2, 5, 4}, g);
    QCOMPARE(loss, 1.25);
    QCOMPARE(g, (std::vector<float>{0.5f, 0.0f, -1.0f, 0.0f}));
}

void TestDistillationSteps::activationScalesRoundTrip() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("run.scales").toStdString();
    ActivationScales s;
    s.modelFingerprint = 0x1234567890abcdefull;
    s.quantizers.push_back(
        {0, ActivationSite::LinearInput, 2, ActivationQuantizerKind::ElasticSigned, 1, 0.75f, {0.1f, -0.2f, 0.3f}});
    s.quantizers.push_back(
        {1, ActivationSite::AttentionProbabilities, 0, ActivationQuantizerKind::ElasticUnsigned, 1, 0.05f, {}});
    s.quantizers.push_back({1, ActivationSite::QueryKeyValue, 1, ActivationQuantizerKind::LsqSigned, 4, 0.3f, {}});
    saveActivationScales(path, s);
    QCOMPARE(loadActivationScales(path), s);
    QCOMPARE(activationScalesPath("/runs/a/checkpoint.bin"), std::string("/runs/a/checkpoint.scales"));
}

void TestDistillationSteps::corruptScalesAreRefused() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("run.scales").toStdString();
    ActivationScales s;
    s.quantizers.push_back(
        {0, ActivationSite::LinearInput, 0, ActivationQuantizerKind::ElasticSigned, 1, 0.5f, {0.1f, 0.2f}});
    saveActivationScales(path, s);
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto refused = [&](const std::string& content, const char* why) {
        const std::string bad = dir.filePath("bad.scales").toStdString();
        std::ofstream(bad, std::ios::binary | std::ios::trunc) << content;
        try {
            loadActivationScales(bad);
            return false;
        } catch (const std::runtime_error& e) {
            return QString(e.what()).contains("bad.scales") && QString(e.what()).contains(why);
        }
    };
    QVERIFY(refused(bytes.substr(0, 10), "truncated")); // inside the model fingerprint
    QVERIFY(refused(bytes + "x", "after its last"));
    std::string site = bytes;
    site[4 + 4 + 8 + 4 + 4] = char(7); // the first quantizer's site
    QVERIFY(refused(site, "site 7"));
    std::string shift = bytes;
    shift[shift.size() - 8 - 8] = char(0x7f); // the shift length claims far more than the file holds
    QVERIFY(refused(shift, "shift"));
}

void TestDistillationSteps::quantizedTeacherRunsWithItsScales() {
    QTemporaryDir dir;
    const std::string checkpoint = dir.filePath("teacher.bin").toStdString();
    const TransformerSpec spec = tinyAt("w1a4");
    {
        Trainer teacher(spec, listOps(), testing::shortRun(4));
        for (int s = 0; s < 4; ++s)
            QVERIFY(teacher.trainStep().finite);
        teacher.saveCheckpoint(checkpoint);
    }
    const std::string scalesPath = activationScalesPath(checkpoint);
    QVERIFY(std::filesystem::exists(scalesPath));
    const ActivationScales scales = loadActivationScales(scalesPath);
    // Every quantized tensor of both layers: linear inputs, Q/K/V, probabilities, FFN hidden.
    QVERIFY(scales.quantizers.size() >= 8);
    for (const auto& q : scales.quantizers)
        QVERIFY(q.bits == 4 && q.scale > 0);

    // The student is the teacher: its weights quantized as the teacher's are, its activation
    // quantizers restored from the same file, run before the distillation hook.
    DistillationConfig config{.logitWeight = 1.0, .hiddenWeight = 1.0, .temperature = 2.0};
    config.teacherCheckpoint = checkpoint;
    config.teacherCompression = spec.compression;
    const TaskShape task = listOps().task;
    Distillation d(spec, task, 16, config);
    Network student(spec, task, 16);
    const CheckpointState state = loadCheckpoint(checkpoint);
    std::copy(state.parameters.begin(), state.parameters.end(), student.parameters().begin());
    WeightPrecision(student.tensors(), spec.compression).quantize(student.parameters());
    ActivationQuantization quantization(spec);
    quantization.restore(scales.quantizers, scalesPath);
    HookChain hooks;
    hooks.add(&quantization);
    hooks.add(&d);
    student.setActivationHooks(&hooks);
    std::vector<std::int64_t> indices(16);
    std::iota(indices.begin(), indices.end(), 0);
    Batch batch;
    listOps().fillBatch(listOps().test, indices, batch);
    d.prepare(batch);
    student.forward(batch, nullptr);
    QCOMPARE(d.losses().hidden, 0.0);
    QVERIFY(std::fabs(d.losses().logit) < 1e-12);
    // With fresh quantizers (scales from this batch, not the run's) the student differs.
    ActivationQuantization fresh(spec);
    HookChain freshHooks;
    freshHooks.add(&fresh);
    freshHooks.add(&d);
    student.setActivationHooks(&freshHooks);
    d.prepare(batch);
    student.forward(batch, nullptr);
    QVERIFY(d.losses().hidden > 1e-6);
    d.release();
    student.setActivationHooks(nullptr);

    // A distilled W1A1 run from the W1A4 teacher trains and reports its loss split.
    TrainConfig sc = testing::shortRun(4);
    sc.distillation = config;
    const TrainResult r = tcw::train::train(tinyAt("w1a1"), listOps(), sc);
    QCOMPARE(r.status, TrainStatus::Completed);
    QVERIFY(r.distillation.active && r.distillation.logitLoss > 0 && r.distillation.hiddenLoss > 0);
}

void TestDistillationSteps::quantizedTeacherWithoutScalesIsRefused() {
    QTemporaryDir dir;
    const std::string checkpoint = dir.filePath("teacher.bin").toStdString();
    const TransformerSpec f32 = tinyAt("w32a32");
    saveActivationScales(activationScalesPath(checkpoint), {}); // an earlier run's, left in the folder
    {
        Trainer teacher(f32, listOps(), testing::shortRun(4));
        QVERIFY(teacher.trainStep().finite);
        teacher.saveCheckpoint(checkpoint);
    }
    // 32-bit activations: none written, and the earlier run's is gone with its checkpoint.
    QVERIFY(!std::filesystem::exists(activationScalesPath(checkpoint)));
    DistillationConfig config;
    config.teacherCheckpoint = checkpoint;
    config.teacherCompression = tinyAt("w1a4").compression; // claimed, but the run has no scales
    try {
        Distillation d(f32, listOps().task, 16, config);
        QFAIL("a teacher with quantized activations and no scales was accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("teacher.scales") && QString(e.what()).contains("not found"), e.what());
    }
}

QTEST_GUILESS_MAIN(TestDistillationSteps)
#include "test_distillation_steps.moc"
