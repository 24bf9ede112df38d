// Names of the stored enumerations (the text in the database's columns).
#include "records.h"

#include <array>
#include <utility>

namespace tcw::store {

namespace {
template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view name) {
    for (const auto& [value, text] : table)
        if (text == name)
            return value;
    return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
    for (const auto& [v, text] : table)
        if (v == value)
            return text;
    return {};
}

constexpr std::array<std::pair<DesignKind, std::string_view>, 3> kDesignKinds = {{
    {DesignKind::Transformer, "transformer"},
    {DesignKind::Accelerator, "accelerator"},
    {DesignKind::Pair, "pair"},
}};

constexpr std::array<std::pair<AccuracySource, std::string_view>, 4> kAccuracySources = {{
    {AccuracySource::None, ""},
    {AccuracySource::Trained, "trained"},
    {AccuracySource::Predicted, "predicted"},
    {AccuracySource::Published, "published"},
}};

constexpr std::array<std::pair<MetricsProvenance, std::string_view>, 5> kMetricsProvenances = {{
    {MetricsProvenance::None, ""},
    {MetricsProvenance::Simulated, "simulated"},
    {MetricsProvenance::Measured, "measured"},
    {MetricsProvenance::Predicted, "predicted"},
    {MetricsProvenance::Published, "published"},
}};

constexpr std::array<std::pair<RunStatus, std::string_view>, 5> kRunStatuses = {{
    {RunStatus::Pending, "pending"},
    {RunStatus::Running, "running"},
    {RunStatus::Finished, "finished"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
}};
} // namespace

std::string_view designKindName(DesignKind kind) {
    return nameOf(kDesignKinds, kind);
}
std::optional<DesignKind> designKindFromName(std::string_view name) {
    return lookup(kDesignKinds, name);
}

std::string_view accuracySourceName(AccuracySource source) {
    return nameOf(kAccuracySources, source);
}
std::optional<AccuracySource> accuracySourceFromName(std::string_view name) {
    return lookup(kAccuracySources, name);
}

std::string_view metricsProvenanceName(MetricsProvenance provenance) {
    return nameOf(kMetricsProvenances, provenance);
}
std::optional<MetricsProvenance> metricsProvenanceFromName(std::string_view name) {
    return lookup(kMetricsProvenances, name);
}

std::string_view runStatusName(RunStatus status) {
    return nameOf(kRunStatuses, status);
}
std::optional<RunStatus> runStatusFromName(std::string_view name) {
    return lookup(kRunStatuses, name);
}

} // namespace tcw::store
