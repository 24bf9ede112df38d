// The elector cost model. Equations and assumptions: docs/simulator.md (section numbers in
// comments refer to it). All cycle counts are integers; energies are nJ (mW × µs).
#include "elector_model.h"

#include "design/sparsity_bits.h"

#include "area_model.h"
#include "pe_load.h"
#include "precision_bits.h"
#include "weight_tiles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tcw {

namespace elector {
namespace {

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

// Bits of one stored element with sparsity s: compressed (non-zeros + a 1-bit mask) when
// that is smaller than dense storage (§3.1). Never increases with s.
double storedBits(double bits, double sparsity) {
    return std::min(bits, (1.0 - sparsity) * bits + 1.0);
}

std::string megabytes(double bits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g MB", bits / kBitsPerMB);
    return text;
}

} // namespace

// ---------------------------------------------------------------- stage 1: feasibility (§6)

Feasibility checkFeasibility(const AcceleratorSpec& a, const TechnologyLibrary& t, Activation modelActivation) {
    Feasibility f;
    f.parts.lane = t.macLane(a.macsPerLane, a.nonlinearity);
    f.parts.softmax = t.softmaxFor(a.tileX);
    f.parts.layerNorm = t.layerNormFor(a.tileX);
    f.parts.memory = t.mainMemory(a.mainMemory);
    f.buildable = f.parts.lane && f.parts.softmax && f.parts.layerNorm && f.parts.memory && a.tileB >= 1 &&
                  a.tileX >= 1 && a.tileY >= 1 && a.peCount >= 1 && a.lanesPerPe >= 1 && a.macsPerLane >= 1 &&
                  a.softmaxPerPe >= 1 && a.batchSize >= 1;
    f.runsTheModel = f.buildable && !(modelActivation == Activation::Gelu && a.nonlinearity == Nonlinearity::Relu);
    return f;
}

Machine machineOf(const AcceleratorSpec& a, const TechnologyLibrary& t, const BuiltFrom& parts, double bitsPerValue,
                  SimMode mode) {
    Machine m;
    m.batch = a.batchSize;
    m.tileB = a.tileB;
    m.tileX = a.tileX;
    m.tileY = a.tileY;
    m.macsPerLane = a.macsPerLane;
    m.peCount = a.peCount;
    m.lanesPerPe = a.lanesPerPe;
    m.lanes = std::int64_t(a.peCount) * a.lanesPerPe;
    m.softmaxUnits = std::int64_t(a.peCount) * a.softmaxPerPe;
    m.normUnits = a.peCount;
    m.computeOpsPerCycle = a.effectiveComputeOpsPerCycle();
    m.clockMHz = t.clockMHz;
    const double bits = bitsPerValue;
    m.bitsPerValue = bits;
    m.mainBandwidth = t.mainMemoryBandwidthBitsPerCycle(a.mainMemory.mode);
    m.actBandwidth = t.activationBuffer.bandwidthBitsPerCycle;
    m.weightBandwidth = t.weightBuffer.bandwidthBitsPerCycle;
    m.activationBufferMB = a.activationBufferMB;
    m.weightBufferMB = a.weightBufferMB;
    m.maskBufferMB = a.maskBufferMB;
    m.actCapacity = a.activationBufferMB * kBitsPerMB;
    m.weightCapacity = a.weightBufferMB * kBitsPerMB;
    m.maskCapacity = a.maskBufferMB * kBitsPerMB;
    // Energy per bit moved (§5.2): per 64-element block, buffers scale with √MB.
    m.actEnergyPerBit =
        t.activationBuffer.blockEnergyNJ * std::sqrt(a.activationBufferMB) / (bits * t.activationBuffer.blockElements);
    m.weightEnergyPerBit =
        t.weightBuffer.blockEnergyNJ * std::sqrt(a.weightBufferMB) / (bits * t.weightBuffer.blockElements);
    m.maskEnergyPerBit = t.maskBuffer.blockEnergyNJ * std::sqrt(a.maskBufferMB) / (bits * t.maskBuffer.blockElements);
    m.mainEnergyPerBit = parts.memory->blockEnergyNJ / (bits * t.mainMemoryBlockElements);
    // Per-lane powers of everything that works while a lane works (§5.1).
    m.laneDyn = parts.lane->cost.dynamicPowerMW;
    m.sparsityDyn = t.preSparsity.dynamicPowerMW + t.postSparsity.dynamicPowerMW;
    m.fifoDyn = t.fifo.dynamicPowerMW;
    m.roundingDyn = mode == SimMode::Training ? t.stochasticRounding.dynamicPowerMW : 0.0;
    m.softmaxDyn = parts.softmax->cost.dynamicPowerMW;
    m.normDyn = parts.layerNorm->cost.dynamicPowerMW;
    m.dataflowDyn = t.dataflow.dynamicPowerMW;
    m.dmaDyn = t.dma.dynamicPowerMW;
    return m;
}

// ---------------------------------------------------------------- stage 2: residency (§4)

double ResidencyPlan::savedSpillBits(int layer) const {
    return layers > kInlineLayers ? savedSpillHeap[std::size_t(layer)] : savedSpillInline[std::size_t(layer)];
}

double ResidencyPlan::weightReloadFraction(int layer) const {
    return layers > kInlineLayers ? weightReloadHeap[std::size_t(layer)] : weightReloadInline[std::size_t(layer)];
}

ResidencyPlan planResidency(const std::vector<OpConstants>& constants, const std::vector<double>& savedBitsPerSequence,
                            const std::vector<double>& layerWeightBits, const Machine& m, bool training) {
    ResidencyPlan plan;
    plan.layers = static_cast<int>(savedBitsPerSequence.size());
    double* savedSpill = plan.savedSpillInline.data();
    double* reload = plan.weightReloadInline.data();
    if (plan.layers > ResidencyPlan::kInlineLayers) {
        plan.savedSpillHeap.assign(std::size_t(plan.layers), 0.0);
        plan.weightReloadHeap.assign(std::size_t(plan.layers), 0.0);
        savedSpill = plan.savedSpillHeap.data();
        reload = plan.weightReloadHeap.data();
    }
    if (!training)
        return plan;
    const double B = double(m.batch);
    double peakTransientBits = 0;
    for (const auto& c : constants)
        peakTransientBits = std::max(peakTransientBits, c.liveBitsPerSequence * B);
    // Saved activations keep what the transient working set leaves free; the last layers'
    // (needed first by the backward pass) stay, the first layers' go to main memory.
    double free = std::max(0.0, m.actCapacity - peakTransientBits);
    double weightsFree = m.weightCapacity;
    for (int l = plan.layers - 1; l >= 0; --l) {
        const double saved = savedBitsPerSequence[std::size_t(l)] * B;
        const double kept = std::min(saved, free);
        free -= kept;
        savedSpill[l] = saved - kept;
        const double w = layerWeightBits[std::size_t(l)];
        const double keptW = std::min(w, weightsFree);
        weightsFree -= keptW;
        reload[l] = w > 0 ? (w - keptW) / w : 0.0;
    }
    return plan;
}

// ---------------------------------------------------------------- stage 3: one op (§3, §4)

std::int64_t extraUpdateElements(const WorkOp& op, const Machine& m, bool fullEmbeddingTable) {
    if (op.kind != OpKind::Update || op.embeddingWidth <= 0)
        return 0;
    const double rowsUsed =
        fullEmbeddingTable ? op.embeddingVocabularyRows
                           : std::min(op.embeddingTokenRowsPerSequence * double(m.batch), op.embeddingVocabularyRows);
    return static_cast<std::int64_t>(rowsUsed * op.embeddingWidth);
}

std::int64_t tileCycles(const WorkOp& op, const OpConstants& c, const Machine& m) {
    const std::int64_t tb = m.tileB, tx = m.tileX, ty = m.tileY;
    if (op.kind == OpKind::MatMul || op.kind == OpKind::Transform) {
        // §3.2: tb·tx·ty·ty MACs on one lane of Mc multipliers, skipping the streamed zeros.
        const double tileMacs = double(tb * tx * ty * ty);
        return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(tileMacs * c.density / m.macsPerLane)));
    }
    if (op.unit == Unit::Softmax || op.unit == Unit::LayerNorm)
        return op.k * tb * ty; // §3.3: k passes over tb·tx rows of ty elements
    // §3.4: tb·tx·ty elements, k operations each, Mc per cycle.
    const std::int64_t tileElements = tb * tx * ty;
    return std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(double(tileElements * op.k) * c.density / m.macsPerLane)));
}

