// Power sources on Linux (power_source.h): RAPL powercap, perf's power PMU, hwmon, meter CSV.
#include "power_source.h"

#include "io/safe_file.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tcw::profile {

namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    const auto last = s.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::optional<std::uint64_t> parseUnsigned(const std::string& text) {
    const std::string t = trimmed(text);
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 20)
        return std::nullopt;
    try {
        return std::stoull(t);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// Sorted entries of a folder whose names match `pattern`; empty when it cannot be listed.
std::vector<fs::path> matching(const fs::path& folder, const std::regex& pattern) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (std::regex_match(it->path().filename().string(), pattern))
            out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

const char* kMeterRemedy = "or measure with an external meter and pass --power csv:FILE (time,W lines)";

// ---------------------------------------------------------------- counters in files

// A cumulative µJ counter in a file (RAPL energy_uj, hwmon energy*_input), with its wrap range
// (0: none). read() keeps the running total in joules across wraps.
struct FileCounter {
    fs::path file;
    std::string label;
    std::uint64_t maxRange = 0;
    std::uint64_t last = 0;
    double totalJoules = 0;
};

class FileCounterSource final : public PowerSource {
public:
    FileCounterSource(std::string name, std::vector<FileCounter> counters, AttributeReader reader)
        : m_name(std::move(name)), m_counters(std::move(counters)), m_reader(std::move(reader)) {}
    std::string name() const override { return m_name; }
    std::string detail() const override {
        std::string d;
        for (const auto& c : m_counters)
            d += (d.empty() ? "" : " + ") + c.label;
        return d;
    }
    bool isCounter() const override { return true; }
    std::optional<double> read() override {
        double total = 0;
        for (FileCounter& c : m_counters) {
            const AttributeRead r = m_reader(c.file);
            const auto value = r.text ? parseUnsigned(*r.text) : std::nullopt;
            if (!value) {
                m_error = c.file.string() + ": " + (r.text ? "not a counter value" : r.error);
                return std::nullopt;
            }
            const auto delta = counterDelta(c.last, *value, c.maxRange);
            if (!delta) {
                m_error = c.file.string() + ": the counter went back from " + std::to_string(c.last) + " to " +
                          std::to_string(*value) + " with no wrap range (reset?)";
                c.last = *value;
                return std::nullopt;
            }
            c.totalJoules += static_cast<double>(*delta) * 1e-6;
            c.last = *value;
            total += c.totalJoules;
        }
        return total;
    }
    std::string lastError() const override { return m_error; }

private:
    std::string m_name;
    std::vector<FileCounter> m_counters;
    AttributeReader m_reader;
    std::string m_error;
};

// Instantaneous µW sensors summed (hwmon power*_input).
class FilePowerSource final : public PowerSource {
public:
    FilePowerSource(std::vector<fs::path> files, AttributeReader reader)
        : m_files(std::move(files)), m_reader(std::move(reader)) {}
    std::string name() const override { return "hwmon"; }
    std::string detail() const override {
        std::string d;
        for (const auto& f : m_files)
            d += (d.empty() ? "" : " + ") + f.parent_path().filename().string() + "/" + f.filename().string();
        return d;
    }
    bool isCounter() const override { return false; }
    std::optional<double> read() override {
        double watts = 0;
        for (const fs::path& f : m_files) {
            const AttributeRead r = m_reader(f);
            const auto value = r.text ? parseUnsigned(*r.text) : std::nullopt;
            if (!value) {
                m_error = f.string() + ": " + (r.text ? "not a power value" : r.error);
                return std::nullopt;
            }
            watts += static_cast<double>(*value) * 1e-6;
        }
        return watts;
    }
    std::string lastError() const override { return m_error; }

private:
    std::vector<fs::path> m_files;
    AttributeReader m_reader;
    std::string m_error;
};

// Opens counters: each file read once (permission, value) and its first value kept.
OpenedSource openCounters(const std::string& name, std::vector<FileCounter> counters, const AttributeReader& reader,
                          const std::string& permissionReason, const std::string& permissionRemedy) {
    for (FileCounter& c : counters) {
        const AttributeRead r = reader(c.file);
        if (!r.text) {
            if (r.errorNumber == EACCES || r.errorNumber == EPERM)
                return {nullptr, permissionReason + " (" + c.file.string() + ": " + r.error + ")", permissionRemedy};
            return {nullptr, c.file.string() + ": " + r.error, ""};
        }
        const auto value = parseUnsigned(*r.text);
        if (!value)
            return {nullptr, c.file.string() + ": '" + io::shortened(trimmed(*r.text)) + "' is not a counter value",
                    ""};
        c.last = *value;
    }
    return {std::make_unique<FileCounterSource>(name, std::move(counters), reader), {}, {}};
}

// ---------------------------------------------------------------- perf

class PerfSource final : public PowerSource {
public:
    PerfSource(std::vector<int> fds, std::vector<PerfEventInfo> events)
        : m_fds(std::move(fds)), m_events(std::move(events)) {}
    ~PerfSource() override {
        for (int fd : m_fds)
            ::close(fd);
    }
    std::string name() const override { return "perf"; }
    std::string detail() const override {
        std::string d = "power PMU:";
        for (const auto& e : m_events)
            d += " " + e.name;
        return d;
    }
    bool isCounter() const override { return true; }
    std::optional<double> read() override {
        double joules = 0;
        for (std::size_t i = 0; i < m_fds.size(); ++i) {
            std::uint64_t count = 0;
            if (::read(m_fds[i], &count, sizeof count) != static_cast<ssize_t>(sizeof count)) {
                m_error = "reading perf event " + m_events[i].name + ": " + std::strerror(errno);
                return std::nullopt;
            }
            // The kernel's 64-bit count from when the event was opened: no wrap in practice.
            joules += static_cast<double>(count) * m_events[i].scale;
        }
        return joules;
    }
    std::string lastError() const override { return m_error; }

private:
    std::vector<int> m_fds;
    std::vector<PerfEventInfo> m_events;
    std::string m_error;
};

} // namespace

