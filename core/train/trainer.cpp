// The DynaProp training loop (see trainer.h).
#include "trainer.h"

#include "activation_scales.h"
#include "pruning.h"
#include "weight_precision.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>

namespace tcw::train {

namespace {
int threadsOrOne(int threads) {
    return threads > 0 ? threads : 1;
}

std::unique_ptr<Network> makeNetwork(const TransformerSpec& spec, const Dataset& data, const TrainConfig& config) {
    // OpenMP's thread count must be set before oneDNN builds any primitive.
    setComputeThreads(threadsOrOne(config.threads));
    const auto errors = validate(spec);
    if (!errors.empty())
        throw std::invalid_argument("model '" + spec.name + "': " + errors.front().path + ": " +
                                    errors.front().message);
    if (config.batchSize <= 0)
        throw std::invalid_argument("batch size must be positive, got " + std::to_string(config.batchSize));
    if (data.train.count < config.batchSize)
        throw std::invalid_argument("the training split has " + std::to_string(data.train.count) +
                                    " examples, fewer than one batch of " + std::to_string(config.batchSize));
    return std::make_unique<Network>(spec, data.task, config.batchSize);
}

DynaPropConfig withSeed(DynaPropConfig c, std::uint64_t seed) {
    c.seed = seed;
    return c;
}

void checkDynaProp(const DynaPropConfig& c) {
    if (c.tauActivation < 0 || c.tauGradient < 0)
        throw std::invalid_argument("thresholds must be ≥ 0");
    for (const auto& target : {c.targetActivationSparsity, c.targetGradientSparsity})
        if (target && !(*target >= 0.0 && *target < 1.0))
            throw std::invalid_argument("target sparsity must be in [0, 1), got " + std::to_string(*target));
}
} // namespace

std::string trainStatusName(TrainStatus status) {
    switch (status) {
    case TrainStatus::Completed:
        return "completed";
    case TrainStatus::Cancelled:
        return "cancelled";
    case TrainStatus::Diverged:
        return "diverged";
    }
    return "?";
}

Trainer::Trainer(const TransformerSpec& spec, const Dataset& data, const TrainConfig& config)
    : m_data(data), m_config(config), m_network(makeNetwork(spec, data, config)),
      m_optimizer(config.optimizer, m_network->parameterCount()),
      m_dynaprop(spec.layerCount(), withSeed(config.dynaprop, config.seed)),
      m_accumulated(static_cast<std::size_t>(spec.layerCount())) {
    checkDynaProp(config.dynaprop);
    m_network->initialize(config.seed);
    if (!config.initialParameters.empty()) { // issue 14: weights transferred from a parent model
        if (config.initialParameters.size() != m_network->parameters().size())
            throw std::invalid_argument("initial parameters: " + std::to_string(config.initialParameters.size()) +
                                        " values, the model has " + std::to_string(m_network->parameters().size()));
        std::copy(config.initialParameters.begin(), config.initialParameters.end(), m_network->parameters().begin());
    }
    m_network->setBf16Matmul(config.bf16Matmul);
    m_network->setSparseBackward(config.sparseBackward);
    const bool prunesActivations =
        config.dynaprop.tauActivation > 0.0f || config.dynaprop.targetActivationSparsity.has_value();
    m_network->setCompressSavedActivations(config.compressSavedActivations.value_or(prunesActivations));
    m_dynaprop.setCollectMagnitudes(config.collectMagnitudeHistograms);
    m_weightPrecision = std::make_unique<WeightPrecision>(m_network->tensors(), spec.compression); // issue 15
    if (ActivationQuantization::anyQuantized(spec.compression)) { // issue 15: quantized activations
        if (prunesActivations)
            throw std::invalid_argument("quantized activations with activation pruning (τ_I) are not supported: "
                                        "give τ_I = 0 or 32-bit activations");
        m_activationQuantization = std::make_unique<ActivationQuantization>(spec, config.activationQuantization);
        m_hooks.add(m_activationQuantization.get());
    }
    if (!config.distillation.teacherCheckpoint.empty()) { // issue 15: distillation from a teacher run
        m_distillation = std::make_unique<Distillation>(spec, data.task, config.batchSize, config.distillation);
        m_hooks.add(m_distillation.get());
    }
    if (!m_hooks.empty())
        m_network->setActivationHooks(&m_hooks);
    m_stepsPerEpoch = data.train.count / config.batchSize;
}

Trainer::~Trainer() = default;

std::int64_t Trainer::totalSteps() const {
    return m_config.steps > 0 ? m_config.steps : static_cast<std::int64_t>(m_config.epochs) * m_stepsPerEpoch;
}

void Trainer::batchIndices(std::int64_t step, std::vector<std::int64_t>& out) {
    // The order of epoch e depends only on (seed, e): resuming needs no RNG state.
    const std::int64_t epoch = step / m_stepsPerEpoch;
    if (epoch != m_permutationEpoch) {
        m_permutation.resize(static_cast<std::size_t>(m_data.train.count));
        std::iota(m_permutation.begin(), m_permutation.end(), 0);
        std::mt19937_64 rng(m_config.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(epoch) + 1);
        std::shuffle(m_permutation.begin(), m_permutation.end(), rng);
        m_permutationEpoch = epoch;
    }
    const std::int64_t first = (step % m_stepsPerEpoch) * m_config.batchSize;
    out.assign(m_permutation.begin() + first, m_permutation.begin() + first + m_config.batchSize);
}

StepReport Trainer::trainStep() {
    StepReport report;
    batchIndices(m_step, m_indices);
    m_data.fillBatch(m_data.train, m_indices, m_batch);
    m_dynaprop.setObserving(true);
    m_dynaprop.beginStep();
    // Issue 15: forward and backward see the quantized weights, the optimizer the latent ones.
    std::optional<WeightPrecision::Scope> quantized;
    quantized.emplace(m_weightPrecision.get(), m_network->parameters());
    // Issue 20: in target mode τ_I comes from a forward pass over the first batch before the
    // first step, so that this step prunes (and stores compressed) like every other one
    // rather than running dense and setting the run's peak memory.
    if (m_config.dynaprop.targetActivationSparsity && m_step == 0 && !m_dynaprop.calibrated()) {
        m_network->forward(m_batch, &m_dynaprop, false);
        m_dynaprop.calibrateActivations();
        m_dynaprop.beginStep();
    }
    if (m_activationQuantization) // issue 15: the zeros of this step's forward pass only
        m_activationQuantization->takeZeroDeltas();
    // Issue 15: the teacher's pass on this batch; the student's passes below are distilled.
    struct Distilling {
        Distillation* d;
        ~Distilling() {
            if (d)
                d->release();
        }
    } distilling{m_distillation.get()};
    if (m_distillation)
        m_distillation->prepare(m_batch);
    const ForwardResult fwd = m_network->forward(m_batch, &m_dynaprop);
    if (m_activationQuantization) { // issue 15: the activations as the matmuls read them
        const std::vector<std::int64_t> added = m_activationQuantization->takeZeroDeltas();
        for (std::size_t l = 0; l < added.size() && l < m_accumulated.size(); ++l)
            m_dynaprop.addQuantizerCounts(static_cast<int>(l), added[l], {});
    }
    report.loss = fwd.loss;
    if (m_distillation) {
        report.distillLogit = m_distillation->losses().logit;
        report.distillHidden = m_distillation->losses().hidden;
    }
    report.accuracy = static_cast<double>(fwd.correct) / m_batch.size;
    if (!std::isfinite(fwd.loss)) {
        report.finite = false;
        return report;
    }
    // Memory is sampled once the thresholds are in force (target mode calibrates after step 0).
    const bool calibrating = (m_config.dynaprop.targetActivationSparsity && !m_dynaprop.calibrated());
    if (m_config.memoryEverySteps > 0 && m_step % m_config.memoryEverySteps == 1 % m_config.memoryEverySteps &&
        !calibrating) {
        const ActivationMemory mem = m_network->savedActivationMemory();
        m_peakMemory.denseBytes = std::max(m_peakMemory.denseBytes, mem.denseBytes);
        m_peakMemory.compressedBytes = std::max(m_peakMemory.compressedBytes, mem.compressedBytes);
        // issue 20: what compressed storage holds
        m_peakMemory.heldBytes = std::max(m_peakMemory.heldBytes, mem.heldBytes);
        m_peakMemory.workBytes = std::max(m_peakMemory.workBytes, mem.workBytes);
        m_peakMemory.poolResidentBytes = std::max(m_peakMemory.poolResidentBytes, mem.poolResidentBytes);
    }
    m_network->backward(m_batch, &m_dynaprop);
    {
        const auto kernels = m_network->takeBackwardKernelCounts();
        m_backwardKernels.resize(kernels.size());
        for (std::size_t l = 0; l < kernels.size(); ++l)
            m_backwardKernels[l].add(kernels[l]);
    }
    auto grads = m_network->gradients();
    report.gradientNorm = clipGradientNorm(grads, m_config.optimizer.maxGradNorm);
    if (!std::isfinite(report.gradientNorm)) {
        report.finite = false;
        return report;
    }
    auto params = m_network->parameters();
    // Issue 15: the weight zeros are those of the encoder layers' matrices as the matmuls read
    // them (quantized: the scope above still holds); the embeddings and the classifier, which
    // the profile's layers do not describe, stay out (they only mattered once pruned). Where
    // weights are quantized, the latent weights' zeros (what pruning made) come beside them,
    // counted in the quantizer's own pass.
    const auto& tensors = m_network->tensors();
    std::vector<std::int64_t> latentZeros(tensors.size(), -1);
    if (m_weightPrecision->active())
        for (const WeightPrecision::Entry& e : m_weightPrecision->entries())
            latentZeros[e.tensor] = e.latentZeros;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const ParamTensor& t = tensors[i];
        m_dynaprop.pruneWeightGradient(t.layer, grads.data() + t.offset, t.size());
        if (weightRoleOf(t) != TensorRole::Weights)
            continue;
        const std::int64_t before = m_dynaprop.stepCounts()[static_cast<std::size_t>(t.layer)].weight.zeros;
        m_dynaprop.countWeights(t.layer, params.data() + t.offset, t.size());
        if (m_weightPrecision->active()) {
            const std::int64_t own = m_dynaprop.stepCounts()[static_cast<std::size_t>(t.layer)].weight.zeros - before;
            m_dynaprop.addQuantizerCounts(t.layer, 0, {latentZeros[i] >= 0 ? latentZeros[i] : own, t.size()});
        }
    }
    quantized.reset(); // latent weights back before the optimizer step
    report.learningRate = learningRateAt(m_config.optimizer, m_step);
    if (m_pruning) // issue 16: pruned weights get no update
        m_pruning->maskGradients(grads);
    m_optimizer.step(params, grads, m_network->tensors(), m_step);
    if (m_activationQuantization) // issue 15: scales and shifts, at their own learning rate
        m_activationQuantization->step(m_step);
    if (m_pruning) // issue 16: the event due at this step, then the masks hold
        m_pruning->afterStep(m_step, params, grads);
    for (std::size_t l = 0; l < m_accumulated.size(); ++l) {
        m_accumulated[l].add(m_dynaprop.stepCounts()[l]);
        report.total.add(m_dynaprop.stepCounts()[l]);
    }
    if (m_config.collectMagnitudeHistograms)
        report.magnitudes = m_dynaprop.stepMagnitudes();
    m_dynaprop.endStep();
    ++m_step;
    return report;
}

