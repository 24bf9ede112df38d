// Counter-based seeding for the search: every random decision draws from a generator seeded
// by (search seed, stream, index), never from a generator carried from step to step. A
// search's randomness is then a pure function of its seed and of how far it has got, which
// is what lets a resumed search repeat exactly what an uninterrupted one would have done.
#pragma once

#include <cstdint>
#include <random>

namespace tcw::search {

// Streams: which part of the search a generator serves (so two parts never share numbers).
enum class RngStream : std::uint64_t {
    Sample = 1,      // random search: trial `index`
    Initial = 2,     // initial designs of BOSHCODE and NSGA-II
    Variation = 3,   // NSGA-II offspring of generation `index`
    Boshcode = 4,    // BOSHCODE step `index`: step kind, candidates, starts
    Surrogate = 5,   // surrogate initialisation and minibatches of step `index`
    Accuracy = 6,    // the accuracy surrogate fit
    Reference = 7,   // the hypervolume box sample
    Scalarise = 8,   // multi-objective weights of step `index`
    SteadyState = 9, // steady-state asks: index (trials told << 24) | asks since the last tell
};

// SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective, well-mixed 64-bit hash.
constexpr std::uint64_t splitMix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

constexpr std::uint64_t derivedSeed(std::uint64_t seed, RngStream stream, std::uint64_t index) {
    return splitMix64(splitMix64(splitMix64(seed) ^ static_cast<std::uint64_t>(stream)) ^ index);
}

inline std::mt19937_64 derivedRng(std::uint64_t seed, RngStream stream, std::uint64_t index) {
    return std::mt19937_64(derivedSeed(seed, stream, index));
}

// Uniform double in [0, 1) from a generator, identical on every standard library (the
// std distributions are not specified bit for bit, and a resumed run may be another build).
inline double uniform01(std::mt19937_64& rng) {
    return double(rng() >> 11) * 0x1.0p-53;
}
// Uniform integer in [0, n) (n > 0), portable for the same reason; the modulo bias is below
// n / 2^64, far below anything a search could notice.
inline std::uint64_t uniformIndex(std::mt19937_64& rng, std::uint64_t n) {
    return rng() % n;
}

} // namespace tcw::search
