// Numbers as validation messages show them ("got -8", "got 1e+308", "got nan"): the shortest
// text that reads back to the value; std::to_string would give "-8.000000".
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace tcw {

inline std::string valueText(double value) {
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

} // namespace tcw
