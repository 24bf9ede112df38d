// The hardware side of a co-design: a target of one kind holding that kind's spec (elector:
// an AcceleratorSpec). Adding a kind is additive: an enum value, its spec type in the
// variant, its descriptor table and its cost model.
#pragma once

#include "accelerator_spec.h"
#include "bat_target.h"
#include "device_target.h"
#include "field_descriptor.h"
#include "fpga_spec.h"
#include "validation.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace tcw {

struct TechnologyLibrary;

// The kinds of target; the value is the index of the kind's spec in Target::spec.
enum class TargetKind : std::uint8_t {
    Elector, // ELECTOR-class accelerator (AcceleratorSpec), costed by elector / acceltran-fast
    Fpga,    // an FPGA part with a sparse-weight accelerator (FpgaSpec), costed by sim/fpga_model (issue 16)
    Bat,     // BAT-class binarized accelerator (BatSpec), costed by core/sim/bat_model.h (issue 15)
    Device,  // an off-the-shelf device (DeviceTarget), costed by `measured` (docs/devices.md)
};
std::string_view targetKindName(TargetKind kind); // "elector", "fpga", "bat", "device"
std::optional<TargetKind> targetKindFromName(std::string_view name);
std::span<const TargetKind> allTargetKinds();

struct Target {
    std::variant<AcceleratorSpec, FpgaSpec, BatSpec, DeviceTarget> spec; // alternative i is the spec of TargetKind(i)

    Target() = default;
    Target(AcceleratorSpec elector) : spec(std::move(elector)) {} // NOLINT: an accelerator is a target
    Target(FpgaSpec fpga) : spec(std::move(fpga)) {}              // NOLINT: so is an FPGA
    Target(BatSpec bat) : spec(std::move(bat)) {}                 // NOLINT: and a BAT-class accelerator
    Target(DeviceTarget device) : spec(std::move(device)) {}      // NOLINT: and a device

    bool operator==(const Target&) const = default;

    TargetKind kind() const { return TargetKind(spec.index()); }
    const AcceleratorSpec* elector() const { return std::get_if<AcceleratorSpec>(&spec); }
    AcceleratorSpec* elector() { return std::get_if<AcceleratorSpec>(&spec); }
    const FpgaSpec* fpga() const { return std::get_if<FpgaSpec>(&spec); }
    const BatSpec* bat() const { return std::get_if<BatSpec>(&spec); }
    BatSpec* bat() { return std::get_if<BatSpec>(&spec); }
    const DeviceTarget* device() const { return std::get_if<DeviceTarget>(&spec); }
    // For code that handles the elector kind only (the accelerator editor, the elector cost
    // models): the spec, or std::bad_variant_access for another kind.
    const AcceleratorSpec& electorSpec() const { return std::get<AcceleratorSpec>(spec); }
    AcceleratorSpec& electorSpec() { return std::get<AcceleratorSpec>(spec); }
    const std::string& name() const;
    void setName(std::string name);
};

// The fields of a kind, described without their spec type (for every kind the same code:
// codecs, editors, --edit); the values of a target's fields by index into that list.
std::span<const FieldInfo> fieldsOf(TargetKind kind);
double fieldValue(const Target& target, std::size_t field);
void setFieldValue(Target& target, std::size_t field, double value); // a value checkFieldValue() accepts
// The index of the field with this name (or unique leaf name, "peCount", "banks").
std::optional<std::size_t> fieldIndex(TargetKind kind, std::string_view name);

// "NAME=VALUE" (tcw --edit, the GUI's --edit, lessons): NAME a field of the kind (full or
// unique leaf name), VALUE a number or a choice's name within the field's bounds. The error
// names the field and what is allowed.
struct FieldEdit {
    std::size_t field = 0; // index into fieldsOf(kind)
    double value = 0;
};
struct ParsedFieldEdit {
    std::optional<FieldEdit> edit;
    std::optional<ValidationError> error;
};
ParsedFieldEdit parseFieldEdit(TargetKind kind, std::string_view nameEqualsValue);

// The kind's own checks (every field within bounds, cross-field rules, the technology table).
ValidationErrors validate(const Target& target, const TechnologyLibrary* technology = nullptr);

} // namespace tcw
