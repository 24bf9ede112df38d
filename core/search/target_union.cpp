// The union target dimension: bat spaces, precisions and kind lists.
#include "target_union.h"

#include "design/precision_shorthand.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace tcw::search {

BatSpec BatSpace::decode(std::span<const int> levels) const {
    Target t{BatSpec{}};
    std::ostringstream name;
    name << "b";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const int level = i < levels.size() ? std::clamp(levels[i], 0, int(values[i].size()) - 1) : 0;
        name << (i ? "." : "") << level;
        if (const auto f = fieldIndex(TargetKind::Bat, fields[i]))
            setFieldValue(t, *f, values[i][std::size_t(level)]);
    }
    BatSpec spec = *t.bat();
    spec.name = name.str();
    return spec;
}

std::vector<std::string> BatSpace::check() const {
    std::vector<std::string> problems;
    const auto all = fieldsOf(TargetKind::Bat);
    std::set<std::string> seen;
    if (fields.size() != values.size())
        problems.push_back("bat space '" + name + "': one list of values per field");
    for (std::size_t i = 0; i < fields.size() && i < values.size(); ++i) {
        const auto f = fieldIndex(TargetKind::Bat, fields[i]);
        if (!f) {
            std::string names;
            for (const auto& info : all)
                names += (names.empty() ? "" : ", ") + std::string(info.name);
            problems.push_back("bat space '" + name + "': no bat field '" + fields[i] + "' (fields: " + names + ")");
            continue;
        }
        const FieldInfo& info = all[*f];
        if (!seen.insert(std::string(info.name)).second)
            problems.push_back("bat space '" + name + "': field " + std::string(info.name) + " is listed twice");
        if (values[i].empty())
            problems.push_back("bat space '" + name + "': field " + std::string(info.name) + " has no values");
        for (double v : values[i]) {
            const bool whole = info.type != FieldType::Real;
            const double lo = info.type == FieldType::Choice ? 0 : info.min;
            const double hi = info.type == FieldType::Choice ? double(info.choices.size()) - 1 : info.max;
            if (!std::isfinite(v) || v < lo || v > hi || (whole && v != std::floor(v))) {
                std::ostringstream s;
                s << "bat space '" << name << "': field " << info.name << " value " << v << " is not allowed ("
                  << (whole ? "whole numbers" : "numbers") << " from " << lo << " to " << hi << ")";
                problems.push_back(s.str());
            }
        }
    }
    return problems;
}

BatSpace defaultBatSpace() {
    BatSpace s;
    s.name = "bat";
    s.fields = {"engine.peCount",           "engine.lanesPerPe", "engine.bitsPerLane",
                "engine.activationFeed",    "units.scale",       "units.softmax",
                "streaming.tokenBlock",     "streaming.fifoKB",  "memory.weightBufferMB",
                "memory.activationBufferKB"};
    s.values = {{16, 32, 64, 128}, {8, 16, 32}, {32, 64, 128}, {0, 1},     {32, 64},
                {8, 16, 32},       {8, 16, 32}, {32, 64, 128}, {4, 8, 16}, {512, 1024, 2048}};
    return s;
}

std::string applySearchPrecision(std::string_view name, CompressionSpec& spec) {
    if (name == "f32")
        return applyPrecisionShorthand("w32a32", spec);
    const std::string error = applyPrecisionShorthand(name, spec);
    if (!error.empty())
        return error + ", or f32";
    return {};
}

bool TargetUnion::has(TargetKind k) const {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

std::optional<std::vector<TargetKind>> parseTargetKinds(std::string_view text, std::string* error,
                                                        std::string* deviceSet) {
    std::vector<TargetKind> kinds;
    const std::string_view allowed = deviceSet ? "elector, bat, devices:…" : "elector, bat";
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        std::string_view item =
            text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (deviceSet && (item.starts_with("devices:") || item.starts_with("device:"))) {
            // The device set runs to the end of the text (its ids are comma-separated too).
            if (std::find(kinds.begin(), kinds.end(), TargetKind::Device) != kinds.end()) {
                if (error)
                    *error = "--targets: devices are listed twice";
                return std::nullopt;
            }
            *deviceSet = std::string(text.substr(start));
            kinds.push_back(TargetKind::Device);
            break;
        }
        start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
        if (item.empty())
            continue;
        const auto kind = targetKindFromName(item);
        if (!kind || (*kind != TargetKind::Elector && *kind != TargetKind::Bat)) {
            if (error) {
                *error = "--targets: '" + std::string(item) + "' is not a target kind a co-design search covers (" +
                         std::string(allowed);
                *error += !deviceSet && item.starts_with("device")
                              ? "; measured devices are searched alone, with --targets devices:…)"
                              : (deviceSet && item.starts_with("device") ? "; measured devices are written "
                                                                           "devices:edgetran or devices:ID,ID…, last)"
                                                                         : ")");
            }
            return std::nullopt;
        }
        if (std::find(kinds.begin(), kinds.end(), *kind) != kinds.end()) {
            if (error)
                *error = "--targets: '" + std::string(item) + "' is listed twice";
            return std::nullopt;
        }
        kinds.push_back(*kind);
    }
    if (kinds.empty()) {
        if (error)
            *error = "--targets: no target kind (" + std::string(allowed) + ")";
        return std::nullopt;
    }
    return kinds;
}

} // namespace tcw::search
