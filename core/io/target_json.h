// A target on its own (issue 16: the FPGA presets, device catalogues): the same object a pair
// holds under "target", {"kind": "fpga", "name": …, then the kind's fields}.
#pragma once

#include "design/target.h"
#include "design/validation.h"

#include <optional>
#include <string>
#include <string_view>

namespace tcw::io {

struct ParsedTarget {
    std::optional<Target> target; // set when there are no errors
    ValidationErrors errors;      // every error, each with its field path
};
ParsedTarget parseTargetJson(std::string_view text);
std::string targetJsonText(const Target& target); // indented, as the data files are written

} // namespace tcw::io
