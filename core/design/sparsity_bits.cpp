// Issue 15: a sparsity profile's bits per tensor against the model's precisions.
#include "sparsity_bits.h"

#include <algorithm>
#include <cstdio>

namespace tcw {

TensorBits tensorBitsAt(const CompressionSpec& compression, int layer) {
    TensorBits b;
    b.weights = compression.at(layer, TensorRole::Weights).bits;
    b.linearInputs = compression.at(layer, TensorRole::LinearInputs).bits;
    b.queryKeyValue = compression.at(layer, TensorRole::QueryKeyValue).bits;
    b.attentionProbabilities = compression.at(layer, TensorRole::AttentionProbabilities).bits;
    b.feedForwardHidden = compression.at(layer, TensorRole::FeedForwardHidden).bits;
    return b;
}

ValidationErrors checkProfileBits(const SparsityProfile& profile, const CompressionSpec& compression, int modelLayers,
                                  const std::string& modelName) {
    ValidationErrors errors;
    if (profile.layers.empty())
        return errors; // validate() reports the empty profile
    const std::string profileName = profile.source.empty() ? std::string("the sparsity profile")
                                                           : "the sparsity profile of '" + profile.source + "'";
    for (int l = 0; l < modelLayers; ++l) {
        const TensorBits& have = profile.layer(l).bits;
        const TensorBits want = tensorBitsAt(compression, l);
        const int entry = l < int(profile.layers.size()) ? l : int(profile.layers.size()) - 1;
        auto check = [&](const char* role, int got, int model) {
            if (got != model)
                errors.push_back({"layers[" + std::to_string(entry) + "].bits." + role,
                                  profileName + " was measured with " + std::to_string(got) + "-bit " + role +
                                      " in layer " + std::to_string(l) + ", but the model '" + modelName + "' has " +
                                      std::to_string(model) +
                                      "-bit ones: its zeros are not this model's (measure the profile on a run "
                                      "with the model's precisions)"});
        };
        check("weights", have.weights, want.weights);
        check("linearInputs", have.linearInputs, want.linearInputs);
        check("qkv", have.queryKeyValue, want.queryKeyValue);
        check("attentionProbabilities", have.attentionProbabilities, want.attentionProbabilities);
        check("ffnHidden", have.feedForwardHidden, want.feedForwardHidden);
    }
    return errors;
}

namespace {

std::string percentText(double fraction) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %%", 100.0 * fraction);
    return text;
}

} // namespace

std::vector<std::string> sparsityBitsLines(const SparsityProfile& profile) {
    std::vector<std::string> lines;
    const bool any = std::any_of(profile.layers.begin(), profile.layers.end(), [](const LayerSparsity& l) {
        return !l.bits.allFloat() || l.activationBeforeQuantizer || l.weightBeforeQuantizer;
    });
    if (!any)
        return lines;
    for (std::size_t i = 0; i < profile.layers.size(); ++i) {
        const LayerSparsity& l = profile.layers[i];
        const TensorBits& b = l.bits;
        std::string line = "layer " + std::to_string(i) + ": bits weights " + std::to_string(b.weights) +
                           ", linear inputs " + std::to_string(b.linearInputs) + ", Q/K/V " +
                           std::to_string(b.queryKeyValue) + ", probabilities " +
                           std::to_string(b.attentionProbabilities) + ", FFN hidden " +
                           std::to_string(b.feedForwardHidden) + "; zeros: weights " + percentText(l.weight);
        if (l.weightBeforeQuantizer)
            line += " (" + percentText(*l.weightBeforeQuantizer) + " of the latent weights: pruning)";
        line += ", activations " + percentText(l.activation);
        if (l.activationBeforeQuantizer)
            line += " (" + percentText(*l.activationBeforeQuantizer) + " before the quantizers)";
        lines.push_back(std::move(line));
    }
    return lines;
}

} // namespace tcw
