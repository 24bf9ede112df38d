// Design spaces: the allowed values of every model and accelerator parameter, seeded
// uniform sampling, nearest-valid snapping and the TransCODE integer encodings
// (1 + 3·maxLayers integers per model — 37 for FlexiBERT 2.0 — and 12 per accelerator).
#pragma once

#include "accelerator_spec.h"
#include "transformer_spec.h"
#include "validation.h"

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace tcw {

// FlexiBERT 2.0 space. A model is: a layer count; per layer a hidden size, a head count and a
// multiset of head types (head dim = ⌊hidden / heads⌋), and a feed-forward stack.
struct TransformerSpace {
    std::string name;
    std::vector<int> layerCounts;       // {2, 4, 6, 8, 10, 12}
    std::vector<int> hiddenSizes;       // {128, 256, 512, 768}
    std::vector<int> headCounts;        // {2, 4, 8, 12}
    std::vector<HeadType> headTypes;    // the seven kinds, in encoding order
    std::vector<int> feedForwardSizes;  // {256, 512, 1024, 2048, 3072, 4096}
    std::vector<int> feedForwardDepths; // {1, 2, 3}
    Activation activation = Activation::Gelu;

    bool operator==(const TransformerSpace&) const = default;

    int maxLayers() const;
    int encodingLength() const { return 1 + 3 * maxLayers(); }
    std::int64_t feedForwardOptionCount() const; // 258 for FlexiBERT 2.0
    std::int64_t headOptionCount() const;        // 21,805 for FlexiBERT 2.0

    // Index ↔ option for one layer (enumerated by stack depth / head count, in the order
    // the lists give, then lexicographically; heads as combinations with replacement).
    std::vector<int> feedForwardOption(std::int64_t index) const;
    std::int64_t feedForwardIndex(const std::vector<int>& stack) const; // -1 if not in the space
    std::vector<HeadType> headOption(std::int64_t index) const;
    std::int64_t headIndex(std::vector<HeadType> heads) const; // order-free; -1 if not in the space

    TransformerSpec sample(std::mt19937_64& rng) const;
    // Nearest member: layer count, hidden sizes, head counts and FF sizes to the nearest
    // allowed value; unknown head types kept, dims recomputed as ⌊hidden / heads⌋.
    TransformerSpec snap(const TransformerSpec& spec) const;
    ValidationErrors check(const TransformerSpec& spec) const; // membership, with paths

    // Encoding: e[0] = index of the layer count; for layer ℓ, e[3ℓ+1] = hidden index,
    // e[3ℓ+2] = FF option index, e[3ℓ+3] = head multiset index; unused layers 0.
    std::vector<int> encode(const TransformerSpec& spec) const;  // throws std::invalid_argument outside the space
    TransformerSpec decode(std::span<const int> encoding) const; // throws std::invalid_argument on bad indices
};

// ELECTOR space. tileY always equals tileX.
struct AcceleratorSpace {
    std::string name;
    std::vector<int> tileB;
    std::vector<int> tileX;
    std::vector<Nonlinearity> nonlinearities;
    std::vector<int> peCounts;
    std::vector<int> lanesPerPe;
    std::vector<int> macsPerLane;
    std::vector<int> softmaxPerPe;
    std::vector<int> batchSizes;
    std::vector<double> activationBufferMB;
    std::vector<double> weightBufferMB;
    std::vector<double> maskBufferMB;
    std::vector<MainMemorySpec> mainMemories; // encoding index order

    bool operator==(const AcceleratorSpace&) const = default;

    std::uint64_t size() const; // number of distinct accelerators
    // The accelerator with this mixed-radix index in [0, size()), for exhaustive sweeps.
    AcceleratorSpec at(std::uint64_t index) const;
    AcceleratorSpec sample(std::mt19937_64& rng) const;
    AcceleratorSpec snap(const AcceleratorSpec& spec) const;
    ValidationErrors check(const AcceleratorSpec& spec) const;

    // [tile_b, tile_x, tile_y, PEs, lanes, MACs, softmax, batch, act MB, weight MB, mask MB,
    // memory index]: raw values, not indices (as TransCODE). Buffer sizes must be whole MB.
    static constexpr int kEncodingLength = 12;
    std::vector<int> encode(const AcceleratorSpec& spec) const;  // throws std::invalid_argument
    AcceleratorSpec decode(std::span<const int> encoding) const; // snaps; nonlinearity = first allowed
};

// The published spaces (FlexiBERT 2.0 and ELECTOR: docs/formats.md, docs/acceltran-fast.md
// §7.1), also shipped as data/spaces/*.yaml.
TransformerSpace flexibert2Space();
AcceleratorSpace electorSpace();

} // namespace tcw
