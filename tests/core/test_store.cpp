// The workspace store: create / open / reopen, migrations, refusal of bad files without
// touching them, transactions, backup copies, the content hash.
#include "store/schema.h"
#include "store/sha256.h"
#include "store/workspace.h"

#include <QtTest>
#include <sqlite3.h>

#include <filesystem>

using namespace tcw::store;
namespace fs = std::filesystem;

namespace {
QByteArray readBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

fs::path toPath(const QString& path) {
    return fs::path(path.toStdString());
}

const std::string kModelJson = R"({"schemaVersion":1,"kind":"transformer","layers":[{"hiddenSize":128}]})";
const std::string kAcceleratorJson = R"({"schemaVersion":1,"kind":"accelerator","peCount":64})";

EvaluationRecord evaluation(std::int64_t designId, const std::string& mode, double latency) {
    EvaluationRecord e;
    e.designId = designId;
    e.mode = mode;
    e.cycles = 1000;
    e.latencySeconds = latency;
    e.energyDynamicNJ = 10.5;
    e.energyLeakageNJ = 2.25;
    e.areaMM2 = 120;
    e.peakPowerMW = 900;
    e.accuracy = 0.81;
    e.accuracySource = AccuracySource::Predicted;
    e.breakdownJson = R"({"mac_lanes":1.5})";
    return e;
}

// A workspace with a few rows in every table, closed again.
void makeWorkspace(const QString& path, int designs = 3) {
    Workspace ws = Workspace::create(toPath(path));
    ws.transaction([&] {
        for (int i = 0; i < designs; ++i) {
            const auto id = ws.addDesign("model " + std::to_string(i), DesignKind::Transformer,
                                         R"({"layers":)" + std::to_string(i) + "}");
            ws.addEvaluation(evaluation(id, "inference", 1e-3 * (i + 1)));
        }
    });
}
} // namespace

class TestStore : public QObject {
    Q_OBJECT

private slots:
    void sha256_data();
    void sha256();
    void createOpenReopen();
    void createRefusesExistingFile();
    void designSummariesTakeLatestEvaluationPerMode();
    void removeDesignCascades();
    void trainingRunsSearchesTrials();
    void migrationsFromFreshFile();
    void migrationAddsVersion();
    void failedMigrationRollsBack();
    void migrationNumberingChecked();
    void badFilesStayUntouched_data();
    void badFilesStayUntouched();
    void transactionRollsBackOnException();
    void transactionRollsBackOnConstraintViolation();
    void raiiTransactionRollsBackWithoutCommit();
    void checkpointEmptiesTheWal();
    void openingABusyWorkspaceWaitsForNothing();
    void backupCopiesEverything();
    void backupLeavesNoJournalBesideTheSource();
    void backupRefusesItself();
    void v1WorkspaceMigratesToV2();
    void previousVersionWorkspaceMigrates();
    void targetKindAndProvenanceStored();
    void searchStateTrialPositionsAccuracyUncertainty();
};

void TestStore::sha256_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");
    // FIPS 180-4 examples, plus lengths around the padding boundary (55, 56, 64 bytes).
    QTest::newRow("empty") << QByteArray() << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    QTest::newRow("abc") << QByteArray("abc") << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    QTest::newRow("448 bits") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                              << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    QTest::newRow("55 a") << QByteArray(55, 'a') << "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318";
    QTest::newRow("56 a") << QByteArray(56, 'a') << "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a";
    QTest::newRow("64 a") << QByteArray(64, 'a') << "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb";
    QTest::newRow("million a") << QByteArray(1000000, 'a')
                               << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
}

void TestStore::sha256() {
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(sha256Hex(std::string_view(input.constData(), input.size()))), expected);
}

