// Format detection and dispatch: text → tree → the reader of the detected format and kind;
// document → the writer of the chosen format.
#include "formats.h"

#include "format_trees.h"

#include <array>
#include <filesystem>

namespace tcw::io {

using detail::Json;

namespace {

constexpr std::array<std::pair<DocumentKind, std::string_view>, 7> kKindNames = {{
    {DocumentKind::Transformer, "transformer"},
    {DocumentKind::Accelerator, "accelerator"},
    {DocumentKind::Technology, "technology"},
    {DocumentKind::SparsityProfile, "sparsityProfile"},
    {DocumentKind::TransformerSpace, "transformerSpace"},
    {DocumentKind::AcceleratorSpace, "acceleratorSpace"},
    {DocumentKind::Pair, "pair"},
}};

std::vector<std::string> kindNames() {
    std::vector<std::string> names;
    for (const auto& [kind, name] : kKindNames)
        names.emplace_back(name);
    return names;
}

bool hasAnyKey(const Json& object, std::initializer_list<const char*> keys) {
    for (const char* k : keys)
        if (object.contains(k))
            return true;
    return false;
}

// Reads "schemaVersion" and "kind"; nothing if the document cannot be read by this version.
std::optional<DocumentKind> readHeader(const Json& root, ValidationErrors& errors) {
    const auto version = root.find("schemaVersion");
    if (version == root.end()) {
        errors.push_back({"schemaVersion", "required field is missing (this workbench writes schemaVersion " +
                                               std::to_string(kSchemaVersion) + ")"});
    } else if (auto v = detail::readInt(*version, "schemaVersion", errors)) {
        if (*v > kSchemaVersion) {
            errors.push_back({"schemaVersion", "schemaVersion " + std::to_string(*v) +
                                                   " is newer than this workbench supports (" +
                                                   std::to_string(kSchemaVersion) + "); update the workbench"});
            return std::nullopt;
        }
        if (*v < 1) {
            errors.push_back(
                {"schemaVersion", "schemaVersion " + std::to_string(*v) + " is not a version; versions start at 1"});
            return std::nullopt;
        }
    }
    const auto kind = root.find("kind");
    if (kind == root.end()) {
        errors.push_back({"kind", "required field is missing; it is one of " +
                                      joinValues(kindNames(), [](const std::string& s) { return s; })});
        return std::nullopt;
    }
    const auto index = detail::readChoice(*kind, "kind", errors, kindNames());
    if (!index || !errors.empty())
        return std::nullopt;
    return kKindNames[*index].first;
}

Loaded<Document> parseWorkbench(const Json& root, Loaded<Document> result) {
    ValidationErrors& errors = result.errors.errors;
    const auto kind = readHeader(root, errors);
    if (!kind)
        return result;
    Document document;
    switch (*kind) {
    case DocumentKind::Transformer:
        document = detail::readTransformerJson(root, errors);
        break;
    case DocumentKind::Accelerator:
        document = detail::readAcceleratorJson(root, errors);
        break;
    case DocumentKind::Technology:
        document = detail::readTechnologyJson(root, errors);
        break;
    case DocumentKind::SparsityProfile:
        document = detail::readSparsityProfileJson(root, errors);
        break;
    case DocumentKind::TransformerSpace:
        document = detail::readTransformerSpaceJson(root, errors);
        break;
    case DocumentKind::AcceleratorSpace:
        document = detail::readAcceleratorSpaceJson(root, errors);
        break;
    case DocumentKind::Pair:
        document = detail::readPairJson(root, errors);
        break;
    }
    if (errors.empty())
        result.value = std::move(document);
    return result;
}

Loaded<Document> parseJsonDocument(const Json& root, const std::string& name, Loaded<Document> result) {
    ValidationErrors& errors = result.errors.errors;
    if (root.contains("schemaVersion") || root.contains("kind"))
        return parseWorkbench(root, std::move(result));
    result.format = FileFormat::ModelDict;
    if (root.contains("p")) {
        errors.push_back({"p", "this is a FlexiBERT 1.0 model dict (it has key 'p'); the workbench reads FlexiBERT "
                               "2.0 dicts with keys l, o, h, f"});
        return result;
    }
    if (!hasAnyKey(root, {"l", "o", "h", "f"})) {
        result.format = FileFormat::WorkbenchJson;
        errors.push_back({"", "not a document the workbench knows: expected workbench JSON (with \"schemaVersion\" "
                              "and \"kind\") or a FlexiBERT 2.0 model dict (keys l, o, h, f)"});
        return result;
    }
    TransformerSpec spec = detail::readModelDict(root, name, errors);
    if (errors.empty())
        result.value = std::move(spec);
    return result;
}

Loaded<Document> parseYamlDocument(const Json& root, const std::string& name, Loaded<Document> result) {
    ValidationErrors& errors = result.errors.errors;
    const bool tileLists = root.contains("tile") && root["tile"].is_object() && root["tile"].contains("tile_b") &&
                           root["tile"]["tile_b"].is_array();
    if (root.contains("main_memory_config") || tileLists) {
        result.format = FileFormat::TranscodeSpaceYaml;
        AcceleratorSpace space = detail::readAcceleratorSpaceYaml(root, name, errors);
        if (errors.empty())
            result.value = std::move(space);
    } else if (hasAnyKey(root, {"hidden_size", "num_heads", "encoder_layers", "operation_types", "operation_parameters",
                                "feed-forward_hidden", "number_of_feed-forward_stacks"})) {
        result.format = FileFormat::TranscodeSpaceYaml;
        TransformerSpace space = detail::readTransformerSpaceYaml(root, name, errors);
        if (errors.empty())
            result.value = std::move(space);
    } else if (hasAnyKey(root, {"tile", "pe", "lanes_per_pe", "mac_per_lane", "main_memory", "non_linearity"})) {
        result.format = FileFormat::AcceltranConfig;
        AcceleratorFile file = detail::readAcceltranConfig(root, name, errors);
        if (errors.empty())
            result.value = std::move(file);
    } else if (root.contains("schemaVersion") || root.contains("kind")) {
        errors.push_back({"", "workbench documents are JSON; save this one with a .json extension"});
    } else {
        errors.push_back({"", "not a document the workbench knows: expected an AccelTran accelerator config (tile, "
                              "pe, main_memory, …) or a TransCODE design space (hidden_size, … or "
                              "main_memory_config, …)"});
    }
    return result;
}

} // namespace

std::string_view documentKindName(DocumentKind kind) {
    for (const auto& [k, name] : kKindNames)
        if (k == kind)
            return name;
    return "unknown";
}

std::optional<DocumentKind> documentKindFromName(std::string_view name) {
    for (const auto& [k, n] : kKindNames)
        if (n == name)
            return k;
    return std::nullopt;
}

std::string_view fileFormatName(FileFormat format) {
    switch (format) {
    case FileFormat::WorkbenchJson:
        return "workbench JSON";
    case FileFormat::ModelDict:
        return "FlexiBERT 2.0 model dict";
    case FileFormat::AcceltranConfig:
        return "AccelTran config YAML";
    case FileFormat::TranscodeSpaceYaml:
        return "TransCODE design-space YAML";
    }
    return "unknown";
}

DocumentKind documentKind(const Document& document) {
    constexpr std::array<DocumentKind, std::variant_size_v<Document>> kinds = {DocumentKind::Transformer,
                                                                               DocumentKind::Accelerator,
                                                                               DocumentKind::Technology,
                                                                               DocumentKind::SparsityProfile,
                                                                               DocumentKind::TransformerSpace,
                                                                               DocumentKind::AcceleratorSpace,
                                                                               DocumentKind::Pair};
    return kinds[document.index()];
}

std::string FileErrors::toString() const {
    std::string out;
    for (const auto& e : errors) {
        if (!out.empty())
            out += '\n';
        out += file + ": " + e.toString();
    }
    return out;
}

Loaded<Document> parseDocument(std::string_view text, Syntax syntax, const std::string& file) {
    Loaded<Document> result;
    result.errors.file = file;
    result.format = syntax == Syntax::Json ? FileFormat::WorkbenchJson : FileFormat::AcceltranConfig;
    auto tree = syntax == Syntax::Json ? detail::parseJsonText(text) : detail::parseYamlText(text);
    if (!tree.tree) {
        result.errors.errors = std::move(tree.errors);
        return result;
    }
    const Json& root = *tree.tree;
    if (!root.is_object()) {
        result.errors.errors.push_back(
            {"", "the document must be an object (a mapping of fields), got " + detail::describe(root)});
        return result;
    }
    const std::string name = std::filesystem::path(file).stem().string();
    return syntax == Syntax::Json ? parseJsonDocument(root, name, std::move(result))
                                  : parseYamlDocument(root, name, std::move(result));
}

bool formatHolds(FileFormat format, DocumentKind kind) {
    switch (format) {
    case FileFormat::WorkbenchJson:
        return true;
    case FileFormat::ModelDict:
        return kind == DocumentKind::Transformer;
    case FileFormat::AcceltranConfig:
        return kind == DocumentKind::Accelerator;
    case FileFormat::TranscodeSpaceYaml:
        return kind == DocumentKind::TransformerSpace || kind == DocumentKind::AcceleratorSpace;
    }
    return false;
}

namespace {
Json workbenchTree(const Document& document) {
    return std::visit(
        [](const auto& v) -> Json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, TransformerSpec>)
                return detail::transformerJson(v);
            else if constexpr (std::is_same_v<T, AcceleratorFile>)
                return detail::acceleratorJson(v);
            else if constexpr (std::is_same_v<T, TechnologyLibrary>)
                return detail::technologyJson(v);
            else if constexpr (std::is_same_v<T, SparsityProfile>)
                return detail::sparsityProfileJson(v);
            else if constexpr (std::is_same_v<T, TransformerSpace>)
                return detail::transformerSpaceJson(v);
            else if constexpr (std::is_same_v<T, AcceleratorSpace>)
                return detail::acceleratorSpaceJson(v);
            else
                return detail::pairJson(v);
        },
        document);
}
} // namespace

