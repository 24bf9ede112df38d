// ELECTOR-space accelerator: tiles, PEs × MAC lanes × MACs, softmax units, batch, three
// on-chip buffers and one main memory. A value type: the user's design, not a result.
#pragma once

#include "field_descriptor.h"
#include "validation.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tcw {

struct TechnologyLibrary;

enum class Nonlinearity : std::uint8_t { Relu, Gelu }; // which MAC-lane variant is built
std::string_view nonlinearityName(Nonlinearity n);     // "relu", "gelu"
std::optional<Nonlinearity> nonlinearityFromName(std::string_view name);

enum class MemoryType : std::uint8_t { Rram, Dram, Hbm };
std::string_view memoryTypeName(MemoryType t); // "rram", "dram", "hbm"
std::optional<MemoryType> memoryTypeFromName(std::string_view name);

// Which of the technology table's two main-memory bandwidths applies ("lb" / "hb" in the
// reference configs; TransCODE derives it from the type: DRAM → low, others → high).
enum class BandwidthMode : std::uint8_t { Low, High };
std::string_view bandwidthModeName(BandwidthMode m); // "lb", "hb"
std::optional<BandwidthMode> bandwidthModeFromName(std::string_view name);

struct MainMemorySpec {
    MemoryType type = MemoryType::Dram;
    int banks = 32;
    int ranks = 2;
    int channels = 1;
    BandwidthMode mode = BandwidthMode::Low;

    bool operator==(const MainMemorySpec&) const = default;

    // "dram_32_2_1": the technology table's key.
    std::string key() const;
    static std::optional<MainMemorySpec> fromKey(std::string_view key); // mode from the type
    static BandwidthMode defaultMode(MemoryType t) {
        return t == MemoryType::Dram ? BandwidthMode::Low : BandwidthMode::High;
    }
};

struct AcceleratorSpec {
    std::string name;
    int tileB = 1;  // batch extent of a tile
    int tileX = 16; // row extent of a tile
    int tileY = 16; // column extent of a tile (the reference requires tileX == tileY)
    Nonlinearity nonlinearity = Nonlinearity::Gelu;
    int peCount = 64;     // processing elements
    int lanesPerPe = 16;  // MAC lanes per PE
    int macsPerLane = 16; // multipliers per lane
    int softmaxPerPe = 4; // softmax units per PE
    int batchSize = 4;    // sequences processed together
    double activationBufferMB = 4;
    double weightBufferMB = 8;
    double maskBufferMB = 1;
    MainMemorySpec mainMemory;
    // Compute ops (tiles) the scheduler issues per cycle in each op stream (AccelTran's
    // scheduler.compute_ops.batch_size). 0: derived from the PE count as TransCODE derives it,
    // max(1, ⌊peCount / 4⌋), so a design that never set it follows its PE count.
    int computeOpsPerCycle = 0;

    bool operator==(const AcceleratorSpec&) const = default;

    static constexpr int kMaxComputeOpsPerCycle = 1 << 20;
    // The value the cost model uses: the field, or the derived value when it is 0.
    int effectiveComputeOpsPerCycle() const {
        return computeOpsPerCycle > 0 ? computeOpsPerCycle : derivedComputeOpsPerCycle(peCount);
    }
    static int derivedComputeOpsPerCycle(int peCount) { return peCount / 4 > 1 ? peCount / 4 : 1; }

    std::int64_t laneCount() const { return std::int64_t(peCount) * lanesPerPe; }
    std::int64_t multiplierCount() const { return laneCount() * macsPerLane; }
    std::int64_t softmaxUnitCount() const { return std::int64_t(peCount) * softmaxPerPe; }
};

// The fields of the elector kind, once: workbench JSON order (also the editor's row order),
// with the AccelTran config keys. Adding a field is one row here plus its use in a cost model.
std::span<const FieldDescriptor<AcceleratorSpec>> electorFields();

// Every field within its table bounds (every violation reported), tileB ≤ batch; with a
// technology table also that the lane, softmax and layer-norm variants and the memory key
// exist in it.
ValidationErrors validate(const AcceleratorSpec& spec, const TechnologyLibrary* technology = nullptr);

} // namespace tcw
