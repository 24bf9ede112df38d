// FlexiBERT 2.0 transformer value type: names, parameter count and FLOPs.
#include "transformer_spec.h"

#include <algorithm>
#include <charconv>

namespace tcw {

namespace {
constexpr std::array<std::string_view, 7> kHeadTypeNames = {"sa_sdp", "sa_wma", "l_dft", "l_dct", "c_5", "c_9", "c_13"};

std::optional<int> parseInt(std::string_view text) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

// Parameters of one head reading a layer of hidden size H (see docs/model.md).
std::int64_t headParameters(const HeadSpec& head, std::int64_t H) {
    const std::int64_t d = head.dim;
    const std::int64_t projection = H * d + d; // one dense H → d with bias
    switch (head.type) {
    case HeadType::SaSdp:
        return 3 * projection;
    case HeadType::SaWma:
        return 3 * projection + d * d;
    case HeadType::LDft:
    case HeadType::LDct:
        return projection; // value projection; the transform itself is fixed
    case HeadType::C5:
    case HeadType::C9:
    case HeadType::C13: {
        const std::int64_t k = convolutionKernelSize(head.type);
        // Q, K, V projections; depthwise conv of K (k taps + bias per channel);
        // kernel generator d → k with bias.
        return 3 * projection + (d * k + d) + (d * k + k);
    }
    }
    return 0;
}

// Forward multiply-accumulates per token of one head, sequence length S.
double headMacsPerToken(const HeadSpec& head, double H, double S) {
    const double d = head.dim;
    switch (head.type) {
    case HeadType::SaSdp:
        return 3 * H * d + 2 * S * d; // Q,K,V; Q·Kᵀ; P·V
    case HeadType::SaWma:
        return 3 * H * d + d * d + 2 * S * d; // + (Q·W)
    case HeadType::LDft:
    case HeadType::LDct:
        return H * d + S * d + d * d; // V; transform along sequence; along features
    case HeadType::C5:
    case HeadType::C9:
    case HeadType::C13: {
        const double k = convolutionKernelSize(head.type);
        return 3 * H * d + 3 * d * k; // Q,K,V; depthwise conv; kernel generator; dynamic conv
    }
    }
    return 0;
}
} // namespace

std::string_view headTypeName(HeadType type) {
    return kHeadTypeNames[static_cast<int>(type)];
}

std::optional<HeadType> headTypeFromName(std::string_view name) {
    for (std::size_t i = 0; i < kHeadTypeNames.size(); ++i)
        if (kHeadTypeNames[i] == name)
            return static_cast<HeadType>(i);
    return std::nullopt;
}

bool isAttentionHead(HeadType t) {
    return t == HeadType::SaSdp || t == HeadType::SaWma;
}
bool isTransformHead(HeadType t) {
    return t == HeadType::LDft || t == HeadType::LDct;
}
bool isConvolutionHead(HeadType t) {
    return t == HeadType::C5 || t == HeadType::C9 || t == HeadType::C13;
}

int convolutionKernelSize(HeadType t) {
    switch (t) {
    case HeadType::C5:
        return 5;
    case HeadType::C9:
        return 9;
    case HeadType::C13:
        return 13;
    default:
        return 0;
    }
}

std::string_view activationName(Activation a) {
    return a == Activation::Gelu ? "gelu" : "relu";
}

std::optional<Activation> activationFromName(std::string_view name) {
    if (name == "gelu")
        return Activation::Gelu;
    if (name == "relu")
        return Activation::Relu;
    return std::nullopt;
}

std::string headString(const HeadSpec& head) {
    return std::string(headTypeName(head.type)) + "_" + std::to_string(head.dim);
}

std::optional<HeadSpec> headFromString(std::string_view text) {
    const auto last = text.rfind('_');
    if (last == std::string_view::npos)
        return std::nullopt;
    const auto type = headTypeFromName(text.substr(0, last));
    const auto dim = parseInt(text.substr(last + 1));
    if (!type || !dim)
        return std::nullopt;
    return HeadSpec{*type, *dim};
}

int LayerSpec::headDimTotal() const {
    int total = 0;
    for (const auto& h : heads)
        total += h.dim;
    return total;
}

std::int64_t TransformerSpec::parameterCount(const TaskShape& task) const {
    if (layers.empty())
        return 0;
    const std::int64_t H0 = layers.front().hiddenSize;
    std::int64_t total = 0;
    // Input embedding: token table or patch projection; learned positions; layer norm.
    total += task.patchInputSize > 0 ? static_cast<std::int64_t>(task.patchInputSize) * H0 + H0
                                     : static_cast<std::int64_t>(task.vocabularySize) * H0;
    total += static_cast<std::int64_t>(task.sequenceLength) * H0 + 2 * H0;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const auto& layer = layers[l];
        const std::int64_t H = layer.hiddenSize;
        for (const auto& head : layer.heads)
            total += headParameters(head, H);
        total += static_cast<std::int64_t>(layer.headDimTotal()) * H + H; // output projection
        total += 4 * H;                                                   // two layer norms
        std::int64_t in = H;
        for (int f : layer.feedForwardSizes) {
            total += in * f + f;
            in = f;
        }
        if (!layer.feedForwardSizes.empty())
            total += in * H + H;
        if (l + 1 < layers.size() && layers[l + 1].hiddenSize != H) {
            const std::int64_t next = layers[l + 1].hiddenSize;
            total += H * next + next; // projection between layers
        }
    }
    const std::int64_t HL = layers.back().hiddenSize;
    total += HL * task.numClasses + task.numClasses; // classifier on the pooled output
    return total;
}

