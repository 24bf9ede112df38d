// Opening, creating and copying workspaces, and the typed reads and writes of their tables.
#include "workspace.h"

#include "schema.h"
#include "sha256.h"

#include "io/safe_file.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

namespace tcw::store {

namespace fs = std::filesystem;
using Reason = WorkspaceError::Reason;

namespace {

std::string quoted(const fs::path& path) {
    return "'" + path.string() + "'";
}

// The 16-byte header every SQLite 3 database starts with.
constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

void checkIsSqliteFile(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw WorkspaceError(Reason::NotFound, quoted(path) + " does not exist.");
    if (!fs::is_regular_file(status))
        throw WorkspaceError(Reason::NotSqlite, quoted(path) + " is not a file.");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw WorkspaceError(Reason::Io, "cannot read " + quoted(path) + ": permission denied.");
    std::array<char, 100> header{};
    in.read(header.data(), header.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0)
        throw WorkspaceError(Reason::NotSqlite, quoted(path) + " is empty: it is not a TransCODE workspace.");
    if (got < header.size() || std::string_view(header.data(), kSqliteMagic.size()) != kSqliteMagic)
        throw WorkspaceError(Reason::NotSqlite,
                             quoted(path) + " is not a TransCODE workspace (it is not an SQLite database).");
}

WorkspaceError fromSqlite(const fs::path& path, const SqliteError& e) {
    switch (e.code()) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return WorkspaceError(Reason::Corrupt, quoted(path) + " is damaged and cannot be opened (" + e.what() +
                                                   "). Restore it from a backup or a copy made with Save As.");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return WorkspaceError(Reason::Io, quoted(path) +
                                              " is being written by another process (a running search, training or "
                                              "import) and stayed locked; try again when it has finished (" +
                                              e.what() + ").");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        return WorkspaceError(Reason::ReadOnly, "cannot write " + quoted(path) + " (" + e.what() + ").");
    default:
        return WorkspaceError(Reason::Io, "cannot use " + quoted(path) + ": " + e.what());
    }
}

// quick_check reads every page: damage anywhere is found now, not halfway through a later
// write. It returns one row "ok", or rows describing each problem. On a read-only or immutable
// connection SQLite does not even parse the tables' CHECK constraints, so there it verifies the
// pages, records and NOT NULL columns but not the values' ranges; on a writable connection it
// verifies those too.
void checkIntact(Database& db, const fs::path& path) {
    Statement check = db.prepare("PRAGMA quick_check(1)");
    const std::string verdict = check.step() ? check.text(0) : "no answer";
    if (verdict != "ok")
        throw WorkspaceError(Reason::Corrupt, quoted(path) + " is damaged (" + verdict +
                                                  "). Restore it from a backup or a copy made with Save As.");
}

// The column names of every table of db (SQLite's own tables left out), in declaration order.
std::vector<std::pair<std::string, std::vector<std::string>>> tableColumns(const Database& db) {
    std::vector<std::pair<std::string, std::vector<std::string>>> tables;
    Statement names =
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    while (names.step())
        tables.push_back({names.text(0), {}});
    for (auto& [table, columns] : tables) {
        Statement info = db.prepare("SELECT name FROM pragma_table_info(?1)");
        info.bind(1, table);
        while (info.step())
            columns.push_back(info.text(0));
    }
    return tables;
}

// The columns this version's schema gives each table: every migration applied to an empty
// database in memory, read back once.
const std::vector<std::pair<std::string, std::vector<std::string>>>& expectedColumns() {
    static const auto columns = [] {
        Database db = Database::open(":memory:", Database::Mode::Create);
        migrate(db, schemaMigrations());
        return tableColumns(db);
    }();
    return columns;
}

// A workspace of the current format must have every column the readers and writers name: a
// table whose CREATE statement was damaged (a column renamed or dropped) passes quick_check
// and would fail only in the middle of a listing or a search.
void checkColumns(const Database& db, const fs::path& path) {
    const auto present = tableColumns(db);
    for (const auto& expected : expectedColumns()) {
        const std::string& table = expected.first; // named, not a structured binding: lambdas capture it
        const std::vector<std::string>& columns = expected.second;
        const auto found =
            std::find_if(present.begin(), present.end(), [&](const auto& t) { return t.first == table; });
        if (found == present.end())
            throw WorkspaceError(Reason::Corrupt, quoted(path) + " is damaged: its table '" + table +
                                                      "' is missing. Restore it from a backup or a copy made with "
                                                      "Save As.");
        for (const std::string& column : columns)
            if (std::find(found->second.begin(), found->second.end(), column) == found->second.end())
                throw WorkspaceError(Reason::Corrupt, quoted(path) + " is damaged: its table '" + table +
                                                          "' has no column '" + column +
                                                          "'. Restore it from a backup or a copy made with Save As.");
    }
}

// Read-only inspection: is this an intact workspace whose schema this version understands?
void probe(const fs::path& path) {
    checkIsSqliteFile(path);
    // Without a WAL file no one has the workspace open, and an immutable connection reads it
    // without creating the -wal / -shm files a read-only connection would leave behind.
    std::error_code ec;
    const bool inUse = fs::exists(fs::path(path.string() + "-wal"), ec);
    try {
        Database db = Database::open(path, inUse ? Database::Mode::ReadOnly : Database::Mode::Immutable);
        const auto applicationId = db.pragmaInt("application_id");
        const auto version = db.pragmaInt("user_version");
        checkIntact(db, path);
        if (applicationId != kApplicationId)
            throw WorkspaceError(Reason::NotWorkspace,
                                 quoted(path) + " is an SQLite database of another application, not a TransCODE "
                                                "workspace.");
        if (version > kSchemaVersion)
            throw WorkspaceError(Reason::NewerVersion,
                                 quoted(path) + " was written by a newer TransCODE Workbench (workspace format " +
                                     std::to_string(version) + "; this version reads formats up to " +
                                     std::to_string(kSchemaVersion) + "). Update the workbench to open it.");
        // The workspace's id without its tables: a creation that never finished (workspaces
        // are now built under a temporary name, but older files and hand-made ones exist).
        if (version <= 0)
            throw WorkspaceError(Reason::Corrupt, quoted(path) +
                                                      " has a workspace's id but no tables: its creation never "
                                                      "finished. Delete it and create the workspace again.");
        for (const char* table : {"properties", "designs", "evaluations", "training_runs", "searches", "trials"}) {
            Statement exists = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
            exists.bind(1, std::string(table));
            if (!exists.step() || exists.int64(0) == 0)
                throw WorkspaceError(Reason::Corrupt, quoted(path) + " is damaged: its table '" + table +
                                                          "' is missing. Restore it from a backup or a copy made "
                                                          "with Save As.");
        }
    } catch (const SqliteError& e) {
        throw fromSqlite(path, e);
    }
}

// Whether we may write path without trying to: permission bits (which root ignores, but a
// user who made a file read-only means it) and an actual open for update, which writes nothing.
void checkWritable(const fs::path& path) {
    std::error_code ec;
    const auto perms = fs::status(path, ec).permissions();
    const auto anyWrite = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
    bool writable = !ec && (perms & anyWrite) != fs::perms::none;
    if (writable) {
        std::FILE* f = std::fopen(path.string().c_str(), "r+b");
        writable = f != nullptr;
        if (f)
            std::fclose(f);
    }
    if (!writable)
        throw WorkspaceError(Reason::ReadOnly, quoted(path) +
                                                   " is read-only. Make it writable, or copy it to a writable folder "
                                                   "and open the copy.");
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const auto folderPerms = fs::status(folder, ec).permissions();
    if (ec || (folderPerms & anyWrite) == fs::perms::none)
        throw WorkspaceError(Reason::ReadOnly, "the folder of " + quoted(path) +
                                                   " is read-only; a workspace needs to write a journal next to "
                                                   "the file. Copy it to a writable folder and open the copy.");
}

void configure(Database& db) {
    db.exec("PRAGMA foreign_keys = ON");
    Statement wal = db.prepare("PRAGMA journal_mode = WAL");
    if (!wal.step() || wal.text(0) != "wal")
        throw SqliteError(SQLITE_CANTOPEN, "cannot switch to write-ahead logging");
    wal = Statement();
    // In WAL mode NORMAL is crash-safe (a power cut may lose the last commit, never corrupt).
    db.exec("PRAGMA synchronous = NORMAL");
}

void removeWithSidecars(const fs::path& path) {
    std::error_code ec;
    fs::remove(path, ec);
    fs::remove(fs::path(path.string() + "-wal"), ec);
    fs::remove(fs::path(path.string() + "-shm"), ec);
    fs::remove(fs::path(path.string() + "-journal"), ec);
}

// Column lists shared by the SELECTs and the readers below.
constexpr std::string_view kDesignColumns = "id, name, kind, spec_json, hash, created_at, target_kind";
constexpr std::string_view kEvaluationColumns =
    "id, design_id, cost_model, mode, options_json, cycles, latency_s, energy_dynamic_nj, energy_leakage_nj, "
    "area_mm2, peak_power_mw, accuracy, accuracy_source, feasible, infeasible_reason, breakdown_json, created_at, "
    "accuracy_stddev, accuracy_detail, provenance, metrics_stddev_fraction";

DesignRecord readDesign(const Statement& s, int c = 0) {
    DesignRecord d;
    d.id = s.int64(c);
    d.name = s.text(c + 1);
    d.kind = designKindFromName(s.text(c + 2)).value_or(DesignKind::Pair);
    d.specJson = s.text(c + 3);
    d.hash = s.text(c + 4);
    d.createdAt = s.text(c + 5);
    d.targetKind = s.text(c + 6);
    return d;
}

EvaluationRecord readEvaluation(const Statement& s, int c = 0) {
    EvaluationRecord e;
    e.id = s.int64(c);
    e.designId = s.int64(c + 1);
    e.costModel = s.text(c + 2);
    e.mode = s.text(c + 3);
    e.optionsJson = s.text(c + 4);
    e.cycles = s.optionalInt64(c + 5);
    e.latencySeconds = s.optionalReal(c + 6);
    e.energyDynamicNJ = s.optionalReal(c + 7);
    e.energyLeakageNJ = s.optionalReal(c + 8);
    e.areaMM2 = s.optionalReal(c + 9);
    e.peakPowerMW = s.optionalReal(c + 10);
    e.accuracy = s.optionalReal(c + 11);
    e.accuracySource = accuracySourceFromName(s.text(c + 12)).value_or(AccuracySource::None);
    e.feasible = s.int64(c + 13) != 0;
    e.infeasibleReason = s.text(c + 14);
    e.breakdownJson = s.text(c + 15);
    e.createdAt = s.text(c + 16);
    e.accuracyStdDev = s.optionalReal(c + 17);
    e.accuracyDetail = s.text(c + 18);
    e.provenance = metricsProvenanceFromName(s.text(c + 19)).value_or(MetricsProvenance::None);
    e.metricsStdDevFraction = s.optionalReal(c + 20);
    return e;
}

std::string orEmptyObject(const std::string& json) {
    return json.empty() ? "{}" : json;
}

std::int64_t countOf(const Database& db, std::string_view table) {
    Statement s = db.prepare("SELECT count(*) FROM " + std::string(table));
    return s.step() ? s.int64(0) : 0;
}

} // namespace

