// The joint space of a co-design search: a transformer space × an accelerator space, with
// either side optionally fixed (hardware-aware NAS fixes the accelerator, accelerator search
// fixes the model). A candidate is the TransCODE pair encoding (37 + 12 integers for
// FlexiBERT 2.0 × ELECTOR); the surrogates and GOBI see it as a point of [0, 1]^d, one
// coordinate per encoding entry measured in steps of that entry's list of allowed values.
#pragma once

#include "design/design_space.h"
#include "target_union.h"

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace tcw::search {

struct Candidate {
    std::vector<int> model;       // TransformerSpace::encode
    std::vector<int> accelerator; // AcceleratorSpace::encode (12 raw values)
    std::vector<int> target;      // a union search's target part (target_union.h); empty otherwise

    bool operator==(const Candidate&) const = default;
    auto operator<=>(const Candidate&) const = default;
    std::vector<int> joined() const; // model, accelerator, then target
};

class CoDesignSpace {
public:
    CoDesignSpace() = default; // empty: assign a real one before use
    CoDesignSpace(TransformerSpace models, AcceleratorSpace accelerators);

    // One-sided modes. A fixed design must belong to its space (throws std::invalid_argument
    // with the space's reasons otherwise).
    void fixModel(const TransformerSpec& model);
    void fixAccelerator(const AcceleratorSpec& accelerator);
    bool modelFixed() const { return m_fixedModel.has_value(); }
    bool acceleratorFixed() const { return m_fixedAccelerator.has_value(); }

    const TransformerSpace& models() const { return m_models; }
    const AcceleratorSpace& accelerators() const { return m_accelerators; }

    int modelLength() const { return m_models.encodingLength(); }
    int dimension() const { return modelLength() + AcceleratorSpace::kEncodingLength + targetLength(); }

    // Issue 15: a union of target kinds with model-wide precisions (target_union.h). Not with
    // a fixed accelerator (throws std::invalid_argument). Without it the space is the
    // elector-only one of every earlier search, encodings unchanged.
    void setTargets(TargetUnion targets);
    const TargetUnion& targets() const { return m_targets; }
    int targetLength() const { return m_targets.length(); }
    TargetKind targetKind(const Candidate& c) const; // elector when the space has no union
    std::string precision(const Candidate& c) const; // "" when the space has no precision list
    BatSpec bat(const Candidate& c) const;           // the bat part (meaningful for bat candidates)
    // Issue 14: a device candidate's device, as its index into targets().devices and its id
    // (0 and "" when the space has no devices).
    std::size_t deviceIndex(const Candidate& c) const;
    std::string device(const Candidate& c) const;
    Target target(const Candidate& c) const; // the candidate's target, of its kind
    // Splits a stored encoding (joined()) into the candidate; nothing when the length is wrong.
    std::optional<Candidate> split(std::span<const int> code) const;

    Candidate sample(std::mt19937_64& rng) const;
    Candidate sampleWithModel(const TransformerSpec& model, std::mt19937_64& rng) const;
    Candidate encode(const TransformerSpec& model, const AcceleratorSpec& accelerator) const;
    TransformerSpec model(const Candidate& c) const;       // named "m<index code>", at the candidate's precision
    AcceleratorSpec accelerator(const Candidate& c) const; // named "a<index code>"
    bool contains(const Candidate& c) const;               // decodes and re-encodes to itself

    // [0, 1]^d view. Fixed coordinates keep their value; toUnit ∘ fromUnit is the identity on
    // candidates; fromUnit rounds every coordinate to the nearest allowed value (snapping),
    // then zeroes the entries of unused layers.
    std::vector<double> toUnit(const Candidate& c) const;
    Candidate fromUnit(std::span<const double> x) const;
    // Whether coordinate i can change (false for a fixed side and for tile_y, which follows tile_x).
    bool isFree(int i) const;

    // Variation for evolutionary search on the integer encoding (see nsga2.h for why these):
    // uniform crossover that keeps each layer's (hidden, feed-forward, heads) triple together,
    // and per-gene mutation with probability `rate`: half the time one step to a neighbouring
    // allowed value, otherwise a fresh uniform value.
    Candidate crossover(const Candidate& a, const Candidate& b, std::mt19937_64& rng) const;
    Candidate mutate(const Candidate& c, double rate, std::mt19937_64& rng) const;

    // "L4 H[256,512,…] | 8×16×16 PEs·lanes·MACs, 32 MB …": a one-line summary for tables.
    std::string describe(const Candidate& c) const;

private:
    int levels(int i) const; // allowed values of coordinate i (≥ 1)
    int levelOf(const Candidate& c, int i) const;
    void setLevel(Candidate& c, int i, int level) const;
    Candidate canonical(Candidate c) const; // unused layers zeroed, tile_y = tile_x, fixed sides set

    TransformerSpace m_models;
    AcceleratorSpace m_accelerators;
    std::optional<TransformerSpec> m_fixedModel;
    std::optional<AcceleratorSpec> m_fixedAccelerator;
    std::vector<int> m_fixedModelCode, m_fixedAcceleratorCode;
    std::vector<std::vector<int>> m_acceleratorValues; // allowed raw values per accelerator entry
    TargetUnion m_targets;
    std::vector<int> m_firstAcceleratorCode; // a bat candidate's canonical elector part
    int m_f32Level = 0;                      // a device candidate's precision level (issue 14)
};

} // namespace tcw::search
