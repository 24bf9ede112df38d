// acceltran-fast: the reference fast mode (docs/acceltran-fast.md) as equations. The model is
// lowered once into the reference's block sequence with the batch factored out of every
// shape; each evaluate() walks that sequence once, running the three-unit overlap
// procedure (3.8) for head groups. Every defect of the reference is kept and marked QUIRK.
#include "acceltran_fast_model.h"

#include "design/sparsity_bits.h"

#include "area_model.h"
#include "precision_bits.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace tcw {

namespace {

enum class OpCode : std::uint8_t {
    Load,            // weights, main memory → weight buffer (M1)
    StoreActivation, // (M2), κ = activation
    StoreWeight,     // (M2), κ = weight: backward "overwrite" stores, charged in full (quirk 11)
    MatMul,          // (T1), (T2), (C1)
    Conv,            // (T4), (C1)
    Softmax,         // (C4)
    LayerNorm,       // (C5)
    Nonlinearity,    // (C6)
};

// One op with the batch factored out. QUIRK 1: every shape of the reference, weights
// included, is (B, rows, cols), so B enters only at evaluate().
//   MatMul  X = (B, rows, inner) × Y = (B, inner, cols)
//   Conv    input (B, rows = S, cols = H), kernel size `inner`
//   others  shape (B, rows, cols)
struct Op {
    OpCode code = OpCode::MatMul;
    bool backward = false; // k_bwd instead of k_fwd in (C1)
    std::int64_t rows = 0;
    std::int64_t inner = 0;
    std::int64_t cols = 0;
    // Issue 15 (our extension, not the reference): a memory op's values at b bits instead of
    // the native IL + FL cost b / (IL + FL) of the native traffic. 1 for every native tensor.
    double bitScale = 1.0;
};

// The heads of one layer in one direction (2.5, 2.6). A head with an empty compute list is
// left out; the group itself may be empty (the backward group of a layer of `l` heads).
struct HeadGroup {
    std::vector<Op> computeOps;         // the heads' compute lists, concatenated in head order
    std::vector<std::int32_t> headEnds; // end offset in computeOps of each head's list
    // (M3) the heads' memory ops cost energy but no cycles (QUIRK 5), so only their element
    // counts are kept, per sequence (× B at evaluate()).
    // Issue 15: in native-width elements (an element of b bits counts b / (IL + FL)); whole
    // numbers, as before, when every tensor is native.
    double loadElementsPerSequence = 0;
    double activationStoreElementsPerSequence = 0;
    double weightStoreElementsPerSequence = 0;
    double macsPerSequence = 0; // true multiply-accumulates of the MM / CONV ops (breakdown only)
};

// One element of the block sequence after expansion: a single op or a head group.
struct Item {
    Op op;                   // when group < 0
    std::int32_t group = -1; // index into Lowering::groups
    Phase phase = Phase::Forward;
    std::int32_t layer = -1;
    std::string name; // breakdown row, e.g. "L0.ff1.matmul"
};

// A forward block (2.2) before expansion into items; the backward pass reverses these.
struct Block {
    enum class Kind : std::uint8_t { Heads, LayerNorm, FeedForward, Nonlinearity };
    Kind kind = Kind::LayerNorm;
    int layer = 0;
    std::int64_t from = 0; // FF: input width x; LN / NL: width of the shape (B, S, width)
    std::int64_t to = 0;   // FF: output width y
    std::string name;
    bool hidden = false; // FF: its output is a feed-forward hidden activation (issue 15)
};

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

// Ceiling of a binary64 value, as an integer cycle count. Every value stays far below 2⁵³.
std::int64_t ceilToCycles(double x) {
    return static_cast<std::int64_t>(std::ceil(x));
}

} // namespace

namespace acceltran_fast_detail {
struct Lowering {
    std::int64_t sequenceLength = 128; // S
    std::int64_t embeddingRows = 0;    // V + S: the one 2-D shape (no batch)
    std::int64_t embeddingCols = 0;    // H_0
    double embeddingScale = 1.0;       // issue 15: embeddings' bits / (IL + FL), 1 when native
    std::vector<Item> items;           // the block sequence without the embedding, in order
    std::vector<HeadGroup> groups;
};
} // namespace acceltran_fast_detail

