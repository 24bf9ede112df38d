// Workspace tables of device profiles (issue 14, docs/devices.md): one row per device with
// its descriptor and settings, one row per measured or predicted model with its provenance.
#pragma once

#include "sqlite.h"

namespace tcw::store {

// The schema step that creates them (a migration of schema.cpp). Idempotent (IF NOT EXISTS):
// tests fake an older file by lowering user_version of a current one.
void createDeviceTables(Database& db);

} // namespace tcw::store
