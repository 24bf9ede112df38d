// Reading and writing documents as text, in the workbench's JSON formats and the reference
// tools' formats (FlexiBERT 2.0 model dicts, AccelTran configs, TransCODE design spaces).
// Reading is parse → validate (every error, with its field path) → build.
#pragma once

#include "io_types.h"

#include <string>
#include <string_view>

namespace tcw::io {

enum class Syntax { Json, Yaml };

// Parses text and detects its format and kind from the content: workbench JSON has
// "schemaVersion" and "kind"; a model dict has l/o/h/f; an AccelTran config has pe, tile, …;
// a TransCODE space has hidden_size, … or main_memory_config. `file` names the text in
// errors; formats without a name field (model dicts, reference YAML) take the name from its
// stem. The value is validated structurally (no design-space membership).
Loaded<Document> parseDocument(std::string_view text, Syntax syntax, const std::string& file);

// Whether `format` can hold documents of `kind` (e.g. model dicts hold transformers only).
bool formatHolds(FileFormat format, DocumentKind kind);

// Writes a document as text. Errors say what the format cannot hold (a model dict has no
// activation, the TransCODE layout groups head types by kind, …); the text is then empty.
Written formatDocument(const Document& document, FileFormat format);

// The workbench JSON of a document on one line, fields in the writer's order: equal documents
// give equal text (hence equal workspace hashes). For a pair this is the text the co-design
// search stores ({"schemaVersion":1,"kind":"pair","name":…,"transformer":{…},"accelerator":{…}}).
std::string canonicalJson(const Document& document);

// The path of a workbench field (as in ValidationError::path, e.g. "layers[1].hiddenSize" or
// "peCount") in the given format ("h[1]", "pe"), so membership errors name the file's fields.
std::string fieldPathIn(FileFormat format, std::string_view workbenchPath);

} // namespace tcw::io
