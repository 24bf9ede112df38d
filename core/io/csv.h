// CSV export of tables (RFC 4180: CRLF line ends; a field holding a comma, a double quote,
// CR or LF is quoted, with quotes doubled).
#pragma once

#include "io_types.h"
#include "safe_file.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::io {

using CsvRow = std::vector<std::string>;

std::string csvField(std::string_view field);
std::string csvText(const CsvRow& header, const std::vector<CsvRow>& rows);
// Writes header and rows; a row whose width differs from the header's is an error (the file
// is then not written).
// Written atomically (safe_file.h); an existing file only with options.overwrite.
FileErrors writeCsv(const std::filesystem::path& path, const CsvRow& header, const std::vector<CsvRow>& rows,
                    const WriteOptions& options = {});

// Parses RFC 4180 text (CRLF or LF line ends, quoted fields with doubled quotes, a final line
// end optional) into rows; the first row is the header. An unterminated quote is an error
// naming its line.
struct ParsedCsv {
    std::vector<CsvRow> rows;
    ValidationErrors errors;
};
ParsedCsv parseCsv(std::string_view text);

} // namespace tcw::io