// ---- opening ---------------------------------------------------------------------------

Workspace Workspace::create(const fs::path& path) {
    std::error_code ec;
    if (fs::exists(path, ec) || fs::is_symlink(path, ec))
        throw WorkspaceError(Reason::AlreadyExists, quoted(path) + " already exists.");
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, ec))
        throw WorkspaceError(Reason::NotFound, "the folder " + quoted(folder) + " does not exist.");
    try {
        // Built under a temporary name and renamed into place once its tables exist: a kill
        // or a full disk in the first moments leaves no half-made file at path.
        io::createFileAtomically(path, {}, [](const fs::path& temporary) {
            Database db = Database::open(temporary, Database::Mode::Create);
            configure(db);
            {
                Transaction t(db);
                db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
                t.commit();
            }
            migrate(db, schemaMigrations());
        }); // closing the only connection folds the WAL into the file and removes it
        Database db = Database::open(path, Database::Mode::ReadWrite);
        configure(db);
        return Workspace(std::move(db));
    } catch (const SqliteError& e) {
        throw WorkspaceError(Reason::Io, "cannot create " + quoted(path) + ": " + e.what());
    } catch (const io::FileWriteError& e) {
        throw WorkspaceError(Reason::Io, std::string("cannot create the workspace: ") + e.what());
    }
}

