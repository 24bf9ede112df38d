// Simulation plus accuracy for one pair.
#include "pair_evaluator.h"

#include "objective_units.h"

#include "sim/bat_energy.h"
#include "sim/cost_model.h"

#include <cmath>

namespace tcw::search {

SimulationEvaluator::SimulationEvaluator(CoDesignSpace space, TechnologyLibrary technology, SimOptions options,
                                         std::shared_ptr<const AccuracyOracle> accuracy)
    : m_space(std::move(space)), m_technology(std::move(technology)), m_options(std::move(options)),
      m_accuracy(std::move(accuracy)) {
    m_options.opBreakdown = false;
}

PairMetrics simulateBatPair(const TransformerSpec& model, const BatSpec& target, const TaskShape& task,
                            const BatEnergyTable& energy) {
    const BatResult r = simulateBat(model, task, target);
    PairMetrics m;
    m.feasible = r.feasible;
    for (const std::string& reason : r.reasons)
        m.infeasibleReason += (m.infeasibleReason.empty() ? "" : "; ") + reason;
    if (!r.costed)
        return m; // no cycles for what the model cannot cost: the metrics stay absent (zero, infeasible)
    const BatEnergy e = batEnergy(r, target, energy);
    m.cycles = r.cycles;
    m.latencySeconds = r.latencyMs * 1e-3;
    m.dynamicEnergyNJ = e.dynamicNJ;
    m.leakageEnergyNJ = e.leakageNJ;
    m.areaMM2 = e.areaMM2;
    m.peakPowerMW = e.peakPowerMW;
    return m;
}

PairMetrics SimulationEvaluator::simulate(const Candidate& candidate) const {
    return simulate(candidate, m_options);
}

PairMetrics SimulationEvaluator::simulate(const Candidate& candidate, const SimOptions& options) const {
    const TransformerSpec model = m_space.model(candidate);
    if (m_space.targetKind(candidate) == TargetKind::Bat)
        return simulateBatPair(model, m_space.bat(candidate), options.task, m_space.targets().bat.energy);
    if (m_space.targetKind(candidate) == TargetKind::Device) {
        if (m_deviceCosts)
            return m_deviceCosts(model, m_space.device(candidate));
        PairMetrics m;
        m.feasible = false;
        m.infeasibleReason = "device '" + m_space.device(candidate) + "': no device profiles were loaded to cost it";
        return m;
    }
    const AcceleratorSpec accelerator = m_space.accelerator(candidate);
    // Lowering a model takes ~0.1 ms, an evaluation ~30 µs: no cache of prepared models needed.
    auto result = std::make_shared<SimResult>(prepareCostModel(model, m_technology, options)->evaluate(accelerator));
    PairMetrics m;
    m.feasible = result->feasible;
    m.infeasibleReason = result->infeasibleSummary();
    m.cycles = result->cycles;
    m.latencySeconds = result->latencySeconds();
    m.dynamicEnergyNJ = result->dynamicEnergyNJ();
    m.leakageEnergyNJ = result->leakageEnergyNJ();
    m.areaMM2 = result->totalAreaMM2();
    m.peakPowerMW = result->peakPowerMW;
    m.simulation = std::move(result);
    // A union search compares every kind per sequence (objective_units.h): the batch's figures
    // over its batch_size; the simulation attached (what the workspace stores) stays per batch.
    if (perSequenceObjectives(m_space.targets()))
        return perSequence(std::move(m), sequencesPerEvaluation(Target(accelerator)));
    return m;
}

PairMetrics SimulationEvaluator::evaluate(const Candidate& candidate, std::stop_token stop) const {
    PairMetrics m = simulate(candidate);
    if (!m_accuracy || (!m.feasible && m_accuracy->expensive()))
        return m; // no accuracy worth its cost for a design that cannot run
    AccuracyEstimate a;
    try {
        a = m_accuracy->estimate(m_space.model(candidate), stop);
    } catch (const EvaluationFailed& e) {
        m.feasible = false;
        m.infeasibleReason = std::string("evaluation failed: ") + e.what();
        return m;
    }
    if (a.training && a.training->profile && m_space.targetKind(candidate) != TargetKind::Device) {
        // Trained here: cost the pair with the sparsity the training measured, not the scalars.
        SimOptions measured = m_options;
        measured.sparsity.profile = a.training->profile;
        m = simulate(candidate, measured);
    }
    m.accuracy = a.value;
    m.accuracyStdDev = a.stdDev;
    m.accuracyOrigin = a.origin;
    m.accuracyDetail = std::move(a.detail);
    m.robustnessDrop = a.robustnessDrop.value_or(0.0);
    m.training = std::move(a.training);
    return m;
}

} // namespace tcw::search
