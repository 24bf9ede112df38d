// Forward and backward of a FlexiBERT 2.0 transformer. Notation: B batch, S sequence, N = B·S
// token rows, H hidden size of the layer, P width of the fused head projections, D = Σ head
// dims (concatenated head outputs), C classes. Every buffer is row-major with its shape noted.
#include "network.h"

#include "activation_store.h"
#include "dnnl_context.h"
#include "dynaprop.h"
#include "kernels.h"
#include "sparse_backward.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>
#include <span>
#include <stdexcept>

namespace tcw::train {

namespace {

constexpr float kLayerNormEpsilon = 1e-5f;

struct DenseRef {
    std::int64_t w = -1; // [in, out]
    std::int64_t b = -1; // [out]
    int in = 0, out = 0;
    bool present() const { return w >= 0; }
};

// Where one head's tensors live: columns of the fused projection and of the concatenation.
struct HeadPlan {
    HeadType type = HeadType::SaSdp;
    int dim = 0;
    int kernel = 0;         // convolution heads
    std::int64_t qCol = -1; // column offsets in proj [N, P]; -1 when the head has none
    std::int64_t kCol = -1;
    std::int64_t vCol = -1;
    std::int64_t catCol = 0;     // column offset in cat [N, D]
    std::int64_t wmaWeight = -1; // [d, d]
    int convIndex = -1;
    std::int64_t convWeight = -1, convBias = -1, gateWeight = -1, gateBias = -1;
};

// Attention heads of one layer with the same type and size: they run as one batched matmul
// per product (batch G·B) over dense copies of their Q, K, V, and one softmax pass. Their
// attention indices are consecutive, so their scores and probabilities form one
// [G, B, S, S] block.
struct AttentionGroup {
    HeadType type = HeadType::SaSdp;
    int dim = 0;                          // d
    int firstAttention = 0;               // attention index of the first head
    int index = 0;                        // into LayerBuffers::groupQkv / groupQw
    std::vector<int> heads;               // into LayerPlan::heads, in attention-index order
    std::vector<std::int64_t> qkvColumns; // proj columns of every head's Q, then K, then V [3G]
    std::vector<std::int64_t> catColumns; // cat columns of every head's output [G]
    std::int64_t size() const { return static_cast<std::int64_t>(heads.size()); }
};

struct LayerPlan {
    int hidden = 0;         // H
    int projWidth = 0;      // P
    int catWidth = 0;       // D
    int attentionCount = 0; // sa_sdp + sa_wma heads
    DenseRef proj;          // H → P (all heads' Q, K, V projections fused)
    DenseRef out;           // D → H
    std::int64_t ln1Gamma = -1, ln1Beta = -1, ln2Gamma = -1, ln2Beta = -1; // [H]
    std::vector<DenseRef> ff;                                              // H → f0 → … → H
    DenseRef next; // H → H' when the next layer is wider or narrower
    std::vector<HeadPlan> heads;
    std::vector<AttentionGroup> attentionGroups;
    bool padsValues = false; // transform / convolution heads read V (and K) at padding rows
};

// Activations of one layer kept for the backward pass, sized for the maximum batch.
struct LayerBuffers {
    const float* input = nullptr;               // [N, H] (previous layer's output)
    std::vector<float> proj;                    // [N, P]
    std::vector<std::vector<float>> groupQkv;   // per attention group [3, G, N, d]: dense Q, K, V
    std::vector<std::vector<float>> groupQw;    // per attention group [G, N, d]: Q·W (wma heads only)
    std::vector<float> scores;                  // [A, B, S, S] raw Q·Kᵀ (pruned)
    std::vector<float> probs;                   // [A, B, S, S] softmax (pruned)
    std::vector<std::vector<float>> convKs;     // per conv head [N, d]
    std::vector<std::vector<float>> convKernel; // per conv head [N, k]
    std::vector<float> cat;                     // [N, D]
    std::vector<float> dense;                   // [N, H] output projection (pruned)
    std::vector<float> r1, y1;                  // [N, H] residual sum, layer norm 1
    std::vector<float> mean1, var1;             // [N]
    // Per FF hidden layer [N, f]: the activation's derivative at the pre-activation (all the
    // backward pass needs of it) and the activation.
    std::vector<std::vector<float>> ffDerivative, ffA;
    std::vector<float> ffOut;       // [N, H] last FF dense (pruned)
    std::vector<float> r2, y2;      // [N, H]
    std::vector<float> mean2, var2; // [N]
    std::vector<float> next;        // [N, H'] inter-layer projection (pruned)
    // Issue 15: with activation hooks, the inputs of the Q/K/V projection (0), the first FF
    // layer (2) and the inter-layer projection (3) as the hooks left them (copies: the
    // originals also feed residuals). Empty without hooks.
    std::array<std::vector<float>, 4> hookedInput;

    const float* output() const { return next.empty() ? y2.data() : next.data(); }

    // ---- issue 20: compact storage (activation_store.h) ----
    // Where the pruned tensors are while the layer is computed: its own vectors above, or in
    // compact mode the network's shared work buffer (those vectors are then empty) ...
    struct Views {
        float* proj = nullptr;
        std::vector<float*> qkv; // per attention group
        float* scores = nullptr;
        float* probs = nullptr;
        float* cat = nullptr;
        float* dense = nullptr;
        float* y1 = nullptr;                   // compact: recomputed in the backward pass from r1
        std::vector<float*> ffDerivative, ffA; // per FF hidden layer
        float* ffOut = nullptr;
    } at;
    // ... and, in compact mode, how they are kept for the backward pass, in the pool.
    struct Saved {
        SavedTensor proj, scores, probs, cat, dense, ffOut;
        std::vector<SavedTensor> qkv;          // per attention group
        std::vector<SavedTensor> ffA, ffDeriv; // per FF hidden layer (ffA is the pair when paired)
    } saved;
    // ---- end issue 20 ----
};

// Whether pruning may change activations of this kind in layer l (τ_I > 0) after they are
// computed: then their bf16 copy must be made afterwards, not by the kernel producing them.
bool prunesActivations(const DynaProp* prune, int l, ActivationKind kind) {
    return prune && prune->thresholds().activation[static_cast<std::size_t>(l)][static_cast<std::size_t>(kind)] > 0.0f;
}

} // namespace

struct Network::Impl {
    TransformerSpec spec;
    TaskShape task;
    int maxBatch = 0;
    int S = 0;
    DnnlContext dnnl;

    std::vector<ParamTensor> tensors;
    std::vector<float> params, grads;

    // Embeddings.
    std::int64_t tokenTable = -1; // [V, H0]
    DenseRef patchEmbed;          // P_in → H0
    std::int64_t positions = -1;  // [S, H0]
    std::int64_t embGamma = -1, embBeta = -1;
    DenseRef classifier; // H_L → C
    std::vector<LayerPlan> plans;
    std::map<int, TransformMatrices> transforms; // by size n

    // Saved activations.
    std::vector<float> embSum;          // [N, H0] token/patch + position
    std::vector<float> x0;              // [N, H0] after the embedding layer norm
    std::vector<float> embMean, embVar; // [N]
    std::vector<LayerBuffers> layers;
    std::vector<float> pooled;     // [B, H_L]
    std::vector<float> logits;     // [B, C]
    std::vector<float> classProbs; // [B, C]
    std::vector<float> tokenCount; // [B] real tokens per sequence
    int lastBatch = 0;
    bool lastHasPadding = false;
    // ---- issue 20: compact storage ----
    // Requested by setCompressSavedActivations; in force (compact) with f32 matmuls (the bf16
    // copies are cached by address, and compact mode reuses addresses across layers). Compact:
    // the pruned tensors of the layer being computed live in `work`, and what the backward
    // pass needs of them is kept compressed in `pool` (activation_store.h).
    bool compressRequested = false;
    bool compact = false;
    bool storageReady = false;   // the per-layer vectors or the work buffer and pool are sized
    bool keepForBackward = true; // of the last forward: compact mode saved nothing otherwise
    ActivationPool pool;
    std::vector<float> work;
    void applyStorageMode(); // at each forward: compact = requested && f32
    void bindViews(int l);   // LayerBuffers::at for layer l
    void saveAttention(int l);
    void saveFeedForward(int l);
    void restoreFeedForward(int l);
    void restoreAttention(int l);
    // ---- end issue 20 ----
    // Issue 20: sparse backward matmuls when gy is sparse enough (sparse_backward.h), and
    // what each layer's calls did ([layer]; the classifier counts as the last layer).
    SparseBackwardConfig sparseBackward;
    SparseRows sparseGy;
    std::vector<float> sparseScratch; // Wᵀ or dWᵀ of a sparse backward call (issue 20), one at a time
    std::vector<BackwardKernelCounts> kernelCounts;
    int kernelLayer = 0; // the layer denseBackward's calls are counted for
    // Whether the last forward zeroed activations (τ_I > 0 or padding rows): only then do
    // gradients need masking by the kept entries (otherwise the masks change nothing).
    bool activationsPruned = false;
    bool maskGradients = false;

