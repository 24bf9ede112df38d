// Dispatch from SimOptions::costModel to the cost model implementations.
#include "cost_model.h"

#include "acceltran_fast_model.h"
#include "elector_model.h"

namespace tcw {

std::unique_ptr<CostModel> prepareCostModel(const TransformerSpec& model, const TechnologyLibrary& technology,
                                            const SimOptions& options) {
    switch (options.costModel) {
    case CostModelKind::AcceltranFast:
        return makeAcceltranFastModel(model, technology, options);
    case CostModelKind::Elector:
        break;
    }
    return std::make_unique<ElectorModel>(model, technology, options);
}

SimResult simulate(const TransformerSpec& model, const AcceleratorSpec& accelerator,
                   const TechnologyLibrary& technology, const SimOptions& options) {
    return prepareCostModel(model, technology, options)->evaluate(accelerator);
}

} // namespace tcw
