// CompressionSpec: names of its enums, validation and a plain-text reading.
#include "compression_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tcw {

namespace {

template <typename E, std::size_t N> std::optional<E> fromName(std::string_view name, std::string_view (*nameOf)(E)) {
    for (std::size_t i = 0; i < N; ++i)
        if (nameOf(E(i)) == name)
            return E(i);
    return std::nullopt;
}

constexpr std::string_view kRoleNames[] = {"weights",   "linearInputs", "qkv",       "attentionProbabilities",
                                           "ffnHidden", "embeddings",   "classifier"};
constexpr std::string_view kQuantizerNames[] = {"float", "symmetric", "asymmetric", "power-of-two", "sign"};
constexpr std::string_view kMatrixNames[] = {"query",       "key",       "value",     "attentionOutput",
                                             "feedForward", "embedding", "classifier"};
constexpr std::string_view kLevelNames[] = {"layer", "head", "block", "row", "column", "vector", "element"};
constexpr std::string_view kBalanceNames[] = {"none", "perRow", "perBlock", "perPeGroup"};
constexpr std::string_view kCriterionNames[] = {"l1", "l2", "magnitude", "taylor"};

template <std::size_t N> std::string list(const std::string_view (&names)[N]) {
    return joinValues(names, [](std::string_view n) { return std::string(n); });
}

std::string numberText(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

std::string percentText(double ratio) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g %%", ratio * 100);
    return buffer;
}

void checkPrecision(ValidationErrors& errors, const std::string& path, const Precision& p) {
    constexpr int kBits[] = {1, 2, 4, 8, 16, 32};
    if (std::find(std::begin(kBits), std::end(kBits), p.bits) == std::end(kBits))
        errors.push_back({path + ".bits", "must be one of 1, 2, 4, 8, 16, 32, got " + std::to_string(p.bits)});
    else if (p.quantizer == Quantizer::Float && p.bits != 16 && p.bits != 32)
        errors.push_back({path + ".bits", "a float has 16 or 32 bits, got " + std::to_string(p.bits)});
    else if (p.quantizer == Quantizer::Sign && p.bits != 1)
        errors.push_back({path + ".bits", "the sign quantizer has 1 bit, got " + std::to_string(p.bits)});
    else if (p.bits == 1 && p.quantizer != Quantizer::Sign)
        errors.push_back({path + ".quantizer",
                          "1 bit needs the sign quantizer, got '" + std::string(quantizerName(p.quantizer)) + "'"});
}

} // namespace

std::string_view tensorRoleName(TensorRole role) {
    return kRoleNames[std::size_t(role)];
}
std::optional<TensorRole> tensorRoleFromName(std::string_view name) {
    return fromName<TensorRole, kTensorRoleCount>(name, tensorRoleName);
}
std::string_view quantizerName(Quantizer q) {
    return kQuantizerNames[std::size_t(q)];
}
std::optional<Quantizer> quantizerFromName(std::string_view name) {
    return fromName<Quantizer, kQuantizerCount>(name, quantizerName);
}
std::string_view weightMatrixName(WeightMatrix m) {
    return kMatrixNames[std::size_t(m)];
}
std::optional<WeightMatrix> weightMatrixFromName(std::string_view name) {
    return fromName<WeightMatrix, kWeightMatrixCount>(name, weightMatrixName);
}
std::string_view pruningLevelName(PruningLevel l) {
    return kLevelNames[std::size_t(l)];
}
std::optional<PruningLevel> pruningLevelFromName(std::string_view name) {
    return fromName<PruningLevel, kPruningLevelCount>(name, pruningLevelName);
}
std::string_view balanceRuleName(BalanceRule b) {
    return kBalanceNames[std::size_t(b)];
}
std::optional<BalanceRule> balanceRuleFromName(std::string_view name) {
    return fromName<BalanceRule, kBalanceRuleCount>(name, balanceRuleName);
}
std::string_view pruningCriterionName(PruningCriterion c) {
    return kCriterionNames[std::size_t(c)];
}
std::optional<PruningCriterion> pruningCriterionFromName(std::string_view name) {
    return fromName<PruningCriterion, kPruningCriterionCount>(name, pruningCriterionName);
}

Precision CompressionSpec::at(int layer, TensorRole role) const {
    for (const auto& o : layerPrecision)
        if (o.layer == layer && o.role == role)
            return o.precision;
    return of(role);
}