void TestStore::createOpenReopen() {
    QTemporaryDir dir;
    const QString path = dir.filePath("a.tcw");
    std::int64_t modelId = 0;
    EvaluationRecord stored;
    {
        Workspace ws = Workspace::create(toPath(path));
        QCOMPARE(ws.schemaVersion(), kSchemaVersion);
        QCOMPARE(ws.database().pragmaInt("application_id"), std::int64_t(kApplicationId));
        QCOMPARE(ws.database().pragmaInt("foreign_keys"), std::int64_t(1));
        QCOMPARE(ws.counts(), WorkspaceCounts{});
        modelId = ws.addDesign("BERT-Tiny", DesignKind::Transformer, kModelJson);
        ws.addDesign("edge", DesignKind::Accelerator, kAcceleratorJson);
        stored = evaluation(modelId, "inference", 0.002);
        stored.id = ws.addEvaluation(stored);
        ws.setProperty("description", "first");
        ws.setProperty("description", "second");
    }
    Workspace ws = Workspace::open(toPath(path));
    QCOMPARE(ws.schemaVersion(), kSchemaVersion);
    {
        Statement mode = ws.database().prepare("PRAGMA journal_mode");
        QVERIFY(mode.step());
        QCOMPARE(QString::fromStdString(mode.text(0)), QStringLiteral("wal"));
    }

    const auto designs = ws.designs();
    QCOMPARE(designs.size(), std::size_t(2));
    QCOMPARE(designs[0].id, modelId);
    QCOMPARE(designs[0].name, std::string("BERT-Tiny"));
    QCOMPARE(designs[0].kind, DesignKind::Transformer);
    QCOMPARE(designs[0].specJson, kModelJson);
    QCOMPARE(designs[0].hash, sha256Hex(kModelJson));
    QVERIFY(QString::fromStdString(designs[0].createdAt).contains('T'));
    QCOMPARE(designs[1].kind, DesignKind::Accelerator);
    QCOMPARE(ws.findDesign(DesignKind::Accelerator, kAcceleratorJson), std::optional<std::int64_t>(designs[1].id));
    QVERIFY(!ws.findDesign(DesignKind::Transformer, kAcceleratorJson));

    const auto evaluations = ws.evaluations(modelId);
    QCOMPARE(evaluations.size(), std::size_t(1));
    stored.createdAt = evaluations[0].createdAt;
    QCOMPARE(evaluations[0], stored);
    QCOMPARE(*evaluations[0].energyTotalNJ(), 12.75);
    QCOMPARE(ws.property("description"), std::optional<std::string>("second"));
    QVERIFY(!ws.property("missing"));
    QVERIFY(ws.renameDesign(modelId, "renamed"));
    QCOMPARE(ws.design(modelId)->name, std::string("renamed"));
    QVERIFY(!ws.renameDesign(9999, "nobody"));
}

void TestStore::createRefusesExistingFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath("exists.tcw");
    writeBytes(path, "keep me");
    try {
        Workspace::create(toPath(path));
        QFAIL("create() overwrote an existing file");
    } catch (const WorkspaceError& e) {
        QCOMPARE(e.reason(), WorkspaceError::Reason::AlreadyExists);
    }
    QCOMPARE(readBytes(path), QByteArray("keep me"));
    QVERIFY_THROWS_EXCEPTION(WorkspaceError, Workspace::create(toPath(dir.filePath("no/such/folder/x.tcw"))));
}

void TestStore::designSummariesTakeLatestEvaluationPerMode() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("s.tcw")));
    const auto a = ws.addDesign("a", DesignKind::Pair, R"({"a":1})");
    const auto b = ws.addDesign("b", DesignKind::Pair, R"({"b":1})");
    ws.addEvaluation(evaluation(a, "inference", 1.0));
    ws.addEvaluation(evaluation(a, "inference", 2.0)); // newer: this one is shown
    ws.addEvaluation(evaluation(a, "training", 30.0));

    const auto inference = ws.designSummaries("inference");
    QCOMPARE(inference.size(), std::size_t(2));
    QCOMPARE(inference[0].design.id, a);
    QVERIFY(inference[0].design.specJson.empty()); // summaries leave the spec text out
    QVERIFY(inference[0].latest);
    QCOMPARE(*inference[0].latest->latencySeconds, 2.0);
    QCOMPARE(inference[1].design.id, b);
    QVERIFY(!inference[1].latest);

    const auto training = ws.designSummaries("training");
    QCOMPARE(*training[0].latest->latencySeconds, 30.0);
    QCOMPARE(training[0].latest->mode, std::string("training"));
}

void TestStore::removeDesignCascades() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("c.tcw")));
    const auto a = ws.addDesign("a", DesignKind::Transformer, kModelJson);
    ws.addEvaluation(evaluation(a, "inference", 1.0));
    TrainingRunRecord run;
    run.designId = a;
    run.name = "run";
    run.dataset = "fashion-mnist";
    ws.addTrainingRun(run);
    QVERIFY(ws.removeDesign(a));
    QVERIFY(!ws.removeDesign(a));
    QCOMPARE(ws.counts(), WorkspaceCounts{});
}

void TestStore::trainingRunsSearchesTrials() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("t.tcw")));
    const auto model = ws.addDesign("m", DesignKind::Transformer, kModelJson);

    TrainingRunRecord run;
    run.designId = model;
    run.name = "DynaProp τ=0.01";
    run.dataset = "sst2";
    run.status = RunStatus::Finished;
    run.finalAccuracy = 0.9;
    run.finishedAt = "2024-01-01T00:00:00Z";
    run.id = ws.addTrainingRun(run);
    auto runs = ws.trainingRuns();
    QCOMPARE(runs.size(), std::size_t(1));
    run.createdAt = runs[0].createdAt;
    QCOMPARE(runs[0], run);

    SearchRecord search;
    search.name = "boshcode";
    search.algorithm = "boshcode";
    search.seed = 42;
    search.status = RunStatus::Running;
    search.id = ws.addSearch(search);
    auto searches = ws.searches();
    search.createdAt = searches.at(0).createdAt;
    QCOMPARE(searches.at(0), search);

    TrialRecord trial;
    trial.searchId = search.id;
    trial.iteration = 3;
    trial.designId = model;
    trial.encodingJson = "[1,2,3]";
    trial.id = ws.addTrial(trial);
    auto trials = ws.trials(search.id);
    trial.createdAt = trials.at(0).createdAt;
    QCOMPARE(trials.at(0), trial);
    QCOMPARE(ws.counts().trials, std::int64_t(1));
}