AttributeRead readAttribute(const fs::path& path) {
    AttributeRead out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        out.errorNumber = errno;
        out.error = std::strerror(errno);
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        out.errorNumber = EINVAL;
        out.error = "not a regular file";
        ::close(fd);
        return out;
    }
    std::string text(4096, '\0');
    ssize_t n;
    do
        n = ::read(fd, text.data(), text.size());
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        out.errorNumber = errno;
        out.error = std::strerror(errno);
    } else {
        text.resize(static_cast<std::size_t>(n));
        out.text = std::move(text);
    }
    ::close(fd);
    return out;
}

OpenedSource openRapl(const fs::path& root, const AttributeReader& reader) {
    const fs::path powercap = root / "class/powercap";
    const auto zones = matching(powercap, std::regex(R"(intel-rapl:\d+)"));
    if (zones.empty())
        return {nullptr,
                "no RAPL powercap zones under " + powercap.string() +
                    " (a virtual machine exposes none; so do CPUs without the intel_rapl driver)",
                "on bare metal load the driver (modprobe intel_rapl_common), " + std::string(kMeterRemedy)};
    auto zoneName = [&](const fs::path& zone) {
        const AttributeRead r = reader(zone / "name");
        return r.text ? trimmed(*r.text) : std::string();
    };
    auto counterOf = [&](const fs::path& zone) {
        FileCounter c;
        c.file = zone / "energy_uj";
        c.label = zone.filename().string() + " (" + zoneName(zone) + ")";
        const AttributeRead range = reader(zone / "max_energy_range_uj");
        c.maxRange = range.text ? parseUnsigned(*range.text).value_or(0) : 0;
        return c;
    };
    std::vector<FileCounter> counters;
    for (const fs::path& zone : zones)
        if (zoneName(zone) == "psys") // the platform domain contains the packages: it alone
            counters = {counterOf(zone)};
    if (counters.empty())
        for (const fs::path& zone : zones) {
            counters.push_back(counterOf(zone));
            for (const fs::path& sub : matching(zone, std::regex(R"(intel-rapl:\d+:\d+)")))
                if (zoneName(sub) == "dram") // not part of the package's count; core/uncore are
                    counters.push_back(counterOf(sub));
        }
    return openCounters("rapl", std::move(counters), reader,
                        "RAPL energy counters are readable by root only on Linux >= 5.10 (CVE-2020-8694)",
                        "run as root, or as root once per boot: chmod a+r " + powercap.string() +
                            "/intel-rapl:*/energy_uj " + powercap.string() + "/intel-rapl:*/intel-rapl:*/energy_uj");
}

