// Names and totals of the simulator's value types.
#include "sim_types.h"

namespace tcw {

std::string_view simModeName(SimMode m) {
    return m == SimMode::Inference ? "inference" : "training";
}

std::optional<SimMode> simModeFromName(std::string_view name) {
    if (name == "inference")
        return SimMode::Inference;
    if (name == "training")
        return SimMode::Training;
    return std::nullopt;
}

std::string_view costModelName(CostModelKind k) {
    return k == CostModelKind::Elector ? "elector" : "acceltran-fast";
}

std::optional<CostModelKind> costModelFromName(std::string_view name) {
    if (name == "elector")
        return CostModelKind::Elector;
    if (name == "acceltran-fast")
        return CostModelKind::AcceltranFast;
    return std::nullopt;
}

LayerSparsity SparsitySettings::forLayer(int layer) const {
    if (profile && !profile->layers.empty())
        return profile->layer(layer);
    return {activation, weight, gradient, gradient};
}

std::string_view moduleClassName(ModuleClass m) {
    static constexpr std::string_view names[kModuleClassCount] = {
        "mac_lanes",         "sparsity",      "fifo",        "stochastic_rounding",
        "softmax",           "layer_norm",    "dataflow",    "dma",
        "activation_buffer", "weight_buffer", "mask_buffer", "main_memory"};
    return names[static_cast<int>(m)];
}

std::string_view phaseName(Phase p) {
    static constexpr std::string_view names[kPhaseCount] = {"forward", "backward", "update"};
    return names[static_cast<int>(p)];
}

std::string_view opKindName(OpKind k) {
    static constexpr std::string_view names[] = {"load",        "store",     "embedding",  "matmul",
                                                 "convolution", "softmax",   "layer_norm", "nonlinearity",
                                                 "elementwise", "transform", "head_group", "update"};
    return names[static_cast<int>(k)];
}

std::string_view boundName(Bound b) {
    switch (b) {
    case Bound::Compute:
        return "compute";
    case Bound::Memory:
        return "memory";
    case Bound::Buffer:
        return "buffer";
    }
    return "";
}

double SimResult::dynamicEnergyNJ() const {
    double sum = 0;
    for (const auto& e : energy)
        sum += e.dynamic;
    return sum;
}

double SimResult::leakageEnergyNJ() const {
    double sum = 0;
    for (const auto& e : energy)
        sum += e.leakage;
    return sum;
}

double SimResult::totalAreaMM2() const {
    double sum = 0;
    for (double a : areaMM2)
        sum += a;
    return sum;
}

double SimResult::averagePowerMW() const {
    const double seconds = latencySeconds();
    return seconds > 0 ? totalEnergyNJ() * 1e-9 / seconds * 1e3 : 0.0;
}

} // namespace tcw
