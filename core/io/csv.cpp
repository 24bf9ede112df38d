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

ParsedCsv parseCsv(std::string_view text) {
    ParsedCsv out;
    CsvRow row;
    std::string field;
    bool quoted = false;
    bool fieldStarted = false;
    std::size_t line = 1, quoteLine = 0;
    auto endField = [&] {
        row.push_back(std::move(field));
        field.clear();
        fieldStarted = false;
    };
    auto endRow = [&] {
        endField();
        out.rows.push_back(std::move(row));
        row.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                line += c == '\n';
                field += c;
            }
        } else if (c == '"' && !fieldStarted && field.empty()) {
            quoted = fieldStarted = true;
            quoteLine = line;
        } else if (c == ',') {
            endField();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            continue; // the LF ends the row
        } else if (c == '\n') {
            ++line;
            endRow();
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        out.errors.push_back({"line " + std::to_string(quoteLine), "a quoted field is not closed"});
    else if (fieldStarted || !field.empty() || !row.empty())
        endRow();
    return out;
}

FileErrors writeCsv(const std::filesystem::path& path, const CsvRow& header, const std::vector<CsvRow>& rows,
                    const WriteOptions& options) {
    FileErrors errors{path.string(), {}};
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i].size() != header.size())
            errors.errors.push_back(
                {"rows[" + std::to_string(i) + "]",
                 "has " + std::to_string(rows[i].size()) + " fields, the header has " + std::to_string(header.size())});
    if (!errors.ok())
        return errors;
    return writeTextFile(path, csvText(header, rows), options);
}

} // namespace tcw::io
