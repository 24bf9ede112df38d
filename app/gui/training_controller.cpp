// Training controller: a job on a worker thread, its reports batched for the GUI.
#include "training_controller.h"

#include "design/precision_shorthand.h"
#include "design/sparsity_bits.h"
#include "io/files.h"
#include "sim/cost_model.h"
#include "workspace_controller.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QPointer>

#include <chrono>
#include <cmath>
#include <mutex>

Q_LOGGING_CATEGORY(lcTraining, "tcw.training")

namespace tcw::app {

namespace {

double fractionOrNaN(const train::SparsityCount& c) {
    return c.elements > 0 ? c.fraction() : models::kNoValue;
}

models::MagnitudeBins binsOf(const train::MagnitudeHistogram& h) {
    models::MagnitudeBins bins;
    for (int b = 0; b < train::MagnitudeHistogram::kBinCount; ++b) {
        bins.lower.push_back(train::MagnitudeHistogram::lowerEdge(b));
        bins.upper.push_back(train::MagnitudeHistogram::upperEdge(b));
        bins.counts.push_back(h.counts[static_cast<std::size_t>(b)]);
    }
    return bins;
}

} // namespace

models::LowBitSnapshot lowBitSnapshotOf(const train::LowBitReport& report) {
    models::LowBitSnapshot s;
    for (const auto& w : report.weights) {
        models::LatentWeights m;
        m.tensor = QString::fromStdString(w.tensor);
        m.rule = QString::fromStdString(w.rule);
        m.bits = w.bits;
        m.lower = w.lower;
        m.upper = w.upper;
        m.counts.assign(w.counts.begin(), w.counts.end());
        m.boundaries = w.boundaries;
        m.scale = w.scale;
        m.zeroFraction = w.zeroFraction;
        s.weights.push_back(std::move(m));
    }
    for (const auto& a : report.activations)
        s.activations.push_back({QString::fromStdString(a.name), a.bits, a.scale, a.clippedFraction});
    return s;
}

QStringList trainingHeatMapRows(int layers) {
    QStringList rows;
    for (int l = 0; l < layers; ++l) {
        for (int k = 0; k < train::kActivationKindCount; ++k)
            rows << QStringLiteral("L%1 %2").arg(l + 1).arg(
                QString::fromStdString(train::activationKindName(static_cast<train::ActivationKind>(k))));
        rows << QObject::tr("L%1 activation grad.").arg(l + 1) << QObject::tr("L%1 weight grad.").arg(l + 1);
    }
    return rows;
}

struct TrainingController::Job {
    QString workspacePath;
    codesign::TrainingTarget target;
    codesign::TrainingRequest request;
    std::string precision; // issue 15: the precision shorthand ("" = the design's own)
    std::optional<AcceleratorSpec> costAccelerator;
    QString acceleratorName;
    TechnologyLibrary technology = electorTechnology14nm();
    int updateIntervalMs = 100;
};

TrainingController::TrainingController(WorkspaceController* workspaces, QObject* parent)
    : QObject(parent), m_workspaces(workspaces) {}

TrainingController::~TrainingController() {
    stopAndWait();
}

bool TrainingController::start(qint64 designId, const codesign::TrainingRequest& request,
                               const QString& acceleratorFile, QString* error, const QString& precision) {
    auto fail = [error](const QString& text) {
        if (error)
            *error = text;
        return false;
    };
    if (m_running)
        return fail(tr("A training run is already going; stop it first."));
    if (!m_workspaces->isOpen())
        return fail(tr("Open a workspace first: runs are stored in it."));
    if (m_workspaces->isWrittenElsewhere())
        return fail(tr("%1 is being written by another process (%2); a run can be stored in it once that ends.")
                        .arg(QFileInfo(m_workspaces->filePath()).fileName(),
                             m_workspaces->externalWriters().join(QStringLiteral("; "))));
    auto job = std::make_shared<Job>();
    job->workspacePath = m_workspaces->filePath();
    job->request = request;
    job->precision = precision.trimmed().toStdString();
    job->updateIntervalMs = m_updateIntervalMs;
    try {
        job->target = codesign::trainingTargetOf(*m_workspaces->workspace(), designId);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    // The step cost is simulated at the precision trained (TrainingJob::start applies it again).
    if (!job->precision.empty())
        if (const std::string why = applyPrecisionShorthand(job->precision, job->target.model.compression);
            !why.empty())
            return fail(tr("Precision: %1").arg(QString::fromStdString(why)));
    if (job->target.accelerator) {
        job->costAccelerator = job->target.accelerator;
        job->acceleratorName = tr("the accelerator of %1").arg(QString::fromStdString(job->target.name));
    } else if (!acceleratorFile.isEmpty()) {
        const auto loaded = io::loadAccelerator(acceleratorFile.toStdString());
        if (!loaded)
            return fail(QString::fromStdString(loaded.errors.toString()));
        job->costAccelerator = loaded->spec;
        job->acceleratorName = QFileInfo(acceleratorFile).completeBaseName();
    }
    if (m_thread.joinable())
        m_thread.join(); // the previous run has posted its outcome; its thread is ending
    m_control.resume();
    m_running = true;
    const QString described =
        job->precision.empty()
            ? QString::fromStdString(job->target.name)
            : tr("%1 at %2").arg(QString::fromStdString(job->target.name), QString::fromStdString(job->precision));
    const QString description = tr("%1 on %2, %3 steps, seed %4")
                                    .arg(described, QString::fromStdString(request.data.name))
                                    .arg(request.steps)
                                    .arg(request.seed);
    emit started(description, trainingHeatMapRows(job->target.model.layerCount()));
    m_thread = std::jthread([this, job](std::stop_token stop) { run(job, stop); });
    return true;
}

void TrainingController::pause() {
    if (!m_running || m_control.paused())
        return;
    m_control.pause();
    emit pausedChanged(true);
}

void TrainingController::resume() {
    if (!m_control.paused())
        return;
    m_control.resume();
    emit pausedChanged(false);
}

void TrainingController::stop() {
    if (m_thread.joinable())
        m_thread.request_stop(); // also wakes a paused run
}

void TrainingController::stopAndWait() {
    if (!m_thread.joinable())
        return;
    m_thread.request_stop();
    m_thread.join();
    // The outcome the worker posted arrives later (or never, when this object goes away).
}

void TrainingController::run(std::shared_ptr<Job> job, std::stop_token stop) {
    using Clock = std::chrono::steady_clock;
    QPointer<TrainingController> self(this);
    auto post = [self](auto fn) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, fn = std::move(fn)] {
                if (self)
                    fn();
            },
            Qt::QueuedConnection);
    };
    TrainingOutcome outcome;
    try {
        // The one training path (codesign::TrainingJob, as tcw train), on this thread's own
        // connection to the workspace (WAL: the window keeps reading).
        store::Workspace workspace = store::Workspace::open(job->workspacePath.toStdString());
        codesign::TrainingJobRequest request;
        request.training = job->request;
        request.designId = job->target.designId;
        request.precision = job->precision; // issue 15: applied by TrainingJob::start, as tcw train's
        codesign::TrainingJob training = codesign::TrainingJob::start(request, &workspace, job->technology);
        const train::Dataset& data = training.data();
        const int layers = job->target.model.layerCount();

        // Dense cost once; the measured one at every post.
        std::optional<SimResult> dense;
        if (job->costAccelerator)
            dense = codesign::simulateTarget(job->target.model, *job->costAccelerator, data.task, SimMode::Training,
                                             job->technology, nullptr);
        std::vector<train::LayerSparsityCounts> soFar(static_cast<std::size_t>(layers));
        models::TrainingUpdate pending;
        auto lastPost = Clock::now() - std::chrono::hours(1);
        // The cost changes slowly and a big model takes a while to simulate: once a second.
        auto lastCost = Clock::now() - std::chrono::hours(1);
        auto flush = [&](bool final) {
            if (job->costAccelerator && (final || Clock::now() - lastCost >= std::chrono::seconds(1))) {
                lastCost = Clock::now();
                auto profile = std::make_shared<SparsityProfile>(
                    train::makeSparsityProfile(soFar, "so far", job->target.model.compression));
                const SimResult now = codesign::simulateTarget(job->target.model, *job->costAccelerator, data.task,
                                                               SimMode::Training, job->technology, profile);
                models::TrainingCost cost;
                cost.accelerator = job->acceleratorName;
                cost.latencySeconds = now.latencySeconds();
                cost.energyNJ = now.dynamicEnergyNJ() + now.leakageEnergyNJ();
                cost.denseLatencySeconds = dense->latencySeconds();
                cost.denseEnergyNJ = dense->dynamicEnergyNJ() + dense->leakageEnergyNJ();
                if (!now.feasible && !now.infeasibleReasons.empty())
                    cost.infeasibleReason = QString::fromStdString(now.infeasibleReasons.front());
                pending.cost = cost;
            }
            post([this, update = std::move(pending)] { emit updated(update); });
            pending = models::TrainingUpdate{};
            lastPost = Clock::now();
        };
        const auto progress = [&](const train::TrainProgress& p) {
            pending.step = p.step;
            pending.totalSteps = p.totalSteps;
            pending.elapsedSeconds = p.elapsedSeconds;
            pending.etaSeconds = p.etaSeconds;
            pending.points.push_back(
                {p.point.step, p.point.trainLoss, p.point.trainAccuracy, p.point.testLoss, p.point.testAccuracy});
            std::vector<double> column;
            column.reserve(static_cast<std::size_t>(layers) * (train::kActivationKindCount + 2));
            for (std::size_t l = 0; l < p.layers.size(); ++l) {
                const auto& c = p.layers[l];
                for (const auto& kind : c.activation)
                    column.push_back(fractionOrNaN(kind));
                column.push_back(fractionOrNaN(c.activationGradient));
                column.push_back(fractionOrNaN(c.weightGradient));
                soFar[l].add(c);
            }
            pending.sparsityColumns.push_back(std::move(column));
            pending.columnSteps.push_back(p.step);
            pending.activations = binsOf(p.magnitudes.activation);
            train::MagnitudeHistogram gradients = p.magnitudes.activationGradient;
            gradients.add(p.magnitudes.weightGradient);
            pending.gradients = binsOf(gradients);
            pending.activationThresholds.clear();
            for (const auto& layer : p.thresholds.activation)
                pending.activationThresholds.insert(pending.activationThresholds.end(), layer.begin(), layer.end());
            pending.gradientThresholds.assign(p.thresholds.activationGradient.begin(),
                                              p.thresholds.activationGradient.end());
            pending.gradientThresholds.insert(pending.gradientThresholds.end(), p.thresholds.weightGradient.begin(),
                                              p.thresholds.weightGradient.end());
            if (!p.lowBit.empty()) { // issue 15
                pending.lowBit = lowBitSnapshotOf(p.lowBit);
                pending.scales.push_back(models::scaleSampleOf(p.step, *pending.lowBit));
            }
            if (p.distillation.active)
                pending.lossSplit.push_back({p.step, p.distillation.taskLoss, p.distillation.logitLoss,
                                             p.distillation.hiddenLoss, p.distillation.weightedLoss});
            const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - lastPost);
            if (since.count() >= job->updateIntervalMs || p.step == p.totalSteps)
                flush(p.step == p.totalSteps);
        };
        const codesign::TrainingJobOutcome done = training.run(stop, progress, &m_control);
        if (!pending.points.empty())
            flush(true);
        const train::TrainResult& result = done.result;
        outcome.stored = done.stored.has_value();
        outcome.status = QString::fromStdString(train::trainStatusName(result.status));
        outcome.message = QString::fromStdString(result.message);
        outcome.runId = done.stored ? done.stored->runId : 0;
        outcome.steps = result.steps;
        outcome.testAccuracy = result.test.accuracy;
        outcome.testLoss = result.test.loss;
        outcome.runDirectory = QString::fromStdString(done.runDirectory.string());
        outcome.trainedEvaluations = done.stored ? static_cast<int>(done.stored->evaluationIds.size()) : 0;
        for (const std::string& line : sparsityBitsLines(result.profile)) // issue 15
            outcome.sparsityBits << QString::fromStdString(line);
    } catch (const std::exception& e) {
        outcome.status = QStringLiteral("failed");
        outcome.message = QString::fromStdString(e.what());
    }
    post([this, outcome, path = job->workspacePath] { finish(outcome, path); });
}