namespace {

using acceltran_fast_detail::Lowering;

// ---------------------------------------------------------------------------------------
// Lowering (docs/acceltran-fast.md §2)

// Forward blocks of layer ℓ (2.3). QUIRK 3: each FF is followed by an NL sized by the FF's
// input, including the last FF back to H and the projection FF.
void appendForwardBlocks(const TransformerSpec& model, int l, std::vector<Block>& blocks) {
    const LayerSpec& layer = model.layers[l];
    const std::int64_t H = layer.hiddenSize;
    const std::string at = "L" + std::to_string(l) + ".";
    blocks.push_back({Block::Kind::Heads, l, 0, 0, at + "heads"});
    blocks.push_back({Block::Kind::LayerNorm, l, H, 0, at + "ln0"});
    if (!layer.feedForwardSizes.empty()) {
        std::int64_t x = H;
        std::size_t i = 0;
        for (; i < layer.feedForwardSizes.size(); ++i) {
            const std::int64_t y = layer.feedForwardSizes[i];
            const std::string ff = at + "ff" + std::to_string(i);
            blocks.push_back({Block::Kind::FeedForward, l, x, y, ff, true});
            blocks.push_back({Block::Kind::Nonlinearity, l, x, 0, ff + ".nl"});
            x = y;
        }
        const std::string ff = at + "ff" + std::to_string(i); // the last FF, back to H
        blocks.push_back({Block::Kind::FeedForward, l, x, H, ff});
        blocks.push_back({Block::Kind::Nonlinearity, l, x, 0, ff + ".nl"});
    }
    blocks.push_back({Block::Kind::LayerNorm, l, H, 0, at + "ln1"});
    if (l + 1 < model.layerCount() && model.layers[l + 1].hiddenSize != layer.hiddenSize) {
        const std::int64_t next = model.layers[l + 1].hiddenSize;
        blocks.push_back({Block::Kind::FeedForward, l, H, next, at + "proj"});
        blocks.push_back({Block::Kind::Nonlinearity, l, H, 0, at + "proj.nl"});
    }
}

void addMatMul(HeadGroup& g, bool backward, std::int64_t M, std::int64_t K, std::int64_t N) {
    g.computeOps.push_back({OpCode::MatMul, backward, M, K, N});
    g.macsPerSequence += double(M) * double(K) * double(N);
}

// Issue 15: b / (IL + FL) for the tensor roles of one layer in the forward pass (inference);
// all 1 when every role is native (precision_bits.h).
struct LayerScales {
    double weights = 1, linearInputs = 1, qkv = 1, probabilities = 1, hidden = 1;
};

LayerScales layerScales(const PrecisionBits& p, int layer) {
    const double native = p.nativeBits();
    auto scale = [&](TensorRole role) { return p.allNative() ? 1.0 : double(p.bits(role, layer)) / native; };
    return {scale(TensorRole::Weights), scale(TensorRole::LinearInputs), scale(TensorRole::QueryKeyValue),
            scale(TensorRole::AttentionProbabilities), scale(TensorRole::FeedForwardHidden)};
}

// One attention head (2.5 tables; numbers in comments are the table rows). d is the head's
// projection width; S the sequence length; H the layer's hidden size.
void lowerAttentionHead(HeadGroup& g, bool wma, bool backward, std::int64_t S, std::int64_t H, std::int64_t d,
                        const LayerScales& x) {
    if (!backward) {
        // Memory: Wq, Wk, Wv (B,H,d); [wma: W (B,d,d)]; Wo (B,d,H).
        g.loadElementsPerSequence += double(3 * H * d + (wma ? d * d : 0) + d * H) * x.weights;
        // Stores: Q, K, V (B,S,d); [wma (B,S,d)]; scores, probabilities (B,S,S); context
        // (B,S,d); output (B,S,H). Issue 15: Q, K, V (and the WMA product) at the qkv bits,
        // probabilities at theirs, the context (the output projection's input) at the linear
        // inputs' bits; scores and the output native.
        g.activationStoreElementsPerSequence += double(3 * S * d + (wma ? S * d : 0)) * x.qkv + double(S * S) +
                                                double(S * S) * x.probabilities + double(S * d) * x.linearInputs +
                                                double(S * H);
        for (int i = 0; i < 3; ++i)
            addMatMul(g, false, S, H, d); // 4-6: (B,S,H) × (B,H,d)
        if (wma)
            addMatMul(g, false, d, d, S);                          // 11: (B,d,d) × (B,d,S)
        addMatMul(g, false, S, d, S);                              // 13: Q·Kᵀ (B,S,d) × (B,d,S)
        g.computeOps.push_back({OpCode::Softmax, false, S, 0, S}); // 15: (B,S,S)
        addMatMul(g, false, S, S, d);                              // 17: P·V (B,S,S) × (B,S,d)
        addMatMul(g, false, S, d, H);                              // 20: output (B,S,d) × (B,d,H)
        return;
    }
    // Backward: 13 matmuls (15 for wma) and 7 weight stores (8 for wma), all κ = weight.
    g.weightStoreElementsPerSequence += double(d * H + S * d + d * S + S * d + (wma ? d * d : 0) + 3 * H * d);
    addMatMul(g, true, d, S, H); // 1: o[wgt]
    addMatMul(g, true, S, H, d); // 3: sdp-v[del]
    addMatMul(g, true, S, S, d); // 4: sdp-v[wgt]
    addMatMul(g, true, S, d, S); // 6: qk_k[del]
    addMatMul(g, true, d, S, S); // 7: qk_k[wgt]
    addMatMul(g, true, d, S, d); // 9: qk_q[del]
    addMatMul(g, true, S, d, d); // 10: qk_q[wgt]
    if (wma) {
        addMatMul(g, true, d, S, S); // 12: wma[del]
        addMatMul(g, true, d, S, d); // 13: wma[wgt]
    }
    addMatMul(g, true, d, d, S); // 15: q[del]
    addMatMul(g, true, H, S, d); // 16: q[wgt]
    addMatMul(g, true, S, S, d); // 18: k[del]
    addMatMul(g, true, H, S, d); // 19: k[wgt]
    addMatMul(g, true, S, d, S); // 21: v[del]
    addMatMul(g, true, H, S, S); // 22: v[wgt]
}

HeadGroup lowerHeadGroup(const LayerSpec& layer, std::int64_t S, bool backward, const LayerScales& x) {
    HeadGroup g;
    const std::int64_t H = layer.hiddenSize;
    for (const HeadSpec& head : layer.heads) {
        const auto before = g.computeOps.size();
        if (isAttentionHead(head.type)) {
            lowerAttentionHead(g, head.type == HeadType::SaWma, backward, S, H, head.dim, x);
        } else if (isTransformHead(head.type)) {
            // QUIRK 13: sized by H, the dim is ignored. QUIRK 10: no backward ops.
            if (!backward) {
                g.loadElementsPerSequence += double(S * S); // the DFT / DCT matrix (B,S,S), fixed: native
                addMatMul(g, false, S, S, H);               // (B,S,S) × (B,S,H)
                g.activationStoreElementsPerSequence += double(S * H) * x.linearInputs; // a head output
            }
        } else if (isConvolutionHead(head.type)) {
            // QUIRK 13: sized by H. The backward conv uses S as its kernel (QUIRK 8 then
            // makes its multiplications negative).
            const std::int64_t k = convolutionKernelSize(head.type);
            const std::int64_t kernel = backward ? S : k;
            g.computeOps.push_back({OpCode::Conv, backward, S, kernel, H});
            g.macsPerSequence += double(S) * double(H) * double(kernel);
            if (backward) {
                g.weightStoreElementsPerSequence += double(k * H); // (B,k,H)
            } else {
                g.loadElementsPerSequence += double(k * H) * x.weights;                 // (B,k,H)
                g.activationStoreElementsPerSequence += double(S * H) * x.linearInputs; // a head output
            }
        }
        if (g.computeOps.size() != before)
            g.headEnds.push_back(static_cast<std::int32_t>(g.computeOps.size()));
    }
    return g;
}

// Expands one block into items: forward (2.3) or its backward lowering (2.4).
void expandBlock(const TransformerSpec& model, const Block& b, Phase phase, const PrecisionBits& precision,
                 Lowering& out) {
    const bool backward = phase == Phase::Backward;
    const std::int64_t S = out.sequenceLength;
    auto item = [&](Op op, std::string name) { out.items.push_back({op, -1, phase, b.layer, std::move(name)}); };
    switch (b.kind) {
    case Block::Kind::Heads:
        out.groups.push_back(lowerHeadGroup(model.layers[b.layer], S, backward, layerScales(precision, b.layer)));
        out.items.push_back({Op{}, static_cast<std::int32_t>(out.groups.size() - 1), phase, b.layer,
                             backward ? b.name + ".bwd" : b.name});
        break;
    case Block::Kind::LayerNorm: // the same LN in both directions
        item({OpCode::LayerNorm, backward, S, 0, b.from}, backward ? b.name + ".bwd" : b.name);
        break;
    case Block::Kind::Nonlinearity: // the same NL in both directions
        item({OpCode::Nonlinearity, backward, S, 0, b.from}, backward ? b.name + ".bwd" : b.name);
        break;
    case Block::Kind::FeedForward:
        if (!backward) {
            // Issue 15: the weights at the layer's weight bits; the output at the hidden bits
            // when it is a feed-forward hidden activation (an inner FF's), else native.
            const LayerScales x = layerScales(precision, b.layer);
            item({OpCode::Load, false, b.from, 0, b.to, x.weights}, b.name + ".load"); // (B,x,y)
            item({OpCode::MatMul, false, S, b.from, b.to}, b.name + ".matmul");        // (B,S,x)×(B,x,y)
            item({OpCode::StoreActivation, false, S, 0, b.to, b.hidden ? x.hidden : 1.0},
                 b.name + ".store"); // (B,S,y)
        } else {
            // QUIRK 10: the weight gradient only, (B,x,S) × (B,S,y); no input gradient.
            item({OpCode::MatMul, true, b.from, S, b.to}, b.name + ".dW");
            item({OpCode::StoreWeight, true, b.from, 0, b.to}, b.name + ".dW.store"); // (B,x,y)
        }
        break;
    }
}

Lowering lowerModel(const TransformerSpec& model, const TaskShape& task, SimMode mode, const PrecisionBits& precision) {
    Lowering out;
    out.sequenceLength = task.sequenceLength;
    out.embeddingRows = std::int64_t(task.vocabularySize) + task.sequenceLength;
    out.embeddingCols = model.layers.front().hiddenSize;
    if (!precision.allNative())
        out.embeddingScale = double(precision.bits(TensorRole::Embeddings, -1)) / double(precision.nativeBits());
    std::vector<Block> blocks;
    for (int l = 0; l < model.layerCount(); ++l)
        appendForwardBlocks(model, l, blocks);
    for (const Block& b : blocks)
        expandBlock(model, b, Phase::Forward, precision, out);
    if (mode == SimMode::Training) // 2.4: reversed blocks; heads inside a group keep their order
        for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
            expandBlock(model, *it, Phase::Backward, precision, out);
    return out;
}

// ---------------------------------------------------------------------------------------
// Evaluation (docs/acceltran-fast.md §3)

// Per-accelerator values of 3.1 and (D1).
struct Context {
    std::int64_t batch = 0;            // B
    std::int64_t tileB = 0;            // tb
    std::int64_t tileX = 0;            // tx
    std::int64_t tileY = 0;            // ty
    std::int64_t batchTiles = 0;       // ⌈B / tb⌉, the first factor of every tile count
    std::int64_t macCount = 0;         // N_mac = P·Ln·Mc
    std::int64_t softmaxUnits = 0;     // N_sm = P·Sm
    std::int64_t layerNormUnits = 0;   // N_ln = P
    double weightBitsPerValue = 0;     // wf_w (W1)
    double activationBitsPerValue = 0; // wf_a (W1)
    double keepForward = 0;            // k_fwd = 1 − s_a (W2), also the (1 − s_a) of (C4), (C5)
    double keepBackward = 0;           // k_bwd = 1 − s_g (W2), binary64: 0.09999999999999998 for 0.9
    double mainMemoryBitsPerCycle = 0; // BW_mm (W3)
    double bufferBitsPerCycle = 0;     // BW_buf (W3): the activation buffer's, for every store
};

// Integer work counters from which every energy follows linearly (C2-C5, M1-M3).
struct Tally {
    std::int64_t cycles = 0;
    std::int64_t macCycles = 0;       // (C2): MM, CONV and NL cycles
    std::int64_t softmaxCycles = 0;   // (C4)
    std::int64_t layerNormCycles = 0; // (C5)
    std::int64_t groupMacTiles = 0;   // (C3): tiles of MAC-class ops inside head groups
    // (M1), (M3) in native-width elements (issue 15): whole numbers when every tensor is native.
    double loadElements = 0;
    double activationStoreElements = 0;
    double weightStoreElements = 0;

