// Workspace controller: jobs on one worker thread, results adopted on the GUI thread.
#include "workspace_controller.h"

#include "design_import.h"
#include "plural.h"

#include "codesign/resimulation.h"
#include "codesign/search_summary.h"
#include "codesign/search_writers.h"
#include "io/search_json.h"
#include "sim/cost_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <cstdio>

#include <algorithm>
#include <exception>
#include <filesystem>

Q_LOGGING_CATEGORY(lcWorkspace, "tcw.workspace")

namespace tcw::app {

namespace {
std::filesystem::path toPath(const QString& path) {
    return std::filesystem::path(path.toStdString());
}

QString statusText(store::RunStatus status) {
    return QString::fromUtf8(store::runStatusName(status));
}

QList<models::WorkspaceTreeContent::Preset> listPresets(const QString& folder) {
    QList<models::WorkspaceTreeContent::Preset> presets;
    const QFileInfoList files =
        QDir(folder).entryInfoList({QStringLiteral("*.json"), QStringLiteral("*.yaml"), QStringLiteral("*.yml")},
                                   QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& file : files)
        presets.push_back({file.completeBaseName(), file.absoluteFilePath()});
    return presets;
}

// The message of whatever a job threw, for the user.
QString describe(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    } catch (...) {
        return QObject::tr("an unknown error");
    }
}
} // namespace

WorkspaceSnapshot loadSnapshot(const store::Workspace& workspace, SimMode mode, const TraitsCache& known) {
    WorkspaceSnapshot snapshot;
    snapshot.designs = workspace.designSummaries(simModeName(mode));
    snapshot.counts = workspace.counts();
    snapshot.traits.reserve(snapshot.designs.size());
    for (const auto& d : snapshot.designs) {
        if (const auto it = known.find(d.design.id); it != known.end()) {
            snapshot.traits.push_back(*it);
            continue;
        }
        const auto full = workspace.design(d.design.id);
        snapshot.traits.push_back(full ? models::traitsOf(full->kind, full->specJson) : models::DesignTraits{});
    }
    for (const auto& d : snapshot.designs)
        snapshot.staleDesigns += d.latest && codesign::isStale(*d.latest) ? 1 : 0;
    for (const auto& d : snapshot.designs) {
        QString detail;
        if (d.latest)
            detail = d.latest->feasible ? QObject::tr("· evaluated") : QObject::tr("· infeasible");
        snapshot.tree.designs.push_back({d.design.id, QString::fromStdString(d.design.name), detail, d.design.kind});
    }
    for (const auto& s : workspace.searches()) {
        // Numbered as their trials are ("search 2 trial 17") and named by what tells two apart:
        // "Search 3 · NSGA-II · joint · 20000 trials" (the stored name when the configuration
        // cannot be read).
        const auto config = io::parseSearchConfig(s.configJson, "search " + std::to_string(s.id));
        const QString title = config ? QString::fromStdString(codesign::searchTitle(s.id, *config))
                                     : QObject::tr("Search %1 · %2").arg(s.id).arg(QString::fromStdString(s.name));
        snapshot.tree.searches.push_back(
            {s.id, title, QObject::tr("%1 search, %2").arg(QString::fromStdString(s.algorithm), statusText(s.status))});
        QSet<qint64>& members = snapshot.searchMembers[s.id];
        for (std::int64_t id : workspace.searchDesignIds(s.id))
            members.insert(id);
    }
    for (const auto& r : workspace.trainingRuns())
        snapshot.tree.trainingRuns.push_back(
            {r.id, QString::fromStdString(r.name),
             QObject::tr("Training on %1, %2").arg(QString::fromStdString(r.dataset), statusText(r.status))});
    return snapshot;
}

void trimUnchangedRows(WorkspaceSnapshot& snapshot, const std::vector<std::pair<qint64, qint64>>& rows) {
    if (rows.empty() || snapshot.designs.size() < rows.size())
        return;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const store::DesignSummary& d = snapshot.designs[i];
        if (d.design.id != rows[i].first || (d.latest ? d.latest->id : -1) != rows[i].second)
            return; // a design changed or went away: the whole list
    }
    snapshot.unchangedRows = rows.size();
    const auto n = std::ptrdiff_t(rows.size());
    snapshot.designs.erase(snapshot.designs.begin(), snapshot.designs.begin() + n);
    snapshot.tree.designs.remove(0, std::min(qsizetype(n), snapshot.tree.designs.size())); // one item per design
    snapshot.traits.erase(snapshot.traits.begin(),
                          snapshot.traits.begin() + std::min(n, std::ptrdiff_t(snapshot.traits.size())));
}

