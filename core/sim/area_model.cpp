// Chip area by module class.
#include "area_model.h"

namespace tcw {

std::array<double, kModuleClassCount> acceleratorAreaMM2(const AcceleratorSpec& a, const TechnologyLibrary& t,
                                                         SimMode mode) {
    std::array<double, kModuleClassCount> area{};
    auto set = [&area](ModuleClass m, double um2) { area[static_cast<int>(m)] = um2 / 1e6; };
    const double lanes = double(a.peCount) * a.lanesPerPe;
    const double pes = a.peCount;
    const auto* lane = t.macLane(a.macsPerLane, a.nonlinearity);
    const auto* softmax = t.softmaxFor(a.tileX);
    const auto* layerNorm = t.layerNormFor(a.tileX);
    set(ModuleClass::MacLanes, lane ? lanes * lane->cost.areaUM2 : 0);
    set(ModuleClass::Sparsity, lanes * (t.preSparsity.areaUM2 + t.postSparsity.areaUM2));
    set(ModuleClass::Fifo, lanes * t.fifo.areaUM2);
    set(ModuleClass::StochasticRounding, mode == SimMode::Training ? lanes * t.stochasticRounding.areaUM2 : 0);
    set(ModuleClass::Softmax, softmax ? pes * a.softmaxPerPe * softmax->cost.areaUM2 : 0);
    set(ModuleClass::LayerNorm, layerNorm ? pes * layerNorm->cost.areaUM2 : 0);
    set(ModuleClass::Dataflow, pes * t.dataflow.areaUM2);
    set(ModuleClass::Dma, pes * t.dma.areaUM2);
    set(ModuleClass::ActivationBuffer, a.activationBufferMB * t.activationBuffer.areaUM2PerMB);
    set(ModuleClass::WeightBuffer, a.weightBufferMB * t.weightBuffer.areaUM2PerMB);
    set(ModuleClass::MaskBuffer, a.maskBufferMB * t.maskBuffer.areaUM2PerMB);
    return area;
}

} // namespace tcw