    // Scratch shared across layers (sized to the largest layer).
    std::vector<float> transformTmp;                 // [B, S, d_max]
    std::vector<float> gOut, gIn;                    // [N, H_max] gradient w.r.t. layer output / input
    std::vector<float> gY2, gR2, gR1, gDense, gNext; // [N, H_max]
    std::vector<float> gFfA, gFfB;                   // [N, F_max]
    std::vector<float> gCat;                         // [N, D_max]
    std::vector<float> gProj;                        // [N, P_max]
    std::vector<float> gScores, gProbs;              // [G_max, B, S, S]
    std::vector<float> gQw;                          // [G_max, N, d_max]
    std::vector<float> groupContext;                 // [G_max, N, d_max] context, then its gradient
    std::vector<float> groupGrad;                    // [3, G_max, N, d_max] gradients of Q, K, V
    std::vector<float> gLogits;                      // [B, C]
    // Issue 20: where gFfA … groupGrad are: their vectors, or in compact mode slots of `work`
    // (the feed-forward part's behind its tensors, the attention part's behind its own).
    struct Scratch {
        float *gFfA = nullptr, *gFfB = nullptr, *gCat = nullptr, *gProj = nullptr, *gScores = nullptr,
              *gProbs = nullptr, *groupContext = nullptr, *groupGrad = nullptr;
    } sc;
    std::array<std::int64_t, 8> scratchSizes{}; // of gFfA … groupGrad, in Scratch's order
    std::vector<float> gPooled;                 // [B, H_L]
    std::vector<float> convScratch;
    std::vector<float> normScratch; // layer norm backward: per-block parameter-gradient sums
    // Issue 15: activation hooks (null: none) and the gradient scratch of the hooked inputs.
    ActivationHooks* hooks = nullptr;
    std::vector<float> gHooked;
    // The input a dense layer reads: x itself, or with hooks a copy the hooks changed.
    const float* hookInput(int l, int index, const float* x, std::int64_t cols, LayerBuffers& b) {
        if (!hooks)
            return x;
        std::vector<float>& copy = b.hookedInput[static_cast<std::size_t>(index)];
        copy.assign(x, x + rows() * cols);
        hooks->forward(l, ActivationSite::LinearInput, index, copy.data(), rows(), cols);
        return copy.data();
    }
    // With hooks: the backward of a dense layer whose input was hooked, gx (+)= hook⁻¹(gy · Wᵀ).
    void hookedDenseBackward(int l, int index, const DenseRef& d, LayerBuffers& b, const float* gy, float* gx,
                             bool accumulateGx) {
        const std::int64_t n = rows() * d.in;
        std::vector<float>& x = b.hookedInput[static_cast<std::size_t>(index)];
        gHooked.resize(static_cast<std::size_t>(n));
        denseBackward(d, x.data(), gy, gHooked.data(), false, rows());
        hooks->backward(l, ActivationSite::LinearInput, index, gHooked.data(), x.data(), rows(), d.in);
        for (std::int64_t i = 0; i < n; ++i)
            gx[i] = accumulateGx ? gx[i] + gHooked[static_cast<std::size_t>(i)] : gHooked[static_cast<std::size_t>(i)];
    }

    Impl(const TransformerSpec& s, const TaskShape& t, int maxB);

    std::int64_t addTensor(const std::string& name, std::int64_t rows, std::int64_t cols, int layer, bool decay);
    DenseRef addDense(const std::string& name, int in, int out, int layer);
    void allocate();

    // Layers.
    void denseForward(const DenseRef& d, const float* x, float* y, std::int64_t rows);
    // gxTimes (optional, [rows, in]): gx = (gy · Wᵀ) ⊙ gxTimes, fused into the matmul.
    void denseBackward(const DenseRef& d, const float* x, const float* gy, float* gx, bool accumulateGx,
                       std::int64_t rows, const float* gxTimes = nullptr);
    void embeddingForward(const Batch& batch);
    void embeddingBackward(const Batch& batch, const float* gX0);
    void attentionForward(const LayerPlan& plan, const AttentionGroup& group, LayerBuffers& buf, const Batch& batch,
                          int l, DynaProp* prune);
    void attentionBackward(const LayerPlan& plan, const AttentionGroup& group, LayerBuffers& buf, int l,
                           DynaProp* prune);
    void transformHeadForward(const LayerPlan& plan, const HeadPlan& head, LayerBuffers& buf);
    void transformHeadBackward(const LayerPlan& plan, const HeadPlan& head);
    void convHeadForwardAt(const LayerPlan& plan, const HeadPlan& head, LayerBuffers& buf);
    void convHeadBackwardAt(const LayerPlan& plan, const HeadPlan& head, LayerBuffers& buf);
    void layerForward(int l, const Batch& batch, DynaProp* prune);
    // gOut → gIn for layer l.
    void layerBackward(int l, const Batch& batch, DynaProp* prune);
    ForwardResult headForward(const Batch& batch);
    void headBackward(const Batch& batch);