struct WorkspaceController::OpenOutcome {
    std::shared_ptr<store::Workspace> workspace;
    WorkspaceSnapshot snapshot;
    QString path;
    QString error; // empty on success
};

WorkspaceController::WorkspaceController(QObject* parent)
    : QObject(parent), m_designModel(new models::DesignTableModel(this)),
      m_selection(new QItemSelectionModel(m_designModel, this)), m_treeModel(new models::WorkspaceTreeModel(this)) {
    m_worker.setMaxThreadCount(1);
    m_treeContent.hasWorkspace = false;
    m_treeModel->setContent(m_treeContent);
    m_watchTimer = new QTimer(this);
    m_watchTimer->setInterval(1000); // a directory listing and two stat()s: cheap
    connect(m_watchTimer, &QTimer::timeout, this, &WorkspaceController::checkExternalWriters);
}

WorkspaceController::~WorkspaceController() {
    ++m_generation; // nothing that finishes now is adopted
    m_worker.waitForDone();
}

QString WorkspaceController::displayName() const {
    return isOpen() ? QFileInfo(m_path).completeBaseName() : QString();
}

template <typename Result>
void WorkspaceController::runJob(std::function<Result()> work, std::function<void(Result)> done,
                                 bool staleAfterNewerJob, bool background) {
    const quint64 generation = staleAfterNewerJob ? ++m_generation : m_generation;
    if (!background)
        ++m_blocking;
    if (m_busy++ == 0)
        emit busyChanged(true);
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this,
            [this, watcher, done, generation, staleAfterNewerJob, background] {
                if (!background)
                    --m_blocking;
                watcher->deleteLater();
                const bool stale = staleAfterNewerJob && generation != m_generation;
                if (!stale) {
                    QFuture<Result> future = watcher->future();
                    done(future.takeResult()); // moved out: a snapshot of many designs is not copied here
                }
                if (--m_busy == 0)
                    emit busyChanged(false);
            });
    watcher->setFuture(QtConcurrent::run(&m_worker, std::move(work)));
}

void WorkspaceController::startOpen(const QString& path, std::function<std::shared_ptr<store::Workspace>()> openFn,
                                    const QString& failureTitle, SuccessMessage successMessage, bool sameDesigns) {
    const SimMode mode = m_mode;
    runJob<OpenOutcome>(
        [path, openFn, mode] {
            OpenOutcome outcome;
            outcome.path = path;
            try {
                outcome.workspace = openFn();
                outcome.snapshot = loadSnapshot(*outcome.workspace, mode, {});
            } catch (...) {
                outcome.workspace.reset();
                outcome.error = describe(std::current_exception());
            }
            return outcome;
        },
        [this, failureTitle, successMessage, sameDesigns](OpenOutcome outcome) {
            if (!outcome.error.isEmpty()) {
                emit errorOccurred(failureTitle, outcome.error); // the UI shows and logs it
                return;
            }
            adopt(std::move(outcome), successMessage, sameDesigns);
        },
        true);
}

void WorkspaceController::adopt(OpenOutcome outcome, const SuccessMessage& successMessage, bool sameDesigns) {
    m_workspace = std::move(outcome.workspace);
    m_path = QFileInfo(outcome.path).absoluteFilePath();
    if (!sameDesigns) {
        m_selection->clear(); // its design belongs to the workspace before
        emit workspaceChanging(true);
    }
    applySnapshot(std::move(outcome.snapshot), sameDesigns);
    const QString message = successMessage(QDir::toNativeSeparators(m_path), m_counts);
    qCInfo(lcWorkspace).noquote() << message;
    emit statusMessage(message);
    m_fileStamp.clear();
    m_writers.clear();
    checkExternalWriters();
    m_watchTimer->start();
    emit workspaceOpened(m_path);
}

