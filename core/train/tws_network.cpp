#include "tws_network.h"

#include "low_bit_quantizers.h"
#include "weight_precision.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

namespace tcw::train {

namespace {

bool isTernary(const Precision& p) {
    return p.quantizer == Quantizer::Symmetric && p.bits == 2;
}

// "P.weight" → index of "P.bias", when the network has one.
std::map<std::string, std::size_t> biasIndex(const std::vector<ParamTensor>& tensors) {
    std::map<std::string, std::size_t> out;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const std::string& n = tensors[i].name;
        constexpr std::string_view kBias = ".bias";
        if (n.size() > kBias.size() && n.compare(n.size() - kBias.size(), kBias.size(), kBias) == 0)
            out[n.substr(0, n.size() - kBias.size()) + ".weight"] = i;
    }
    return out;
}

std::span<float> slice(std::vector<float>& v, const ParamTensor& t) {
    return {v.data() + t.offset, std::size_t(t.size())};
}
std::span<const float> slice(std::span<const float> v, const ParamTensor& t) {
    return v.subspan(std::size_t(t.offset), std::size_t(t.size()));
}

} // namespace

TwsNetworkSplit splitTernaryNetwork(const std::vector<ParamTensor>& tensors, std::span<const float> params,
                                    const CompressionSpec& spec, double share) {
    const WeightPrecision precision(tensors, spec); // validates the spec as training does
    TwsNetworkSplit out;
    out.share = share;
    out.half1.assign(params.begin(), params.end());
    out.half2.assign(params.begin(), params.end());
    const auto biases = biasIndex(tensors);
    for (const WeightPrecision::Entry& e : precision.entries()) {
        if (!isTernary(e.precision))
            continue;
        const ParamTensor& t = tensors[e.tensor];
        TernarySplit s;
        try {
            s = splitTernary(slice(params, t), share);
        } catch (const QuantizerError& error) {
            throw QuantizerError(t.name + ": " + error.what());
        }
        std::copy(s.w1.begin(), s.w1.end(), slice(out.half1, t).begin());
        std::copy(s.w2.begin(), s.w2.end(), slice(out.half2, t).begin());
        TwsTensorSplit r;
        r.tensor = e.tensor;
        r.name = t.name;
        r.rows = t.rows;
        r.cols = t.cols;
        r.alphaTernary = s.alphaTernary;
        r.a = s.a;
        r.m = s.m;
        r.alpha1 = bwnForward(s.w1, 1, std::int64_t(s.w1.size()), {}).alpha.at(0);
        r.alpha2 = bwnForward(s.w2, 1, std::int64_t(s.w2.size()), {}).alpha.at(0);
        r.equivalenceError = s.equivalenceError;
        out.maxEquivalenceError = std::max(out.maxEquivalenceError, r.equivalenceError);
        out.tensors.push_back(std::move(r));
        if (const auto b = biases.find(t.name); b != biases.end()) {
            const ParamTensor& bt = tensors[b->second];
            for (float* half : {out.half1.data(), out.half2.data()})
                std::transform(half + bt.offset, half + bt.offset + bt.size(), half + bt.offset,
                               [](float v) { return 0.5f * v; }); // exact: b/2 + b/2 = b
            out.halvedBiases.push_back(b->second);
        }
    }
    if (out.tensors.empty())
        throw std::invalid_argument("compression.precision: no weight matrix is trained ternary (2-bit symmetric); "
                                    "ternary weight splitting needs a run with 2-bit weights (e.g. --precision w2)");
    return out;
}

std::vector<float> ternaryModelParameters(const std::vector<ParamTensor>& tensors, std::span<const float> params,
                                          const CompressionSpec& spec) {
    WeightPrecision precision(tensors, spec);
    std::vector<float> out(params.begin(), params.end());
    precision.quantize(out);
    return out; // the quantized values; the latent ones stay in `params`
}

std::vector<float> binaryModelParameters(const std::vector<ParamTensor>& tensors, const TwsNetworkSplit& split,
                                         const CompressionSpec& spec) {
    // The shared tensors at their own precision (the split matrices are overwritten below).
    std::vector<float> out = ternaryModelParameters(tensors, split.half1, spec);
    for (const TwsTensorSplit& s : split.tensors) {
        const ParamTensor& t = tensors[s.tensor];
        const auto b1 = bwnForward({split.half1.data() + t.offset, std::size_t(t.size())}, 1, t.size(), {});
        const auto b2 = bwnForward({split.half2.data() + t.offset, std::size_t(t.size())}, 1, t.size(), {});
        std::span<float> w = slice(out, t);
        for (std::size_t i = 0; i < w.size(); ++i)
            w[i] = b1.values[i] + b2.values[i];
    }
    for (std::size_t b : split.halvedBiases) {
        const ParamTensor& t = tensors[b];
        for (std::int64_t i = 0; i < t.size(); ++i)
            out[std::size_t(t.offset + i)] =
                split.half1[std::size_t(t.offset + i)] + split.half2[std::size_t(t.offset + i)];
    }
    return out;
}

TwsLogitsComparison compareSplitLogits(Network& network, std::span<const float> latent, const TwsNetworkSplit& split,
                                       const CompressionSpec& spec, const Dataset& data, const Dataset::Split& examples,
                                       std::int64_t maxExamples) {
    const std::vector<float> saved(network.parameters().begin(), network.parameters().end());
    const std::vector<float> ternary = ternaryModelParameters(network.tensors(), latent, spec);
    const std::vector<float> binary = binaryModelParameters(network.tensors(), split, spec);
    const std::int64_t n = maxExamples > 0 ? std::min(maxExamples, examples.count) : examples.count;
    const std::int64_t batchSize = network.maxBatchSize();
    const std::int64_t classes = data.task.numClasses;
    TwsLogitsComparison out;
    std::vector<std::int64_t> idx;
    std::vector<float> ternaryLogits;
    auto argmax = [classes](const float* row) { return std::max_element(row, row + classes) - row; };
    for (std::int64_t start = 0; start < n; start += batchSize) {
        idx.resize(std::size_t(std::min(batchSize, n - start)));
        std::iota(idx.begin(), idx.end(), start);
        const Batch batch = data.makeBatch(examples, idx);
        std::copy(ternary.begin(), ternary.end(), network.parameters().begin());
        network.forward(batch, nullptr);
        ternaryLogits.assign(network.logits().begin(), network.logits().end());
        std::copy(binary.begin(), binary.end(), network.parameters().begin());
        network.forward(batch, nullptr);
        const auto binaryLogits = network.logits();
        for (std::size_t e = 0; e < idx.size(); ++e) {
            const float* t = ternaryLogits.data() + e * std::size_t(classes);
            const float* b = binaryLogits.data() + e * std::size_t(classes);
            for (std::int64_t c = 0; c < classes; ++c) {
                out.maxAbsDifference = std::max(out.maxAbsDifference, std::fabs(double(t[c]) - double(b[c])));
                out.maxAbsLogit = std::max(out.maxAbsLogit, std::fabs(double(t[c])));
            }
            const auto label = examples.labels[std::size_t(idx[e])];
            out.ternaryAccuracy += argmax(t) == label ? 1 : 0;
            out.binaryAccuracy += argmax(b) == label ? 1 : 0;
            out.sameArgmax += argmax(t) == argmax(b) ? 1 : 0;
        }
    }
    std::copy(saved.begin(), saved.end(), network.parameters().begin());
    out.examples = n;
    if (n > 0) {
        out.ternaryAccuracy /= double(n);
        out.binaryAccuracy /= double(n);
    }
    return out;
}

} // namespace tcw::train