    ConvHeadParams convParams(const HeadPlan& h) const {
        return {params.data() + h.convWeight, params.data() + h.convBias, params.data() + h.gateWeight,
                params.data() + h.gateBias};
    }
    std::int64_t rows() const { return static_cast<std::int64_t>(lastBatch) * S; }
};

Network::Impl::Impl(const TransformerSpec& s, const TaskShape& t, int maxB) : spec(s), task(t), maxBatch(maxB) {
    if (spec.layers.empty())
        throw std::invalid_argument("the model has no layers");
    if (maxBatch <= 0 || task.sequenceLength <= 0 || task.numClasses <= 0)
        throw std::invalid_argument("batch size, sequence length and classes must be positive");
    S = task.sequenceLength;
    const int H0 = spec.layers.front().hiddenSize;
    if (task.patchInputSize > 0)
        patchEmbed = addDense("embedding.patch", task.patchInputSize, H0, 0);
    else
        tokenTable = addTensor("embedding.tokens", task.vocabularySize, H0, 0, true);
    positions = addTensor("embedding.positions", S, H0, 0, false);
    embGamma = addTensor("embedding.norm.gamma", 1, H0, 0, false);
    embBeta = addTensor("embedding.norm.beta", 1, H0, 0, false);

    for (int l = 0; l < spec.layerCount(); ++l) {
        const LayerSpec& ls = spec.layers[static_cast<std::size_t>(l)];
        LayerPlan p;
        p.hidden = ls.hiddenSize;
        const std::string at = "layers." + std::to_string(l);
        // Column layout of the fused projection: each head's Q, K, V (as it has them).
        int col = 0, cat = 0, attention = 0, conv = 0;
        for (const HeadSpec& hs : ls.heads) {
            HeadPlan h;
            h.type = hs.type;
            h.dim = hs.dim;
            const bool qkv = !isTransformHead(hs.type);
            if (qkv) {
                h.qCol = col;
                h.kCol = col + hs.dim;
                h.vCol = col + 2 * hs.dim;
                col += 3 * hs.dim;
            } else {
                h.vCol = col;
                col += hs.dim;
                p.padsValues = true;
            }
            h.catCol = cat;
            cat += hs.dim;
            if (isConvolutionHead(hs.type)) {
                h.kernel = convolutionKernelSize(hs.type);
                h.convIndex = conv++;
                p.padsValues = true;
            }
            p.heads.push_back(h);
        }
        // Attention heads grouped by type and size; each group's attention indices are consecutive.
        for (std::size_t i = 0; i < p.heads.size(); ++i) {
            HeadPlan& h = p.heads[i];
            if (!isAttentionHead(h.type))
                continue;
            auto group = std::find_if(p.attentionGroups.begin(), p.attentionGroups.end(),
                                      [&](const AttentionGroup& g) { return g.type == h.type && g.dim == h.dim; });
            if (group == p.attentionGroups.end()) {
                p.attentionGroups.emplace_back();
                group = std::prev(p.attentionGroups.end());
                group->type = h.type;
                group->dim = h.dim;
                group->index = static_cast<int>(p.attentionGroups.size()) - 1;
            }
            group->heads.push_back(static_cast<int>(i));
        }
        for (AttentionGroup& g : p.attentionGroups) {
            g.firstAttention = attention;
            attention += static_cast<int>(g.size());
            for (const auto column : {&HeadPlan::qCol, &HeadPlan::kCol, &HeadPlan::vCol})
                for (const int i : g.heads)
                    g.qkvColumns.push_back(p.heads[static_cast<std::size_t>(i)].*column);
            for (const int i : g.heads)
                g.catColumns.push_back(p.heads[static_cast<std::size_t>(i)].catCol);
        }
        p.projWidth = col;
        p.catWidth = cat;
        p.attentionCount = attention;
        p.proj = addDense(at + ".heads.proj", p.hidden, p.projWidth, l);
        for (std::size_t i = 0; i < p.heads.size(); ++i) {
            HeadPlan& h = p.heads[i];
            const std::string hn = at + ".heads." + std::to_string(i);
            if (h.type == HeadType::SaWma)
                h.wmaWeight = addTensor(hn + ".wma", h.dim, h.dim, l, true);
            if (h.convIndex >= 0) {
                h.convWeight = addTensor(hn + ".conv.weight", h.dim, h.kernel, l, true);
                h.convBias = addTensor(hn + ".conv.bias", 1, h.dim, l, false);
                h.gateWeight = addTensor(hn + ".gate.weight", h.dim, h.kernel, l, true);
                h.gateBias = addTensor(hn + ".gate.bias", 1, h.kernel, l, false);
            }
        }
        p.out = addDense(at + ".out", p.catWidth, p.hidden, l);
        p.ln1Gamma = addTensor(at + ".norm1.gamma", 1, p.hidden, l, false);
        p.ln1Beta = addTensor(at + ".norm1.beta", 1, p.hidden, l, false);
        int in = p.hidden;
        for (std::size_t f = 0; f < ls.feedForwardSizes.size(); ++f) {
            p.ff.push_back(addDense(at + ".ff." + std::to_string(f), in, ls.feedForwardSizes[f], l));
            in = ls.feedForwardSizes[f];
        }
        if (!ls.feedForwardSizes.empty())
            p.ff.push_back(addDense(at + ".ff." + std::to_string(ls.feedForwardSizes.size()), in, p.hidden, l));
        p.ln2Gamma = addTensor(at + ".norm2.gamma", 1, p.hidden, l, false);
        p.ln2Beta = addTensor(at + ".norm2.beta", 1, p.hidden, l, false);
        if (l + 1 < spec.layerCount() && spec.layers[static_cast<std::size_t>(l) + 1].hiddenSize != p.hidden)
            p.next = addDense(at + ".next", p.hidden, spec.layers[static_cast<std::size_t>(l) + 1].hiddenSize, l);
        plans.push_back(std::move(p));
    }
    classifier = addDense("classifier", spec.layers.back().hiddenSize, task.numClasses, spec.layerCount() - 1);
    params.assign(static_cast<std::size_t>(tensors.back().offset + tensors.back().size()), 0.0f);
    grads.assign(params.size(), 0.0f);
    allocate();
}

std::int64_t Network::Impl::addTensor(const std::string& name, std::int64_t r, std::int64_t c, int layer, bool decay) {
    const std::int64_t offset = tensors.empty() ? 0 : tensors.back().offset + tensors.back().size();
    tensors.push_back({name, offset, r, c, layer, decay});
    return offset;
}

DenseRef Network::Impl::addDense(const std::string& name, int in, int out, int layer) {
    DenseRef d;
    d.in = in;
    d.out = out;
    d.w = addTensor(name + ".weight", in, out, layer, true);
    d.b = addTensor(name + ".bias", 1, out, layer, false);
    return d;
}

void Network::Impl::allocate() {
    const std::size_t N = static_cast<std::size_t>(maxBatch) * S;
    const std::size_t BSS = static_cast<std::size_t>(maxBatch) * S * S;
    const int H0 = spec.layers.front().hiddenSize;
    embSum.resize(N * H0);
    x0.resize(N * H0);
    embMean.resize(N);
    embVar.resize(N);
    std::size_t hMax = 0, fMax = 0, dMax = 0, pMax = 0, headDimMax = 0;
    std::size_t groupMax = 0, groupHeadsMax = 0; // largest attention group: G·N·d elements, G heads
    layers.resize(plans.size());
    for (std::size_t l = 0; l < plans.size(); ++l) {
        const LayerPlan& p = plans[l];
        LayerBuffers& b = layers[l];
        const std::size_t H = p.hidden;
        // proj, groupQkv, scores, probs, cat, dense, ffDerivative, ffA, ffOut: sized at the
        // first forward pass, dense or compact (issue 20: applyStorageMode).
        for (const AttentionGroup& g : p.attentionGroups) {
            const auto groupElements = static_cast<std::size_t>(g.size()) * N * g.dim; // G·N·d
            b.groupQkv.emplace_back();
            b.groupQw.emplace_back(g.type == HeadType::SaWma ? groupElements : 0);
            groupMax = std::max(groupMax, groupElements);
            groupHeadsMax = std::max(groupHeadsMax, static_cast<std::size_t>(g.size()));
        }
        for (const HeadPlan& h : p.heads) {
            headDimMax = std::max<std::size_t>(headDimMax, h.dim);
            if (h.convIndex >= 0) {
                b.convKs.emplace_back(N * h.dim);
                b.convKernel.emplace_back(N * h.kernel);
            }
        }
        for (auto* v : {&b.r1, &b.r2, &b.y2}) // y1: with the pruned tensors (issue 20)
            v->resize(N * H);
        for (auto* v : {&b.mean1, &b.var1, &b.mean2, &b.var2})
            v->resize(N);
        for (std::size_t f = 0; f + 1 < p.ff.size(); ++f) {
            b.ffDerivative.emplace_back();
            b.ffA.emplace_back();
            fMax = std::max<std::size_t>(fMax, p.ff[f].out);
        }
        if (p.next.present())
            b.next.resize(N * p.next.out);
        hMax = std::max({hMax, H, static_cast<std::size_t>(p.next.out)});
        dMax = std::max<std::size_t>(dMax, p.catWidth);
        pMax = std::max<std::size_t>(pMax, p.projWidth);
    }
    const std::size_t C = task.numClasses, HL = spec.layers.back().hiddenSize;
    pooled.resize(maxBatch * HL);
    logits.resize(maxBatch * C);
    classProbs.resize(maxBatch * C);
    tokenCount.resize(maxBatch);
    transformTmp.resize(N * headDimMax);
    for (auto* v : {&gOut, &gIn, &gR2, &gR1, &gDense})
        v->resize(N * hMax);
    // Issue 20: scratch only where some layer uses it (memory is measured): gY2 and gNext with
    // an inter-layer projection, gFfB with two or more FF hidden layers, gQw with wma heads.
    const bool anyNext = std::any_of(plans.begin(), plans.end(), [](const LayerPlan& p) { return p.next.present(); });
    const bool deepFf = std::any_of(plans.begin(), plans.end(), [](const LayerPlan& p) { return p.ff.size() >= 3; });
    const bool anyWma = std::any_of(plans.begin(), plans.end(), [](const LayerPlan& p) {
        return std::any_of(p.heads.begin(), p.heads.end(), [](const HeadPlan& h) { return h.type == HeadType::SaWma; });
    });
    for (auto* v : {&gY2, &gNext})
        v->resize(anyNext ? N * hMax : 0);
    gQw.resize(anyWma ? groupMax : 0);
    // gFfA … groupGrad: vectors or slots of the work buffer, sized at the first forward pass.
    scratchSizes = {static_cast<std::int64_t>(N * fMax),
                    static_cast<std::int64_t>(deepFf ? N * fMax : 0),
                    static_cast<std::int64_t>(N * dMax),
                    static_cast<std::int64_t>(N * pMax),
                    static_cast<std::int64_t>(BSS * groupHeadsMax),
                    static_cast<std::int64_t>(BSS * groupHeadsMax),
                    static_cast<std::int64_t>(groupMax),
                    static_cast<std::int64_t>(3 * groupMax)};
    gLogits.resize(maxBatch * C);
    gPooled.resize(maxBatch * HL);
    for (const LayerPlan& p : plans)
        for (const HeadPlan& h : p.heads)
            if (isTransformHead(h.type)) {
                transforms.try_emplace(S, makeTransformMatrices(S));
                transforms.try_emplace(h.dim, makeTransformMatrices(h.dim));
            }
}

// ---- dense (matmul) layers -------------------------------------------------------------

void Network::Impl::denseForward(const DenseRef& d, const float* x, float* y, std::int64_t n) {
    // y [n, out] = x [n, in] · W [in, out] + b
    dnnl.matmul(dense(x, n, d.in), dense(params.data() + d.w, d.in, d.out), dense(y, n, d.out), params.data() + d.b,
                1.0f, false, StableAB);
}

void Network::Impl::denseBackward(const DenseRef& d, const float* x, const float* gy, float* gx, bool accumulateGx,
                                  std::int64_t n, const float* gxTimes) {
    // db = Σ_rows gy ; dW [in, out] = xᵀ · gy ; gx [n, in] (+)= gy · Wᵀ. gy is read by both
    // matmuls unchanged: in bf16 mode the bias-gradient pass also writes its bf16 copy, which
    // both share and which is forgotten afterwards.
    const MatView gyV = dense(gy, n, d.out);
    // Issue 20: in f32 the bias pass also counts gy's non-zeros; sparse enough, both matmuls
    // skip its zeros (sparse_backward.h). bf16 matmuls stay dense (oneDNN's).
    BackwardKernelCounts& counts = kernelCounts[static_cast<std::size_t>(kernelLayer)];
    if (sparseBackward.mode != SparseBackwardConfig::Mode::Never && !dnnl.bf16Matmul()) {
        const std::int64_t nonZeros = columnSumsCounting(gy, n, d.out, grads.data() + d.b, sparseGy);
        counts.nonZeros += nonZeros;
        counts.elements += n * d.out;
        if (sparseBackward.mode == SparseBackwardConfig::Mode::Always ||
            double(nonZeros) <= sparseBackward.maxDensity * double(n * d.out)) {
            ++counts.sparseCalls;
            if (sparseBackward.tiled(nonZeros, n * d.out)) { // steptime3: register tiles over unions
                tiledWeightGradient(x, d.in, gy, sparseGy, grads.data() + d.w, sparseScratch);
                if (gx)
                    tiledTimesTransposed(gy, sparseGy, params.data() + d.w, d.in, gx, accumulateGx, gxTimes,
                                         sparseScratch);
                return;
            }
            compressRows(gy, sparseGy);
            sparseWeightGradient(x, d.in, sparseGy, grads.data() + d.w, sparseScratch);
            if (gx)
                sparseTimesTransposed(sparseGy, params.data() + d.w, d.in, gx, accumulateGx, gxTimes, sparseScratch);
            return;
        }
    } else {
        columnSums(gy, n, d.out, d.out, grads.data() + d.b, dnnl.bf16Output(gyV));
    }
    ++counts.denseCalls;
    dnnl.matmul(dense(x, n, d.in).t(), gyV, dense(grads.data() + d.w, d.in, d.out), nullptr, 1.0f, false, StableAB);
    const MatView wT = dense(params.data() + d.w, d.in, d.out).t();
    if (gx && gxTimes)
        dnnl.matmulTimes(gyV, wT, dense(gx, n, d.in), gxTimes, StableAB);
    else if (gx)
        dnnl.matmul(gyV, wT, dense(gx, n, d.in), nullptr, 1.0f, accumulateGx, StableAB);
    dnnl.forgetBf16(gyV);
}

// ---- embeddings --------------------------------------------------------------------------

void Network::Impl::embeddingForward(const Batch& batch) {
    const std::int64_t N = rows();
    const int H0 = spec.layers.front().hiddenSize;
    const float* pos = params.data() + positions; // [S, H0]
    if (patchEmbed.present()) {
        denseForward(patchEmbed, batch.patches.data(), embSum.data(), N);
        for (std::int64_t r = 0; r < N; ++r) {
            float* e = embSum.data() + r * H0;
            const float* p = pos + (r % S) * H0;
            for (int c = 0; c < H0; ++c)
                e[c] += p[c];
        }
    } else {
        for (std::int64_t r = 0; r < N; ++r) {
            const std::int32_t token = batch.tokens[static_cast<std::size_t>(r)];
            if (token < 0 || token >= task.vocabularySize)
                throw std::out_of_range("token id " + std::to_string(token) + " outside the vocabulary");
            const float* t = params.data() + tokenTable + static_cast<std::int64_t>(token) * H0;
            const float* p = pos + (r % S) * H0;
            float* e = embSum.data() + r * H0;
            for (int c = 0; c < H0; ++c)
                e[c] = t[c] + p[c];
        }
    }
    layerNormForward(embSum.data(), nullptr, nullptr, x0.data(), params.data() + embGamma, params.data() + embBeta,
                     embMean.data(), embVar.data(), N, H0, kLayerNormEpsilon, dnnl.bf16Output(dense(x0.data(), N, H0)));
}

void Network::Impl::embeddingBackward(const Batch& batch, const float* gX0) {
    const std::int64_t N = rows();
    const int H0 = spec.layers.front().hiddenSize;
    float* gE = gR1.data(); // [N, H0] scratch
    layerNormBackward(embSum.data(), embMean.data(), embVar.data(), gX0, params.data() + embGamma, gE,
                      grads.data() + embGamma, grads.data() + embBeta, N, H0, kLayerNormEpsilon, normScratch);
    float* gPos = grads.data() + positions; // [S, H0]
    std::fill(gPos, gPos + static_cast<std::int64_t>(S) * H0, 0.0f);
    for (std::int64_t r = 0; r < N; ++r)
        for (int c = 0; c < H0; ++c)
            gPos[(r % S) * H0 + c] += gE[r * H0 + c];
    if (patchEmbed.present()) {
        denseBackward(patchEmbed, batch.patches.data(), gE, nullptr, false, N);
    } else {
        // Sparse scatter into the token table (zeroed once per backward with the rest).
        for (std::int64_t r = 0; r < N; ++r) {
            float* t = grads.data() + tokenTable + static_cast<std::int64_t>(batch.tokens[r]) * H0;
            for (int c = 0; c < H0; ++c)
                t[c] += gE[r * H0 + c];
        }
    }
}

// ---- heads -------------------------------------------------------------------------------

void Network::Impl::attentionForward(const LayerPlan& p, const AttentionGroup& g, LayerBuffers& buf, const Batch& batch,
                                     int l, DynaProp* prune) {
    // Q, K, V of the group's heads are gathered from the fused projection into dense
    // [G, B, S, d] blocks: one batched matmul (batch G·B) per product instead of one per head,
    // and oneDNN's fast (brgemm) batched matmuls want dense operands.
    const std::int64_t B = lastBatch, N = B * S, d = g.dim, G = g.size(), P = p.projWidth, D = p.catWidth;
    const std::int64_t GB = G * B, GN = G * N, BSS = B * S * S;
    float* qAll = buf.at.qkv[static_cast<std::size_t>(g.index)]; // [3, G, N, d]
    float *kAll = qAll + GN * d, *vAll = qAll + 2 * GN * d;
    const std::span<const std::int64_t> columns(g.qkvColumns);
    // In bf16 mode the gathers also write the bf16 copies the attention matmuls read.
    gatherColumns(buf.at.proj, P, columns.subspan(0, G), qAll, N, d, dnnl.bf16Output(dense(qAll, GN, d)));
    gatherColumns(buf.at.proj, P, columns.subspan(G, G), kAll, N, d, dnnl.bf16Output(dense(kAll, GN, d)));
    gatherColumns(buf.at.proj, P, columns.subspan(2 * G, G), vAll, N, d, dnnl.bf16Output(dense(vAll, GN, d)));
    if (hooks) // issue 15
        for (int c = 0; c < 3; ++c)
            hooks->forward(l, ActivationSite::QueryKeyValue, 3 * g.index + c, qAll + c * GN * d, GN, d);
    MatView q{qAll, GB, S, d, S * d, d, 1}; // [G·B, S, d]
    const MatView k{kAll, GB, S, d, S * d, d, 1};
    const MatView v{vAll, GB, S, d, S * d, d, 1};
    if (g.type == HeadType::SaWma) {
        float* qw = buf.groupQw[static_cast<std::size_t>(g.index)].data(); // [G, N, d]: head i's Q · W_i
        for (std::int64_t i = 0; i < G; ++i) {
            const HeadPlan& h = p.heads[static_cast<std::size_t>(g.heads[static_cast<std::size_t>(i)])];
            dnnl.matmul(dense(qAll + i * N * d, N, d), dense(params.data() + h.wmaWeight, d, d),
                        dense(qw + i * N * d, N, d), nullptr, 1.0f, false, StableAB);
        }
        q = {qw, GB, S, d, S * d, d, 1};
    }
    float* scores = buf.at.scores + g.firstAttention * BSS; // [G, B, S, S]
    float* probs = buf.at.probs + g.firstAttention * BSS;   // [G, B, S, S]
    dnnl.matmul(q, k.t(), {scores, GB, S, S, S * S, S, 1}, nullptr, 1.0f, false, StableAB);
    if (prune)
        prune->pruneActivation(l, ActivationKind::Scores, scores, G * BSS);
    // probs = softmax(scores / √d, padding keys masked), in one pass.
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    // In bf16 mode the kernel also writes the bf16 copy that P·V and Pᵀ·gCtx read, unless
    // pruning may still change the probabilities.
    const MatView probsV{probs, GB, S, S, S * S, S, 1};
    std::uint16_t* probsBf16 =
        prunesActivations(prune, l, ActivationKind::Probabilities) ? nullptr : dnnl.bf16Output(probsV);
    attentionSoftmax(scores, lastHasPadding ? batch.mask.data() : nullptr, probs, GB, S, S, scale, probsBf16, B);
    if (prune)
        prune->pruneActivation(l, ActivationKind::Probabilities, probs, G * BSS);
    if (hooks) // issue 15
        hooks->forward(l, ActivationSite::AttentionProbabilities, g.index, probs, GB * S, S);
    // context [G, B, S, d] = P · V, then into the heads' columns of cat
    dnnl.matmul(probsV, v, {sc.groupContext, GB, S, d, S * d, d, 1}, nullptr, 1.0f, false, StableAB);
    scatterColumns(sc.groupContext, g.catColumns, buf.at.cat, D, N, d);
}

void Network::Impl::attentionBackward(const LayerPlan& p, const AttentionGroup& g, LayerBuffers& buf, int l,
                                      DynaProp* prune) {
    const std::int64_t B = lastBatch, N = B * S, d = g.dim, G = g.size(), P = p.projWidth, D = p.catWidth;
    const std::int64_t GB = G * B, GN = G * N, BSS = B * S * S;
    const float* qAll = buf.at.qkv[static_cast<std::size_t>(g.index)]; // [3, G, N, d]
    const MatView q{qAll, GB, S, d, S * d, d, 1};
    const MatView k{qAll + GN * d, GB, S, d, S * d, d, 1};
    const MatView v{qAll + 2 * GN * d, GB, S, d, S * d, d, 1};
    // Gradients of Q, K, V [3, G, N, d], laid out like groupQkv: one scatter into gProj at the end.
    float* gQ = sc.groupGrad;
    float* gK = gQ + GN * d;
    float* gV = gQ + 2 * GN * d;
    const MatView gQV{gQ, GB, S, d, S * d, d, 1}, gKV{gK, GB, S, d, S * d, d, 1}, gVV{gV, GB, S, d, S * d, d, 1};
    const MatView gCtx{sc.groupContext, GB, S, d, S * d, d, 1};
    gatherColumns(sc.gCat, D, g.catColumns, sc.groupContext, N, d, dnnl.bf16Output(dense(gCtx.data, GN, d)));
    const float* scores = buf.at.scores + g.firstAttention * BSS;
    const float* probs = buf.at.probs + g.firstAttention * BSS;
    const MatView probsV{probs, GB, S, S, S * S, S, 1};
    const MatView gProbsV{sc.gProbs, GB, S, S, S * S, S, 1};
    const MatView gScoresV{sc.gScores, GB, S, S, S * S, S, 1};
    // gCtx and gS are each read by two matmuls unchanged: in bf16 mode their producers
    // (the gather above, the softmax backward below) write the bf16 copies, forgotten after use.
    dnnl.matmul(gCtx, v.t(), gProbsV, nullptr, 1.0f, false, StableAB);  // gP [G·B, S, S] = gCtx · Vᵀ
    dnnl.matmul(probsV.t(), gCtx, gVV, nullptr, 1.0f, false, StableAB); // gV [G·B, S, d] = Pᵀ · gCtx
    dnnl.forgetBf16(dense(gCtx.data, GN, d));
    // Softmax backward through the 1/√d scale. Pruned probabilities (P = 0) get no gradient
    // by the formula itself; pruned raw scores are masked.
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    const bool gradsPruned =
        prune && prune->config().pruneActivationGradients && prune->thresholds().activationGradient[l] > 0.0f;
    if (hooks) // issue 15: back to the softmax's own output, which its backward reads
        hooks->backward(l, ActivationSite::AttentionProbabilities, g.index, sc.gProbs, const_cast<float*>(probs),
                        GB * S, S);
    attentionSoftmaxBackward(probs, sc.gProbs, activationsPruned ? scores : nullptr, sc.gScores, GB * S, S, scale,
                             gradsPruned ? nullptr : dnnl.bf16Output(gScoresV));
    if (prune)
        prune->pruneActivationGradient(l, sc.gScores, G * BSS);
    if (g.type == HeadType::SaSdp) {
        dnnl.matmul(gScoresV, k, gQV, nullptr, 1.0f, false, StableAB);     // gQ = gS · K
        dnnl.matmul(gScoresV.t(), q, gKV, nullptr, 1.0f, false, StableAB); // gK = gSᵀ · Q
        dnnl.forgetBf16(gScoresV);
    } else {
        const float* qw = buf.groupQw[static_cast<std::size_t>(g.index)].data();
        const MatView qwV{qw, GB, S, d, S * d, d, 1};
        const MatView gQwV{gQw.data(), GB, S, d, S * d, d, 1};
        dnnl.matmul(gScoresV.t(), qwV, gKV, nullptr, 1.0f, false, StableAB); // gK = gSᵀ · (QW)
        dnnl.matmul(gScoresV, k, gQwV, nullptr, 1.0f, false, StableAB);      // g(QW) = gS · K
        dnnl.forgetBf16(gScoresV);
        for (std::int64_t i = 0; i < G; ++i) {
            const HeadPlan& h = p.heads[static_cast<std::size_t>(g.heads[static_cast<std::size_t>(i)])];
            const MatView gQwi = dense(gQw.data() + i * N * d, N, d);
            dnnl.matmul(dense(qAll + i * N * d, N, d).t(), gQwi, dense(grads.data() + h.wmaWeight, d, d), nullptr, 1.0f,
                        false, StableA); // dW_i = Q_iᵀ · g(QW)_i
            dnnl.matmul(gQwi, dense(params.data() + h.wmaWeight, d, d).t(), dense(gQ + i * N * d, N, d)); // gQ_i
        }
    }
    if (hooks) // issue 15
        for (int c = 0; c < 3; ++c)
            hooks->backward(l, ActivationSite::QueryKeyValue, 3 * g.index + c, gQ + c * GN * d,
                            const_cast<float*>(qAll) + c * GN * d, GN, d);
    scatterColumns(gQ, g.qkvColumns, sc.gProj, P, N, d);
}

void Network::Impl::transformHeadForward(const LayerPlan& p, const HeadPlan& h, LayerBuffers& buf) {
    // out [B, S, d] = Re(F_S · V · F_d)/√(S·d) (l_dft) or D_S · V · D_dᵀ (l_dct)
    const std::int64_t B = lastBatch, d = h.dim, P = p.projWidth, D = p.catWidth;
    const MatView v{buf.at.proj + h.vCol, B, S, d, S * P, P, 1};
    const MatView tmp{transformTmp.data(), B, S, d, S * d, d, 1};
    const MatView out{buf.at.cat + h.catCol, B, S, d, S * D, D, 1};
    const TransformMatrices& ts = transforms.at(S);
    const TransformMatrices& td = transforms.at(static_cast<int>(d));
    if (h.type == HeadType::LDft) {
        const float alpha = 1.0f / std::sqrt(static_cast<float>(S * d));
        dnnl.matmul(v, dense(td.cosine.data(), d, d), tmp);
        dnnl.matmul(dense(ts.cosine.data(), S, S), tmp, out, nullptr, alpha);
        dnnl.matmul(v, dense(td.sine.data(), d, d), tmp);
        dnnl.matmul(dense(ts.sine.data(), S, S), tmp, out, nullptr, -alpha, true);
    } else {
        dnnl.matmul(v, dense(td.dct.data(), d, d).t(), tmp);
        dnnl.matmul(dense(ts.dct.data(), S, S), tmp, out);
    }
}

void Network::Impl::transformHeadBackward(const LayerPlan& p, const HeadPlan& h) {
    // The DFT real part is self-adjoint (symmetric cos and sin); the DCT's adjoint is D_Sᵀ·g·D_d.
    const std::int64_t B = lastBatch, d = h.dim, P = p.projWidth, D = p.catWidth;
    const MatView gOutV{sc.gCat + h.catCol, B, S, d, S * D, D, 1};
    const MatView tmp{transformTmp.data(), B, S, d, S * d, d, 1};
    const MatView gv{sc.gProj + h.vCol, B, S, d, S * P, P, 1};
    const TransformMatrices& ts = transforms.at(S);
    const TransformMatrices& td = transforms.at(static_cast<int>(d));
    if (h.type == HeadType::LDft) {
        const float alpha = 1.0f / std::sqrt(static_cast<float>(S * d));
        dnnl.matmul(gOutV, dense(td.cosine.data(), d, d), tmp);
        dnnl.matmul(dense(ts.cosine.data(), S, S), tmp, gv, nullptr, alpha);
        dnnl.matmul(gOutV, dense(td.sine.data(), d, d), tmp);
        dnnl.matmul(dense(ts.sine.data(), S, S), tmp, gv, nullptr, -alpha, true);
    } else {
        dnnl.matmul(gOutV, dense(td.dct.data(), d, d), tmp);
        dnnl.matmul(dense(ts.dct.data(), S, S).t(), tmp, gv);
    }
}

void Network::Impl::convHeadForwardAt(const LayerPlan& p, const HeadPlan& h, LayerBuffers& buf) {
    const ConvHeadShape shape{lastBatch, S, h.dim, h.kernel, p.projWidth, p.catWidth};
    const float* proj = buf.at.proj;
    convHeadForward(shape, convParams(h), proj + h.qCol, proj + h.kCol, proj + h.vCol,
                    buf.convKs[static_cast<std::size_t>(h.convIndex)].data(),
                    buf.convKernel[static_cast<std::size_t>(h.convIndex)].data(), buf.at.cat + h.catCol);
}

void Network::Impl::convHeadBackwardAt(const LayerPlan& p, const HeadPlan& h, LayerBuffers& buf) {
    const ConvHeadShape shape{lastBatch, S, h.dim, h.kernel, p.projWidth, p.catWidth};
    const float* proj = buf.at.proj;
    const ConvHeadGrads g{grads.data() + h.convWeight, grads.data() + h.convBias, grads.data() + h.gateWeight,
                          grads.data() + h.gateBias};
    convHeadBackward(shape, convParams(h), proj + h.qCol, proj + h.kCol, proj + h.vCol,
                     buf.convKs[static_cast<std::size_t>(h.convIndex)].data(),
                     buf.convKernel[static_cast<std::size_t>(h.convIndex)].data(), sc.gCat + h.catCol,
                     sc.gProj + h.qCol, sc.gProj + h.kCol, sc.gProj + h.vCol, g, convScratch);
}

// ---- one encoder layer -------------------------------------------------------------------

void Network::Impl::layerForward(int l, const Batch& batch, DynaProp* prune) {
    const LayerPlan& p = plans[static_cast<std::size_t>(l)];
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    const std::int64_t N = rows(), H = p.hidden;
    auto pruneAct = [&](ActivationKind kind, float* x, std::int64_t n) {
        if (prune)
            prune->pruneActivation(l, kind, x, n);
    };
    bindViews(l); // issue 20
    // Heads: fused Q/K/V projection, then each head writes its columns of cat.
    denseForward(p.proj, hookInput(l, 0, b.input, H, b), b.at.proj, N); // issue 15: hooked input
    pruneAct(ActivationKind::Projection, b.at.proj, N * p.projWidth);
    if (p.padsValues && lastHasPadding)
        for (const HeadPlan& h : p.heads)
            if (!isAttentionHead(h.type)) {
                zeroPaddingRows(b.at.proj + h.vCol, batch.mask.data(), N, h.dim, p.projWidth);
                if (h.kCol >= 0)
                    zeroPaddingRows(b.at.proj + h.kCol, batch.mask.data(), N, h.dim, p.projWidth);
            }
    for (const AttentionGroup& g : p.attentionGroups)
        attentionForward(p, g, b, batch, l, prune);
    for (const HeadPlan& h : p.heads) {
        if (isAttentionHead(h.type))
            continue;
        if (isTransformHead(h.type))
            transformHeadForward(p, h, b);
        else
            convHeadForwardAt(p, h, b);
    }
    pruneAct(ActivationKind::Context, b.at.cat, N * p.catWidth);
    if (hooks) // issue 15
        hooks->forward(l, ActivationSite::LinearInput, 1, b.at.cat, N, p.catWidth);
    // Output projection, residual, post-norm.
    denseForward(p.out, b.at.cat, b.at.dense, N);
    pruneAct(ActivationKind::Dense, b.at.dense, N * H);
    if (compact &&
        keepForBackward) // issue 20: the attention part's tensors into the pool; the FF part reuses their work space
        saveAttention(l);
    // r1 = dense + input and its layer norm in one pass (also y1's bf16 copy for the FF matmuls).
    layerNormForward(b.at.dense, b.input, b.r1.data(), b.at.y1, params.data() + p.ln1Gamma, params.data() + p.ln1Beta,
                     b.mean1.data(), b.var1.data(), N, H, kLayerNormEpsilon, dnnl.bf16Output(dense(b.at.y1, N, H)));
    // Feed-forward stack, residual, post-norm. The pre-activation becomes the derivative.
    const float* in = p.ff.empty() ? b.at.y1 : hookInput(l, 2, b.at.y1, H, b); // issue 15
    for (std::size_t f = 0; f + 1 < p.ff.size(); ++f) {
        const std::int64_t width = p.ff[f].out;
        float* z = b.at.ffDerivative[f];
        denseForward(p.ff[f], in, z, N);
        float* a = b.at.ffA[f];
        if (spec.activation == Activation::Gelu)
            geluForwardKeepDerivative(
                z, a, N * width,
                prunesActivations(prune, l, ActivationKind::Dense) ? nullptr : dnnl.bf16Output(dense(a, N, width)));
        else
            reluForwardKeepDerivative(z, a, N * width);
        pruneAct(ActivationKind::Dense, a, N * width);
        if (hooks) // issue 15
            hooks->forward(l, ActivationSite::FeedForwardHidden, int(f), a, N, width);
        in = a;
    }
    if (!p.ff.empty()) {
        denseForward(p.ff.back(), in, b.at.ffOut, N);
        pruneAct(ActivationKind::Dense, b.at.ffOut, N * H);
        layerNormForward(b.at.ffOut, b.at.y1, b.r2.data(), b.y2.data(), params.data() + p.ln2Gamma,
                         params.data() + p.ln2Beta, b.mean2.data(), b.var2.data(), N, H, kLayerNormEpsilon,
                         dnnl.bf16Output(dense(b.y2.data(), N, H)));
        if (compact && keepForBackward) // issue 20
            saveFeedForward(l);
    } else {
        std::copy(b.at.y1, b.at.y1 + N * H, b.r2.begin());
        layerNormForward(b.r2.data(), nullptr, nullptr, b.y2.data(), params.data() + p.ln2Gamma,
                         params.data() + p.ln2Beta, b.mean2.data(), b.var2.data(), N, H, kLayerNormEpsilon,
                         dnnl.bf16Output(dense(b.y2.data(), N, H)));
    }
    if (p.next.present()) {
        denseForward(p.next, hookInput(l, 3, b.y2.data(), H, b), b.next.data(), N); // issue 15: hooked input
        pruneAct(ActivationKind::Dense, b.next.data(), N * p.next.out);
    }
    if (hooks) // issue 15: observed (distillation)
        hooks->forward(l, ActivationSite::LayerOutput, 0, const_cast<float*>(b.output()), N,
                       p.next.present() ? p.next.out : H);
}

void Network::Impl::layerBackward(int l, const Batch& batch, DynaProp* prune) {
    (void)batch;
    const LayerPlan& p = plans[static_cast<std::size_t>(l)];
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    const std::int64_t N = rows(), H = p.hidden;
    auto pruneGrad = [&](float* g, std::int64_t n) {
        if (prune)
            prune->pruneActivationGradient(l, g, n);
    };
    bindViews(l); // issue 20
    if (hooks) // issue 15: e.g. a distillation loss's gradient on the layer's output
        hooks->backward(l, ActivationSite::LayerOutput, 0, gOut.data(), nullptr, N, p.next.present() ? p.next.out : H);
    // Inter-layer projection: gOut [N, H'] → gY2 [N, H].
    const float* gY2p = gOut.data();
    if (p.next.present()) {
        const std::int64_t Hn = p.next.out;
        copyMaskedByNonZero(gOut.data(), b.next.data(), gNext.data(), N * Hn);
        pruneGrad(gNext.data(), N * Hn);
        if (hooks) // issue 15
            hookedDenseBackward(l, 3, p.next, b, gNext.data(), gY2.data(), false);
        else
            denseBackward(p.next, b.y2.data(), gNext.data(), gY2.data(), false, N);
        gY2p = gY2.data();
    }
    // Post-norm 2: gY2 → gR2.
    layerNormBackward(b.r2.data(), b.mean2.data(), b.var2.data(), gY2p, params.data() + p.ln2Gamma, gR2.data(),
                      grads.data() + p.ln2Gamma, grads.data() + p.ln2Beta, N, H, kLayerNormEpsilon, normScratch);
    // Gradients below pass through unchanged (no masks, no τ_T changes) unless the forward
    // zeroed activations or τ_T > 0 here: then a scratch copy is masked and pruned.
    const bool gradsPruned =
        prune && prune->config().pruneActivationGradients && prune->thresholds().activationGradient[l] > 0.0f;
    const bool copyGrads = maskGradients || gradsPruned;
    // Feed-forward stack: gR2 → gY1 = gR2 (residual) + the stack's input gradient, which is
    // accumulated into gR2 itself once the stack has consumed it.
    float* gY1p = gR2.data();
    if (!p.ff.empty()) {
        const float* gy = gR2.data();
        if (copyGrads) {
            if (compact) // issue 20: the mask's bitmap
                copyMaskedByBits(gR2.data(), b.saved.ffOut, gDense.data());
            else
                copyMaskedByNonZero(gR2.data(), b.at.ffOut, gDense.data(), N * H);
            gy = gDense.data();
        }
        pruneGrad(const_cast<float*>(gy), N * H); // with τ_T = 0 this only counts zeros
        if (compact) // issue 20: a and f'(z) back from the pool (f'(z) masked by a ≠ 0 already)
            restoreFeedForward(l);
        for (std::size_t f = p.ff.size(); f-- > 0;) {
            const bool first = f == 0;
            const float* x = first ? b.at.y1 : b.at.ffA[f - 1];
            if (first) {
                if (hooks) // issue 15
                    hookedDenseBackward(l, 2, p.ff[f], b, gy, gY1p, true);
                else
                    denseBackward(p.ff[f], x, gy, gY1p, true, N);
                break;
            }
            // g wrt the pre-activation [N, width] = (gy · Wᵀ) ⊙ f'(z) ⊙ (a ≠ 0), in one matmul
            // into whichever of gFfA / gFfB does not hold gy. Pruned activations (a = 0) pass
            // no gradient: their derivative is zeroed first.
            const std::int64_t width = p.ff[f].in;
            float* derivative = b.at.ffDerivative[f - 1];
            if (maskGradients && !compact)
                maskByNonZero(derivative, x, N * width);
            float* gZ = gy == sc.gFfA ? sc.gFfB : sc.gFfA;
            if (hooks) { // issue 15: the hook between gy · Wᵀ and the activation's derivative
                denseBackward(p.ff[f], x, gy, gZ, false, N);
                hooks->backward(l, ActivationSite::FeedForwardHidden, int(f - 1), gZ, b.at.ffA[f - 1], N, width);
                if (maskGradients) // by the restored activations
                    maskByNonZero(derivative, x, N * width);
                for (std::int64_t i = 0; i < N * width; ++i)
                    gZ[i] *= derivative[i];
                pruneGrad(gZ, N * width);
                gy = gZ;
                continue;
            }
            denseBackward(p.ff[f], x, gy, gZ, false, N, derivative);
            pruneGrad(gZ, N * width);
            gy = gZ;
        }
    }
    // Post-norm 1: gY1 → gR1.
    layerNormBackward(b.r1.data(), b.mean1.data(), b.var1.data(), gY1p, params.data() + p.ln1Gamma, gR1.data(),
                      grads.data() + p.ln1Gamma, grads.data() + p.ln1Beta, N, H, kLayerNormEpsilon, normScratch);
    if (compact) // issue 20: the attention part's tensors back into the work space
        restoreAttention(l);
    // Output projection: gR1 → gCat.
    const float* gOutProj = gR1.data();
    if (copyGrads) {
        if (compact) // issue 20
            copyMaskedByBits(gR1.data(), b.saved.dense, gDense.data());
        else
            copyMaskedByNonZero(gR1.data(), b.at.dense, gDense.data(), N * H);
        gOutProj = gDense.data();
    }
    pruneGrad(const_cast<float*>(gOutProj), N * H);
    denseBackward(p.out, b.at.cat, gOutProj, sc.gCat, false, N);
    if (hooks) // issue 15
        hooks->backward(l, ActivationSite::LinearInput, 1, sc.gCat, b.at.cat, N, p.catWidth);
    if (maskGradients)
        maskByNonZero(sc.gCat, b.at.cat, N * p.catWidth);
    pruneGrad(sc.gCat, N * p.catWidth);
    // Heads: gCat → gProj.
    for (const AttentionGroup& g : p.attentionGroups)
        attentionBackward(p, g, b, l, prune);
    for (const HeadPlan& h : p.heads) {
        if (isAttentionHead(h.type))
            continue;
        if (isTransformHead(h.type))
            transformHeadBackward(p, h);
        else
            convHeadBackwardAt(p, h, b);
    }
    // Pruned and padding-zeroed projections pass no gradient.
    if (maskGradients && compact && b.saved.proj.form == SavedTensor::Form::Mask) // issue 20
        maskByBits(sc.gProj, b.saved.proj);
    else if (maskGradients)
        maskByNonZero(sc.gProj, b.at.proj, N * p.projWidth);
    pruneGrad(sc.gProj, N * p.projWidth);
    // gIn [N, H] = gR1 (residual) + gProj · Wpᵀ, accumulated into gR1, which becomes gIn.
    if (hooks) // issue 15
        hookedDenseBackward(l, 0, p.proj, b, sc.gProj, gR1.data(), true);
    else
        denseBackward(p.proj, b.input, sc.gProj, gR1.data(), true, N);
    std::swap(gIn, gR1);
}

// ---- issue 20: compact storage of the saved activations ----------------------------------
// Compact mode keeps, per layer, only what the backward pass reads of the pruned tensors, in
// the pool: Q/K/V, probabilities and the context as bitmap + non-zeros, the feed-forward
// activation with its derivative as one pair (the derivative is needed only where the
// activation is kept), and the tensors read only as masks (projection of attention-only layers,
// raw scores, dense and FF outputs) as bitmaps. The layer being computed uses one work buffer
// shared by all layers: the attention part's tensors from its start, then (once they are
// saved) the feed-forward part's. The backward pass restores them there, in the same order.

namespace {

// Offsets (floats) into the work buffer for one layer with N rows and B·S·S score entries.
struct WorkLayout {
    std::int64_t proj = 0, scores = 0, probs = 0, cat = 0, dense = 0, attentionEnd = 0;
    std::vector<std::int64_t> qkv;
    std::vector<std::int64_t> ffDerivative, ffA;
    std::int64_t y1 = 0, ffOut = 0, ffEnd = 0;
};

WorkLayout workLayout(const LayerPlan& p, std::int64_t N, std::int64_t BSS) {
    WorkLayout w;
    std::int64_t at = 0;
    auto take = [&](std::int64_t n) {
        const std::int64_t here = at;
        at += (n + 15) / 16 * 16; // 64-byte steps
        return here;
    };
    w.proj = take(N * p.projWidth);
    for (const AttentionGroup& g : p.attentionGroups)
        w.qkv.push_back(take(3 * g.size() * N * g.dim));
    w.scores = take(BSS * p.attentionCount);
    w.probs = take(BSS * p.attentionCount);
    w.cat = take(N * p.catWidth);
    w.dense = take(N * p.hidden);
    w.attentionEnd = at;
    // The FF part starts with y1, which layer norm 1 writes while reading `dense`: from 0 where
    // it ends before `dense`, otherwise after the attention part.
    at = (N * p.hidden + 15) / 16 * 16 <= w.dense ? 0 : w.attentionEnd;
    w.y1 = take(N * p.hidden);
    for (std::size_t f = 0; f + 1 < p.ff.size(); ++f) {
        w.ffDerivative.push_back(take(N * p.ff[f].out));
        w.ffA.push_back(take(N * p.ff[f].out));
    }
    w.ffOut = take(N * p.hidden);
    w.ffEnd = at;
    return w;
}

bool hasConvolutionHeads(const LayerPlan& p) {
    return std::any_of(p.heads.begin(), p.heads.end(), [](const HeadPlan& h) { return h.convIndex >= 0; });
}

} // namespace

void Network::Impl::applyStorageMode() {
    // Compact storage holds f32 tensors as the forward pass left them; bf16 copies are cached by
    // address, and activation hooks (issue 15: quantizers, distillation) change tensors in place
    // and keep copies of their own, so both keep dense storage.
    const bool want = compressRequested && !dnnl.bf16Matmul() && !hooks;
    if (storageReady && want == compact) {
        if (compact)
            pool.reset();
        return;
    }
    storageReady = true;
    compact = want;
    const std::int64_t N = static_cast<std::int64_t>(maxBatch) * S, BSS = N * S;
    std::int64_t attentionEnd = 0, ffEnd = 0, poolBytes = 1 << 20;
    using Form = SavedTensor::Form;
    for (std::size_t l = 0; l < plans.size(); ++l) {
        const LayerPlan& p = plans[l];
        LayerBuffers& b = layers[l];
        auto size = [&](std::vector<float>& v, std::int64_t n, Form form) {
            if (compact)
                std::vector<float>().swap(v);
            else
                v.assign(static_cast<std::size_t>(n), 0.0f);
            poolBytes += savedTensorMaxBytes(form, n);
        };
        size(b.proj, N * p.projWidth, Form::Sparse);
        for (std::size_t g = 0; g < p.attentionGroups.size(); ++g) {
            const AttentionGroup& group = p.attentionGroups[g];
            size(b.groupQkv[g], 3 * group.size() * N * group.dim, Form::Sparse);
        }
        size(b.scores, BSS * p.attentionCount, Form::Mask);
        size(b.probs, BSS * p.attentionCount, Form::Sparse);
        size(b.cat, N * p.catWidth, Form::Sparse);
        size(b.dense, N * p.hidden, Form::Mask);
        for (std::size_t f = 0; f < b.ffA.size(); ++f) {
            size(b.ffA[f], N * p.ff[f].out, Form::SparsePair);
            size(b.ffDerivative[f], N * p.ff[f].out, Form::None);
        }
        size(b.ffOut, p.ff.empty() ? 0 : N * p.hidden, Form::Mask); // written only by an FF stack
        size(b.y1, N * p.hidden, Form::None);
        b.saved = LayerBuffers::Saved{};
        b.saved.qkv.resize(p.attentionGroups.size());
        b.saved.ffA.resize(b.ffA.size());
        b.saved.ffDeriv.resize(b.ffA.size());
        const WorkLayout w = workLayout(p, N, BSS);
        attentionEnd = std::max(attentionEnd, w.attentionEnd);
        ffEnd = std::max(ffEnd, w.ffEnd);
    }
    // Gradient scratch: the feed-forward part's (gFfA, gFfB) behind the FF tensors, the
    // attention part's (gCat … groupGrad; groupContext is also the forward's P·V) behind the
    // attention tensors. The two parts never run at once.
    std::vector<float>* vectors[] = {&gFfA, &gFfB, &gCat, &gProj, &gScores, &gProbs, &groupContext, &groupGrad};
    float** pointers[] = {&sc.gFfA,    &sc.gFfB,   &sc.gCat,         &sc.gProj,
                          &sc.gScores, &sc.gProbs, &sc.groupContext, &sc.groupGrad};
    std::int64_t offsets[8] = {};
    std::int64_t at = ffEnd;
    for (int i = 0; i < 8; ++i) {
        if (i == 2)
            at = attentionEnd; // the attention part's slots
        offsets[i] = at;
        at += (scratchSizes[static_cast<std::size_t>(i)] + 15) / 16 * 16;
        if (i == 1)
            ffEnd = at;
    }
    const std::int64_t workFloats = std::max(ffEnd, at);
    for (int i = 0; i < 8; ++i) {
        if (compact)
            std::vector<float>().swap(*vectors[i]);
        else
            vectors[i]->assign(static_cast<std::size_t>(scratchSizes[static_cast<std::size_t>(i)]), 0.0f);
    }
    if (compact) {
        work.assign(static_cast<std::size_t>(workFloats), 0.0f);
        for (int i = 0; i < 8; ++i)
            *pointers[i] = work.data() + offsets[i];
        pool.reserve(poolBytes);
        pool.reset();
    } else {
        std::vector<float>().swap(work);
        pool.reserve(0);
        for (int i = 0; i < 8; ++i)
            *pointers[i] = vectors[i]->data();
    }
}

void Network::Impl::bindViews(int l) {
    const LayerPlan& p = plans[static_cast<std::size_t>(l)];
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    LayerBuffers::Views& v = b.at;
    v.qkv.resize(p.attentionGroups.size());
    v.ffA.resize(b.ffA.size());
    v.ffDerivative.resize(b.ffA.size());
    if (!compact) {
        v.proj = b.proj.data();
        for (std::size_t g = 0; g < v.qkv.size(); ++g)
            v.qkv[g] = b.groupQkv[g].data();
        v.scores = b.scores.data();
        v.probs = b.probs.data();
        v.cat = b.cat.data();
        v.dense = b.dense.data();
        for (std::size_t f = 0; f < v.ffA.size(); ++f) {
            v.ffA[f] = b.ffA[f].data();
            v.ffDerivative[f] = b.ffDerivative[f].data();
        }
        v.ffOut = b.ffOut.data();
        v.y1 = b.y1.data();
        return;
    }
    const std::int64_t N = static_cast<std::int64_t>(maxBatch) * S;
    const WorkLayout w = workLayout(p, N, N * S);
    float* base = work.data();
    v.proj = base + w.proj;
    for (std::size_t g = 0; g < v.qkv.size(); ++g)
        v.qkv[g] = base + w.qkv[g];
    v.scores = base + w.scores;
    v.probs = base + w.probs;
    v.cat = base + w.cat;
    v.dense = base + w.dense;
    for (std::size_t f = 0; f < v.ffA.size(); ++f) {
        v.ffA[f] = base + w.ffA[f];
        v.ffDerivative[f] = base + w.ffDerivative[f];
    }
    v.ffOut = base + w.ffOut;
    v.y1 = base + w.y1;
}

void Network::Impl::saveAttention(int l) {
    const LayerPlan& p = plans[static_cast<std::size_t>(l)];
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    const std::int64_t N = rows(), BSS = N * S;
    // The projection is read back as values only by convolution heads; otherwise as a mask.
    b.saved.proj = hasConvolutionHeads(p) ? saveSparse(pool, b.at.proj, N * p.projWidth)
                                          : saveMask(pool, b.at.proj, N * p.projWidth);
    for (std::size_t g = 0; g < p.attentionGroups.size(); ++g) {
        const AttentionGroup& group = p.attentionGroups[g];
        b.saved.qkv[g] = saveSparse(pool, b.at.qkv[g], 3 * group.size() * N * group.dim);
    }
    // Raw scores are read back (as a mask) only when pruning may have zeroed some.
    b.saved.scores = activationsPruned ? saveMask(pool, b.at.scores, BSS * p.attentionCount) : SavedTensor{};
    b.saved.probs = saveSparse(pool, b.at.probs, BSS * p.attentionCount);
    b.saved.cat = saveSparse(pool, b.at.cat, N * p.catWidth);
    b.saved.dense = saveMask(pool, b.at.dense, N * p.hidden);
}

void Network::Impl::saveFeedForward(int l) {
    const LayerPlan& p = plans[static_cast<std::size_t>(l)];
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    const std::int64_t N = rows();
    for (std::size_t f = 0; f < b.at.ffA.size(); ++f) {
        const std::int64_t n = N * p.ff[f].out;
        // The backward pass masks the derivative by a ≠ 0 when the forward zeroed anything
        // (maskGradients): then the pair keeps the derivative only where a is kept.
        if (maskGradients) {
            b.saved.ffA[f] = savePair(pool, b.at.ffA[f], b.at.ffDerivative[f], n);
            b.saved.ffDeriv[f] = SavedTensor{};
        } else {
            b.saved.ffA[f] = saveDense(pool, b.at.ffA[f], n);
            b.saved.ffDeriv[f] = saveDense(pool, b.at.ffDerivative[f], n);
        }
    }
    b.saved.ffOut = saveMask(pool, b.at.ffOut, N * p.hidden);
}

void Network::Impl::restoreFeedForward(int l) {
    const LayerPlan& p = plans[static_cast<std::size_t>(l)];
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    // y1 again from r1 and the statistics layer norm 1 saved: the same arithmetic, the same bits.
    layerNormApply(b.r1.data(), b.mean1.data(), b.var1.data(), params.data() + p.ln1Gamma, params.data() + p.ln1Beta,
                   b.at.y1, rows(), p.hidden, kLayerNormEpsilon);
    for (std::size_t f = 0; f < b.at.ffA.size(); ++f) {
        if (b.saved.ffA[f].form == SavedTensor::Form::SparsePair) {
            restorePair(b.saved.ffA[f], b.at.ffA[f], b.at.ffDerivative[f], true);
        } else {
            restore(b.saved.ffA[f], b.at.ffA[f]);
            restore(b.saved.ffDeriv[f], b.at.ffDerivative[f]);
        }
    }
}

void Network::Impl::restoreAttention(int l) {
    LayerBuffers& b = layers[static_cast<std::size_t>(l)];
    if (b.saved.proj.form == SavedTensor::Form::Sparse)
        restore(b.saved.proj, b.at.proj);
    for (std::size_t g = 0; g < b.at.qkv.size(); ++g)
        restore(b.saved.qkv[g], b.at.qkv[g]);
    if (b.saved.scores.form != SavedTensor::Form::None)
        restore(b.saved.scores, b.at.scores); // 1 where the raw score was kept, 0 where pruned
    restore(b.saved.probs, b.at.probs);
    restore(b.saved.cat, b.at.cat);
}
// ---- end issue 20 ---------------------------------------------------------------------------

// ---- pooling, classifier, loss -------------------------------------------------------------

ForwardResult Network::Impl::headForward(const Batch& batch) {
    const std::int64_t B = lastBatch, HL = spec.layers.back().hiddenSize, C = task.numClasses;
    const float* x = layers.back().output(); // [N, HL]
    for (std::int64_t bi = 0; bi < B; ++bi) {
        float* out = pooled.data() + bi * HL;
        std::fill(out, out + HL, 0.0f);
        float count = 0.0f;
        for (std::int64_t s = 0; s < S; ++s) {
            const float m = batch.mask[static_cast<std::size_t>(bi * S + s)];
            if (m == 0.0f)
                continue;
            count += 1.0f;
            const float* row = x + (bi * S + s) * HL;
            for (std::int64_t c = 0; c < HL; ++c)
                out[c] += row[c];
        }
        count = std::max(count, 1.0f);
        tokenCount[static_cast<std::size_t>(bi)] = count;
        for (std::int64_t c = 0; c < HL; ++c)
            out[c] /= count;
    }
    denseForward(classifier, pooled.data(), logits.data(), B);
    if (hooks) // issue 15: observed (distillation)
        hooks->forward(spec.layerCount() - 1, ActivationSite::Logits, 0, logits.data(), B, C);
    ForwardResult result;
    double loss = 0.0;
    for (std::int64_t bi = 0; bi < B; ++bi) {
        const float* z = logits.data() + bi * C;
        float* pr = classProbs.data() + bi * C;
        const float mx = *std::max_element(z, z + C);
        double sum = 0.0;
        for (std::int64_t c = 0; c < C; ++c)
            sum += std::exp(static_cast<double>(z[c] - mx));
        const double logSum = std::log(sum) + mx;
        for (std::int64_t c = 0; c < C; ++c)
            pr[c] = static_cast<float>(std::exp(z[c] - logSum));
        const int label = batch.labels[static_cast<std::size_t>(bi)];
        if (label < 0 || label >= C)
            throw std::out_of_range("label " + std::to_string(label) + " outside the classes");
        loss += logSum - z[label];
        result.correct += static_cast<int>(std::max_element(z, z + C) - z) == label;
    }
    result.loss = static_cast<float>(loss / static_cast<double>(B));
    return result;
}

void Network::Impl::headBackward(const Batch& batch) {
    const std::int64_t B = lastBatch, HL = spec.layers.back().hiddenSize, C = task.numClasses;
    for (std::int64_t bi = 0; bi < B; ++bi)
        for (std::int64_t c = 0; c < C; ++c)
            gLogits[bi * C + c] = (classProbs[bi * C + c] - (batch.labels[bi] == c ? 1.0f : 0.0f)) / B;
    if (hooks) // issue 15
        hooks->backward(spec.layerCount() - 1, ActivationSite::Logits, 0, gLogits.data(), nullptr, B, C);
    denseBackward(classifier, pooled.data(), gLogits.data(), gPooled.data(), false, B);
    // Mean pooling: each real token gets gPooled / count.
    for (std::int64_t bi = 0; bi < B; ++bi)
        for (std::int64_t s = 0; s < S; ++s) {
            const float m = batch.mask[static_cast<std::size_t>(bi * S + s)];
            float* g = gOut.data() + (bi * S + s) * HL;
            const float w = m / tokenCount[static_cast<std::size_t>(bi)];
            for (std::int64_t c = 0; c < HL; ++c)
                g[c] = w * gPooled[bi * HL + c];
        }
}

void setComputeThreads(int threads) {
    omp_set_num_threads(threads > 0 ? threads : 1);
}

// ---- Network -------------------------------------------------------------------------------

Network::Network(const TransformerSpec& spec, const TaskShape& task, int maxBatchSize)
    : m(std::make_unique<Impl>(spec, task, maxBatchSize)) {}
Network::~Network() = default;

void Network::initialize(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.02f);
    for (const ParamTensor& t : m->tensors) {
        float* p = m->params.data() + t.offset;
        const bool isGamma = t.name.ends_with(".gamma");
        const bool isBias = t.name.ends_with(".bias") || t.name.ends_with(".beta");
        for (std::int64_t i = 0; i < t.size(); ++i)
            p[i] = isGamma ? 1.0f : isBias ? 0.0f : normal(rng);
        if (t.name.ends_with(".wma")) // start as plain dot-product attention
            for (std::int64_t i = 0; i < t.rows; ++i)
                p[i * t.cols + i] += 1.0f;
        if (t.name.ends_with(".conv.weight")) {
            std::normal_distribution<float> taps(0.0f, 1.0f / std::sqrt(static_cast<float>(t.cols)));
            for (std::int64_t i = 0; i < t.size(); ++i)
                p[i] = taps(rng);
        }
    }
}