Workspace Workspace::openReadOnly(const fs::path& path) {
    probe(path);
    std::error_code ec;
    const bool inUse = fs::exists(fs::path(path.string() + "-wal"), ec);
    try {
        {
            Database db = Database::open(path, inUse ? Database::Mode::ReadOnly : Database::Mode::Immutable);
            if (db.userVersion() >= kSchemaVersion) {
                checkColumns(db, path);
                return Workspace(std::move(db));
            }
        }
    } catch (const SqliteError& e) {
        throw fromSqlite(path, e);
    }
    return open(path); // an older format: reading it needs the migration, which writes
}

Workspace Workspace::open(const fs::path& path) {
    probe(path); // read-only: nothing is written before the file has been judged sound
    checkWritable(path);
    try {
        Database db = Database::open(path, Database::Mode::ReadWrite);
        if (db.isReadOnly())
            throw WorkspaceError(Reason::ReadOnly, quoted(path) + " can only be opened read-only.");
        // The probe's read-only check skipped the CHECK constraints (a value damaged in place,
        // such as an accuracy of 5, passes it): check again on this connection, which parses
        // them, before configure() or a migration writes anything.
        checkIntact(db, path);
        // A current-format file is checked before anything is written; an older one after
        // its migration (which rolls back when it fails).
        const bool current = db.userVersion() >= kSchemaVersion;
        if (current)
            checkColumns(db, path);
        configure(db);
        migrate(db, schemaMigrations());
        if (!current)
            checkColumns(db, path);
        return Workspace(std::move(db));
    } catch (const SqliteError& e) {
        throw fromSqlite(path, e);
    }
}

