// The elector cost model's stages as pure functions (docs/simulator.md): feasibility, the
// accelerator's derived rates, the residency plan, the per-op cost with its wave choice and
// the run's totals. ElectorModel::evaluate chains them; nothing here allocates on the hot path.
#pragma once

#include "design/accelerator_spec.h"
#include "design/technology_library.h"
#include "sim_types.h"
#include "workload.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tcw {
namespace elector {

inline constexpr double kBitsPerMB = 1024.0 * 1024.0 * 8.0;

// Per-op values that do not depend on the accelerator, precomputed once per model.
struct OpConstants {
    double density = 1; // fraction of MACs the lanes cannot skip
    double bitsA = 0, bitsB = 0, bitsOut = 0;
    double weightReadBits = 0;           // per op, before the reload fraction
    double fixedMainMemoryBits = 0;      // dW written, optimizer traffic
    double liveBitsPerSequence = 0;      // transient activations + gradients live during the op
    double embeddingBitsPerRow = 0;      // bits of one embedding row (a token's, or a patch)
    double embeddingFixedBitsPerRow = 0; // bits of one learned-position row (issue 15: always native)
    double updateBitsPerRow = 0;         // lazy update traffic of one embedding row
    // Issue 15: the precision width of operands A and B (their role's bits before compression;
    // the native width for unquantized tensors) and whether the op is all native width (then
    // every formula is the one of the model before precision existed, bit for bit).
    double widthA = 20, widthB = 20;
    bool nativeWidths = true;
};

// ---- Stage 1: feasibility (§6). The technology-table variants an accelerator is built from;
// null members mean it cannot be built.
struct BuiltFrom {
    const MacLaneVariant* lane = nullptr;
    const TileVariant* softmax = nullptr;
    const TileVariant* layerNorm = nullptr;
    const MainMemoryTechnology* memory = nullptr;
};
struct Feasibility {
    bool buildable = false;    // every variant exists and every count is positive
    bool runsTheModel = false; // buildable, and its lanes implement the model's non-linearity
    BuiltFrom parts;
};
Feasibility checkFeasibility(const AcceleratorSpec& accelerator, const TechnologyLibrary& technology,
                             Activation modelActivation);

// What the accelerator offers, derived once per evaluation: counts, bandwidths (bits per
// cycle), capacities (bits), energies per bit moved (nJ) and per-lane powers (mW).
struct Machine {
    std::int64_t batch = 1, tileB = 1, tileX = 1, tileY = 1; // B, tb, tx, ty
    std::int64_t macsPerLane = 1, peCount = 1, lanesPerPe = 1;
    std::int64_t lanes = 1, softmaxUnits = 1, normUnits = 1; // N_lane, N_sm, N_ln
    std::int64_t computeOpsPerCycle = 1;                     // n: tiles the scheduler issues per cycle per stream
    double clockMHz = 700;
    double bitsPerValue = 20;
    double mainBandwidth = 1, actBandwidth = 1, weightBandwidth = 1;
    double activationBufferMB = 0, weightBufferMB = 0, maskBufferMB = 0;
    double actCapacity = 0, weightCapacity = 0, maskCapacity = 0; // bits
    double actEnergyPerBit = 0, weightEnergyPerBit = 0, maskEnergyPerBit = 0, mainEnergyPerBit = 0;
    double laneDyn = 0, sparsityDyn = 0, fifoDyn = 0, roundingDyn = 0; // per working lane
    double softmaxDyn = 0, normDyn = 0, dataflowDyn = 0, dmaDyn = 0;   // per working unit / PE
};
Machine machineOf(const AcceleratorSpec& accelerator, const TechnologyLibrary& technology, const BuiltFrom& parts,
                  double bitsPerValue, SimMode mode);

// ---- Stage 2: residency (§4). Saved activations keep what the transient working set leaves
// free and weights stay in the weight buffer, both last layers first (LIFO); the rest spills.
struct ResidencyPlan {
    static constexpr int kInlineLayers = 256; // beyond this the plan allocates
    std::array<double, kInlineLayers> savedSpillInline{};
    std::array<double, kInlineLayers> weightReloadInline{};
    std::vector<double> savedSpillHeap, weightReloadHeap;
    int layers = 0;