PerfEvents readPerfPowerEvents(const fs::path& root, const AttributeReader& reader) {
    PerfEvents out;
    const fs::path pmu = root / "bus/event_source/devices/power";
    const AttributeRead type = reader(pmu / "type");
    const auto typeValue = type.text ? parseUnsigned(*type.text) : std::nullopt;
    if (!typeValue) {
        out.reason = "no perf power PMU (" + (pmu / "type").string() + ": " +
                     (type.text ? "not a number" : type.error) + "; virtual machines and CPUs without RAPL have none)";
        return out;
    }
    const std::regex eventName(R"(energy-[a-z]+)");
    const std::regex configText(R"(\s*event=0x([0-9a-fA-F]+)\s*)");
    for (const fs::path& file : matching(pmu / "events", eventName)) {
        PerfEventInfo e;
        e.type = static_cast<int>(*typeValue);
        e.name = file.filename().string();
        const AttributeRead config = reader(file);
        std::smatch m;
        const std::string configString = config.text ? *config.text : std::string();
        if (!config.text || !std::regex_match(configString, m, configText))
            continue;
        e.config = std::stoull(m[1].str(), nullptr, 16);
        const AttributeRead scale = reader(file.string() + ".scale");
        if (scale.text) {
            try {
                e.scale = std::stod(trimmed(*scale.text));
            } catch (const std::exception&) {
                continue;
            }
        }
        const AttributeRead unit = reader(file.string() + ".unit");
        e.unit = unit.text ? trimmed(*unit.text) : std::string();
        if (e.unit != "Joules" || !(e.scale > 0))
            continue;
        out.events.push_back(e);
    }
    if (out.events.empty())
        out.reason = "the perf power PMU at " + pmu.string() + " lists no energy-* event in Joules";
    return out;
}

OpenedSource openPerfPower(const fs::path& root, const AttributeReader& reader) {
    PerfEvents found = readPerfPowerEvents(root, reader);
    if (found.events.empty())
        return {nullptr, found.reason,
                "on bare metal with RAPL use --power rapl or perf as root, " + std::string(kMeterRemedy)};
    // Package and DRAM: what RAPL's zones sum to (cores/gpu are inside the package).
    std::vector<PerfEventInfo> events;
    for (const auto& e : found.events)
        if (e.name == "energy-pkg" || e.name == "energy-ram" || e.name == "energy-psys")
            events.push_back(e);
    if (std::any_of(events.begin(), events.end(), [](const auto& e) { return e.name == "energy-psys"; }))
        events.erase(
            std::remove_if(events.begin(), events.end(), [](const auto& e) { return e.name != "energy-psys"; }),
            events.end());
    if (events.empty())
        events = found.events;
    std::vector<int> fds;
    for (const auto& e : events) {
        perf_event_attr attr{};
        attr.size = sizeof attr;
        attr.type = static_cast<std::uint32_t>(e.type);
        attr.config = e.config;
        const long fd = ::syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0UL);
        if (fd < 0) {
            const int err = errno;
            for (int open : fds)
                ::close(open);
            const bool permission = err == EACCES || err == EPERM;
            return {nullptr,
                    "perf_event_open of power/" + e.name + "/ failed: " + std::strerror(err) +
                        (permission ? " (system-wide events need CAP_PERFMON or kernel.perf_event_paranoid <= 0)" : ""),
                    permission ? "run as root, or: sudo sysctl kernel.perf_event_paranoid=0" : ""};
        }
        fds.push_back(static_cast<int>(fd));
    }
    return {std::make_unique<PerfSource>(std::move(fds), std::move(events)), {}, {}};
}

