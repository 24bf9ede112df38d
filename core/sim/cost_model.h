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

// The revision of what the cost models return. Bump it in the commit that changes the result of
// any cost model for a design that already has one (a fix, a new effect, a new default), and
// re-cost the example workspace (`tcw resimulate data/examples/example.tcw`): test_resimulation
// fails until both are done. Every simulated evaluation stores the revision it was costed at
// (io::EvaluationOptions), so a workspace costed by an earlier build is found and re-costed
// (`tcw resimulate`, the explorer's Workspace ▸ Re-simulate) instead of showing stale numbers.
// Revision 0 is every evaluation stored before revisions were recorded (7 December 2026).
// Revision 2 (issue 15): elector and acceltran-fast store and move each tensor at the bits of
// its CompressionSpec role (precision_bits.h); designs without a fixed-point precision cost
// as at revision 1, those with one (union searches over precisions) move.
inline constexpr int kCostModelRevision = 2;

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