EvalResult Trainer::evaluate(const Dataset::Split& split, std::int64_t maxExamples) {
    EvalResult result;
    const std::int64_t n = maxExamples > 0 ? std::min(maxExamples, split.count) : split.count;
    m_dynaprop.setObserving(false);
    const WeightPrecision::Scope quantized(m_weightPrecision.get(), m_network->parameters()); // issue 15
    double lossSum = 0.0;
    std::int64_t correct = 0, zeros = 0, elements = 0;
    // Evaluation prunes with the training thresholds; its zeros are counted separately.
    DynaProp counter(m_dynaprop.layerCount(), [&] {
        DynaPropConfig c = m_config.dynaprop;
        c.targetActivationSparsity.reset();
        c.targetGradientSparsity.reset();
        return c;
    }());
    counter.setThresholds(m_dynaprop.thresholds());
    std::vector<std::int64_t> indices;
    Batch batch;
    for (std::int64_t first = 0; first < n; first += m_config.batchSize) {
        const std::int64_t count = std::min<std::int64_t>(m_config.batchSize, n - first);
        indices.resize(static_cast<std::size_t>(count));
        std::iota(indices.begin(), indices.end(), first);
        m_data.fillBatch(split, indices, batch);
        counter.beginStep();
        const ForwardResult fwd = m_network->forward(batch, &counter, false); // nothing kept for a backward pass
        lossSum += static_cast<double>(fwd.loss) * count;
        correct += fwd.correct;
        for (const auto& c : counter.stepCounts()) {
            zeros += c.activationTotal().zeros;
            elements += c.activationTotal().elements;
        }
    }
    result.examples = n;
    result.loss = n > 0 ? lossSum / static_cast<double>(n) : 0.0;
    result.accuracy = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
    result.activationSparsity = elements > 0 ? static_cast<double>(zeros) / static_cast<double>(elements) : 0.0;
    return result;
}

