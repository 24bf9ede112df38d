// Where power and energy readings come from on Linux: RAPL powercap zones, the perf `power`
// PMU, hwmon sensors, an external meter's CSV log. Every path is read under a configurable
// sysfs root so tests run against a fake tree. A source that cannot be read is not an error
// but an answer: unavailable, with the reason and the remedy (docs/profiling.md).
#pragma once

#include "power_math.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tcw::profile {

// A live source, read by the sampling thread.
class PowerSource {
public:
    virtual ~PowerSource() = default;
    virtual std::string name() const = 0; // "rapl", "perf", "hwmon"
    virtual std::string
    detail() const = 0; // the counters read, e.g. "intel-rapl:0 (package-0) + intel-rapl:0:2 (dram)"
    // true: read() returns cumulative joules since the source was opened (wrap-around
    // handled); false: read() returns watts now.
    virtual bool isCounter() const = 0;
    // nullopt when the reading failed (its reason in lastError()).
    virtual std::optional<double> read() = 0;
    virtual std::string lastError() const = 0;
};

// One sysfs attribute read (at most 4 KiB, regular files only): its text, or the errno and a
// message. Tests pass their own reader to act out a permission the test user cannot lose
// (root reads a chmod 000 file).
struct AttributeRead {
    std::optional<std::string> text;
    int errorNumber = 0; // errno of the failed open or read (EACCES: permission)
    std::string error;
};
using AttributeReader = std::function<AttributeRead(const std::filesystem::path&)>;
AttributeRead readAttribute(const std::filesystem::path& path);

// What openPowerSource found: a source, or why there is none and what would make one.
struct OpenedSource {
    std::unique_ptr<PowerSource> source;
    std::string reason; // set when source is null
    std::string remedy;
};

// Which source to use: "auto" (rapl, then perf, then hwmon; the first readable), "rapl",
// "perf", "hwmon", "none". (csv:FILE is not live: see readMeterCsv.)
// An unknown name is unavailable with the list of names as the remedy.
OpenedSource openPowerSource(const std::string& which, const std::filesystem::path& sysfsRoot,
                             const AttributeReader& reader = readAttribute);

// The single sources (openPowerSource dispatches to them).
// RAPL: class/powercap/intel-rapl:N (packages; a "psys" zone alone when present, it contains
// them) and their dram subzones intel-rapl:N:M, energy_uj summed, each wrapping at its
// max_energy_range_uj.
OpenedSource openRapl(const std::filesystem::path& sysfsRoot, const AttributeReader& reader = readAttribute);
// perf: bus/event_source/devices/power, energy-pkg (+ energy-ram), counted system-wide on CPU 0
// with perf_event_open, scaled by the event's .scale.
OpenedSource openPerfPower(const std::filesystem::path& sysfsRoot, const AttributeReader& reader = readAttribute);
// hwmon: class/hwmon/hwmon*/energy*_input (µJ counters) when any, else power*_input /
// power*_average (µW, instantaneous), summed over sensors.
OpenedSource openHwmon(const std::filesystem::path& sysfsRoot, const AttributeReader& reader = readAttribute);

// The perf `power` PMU's description of one event, read from sysfs:
// devices/power/type, events/<name> ("event=0x02"), <name>.scale, <name>.unit.
struct PerfEventInfo {
    int type = 0;
    std::uint64_t config = 0;
    double scale = 1.0; // joules per count when unit is "Joules"
    std::string unit;
    std::string name; // "energy-pkg"
};
// Every energy-* event of the power PMU under `sysfsRoot`, or the reason there is none.
struct PerfEvents {
    std::vector<PerfEventInfo> events;
    std::string reason;
};
PerfEvents readPerfPowerEvents(const std::filesystem::path& sysfsRoot, const AttributeReader& reader = readAttribute);

// An external meter's log: one "time,W" line per sample, time in seconds since the Unix epoch
// (so it lines up with the profile's window); a first line that is not numeric is a header;
// blank lines and lines starting with # are skipped. Errors name the file and the line.
struct MeterLog {
    std::vector<PowerSample> samples; // instantaneous watts
    std::string error;
};
MeterLog readMeterCsv(const std::filesystem::path& file);

} // namespace tcw::profile
