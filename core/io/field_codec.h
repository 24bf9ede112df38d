// Internal to tcw_io: a target kind's descriptor table read from and written to a document
// tree, under the workbench names ("tile.tileB") or the reference keys ("tile.tile_b"). A
// dotted name is a field inside a section object; sections appear in table order.
#pragma once

#include "design/field_descriptor.h"
#include "tree.h"

#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tcw::io::detail {

enum class FieldKeys { Workbench, Reference };

inline std::string_view keyOf(const FieldInfo& f, FieldKeys keys) {
    return keys == FieldKeys::Workbench ? f.name : f.referenceKey;
}

// The top-level keys the fields use (section names once), after `others`: the known keys of
// the document's root object.
template <typename Spec>
std::vector<std::string_view> topLevelKeys(std::span<const FieldDescriptor<Spec>> fields, FieldKeys keys,
                                           std::initializer_list<std::string_view> others) {
    std::vector<std::string_view> out(others);
    for (const auto& f : fields) {
        const std::string_view key = keyOf(f.info, keys);
        if (key.empty())
            continue;
        const std::string_view section = FieldInfo::sectionOf(key);
        const std::string_view top = section.empty() ? key : section;
        if (std::find(out.begin(), out.end(), top) == out.end())
            out.push_back(top);
    }
    return out;
}

// Reads the value of one field from the object that holds it (under its leaf key). Nothing
// when it is absent (and not required) or could not be read (the error is added).
inline std::optional<double> readFieldValue(ObjectReader& r, const FieldInfo& f, std::string_view leaf, bool required) {
    if (!required && !r.has(leaf))
        return std::nullopt;
    switch (f.type) {
    case FieldType::Integer:
        if (auto v = r.integer(leaf))
            return double(*v);
        return std::nullopt;
    case FieldType::Real:
        return r.number(leaf);
    case FieldType::Choice: {
        std::vector<std::string> names;
        for (const auto& c : f.choices)
            names.emplace_back(c.name);
        if (auto index = r.choice(leaf, names))
            return double(*index);
        return std::nullopt;
    }
    }
    return std::nullopt;
}

// Reads every field of the table that has a key in this format from `root` into `spec`.
// Workbench JSON: a field with whenAbsent may be missing and is then derived (after the
// others are read); the reference format requires every field. Values are set as read; the
// caller validates the spec. Returns which fields were read.
template <typename Spec>
std::vector<bool> readFields(ObjectReader& root, std::span<const FieldDescriptor<Spec>> fields, FieldKeys keys,
                             Spec& spec) {
    std::vector<bool> present(fields.size(), false);
    if (!root.isObject())
        return present;
    // One reader per section, made when its first field is read (it reports unknown keys).
    std::vector<std::pair<std::string_view, std::unique_ptr<ObjectReader>>> sections;
    auto sectionReader = [&](std::string_view section) -> ObjectReader* {
        for (auto& [name, reader] : sections)
            if (name == section)
                return reader.get();
        std::unique_ptr<ObjectReader> reader;
        if (const Json* node = root.required(section)) {
            std::vector<std::string_view> leaves;
            for (const auto& f : fields) {
                const std::string_view key = keyOf(f.info, keys);
                if (!key.empty() && FieldInfo::sectionOf(key) == section)
                    leaves.push_back(key.substr(section.size() + 1));
            }
            reader = std::make_unique<ObjectReader>(*node, root.path(section), root.errors(), leaves);
            if (!reader->isObject())
                reader.reset();
        }
        sections.emplace_back(section, std::move(reader));
        return sections.back().second.get();
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const FieldInfo& f = fields[i].info;
        const std::string_view key = keyOf(f, keys);
        if (key.empty())
            continue;
        const std::string_view section = FieldInfo::sectionOf(key);
        ObjectReader* r = section.empty() ? &root : sectionReader(section);
        if (!r)
            continue;
        const std::string_view leaf = section.empty() ? key : key.substr(section.size() + 1);
        const bool required = keys == FieldKeys::Reference || !fields[i].whenAbsent;
        if (auto value = readFieldValue(*r, f, leaf, required)) {
            fields[i].set(spec, *value);
            present[i] = true;
        }
    }
    if (keys == FieldKeys::Workbench)
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (!present[i] && fields[i].whenAbsent && !keyOf(fields[i].info, keys).empty()) {
                // Derived only when the section holding it was read.
                const std::string_view section = FieldInfo::sectionOf(fields[i].info.name);
                bool sectionRead = section.empty();
                for (const auto& [name, reader] : sections)
                    sectionRead |= name == section && reader;
                if (sectionRead)
                    fields[i].whenAbsent(spec);
            }
    return present;
}

