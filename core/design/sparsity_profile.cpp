// Sparsity profile helpers.
#include "sparsity_profile.h"

#include "value_text.h"

namespace tcw {

LayerSparsity SparsityProfile::mean() const {
    LayerSparsity m{0, 0, 0, 0};
    if (layers.empty())
        return LayerSparsity{};
    for (const auto& l : layers) {
        m.activation += l.activation;
        m.weight += l.weight;
        m.activationGradient += l.activationGradient;
        m.weightGradient += l.weightGradient;
    }
    const double n = static_cast<double>(layers.size());
    return {m.activation / n, m.weight / n, m.activationGradient / n, m.weightGradient / n};
}

ValidationErrors validate(const SparsityProfile& p) {
    ValidationErrors errors;
    if (p.layers.empty())
        errors.push_back({"layers", "a sparsity profile needs at least one layer"});
    for (std::size_t i = 0; i < p.layers.size(); ++i) {
        const auto& l = p.layers[i];
        const std::string at = "layers[" + std::to_string(i) + "].";
        auto fraction = [&](const char* field, double v) {
            if (!(v >= 0.0 && v <= 1.0))
                errors.push_back({at + field, "must be a fraction from 0 to 1, got " + valueText(v)});
        };
        fraction("activation", l.activation);
        fraction("weight", l.weight);
        fraction("activationGradient", l.activationGradient);
        fraction("weightGradient", l.weightGradient);
        // Issue 15: bits per tensor and the zeros before the quantizer.
        if (l.activationBeforeQuantizer)
            fraction("activationBeforeQuantizer", *l.activationBeforeQuantizer);
        if (l.weightBeforeQuantizer)
            fraction("weightBeforeQuantizer", *l.weightBeforeQuantizer);
        auto bits = [&](const char* field, int v) {
            if (v != 1 && v != 2 && v != 4 && v != 8 && v != 16 && v != 32)
                errors.push_back({at + "bits." + field, "must be one of 1, 2, 4, 8, 16, 32, got " + std::to_string(v)});
        };
        bits("weights", l.bits.weights);
        bits("linearInputs", l.bits.linearInputs);
        bits("qkv", l.bits.queryKeyValue);
        bits("attentionProbabilities", l.bits.attentionProbabilities);
        bits("ffnHidden", l.bits.feedForwardHidden);
    }
    return errors;
}

ValidationErrors validateFor(const SparsityProfile& p, int modelLayers, const std::string& modelName) {
    ValidationErrors errors = validate(p);
    if (static_cast<int>(p.layers.size()) != modelLayers)
        errors.push_back({"layers", "has " + std::to_string(p.layers.size()) + " layer(s), but the model '" +
                                        modelName + "' has " + std::to_string(modelLayers) +
                                        ": a profile applies only to a model with as many layers"});
    return errors;
}

} // namespace tcw