OpenedSource openHwmon(const fs::path& root, const AttributeReader& reader) {
    const fs::path hwmon = root / "class/hwmon";
    std::vector<FileCounter> counters;
    std::vector<fs::path> powers;
    for (const fs::path& dev : matching(hwmon, std::regex(R"(hwmon\d+)"))) {
        for (const fs::path& f : matching(dev, std::regex(R"(energy\d+_input)"))) {
            FileCounter c;
            c.file = f;
            c.label = dev.filename().string() + "/" + f.filename().string();
            counters.push_back(c);
        }
        for (const fs::path& f : matching(dev, std::regex(R"(power\d+_(input|average))")))
            powers.push_back(f);
    }
    const std::string permissionReason = "the hwmon sensor is not readable by this user";
    const std::string permissionRemedy = "run as root or make the sensor file readable (chmod a+r)";
    if (!counters.empty())
        return openCounters("hwmon", std::move(counters), reader, permissionReason, permissionRemedy);
    if (powers.empty())
        return {nullptr, "no hwmon energy*_input or power*_input sensor under " + hwmon.string(),
                "use a machine whose hwmon driver reports power (e.g. amd_energy, some server BMCs), " +
                    std::string(kMeterRemedy)};
    // Probe each power file once.
    for (const fs::path& f : powers) {
        const AttributeRead r = reader(f);
        if (!r.text)
            return {nullptr,
                    (r.errorNumber == EACCES || r.errorNumber == EPERM ? permissionReason + " (" : std::string("(")) +
                        f.string() + ": " + r.error + ")",
                    r.errorNumber == EACCES || r.errorNumber == EPERM ? permissionRemedy : ""};
    }
    return {std::make_unique<FilePowerSource>(std::move(powers), reader), {}, {}};
}

OpenedSource openPowerSource(const std::string& which, const fs::path& root, const AttributeReader& reader) {
    if (which == "rapl")
        return openRapl(root, reader);
    if (which == "perf")
        return openPerfPower(root, reader);
    if (which == "hwmon")
        return openHwmon(root, reader);
    if (which == "none")
        return {nullptr, "no power source asked for (--power none)",
                "choose --power auto, rapl, perf, hwmon or csv:FILE"};
    if (which == "auto") {
        std::string reasons, remedy;
        for (auto* open : {&openRapl, &openPerfPower, &openHwmon}) {
            OpenedSource s = (*open)(root, reader);
            if (s.source)
                return s;
            reasons += (reasons.empty() ? "" : "; ") + s.reason;
            if (remedy.empty())
                remedy = s.remedy;
        }
        return {nullptr, "no readable power source: " + reasons, remedy};
    }
    return {nullptr, "unknown power source '" + io::shortened(which) + "'",
            "one of auto, rapl, perf, hwmon, csv:FILE, none"};
}

MeterLog readMeterCsv(const fs::path& file) {
    MeterLog log;
    const io::ReadResult read = io::readFileBounded(file, io::kMaxTextDataBytes, "a power meter log");
    if (!read.ok()) {
        log.error = file.string() + ": " + read.error;
        return log;
    }
    std::istringstream in(read.bytes);
    std::string line;
    int lineNumber = 0;
    bool seenData = false;
    while (std::getline(in, line)) {
        ++lineNumber;
        const std::string t = trimmed(line);
        if (t.empty() || t[0] == '#')
            continue;
        const auto comma = t.find(',');
        double time = 0, watts = 0;
        bool ok = comma != std::string::npos;
        if (ok) {
            try {
                std::size_t used = 0;
                const std::string a = trimmed(t.substr(0, comma)), b = trimmed(t.substr(comma + 1));
                time = std::stod(a, &used);
                ok = used == a.size();
                watts = std::stod(b, &used);
                ok = ok && used == b.size();
            } catch (const std::exception&) {
                ok = false;
            }
        }
        if (!ok) {
            if (!seenData && lineNumber == 1)
                continue; // a header
            log.error = file.string() + ": line " + std::to_string(lineNumber) + ": '" + io::shortened(t) +
                        "' is not \"time,W\" (seconds since the Unix epoch, watts)";
            log.samples.clear();
            return log;
        }
        if (!std::isfinite(time) || !std::isfinite(watts) || watts < 0 ||
            (!log.samples.empty() && time < log.samples.back().timeSeconds)) {
            log.error = file.string() + ": line " + std::to_string(lineNumber) +
                        ": times must not decrease and watts must be finite and >= 0";
            log.samples.clear();
            return log;
        }
        seenData = true;
        log.samples.push_back({time, watts});
    }
    if (log.samples.size() < 2)
        log.error = file.string() + ": fewer than two samples";
    return log;
}

} // namespace tcw::profile
