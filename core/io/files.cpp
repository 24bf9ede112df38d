// Documents on disk: bounded reading with format detection, atomic writing (safe_file.h),
// locating the data directory and looking presets up by name.
#include "files.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace tcw::io {

namespace fs = std::filesystem;

namespace {

std::string lowercaseExtension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

template <typename T> Loaded<T> failed(const Loaded<Document>& from) {
    Loaded<T> out;
    out.format = from.format;
    out.errors = from.errors;
    return out;
}

// "technology table", "transformer design space": the kind as a phrase for messages.
std::string kindPhrase(DocumentKind kind) {
    switch (kind) {
    case DocumentKind::Transformer:
        return "transformer";
    case DocumentKind::Accelerator:
        return "accelerator";
    case DocumentKind::Technology:
        return "technology table";
    case DocumentKind::SparsityProfile:
        return "sparsity profile";
    case DocumentKind::TransformerSpace:
        return "transformer design space";
    case DocumentKind::AcceleratorSpace:
        return "accelerator design space";
    case DocumentKind::Pair:
        return "co-design pair";
    }
    return "document";
}

std::string article(std::string_view word) {
    return std::string(std::string_view("aeiou").find(word.front()) == std::string_view::npos ? "a " : "an ") +
           std::string(word);
}

// The document as T, or an error naming the kind the file holds and what was expected.
template <typename T> Loaded<T> narrow(Loaded<Document> document, std::string_view expected) {
    if (!document.value)
        return failed<T>(document);
    if (auto* value = std::get_if<T>(&*document.value)) {
        Loaded<T> out;
        out.value = std::move(*value);
        out.format = document.format;
        out.errors = document.errors;
        return out;
    }
    Loaded<T> out = failed<T>(document);
    out.errors.errors.push_back({"", "holds " + article(kindPhrase(documentKind(*document.value))) + " (" +
                                         std::string(fileFormatName(document.format)) + "), not " +
                                         std::string(expected)});
    return out;
}

bool looksLikePath(std::string_view nameOrPath) {
    const fs::path path(nameOrPath);
    return nameOrPath.find('/') != std::string_view::npos || nameOrPath.find('\\') != std::string_view::npos ||
           path.has_extension() || fs::is_regular_file(path);
}

Loaded<Document> notFound(std::string_view name, const std::string& message) {
    Loaded<Document> out;
    out.errors.file = std::string(name);
    out.errors.errors.push_back({"", message});
    return out;
}

// Looks `nameOrPath` up as a path or as a preset in the folders of `kinds`, in order.
Loaded<Document> resolveIn(std::string_view nameOrPath, const fs::path& dataDir,
                           std::initializer_list<DocumentKind> kinds) {
    if (looksLikePath(nameOrPath))
        return loadDocument(fs::path(nameOrPath));
    if (dataDir.empty())
        return notFound(nameOrPath, "is neither a file nor a preset: no data directory was found to look presets "
                                    "up in (set TCW_DATA_DIR)");
    for (DocumentKind kind : kinds)
        for (const char* ext : {".json", ".yaml", ".yml"}) {
            const fs::path candidate = dataDir / presetFolder(kind) / (std::string(nameOrPath) + ext);
            if (fs::is_regular_file(candidate))
                return loadDocument(candidate);
        }
    std::string known;
    for (DocumentKind kind : kinds) {
        const auto names = presetNames(dataDir, kind);
        if (names.empty())
            continue;
        known += known.empty() ? "" : "; ";
        known += kindPhrase(kind) + " presets: " + joinValues(names, [](const std::string& s) { return s; });
    }
    return notFound(nameOrPath, "is neither a file nor a preset in " + dataDir.string() +
                                    (known.empty() ? "" : " (" + known + ")"));
}

} // namespace

std::optional<Syntax> syntaxForPath(const fs::path& path) {
    const std::string ext = lowercaseExtension(path);
    if (ext == ".json")
        return Syntax::Json;
    if (ext == ".yaml" || ext == ".yml")
        return Syntax::Yaml;
    return std::nullopt;
}

