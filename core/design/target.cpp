// Target: kind names, and the kind-independent view of each kind's descriptor table.
#include "target.h"

#include <array>
#include <vector>

namespace tcw {

namespace {
constexpr std::array kKinds = {TargetKind::Elector, TargetKind::Fpga, TargetKind::Bat, TargetKind::Device};

// Each kind's descriptor table, by its spec type.
std::span<const FieldDescriptor<AcceleratorSpec>> tableOf(const AcceleratorSpec&) {
    return electorFields();
}
std::span<const FieldDescriptor<FpgaSpec>> tableOf(const FpgaSpec&) {
    return fpgaFields();
}
std::span<const FieldDescriptor<BatSpec>> tableOf(const BatSpec&) {
    return batFields();
}
std::span<const FieldDescriptor<DeviceTarget>> tableOf(const DeviceTarget&) {
    return {}; // a device has no fields to edit: its numbers are measured
}

// FieldInfo of every field of a typed table, built once per kind.
template <typename Spec> std::span<const FieldInfo> infosOf(std::span<const FieldDescriptor<Spec>> fields) {
    static const std::vector<FieldInfo> infos = [&] {
        std::vector<FieldInfo> out;
        for (const auto& f : fields)
            out.push_back(f.info);
        return out;
    }();
    return infos;
}
} // namespace

std::string_view targetKindName(TargetKind kind) {
    switch (kind) {
    case TargetKind::Elector:
        return "elector";
    case TargetKind::Fpga:
        return "fpga";
    case TargetKind::Bat:
        return "bat";
    case TargetKind::Device:
        return "device";
    }
    return "";
}

std::optional<TargetKind> targetKindFromName(std::string_view name) {
    for (TargetKind k : kKinds)
        if (targetKindName(k) == name)
            return k;
    return std::nullopt;
}

std::span<const TargetKind> allTargetKinds() {
    return kKinds;
}

const std::string& Target::name() const {
    return std::visit([](const auto& s) -> const std::string& { return s.name; }, spec);
}

void Target::setName(std::string name) {
    std::visit([&](auto& s) { s.name = std::move(name); }, spec);
}

std::span<const FieldInfo> fieldsOf(TargetKind kind) {
    switch (kind) {
    case TargetKind::Elector:
        return infosOf(electorFields());
    case TargetKind::Fpga:
        return infosOf(fpgaFields());
    case TargetKind::Bat:
        return infosOf(batFields());
    case TargetKind::Device:
        return {}; // a device has no fields to edit
    }
    return {};
}

double fieldValue(const Target& target, std::size_t field) {
    return std::visit([&](const auto& s) { return tableOf(s)[field].get(s); }, target.spec);
}

void setFieldValue(Target& target, std::size_t field, double value) {
    std::visit([&](auto& s) { tableOf(s)[field].set(s, value); }, target.spec);
}

std::optional<std::size_t> fieldIndex(TargetKind kind, std::string_view name) {
    return findField(fieldsOf(kind), name);
}

ParsedFieldEdit parseFieldEdit(TargetKind kind, std::string_view text) {
    const auto trim = [](std::string_view t) {
        while (!t.empty() && t.front() == ' ')
            t.remove_prefix(1);
        while (!t.empty() && t.back() == ' ')
            t.remove_suffix(1);
        return t;
    };
    const auto fields = fieldsOf(kind);
    const auto names = [&] { return joinValues(fields, [](const FieldInfo& f) { return std::string(f.name); }); };
    const auto equals = text.find('=');
    if (equals == std::string_view::npos)
        return {std::nullopt, ValidationError{std::string(text), "is not NAME=VALUE; NAME is one of " + names()}};
    const std::string_view name = trim(text.substr(0, equals));
    const auto index = findField(fields, name);
    if (!index)
        return {std::nullopt,
                ValidationError{std::string(name), "is not a field of a " + std::string(targetKindName(kind)) +
                                                       " target; the fields are " + names()}};
    ParsedFieldValue parsed = parseFieldValue(fields[*index], trim(text.substr(equals + 1)));
    if (!parsed.value)
        return {std::nullopt, std::move(parsed.error)};
    return {FieldEdit{*index, *parsed.value}, std::nullopt};
}

ValidationErrors validate(const Target& target, const TechnologyLibrary* technology) {
    return std::visit([&](const auto& s) { return validate(s, technology); }, target.spec);
}

} // namespace tcw
