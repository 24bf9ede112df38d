// The v5 step: a hypervolume column on trials.
#include "trial_hypervolume_migration.h"

namespace tcw::store {

void addTrialHypervolume(Database& db) {
    db.exec("ALTER TABLE trials ADD COLUMN hypervolume REAL CHECK (hypervolume >= 0);");
}

} // namespace tcw::store
