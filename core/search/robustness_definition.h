// Issue 15: what the `robustness` objective means, stored with the search. Two definitions,
// both an accuracy drop of the trained model averaged over `seeds` random patterns (seeded
// seed, seed + 1, …) on at most `maxTestExamples` test examples (0: all):
//   bitflip — each stored bit of its encoder weight matrices flips with probability `rate`
//             (bit layouts per precision: core/train/robustness.h);
//   noise   — Gaussian noise N(0, (σ·rms(x_t))²) added to every token vector x_t entering an
//             encoder linear layer, before its quantizer (σ = `sigma`, relative to the vector's
//             RMS; core/train/robustness.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::search {

enum class RobustnessKind : std::uint8_t { BitFlip, ActivationNoise };
std::string_view robustnessKindName(RobustnessKind kind); // "bitflip", "noise"
std::optional<RobustnessKind> robustnessKindFromName(std::string_view name);

struct RobustnessDefinition {
    RobustnessKind kind = RobustnessKind::BitFlip;
    double rate = 1e-3; // bitflip: probability that one stored bit flips
    double sigma = 0.1; // noise: standard deviation relative to each activation vector's RMS
    int seeds = 3;
    std::uint64_t seed = 1;
    std::int64_t maxTestExamples = 0;

    bool operator==(const RobustnessDefinition&) const = default;
};

// The definition in words, with its numbers: "accuracy drop under random bit flips in stored
// encoder weights at rate 0.001, mean of 3 seeds".
std::string describe(const RobustnessDefinition& definition);

// Problems with a definition, each a sentence naming the option and what is allowed; empty
// when it can be measured. The CLI and the Search panel both report these.
std::vector<std::string> check(const RobustnessDefinition& definition);

} // namespace tcw::search