std::uint64_t Trainer::modelFingerprint() const {
    return parameterFingerprint(m_network->tensors()); // distillation.h (issue 15: teachers are checked alike)
}

void Trainer::saveCheckpoint(const std::string& path) const {
    CheckpointState s;
    s.modelFingerprint = modelFingerprint();
    s.step = m_step;
    s.seed = m_config.seed;
    const auto params = m_network->parameters();
    s.parameters.assign(params.begin(), params.end());
    auto& opt = const_cast<Optimizer&>(m_optimizer);
    s.firstMoment = opt.firstMoment();
    s.secondMoment = opt.secondMoment();
    s.thresholds = m_dynaprop.thresholds();
    s.calibrated = m_dynaprop.calibrated();
    s.pruneRandomState = m_dynaprop.randomState();
    s.accumulated = m_accumulated;
    train::saveCheckpoint(path, s);
    if (m_activationQuantization) { // issue 15: what the run adds for a teacher of a multi-step schedule
        saveActivationScales(activationScalesPath(path),
                             {modelFingerprint(), storedQuantizers(*m_activationQuantization)});
    } else { // an earlier run's scales beside this checkpoint (--force) must not pass for this run's
        std::error_code ec;
        std::filesystem::remove(activationScalesPath(path), ec);
    }
}

