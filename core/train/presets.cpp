// Built-in model presets (see presets.h).
#include "presets.h"

namespace tcw::train {

TransformerSpec uniformModel(const std::string& name, int layers, int hidden, const std::vector<HeadType>& heads,
                             const std::vector<int>& feedForward, Activation activation) {
    TransformerSpec spec;
    spec.name = name;
    spec.activation = activation;
    const int dim = hidden / static_cast<int>(heads.size());
    for (int l = 0; l < layers; ++l) {
        LayerSpec layer;
        layer.hiddenSize = hidden;
        for (HeadType t : heads)
            layer.heads.push_back({t, dim});
        layer.feedForwardSizes = feedForward;
        spec.layers.push_back(layer);
    }
    spec.canonicalize();
    return spec;
}

TransformerSpec vitFashionMnistPreset() {
    return uniformModel("vit-fashion-mnist", 4, 128, {HeadType::SaSdp, HeadType::SaSdp, HeadType::C9, HeadType::C9},
                        {256});
}

TransformerSpec benchModelPreset() {
    return uniformModel("bert-tiny-bench", 2, 128, {HeadType::SaSdp, HeadType::SaSdp, HeadType::SaSdp, HeadType::SaSdp},
                        {512});
}

TransformerSpec fortunesPreset() {
    return uniformModel("fortunes-lid", 2, 64, {HeadType::SaSdp, HeadType::SaSdp, HeadType::C9, HeadType::C9}, {128});
}

TransformerSpec listOpsPreset() {
    return uniformModel("listops-small", 2, 64, {HeadType::SaSdp, HeadType::SaSdp, HeadType::SaSdp, HeadType::SaSdp},
                        {128});
}

std::vector<std::string> builtinPresetNames() {
    return {"vit-fashion-mnist", "bert-tiny-bench", "fortunes-lid", "listops-small"};
}

std::optional<TransformerSpec> builtinPreset(const std::string& name) {
    if (name == "vit-fashion-mnist")
        return vitFashionMnistPreset();
    if (name == "bert-tiny-bench")
        return benchModelPreset();
    if (name == "fortunes-lid")
        return fortunesPreset();
    if (name == "listops-small")
        return listOpsPreset();
    return std::nullopt;
}

} // namespace tcw::train
