// libFuzzer target: CSV import: the CSV reader of core/io and the explorer's import of a
// designs CSV (each row's "spec" column read back as a design), without a GUI.
#include "fuzz_support.h"
#include "io/csv.h"
#include "models/design_export.h"

#include <QString>
#include <QStringList>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = tcw::fuzz::text(data, size);
    (void)tcw::io::parseCsv(input);
    QStringList errors;
    const auto designs = tcw::models::designsFromCsv(
        QString::fromUtf8(input.data(), static_cast<qsizetype>(input.size())), QStringLiteral("fuzz.csv"), &errors);
    (void)designs.size();
    return 0;
}