    Tally& operator+=(const Tally& o) {
        cycles += o.cycles;
        macCycles += o.macCycles;
        softmaxCycles += o.softmaxCycles;
        layerNormCycles += o.layerNormCycles;
        groupMacTiles += o.groupMacTiles;
        loadElements += o.loadElements;
        activationStoreElements += o.activationStoreElements;
        weightStoreElements += o.weightStoreElements;
        return *this;
    }
};

// nJ per counted unit, in the form power_mW × count / f_MHz (section 0).
struct EnergyRates {
    EnergyNJ macLanePerCycle;   // (C2): all N_lane lanes
    EnergyNJ softmaxPerCycle;   // (C4): all N_sm units
    EnergyNJ layerNormPerCycle; // (C5): all N_ln units
    EnergyNJ sparsityPerTile;   // (C3): pre + post sparsity, all lanes
    // (C3) "others", split by module. QUIRK: the per-lane FIFO and stochastic rounding are
    // charged per PE (× P), as the reference does.
    EnergyNJ fifoPerTile, dataflowPerTile, dmaPerTile, roundingPerTile;
    double mainMemoryPerLoadElement = 0;        // (M1): E_mm·(1 − s_w) / blk
    double activationBufferPerStoreElement = 0; // (M2): E_act / blk, E_act = e_act·√A_MB
    double weightBufferPerStoreElement = 0;     // (M2): E_wgt / blk

