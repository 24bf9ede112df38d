// The document tree: JSON and YAML parsing into one tree type, field readers that collect
// errors, and the number and text formatting the writers share.
#include "tree.h"

#include "safe_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <regex>

namespace tcw::io::detail {

namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the rest.
std::string withoutExceptionPrefix(const std::string& what) {
    if (!what.empty() && what.front() == '[') {
        const auto end = what.find("] ");
        if (end != std::string::npos)
            return what.substr(end + 2);
    }
    return what;
}

bool isOneOf(std::string_view text, std::initializer_list<std::string_view> words) {
    for (auto w : words)
        if (text == w)
            return true;
    return false;
}

Json plainScalar(const std::string& text) {
    if (isOneOf(text, {"", "~", "null", "Null", "NULL"}))
        return nullptr;
    if (isOneOf(text, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}))
        return true;
    if (isOneOf(text, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}))
        return false;
    static const std::regex integer("[-+]?[0-9]+");
    static const std::regex decimal("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?");
    if (std::regex_match(text, integer)) {
        const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
        long long value = 0;
        auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
        if (ec == std::errc() && ptr == text.data() + text.size())
            return value;
    }
    if (std::regex_match(text, decimal)) {
        try {
            return std::stod(text);
        } catch (const std::out_of_range&) {
            return text;
        }
    }
    if (isOneOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}))
        return std::numeric_limits<double>::infinity();
    if (isOneOf(text, {"-.inf", "-.Inf", "-.INF"}))
        return -std::numeric_limits<double>::infinity();
    if (isOneOf(text, {".nan", ".NaN", ".NAN"}))
        return std::numeric_limits<double>::quiet_NaN();
    return text;
}

// Limits on a document tree, so no input can exhaust the stack or the memory: nesting depth
// (JSON brackets, YAML indentation or flow collections) and, for YAML, the number of values
// once aliases are expanded (an alias of an alias of … multiplies them: "billion laughs").
constexpr int kMaxNestingDepth = 128;
constexpr std::size_t kMaxYamlValues = 1'000'000;

struct TreeLimitError {
    std::string message;
};

struct YamlReader {
    ValidationErrors& errors;
    std::size_t values = 0;

    Json read(const YAML::Node& node, const std::string& path, int depth) {
        if (depth > kMaxNestingDepth)
            throw TreeLimitError{"nested deeper than " + std::to_string(kMaxNestingDepth) + " levels at " +
                                 shortened(path, 80) +
                                 " (the nesting limit; a YAML alias that contains itself never ends)"};
        if (++values > kMaxYamlValues)
            throw TreeLimitError{"holds more than " + std::to_string(kMaxYamlValues) +
                                 " values once its aliases are expanded (the limit on a document's values)"};
        switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            // yaml-cpp tags plain scalars "?" and quoted ones "!".
            return node.Tag() == "!" ? Json(node.Scalar()) : plainScalar(node.Scalar());
        case YAML::NodeType::Sequence: {
            Json list = Json::array();
            std::size_t i = 0;
            for (const auto& item : node)
                list.push_back(read(item, indexPath(path, i++), depth + 1));
            return list;
        }
        case YAML::NodeType::Map: {
            Json object = Json::object();
            for (const auto& entry : node) {
                if (!entry.first.IsScalar()) {
                    errors.push_back({path, "line " + std::to_string(entry.first.Mark().line + 1) +
                                                ": keys must be plain names, not lists or mappings"});
                    continue;
                }
                const std::string key = entry.first.Scalar();
                if (object.contains(key)) {
                    errors.push_back({fieldPath(path, shortened(key)),
                                      "line " + std::to_string(entry.first.Mark().line + 1) + ": duplicate key"});
                    continue;
                }
                object[key] = read(entry.second, fieldPath(path, shortened(key)), depth + 1);
            }
            return object;
        }
        }
        return nullptr;
    }
};

std::string allowedList(const std::vector<std::string>& names) {
    return joinValues(names, [](const std::string& s) { return s; });
}

} // namespace

