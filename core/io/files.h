// Documents on disk: load with format detection by extension and content, save in a chosen
// format, and find bundled presets (data/presets, data/spaces, data/tech) by name.
#pragma once

#include "formats.h"
#include "io_types.h"
#include "safe_file.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::io {

// .json → JSON, .yaml / .yml → YAML; other extensions: none (the content decides).
std::optional<Syntax> syntaxForPath(const std::filesystem::path& path);

// Reads any document; the kind and format come from the file.
Loaded<Document> loadDocument(const std::filesystem::path& path);

// Read one kind; a file of another kind is an error naming both.
Loaded<TransformerSpec> loadTransformer(const std::filesystem::path& path); // ours or a model dict
Loaded<AcceleratorFile> loadAccelerator(const std::filesystem::path& path); // ours or AccelTran YAML
Loaded<TechnologyLibrary> loadTechnology(const std::filesystem::path& path);
Loaded<SparsityProfile> loadSparsityProfile(const std::filesystem::path& path);
Loaded<TransformerSpace> loadTransformerSpace(const std::filesystem::path& path); // ours or TransCODE YAML
Loaded<AcceleratorSpace> loadAcceleratorSpace(const std::filesystem::path& path); // ours or TransCODE YAML
Loaded<CodesignPair> loadPair(const std::filesystem::path& path);                 // workbench JSON

// The format a document of `kind` is written in at `path`: a .yaml / .yml path takes the
// reference YAML format; a .json path the workbench format, or with `reference` the
// reference JSON format (model dict). Errors say why no format fits (e.g. a technology table
// has no YAML form).
struct FormatChoice {
    std::optional<FileFormat> format;
    std::string error;
};
FormatChoice chooseFormat(DocumentKind kind, const std::filesystem::path& path, std::optional<bool> reference);

// A co-design in the reference tools' formats: a folder named after the pair holding the
// model as a FlexiBERT 2.0 model dict (<transformer name>.json) and the accelerator as an
// AccelTran config (<accelerator name>.yaml). The names travel in the file names, so reading
// the two files back gives the same pair (names made only of letters, digits, '.', '-', '_').
struct ReferencePairFiles {
    std::filesystem::path folder, modelDict, acceleratorYaml;
};
ReferencePairFiles referencePairFiles(const std::filesystem::path& parent, const CodesignPair& pair);
// Writes both files into the pair's folder under parent, built beside it and renamed into
// place (an existing folder is replaced only with options.overwrite); errors say what a model
// dict or a config cannot hold (e.g. a ReLU model has no model dict).
FileErrors saveReferencePair(const std::filesystem::path& parent, const CodesignPair& pair,
                             const WriteOptions& options = {});
// The pair named after the model dict's folder; every error of either file.
Loaded<CodesignPair> loadReferencePair(const std::filesystem::path& modelDict,
                                       const std::filesystem::path& acceleratorYaml);

// Both write through writeFileAtomically (safe_file.h): an existing file is an error unless
// options.overwrite; a workspace or an input is never written over.
FileErrors saveDocument(const std::filesystem::path& path, const Document& document, FileFormat format,
                        const WriteOptions& options = {});
FileErrors writeTextFile(const std::filesystem::path& path, std::string_view text, const WriteOptions& options = {});

// ---------------------------------------------------------------- data directory and presets

// The bundled data directory: $TCW_DATA_DIR if set, else <executable dir>/../share/
// transcode-workbench/data (an installed program), else the source tree's data/ (a build that
// has not been installed). Empty if none exists. The CLI and the GUI both ask here.
std::filesystem::path findDataDir(const std::filesystem::path& executablePath = {});

// The folder under the data directory holding presets of a kind: presets/models,
// presets/accelerators, tech, spaces (both space kinds); empty for sparsity profiles.
std::filesystem::path presetFolder(DocumentKind kind);
// Preset names (file stems) of a kind, sorted.
std::vector<std::string> presetNames(const std::filesystem::path& dataDir, DocumentKind kind);

// A path (anything with a directory part or an extension, or an existing file) is loaded;
// otherwise the name is looked up among the presets, e.g. "bert-tiny" →
// <dataDir>/presets/models/bert-tiny.json, "edge" → presets/accelerators/edge.json,
// "laptop" → spaces/laptop.yaml.
Loaded<TransformerSpec> resolveTransformer(std::string_view nameOrPath, const std::filesystem::path& dataDir);
Loaded<AcceleratorFile> resolveAccelerator(std::string_view nameOrPath, const std::filesystem::path& dataDir);
Loaded<TechnologyLibrary> resolveTechnology(std::string_view nameOrPath, const std::filesystem::path& dataDir);
Loaded<Document> resolveSpace(std::string_view nameOrPath, const std::filesystem::path& dataDir); // either space
// Any kind: models, accelerators, spaces, technology tables are searched in that order.
Loaded<Document> resolveDocument(std::string_view nameOrPath, const std::filesystem::path& dataDir);

} // namespace tcw::io
