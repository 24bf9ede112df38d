// The one way the workbench writes and reads files: writes go to a temporary file beside the
// target, are flushed, checked and fsync'ed, then renamed over it, so a full disk or a crash
// leaves the previous file byte-identical; existing files are replaced only when asked to.
// Reads are bounded: regular files only (no /dev/zero, FIFOs or folders) up to a size limit.
// Plain C++ and POSIX, no other dependency, so every core module and the app can use it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::io {

struct WriteOptions {
    // Replace an existing file (tcw's --force; the GUI after the user confirmed). Without it an
    // existing target is an error and is left alone.
    bool overwrite = false;
    // The file may replace a workspace (only the commands that build workspaces set this).
    // Every other writer refuses a target that is a workspace, --force or not.
    bool mayReplaceWorkspace = false;
    // Files the command is reading: never written over, --force or not.
    std::vector<std::filesystem::path> inputs;
};

// The error of a refused or failed write: names the file and the reason (the OS's when it
// has one), e.g. "run/curves.csv: not written (No space left on device); the previous file
// is unchanged".
class FileWriteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Why `path` must not be written under `options`: an existing file without overwrite, a
// workspace, one of the inputs, a folder, a read-only file, a dangling symbolic link.
// Empty when it may be written. Every writer calls this first (writeFileAtomically does).
std::string checkWritable(const std::filesystem::path& path, const WriteOptions& options);

// Writes `bytes` to `path` atomically: a temporary file in the same folder (mode of the file
// it replaces, else 0666 & ~umask), every byte written and checked, fsync, rename, then the
// folder fsync'ed. A symbolic link to an existing file is written through (the link stays).
// Returns the error (empty on success); on failure the temporary file is removed and the
// previous file, if any, is untouched.
std::string writeFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                                const WriteOptions& options = {});
// The same, throwing FileWriteError with the message.
void writeFileOrThrow(const std::filesystem::path& path, std::string_view bytes, const WriteOptions& options = {});

// A folder of files written as a unit (reference exports): the files are written into a new
// temporary folder beside `folder`, which is then renamed into place (with overwrite, an
// existing folder is replaced only after the new one is complete). Names are file names
// within the folder. Returns the error, empty on success.
std::string writeFolderAtomically(const std::filesystem::path& folder,
                                  const std::vector<std::pair<std::string, std::string>>& files,
                                  const WriteOptions& options = {});

// Creates a file by building it under a temporary name beside `path` and renaming it into
// place once `build` returned (workspaces: a kill while building leaves no half-made file at
// `path`). `build` gets the temporary path and throws on failure; the temporary file is
// removed then. The same checks as writeFileAtomically apply to `path`.
void createFileAtomically(const std::filesystem::path& path, const WriteOptions& options,
                          const std::function<void(const std::filesystem::path& temporary)>& build);

// True when the file at `path` starts with SQLite's header (a workspace, or another database).
bool isSqliteFile(const std::filesystem::path& path);

// An advisory lock (flock) on a small file, held until destroyed or until the process ends,
// however it ends (kill -9 included): "someone is writing this" without stale lock files
// deciding anything. The lock file is removed when the lock is released.
class ExclusiveLock {
public:
    // The lock, or nothing when another process (or another lock object) holds it. Throws
    // FileWriteError when the lock file cannot be created. holder (one line, e.g. "tcw search,
    // pid 4242 on node7, since 2026-12-07 05:01:02 UTC") is written into the file once it is
    // held, for heldBy() in other processes.
    static std::optional<ExclusiveLock> tryAcquire(const std::filesystem::path& lockFile, std::string_view holder = {});
    // The holder's text when a lock on lockFile is held now (by any process, this one too),
    // "" when it is held but says nothing; nothing when the file is absent or no one holds it.
    // Creates nothing and never waits.
    static std::optional<std::string> heldBy(const std::filesystem::path& lockFile);
    ExclusiveLock(ExclusiveLock&& other) noexcept;
    ExclusiveLock& operator=(ExclusiveLock&& other) noexcept;
    ExclusiveLock(const ExclusiveLock&) = delete;
    ExclusiveLock& operator=(const ExclusiveLock&) = delete;
    ~ExclusiveLock();

private:
    ExclusiveLock(std::filesystem::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    void release();
    std::filesystem::path m_path;
    int m_fd = -1;
};

// ---------------------------------------------------------------- bounded reading

// Size limits by what is read, in bytes. A file over its limit is refused with both numbers.
inline constexpr std::uint64_t kMaxDocumentBytes = 16ull << 20;  // designs, spaces, configs, tables, lessons
inline constexpr std::uint64_t kMaxTextDataBytes = 512ull << 20; // TSV data sets, vocabularies
inline constexpr std::uint64_t kMaxBinaryDataBytes = 1ull << 30; // checkpoints, IDX files (compressed or not)

struct ReadResult {
    std::string bytes;
    std::string error; // "is a FIFO, not a regular file", "is 20971520 bytes; the limit … is …"; empty when read
    bool ok() const { return error.empty(); }
};

// Reads a whole regular file of at most maxBytes. `what` names the limit in the message
// ("a design file", "a lesson"). Never blocks on FIFOs or devices.
ReadResult readFileBounded(const std::filesystem::path& path, std::uint64_t maxBytes, std::string_view what);

// "12.0 MiB", "512 bytes": sizes in messages.
std::string byteSizeText(std::uint64_t bytes);

// A value shown in a message, cut to maxChars characters with "… (N characters)" so a huge
// input is never echoed back whole.
std::string shortened(std::string_view text, std::size_t maxChars = 60);

} // namespace tcw::io