void Trainer::loadCheckpoint(const std::string& path) {
    if (m_activationQuantization) // issue 15: the checkpoint does not hold the activation scales
        throw std::invalid_argument(path + ": resuming a run with quantized activations is not supported (the "
                                           "checkpoint holds no activation scales)");
    CheckpointState s = train::loadCheckpoint(path);
    // Every array and count is checked against this model and optimizer before it is used:
    // the optimizer and the data order index with them.
    const auto parameters = static_cast<std::size_t>(m_network->parameterCount());
    if (s.parameters.size() != parameters)
        throw std::runtime_error(path + ": the checkpoint belongs to a different model (" +
                                 std::to_string(s.parameters.size()) + " parameters, this model has " +
                                 std::to_string(parameters) + ")");
    if (s.modelFingerprint != modelFingerprint())
        throw std::runtime_error(
            path + ": the checkpoint belongs to a different model with as many parameters (" +
            std::to_string(parameters) + "): its tensors' names or shapes differ (model fingerprint " +
            std::to_string(s.modelFingerprint) + ", this model's " + std::to_string(modelFingerprint()) + ")");
    const std::size_t moments = m_optimizer.firstMoment().size();
    if (s.firstMoment.size() != moments || s.secondMoment.size() != moments)
        throw std::runtime_error(
            path + ": the checkpoint's optimizer state does not fit (first moment " +
            std::to_string(s.firstMoment.size()) + " and second moment " + std::to_string(s.secondMoment.size()) +
            " values; this run's " +
            (moments == 0 ? "SGD keeps none" : "AdamW needs " + std::to_string(moments) + " each") + ")");
    if (s.thresholds.activation.size() != static_cast<std::size_t>(m_dynaprop.layerCount()) ||
        s.accumulated.size() != m_accumulated.size())
        throw std::runtime_error(path + ": the checkpoint's layer count (" +
                                 std::to_string(s.thresholds.activation.size()) + " thresholds, " +
                                 std::to_string(s.accumulated.size()) + " counts) differs from the model's (" +
                                 std::to_string(m_dynaprop.layerCount()) + ")");
    std::copy(s.parameters.begin(), s.parameters.end(), m_network->parameters().begin());
    m_optimizer.firstMoment() = std::move(s.firstMoment);
    m_optimizer.secondMoment() = std::move(s.secondMoment);
    m_dynaprop.setThresholds(s.thresholds);
    m_dynaprop.setCalibrated(s.calibrated);
    m_dynaprop.setRandomState(s.pruneRandomState);
    m_accumulated = std::move(s.accumulated);
    m_step = s.step;
}

