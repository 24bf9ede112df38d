// Issue 15: distillation from a teacher of the same shape. With the student equal to the
// teacher both distillation terms are 0 and the gradient is the task's alone; against a
// different teacher the gradient of task loss + w_logit·KL·T² + w_hidden·MSE equals central
// differences of that total for every parameter tensor; a trainer distils from a teacher
// run's checkpoint and reports the loss split; a teacher of another shape is refused.
#include "design/precision_shorthand.h"
#include "train/checkpoint.h"
#include "train/datasets.h"
#include "train/distillation.h"
#include "train/network.h"
#include "train/presets.h"
#include "train/trainer.h"

#include "../support/train_fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace tcw;
using namespace tcw::train;

namespace {

TaskShape textTask() {
    return testing::textTask(7);
}

const Dataset& listOps() {
    return testing::tinyListOps(96, 32);
}

TransformerSpec twoLayers() {
    TransformerSpec spec;
    spec.name = "distil";
    LayerSpec a;
    a.hiddenSize = 16;
    a.heads = {{HeadType::SaSdp, 8}, {HeadType::C5, 8}};
    a.feedForwardSizes = {24};
    LayerSpec b;
    b.hiddenSize = 12;
    b.heads = {{HeadType::SaSdp, 6}, {HeadType::SaSdp, 6}};
    b.feedForwardSizes = {16};
    spec.layers = {a, b};
    return spec;
}

void perturb(std::span<float> p, std::uint64_t seed, float sigma) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> n(0.0f, sigma);
    for (float& v : p)
        v += n(rng);
}

} // namespace

class TestDistillation : public QObject {
    Q_OBJECT
private slots:
    void studentEqualToTeacherHasZeroLoss();
    void gradientMatchesFiniteDifferences();
    void trainerDistilsFromATeacherRun();
};

void TestDistillation::studentEqualToTeacherHasZeroLoss() {
    const TaskShape task = textTask();
    Network net(twoLayers(), task, 3);
    net.initialize(1);
    perturb(net.parameters(), 2, 0.3f);
    const Batch batch = testing::randomBatch(task, 3, 4);
    net.forward(batch, nullptr);
    net.backward(batch, nullptr);
    const std::vector<float> plain(net.gradients().begin(), net.gradients().end());
    const std::vector<float> same(net.parameters().begin(), net.parameters().end());
    Distillation d(twoLayers(), task, 3, same, {.logitWeight = 1.0, .hiddenWeight = 1.0, .temperature = 2.0});
    net.setActivationHooks(&d);
    d.prepare(batch);
    net.forward(batch, nullptr);
    QVERIFY(std::fabs(d.losses().logit) < 1e-12);
    QCOMPARE(d.losses().hidden, 0.0);
    net.backward(batch, nullptr);
    d.release();
    QVERIFY(std::equal(plain.begin(), plain.end(), net.gradients().begin()));
    // Outside prepare() … release() (evaluation) nothing is distilled.
    net.forward(batch, nullptr);
    net.setActivationHooks(nullptr);
}

void TestDistillation::gradientMatchesFiniteDifferences() {
    const TaskShape task = textTask();
    Network net(twoLayers(), task, 3);
    net.initialize(1);
    perturb(net.parameters(), 2, 0.3f);
    std::vector<float> teacher(net.parameters().begin(), net.parameters().end());
    perturb(teacher, 3, 0.2f);
    const DistillationConfig config{.logitWeight = 0.7, .hiddenWeight = 0.5, .temperature = 2.0};
    Distillation d(twoLayers(), task, 3, teacher, config);
    net.setActivationHooks(&d);
    const Batch batch = testing::randomBatch(task, 3, 4);
    d.prepare(batch);
    auto total = [&] {
        const double ce = net.forward(batch, nullptr).loss;
        return ce + d.losses().weighted(config);
    };
    // prepare() resets the sums; each forward adds the layers' terms anew.
    auto totalFresh = [&] {
        d.prepare(batch);
        return total();
    };
    totalFresh();
    QVERIFY(d.losses().logit > 1e-4 && d.losses().hidden > 1e-3);
    net.backward(batch, nullptr);
    const std::vector<float> grads(net.gradients().begin(), net.gradients().end());
    auto params = net.parameters();
    std::mt19937_64 rng(7);
    std::normal_distribution<float> n(0.0f, 1.0f);
    const float eps = 2e-3f;
    for (const ParamTensor& t : net.tensors()) {
        std::vector<float> v(std::size_t(t.size()));
        double norm = 0;
        for (std::int64_t i = 0; i < t.size(); ++i) {
            v[std::size_t(i)] = grads[std::size_t(t.offset + i)] + 0.1f * n(rng);
            norm += double(v[std::size_t(i)]) * v[std::size_t(i)];
        }
        norm = std::sqrt(norm);
        if (norm == 0)
            continue;
        double analytic = 0;
        for (std::int64_t i = 0; i < t.size(); ++i) {
            v[std::size_t(i)] = float(v[std::size_t(i)] / norm);
            analytic += double(v[std::size_t(i)]) * grads[std::size_t(t.offset + i)];
        }
        const std::vector<float> saved(params.begin() + t.offset, params.begin() + t.offset + t.size());
        auto lossAt = [&](float step) {
            for (std::int64_t i = 0; i < t.size(); ++i)
                params[std::size_t(t.offset + i)] = saved[std::size_t(i)] + step * v[std::size_t(i)];
            return totalFresh();
        };
        const double numeric = (lossAt(eps) - lossAt(-eps)) / (2.0 * eps);
        lossAt(0.0f);
        const double tolerance = 0.05 * std::max(std::fabs(numeric), std::fabs(analytic)) + 1e-4;
        const std::string what =
            t.name + ": analytic " + std::to_string(analytic) + ", numeric " + std::to_string(numeric);
        QVERIFY2(std::fabs(numeric - analytic) <= tolerance, what.c_str());
    }
    net.setActivationHooks(nullptr);
}

void TestDistillation::trainerDistilsFromATeacherRun() {
    QTemporaryDir dir;
    const std::string teacherPath = dir.filePath("teacher.bin").toStdString();
    TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::SaSdp}, {48});
    const TrainConfig c = testing::shortRun(4);
    {
        Trainer teacher(spec, listOps(), c);
        for (int s = 0; s < 4; ++s)
            QVERIFY(teacher.trainStep().finite);
        teacher.saveCheckpoint(teacherPath);
    }
    TransformerSpec student = spec;
    QVERIFY(applyPrecisionShorthand("w1a1", student.compression).empty());
    TrainConfig sc = c;
    sc.distillation.teacherCheckpoint = teacherPath; // the teacher at 32 bits (default compression)
    const TrainResult r = tcw::train::train(student, listOps(), sc);
    QCOMPARE(r.status, TrainStatus::Completed);
    QVERIFY(r.distillation.active && r.distillation.steps == 1);
    QVERIFY(r.distillation.logitLoss > 0 && r.distillation.hiddenLoss > 0);
    QVERIFY(std::isfinite(r.test.loss));
    // A teacher of another shape is refused, naming its file.
    TransformerSpec wider = uniformModel("tiny", 2, 48, {HeadType::SaSdp, HeadType::SaSdp}, {48});
    try {
        Trainer refused(wider, listOps(), sc);
        QFAIL("a teacher of another shape was accepted");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("teacher.bin"), e.what());
    }
}

QTEST_GUILESS_MAIN(TestDistillation)
#include "test_distillation.moc"