double TransformerSpec::forwardFlopsPerToken(const TaskShape& task) const {
    double macs = 0;
    const double S = task.sequenceLength;
    if (!layers.empty() && task.patchInputSize > 0)
        macs += static_cast<double>(task.patchInputSize) * layers.front().hiddenSize;
    for (std::size_t l = 0; l < layers.size(); ++l) {
        const auto& layer = layers[l];
        const double H = layer.hiddenSize;
        for (const auto& head : layer.heads)
            macs += headMacsPerToken(head, H, S);
        macs += layer.headDimTotal() * H;
        double in = H;
        for (int f : layer.feedForwardSizes) {
            macs += in * f;
            in = f;
        }
        if (!layer.feedForwardSizes.empty())
            macs += in * H;
        if (l + 1 < layers.size() && layers[l + 1].hiddenSize != layer.hiddenSize)
            macs += H * layers[l + 1].hiddenSize;
    }
    if (!layers.empty())
        macs += static_cast<double>(layers.back().hiddenSize) * task.numClasses / S;
    return 2.0 * macs;
}

void TransformerSpec::canonicalize() {
    for (auto& layer : layers)
        std::stable_sort(layer.heads.begin(), layer.heads.end(),
                         [](const HeadSpec& a, const HeadSpec& b) { return a.type < b.type; });
}

TransformerSpec uniformTransformer(int layers, int hiddenSize, int heads, int feedForwardSize, HeadType headType) {
    TransformerSpec spec;
    for (int l = 0; l < layers; ++l) {
        LayerSpec layer;
        layer.hiddenSize = hiddenSize;
        for (int h = 0; h < heads; ++h)
            layer.heads.push_back({headType, heads > 0 ? hiddenSize / heads : 0});
        layer.feedForwardSizes = {feedForwardSize};
        spec.layers.push_back(std::move(layer));
    }
    return spec;
}

ValidationErrors validate(const TransformerSpec& spec) {
    ValidationErrors errors;
    if (spec.layers.empty())
        errors.push_back({"layers", "a model needs at least one layer"});
    if (spec.layers.size() > std::size_t(TransformerSpec::kMaxLayers))
        errors.push_back({"layers", "at most " + std::to_string(TransformerSpec::kMaxLayers) + " layers, got " +
                                        std::to_string(spec.layers.size())});
    for (std::size_t l = 0; l < spec.layers.size(); ++l) {
        const auto& layer = spec.layers[l];
        const std::string at = "layers[" + std::to_string(l) + "]";
        if (layer.hiddenSize <= 0 || layer.hiddenSize > 65536)
            errors.push_back(
                {at + ".hiddenSize", "must be between 1 and 65536, got " + std::to_string(layer.hiddenSize)});
        if (layer.heads.empty())
            errors.push_back({at + ".heads", "a layer needs at least one head"});
        for (std::size_t h = 0; h < layer.heads.size(); ++h) {
            const int dim = layer.heads[h].dim;
            if (dim <= 0 || dim > 65536)
                errors.push_back({at + ".heads[" + std::to_string(h) + "].dim",
                                  "must be between 1 and 65536, got " + std::to_string(dim)});
        }
        for (std::size_t f = 0; f < layer.feedForwardSizes.size(); ++f) {
            const int size = layer.feedForwardSizes[f];
            if (size <= 0 || size > 1 << 20)
                errors.push_back({at + ".feedForward[" + std::to_string(f) + "]",
                                  "must be between 1 and 1048576, got " + std::to_string(size)});
        }
    }
    for (ValidationError& e : validate(spec.compression, spec.layerCount()))
        errors.push_back({"compression." + e.path, std::move(e.message)});
    return errors;
}

} // namespace tcw