std::int64_t issueCycles(std::int64_t tiles, const WorkOp& op, const Machine& m) {
    return ceilDiv(tiles, m.computeOpsPerCycle * std::int64_t(op.multiplicity));
}

OpWork opWork(const WorkOp& op, const OpConstants& c, const Machine& m, std::int64_t extraElements, std::int64_t L,
              bool workingSetOnly) {
    OpWork w;
    const std::int64_t B = m.batch, tb = m.tileB, tx = m.tileX, ty = m.tileY;
    const std::int64_t mult = op.multiplicity;
    const std::int64_t b = op.batchFixed ? op.batchPerSequence : op.batchPerSequence * B;
    const bool isMatMul = op.kind == OpKind::MatMul || op.kind == OpKind::Transform;
    const Unit unit = isMatMul ? Unit::MacLanes : op.unit;
    if (isMatMul) {
        // §3.2 (b, m, k) × (b, k, n): output tiles tb × tx × ty, contraction in slices of ty;
        // each tile runs on one lane, zero-skipping the streamed operand.
        const std::int64_t k = op.contractsOverBatch ? op.k * B : op.k;
        const std::int64_t bt = ceilDiv(b, tb), mt = ceilDiv(op.m, tx), nt = ceilDiv(op.n, ty), kt = ceilDiv(k, ty);
        const bool aBatched = op.a.batched && !op.batchFixed, bBatched = op.b.batched && !op.batchFixed;
        const double aBlock = double((aBatched ? tb : 1) * tx * ty);
        const double bBlock = double((bBatched ? tb : 1) * ty * ty);
        // Wave shape and reuse: a wave covers c output-tile columns, r rows (identical heads
        // count as more rows) and κ contraction slices; the PE dataflow broadcasts each
        // operand block to every lane of the wave needing it, so an A block is read once per
        // group of c columns, a B block once per group of r rows.
        const std::int64_t rowTiles = mult * bt * mt;
        const std::int64_t columns = std::min(nt, L);
        const std::int64_t rows = std::min(rowTiles, std::max<std::int64_t>(1, L / columns));
        const std::int64_t slices = std::min(kt, std::max<std::int64_t>(1, L / (columns * rows)));
        const double aWave = double(rows * slices) * aBlock * c.bitsA;
        const std::int64_t bInstances = bBatched ? std::min(mult * bt, ceilDiv(rows, mt)) : 1;
        const double bWave = double(columns * slices * bInstances) * bBlock * c.bitsB;
        (op.a.inWeightBuffer ? w.waveWeightBits : w.waveActBits) += aWave;
        (op.b.inWeightBuffer ? w.waveWeightBits : w.waveActBits) += bWave;
        w.waveMaskBits = aWave / c.widthA + bWave / c.widthB;
        if (workingSetOnly)
            return w;
        // Block-pruned weights: only the kept weight tiles run (weight_tiles.h).
        const std::int64_t tileTime = tileCycles(op, c, m);
        std::int64_t weightTileInstances = 0; // kept weight tiles over all mult heads
        if (op.weightMask && op.b.inWeightBuffer && !bBatched) {
            // §3.2a: with the pruned run's mask, the weight tile columns are dealt to the PEs
            // (sim::peLoad: tile column j to PE j mod P), each PE's share of a wave is its L / P
            // lanes, and every row tile meets every kept tile of the PE's columns: the op takes
            // ⌈row tiles · busiest PE's tiles / (L / P)⌉ waves.
            const sim::PeLoad load = sim::peLoad(*op.weightMask, int(ty), m.peCount);
            weightTileInstances = load.total;
            const std::int64_t lanesPerPeInWave = std::max<std::int64_t>(1, L / m.peCount);
            const std::int64_t tiles = bt * mt * load.total;
            w.computeCycles =
                std::max(ceilDiv(bt * mt * load.busiest, lanesPerPeInWave) * tileTime, issueCycles(tiles, op, m));
            w.busy = double(tiles) * double(tileTime);
        } else {
            weightTileInstances = mult * (op.b.inWeightBuffer && !bBatched ? keptWeightTiles(op, k, ty) : nt * kt);
            const std::int64_t tiles = bt * mt * weightTileInstances;
            w.computeCycles = std::max(ceilDiv(tiles, L) * tileTime, issueCycles(tiles, op, m));
            w.busy = double(tiles) * double(tileTime);
        }
        w.macs = double(mult) * double(b) * double(op.m) * double(k) * double(op.n);
        const std::int64_t aReads = mult * (aBatched ? bt : 1) * mt * kt * ceilDiv(nt, columns);
        const std::int64_t bReads = (bBatched ? bt : 1) * weightTileInstances * ceilDiv(rowTiles, rows);
        w.readA = double(aReads) * aBlock * c.bitsA;
        w.readB = double(bReads) * bBlock * c.bitsB;
        w.written = double(mult) * double(b) * double(op.m) * double(op.n) * c.bitsOut;
    } else if (unit == Unit::Softmax || unit == Unit::LayerNorm) {
        // §3.3 row-wise units: a tile is tb·tx rows × ty columns; a unit built for tile width
        // tx takes tx elements per cycle per pass.
        const std::int64_t rows = b * op.m;
        const std::int64_t tiles = mult * ceilDiv(rows, tb * tx) * ceilDiv(op.n, ty);
        const std::int64_t tileTime = tileCycles(op, c, m);
        w.computeCycles = std::max(ceilDiv(tiles, L) * tileTime, issueCycles(tiles, op, m));
        w.busy = double(tiles) * double(tileTime);
        w.macs = double(mult) * double(rows) * double(op.n) * double(op.k);
        const double elements = double(mult) * double(rows) * double(op.n);
        w.readA = elements * c.bitsA * (op.phase == Phase::Backward ? 2 : 1);
        w.written = elements * c.bitsOut;
        w.waveActBits = double(std::min(tiles, L)) * double(tb * tx * ty) * c.bitsA;
        w.waveMaskBits = w.waveActBits / c.widthA;
    } else {
        // §3.4 element-wise work on the lanes (non-linearities, adds, convolutions, optimizer):
        // tiles of tb·tx·ty elements, k operations each, Mc per cycle.
        const std::int64_t elements = b * op.m * op.n + extraElements;
        const std::int64_t tileElements = tb * tx * ty;
        const std::int64_t tiles = mult * ceilDiv(elements, tileElements);
        const std::int64_t tileTime = tileCycles(op, c, m);
        w.computeCycles = std::max(ceilDiv(tiles, L) * tileTime, issueCycles(tiles, op, m));
        w.busy = double(tiles) * double(tileTime);
        w.macs = double(mult) * double(elements) * double(op.k);
        const double inputs = op.kind == OpKind::Elementwise ? 2.0 : 1.0;
        const double window = op.kind == OpKind::Convolution ? double(tx + op.k - 1) / double(tx) : 1.0;
        w.readA = double(mult) * double(elements) * c.bitsA * inputs * window;
        w.written = double(mult) * double(elements) * c.bitsOut;
        w.waveActBits = double(std::min(tiles, L)) * double(tileElements) * c.bitsA * inputs * window;
        w.waveMaskBits = w.waveActBits / c.widthA;
    }
    return w;
}

