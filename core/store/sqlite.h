// A small RAII layer over the sqlite3 C API: a connection, prepared statements and
// transactions. SQLite errors become SqliteError (with the database's own message) here, at
// the boundary, so the rest of the store reads as straight-line code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tcw::store {

class SqliteError : public std::runtime_error {
public:
    SqliteError(int code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    int code() const { return m_code; }                 // primary result code (SQLITE_CORRUPT, ...)
    int extendedCode() const { return m_extendedCode; } // e.g. SQLITE_READONLY_DBMOVED
    void setExtendedCode(int code) { m_extendedCode = code; }

private:
    int m_code = 0;
    int m_extendedCode = 0;
};

class Statement;

// One connection. Movable, not copyable; closes on destruction.
class Database {
public:
    enum class Mode {
        ReadOnly,  // never writes, never creates the file
        Immutable, // read-only without locks or journal files, for a file no one is writing
        ReadWrite, // the file must exist
        Create,    // read-write; creates the file when missing
    };

    Database() = default;
    static Database open(const std::filesystem::path& path, Mode mode);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    bool isOpen() const { return m_db != nullptr; }
    void close();
    sqlite3* handle() const { return m_db; }
    const std::filesystem::path& path() const { return m_path; }
    bool isReadOnly() const; // the connection cannot write (mode or file permissions)

    void exec(std::string_view sql); // one or more statements without parameters or results
    Statement prepare(std::string_view sql) const;
    std::int64_t lastInsertRowId() const;
    int changes() const; // rows changed by the last INSERT / UPDATE / DELETE

    // PRAGMA helpers for values that are a single integer.
    std::int64_t pragmaInt(std::string_view pragma) const;
    int userVersion() const { return static_cast<int>(pragmaInt("user_version")); }
    void setUserVersion(int version);

    bool inTransaction() const;

    // Throws SqliteError with the connection's message when rc is an error code.
    void check(int rc, std::string_view what) const;

private:
    explicit Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

// A prepared statement. Parameters are 1-based as in SQLite; columns are 0-based.
class Statement {
public:
    Statement() = default;
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text); // copied by SQLite
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindNull(int index);
    template <typename T> Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }

    // Advances; true while a row is available. A statement that returns no rows returns false.
    bool step();
    void run();   // for INSERT / UPDATE / DELETE: steps to the end, then resets
    void reset(); // keeps the bindings

    int columnCount() const;
    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const; // "" for NULL
    std::optional<std::int64_t> optionalInt64(int column) const;
    std::optional<double> optionalReal(int column) const;
    std::optional<std::string> optionalText(int column) const;

private:
    friend class Database;
    explicit Statement(sqlite3_stmt* stmt) : m_stmt(stmt) {}
    void check(int rc, std::string_view what) const;
    sqlite3_stmt* m_stmt = nullptr;
};

// BEGIN IMMEDIATE on construction (so the write lock is taken at once, not at the first
// write); ROLLBACK on destruction unless commit() was called. Not nestable.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

} // namespace tcw::store