void Workspace::backup(const fs::path& source, const fs::path& target) {
    probe(source);
    std::error_code ec;
    if (fs::exists(target, ec) && fs::equivalent(source, target, ec))
        throw WorkspaceError(Reason::AlreadyExists, "cannot copy " + quoted(source) + " onto itself.");
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, ec))
        throw WorkspaceError(Reason::NotFound, "the folder " + quoted(folder) + " does not exist.");

    const fs::path temporary = fs::path(target.string() + ".partial");
    removeWithSidecars(temporary);
    try {
        {
            // Read-write when the file allows it: a read-only connection to a WAL database
            // cannot remove the -wal and -shm files it creates, which would stay beside the
            // user's workspace. Reading writes nothing; closing the last connection only
            // folds a leftover journal into the file.
            const bool writable = ::access(source.c_str(), W_OK) == 0;
            Database from = Database::open(source, writable ? Database::Mode::ReadWrite : Database::Mode::ReadOnly);
            Database to = Database::open(temporary, Database::Mode::Create);
            sqlite3_backup* copy = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
            if (!copy)
                to.check(sqlite3_errcode(to.handle()), "cannot start the copy");
            const int stepRc = sqlite3_backup_step(copy, -1); // all pages at once
            const int finishRc = sqlite3_backup_finish(copy);
            if (stepRc != SQLITE_DONE)
                to.check(stepRc == SQLITE_OK ? SQLITE_ERROR : stepRc, "copy failed");
            to.check(finishRc, "copy failed");
        }
        // A stale journal of an earlier file at target would be replayed into the copy.
        fs::remove(fs::path(target.string() + "-wal"), ec);
        fs::remove(fs::path(target.string() + "-shm"), ec);
        fs::rename(temporary, target);
    } catch (const SqliteError& e) {
        removeWithSidecars(temporary);
        throw WorkspaceError(Reason::Io, "cannot save a copy to " + quoted(target) + ": " + e.what());
    } catch (const fs::filesystem_error& e) {
        removeWithSidecars(temporary);
        throw WorkspaceError(Reason::Io, "cannot save a copy to " + quoted(target) + ": " + e.code().message());
    }
}