void WorkspaceController::createWorkspace(const QString& path, bool replaceExisting) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (isOpen() && replaceExisting && QFileInfo(m_path) == QFileInfo(absolute))
        closeWorkspace(); // the file about to be replaced is the open one
    startOpen(
        absolute,
        [absolute, replaceExisting] {
            const auto file = toPath(absolute);
            if (replaceExisting && std::filesystem::exists(file)) {
                for (const char* suffix : {"", "-wal", "-shm"})
                    std::filesystem::remove(std::filesystem::path(file.string() + suffix));
            }
            return std::make_shared<store::Workspace>(store::Workspace::create(file));
        },
        tr("Cannot create the workspace"),
        [](const QString& file, const store::WorkspaceCounts&) { return tr("Created workspace %1").arg(file); });
}

void WorkspaceController::openWorkspace(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (isOpen() && QFileInfo(m_path) == QFileInfo(absolute)) {
        emit statusMessage(tr("%1 is already open").arg(QDir::toNativeSeparators(absolute)));
        return;
    }
    startOpen(
        absolute, [absolute] { return std::make_shared<store::Workspace>(store::Workspace::open(toPath(absolute))); },
        tr("Cannot open the workspace"),
        [](const QString& file, const store::WorkspaceCounts& counts) {
            return tr("Opened %1: %2, %3")
                .arg(file, countOf(counts.designs, tr("design"), tr("designs")),
                     countOf(counts.evaluations, tr("evaluation"), tr("evaluations")));
        });
}

void WorkspaceController::saveWorkspace() {
    if (!isOpen() || !ensureWritable(tr("save it")))
        return;
    try {
        const store::CheckpointResult result = m_workspace->checkpoint();
        const QString message =
            result.complete
                ? tr("Saved %1: every change is in the file (%2 written back)")
                      .arg(QFileInfo(m_path).fileName(),
                           countOf(result.framesCheckpointed, tr("journal page"), tr("journal pages")))
                : tr("Saved %1: every change is stored; part of the journal is still in use by another program")
                      .arg(QFileInfo(m_path).fileName());
        qCInfo(lcWorkspace).noquote() << message;
        emit statusMessage(message);
    } catch (const std::exception& e) {
        emit errorOccurred(tr("Cannot save the workspace"), QString::fromStdString(e.what()));
    }
}

void WorkspaceController::saveWorkspaceAs(const QString& path) {
    if (!isOpen())
        return;
    const QString source = m_path;
    const QString target = QFileInfo(path).absoluteFilePath();
    if (QFileInfo(source) == QFileInfo(target)) {
        saveWorkspace();
        return;
    }
    startOpen(
        target,
        [source, target] {
            store::Workspace::backup(toPath(source), toPath(target));
            return std::make_shared<store::Workspace>(store::Workspace::open(toPath(target)));
        },
        tr("Cannot save the workspace as a new file"),
        [](const QString& file, const store::WorkspaceCounts&) {
            return tr("Saved a copy as %1; working in the copy now").arg(file);
        },
        true);
}

void WorkspaceController::closeWorkspace() {
    ++m_generation; // an open still running would otherwise replace "nothing open"
    if (!isOpen())
        return;
    const QString path = m_path;
    {
        std::lock_guard lock(m_reader->mutex); // the background reader's connection goes too
        m_reader->workspace.reset();
        m_reader->path.clear();
    }
    stopWatching();
    m_workspace.reset(); // closing the last connection writes the journal back into the file
    m_path.clear();
    m_selection->clear();
    emit workspaceChanging(false);
    applySnapshot({}, false);
    qCInfo(lcWorkspace).noquote() << tr("Closed %1").arg(QDir::toNativeSeparators(path));
    emit workspaceClosed();
}

void WorkspaceController::importDesigns(const QStringList& files) {
    if (!isOpen() || files.isEmpty() || !ensureWritable(tr("import designs")))
        return;
    runJob<ImportResult>([files] { return readDesignFiles(files); },
                         [this](ImportResult result) { addImported(result.designs, result.errors); }, false);
}

