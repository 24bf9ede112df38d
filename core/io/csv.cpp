// CSV export (RFC 4180).
#include "csv.h"

#include "files.h"

namespace tcw::io {

std::string csvField(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(field);
    std::string out = "\"";
    for (char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

namespace {
void appendRow(std::string& out, const CsvRow& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i)
            out += ',';
        out += csvField(row[i]);
    }
    out += "\r\n";
}
} // namespace

std::string csvText(const CsvRow& header, const std::vector<CsvRow>& rows) {
    std::string out;
    appendRow(out, header);
    for (const auto& row : rows)
        appendRow(out, row);
    return out;
}

FileErrors writeCsv(const std::filesystem::path& path, const CsvRow& header, const std::vector<CsvRow>& rows) {
    FileErrors errors{path.string(), {}};
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].size() != header.size())
            errors.errors.push_back(
                {"rows[" + std::to_string(i) + "]",
                 "has " + std::to_string(rows[i].size()) + " fields, the header has " + std::to_string(header.size())});
    if (!errors.ok())
        return errors;
    return writeTextFile(path, csvText(header, rows));
}

} // namespace tcw::io
