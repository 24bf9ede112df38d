// ELECTOR accelerator value type: names, memory keys and structural validation.
#include "accelerator_spec.h"

#include "technology_library.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace tcw {

std::string_view nonlinearityName(Nonlinearity n) {
    return n == Nonlinearity::Gelu ? "gelu" : "relu";
}

std::optional<Nonlinearity> nonlinearityFromName(std::string_view name) {
    if (name == "gelu")
        return Nonlinearity::Gelu;
    if (name == "relu")
        return Nonlinearity::Relu;
    return std::nullopt;
}

std::string_view memoryTypeName(MemoryType t) {
    switch (t) {
    case MemoryType::Rram:
        return "rram";
    case MemoryType::Dram:
        return "dram";
    case MemoryType::Hbm:
        return "hbm";
    }
    return "";
}

std::optional<MemoryType> memoryTypeFromName(std::string_view name) {
    if (name == "rram")
        return MemoryType::Rram;
    if (name == "dram")
        return MemoryType::Dram;
    if (name == "hbm")
        return MemoryType::Hbm;
    return std::nullopt;
}

std::string_view bandwidthModeName(BandwidthMode m) {
    return m == BandwidthMode::Low ? "lb" : "hb";
}

std::optional<BandwidthMode> bandwidthModeFromName(std::string_view name) {
    if (name == "lb")
        return BandwidthMode::Low;
    if (name == "hb")
        return BandwidthMode::High;
    return std::nullopt;
}

std::string MainMemorySpec::key() const {
    return std::string(memoryTypeName(type)) + "_" + std::to_string(banks) + "_" + std::to_string(ranks) + "_" +
           std::to_string(channels);
}

std::optional<MainMemorySpec> MainMemorySpec::fromKey(std::string_view key) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = key.find('_', start);
        parts.push_back(key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    if (parts.size() != 4)
        return std::nullopt;
    const auto type = memoryTypeFromName(parts[0]);
    if (!type)
        return std::nullopt;
    int numbers[3] = {};
    for (int i = 0; i < 3; ++i) {
        auto [ptr, ec] = std::from_chars(parts[i + 1].data(), parts[i + 1].data() + parts[i + 1].size(), numbers[i]);
        if (ec != std::errc() || ptr != parts[i + 1].data() + parts[i + 1].size() || numbers[i] <= 0)
            return std::nullopt;
    }
    return MainMemorySpec{*type, numbers[0], numbers[1], numbers[2], defaultMode(*type)};
}

ValidationErrors validate(const AcceleratorSpec& a, const TechnologyLibrary* tech) {
    ValidationErrors errors;
    auto positive = [&](const char* field, long long value, long long max) {
        if (value < 1 || value > max)
            errors.push_back(
                {field, "must be a whole number from 1 to " + std::to_string(max) + ", got " + std::to_string(value)});
    };
    positive("tile.tileB", a.tileB, 4096);
    positive("tile.tileX", a.tileX, 4096);
    positive("tile.tileY", a.tileY, 4096);
    positive("peCount", a.peCount, 1 << 20);
    positive("lanesPerPe", a.lanesPerPe, 1 << 16);
    positive("macsPerLane", a.macsPerLane, 1 << 16);
    positive("softmaxPerPe", a.softmaxPerPe, 1 << 16);
    positive("batchSize", a.batchSize, 1 << 16);
    if (a.computeOpsPerCycle < 0 || a.computeOpsPerCycle > AcceleratorSpec::kMaxComputeOpsPerCycle)
        errors.push_back({"computeOpsPerCycle", "must be a whole number from 1 to " +
                                                    std::to_string(AcceleratorSpec::kMaxComputeOpsPerCycle) +
                                                    ", or 0 to derive it from peCount (max(1, peCount / 4)), got " +
                                                    std::to_string(a.computeOpsPerCycle)});
    if (a.tileB >= 1 && a.batchSize >= 1 && a.tileB > a.batchSize)
        errors.push_back({"tile.tileB", "must not exceed batchSize (" + std::to_string(a.batchSize) + "), got " +
                                            std::to_string(a.tileB)});
    auto buffer = [&](const char* field, double mb) {
        if (!(mb > 0) || !std::isfinite(mb) || mb > 1 << 20)
            errors.push_back({field, "must be a size in MB above 0 and at most 1048576, got " + std::to_string(mb)});
    };
    buffer("activationBufferMB", a.activationBufferMB);
    buffer("weightBufferMB", a.weightBufferMB);
    buffer("maskBufferMB", a.maskBufferMB);
    if (a.mainMemory.banks < 1 || a.mainMemory.ranks < 1 || a.mainMemory.channels < 1)
        errors.push_back({"mainMemory", "banks, ranks and channels must be at least 1"});
    if (tech) {
        if (!tech->macLane(a.macsPerLane, a.nonlinearity)) {
            std::string allowed = joinValues(tech->macLanes, [](const MacLaneVariant& v) {
                return std::to_string(v.macsPerLane) + "/" + std::string(nonlinearityName(v.nonlinearity));
            });
            errors.push_back({"macsPerLane", "the technology table '" + tech->name + "' has no lane with " +
                                                 std::to_string(a.macsPerLane) + " MACs and " +
                                                 std::string(nonlinearityName(a.nonlinearity)) +
                                                 "; it has (MACs/nonlinearity): " + allowed});
        }
        auto tiles = [](const std::vector<TileVariant>& v) {
            return joinValues(v, [](const TileVariant& t) { return std::to_string(t.tileX); });
        };
        if (!tech->softmaxFor(a.tileX) || !tech->layerNormFor(a.tileX))
            errors.push_back({"tile.tileX", "the technology table '" + tech->name +
                                                "' has softmax and layer-norm units for tile widths " +
                                                tiles(tech->softmax) + " only, got " + std::to_string(a.tileX)});
        if (!tech->mainMemory(a.mainMemory))
            errors.push_back(
                {"mainMemory",
                 "'" + a.mainMemory.key() + "' is not in the technology table '" + tech->name + "'; it has " +
                     joinValues(tech->mainMemories, [](const MainMemoryTechnology& m) { return m.key(); })});
    }
    return errors;
}

} // namespace tcw