void TestStore::migrationsFromFreshFile() {
    // A plain SQLite file at version 0 is brought to the current schema by migrate().
    QTemporaryDir dir;
    Database db = Database::open(toPath(dir.filePath("plain.db")), Database::Mode::Create);
    QCOMPARE(db.userVersion(), 0);
    migrate(db, schemaMigrations());
    QCOMPARE(db.userVersion(), kSchemaVersion);
    Statement tables = db.prepare("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE "
                                  "type = 'table' ORDER BY name)");
    QVERIFY(tables.step());
    QCOMPARE(
        QString::fromStdString(tables.text(0)),
        QStringLiteral(
            "designs,device_profiles,device_rows,evaluations,properties,run_lineage,searches,training_runs,trials"));
    tables = Statement();
    migrate(db, schemaMigrations()); // nothing left to do: no error, same version
    QCOMPARE(db.userVersion(), kSchemaVersion);
}

void TestStore::migrationAddsVersion() {
    QTemporaryDir dir;
    const QString path = dir.filePath("m.tcw");
    makeWorkspace(path);
    Workspace ws = Workspace::open(toPath(path));
    auto steps = schemaMigrations();
    steps.push_back({kSchemaVersion + 1, "test: trials gain a wall time",
                     [](Database& db) { db.exec("ALTER TABLE trials ADD COLUMN wall_time_s REAL"); }});
    migrate(ws.database(), steps);
    QCOMPARE(ws.schemaVersion(), kSchemaVersion + 1);
    Statement s = ws.database().prepare("SELECT count(*) FROM pragma_table_info('trials') WHERE name = 'wall_time_s'");
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), std::int64_t(1));
    QCOMPARE(ws.counts().designs, std::int64_t(3)); // the data came along
}

void TestStore::failedMigrationRollsBack() {
    QTemporaryDir dir;
    const QString path = dir.filePath("f.tcw");
    makeWorkspace(path);
    Workspace ws = Workspace::open(toPath(path));
    auto steps = schemaMigrations();
    steps.push_back({kSchemaVersion + 1, "test: good step", [](Database& db) { db.exec("CREATE TABLE extra (x)"); }});
    steps.push_back({kSchemaVersion + 2, "test: broken step",
                     [](Database& db) { db.exec("ALTER TABLE no_such_table ADD COLUMN y"); }});
    try {
        migrate(ws.database(), steps);
        QFAIL("a broken migration succeeded");
    } catch (const SqliteError& e) {
        QVERIFY2(QString(e.what()).contains("broken step"), e.what());
    }
    QCOMPARE(ws.schemaVersion(), kSchemaVersion);
    Statement s = ws.database().prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'");
    QVERIFY(s.step());
    QCOMPARE(s.int64(0), std::int64_t(0)); // the good step of the same run was rolled back too
    QVERIFY(!ws.database().inTransaction());
}

void TestStore::migrationNumberingChecked() {
    QTemporaryDir dir;
    Database db = Database::open(toPath(dir.filePath("n.db")), Database::Mode::Create);
    const std::vector<Migration> gap = {{1, "one", [](Database&) {}}, {3, "three", [](Database&) {}}};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, migrate(db, gap));
    QCOMPARE(db.userVersion(), 0);
}

void TestStore::badFilesStayUntouched_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("reason");
    using R = WorkspaceError::Reason;
    QTest::newRow("missing") << "missing" << int(R::NotFound);
    QTest::newRow("empty") << "empty" << int(R::NotSqlite);
    QTest::newRow("text file") << "text" << int(R::NotSqlite);
    QTest::newRow("truncated header") << "truncated" << int(R::NotSqlite);
    QTest::newRow("damaged pages") << "corrupt" << int(R::Corrupt);
    QTest::newRow("damaged header") << "corrupt-header" << int(R::Corrupt);
    QTest::newRow("other application") << "foreign" << int(R::NotWorkspace);
    QTest::newRow("newer version") << "newer" << int(R::NewerVersion);
    QTest::newRow("read-only file") << "readonly" << int(R::ReadOnly);
}