Loaded<Document> loadDocument(const fs::path& path) {
    Loaded<Document> result;
    result.errors.file = path.string();
    ReadResult read = readFileBounded(path, kMaxDocumentBytes, "a design file");
    if (!read.ok()) {
        result.errors.errors.push_back({"", read.error});
        return result;
    }
    const std::string& text = read.bytes;
    Syntax syntax = Syntax::Yaml;
    if (auto s = syntaxForPath(path)) {
        syntax = *s;
    } else {
        const auto first = text.find_first_not_of(" \t\r\n");
        syntax = first != std::string::npos && text[first] == '{' ? Syntax::Json : Syntax::Yaml;
    }
    return parseDocument(text, syntax, path.string());
}

Loaded<TransformerSpec> loadTransformer(const fs::path& path) {
    return narrow<TransformerSpec>(loadDocument(path), "a transformer (workbench JSON or FlexiBERT 2.0 model dict)");
}

Loaded<AcceleratorFile> loadAccelerator(const fs::path& path) {
    return narrow<AcceleratorFile>(loadDocument(path), "an accelerator (workbench JSON or AccelTran config YAML)");
}

Loaded<TechnologyLibrary> loadTechnology(const fs::path& path) {
    return narrow<TechnologyLibrary>(loadDocument(path), "a technology table (workbench JSON)");
}

Loaded<SparsityProfile> loadSparsityProfile(const fs::path& path) {
    return narrow<SparsityProfile>(loadDocument(path), "a sparsity profile (workbench JSON)");
}

Loaded<TransformerSpace> loadTransformerSpace(const fs::path& path) {
    return narrow<TransformerSpace>(loadDocument(path),
                                    "a transformer design space (workbench JSON or TransCODE design-space YAML)");
}

Loaded<CodesignPair> loadPair(const fs::path& path) {
    return narrow<CodesignPair>(loadDocument(path), "a co-design pair (workbench JSON)");
}

Loaded<AcceleratorSpace> loadAcceleratorSpace(const fs::path& path) {
    return narrow<AcceleratorSpace>(loadDocument(path),
                                    "an accelerator design space (workbench JSON or TransCODE design-space YAML)");
}

FormatChoice chooseFormat(DocumentKind kind, const fs::path& path, std::optional<bool> reference) {
    const auto syntax = syntaxForPath(path);
    const std::string what = article(kindPhrase(kind));
    if (!syntax)
        return {std::nullopt, "the output name must end in .json, .yaml or .yml"};
    if (*syntax == Syntax::Json) {
        if (!reference.value_or(false))
            return {FileFormat::WorkbenchJson, ""};
        switch (kind) {
        case DocumentKind::Transformer:
            return {FileFormat::ModelDict, ""};
        case DocumentKind::Accelerator:
        case DocumentKind::TransformerSpace:
        case DocumentKind::AcceleratorSpace:
            return {std::nullopt, "the reference format of " + what + " is YAML: give the output a .yaml name"};
        case DocumentKind::Pair:
            return {std::nullopt, "the reference form of " + what +
                                      " is two files, a model dict and an AccelTran YAML (saveReferencePair)"};
        default:
            return {std::nullopt, what + " has no reference format, only workbench JSON"};
        }
    }
    if (reference && !*reference)
        return {std::nullopt, "workbench formats are JSON: give the output a .json name"};
    switch (kind) {
    case DocumentKind::Accelerator:
        return {FileFormat::AcceltranConfig, ""};
    case DocumentKind::TransformerSpace:
    case DocumentKind::AcceleratorSpace:
        return {FileFormat::TranscodeSpaceYaml, ""};
    case DocumentKind::Transformer:
        return {std::nullopt, "the reference format of a transformer is the FlexiBERT 2.0 model dict, which is "
                              "JSON: give the output a .json name and ask for --to reference"};
    default:
        return {std::nullopt, what + " has no YAML format, only workbench JSON: give the output a .json name"};
    }
}

