// Built-in model presets for the trainer's data sets and the training-step benchmark (the
// same models ship as JSON in data/presets/models/ for the io module and the GUI).
#pragma once

#include "design/transformer_spec.h"

#include <optional>
#include <string>
#include <vector>

namespace tcw::train {

// "vit-fashion-mnist": 4 layers, hidden 128 (2 sa_sdp + 2 c_9 heads of 32), FF 256, GELU.
TransformerSpec vitFashionMnistPreset();
// "bert-tiny-bench": 2 layers, hidden 128, 4 sa_sdp heads of 32, FF 512, GELU (the bench model).
TransformerSpec benchModelPreset();
// "fortunes-lid": 2 layers, hidden 64, 2 sa_sdp + 2 c_9 heads of 16, FF 128, for language ID.
TransformerSpec fortunesPreset();
// "listops-small": 2 layers, hidden 64, 4 sa_sdp heads of 16, FF 128.
TransformerSpec listOpsPreset();

std::optional<TransformerSpec> builtinPreset(const std::string& name);
std::vector<std::string> builtinPresetNames();

// A uniform model: `layers` layers of `hidden` with the given heads (dim = hidden / count).
TransformerSpec uniformModel(const std::string& name, int layers, int hidden, const std::vector<HeadType>& heads,
                             const std::vector<int>& feedForward, Activation activation = Activation::Gelu);

} // namespace tcw::train
