// The fpga target's cost model (our modelling; equations in docs/simulator.md, "FPGA"):
// the weights stay on chip, stored in the spec's format; the output columns of every weight
// matrix are cut into bands of blockCols columns dealt round robin to the PEs, and each PE
// reads only its own bank. A PE reads one stored weight per cycle and applies it to up to
// macsPerPe tokens; its index decoder reads decodeBitsPerCycle index bits per cycle in the
// same pipeline, so a PE takes max(stored values, ⌈index bits / decode width⌉) cycles per
// pass over its weights and ⌈tokens / macsPerPe⌉ passes. A matrix waits for its busiest PE
// (balanced patterns: every PE equally busy, no bank conflicts by construction); activations
// stream from and to off-chip memory during the compute (a matrix takes the longer of the
// two). Softmax, layer norm, GELU and the attention's activation-by-activation products are
// not modelled: the latency is that of the weight matrices. Convolution heads (ConvBERT's
// dynamic-span convolution, c_5 / c_9 / c_13) add their kernel generator (d × k) and their
// depthwise convolution's k × d taps (each tap applied to every token, as a matrix's weight
// is; d activations in and out per token); the dynamic convolution itself multiplies
// activations by activations and is not modelled, like the attention's scores.
// Precision (issue 15): the model's CompressionSpec stores each matrix's weights at its
// layer's `weights` bits and streams each activation at its role's bits (precision_bits.h;
// the spec's weightBits and activationBits are the native widths a float role takes). The
// PEs' cycles do not move with the bits: the DSP datapath stays at the design's widths.
#pragma once

#include "compress/sparse_format.h"
#include "design/fpga_spec.h"
#include "design/transformer_spec.h"
#include "precision_bits.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tcw::sim {

// One PE's bank for one matrix.
struct BankLoad {
    std::uint64_t storedValues = 0; // values the format stores (pruned zeros inside kept blocks included)
    std::uint64_t bits = 0;         // the bank's exact size in the format
    std::uint64_t indexBits = 0;    // bits - storedValues · weightBits
};

struct FpgaMatrix {
    std::string name;
    int rows = 0, cols = 0;              // in × out
    int repeat = 1;                      // identical matrices (layers) it stands for
    std::vector<BankLoad> banks;         // one per PE
    int streamedIn = 0, streamedOut = 0; // activations per token read and written; 0: rows, cols
    int weightBits = 0;                  // bits of each stored weight value; 0: the spec's weightBits
    // Activation bits per token read and written off-chip (issue 15: each at its role's bits);
    // 0: streamedIn (streamedOut) × the spec's activationBits.
    std::uint64_t bitsInPerToken = 0, bitsOutPerToken = 0;
};

// The native widths of the fpga target for PrecisionBits: weightBits for `weights`,
// activationBits for the four activation roles; embeddings and classifier are not costed
// (the model covers the encoder's matrices) and not checked.
PrecisionBits fpgaPrecisionBits(const CompressionSpec& compression, const FpgaSpec& spec);

// Exact: the mask's columns dealt to the spec's PEs, each bank encoded in the spec's format.
// weightBits: the stored value bits (0: the spec's weightBits).
FpgaMatrix matrixFromMask(std::string name, const compress::WeightMask& mask, const FpgaSpec& spec, int repeat = 1,
                          int weightBits = 0);
// Without a mask, for formats whose size depends only on the kept count (dense, bitmap,
// CSR): round(sparsity × rows × cols) weights pruned, spread over the banks in proportion to
// their columns (largest remainder). Throws std::invalid_argument naming the format for the
// block formats, whose size depends on where the weights are.
FpgaMatrix matrixUniform(std::string name, int rows, int cols, double sparsity, const FpgaSpec& spec, int repeat = 1,
                         int weightBits = 0);
// Every linear weight matrix of a model's encoder (Q, K, V and attention output per head
// kind's projection widths, the feed-forward stack), each at the given sparsity; the extra
// weights of sa_wma heads (d × d) and convolution heads (kernel generator d × k, depthwise
// taps k × d) dense, as the pruning presets leave them. Throws std::invalid_argument naming
// the layer for l_dft / l_dct heads (their fixed transforms are not weights of this model).
// Bits from the model's CompressionSpec (fpgaPrecisionBits): every matrix's weights at its
// layer's `weights` bits; per token, Q/K/V read the layer input (native) and write attention
// heads' Q, K, V at `qkv` (convolution heads' native); sa_wma's qW reads and writes `qkv`; the
// attention output reads the head outputs at `linearInputs` and writes native; feed-forward
// matrices read the layer-norm output (the first, native) or the hidden activation
// (`ffnHidden`), and write the hidden activation (`ffnHidden`: the non-linearity is applied on
// the way out) or, the last, the layer's output (native); convolution heads' extra matrices
// read and write native activations.
std::vector<FpgaMatrix> encoderMatricesUniform(const TransformerSpec& model, double sparsity, const FpgaSpec& spec);

struct FpgaMatrixCost {
    std::string name;
    std::uint64_t bits = 0;                                    // Σ over banks, times repeat
    int weightBits = 0;                                        // bits of each stored weight value
    std::uint64_t streamedBitsPerToken = 0;                    // activation bits read + written
    std::uint64_t busiestCycles = 0;                           // per matrix
    double meanCycles = 0;                                     // per matrix, mean over PEs
    double computeSeconds = 0, memorySeconds = 0, seconds = 0; // per matrix
};

struct FpgaResult {
    bool feasible = true;
    std::vector<std::string> reasons;  // why not, each with its numbers
    std::uint64_t weightBits = 0;      // all weights, exact, in the spec's format
    std::uint64_t fullestBankBits = 0; // the fullest PE bank over all matrices (reported, not a limit:
                                       // the banks share the on-chip memory as the layout needs)
    double latencySeconds = 0;         // the weight matrices, tokens as given
    double imbalance = 1;              // Σ busiest cycles / Σ mean cycles (1: balanced)
    int dspUsed = 0;
    std::int64_t lutsUsed = 0;
    std::vector<FpgaMatrixCost> matrices;
};

// tokens: batch × sequence length of one inference.
FpgaResult evaluateFpga(const FpgaSpec& spec, const std::vector<FpgaMatrix>& matrices, std::int64_t tokens);
// A model's encoder at `sparsity` and its CompressionSpec's precision: evaluateFpga of
// encoderMatricesUniform, infeasible also when a fixed-point precision is wider than the
// target's width for its role (the reason names the field). Throws as encoderMatricesUniform.
FpgaResult evaluateFpgaModel(const FpgaSpec& spec, const TransformerSpec& model, double sparsity, std::int64_t tokens);

} // namespace tcw::sim