FileErrors saveDocument(const fs::path& path, const Document& document, FileFormat format,
                        const WriteOptions& options) {
    const Written written = formatDocument(document, format);
    if (!written.ok())
        return {path.string(), written.errors};
    return writeTextFile(path, written.text, options);
}

// ---------------------------------------------------------------- co-designs in reference formats

namespace {
// A file name from a design name: letters, digits, '.', '-' and '_' kept, others '_'.
std::string fileStem(const std::string& name, const char* fallback) {
    std::string stem;
    for (unsigned char c : name)
        stem += std::isalnum(c) || c == '.' || c == '-' || c == '_' ? char(c) : '_';
    return stem.empty() || stem.front() == '.' ? fallback + stem : stem;
}
} // namespace

ReferencePairFiles referencePairFiles(const fs::path& parent, const CodesignPair& pair) {
    const fs::path folder = parent / fileStem(pair.name, "pair");
    return {folder, folder / (fileStem(pair.transformer.name, "model") + ".json"),
            folder / (fileStem(pair.target.name(), "accelerator") + ".yaml")};
}

FileErrors saveReferencePair(const fs::path& parent, const CodesignPair& pair, const WriteOptions& options) {
    const ReferencePairFiles files = referencePairFiles(parent, pair);
    const Written dict = formatDocument(pair.transformer, FileFormat::ModelDict);
    if (!dict.ok())
        return {files.modelDict.string(), dict.errors};
    if (!pair.target.elector())
        return {files.folder.string(),
                {{"target", "a " + std::string(targetKindName(pair.target.kind())) +
                                " target has no reference format (AccelTran configs describe elector targets)"}}};
    const Written yaml = formatDocument(AcceleratorFile{*pair.target.elector(), {}}, FileFormat::AcceltranConfig);
    if (!yaml.ok())
        return {files.acceleratorYaml.string(), yaml.errors};
    // The parent is made, as before; the pair's own folder is built beside and renamed in.
    std::error_code ec;
    if (fs::create_directories(parent, ec); ec)
        return {parent.string(), {{"", "cannot create the folder: " + ec.message()}}};
    const std::string error = writeFolderAtomically(
        files.folder,
        {{files.modelDict.filename().string(), dict.text}, {files.acceleratorYaml.filename().string(), yaml.text}},
        options);
    if (!error.empty())
        return {files.folder.string(), {{"", error.substr(error.find(": ") + 2)}}};
    return {files.folder.string(), {}};
}

Loaded<CodesignPair> loadReferencePair(const fs::path& modelDict, const fs::path& acceleratorYaml) {
    Loaded<CodesignPair> out;
    out.format = FileFormat::ModelDict;
    out.errors.file = modelDict.parent_path().string();
    const Loaded<TransformerSpec> model = loadTransformer(modelDict);
    const Loaded<AcceleratorFile> accelerator = loadAccelerator(acceleratorYaml);
    for (const auto* part : {&model.errors, &accelerator.errors})
        for (const ValidationError& e : part->errors)
            out.errors.errors.push_back({e.path, fs::path(part->file).filename().string() + ": " + e.message});
    if (model && model.format != FileFormat::ModelDict)
        out.errors.errors.push_back({"", modelDict.filename().string() + " is not a FlexiBERT 2.0 model dict"});
    if (accelerator && accelerator.format != FileFormat::AcceltranConfig)
        out.errors.errors.push_back({"", acceleratorYaml.filename().string() + " is not an AccelTran config"});
    if (!out.errors.ok())
        return out;
    out.value = CodesignPair{modelDict.parent_path().filename().string(), *model, accelerator->spec};
    return out;
}

FileErrors writeTextFile(const fs::path& path, std::string_view text, const WriteOptions& options) {
    FileErrors result{path.string(), {}};
    const std::string error = writeFileAtomically(path, text, options);
    if (!error.empty()) // "PATH: reason": the file is already in FileErrors::file
        result.errors.push_back({"", error.substr(path.string().size() + 2)});
    return result;
}

// ---------------------------------------------------------------- data directory and presets

