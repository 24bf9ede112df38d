// Evaluation of a candidate pair, separate from the optimisers so it can run anywhere: the
// accelerator's cost from the simulator, the model's accuracy from an AccuracyOracle.
#pragma once

#include "accuracy.h"
#include "codesign_space.h"

#include "design/technology_library.h"
#include "sim/sim_types.h"

#include <functional>
#include <memory>
#include <stdexcept>
#include <stop_token>

namespace tcw::search {

// An evaluation that failed somewhere else (an MPI worker's error, with its message): the
// evaluator stores the pair as a failed trial — infeasible, the reason "evaluation failed: …"
// — and the search goes on.
class EvaluationFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class PairEvaluator {
public:
    virtual ~PairEvaluator() = default;
    // Thread-safe; may take long (training), honouring stop where it can.
    virtual PairMetrics evaluate(const Candidate& candidate, std::stop_token stop) const = 0;
};

// A bat candidate (issue 15): the BAT-class model's cycles (sim/bat_model.h) and our own
// energy, area and peak-power modelling (sim/bat_energy.h), for one sequence of the task.
// Infeasible with every reason when it does not fit; no metrics when the model cannot be
// costed (a float precision, a head other than sa_sdp).
PairMetrics simulateBatPair(const TransformerSpec& model, const BatSpec& target, const TaskShape& task,
                            const BatEnergyTable& energy);

// Issue 14: the cost of a device candidate's model on the device with this profile id (the
// `measured` cost model lives in core/devices, which builds on this library, so it is handed
// in): latency, energy and peak power with a MeasuredCostNote; infeasible with the reason
// when the device cannot report what the search needs. Thread-safe.
using DeviceCostFn = std::function<PairMetrics(const TransformerSpec& model, const std::string& device)>;

class SimulationEvaluator : public PairEvaluator {
public:
    // options.mode selects inference or training costs; options.opBreakdown is turned off
    // (the search needs totals; per-op rows would only cost time and workspace space).
    SimulationEvaluator(CoDesignSpace space, TechnologyLibrary technology, SimOptions options,
                        std::shared_ptr<const AccuracyOracle> accuracy);
    PairMetrics evaluate(const Candidate& candidate, std::stop_token stop) const override;
    // Hardware metrics only (no accuracy), for the hypervolume box. In a union search
    // (perSequenceObjectives) an ELECTOR design's latency and energy come per sequence (the
    // batch's / batch_size, objective_units.h) with the per-batch SimResult attached; in an
    // ELECTOR-only search they are the simulator's, per batch.
    PairMetrics simulate(const Candidate& candidate) const;

    const SimOptions& options() const { return m_options; }
    // Issue 14: how device candidates are costed; without it they are infeasible, with the reason.
    void setDeviceCosts(DeviceCostFn costs) { m_deviceCosts = std::move(costs); }

private:
    PairMetrics simulate(const Candidate& candidate, const SimOptions& options) const;

    CoDesignSpace m_space;
    TechnologyLibrary m_technology;
    SimOptions m_options;
    std::shared_ptr<const AccuracyOracle> m_accuracy;
    DeviceCostFn m_deviceCosts;
};

} // namespace tcw::search
