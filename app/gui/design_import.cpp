// Design import through tcw_io: load (any supported format, detected from the content),
// keep transformers and accelerators, write them back as canonical workbench JSON.
#include "design_import.h"

#include "io/files.h"
#include "io/formats.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <variant>

namespace tcw::app {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("DesignImport", text);
}
} // namespace

QString designImportFileFilter() {
    return tr("Design files (*.json *.yaml *.yml);;Workbench and model-dict JSON (*.json);;AccelTran YAML (*.yaml "
              "*.yml);;All files (*)");
}

ImportResult readDesignFiles(const QStringList& files) {
    ImportResult result;
    for (const QString& file : files) {
        const io::Loaded<io::Document> loaded = io::loadDocument(std::filesystem::path(file.toStdString()));
        if (!loaded) {
            result.errors << QString::fromStdString(loaded.errors.toString()).trimmed();
            continue;
        }
        ImportedDesign design;
        design.sourceFile = file;
        if (const auto* model = std::get_if<TransformerSpec>(&*loaded.value)) {
            design.kind = store::DesignKind::Transformer;
            design.name = model->name;
        } else if (const auto* accelerator = std::get_if<io::AcceleratorFile>(&*loaded.value)) {
            design.kind = store::DesignKind::Accelerator;
            design.name = accelerator->spec.name;
        } else {
            result.errors << tr("%1: holds a %2, not a design; import transformers or accelerators.")
                                 .arg(file, QString::fromUtf8(io::documentKindName(io::documentKind(*loaded.value))));
            continue;
        }
        if (design.name.empty())
            design.name = QFileInfo(file).completeBaseName().toStdString();
        const io::Written written = io::formatDocument(*loaded.value, io::FileFormat::WorkbenchJson);
        if (!written.ok()) {
            QStringList problems;
            for (const auto& error : written.errors)
                problems << QString::fromStdString(error.toString());
            result.errors << tr("%1: cannot be stored: %2").arg(file, problems.join(QStringLiteral("; ")));
            continue;
        }
        design.specJson = written.text;
        result.designs.push_back(std::move(design));
    }
    return result;
}

} // namespace tcw::app
