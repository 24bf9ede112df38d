// The cost side of the workbench as an interface: a model is prepared once (lowered to its
// ops) and then costed on many accelerators. Implementations: ElectorModel (ours) and
// AcceltranFastModel (the reference fast mode). Measured devices can join later.
#pragma once

#include "design/accelerator_spec.h"
#include "design/technology_library.h"
#include "design/transformer_spec.h"
#include "sim_types.h"

#include <memory>

namespace tcw {

class CostModel {
public:
    virtual ~CostModel() = default;
    virtual CostModelKind kind() const = 0;
    // Cost of the prepared model on one accelerator. Const and free of shared mutable state,
    // so one prepared model may be evaluated from many threads at once.
    virtual SimResult evaluate(const AcceleratorSpec& accelerator) const = 0;
};

// Lowers `model` for options.costModel, options.mode and options.task, keeping `technology`
// and the options for every later evaluate(). The technology table must outlive the result.
std::unique_ptr<CostModel> prepareCostModel(const TransformerSpec& model, const TechnologyLibrary& technology,
                                            const SimOptions& options);

// One-shot convenience: prepare and evaluate.
SimResult simulate(const TransformerSpec& model, const AcceleratorSpec& accelerator,
                   const TechnologyLibrary& technology, const SimOptions& options);

} // namespace tcw
