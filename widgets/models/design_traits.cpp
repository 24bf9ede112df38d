// Design traits: parse through tcw_io, then read the few numbers.
#include "design_traits.h"

#include "design/precision_label.h"
#include "io/formats.h"

#include <variant>

namespace tcw::models {

DesignTraits traitsOf(const TransformerSpec* model, const AcceleratorSpec* accelerator) {
    DesignTraits t;
    if (model) {
        t.layers = model->layerCount();
        t.parametersM = double(model->parameterCount(TaskShape{})) / 1e6;
        t.precision = QString::fromStdString(precisionLabel(model->compression)); // issue 15
    }
    if (accelerator) {
        t.peCount = accelerator->peCount;
        t.multipliers = accelerator->multiplierCount();
        t.batchSize = accelerator->batchSize;
        t.bufferMB = accelerator->activationBufferMB + accelerator->weightBufferMB + accelerator->maskBufferMB;
        t.mainMemory = QString::fromStdString(accelerator->mainMemory.key());
    }
    return t;
}

std::optional<DesignParts> partsOf(const std::string& specJson) {
    const auto parsed = io::parseDocument(specJson, io::Syntax::Json, "design");
    if (!parsed)
        return std::nullopt;
    DesignParts parts;
    if (const auto* pair = std::get_if<io::CodesignPair>(&*parsed.value)) {
        parts.transformer = pair->transformer;
        if (const AcceleratorSpec* elector = pair->target.elector())
            parts.accelerator = *elector;
        parts.name = pair->name;
    } else if (const auto* model = std::get_if<TransformerSpec>(&*parsed.value)) {
        parts.transformer = *model;
        parts.name = model->name;
    } else if (const auto* file = std::get_if<io::AcceleratorFile>(&*parsed.value)) {
        parts.accelerator = file->spec;
        parts.name = file->spec.name;
    } else {
        return std::nullopt;
    }
    return parts;
}

DesignTraits traitsOf(store::DesignKind, const std::string& specJson) {
    const auto parts = partsOf(specJson);
    if (!parts)
        return {};
    return traitsOf(parts->transformer ? &*parts->transformer : nullptr,
                    parts->accelerator ? &*parts->accelerator : nullptr);
}

} // namespace tcw::models