ParsedTree parseJsonText(std::string_view text) {
    ParsedTree result;
    // The parser callback sees every object and key as it is read: a key given twice in one
    // object is an error (nlohmann would keep the last silently), and so is nesting beyond
    // the limit (the tree is read by recursive functions afterwards).
    std::vector<std::vector<std::string>> keysOfOpenObjects;
    auto check = [&](int depth, Json::parse_event_t event, Json& parsed) {
        switch (event) {
        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            if (depth >= kMaxNestingDepth)
                throw TreeLimitError{"nested deeper than " + std::to_string(kMaxNestingDepth) +
                                     " levels (the nesting limit)"};
            if (event == Json::parse_event_t::object_start)
                keysOfOpenObjects.emplace_back();
            break;
        case Json::parse_event_t::object_end:
            if (!keysOfOpenObjects.empty())
                keysOfOpenObjects.pop_back();
            break;
        case Json::parse_event_t::key: {
            const std::string key = parsed.get<std::string>();
            auto& keys = keysOfOpenObjects.back();
            if (std::find(keys.begin(), keys.end(), key) != keys.end())
                throw TreeLimitError{"duplicate key '" + shortened(key) + "' (each field may be given once)"};
            keys.push_back(key);
            break;
        }
        default:
            break;
        }
        return true;
    };
    try {
        result.tree = Json::parse(text.begin(), text.end(), check);
    } catch (const Json::parse_error& e) {
        result.errors.push_back({"", "not valid JSON: " + withoutExceptionPrefix(e.what())});
    } catch (const Json::out_of_range& e) { // a number beyond the range of a double, e.g. 1e400
        result.errors.push_back({"", "not valid JSON: " + withoutExceptionPrefix(e.what()) +
                                         " (out of range of a double, about ±1.8e308)"});
    } catch (const Json::exception& e) {
        result.errors.push_back({"", "not valid JSON: " + withoutExceptionPrefix(e.what())});
    } catch (const TreeLimitError& e) {
        result.errors.push_back({"", e.message});
    }
    return result;
}

ParsedTree parseYamlText(std::string_view text) {
    ParsedTree result;
    try {
        const YAML::Node root = YAML::Load(std::string(text));
        YamlReader reader{result.errors};
        Json tree = reader.read(root, "", 0);
        if (result.errors.empty())
            result.tree = std::move(tree);
    } catch (const YAML::Exception& e) {
        result.errors.push_back({"", "not valid YAML: line " + std::to_string(e.mark.line + 1) + ", column " +
                                         std::to_string(e.mark.column + 1) + ": " + e.msg});
    } catch (const TreeLimitError& e) {
        result.errors.clear();
        result.errors.push_back({"", e.message});
    }
    return result;
}

std::string describe(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null:
        return "nothing (null)";
    case Json::value_t::boolean:
        return std::string("the boolean ") + (v.get<bool>() ? "true" : "false");
    case Json::value_t::string: {
        std::string s = v.get<std::string>();
        return "the string '" + shortened(s, 40) + "'";
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        // JSON text has no nan / inf (dump() would print null): say them as YAML writes them.
        return "the number " + (std::isfinite(v.get<double>()) ? v.dump() : numberText(v.get<double>()));
    case Json::value_t::array:
        return "a list";
    case Json::value_t::object:
        return "an object";
    default:
        return "an unsupported value";
    }
}

std::string fieldPath(const std::string& base, std::string_view key) {
    return base.empty() ? std::string(key) : base + "." + std::string(key);
}

std::string indexPath(const std::string& base, std::size_t index) {
    return base + "[" + std::to_string(index) + "]";
}

std::optional<int> readInt(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (v.is_number_integer() || v.is_number_unsigned()) {
        if (v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<int>::max())
                                   : (v.get<std::int64_t>() >= std::numeric_limits<int>::min() &&
                                      v.get<std::int64_t>() <= std::numeric_limits<int>::max()))
            return static_cast<int>(v.get<std::int64_t>());
        errors.push_back({path, "must be a whole number that fits in 32 bits, got " + shortened(v.dump())});
        return std::nullopt;
    }
    errors.push_back({path, "must be a whole number, got " + describe(v)});
    return std::nullopt;
}

template <std::integral T>
std::optional<T> readWhole(const Json& v, const std::string& path, ValidationErrors& errors) {
    bool fits = false;
    if (v.is_number_unsigned()) {
        fits = v.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<T>::max());
    } else if (v.is_number_integer()) {
        const std::int64_t x = v.get<std::int64_t>();
        fits = x < 0 ? std::numeric_limits<T>::is_signed && x >= std::int64_t(std::numeric_limits<T>::min())
                     : std::uint64_t(x) <= std::uint64_t(std::numeric_limits<T>::max());
    }
    if (fits)
        return v.is_number_unsigned() ? T(v.get<std::uint64_t>()) : T(v.get<std::int64_t>());
    errors.push_back({path, "must be a whole number from " + std::to_string(std::numeric_limits<T>::min()) + " to " +
                                std::to_string(std::numeric_limits<T>::max()) + ", got " +
                                (v.is_number() ? shortened(v.dump()) : describe(v))});
    return std::nullopt;
}

template std::optional<int> readWhole(const Json&, const std::string&, ValidationErrors&);
template std::optional<unsigned> readWhole(const Json&, const std::string&, ValidationErrors&);
template std::optional<long> readWhole(const Json&, const std::string&, ValidationErrors&);
template std::optional<unsigned long> readWhole(const Json&, const std::string&, ValidationErrors&);
template std::optional<long long> readWhole(const Json&, const std::string&, ValidationErrors&);
template std::optional<unsigned long long> readWhole(const Json&, const std::string&, ValidationErrors&);

