// What a quantization-aware run looks like at one progress report (issue 15): per quantized
// weight matrix, the histogram of its latent f32 weights with the quantizer's decision
// boundaries, its scale and the share of weights it zeroes; per activation quantizer, its
// learnable scale and the share of the last forward's inputs it clipped. The trainer fills one
// into each TrainProgress; the Training panel draws it. (Named low_bit_report.h: core/ may not
// include a "q*.h" header, which the layering check reads as Qt.)
#pragma once

#include "activation_quantization.h"
#include "network.h"
#include "weight_precision.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tcw::train {

// One quantized weight matrix, from its latent weights W and the rule quantizeWeights applies:
//   BWN (1-bit sign):   boundary 0; levels ±α, α = mean|W|
//   TWN (2-bit):        boundaries ±Δ, Δ = 0.7·mean|W|; levels 0, ±α_t (α_t = mean |W| over |W| > Δ)
//   b-bit symmetric:    clip c = max|W|, Q = 2^(b−1) − 1; boundaries (k + ½)·c/Q for k = −Q … Q − 1
//   16-bit float:       no boundaries (rounding to half precision)
struct WeightQuantizerReport {
    std::string tensor; // the network's tensor name, e.g. "layers.0.heads.1.wma"
    int layer = 0;
    int bits = 32;
    std::string rule;                 // "BWN", "TWN", "uniform", "float16"
    double lower = 0, upper = 0;      // the histogram's range: [min W, max W]
    std::vector<std::int64_t> counts; // equal-width bins over [lower, upper]
    std::vector<double> boundaries;   // the quantizer's decision boundaries on the latent values
    double scale = 0;                 // α (BWN), α_t (TWN), the clip c (uniform); 0 for float16
    double zeroFraction = 0;          // share of weights the quantizer maps to 0 (TWN, uniform)
};

// One activation quantizer (layer, site, tensor) as ActivationQuantization keeps it.
struct ActivationQuantizerReport {
    std::string name; // "L1 linear input 0", …
    int layer = 0;
    int bits = 1;
    double scale = 0;           // α or the clip c, as learnt so far (0 before its first forward)
    double clippedFraction = 0; // of the last forward
    double zeroFraction = 0;    // of the last forward's quantized values
};

struct LowBitReport {
    std::vector<WeightQuantizerReport> weights;
    std::vector<ActivationQuantizerReport> activations;
    bool empty() const { return weights.empty() && activations.empty(); }
};

// The report of a network whose parameters hold the latent weights (outside a
// WeightPrecision::Scope). weights / activations may be null (nothing quantized). bins ≥ 1.
LowBitReport lowBitReport(std::span<const float> parameters, const std::vector<ParamTensor>& tensors,
                          const WeightPrecision* weights, const ActivationQuantization* activations, int bins = 48);

// The report of one matrix (the rules above). Throws std::invalid_argument when bins < 1.
WeightQuantizerReport weightQuantizerReport(std::span<const float> latent, const Precision& precision, int bins);

} // namespace tcw::train