std::span<float> Network::parameters() {
    return m->params;
}
std::span<const float> Network::parameters() const {
    return m->params;
}
std::span<float> Network::gradients() {
    return m->grads;
}
const std::vector<ParamTensor>& Network::tensors() const {
    return m->tensors;
}
std::int64_t Network::parameterCount() const {
    return static_cast<std::int64_t>(m->params.size());
}
const TransformerSpec& Network::spec() const {
    return m->spec;
}
const TaskShape& Network::task() const {
    return m->task;
}
int Network::maxBatchSize() const {
    return m->maxBatch;
}

ForwardResult Network::forward(const Batch& batch, DynaProp* prune, bool keepForBackward) {
    if (batch.size <= 0 || batch.size > m->maxBatch)
        throw std::invalid_argument("batch size " + std::to_string(batch.size) + " outside 1.." +
                                    std::to_string(m->maxBatch));
    if (batch.sequenceLength != m->S)
        throw std::invalid_argument("batch sequence length " + std::to_string(batch.sequenceLength) +
                                    " differs from the model's " + std::to_string(m->S));
    m->lastBatch = batch.size;
    m->dnnl.invalidateBf16Cache(); // parameters and the batch may have changed since the last pass
    m->activationsPruned = false;
    if (prune)
        for (const auto& layer : prune->thresholds().activation)
            for (float tau : layer)
                m->activationsPruned = m->activationsPruned || tau > 0.0f;
    m->lastHasPadding =
        std::any_of(batch.mask.begin(), batch.mask.begin() + m->rows(), [](float v) { return v == 0.0f; });
    m->maskGradients = m->activationsPruned || m->lastHasPadding;
    m->applyStorageMode(); // issue 20
    m->keepForBackward = keepForBackward;
    m->embeddingForward(batch);
    for (int l = 0; l < m->spec.layerCount(); ++l) {
        m->layers[static_cast<std::size_t>(l)].input =
            l == 0 ? m->x0.data() : m->layers[static_cast<std::size_t>(l) - 1].output();
        m->layerForward(l, batch, prune);
    }
    return m->headForward(batch);
}