// ---- transactions ----------------------------------------------------------------------

void Workspace::transaction(const std::function<void()>& fn) {
    if (m_db.inTransaction()) {
        fn();
        return;
    }
    Transaction t(m_db);
    fn();
    t.commit();
}

CheckpointResult Workspace::checkpoint() {
    // FULL copies every frame and reports how many; TRUNCATE then empties the WAL file (and
    // reports zeros, hence two steps). Columns: blocked (0/1), frames in the log, frames copied.
    CheckpointResult result;
    {
        Statement full = m_db.prepare("PRAGMA wal_checkpoint(FULL)");
        if (full.step()) {
            result.complete = full.int64(0) == 0;
            result.framesCheckpointed = static_cast<int>(std::max<std::int64_t>(0, full.int64(2)));
        }
    }
    Statement truncate = m_db.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (truncate.step())
        result.complete = result.complete && truncate.int64(0) == 0;
    return result;
}

// ---- designs ---------------------------------------------------------------------------

std::int64_t Workspace::addDesign(const std::string& name, DesignKind kind, const std::string& specJson) {
    std::int64_t id = 0;
    transaction([&] {
        // The target's kind comes from the document itself (see DesignRecord::targetKind).
        Statement s = m_db.prepare(
            "INSERT INTO designs (name, kind, spec_json, hash, target_kind) VALUES (?1, ?2, ?3, ?4, CASE WHEN ?2 = "
            "'transformer' THEN '' ELSE coalesce(json_extract(?3, '$.target.kind'), 'elector') END)");
        s.bind(1, name).bind(2, designKindName(kind)).bind(3, specJson).bind(4, sha256Hex(specJson)).run();
        id = m_db.lastInsertRowId();
    });
    return id;
}

std::optional<std::int64_t> Workspace::findDesign(DesignKind kind, const std::string& specJson) const {
    Statement s =
        m_db.prepare("SELECT id FROM designs WHERE kind = ?1 AND hash = ?2 AND spec_json = ?3 ORDER BY id LIMIT 1");
    s.bind(1, designKindName(kind)).bind(2, sha256Hex(specJson)).bind(3, specJson);
    return s.step() ? std::optional<std::int64_t>(s.int64(0)) : std::nullopt;
}

std::optional<DesignRecord> Workspace::design(std::int64_t id) const {
    Statement s = m_db.prepare("SELECT " + std::string(kDesignColumns) + " FROM designs WHERE id = ?1");
    s.bind(1, id);
    return s.step() ? std::optional<DesignRecord>(readDesign(s)) : std::nullopt;
}

std::vector<DesignRecord> Workspace::designs() const {
    Statement s = m_db.prepare("SELECT " + std::string(kDesignColumns) + " FROM designs ORDER BY id");
    std::vector<DesignRecord> out;
    while (s.step())
        out.push_back(readDesign(s));
    return out;
}

bool Workspace::renameDesign(std::int64_t id, const std::string& name) {
    bool changed = false;
    transaction([&] {
        m_db.prepare("UPDATE designs SET name = ?1 WHERE id = ?2").bind(1, name).bind(2, id).run();
        changed = m_db.changes() > 0;
    });
    return changed;
}

bool Workspace::removeDesign(std::int64_t id) {
    bool removed = false;
    transaction([&] {
        m_db.prepare("DELETE FROM designs WHERE id = ?1").bind(1, id).run();
        removed = m_db.changes() > 0;
    });
    return removed;
}

