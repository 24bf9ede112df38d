// The workspace schema and its migrations. PRAGMA user_version holds the schema version; a
// migration takes a database from version N-1 to N. A new version appends one Migration to
// schemaMigrations() and raises kSchemaVersion; existing steps are never edited.
#pragma once

#include "sqlite.h"

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace tcw::store {

inline constexpr int kSchemaVersion = 7;

// PRAGMA application_id of every workspace: "TCWB". Tells our files from other SQLite files.
inline constexpr std::int32_t kApplicationId = 0x54435742;

struct Migration {
    int toVersion = 0;            // the user_version after this step
    std::string_view description; // for error messages: "v1: designs, evaluations, ..."
    std::function<void(Database&)> apply;
};

const std::vector<Migration>& schemaMigrations();

// Applies, in one transaction, every migration past the database's user_version and sets
// user_version to the last one's. On any error the transaction rolls back (the file keeps
// its old version and contents) and SqliteError is thrown naming the failed step.
// Throws std::invalid_argument when the steps are not numbered 1, 2, 3, ...
void migrate(Database& db, const std::vector<Migration>& migrations);

} // namespace tcw::store
