// The elector cost model. Equations and assumptions: docs/simulator.md (section numbers in
// comments refer to it). All cycle counts are integers; energies are nJ (mW × µs).
#include "elector_model.h"

#include "area_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tcw {

namespace {

constexpr double kBitsPerMB = 1024.0 * 1024.0 * 8.0;

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

struct Powers {
    ModuleCost lane, softmax, layerNorm;
    double sparsityDyn = 0, sparsityLeak = 0;
};

} // namespace

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
    auto sparsityOf = [&](int layer) { return m_options.sparsity.forLayer(std::max(0, layer)); };
    auto bitsOf = [&](StorageKind kind, int layer) {
        const LayerSparsity s = sparsityOf(layer);
        switch (kind) {
        case StorageKind::Activation:
            return storedBits(bits, s.activation);
        case StorageKind::ActivationGradient:
            return storedBits(bits, s.activationGradient);
        case StorageKind::Weight:
            return storedBits(bits, s.weight);
        case StorageKind::WeightGradient:
            return storedBits(bits, s.weightGradient);
        case StorageKind::Dense:
            return bits;
        }
        return bits;
    };
    m_constants.clear();
    m_constants.reserve(m_workload.ops.size());
    for (const auto& op : m_workload.ops) {
        OpConstants c;
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
        c.bitsA = bitsOf(op.a.storage, op.layer);
        c.bitsB = bitsOf(op.b.storage, op.layer);
        c.bitsOut = bitsOf(op.outputStorage, op.layer);
        c.weightReadBits = op.weightReadElements * bitsOf(op.weightReadStorage, op.layer);
        c.fixedMainMemoryBits = op.weightGradientWriteElements * bitsOf(StorageKind::WeightGradient, op.layer) +
                                op.gradientReadElements * bitsOf(StorageKind::WeightGradient, op.layer) +
                                (op.denseReadElements + op.denseWriteElements) * bits +
                                op.weightWriteElements * bitsOf(StorageKind::Weight, op.layer);
        c.liveBitsPerSequence = op.liveActivationElements * bitsOf(StorageKind::Activation, op.layer) +
                                op.liveGradientElements * bitsOf(StorageKind::ActivationGradient, op.layer);
        c.embeddingBitsPerRow = op.embeddingWidth * bitsOf(op.embeddingStorage, op.layer);
        if (op.kind == OpKind::Update)
            c.updateBitsPerRow = op.embeddingWidth * (2 * bitsOf(StorageKind::Weight, -1) +
                                                      bitsOf(StorageKind::WeightGradient, -1) + 4 * bits);
        m_constants.push_back(c);
    }
    m_savedBitsPerSequence.assign(layers, 0.0);
    m_layerWeightBits.assign(layers, 0.0);
    for (int l = 0; l < layers && l < int(m_workload.savedActivationElements.size()); ++l) {
        m_savedBitsPerSequence[l] = m_workload.savedActivationElements[l] * bitsOf(StorageKind::Activation, l);
        m_layerWeightBits[l] = m_workload.layerWeightElements[l] * bitsOf(StorageKind::Weight, l);
    }
}

