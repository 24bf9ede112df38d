// Shared by the libFuzzer targets: the input as text, and a private temporary folder for the
// readers that take a path (one folder per process, removed at exit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace tcw::fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A folder of this process under the system's temporary folder, created on first use.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "tcw-fuzz-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            std::abort(); // the harness itself cannot run: not an input's fault
        m_path = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }

    // Writes bytes to name inside the folder (replacing it) and returns the file's path.
    std::filesystem::path write(const std::string& name, std::string_view bytes) const {
        const std::filesystem::path file = m_path / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out)
            std::abort();
        return file;
    }

    // Removes everything in the folder (a reader may leave files beside its input).
    void clear() const {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(m_path, ec))
            std::filesystem::remove_all(entry.path(), ec);
    }

private:
    std::filesystem::path m_path;
};

inline const ScratchDir& scratch() {
    static const ScratchDir dir;
    return dir;
}

} // namespace tcw::fuzz