namespace {

// Bits of the zero masks of `copies` waves (one bit per element). All native width: the
// formula before precision existed, so such designs cost what they did bit for bit.
double waveMaskBits(const OpWork& w, const OpConstants& c, const Machine& m, double copies) {
    return c.nativeWidths ? copies * (w.waveActBits + w.waveWeightBits) / m.bitsPerValue : copies * w.waveMaskBits;
}

// Fits `copies` waves: operand tiles in each buffer, their zero masks in the mask buffer.
bool fitsBuffers(const Machine& m, const OpConstants& c, const OpWork& w, double copies) {
    return copies * w.waveActBits <= m.actCapacity && copies * w.waveWeightBits <= m.weightCapacity &&
           waveMaskBits(w, c, m, copies) <= m.maskCapacity;
}

Unit unitOf(const WorkOp& op) {
    const bool isMatMul = op.kind == OpKind::MatMul || op.kind == OpKind::Transform;
    return isMatMul ? Unit::MacLanes : op.unit;
}

} // namespace

WaveChoice chooseWave(const WorkOp& op, const OpConstants& c, const Machine& m, std::int64_t extraElements) {
    const Unit unit = unitOf(op);
    const std::int64_t units = unit == Unit::Softmax ? m.softmaxUnits : unit == Unit::LayerNorm ? m.normUnits : m.lanes;
    // The scheduler shrinks waves whose operand tiles do not fit the buffers twice (double
    // buffering), so a small buffer costs parallelism before it costs feasibility.
    WaveChoice choice;
    choice.work = opWork(op, c, m, extraElements, units, false);
    choice.waveTiles = units;
    choice.doubleBuffered = fitsBuffers(m, c, choice.work, 2);
    if (choice.doubleBuffered)
        return choice;
    // The same test from the wave's working set alone (cheap: used by the bisection).
    auto waveFits = [&](std::int64_t L) {
        const OpWork w = opWork(op, c, m, extraElements, L, /*workingSetOnly=*/true);
        return fitsBuffers(m, c, w, 2);
    };
    if (waveFits(1)) {
        // Largest wave that still double-buffers (the working set grows with L).
        std::int64_t lo = 1, hi = units;
        while (lo < hi) {
            const std::int64_t mid = lo + (hi - lo + 1) / 2;
            if (waveFits(mid))
                lo = mid;
            else
                hi = mid - 1;
        }
        choice.work = opWork(op, c, m, extraElements, lo, false);
        choice.waveTiles = lo;
        choice.doubleBuffered = true;
        return choice;
    }
    // One tile at a time, no overlap.
    choice.work = opWork(op, c, m, extraElements, 1, false);
    choice.waveTiles = 1;
    choice.tileFits = fitsBuffers(m, c, choice.work, 1);
    return choice;
}

