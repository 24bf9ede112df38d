// CSV export of tables (RFC 4180: CRLF line ends; a field holding a comma, a double quote,
// CR or LF is quoted, with quotes doubled).
#pragma once

#include "io_types.h"
#include "safe_file.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
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

// A CSV file written row by row, for tables too large to hold (a sweep of millions of
// designs). Like writeTextFile it writes beside the target (".NAME.tmp") and renames on
// finish(), so a failed or abandoned write never leaves half a file at the path. A field
// written earlier can be overwritten in place by one of the same width (patch()), e.g. a
// flag known only at the end.
class CsvFileWriter {
public:
    // Opens the temporary file and writes the header; check errors() afterwards.
    CsvFileWriter(std::filesystem::path path, CsvRow header);
    ~CsvFileWriter(); // removes the temporary file unless finish() succeeded

    // Appends a row (its width must be the header's; a wrong width is recorded as an error
    // and the row is skipped). Returns the byte offset where each field begins.
    std::vector<std::uint64_t> writeRow(const CsvRow& row);
    // Overwrites the bytes at offset with text (written earlier with the same length).
    void patch(std::uint64_t offset, std::string_view text);
    // Flushes, closes and renames into place.
    FileErrors finish();

    const FileErrors& errors() const { return m_errors; }
    std::uint64_t rows() const { return m_rows; }

private:
    std::filesystem::path m_path, m_temporary;
    std::size_t m_width = 0;
    std::fstream m_out;
    std::string m_line;
    std::uint64_t m_offset = 0, m_rows = 0;
    FileErrors m_errors;
    bool m_finished = false;
};

// Parses RFC 4180 text (CRLF or LF line ends, quoted fields with doubled quotes, a final line
// end optional) into rows; the first row is the header. An unterminated quote is an error
// naming its line.
struct ParsedCsv {
    std::vector<CsvRow> rows;
    ValidationErrors errors;
};
ParsedCsv parseCsv(std::string_view text);

} // namespace tcw::io
