#include "bat_model.h"

#include "design/model_size.h"

#include <algorithm>
#include <cstdio>

namespace tcw {

namespace {

constexpr double kKiB = 1024.0, kMiB = 1024.0 * 1024.0;

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
    return (a + b - 1) / b;
}

std::string number(double v, int digits = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

bool fixedActivation(const Precision& p) {
    return p.quantizer != Quantizer::Float && p.bits <= 16;
}
bool fixedWeight(const Precision& p) {
    return p.quantizer != Quantizer::Float && p.bits <= 8;
}

struct Passes {
    const BatSpec& t;
    std::int64_t weight(int bits) const { return bits <= 2 ? 1 : bits; }
    std::int64_t activation(int bits) const {
        return t.activationFeed == ActivationFeed::BitSerial ? bits : ceilDiv(bits, t.parallelActivationBits);
    }
};

BatSegment segment(int layer, std::string name, std::vector<BatStage> stages, std::int64_t blocks) {
    BatSegment s{layer, std::move(name), std::move(stages), blocks, 0};
    std::int64_t sum = 0, slowest = 0;
    for (const BatStage& st : s.stages) {
        sum += st.cyclesPerBlock;
        slowest = std::max(slowest, st.cyclesPerBlock);
    }
    s.cycles = sum + (blocks - 1) * slowest;
    return s;
}

} // namespace

BatResult simulateBat(const TransformerSpec& model, const TaskShape& task, const BatSpec& target) {
    BatResult r;
    const CompressionSpec& c = model.compression;
    // What the model cannot run on a BAT-class engine.
    for (int l = 0; l < model.layerCount(); ++l) {
        for (const HeadSpec& h : model.layers[std::size_t(l)].heads)
            if (h.type != HeadType::SaSdp) {
                r.reasons.push_back("layer " + std::to_string(l) + ": a " + std::string(headTypeName(h.type)) +
                                    " head; the BAT-class model costs sa_sdp attention heads only");
                break;
            }
        for (TensorRole role : {TensorRole::LinearInputs, TensorRole::QueryKeyValue, TensorRole::AttentionProbabilities,
                                TensorRole::FeedForwardHidden}) {
            const Precision p = c.at(l, role);
            if (!fixedActivation(p))
                r.reasons.push_back("layer " + std::to_string(l) + " " + std::string(tensorRoleName(role)) + ": " +
                                    std::to_string(p.bits) + "-bit " + std::string(quantizerName(p.quantizer)) +
                                    "; the binary matrix engine takes fixed-point activations of 1–16 bits");
        }
        const Precision w = c.at(l, TensorRole::Weights);
        if (!fixedWeight(w))
            r.reasons.push_back("layer " + std::to_string(l) + " weights: " + std::to_string(w.bits) + "-bit " +
                                std::string(quantizerName(w.quantizer)) +
                                "; the binary matrix engine takes fixed-point weights of 1–8 bits");
    }
    if (model.layers.empty())
        r.reasons.push_back("the model has no layers");

    // Memory needs (also reported when the model is not costed).
    const ModelSize size = modelSize(model, task);
    r.weightBytes = size.item("encoder weights").bytes + size.item("weight scales (32-bit)").bytes;
    const std::int64_t S = task.sequenceLength;
    const std::int64_t T = std::min<std::int64_t>(target.tokenBlock, S);
    for (int l = 0; l < model.layerCount(); ++l) {
        const LayerSpec& layer = model.layers[std::size_t(l)];
        const std::int64_t H = layer.hiddenSize, D = layer.headDimTotal(), heads = std::int64_t(layer.heads.size());
        const int bIn = c.at(l, TensorRole::LinearInputs).bits, bQkv = c.at(l, TensorRole::QueryKeyValue).bits,
                  bP = c.at(l, TensorRole::AttentionProbabilities).bits,
                  bF = c.at(l, TensorRole::FeedForwardHidden).bits;
        r.keyValueBytes = std::max(r.keyValueBytes, 2.0 * double(S * D) * bQkv / 8.0);
        auto fifo = [&](double bytes, const std::string& what) {
            if (bytes > r.fifoBytes) {
                r.fifoBytes = bytes;
                r.fifoTensor = what;
            }
        };
        const std::string at = "layer " + std::to_string(l) + " ";
        fifo(double(T * H) * bIn / 8.0,
             at + "linear input (" + std::to_string(H) + " × " + std::to_string(bIn) + " bit)");
        fifo(double(T * 3 * D) * bQkv / 8.0,
             at + "Q/K/V (" + std::to_string(3 * D) + " × " + std::to_string(bQkv) + " bit)");
        fifo(double(T * S * heads) * bP / 8.0,
             at + "attention probabilities (" + std::to_string(S * heads) + " × " + std::to_string(bP) + " bit)");
        for (int f : layer.feedForwardSizes)
            fifo(double(T * f) * bF / 8.0,
                 at + "feed-forward hidden (" + std::to_string(f) + " × " + std::to_string(bF) + " bit)");
    }
    const bool fitsWeights = r.weightBytes <= target.weightBufferMB * kMiB;
    if (!fitsWeights)
        r.reasons.push_back("memory.weightBufferMB: the encoder weights need " + number(r.weightBytes / kMiB) +
                            " MB at their stored bits (with scales), the weight buffer holds " +
                            number(target.weightBufferMB) + " MB");
    if (r.keyValueBytes > target.activationBufferKB * kKiB)
        r.reasons.push_back("memory.activationBufferKB: keys and values of " + std::to_string(S) + " tokens need " +
                            number(r.keyValueBytes / kKiB) + " KB, the buffer holds " +
                            number(target.activationBufferKB) + " KB");
    if (r.fifoBytes > target.fifoKB * kKiB)
        r.reasons.push_back("streaming.fifoKB: a block of " + std::to_string(T) + " tokens of the " + r.fifoTensor +
                            " needs " + number(r.fifoBytes / kKiB) + " KB, a FIFO holds " + number(target.fifoKB) +
                            " KB");

    const bool supported = !model.layers.empty() && std::none_of(r.reasons.begin(), r.reasons.end(), [](auto& s) {
        return s.find("the binary matrix engine") != std::string::npos || s.find("costs sa_sdp") != std::string::npos;
    });
    if (!supported)
        return r;

    // Cycles.
    const Passes passes{target};
    const std::int64_t capacity =
        std::int64_t(target.peCount) * std::int64_t(target.lanesPerPe) * std::int64_t(target.bitsPerLane);
    auto matmul = [&](std::int64_t m, std::int64_t n, std::int64_t reduce, std::int64_t p) {
        return ceilDiv(m * n * reduce * p, capacity);
    };
    const std::int64_t blocks = ceilDiv(S, T);
    for (int l = 0; l < model.layerCount(); ++l) {
        const LayerSpec& layer = model.layers[std::size_t(l)];
        const std::int64_t H = layer.hiddenSize, D = layer.headDimTotal(), heads = std::int64_t(layer.heads.size());
        const int bW = c.at(l, TensorRole::Weights).bits, bIn = c.at(l, TensorRole::LinearInputs).bits,
                  bQkv = c.at(l, TensorRole::QueryKeyValue).bits, bP = c.at(l, TensorRole::AttentionProbabilities).bits,
                  bF = c.at(l, TensorRole::FeedForwardHidden).bits;
        const std::int64_t pw = passes.weight(bW);
        // Segment 1: Q, K, V of every token.
        r.segments.push_back(segment(l, "qkv",
                                     {{"engine", matmul(T, 3 * D, H, pw * passes.activation(bIn))},
                                      {"scale", ceilDiv(T * 3 * D, target.scaleUnits)}},
                                     blocks));
        // Segment 2: scores, softmax, context, output projection, layer norm, feed-forward, layer norm.
        std::int64_t engine = matmul(T, S, D, passes.weight(bQkv) * passes.activation(bQkv)) // Q·Kᵀ
                              + matmul(T, D, S, passes.weight(bQkv) * passes.activation(bP)) // P·V
                              + matmul(T, H, D, pw * passes.activation(bIn));                // output projection
        std::int64_t scaled = T * S * heads + T * D + T * H;
        std::int64_t hiddenElements = 0;
        std::int64_t in = H;
        int inBits = bIn;
        for (int f : layer.feedForwardSizes) {
            engine += matmul(T, f, in, pw * passes.activation(inBits));
            scaled += T * f;
            hiddenElements += T * f;
            in = f;
            inBits = bF;
        }
        if (!layer.feedForwardSizes.empty()) {
            engine += matmul(T, H, in, pw * passes.activation(inBits));
            scaled += T * H;
        }
        if (std::size_t(l) + 1 < model.layers.size() && model.layers[std::size_t(l) + 1].hiddenSize != H) {
            const std::int64_t next = model.layers[std::size_t(l) + 1].hiddenSize;
            engine += matmul(T, next, H, pw * passes.activation(bIn));
            scaled += T * next;
        }
        std::vector<BatStage> stages = {{"engine", engine},
                                        {"scale", ceilDiv(scaled, target.scaleUnits)},
                                        {"softmax", ceilDiv(T * S * heads, target.softmaxUnits)},
                                        {"layer norm", ceilDiv(2 * T * H, target.layerNormUnits)}};
        if (hiddenElements > 0)
            stages.push_back({"activation", ceilDiv(hiddenElements, target.activationUnits)});
        r.segments.push_back(segment(l, "attention+ffn", std::move(stages), blocks));
    }
    for (const BatSegment& s : r.segments)
        r.cycles += s.cycles;
    r.latencyMs = double(r.cycles) / (target.clockMHz * 1e3);
    r.costed = true;
    r.feasible = r.reasons.empty();
    return r;
}

} // namespace tcw
