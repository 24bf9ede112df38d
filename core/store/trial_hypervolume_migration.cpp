// The v5 step: a hypervolume column on trials.
#include "trial_hypervolume_migration.h"

namespace tcw::store {

void addTrialHypervolume(Database& db) {
    // Idempotent: a file whose version was set back by hand (tests fake older versions on a
    // current schema) already has the column.
    Statement has = db.prepare("SELECT count(*) FROM pragma_table_info('trials') WHERE name = 'hypervolume'");
    if (has.step() && has.int64(0) > 0)
        return;
    db.exec("ALTER TABLE trials ADD COLUMN hypervolume REAL CHECK (hypervolume >= 0);");
}

} // namespace tcw::store
