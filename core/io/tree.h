// Internal to tcw_io (not a public header): the document tree every format is read into
// (nlohmann::ordered_json, also for YAML), readers that check a field and collect an error
// with its path instead of throwing, and text output helpers shared by the writers.
#pragma once

#include "design/validation.h"

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::io::detail {

using Json = nlohmann::ordered_json;

// Syntax errors carry the line and column in the message and an empty path.
struct ParsedTree {
    std::optional<Json> tree;
    ValidationErrors errors;
};
ParsedTree parseJsonText(std::string_view text);
// YAML scalars are typed as PyYAML types them (the reference tools read their YAML with it):
// plain true/True/yes/on/… → bool, decimal integers → int, decimals → float, ~/null/empty →
// null, anything else and every quoted scalar → string.
ParsedTree parseYamlText(std::string_view text);

// "a string 'abc'", "a list", "a number 4.5", … for "must be X, got Y" messages.
std::string describe(const Json& value);
std::string fieldPath(const std::string& base, std::string_view key); // "base.key" or "key"
std::string indexPath(const std::string& base, std::size_t index);    // "base[index]"

// Value readers: on a type mismatch they add "must be …, got …" at `path` and return nothing.
std::optional<int> readInt(const Json& value, const std::string& path, ValidationErrors& errors);
// A whole number that fits T ("must be a whole number from MIN to MAX, got …"): reading a
// number outside T with json::get<T> would be undefined behaviour (found by the 10^6
// search_json fuzz run: a seed of 2.2e42 in a stored configuration).
template <std::integral T>
std::optional<T> readWhole(const Json& value, const std::string& path, ValidationErrors& errors);
std::optional<double> readNumber(const Json& value, const std::string& path, ValidationErrors& errors);
std::optional<std::string> readString(const Json& value, const std::string& path, ValidationErrors& errors);
std::optional<bool> readBool(const Json& value, const std::string& path, ValidationErrors& errors);
bool expectArray(const Json& value, const std::string& path, ValidationErrors& errors);
std::optional<std::vector<int>> readIntList(const Json& value, const std::string& path, ValidationErrors& errors);
std::optional<std::vector<double>> readNumberList(const Json& value, const std::string& path, ValidationErrors& errors);

// A string that must be one of `names` (reported as "'x' is not one of a, b, c").
std::optional<std::size_t> readChoice(const Json& value, const std::string& path, ValidationErrors& errors,
                                      const std::vector<std::string>& names);

// Reads the fields of one object. Construction reports a non-object and every field not in
// `known` (naming the allowed ones); each accessor reports a missing required field or a
// value of the wrong type.
class ObjectReader {
public:
    ObjectReader(const Json& node, std::string path, ValidationErrors& errors,
                 std::initializer_list<std::string_view> known);
    ObjectReader(const Json& node, std::string path, ValidationErrors& errors, std::span<const std::string_view> known);
    // A reader of one of the workspace's stored blobs (record_json.h), which accept every form
    // an earlier or later writer left: any field is allowed, and a null value reads as absent.
    static ObjectReader storedBlob(const Json& node, std::string path, ValidationErrors& errors);

    bool isObject() const { return m_object != nullptr; }
    bool has(std::string_view key) const { return find(key) != nullptr; }
    const Json* find(std::string_view key) const;
    const Json* required(std::string_view key);
    std::string path(std::string_view key) const { return fieldPath(m_path, key); }
    const std::string& path() const { return m_path; }
    ValidationErrors& errors() { return m_errors; }

    // Required unless a default is given; a missing optional field yields the default.
    std::optional<int> integer(std::string_view key);
    std::optional<int> integer(std::string_view key, int fallback);
    std::optional<double> number(std::string_view key);
    std::optional<std::string> string(std::string_view key);
    std::optional<std::string> string(std::string_view key, std::string fallback);
    std::optional<bool> boolean(std::string_view key);
    std::optional<bool> boolean(std::string_view key, bool fallback);
    std::optional<std::size_t> choice(std::string_view key, const std::vector<std::string>& names);
    std::optional<std::size_t> choice(std::string_view key, const std::vector<std::string>& names,
                                      std::size_t fallback);
    template <std::integral T> std::optional<T> whole(std::string_view key) {
        const Json* v = required(key);
        return v ? readWhole<T>(*v, path(key), m_errors) : std::nullopt;
    }

    // Optional fields read into `field`, which keeps its value when the key is absent or the
    // value is refused (the error names the field and what it must be).
    template <std::integral T> void read(std::string_view key, T& field) {
        if (const Json* v = find(key))
            if (const auto x = readWhole<T>(*v, path(key), m_errors))
                field = *x;
    }
    void read(std::string_view key, bool& field);
    void read(std::string_view key, double& field);
    void read(std::string_view key, float& field);
    void read(std::string_view key, std::optional<double>& field);
    void read(std::string_view key, std::string& field);
    // An optional field that must be an object: nullptr when absent or refused.
    const Json* object(std::string_view key);

private:
    ObjectReader(const Json& node, std::string path, ValidationErrors& errors);

    const Json* m_object = nullptr;
    std::string m_path;
    ValidationErrors& m_errors;
    bool m_nullIsAbsent = false;
};

// Output helpers.
Json numberJson(double value);                 // whole values as integers (4, not 4.0)
std::string numberText(double value);          // shortest text that reads back to the same double
std::string prettyJson(const Json& value);     // 2-space indent, short containers on one line, '\n' at end
std::string compactJson(const Json& value);    // one line, Python json.dumps separators ", " and ": "
std::string yamlQuoted(std::string_view text); // single-quoted YAML scalar

} // namespace tcw::io::detail
