// Reads what the search page shows from a workspace file, on a worker thread: a connection of
// its own (read-only, SQLite WAL lets the window's and a running search's connections go on),
// the stored search with its trials, its history (codesign::searchHistory) and its settings
// as text in display units.
#pragma once

#include "panels/search_page.h"

#include <QString>

namespace tcw::app {

// Never throws: a search that cannot be read comes back with content.error set.
widgets::SearchPageContent loadSearchPage(const QString& workspacePath, qint64 searchId);

} // namespace tcw::app
