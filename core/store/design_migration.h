// Workspace migration step: stored designs rewritten in the current canonical JSON, so a
// co-design saved before targets (an "accelerator" member) dedupes against the same design
// saved now ("target": {"kind": "elector", …}).
#pragma once

#include "sqlite.h"

#include <cstdint>

namespace tcw::store {

// Rewrites every stored design whose text is not its canonical JSON (io::canonicalJson of
// what it reads as) to that text and recomputes its SHA-256 hash. A text the codec cannot
// read is left as it is. Runs inside the caller's transaction (the migration runner's);
// returns how many designs were rewritten. Idempotent: a second run rewrites nothing.
std::int64_t rewriteDesignsInCanonicalForm(Database& db);

} // namespace tcw::store