std::vector<DesignSummary> Workspace::designSummaries(std::string_view mode) const {
    // The latest evaluation per design, found through the (design_id, mode, id) index.
    const std::string sql =
        "SELECT d.id, d.name, d.kind, '', d.hash, d.created_at, d.target_kind, e.id, e.design_id, e.cost_model, "
        "e.mode, e.options_json, e.cycles, e.latency_s, e.energy_dynamic_nj, e.energy_leakage_nj, e.area_mm2, "
        "e.peak_power_mw, e.accuracy, e.accuracy_source, e.feasible, e.infeasible_reason, e.breakdown_json, "
        "e.created_at, e.accuracy_stddev, e.accuracy_detail, e.provenance, e.metrics_stddev_fraction FROM designs d "
        "LEFT JOIN evaluations e ON e.id = (SELECT "
        "id FROM evaluations WHERE "
        "design_id = d.id AND mode = ?1 ORDER BY id DESC LIMIT 1) ORDER BY d.id";
    Statement s = m_db.prepare(sql);
    s.bind(1, mode);
    std::vector<DesignSummary> out;
    while (s.step()) {
        DesignSummary summary;
        summary.design = readDesign(s, 0);
        if (!s.isNull(7))
            summary.latest = readEvaluation(s, 7);
        out.push_back(std::move(summary));
    }
    return out;
}

// ---- evaluations -----------------------------------------------------------------------

std::int64_t Workspace::addEvaluation(const EvaluationRecord& e) {
    std::int64_t id = 0;
    transaction([&] {
        Statement s = m_db.prepare(
            "INSERT INTO evaluations (design_id, cost_model, mode, options_json, cycles, latency_s, "
            "energy_dynamic_nj, energy_leakage_nj, area_mm2, peak_power_mw, accuracy, accuracy_source, feasible, "
            "infeasible_reason, breakdown_json, accuracy_stddev, accuracy_detail, provenance, "
            "metrics_stddev_fraction) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
            "?17, ?18, ?19)");
        s.bind(1, e.designId).bind(2, e.costModel).bind(3, e.mode).bind(4, orEmptyObject(e.optionsJson));
        s.bind(5, e.cycles).bind(6, e.latencySeconds).bind(7, e.energyDynamicNJ).bind(8, e.energyLeakageNJ);
        s.bind(9, e.areaMM2).bind(10, e.peakPowerMW).bind(11, e.accuracy);
        if (e.accuracySource == AccuracySource::None)
            s.bindNull(12);
        else
            s.bind(12, accuracySourceName(e.accuracySource));
        s.bind(13, e.feasible ? 1 : 0).bind(14, e.infeasibleReason).bind(15, orEmptyObject(e.breakdownJson));
        s.bind(16, e.accuracyStdDev).bind(17, e.accuracyDetail);
        if (e.provenance == MetricsProvenance::None)
            s.bindNull(18);
        else
            s.bind(18, metricsProvenanceName(e.provenance));
        s.bind(19, e.metricsStdDevFraction);
        s.run();
        id = m_db.lastInsertRowId();
    });
    return id;
}

std::vector<EvaluationRecord> Workspace::evaluations(std::int64_t designId) const {
    Statement s = m_db.prepare("SELECT " + std::string(kEvaluationColumns) +
                               " FROM evaluations WHERE design_id = ?1 ORDER BY id");
    s.bind(1, designId);
    std::vector<EvaluationRecord> out;
    while (s.step())
        out.push_back(readEvaluation(s));
    return out;
}

// ---- training runs, searches, trials ---------------------------------------------------

