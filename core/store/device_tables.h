// Workspace tables of device profiles (issue 14, docs/devices.md): one row per device with
// its descriptor and settings, one row per measured or predicted model with its provenance.
#pragma once

#include "sqlite.h"

namespace tcw::store {

// The schema step that creates them (a migration of schema.cpp).
void createDeviceTables(Database& db);

} // namespace tcw::store