// Reads the fields of one section (e.g. "mainMemory") from an object standing on its own (an
// entry of a design space's list of memories), with the workbench rules of readFields.
template <typename Spec>
void readSection(const Json& node, const std::string& path, ValidationErrors& errors,
                 std::span<const FieldDescriptor<Spec>> fields, std::string_view section, Spec& spec) {
    std::vector<std::string_view> leaves;
    for (const auto& f : fields)
        if (FieldInfo::sectionOf(f.info.name) == section)
            leaves.push_back(f.info.leaf());
    ObjectReader r(node, path, errors, leaves);
    if (!r.isObject())
        return;
    for (const auto& f : fields)
        if (FieldInfo::sectionOf(f.info.name) == section) {
            if (auto value = readFieldValue(r, f.info, f.info.leaf(), !f.whenAbsent))
                f.set(spec, *value);
            else if (f.whenAbsent && !r.has(f.info.leaf()))
                f.whenAbsent(spec);
        }
}

// A field's value in a document tree: a whole number, a number or the choice's name.
inline Json fieldJson(const FieldInfo& f, double value) {
    switch (f.type) {
    case FieldType::Integer:
        return Json(std::int64_t(std::llround(value)));
    case FieldType::Real:
        return numberJson(value);
    case FieldType::Choice:
        return Json(std::string(f.choices[std::size_t(value)].name));
    }
    return Json();
}

// Writes every field of the table into `j` under its workbench name, in table order.
template <typename Spec> void writeFields(Json& j, std::span<const FieldDescriptor<Spec>> fields, const Spec& spec) {
    for (const auto& f : fields) {
        if (f.omittedWhenDerived && f.whenAbsent) {
            Spec derived = spec;
            f.whenAbsent(derived);
            if (f.get(derived) == f.get(spec))
                continue;
        }
        const std::string_view section = FieldInfo::sectionOf(f.info.name);
        Json& holder = section.empty() ? j : j[std::string(section)];
        const std::string_view leaf = section.empty() ? f.info.name : f.info.name.substr(section.size() + 1);
        holder[std::string(leaf)] = fieldJson(f.info, f.get(spec));
    }
}

// The fields of one section as an object of their own (the counterpart of readSection).
template <typename Spec>
Json sectionJson(std::span<const FieldDescriptor<Spec>> fields, std::string_view section, const Spec& spec) {
    Json j = Json::object();
    for (const auto& f : fields)
        if (FieldInfo::sectionOf(f.info.name) == section)
            j[std::string(f.info.leaf())] = fieldJson(f.info, f.get(spec));
    return j;
}

// One scalar of a reference YAML layout: its key path (sections joined by '.'), its text and
// its place in the layout.
struct YamlEntry {
    int position;
    std::string path;
    std::string text;
};
// Writes entries in position order as the reference tools lay YAML out: each top-level key
// or section after a blank line, nested keys indented by two spaces per level.
std::string yamlLayout(std::vector<YamlEntry> entries);

// A workbench path ("tile.tileB", "mainMemory", "mainMemory.banks[0]") in the reference keys
// of the table ("tile.tile_b", "main_memory", …); other paths unchanged.
std::string referencePath(std::span<const FieldInfo> fields, const std::string& path);

} // namespace tcw::io::detail
