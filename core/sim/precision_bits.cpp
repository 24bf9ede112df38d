#include "precision_bits.h"

namespace tcw {

namespace {

std::string describe(const Precision& p) {
    return std::to_string(p.bits) + "-bit " + std::string(quantizerName(p.quantizer));
}

} // namespace

PrecisionBits::PrecisionBits(const CompressionSpec& spec, int nativeBits, SimMode mode)
    : m_spec(spec), m_native(nativeBits), m_training(mode == SimMode::Training) {
    if (m_training)
        return;
    auto check = [&](const std::string& path, const Precision& p) {
        if (p.quantizer == Quantizer::Float)
            return;
        if (p.bits > m_native) {
            m_problems.push_back(path + ": " + describe(p) + " is wider than the accelerator's " +
                                 std::to_string(m_native) +
                                 "-bit fixed point (technology integerBits + fractionBits); allowed: 1 to " +
                                 std::to_string(m_native) + " bits, or float (stored at the native width)");
            return;
        }
        if (p.bits != m_native)
            m_allNative = false;
    };
    for (std::size_t r = 0; r < kTensorRoleCount; ++r)
        check("compression.precision." + std::string(tensorRoleName(TensorRole(r))), spec.precision[r]);
    for (std::size_t i = 0; i < spec.layerPrecision.size(); ++i)
        check("compression.layerPrecision[" + std::to_string(i) + "] (layer " +
                  std::to_string(spec.layerPrecision[i].layer) + " " +
                  std::string(tensorRoleName(spec.layerPrecision[i].role)) + ")",
              spec.layerPrecision[i].precision);
}

int PrecisionBits::bits(TensorRole role, int layer) const {
    if (m_training)
        return m_native;
    const Precision p = m_spec.at(layer, role);
    if (p.quantizer == Quantizer::Float || p.bits > m_native)
        return m_native;
    return p.bits;
}

} // namespace tcw
