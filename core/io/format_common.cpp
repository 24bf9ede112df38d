// Pieces every format shares: enum names for choice fields, error merging and the structural
// checks of design spaces.
#include "format_trees.h"

#include <algorithm>
#include <cmath>

namespace tcw::io::detail {

std::vector<std::string> headTypeNames() {
    std::vector<std::string> names;
    for (HeadType t : kAllHeadTypes)
        names.emplace_back(headTypeName(t));
    return names;
}

std::vector<std::string> activationNames() {
    return {std::string(activationName(Activation::Gelu)), std::string(activationName(Activation::Relu))};
}

std::vector<std::string> nonlinearityNames() {
    return {std::string(nonlinearityName(Nonlinearity::Relu)), std::string(nonlinearityName(Nonlinearity::Gelu))};
}

std::vector<std::string> memoryTypeNames() {
    return {std::string(memoryTypeName(MemoryType::Rram)), std::string(memoryTypeName(MemoryType::Dram)),
            std::string(memoryTypeName(MemoryType::Hbm))};
}

std::vector<std::string> bandwidthModeNames() {
    return {std::string(bandwidthModeName(BandwidthMode::Low)), std::string(bandwidthModeName(BandwidthMode::High))};
}

namespace {
bool isAtOrBelow(const std::string& path, const std::string& base) {
    if (path.compare(0, base.size(), base) != 0)
        return false;
    return path.size() == base.size() || path[base.size()] == '.' || path[base.size()] == '[';
}
} // namespace

void appendNewErrors(ValidationErrors& errors, const ValidationErrors& more) {
    const std::size_t existing = errors.size();
    for (const auto& e : more) {
        bool covered = false;
        for (std::size_t i = 0; i < existing && !covered; ++i)
            covered = isAtOrBelow(e.path, errors[i].path) && !errors[i].path.empty();
        if (!covered && std::find(errors.begin(), errors.end(), e) == errors.end())
            errors.push_back(e);
    }
}

bool isLoopUnrolling(std::string_view text) {
    if (text.size() != 7 || text[1] != '_' || text[3] != '_' || text[5] != '_')
        return false;
    std::string letters{text[0], text[2], text[4], text[6]};
    std::sort(letters.begin(), letters.end());
    return letters == "bijk";
}

namespace {

template <typename T, typename Text>
void checkList(ValidationErrors& errors, const std::string& field, const std::vector<T>& values, Text text) {
    if (values.empty()) {
        errors.push_back({field, "must list at least one value"});
        return;
    }
    for (std::size_t i = 0; i < values.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (text(values[i]) == text(values[j])) {
                errors.push_back({indexPath(field, i), "repeats " + text(values[i])});
                break;
            }
}

void checkPositive(ValidationErrors& errors, const std::string& field, const std::vector<int>& values, int max) {
    checkList(errors, field, values, [](int v) { return std::to_string(v); });
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] < 1 || values[i] > max)
            errors.push_back({indexPath(field, i), "must be a whole number from 1 to " + std::to_string(max) +
                                                       ", got " + std::to_string(values[i])});
}

} // namespace

ValidationErrors validateSpace(const TransformerSpace& s) {
    ValidationErrors errors;
    checkPositive(errors, "layerCounts", s.layerCounts, 64);
    checkPositive(errors, "hiddenSizes", s.hiddenSizes, 65536);
    checkPositive(errors, "headCounts", s.headCounts, 64);
    checkList(errors, "headTypes", s.headTypes, [](HeadType t) { return std::string(headTypeName(t)); });
    checkPositive(errors, "feedForwardSizes", s.feedForwardSizes, 1 << 20);
    checkPositive(errors, "feedForwardDepths", s.feedForwardDepths, 8);
    return errors;
}

ValidationErrors validateSpace(const AcceleratorSpace& s) {
    ValidationErrors errors;
    // Each list's values within the bounds of its field in the elector descriptor table.
    const auto fields = fieldsOf(TargetKind::Elector);
    auto field = [&](std::string_view name) -> const FieldInfo& { return fields[*findField(fields, name)]; };
    auto within = [&](const std::string& list, const FieldInfo& f, const auto& values) {
        checkList(errors, list, values, [](double v) { return numberText(v); });
        for (std::size_t i = 0; i < values.size(); ++i)
            if (auto e = checkFieldValue(f, double(values[i])))
                errors.push_back({indexPath(list, i), e->message});
    };
    within("tileB", field("tile.tileB"), s.tileB);
    within("tileX", field("tile.tileX"), s.tileX);
    checkList(errors, "nonlinearities", s.nonlinearities,
              [](Nonlinearity n) { return std::string(nonlinearityName(n)); });
    within("peCounts", field("peCount"), s.peCounts);
    within("lanesPerPe", field("lanesPerPe"), s.lanesPerPe);
    within("macsPerLane", field("macsPerLane"), s.macsPerLane);
    within("softmaxPerPe", field("softmaxPerPe"), s.softmaxPerPe);
    within("batchSizes", field("batchSize"), s.batchSizes);
    within("activationBufferMB", field("activationBufferMB"), s.activationBufferMB);
    within("weightBufferMB", field("weightBufferMB"), s.weightBufferMB);
    within("maskBufferMB", field("maskBufferMB"), s.maskBufferMB);
    checkList(errors, "mainMemories", s.mainMemories, [](const MainMemorySpec& m) { return m.key(); });
    for (std::size_t i = 0; i < s.mainMemories.size(); ++i) {
        const auto& m = s.mainMemories[i];
        if (m.banks < 1 || m.ranks < 1 || m.channels < 1)
            errors.push_back(
                {indexPath("mainMemories", i), "banks, ranks and channels must be at least 1, got " + m.key()});
    }
    return errors;
}

} // namespace tcw::io::detail
