// Training behaviour: same seed → same run; checkpoint save/load/resume continues exactly;
// divergence is a status that keeps the last good checkpoint; DynaProp thresholds raise the
// measured sparsity monotonically, target mode calibrates to the asked sparsity, sparse
// activations take less memory, and a sparser profile costs less simulated training energy.
#include "sim/cost_model.h"
#include "train/presets.h"
#include "train/trainer.h"

#include <QtTest>

#include <cstdio>
#include <filesystem>
#include <stop_token>

using namespace tcw;
using namespace tcw::train;

namespace {

TransformerSpec tinyModel() {
    TransformerSpec spec = uniformModel("tiny", 2, 32, {HeadType::SaSdp, HeadType::C5}, {48});
    spec.layers[1].heads = {{HeadType::SaWma, 16}, {HeadType::LDct, 16}};
    return spec;
}

const Dataset& listOps() {
    static const Dataset data = [] {
        ListOpsOptions o;
        o.trainCount = 256;
        o.testCount = 64;
        o.maxDepth = 2;
        o.sequenceLength = 24;
        return makeListOps(o);
    }();
    return data;
}

TrainConfig baseConfig() {
    TrainConfig c;
    c.batchSize = 16;
    c.steps = 12;
    c.seed = 5;
    c.threads = 1;
    c.optimizer.learningRate = 3e-3f;
    c.optimizer.warmupSteps = 3;
    c.optimizer.totalSteps = 12;
    return c;
}

std::vector<float> paramsAfter(Trainer& t, int steps) {
    for (int i = 0; i < steps; ++i)
        t.trainStep();
    return {t.network().parameters().begin(), t.network().parameters().end()};
}

LayerSparsityCounts totalOf(const std::vector<LayerSparsityCounts>& layers) {
    LayerSparsityCounts total;
    for (const auto& l : layers)
        total.add(l);
    return total;
}

std::string tempPath(const char* name) {
    return (std::filesystem::temp_directory_path() / (std::string("tcw-test-") + name)).string();
}

} // namespace

class TestTrainDynaProp : public QObject {
    Q_OBJECT
private slots:
    void sameSeedSameRun();
    void checkpointResumeContinuesExactly();
    void checkpointRejectsOtherFiles();
    void divergenceKeepsLastGoodCheckpoint();
    void cancelStopsWithProgressReported();
    void higherActivationThresholdMoreSparsity();
    void higherGradientThresholdMoreSparsity();
    void gradientPruningSwitches();
    void targetModeCalibrates();
    void sparseActivationsTakeLessMemory();
    void compressedActivationsSameRun();
    void sparserProfileCostsLessTrainingEnergy();
};

void TestTrainDynaProp::sameSeedSameRun() {
    Trainer a(tinyModel(), listOps(), baseConfig()), b(tinyModel(), listOps(), baseConfig());
    QCOMPARE(paramsAfter(a, 6), paramsAfter(b, 6));
    TrainConfig other = baseConfig();
    other.seed = 6;
    Trainer c(tinyModel(), listOps(), other);
    QVERIFY(paramsAfter(c, 6) != paramsAfter(a, 0));
}

void TestTrainDynaProp::checkpointResumeContinuesExactly() {
    TrainConfig config = baseConfig();
    config.dynaprop.targetActivationSparsity = 0.4; // calibrated thresholds must resume too
    config.dynaprop.targetGradientSparsity = 0.6;
    const std::string path = tempPath("resume.ckpt");
    Trainer straight(tinyModel(), listOps(), config);
    const auto expected = paramsAfter(straight, 10);
    {
        Trainer first(tinyModel(), listOps(), config);
        paramsAfter(first, 5);
        first.saveCheckpoint(path);
    }
    Trainer resumed(tinyModel(), listOps(), config);
    resumed.loadCheckpoint(path);
    QCOMPARE(resumed.step(), 5);
    QCOMPARE(paramsAfter(resumed, 5), expected);
    QCOMPARE(resumed.dynaprop().thresholds(), straight.dynaprop().thresholds());
    QCOMPARE(resumed.accumulated(), straight.accumulated());
    std::filesystem::remove(path);
}

void TestTrainDynaProp::checkpointRejectsOtherFiles() {
    const std::string path = tempPath("bad.ckpt");
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        std::fputs("not a checkpoint at all", f);
        std::fclose(f);
    }
    try {
        loadCheckpoint(path);
        QFAIL("expected an error");
    } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find("magic") != std::string::npos, e.what());
    }
    // A checkpoint of another model is refused by the trainer.
    Trainer small(tinyModel(), listOps(), baseConfig());
    small.saveCheckpoint(path);
    Trainer other(uniformModel("other", 1, 32, {HeadType::SaSdp}, {48}), listOps(), baseConfig());
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, other.loadCheckpoint(path));
    std::filesystem::remove(path);
}