std::string tileDoesNotFitReason(const WorkOp& op, const OpConstants& c, const OpWork& w, const Machine& m) {
    const bool act = w.waveActBits > m.actCapacity;
    const bool weight = w.waveWeightBits > m.weightCapacity;
    return op.name + ": one tile's " +
           (act ? "operands need " + megabytes(w.waveActBits) + " of activation buffer, it has " +
                      megabytes(m.actCapacity)
            : weight ? "weights need " + megabytes(w.waveWeightBits) + " of weight buffer, it has " +
                           megabytes(m.weightCapacity)
                     : "zero masks need " + megabytes(waveMaskBits(w, c, m, 1)) + " of mask buffer, it has " +
                           megabytes(m.maskCapacity));
}

OpEstimate estimateOp(const WorkOp& op, const OpConstants& c, const Machine& m, const ResidencyPlan& plan,
                      const SimOptions& options) {
    OpEstimate e;
    e.unit = unitOf(op);
    const double B = double(m.batch);
    const std::int64_t extraElements = extraUpdateElements(op, m, options.loadFullEmbeddingTable);
    e.wave = chooseWave(op, c, m, extraElements);
    const OpWork& w = e.wave.work;
    const double reload = op.weightReadIsReload ? plan.weightReloadFraction(std::max(0, op.layer)) : 1.0;
    // Main-memory traffic (§4): weights once per op (reloads only for what did not stay
    // resident), gradients and optimizer state, embedding rows.
    double opMainBits = c.weightReadBits * reload + c.fixedMainMemoryBits;
    if (op.kind == OpKind::Update && op.embeddingWidth > 0) {
        const double rowsUsed = options.loadFullEmbeddingTable
                                    ? op.embeddingVocabularyRows
                                    : std::min(op.embeddingTokenRowsPerSequence * B, op.embeddingVocabularyRows);
        opMainBits += rowsUsed * c.updateBitsPerRow;
    }
    const bool embedding = op.kind == OpKind::Embedding || op.embeddingTokenRowsPerSequence > 0;
    if (embedding && op.kind != OpKind::Update) {
        const bool fullTable = options.loadFullEmbeddingTable && op.embeddingVocabularyRows < 1e299;
        const double tokenRows = fullTable ? op.embeddingVocabularyRows
                                           : std::min(op.embeddingTokenRowsPerSequence * B, op.embeddingVocabularyRows);
        opMainBits += c.embeddingBitsPerRow == c.embeddingFixedBitsPerRow
                          ? (tokenRows + op.embeddingFixedRows) * c.embeddingBitsPerRow
                          : tokenRows * c.embeddingBitsPerRow + op.embeddingFixedRows * c.embeddingFixedBitsPerRow;
    }
    e.mainBits = opMainBits;
    e.memoryCycles = static_cast<std::int64_t>(std::ceil(opMainBits / m.mainBandwidth));

    // Buffers: operands read per tile, results written once; weights come through the weight
    // buffer, everything else through the activation buffer.
    e.toWeightBuffer =
        (op.a.inWeightBuffer ? w.readA : 0) + (op.b.inWeightBuffer ? w.readB : 0) + c.weightReadBits * reload;
    e.toActBuffer = (op.a.inWeightBuffer ? 0 : w.readA) + (op.b.inWeightBuffer ? 0 : w.readB) + w.written;
    e.bufferCycles = static_cast<std::int64_t>(
        std::ceil(std::max(e.toActBuffer / m.actBandwidth, e.toWeightBuffer / m.weightBandwidth)));
    // Zero masks of compressed operands go through the mask buffer: one bit per element.
    const double bits = m.bitsPerValue;
    e.maskBits = c.nativeWidths
                     ? (c.bitsA < bits ? w.readA / c.bitsA : 0) + (c.bitsB < bits ? w.readB / c.bitsB : 0)
                     : (c.bitsA < c.widthA ? w.readA / c.bitsA : 0) + (c.bitsB < c.widthB ? w.readB / c.bitsB : 0);

    // Overlap (§4.3): with double buffering the next wave's operands stream in while this one
    // computes; the embedding look-up starts the run and has nothing to hide behind.
    const bool overlapped = !embedding && e.wave.doubleBuffered;
    const std::int64_t onChip = std::max(w.computeCycles, e.bufferCycles);
    e.cycles = overlapped ? std::max(onChip, e.memoryCycles) : onChip + e.memoryCycles;

    // Energy (§5): modules charged for their active cycles.
    const double f = m.clockMHz;
    const int activePes = static_cast<int>(std::min<std::int64_t>(
        m.peCount, ceilDiv(static_cast<std::int64_t>(std::min<double>(w.busy, double(m.lanes))), m.lanesPerPe)));
    if (e.unit == Unit::MacLanes)
        e.energyLanes = w.busy * (m.laneDyn + m.sparsityDyn + m.fifoDyn + m.roundingDyn) / f;
    else if (e.unit == Unit::Softmax)
        e.energySoftmax = w.busy * m.softmaxDyn / f;
    else if (e.unit == Unit::LayerNorm)
        e.energyNorm = w.busy * m.normDyn / f;
    e.peBusy = double(activePes) * double(w.computeCycles);
    e.energyDataflow = e.peBusy * m.dataflowDyn / f;
    e.energyDma = double(e.memoryCycles) * double(m.peCount) * m.dmaDyn / f;
    e.energyBuffers =
        e.toActBuffer * m.actEnergyPerBit + e.toWeightBuffer * m.weightEnergyPerBit + e.maskBits * m.maskEnergyPerBit;
    e.energyMain = opMainBits * m.mainEnergyPerBit;
    return e;
}

