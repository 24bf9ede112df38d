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
};

// The trainer holds the trained model (its latent weights); they are unchanged afterwards.
RobustnessResult bitFlipRobustness(Trainer& trainer, const TransformerSpec& spec, const Dataset& data,
                                   const BitFlipRobustness& definition, std::stop_token stop = {});

} // namespace tcw::train