std::string canonicalJson(const Document& document) {
    return workbenchTree(document).dump();
}

Written formatDocument(const Document& document, FileFormat format) {
    const DocumentKind kind = documentKind(document);
    if (!formatHolds(format, kind))
        return {"",
                {{"", "a " + std::string(documentKindName(kind)) + " cannot be written as " +
                          std::string(fileFormatName(format))}}};
    switch (format) {
    case FileFormat::WorkbenchJson:
        return {detail::prettyJson(workbenchTree(document)), {}};
    case FileFormat::ModelDict:
        return detail::writeModelDict(std::get<TransformerSpec>(document));
    case FileFormat::AcceltranConfig:
        return {detail::writeAcceltranConfig(std::get<AcceleratorFile>(document)), {}};
    case FileFormat::TranscodeSpaceYaml:
        return kind == DocumentKind::TransformerSpace
                   ? detail::writeTransformerSpaceYaml(std::get<TransformerSpace>(document))
                   : detail::writeAcceleratorSpaceYaml(std::get<AcceleratorSpace>(document));
    }
    return {};
}

std::string fieldPathIn(FileFormat format, std::string_view workbenchPath) {
    const std::string path(workbenchPath);
    switch (format) {
    case FileFormat::WorkbenchJson:
        return path;
    case FileFormat::ModelDict:
        return detail::modelDictPath(path);
    case FileFormat::AcceltranConfig:
        return detail::acceltranConfigPath(path);
    case FileFormat::TranscodeSpaceYaml:
        return detail::spaceYamlPath(path);
    }
    return path;
}

} // namespace tcw::io