void WorkspaceController::addImported(const std::vector<ImportedDesign>& designs, const QStringList& errors) {
    int added = 0;
    int duplicates = 0;
    if (isOpen() && !designs.empty()) {
        try {
            m_workspace->transaction([&] {
                for (const ImportedDesign& d : designs) {
                    if (m_workspace->findDesign(d.kind, d.specJson)) {
                        ++duplicates;
                        continue;
                    }
                    m_workspace->addDesign(d.name, d.kind, d.specJson);
                    ++added;
                }
            });
        } catch (const std::exception& e) {
            emit errorOccurred(tr("Cannot import designs"),
                               tr("Nothing was imported: %1").arg(QString::fromStdString(e.what())));
            return;
        }
        reload();
    }
    QString message = tr("Imported %1").arg(countOf(added, tr("design"), tr("designs")));
    if (duplicates > 0)
        message += tr("; %1 already in the workspace").arg(duplicates);
    if (!errors.isEmpty())
        message += tr("; %1 not read").arg(countOf(errors.size(), tr("file"), tr("files")));
    qCInfo(lcWorkspace).noquote() << message;
    emit statusMessage(message);
    if (!errors.isEmpty())
        emit errorOccurred(tr("Some files were not imported"), errors.join(QLatin1Char('\n')));
}

void WorkspaceController::resimulateStale() {
    if (!isOpen() || m_staleDesigns == 0 || !ensureWritable(tr("re-simulate stale designs")))
        return;
    struct Result {
        codesign::Recosted recosted;
        QString error;
    };
    const quint64 generation = m_generation;
    runJob<Result>(
        [path = m_path] {
            Result result;
            try {
                const store::Workspace reader = store::Workspace::openReadOnly(toPath(path));
                result.recosted = codesign::recostStale(reader, {});
            } catch (...) {
                result.error = describe(std::current_exception());
            }
            return result;
        },
        [this, generation](Result result) {
            if (generation != m_generation || !isOpen())
                return; // another workspace by now
            if (!result.error.isEmpty()) {
                emit errorOccurred(tr("Cannot re-simulate"), tr("Nothing was changed: %1").arg(result.error));
                return;
            }
            const codesign::ResimulationReport& report = result.recosted.report;
            try {
                codesign::storeRecosted(*m_workspace, result.recosted);
            } catch (const std::exception& e) {
                emit errorOccurred(tr("Cannot re-simulate"),
                                   tr("Nothing was changed: %1").arg(QString::fromStdString(e.what())));
                return;
            }
            reload();
            QString message =
                tr("Re-simulated %1 with cost-model revision %2 (%3 with other numbers; largest "
                   "latency change %4 %)")
                    .arg(countOf(int(result.recosted.evaluations.size()), tr("evaluation"), tr("evaluations")))
                    .arg(kCostModelRevision)
                    .arg(report.changed)
                    .arg(100.0 * report.largestLatencyChange, 0, 'f', 1);
            qCInfo(lcWorkspace).noquote() << message;
            emit statusMessage(message);
            if (!report.skipped.empty()) {
                QStringList lines;
                for (const auto& line : report.skipped)
                    lines << QString::fromStdString(line);
                emit errorOccurred(tr("Some designs were not re-simulated"), lines.join(QLatin1Char('\n')));
            }
        },
        false);
}

void WorkspaceController::setMode(SimMode mode) {
    if (m_mode == mode)
        return;
    m_mode = mode;
    reload();
}

void WorkspaceController::reload() {
    if (!isOpen())
        return;
    try {
        applySnapshot(loadSnapshot(*m_workspace, m_mode, m_traits));
    } catch (const std::exception& e) {
        emit errorOccurred(tr("Cannot read the workspace"), QString::fromStdString(e.what()));
    }
}

void WorkspaceController::reloadInBackground() {
    if (!isOpen())
        return;
    if (m_backgroundReloadRunning) {
        m_backgroundReloadPending = true;
        return;
    }
    startBackgroundReload();
}

void WorkspaceController::startBackgroundReload() {
    m_backgroundReloadRunning = true;
    const bool full = m_fullRefreshNeeded;
    m_fullRefreshNeeded = false;
    m_backgroundReloadPending = false;
    const quint64 generation = m_generation;
    struct Result {
        WorkspaceSnapshot snapshot;
        QString error;
    };
    runJob<Result>(
        [reader = m_reader, path = m_path, mode = m_mode, known = m_traits,
         rows = full ? std::vector<std::pair<qint64, qint64>>{} : m_designModel->rowKeys()] {
            Result result;
            try {
                std::shared_ptr<store::Workspace> workspace;
                {
                    std::lock_guard lock(reader->mutex);
                    if (!reader->workspace || reader->path != path) {
                        reader->workspace.reset();
                        reader->workspace = std::make_shared<store::Workspace>(store::Workspace::open(toPath(path)));
                        reader->path = path;
                    }
                    workspace = reader->workspace;
                }
                result.snapshot = loadSnapshot(*workspace, mode, known);
                trimUnchangedRows(result.snapshot, rows);
            } catch (...) {
                result.error = describe(std::current_exception());
            }
            return result;
        },
        [this, generation](Result result) {
            m_backgroundReloadRunning = false;
            if (generation != m_generation || !isOpen())
                return; // the workspace was closed or replaced meanwhile
            if (!result.error.isEmpty())
                qCWarning(lcWorkspace).noquote() << tr("Cannot re-read the workspace: %1").arg(result.error);
            else
                applySnapshot(std::move(result.snapshot));
            if (m_backgroundReloadPending)
                startBackgroundReload();
        },
        false, true);
}

