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
