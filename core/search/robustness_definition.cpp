// The robustness objective's definitions (robustness_definition.h).
#include "robustness_definition.h"

#include <cmath>
#include <sstream>

namespace tcw::search {

std::string_view robustnessKindName(RobustnessKind kind) {
    return kind == RobustnessKind::ActivationNoise ? "noise" : "bitflip";
}

std::optional<RobustnessKind> robustnessKindFromName(std::string_view name) {
    if (name == "bitflip")
        return RobustnessKind::BitFlip;
    if (name == "noise")
        return RobustnessKind::ActivationNoise;
    return std::nullopt;
}

std::string describe(const RobustnessDefinition& d) {
    std::ostringstream out;
    if (d.kind == RobustnessKind::ActivationNoise)
        out << "accuracy drop under Gaussian noise on the encoder's linear-layer inputs, σ = " << d.sigma
            << " × each activation vector's RMS";
    else
        out << "accuracy drop under random bit flips in stored encoder weights at rate " << d.rate;
    out << ", mean of " << d.seeds << (d.seeds == 1 ? " seed" : " seeds");
    return out.str();
}

std::vector<std::string> check(const RobustnessDefinition& d) {
    std::vector<std::string> problems;
    if (d.kind == RobustnessKind::BitFlip && !(d.rate >= 0.0 && d.rate <= 1.0))
        problems.push_back("robustness: the bit-flip rate (--robustness-rate) must be in [0, 1]");
    if (d.kind == RobustnessKind::ActivationNoise && !(d.sigma >= 0.0 && std::isfinite(d.sigma)))
        problems.push_back("robustness: the activation-noise σ (--robustness-sigma) must be a finite number ≥ 0");
    if (d.seeds < 1)
        problems.push_back("robustness: at least 1 seed (--robustness-seeds)");
    if (d.maxTestExamples < 0)
        problems.push_back("robustness: the test examples must be at least 0 (0: all)");
    return problems;
}

} // namespace tcw::search