void TestTrainDynaProp::divergenceKeepsLastGoodCheckpoint() {
    TrainConfig config = baseConfig();
    config.optimizer.kind = OptimizerKind::Sgd;
    config.optimizer.maxGradNorm = 0.0f;
    config.optimizer.learningRate = 1e30f; // explodes within a few steps
    config.optimizer.warmupSteps = 0;
    config.checkpointPath = tempPath("diverge.ckpt");
    config.checkpointEverySteps = 1;
    std::filesystem::remove(config.checkpointPath);
    const TrainResult r = tcw::train::train(tinyModel(), listOps(), config);
    QCOMPARE(r.status, TrainStatus::Diverged);
    QVERIFY2(r.message.find("diverged") != std::string::npos, r.message.c_str());
    const CheckpointState kept = loadCheckpoint(config.checkpointPath);
    QVERIFY(kept.step < r.steps + 1);
    for (float p : kept.parameters)
        QVERIFY(std::isfinite(p));
    std::filesystem::remove(config.checkpointPath);
}

void TestTrainDynaProp::cancelStopsWithProgressReported() {
    TrainConfig config = baseConfig();
    config.logEverySteps = 2;
    std::stop_source stop;
    std::vector<TrainProgress> reports;
    const TrainResult r =
        tcw::train::train(tinyModel(), listOps(), config, stop.get_token(), [&](const TrainProgress& p) {
            reports.push_back(p);
            if (p.step >= 4)
                stop.request_stop();
        });
    QCOMPARE(r.status, TrainStatus::Cancelled);
    QCOMPARE(r.steps, 4);
    QCOMPARE(int(reports.size()), 2);
    QCOMPARE(reports.back().totalSteps, 12);
    QVERIFY(reports.back().etaSeconds >= 0.0);
    QVERIFY(std::isfinite(reports.back().trainLoss));
}

void TestTrainDynaProp::higherActivationThresholdMoreSparsity() {
    double previous = -1.0;
    for (float tau : {0.0f, 0.02f, 0.05f, 0.1f, 0.2f}) {
        TrainConfig config = baseConfig();
        config.steps = 4;
        config.dynaprop.tauActivation = tau;
        Trainer t(tinyModel(), listOps(), config);
        paramsAfter(t, 4);
        const double sparsity = totalOf(t.accumulated()).activationTotal().fraction();
        QVERIFY2(sparsity > previous, (std::to_string(tau) + ": " + std::to_string(sparsity)).c_str());
        previous = sparsity;
    }
    QVERIFY(previous > 0.4);
}

void TestTrainDynaProp::higherGradientThresholdMoreSparsity() {
    double previousAct = -1.0, previousWeight = -1.0;
    for (float tau : {0.0f, 1e-5f, 1e-4f, 1e-3f}) {
        TrainConfig config = baseConfig();
        config.steps = 4;
        config.dynaprop.tauGradient = tau;
        Trainer t(tinyModel(), listOps(), config);
        paramsAfter(t, 4);
        const auto total = totalOf(t.accumulated());
        QVERIFY(total.activationGradient.fraction() > previousAct);
        QVERIFY(total.weightGradient.fraction() > previousWeight);
        previousAct = total.activationGradient.fraction();
        previousWeight = total.weightGradient.fraction();
    }
    QVERIFY(previousWeight > 0.5);
}

void TestTrainDynaProp::gradientPruningSwitches() {
    // One step: up to the weight-gradient pruning the runs are identical.
    TrainConfig config = baseConfig();
    config.steps = 1;
    Trainer baseline(tinyModel(), listOps(), config);
    paramsAfter(baseline, 1);
    config.dynaprop.tauGradient = 1e-4f;
    config.dynaprop.pruneActivationGradients = false;
    Trainer onlyWeights(tinyModel(), listOps(), config);
    paramsAfter(onlyWeights, 1);
    config.dynaprop.pruneActivationGradients = true;
    config.dynaprop.pruneWeightGradients = false;
    Trainer onlyActivations(tinyModel(), listOps(), config);
    paramsAfter(onlyActivations, 1);
    const auto base = totalOf(baseline.accumulated());
    const auto w = totalOf(onlyWeights.accumulated()), a = totalOf(onlyActivations.accumulated());
    QCOMPARE(w.activationGradient, base.activationGradient);
    QVERIFY(w.weightGradient.fraction() > base.weightGradient.fraction() + 0.2);
    QVERIFY(a.activationGradient.fraction() > base.activationGradient.fraction() + 0.2);
}