void WorkspaceController::applySnapshot(WorkspaceSnapshot snapshot, bool keepSelection) {
    const bool added = snapshot.unchangedRows > 0;
    if (added && (snapshot.unchangedRows != std::size_t(m_designModel->rowCount()) || !m_treeContent.hasWorkspace ||
                  std::size_t(m_treeContent.designs.size()) != snapshot.unchangedRows)) {
        // The views changed while the rows were read (a full reload came first): read
        // everything again.
        m_fullRefreshNeeded = true;
        reloadInBackground();
        return;
    }
    std::optional<qint64> selected;
    if (keepSelection)
        selected = currentDesignId();
    else
        m_selection->clear();
    m_counts = snapshot.counts;
    // A refresh that only added rows counted only those: the earlier rows keep theirs.
    m_staleDesigns = added ? m_staleDesigns + snapshot.staleDesigns : snapshot.staleDesigns;
    m_searchMembers = std::move(snapshot.searchMembers);
    if (added) {
        m_treeContent.designs.append(snapshot.tree.designs);
        m_treeContent.searches = snapshot.tree.searches;
        m_treeContent.trainingRuns = snapshot.tree.trainingRuns;
    } else {
        m_treeContent = std::move(snapshot.tree);
        m_treeContent.hasWorkspace = isOpen();
        m_treeContent.presetModels = m_presetModels;
        m_treeContent.presetAccelerators = m_presetAccelerators;
    }
    if (!added)
        m_traits.clear();
    for (std::size_t i = 0; i < snapshot.designs.size() && i < snapshot.traits.size(); ++i)
        m_traits.insert(snapshot.designs[i].design.id, snapshot.traits[i]);
    if (added)
        m_designModel->appendDesigns(std::move(snapshot.designs), std::move(snapshot.traits)); // keeps the selection
    else
        m_designModel->setDesigns(std::move(snapshot.designs), std::move(snapshot.traits)); // resets the selection
    if (added)
        m_treeModel->appendDesigns(snapshot.tree.designs, m_treeContent.searches, m_treeContent.trainingRuns);
    else
        m_treeModel->setContent(m_treeContent);
    if (selected && currentDesignId() != selected)
        selectDesign(*selected); // keep the user's place across a reload
    emit contentChanged();
}

void WorkspaceController::setPresetDirectory(const QString& presetDirectory) {
    m_presetModels = listPresets(QDir(presetDirectory).filePath(QStringLiteral("models")));
    m_presetAccelerators = listPresets(QDir(presetDirectory).filePath(QStringLiteral("accelerators")));
    m_treeContent.presetModels = m_presetModels;
    m_treeContent.presetAccelerators = m_presetAccelerators;
    m_treeModel->setContent(m_treeContent);
}

std::optional<qint64> WorkspaceController::currentDesignId() const {
    const QModelIndex current = m_selection->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return current.data(models::DesignTableModel::DesignIdRole).toLongLong();
}

std::optional<store::DesignRecord> WorkspaceController::design(qint64 id) const {
    if (!isOpen())
        return std::nullopt;
    try {
        return m_workspace->design(id);
    } catch (const std::exception& e) {
        qCWarning(lcWorkspace) << "cannot read design" << id << e.what();
        return std::nullopt;
    }
}

std::vector<store::EvaluationRecord> WorkspaceController::evaluations(qint64 id) const {
    if (!isOpen())
        return {};
    try {
        return m_workspace->evaluations(id);
    } catch (const std::exception& e) {
        qCWarning(lcWorkspace) << "cannot read evaluations of design" << id << e.what();
        return {};
    }
}

