// Robustness of a trained model (issue 15: `robustness` as a search objective), defined
// explicitly: the drop of test accuracy when bits of the model's STORED encoder weights flip
// at random. Each weight matrix of the encoder layers (role `weights`) is stored at its
// precision; every one of its stored bits flips independently with probability `rate`:
//   32-bit float       → a bit of the IEEE-754 word
//   1-bit sign (BWN)   → the sign: ±α becomes ∓α
//   b-bit symmetric    → a bit of the b-bit two's-complement code k of q = s·k, with
//                        s = max|q| / (2^(b−1) − 1) of the matrix (2 bits: ternary, TWN's α)
// drop = accuracy(stored weights) − mean over seeds of accuracy(flipped), both measured by
// the same inference pass over the same test examples (activations at their precision, no
// DynaProp pruning). Embeddings, the classifier, biases and norms are not flipped.
//
// The second definition (ActivationNoiseRobustness): Gaussian noise on the activations that
// enter the encoder's linear layers (the tensors input quantizers see: the Q/K/V projection's,
// the output projection's, the first feed-forward layer's and the inter-layer projection's
// inputs; ActivationSite::LinearInput). Every row x_t (one token's activation vector of width
// d) of such a tensor becomes
//   x_t + σ · rms(x_t) · z,   rms(x_t) = sqrt(Σ_j x_tj² / d),   z ~ N(0, I_d)
// BEFORE the model's activation quantizer (if any) sees it: σ is relative to each vector's own
// RMS, so one σ means the same signal-to-noise ratio (1/σ) in every layer and every model,
// whatever their activation scales, and the result does not depend on the batch size. A
// quantized model's quantizer may absorb part of the noise; that is what the drop measures.
// drop = accuracy(no noise) − mean over seeds of accuracy(with noise), same pass otherwise.
// σ = 0 adds nothing: the drop is exactly 0.
#pragma once

#include "design/compression_spec.h"
#include "design/transformer_spec.h"

#include <cstdint>
#include <random>
#include <span>
#include <stop_token>
#include <vector>

namespace tcw::train {

class Trainer;
struct Dataset;

struct BitFlipRobustness {
    double rate = 1e-3;               // probability that one stored bit flips
    int seeds = 3;                    // independent flip patterns averaged
    std::uint64_t seed = 1;           // pattern i uses the generator seeded with seed + i
    std::int64_t maxTestExamples = 0; // 0: the whole test split

    bool operator==(const BitFlipRobustness&) const = default;
};

struct ActivationNoiseRobustness {
    double sigma = 0.1;               // noise standard deviation relative to each vector's RMS
    int seeds = 3;                    // independent noise patterns averaged
    std::uint64_t seed = 1;           // pattern i uses the generator seeded with seed + i
    std::int64_t maxTestExamples = 0; // 0: the whole test split

    bool operator==(const ActivationNoiseRobustness&) const = default;
};

// Flips the stored bits of `stored` (the quantized values of one matrix at `precision`) as
// above; returns how many bits flipped. Throws std::invalid_argument for a precision that is
// not stored as listed (16-bit float, asymmetric, power of two).
std::int64_t flipStoredBits(std::span<float> stored, const Precision& precision, double rate, std::mt19937_64& rng);

struct RobustnessResult {
    double cleanAccuracy = 0;
    std::vector<double> flippedAccuracy; // per seed
    double drop = 0;                     // clean − mean flipped
    std::int64_t flippedBits = 0;        // over every seed
    std::int64_t storedBits = 0;         // of one pattern
    std::int64_t noisyValues = 0;        // activation noise: values perturbed, over every seed
};

// The trainer holds the trained model (its latent weights); they are unchanged afterwards.
RobustnessResult bitFlipRobustness(Trainer& trainer, const TransformerSpec& spec, const Dataset& data,
                                   const BitFlipRobustness& definition, std::stop_token stop = {});

// Adds the noise above to x [rows, cols] (row-major) in place; returns rows · cols (0 when
// σ = 0, which leaves x unchanged). Throws std::invalid_argument for σ < 0 or not finite.
std::int64_t addRelativeGaussianNoise(float* x, std::int64_t rows, std::int64_t cols, double sigma,
                                      std::mt19937_64& rng);

// The trained model under activation noise (the trainer's own activation hooks — quantizers —
// run after the noise). The trainer's hooks are in force again afterwards.
RobustnessResult activationNoiseRobustness(Trainer& trainer, const Dataset& data,
                                           const ActivationNoiseRobustness& definition, std::stop_token stop = {});

} // namespace tcw::train
