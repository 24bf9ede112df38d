// Sparse storage formats of one weight matrix: their exact size in bits and an encoder and
// decoder for each, so the size a cost model or `tcw formats` reports is the length of a
// stream that really decodes back to the matrix.
//
// Sizes count the payload only. The shape (M, N, bits per value b, block b_r × b_c) and, for
// BCSR and CBR-style, the number of kept blocks are header fields every format needs and are
// not counted (as in the formulas below). Blocks at the right and bottom edges of a matrix
// whose sides are not multiples of the block are padded to full blocks.
//
//   dense            M·N·b
//   bitmap + values  M·N + nnz·b
//   CSR              nnz·(b + ⌈log₂N⌉) + (M + 1)·⌈log₂(M·N + 1)⌉
//   BCSR             K·(b_r·b_c·b + ⌈log₂(N/b_c)⌉) + (M/b_r + 1)·⌈log₂(K + 1)⌉
//   CBR-style        K·(⌈log₂(N/b_c)⌉ + b_r·⌈log₂(b_c + 1)⌉) + nnz·(b + ⌈log₂b_c⌉)
//                    + (M/b_r + 1)·⌈log₂(K + 1)⌉
//   two-level        (M/b_r)·(N/b_c) + K·b_c + V·b
//
// with K kept blocks (blocks with at least one kept element) and, for the two-level format,
// V = b_r · (kept columns summed over kept blocks): a kept block stores a column mask and then
// its kept columns whole. CBR-style is our own reading of the Compressed Block Row format
// (its exact layout is not public here): BCSR's block index, then per kept block a non-zero
// count per row and each non-zero with its column inside the block.
#pragma once

#include "weight_mask.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::compress {

enum class SparseFormat : std::uint8_t { Dense, Bitmap, Csr, Bcsr, CbrStyle, TwoLevel };
inline constexpr std::size_t kSparseFormatCount = 6;
std::string_view sparseFormatName(SparseFormat f);  // "dense", "bitmap", "csr", "bcsr", "cbr", "two-level"
std::string_view sparseFormatLabel(SparseFormat f); // "bitmap + values", "CBR-style", …
std::optional<SparseFormat> sparseFormatFromName(std::string_view name);
std::span<const SparseFormat> allSparseFormats();

struct FormatParams {
    int valueBits = 16; // b: 1 to 32
    int blockRows = 16; // b_r, for BCSR, CBR-style and two-level
    int blockCols = 16; // b_c
};

// What a format's size depends on, counted from a mask (or given for a model without one).
struct MaskCounts {
    std::uint64_t rows = 0, cols = 0;
    std::uint64_t nnz = 0;              // kept elements
    std::uint64_t keptBlocks = 0;       // blocks with at least one kept element
    std::uint64_t keptBlockColumns = 0; // columns with a kept element, summed over kept blocks
};
MaskCounts countMask(const WeightMask& mask, int blockRows, int blockCols);

// Exact payload size in bits. Closed form, in 64-bit integers.
std::uint64_t formatBits(SparseFormat f, const MaskCounts& counts, const FormatParams& p);
// Every format's exact size for one mask, and the smallest (ties: the earlier format of
// allSparseFormats()): what `tcw formats` prints and `tcw prune` records per matrix.
struct FormatSizes {
    std::array<std::uint64_t, kSparseFormatCount> bits{}; // by SparseFormat
    SparseFormat smallest = SparseFormat::Dense;
    std::uint64_t of(SparseFormat f) const { return bits[std::size_t(f)]; }
};
FormatSizes formatSizes(const MaskCounts& counts, const FormatParams& p);

inline std::uint64_t bytesOfBits(std::uint64_t bits) {
    return (bits + 7) / 8;
}

// Bits per stored element of the bitmap format at sparsity s, as the ELECTOR model assumes:
// min(b, (1 − s)·b + 1).
double bitmapBitsPerElement(double sparsity, int valueBits);

// A matrix of b-bit value codes (row-major), pruned by a mask; element (r, c) is
// values[r·cols + c], and a pruned element decodes to code 0.
struct EncodedMatrix {
    SparseFormat format = SparseFormat::Dense;
    int rows = 0, cols = 0;
    FormatParams params;
    std::uint64_t keptBlocks = 0;     // header field of BCSR and CBR-style
    std::uint64_t bitCount = 0;       // payload length
    std::vector<std::uint64_t> words; // payload, bit i of the stream is bit (i % 64) of words[i / 64]
};

// The values at pruned positions are ignored (stored as nothing, or as code 0 inside a kept
// block or column). Every code must fit in valueBits.
EncodedMatrix encode(SparseFormat f, const WeightMask& mask, std::span<const std::uint32_t> codes,
                     const FormatParams& p);
// The dense matrix of codes (pruned: 0) and the mask the stream stores: for bitmap, CSR and
// CBR-style the kept elements exactly; for BCSR every element of a kept block; for two-level
// every element of a kept column of a kept block (padding outside the matrix dropped).
struct DecodedMatrix {
    WeightMask mask;
    std::vector<std::uint32_t> codes;
};
DecodedMatrix decode(const EncodedMatrix& encoded);

// Bits needed to write an integer in [0, n): ⌈log₂ n⌉ (0 for n ≤ 1).
int bitsFor(std::uint64_t n);

} // namespace tcw::compress