void Network::backward(const Batch& batch, DynaProp* prune) {
    if (m->compact && !m->keepForBackward) // issue 20
        throw std::logic_error("backward after a forward pass that kept nothing for it");
    // Every gradient is overwritten by the backward pass except those accumulated by
    // scatter (token table) or loops (convolution heads): only these are zeroed first.
    for (const ParamTensor& t : m->tensors)
        if (t.offset == m->tokenTable || t.name.find(".conv.") != std::string::npos ||
            t.name.find(".gate.") != std::string::npos)
            std::fill(m->grads.begin() + t.offset, m->grads.begin() + t.offset + t.size(), 0.0f);
    m->kernelCounts.resize(static_cast<std::size_t>(m->spec.layerCount()));
    m->kernelLayer = m->spec.layerCount() - 1;
    m->headBackward(batch);
    for (int l = m->spec.layerCount(); l-- > 0;) {
        m->kernelLayer = l;
        m->layerBackward(l, batch, prune);
        std::swap(m->gOut, m->gIn); // the input gradient is the previous layer's output gradient
    }
    m->embeddingBackward(batch, m->gOut.data());
}

void Network::setSparseBackward(const SparseBackwardConfig& config) {
    m->sparseBackward = config;
}

const SparseBackwardConfig& Network::sparseBackward() const {
    return m->sparseBackward;
}