SpillEstimate estimateSpill(double bits, const Machine& m) {
    SpillEstimate s;
    s.bits = bits;
    s.cycles = static_cast<std::int64_t>(std::ceil(bits / m.mainBandwidth));
    s.energyNJ = bits * (m.mainEnergyPerBit + m.actEnergyPerBit);
    return s;
}

// ---------------------------------------------------------------- stage 4: totals (§5)

void addOp(RunTotals& t, const OpEstimate& e, Phase phase, double clockMHz) {
    const double busy = e.wave.work.busy;
    if (e.unit == Unit::MacLanes)
        t.laneBusy += busy;
    else if (e.unit == Unit::Softmax)
        t.softmaxBusy += busy;
    else if (e.unit == Unit::LayerNorm)
        t.normBusy += busy;
    t.peBusy += e.peBusy;
    t.softmaxEnergy += e.energySoftmax;
    t.normEnergy += e.energyNorm;
    t.dataflowEnergy += e.energyDataflow;
    t.dmaEnergy += e.energyDma;
    t.actBufferBits += e.toActBuffer;
    t.weightBufferBits += e.toWeightBuffer;
    t.maskBits += e.maskBits;
    t.mainBits += e.mainBits;
    t.mainBusy += double(e.memoryCycles);
    t.cycles += e.cycles;
    const auto p = static_cast<std::size_t>(phase);
    t.cyclesByPhase[p] += e.cycles;
    const double dynamic = e.dynamicEnergyNJ();
    t.energyByPhaseNJ[p] += dynamic;
    if (e.cycles > 0)
        t.peakDynamicPowerMW = std::max(t.peakDynamicPowerMW, dynamic / double(e.cycles) * clockMHz);
}

void addSpill(RunTotals& t, const SpillEstimate& s, Phase phase) {
    if (s.bits <= 0)
        return;
    const auto p = static_cast<std::size_t>(phase);
    t.cycles += s.cycles;
    t.cyclesByPhase[p] += s.cycles;
    t.mainBusy += double(s.cycles);
    t.mainBits += s.bits;
    t.actBufferBits += s.bits;
    t.energyByPhaseNJ[p] += s.energyNJ;
}