void TestStore::badFilesStayUntouched() {
    QFETCH(QString, kind);
    QFETCH(int, reason);
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.tcw");
    const QString good = dir.filePath("good.tcw");
    makeWorkspace(good, 200); // enough rows for several pages

    if (kind == "empty") {
        writeBytes(path, {});
    } else if (kind == "text") {
        writeBytes(path, QByteArray("name,latency\nbert,1.0\n").repeated(20));
    } else if (kind == "truncated") {
        writeBytes(path, readBytes(good).left(60));
    } else if (kind == "corrupt") {
        QByteArray bytes = readBytes(good);
        QVERIFY(bytes.size() > 4 * 4096);
        for (qsizetype i = 4096; i < bytes.size() - 4096; ++i)
            bytes[i] = char(0xA5 ^ (i * 31));
        writeBytes(path, bytes);
    } else if (kind == "corrupt-header") {
        QByteArray bytes = readBytes(good);
        for (int i = 16; i < 100; ++i) // page size, file format numbers, counters: all nonsense
            bytes[i] = char(0xFF);
        writeBytes(path, bytes);
    } else if (kind == "foreign") {
        Database db = Database::open(toPath(path), Database::Mode::Create);
        db.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)");
    } else if (kind == "newer") {
        QVERIFY(QFile::copy(good, path));
        Database db = Database::open(toPath(path), Database::Mode::ReadWrite);
        db.setUserVersion(kSchemaVersion + 7);
    } else if (kind == "readonly") {
        QVERIFY(QFile::copy(good, path));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    }

    const QByteArray before = readBytes(path);
    const auto modifiedBefore = QFileInfo(path).lastModified();
    try {
        Workspace::open(toPath(path));
        QFAIL("a bad file was opened");
    } catch (const WorkspaceError& e) {
        QCOMPARE(int(e.reason()), reason);
        QVERIFY2(QString(e.what()).contains("bad.tcw"), e.what()); // the message names the file
    }
    QCOMPARE(readBytes(path), before);
    QCOMPARE(QFileInfo(path).lastModified(), modifiedBefore);
    QCOMPARE(QFileInfo::exists(path), kind != "missing");
    QVERIFY(!QFileInfo::exists(path + "-wal"));
    QVERIFY(!QFileInfo::exists(path + "-journal"));
}

void TestStore::transactionRollsBackOnException() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("r.tcw")));
    ws.addDesign("kept", DesignKind::Transformer, kModelJson);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, ws.transaction([&] {
        ws.addDesign("lost 1", DesignKind::Transformer, R"({"x":1})");
        ws.addDesign("lost 2", DesignKind::Transformer, R"({"x":2})");
        throw std::runtime_error("user cancelled");
    }));
    QCOMPARE(ws.counts().designs, std::int64_t(1));
    QVERIFY(!ws.database().inTransaction());
    ws.addDesign("after", DesignKind::Transformer, R"({"x":3})"); // the connection is still usable
    QCOMPARE(ws.counts().designs, std::int64_t(2));
}

void TestStore::transactionRollsBackOnConstraintViolation() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("v.tcw")));
    // A foreign key to nowhere is refused.
    QVERIFY_THROWS_EXCEPTION(SqliteError, ws.addEvaluation(evaluation(12345, "inference", 1.0)));
    // A batch whose second write breaks a CHECK leaves no trace of its first.
    auto badAccuracy = evaluation(0, "inference", 1.0);
    badAccuracy.accuracy = 1.5;
    QVERIFY_THROWS_EXCEPTION(SqliteError, ws.transaction([&] {
        badAccuracy.designId = ws.addDesign("a", DesignKind::Transformer, kModelJson);
        ws.addEvaluation(badAccuracy);
    }));
    QCOMPARE(ws.counts(), WorkspaceCounts{});
    // Text that is not JSON is refused as a spec.
    QVERIFY_THROWS_EXCEPTION(SqliteError, ws.addDesign("b", DesignKind::Transformer, "not json"));
    QCOMPARE(ws.counts().designs, std::int64_t(0));
}

void TestStore::raiiTransactionRollsBackWithoutCommit() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("raii.tcw")));
    {
        Transaction t(ws.database());
        ws.addDesign("uncommitted", DesignKind::Transformer, kModelJson); // joins t
        QVERIFY(ws.database().inTransaction());
    }
    QCOMPARE(ws.counts().designs, std::int64_t(0));
    {
        Transaction t(ws.database());
        ws.addDesign("committed", DesignKind::Transformer, kModelJson);
        t.commit();
    }
    QCOMPARE(ws.counts().designs, std::int64_t(1));
}