ValidationErrors validate(const CompressionSpec& spec, int layerCount) {
    ValidationErrors errors;
    for (std::size_t r = 0; r < kTensorRoleCount; ++r)
        checkPrecision(errors, "precision." + std::string(kRoleNames[r]), spec.precision[r]);
    for (std::size_t i = 0; i < spec.layerPrecision.size(); ++i) {
        const auto& o = spec.layerPrecision[i];
        const std::string at = "layerPrecision[" + std::to_string(i) + "]";
        if (o.layer < 0 || o.layer >= layerCount)
            errors.push_back({at + ".layer", "must be a layer of the model, 0 to " + std::to_string(layerCount - 1) +
                                                 ", got " + std::to_string(o.layer)});
        for (std::size_t j = 0; j < i; ++j)
            if (spec.layerPrecision[j].layer == o.layer && spec.layerPrecision[j].role == o.role) {
                errors.push_back({at, "repeats layer " + std::to_string(o.layer) + " " +
                                          std::string(tensorRoleName(o.role)) + " (first at layerPrecision[" +
                                          std::to_string(j) + "])"});
                break;
            }
        checkPrecision(errors, at, o.precision);
    }
    for (std::size_t m = 0; m < kWeightMatrixCount; ++m) {
        const auto& stages = spec.pruning[m].stages;
        for (std::size_t i = 0; i < stages.size(); ++i) {
            const PruningStage& s = stages[i];
            const std::string at = "pruning." + std::string(kMatrixNames[m]) + "[" + std::to_string(i) + "]";
            if (!(s.ratio >= 0 && s.ratio < 1))
                errors.push_back({at + ".ratio", "must be at least 0 and below 1, got " + numberText(s.ratio)});
            if (i > 0 && stages[i - 1].level >= s.level)
                errors.push_back({at + ".level", "must be finer than '" +
                                                     std::string(pruningLevelName(stages[i - 1].level)) +
                                                     "': levels go from coarse to fine, " + list(kLevelNames)});
            if (s.level == PruningLevel::Block) {
                for (auto [name, size] : {std::pair{"blockRows", s.blockRows}, std::pair{"blockCols", s.blockCols}})
                    if (size < 1 || size > 4096)
                        errors.push_back({at + "." + name,
                                          "a block stage needs a size from 1 to 4096, got " + std::to_string(size)});
            } else if (s.level == PruningLevel::Vector ||
                       ((s.blockRows != 0 || s.blockCols != 0) &&
                        (s.level == PruningLevel::Row || s.level == PruningLevel::Column ||
                         s.level == PruningLevel::Element))) {
                // A vector's shape; the tile a row, column or element stage is cut and balanced in.
                for (auto [name, size] : {std::pair{"blockRows", s.blockRows}, std::pair{"blockCols", s.blockCols}})
                    if (size < 1 || size > 4096)
                        errors.push_back({at + "." + name,
                                          std::string(s.level == PruningLevel::Vector ? "a vector stage needs its shape"
                                                                                      : "a tile needs both sides") +
                                              ", from 1 to 4096, got " + std::to_string(size)});
            } else if (s.blockRows != 0 || s.blockCols != 0) {
                errors.push_back({at + ".blockRows", "only block, vector, row, column and element stages have a "
                                                     "block size, not " +
                                                         std::string(pruningLevelName(s.level)) + " stages"});
            }
            if (s.balance == BalanceRule::PerBlock && (s.level == PruningLevel::Layer || s.level == PruningLevel::Head))
                errors.push_back({at + ".balance", "perBlock balances blocks, rows, columns, vectors or elements "
                                                   "inside tiles, not whole " +
                                                       std::string(pruningLevelName(s.level)) + "s"});
        }
    }
    return errors;
}

std::vector<std::string> describeCompression(const CompressionSpec& spec) {
    if (spec.isDefault())
        return {"dense, 32-bit float"};
    auto precisionText = [](const Precision& p) {
        return std::to_string(p.bits) + "-bit " + std::string(quantizerName(p.quantizer));
    };
    std::vector<std::string> lines;
    for (std::size_t r = 0; r < kTensorRoleCount; ++r)
        lines.push_back(std::string(kRoleNames[r]) + ": " + precisionText(spec.precision[r]));
    for (const auto& o : spec.layerPrecision)
        lines.push_back("layer " + std::to_string(o.layer) + " " + std::string(tensorRoleName(o.role)) + ": " +
                        precisionText(o.precision));
    for (std::size_t m = 0; m < kWeightMatrixCount; ++m) {
        const auto& stages = spec.pruning[m].stages;
        if (stages.empty())
            continue;
        std::string line = std::string(kMatrixNames[m]) + ":";
        for (const auto& s : stages) {
            line += " " + std::string(pruningLevelName(s.level));
            if (s.level == PruningLevel::Block)
                line += " " + std::to_string(s.blockRows) + "×" + std::to_string(s.blockCols);
            line += " " + percentText(s.ratio) + " (" + std::string(balanceRuleName(s.balance)) + ", " +
                    std::string(pruningCriterionName(s.criterion)) + ")";
        }
        lines.push_back(line);
    }
    return lines;
}

} // namespace tcw