void writeTotals(const RunTotals& totals, const Machine& m, const BuiltFrom& parts, const TechnologyLibrary& t,
                 bool training, bool powerGating, SimResult& r) {
    r.cycles = totals.cycles;
    for (int p = 0; p < kPhaseCount; ++p) {
        r.cyclesByPhase[std::size_t(p)] = totals.cyclesByPhase[std::size_t(p)];
        r.energyByPhaseNJ[std::size_t(p)] = totals.energyByPhaseNJ[std::size_t(p)];
    }
    const double runCycles = double(totals.cycles);
    const double f = m.clockMHz;
    const double laneBusy = totals.laneBusy;
    auto set = [&r](ModuleClass c, double dyn) { r.energyOf(c).dynamic = dyn; };
    set(ModuleClass::MacLanes, laneBusy * m.laneDyn / f);
    set(ModuleClass::Sparsity, laneBusy * m.sparsityDyn / f);
    set(ModuleClass::Fifo, laneBusy * m.fifoDyn / f);
    set(ModuleClass::StochasticRounding, laneBusy * m.roundingDyn / f);
    set(ModuleClass::Softmax, totals.softmaxEnergy);
    set(ModuleClass::LayerNorm, totals.normEnergy);
    set(ModuleClass::Dataflow, totals.dataflowEnergy);
    set(ModuleClass::Dma, totals.dmaEnergy);
    set(ModuleClass::ActivationBuffer, totals.actBufferBits * m.actEnergyPerBit);
    set(ModuleClass::WeightBuffer, totals.weightBufferBits * m.weightEnergyPerBit);
    set(ModuleClass::MaskBuffer, totals.maskBits * m.maskEnergyPerBit);
    set(ModuleClass::MainMemory, totals.mainBits * m.mainEnergyPerBit);

    // Leakage: every powered module over the run; with power gating, logic leaks only while
    // it works (buffers keep their contents and always leak).
    const double lanesD = double(m.lanes);
    const double peCount = double(m.peCount);
    auto leak = [&](ModuleClass c, double powerPerUnitMW, double units, double busyUnitCycles) {
        r.energyOf(c).leakage = powerPerUnitMW * (powerGating ? busyUnitCycles : units * runCycles) / f;
    };
    leak(ModuleClass::MacLanes, parts.lane->cost.leakagePowerMW, lanesD, laneBusy);
    leak(ModuleClass::Sparsity, t.preSparsity.leakagePowerMW + t.postSparsity.leakagePowerMW, lanesD, laneBusy);
    leak(ModuleClass::Fifo, t.fifo.leakagePowerMW, lanesD, laneBusy);
    leak(ModuleClass::StochasticRounding, training ? t.stochasticRounding.leakagePowerMW : 0.0, lanesD, laneBusy);
    leak(ModuleClass::Softmax, parts.softmax->cost.leakagePowerMW, double(m.softmaxUnits), totals.softmaxBusy);
    leak(ModuleClass::LayerNorm, parts.layerNorm->cost.leakagePowerMW, double(m.normUnits), totals.normBusy);
    leak(ModuleClass::Dataflow, t.dataflow.leakagePowerMW, peCount, totals.peBusy);
    leak(ModuleClass::Dma, t.dma.leakagePowerMW, peCount, totals.mainBusy * peCount);
    auto bufferLeak = [&](ModuleClass c, const BufferTechnology& bt, double mb) {
        r.energyOf(c).leakage = bt.leakagePowerMWPerMB * mb * runCycles / f;
    };
    bufferLeak(ModuleClass::ActivationBuffer, t.activationBuffer, m.activationBufferMB);
    bufferLeak(ModuleClass::WeightBuffer, t.weightBuffer, m.weightBufferMB);
    bufferLeak(ModuleClass::MaskBuffer, t.maskBuffer, m.maskBufferMB);

    const double leakagePowerMW = runCycles > 0 ? r.leakageEnergyNJ() / runCycles * f : 0.0;
    r.peakPowerMW = totals.peakDynamicPowerMW + leakagePowerMW;

    if (runCycles > 0) {
        auto util = [&r](ModuleClass c, double v) { r.utilisation[static_cast<int>(c)] = std::clamp(v, 0.0, 1.0); };
        util(ModuleClass::MacLanes, laneBusy / (lanesD * runCycles));
        util(ModuleClass::Sparsity, laneBusy / (lanesD * runCycles));
        util(ModuleClass::Fifo, laneBusy / (lanesD * runCycles));
        util(ModuleClass::StochasticRounding, training ? laneBusy / (lanesD * runCycles) : 0.0);
        util(ModuleClass::Softmax, totals.softmaxBusy / (double(m.softmaxUnits) * runCycles));
        util(ModuleClass::LayerNorm, totals.normBusy / (double(m.normUnits) * runCycles));
        util(ModuleClass::Dataflow, totals.peBusy / (peCount * runCycles));
        util(ModuleClass::Dma, totals.mainBusy / runCycles);
        util(ModuleClass::ActivationBuffer, totals.actBufferBits / m.actBandwidth / runCycles);
        util(ModuleClass::WeightBuffer, totals.weightBufferBits / m.weightBandwidth / runCycles);
        util(ModuleClass::MaskBuffer, totals.maskBits / t.maskBuffer.bandwidthBitsPerCycle / runCycles);
        util(ModuleClass::MainMemory, totals.mainBusy / runCycles);
    }
}

} // namespace elector

ElectorModel::ElectorModel(const TransformerSpec& model, const TechnologyLibrary& technology, const SimOptions& options)
    : ElectorModel(lowerWorkload(model, options.task, options.mode), technology, options) {}

ElectorModel::ElectorModel(Workload workload, const TechnologyLibrary& technology, const SimOptions& options)
    : m_workload(std::move(workload)), m_technology(technology), m_options(options) {
    precompute();
}