void TestStore::checkpointEmptiesTheWal() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w.tcw");
    Workspace ws = Workspace::create(toPath(path));
    for (int i = 0; i < 20; ++i)
        ws.addDesign("d" + std::to_string(i), DesignKind::Transformer, R"({"i":)" + std::to_string(i) + "}");
    QVERIFY(QFileInfo(path + "-wal").size() > 0);
    const CheckpointResult result = ws.checkpoint();
    QVERIFY(result.complete);
    QVERIFY(result.framesCheckpointed > 0);
    QCOMPARE(QFileInfo(path + "-wal").size(), qint64(0));
    // The main file alone now holds the data: a copy of just it opens with every design.
    const QString copy = dir.filePath("copy.tcw");
    QVERIFY(QFile::copy(path, copy));
    QCOMPARE(Workspace::open(toPath(copy)).counts().designs, std::int64_t(20));
}

// A search in another process holds the write lock while it commits a trial. Opening the
// workspace (to resume, list or plot) writes nothing and must not wait for that lock: it did
// (the migration check took it), so a loaded machine's open failed with "database is locked".
// A write that cannot get the lock within the busy timeout says who to wait for.
void TestStore::openingABusyWorkspaceWaitsForNothing() {
    QTemporaryDir dir;
    const auto path = toPath(dir.filePath("busy.tcw"));
    Workspace::create(toPath(dir.filePath("busy.tcw")));
    Database writer = Database::open(path, Database::Mode::ReadWrite);
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("INSERT INTO properties (key, value) VALUES ('held', 'by another process')");
    QElapsedTimer timer;
    timer.start();
    Workspace reader = Workspace::open(path);
    QVERIFY2(timer.elapsed() < 1500, "opening waited for the other writer's lock");
    QVERIFY(!reader.property("held")); // the other's transaction is not committed
    try {
        reader.setProperty("mine", "1");
        QFAIL("a write went through while another connection held the write lock");
    } catch (const SqliteError& e) {
        QCOMPARE(e.code(), SQLITE_BUSY);
    }
    writer.exec("COMMIT");
    QCOMPARE(reader.property("held"), std::optional<std::string>("by another process"));
    reader.setProperty("mine", "1"); // the lock is free again
}

void TestStore::backupCopiesEverything() {
    QTemporaryDir dir;
    const QString path = dir.filePath("src.tcw");
    const QString target = dir.filePath("dst.tcw");
    Workspace ws = Workspace::create(toPath(path));
    const auto id = ws.addDesign("x", DesignKind::Pair, kModelJson);
    ws.addEvaluation(evaluation(id, "training", 4.0)); // still in the WAL: the copy must see it

    writeBytes(target, "an older file that is replaced");
    Workspace::backup(toPath(path), toPath(target));
    QVERIFY(!QFileInfo::exists(target + ".partial"));
    Workspace copy = Workspace::open(toPath(target));
    QCOMPARE(copy.designs(), ws.designs());
    QCOMPARE(copy.evaluations(id), ws.evaluations(id));
    QCOMPARE(copy.schemaVersion(), kSchemaVersion);

    // The source keeps working after the copy.
    ws.addDesign("y", DesignKind::Pair, kAcceleratorJson);
    QCOMPARE(ws.counts().designs, std::int64_t(2));
    QCOMPARE(copy.counts().designs, std::int64_t(1));
}

// Copying a workspace nobody has open leaves nothing beside it (no -wal / -shm files).
void TestStore::backupLeavesNoJournalBesideTheSource() {
    QTemporaryDir dir;
    const QString path = dir.filePath("closed.tcw");
    makeWorkspace(path);
    QVERIFY(!QFileInfo::exists(path + "-wal"));
    const QByteArray before = readBytes(path);
    Workspace::backup(toPath(path), toPath(dir.filePath("copy.tcw")));
    QVERIFY(!QFileInfo::exists(path + "-wal"));
    QVERIFY(!QFileInfo::exists(path + "-shm"));
    QCOMPARE(readBytes(path), before);
}

void TestStore::backupRefusesItself() {
    QTemporaryDir dir;
    const QString path = dir.filePath("self.tcw");
    makeWorkspace(path);
    const QByteArray before = readBytes(path);
    QVERIFY_THROWS_EXCEPTION(WorkspaceError, Workspace::backup(toPath(path), toPath(path)));
    QCOMPARE(readBytes(path), before);
    QVERIFY_THROWS_EXCEPTION(WorkspaceError, Workspace::backup(toPath(path), toPath(dir.filePath("nope/x.tcw"))));
}

