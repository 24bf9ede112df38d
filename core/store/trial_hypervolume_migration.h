// Workspace migration step: every trial keeps the hypervolume of its search after it (the
// acceptable trials at positions 0 … its own, in the search's box, reference 1), so a search's
// history is read, not replayed, and reads the same after pause, resume and kill -9 + resume.
#pragma once

#include "sqlite.h"

namespace tcw::store {

// Adds trials.hypervolume (REAL, NULL or ≥ 0). Trials stored before this step keep NULL: the
// store cannot parse a search's configuration (its box and objectives), so their history is
// recomputed from the trials in position order when it is read (codesign::searchHistory).
// Runs inside the caller's transaction (the migration runner's); a column already there is kept.
void addTrialHypervolume(Database& db);

} // namespace tcw::store