void ElectorModel::precompute() {
    m_bitsPerValue = m_technology.bitsPerValue();
    const double bits = m_bitsPerValue;
    const int layers = std::max(1, m_workload.layerCount);
    // Issue 15: the bits of each tensor role (precision_bits.h). With every role native this
    // is the model before precision existed, formula for formula.
    const PrecisionBits precision(m_workload.model.compression, m_technology.bitsPerValue(), m_workload.mode);
    m_precisionProblems = precision.problems();
    if (m_options.sparsity.profile) // issue 15: a profile measured at other bits is not this model's
        for (const ValidationError& e : checkProfileBits(*m_options.sparsity.profile, m_workload.model.compression,
                                                         m_workload.model.layerCount(), m_workload.model.name))
            m_precisionProblems.push_back("sparsity profile: " + e.toString());
    const bool allNative = precision.allNative();
    auto widthOf = [&](const std::optional<TensorRole>& role, int layer) {
        return role && !allNative ? double(precision.bits(*role, layer)) : bits;
    };
    auto sparsityOf = [&](int layer) { return m_options.sparsity.forLayer(std::max(0, layer)); };
    // Stored bits of one element of `kind` whose precision is `width` bits (§3.1).
    auto bitsAt = [&](StorageKind kind, int layer, double width) {
        const LayerSparsity s = sparsityOf(layer);
        switch (kind) {
        case StorageKind::Activation:
            return elector::storedBits(width, s.activation);
        case StorageKind::ActivationGradient:
            return elector::storedBits(width, s.activationGradient);
        case StorageKind::Weight:
            return elector::storedBits(width, s.weight);
        case StorageKind::WeightGradient:
            return elector::storedBits(width, s.weightGradient);
        case StorageKind::Dense:
            return width;
        }
        return width;
    };
    auto bitsOf = [&](StorageKind kind, int layer) { return bitsAt(kind, layer, bits); };
    m_constants.clear();
    m_constants.reserve(m_workload.ops.size());
    std::vector<double> layerWeightDelta(std::size_t(layers), 0.0);
    for (const auto& op : m_workload.ops) {
        elector::OpConstants c;
        const LayerSparsity s = sparsityOf(op.layer);
        switch (op.density) {
        case DensitySource::Dense:
            c.density = 1;
            break;
        case DensitySource::Activation:
            c.density = 1 - s.activation;
            break;
        case DensitySource::ActivationGradient:
            c.density = 1 - s.activationGradient;
            break;
        }
        c.widthA = widthOf(op.a.role, op.layer);
        c.widthB = widthOf(op.b.role, op.layer);
        const double widthOut = widthOf(op.outputRole, op.layer);
        const double widthW = widthOf(op.weightRole, op.layer);
        c.nativeWidths = c.widthA == bits && c.widthB == bits && widthOut == bits && widthW == bits;
        c.bitsA = bitsAt(op.a.storage, op.layer, c.widthA);
        c.bitsB = bitsAt(op.b.storage, op.layer, c.widthB);
        c.bitsOut = bitsAt(op.outputStorage, op.layer, widthOut);
        // Weights from main memory: the matrix at its role's bits, biases and norms native.
        c.weightReadBits = widthW == bits ? op.weightReadElements * bitsOf(op.weightReadStorage, op.layer)
                                          : op.weightMatrixElements * bitsAt(op.weightReadStorage, op.layer, widthW) +
                                                (op.weightReadElements - op.weightMatrixElements) *
                                                    bitsOf(op.weightReadStorage, op.layer);
        c.fixedMainMemoryBits = op.weightGradientWriteElements * bitsOf(StorageKind::WeightGradient, op.layer) +
                                op.gradientReadElements * bitsOf(StorageKind::WeightGradient, op.layer) +
                                (op.denseReadElements + op.denseWriteElements) * bits +
                                op.weightWriteElements * bitsOf(StorageKind::Weight, op.layer);
        // Pruned weights whose counts are known are stored and moved at their format's exact
        // size (§3.1a); biases and the rest at the profile's bits. (The formats hold values of
        // 1 to 32 bits; a wider technology keeps the profile's sizes.)
        const bool weightOp =
            op.phase == Phase::Forward && op.kind == OpKind::MatMul && op.b.inWeightBuffer && !op.b.batched;
        if (weightOp && op.weightPatternSparsity > 0) {
            // A pruned matrix: its pattern's sparsity, not the profile's, in §3.1's bits; the
            // main-memory size below when its counts are known.
            const double before = c.weightReadBits;
            const double matrixElements = double(op.multiplicity) * double(op.k) * double(op.n);
            c.bitsB = elector::storedBits(c.widthB, op.weightPatternSparsity);
            c.weightReadBits = matrixElements * c.bitsB +
                               (op.weightReadElements - matrixElements) * bitsOf(op.weightReadStorage, op.layer);
            if (op.layer >= 0 && op.layer < layers)
                layerWeightDelta[std::size_t(op.layer)] += c.weightReadBits - before;
        }
        if (weightOp && c.widthB >= 1 && c.widthB <= 32)
            if (const auto counts = weightCounts(op)) {
                const auto params = weightFormatParams(op, static_cast<int>(std::lround(c.widthB)));
                const auto format = m_options.weightFormat.value_or(compress::formatSizes(*counts, params).smallest);
                const double stored = double(compress::formatBits(format, *counts, params));
                const double matrixElements = double(counts->rows) * double(counts->cols);
                const double before = c.weightReadBits;
                c.weightReadBits =
                    stored + (op.weightReadElements - matrixElements) * bitsOf(op.weightReadStorage, op.layer);
                if (op.layer >= 0 && op.layer < layers)
                    layerWeightDelta[std::size_t(op.layer)] += c.weightReadBits - before;
            }
        c.liveBitsPerSequence = op.liveActivationElements * bitsOf(StorageKind::Activation, op.layer) +
                                op.liveGradientElements * bitsOf(StorageKind::ActivationGradient, op.layer);
        if (!allNative) // the live tensors stored at a role's bits instead of the native ones
            for (std::size_t r = 0; r < kStoredActivationRoles.size(); ++r)
                if (op.liveRoleElements[r] > 0)
                    c.liveBitsPerSequence +=
                        op.liveRoleElements[r] * (bitsAt(StorageKind::Activation, op.layer,
                                                         double(precision.bits(kStoredActivationRoles[r], op.layer))) -
                                                  bitsOf(StorageKind::Activation, op.layer));
        // Embedding rows: a token table at the embeddings' bits; learned positions (fixed rows)
        // and patches native.
        c.embeddingBitsPerRow = op.embeddingWidth * bitsOf(op.embeddingStorage, op.layer);
        c.embeddingFixedBitsPerRow = c.embeddingBitsPerRow;
        if (!allNative && op.embeddingStorage == StorageKind::Weight && op.kind == OpKind::Embedding)
            c.embeddingBitsPerRow = op.embeddingWidth * bitsAt(StorageKind::Weight, op.layer,
                                                               double(precision.bits(TensorRole::Embeddings, -1)));
        if (op.kind == OpKind::Update)
            c.updateBitsPerRow = op.embeddingWidth * (2 * bitsOf(StorageKind::Weight, -1) +
                                                      bitsOf(StorageKind::WeightGradient, -1) + 4 * bits);
        m_constants.push_back(c);
    }
    m_savedBitsPerSequence.assign(layers, 0.0);
    m_layerWeightBits.assign(layers, 0.0);
    for (int l = 0; l < layers && l < int(m_workload.savedActivationElements.size()); ++l) {
        m_savedBitsPerSequence[l] = m_workload.savedActivationElements[l] * bitsOf(StorageKind::Activation, l);
        m_layerWeightBits[l] =
            m_workload.layerWeightElements[l] * bitsOf(StorageKind::Weight, l) + layerWeightDelta[std::size_t(l)];
    }
}