void TestStore::v1WorkspaceMigratesToV2() {
    // A workspace written by schema v1 (before searches could resume) opens, gains the v2
    // columns with their defaults, and keeps every row.
    QTemporaryDir dir;
    const QString path = dir.filePath("v1.tcw");
    {
        Database db = Database::open(toPath(path), Database::Mode::Create);
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        migrate(db, {schemaMigrations().front()});
        QCOMPARE(db.userVersion(), 1);
        db.exec(R"(INSERT INTO designs (name, kind, spec_json, hash) VALUES ('m', 'transformer', '{}', ')" +
                std::string(64, 'a') + "')");
        db.exec("INSERT INTO evaluations (design_id, cost_model, mode, accuracy, accuracy_source) VALUES (1, "
                "'elector', 'inference', 0.5, 'published')");
        db.exec("INSERT INTO searches (name, algorithm) VALUES ('s', 'random')");
        db.exec("INSERT INTO trials (search_id, iteration, design_id) VALUES (1, 0, 1)");
    }
    Workspace ws = Workspace::open(toPath(path));
    QCOMPARE(ws.schemaVersion(), kSchemaVersion);
    QCOMPARE(ws.counts(), (WorkspaceCounts{1, 1, 0, 1, 1}));
    const auto evaluations = ws.evaluations(1);
    QCOMPARE(evaluations.size(), std::size_t(1));
    QCOMPARE(evaluations[0].accuracy, std::optional<double>(0.5));
    QVERIFY(!evaluations[0].accuracyStdDev);
    QCOMPARE(ws.searches().at(0).stateJson, std::string("{}"));
    const auto trials = ws.trials(1);
    QVERIFY(!trials.at(0).position);
    QCOMPARE(trials.at(0).objectivesJson, std::string("[]"));
}

void TestStore::searchStateTrialPositionsAccuracyUncertainty() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("s.tcw")));
    const auto pair = ws.addDesign("p", DesignKind::Pair, R"({"transformer":{},"accelerator":{}})");
    EvaluationRecord e = evaluation(pair, "inference", 1e-3);
    e.accuracyStdDev = 0.0125;
    e.accuracyDetail = "surrogate: 8 boosted-tree ensembles on flexibert2_glue16";
    e.id = ws.addEvaluation(e);
    auto stored = ws.evaluation(e.id);
    QVERIFY(stored);
    e.createdAt = stored->createdAt;
    QCOMPARE(*stored, e);
    QVERIFY(!ws.evaluation(e.id + 100));

    SearchRecord search;
    search.name = "s";
    search.algorithm = "nsga2";
    search.status = RunStatus::Running;
    search.id = ws.addSearch(search);
    QVERIFY(ws.updateSearch(search.id, RunStatus::Running, R"({"trialsCommitted":2})"));
    auto now = ws.search(search.id);
    QVERIFY(now);
    QCOMPARE(now->stateJson, std::string(R"({"trialsCommitted":2})"));
    QVERIFY(now->finishedAt.empty());
    QVERIFY(!now->updatedAt.empty());
    QVERIFY(ws.updateSearch(search.id, RunStatus::Finished, "{}"));
    QCOMPARE(ws.search(search.id)->status, RunStatus::Finished);
    QVERIFY(!ws.search(search.id)->finishedAt.empty());
    QVERIFY(!ws.updateSearch(search.id + 1, RunStatus::Finished, "{}"));

    // Trials come back by round, then position, whatever order they were committed in.
    for (int position : {2, 0, 1}) {
        TrialRecord t;
        t.searchId = search.id;
        t.iteration = 0;
        t.position = position;
        t.designId = pair;
        t.evaluationId = e.id;
        t.objectivesJson = "[" + std::to_string(position) + "]";
        ws.addTrial(t);
    }
    const auto trials = ws.trials(search.id);
    QCOMPARE(trials.size(), std::size_t(3));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(trials[i].position, std::optional<std::int64_t>(i));
        QCOMPARE(trials[i].objectivesJson, "[" + std::to_string(i) + "]");
    }
    // A position is stored once per search: a resumed search cannot duplicate a trial.
    TrialRecord again;
    again.searchId = search.id;
    again.position = 1;
    QVERIFY_THROWS_EXCEPTION(SqliteError, ws.addTrial(again));
    QCOMPARE(ws.counts().trials, std::int64_t(3));
}

// Done-when 3: the example workspace as the previous version wrote it (schema 2) opens,
// migrates in one transaction, keeps every design and evaluation with the same numbers, and
// a second open writes nothing. The "before" values are read with raw SQL from an untouched
// copy, not through the store.
namespace {
struct RawEvaluation {
    std::int64_t id = 0, designId = 0;
    std::string costModel, mode, accuracySource, options;
    std::optional<std::int64_t> cycles;
    std::optional<double> latency, energyDynamic, energyLeakage, area, power, accuracy, accuracyStdDev;
    bool feasible = true;
};
struct RawDesign {
    std::int64_t id = 0;
    std::string name, kind, spec, hash;
};
} // namespace