    double savedSpillBits(int layer) const;       // saved activations of `layer` written and read back
    double weightReloadFraction(int layer) const; // share of `layer`'s weights loaded again (0…1)
};
ResidencyPlan planResidency(const std::vector<OpConstants>& constants,
                            const std::vector<double>& savedBitsPerSequence, // per layer
                            const std::vector<double>& layerWeightBits,      // per layer
                            const Machine& machine, bool training);

// ---- Stage 3: one op's cost. Its work as a function of the wave size L (how many tiles run
// at once), the wave the scheduler picks, and the op's cycles, traffic and energy.
struct OpWork {
    std::int64_t computeCycles = 0;
    double busy = 0;                            // unit-cycles of work (tiles × tile time)
    double readA = 0, readB = 0, written = 0;   // buffer bits
    double waveActBits = 0, waveWeightBits = 0; // distinct data one wave holds
    double waveMaskBits = 0;                    // their zero masks: a bit per stored element (issue 15)
    double macs = 0;
};
// Cycles one tile of the op holds its unit (t in §3.2–3.4).
std::int64_t tileCycles(const WorkOp& op, const OpConstants& c, const Machine& machine);
// Cycles the scheduler needs to issue `tiles` of the op, n per cycle in each of its streams
// (identical heads are streams of their own): ⌈tiles / (n · multiplicity)⌉ (§3.5). An op's
// compute cycles are at least this.
std::int64_t issueCycles(std::int64_t tiles, const WorkOp& op, const Machine& machine);
// Elements of the lazily updated embedding rows an update op adds (0 for other ops).
std::int64_t extraUpdateElements(const WorkOp& op, const Machine& machine, bool fullEmbeddingTable);
OpWork opWork(const WorkOp& op, const OpConstants& c, const Machine& machine, std::int64_t extraElements,
              std::int64_t waveTiles, bool workingSetOnly);

struct WaveChoice {
    OpWork work;
    std::int64_t waveTiles = 1;
    bool doubleBuffered = false; // two waves' operands fit each buffer: memory overlaps compute
    bool tileFits = true;        // one wave of one tile fits the buffers at all
};
// The largest wave up to the op's units that double-buffers, else one tile at a time.
WaveChoice chooseWave(const WorkOp& op, const OpConstants& c, const Machine& machine, std::int64_t extraElements);

struct OpEstimate {
    WaveChoice wave;
    std::int64_t memoryCycles = 0, bufferCycles = 0, cycles = 0;
    double mainBits = 0, toActBuffer = 0, toWeightBuffer = 0, maskBits = 0;
    double energyLanes = 0, energySoftmax = 0, energyNorm = 0, energyDataflow = 0, energyDma = 0;
    double energyBuffers = 0, energyMain = 0;
    double peBusy = 0; // PE-cycles the dataflow modules work
    Unit unit = Unit::MacLanes;

    double dynamicEnergyNJ() const {
        return energyLanes + energySoftmax + energyNorm + energyDataflow + energyDma + energyBuffers + energyMain;
    }
};
OpEstimate estimateOp(const WorkOp& op, const OpConstants& c, const Machine& machine, const ResidencyPlan& plan,
                      const SimOptions& options);
// Why an op whose single tile does not fit is infeasible, naming the buffer and both sizes.
std::string tileDoesNotFitReason(const WorkOp& op, const OpConstants& constants, const OpWork& oneTile,
                                 const Machine& machine);

// An exposed spill (a write and a read back, or one of them) of `bits` through main memory.
struct SpillEstimate {
    std::int64_t cycles = 0;
    double bits = 0;
    double energyNJ = 0;
};
SpillEstimate estimateSpill(double bits, const Machine& machine);

// ---- Stage 4: totals (§5). Sums over the op walk, then energy, leakage, power, utilisation.
struct RunTotals {
    double laneBusy = 0, softmaxBusy = 0, normBusy = 0, mainBusy = 0, peBusy = 0;
    double softmaxEnergy = 0, normEnergy = 0, dataflowEnergy = 0, dmaEnergy = 0;
    double actBufferBits = 0, weightBufferBits = 0, maskBits = 0, mainBits = 0;
    double peakDynamicPowerMW = 0;
    std::int64_t cycles = 0;
    std::array<std::int64_t, 3> cyclesByPhase{};
    std::array<double, 3> energyByPhaseNJ{};
};
// Accumulators are updated in place: the walk adds one op at a time to one running total.
void addOp(RunTotals& totals, const OpEstimate& op, Phase phase, double clockMHz);
void addSpill(RunTotals& totals, const SpillEstimate& spill, Phase phase);
// Writes cycles, per-module energy, leakage, peak power and utilisation into `result`.
void writeTotals(const RunTotals& totals, const Machine& machine, const BuiltFrom& parts,
                 const TechnologyLibrary& technology, bool training, bool powerGating, SimResult& result);

} // namespace elector
} // namespace tcw