void TestTrainDynaProp::targetModeCalibrates() {
    TrainConfig config = baseConfig();
    config.steps = 30;
    config.dynaprop.targetActivationSparsity = 0.5;
    config.dynaprop.targetGradientSparsity = 0.9;
    Trainer t(tinyModel(), listOps(), config);
    paramsAfter(t, 20);
    const auto before = totalOf(t.accumulated());
    paramsAfter(t, 10);
    auto last = totalOf(t.accumulated()); // the last 10 steps: after − before
    auto minus = [](SparsityCount a, const SparsityCount& b) {
        a.zeros -= b.zeros;
        a.elements -= b.elements;
        return a;
    };
    const double act = minus(last.activationTotal(), before.activationTotal()).fraction();
    const double actGrad = minus(last.activationGradient, before.activationGradient).fraction();
    const double weightGrad = minus(last.weightGradient, before.weightGradient).fraction();
    QVERIFY2(std::fabs(act - 0.5) < 0.08, std::to_string(act).c_str());
    QVERIFY2(std::fabs(actGrad - 0.9) < 0.05, std::to_string(actGrad).c_str());
    QVERIFY2(std::fabs(weightGrad - 0.9) < 0.05, std::to_string(weightGrad).c_str());
}

void TestTrainDynaProp::sparseActivationsTakeLessMemory() {
    TrainConfig config = baseConfig();
    config.steps = 2;
    config.memoryEverySteps = 1;
    Trainer dense(tinyModel(), listOps(), config);
    paramsAfter(dense, 2);
    config.dynaprop.tauActivation = 0.2f;
    Trainer sparse(tinyModel(), listOps(), config);
    paramsAfter(sparse, 2);
    QCOMPARE(sparse.peakActivationMemory().denseBytes, dense.peakActivationMemory().denseBytes);
    QVERIFY(sparse.peakActivationMemory().compressedBytes < 0.8 * dense.peakActivationMemory().compressedBytes);
    QVERIFY(dense.peakActivationMemory().compressedBytes <= dense.peakActivationMemory().denseBytes);
}

void TestTrainDynaProp::compressedActivationsSameRun() {
    TrainConfig config = baseConfig();
    config.steps = 5;
    config.memoryEverySteps = 1;
    config.dynaprop.tauActivation = 0.1f;
    config.dynaprop.tauGradient = 1e-4f;
    config.compressSavedActivations = false;
    Trainer dense(tinyModel(), listOps(), config);
    config.compressSavedActivations = true;
    Trainer compressed(tinyModel(), listOps(), config);
    QCOMPARE(paramsAfter(compressed, 5), paramsAfter(dense, 5));
    QCOMPARE(compressed.accumulated(), dense.accumulated());
    QVERIFY(compressed.peakActivationMemory().compressedBytes < dense.peakActivationMemory().denseBytes);
}

void TestTrainDynaProp::sparserProfileCostsLessTrainingEnergy() {
    auto profileAt = [](float tauAct, float tauGrad) {
        TrainConfig config = baseConfig();
        config.steps = 4;
        config.dynaprop.tauActivation = tauAct;
        config.dynaprop.tauGradient = tauGrad;
        const TrainResult r = tcw::train::train(tinyModel(), listOps(), config);
        return r.profile;
    };
    const SparsityProfile low = profileAt(0.0f, 0.0f), high = profileAt(0.1f, 1e-3f);
    QCOMPARE(int(high.layers.size()), 2);
    QVERIFY(validate(high).empty());
    QVERIFY(high.mean().activation > low.mean().activation);
    QVERIFY(high.mean().activationGradient > low.mean().activationGradient);
    QVERIFY(high.mean().weightGradient > low.mean().weightGradient);
    const TechnologyLibrary tech = electorTechnology14nm();
    SimOptions options;
    options.mode = SimMode::Training;
    options.task = listOps().task;
    options.opBreakdown = false;
    auto energy = [&](const SparsityProfile& p) {
        options.sparsity.profile = std::make_shared<const SparsityProfile>(p);
        const SimResult r = simulate(tinyModel(), AcceleratorSpec{}, tech, options);
        return r.dynamicEnergyNJ();
    };
    const double eLow = energy(low), eHigh = energy(high);
    QVERIFY2(eHigh < eLow, (std::to_string(eHigh) + " vs " + std::to_string(eLow)).c_str());
}

QTEST_APPLESS_MAIN(TestTrainDynaProp)
#include "test_train_dynaprop.moc"