void TrainingController::finish(const TrainingOutcome& outcome, const QString& workspacePath) {
    m_running = false;
    if (m_control.paused()) {
        m_control.resume();
        emit pausedChanged(false);
    }
    if (outcome.stored && std::isfinite(outcome.testAccuracy))
        qCInfo(lcTraining).noquote() << tr("Training run %1 %2 after %3 steps: test accuracy %4%, stored in %5 "
                                           "(files in %6)")
                                            .arg(outcome.runId)
                                            .arg(outcome.status)
                                            .arg(outcome.steps)
                                            .arg(100.0 * outcome.testAccuracy, 0, 'f', 2)
                                            .arg(workspacePath, outcome.runDirectory);
    else if (outcome.stored) // stopped: not evaluated, so no accuracy to report
        qCInfo(lcTraining).noquote() << tr("Training run %1 %2 after %3 steps, not evaluated; stored in %4 (files and "
                                           "checkpoint in %5)")
                                            .arg(outcome.runId)
                                            .arg(outcome.status)
                                            .arg(outcome.steps)
                                            .arg(workspacePath, outcome.runDirectory);
    else
        qCWarning(lcTraining).noquote() << tr("Training failed: %1").arg(outcome.message);
    if (outcome.stored && m_workspaces->isOpen() && m_workspaces->filePath() == workspacePath)
        m_workspaces->reload();
    emit finished(outcome);
}

} // namespace tcw::app
