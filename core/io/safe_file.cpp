// Atomic, non-clobbering file writes and bounded reads (see safe_file.h). POSIX calls are
// used directly: std::ofstream cannot fsync, and its errors lose errno.
#include "safe_file.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tcw::io {

namespace fs = std::filesystem;

namespace {

std::string osReason(int error) {
    return std::strerror(error);
}

std::string fileTypeName(mode_t mode) {
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

// A name no other writer picks: ".<name>.<16 hex digits>.tmp" beside the target.
fs::path temporaryBeside(const fs::path& target, std::string_view suffix = ".tmp") {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng()));
    return target.parent_path() / ("." + target.filename().string() + "." + hex + std::string(suffix));
}

fs::path folderOf(const fs::path& path) {
    return path.parent_path().empty() ? fs::path(".") : path.parent_path();
}

void syncFolder(const fs::path& folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd); // best effort: the rename itself has succeeded
        ::close(fd);
    }
}

bool writeAll(int fd, std::string_view bytes, int& error) {
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error = errno;
            return false;
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

// Moves `from` to `to`; without overwrite an existing `to` is never replaced, even one that
// appeared after the checks (RENAME_NOREPLACE, or link + unlink where that is unsupported).
int moveIntoPlace(const fs::path& from, const fs::path& to, bool overwrite) {
    if (overwrite)
        return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    if (::link(from.c_str(), to.c_str()) != 0)
        return errno;
    ::unlink(from.c_str());
    return 0;
}

std::string unchangedNote(bool existed) {
    return existed ? "; the previous file is unchanged" : "; nothing was written";
}

bool isInput(const fs::path& path, const WriteOptions& options) {
    std::error_code ec;
    for (const fs::path& input : options.inputs)
        if (!input.empty() && fs::equivalent(path, input, ec))
            return true;
    return false;
}

} // namespace

bool isSqliteFile(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st {};
    std::array<char, 16> header{};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    const bool read = regular && ::read(fd, header.data(), header.size()) == static_cast<ssize_t>(header.size());
    ::close(fd);
    return read && std::memcmp(header.data(), "SQLite format 3", 16) == 0;
}

