// Field descriptors: bounds checks, allowed-value texts and parsing of one field's value.
#include "field_descriptor.h"

#include <charconv>
#include <cmath>

namespace tcw {

namespace {
std::string realText(double value) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}
} // namespace

std::optional<std::size_t> FieldInfo::choiceIndex(std::string_view choiceName) const {
    for (std::size_t i = 0; i < choices.size(); ++i)
        if (choices[i].name == choiceName)
            return i;
    return std::nullopt;
}

std::string FieldInfo::allowedText() const {
    if (type == FieldType::Choice)
        return joinValues(choices, [](const FieldChoice& c) { return std::string(c.name); });
    std::string text = realText(min) + " to " + realText(max);
    if (!unit.empty())
        text += " " + std::string(unit);
    return text;
}

std::string FieldInfo::valueText(double value) const {
    if (type == FieldType::Choice) {
        const auto index = std::size_t(value);
        return value >= 0 && index < choices.size() ? std::string(choices[index].name) : realText(value);
    }
    return realText(value);
}

std::optional<ValidationError> checkFieldValue(const FieldInfo& field, double value) {
    const std::string path(field.name);
    switch (field.type) {
    case FieldType::Integer:
        if (!(value >= field.min && value <= field.max) || value != std::floor(value))
            return ValidationError{path,
                                   "must be a whole number from " + field.allowedText() + ", got " + realText(value)};
        return std::nullopt;
    case FieldType::Real:
        if (!(value >= field.min && value <= field.max)) // also rejects NaN
            return ValidationError{path, "must be a number from " + field.allowedText() + ", got " + realText(value)};
        return std::nullopt;
    case FieldType::Choice:
        if (!(value >= 0 && value < double(field.choices.size())) || value != std::floor(value))
            return ValidationError{path, "must be one of " + field.allowedText() + ", got " + realText(value)};
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::size_t> findField(std::span<const FieldInfo> fields, std::string_view name) {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == name)
            return i;
    std::optional<std::size_t> byLeaf;
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].leaf() == name) {
            if (byLeaf)
                return std::nullopt;
            byLeaf = i;
        }
    return byLeaf;
}

ParsedFieldValue parseFieldValue(const FieldInfo& field, std::string_view text) {
    const std::string path(field.name);
    if (field.type == FieldType::Choice) {
        if (auto index = field.choiceIndex(text))
            return {double(*index), std::nullopt};
        return {std::nullopt,
                ValidationError{path, "'" + std::string(text) + "' is not one of " + field.allowedText()}};
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return {std::nullopt,
                ValidationError{path, "'" + std::string(text) + "' is not a number; allowed: " + field.allowedText()}};
    if (auto error = checkFieldValue(field, value))
        return {std::nullopt, std::move(error)};
    return {value, std::nullopt};
}

} // namespace tcw
