// SimResult as JSON text (schemaVersion 1, kind "simResult"): what `tcw simulate --json`
// prints and what the workspace stores as an evaluation's breakdown.
#pragma once

#include "sim/sim_types.h"

#include <string>

namespace tcw::io {

// indent < 0: one line.
std::string simResultJson(const SimResult& result, int indent = 2);

} // namespace tcw::io
