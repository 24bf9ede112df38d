#include "low_bit_report.h"

#include "low_bit_quantizers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tcw::train {

namespace {

const char* siteName(ActivationSite site) {
    switch (site) {
    case ActivationSite::LinearInput:
        return "linear input";
    case ActivationSite::QueryKeyValue:
        return "Q/K/V";
    case ActivationSite::AttentionProbabilities:
        return "attention probabilities";
    case ActivationSite::FeedForwardHidden:
        return "FFN hidden";
    case ActivationSite::LayerOutput:
        return "layer output";
    case ActivationSite::Logits:
        return "logits";
    }
    return "activation";
}

} // namespace

WeightQuantizerReport weightQuantizerReport(std::span<const float> latent, const Precision& precision, int bins) {
    if (bins < 1)
        throw std::invalid_argument("low-bit report: bins is " + std::to_string(bins) + "; at least 1 is allowed");
    WeightQuantizerReport r;
    r.bits = precision.bits;
    r.counts.assign(std::size_t(bins), 0);
    if (latent.empty())
        return r;
    const auto [lo, hi] = std::minmax_element(latent.begin(), latent.end());
    r.lower = *lo;
    r.upper = *hi;
    const double width = (r.upper - r.lower) / bins;
    for (float v : latent) {
        const int b = width > 0 ? std::min(bins - 1, int((v - r.lower) / width)) : 0;
        ++r.counts[std::size_t(b)];
    }
    double sumAbs = 0;
    float maxAbs = 0; // the clip quantizeWeights takes, in float as it does
    for (float v : latent) {
        sumAbs += std::fabs(double(v));
        maxAbs = std::max(maxAbs, std::fabs(v));
    }
    const double n = double(latent.size());
    const double meanAbs = sumAbs / n;
    if (precision.quantizer == Quantizer::Sign) {
        r.rule = "BWN";
        r.boundaries = {0.0};
        r.scale = meanAbs;
    } else if (precision.quantizer == Quantizer::Symmetric && precision.bits == 2) {
        // twnForward's rule, in float as it computes it: |W| ≤ Δ → 0.
        const auto t = twnForward(latent);
        r.rule = "TWN";
        r.boundaries = {-t.delta, t.delta};
        r.scale = t.alpha;
        r.zeroFraction = double(t.zeros) / n;
    } else if (precision.quantizer == Quantizer::Symmetric) {
        r.rule = "uniform";
        r.scale = maxAbs;
        if (maxAbs > 0) {
            const int q = (1 << (precision.bits - 1)) - 1;
            for (int k = -q; k < q; ++k)
                r.boundaries.push_back((k + 0.5) * double(maxAbs) / q);
            std::int64_t zeros = 0; // round half away from zero, as uniformForward
            for (float v : latent)
                zeros += std::round(double(v) * q / double(maxAbs)) == 0.0;
            r.zeroFraction = double(zeros) / n;
        } else {
            r.zeroFraction = 1.0;
        }
    } else {
        r.rule = precision.bits == 16 ? "float16" : "float32";
    }
    return r;
}

LowBitReport lowBitReport(std::span<const float> parameters, const std::vector<ParamTensor>& tensors,
                          const WeightPrecision* weights, const ActivationQuantization* activations, int bins) {
    LowBitReport report;
    if (weights)
        for (const auto& e : weights->entries()) {
            const ParamTensor& t = tensors.at(e.tensor);
            WeightQuantizerReport r = weightQuantizerReport(
                parameters.subspan(std::size_t(t.offset), std::size_t(t.size())), e.precision, bins);
            r.tensor = t.name;
            r.layer = t.layer;
            report.weights.push_back(std::move(r));
        }
    if (activations)
        for (const auto& [key, e] : activations->quantizers()) {
            ActivationQuantizerReport r;
            r.name = "L" + std::to_string(e.layer + 1) + " " + siteName(e.site) + " " + std::to_string(e.index);
            r.layer = e.layer;
            r.bits = e.bits;
            r.scale = e.scale;
            r.clippedFraction = e.clippedFraction;
            r.zeroFraction = e.zeroFraction;
            report.activations.push_back(std::move(r));
        }
    return report;
}

} // namespace tcw::train
