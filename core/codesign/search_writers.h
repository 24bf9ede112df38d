// Who writes a workspace right now. A process running a search holds a lock file beside the
// workspace ("W.tcw-search3.lock") for as long as it may write that search, and writes into it
// who it is. Other processes (a second `tcw search --resume`, the GUI opening the workspace)
// read that to refuse a second writer or to watch the first one, naming it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::codesign {

struct SearchWriter {
    std::int64_t searchId = 0;
    std::string holder; // "tcw search, pid 4242 on node7, since 2026-12-07 05:01:02 UTC"; may be empty
    bool operator==(const SearchWriter&) const = default;
};

// The lock file of a search: the workspace path + "-search<id>.lock".
std::filesystem::path searchLockPath(const std::filesystem::path& workspace, std::int64_t searchId);

// This process described for a lock file: its program name, what it does, its pid, host and
// the time now (UTC). what: "search" → "tcw search, pid 4242 on node7, since … UTC".
std::string thisProcessAsHolder(std::string_view what);

// The searches of the workspace whose lock is held now, by search id. Reads the folder and
// the lock files only; creates, takes and waits for nothing.
std::vector<SearchWriter> searchWriters(const std::filesystem::path& workspace);

} // namespace tcw::codesign
