// Lowering of a FlexiBERT 2.0 model to accelerator ops (see docs/simulator.md §2).
//
// Conventions: S = sequence length; every activation shape is per sequence and the batch B
// multiplies it at costing time. Heads of one layer with the same kind and width are lowered
// once with a multiplicity, so they are costed together (side by side, exact wave counts).
#include "workload.h"

#include "weight_tiles.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace tcw {

namespace {

constexpr int kAdamOpsPerParameter = 10; // moments, bias correction, decay, step
constexpr int kSoftmaxPasses = 2;        // max/exp/sum, then normalise
constexpr int kLayerNormPasses = 2;      // mean/variance, then normalise
constexpr int kLayerNormBackwardPasses = 4;

struct Tensor {
    double elementsPerSequence = 0;
    bool gradient = false;
    int producer = -1;
    int lastUse = -1;
    std::optional<TensorRole> role; // issue 15: stored at this role's bits (none: native)
};

class Lowering {
public:
    Lowering(const TransformerSpec& model, const TaskShape& task, SimMode mode) : m_task(task), m_mode(mode) {
        m_w.model = model;
        m_w.task = task;
        m_w.mode = mode;
        m_w.layerCount = model.layerCount();
        m_w.savedActivationElements.assign(std::max(1, model.layerCount()), 0.0);
        m_w.layerWeightElements.assign(std::max(1, model.layerCount()), 0.0);
    }

    Workload run();

private:
    // Forward tensors of one head group (ids into m_tensors), kept for the backward pass.
    struct HeadTensors {
        HeadSpec head;
        int count = 1;
        int q = -1, k = -1, v = -1, qw = -1, probabilities = -1, kConv = -1, product = -1, kernel = -1, mixed = -1,
            out = -1;
    };
    struct LayerTensors {
        int input = -1;
        std::vector<HeadTensors> heads;
        int concat = -1, attention = -1, norm1 = -1;
        std::vector<int> ffInputs, ffPre;
        int ffOut = -1, norm2 = -1, projected = -1;
    };

    int tensor(double elementsPerSequence, bool gradient = false) {
        m_tensors.push_back({elementsPerSequence, gradient, -1, -1});
        return static_cast<int>(m_tensors.size()) - 1;
    }
    // Issue 15: `t` is stored at `role`'s bits — the role of every forward reader of the tensor
    // (a tensor that any reader takes at full precision, such as a layer input the residual
    // adds, stays native): its producer writes it so and its readers read it so.
    void setRole(WorkOp& producer, int t, TensorRole role) {
        producer.outputRole = role;
        m_tensors[t].role = role;
    }
    int addOp(WorkOp op, std::initializer_list<int> inputs, int output);
    int addOp(WorkOp op, const std::vector<int>& inputs, int output);

    WorkOp base(std::string name, OpKind kind, Phase phase, int layer, int multiplicity = 1) const {
        WorkOp op;
        op.name = std::move(name);
        op.kind = kind;
        op.phase = phase;
        op.layer = layer;
        op.multiplicity = multiplicity;
        return op;
    }
    // (B, m, k) activation × (k, n) weight (+ n biases) → (B, m, n).
    WorkOp denseOp(std::string name, Phase phase, int layer, int mult, std::int64_t m, std::int64_t k, std::int64_t n,
                   bool withBias = true) const;
    // (B, m, k) × (B, k, n), both activations (or gradients).
    WorkOp activationMatMul(std::string name, Phase phase, int layer, int mult, std::int64_t m, std::int64_t k,
                            std::int64_t n, DensitySource density) const;
    WorkOp elementwise(std::string name, OpKind kind, Unit unit, Phase phase, int layer, int mult, std::int64_t m,
                       std::int64_t n, std::int64_t opsPerElement, DensitySource density) const;
    // Weight gradient of a dense layer: Xᵀ (k, B·m) × dY (B·m, n) → (k, n), contracted over the batch.
    WorkOp weightGradient(std::string name, int layer, int mult, std::int64_t m, std::int64_t k, std::int64_t n) const;

    int embeddingForward();
    int headForward(int layer, int input, int hidden, HeadTensors& h);
    int layerForward(int layer, int input, LayerTensors& lt);
    int classifierForward(int input, int& pooled);
    int classifierBackward(int input, int pooled);
    int layerBackward(int layer, int gradOut, const LayerTensors& lt);
    int headBackward(int layer, int gradOut, int hidden, const HeadTensors& h, int input);
    void update(int layer, double parameters);
    void computeLiveness();

