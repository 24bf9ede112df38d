// Workspace migration step: co-designs stored before targets (an "accelerator" member) are
// rewritten in the (transformer, target) canonical JSON, so they dedupe against the same
// design saved now ("target": {"kind": "elector", …}).
#pragma once

#include "sqlite.h"

#include <cstdint>

namespace tcw::store {

// Rewrites every stored pair with an "accelerator" member and no "target": the member loses
// its "schemaVersion", its "kind" becomes "elector", and it moves to the end of the pair as
// "target" (where the pair writer puts it); the hash is recomputed. Done in SQL on the stored
// text, so numbers and strings keep their exact text and the result is the text io's
// canonicalJson writes for the same pair (tests/core/test_targets checks that). Runs inside
// the caller's transaction (the migration runner's); returns how many designs were rewritten.
// Idempotent: a second run finds nothing to rewrite.
std::int64_t rewriteLegacyPairsAsTargets(Database& db);

} // namespace tcw::store