fs::path findDataDir(const fs::path& executablePath) {
    if (const char* env = std::getenv("TCW_DATA_DIR"); env && *env)
        return fs::path(env);
    std::error_code ec;
    // An installed program uses its installed data, even when the source tree it was built
    // from is still around.
    if (!executablePath.empty()) {
        const fs::path installed =
            (executablePath.parent_path() / ".." / "share" / "transcode-workbench" / "data").lexically_normal();
        if (fs::is_directory(installed, ec))
            return installed;
    }
#ifdef TCW_SOURCE_DATA_DIR
    if (fs::is_directory(TCW_SOURCE_DATA_DIR, ec))
        return fs::path(TCW_SOURCE_DATA_DIR);
#endif
    return {};
}

fs::path presetFolder(DocumentKind kind) {
    switch (kind) {
    case DocumentKind::Transformer:
        return fs::path("presets") / "models";
    case DocumentKind::Accelerator:
        return fs::path("presets") / "accelerators";
    case DocumentKind::Technology:
        return "tech";
    case DocumentKind::TransformerSpace:
    case DocumentKind::AcceleratorSpace:
        return "spaces";
    case DocumentKind::SparsityProfile:
    case DocumentKind::Pair:
        return {};
    }
    return {};
}

std::vector<std::string> presetNames(const fs::path& dataDir, DocumentKind kind) {
    std::vector<std::string> names;
    const fs::path folder = presetFolder(kind);
    std::error_code ec;
    if (folder.empty() || !fs::is_directory(dataDir / folder, ec))
        return names;
    const bool spaces = kind == DocumentKind::TransformerSpace || kind == DocumentKind::AcceleratorSpace;
    for (const auto& entry : fs::directory_iterator(dataDir / folder, ec)) {
        if (!entry.is_regular_file() || !syntaxForPath(entry.path()))
            continue;
        if (spaces) { // both space kinds share the folder: keep those of this kind
            const auto document = loadDocument(entry.path());
            if (!document.value || documentKind(*document.value) != kind)
                continue;
        }
        names.push_back(entry.path().stem().string());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

Loaded<TransformerSpec> resolveTransformer(std::string_view nameOrPath, const fs::path& dataDir) {
    return narrow<TransformerSpec>(resolveIn(nameOrPath, dataDir, {DocumentKind::Transformer}),
                                   "a transformer (workbench JSON or FlexiBERT 2.0 model dict)");
}

Loaded<AcceleratorFile> resolveAccelerator(std::string_view nameOrPath, const fs::path& dataDir) {
    return narrow<AcceleratorFile>(resolveIn(nameOrPath, dataDir, {DocumentKind::Accelerator}),
                                   "an accelerator (workbench JSON or AccelTran config YAML)");
}

Loaded<TechnologyLibrary> resolveTechnology(std::string_view nameOrPath, const fs::path& dataDir) {
    return narrow<TechnologyLibrary>(resolveIn(nameOrPath, dataDir, {DocumentKind::Technology}),
                                     "a technology table (workbench JSON)");
}

Loaded<Document> resolveSpace(std::string_view nameOrPath, const fs::path& dataDir) {
    Loaded<Document> document =
        resolveIn(nameOrPath, dataDir, {DocumentKind::TransformerSpace, DocumentKind::AcceleratorSpace});
    if (document.value) {
        const DocumentKind kind = documentKind(*document.value);
        if (kind != DocumentKind::TransformerSpace && kind != DocumentKind::AcceleratorSpace) {
            document.errors.errors.push_back(
                {"", "holds " + article(kindPhrase(kind)) + ", not a transformer or accelerator design space"});
            document.value.reset();
        }
    }
    return document;
}

Loaded<Document> resolveDocument(std::string_view nameOrPath, const fs::path& dataDir) {
    return resolveIn(nameOrPath, dataDir,
                     {DocumentKind::Transformer, DocumentKind::Accelerator, DocumentKind::TransformerSpace,
                      DocumentKind::AcceleratorSpace, DocumentKind::Technology});
}

} // namespace tcw::io