std::int64_t Workspace::addTrainingRun(const TrainingRunRecord& r) {
    std::int64_t id = 0;
    transaction([&] {
        Statement s = m_db.prepare(
            "INSERT INTO training_runs (design_id, name, dataset, config_json, status, final_accuracy, curves_json, "
            "sparsity_profile_json, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        s.bind(1, r.designId).bind(2, r.name).bind(3, r.dataset).bind(4, orEmptyObject(r.configJson));
        s.bind(5, runStatusName(r.status)).bind(6, r.finalAccuracy).bind(7, orEmptyObject(r.curvesJson));
        s.bind(8, r.sparsityProfileJson).bind(9, r.finishedAt).run();
        id = m_db.lastInsertRowId();
    });
    return id;
}

std::vector<TrainingRunRecord> Workspace::trainingRuns() const {
    Statement s = m_db.prepare("SELECT id, design_id, name, dataset, config_json, status, final_accuracy, "
                               "curves_json, sparsity_profile_json, created_at, finished_at FROM training_runs "
                               "ORDER BY id");
    std::vector<TrainingRunRecord> out;
    while (s.step()) {
        TrainingRunRecord r;
        r.id = s.int64(0);
        r.designId = s.int64(1);
        r.name = s.text(2);
        r.dataset = s.text(3);
        r.configJson = s.text(4);
        r.status = runStatusFromName(s.text(5)).value_or(RunStatus::Pending);
        r.finalAccuracy = s.optionalReal(6);
        r.curvesJson = s.text(7);
        r.sparsityProfileJson = s.text(8);
        r.createdAt = s.text(9);
        r.finishedAt = s.text(10);
        out.push_back(std::move(r));
    }
    return out;
}

std::int64_t Workspace::addSearch(const SearchRecord& r) {
    std::int64_t id = 0;
    transaction([&] {
        Statement s = m_db.prepare("INSERT INTO searches (name, algorithm, config_json, seed, status, finished_at, "
                                   "state_json, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        s.bind(1, r.name).bind(2, r.algorithm).bind(3, orEmptyObject(r.configJson)).bind(4, r.seed);
        s.bind(5, runStatusName(r.status)).bind(6, r.finishedAt).bind(7, orEmptyObject(r.stateJson));
        s.bind(8, r.updatedAt).run();
        id = m_db.lastInsertRowId();
    });
    return id;
}

namespace {
constexpr std::string_view kSearchColumns =
    "id, name, algorithm, config_json, seed, status, created_at, finished_at, state_json, updated_at";

SearchRecord readSearch(const Statement& s) {
    SearchRecord r;
    r.id = s.int64(0);
    r.name = s.text(1);
    r.algorithm = s.text(2);
    r.configJson = s.text(3);
    r.seed = s.int64(4);
    r.status = runStatusFromName(s.text(5)).value_or(RunStatus::Pending);
    r.createdAt = s.text(6);
    r.finishedAt = s.text(7);
    r.stateJson = s.text(8);
    r.updatedAt = s.text(9);
    return r;
}
} // namespace

std::vector<SearchRecord> Workspace::searches() const {
    Statement s = m_db.prepare("SELECT " + std::string(kSearchColumns) + " FROM searches ORDER BY id");
    std::vector<SearchRecord> out;
    while (s.step())
        out.push_back(readSearch(s));
    return out;
}

std::optional<SearchRecord> Workspace::search(std::int64_t id) const {
    Statement s = m_db.prepare("SELECT " + std::string(kSearchColumns) + " FROM searches WHERE id = ?1");
    s.bind(1, id);
    return s.step() ? std::optional<SearchRecord>(readSearch(s)) : std::nullopt;
}

bool Workspace::updateSearch(std::int64_t id, RunStatus status, const std::string& stateJson) {
    bool changed = false;
    transaction([&] {
        const bool ended =
            status == RunStatus::Finished || status == RunStatus::Failed || status == RunStatus::Cancelled;
        Statement s = m_db.prepare(
            "UPDATE searches SET status = ?1, state_json = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
            "finished_at = CASE WHEN ?3 THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE '' END WHERE id = ?4");
        s.bind(1, runStatusName(status)).bind(2, orEmptyObject(stateJson)).bind(3, ended ? 1 : 0).bind(4, id).run();
        changed = m_db.changes() > 0;
    });
    return changed;
}

std::int64_t Workspace::addTrial(const TrialRecord& r) {
    std::int64_t id = 0;
    transaction([&] {
        Statement s =
            m_db.prepare("INSERT INTO trials (search_id, iteration, design_id, evaluation_id, "
                         "encoding_json, prediction_json, position, objectives_json, hypervolume) VALUES (?1, "
                         "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        s.bind(1, r.searchId).bind(2, r.iteration).bind(3, r.designId).bind(4, r.evaluationId);
        s.bind(5, r.encodingJson.empty() ? std::string("[]") : r.encodingJson);
        s.bind(6, orEmptyObject(r.predictionJson)).bind(7, r.position);
        s.bind(8, r.objectivesJson.empty() ? std::string("[]") : r.objectivesJson).bind(9, r.hypervolume).run();
        id = m_db.lastInsertRowId();
    });
    return id;
}

std::vector<TrialRecord> Workspace::trials(std::int64_t searchId) const {
    Statement s = m_db.prepare("SELECT id, search_id, iteration, design_id, evaluation_id, encoding_json, "
                               "prediction_json, created_at, position, objectives_json, hypervolume FROM trials WHERE "
                               "search_id = ?1 ORDER BY iteration, position, id");
    s.bind(1, searchId);
    std::vector<TrialRecord> out;
    while (s.step()) {
        TrialRecord r;
        r.id = s.int64(0);
        r.searchId = s.int64(1);
        r.iteration = static_cast<int>(s.int64(2));
        r.designId = s.optionalInt64(3);
        r.evaluationId = s.optionalInt64(4);
        r.encodingJson = s.text(5);
        r.predictionJson = s.text(6);
        r.createdAt = s.text(7);
        r.position = s.optionalInt64(8);
        r.objectivesJson = s.text(9);
        r.hypervolume = s.optionalReal(10);
        out.push_back(std::move(r));
    }
    return out;
}

bool Workspace::setTrialHypervolume(std::int64_t searchId, std::int64_t position, double hypervolume) {
    bool changed = false;
    transaction([&] {
        m_db.prepare("UPDATE trials SET hypervolume = ?1 WHERE search_id = ?2 AND position = ?3")
            .bind(1, hypervolume)
            .bind(2, searchId)
            .bind(3, position)
            .run();
        changed = m_db.changes() > 0;
    });
    return changed;
}

std::int64_t Workspace::moveTrialsToEvaluation(std::int64_t fromEvaluationId, std::int64_t toEvaluationId) {
    std::int64_t moved = 0;
    transaction([&] {
        m_db.prepare("UPDATE trials SET evaluation_id = ?1 WHERE evaluation_id = ?2")
            .bind(1, toEvaluationId)
            .bind(2, fromEvaluationId)
            .run();
        moved = m_db.changes();
    });
    return moved;
}

std::vector<std::int64_t> Workspace::searchDesignIds(std::int64_t searchId) const {
    Statement s = m_db.prepare(
        "SELECT DISTINCT design_id FROM trials WHERE search_id = ?1 AND design_id IS NOT NULL ORDER BY design_id");
    s.bind(1, searchId);
    std::vector<std::int64_t> out;
    while (s.step())
        out.push_back(s.int64(0));
    return out;
}

std::optional<EvaluationRecord> Workspace::evaluation(std::int64_t id) const {
    Statement s = m_db.prepare("SELECT " + std::string(kEvaluationColumns) + " FROM evaluations WHERE id = ?1");
    s.bind(1, id);
    return s.step() ? std::optional<EvaluationRecord>(readEvaluation(s)) : std::nullopt;
}

WorkspaceCounts Workspace::counts() const {
    WorkspaceCounts c;
    c.designs = countOf(m_db, "designs");
    c.evaluations = countOf(m_db, "evaluations");
    c.trainingRuns = countOf(m_db, "training_runs");
    c.searches = countOf(m_db, "searches");
    c.trials = countOf(m_db, "trials");
    return c;
}

std::optional<std::string> Workspace::property(const std::string& key) const {
    Statement s = m_db.prepare("SELECT value FROM properties WHERE key = ?1");
    s.bind(1, key);
    return s.step() ? std::optional<std::string>(s.text(0)) : std::nullopt;
}

void Workspace::setProperty(const std::string& key, const std::string& value) {
    transaction([&] {
        m_db.prepare("INSERT INTO properties (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
                     "excluded.value")
            .bind(1, key)
            .bind(2, value)
            .run();
    });
}

} // namespace tcw::store
