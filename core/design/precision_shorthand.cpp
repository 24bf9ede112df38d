#include "precision_shorthand.h"

#include <charconv>

namespace tcw {

namespace {

bool parseBits(std::string_view s, int& bits) {
    if (s.empty())
        return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), bits);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Precision precisionFor(int bits) {
    if (bits == 1)
        return {1, Quantizer::Sign};
    if (bits >= 16)
        return {bits, Quantizer::Float};
    return {bits, Quantizer::Symmetric};
}

bool allowed(int bits) {
    return bits == 1 || bits == 2 || bits == 4 || bits == 8 || bits == 16 || bits == 32;
}

} // namespace

std::string applyPrecisionShorthand(std::string_view text, CompressionSpec& spec) {
    const std::string why = "precision \"" + std::string(text) +
                            "\": expected wBaB or wB (e.g. w1a1, w1a8, w2a8, w8a8, w1) with bits 1, 2, 4, 8, 16 or 32";
    if (text.size() < 2 || text[0] != 'w')
        return why;
    const std::size_t a = text.find('a');
    int wBits = 0, aBits = 32;
    if (!parseBits(text.substr(1, a == std::string_view::npos ? std::string_view::npos : a - 1), wBits))
        return why;
    if (a != std::string_view::npos && !parseBits(text.substr(a + 1), aBits))
        return why;
    if (!allowed(wBits) || !allowed(aBits))
        return why;
    spec.precision[std::size_t(TensorRole::Weights)] = precisionFor(wBits);
    for (TensorRole role : {TensorRole::LinearInputs, TensorRole::QueryKeyValue, TensorRole::AttentionProbabilities,
                            TensorRole::FeedForwardHidden})
        spec.precision[std::size_t(role)] = precisionFor(aBits);
    return {};
}

} // namespace tcw
