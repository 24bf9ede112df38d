// A few numbers of a design's specification that the table can show as columns (layers,
// parameters, PEs, multipliers, buffers, memory), read from the stored JSON once per load.
#pragma once

#include "io/io_types.h"
#include "store/records.h"

#include <QString>

#include <optional>
#include <string>

namespace tcw::models {

struct DesignTraits {
    std::optional<int> layers;
    std::optional<double> parametersM; // millions of trainable parameters (default task shape)
    std::optional<int> peCount;
    std::optional<std::int64_t> multipliers; // PEs × lanes × MACs per lane
    std::optional<int> batchSize;
    std::optional<double> bufferMB; // activation + weight + mask
    QString mainMemory;             // "dram_32_2_1"
    QString precision;              // issue 15: the model's precision, "f32", "w1a8", "mixed" (precision_label.h)

    bool operator==(const DesignTraits&) const = default;
};

DesignTraits traitsOf(const TransformerSpec* model, const AcceleratorSpec* accelerator);
// From stored workbench JSON; empty traits when the text is not a design.
DesignTraits traitsOf(store::DesignKind kind, const std::string& specJson);

// The transformer and accelerator of a stored design (either may be absent).
struct DesignParts {
    std::optional<TransformerSpec> transformer;
    std::optional<AcceleratorSpec> accelerator;
    std::string name;
};
std::optional<DesignParts> partsOf(const std::string& specJson);

} // namespace tcw::models
