// Descriptor-driven codec pieces shared by the formats: the reference YAML layout and the
// mapping of workbench field paths to reference keys.
#include "field_codec.h"

#include <algorithm>

namespace tcw::io::detail {

namespace {
std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        parts.push_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos)
            return parts;
        start = dot + 1;
    }
}

bool isAtOrBelow(const std::string& path, std::string_view base) {
    return path.compare(0, base.size(), base) == 0 &&
           (path.size() == base.size() || path[base.size()] == '.' || path[base.size()] == '[');
}
} // namespace

std::string yamlLayout(std::vector<YamlEntry> entries) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const YamlEntry& a, const YamlEntry& b) { return a.position < b.position; });
    std::string out;
    std::vector<std::string_view> open; // the sections the previous entry was in
    for (const YamlEntry& e : entries) {
        const auto parts = split(e.path);
        std::size_t common = 0;
        while (common < open.size() && common + 1 < parts.size() && open[common] == parts[common])
            ++common;
        if (common == 0)
            out += "\n"; // a new top-level key or section
        for (std::size_t level = common; level + 1 < parts.size(); ++level)
            out += std::string(2 * level, ' ') + std::string(parts[level]) + ":\n";
        out += std::string(2 * (parts.size() - 1), ' ') + std::string(parts.back()) + ": " + e.text + "\n";
        open.assign(parts.begin(), parts.end() - 1);
    }
    return out;
}

std::string referencePath(std::span<const FieldInfo> fields, const std::string& path) {
    for (const FieldInfo& f : fields)
        if (!f.referenceKey.empty() && isAtOrBelow(path, f.name))
            return std::string(f.referenceKey) + path.substr(f.name.size());
    for (const FieldInfo& f : fields) {
        const std::string_view section = FieldInfo::sectionOf(f.name);
        if (!section.empty() && !f.referenceKey.empty() && isAtOrBelow(path, section))
            return std::string(FieldInfo::sectionOf(f.referenceKey)) + path.substr(section.size());
    }
    return path;
}

} // namespace tcw::io::detail
