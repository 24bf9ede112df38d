// Designs out of and back into files, in the shapes File ▸ Export writes: one workbench JSON
// document per design, one CSV table of the designs with their metrics and their canonical
// specification (so the table re-imports to the same designs), and the reference formats.
// No dialogs and no workspace here: lists of records in, text or files out.
#pragma once

#include "store/records.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tcw::models {

struct ExportedDesign {
    store::DesignRecord design; // with specJson
    std::optional<store::EvaluationRecord> latest;
};

// The header of the designs CSV; "spec" (the canonical workbench JSON) is last.
QStringList designCsvHeader();
QString designsCsv(const std::vector<ExportedDesign>& designs);

// A design read back from a file, ready for the workspace (canonical text, so equal designs
// have equal hashes).
struct ReadDesign {
    QString sourceFile;
    std::string name;
    store::DesignKind kind = store::DesignKind::Pair;
    std::string specJson;
};

// The canonical stored text of any design document (transformer, accelerator, pair); the
// kind comes from the document. Nothing, with *error, for other documents.
std::optional<ReadDesign> canonicalDesign(const std::string& documentText, const QString& sourceName, QString* error);

// Designs from a designs CSV (its "spec" column); every unreadable row is an error naming
// the file and the line.
std::vector<ReadDesign> designsFromCsv(const QString& text, const QString& fileName, QStringList* errors);

// A file name from a design name ("tiny on edge" → "tiny_on_edge"), unique within `taken`.
QString exportFileStem(const QString& name, QStringList& taken);

// Called after each design with (done, total); returning false stops the export.
using ExportProgress = std::function<bool(int done, int total)>;

// Writes one workbench JSON file per design into folder (names from exportFileStem); the
// written paths, or nothing with *error (also when stopped). Each file is written atomically
// (io::writeFileAtomically); an existing one is an error unless replaceExisting (the GUI asks).
std::optional<QStringList> writeDesignJsonFiles(const std::vector<ExportedDesign>& designs, const QString& folder,
                                                QString* error, const ExportProgress& progress = {},
                                                bool replaceExisting = false);
// Writes each design's reference form into folder: a pair as a folder with its model dict
// and AccelTran YAML (built beside it and renamed into place), a transformer as a model dict,
// an accelerator as AccelTran YAML.
std::optional<QStringList> writeReferenceFiles(const std::vector<ExportedDesign>& designs, const QString& folder,
                                               QString* error, const ExportProgress& progress = {},
                                               bool replaceExisting = false);

} // namespace tcw::models