std::optional<double> readNumber(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (v.is_number())
        return v.get<double>();
    errors.push_back({path, "must be a number, got " + describe(v)});
    return std::nullopt;
}

std::optional<std::string> readString(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (v.is_string())
        return v.get<std::string>();
    errors.push_back({path, "must be a string, got " + describe(v)});
    return std::nullopt;
}

std::optional<bool> readBool(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (v.is_boolean())
        return v.get<bool>();
    errors.push_back({path, "must be true or false, got " + describe(v)});
    return std::nullopt;
}

bool expectArray(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (v.is_array())
        return true;
    errors.push_back({path, "must be a list, got " + describe(v)});
    return false;
}

std::optional<std::vector<int>> readIntList(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (!expectArray(v, path, errors))
        return std::nullopt;
    std::vector<int> out;
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto x = readInt(v[i], indexPath(path, i), errors);
        ok &= x.has_value();
        if (x)
            out.push_back(*x);
    }
    return ok ? std::optional(out) : std::nullopt;
}

std::optional<std::vector<double>> readNumberList(const Json& v, const std::string& path, ValidationErrors& errors) {
    if (!expectArray(v, path, errors))
        return std::nullopt;
    std::vector<double> out;
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto x = readNumber(v[i], indexPath(path, i), errors);
        ok &= x.has_value();
        if (x)
            out.push_back(*x);
    }
    return ok ? std::optional(out) : std::nullopt;
}

std::optional<std::size_t> readChoice(const Json& v, const std::string& path, ValidationErrors& errors,
                                      const std::vector<std::string>& names) {
    if (!v.is_string()) {
        errors.push_back({path, "must be one of " + allowedList(names) + ", got " + describe(v)});
        return std::nullopt;
    }
    const auto text = v.get<std::string>();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == text)
            return i;
    errors.push_back({path, "'" + shortened(text) + "' is not one of " + allowedList(names)});
    return std::nullopt;
}

// ---------------------------------------------------------------- ObjectReader

ObjectReader::ObjectReader(const Json& node, std::string path, ValidationErrors& errors,
                           std::initializer_list<std::string_view> known)
    : ObjectReader(node, std::move(path), errors, std::span<const std::string_view>(known.begin(), known.size())) {}

ObjectReader::ObjectReader(const Json& node, std::string path, ValidationErrors& errors,
                           std::span<const std::string_view> known)
    : m_path(std::move(path)), m_errors(errors) {
    if (!node.is_object()) {
        m_errors.push_back({m_path, "must be an object (a mapping of fields), got " + describe(node)});
        return;
    }
    m_object = &node;
    std::vector<std::string> knownNames(known.begin(), known.end());
    for (const auto& [key, value] : node.items()) {
        bool isKnown = false;
        for (auto k : known)
            isKnown |= key == k;
        if (!isKnown)
            m_errors.push_back(
                {fieldPath(m_path, shortened(key)), "unknown field; the fields here are " + allowedList(knownNames)});
    }
}

ObjectReader::ObjectReader(const Json& node, std::string path, ValidationErrors& errors)
    : m_path(std::move(path)), m_errors(errors), m_nullIsAbsent(true) {
    if (!node.is_object()) {
        m_errors.push_back({m_path, "must be an object, got " + describe(node)});
        return;
    }
    m_object = &node;
}

ObjectReader ObjectReader::storedBlob(const Json& node, std::string path, ValidationErrors& errors) {
    return ObjectReader(node, std::move(path), errors);
}

const Json* ObjectReader::find(std::string_view key) const {
    if (!m_object)
        return nullptr;
    const auto it = m_object->find(std::string(key));
    return it == m_object->end() || (m_nullIsAbsent && it->is_null()) ? nullptr : &*it;
}

void ObjectReader::read(std::string_view key, bool& field) {
    if (const Json* v = find(key))
        if (const auto x = readBool(*v, path(key), m_errors))
            field = *x;
}

void ObjectReader::read(std::string_view key, double& field) {
    if (const Json* v = find(key))
        if (const auto x = readNumber(*v, path(key), m_errors))
            field = *x;
}

void ObjectReader::read(std::string_view key, float& field) {
    double d = field;
    read(key, d);
    field = static_cast<float>(d);
}

void ObjectReader::read(std::string_view key, std::optional<double>& field) {
    if (const Json* v = find(key))
        if (const auto x = readNumber(*v, path(key), m_errors))
            field = *x;
}

void ObjectReader::read(std::string_view key, std::string& field) {
    if (const Json* v = find(key))
        if (auto x = readString(*v, path(key), m_errors))
            field = std::move(*x);
}

