// FlexiBERT 2.0 heterogeneous transformer: per layer a hidden size, a multiset of heads of
// seven kinds and a feed-forward stack. A value type: the user's design, not a result.
#pragma once

#include "compression_spec.h"
#include "validation.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw {

// The seven head kinds of FlexiBERT 2.0, in the order the TransCODE encoding enumerates them.
enum class HeadType : std::uint8_t {
    SaSdp, // scaled dot-product self-attention
    SaWma, // weighted multiplicative attention, Q·W·Kᵀ with a learned d×d W
    LDft,  // Fourier mixing (FNet style, real part)
    LDct,  // 2-D discrete cosine transform mixing
    C5,    // dynamic-span separable convolution, kernel 5 (ConvBERT style)
    C9,    // ... kernel 9
    C13,   // ... kernel 13
};

inline constexpr std::array<HeadType, 7> kAllHeadTypes = {
    HeadType::SaSdp, HeadType::SaWma, HeadType::LDft, HeadType::LDct, HeadType::C5, HeadType::C9, HeadType::C13};

std::string_view headTypeName(HeadType type); // "sa_sdp", "c_13", ...
std::optional<HeadType> headTypeFromName(std::string_view name);
bool isAttentionHead(HeadType type);      // sa_sdp, sa_wma
bool isTransformHead(HeadType type);      // l_dft, l_dct
bool isConvolutionHead(HeadType type);    // c_5, c_9, c_13
int convolutionKernelSize(HeadType type); // 5, 9, 13; 0 for other heads

enum class Activation : std::uint8_t { Gelu, Relu };
std::string_view activationName(Activation a); // "gelu", "relu"
std::optional<Activation> activationFromName(std::string_view name);

struct HeadSpec {
    HeadType type = HeadType::SaSdp;
    int dim = 64; // projection width d of the head (FlexiBERT 2.0: ⌊hidden / heads⌋)

    bool operator==(const HeadSpec&) const = default;
};

// "sa_sdp_64", "l_dft_32", "c_9_64": the FlexiBERT 2.0 model-dict head string.
std::string headString(const HeadSpec& head);
std::optional<HeadSpec> headFromString(std::string_view text);

struct LayerSpec {
    int hiddenSize = 128;              // H of this layer
    std::vector<HeadSpec> heads;       // a multiset; canonical order is kAllHeadTypes order
    std::vector<int> feedForwardSizes; // hidden sizes of the FF stack, in order (H → f0 → … → H)

    bool operator==(const LayerSpec&) const = default;
    int headDimTotal() const; // Σ d over the heads: width of the concatenated head outputs
};

// Shape of the task a model is run on; it is not part of the model's design.
struct TaskShape {
    int sequenceLength = 128;   // tokens per sequence (S)
    int vocabularySize = 30522; // token-embedding rows (V); 0 for patch inputs
    int numClasses = 2;         // classifier outputs
    int patchInputSize = 0;     // > 0: inputs are patches of this many values (vision), not tokens

    bool operator==(const TaskShape&) const = default;
};

struct TransformerSpec {
    // Far above any published encoder (BERT-Large 24, GPT-3 96) and small enough that a count
    // read from a file cannot ask for gigabytes of layers before the file's lists are checked.
    static constexpr int kMaxLayers = 1024;

    std::string name;
    std::vector<LayerSpec> layers;
    Activation activation = Activation::Gelu; // of every feed-forward hidden layer
    CompressionSpec compression;              // default: dense 32-bit float

    bool operator==(const TransformerSpec&) const = default;

    int layerCount() const { return static_cast<int>(layers.size()); }

    // Trainable parameters of the model as the trainer builds it (embeddings, heads, output
    // projections, layer norms, FF stacks, inter-layer projections, classifier).
    std::int64_t parameterCount(const TaskShape& task) const;

    // Forward floating-point operations per token (2 per multiply-accumulate), over the
    // encoder stack and classifier; embeddings are lookups and cost nothing.
    double forwardFlopsPerToken(const TaskShape& task) const;

    // Sorts each layer's heads into canonical (kAllHeadTypes) order; the model is unchanged.
    void canonicalize();
};

// A uniform model: `layers` identical layers of `hiddenSize` with `heads` heads of one kind
// (dim ⌊hiddenSize / heads⌋) and one feed-forward layer; BERT-Tiny is (2, 128, 2, 512).
TransformerSpec uniformTransformer(int layers, int hiddenSize, int heads, int feedForwardSize,
                                   HeadType headType = HeadType::SaSdp);

// Structural checks (no design-space membership): positive sizes, at least one layer and
// one head, head dims in range. Every error has a field path.
ValidationErrors validate(const TransformerSpec& spec);

} // namespace tcw