std::string checkWritable(const fs::path& path, const WriteOptions& options) {
    if (path.empty() || path.filename().empty())
        return "no file name given";
    struct stat link {};
    if (::lstat(path.c_str(), &link) != 0) {
        if (errno != ENOENT)
            return "cannot be checked: " + osReason(errno);
        struct stat folder {};
        const fs::path parent = folderOf(path);
        if (::stat(parent.c_str(), &folder) != 0)
            return "cannot be written: the folder " + parent.string() + " does not exist";
        if (!S_ISDIR(folder.st_mode))
            return "cannot be written: " + parent.string() + " is not a folder";
        return {};
    }
    if (S_ISLNK(link.st_mode)) {
        struct stat target {};
        if (::stat(path.c_str(), &target) != 0) {
            std::error_code ec;
            const fs::path pointsTo = fs::read_symlink(path, ec);
            return "is a symbolic link to " +
                   (ec ? std::string("a missing file") : pointsTo.string() + ", which is missing") +
                   "; not written through it";
        }
        std::error_code ec;
        const fs::path resolved = fs::canonical(path, ec);
        if (ec)
            return "is a symbolic link that cannot be resolved: " + ec.message();
        const std::string why = checkWritable(resolved, options);
        return why.empty() ? why : "is a symbolic link to " + resolved.string() + ", which " + why;
    }
    if (S_ISDIR(link.st_mode))
        return "is a folder, not a file";
    if (!S_ISREG(link.st_mode))
        return "is " + fileTypeName(link.st_mode) + "; only regular files are written";
    if (isInput(path, options))
        return "is also an input of this command; choose another output name";
    if (isSqliteFile(path) && !options.mayReplaceWorkspace)
        return "is a workspace (SQLite database); it is never written over, --force or not: choose another name";
    if (!options.overwrite)
        return "already exists; give --force to replace it";
    if ((link.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
        return "is read-only; make it writable first to replace it";
    return {};
}

std::string writeFileAtomically(const fs::path& path, std::string_view bytes, const WriteOptions& options) {
    if (const std::string why = checkWritable(path, options); !why.empty())
        return path.string() + ": " + why;
    std::error_code ec;
    // Through a symbolic link to an existing file: the link stays, its target is replaced.
    const fs::path target = fs::is_symlink(path, ec) ? fs::canonical(path, ec) : path;
    struct stat previous {};
    const bool existed = ::stat(target.c_str(), &previous) == 0;
    const fs::path temporary = temporaryBeside(target);
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return path.string() + ": not written (" + osReason(errno) + ")" + unchangedNote(existed);
    int error = 0;
    bool ok = writeAll(fd, bytes, error);
    if (ok && existed && ::fchmod(fd, previous.st_mode & 07777) != 0)
        error = errno, ok = false;
    if (ok && ::fsync(fd) != 0)
        error = errno, ok = false;
    if (::close(fd) != 0 && ok)
        error = errno, ok = false;
    if (ok)
        error = moveIntoPlace(temporary, target, options.overwrite), ok = error == 0;
    if (!ok) {
        ::unlink(temporary.c_str());
        return path.string() + ": not written (" + osReason(error) + ")" + unchangedNote(existed);
    }
    syncFolder(folderOf(target));
    return {};
}

void writeFileOrThrow(const fs::path& path, std::string_view bytes, const WriteOptions& options) {
    if (std::string error = writeFileAtomically(path, bytes, options); !error.empty())
        throw FileWriteError(error);
}

std::string writeFolderAtomically(const fs::path& folder, const std::vector<std::pair<std::string, std::string>>& files,
                                  const WriteOptions& options) {
    if (folder.empty())
        return "no folder name given";
    const fs::path clean = folder.filename().empty() ? folder.parent_path() : folder;
    std::error_code ec;
    struct stat st {};
    const bool exists = ::lstat(clean.c_str(), &st) == 0;
    if (exists) {
        if (S_ISLNK(st.st_mode))
            return clean.string() + ": is a symbolic link; not written through it";
        if (!S_ISDIR(st.st_mode))
            return clean.string() + ": exists and is not a folder";
        if (!options.overwrite)
            return clean.string() + ": already exists; give --force to replace it";
        const fs::path canonicalFolder = fs::canonical(clean, ec);
        for (const fs::path& input : options.inputs) {
            const fs::path in = fs::weakly_canonical(input, ec);
            const auto rel = in.lexically_relative(canonicalFolder);
            if (!rel.empty() && *rel.begin() != "..")
                return clean.string() + ": holds " + input.string() + ", an input of this command; not replaced";
        }
    } else if (errno != ENOENT) {
        return clean.string() + ": cannot be checked: " + osReason(errno);
    }
    const fs::path parent = folderOf(clean);
    std::string pattern = (temporaryBeside(clean, ".XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        return clean.string() + ": cannot create a folder in " + parent.string() + " (" + osReason(errno) + ")";
    const fs::path temporary = pattern;
    auto fail = [&](const std::string& error) {
        fs::remove_all(temporary, ec);
        return error + (exists ? "; the previous folder is unchanged" : "");
    };
    for (const auto& [name, bytes] : files) {
        if (std::string error = writeFileAtomically(temporary / name, bytes); !error.empty()) {
            // Name the file where it was meant to go, not the temporary folder.
            const std::string reason = error.substr(error.find(": ") + 2);
            return fail((clean / name).string() + ": " + reason.substr(0, reason.find(';')));
        }
    }
    syncFolder(temporary);
    if (!exists) {
        if (int error = moveIntoPlace(temporary, clean, false); error != 0)
            return fail(clean.string() + ": not written (" + osReason(error) + ")");
    } else if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, clean.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(temporary, ec); // now the previous folder
    } else {
        // No atomic exchange here: move the old folder aside, the new one in, then drop the old.
        const fs::path aside = temporaryBeside(clean, ".old");
        if (::rename(clean.c_str(), aside.c_str()) != 0)
            return fail(clean.string() + ": not replaced (" + osReason(errno) + ")");
        if (::rename(temporary.c_str(), clean.c_str()) != 0) {
            const int error = errno;
            ::rename(aside.c_str(), clean.c_str());
            return fail(clean.string() + ": not replaced (" + osReason(error) + ")");
        }
        fs::remove_all(aside, ec);
    }
    syncFolder(parent);
    return {};
}

void createFileAtomically(const fs::path& path, const WriteOptions& options,
                          const std::function<void(const fs::path& temporary)>& build) {
    if (const std::string why = checkWritable(path, options); !why.empty())
        throw FileWriteError(path.string() + ": " + why);
    const fs::path temporary = temporaryBeside(path);
    auto cleanUp = [&] {
        for (const char* suffix : {"", "-journal", "-wal", "-shm"})
            ::unlink((temporary.string() + suffix).c_str());
    };
    try {
        build(temporary);
    } catch (...) {
        cleanUp();
        throw;
    }
    if (options.mayReplaceWorkspace) // a replaced workspace's journal must not be replayed into the new file
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            ::unlink((path.string() + suffix).c_str());
    if (int error = moveIntoPlace(temporary, path, options.overwrite); error != 0) {
        cleanUp();
        throw FileWriteError(path.string() + ": not created (" + osReason(error) + ")");
    }
    syncFolder(folderOf(path));
}

// ---------------------------------------------------------------- locks

std::optional<ExclusiveLock> ExclusiveLock::tryAcquire(const fs::path& lockFile, std::string_view holder) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        const int fd = ::open(lockFile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            throw FileWriteError(lockFile.string() + ": cannot create the lock file (" + osReason(errno) + ")");
        // heldBy() in another process takes a shared lock for a moment: try again briefly
        // before calling the lock held.
        bool locked = false;
        for (int probe = 0; probe < 3 && !locked; ++probe) {
            locked = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
            if (!locked && probe < 2)
                ::usleep(20000);
        }
        if (!locked) {
            ::close(fd);
            return std::nullopt;
        }
        // The holder before us may have removed the file after we opened it: then our lock is
        // on a file no one else will find; take the one now at the path instead.
        struct stat held {
        }, current{};
        if (::fstat(fd, &held) == 0 && ::stat(lockFile.c_str(), &current) == 0 && held.st_ino == current.st_ino &&
            held.st_dev == current.st_dev) {
            // Who holds it is a courtesy for others' messages: a failed write leaves the lock held.
            if (::ftruncate(fd, 0) == 0 && !holder.empty()) [[maybe_unused]]
                const auto written = ::pwrite(fd, holder.data(), holder.size(), 0);
            return ExclusiveLock(lockFile, fd);
        }
        ::close(fd);
    }
    return std::nullopt;
}

std::optional<std::string> ExclusiveLock::heldBy(const fs::path& lockFile) {
    const int fd = ::open(lockFile.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return std::nullopt;
    // A shared lock is refused exactly while someone holds the exclusive one. (Taking it for a
    // moment is harmless: the holder released it already, or a tryAcquire() in that moment
    // fails once and its caller reports the search as running, which it was about to be.)
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
        ::flock(fd, LOCK_UN);
        ::close(fd);
        return std::nullopt;
    }
    std::string text(512, '\0');
    const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
    ::close(fd);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (const auto end = text.find_first_of("\r\n"); end != std::string::npos)
        text.resize(end);
    return text;
}

ExclusiveLock::ExclusiveLock(ExclusiveLock&& other) noexcept
    : m_path(std::move(other.m_path)), m_fd(std::exchange(other.m_fd, -1)) {}

ExclusiveLock& ExclusiveLock::operator=(ExclusiveLock&& other) noexcept {
    if (this != &other) {
        release();
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

ExclusiveLock::~ExclusiveLock() {
    release();
}

void ExclusiveLock::release() {
    if (m_fd < 0)
        return;
    ::unlink(m_path.c_str()); // while still holding it, so no one takes a lock on a file being removed
    ::close(m_fd);
    m_fd = -1;
}

// ---------------------------------------------------------------- bounded reading

std::string byteSizeText(std::uint64_t bytes) {
    char text[64];
    if (bytes < 1024)
        std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
    else if (bytes < (1ull << 20))
        std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    else if (bytes < (1ull << 30))
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / 1048576.0);
    else
        std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / 1073741824.0);
    return text;
}

ReadResult readFileBounded(const fs::path& path, std::uint64_t maxBytes, std::string_view what) {
    ReadResult result;
    // O_NONBLOCK: opening a FIFO with no writer would wait forever; the type is checked next.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        result.error = errno == ENOENT ? "no such file" : "cannot be read: " + osReason(errno);
        return result;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        result.error = "cannot be read: " + osReason(errno);
    } else if (!S_ISREG(st.st_mode)) {
        result.error = S_ISDIR(st.st_mode) ? "is a folder, not a file"
                                           : "is " + fileTypeName(st.st_mode) + ", not a regular file; not read";
    } else if (static_cast<std::uint64_t>(st.st_size) > maxBytes) {
        result.error = "is " + byteSizeText(static_cast<std::uint64_t>(st.st_size)) + "; the limit for " +
                       std::string(what) + " is " + byteSizeText(maxBytes);
    }
    if (!result.error.empty()) {
        ::close(fd);
        return result;
    }
    result.bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    for (;;) {
        if (done == result.bytes.size()) { // the file may have grown since fstat: read on, bounded
            if (done > maxBytes)
                break;
            result.bytes.resize(std::min<std::uint64_t>(maxBytes + 1, done + 65536));
            if (done == result.bytes.size())
                break;
        }
        const ssize_t n = ::read(fd, result.bytes.data() + done, result.bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            result.error = "cannot be read: " + osReason(errno);
            break;
        }
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    result.bytes.resize(done);
    if (result.error.empty() && done > maxBytes)
        result.error = "is over " + byteSizeText(maxBytes) + ", the limit for " + std::string(what);
    if (!result.error.empty())
        result.bytes.clear();
    return result;
}

std::string shortened(std::string_view text, std::size_t maxChars) {
    if (text.size() <= maxChars)
        return std::string(text);
    std::size_t cut = maxChars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) // not inside a UTF-8 character
        --cut;
    return std::string(text.substr(0, cut)) + "… (" + std::to_string(text.size()) + " characters)";
}

} // namespace tcw::io
