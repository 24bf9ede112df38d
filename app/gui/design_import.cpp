// Design import through tcw_io: load (any supported format, detected from the content), keep
// transformers, accelerators and co-designs, and store them in canonical text; designs CSV
// files (File ▸ Export ▸ Designs as CSV) give their rows; a model dict and an AccelTran YAML
// chosen together from one folder (Export ▸ Designs in Reference Formats) give one co-design.
#include "design_import.h"

#include "io/files.h"
#include "io/formats.h"
#include "io/safe_file.h"
#include "models/design_export.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>

#include <variant>

namespace tcw::app {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("DesignImport", text);
}

std::filesystem::path toPath(const QString& file) {
    return std::filesystem::path(file.toStdString());
}

// Reference files (a model dict and an AccelTran config) that share a folder, by folder.
struct ReferenceFolder {
    QStringList modelDicts, configs;
};

void readCsv(const QString& file, ImportResult& result) {
    // Bounded like every reader: regular files only, at most a design file's size.
    const io::ReadResult read = io::readFileBounded(toPath(file), io::kMaxDocumentBytes, "a designs CSV");
    if (!read.ok()) {
        result.errors << QStringLiteral("%1: %2").arg(file, QString::fromStdString(read.error));
        return;
    }
    QStringList errors;
    for (models::ReadDesign& d : models::designsFromCsv(QString::fromStdString(read.bytes), file, &errors))
        result.designs.push_back({file, d.name, d.kind, std::move(d.specJson)});
    result.errors << errors;
}
} // namespace

QString designImportFileFilter() {
    return tr("Design files (*.json *.yaml *.yml *.csv);;Workbench and model-dict JSON (*.json);;AccelTran YAML "
              "(*.yaml *.yml);;Designs CSV (*.csv);;All files (*)");
}

ImportResult readDesignFiles(const QStringList& files) {
    ImportResult result;
    QMap<QString, ReferenceFolder> referenceFolders;
    for (const QString& file : files) {
        if (QFileInfo(file).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0) {
            readCsv(file, result);
            continue;
        }
        const io::Loaded<io::Document> loaded = io::loadDocument(toPath(file));
        if (!loaded) {
            result.errors << QString::fromStdString(loaded.errors.toString()).trimmed();
            continue;
        }
        const QString folder = QFileInfo(file).absolutePath();
        if (loaded.format == io::FileFormat::ModelDict) {
            referenceFolders[folder].modelDicts << file;
        } else if (loaded.format == io::FileFormat::AcceltranConfig) {
            referenceFolders[folder].configs << file;
        }
        ImportedDesign design;
        design.sourceFile = file;
        if (const auto* pair = std::get_if<io::CodesignPair>(&*loaded.value)) {
            design.kind = store::DesignKind::Pair;
            design.name = pair->name;
            design.specJson = io::canonicalJson(*pair); // as the search stores pairs
        } else if (const auto* model = std::get_if<TransformerSpec>(&*loaded.value)) {
            design.kind = store::DesignKind::Transformer;
            design.name = model->name;
        } else if (const auto* accelerator = std::get_if<io::AcceleratorFile>(&*loaded.value)) {
            design.kind = store::DesignKind::Accelerator;
            design.name = accelerator->spec.name;
        } else {
            result.errors << tr("%1: holds a %2, not a design; import transformers, accelerators or co-designs.")
                                 .arg(file, QString::fromUtf8(io::documentKindName(io::documentKind(*loaded.value))));
            continue;
        }
        if (design.name.empty())
            design.name = QFileInfo(file).completeBaseName().toStdString();
        if (design.specJson.empty()) {
            const io::Written written = io::formatDocument(*loaded.value, io::FileFormat::WorkbenchJson);
            if (!written.ok()) {
                QStringList problems;
                for (const auto& error : written.errors)
                    problems << QString::fromStdString(error.toString());
                result.errors << tr("%1: cannot be stored: %2").arg(file, problems.join(QStringLiteral("; ")));
                continue;
            }
            design.specJson = written.text;
        }
        result.designs.push_back(std::move(design));
    }
    // One model dict and one AccelTran config chosen from the same folder: the co-design they
    // were exported from, named after the folder, instead of two separate designs.
    for (auto it = referenceFolders.begin(); it != referenceFolders.end(); ++it) {
        if (it->modelDicts.size() != 1 || it->configs.size() != 1)
            continue;
        const auto pair = io::loadReferencePair(toPath(it->modelDicts.front()), toPath(it->configs.front()));
        if (!pair)
            continue;
        std::erase_if(result.designs, [&](const ImportedDesign& d) {
            return d.sourceFile == it->modelDicts.front() || d.sourceFile == it->configs.front();
        });
        result.designs.push_back(
            {QDir::toNativeSeparators(it.key()), pair->name, store::DesignKind::Pair, io::canonicalJson(*pair)});
    }
    return result;
}

} // namespace tcw::app
