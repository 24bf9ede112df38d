// A workspace: one SQLite file (.tcw) holding designs, evaluations, training runs, searches
// and their trials. Opening checks the file read-only first and refuses, leaving the file
// untouched, anything that is not an intact workspace this version can write. Every write is
// one transaction; the file is in WAL mode with foreign keys on. One writer at a time.
#pragma once

#include "records.h"
#include "sqlite.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tcw::store {

// Why a workspace could not be created, opened or copied. The message names the file and
// says what to do.
class WorkspaceError : public std::runtime_error {
public:
    enum class Reason {
        NotFound,      // no such file
        AlreadyExists, // create() on an existing file
        NotSqlite,     // not an SQLite database at all (or empty)
        NotWorkspace,  // an SQLite database of some other application
        Corrupt,       // damaged pages or header
        NewerVersion,  // written by a newer workbench (schema version above kSchemaVersion)
        ReadOnly,      // the file or its folder cannot be written
        Io,            // anything else the operating system or SQLite refused
    };
    WorkspaceError(Reason reason, const std::string& message) : std::runtime_error(message), m_reason(reason) {}
    Reason reason() const { return m_reason; }

private:
    Reason m_reason;
};

struct CheckpointResult {
    bool complete = true;       // every WAL frame is now in the database file
    int framesCheckpointed = 0; // WAL frames copied into the database file
};

class Workspace {
public:
    // A new, empty workspace at path (the file must not exist; its folder must), built under a
    // temporary name and renamed into place, so an interrupted creation leaves nothing.
    static Workspace create(const std::filesystem::path& path);

    // Opens an existing workspace for reading and writing, migrating an older schema. Throws
    // WorkspaceError, with the file byte-for-byte unchanged, when it is not an intact
    // workspace, is newer than kSchemaVersion, or cannot be written.
    static Workspace open(const std::filesystem::path& path);

    // Opens an intact workspace for reading only (the same checks as open()); nothing is
    // written, the file is not switched to WAL. A workspace of an older format is opened with
    // open(), since reading it needs the migration.
    static Workspace openReadOnly(const std::filesystem::path& path);

    // Copies the workspace at source to target with the SQLite backup API, through a
    // temporary file renamed into place, so target is either the old file or a complete
    // copy. target may exist (it is replaced) but must not be open elsewhere.
    static void backup(const std::filesystem::path& source, const std::filesystem::path& target);

    Workspace(Workspace&&) noexcept = default;
    Workspace& operator=(Workspace&&) noexcept = default;
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;
    ~Workspace() = default;

    const std::filesystem::path& path() const { return m_db.path(); }
    int schemaVersion() const { return m_db.userVersion(); }

    // Runs fn in one transaction (or in the caller's, when one is open): all of its writes
    // land, or, when it throws, none do.
    void transaction(const std::function<void()>& fn);

    // Writes the WAL into the database file and truncates it: afterwards the .tcw file alone
    // holds everything (what "Save" means for a workspace that never holds unsaved data).
    CheckpointResult checkpoint();

    // ---- designs ----
    // Adds a design; the hash is computed here. Returns its id.
    std::int64_t addDesign(const std::string& name, DesignKind kind, const std::string& specJson);
    // The id of a stored design of this kind with exactly this spec text, if any.
    std::optional<std::int64_t> findDesign(DesignKind kind, const std::string& specJson) const;
    std::optional<DesignRecord> design(std::int64_t id) const;
    std::vector<DesignRecord> designs() const; // in id order, specJson included
    bool renameDesign(std::int64_t id, const std::string& name);
    bool removeDesign(std::int64_t id); // with its evaluations and training runs

    // Every design (specJson left empty: fetch it with design(id)) with its latest evaluation
    // in mode ("inference" or "training"), in id order.
    std::vector<DesignSummary> designSummaries(std::string_view mode) const;

    // ---- evaluations, training runs, searches, trials (id and createdAt are assigned) ----
    std::int64_t addEvaluation(const EvaluationRecord& evaluation);
    std::vector<EvaluationRecord> evaluations(std::int64_t designId) const; // oldest first

    std::int64_t addTrainingRun(const TrainingRunRecord& run);
    std::vector<TrainingRunRecord> trainingRuns() const;

    std::optional<EvaluationRecord> evaluation(std::int64_t id) const;

    std::int64_t addSearch(const SearchRecord& search);
    std::vector<SearchRecord> searches() const;
    std::optional<SearchRecord> search(std::int64_t id) const;
    // Sets a search's status and state (and finishedAt when the status ends it). False when
    // there is no such search.
    bool updateSearch(std::int64_t id, RunStatus status, const std::string& stateJson);

    std::int64_t addTrial(const TrialRecord& trial);
    std::vector<TrialRecord> trials(std::int64_t searchId) const; // by iteration, then position, then id
    // Sets the hypervolume of the search's trial at this position (one committed ahead of an
    // earlier position gets it once the gap closes). False when there is no such trial.
    bool setTrialHypervolume(std::int64_t searchId, std::int64_t position, double hypervolume);
    // Points the trials that hold evaluation `from` at evaluation `to` (a re-costing of the same
    // design: codesign/resimulation.h); how many moved.
    std::int64_t moveTrialsToEvaluation(std::int64_t fromEvaluationId, std::int64_t toEvaluationId);
    // The designs a search's trials hold (distinct, ascending): the explorer's "search:N" filter.
    std::vector<std::int64_t> searchDesignIds(std::int64_t searchId) const;

    WorkspaceCounts counts() const;

    // Free-form key/value metadata (e.g. a description, the workbench version that wrote it).
    std::optional<std::string> property(const std::string& key) const;
    void setProperty(const std::string& key, const std::string& value);

    // The connection, for modules that add their own tables through a migration.
    Database& database() { return m_db; }

private:
    explicit Workspace(Database db) : m_db(std::move(db)) {}
    Database m_db;
};

} // namespace tcw::store
