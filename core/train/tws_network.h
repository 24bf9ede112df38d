// Ternary weight splitting of a whole network (BinaryBERT's TWS, issue 15): every matrix a
// half-width ternary model trains at 2 bits is split into two latent halves W₁ + W₂ = W
// (splitTernary, low_bit_quantizers.h) whose binary values add up to the ternary ones. The
// full-width binary model holds both halves: each op that is linear in a split matrix runs
// twice, once per half, and the two results are added — a linear of twice the reduction width
// reading its input twice, [x, x]·[B₁; B₂] = x·B₁ + x·B₂. Its bias (the tensor "P.bias" beside
// "P.weight") is halved into both halves; norms, positions and the matrices that are not
// ternary (embeddings, classifier at their own precision) are shared. With the share λ = 0.5
// the binary model computes what the ternary one does, up to float rounding.
#pragma once

#include "datasets.h"
#include "design/compression_spec.h"
#include "network.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tcw::train {

struct TwsTensorSplit {
    std::size_t tensor = 0; // index into the network's tensors
    std::string name;
    std::int64_t rows = 0, cols = 0;
    double alphaTernary = 0;       // α_t of TWN(W)
    double a = 0, m = 0;           // the split's constants (docs/binarized.md)
    double alpha1 = 0, alpha2 = 0; // BWN scales of the halves: λ·α_t and (1 − λ)·α_t
    double equivalenceError = 0;   // max |BWN(W₁) + BWN(W₂) − TWN(W)| / α_t
};

struct TwsNetworkSplit {
    double share = 0.5;
    // The two halves as flat parameter vectors of the half-width network's layout: W₁ / W₂ on
    // the split matrices, b/2 on their biases, everything else copied into both.
    std::vector<float> half1, half2;
    std::vector<TwsTensorSplit> tensors; // the split matrices, in tensor order
    std::vector<std::size_t> halvedBiases;
    double maxEquivalenceError = 0;
};

// Splits the latent parameters `params` of a network whose CompressionSpec trains some weight
// matrices ternary (2-bit symmetric → TWN). Throws std::invalid_argument when no matrix is
// ternary, and QuantizerError (naming the tensor) when a matrix cannot be split at this share.
TwsNetworkSplit splitTernaryNetwork(const std::vector<ParamTensor>& tensors, std::span<const float> params,
                                    const CompressionSpec& spec, double share = 0.5);

// The parameters the half-width network runs with to compute the ternary model: the latent
// weights quantized by the spec (WeightPrecision's rules).
std::vector<float> ternaryModelParameters(const std::vector<ParamTensor>& tensors, std::span<const float> params,
                                          const CompressionSpec& spec);

// BWN(W₁) + BWN(W₂) on the split matrices and b/2 + b/2 on their biases: every op linear in a
// split matrix gives x·B₁ + x·B₂ in one pass.
std::vector<float> binaryModelParameters(const std::vector<ParamTensor>& tensors, const TwsNetworkSplit& split,
                                         const CompressionSpec& spec);

// The two models side by side on the first `maxExamples` examples of a split (0: all): the
// half-width network runs once with the ternary parameters and once with the binary ones;
// the network's parameters are restored afterwards.
struct TwsLogitsComparison {
    std::int64_t examples = 0;
    double maxAbsDifference = 0; // max |logit_binary − logit_ternary|
    double maxAbsLogit = 0;      // max |logit_ternary| (the scale of the difference)
    double ternaryAccuracy = 0, binaryAccuracy = 0;
    std::int64_t sameArgmax = 0; // examples both models classify alike
};
TwsLogitsComparison compareSplitLogits(Network& network, std::span<const float> latent, const TwsNetworkSplit& split,
                                       const CompressionSpec& spec, const Dataset& data, const Dataset::Split& examples,
                                       std::int64_t maxExamples = 0);

} // namespace tcw::train
