// Reading design files (workbench JSON of transformers, accelerators and co-designs, FlexiBERT
// 2.0 model dicts, AccelTran accelerator YAML, designs CSV) into the canonical text the
// workspace stores, through tcw_io. Runs on a worker thread: no GUI, no workspace access.
#pragma once

#include "store/records.h"

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace tcw::app {

struct ImportedDesign {
    QString sourceFile;
    std::string name;
    store::DesignKind kind = store::DesignKind::Transformer;
    std::string specJson; // workbench JSON as tcw_io writes it: equal designs, equal text
};

struct ImportResult {
    std::vector<ImportedDesign> designs;
    QStringList errors; // one entry per file that could not be used, naming the file and fields
};

// The file-type filter for the import dialog.
QString designImportFileFilter();

ImportResult readDesignFiles(const QStringList& files);

} // namespace tcw::app
