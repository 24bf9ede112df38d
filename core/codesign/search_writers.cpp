#include "search_writers.h"

#include "io/safe_file.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <system_error>

#include <unistd.h>

namespace tcw::codesign {

namespace fs = std::filesystem;

fs::path searchLockPath(const fs::path& workspace, std::int64_t searchId) {
    return workspace.string() + "-search" + std::to_string(searchId) + ".lock";
}

std::string thisProcessAsHolder(std::string_view what) {
    std::error_code ec;
    std::string program = fs::read_symlink("/proc/self/exe", ec).filename().string(); // comm is cut at 15 bytes
    if (program.empty())
        program = "a process";
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char since[32] = {};
    std::strftime(since, sizeof since, "%Y-%m-%d %H:%M:%S", &utc);
    std::string text = program;
    if (!what.empty())
        text += " " + std::string(what);
    text += ", pid " + std::to_string(::getpid());
    if (host[0] != '\0')
        text += " on " + std::string(host);
    text += ", since " + std::string(since) + " UTC";
    return text;
}

std::vector<SearchWriter> searchWriters(const fs::path& workspace) {
    std::vector<SearchWriter> writers;
    const std::string prefix = workspace.filename().string() + "-search";
    constexpr std::string_view suffix = ".lock";
    std::error_code ec;
    const fs::path folder = workspace.has_parent_path() ? workspace.parent_path() : fs::path(".");
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        const std::string_view digits(name.data() + prefix.size(), name.size() - prefix.size() - suffix.size());
        std::int64_t id = 0;
        const auto [last, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (error != std::errc() || last != digits.data() + digits.size() || id <= 0)
            continue;
        if (auto holder = io::ExclusiveLock::heldBy(it->path()))
            writers.push_back({id, std::move(*holder)});
    }
    std::sort(writers.begin(), writers.end(),
              [](const SearchWriter& a, const SearchWriter& b) { return a.searchId < b.searchId; });
    return writers;
}

} // namespace tcw::codesign