void TestStore::previousVersionWorkspaceMigrates() {
    const QString fixture = QStringLiteral(TCW_TEST_DATA_DIR "/workspaces/example-v2.tcw");
    QVERIFY2(QFileInfo::exists(fixture), qPrintable(fixture));
    const QByteArray fixtureBytes = readBytes(fixture);
    QTemporaryDir dir;

    // Before: the previous version's rows, by raw SQL on an immutable connection.
    std::vector<RawDesign> designs;
    std::vector<RawEvaluation> evaluations;
    std::int64_t searches = 0, trials = 0;
    {
        Database raw = Database::open(toPath(fixture), Database::Mode::Immutable);
        QCOMPARE(raw.userVersion(), 2);
        Statement d = raw.prepare("SELECT id, name, kind, spec_json, hash FROM designs ORDER BY id");
        while (d.step())
            designs.push_back({d.int64(0), d.text(1), d.text(2), d.text(3), d.text(4)});
        Statement e = raw.prepare(
            "SELECT id, design_id, cost_model, mode, coalesce(accuracy_source, ''), options_json, cycles, latency_s, "
            "energy_dynamic_nj, energy_leakage_nj, area_mm2, peak_power_mw, accuracy, accuracy_stddev, feasible "
            "FROM evaluations ORDER BY id");
        while (e.step())
            evaluations.push_back({e.int64(0), e.int64(1), e.text(2), e.text(3), e.text(4), e.text(5),
                                   e.optionalInt64(6), e.optionalReal(7), e.optionalReal(8), e.optionalReal(9),
                                   e.optionalReal(10), e.optionalReal(11), e.optionalReal(12), e.optionalReal(13),
                                   e.int64(14) != 0});
        Statement c = raw.prepare("SELECT (SELECT count(*) FROM searches), (SELECT count(*) FROM trials)");
        QVERIFY(c.step());
        searches = c.int64(0);
        trials = c.int64(1);
    }
    QCOMPARE(int(designs.size()), 2000);
    QCOMPARE(int(evaluations.size()), 2000);
    QCOMPARE(searches, std::int64_t(2));
    QCOMPARE(trials, std::int64_t(2000));

    // A migration that fails partway (the real steps, then a broken one) leaves the file as it
    // was: same version, no new column, the same bytes once closed.
    const QString failing = dir.filePath("failing.tcw");
    QVERIFY(QFile::copy(fixture, failing));
    {
        Database db = Database::open(toPath(failing), Database::Mode::ReadWrite);
        auto steps = schemaMigrations();
        steps.push_back({kSchemaVersion + 1, "test: a step that fails",
                         [](Database& d) { d.exec("ALTER TABLE no_such_table ADD COLUMN y"); }});
        QVERIFY_THROWS_EXCEPTION(SqliteError, migrate(db, steps));
        QCOMPARE(db.userVersion(), 2);
        Statement column = db.prepare("SELECT count(*) FROM pragma_table_info('designs') WHERE name = 'target_kind'");
        QVERIFY(column.step());
        QCOMPARE(column.int64(0), std::int64_t(0));
    }
    QVERIFY(readBytes(failing) == fixtureBytes);

    // The migration through the store's own open.
    const QString path = dir.filePath("example.tcw");
    QVERIFY(QFile::copy(fixture, path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    {
        Workspace ws = Workspace::open(toPath(path));
        QCOMPARE(ws.schemaVersion(), kSchemaVersion);
        const WorkspaceCounts counts = ws.counts();
        QCOMPARE(counts.designs, std::int64_t(designs.size()));
        QCOMPARE(counts.evaluations, std::int64_t(evaluations.size()));
        QCOMPARE(counts.searches, searches);
        QCOMPARE(counts.trials, trials);
        const auto stored = ws.designs();
        QCOMPARE(stored.size(), designs.size());
        // v4 reshapes each stored pair into the target form: the same transformer, the same
        // accelerator fields under "target" with its kind, the hash following the new text.
        Database json = Database::open(toPath(dir.filePath("json.db")), Database::Mode::Create);
        Statement sameDocument =
            json.prepare("SELECT json_extract(?1, '$.transformer') = json_extract(?2, '$.transformer') AND "
                         "json_extract(?1, '$.target.kind') = 'elector' AND "
                         "json_remove(json_extract(?1, '$.target'), '$.kind', '$.schemaVersion') = "
                         "json_remove(json_extract(?2, '$.accelerator'), '$.kind', '$.schemaVersion') AND "
                         "json_extract(?1, '$.accelerator') IS NULL");
        for (std::size_t i = 0; i < designs.size(); ++i) {
            const DesignRecord& d = stored[i];
            QCOMPARE(d.id, designs[i].id);
            QCOMPARE(d.name, designs[i].name);
            QCOMPARE(std::string(designKindName(d.kind)), designs[i].kind);
            QCOMPARE(d.hash, sha256Hex(d.specJson));
            if (d.kind == DesignKind::Pair) {
                sameDocument.reset();
                sameDocument.bind(1, d.specJson).bind(2, designs[i].spec);
                QVERIFY(sameDocument.step());
                QVERIFY2(sameDocument.int64(0) == 1, d.specJson.c_str());
            } else {
                QCOMPARE(d.specJson, designs[i].spec);
                QCOMPARE(d.hash, designs[i].hash);
            }
            QCOMPARE(d.targetKind, std::string(d.kind == DesignKind::Transformer ? "" : "elector"));
        }
        for (const RawEvaluation& before : evaluations) {
            const auto after = ws.evaluation(before.id);
            QVERIFY(after.has_value());
            QCOMPARE(after->designId, before.designId);
            QCOMPARE(after->costModel, before.costModel);
            QCOMPARE(after->mode, before.mode);
            QCOMPARE(std::string(accuracySourceName(after->accuracySource)), before.accuracySource);
            QCOMPARE(after->optionsJson, before.options);
            // Bit for bit: a migration must not round or recompute any number.
            QVERIFY(after->cycles == before.cycles);
            QVERIFY(after->latencySeconds == before.latency);
            QVERIFY(after->energyDynamicNJ == before.energyDynamic);
            QVERIFY(after->energyLeakageNJ == before.energyLeakage);
            QVERIFY(after->areaMM2 == before.area);
            QVERIFY(after->peakPowerMW == before.power);
            QVERIFY(after->accuracy == before.accuracy);
            QVERIFY(after->accuracyStdDev == before.accuracyStdDev);
            QCOMPARE(after->feasible, before.feasible);
            // Every evaluation so far came from the elector cost model: simulated.
            QVERIFY(before.latency.has_value());
            QCOMPARE(after->provenance, MetricsProvenance::Simulated);
            QVERIFY(!after->metricsStdDevFraction.has_value());
        }
        // The explorer's query reads the migrated rows too.
        const auto summaries = ws.designSummaries("inference");
        QCOMPARE(summaries.size(), designs.size());
        QVERIFY(summaries.front().latest.has_value());
        QCOMPARE(summaries.front().design.targetKind, std::string("elector"));
        QCOMPARE(summaries.front().latest->provenance, MetricsProvenance::Simulated);
    }

    // A second open finds nothing to do: same version and rows, and not one byte written.
    const QByteArray migrated = readBytes(path);
    QVERIFY(migrated != fixtureBytes);
    QVERIFY(!QFileInfo::exists(path + "-wal")); // closed cleanly: everything is in the file
    {
        Workspace ws = Workspace::open(toPath(path));
        QCOMPARE(ws.schemaVersion(), kSchemaVersion);
        QCOMPARE(ws.counts().evaluations, std::int64_t(evaluations.size()));
    }
    QVERIFY(readBytes(path) == migrated);
}

void TestStore::targetKindAndProvenanceStored() {
    QTemporaryDir dir;
    Workspace ws = Workspace::create(toPath(dir.filePath("p.tcw")));
    const std::int64_t model = ws.addDesign("m", DesignKind::Transformer, kModelJson);
    const std::int64_t accelerator = ws.addDesign("a", DesignKind::Accelerator, kAcceleratorJson);
    const std::int64_t named = ws.addDesign("binarized", DesignKind::Pair,
                                            R"({"transformer":{"layers":[]},"target":{"kind":"bat","peCount":4}})");
    QCOMPARE(ws.design(model)->targetKind, std::string(""));
    QCOMPARE(ws.design(accelerator)->targetKind, std::string("elector")); // every accelerator so far
    QCOMPARE(ws.design(named)->targetKind, std::string("bat"));           // a document that names its kind

    EvaluationRecord predicted;
    predicted.designId = named;
    predicted.latencySeconds = 2e-3;
    predicted.provenance = MetricsProvenance::Predicted;
    predicted.metricsStdDevFraction = 0.08;
    EvaluationRecord accuracyOnly;
    accuracyOnly.designId = model;
    accuracyOnly.accuracy = 0.75;
    accuracyOnly.accuracySource = AccuracySource::Trained;
    accuracyOnly.provenance = MetricsProvenance::None;
    const auto p = ws.evaluation(ws.addEvaluation(predicted));
    const auto a = ws.evaluation(ws.addEvaluation(accuracyOnly));
    QCOMPARE(p->provenance, MetricsProvenance::Predicted);
    QCOMPARE(*p->metricsStdDevFraction, 0.08);
    QCOMPARE(a->provenance, MetricsProvenance::None);
    Statement column = ws.database().prepare("SELECT provenance IS NULL FROM evaluations WHERE id = ?1");
    column.bind(1, a->id);
    QVERIFY(column.step());
    QCOMPARE(column.int64(0), std::int64_t(1)); // no metrics, no provenance
    QCOMPARE(metricsProvenanceFromName("measured"), std::optional(MetricsProvenance::Measured));
    QVERIFY(!metricsProvenanceFromName("guessed"));
    // The schema keeps the names honest even for rows other tools write.
    QVERIFY_THROWS_EXCEPTION(SqliteError, ws.database().exec("UPDATE evaluations SET provenance = 'guessed'"));
}

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