    double dynamicNJ(const Tally& t) const {
        const double groupTiles = double(t.groupMacTiles);
        return macLanePerCycle.dynamic * double(t.macCycles) + softmaxPerCycle.dynamic * double(t.softmaxCycles) +
               layerNormPerCycle.dynamic * double(t.layerNormCycles) +
               (sparsityPerTile.dynamic + fifoPerTile.dynamic + dataflowPerTile.dynamic + dmaPerTile.dynamic +
                roundingPerTile.dynamic) *
                   groupTiles +
               mainMemoryPerLoadElement * double(t.loadElements) +
               activationBufferPerStoreElement * double(t.activationStoreElements) +
               weightBufferPerStoreElement * double(t.weightStoreElements);
    }
};

EnergyNJ scaled(const ModuleCost& m, double count, double clockMHz) {
    return {m.dynamicPowerMW * count / clockMHz, m.leakagePowerMW * count / clockMHz};
}

EnergyNJ times(const EnergyNJ& e, std::int64_t n) {
    return {e.dynamic * double(n), e.leakage * double(n)};
}

// (T3): element-wise tiles of (B, r, c).
std::int64_t elementwiseTiles(const Context& ctx, std::int64_t rows, std::int64_t cols) {
    return ctx.batchTiles * ceilDiv(rows, ctx.tileX) * ceilDiv(cols, ctx.tileY);
}

// Cycles and tiles of one compute op on its unit class.
struct OpCharge {
    std::int64_t cycles = 0;
    std::int64_t tiles = 0;
};

// (C1) for a MAC-class op with T tiles of m multiplications each: ⌈((T·m) / N_mac)·k⌉.
std::int64_t macCycles(const Context& ctx, std::int64_t tiles, std::int64_t multsPerTile, bool backward) {
    return ceilToCycles(double(tiles * multsPerTile) / double(ctx.macCount) *
                        (backward ? ctx.keepBackward : ctx.keepForward));
}

OpCharge matMulCharge(const Context& ctx, const Op& op) {
    // (T1) QUIRK 2: the contraction K is tiled twice, ⌈K/ty⌉ from X and ⌈K/tx⌉ from Y.
    const std::int64_t tiles = ctx.batchTiles * ceilDiv(op.rows, ctx.tileX) * ceilDiv(op.inner, ctx.tileY) *
                               ceilDiv(op.inner, ctx.tileX) * ceilDiv(op.cols, ctx.tileY);
    const std::int64_t mults = ctx.tileB * ctx.tileX * ctx.tileY * ctx.tileY; // (T2)
    return {macCycles(ctx, tiles, mults, op.backward), tiles};
}

OpCharge convCharge(const Context& ctx, const Op& op) {
    // (T4) QUIRK 8: tb·tx·(ty − k) is negative for k > ty (c_9 / c_13 at tile 8, every
    // backward conv with k = S); the negative cycles and energies are kept as they are.
    const std::int64_t tiles = elementwiseTiles(ctx, op.rows, op.cols);
    const std::int64_t mults = ctx.tileB * ctx.tileX * (ctx.tileY - op.inner);
    return {macCycles(ctx, tiles, mults, op.backward), tiles};
}

// (C4) / (C5): T·tb·(tx + ty)·(1 − s_a) / units. QUIRK 7: tx + ty, not tx·ty.
OpCharge reductionCharge(const Context& ctx, const Op& op, std::int64_t units) {
    const std::int64_t tiles = elementwiseTiles(ctx, op.rows, op.cols);
    const double work = double(tiles * ctx.tileB * (ctx.tileX + ctx.tileY)) * ctx.keepForward;
    return {ceilToCycles(work / double(units)), tiles};
}

enum Unit : int { UnitMac = 0, UnitSoftmax = 1, UnitLayerNorm = 2 };

Unit unitOf(OpCode code) {
    switch (code) {
    case OpCode::Softmax:
        return UnitSoftmax;
    case OpCode::LayerNorm:
        return UnitLayerNorm;
    default:
        return UnitMac;
    }
}

// Starts a compute op inside a head group: its cycles, with its energy counted now (3.8,
// 2.1). MAC-class ops also charge (C3). `staleTiles` is the register R of (C6).
std::int64_t startGroupOp(const Context& ctx, const Op& op, Tally& t, std::int64_t& staleTiles) {
    switch (op.code) {
    case OpCode::MatMul:
    case OpCode::Conv: {
        const OpCharge c = op.code == OpCode::MatMul ? matMulCharge(ctx, op) : convCharge(ctx, op);
        t.macCycles += c.cycles;
        t.groupMacTiles += c.tiles;
        return c.cycles;
    }
    case OpCode::Softmax: {
        const OpCharge c = reductionCharge(ctx, op, ctx.softmaxUnits);
        staleTiles = c.tiles;
        t.softmaxCycles += c.cycles;
        return c.cycles;
    }
    case OpCode::LayerNorm: { // never lowered into a group (the reference would fail there)
        const OpCharge c = reductionCharge(ctx, op, ctx.layerNormUnits);
        staleTiles = c.tiles;
        t.layerNormCycles += c.cycles;
        return c.cycles;
    }
    case OpCode::Nonlinearity: { // never lowered into a group; the reference uses its own T
        const std::int64_t tiles = elementwiseTiles(ctx, op.rows, op.cols);
        t.macCycles += tiles;
        t.groupMacTiles += tiles;
        return tiles;
    }
    default:
        return 0; // memory ops are not in the compute list
    }
}

// 3.8: the three-unit overlap procedure over the heads of one group. Returns the cycles the
// group adds (possibly negative, QUIRK 8).
std::int64_t runHeadGroup(const HeadGroup& g, const Context& ctx, Tally& t, std::int64_t& staleTiles) {
    const std::size_t heads = g.headEnds.size();
    if (heads == 0)
        return 0; // an empty group does nothing
    // Per-head cursor into computeOps; a small stack buffer covers every realistic layer.
    constexpr std::size_t kInline = 64;
    std::array<std::int32_t, kInline> inlineCursor{};
    std::vector<std::int32_t> heapCursor;
    std::int32_t* cursor = inlineCursor.data();
    if (heads > kInline) {
        heapCursor.resize(heads);
        cursor = heapCursor.data();
    }
    for (std::size_t j = 0; j < heads; ++j)
        cursor[j] = j == 0 ? 0 : g.headEnds[j - 1];

    std::array<bool, 3> busy{};
    std::array<std::int64_t, 3> remaining{}; // signed: negative op cycles are allowed
    std::size_t unfinished = heads;
    std::int64_t cycles = 0;
    while (unfinished > 0) {
        // Issue pass: each head starts at most its next op, if that op's unit is free.
        // A unit freed later in this iteration cannot be taken in this pass.
        for (std::size_t j = 0; j < heads; ++j) {
            if (cursor[j] == g.headEnds[j])
                continue;
            const Op& op = g.computeOps[cursor[j]];
            const Unit u = unitOf(op.code);
            if (busy[u])
                continue; // head j waits
            remaining[u] = startGroupOp(ctx, op, t, staleTiles);
            busy[u] = true;
            if (++cursor[j] == g.headEnds[j])
                --unfinished;
        }
        // Advance by the shortest remaining time, then retire the units that reach it.
        // QUIRK 9: no dependency tracking inside a head (its softmax may start while its own
        // Q·Kᵀ is still on the MAC unit).
        std::int64_t delta = 0;
        bool any = false;
        for (int u = 0; u < 3; ++u)
            if (busy[u] && (!any || remaining[u] < delta)) {
                delta = remaining[u];
                any = true;
            }
        cycles += delta;
        for (int u = 0; u < 3; ++u) {
            if (!busy[u])
                continue;
            if (remaining[u] == delta)
                busy[u] = false;
            else
                remaining[u] -= delta;
        }
    }
    // QUIRK 9: units still busy here are dropped; their remaining time is never added.
    return cycles;
}

// A single (non-group) op (3.5, 3.7). Returns its cycles.
std::int64_t runSingleOp(const Context& ctx, const Op& op, Tally& t, std::int64_t& staleTiles) {
    const std::int64_t n = ctx.batch * op.rows * op.cols; // n(B, rows, cols), memory ops
    switch (op.code) {
    case OpCode::Load: // (M1)
        // Issue 15: wf_w · b / (IL + FL) for weights of b bits (bitScale 1: the reference).
        t.loadElements += double(n) * op.bitScale;
        return ceilToCycles(double(n) * (ctx.weightBitsPerValue * op.bitScale) / ctx.mainMemoryBitsPerCycle);
    case OpCode::StoreActivation: // (M2)
        t.activationStoreElements += double(n) * op.bitScale;
        return ceilToCycles(double(n) * (ctx.activationBitsPerValue * op.bitScale) / ctx.bufferBitsPerCycle);
    case OpCode::StoreWeight: // (M2) QUIRK 11: "overwrite" stores cost full cycles and energy
        t.weightStoreElements += double(n) * op.bitScale;
        return ceilToCycles(double(n) * (ctx.weightBitsPerValue * op.bitScale) / ctx.bufferBitsPerCycle);
    case OpCode::MatMul:
    case OpCode::Conv: { // (C1), (C2); QUIRK 12: no (C3) outside head groups
        const OpCharge c = op.code == OpCode::MatMul ? matMulCharge(ctx, op) : convCharge(ctx, op);
        t.macCycles += c.cycles;
        return c.cycles;
    }
    case OpCode::Softmax: { // (C4); never lowered outside a group
        const OpCharge c = reductionCharge(ctx, op, ctx.softmaxUnits);
        staleTiles = c.tiles;
        t.softmaxCycles += c.cycles;
        return c.cycles;
    }
    case OpCode::LayerNorm: { // (C5)
        const OpCharge c = reductionCharge(ctx, op, ctx.layerNormUnits);
        staleTiles = c.tiles;
        t.layerNormCycles += c.cycles;
        return c.cycles;
    }
    case OpCode::Nonlinearity: // (C6) QUIRK 4: the tile count of the last LN / softmax, not its own
        t.macCycles += staleTiles;
        return staleTiles;
    }
    return 0;
}

OpKind opKindOf(OpCode code) {
    switch (code) {
    case OpCode::Load:
        return OpKind::Load;
    case OpCode::StoreActivation:
    case OpCode::StoreWeight:
        return OpKind::Store;
    case OpCode::MatMul:
        return OpKind::MatMul;
    case OpCode::Conv:
        return OpKind::Convolution;
    case OpCode::Softmax:
        return OpKind::Softmax;
    case OpCode::LayerNorm:
        return OpKind::LayerNorm;
    case OpCode::Nonlinearity:
        return OpKind::Nonlinearity;
    }
    return OpKind::MatMul;
}

std::string formatNumber(const char* format, double value) {
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

double clampedFraction(std::int64_t busy, std::int64_t total) {
    if (total <= 0)
        return 0;
    return std::clamp(double(busy) / double(total), 0.0, 1.0);
}

bool isFraction(double v) {
    return v >= 0.0 && v <= 1.0;
}

} // namespace

// ---------------------------------------------------------------------------------------

double AcceltranFastRecord::dynamicNJ() const {
    return bufferNJ + mainMemoryNJ + macLanes.dynamic + softmax.dynamic + layerNorm.dynamic + sparsity.dynamic +
           others.dynamic;
}

double AcceltranFastRecord::leakageNJ() const {
    return macLanes.leakage + softmax.leakage + layerNorm.leakage + sparsity.leakage + others.leakage;
}

AcceltranFastModel::AcceltranFastModel(const TransformerSpec& model, const TechnologyLibrary& technology,
                                       const SimOptions& options)
    : m_technology(technology), m_options(options) {
    // With a measured profile the reference's single value per kind is the profile's mean.
    // Zero-skipping in a backward matmul acts on the incoming gradient δ, so s_g is the
    // mean activation gradient sparsity.
    const SparsitySettings& s = options.sparsity;
    if (s.profile && !s.profile->layers.empty()) {
        const LayerSparsity mean = s.profile->mean();
        m_sparsity = {mean.activation, mean.weight, mean.activationGradient};
    } else {
        m_sparsity = {s.activation, s.weight, s.gradient};
    }

    for (const ValidationError& e : validate(model))
        m_setupErrors.push_back("model: " + e.toString());
    for (const ValidationError& e : validate(technology))
        m_setupErrors.push_back("technology table: " + e.toString());
    if (options.task.sequenceLength < 1)
        m_setupErrors.push_back("task.sequenceLength: must be at least 1, got " +
                                std::to_string(options.task.sequenceLength));
    if (options.task.vocabularySize < 0)
        m_setupErrors.push_back("task.vocabularySize: must be at least 0, got " +
                                std::to_string(options.task.vocabularySize));
    auto fraction = [&](const char* field, double v) {
        if (!isFraction(v))
            m_setupErrors.push_back(std::string("sparsity.") + field + ": must be a fraction from 0 to 1, got " +
                                    std::to_string(v));
    };
    fraction("activation", m_sparsity.activation);
    fraction("weight", m_sparsity.weight);
    fraction("gradient", m_sparsity.gradient);

    // Issue 15: per-tensor bits (precision_bits.h); a precision the data path cannot hold is a
    // reason like the others.
    const PrecisionBits precision(model.compression, technology.bitsPerValue(), options.mode);
    for (const std::string& problem : precision.problems())
        m_setupErrors.push_back("model: " + problem);
    if (s.profile) // issue 15: a profile measured at other bits is not this model's
        for (const ValidationError& e : checkProfileBits(*s.profile, model.compression, model.layerCount(), model.name))
            m_setupErrors.push_back("sparsity profile: " + e.toString());

    if (m_setupErrors.empty())
        m_lowering = std::make_shared<const Lowering>(lowerModel(model, options.task, options.mode, precision));
}

SimResult AcceltranFastModel::evaluate(const AcceleratorSpec& a) const {
    SimResult r;
    r.costModel = CostModelKind::AcceltranFast;
    r.mode = m_options.mode;
    r.clockMHz = m_technology.clockMHz;

    // Section 8: invalid inputs are reported as infeasible results with every reason.
    std::vector<std::string> reasons = m_setupErrors;
    for (const ValidationError& e : validate(a, &m_technology))
        reasons.push_back("accelerator: " + e.toString());
    if (a.tileX != a.tileY)
        reasons.push_back("accelerator: tile.tileY: the reference requires tileX == tileY, got tileX " +
                          std::to_string(a.tileX) + " and tileY " + std::to_string(a.tileY));
    if (!reasons.empty()) {
        r.feasible = false;
        r.infeasibleReasons = std::move(reasons);
        return r;
    }

    const Lowering& low = *m_lowering;
    const TechnologyLibrary& t = m_technology;
    const bool training = m_options.mode == SimMode::Training;
    const int bits = t.bitsPerValue(); // IL + FL
    r.areaMM2 = acceleratorAreaMM2(a, t, m_options.mode);

    Context ctx;
    ctx.batch = a.batchSize;
    ctx.tileB = a.tileB;
    ctx.tileX = a.tileX;
    ctx.tileY = a.tileY;
    ctx.batchTiles = ceilDiv(a.batchSize, a.tileB);
    ctx.macCount = a.multiplierCount();
    ctx.softmaxUnits = a.softmaxUnitCount();
    ctx.layerNormUnits = a.peCount;
    ctx.weightBitsPerValue = bits * (1.0 - m_sparsity.weight);         // (W1)
    ctx.activationBitsPerValue = bits * (1.0 - m_sparsity.activation); // (W1)
    ctx.keepForward = 1.0 - m_sparsity.activation;                     // (W2)
    ctx.keepBackward = 1.0 - m_sparsity.gradient;                      // (W2), in binary64 as the reference
    ctx.mainMemoryBitsPerCycle = t.mainMemoryBandwidthBitsPerCycle(a.mainMemory.mode); // (W3)
    ctx.bufferBitsPerCycle = t.activationBuffer.bandwidthBitsPerCycle;                 // (W3)

    // (E1): the only capacity the reference checks is the embedding table (V + S, H_0)
    // against the weight buffer.
    const std::int64_t embeddingElements = low.embeddingRows * low.embeddingCols;
    // Issue 15: the token table at the embeddings' bits (embeddingScale 1: the reference).
    const double embeddingBitsPerValue = ctx.weightBitsPerValue * low.embeddingScale;
    const double embeddingBits = double(embeddingElements) * embeddingBitsPerValue;
    const double weightBufferBits = a.weightBufferMB * 1024 * 1024 * 8;
    if (weightBufferBits < embeddingBits) {
        r.feasible = false;
        r.infeasibleReasons.push_back(
            "the embedding table (" + std::to_string(low.embeddingRows) + " x " + std::to_string(low.embeddingCols) +
            " values, " + formatNumber("%.0f", embeddingBits) +
            " bits = " + formatNumber("%.2f", embeddingBits / (8.0 * 1024 * 1024)) + " MB at " +
            formatNumber("%g", embeddingBitsPerValue) + " bits per value) does not fit in the weight buffer (" +
            formatNumber("%g", a.weightBufferMB) + " MB = " + formatNumber("%.0f", weightBufferBits) + " bits)");
        return r;
    }

    const double f = t.clockMHz;
    const double lanes = double(a.laneCount());
    const double pes = double(a.peCount);
    const MacLaneVariant& lane = *t.macLane(a.macsPerLane, a.nonlinearity);
    EnergyRates rates;
    rates.macLanePerCycle = scaled(lane.cost, lanes, f);
    rates.softmaxPerCycle = scaled(t.softmaxFor(a.tileX)->cost, double(ctx.softmaxUnits), f);
    rates.layerNormPerCycle = scaled(t.layerNormFor(a.tileX)->cost, double(ctx.layerNormUnits), f);
    const ModuleCost sparsityModules{0, t.preSparsity.dynamicPowerMW + t.postSparsity.dynamicPowerMW,
                                     t.preSparsity.leakagePowerMW + t.postSparsity.leakagePowerMW}; // p_sp (W6)
    rates.sparsityPerTile = scaled(sparsityModules, lanes, f);
    rates.fifoPerTile = scaled(t.fifo, pes, f);
    rates.dataflowPerTile = scaled(t.dataflow, pes, f);
    rates.dmaPerTile = scaled(t.dma, pes, f);
    rates.roundingPerTile = training ? scaled(t.stochasticRounding, pes, f) : EnergyNJ{}; // p_sr (W6)
    const MainMemoryTechnology& memory = *t.mainMemory(a.mainMemory);
    const double mainMemoryBlock = t.mainMemoryBlockElements;                                            // blk (W5)
    rates.mainMemoryPerLoadElement = memory.blockEnergyNJ * (1.0 - m_sparsity.weight) / mainMemoryBlock; // (M1)
    rates.activationBufferPerStoreElement =
        t.activationBuffer.blockEnergyNJ * std::sqrt(a.activationBufferMB) / t.activationBuffer.blockElements; // (W4)
    rates.weightBufferPerStoreElement =
        t.weightBuffer.blockEnergyNJ * std::sqrt(a.weightBufferMB) / t.weightBuffer.blockElements; // (W4)

    // (E2) QUIRK 6: the embedding load costs cycles but no energy.
    const std::int64_t embeddingCycles = ceilToCycles(embeddingBits / ctx.mainMemoryBitsPerCycle);
    std::array<Tally, 2> byPhase{}; // forward, backward
    byPhase[0].cycles = embeddingCycles;

    const bool breakdown = m_options.opBreakdown;
    if (breakdown) {
        r.ops.reserve(low.items.size() + 1);
        OpCost row;
        row.name = "embedding";
        row.kind = OpKind::Embedding;
        row.cycles = row.memoryCycles = embeddingCycles;
        row.bound = Bound::Memory;
        row.mainMemoryBytes = embeddingBits / 8;
        r.ops.push_back(std::move(row));
    }

    // 3.4: memory and compute elements are independent and additive, so the block order
    // walk equals the reference's lockstep walk; only the compute order matters (through R).
    std::int64_t staleTiles = 0; // R of (C6); always set by an LN before the first NL
    for (const Item& item : low.items) {
        Tally delta;
        double macs = 0;
        if (item.group >= 0) {
            const HeadGroup& g = low.groups[item.group];
            delta.cycles = runHeadGroup(g, ctx, delta, staleTiles);
            // (M3) QUIRK 5: the heads' loads and stores cost energy only.
            delta.loadElements += double(ctx.batch) * g.loadElementsPerSequence;
            delta.activationStoreElements += double(ctx.batch) * g.activationStoreElementsPerSequence;
            delta.weightStoreElements += double(ctx.batch) * g.weightStoreElementsPerSequence;
            macs = double(ctx.batch) * g.macsPerSequence;
        } else {
            delta.cycles = runSingleOp(ctx, item.op, delta, staleTiles);
            if (item.op.code == OpCode::MatMul)
                macs = double(ctx.batch) * double(item.op.rows) * double(item.op.inner) * double(item.op.cols);
        }
        byPhase[item.phase == Phase::Forward ? 0 : 1] += delta;
        if (!breakdown)
            continue;
        OpCost row;
        row.name = item.name;
        row.kind = item.group >= 0 ? OpKind::HeadGroup : opKindOf(item.op.code);
        row.phase = item.phase;
        row.layer = item.layer;
        row.cycles = delta.cycles;
        // Loads run at the main-memory bandwidth (M1), stores at the buffer's (M2); group
        // memory traffic takes no time (M3), so a group is compute-bound.
        if (row.kind == OpKind::Load) {
            row.memoryCycles = delta.cycles;
            row.bound = Bound::Memory;
        } else if (row.kind == OpKind::Store) {
            row.bufferCycles = delta.cycles;
            row.bound = Bound::Buffer;
        } else {
            row.computeCycles = delta.cycles;
            row.bound = Bound::Compute;
        }
        row.macs = macs;
        // Bytes as the model charges them: wf bits per value after compression (W1).
        row.mainMemoryBytes = double(delta.loadElements) * ctx.weightBitsPerValue / 8;
        row.bufferBytes = (double(delta.activationStoreElements) * ctx.activationBitsPerValue +
                           double(delta.weightStoreElements) * ctx.weightBitsPerValue) /
                          8;
        row.dynamicEnergyNJ = rates.dynamicNJ(delta);
        r.ops.push_back(std::move(row));
    }

    Tally total = byPhase[0];
    total += byPhase[1];
    r.cycles = total.cycles;
    r.cyclesByPhase[int(Phase::Forward)] = byPhase[0].cycles;
    r.cyclesByPhase[int(Phase::Backward)] = byPhase[1].cycles;
    r.cyclesByPhase[int(Phase::Update)] = 0; // the reference has no optimizer step
    r.energyByPhaseNJ[int(Phase::Forward)] = rates.dynamicNJ(byPhase[0]);
    r.energyByPhaseNJ[int(Phase::Backward)] = rates.dynamicNJ(byPhase[1]);

    // Section 4. QUIRK 12: no buffer or main-memory leakage, nothing for the mask buffer.
    auto set = [&r](ModuleClass m, EnergyNJ e) { r.energyOf(m) = e; };
    set(ModuleClass::MacLanes, times(rates.macLanePerCycle, total.macCycles));
    set(ModuleClass::Softmax, times(rates.softmaxPerCycle, total.softmaxCycles));
    set(ModuleClass::LayerNorm, times(rates.layerNormPerCycle, total.layerNormCycles));
    set(ModuleClass::Sparsity, times(rates.sparsityPerTile, total.groupMacTiles));
    set(ModuleClass::Fifo, times(rates.fifoPerTile, total.groupMacTiles));
    set(ModuleClass::Dataflow, times(rates.dataflowPerTile, total.groupMacTiles));
    set(ModuleClass::Dma, times(rates.dmaPerTile, total.groupMacTiles));
    set(ModuleClass::StochasticRounding, times(rates.roundingPerTile, total.groupMacTiles));
    set(ModuleClass::MainMemory, {rates.mainMemoryPerLoadElement * double(total.loadElements), 0});
    set(ModuleClass::ActivationBuffer,
        {rates.activationBufferPerStoreElement * double(total.activationStoreElements), 0});
    set(ModuleClass::WeightBuffer, {rates.weightBufferPerStoreElement * double(total.weightStoreElements), 0});

    r.utilisation[int(ModuleClass::MacLanes)] = clampedFraction(total.macCycles, total.cycles);
    r.utilisation[int(ModuleClass::Softmax)] = clampedFraction(total.softmaxCycles, total.cycles);
    r.utilisation[int(ModuleClass::LayerNorm)] = clampedFraction(total.layerNormCycles, total.cycles);
    // Peak power is not part of the fast mode: peakPowerMW stays 0.
    return r;
}

AcceltranFastRecord AcceltranFastModel::referenceRecord(const SimResult& r) {
    AcceltranFastRecord rec;
    rec.areaMM2 = r.totalAreaMM2();
    rec.cycles = r.cycles;
    rec.bufferNJ = r.energyOf(ModuleClass::ActivationBuffer).dynamic + r.energyOf(ModuleClass::WeightBuffer).dynamic;
    rec.mainMemoryNJ = r.energyOf(ModuleClass::MainMemory).dynamic;
    rec.macLanes = r.energyOf(ModuleClass::MacLanes);
    rec.softmax = r.energyOf(ModuleClass::Softmax);
    rec.layerNorm = r.energyOf(ModuleClass::LayerNorm);
    rec.sparsity = r.energyOf(ModuleClass::Sparsity);
    for (ModuleClass m :
         {ModuleClass::Fifo, ModuleClass::Dataflow, ModuleClass::Dma, ModuleClass::StochasticRounding}) {
        rec.others.dynamic += r.energyOf(m).dynamic;
        rec.others.leakage += r.energyOf(m).leakage;
    }
    return rec;
}

std::unique_ptr<CostModel> makeAcceltranFastModel(const TransformerSpec& model, const TechnologyLibrary& technology,
                                                  const SimOptions& options) {
    return std::make_unique<AcceltranFastModel>(model, technology, options);
}

} // namespace tcw