const Json* ObjectReader::object(std::string_view key) {
    const Json* v = find(key);
    if (v && !v->is_object()) {
        m_errors.push_back({path(key), "must be an object, got " + describe(*v)});
        return nullptr;
    }
    return v;
}

const Json* ObjectReader::required(std::string_view key) {
    const Json* v = find(key);
    if (!v && m_object)
        m_errors.push_back({path(key), "required field is missing"});
    return v;
}

std::optional<int> ObjectReader::integer(std::string_view key) {
    const Json* v = required(key);
    return v ? readInt(*v, path(key), m_errors) : std::nullopt;
}

std::optional<int> ObjectReader::integer(std::string_view key, int fallback) {
    const Json* v = find(key);
    return v ? readInt(*v, path(key), m_errors) : std::optional(fallback);
}

std::optional<double> ObjectReader::number(std::string_view key) {
    const Json* v = required(key);
    return v ? readNumber(*v, path(key), m_errors) : std::nullopt;
}

std::optional<std::string> ObjectReader::string(std::string_view key) {
    const Json* v = required(key);
    return v ? readString(*v, path(key), m_errors) : std::nullopt;
}

std::optional<std::string> ObjectReader::string(std::string_view key, std::string fallback) {
    const Json* v = find(key);
    return v ? readString(*v, path(key), m_errors) : std::optional(std::move(fallback));
}

std::optional<bool> ObjectReader::boolean(std::string_view key) {
    const Json* v = required(key);
    return v ? readBool(*v, path(key), m_errors) : std::nullopt;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool fallback) {
    const Json* v = find(key);
    return v ? readBool(*v, path(key), m_errors) : std::optional(fallback);
}

std::optional<std::size_t> ObjectReader::choice(std::string_view key, const std::vector<std::string>& names) {
    const Json* v = required(key);
    return v ? readChoice(*v, path(key), m_errors, names) : std::nullopt;
}

std::optional<std::size_t> ObjectReader::choice(std::string_view key, const std::vector<std::string>& names,
                                                std::size_t fallback) {
    const Json* v = find(key);
    return v ? readChoice(*v, path(key), m_errors, names) : std::optional(fallback);
}

// ---------------------------------------------------------------- output

Json numberJson(double value) {
    if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 9.0e15)
        return static_cast<std::int64_t>(value);
    return value;
}

std::string numberText(double value) {
    if (std::isfinite(value) && value == std::floor(value) && std::abs(value) < 9.0e15)
        return std::to_string(static_cast<std::int64_t>(value));
    if (std::isnan(value))
        return ".nan";
    if (std::isinf(value))
        return value > 0 ? ".inf" : "-.inf";
    std::array<char, 64> buffer{};
    auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    std::string text(buffer.data(), end);
    // PyYAML reads "1e-07" as a string; give exponents a decimal point ("1.0e-07").
    const auto e = text.find('e');
    if (e != std::string::npos && text.find('.') == std::string::npos)
        text.insert(e, ".0");
    return text;
}

namespace {

void renderCompact(const Json& v, std::string& out) {
    if (v.is_object()) {
        out += '{';
        bool first = true;
        for (const auto& [key, value] : v.items()) {
            if (!first)
                out += ", ";
            first = false;
            out += Json(key).dump();
            out += ": ";
            renderCompact(value, out);
        }
        out += '}';
    } else if (v.is_array()) {
        out += '[';
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i)
                out += ", ";
            renderCompact(v[i], out);
        }
        out += ']';
    } else {
        out += v.dump();
    }
}

constexpr std::size_t kLineWidth = 120;

void renderPretty(const Json& v, std::size_t indent, std::size_t prefixWidth, bool isRoot, std::string& out) {
    if (!v.is_structured() || v.empty()) {
        out += v.dump();
        return;
    }
    if (!isRoot) {
        std::string flat;
        renderCompact(v, flat);
        if (indent + prefixWidth + flat.size() <= kLineWidth) {
            out += flat;
            return;
        }
    }
    const std::string inner(indent + 2, ' ');
    const bool object = v.is_object();
    out += object ? "{\n" : "[\n";
    std::size_t i = 0;
    for (const auto& [key, value] : v.items()) {
        out += inner;
        std::size_t prefix = 0;
        if (object) {
            const std::string k = Json(key).dump() + ": ";
            out += k;
            prefix = k.size();
        }
        renderPretty(value, indent + 2, prefix + 1, false, out);
        out += ++i < v.size() ? ",\n" : "\n";
    }
    out += std::string(indent, ' ');
    out += object ? '}' : ']';
}

} // namespace

std::string prettyJson(const Json& value) {
    std::string out;
    renderPretty(value, 0, 0, true, out);
    out += '\n';
    return out;
}

std::string compactJson(const Json& value) {
    std::string out;
    renderCompact(value, out);
    return out;
}

std::string yamlQuoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    out += '\'';
    return out;
}

} // namespace tcw::io::detail
