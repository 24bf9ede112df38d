// Validation results shared by every layer: an error names the field (a path such as
// "layers[2].heads[0].type") and says what is allowed.
#pragma once

#include <string>
#include <vector>

namespace tcw {

struct ValidationError {
    std::string path;    // field path inside the document, e.g. "layers[1].hiddenSize"
    std::string message; // what is wrong and what is allowed

    bool operator==(const ValidationError&) const = default;
    std::string toString() const { return path.empty() ? message : path + ": " + message; }
};

using ValidationErrors = std::vector<ValidationError>;

// Joins values for "is not one of a, b, c" messages.
template <typename Range, typename Fn>
std::string joinValues(const Range& values, Fn&& toText, const char* separator = ", ") {
    std::string out;
    bool first = true;
    for (const auto& v : values) {
        if (!first)
            out += separator;
        out += toText(v);
        first = false;
    }
    return out;
}

} // namespace tcw
