// RAII wrappers over the sqlite3 C API; see sqlite.h.
#include "sqlite.h"

#include <sqlite3.h>

#include <cstring>

#include <utility>

namespace tcw::store {

namespace {
[[noreturn]] void throwError(sqlite3* db, int rc, std::string_view what) {
    std::string message(what);
    message += ": ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    // SQLite says "disk I/O error"; the operating system's reason (e.g. "No space left on
    // device") is what the user can act on.
    const int primary = rc & 0xff;
    const bool fromTheSystem = primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN;
    if (const int osError = db && fromTheSystem ? sqlite3_system_errno(db) : 0; osError != 0)
        message += " (" + std::string(std::strerror(osError)) + ")";
    SqliteError error(rc & 0xff, message);
    error.setExtendedCode(db ? sqlite3_extended_errcode(db) : rc);
    throw error;
}

bool isError(int rc) {
    return rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE;
}

// "file:/a%20b.tcw?immutable=1": a URI filename with the characters URIs reserve escaped.
std::string immutableUri(const std::filesystem::path& path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string uri = "file:";
    for (unsigned char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#' || c <= ' ' || c >= 0x7f) {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 0xf];
        } else {
            uri += static_cast<char>(c);
        }
    }
    return uri + "?immutable=1";
}
} // namespace

// ---- Database --------------------------------------------------------------------------

Database Database::open(const std::filesystem::path& path, Mode mode) {
    // NOMUTEX: a connection is used by one thread at a time (it may move between threads).
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case Mode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::Create:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    case Mode::Immutable:
        flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
        break;
    }
    const std::string name = mode == Mode::Immutable ? immutableUri(path) : path.string();
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        // sqlite3_open_v2 returns a handle even on failure, to carry the message.
        std::string message = "cannot open '" + path.string() + "': " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        throw SqliteError(rc & 0xff, message);
    }
    sqlite3_extended_result_codes(db, 1);
    // A writer that finds the file locked by another process waits briefly instead of failing.
    sqlite3_busy_timeout(db, 2000);
    return Database(db, path);
}

Database::~Database() {
    close();
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

void Database::close() {
    if (m_db) {
        // _v2: statements still alive (a bug, but not one worth aborting for) finish the close.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool Database::isReadOnly() const {
    return m_db && sqlite3_db_readonly(m_db, "main") == 1;
}

void Database::exec(std::string_view sql) {
    char* error = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        SqliteError e(rc & 0xff, message);
        e.setExtendedCode(sqlite3_extended_errcode(m_db));
        throw e;
    }
}

Statement Database::prepare(std::string_view sql) const {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK)
        throwError(m_db, rc, "cannot prepare \"" + std::string(sql.substr(0, 60)) + "\"");
    return Statement(stmt);
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
    return sqlite3_changes(m_db);
}

std::int64_t Database::pragmaInt(std::string_view pragma) const {
    Statement s = prepare("PRAGMA " + std::string(pragma));
    return s.step() ? s.int64(0) : 0;
}

void Database::setUserVersion(int version) {
    exec("PRAGMA user_version = " + std::to_string(version));
}

bool Database::inTransaction() const {
    return m_db && sqlite3_get_autocommit(m_db) == 0;
}

void Database::check(int rc, std::string_view what) const {
    if (isError(rc))
        throwError(m_db, rc, what);
}

// ---- Statement -------------------------------------------------------------------------

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept : m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
    }
    return *this;
}

void Statement::check(int rc, std::string_view what) const {
    if (isError(rc))
        throwError(sqlite3_db_handle(m_stmt), rc, std::string(what) + " (" + sqlite3_sql(m_stmt) + ")");
}

Statement& Statement::bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(m_stmt, index, value), "bind");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check(sqlite3_bind_double(m_stmt, index, value), "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    check(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    return *this;
}

Statement& Statement::bindNull(int index) {
    check(sqlite3_bind_null(m_stmt, index), "bind");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const int resetRc = sqlite3_reset(m_stmt); // leaves the statement reusable; same error
    (void)resetRc;
    check(rc, "step");
    return false;
}

void Statement::run() {
    while (step()) {
    }
    sqlite3_reset(m_stmt);
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
}

int Statement::columnCount() const {
    return sqlite3_column_count(m_stmt);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

std::optional<std::int64_t> Statement::optionalInt64(int column) const {
    return isNull(column) ? std::nullopt : std::optional<std::int64_t>(int64(column));
}

std::optional<double> Statement::optionalReal(int column) const {
    return isNull(column) ? std::nullopt : std::optional<double>(real(column));
}

std::optional<std::string> Statement::optionalText(int column) const {
    return isNull(column) ? std::nullopt : std::optional<std::string>(text(column));
}

// ---- Transaction -----------------------------------------------------------------------

Transaction::Transaction(Database& db) : m_db(db) {
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (!m_done && m_db.inTransaction()) {
        try {
            m_db.exec("ROLLBACK");
        } catch (...) {
            // Nothing sensible to do in a destructor; SQLite has rolled back on its own when
            // ROLLBACK itself fails (the transaction was already gone).
        }
    }
}

void Transaction::commit() {
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace tcw::store
