// Per-tensor bits for the fixed-width accelerators (issue 15: "`elector` and `acceltran-fast`
// read per-tensor bits too"). The elector and acceltran-fast models store every value in the
// technology table's fixed point (integerBits + fractionBits, 20 bits by default: the
// "native width"). A model's CompressionSpec moves what is stored and moved, never the
// arithmetic: the MAC lanes, softmax and layer-norm units stay native-width, so a 1-bit weight
// makes no lane faster (a binary engine is the `bat` target). The rules, in docs/simulator.md:
//   - a floating-point role (the default 32-bit float, or 16-bit float) is stored at the native
//     width: the accelerator has no float units and runs such a model in its own fixed point,
//     so a model without a compression spec costs what it cost before precision existed;
//   - a fixed-point role of b bits (sign, symmetric, asymmetric, power of two) is stored and
//     moved at b bits when b is at most the native width; a wider one is reported (the data
//     path cannot hold it) and the design is infeasible;
//   - precision moves inference only: quantization-aware training keeps latent weights,
//     gradients and optimizer state at full precision, so training runs cost at the native
//     width throughout.
// The fpga target has two native widths (its weightBits and activationBits): the second
// constructor takes a width per role, with the words that name where it comes from.
#pragma once

#include "design/compression_spec.h"
#include "sim_types.h"

#include <array>
#include <string>
#include <vector>

namespace tcw {

class PrecisionBits {
public:
    PrecisionBits(const CompressionSpec& spec, int nativeBits, SimMode mode);
    // One native width per role (by TensorRole), each with the words problems() uses for it
    // ("the fpga target's 16-bit weights (weightBits)"). A width of 0: the cost model does
    // not cost that role; its precision is not checked and bits() must not be asked for it.
    PrecisionBits(const CompressionSpec& spec, const std::array<int, kTensorRoleCount>& nativeBits, SimMode mode,
                  const std::array<std::string, kTensorRoleCount>& widthNames);

    // The native width (of the weights, for the per-role constructor).
    int nativeBits() const { return m_native; }
    int nativeBits(TensorRole role) const { return m_natives[std::size_t(role)]; }
    // True when every tensor is stored at the native width (the default spec, training, or a
    // spec of float roles only): the cost models then take their unchanged native-width path.
    bool allNative() const { return m_allNative; }
    // Bits of one value of `role` in `layer` (−1: embedding and classifier), by the rules above.
    // A fixed-point role wider than the native width counts as native here; problems() names it.
    int bits(TensorRole role, int layer) const;
    // One line per fixed-point precision wider than the native width, naming the field.
    const std::vector<std::string>& problems() const { return m_problems; }

private:
    CompressionSpec m_spec;
    std::array<int, kTensorRoleCount> m_natives{};
    int m_native;
    bool m_training;
    bool m_allNative = true;
    std::vector<std::string> m_problems;
};

} // namespace tcw
