// The machine descriptor (machine_descriptor.h).
#include "machine_descriptor.h"

#include "io/safe_file.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <sys/utsname.h>

namespace tcw::profile {

const std::vector<std::string>& recordedIsaFlags() {
    static const std::vector<std::string> flags{
        "sse4_2",   "avx",      "avx2",     "fma",         "f16c",        "avx_vnni",    "avx512f",
        "avx512dq", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vpopcntdq",
        "amx_tile", "amx_bf16", "amx_int8"};
    return flags;
}

MachineDescriptor describeMachine(const std::filesystem::path& procRoot) {
    MachineDescriptor m;
    const io::ReadResult read = io::readFileBounded(procRoot / "cpuinfo", 16ull << 20, "/proc/cpuinfo");
    if (read.ok()) {
        std::istringstream in(read.bytes);
        std::string line;
        std::set<std::string> flags;
        bool flagsRead = false;
        while (std::getline(in, line)) {
            const auto colon = line.find(':');
            if (colon == std::string::npos)
                continue;
            std::string key = line.substr(0, colon);
            key.erase(key.find_last_not_of(" \t") + 1);
            std::string value = colon + 1 < line.size() ? line.substr(colon + 1) : std::string();
            value.erase(0, value.find_first_not_of(" \t"));
            if (key == "processor")
                ++m.logicalCpus;
            else if (key == "model name" && m.cpuModel.empty())
                m.cpuModel = value;
            else if (key == "flags" && !flagsRead) {
                std::istringstream words(value);
                for (std::string w; words >> w;)
                    flags.insert(w);
                flagsRead = true;
            }
        }
        for (const std::string& f : recordedIsaFlags())
            if (flags.count(f))
                m.isaFlags.push_back(f);
        m.hypervisor = flags.count("hypervisor") > 0;
    }
    utsname u{};
    if (::uname(&u) == 0)
        m.kernel = std::string(u.sysname) + " " + u.release;
    m.loadAverageBefore = loadAverage(procRoot);
    return m;
}

std::optional<std::array<double, 3>> loadAverage(const std::filesystem::path& procRoot) {
    const io::ReadResult read = io::readFileBounded(procRoot / "loadavg", 4096, "/proc/loadavg");
    if (!read.ok())
        return std::nullopt;
    std::istringstream in(read.bytes);
    std::array<double, 3> load{};
    if (!(in >> load[0] >> load[1] >> load[2]))
        return std::nullopt;
    return load;
}

} // namespace tcw::profile
