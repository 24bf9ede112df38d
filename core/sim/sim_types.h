// What the simulator is asked (SimOptions) and what it answers (SimResult). Both are values;
// the GUI, the search and the CLI read everything they show from a SimResult.
#pragma once

#include "compress/sparse_format.h"
#include "design/sparsity_profile.h"
#include "design/transformer_spec.h"
#include "design/validation.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw {

enum class SimMode : std::uint8_t { Inference, Training };
std::string_view simModeName(SimMode m); // "inference", "training"
std::optional<SimMode> simModeFromName(std::string_view name);

enum class CostModelKind : std::uint8_t {
    Elector,      // the project's analytical model (default); docs/simulator.md
    AcceltranFast // the reference fast mode, quirks included, for comparison with published numbers
};
std::string_view costModelName(CostModelKind k); // "elector", "acceltran-fast"
std::optional<CostModelKind> costModelFromName(std::string_view name);

// Sparsity the accelerator's zero-skipping sees. Scalars, or a measured per-layer profile
// (which then overrides the scalars layer by layer).
struct SparsitySettings {
    double activation = 0.5;
    double weight = 0.5;
    double gradient = 0.9; // activation and weight gradients (the reference's single s_g)
    std::shared_ptr<const SparsityProfile> profile;

    bool operator==(const SparsitySettings& o) const {
        return activation == o.activation && weight == o.weight && gradient == o.gradient &&
               (profile == o.profile || (profile && o.profile && *profile == *o.profile));
    }
    LayerSparsity forLayer(int layer) const; // the profile's entry or the scalars
};

struct SimOptions {
    CostModelKind costModel = CostModelKind::Elector;
    SimMode mode = SimMode::Inference;
    TaskShape task; // sequence length 128, vocabulary 30522, 2 classes
    SparsitySettings sparsity;
    bool powerGating = false;            // elector: idle modules leak nothing
    bool loadFullEmbeddingTable = false; // elector: load all V rows as the reference does
    bool opBreakdown = true;             // fill SimResult::ops (off for fast sweeps)
    // elector: the format pruned weights are stored in (weight_tiles.h); absent: the smallest
    // for each matrix, as `tcw prune` records it.
    std::optional<compress::SparseFormat> weightFormat;

    bool operator==(const SimOptions&) const = default;
};

// Module classes that area, energy and utilisation are reported for.
enum class ModuleClass : std::uint8_t {
    MacLanes,
    Sparsity, // pre- and post-sparsity (zero-skipping) modules
    Fifo,
    StochasticRounding, // training accelerators only
    Softmax,
    LayerNorm,
    Dataflow,
    Dma,
    ActivationBuffer,
    WeightBuffer,
    MaskBuffer,
    MainMemory,
};
inline constexpr int kModuleClassCount = 12;
std::string_view moduleClassName(ModuleClass m); // "mac_lanes", "sparsity", ...

struct EnergyNJ {
    double dynamic = 0;
    double leakage = 0;
    double total() const { return dynamic + leakage; }
    bool operator==(const EnergyNJ&) const = default;
};

enum class Phase : std::uint8_t { Forward, Backward, Update };
inline constexpr int kPhaseCount = 3;
std::string_view phaseName(Phase p); // "forward", "backward", "update"

enum class OpKind : std::uint8_t {
    Load,  // main memory → buffer
    Store, // results written back
    Embedding,
    MatMul,
    Convolution,
    Softmax,
    LayerNorm,
    Nonlinearity,
    Elementwise, // residual adds, scaling, masking
    Transform,   // DFT / DCT mixing
    HeadGroup,   // acceltran-fast: the heads of one layer, overlapped
    Update,      // optimizer step
};
std::string_view opKindName(OpKind k);

enum class Bound : std::uint8_t {
    Compute,
    Memory,
    Buffer
}; // which of compute, main memory, on-chip buffers limits an op
std::string_view boundName(Bound b);

// One row of the per-op breakdown (what the explorer's latency chart and roofline show).
struct OpCost {
    std::string name; // e.g. "L0.h1.sa_sdp.scores"
    OpKind kind = OpKind::MatMul;
    Phase phase = Phase::Forward;
    int layer = -1;          // encoder layer, -1 outside the stack
    std::int64_t cycles = 0; // added to the total latency by this op
    std::int64_t computeCycles = 0;
    std::int64_t memoryCycles = 0; // main-memory transfer time
    std::int64_t bufferCycles = 0; // on-chip buffer transfer time
    Bound bound = Bound::Compute;
    double macs = 0;            // multiply-accumulates performed (before zero-skipping)
    double mainMemoryBytes = 0; // moved to or from main memory
    double bufferBytes = 0;     // moved to or from on-chip buffers
    double dynamicEnergyNJ = 0;

    bool operator==(const OpCost&) const = default;
};

struct SimResult {
    CostModelKind costModel = CostModelKind::Elector;
    SimMode mode = SimMode::Inference;
    bool feasible = true;
    std::vector<std::string> infeasibleReasons; // each names the tensor / tile, its size and the limit
    // The reasons in one line, "; "-separated: how an evaluation stores them.
    std::string infeasibleSummary() const {
        return joinValues(
            infeasibleReasons, [](const std::string& r) { return r; }, "; ");
    }

    std::int64_t cycles = 0;
    double clockMHz = 700;
    double latencySeconds() const { return double(cycles) / (clockMHz * 1e6); }

    std::array<EnergyNJ, kModuleClassCount> energy{};    // by ModuleClass
    std::array<double, kModuleClassCount> areaMM2{};     // by ModuleClass (main memory: 0, off chip)
    std::array<double, kModuleClassCount> utilisation{}; // busy fraction of the run, by ModuleClass
    double peakPowerMW = 0;

    std::array<std::int64_t, kPhaseCount> cyclesByPhase{};
    std::array<double, kPhaseCount> energyByPhaseNJ{}; // dynamic energy

    std::vector<OpCost> ops; // empty when SimOptions::opBreakdown is off

    bool operator==(const SimResult&) const = default;

    EnergyNJ& energyOf(ModuleClass m) { return energy[static_cast<int>(m)]; }
    const EnergyNJ& energyOf(ModuleClass m) const { return energy[static_cast<int>(m)]; }
    double dynamicEnergyNJ() const;
    double leakageEnergyNJ() const;
    double totalEnergyNJ() const { return dynamicEnergyNJ() + leakageEnergyNJ(); }
    double totalAreaMM2() const;
    double averagePowerMW() const; // total energy / latency
};

} // namespace tcw