std::vector<BackwardKernelCounts> Network::takeBackwardKernelCounts() {
    std::vector<BackwardKernelCounts> out(static_cast<std::size_t>(m->spec.layerCount()));
    std::swap(out, m->kernelCounts);
    m->kernelCounts.resize(out.size());
    return out;
}

void Network::setCompressSavedActivations(bool on) {
    m->compressRequested = on; // in force from the next forward pass (issue 20)
}

void Network::setBf16Matmul(bool on) {
    if (on && m->hooks)
        throw std::invalid_argument("bf16 matmuls cannot run with activation hooks (quantized activations, "
                                    "distillation): their bf16 copies are made before the hooks change a tensor");
    m->dnnl.setBf16Matmul(on);
    if (!on)
        return;
    // All parameters are converted in one reorder per step.
    m->dnnl.convertBf16Together(m->params.data(), static_cast<std::int64_t>(m->params.size()));
}

// Issue 15.
void Network::setActivationHooks(ActivationHooks* hooks) {
    if (hooks && m->dnnl.bf16Matmul())
        throw std::invalid_argument("activation hooks (quantized activations, distillation) need f32 matmuls, not "
                                    "bf16");
    m->hooks = hooks;
    if (!hooks)
        for (LayerBuffers& b : m->layers)
            for (auto& v : b.hookedInput)
                std::vector<float>().swap(v);
}

