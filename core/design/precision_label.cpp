// A model's precision in one word (precision_label.h).
#include "precision_label.h"

#include "precision_shorthand.h"

namespace tcw {

std::string precisionLabel(const CompressionSpec& spec) {
    if (!spec.layerPrecision.empty())
        return "mixed";
    const Precision w = spec.of(TensorRole::Weights), a = spec.of(TensorRole::LinearInputs);
    const std::string name = "w" + std::to_string(w.bits) + "a" + std::to_string(a.bits);
    CompressionSpec probe; // the shorthand applied to a float model: equal precisions mean this name
    if (!applyPrecisionShorthand(name, probe).empty() || probe.precision != spec.precision)
        return "mixed";
    return w.bits == 32 && a.bits == 32 ? "f32" : name;
}

} // namespace tcw
