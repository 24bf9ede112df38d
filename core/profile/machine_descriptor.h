// The machine a CPU profile belongs to, read from /proc (under a configurable root, so tests
// use a fake tree) and uname: CPU model, logical CPUs, vector ISA flags, hypervisor flag,
// kernel, load average. The runtime fields (oneDNN's version and ISA) are filled by the caller.
#pragma once

#include "device_profile.h"

#include <filesystem>

namespace tcw::profile {

// cpuModel, logicalCpus, isaFlags, hypervisor from <procRoot>/cpuinfo; kernel from uname.
MachineDescriptor describeMachine(const std::filesystem::path& procRoot = "/proc");

// The 1, 5 and 15 minute load averages from <procRoot>/loadavg; nullopt when unreadable.
std::optional<std::array<double, 3>> loadAverage(const std::filesystem::path& procRoot = "/proc");

// The vector-ISA flags a profile records, in this order, when the CPU has them.
const std::vector<std::string>& recordedIsaFlags();

} // namespace tcw::profile
