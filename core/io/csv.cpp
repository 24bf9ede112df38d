// CSV export (RFC 4180).
#include "csv.h"

#include <fcntl.h>
#include <unistd.h>

#include "files.h"

#include <cerrno>
#include <cstring>

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

CsvFileWriter::CsvFileWriter(std::filesystem::path path, CsvRow header)
    : m_path(std::move(path)), m_temporary(m_path.parent_path() / ("." + m_path.filename().string() + ".tmp")),
      m_width(header.size()), m_errors{m_path.string(), {}} {
    m_out.open(m_temporary, std::ios::binary | std::ios::in | std::ios::out | std::ios::trunc);
    if (!m_out) {
        m_errors.errors.push_back({"", std::string("cannot be written: ") + std::strerror(errno)});
        return;
    }
    writeRow(header);
    m_rows = 0; // the header is not a row
}

CsvFileWriter::~CsvFileWriter() {
    if (!m_finished) {
        m_out.close();
        std::error_code ignored;
        std::filesystem::remove(m_temporary, ignored);
    }
}

std::vector<std::uint64_t> CsvFileWriter::writeRow(const CsvRow& row) {
    std::vector<std::uint64_t> offsets;
    if (!m_errors.ok())
        return offsets;
    if (row.size() != m_width) {
        m_errors.errors.push_back(
            {"rows[" + std::to_string(m_rows) + "]",
             "has " + std::to_string(row.size()) + " fields, the header has " + std::to_string(m_width)});
        return offsets;
    }
    m_line.clear();
    offsets.reserve(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i)
            m_line += ',';
        offsets.push_back(m_offset + m_line.size());
        m_line += csvField(row[i]);
    }
    m_line += "\r\n";
    m_out.write(m_line.data(), static_cast<std::streamsize>(m_line.size()));
    m_offset += m_line.size();
    ++m_rows;
    return offsets;
}

void CsvFileWriter::patch(std::uint64_t offset, std::string_view text) {
    if (!m_errors.ok())
        return;
    m_out.seekp(static_cast<std::streamoff>(offset));
    m_out.write(text.data(), static_cast<std::streamsize>(text.size()));
    m_out.seekp(0, std::ios::end);
}

FileErrors CsvFileWriter::finish() {
    if (!m_errors.ok())
        return m_errors;
    m_out.close();
    if (!m_out) {
        m_errors.errors.push_back({"", std::string("writing failed: ") + std::strerror(errno)});
        return m_errors;
    }
    // On disk before it replaces anything: a crash after the rename must not leave a file
    // whose blocks never reached the disk.
    if (const int fd = ::open(m_temporary.c_str(), O_RDONLY); fd < 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
        m_errors.errors.push_back({"", std::string("writing failed: ") + std::strerror(errno)});
        return m_errors;
    }
    std::error_code ec;
    std::filesystem::rename(m_temporary, m_path, ec);
    if (ec) {
        m_errors.errors.push_back({"", "cannot be written: " + ec.message()});
        return m_errors;
    }
    m_finished = true;
    return m_errors;
}

} // namespace tcw::io
