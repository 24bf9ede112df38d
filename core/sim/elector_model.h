// The project's own analytical accelerator model (docs/simulator.md): tiles dealt out in
// waves over the MAC lanes, zero-skipping by operand sparsity, buffer residency and
// spilling, main-memory traffic overlapped with compute when double buffering fits, energy
// per module from its power and active cycles, leakage over the run.
#pragma once

#include "cost_model.h"
#include "elector_stages.h"
#include "workload.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace tcw {

class ElectorModel final : public CostModel {
public:
    ElectorModel(const TransformerSpec& model, const TechnologyLibrary& technology, const SimOptions& options);
    ElectorModel(Workload workload, const TechnologyLibrary& technology, const SimOptions& options);

    CostModelKind kind() const override { return CostModelKind::Elector; }
    SimResult evaluate(const AcceleratorSpec& accelerator) const override;

    const Workload& workload() const { return m_workload; }
    const SimOptions& options() const { return m_options; }

private:
    void precompute();

    Workload m_workload;
    const TechnologyLibrary& m_technology;
    SimOptions m_options;
    std::vector<elector::OpConstants> m_constants; // per op, accelerator-independent
    std::vector<double> m_savedBitsPerSequence;    // per layer
    std::vector<double> m_layerWeightBits;         // per layer
    double m_bitsPerValue = 20;
    std::vector<std::string> m_precisionProblems; // issue 15: precisions wider than the data path
};

} // namespace tcw