// Flattened: the stages are separate functions to read and test, one loop to run.
[[gnu::flatten]] SimResult ElectorModel::evaluate(const AcceleratorSpec& a) const {
    using namespace elector;
    const TechnologyLibrary& t = m_technology;
    SimResult r;
    r.costModel = CostModelKind::Elector;
    r.mode = m_workload.mode;
    r.clockMHz = t.clockMHz;

    // Stage 1: the accelerator must be buildable from the technology table (§6).
    const Feasibility feasibility = checkFeasibility(a, t, m_workload.model.activation);
    if (!feasibility.buildable) {
        r.feasible = false;
        for (const auto& e : validate(a, &t))
            r.infeasibleReasons.push_back(e.toString());
        if (r.infeasibleReasons.empty())
            r.infeasibleReasons.push_back("the accelerator cannot be built from the technology table");
        return r;
    }
    for (const std::string& problem : m_precisionProblems) { // issue 15: wider than the data path
        r.feasible = false;
        r.infeasibleReasons.push_back(problem);
    }
    if (!feasibility.runsTheModel) {
        r.feasible = false;
        r.infeasibleReasons.push_back("nonlinearity: the model uses GELU but the MAC lanes are built for ReLU only");
    }
    r.areaMM2 = acceleratorAreaMM2(a, t, m_workload.mode);
    const bool training = m_workload.mode == SimMode::Training;
    const Machine machine = machineOf(a, t, feasibility.parts, m_bitsPerValue, m_workload.mode);

    // Stage 2: what stays resident between the passes (§4).
    const ResidencyPlan plan = planResidency(m_constants, m_savedBitsPerSequence, m_layerWeightBits, machine, training);
    const int layers = plan.layers;

    // Stage 3: the op walk (§3), region by region (one layer's forward or backward pass);
    // each region's transient peak beyond the activation buffer spills (§4).
    RunTotals totals;
    const bool breakdown = m_options.opBreakdown;
    if (breakdown)
        r.ops.reserve(m_workload.ops.size() + 2 * std::size_t(layers));
    auto spill = [&](const std::string& name, Phase phase, int layer, double bits) {
        if (bits <= 0)
            return;
        const SpillEstimate s = estimateSpill(bits, machine);
        addSpill(totals, s, phase);
        if (breakdown) {
            OpCost row;
            row.name = name;
            row.kind = OpKind::Store;
            row.phase = phase;
            row.layer = layer;
            row.cycles = s.cycles;
            row.memoryCycles = s.cycles;
            row.bound = Bound::Memory;
            row.mainMemoryBytes = bits / 8;
            row.bufferBytes = bits / 8;
            row.dynamicEnergyNJ = s.energyNJ;
            r.ops.push_back(std::move(row));
        }
    };
    int regionLayer = -2;
    Phase regionPhase = Phase::Forward;
    double regionPeakBits = 0;
    auto closeRegion = [&]() {
        if (regionLayer < -1)
            return;
        const double excess = std::max(0.0, regionPeakBits - machine.actCapacity);
        if (excess > 0)
            spill("L" + std::to_string(regionLayer) + "." + std::string(phaseName(regionPhase)) + ".activation-spill",
                  regionPhase, regionLayer, 2 * excess);
    };
    const double B = double(machine.batch);
    for (std::size_t i = 0; i < m_workload.ops.size(); ++i) {
        const WorkOp& op = m_workload.ops[i];
        const OpConstants& c = m_constants[i];
        if (op.layer != regionLayer || op.phase != regionPhase) {
            closeRegion();
            if (training && op.phase == Phase::Backward && regionPhase == Phase::Forward) {
                for (int l = 0; l < layers; ++l)
                    spill("L" + std::to_string(l) + ".save-activations", Phase::Forward, l, plan.savedSpillBits(l));
            }
            if (training && op.phase == Phase::Backward && op.layer >= 0 && op.layer != regionLayer)
                spill("L" + std::to_string(op.layer) + ".reload-activations", Phase::Backward, op.layer,
                      plan.savedSpillBits(op.layer));
            regionLayer = op.layer;
            regionPhase = op.phase;
            regionPeakBits = 0;
        }
        regionPeakBits = std::max(regionPeakBits, c.liveBitsPerSequence * B);

        const OpEstimate e = estimateOp(op, c, machine, plan, m_options);
        if (!e.wave.tileFits) {
            r.feasible = false;
            if (r.infeasibleReasons.size() < 8)
                r.infeasibleReasons.push_back(tileDoesNotFitReason(op, c, e.wave.work, machine));
        }
        addOp(totals, e, op.phase, machine.clockMHz);
        if (breakdown) {
            const std::int64_t computeCycles = e.wave.work.computeCycles;
            OpCost row;
            row.name = op.name;
            row.kind = op.kind;
            row.phase = op.phase;
            row.layer = op.layer;
            row.cycles = e.cycles;
            row.computeCycles = computeCycles;
            row.memoryCycles = e.memoryCycles;
            row.bufferCycles = e.bufferCycles;
            row.bound = computeCycles >= std::max(e.memoryCycles, e.bufferCycles) ? Bound::Compute
                        : e.memoryCycles >= e.bufferCycles                        ? Bound::Memory
                                                                                  : Bound::Buffer;
            row.macs = e.wave.work.macs;
            row.mainMemoryBytes = e.mainBits / 8;
            row.bufferBytes = (e.toActBuffer + e.toWeightBuffer) / 8;
            row.dynamicEnergyNJ = e.dynamicEnergyNJ();
            r.ops.push_back(std::move(row));
        }
    }
    closeRegion();

    // Stage 4: totals (§5).
    writeTotals(totals, machine, feasibility.parts, t, training, m_options.powerGating, r);
    return r;
}

} // namespace tcw