std::span<const float> Network::logits() const {
    return {m->logits.data(), static_cast<std::size_t>(m->lastBatch) * m->task.numClasses};
}

ActivationMemory Network::savedActivationMemory() const {
    ActivationMemory mem;
    const std::int64_t N = m->rows();
    const bool compact = m->compact; // issue 20: then what is held is counted, not estimated
    auto account = [&](const std::vector<float>& v, std::int64_t count) {
        if (count <= 0 || v.empty())
            return;
        count = std::min<std::int64_t>(count, static_cast<std::int64_t>(v.size()));
        mem.denseBytes += count * 4;
        mem.heldBytes += count * 4;
        if (compact) {
            mem.compressedBytes += count * 4;
            return;
        }
        const std::int64_t nonZero = std::count_if(v.begin(), v.begin() + count, [](float x) { return x != 0.0f; });
        mem.compressedBytes += std::min(count * 4, (count + 7) / 8 + nonZero * 4);
    };
    auto saved = [&](const SavedTensor& t, std::int64_t count) { // issue 20: kept in the pool
        mem.denseBytes += count * 4;
        mem.compressedBytes += t.bytes;
        mem.heldBytes += t.bytes;
    };
    const std::int64_t BSS = static_cast<std::int64_t>(m->lastBatch) * m->S * m->S;
    account(m->embSum, N * m->spec.layers.front().hiddenSize);
    account(m->x0, N * m->spec.layers.front().hiddenSize);
    for (std::size_t l = 0; l < m->layers.size(); ++l) {
        const auto& p = m->plans[l];
        const auto& b = m->layers[l];
        const std::int64_t H = p.hidden;
        for (const auto& v : b.groupQw)
            account(v, static_cast<std::int64_t>(v.size()) / m->maxBatch * m->lastBatch);
        for (const auto& v : b.convKs)
            account(v, static_cast<std::int64_t>(v.size()) / m->maxBatch * m->lastBatch);
        for (const auto& v : b.convKernel)
            account(v, static_cast<std::int64_t>(v.size()) / m->maxBatch * m->lastBatch);
        for (const auto* v : {&b.r1, &b.y1, &b.r2, &b.y2})
            account(*v, N * H);
        account(b.next, N * p.next.out);
        if (compact) {
            mem.denseBytes += N * H * 4; // y1: recomputed from r1 and its statistics
            saved(b.saved.proj, N * p.projWidth);
            for (std::size_t g = 0; g < p.attentionGroups.size(); ++g)
                saved(b.saved.qkv[g], 3 * p.attentionGroups[g].size() * N * p.attentionGroups[g].dim);
            saved(b.saved.scores, BSS * p.attentionCount);
            saved(b.saved.probs, BSS * p.attentionCount);
            saved(b.saved.cat, N * p.catWidth);
            saved(b.saved.dense, N * H);
            if (!p.ff.empty())
                saved(b.saved.ffOut, N * H);
            for (std::size_t f = 0; f < b.saved.ffA.size(); ++f) {
                saved(b.saved.ffA[f], N * p.ff[f].out);
                saved(b.saved.ffDeriv[f], N * p.ff[f].out);
            }
            continue;
        }
        account(b.proj, N * p.projWidth);
        for (std::size_t g = 0; g < p.attentionGroups.size(); ++g)
            account(b.groupQkv[g], 3 * p.attentionGroups[g].size() * N * p.attentionGroups[g].dim);
        account(b.scores, BSS * p.attentionCount);
        account(b.probs, BSS * p.attentionCount);
        account(b.cat, N * p.catWidth);
        for (const auto* v : {&b.dense, &b.ffOut})
            account(*v, N * H);
        for (std::size_t f = 0; f < b.ffDerivative.size(); ++f) {
            account(b.ffDerivative[f], N * p.ff[f].out);
            account(b.ffA[f], N * p.ff[f].out);
        }
    }
    if (compact) {
        mem.workBytes = static_cast<std::int64_t>(m->work.size()) * 4;
        mem.poolResidentBytes = m->pool.touched();
    }
    return mem;
}

} // namespace tcw::train
