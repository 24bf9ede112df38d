// The reference simulator's fast analytic mode (jha-lab/acceltran `simulate_fast`) as a
// CostModel, defects included, so results can be compared with published numbers.
// Equations, their tags (such as (T1), (C4) below), the reproduced defects and the golden
// values the tests check: docs/acceltran-fast.md.
#pragma once

#include "cost_model.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tcw {

namespace acceltran_fast_detail {
struct Lowering; // the block sequence and head groups, defined in acceltran_fast_model.cpp
}

// The fields of the reference's `logs_fast.json`, rebuilt from a SimResult of this model.
struct AcceltranFastRecord {
    double areaMM2 = 0;
    std::int64_t cycles = 0;
    double bufferNJ = 0;     // energy.buffer: activation + weight buffer stores
    double mainMemoryNJ = 0; // energy.main_memory
    EnergyNJ macLanes, softmax, layerNorm, sparsity;
    EnergyNJ others; // FIFO + dataflow + DMA (+ stochastic rounding in training)

    double dynamicNJ() const; // (O1), TransCODE's E_dyn
    double leakageNJ() const; // (O2), TransCODE's E_leak
};

class AcceltranFastModel final : public CostModel {
public:
    // Lowers `model` once into the reference's block sequence (forward; in training mode
    // forward then backward). Problems with the model, the task, the sparsities or the
    // technology table are kept and reported by every evaluate() as infeasible.
    AcceltranFastModel(const TransformerSpec& model, const TechnologyLibrary& technology, const SimOptions& options);

    CostModelKind kind() const override { return CostModelKind::AcceltranFast; }

    // Costs the lowered model on one accelerator: microseconds, no per-PE or per-tile state.
    SimResult evaluate(const AcceleratorSpec& accelerator) const override;

    // The reference's record (and so E_dyn / E_leak) from a result of this model. Equal to
    // SimResult::dynamicEnergyNJ() / leakageEnergyNJ(): every energy maps to a module class.
    static AcceltranFastRecord referenceRecord(const SimResult& result);

    // The sparsities the model charges with: the scalars, or the mean of a profile (the
    // reference has one value per kind for the whole model).
    struct Sparsities {
        double activation = 0.5; // s_a
        double weight = 0.5;     // s_w
        double gradient = 0.9;   // s_g
    };
    const Sparsities& sparsities() const { return m_sparsity; }

private:
    TechnologyLibrary m_technology; // a copy: the model does not depend on the caller's table
    SimOptions m_options;
    Sparsities m_sparsity;
    std::vector<std::string> m_setupErrors;                            // model / task / sparsity / table problems
    std::shared_ptr<const acceltran_fast_detail::Lowering> m_lowering; // immutable, shared by copies of the model
};

std::unique_ptr<CostModel> makeAcceltranFastModel(const TransformerSpec& model, const TechnologyLibrary& technology,
                                                  const SimOptions& options);

} // namespace tcw
