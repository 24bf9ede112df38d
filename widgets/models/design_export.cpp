// Design export and re-import through tcw_io.
#include "design_export.h"

#include "csv_export.h"
#include "io/csv.h"
#include "io/files.h"
#include "io/formats.h"
#include "objective.h"

#include <QCoreApplication>
#include <QDir>
#include <QLocale>
#include <QRegularExpression>

#include <filesystem>
#include <variant>

namespace tcw::models {

namespace {
QString number(std::optional<double> v) {
    return v ? QString::number(*v, 'g', 17) : QString();
}

std::filesystem::path toPath(const QString& path) {
    return std::filesystem::path(path.toStdString());
}

QString errorsText(const io::FileErrors& errors) {
    return QString::fromStdString(errors.toString());
}
} // namespace

QStringList designCsvHeader() {
    return {QStringLiteral("id"),
            QStringLiteral("name"),
            QStringLiteral("kind"),
            QStringLiteral("accuracy_pct"),
            QStringLiteral("accuracy_std_pct"),
            QStringLiteral("accuracy_source"),
            QStringLiteral("latency_ms"),
            QStringLiteral("energy_mj"),
            QStringLiteral("area_mm2"),
            QStringLiteral("peak_power_mw"),
            QStringLiteral("feasible"),
            QStringLiteral("cost_model"),
            QStringLiteral("provenance"),
            QStringLiteral("metrics_std_pct"),
            QStringLiteral("target_kind"),
            QStringLiteral("mode"),
            QStringLiteral("spec")};
}

QString designsCsv(const std::vector<ExportedDesign>& designs) {
    QString out;
    auto row = [&out](const QStringList& fields) {
        QStringList quoted;
        for (const QString& f : fields)
            quoted << csvField(f);
        out += quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    };
    row(designCsvHeader());
    for (const ExportedDesign& d : designs) {
        const auto& e = d.latest;
        auto metric = [&e](Objective o) { return e ? number(objectiveValue(*e, o)) : QString(); };
        // The stored text is canonical for pairs; rewrite the others on one line too.
        QString error;
        const auto canonical = canonicalDesign(d.design.specJson, QString::fromStdString(d.design.name), &error);
        row({QString::number(d.design.id), QString::fromStdString(d.design.name),
             QString::fromUtf8(store::designKindName(d.design.kind)), metric(Objective::Accuracy),
             e && e->accuracyStdDev ? number(*e->accuracyStdDev * 100) : QString(),
             e ? QString::fromUtf8(store::accuracySourceName(e->accuracySource)) : QString(),
             metric(Objective::Latency), metric(Objective::Energy), metric(Objective::Area),
             metric(Objective::PeakPower), e ? (e->feasible ? QStringLiteral("yes") : QStringLiteral("no")) : QString(),
             e ? QString::fromStdString(e->costModel) : QString(),
             e ? QString::fromUtf8(store::metricsProvenanceName(e->provenance)) : QString(),
             e && e->metricsStdDevFraction ? number(*e->metricsStdDevFraction * 100) : QString(),
             QString::fromStdString(d.design.targetKind), e ? QString::fromStdString(e->mode) : QString(),
             QString::fromStdString(canonical ? canonical->specJson : d.design.specJson)});
    }
    return out;
}

std::optional<ReadDesign> canonicalDesign(const std::string& text, const QString& sourceName, QString* error) {
    const auto parsed = io::parseDocument(text, io::Syntax::Json, sourceName.toStdString());
    if (!parsed) {
        if (error)
            *error = errorsText(parsed.errors);
        return std::nullopt;
    }
    ReadDesign d;
    d.sourceFile = sourceName;
    if (const auto* pair = std::get_if<io::CodesignPair>(&*parsed.value)) {
        d.kind = store::DesignKind::Pair;
        d.name = pair->name;
        d.specJson = io::canonicalJson(*pair);
        return d;
    }
    if (const auto* model = std::get_if<TransformerSpec>(&*parsed.value)) {
        d.kind = store::DesignKind::Transformer;
        d.name = model->name;
    } else if (const auto* file = std::get_if<io::AcceleratorFile>(&*parsed.value)) {
        d.kind = store::DesignKind::Accelerator;
        d.name = file->spec.name;
    } else {
        if (error)
            *error = QStringLiteral("%1: holds a %2, not a design")
                         .arg(sourceName, QString::fromUtf8(io::documentKindName(io::documentKind(*parsed.value))));
        return std::nullopt;
    }
    // Transformers and accelerators are stored as the import writes them (pretty workbench
    // JSON), so a re-import finds the design it came from.
    d.specJson = io::formatDocument(*parsed.value, io::FileFormat::WorkbenchJson).text;
    return d;
}

std::vector<ReadDesign> designsFromCsv(const QString& text, const QString& fileName, QStringList* errors) {
    std::vector<ReadDesign> designs;
    const io::ParsedCsv csv = io::parseCsv(text.toStdString());
    for (const auto& e : csv.errors)
        if (errors)
            *errors << QStringLiteral("%1: %2").arg(fileName, QString::fromStdString(e.toString()));
    if (csv.rows.empty())
        return designs;
    const io::CsvRow& header = csv.rows.front();
    const auto specColumn = std::find(header.begin(), header.end(), "spec");
    const auto nameColumn = std::find(header.begin(), header.end(), "name");
    if (specColumn == header.end()) {
        if (errors)
            *errors << QStringLiteral("%1: has no 'spec' column; export designs from the workbench to re-import them")
                           .arg(fileName);
        return designs;
    }
    const std::size_t spec = std::size_t(specColumn - header.begin());
    for (std::size_t r = 1; r < csv.rows.size(); ++r) {
        const io::CsvRow& row = csv.rows[r];
        if (row.size() == 1 && row[0].empty())
            continue; // a blank line
        const QString where = QStringLiteral("%1, row %2").arg(fileName).arg(r + 1);
        if (row.size() <= spec) {
            if (errors)
                *errors << QStringLiteral("%1: has no spec field").arg(where);
            continue;
        }
        QString error;
        auto d = canonicalDesign(row[spec], where, &error);
        if (!d) {
            if (errors)
                *errors << error;
            continue;
        }
        if (nameColumn != header.end() && std::size_t(nameColumn - header.begin()) < row.size())
            d->name = row[std::size_t(nameColumn - header.begin())];
        d->sourceFile = fileName;
        designs.push_back(std::move(*d));
    }
    return designs;
}

QString exportFileStem(const QString& name, QStringList& taken) {
    QString stem = name;
    stem.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    if (stem.isEmpty() || stem.startsWith(QLatin1Char('.')))
        stem.prepend(QStringLiteral("design"));
    QString unique = stem;
    for (int i = 2; taken.contains(unique, Qt::CaseInsensitive); ++i)
        unique = QStringLiteral("%1-%2").arg(stem).arg(i);
    taken << unique;
    return unique;
}

namespace {
bool stopped(const ExportProgress& progress, int done, int total, QString* error) {
    if (!progress || progress(done, total))
        return false;
    if (error)
        *error = QCoreApplication::translate("DesignExport", "The export was cancelled after %1 of %2 designs.")
                     .arg(done)
                     .arg(total);
    return true;
}
} // namespace

std::optional<QStringList> writeDesignJsonFiles(const std::vector<ExportedDesign>& designs, const QString& folder,
                                                QString* error, const ExportProgress& progress) {
    QStringList written, taken;
    for (const ExportedDesign& d : designs) {
        if (stopped(progress, int(written.size()), int(designs.size()), error))
            return std::nullopt;
        const auto parsed = io::parseDocument(d.design.specJson, io::Syntax::Json, d.design.name);
        if (!parsed) {
            if (error)
                *error = errorsText(parsed.errors);
            return std::nullopt;
        }
        const QString path = QDir(folder).filePath(exportFileStem(QString::fromStdString(d.design.name), taken) +
                                                   QStringLiteral(".json"));
        const io::FileErrors saved = io::saveDocument(toPath(path), *parsed.value, io::FileFormat::WorkbenchJson);
        if (!saved.ok()) {
            if (error)
                *error = errorsText(saved);
            return std::nullopt;
        }
        written << path;
    }
    return written;
}

std::optional<QStringList> writeReferenceFiles(const std::vector<ExportedDesign>& designs, const QString& folder,
                                               QString* error, const ExportProgress& progress) {
    QStringList written;
    int done = 0;
    for (const ExportedDesign& d : designs) {
        if (stopped(progress, done++, int(designs.size()), error))
            return std::nullopt;
        const auto parsed = io::parseDocument(d.design.specJson, io::Syntax::Json, d.design.name);
        if (!parsed) {
            if (error)
                *error = errorsText(parsed.errors);
            return std::nullopt;
        }
        io::FileErrors saved;
        if (const auto* pair = std::get_if<io::CodesignPair>(&*parsed.value)) {
            saved = io::saveReferencePair(toPath(folder), *pair);
            const io::ReferencePairFiles files = io::referencePairFiles(toPath(folder), *pair);
            written << QString::fromStdString(files.modelDict.string())
                    << QString::fromStdString(files.acceleratorYaml.string());
        } else {
            const bool model = std::holds_alternative<TransformerSpec>(*parsed.value);
            QStringList taken;
            const QString path = QDir(folder).filePath(exportFileStem(QString::fromStdString(d.design.name), taken) +
                                                       (model ? QStringLiteral(".json") : QStringLiteral(".yaml")));
            saved = io::saveDocument(toPath(path), *parsed.value,
                                     model ? io::FileFormat::ModelDict : io::FileFormat::AcceltranConfig);
            written << path;
        }
        if (!saved.ok()) {
            if (error)
                *error = errorsText(saved);
            return std::nullopt;
        }
    }
    return written;
}

} // namespace tcw::models