SimResult ElectorModel::evaluate(const AcceleratorSpec& a) const {
    const TechnologyLibrary& t = m_technology;
    SimResult r;
    r.costModel = CostModelKind::Elector;
    r.mode = m_workload.mode;
    r.clockMHz = t.clockMHz;

    // ---- validity (§6): the accelerator must be buildable from the technology table.
    const MacLaneVariant* lane = t.macLane(a.macsPerLane, a.nonlinearity);
    const TileVariant* softmax = t.softmaxFor(a.tileX);
    const TileVariant* layerNorm = t.layerNormFor(a.tileX);
    const MainMemoryTechnology* memory = t.mainMemory(a.mainMemory);
    if (!lane || !softmax || !layerNorm || !memory || a.tileB < 1 || a.tileX < 1 || a.tileY < 1 || a.peCount < 1 ||
        a.lanesPerPe < 1 || a.macsPerLane < 1 || a.softmaxPerPe < 1 || a.batchSize < 1) {
        r.feasible = false;
        for (const auto& e : validate(a, &t))
            r.infeasibleReasons.push_back(e.toString());
        if (r.infeasibleReasons.empty())
            r.infeasibleReasons.push_back("the accelerator cannot be built from the technology table");
        return r;
    }
    if (m_workload.model.activation == Activation::Gelu && a.nonlinearity == Nonlinearity::Relu) {
        r.feasible = false;
        r.infeasibleReasons.push_back("nonlinearity: the model uses GELU but the MAC lanes are built for ReLU only");
    }
    r.areaMM2 = acceleratorAreaMM2(a, t, m_workload.mode);

    const bool training = m_workload.mode == SimMode::Training;
    const std::int64_t B = a.batchSize, tb = a.tileB, tx = a.tileX, ty = a.tileY;
    const std::int64_t lanes = std::int64_t(a.peCount) * a.lanesPerPe;
    const std::int64_t softmaxUnits = std::int64_t(a.peCount) * a.softmaxPerPe;
    const std::int64_t normUnits = a.peCount;
    const double f = t.clockMHz;
    const double bits = m_bitsPerValue;
    const double blockBits = bits * t.mainMemoryBlockElements;
    const double mainBandwidth = t.mainMemoryBandwidthBitsPerCycle(a.mainMemory.mode);
    const double actBandwidth = t.activationBuffer.bandwidthBitsPerCycle;
    const double weightBandwidth = t.weightBuffer.bandwidthBitsPerCycle;
    const double actCapacity = a.activationBufferMB * kBitsPerMB;
    const double weightCapacity = a.weightBufferMB * kBitsPerMB;
    const double maskCapacity = a.maskBufferMB * kBitsPerMB;
    // Energy per bit moved (§5.2): per 64-element block, buffers scale with √MB.
    const double actEnergyPerBit =
        t.activationBuffer.blockEnergyNJ * std::sqrt(a.activationBufferMB) / (bits * t.activationBuffer.blockElements);
    const double weightEnergyPerBit =
        t.weightBuffer.blockEnergyNJ * std::sqrt(a.weightBufferMB) / (bits * t.weightBuffer.blockElements);
    const double maskEnergyPerBit =
        t.maskBuffer.blockEnergyNJ * std::sqrt(a.maskBufferMB) / (bits * t.maskBuffer.blockElements);
    const double mainEnergyPerBit = memory->blockEnergyNJ / blockBits;

    // Per-lane powers of everything that works while a lane works (§5.1).
    const double laneDyn = lane->cost.dynamicPowerMW;
    const double sparsityDyn = t.preSparsity.dynamicPowerMW + t.postSparsity.dynamicPowerMW;
    const double fifoDyn = t.fifo.dynamicPowerMW;
    const double roundingDyn = training ? t.stochasticRounding.dynamicPowerMW : 0.0;

    // ---- residency (§4): activation spills per region, saved activations and weights LIFO.
    const int layers = static_cast<int>(m_savedBitsPerSequence.size());
    double peakTransientBits = 0;
    for (const auto& c : m_constants)
        peakTransientBits = std::max(peakTransientBits, c.liveBitsPerSequence * double(B));
    // Saved activations keep what the transient working set leaves free; the last layers'
    // (needed first by the backward pass) stay, the first layers' go to main memory.
    std::array<double, 256> savedSpillBits{};
    std::array<double, 256> weightReloadFraction{};
    std::vector<double> spillStorage, reloadStorage;
    double* savedSpill = savedSpillBits.data();
    double* reload = weightReloadFraction.data();
    if (layers > 256) {
        spillStorage.assign(layers, 0.0);
        reloadStorage.assign(layers, 0.0);
        savedSpill = spillStorage.data();
        reload = reloadStorage.data();
    }
    if (training) {
        double free = std::max(0.0, actCapacity - peakTransientBits);
        double weightsFree = weightCapacity;
        for (int l = layers - 1; l >= 0; --l) {
            const double saved = m_savedBitsPerSequence[l] * double(B);
            const double kept = std::min(saved, free);
            free -= kept;
            savedSpill[l] = saved - kept;
            const double w = m_layerWeightBits[l];
            const double keptW = std::min(w, weightsFree);
            weightsFree -= keptW;
            reload[l] = w > 0 ? (w - keptW) / w : 0.0;
        }
    }

    // ---- the op walk (§3)
    double laneBusy = 0, softmaxBusy = 0, normBusy = 0, mainBusy = 0, peBusy = 0;
    double dynLanes = 0, dynSoftmax = 0, dynNorm = 0, dynDataflow = 0, dynDma = 0;
    double actBufferBits = 0, weightBufferBits = 0, maskBits = 0, mainBits = 0;
    double peakDynamicPowerMW = 0;
    std::int64_t cycles = 0;
    const bool breakdown = m_options.opBreakdown;
    if (breakdown)
        r.ops.reserve(m_workload.ops.size() + 2 * layers);
    int previousRegionLayer = -2;
    Phase previousRegionPhase = Phase::Forward;
    double regionPeakBits = 0;

    auto addSpill = [&](const std::string& name, Phase phase, int layer, double spillBits) {
        // Exposed main-memory traffic (a write and a read back, or one of them).
        if (spillBits <= 0)
            return;
        const auto c = static_cast<std::int64_t>(std::ceil(spillBits / mainBandwidth));
        cycles += c;
        r.cyclesByPhase[static_cast<int>(phase)] += c;
        mainBusy += double(c);
        mainBits += spillBits;
        actBufferBits += spillBits;
        const double e = spillBits * (mainEnergyPerBit + actEnergyPerBit);
        r.energyByPhaseNJ[static_cast<int>(phase)] += e;
        if (breakdown) {
            OpCost row;
            row.name = name;
            row.kind = OpKind::Store;
            row.phase = phase;
            row.layer = layer;
            row.cycles = c;
            row.memoryCycles = c;
            row.bound = Bound::Memory;
            row.mainMemoryBytes = spillBits / 8;
            row.bufferBytes = spillBits / 8;
            row.dynamicEnergyNJ = e;
            r.ops.push_back(std::move(row));
        }
    };
    auto closeRegion = [&]() {
        if (previousRegionLayer < -1)
            return;
        const double spill = std::max(0.0, regionPeakBits - actCapacity);
        if (spill > 0)
            addSpill("L" + std::to_string(previousRegionLayer) + "." + std::string(phaseName(previousRegionPhase)) +
                         ".activation-spill",
                     previousRegionPhase, previousRegionLayer, 2 * spill);
    };

    for (std::size_t i = 0; i < m_workload.ops.size(); ++i) {
        const WorkOp& op = m_workload.ops[i];
        const OpConstants& c = m_constants[i];
        if (op.layer != previousRegionLayer || op.phase != previousRegionPhase) {
            closeRegion();
            if (training && op.phase == Phase::Backward && previousRegionPhase == Phase::Forward) {
                for (int l = 0; l < layers; ++l)
                    addSpill("L" + std::to_string(l) + ".save-activations", Phase::Forward, l, savedSpill[l]);
            }
            if (training && op.phase == Phase::Backward && op.layer >= 0 && op.layer != previousRegionLayer)
                addSpill("L" + std::to_string(op.layer) + ".reload-activations", Phase::Backward, op.layer,
                         savedSpill[op.layer]);
            previousRegionLayer = op.layer;
            previousRegionPhase = op.phase;
            regionPeakBits = 0;
        }
        regionPeakBits = std::max(regionPeakBits, c.liveBitsPerSequence * double(B));

        const std::int64_t mult = op.multiplicity;
        const std::int64_t b = op.batchFixed ? op.batchPerSequence : op.batchPerSequence * B;
        const bool isMatMul = op.kind == OpKind::MatMul || op.kind == OpKind::Transform;
        const Unit unit = isMatMul ? Unit::MacLanes : op.unit;
        const std::int64_t units = unit == Unit::Softmax ? softmaxUnits : unit == Unit::LayerNorm ? normUnits : lanes;

        // The op's work as a function of the wave size L (how many tiles run at once): the
        // scheduler shrinks waves whose operand tiles do not fit the buffers twice (double
        // buffering), so a small buffer costs parallelism before it costs feasibility.
        struct Work {
            std::int64_t computeCycles = 0;
            double busy = 0;                            // unit-cycles of work (tiles × tile time)
            double readA = 0, readB = 0, written = 0;   // buffer bits
            double waveActBits = 0, waveWeightBits = 0; // distinct data one wave holds
            double macs = 0;
        };
        std::int64_t extraElements = 0; // lazily updated embedding rows (update ops)
        if (op.kind == OpKind::Update && op.embeddingWidth > 0) {
            const double rowsUsed =
                m_options.loadFullEmbeddingTable
                    ? op.embeddingVocabularyRows
                    : std::min(op.embeddingTokenRowsPerSequence * double(B), op.embeddingVocabularyRows);
            extraElements = static_cast<std::int64_t>(rowsUsed * op.embeddingWidth);
        }
        auto work = [&](std::int64_t L, bool workingSetOnly = false) {
            Work w;
            if (isMatMul) {
                // §3.2 (b, m, k) × (b, k, n): output tiles tb × tx × ty, contraction in slices
                // of ty; each tile runs on one lane, zero-skipping the streamed operand.
                const std::int64_t k = op.contractsOverBatch ? op.k * B : op.k;
                const std::int64_t bt = ceilDiv(b, tb), mt = ceilDiv(op.m, tx), nt = ceilDiv(op.n, ty),
                                   kt = ceilDiv(k, ty);
                const bool aBatched = op.a.batched && !op.batchFixed, bBatched = op.b.batched && !op.batchFixed;
                const double aBlock = double((aBatched ? tb : 1) * tx * ty);
                const double bBlock = double((bBatched ? tb : 1) * ty * ty);
                // Wave shape and reuse: a wave covers c output-tile columns, r rows
                // (identical heads count as more rows) and κ contraction slices; the PE
                // dataflow broadcasts each operand block to every lane of the wave needing it,
                // so an A block is read once per group of c columns, a B block once per group
                // of r rows.
                const std::int64_t rowTiles = mult * bt * mt;
                const std::int64_t columns = std::min(nt, L);
                const std::int64_t rows = std::min(rowTiles, std::max<std::int64_t>(1, L / columns));
                const std::int64_t slices = std::min(kt, std::max<std::int64_t>(1, L / (columns * rows)));
                const double aWave = double(rows * slices) * aBlock * c.bitsA;
                const std::int64_t bInstances = bBatched ? std::min(mult * bt, ceilDiv(rows, mt)) : 1;
                const double bWave = double(columns * slices * bInstances) * bBlock * c.bitsB;
                (op.a.inWeightBuffer ? w.waveWeightBits : w.waveActBits) += aWave;
                (op.b.inWeightBuffer ? w.waveWeightBits : w.waveActBits) += bWave;
                if (workingSetOnly)
                    return w;
                const std::int64_t tiles = mult * bt * mt * nt * kt;
                const double tileMacs = double(tb * tx * ty * ty);
                const auto tileCycles = std::max<std::int64_t>(
                    1, static_cast<std::int64_t>(std::ceil(tileMacs * c.density / a.macsPerLane)));
                w.computeCycles = ceilDiv(tiles, L) * tileCycles;
                w.busy = double(tiles) * double(tileCycles);
                w.macs = double(mult) * double(b) * double(op.m) * double(k) * double(op.n);
                const std::int64_t aReads = mult * (aBatched ? bt : 1) * mt * kt * ceilDiv(nt, columns);
                const std::int64_t bReads = mult * (bBatched ? bt : 1) * kt * nt * ceilDiv(rowTiles, rows);
                w.readA = double(aReads) * aBlock * c.bitsA;
                w.readB = double(bReads) * bBlock * c.bitsB;
                w.written = double(mult) * double(b) * double(op.m) * double(op.n) * c.bitsOut;
            } else if (unit == Unit::Softmax || unit == Unit::LayerNorm) {
                // §3.3 row-wise units: a tile is tb·tx rows × ty columns; a unit built for
                // tile width tx takes tx elements per cycle per pass.
                const std::int64_t rows = b * op.m;
                const std::int64_t tiles = mult * ceilDiv(rows, tb * tx) * ceilDiv(op.n, ty);
                const std::int64_t tileCycles = op.k * tb * ty;
                w.computeCycles = ceilDiv(tiles, L) * tileCycles;
                w.busy = double(tiles) * double(tileCycles);
                w.macs = double(mult) * double(rows) * double(op.n) * double(op.k);
                const double elements = double(mult) * double(rows) * double(op.n);
                w.readA = elements * c.bitsA * (op.phase == Phase::Backward ? 2 : 1);
                w.written = elements * c.bitsOut;
                w.waveActBits = double(std::min(tiles, L)) * double(tb * tx * ty) * c.bitsA;
            } else {
                // §3.4 element-wise work on the lanes (non-linearities, adds, convolutions,
                // optimizer): tiles of tb·tx·ty elements, k operations each, Mc per cycle.
                const std::int64_t elements = b * op.m * op.n + extraElements;
                const std::int64_t tileElements = tb * tx * ty;
                const std::int64_t tiles = mult * ceilDiv(elements, tileElements);
                const auto tileCycles = std::max<std::int64_t>(
                    1, static_cast<std::int64_t>(std::ceil(double(tileElements * op.k) * c.density / a.macsPerLane)));
                w.computeCycles = ceilDiv(tiles, L) * tileCycles;
                w.busy = double(tiles) * double(tileCycles);
                w.macs = double(mult) * double(elements) * double(op.k);
                const double inputs = op.kind == OpKind::Elementwise ? 2.0 : 1.0;
                const double window = op.kind == OpKind::Convolution ? double(tx + op.k - 1) / double(tx) : 1.0;
                w.readA = double(mult) * double(elements) * c.bitsA * inputs * window;
                w.written = double(mult) * double(elements) * c.bitsOut;
                w.waveActBits = double(std::min(tiles, L)) * double(tileElements) * c.bitsA * inputs * window;
            }
            return w;
        };
        // Fits double-buffered: two waves' operand tiles in each buffer, their zero masks
        // (one bit per element) in the mask buffer.
        auto fitsBits = [&](double actBits, double weightBits, double copies) {
            return copies * actBits <= actCapacity && copies * weightBits <= weightCapacity &&
                   copies * (actBits + weightBits) / bits <= maskCapacity;
        };
        auto fits = [&](const Work& w, double copies) { return fitsBits(w.waveActBits, w.waveWeightBits, copies); };
        // The same test from the wave's working set alone (cheap: used by the bisection).
        auto waveFits = [&](std::int64_t L) {
            const Work w = work(L, /*workingSetOnly=*/true);
            return fitsBits(w.waveActBits, w.waveWeightBits, 2);
        };
        Work chosen = work(units);
        bool doubleBuffered = fits(chosen, 2);
        if (!doubleBuffered) {
            // Largest wave that still double-buffers (the working set grows with L).
            std::int64_t lo = 1, hi = units;
            if (waveFits(1)) {
                while (lo < hi) {
                    const std::int64_t mid = lo + (hi - lo + 1) / 2;
                    if (waveFits(mid))
                        lo = mid;
                    else
                        hi = mid - 1;
                }
                chosen = work(lo);
                doubleBuffered = true;
            } else {
                chosen = work(1); // one tile at a time, no overlap
                if (!fits(chosen, 1)) {
                    r.feasible = false;
                    if (r.infeasibleReasons.size() < 8) {
                        const bool act = chosen.waveActBits > actCapacity;
                        const bool weight = chosen.waveWeightBits > weightCapacity;
                        r.infeasibleReasons.push_back(
                            op.name + ": one tile's " +
                            (act ? "operands need " + megabytes(chosen.waveActBits) + " of activation buffer, it has " +
                                       megabytes(actCapacity)
                             : weight
                                 ? "weights need " + megabytes(chosen.waveWeightBits) + " of weight buffer, it has " +
                                       megabytes(weightCapacity)
                                 : "zero masks need " + megabytes((chosen.waveActBits + chosen.waveWeightBits) / bits) +
                                       " of mask buffer, it has " + megabytes(maskCapacity)));
                    }
                }
            }
        }
        const std::int64_t computeCycles = chosen.computeCycles;
        const double busy = chosen.busy, readA = chosen.readA, readB = chosen.readB, written = chosen.written,
                     macs = chosen.macs;
        // Main-memory traffic (§4): weights once per op (reloads only for what did not stay
        // resident), gradients and optimizer state, embedding rows.
        double opMainBits =
            c.weightReadBits * (op.weightReadIsReload ? reload[std::max(0, op.layer)] : 1.0) + c.fixedMainMemoryBits;
        if (op.kind == OpKind::Update && op.embeddingWidth > 0) {
            const double rowsUsed =
                m_options.loadFullEmbeddingTable
                    ? op.embeddingVocabularyRows
                    : std::min(op.embeddingTokenRowsPerSequence * double(B), op.embeddingVocabularyRows);
            opMainBits += rowsUsed * c.updateBitsPerRow;
        }
        const bool embedding = op.kind == OpKind::Embedding || op.embeddingTokenRowsPerSequence > 0;
        if (embedding && op.kind != OpKind::Update) {
            const bool fullTable = m_options.loadFullEmbeddingTable && op.embeddingVocabularyRows < 1e299;
            const double tokenRows =
                fullTable ? op.embeddingVocabularyRows
                          : std::min(op.embeddingTokenRowsPerSequence * double(B), op.embeddingVocabularyRows);
            opMainBits += (tokenRows + op.embeddingFixedRows) * c.embeddingBitsPerRow;
        }
        const auto memoryCycles = static_cast<std::int64_t>(std::ceil(opMainBits / mainBandwidth));

        // Buffers: operands read per tile, results written once; weights come through the
        // weight buffer, everything else through the activation buffer.
        const double toWeightBuffer = (op.a.inWeightBuffer ? readA : 0) + (op.b.inWeightBuffer ? readB : 0) +
                                      c.weightReadBits * (op.weightReadIsReload ? reload[std::max(0, op.layer)] : 1.0);
        const double toActBuffer = (op.a.inWeightBuffer ? 0 : readA) + (op.b.inWeightBuffer ? 0 : readB) + written;
        const auto bufferCycles = static_cast<std::int64_t>(
            std::ceil(std::max(toActBuffer / actBandwidth, toWeightBuffer / weightBandwidth)));
        // Zero masks of compressed operands go through the mask buffer: one bit per element.
        const double masks = (c.bitsA < bits ? readA / c.bitsA : 0) + (c.bitsB < bits ? readB / c.bitsB : 0);

        // Overlap (§4.3): with double buffering the next wave's operands stream in while
        // this one computes; the embedding look-up starts the run and has nothing to hide behind.
        const bool overlapped = !embedding && doubleBuffered;
        const std::int64_t onChip = std::max(computeCycles, bufferCycles);
        const std::int64_t opCycles = overlapped ? std::max(onChip, memoryCycles) : onChip + memoryCycles;

        // Energy (§5): modules charged for their active cycles.
        const int activePes = static_cast<int>(std::min<std::int64_t>(
            a.peCount, ceilDiv(static_cast<std::int64_t>(std::min<double>(busy, double(lanes))), a.lanesPerPe)));
        double eLanes = 0, eSoftmax = 0, eNorm = 0;
        if (unit == Unit::MacLanes) {
            laneBusy += busy;
            eLanes = busy * (laneDyn + sparsityDyn + fifoDyn + roundingDyn) / f;
        } else if (unit == Unit::Softmax) {
            softmaxBusy += busy;
            eSoftmax = busy * softmax->cost.dynamicPowerMW / f;
        } else if (unit == Unit::LayerNorm) {
            normBusy += busy;
            eNorm = busy * layerNorm->cost.dynamicPowerMW / f;
        }
        const double pesBusy = double(activePes) * double(computeCycles);
        peBusy += pesBusy;
        const double eDataflow = pesBusy * t.dataflow.dynamicPowerMW / f;
        const double eDma = double(memoryCycles) * double(a.peCount) * t.dma.dynamicPowerMW / f;
        const double eBuffers =
            toActBuffer * actEnergyPerBit + toWeightBuffer * weightEnergyPerBit + masks * maskEnergyPerBit;
        const double eMain = opMainBits * mainEnergyPerBit;
        dynLanes += eLanes;
        dynSoftmax += eSoftmax;
        dynNorm += eNorm;
        dynDataflow += eDataflow;
        dynDma += eDma;
        actBufferBits += toActBuffer;
        weightBufferBits += toWeightBuffer;
        maskBits += masks;
        mainBits += opMainBits;
        mainBusy += double(memoryCycles);
        cycles += opCycles;
        const int phase = static_cast<int>(op.phase);
        r.cyclesByPhase[phase] += opCycles;
        const double opDynamic = eLanes + eSoftmax + eNorm + eDataflow + eDma + eBuffers + eMain;
        r.energyByPhaseNJ[phase] += opDynamic;
        if (opCycles > 0)
            peakDynamicPowerMW = std::max(peakDynamicPowerMW, opDynamic / double(opCycles) * f);

        if (breakdown) {
            OpCost row;
            row.name = op.name;
            row.kind = op.kind;
            row.phase = op.phase;
            row.layer = op.layer;
            row.cycles = opCycles;
            row.computeCycles = computeCycles;
            row.memoryCycles = memoryCycles;
            row.bufferCycles = bufferCycles;
            row.bound = computeCycles >= std::max(memoryCycles, bufferCycles) ? Bound::Compute
                        : memoryCycles >= bufferCycles                        ? Bound::Memory
                                                                              : Bound::Buffer;
            row.macs = macs;
            row.mainMemoryBytes = opMainBits / 8;
            row.bufferBytes = (toActBuffer + toWeightBuffer) / 8;
            row.dynamicEnergyNJ = opDynamic;
            r.ops.push_back(std::move(row));
        }
    }
    closeRegion();

    // ---- totals (§5)
    r.cycles = cycles;
    const double runCycles = double(cycles);
    auto set = [&r](ModuleClass m, double dyn) { r.energyOf(m).dynamic = dyn; };
    set(ModuleClass::MacLanes, laneBusy * laneDyn / f);
    set(ModuleClass::Sparsity, laneBusy * sparsityDyn / f);
    set(ModuleClass::Fifo, laneBusy * fifoDyn / f);
    set(ModuleClass::StochasticRounding, laneBusy * roundingDyn / f);
    set(ModuleClass::Softmax, dynSoftmax);
    set(ModuleClass::LayerNorm, dynNorm);
    set(ModuleClass::Dataflow, dynDataflow);
    set(ModuleClass::Dma, dynDma);
    set(ModuleClass::ActivationBuffer, actBufferBits * actEnergyPerBit);
    set(ModuleClass::WeightBuffer, weightBufferBits * weightEnergyPerBit);
    set(ModuleClass::MaskBuffer, maskBits * maskEnergyPerBit);
    set(ModuleClass::MainMemory, mainBits * mainEnergyPerBit);
    (void)dynLanes;

    // Leakage: every powered module over the run; with power gating, logic leaks only while
    // it works (buffers keep their contents and always leak).
    const double lanesD = double(lanes);
    const bool gate = m_options.powerGating;
    auto leak = [&](ModuleClass m, double powerPerUnitMW, double units, double busyUnitCycles) {
        r.energyOf(m).leakage = powerPerUnitMW * (gate ? busyUnitCycles : units * runCycles) / f;
    };
    leak(ModuleClass::MacLanes, lane->cost.leakagePowerMW, lanesD, laneBusy);
    leak(ModuleClass::Sparsity, t.preSparsity.leakagePowerMW + t.postSparsity.leakagePowerMW, lanesD, laneBusy);
    leak(ModuleClass::Fifo, t.fifo.leakagePowerMW, lanesD, laneBusy);
    leak(ModuleClass::StochasticRounding, training ? t.stochasticRounding.leakagePowerMW : 0.0, lanesD, laneBusy);
    leak(ModuleClass::Softmax, softmax->cost.leakagePowerMW, double(softmaxUnits), softmaxBusy);
    leak(ModuleClass::LayerNorm, layerNorm->cost.leakagePowerMW, double(normUnits), normBusy);
    leak(ModuleClass::Dataflow, t.dataflow.leakagePowerMW, double(a.peCount), peBusy);
    leak(ModuleClass::Dma, t.dma.leakagePowerMW, double(a.peCount), mainBusy * a.peCount);
    auto bufferLeak = [&](ModuleClass m, const BufferTechnology& bt, double mb) {
        r.energyOf(m).leakage = bt.leakagePowerMWPerMB * mb * runCycles / f;
    };
    bufferLeak(ModuleClass::ActivationBuffer, t.activationBuffer, a.activationBufferMB);
    bufferLeak(ModuleClass::WeightBuffer, t.weightBuffer, a.weightBufferMB);
    bufferLeak(ModuleClass::MaskBuffer, t.maskBuffer, a.maskBufferMB);

    const double leakagePowerMW = runCycles > 0 ? r.leakageEnergyNJ() / runCycles * f : 0.0;
    r.peakPowerMW = peakDynamicPowerMW + leakagePowerMW;

    if (runCycles > 0) {
        auto util = [&r](ModuleClass m, double v) { r.utilisation[static_cast<int>(m)] = std::clamp(v, 0.0, 1.0); };
        util(ModuleClass::MacLanes, laneBusy / (lanesD * runCycles));
        util(ModuleClass::Sparsity, laneBusy / (lanesD * runCycles));
        util(ModuleClass::Fifo, laneBusy / (lanesD * runCycles));
        util(ModuleClass::StochasticRounding, training ? laneBusy / (lanesD * runCycles) : 0.0);
        util(ModuleClass::Softmax, softmaxBusy / (double(softmaxUnits) * runCycles));
        util(ModuleClass::LayerNorm, normBusy / (double(normUnits) * runCycles));
        util(ModuleClass::Dataflow, peBusy / (double(a.peCount) * runCycles));
        util(ModuleClass::Dma, mainBusy / runCycles);
        util(ModuleClass::ActivationBuffer, actBufferBits / actBandwidth / runCycles);
        util(ModuleClass::WeightBuffer, weightBufferBits / weightBandwidth / runCycles);
        util(ModuleClass::MaskBuffer, maskBits / t.maskBuffer.bandwidthBitsPerCycle / runCycles);
        util(ModuleClass::MainMemory, mainBusy / runCycles);
    }
    return r;
}

} // namespace tcw
