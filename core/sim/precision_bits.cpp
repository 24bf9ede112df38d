#include "precision_bits.h"

namespace tcw {

namespace {

std::string describe(const Precision& p) {
    return std::to_string(p.bits) + "-bit " + std::string(quantizerName(p.quantizer));
}

std::array<std::string, kTensorRoleCount> fixedPointNames(int nativeBits) {
    std::array<std::string, kTensorRoleCount> names;
    names.fill("the accelerator's " + std::to_string(nativeBits) +
               "-bit fixed point (technology integerBits + fractionBits)");
    return names;
}

std::array<int, kTensorRoleCount> sameWidth(int nativeBits) {
    std::array<int, kTensorRoleCount> widths;
    widths.fill(nativeBits);
    return widths;
}

} // namespace

PrecisionBits::PrecisionBits(const CompressionSpec& spec, int nativeBits, SimMode mode)
    : PrecisionBits(spec, sameWidth(nativeBits), mode, fixedPointNames(nativeBits)) {}

PrecisionBits::PrecisionBits(const CompressionSpec& spec, const std::array<int, kTensorRoleCount>& nativeBits,
                             SimMode mode, const std::array<std::string, kTensorRoleCount>& widthNames)
    : m_spec(spec), m_natives(nativeBits), m_native(nativeBits[std::size_t(TensorRole::Weights)]),
      m_training(mode == SimMode::Training) {
    if (m_training)
        return;
    auto check = [&](const std::string& path, TensorRole role, const Precision& p) {
        const int native = m_natives[std::size_t(role)];
        if (native == 0 || p.quantizer == Quantizer::Float)
            return;
        if (p.bits > native) {
            m_problems.push_back(path + ": " + describe(p) + " is wider than " + widthNames[std::size_t(role)] +
                                 "; allowed: 1 to " + std::to_string(native) +
                                 " bits, or float (stored at the native width)");
            return;
        }
        if (p.bits != native)
            m_allNative = false;
    };
    for (std::size_t r = 0; r < kTensorRoleCount; ++r)
        check("compression.precision." + std::string(tensorRoleName(TensorRole(r))), TensorRole(r), spec.precision[r]);
    for (std::size_t i = 0; i < spec.layerPrecision.size(); ++i)
        check("compression.layerPrecision[" + std::to_string(i) + "] (layer " +
                  std::to_string(spec.layerPrecision[i].layer) + " " +
                  std::string(tensorRoleName(spec.layerPrecision[i].role)) + ")",
              spec.layerPrecision[i].role, spec.layerPrecision[i].precision);
}

int PrecisionBits::bits(TensorRole role, int layer) const {
    const int native = m_natives[std::size_t(role)];
    if (m_training)
        return native;
    const Precision p = m_spec.at(layer, role);
    if (p.quantizer == Quantizer::Float || p.bits > native)
        return native;
    return p.bits;
}

} // namespace tcw