    TaskShape m_task;
    SimMode m_mode;
    Workload m_w;
    std::vector<Tensor> m_tensors;
    double m_embeddingParameters = 0; // parameters updated in full (positions, norm, patch projection)
    double m_embeddingTokenWidth = 0; // > 0: token table rows are updated lazily, width H0
    std::vector<double> m_layerParameters;
};

int Lowering::addOp(WorkOp op, std::initializer_list<int> inputs, int output) {
    return addOp(std::move(op), std::vector<int>(inputs), output);
}

int Lowering::addOp(WorkOp op, const std::vector<int>& inputs, int output) {
    const int index = static_cast<int>(m_w.ops.size());
    for (int t : inputs)
        if (t >= 0)
            m_tensors[t].lastUse = std::max(m_tensors[t].lastUse, index);
    if (output >= 0) {
        m_tensors[output].producer = index;
        m_tensors[output].lastUse = std::max(m_tensors[output].lastUse, index);
    }
    if (op.phase == Phase::Forward && op.layer >= 0)
        m_w.layerWeightElements[op.layer] += op.weightReadElements;
    m_w.ops.push_back(std::move(op));
    return index;
}

WorkOp Lowering::denseOp(std::string name, Phase phase, int layer, int mult, std::int64_t m, std::int64_t k,
                         std::int64_t n, bool withBias) const {
    WorkOp op = base(std::move(name), OpKind::MatMul, phase, layer, mult);
    op.m = m;
    op.k = k;
    op.n = n;
    op.a = {true, false, StorageKind::Activation};
    op.b = {false, true, StorageKind::Weight};
    op.density = DensitySource::Activation;
    op.weightReadElements = double(mult) * double(k * n + (withBias ? n : 0));
    op.weightMatrixElements = double(mult) * double(k * n);
    op.weightRole = TensorRole::Weights;
    op.b.role = TensorRole::Weights;
    return op;
}

WorkOp Lowering::activationMatMul(std::string name, Phase phase, int layer, int mult, std::int64_t m, std::int64_t k,
                                  std::int64_t n, DensitySource density) const {
    WorkOp op = base(std::move(name), OpKind::MatMul, phase, layer, mult);
    op.m = m;
    op.k = k;
    op.n = n;
    const StorageKind s =
        density == DensitySource::ActivationGradient ? StorageKind::ActivationGradient : StorageKind::Activation;
    op.a = {true, false, s};
    op.b = {true, false, StorageKind::Activation};
    op.outputStorage = s;
    op.density = density;
    return op;
}

WorkOp Lowering::elementwise(std::string name, OpKind kind, Unit unit, Phase phase, int layer, int mult, std::int64_t m,
                             std::int64_t n, std::int64_t opsPerElement, DensitySource density) const {
    WorkOp op = base(std::move(name), kind, phase, layer, mult);
    op.unit = unit;
    op.m = m;
    op.n = n;
    op.k = opsPerElement;
    op.density = density;
    op.outputStorage = phase == Phase::Backward ? StorageKind::ActivationGradient : StorageKind::Activation;
    return op;
}

WorkOp Lowering::weightGradient(std::string name, int layer, int mult, std::int64_t m, std::int64_t k,
                                std::int64_t n) const {
    WorkOp op = base(std::move(name), OpKind::MatMul, Phase::Backward, layer, mult);
    op.batchFixed = true;
    op.m = k;
    op.k = m; // contraction over the batch's rows: m·B
    op.n = n;
    op.contractsOverBatch = true;
    op.a = {true, false, StorageKind::Activation};
    op.b = {true, false, StorageKind::ActivationGradient};
    op.outputStorage = StorageKind::WeightGradient;
    op.density = DensitySource::ActivationGradient;
    op.weightGradientWriteElements = double(mult) * double(k * n + n);
    return op;
}

int Lowering::embeddingForward() {
    const auto& first = m_w.model.layers.front();
    const std::int64_t S = m_task.sequenceLength, H = first.hiddenSize;
    const int out = tensor(double(S * H));
    WorkOp op = elementwise("embedding", OpKind::Embedding, Unit::MacLanes, Phase::Forward, -1, 1, S, H, 1,
                            DensitySource::Dense);
    op.embeddingWidth = double(H);
    op.embeddingFixedRows = double(S); // learned positions
    if (m_task.patchInputSize > 0) {
        // Patches: a dense projection P → H of every token, read from main memory.
        op.kind = OpKind::MatMul;
        op.m = S;
        op.k = m_task.patchInputSize;
        op.n = H;
        op.a = {true, false, StorageKind::Dense};
        op.b = {false, true, StorageKind::Weight};
        op.density = DensitySource::Dense;
        op.weightReadElements = double(m_task.patchInputSize * H + H);
        op.weightMatrixElements = double(m_task.patchInputSize * H);
        op.weightRole = TensorRole::Embeddings; // the patch projection (model_size.h)
        op.b.role = TensorRole::Embeddings;
        op.embeddingTokenRowsPerSequence = double(S);
        op.embeddingVocabularyRows = 1e300; // every token's patch is distinct input data
        op.embeddingWidth = double(m_task.patchInputSize);
        op.embeddingStorage = StorageKind::Dense;
        op.embeddingFixedRows = 0;
        op.weightReadElements += double(S * H);
        m_embeddingParameters = double(m_task.patchInputSize * H + H + S * H + 2 * H);
    } else {
        op.embeddingTokenRowsPerSequence = double(S);
        op.embeddingVocabularyRows = double(m_task.vocabularySize);
        m_embeddingParameters = double(S * H + 2 * H); // + the token rows the batch uses (costing time)
        m_embeddingTokenWidth = double(H);
    }
    addOp(op, {}, out);
    const int norm = tensor(double(S * H));
    WorkOp ln = elementwise("embedding.norm", OpKind::LayerNorm, Unit::LayerNorm, Phase::Forward, -1, 1, S, H,
                            kLayerNormPasses, DensitySource::Dense);
    ln.weightReadElements = double(2 * H);
    addOp(ln, {out}, norm);
    return norm;
}

int Lowering::headForward(int l, int x, int hidden, HeadTensors& h) {
    const std::int64_t S = m_task.sequenceLength, H = hidden, d = h.head.dim;
    const int c = h.count;
    const std::string p = "L" + std::to_string(l) + "." + std::string(headTypeName(h.head.type)) +
                          (c > 1 ? "_x" + std::to_string(c) : std::string()) + ".";
    const Phase F = Phase::Forward;
    const bool attention = isAttentionHead(h.head.type);
    auto projection = [&](const char* what) {
        const int t = tensor(double(c * S * d));
        WorkOp op = denseOp(p + what, F, l, c, S, H, d);
        if (attention) // Q, K and V of attention heads (issue 15); other heads keep theirs native
            setRole(op, t, TensorRole::QueryKeyValue);
        addOp(op, {x}, t);
        return t;
    };
    if (isAttentionHead(h.head.type)) {
        h.q = projection("q");
        h.k = projection("k");
        h.v = projection("v");
        int queries = h.q;
        if (h.head.type == HeadType::SaWma) {
            h.qw = tensor(double(c * S * d));
            WorkOp qw = denseOp(p + "qW", F, l, c, S, d, d, false);
            qw.a.role = TensorRole::QueryKeyValue;
            setRole(qw, h.qw, TensorRole::QueryKeyValue);
            addOp(qw, {h.q}, h.qw);
            queries = h.qw;
        }
        const int scores = tensor(double(c * S * S));
        WorkOp scoresOp = activationMatMul(p + "scores", F, l, c, S, d, S, DensitySource::Activation);
        scoresOp.a.role = scoresOp.b.role = TensorRole::QueryKeyValue;
        addOp(scoresOp, {queries, h.k}, scores);
        h.probabilities = tensor(double(c * S * S));
        WorkOp softmax = elementwise(p + "softmax", OpKind::Softmax, Unit::Softmax, F, l, c, S, S, kSoftmaxPasses,
                                     DensitySource::Dense);
        setRole(softmax, h.probabilities, TensorRole::AttentionProbabilities);
        addOp(softmax, {scores}, h.probabilities);
        h.out = tensor(double(c * S * d));
        WorkOp context = activationMatMul(p + "context", F, l, c, S, S, d, DensitySource::Activation);
        context.a.role = TensorRole::AttentionProbabilities;
        context.b.role = TensorRole::QueryKeyValue;
        setRole(context, h.out, TensorRole::LinearInputs); // read by the output projection only
        addOp(context, {h.probabilities, h.v}, h.out);
    } else if (isTransformHead(h.head.type)) {
        // Real 2-D transform of V: along features (d → d, or d → 2d for the DFT's cos and
        // sin parts), then along the sequence with fixed S×S (or S×2S) matrices.
        const std::int64_t parts = h.head.type == HeadType::LDft ? 2 : 1;
        h.v = projection("v");
        h.mixed = tensor(double(c * S * d * parts));
        WorkOp features = denseOp(p + "transform.features", F, l, c, S, d, d * parts, false);
        features.kind = OpKind::Transform;
        features.b.storage = StorageKind::Dense;
        features.b.role.reset(); // a fixed matrix, native
        features.weightReadStorage = StorageKind::Dense;
        features.weightMatrixElements = 0;
        features.weightRole.reset();
        addOp(features, {h.v}, h.mixed);
        h.out = tensor(double(c * S * d));
        WorkOp sequence = base(p + "transform.sequence", OpKind::Transform, F, l, c);
        sequence.m = S;
        sequence.k = S * parts;
        sequence.n = d;
        sequence.a = {false, true, StorageKind::Dense}; // the fixed matrix
        sequence.b = {true, false, StorageKind::Activation};
        sequence.density = DensitySource::Activation;
        sequence.weightReadElements = double(c) * double(S * S * parts);
        sequence.weightReadStorage = StorageKind::Dense;
        setRole(sequence, h.out, TensorRole::LinearInputs);
        addOp(sequence, {h.mixed}, h.out);
    } else {
        // Dynamic-span separable convolution (ConvBERT): kernel_t = softmax((q ⊙ conv_k(K))·Wg).
        const std::int64_t k = convolutionKernelSize(h.head.type);
        h.q = projection("q");
        h.k = projection("k");
        h.v = projection("v");
        h.kConv = tensor(double(c * S * d));
        WorkOp depthwise = elementwise(p + "depthwise", OpKind::Convolution, Unit::MacLanes, F, l, c, S, d, k,
                                       DensitySource::Activation);
        depthwise.weightReadElements = double(c) * double(d * k + d);
        depthwise.weightMatrixElements = double(c) * double(d * k);
        depthwise.weightRole = TensorRole::Weights;
        addOp(depthwise, {h.k}, h.kConv);
        h.product = tensor(double(c * S * d));
        addOp(elementwise(p + "span", OpKind::Elementwise, Unit::MacLanes, F, l, c, S, d, 1, DensitySource::Activation),
              {h.q, h.kConv}, h.product);
        const int logits = tensor(double(c * S * k));
        addOp(denseOp(p + "kernel", F, l, c, S, d, k), {h.product}, logits);
        h.kernel = tensor(double(c * S * k));
        addOp(elementwise(p + "kernel.softmax", OpKind::Softmax, Unit::Softmax, F, l, c, S, k, kSoftmaxPasses,
                          DensitySource::Dense),
              {logits}, h.kernel);
        h.out = tensor(double(c * S * d));
        WorkOp dynamic = elementwise(p + "dynamic", OpKind::Convolution, Unit::MacLanes, F, l, c, S, d, k,
                                     DensitySource::Activation);
        setRole(dynamic, h.out, TensorRole::LinearInputs);
        addOp(dynamic, {h.v, h.kernel}, h.out);
    }
    return h.out;
}

int Lowering::layerForward(int l, int x, LayerTensors& lt) {
    const auto& layer = m_w.model.layers[l];
    const std::int64_t S = m_task.sequenceLength, H = layer.hiddenSize;
    const std::string p = "L" + std::to_string(l) + ".";
    const Phase F = Phase::Forward;
    lt.input = x;

    std::map<std::pair<HeadType, int>, int> groups; // identical heads, in canonical order
    for (const auto& head : layer.heads)
        ++groups[{head.type, head.dim}];
    std::vector<int> headOutputs;
    for (const auto& [key, count] : groups) {
        HeadTensors h;
        h.head = {key.first, key.second};
        h.count = count;
        headOutputs.push_back(headForward(l, x, int(H), h));
        lt.heads.push_back(h);
    }
    const std::int64_t concat = layer.headDimTotal();
    lt.concat = -1;
    const int projected = tensor(double(S * H));
    WorkOp output = denseOp(p + "attention.output", F, l, 1, S, concat, H);
    output.a.role = TensorRole::LinearInputs;
    addOp(output, headOutputs, projected);
    lt.attention = tensor(double(S * H));
    addOp(elementwise(p + "attention.residual", OpKind::Elementwise, Unit::MacLanes, F, l, 1, S, H, 1,
                      DensitySource::Dense),
          {projected, x}, lt.attention);
    lt.norm1 = tensor(double(S * H));
    WorkOp ln1 = elementwise(p + "attention.norm", OpKind::LayerNorm, Unit::LayerNorm, F, l, 1, S, H, kLayerNormPasses,
                             DensitySource::Dense);
    ln1.weightReadElements = double(2 * H);
    addOp(ln1, {lt.attention}, lt.norm1);

    int y = lt.norm1;
    std::int64_t width = H;
    for (std::size_t f = 0; f < layer.feedForwardSizes.size(); ++f) {
        const std::int64_t size = layer.feedForwardSizes[f];
        lt.ffInputs.push_back(y);
        const int pre = tensor(double(S * size));
        WorkOp ff = denseOp(p + "ff" + std::to_string(f), F, l, 1, S, width, size);
        if (f > 0)
            ff.a.role = TensorRole::FeedForwardHidden;
        addOp(ff, {y}, pre);
        lt.ffPre.push_back(pre);
        const int act = tensor(double(S * size));
        WorkOp nl = elementwise(p + "ff" + std::to_string(f) + "." + std::string(activationName(m_w.model.activation)),
                                OpKind::Nonlinearity, Unit::MacLanes, F, l, 1, S, size, 1, DensitySource::Activation);
        setRole(nl, act, TensorRole::FeedForwardHidden); // read by the next feed-forward matmul only
        addOp(nl, {pre}, act);
        y = act;
        width = size;
    }
    int residualIn = lt.norm1;
    if (!layer.feedForwardSizes.empty()) {
        lt.ffInputs.push_back(y);
        lt.ffOut = tensor(double(S * H));
        WorkOp out = denseOp(p + "ff.out", F, l, 1, S, width, H);
        out.a.role = TensorRole::FeedForwardHidden; // the last hidden activation
        addOp(out, {y}, lt.ffOut);
        const int sum = tensor(double(S * H));
        addOp(
            elementwise(p + "ff.residual", OpKind::Elementwise, Unit::MacLanes, F, l, 1, S, H, 1, DensitySource::Dense),
            {lt.ffOut, lt.norm1}, sum);
        residualIn = sum;
    }
    lt.norm2 = tensor(double(S * H));
    WorkOp ln2 = elementwise(p + "ff.norm", OpKind::LayerNorm, Unit::LayerNorm, F, l, 1, S, H, kLayerNormPasses,
                             DensitySource::Dense);
    ln2.weightReadElements = double(2 * H);
    addOp(ln2, {residualIn}, lt.norm2);
    int out = lt.norm2;
    if (l + 1 < m_w.layerCount && m_w.model.layers[l + 1].hiddenSize != H) {
        const std::int64_t next = m_w.model.layers[l + 1].hiddenSize;
        lt.projected = tensor(double(S * next));
        addOp(denseOp(p + "projection", F, l, 1, S, H, next), {lt.norm2}, lt.projected);
        out = lt.projected;
    }
    return out;
}

int Lowering::classifierForward(int x, int& pooled) {
    const std::int64_t S = m_task.sequenceLength, H = m_w.model.layers.back().hiddenSize, C = m_task.numClasses;
    pooled = tensor(double(H));
    addOp(elementwise("pool", OpKind::Elementwise, Unit::MacLanes, Phase::Forward, -1, 1, S, H, 1,
                      DensitySource::Activation),
          {x}, pooled);
    const int logits = tensor(double(C));
    WorkOp classifier = denseOp("classifier", Phase::Forward, -1, 1, 1, H, C);
    classifier.weightRole = classifier.b.role = TensorRole::Classifier;
    addOp(classifier, {pooled}, logits);
    if (m_mode == SimMode::Inference)
        return logits;
    const int loss = tensor(double(C), true);
    addOp(elementwise("loss", OpKind::Softmax, Unit::Softmax, Phase::Forward, -1, 1, 1, C, kSoftmaxPasses,
                      DensitySource::Dense),
          {logits}, loss);
    return loss;
}

int Lowering::classifierBackward(int dLogits, int pooled) {
    const std::int64_t S = m_task.sequenceLength, H = m_w.model.layers.back().hiddenSize, C = m_task.numClasses;
    addOp(weightGradient("bwd.classifier.dW", -1, 1, 1, H, C), {pooled, dLogits}, -1);
    const int dPooled = tensor(double(H), true);
    WorkOp dx = denseOp("bwd.classifier.dX", Phase::Backward, -1, 1, 1, C, H, false);
    dx.a.storage = StorageKind::ActivationGradient;
    dx.outputStorage = StorageKind::ActivationGradient;
    dx.density = DensitySource::ActivationGradient;
    dx.weightReadIsReload = true;
    addOp(dx, {dLogits}, dPooled);
    const int dx2 = tensor(double(S * H), true);
    addOp(elementwise("bwd.pool", OpKind::Elementwise, Unit::MacLanes, Phase::Backward, -1, 1, S, H, 1,
                      DensitySource::ActivationGradient),
          {dPooled}, dx2);
    return dx2;
}

int Lowering::headBackward(int l, int g, int hidden, const HeadTensors& h, int x) {
    const std::int64_t S = m_task.sequenceLength, H = hidden, d = h.head.dim;
    const int c = h.count;
    const std::string p = "L" + std::to_string(l) + ".bwd." + std::string(headTypeName(h.head.type)) +
                          (c > 1 ? "_x" + std::to_string(c) : std::string()) + ".";
    const Phase B = Phase::Backward;
    const auto G = DensitySource::ActivationGradient;
    std::vector<int> inputGrads;
    // A dense H → d projection's backward: dX = dY·Wᵀ, dW = Xᵀ·dY.
    auto projectionBackward = [&](const std::string& what, int dY, int input, std::int64_t in, std::int64_t out) {
        addOp(weightGradient(p + what + ".dW", l, c, S, in, out), {input, dY}, -1);
        const int dX = tensor(double(c * S * in), true);
        WorkOp op = denseOp(p + what + ".dX", B, l, c, S, out, in, false);
        op.a.storage = StorageKind::ActivationGradient;
        op.outputStorage = StorageKind::ActivationGradient;
        op.density = G;
        op.weightReadIsReload = true;
        addOp(op, {dY}, dX);
        return dX;
    };
    if (isAttentionHead(h.head.type)) {
        const int queries = h.qw >= 0 ? h.qw : h.q;
        const int dP = tensor(double(c * S * S), true);
        addOp(activationMatMul(p + "dP", B, l, c, S, d, S, G), {g, h.v}, dP);
        const int dV = tensor(double(c * S * d), true);
        addOp(activationMatMul(p + "dV", B, l, c, S, S, d, G), {h.probabilities, g}, dV);
        const int dScores = tensor(double(c * S * S), true);
        addOp(elementwise(p + "softmax", OpKind::Softmax, Unit::MacLanes, B, l, c, S, S, 3, G), {h.probabilities, dP},
              dScores);
        const int dQ = tensor(double(c * S * d), true);
        addOp(activationMatMul(p + "dQ", B, l, c, S, S, d, G), {dScores, h.k}, dQ);
        const int dK = tensor(double(c * S * d), true);
        addOp(activationMatMul(p + "dK", B, l, c, S, S, d, G), {dScores, queries}, dK);
        int dQin = dQ;
        if (h.qw >= 0)
            dQin = projectionBackward("qW", dQ, h.q, d, d);
        inputGrads.push_back(projectionBackward("q", dQin, x, H, d));
        inputGrads.push_back(projectionBackward("k", dK, x, H, d));
        inputGrads.push_back(projectionBackward("v", dV, x, H, d));
    } else if (isTransformHead(h.head.type)) {
        const std::int64_t parts = h.head.type == HeadType::LDft ? 2 : 1;
        const int dMixed = tensor(double(c * S * d * parts), true);
        WorkOp sequence = base(p + "transform.sequence", OpKind::Transform, B, l, c);
        sequence.m = S * parts;
        sequence.k = S;
        sequence.n = d;
        sequence.a = {false, true, StorageKind::Dense};
        sequence.b = {true, false, StorageKind::ActivationGradient};
        sequence.outputStorage = StorageKind::ActivationGradient;
        sequence.density = G;
        sequence.weightReadElements = double(c) * double(S * S * parts);
        sequence.weightReadStorage = StorageKind::Dense;
        sequence.weightReadIsReload = true;
        addOp(sequence, {g}, dMixed);
        const int dV = tensor(double(c * S * d), true);
        WorkOp features = denseOp(p + "transform.features", B, l, c, S, d * parts, d, false);
        features.kind = OpKind::Transform;
        features.a.storage = StorageKind::ActivationGradient;
        features.b.storage = StorageKind::Dense;
        features.outputStorage = StorageKind::ActivationGradient;
        features.weightReadStorage = StorageKind::Dense;
        features.density = G;
        features.weightReadIsReload = true;
        addOp(features, {dMixed}, dV);
        inputGrads.push_back(projectionBackward("v", dV, x, H, d));
    } else {
        const std::int64_t k = convolutionKernelSize(h.head.type);
        const int dV = tensor(double(c * S * d), true);
        addOp(elementwise(p + "dynamic.dV", OpKind::Convolution, Unit::MacLanes, B, l, c, S, d, k, G), {g, h.kernel},
              dV);
        const int dKernel = tensor(double(c * S * k), true);
        addOp(elementwise(p + "dynamic.dKernel", OpKind::Convolution, Unit::MacLanes, B, l, c, S, k, d, G), {g, h.v},
              dKernel);
        const int dLogits = tensor(double(c * S * k), true);
        addOp(elementwise(p + "kernel.softmax", OpKind::Softmax, Unit::MacLanes, B, l, c, S, k, 3, G),
              {h.kernel, dKernel}, dLogits);
        const int dProduct = projectionBackward("kernel", dLogits, h.product, d, k);
        const int dQ = tensor(double(c * S * d), true);
        addOp(elementwise(p + "span.dQ", OpKind::Elementwise, Unit::MacLanes, B, l, c, S, d, 1, G), {dProduct, h.kConv},
              dQ);
        const int dKConv = tensor(double(c * S * d), true);
        addOp(elementwise(p + "span.dK", OpKind::Elementwise, Unit::MacLanes, B, l, c, S, d, 1, G), {dProduct, h.q},
              dKConv);
        const int dK = tensor(double(c * S * d), true);
        addOp(elementwise(p + "depthwise.dX", OpKind::Convolution, Unit::MacLanes, B, l, c, S, d, k, G), {dKConv}, dK);
        WorkOp dWdepth = elementwise(p + "depthwise.dW", OpKind::Convolution, Unit::MacLanes, B, l, c, 1, d * k, S, G);
        dWdepth.weightGradientWriteElements = double(c) * double(d * k + d);
        addOp(dWdepth, {dKConv, h.k}, -1);
        inputGrads.push_back(projectionBackward("q", dQ, x, H, d));
        inputGrads.push_back(projectionBackward("k", dK, x, H, d));
        inputGrads.push_back(projectionBackward("v", dV, x, H, d));
    }
    // Sum the head's input gradients (they all flow into X).
    const int dX = tensor(double(S * H), true);
    addOp(elementwise(p + "dX.sum", OpKind::Elementwise, Unit::MacLanes, B, l, 1, S, H,
                      std::max<std::int64_t>(1, std::int64_t(inputGrads.size()) * c - 1), G),
          inputGrads, dX);
    return dX;
}

int Lowering::layerBackward(int l, int g, const LayerTensors& lt) {
    const auto& layer = m_w.model.layers[l];
    const std::int64_t S = m_task.sequenceLength, H = layer.hiddenSize;
    const std::string p = "L" + std::to_string(l) + ".bwd.";
    const Phase B = Phase::Backward;
    const auto G = DensitySource::ActivationGradient;
    auto denseBackward = [&](const std::string& what, int dY, int input, std::int64_t in, std::int64_t out) {
        addOp(weightGradient(p + what + ".dW", l, 1, S, in, out), {input, dY}, -1);
        const int dX = tensor(double(S * in), true);
        WorkOp op = denseOp(p + what + ".dX", B, l, 1, S, out, in, false);
        op.a.storage = StorageKind::ActivationGradient;
        op.outputStorage = StorageKind::ActivationGradient;
        op.density = G;
        op.weightReadIsReload = true;
        addOp(op, {dY}, dX);
        return dX;
    };
    auto normBackward = [&](const std::string& what, int dY, int input) {
        const int dX = tensor(double(S * H), true);
        WorkOp op = elementwise(p + what, OpKind::LayerNorm, Unit::LayerNorm, B, l, 1, S, H, kLayerNormBackwardPasses,
                                DensitySource::Dense);
        op.weightGradientWriteElements = double(2 * H);
        addOp(op, {dY, input}, dX);
        return dX;
    };
    if (lt.projected >= 0)
        g = denseBackward("projection", g, lt.norm2, H, m_w.model.layers[l + 1].hiddenSize);
    const int ffResidualInput = layer.feedForwardSizes.empty() ? lt.norm1 : lt.ffOut; // input of the norm
    g = normBackward("ff.norm", g, ffResidualInput);
    const int dNorm1Residual = g; // the residual branch carries g straight to norm1
    if (!layer.feedForwardSizes.empty()) {
        const auto& sizes = layer.feedForwardSizes;
        std::int64_t width = sizes.back();
        int d = denseBackward("ff.out", g, lt.ffInputs.back(), width, H);
        for (int f = static_cast<int>(sizes.size()) - 1; f >= 0; --f) {
            const int dPre = tensor(double(S * sizes[f]), true);
            addOp(elementwise(p + "ff" + std::to_string(f) + "." + std::string(activationName(m_w.model.activation)),
                              OpKind::Nonlinearity, Unit::MacLanes, B, l, 1, S, sizes[f], 2, G),
                  {d, lt.ffPre[f]}, dPre);
            const std::int64_t in = f == 0 ? H : sizes[f - 1];
            d = denseBackward("ff" + std::to_string(f), dPre, lt.ffInputs[f], in, sizes[f]);
        }
        const int sum = tensor(double(S * H), true);
        addOp(elementwise(p + "ff.residual", OpKind::Elementwise, Unit::MacLanes, B, l, 1, S, H, 1, G),
              {d, dNorm1Residual}, sum);
        g = sum;
    }
    g = normBackward("attention.norm", g, lt.attention);
    const int dAttentionResidual = g;
    std::vector<int> headInputs;
    for (const auto& h : lt.heads)
        headInputs.push_back(h.out);
    const std::int64_t concat = layer.headDimTotal();
    addOp(
        weightGradient(p + "attention.output.dW", l, 1, S, concat, H),
        [&] {
            std::vector<int> v = headInputs;
            v.push_back(g);
            return v;
        }(),
        -1);
    const int dConcat = tensor(double(S * concat), true);
    WorkOp dOut = denseOp(p + "attention.output.dX", B, l, 1, S, H, concat, false);
    dOut.a.storage = StorageKind::ActivationGradient;
    dOut.outputStorage = StorageKind::ActivationGradient;
    dOut.density = G;
    dOut.weightReadIsReload = true;
    addOp(dOut, {g}, dConcat);
    std::vector<int> dInputs = {dAttentionResidual};
    for (const auto& h : lt.heads)
        dInputs.push_back(headBackward(l, dConcat, int(H), h, lt.input));
    const int dX = tensor(double(S * H), true);
    addOp(elementwise(p + "input.sum", OpKind::Elementwise, Unit::MacLanes, B, l, 1, S, H,
                      std::int64_t(dInputs.size()) - 1, G),
          dInputs, dX);
    return dX;
}

void Lowering::update(int layer, double parameters) {
    if (parameters <= 0)
        return;
    WorkOp op =
        elementwise(layer < 0 ? "update.embedding+classifier" : "L" + std::to_string(layer) + ".update", OpKind::Update,
                    Unit::MacLanes, Phase::Update, layer, 1, 1, 1, kAdamOpsPerParameter, DensitySource::Dense);
    op.batchFixed = true;
    op.n = static_cast<std::int64_t>(parameters);
    op.weightReadElements = parameters;     // W
    op.gradientReadElements = parameters;   // dW
    op.denseReadElements = 2 * parameters;  // m, v
    op.denseWriteElements = 2 * parameters; // m, v
    op.weightWriteElements = parameters;    // W
    op.outputStorage = StorageKind::Weight;
    if (layer < 0 && m_embeddingTokenWidth > 0) {
        // Lazy AdamW on the token rows the batch used (all rows with the full-table option).
        op.embeddingTokenRowsPerSequence = double(m_task.sequenceLength);
        op.embeddingVocabularyRows = double(m_task.vocabularySize);
        op.embeddingWidth = m_embeddingTokenWidth;
    }
    addOp(op, {}, -1);
}

void Lowering::computeLiveness() {
    std::vector<double> liveAct(m_w.ops.size() + 1, 0.0), liveGrad(m_w.ops.size() + 1, 0.0);
    constexpr std::size_t kRoles = kStoredActivationRoles.size();
    std::vector<std::array<double, kRoles>> liveRole(m_w.ops.size() + 1, std::array<double, kRoles>{});
    for (const auto& t : m_tensors) {
        if (t.producer < 0)
            continue;
        const auto& producer = m_w.ops[t.producer];
        const int last = std::max(t.lastUse, t.producer);
        const bool saved = producer.phase == Phase::Forward && m_w.ops[last].phase == Phase::Backward;
        if (saved) {
            m_w.savedActivationElements[std::max(0, producer.layer)] += t.elementsPerSequence;
            continue;
        }
        auto& live = t.gradient ? liveGrad : liveAct;
        live[t.producer] += t.elementsPerSequence; // difference array over [producer, last]
        live[last + 1] -= t.elementsPerSequence;
        if (t.role && !t.gradient)
            for (std::size_t r = 0; r < kRoles; ++r)
                if (kStoredActivationRoles[r] == *t.role) {
                    liveRole[t.producer][r] += t.elementsPerSequence;
                    liveRole[last + 1][r] -= t.elementsPerSequence;
                }
    }
    std::array<double, kRoles> roleSum{};
    double act = 0, grad = 0;
    for (std::size_t i = 0; i < m_w.ops.size(); ++i) {
        act += liveAct[i];
        grad += liveGrad[i];
        m_w.ops[i].liveActivationElements = act;
        m_w.ops[i].liveGradientElements = grad;
        for (std::size_t r = 0; r < kRoles; ++r) {
            roleSum[r] += liveRole[i][r];
            m_w.ops[i].liveRoleElements[r] = roleSum[r];
        }
    }
}

Workload Lowering::run() {
    const auto& model = m_w.model;
    int x = embeddingForward();
    std::vector<LayerTensors> layers(model.layers.size());
    for (int l = 0; l < m_w.layerCount; ++l)
        x = layerForward(l, x, layers[l]);
    int pooled = -1;
    const int logits = classifierForward(x, pooled);
    if (m_mode == SimMode::Training) {
        int g = classifierBackward(logits, pooled);
        for (int l = m_w.layerCount - 1; l >= 0; --l)
            g = layerBackward(l, g, layers[l]);
        // Embedding backward: the gradient rows go straight to the update (no compute).
        (void)g;
        for (int l = 0; l < m_w.layerCount; ++l)
            update(l, m_w.layerWeightElements[l]);
        const std::int64_t HL = model.layers.back().hiddenSize;
        update(-1, m_embeddingParameters + double(HL * m_task.numClasses + m_task.numClasses));
    }
    computeLiveness();
    return std::move(m_w);
}

} // namespace

Workload lowerWorkload(const TransformerSpec& model, const TaskShape& task, SimMode mode) {
    if (model.layers.empty())
        throw std::invalid_argument("the model has no layers");
    for (const auto& layer : model.layers)
        if (layer.heads.empty() || layer.hiddenSize <= 0)
            throw std::invalid_argument("every layer needs a hidden size and at least one head");
    if (task.sequenceLength <= 0 || task.numClasses <= 0)
        throw std::invalid_argument("the task needs a positive sequence length and class count");
    Workload w = Lowering(model, task, mode).run();
    markWeightBlockPruning(w); // issue 16: weight tiles removed by block pruning (weight_tiles.h)
    return w;
}

} // namespace tcw
