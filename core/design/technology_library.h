// Per-module area and power, buffer and main-memory energies and bandwidths of one process
// node and clock. The 14 nm / 700 MHz table of the reference simulator ships as
// data/tech/elector-14nm-700mhz.json; users can load their own.
#pragma once

#include "accelerator_spec.h"
#include "validation.h"

#include <string>
#include <vector>

namespace tcw {

struct ModuleCost {
    double areaUM2 = 0;        // µm² per instance
    double dynamicPowerMW = 0; // mW while active
    double leakagePowerMW = 0; // mW while powered

    bool operator==(const ModuleCost&) const = default;
};

struct MacLaneVariant {
    int macsPerLane = 16;
    Nonlinearity nonlinearity = Nonlinearity::Gelu;
    ModuleCost cost; // one lane: its MACs and its nonlinearity unit

    bool operator==(const MacLaneVariant&) const = default;
};

struct TileVariant {
    int tileX = 16;
    ModuleCost cost; // one unit built for tiles of this width

    bool operator==(const TileVariant&) const = default;
};

struct BufferTechnology {
    double areaUM2PerMB = 0;
    double leakagePowerMWPerMB = 0;
    double blockEnergyNJ = 0;         // per access of one block, for a 1 MB buffer; scales with √MB
    int blockElements = 64;           // elements per access block
    double bandwidthBitsPerCycle = 0; // bits moved per clock cycle

    bool operator==(const BufferTechnology&) const = default;
};

struct MainMemoryTechnology {
    MemoryType type = MemoryType::Dram;
    int banks = 0, ranks = 0, channels = 0;
    double blockEnergyNJ = 0; // per access of one block of blockElements

    bool operator==(const MainMemoryTechnology&) const = default;
    std::string key() const;
};

// The clock range validate() accepts, in MHz: from 1 MHz to 100 GHz.
inline constexpr double kMinClockMHz = 1.0;
inline constexpr double kMaxClockMHz = 100'000.0;

struct TechnologyLibrary {
    std::string name;
    double clockMHz = 700;
    int integerBits = 4; // fixed-point format of every stored value
    int fractionBits = 16;

    std::vector<MacLaneVariant> macLanes;
    ModuleCost stochasticRounding;      // per lane, built only for training accelerators
    ModuleCost preSparsity;             // per lane: zero detection before the MACs
    ModuleCost postSparsity;            // per lane: zero detection after the MACs
    ModuleCost fifo;                    // per lane
    ModuleCost dataflow;                // per PE
    ModuleCost dma;                     // per PE
    std::vector<TileVariant> softmax;   // per softmax unit
    std::vector<TileVariant> layerNorm; // per PE (one unit each)

    BufferTechnology activationBuffer;
    BufferTechnology weightBuffer;
    BufferTechnology maskBuffer;

    std::vector<MainMemoryTechnology> mainMemories;
    int mainMemoryBlockElements = 64;
    double mainMemoryLowBandwidthBitsPerCycle = 0;  // "lb"
    double mainMemoryHighBandwidthBitsPerCycle = 0; // "hb"

    bool operator==(const TechnologyLibrary&) const = default;

    int bitsPerValue() const { return integerBits + fractionBits; }
    const MacLaneVariant* macLane(int macsPerLane, Nonlinearity nl) const;
    const TileVariant* softmaxFor(int tileX) const;
    const TileVariant* layerNormFor(int tileX) const;
    const MainMemoryTechnology* mainMemory(const MainMemorySpec& spec) const;
    double mainMemoryBandwidthBitsPerCycle(BandwidthMode mode) const {
        return mode == BandwidthMode::Low ? mainMemoryLowBandwidthBitsPerCycle : mainMemoryHighBandwidthBitsPerCycle;
    }
};

ValidationErrors validate(const TechnologyLibrary& tech);

} // namespace tcw

namespace tcw {
// The reference simulator's 14 nm / 700 MHz table (docs/acceltran-fast.md §6), built in so the
// library works without data files. data/tech/elector-14nm-700mhz.json holds the same
// numbers (a test keeps them equal).
TechnologyLibrary electorTechnology14nm();
} // namespace tcw