TrainResult train(const TransformerSpec& spec, const Dataset& data, const TrainConfig& config, std::stop_token cancel,
                  const ProgressCallback& progress, RunControl* control) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    double pausedSeconds = 0.0; // time spent paused is not training time
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count() - pausedSeconds; };
    auto goOn = [&] {
        if (control && control->paused()) {
            const auto before = Clock::now();
            const bool resumed = control->waitWhilePaused(cancel);
            pausedSeconds += std::chrono::duration<double>(Clock::now() - before).count();
            return resumed;
        }
        return !cancel.stop_requested();
    };
    // A run must end in an accuracy measured on something: "0.0 %" of no examples is not one.
    if (data.test.count == 0)
        throw DataError(data.name + ": the test split has no examples, so no test accuracy could be measured");
    if (data.train.count < config.batchSize)
        throw DataError(data.name + ": " + std::to_string(data.train.count) +
                        " training examples are fewer than one batch of " + std::to_string(config.batchSize));
    Trainer trainer(spec, data, config);
    std::shared_ptr<WeightPruning> pruning;
    if (config.weightPruning) {
        pruning = std::make_shared<WeightPruning>(spec, trainer.network(), *config.weightPruning);
        trainer.setPruning(pruning);
    }
    if (!config.resumeFrom.empty())
        trainer.loadCheckpoint(config.resumeFrom);
    TrainResult result;
    result.parameterCount = trainer.network().parameterCount();
    const std::int64_t total = trainer.totalSteps();
    const std::int64_t firstStep = trainer.step();
    double lossSum = 0.0, accSum = 0.0;
    std::int64_t windowSteps = 0;
    LayerSparsityCounts window;
    std::vector<LayerSparsityCounts> windowLayers(static_cast<std::size_t>(spec.layerCount()));
    MagnitudeHistograms windowMagnitudes;
    TrainProgress::DistillationWindow windowDistillation; // issue 15: sums, then means at a report
    std::int64_t lastGoodCheckpoint = -1;
    while (trainer.step() < total) {
        if (!goOn()) {
            result.status = TrainStatus::Cancelled;
            result.message = "cancelled at step " + std::to_string(trainer.step());
            break;
        }
        const StepReport r = trainer.trainStep();
        if (!r.finite) {
            result.status = TrainStatus::Diverged;
            result.message = "training diverged at step " + std::to_string(trainer.step() + 1) + " (loss " +
                             std::to_string(r.loss) + ", gradient norm " + std::to_string(r.gradientNorm) + ")";
            if (!config.checkpointPath.empty())
                result.message += lastGoodCheckpoint >= 0
                                      ? "; the last good checkpoint (step " + std::to_string(lastGoodCheckpoint) +
                                            ") is kept at " + config.checkpointPath
                                      : "; no checkpoint had been written yet";
            break;
        }
        lossSum += r.loss;
        accSum += r.accuracy;
        ++windowSteps;
        if (!config.distillation.teacherCheckpoint.empty() && // issue 15: the loss split of the last 10 %
            trainer.step() > total - std::max<std::int64_t>(1, total / 10)) {
            auto& d = result.distillation;
            d.active = true;
            d.taskLoss += r.loss;
            d.logitLoss += r.distillLogit;
            d.hiddenLoss += r.distillHidden;
            ++d.steps;
        }
        window.add(r.total);
        if (progress) {
            const auto& layers = trainer.dynaprop().stepCounts();
            for (std::size_t l = 0; l < windowLayers.size(); ++l)
                windowLayers[l].add(layers[l]);
            windowMagnitudes.add(r.magnitudes);
            if (!config.distillation.teacherCheckpoint.empty()) { // issue 15
                windowDistillation.active = true;
                windowDistillation.taskLoss += r.loss;
                windowDistillation.logitLoss += r.distillLogit;
                windowDistillation.hiddenLoss += r.distillHidden;
            }
        }
        const std::int64_t step = trainer.step();
        const bool log = step % std::max<std::int64_t>(1, config.logEverySteps) == 0 || step == total;
        const bool eval = config.evalEverySteps > 0 && step % config.evalEverySteps == 0 && step != total;
        if (log || eval) {
            CurvePoint p;
            p.step = step;
            p.epoch = static_cast<double>(step) / static_cast<double>(trainer.stepsPerEpoch());
            p.trainLoss = lossSum / windowSteps;
            p.trainAccuracy = accSum / windowSteps;
            p.learningRate = r.learningRate;
            p.activationSparsity = window.activationTotal().fraction();
            p.activationGradientSparsity = window.activationGradient.fraction();
            p.weightGradientSparsity = window.weightGradient.fraction();
            if (eval) {
                const EvalResult e = trainer.evaluate(data.test, config.evalMaxExamples);
                p.testLoss = e.loss;
                p.testAccuracy = e.accuracy;
            }
            p.elapsedSeconds = elapsed();
            result.curve.push_back(p);
            if (progress) {
                TrainProgress pr;
                pr.step = step;
                pr.totalSteps = total;
                pr.trainLoss = p.trainLoss;
                pr.trainAccuracy = p.trainAccuracy;
                pr.activationSparsity = p.activationSparsity;
                SparsityCount grads = window.activationGradient;
                grads.add(window.weightGradient);
                pr.gradientSparsity = grads.fraction();
                pr.elapsedSeconds = p.elapsedSeconds;
                const double perStep = p.elapsedSeconds / static_cast<double>(step - firstStep);
                pr.etaSeconds = perStep * static_cast<double>(total - step);
                pr.point = p;
                pr.layers = windowLayers;
                pr.thresholds = trainer.dynaprop().thresholds();
                pr.magnitudes = windowMagnitudes;
                // Issue 15: the parameters hold the latent weights between steps.
                pr.lowBit = lowBitReport(trainer.network().parameters(), trainer.network().tensors(),
                                         trainer.weightPrecision(), trainer.activationQuantization());
                if (windowDistillation.active) {
                    auto& d = pr.distillation;
                    d.active = true;
                    d.taskLoss = windowDistillation.taskLoss / double(windowSteps);
                    d.logitLoss = windowDistillation.logitLoss / double(windowSteps);
                    d.hiddenLoss = windowDistillation.hiddenLoss / double(windowSteps);
                    d.weightedLoss = d.taskLoss + config.distillation.logitWeight * d.logitLoss +
                                     config.distillation.hiddenWeight * d.hiddenLoss;
                }
                progress(pr);
            }
            lossSum = accSum = 0.0;
            windowSteps = 0;
            window = LayerSparsityCounts{};
            std::fill(windowLayers.begin(), windowLayers.end(), LayerSparsityCounts{});
            windowMagnitudes = MagnitudeHistograms{};
            windowDistillation = TrainProgress::DistillationWindow{};
        }
        if (!config.checkpointPath.empty() && config.checkpointEverySteps > 0 &&
            step % config.checkpointEverySteps == 0) {
            trainer.saveCheckpoint(config.checkpointPath);
            lastGoodCheckpoint = step;
        }
    }
    result.steps = trainer.step();
    if (auto& d = result.distillation; d.steps > 0) { // issue 15
        d.taskLoss /= double(d.steps);
        d.logitLoss /= double(d.steps);
        d.hiddenLoss /= double(d.steps);
    }
    if (!result.curve.empty())
        result.finalTrainLoss = result.curve.back().trainLoss;
    // A stop is obeyed at once (issue 18, Seen 12): evaluating the whole test split after a
    // cancel took seconds the user had asked not to spend, so a cancelled run carries no test
    // accuracy (NaN, 0 examples). Its checkpoint is still written, so it can be resumed and
    // evaluated then.
    if (result.status == TrainStatus::Completed) {
        result.test = trainer.evaluate(data.test);
        if (config.onCompleted) // issue 15: e.g. robustness of the trained weights
            config.onCompleted(trainer);
    } else {
        constexpr double kNotMeasured = std::numeric_limits<double>::quiet_NaN();
        result.test = EvalResult{kNotMeasured, kNotMeasured, 0, kNotMeasured};
    }
    if (result.status != TrainStatus::Diverged && !config.checkpointPath.empty())
        trainer.saveCheckpoint(config.checkpointPath);
    result.accumulated = trainer.accumulated();
    result.profile = makeSparsityProfile(result.accumulated, spec.name + " on " + data.name, spec.compression);
    result.thresholds = trainer.dynaprop().thresholds();
    result.peakActivationMemory = trainer.peakActivationMemory();
    result.backwardKernels = trainer.backwardKernels();
    if (pruning)
        result.weightMasks = pruning->masks();
    result.seconds = elapsed();
    return result;
}

} // namespace tcw::train
