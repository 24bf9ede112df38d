#include "model_size.h"

#include <stdexcept>

namespace tcw {

namespace {

bool isQuantized(const Precision& p) {
    return p.quantizer != Quantizer::Float;
}

// Weight matrices of one layer: (values, matrices) as the network builds them.
struct LayerMatrices {
    std::int64_t values = 0, matrices = 0, biases = 0;
};

LayerMatrices layerMatrices(const TransformerSpec& spec, std::size_t l) {
    const LayerSpec& layer = spec.layers[l];
    const std::int64_t H = layer.hiddenSize;
    LayerMatrices m;
    for (const HeadSpec& head : layer.heads) {
        const std::int64_t d = head.dim;
        if (isTransformHead(head.type)) {
            m.values += H * d; // value projection only
            m.matrices += 1;
            m.biases += d;
            continue;
        }
        m.values += 3 * H * d; // Q, K, V
        m.matrices += 3;
        m.biases += 3 * d;
        if (head.type == HeadType::SaWma) {
            m.values += d * d;
            m.matrices += 1;
        }
        if (isConvolutionHead(head.type)) {
            const std::int64_t k = convolutionKernelSize(head.type);
            m.values += 2 * d * k; // depthwise taps and the kernel generator
            m.matrices += 2;
            m.biases += d + k;
        }
    }
    m.values += std::int64_t(layer.headDimTotal()) * H; // output projection
    m.matrices += 1;
    m.biases += H;
    std::int64_t in = H;
    for (int f : layer.feedForwardSizes) {
        m.values += in * f;
        m.matrices += 1;
        m.biases += f;
        in = f;
    }
    if (!layer.feedForwardSizes.empty()) {
        m.values += in * H;
        m.matrices += 1;
        m.biases += H;
    }
    if (l + 1 < spec.layers.size() && spec.layers[l + 1].hiddenSize != H) {
        const std::int64_t next = spec.layers[l + 1].hiddenSize;
        m.values += H * next;
        m.matrices += 1;
        m.biases += next;
    }
    return m;
}

void add(ModelSizeItem& item, std::int64_t values, int bits) {
    item.values += values;
    item.bytes += double(values) * bits / 8.0;
}

} // namespace

const ModelSizeItem& ModelSize::item(const std::string& part) const {
    for (const auto& i : items)
        if (i.part == part)
            return i;
    throw std::out_of_range("model size: no part \"" + part + "\"");
}

ModelSize modelSize(const TransformerSpec& spec, const TaskShape& task) {
    ModelSizeItem encoder{"encoder weights"}, scales{"weight scales (32-bit)"}, embeddings{"embeddings"},
        classifier{"classifier"}, full{"biases, norms, positions (32-bit)"};
    const CompressionSpec& c = spec.compression;
    if (!spec.layers.empty()) {
        const std::int64_t H0 = spec.layers.front().hiddenSize;
        const Precision e = c.at(0, TensorRole::Embeddings);
        if (task.patchInputSize > 0) {
            add(embeddings, std::int64_t(task.patchInputSize) * H0, e.bits);
            add(full, H0, 32);
        } else {
            add(embeddings, std::int64_t(task.vocabularySize) * H0, e.bits);
        }
        if (isQuantized(e))
            add(scales, 1, 32);
        add(full, std::int64_t(task.sequenceLength) * H0 + 2 * H0, 32); // positions, embedding norm
        for (std::size_t l = 0; l < spec.layers.size(); ++l) {
            const Precision w = c.at(int(l), TensorRole::Weights);
            const LayerMatrices m = layerMatrices(spec, l);
            add(encoder, m.values, w.bits);
            if (isQuantized(w))
                add(scales, m.matrices, 32);
            add(full, m.biases + 4 * std::int64_t(spec.layers[l].hiddenSize), 32); // biases, two norms
        }
        const int last = spec.layerCount() - 1;
        const Precision k = c.at(last, TensorRole::Classifier);
        add(classifier, std::int64_t(spec.layers.back().hiddenSize) * task.numClasses, k.bits);
        if (isQuantized(k))
            add(scales, 1, 32);
        add(full, task.numClasses, 32);
    }
    ModelSize out;
    for (ModelSizeItem* i : {&encoder, &scales, &embeddings, &classifier, &full}) {
        i->bits = i->values > 0 ? i->bytes * 8.0 / double(i->values) : 0.0;
        out.totalBytes += i->bytes;
        out.items.push_back(*i);
    }
    return out;
}

} // namespace tcw
