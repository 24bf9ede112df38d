// Field descriptors: each target kind lists its fields once (JSON name, reference-format key,
// label, unit, type, bounds, help, accessors); codecs, editors, --edit and validation walk it.
#pragma once

#include "validation.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tcw {

enum class FieldType : std::uint8_t {
    Integer, // whole numbers in [min, max]
    Real,    // finite numbers in [min, max]
    Choice,  // one of `choices`, held as its index
};

// One value of a choice field: its name in files and on the command line, and its label.
struct FieldChoice {
    std::string_view name;  // "gelu"
    std::string_view label; // "GELU"
};

// What a field says about itself, whatever the spec type that holds it.
struct FieldInfo {
    std::string_view name;         // workbench JSON key path, "peCount", "tile.tileB"
    std::string_view referenceKey; // key path in the kind's reference format ("tile.tile_b"); "" when none
    int referencePosition = 0;     // order of the key in the reference layout (ascending)
    std::string_view label;        // editor row label, "PEs"
    std::string_view unit;         // "MB"; "" for counts and choices
    FieldType type = FieldType::Integer;
    double min = 0;                       // inclusive bounds of Integer and Real fields, physically meaningful and
    double max = 0;                       // small enough that the cost models' products of them cannot overflow
    std::span<const FieldChoice> choices; // Choice fields only, in enum order
    std::string_view help;                // the editor's tooltip
    std::string_view group;               // the editor's group box ("Tiles", "Main memory")
    // What the minimum means when it is not a quantity ("derived: PEs / 4" for a 0 that asks the
    // cost model to derive the value); the editor shows it instead of the number. "" when none.
    std::string_view minimumMeaning;

    // "tileB" of "tile.tileB": also accepted by findField() when no other field has it.
    std::string_view leaf() const {
        const auto dot = name.rfind('.');
        return dot == std::string_view::npos ? name : name.substr(dot + 1);
    }
    // "the section" of "section.key", "" for a top-level key.
    static std::string_view sectionOf(std::string_view path) {
        const auto dot = path.find('.');
        return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
    }
    // Index of a choice by name, or nothing.
    std::optional<std::size_t> choiceIndex(std::string_view choiceName) const;
    // "1 to 65536", "0.0625 to 4096 MB" or "relu, gelu": what is allowed, for messages.
    std::string allowedText() const;
    // The value as text: a choice's name, a whole number, or the shortest real text.
    std::string valueText(double value) const;
};

// A field of one spec type: its description and how to read and write it on the spec.
template <typename Spec> struct FieldDescriptor {
    FieldInfo info;
    double (*get)(const Spec&);          // Integer / Real: the value; Choice: the index
    void (*set)(Spec&, double);          // takes a value that checkFieldValue() accepts
    void (*whenAbsent)(Spec&) = nullptr; // workbench JSON: derives an absent field from
                                         // the others (read first); null: required
    // Workbench JSON: not written when whenAbsent would derive the same value, so a field
    // added after files existed leaves their text (and stored designs' hashes) as they were.
    bool omittedWhenDerived = false;
};

// Nothing when `value` is allowed for the field; else the error at the field's name, saying
// what is allowed ("must be a whole number from 1 to 65536, got 0").
std::optional<ValidationError> checkFieldValue(const FieldInfo& field, double value);

// Parses "512", "0.5" or "gelu" as a value of the field and checks it; the error names the
// field and the allowed values.
struct ParsedFieldValue {
    std::optional<double> value;
    std::optional<ValidationError> error;
};
ParsedFieldValue parseFieldValue(const FieldInfo& field, std::string_view text);

// Every field of a spec checked against its bounds: every violation, not only the first.
template <typename Spec>
ValidationErrors validateFields(std::span<const FieldDescriptor<Spec>> fields, const Spec& spec) {
    ValidationErrors errors;
    for (const auto& f : fields)
        if (auto e = checkFieldValue(f.info, f.get(spec)))
            errors.push_back(std::move(*e));
    return errors;
}

// The index of the field with this name, or with this leaf name ("banks" for
// "mainMemory.banks") when no other field shares it.
std::optional<std::size_t> findField(std::span<const FieldInfo> fields, std::string_view name);

} // namespace tcw
