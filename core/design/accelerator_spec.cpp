// ELECTOR accelerator value type: names, memory keys and structural validation.
#include "accelerator_spec.h"

#include "technology_library.h"

#include <charconv>
#include <cmath>
#include <type_traits>
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

namespace {

constexpr FieldChoice kNonlinearityChoices[] = {{"relu", "ReLU"}, {"gelu", "GELU"}}; // Nonlinearity order
constexpr FieldChoice kMemoryTypeChoices[] = {{"rram", "RRAM"}, {"dram", "DRAM"}, {"hbm", "HBM"}};
constexpr FieldChoice kBandwidthChoices[] = {{"lb", "Low bandwidth (lb)"}, {"hb", "High bandwidth (hb)"}};

// Accessors of an int member and of an enum member (held as its index).
template <auto Member> double getInt(const AcceleratorSpec& a) {
    return a.*Member;
}
template <auto Member> void setInt(AcceleratorSpec& a, double v) {
    a.*Member = int(std::lround(v));
}
template <auto Member> double getReal(const AcceleratorSpec& a) {
    return a.*Member;
}
template <auto Member> void setReal(AcceleratorSpec& a, double v) {
    a.*Member = v;
}
template <auto Member> double getMemory(const AcceleratorSpec& a) {
    return double(a.mainMemory.*Member);
}
template <auto Member> void setMemory(AcceleratorSpec& a, double v) {
    using T = std::remove_reference_t<decltype(a.mainMemory.*Member)>;
    a.mainMemory.*Member = T(std::lround(v));
}

// Bounds: tiles and lanes as the technology tables' largest variants allow with headroom, at
// most 2^16 PEs; the largest product the cost models form from them (PEs × lanes × MACs,
// tile b × x × y², buffers in bytes) stays far below 2^53, so it is exact in double and int64.
constexpr FieldDescriptor<AcceleratorSpec> kElectorFields[] = {
    {{"tile.tileB",
      "tile.tile_b",
      10,
      "Tile b",
      "",
      FieldType::Integer,
      1,
      64,
      {},
      "Batch extent of a tile: sequences one tile covers (at most the batch size)",
      "Tiles"},
     getInt<&AcceleratorSpec::tileB>,
     setInt<&AcceleratorSpec::tileB>},
    {{"tile.tileX",
      "tile.tile_x",
      11,
      "Tile x",
      "",
      FieldType::Integer,
      1,
      256,
      {},
      "Row extent of a tile; the technology table has softmax and layer-norm units for certain widths",
      "Tiles"},
     getInt<&AcceleratorSpec::tileX>,
     setInt<&AcceleratorSpec::tileX>},
    {{"tile.tileY",
      "tile.tile_y",
      12,
      "Tile y",
      "",
      FieldType::Integer,
      1,
      256,
      {},
      "Column extent of a tile (the reference simulator requires tile y = tile x; a file without it "
      "takes tile x)",
      "Tiles"},
     getInt<&AcceleratorSpec::tileY>,
     setInt<&AcceleratorSpec::tileY>,
     [](AcceleratorSpec& a) { a.tileY = a.tileX; }},
    {{"nonlinearity", "non_linearity", 20, "Nonlinearity", "", FieldType::Choice, 0, 0, kNonlinearityChoices,
      "The nonlinearity unit built into each MAC lane", "Compute"},
     [](const AcceleratorSpec& a) { return double(a.nonlinearity); },
     [](AcceleratorSpec& a, double v) { a.nonlinearity = Nonlinearity(std::lround(v)); }},
    {{"peCount",
      "pe",
      30,
      "PEs",
      "",
      FieldType::Integer,
      1,
      65536,
      {},
      "Processing elements, each with MAC lanes, softmax units, a layer-norm unit, a dataflow module and a DMA",
      "Compute"},
     getInt<&AcceleratorSpec::peCount>,
     setInt<&AcceleratorSpec::peCount>},
    {{"lanesPerPe",
      "lanes_per_pe",
      40,
      "MAC lanes per PE",
      "",
      FieldType::Integer,
      1,
      1024,
      {},
      "Lanes per PE; a tile runs on one lane",
      "Compute"},
     getInt<&AcceleratorSpec::lanesPerPe>,
     setInt<&AcceleratorSpec::lanesPerPe>},
    {{"macsPerLane",
      "mac_per_lane",
      50,
      "MACs per lane",
      "",
      FieldType::Integer,
      1,
      64,
      {},
      "Multipliers per lane (the reference technology table has lanes of 1 and 16)",
      "Compute"},
     getInt<&AcceleratorSpec::macsPerLane>,
     setInt<&AcceleratorSpec::macsPerLane>},
    {{"softmaxPerPe",
      "softmax_per_pe",
      60,
      "Softmax units per PE",
      "",
      FieldType::Integer,
      1,
      256,
      {},
      "Softmax units in each PE",
      "Compute"},
     getInt<&AcceleratorSpec::softmaxPerPe>,
     setInt<&AcceleratorSpec::softmaxPerPe>},
    {{"batchSize",
      "batch_size",
      70,
      "Batch size",
      "",
      FieldType::Integer,
      1,
      1024,
      {},
      "Sequences processed together",
      "Batch"},
     getInt<&AcceleratorSpec::batchSize>,
     setInt<&AcceleratorSpec::batchSize>},
    {{"activationBufferMB",
      "activation_buffer_size",
      80,
      "Activation buffer",
      "MB",
      FieldType::Real,
      0.0625,
      4096,
      {},
      "On-chip activation buffer capacity",
      "Buffers"},
     getReal<&AcceleratorSpec::activationBufferMB>,
     setReal<&AcceleratorSpec::activationBufferMB>},
    {{"weightBufferMB",
      "weight_buffer_size",
      90,
      "Weight buffer",
      "MB",
      FieldType::Real,
      0.0625,
      4096,
      {},
      "On-chip weight buffer capacity",
      "Buffers"},
     getReal<&AcceleratorSpec::weightBufferMB>,
     setReal<&AcceleratorSpec::weightBufferMB>},
    {{"maskBufferMB",
      "mask_buffer_size",
      100,
      "Mask buffer",
      "MB",
      FieldType::Real,
      0.0625,
      4096,
      {},
      "On-chip buffer for the zero masks of compressed tensors",
      "Buffers"},
     getReal<&AcceleratorSpec::maskBufferMB>,
     setReal<&AcceleratorSpec::maskBufferMB>},
    {{"mainMemory.type", "main_memory.type", 120, "Type", "", FieldType::Choice, 0, 0, kMemoryTypeChoices,
      "Main-memory technology", "Main memory"},
     getMemory<&MainMemorySpec::type>,
     setMemory<&MainMemorySpec::type>},
    {{"mainMemory.banks",
      "main_memory.banks",
      122,
      "Banks",
      "",
      FieldType::Integer,
      1,
      64,
      {},
      "Main-memory banks (the technology table knows certain combinations)",
      "Main memory"},
     getMemory<&MainMemorySpec::banks>,
     setMemory<&MainMemorySpec::banks>},
    {{"mainMemory.ranks",
      "main_memory.ranks",
      123,
      "Ranks",
      "",
      FieldType::Integer,
      1,
      64,
      {},
      "Main-memory ranks",
      "Main memory"},
     getMemory<&MainMemorySpec::ranks>,
     setMemory<&MainMemorySpec::ranks>},
    {{"mainMemory.channels",
      "main_memory.channels",
      124,
      "Channels",
      "",
      FieldType::Integer,
      1,
      64,
      {},
      "Main-memory channels",
      "Main memory"},
     getMemory<&MainMemorySpec::channels>,
     setMemory<&MainMemorySpec::channels>},
    {{"mainMemory.mode", "main_memory.mode", 121, "Bandwidth", "", FieldType::Choice, 0, 0, kBandwidthChoices,
      "Which of the technology table's two main-memory bandwidths applies (a file without it takes low for "
      "DRAM, high otherwise)",
      "Main memory"},
     getMemory<&MainMemorySpec::mode>,
     setMemory<&MainMemorySpec::mode>,
     [](AcceleratorSpec& a) { a.mainMemory.mode = MainMemorySpec::defaultMode(a.mainMemory.type); }},
    // The reference states the effective batch in its scheduler section
    // (scheduler.compute_ops.batch_size), which the AccelTran codec maps to and from this field
    // (0 here means the value TransCODE derives); hence no reference key in this row.
    {{"computeOpsPerCycle",
      "",
      0,
      "Compute ops per cycle",
      "ops/cycle",
      FieldType::Integer,
      0,
      AcceleratorSpec::kMaxComputeOpsPerCycle,
      {},
      "Compute ops (tiles) the scheduler issues per cycle in each op stream (AccelTran's "
      "scheduler.compute_ops.batch_size); fewer leave lanes idle. 0 derives max(1, PEs / 4) as TransCODE does",
      "Scheduler",
      "derived (PEs / 4)"},
     getInt<&AcceleratorSpec::computeOpsPerCycle>,
     setInt<&AcceleratorSpec::computeOpsPerCycle>,
     [](AcceleratorSpec& a) { a.computeOpsPerCycle = 0; },
     true},
};

} // namespace

std::span<const FieldDescriptor<AcceleratorSpec>> electorFields() {
    return kElectorFields;
}

ValidationErrors validate(const AcceleratorSpec& a, const TechnologyLibrary* tech) {
    ValidationErrors errors = validateFields(electorFields(), a);
    if (a.tileB >= 1 && a.batchSize >= 1 && a.tileB > a.batchSize)
        errors.push_back({"tile.tileB", "must not exceed batchSize (" + std::to_string(a.batchSize) + "), got " +
                                            std::to_string(a.tileB)});
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