std::optional<qint64> WorkspaceController::addEvaluatedDesign(const std::string& name, store::DesignKind kind,
                                                              const std::string& specJson,
                                                              store::EvaluationRecord evaluation) {
    if (!isOpen() || !ensureWritable(tr("store the design")))
        return std::nullopt;
    if (const auto existing = m_workspace->findDesign(kind, specJson)) {
        selectDesign(*existing);
        emit statusMessage(tr("This design is already in the workspace as #%1; selected it").arg(*existing));
        return existing;
    }
    std::int64_t id = 0;
    try {
        m_workspace->transaction([&] {
            id = m_workspace->addDesign(name, kind, specJson);
            evaluation.id = 0;
            evaluation.designId = id;
            m_workspace->addEvaluation(evaluation);
        });
    } catch (const std::exception& e) {
        emit errorOccurred(tr("Cannot save the design"), QString::fromStdString(e.what()));
        return std::nullopt;
    }
    qCInfo(lcWorkspace).noquote() << tr("Added design #%1 %2").arg(id).arg(QString::fromStdString(name));
    reload();
    selectDesign(id);
    return id;
}

void WorkspaceController::selectDesign(qint64 id) {
    const int row = m_designModel->rowOfDesign(id);
    if (row < 0)
        return;
    const QModelIndex index = m_designModel->index(row, 0);
    m_selection->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

// ---------------------------------------------------------------- another process writing

namespace {
// What changes when any process commits: the database file and its write-ahead log.
QString fileStamp(const QString& path) {
    QString stamp;
    for (const QString& file : {path, path + QStringLiteral("-wal")}) {
        const QFileInfo info(file);
        stamp += QStringLiteral("%1:%2;")
                     .arg(info.exists() ? info.size() : -1)
                     .arg(info.exists() ? info.lastModified().toMSecsSinceEpoch() : 0);
    }
    return stamp;
}
} // namespace

void WorkspaceController::setWatchInterval(int milliseconds) {
    m_watchTimer->setInterval(milliseconds);
}

void WorkspaceController::checkExternalWriters() {
    if (!isOpen())
        return;
    QStringList writers;
    static const QRegularExpression pidPattern(QStringLiteral("\\bpid (\\d+)\\b"));
    for (const codesign::SearchWriter& w : codesign::searchWriters(toPath(m_path))) {
        const QString holder = QString::fromStdString(w.holder);
        if (pidPattern.match(holder).captured(1) == QString::number(QCoreApplication::applicationPid()))
            continue; // this window's own search
        writers << (holder.isEmpty() ? tr("search %1").arg(w.searchId)
                                     : tr("search %1 (%2)").arg(w.searchId).arg(holder));
    }
    const QString stamp = fileStamp(m_path);
    const bool changed = !m_fileStamp.isEmpty() && stamp != m_fileStamp;
    m_fileStamp = stamp;
    if (writers != m_writers) {
        const bool ended = writers.isEmpty();
        m_writers = writers;
        const QString message =
            ended ? tr("%1 is no longer written by another process; it can be edited again")
                        .arg(QFileInfo(m_path).fileName())
                  : tr("%1 is being written by another process (%2): shown read-only, trials appear as they arrive")
                        .arg(QFileInfo(m_path).fileName(), writers.join(QStringLiteral("; ")));
        qCInfo(lcWorkspace).noquote() << message;
        emit statusMessage(message);
        emit externalWritersChanged(m_writers);
        if (ended)
            reloadInBackground(); // the writer's last commits
    }
    if (changed)
        reloadInBackground();
}

void WorkspaceController::stopWatching() {
    m_watchTimer->stop();
    m_fileStamp.clear();
    if (!m_writers.isEmpty()) {
        m_writers.clear();
        emit externalWritersChanged(m_writers);
    }
}

bool WorkspaceController::ensureWritable(const QString& action) {
    if (!isOpen())
        return false;
    checkExternalWriters(); // the writer may have ended a moment ago
    if (m_writers.isEmpty())
        return true;
    emit errorOccurred(tr("The workspace is being written by another process"),
                       tr("Cannot %1: %2 is being written by %3. It is shown read-only until that process ends; "
                          "its trials appear here as they arrive.")
                           .arg(action, QDir::toNativeSeparators(m_path), m_writers.join(QStringLiteral("; "))));
    return false;
}

} // namespace tcw::app
