// Search controller: one search at a time on a std::jthread; reports are queued to this
// object and dropped once a newer search started.
#include "search_controller.h"

#include "plural.h"
#include "workspace_controller.h"

#include "codesign/search_session.h"
#include "devices/device_library.h"
#include "io/record_json.h"
#include "store/workspace.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <vector>

Q_LOGGING_CATEGORY(lcSearch, "tcw.search")

namespace tcw::app {

using State = widgets::SearchPanel::State;

namespace {

QString describeSearch(const store::SearchRecord& record) {
    const auto state = io::parseSearchState(record.stateJson, "search " + std::to_string(record.id) + " state");
    const int committed = state ? state->trialsCommitted : 0;
    return QObject::tr("search %1 (%2, %3, %4)")
        .arg(record.id)
        .arg(QString::fromStdString(record.algorithm), countOf(committed, QObject::tr("trial"), QObject::tr("trials")),
             QString::fromUtf8(store::runStatusName(record.status)));
}

} // namespace

// What the worker is asked to do: a new search from a configuration, or the unfinished one.
struct SearchController::Job {
    std::optional<search::SearchConfig> config; // empty: resume
    QString path;
    std::filesystem::path dataDir;
    int threads = 0;
};

SearchController::SearchController(WorkspaceController* workspace, QObject* parent)
    : QObject(parent), m_workspace(workspace), m_reloadTimer(new QTimer(this)) {
    qRegisterMetaType<tcw::widgets::SearchPanel::State>();
    m_reloadTimer->setSingleShot(true);
    m_reloadTimer->setInterval(400);
    connect(m_reloadTimer, &QTimer::timeout, m_workspace, &WorkspaceController::reloadInBackground);
    connect(m_workspace, &WorkspaceController::workspaceOpened, this, [this](const QString& path) {
        if (isActive() && QFileInfo(path) != QFileInfo(m_searchPath))
            stopAndWait(); // the search writes another file than the one now shown
        if (!isActive())
            setState(State::Idle);
        refreshUnfinished();
    });
    connect(m_workspace, &WorkspaceController::workspaceClosed, this, [this] {
        stopAndWait();
        setState(State::NoWorkspace);
        refreshUnfinished();
    });
}

SearchController::~SearchController() {
    ++m_run;
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void SearchController::setDataDirectory(const QString& dataDirectory) {
    m_dataDirectory = dataDirectory;
}

void SearchController::setReloadInterval(int milliseconds) {
    m_reloadTimer->setInterval(milliseconds);
}

void SearchController::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void SearchController::refreshUnfinished() {
    QString description;
    if (m_workspace->isOpen() && !isActive()) {
        try {
            if (const auto record = codesign::unfinishedSearch(*m_workspace->workspace()))
                description = describeSearch(*record);
        } catch (const std::exception& e) {
            qCWarning(lcSearch) << "cannot list the searches:" << e.what();
        }
    }
    if (description != m_unfinished) {
        m_unfinished = description;
        emit unfinishedChanged(description);
    }
}

void SearchController::start(const codesign::SearchRequest& request) {
    if (isActive() || !m_workspace->isOpen() || !m_workspace->ensureWritable(tr("start a search")))
        return;
    const auto built = codesign::buildSearchConfig(request, m_dataDirectory.toStdString());
    if (!built.config) {
        QStringList errors;
        for (const auto& e : built.errors)
            errors << QString::fromStdString(e);
        emit failed(tr("Cannot start the search"), errors.join(QLatin1Char('\n')));
        return;
    }
    launch({built.config, m_workspace->filePath(), m_dataDirectory.toStdString(), m_threads});
}

void SearchController::resumeUnfinished() {
    if (isActive() || !m_workspace->isOpen() || m_unfinished.isEmpty() ||
        !m_workspace->ensureWritable(tr("resume the search")))
        return;
    launch({std::nullopt, m_workspace->filePath(), m_dataDirectory.toStdString(), m_threads});
}

void SearchController::launch(Job job) {
    const quint64 run = ++m_run;
    m_searchPath = job.path;
    m_searchId.reset();
    m_progress = {};
    m_pausedSeconds = 0;
    m_pauseClock.invalidate();
    m_control.resume();
    setState(State::Starting);
    emit statusMessage(job.config ? tr("Starting a search…") : tr("Resuming %1…").arg(m_unfinished));
    // Every report is a queued call to this object: Qt drops those still queued when it is
    // destroyed, and `run` drops those of an earlier search.
    auto post = [this, run](auto fn) {
        QMetaObject::invokeMethod(
            this,
            [this, run, fn = std::move(fn)] {
                if (run == m_run)
                    fn();
            },
            Qt::QueuedConnection);
    };
    m_thread = std::jthread([this, job = std::move(job), post](std::stop_token stop) {
        QString message, errorTitle, error;
        bool cancelled = false;
        try {
            // The search's own connection; closed (and its journal written back) before the
            // end is reported, so the window never waits for it.
            store::Workspace workspace = store::Workspace::open(job.path.toStdString());
            codesign::SessionOptions options;
            options.dataDir = job.dataDir;
            options.writer = "the GUI's Search panel";
            options.threads = job.threads > 0 ? job.threads : std::max(1, int(std::thread::hardware_concurrency()) - 1);
            // Issue 14: a new mixed search's measured devices from the presets, as `tcw search`
            // gives them (an id that is no preset is the workspace's own); a resumed one reads
            // the profiles it saved in the workspace.
            if (job.config)
                options.deviceProfiles = devices::presetProfiles(job.config->targets.devices, job.dataDir);
            codesign::SearchSession session = job.config
                                                  ? codesign::SearchSession::start(workspace, *job.config, options)
                                                  : codesign::SearchSession::resume(workspace, options);
            const search::SearchConfig& c = session.config();
            const QString description =
                tr("search %1: %2 on %3 × %4, budget %5, seed %6; accuracy %7")
                    .arg(session.searchId())
                    .arg(QString::fromStdString(c.algorithm), QString::fromStdString(c.modelSpaceName),
                         QString::fromStdString(c.acceleratorSpaceName))
                    .arg(c.budget)
                    .arg(c.seed)
                    .arg(QString::fromStdString(session.accuracyDescription())) +
                (c.targets.devices.empty()
                     ? QString()
                     : tr("; measured devices %1")
                           .arg(QString::fromStdString(std::accumulate(
                               std::next(c.targets.devices.begin()), c.targets.devices.end(), c.targets.devices.front(),
                               [](std::string a, const std::string& b) { return a + ", " + b; }))));
            if (!job.config)
                post([this, c] { emit resumedWith(c); });
            post([this, id = session.searchId(), budget = c.budget, stored = session.storedTrials(), description,
                  weighted = c.objectives.scalarisation == search::Scalarisation::WeightedSum] {
                onStarted(id, budget, stored, description, weighted);
            });
            // Reports are coalesced: a fast search reports over a thousand trials a second, and
            // one queued call each would keep the event loop busy. The worker leaves the latest
            // report in a mailbox and posts only when the mailbox was empty; the GUI thread
            // takes whatever is there when it gets to it (the hypervolume curve gets a point
            // per take, not per trial, when the window is slower than the search). Reports of
            // replayed rounds (a resumed search) are all kept: they are the curve's history.
            struct Mailbox {
                std::mutex mutex;
                std::vector<search::SearchProgress> reports; // replayed rounds, then the latest
            };
            auto mailbox = std::make_shared<Mailbox>();
            const search::SearchOutcome outcome = session.run(
                stop,
                [&](const search::SearchProgress& p) {
                    bool wasEmpty = false;
                    {
                        std::lock_guard lock(mailbox->mutex);
                        wasEmpty = mailbox->reports.empty();
                        if (!wasEmpty && !mailbox->reports.back().replaying)
                            mailbox->reports.back() = p;
                        else
                            mailbox->reports.push_back(p);
                    }
                    if (wasEmpty)
                        post([this, mailbox] {
                            std::vector<search::SearchProgress> reports;
                            {
                                std::lock_guard lock(mailbox->mutex);
                                reports.swap(mailbox->reports);
                            }
                            for (const search::SearchProgress& report : reports)
                                onProgress(report);
                        });
                },
                &m_control);
            cancelled = outcome.cancelled;
            const QString figures = tr("%1, hypervolume %2, %3 on the front")
                                        .arg(countOf(int(outcome.trials.size()), tr("trial"), tr("trials")),
                                             QLocale().toString(outcome.hypervolume, 'f', 4))
                                        .arg(outcome.front.size());
            message = cancelled ? tr("Search %1 stopped: %2 stored; Resume Unfinished Search continues it")
                                      .arg(session.searchId())
                                      .arg(figures)
                      : outcome.stoppedByRule
                          ? tr("Search %1 stopped early (no improvement): %2").arg(session.searchId()).arg(figures)
                          : tr("Search %1 finished: %2").arg(session.searchId()).arg(figures);
        } catch (const codesign::SearchSetupError& e) {
            errorTitle = tr("Cannot start the search");
            error = QString::fromStdString(e.what());
        } catch (const std::exception& e) {
            errorTitle = tr("The search failed");
            error = tr("%1\nEvery finished trial is stored; Resume Unfinished Search continues it.")
                        .arg(QString::fromStdString(e.what()));
        }
        post([this, message, cancelled, errorTitle, error] { onEnded(message, cancelled, errorTitle, error); });
    });
}

void SearchController::onStarted(qint64 searchId, int budget, int storedTrials, const QString& description,
                                 bool weighted) {
    m_searchId = searchId;
    m_progress.budget = budget;
    m_progress.trials = storedTrials;
    m_progress.weighted = weighted;
    if (m_state != State::Stopping)
        setState(m_control.paused() ? State::Paused : State::Running);
    qCInfo(lcSearch).noquote() << tr("Started %1").arg(description);
    emit started(searchId, budget, description);
    emit statusMessage(tr("Started %1").arg(description));
    m_workspace->reloadInBackground(); // the new search in the tree
}

double SearchController::pausedSeconds() const {
    return m_pausedSeconds + (m_pauseClock.isValid() ? m_pauseClock.elapsed() / 1000.0 : 0.0);
}

void SearchController::onProgress(const search::SearchProgress& p) {
    const bool grew = p.trials > m_progress.trials;
    m_progress.trials = p.trials;
    m_progress.budget = p.budget;
    m_progress.hypervolume = p.hypervolume;
    m_progress.bestScore = p.bestScore;
    m_progress.frontSize = p.frontSize;
    m_progress.replaying = p.replaying;
    // Time left at this run's rate of evaluation, pauses left out.
    const double active = std::max(0.0, p.elapsedSeconds - pausedSeconds());
    m_progress.etaSeconds =
        p.evaluatedThisRun > 0 && active > 0 ? (p.budget - p.trials) * active / p.evaluatedThisRun : -1.0;
    emit progressed(m_progress);
    if (grew && !m_reloadTimer->isActive())
        m_reloadTimer->start(); // new evaluations into the explorer, a few times a second at most
}

void SearchController::onEnded(const QString& message, bool cancelled, const QString& errorTitle,
                               const QString& error) {
    if (m_thread.joinable())
        m_thread.join(); // it has reported its end: nothing is left to wait for
    m_pauseClock.invalidate();
    m_control.resume();
    m_reloadTimer->stop();
    setState(m_workspace->isOpen() ? State::Idle : State::NoWorkspace);
    if (m_workspace->isOpen())
        m_workspace->reloadInBackground(); // the last trials and the search's status
    refreshUnfinished();
    if (!error.isEmpty()) {
        qCWarning(lcSearch).noquote() << errorTitle << error;
        emit failed(errorTitle, error);
        emit finished(error, true);
        return;
    }
    qCInfo(lcSearch).noquote() << message;
    emit statusMessage(message);
    emit finished(message, cancelled);
}

void SearchController::pause() {
    if (m_state != State::Running && m_state != State::Starting)
        return; // while starting: held before the first evaluation
    m_control.pause();
    m_pauseClock.start();
    setState(State::Paused);
    emit statusMessage(tr("Search paused: evaluations already running finish and are stored"));
}

void SearchController::resume() {
    if (m_state != State::Paused)
        return;
    if (m_pauseClock.isValid())
        m_pausedSeconds += m_pauseClock.elapsed() / 1000.0;
    m_pauseClock.invalidate();
    m_control.resume();
    setState(State::Running);
    emit statusMessage(tr("Search resumed"));
}

void SearchController::stop() {
    if (!isActive() || m_state == State::Stopping)
        return;
    m_thread.request_stop(); // also wakes a paused search
    setState(State::Stopping);
    emit statusMessage(tr("Stopping the search after the evaluations under way…"));
}

void SearchController::stopAndWait() {
    if (!isActive())
        return;
    ++m_run; // its queued reports no longer matter
    m_thread.request_stop();
    m_thread.join();
    m_pauseClock.invalidate();
    m_control.resume();
    m_reloadTimer->stop();
    const QString message = tr("Search stopped; its trials are stored and it can be resumed");
    qCInfo(lcSearch).noquote() << message;
    setState(m_workspace->isOpen() ? State::Idle : State::NoWorkspace);
    refreshUnfinished();
    emit finished(message, true);
}

} // namespace tcw::app
