// tcw search: co-design search over transformer × accelerator pairs into a workspace, with a
// progress bar showing the hypervolume; --resume continues an interrupted search. tcw pareto:
// a search's front as a table. tcw export: chosen pairs as JSON, CSV or the reference formats.
#include "commands.h"
#include "commands_devices.h"
#include "progress_bar.h"

#include "cluster/mpi_runtime.h"
#include "cluster/remote_accuracy.h"
#include "codesign/search_request.h"
#include "codesign/search_session.h"
#include "codesign/trained_accuracy.h"
#include "devices/device_library.h"
#include "io/csv.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "search/objective_units.h"
#include "search/pareto.h"
#include "store/workspace.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;
using search::Metric;

struct SearchOptions {
    std::string workspace;
    codesign::SearchRequest request; // what defines a new search
    int threads = 0;
    bool resume = false;
    bool quiet = false;
    bool sync = false; // under MPI: commit each round in position order
    bool resumeIfUnfinished = false;
    bool printConfig = false;             // print the configuration the options build, and stop (no workspace needed)
    std::string targets;                  // devices:… — a model × device search (issue 14)
    std::optional<double> peakPowerLimit; // W, with --targets
    std::string deviceObjective = "edgetran";
};

// ---------------------------------------------------------------- formatting

std::string fixed(double v, int digits) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", digits, v);
    return text;
}

// A metric in a readable unit: latency ms, energy mJ, area mm², power W.
std::string metricText(Metric m, double v) {
    switch (m) {
    case Metric::Accuracy:
        return fixed(100 * v, 2) + "%";
    case Metric::Latency:
        return fixed(v * 1e3, 4) + " ms";
    case Metric::DynamicEnergy:
    case Metric::LeakageEnergy:
    case Metric::TotalEnergy:
        return fixed(v / 1e6, 4) + " mJ";
    case Metric::Area:
        return fixed(v, 1) + " mm²";
    case Metric::PeakPower:
        return fixed(v / 1e3, 2) + " W";
    case Metric::Robustness: // an accuracy drop
        return fixed(100 * v, 2) + " pts";
    }
    return fixed(v, 4);
}

std::string objectivesText(const search::ObjectiveConfig& o) {
    std::string text;
    for (std::size_t i = 0; i < o.metrics.size(); ++i) {
        text += (i ? ", " : "") + std::string(search::metricName(o.metrics[i])) +
                (search::isMaximised(o.metrics[i]) ? " ↑" : " ↓");
        if (o.scalarisation == search::Scalarisation::WeightedSum)
            text += " ×" + fixed(o.weights[i], 3);
    }
    text += " (" + std::string(simModeName(o.mode)) + ", " +
            (o.scalarisation == search::Scalarisation::Pareto ? "Pareto" : "weighted sum") + ")";
    for (const auto& c : o.constraints)
        text += "; " + std::string(search::metricName(c.metric)) + (search::isMaximised(c.metric) ? " ≥ " : " ≤ ") +
                fixed(c.bound, 6);
    return text;
}

// Width of text as shown (UTF-8: count code points, not bytes).
std::size_t displayWidth(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

void printTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        width[c] = displayWidth(header[c]);
        for (const auto& r : rows)
            width[c] = std::max(width[c], displayWidth(r[c]));
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string pad(width[c] - displayWidth(cells[c]), ' ');
            const bool last = c + 1 == cells.size();
            out += (c ? "  " : "") +
                   (last ? cells[c] : (c == 0 || c + 1 == cells.size() ? cells[c] + pad : pad + cells[c]));
        }
        std::cout << out << "\n";
    };
    line(header);
    for (const auto& r : rows)
        line(r);
}

// Opens (or, for a new search, creates) the workspace; prints the store's message on failure.
// readOnly: pareto and export, which write nothing (the file is not even switched to WAL).
std::optional<store::Workspace> openWorkspace(const std::string& path, bool create, bool readOnly = false) {
    try {
        std::error_code ec;
        if (create && !fs::exists(path, ec) && !fs::is_symlink(path, ec))
            return store::Workspace::create(path);
        return readOnly ? store::Workspace::openReadOnly(path) : store::Workspace::open(path);
    } catch (const store::WorkspaceError& e) {
        std::cerr << "tcw: " << e.what() << "\n";
        return std::nullopt;
    }
}

// Ctrl-C: a flag set by the handler (async-signal-safe), turned into a stop request by a thread.
volatile std::sig_atomic_t g_interrupted = 0;

class InterruptWatcher {
public:
    InterruptWatcher() {
        g_interrupted = 0;
        std::signal(SIGINT, [](int) { g_interrupted = 1; });
        std::signal(SIGTERM, [](int) { g_interrupted = 1; });
        m_thread = std::jthread([this](std::stop_token done) {
            while (!done.stop_requested()) {
                if (g_interrupted) {
                    m_stop.request_stop();
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
    }
    ~InterruptWatcher() {
        m_thread.request_stop();
        m_thread.join();
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
    std::stop_token token() const { return m_stop.get_token(); }

private:
    std::stop_source m_stop;
    std::jthread m_thread;
};

// ---------------------------------------------------------------- the front as a table

std::vector<int> sortedFront(const codesign::StoredSearch& s) {
    std::vector<int> front = search::paretoFront(s.trials, s.problem);
    // Deterministic order: by the objectives in order (accuracy descending, costs ascending),
    // then by trial position.
    std::sort(front.begin(), front.end(), [&](int a, int b) {
        const auto va = search::minimisedObjectives(s.trials[static_cast<std::size_t>(a)].metrics, s.config.objectives);
        const auto vb = search::minimisedObjectives(s.trials[static_cast<std::size_t>(b)].metrics, s.config.objectives);
        return va != vb ? va < vb : a < b;
    });
    return front;
}

std::string accuracySourceText(const search::PairMetrics& m) {
    std::string text(search::accuracyOriginName(m.accuracyOrigin));
    if (m.accuracyOrigin == search::AccuracyOrigin::Predicted)
        text += " ±" + fixed(100 * m.accuracyStdDev, 2);
    return text.empty() ? "-" : text;
}

// Where a trial's hardware metrics come from: "simulated (elector)", "predicted ±4.00% (…)".
std::string metricsOriginText(const codesign::StoredSearch& s, int position) {
    if (static_cast<std::size_t>(position) >= s.metricsOrigins.size())
        return "-";
    const codesign::MetricsOrigin& o = s.metricsOrigins[static_cast<std::size_t>(position)];
    std::string text(store::metricsProvenanceName(o.provenance));
    if (text.empty())
        return "-";
    if (o.metricsStdDevFraction)
        text += " ±" + fixed(100 * *o.metricsStdDevFraction, 2) + "%";
    return text + " (" + o.costModel + ")";
}

void printFront(const codesign::StoredSearch& s, const std::vector<int>& positions, std::size_t limit) {
    std::vector<std::string> header = {"trial"};
    bool hasAccuracy = false;
    // A union search's latency and energy are per sequence for every kind (objective_units.h).
    const bool perSequence = search::perSequenceObjectives(s.config.targets);
    for (Metric m : s.config.objectives.metrics) {
        header.push_back(std::string(search::metricName(m)) +
                         (search::metricBasis(m, s.config.targets) == "per sequence" ? "/seq" : ""));
        if (m == Metric::Accuracy) {
            header.push_back("source");
            hasAccuracy = true;
        }
    }
    if (!hasAccuracy) {
        header.push_back("accuracy");
        header.push_back("source");
    }
    header.push_back("hardware");
    header.push_back("design");
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < positions.size() && i < limit; ++i) {
        const search::Trial& t = s.trials[static_cast<std::size_t>(positions[i])];
        std::vector<std::string> row = {std::to_string(t.position)};
        for (Metric m : s.config.objectives.metrics) {
            row.push_back(metricText(m, t.metrics.value(m)));
            if (m == Metric::Accuracy)
                row.push_back(accuracySourceText(t.metrics));
        }
        if (!hasAccuracy) {
            row.push_back(metricText(Metric::Accuracy, t.metrics.accuracy));
            row.push_back(accuracySourceText(t.metrics));
        }
        row.push_back(metricsOriginText(s, positions[i]));
        row.push_back(s.problem.space.describe(t.proposal.candidate));
        rows.push_back(std::move(row));
    }
    printTable(header, rows);
    if (positions.size() > limit)
        std::cout << "… " << positions.size() - limit << " more (tcw pareto shows them all)\n";
    if (perSequence)
        std::cout << "/seq: per sequence for every kind (an ELECTOR design's batch latency and energy divided by its "
                     "batch_size; bat designs are costed for one sequence; device rows are per sequence)\n";
}

// ---------------------------------------------------------------- tcw search

// Under mpirun (more than one rank) rank 0 runs the search below — optimiser, simulator,
// the workspace's only writer — and asks the other ranks for accuracies; they run
// cluster::serveSearch. Alone, the same command runs everything in this process.
int runSearchCommand(const SearchOptions& o, const fs::path& dataDir) {
    std::unique_ptr<cluster::Mpi> mpi;
    std::shared_ptr<cluster::RemoteAccuracy> remote;
    if (cluster::launchedWithRanks()) {
        try {
            mpi = std::make_unique<cluster::Mpi>();
        } catch (const std::exception& e) {
            std::cerr << "tcw search: started by mpirun, but MPI cannot start: " << e.what() << "\n";
            return 2;
        }
        if (mpi->rank() != 0)
            return cluster::serveSearch(*mpi);
        remote = std::make_shared<cluster::RemoteAccuracy>(*mpi);
    }
    // Until the workers are set up, any early return must release them.
    struct ReleaseWorkers {
        cluster::Mpi* mpi;
        bool connected = false;
        ~ReleaseWorkers() {
            if (mpi && !connected)
                for (int rank = 1; rank < mpi->size(); ++rank)
                    mpi->send(rank, cluster::kStopTag, {});
        }
    } release{mpi.get()};
    std::error_code ec;
    const bool creating = !o.resume && !fs::exists(o.workspace, ec) && !fs::is_symlink(o.workspace, ec);
    auto workspace = openWorkspace(o.workspace, !o.resume);
    if (!workspace)
        return 2;
    // A search refused before it starts (a bad option, a missing accuracy table…) leaves no
    // file behind: the workspace this command created goes again, with its WAL files.
    struct RemoveIfRefused {
        std::optional<store::Workspace>& workspace;
        const std::string& path;
        bool armed;
        ~RemoveIfRefused() {
            if (!armed)
                return;
            workspace.reset(); // closed before its files go
            std::error_code ignored;
            for (const char* suffix : {"", "-wal", "-shm", "-journal"})
                fs::remove(path + suffix, ignored);
        }
    } removeIfRefused{workspace, o.workspace, creating};
    const bool resume = o.resume || (o.resumeIfUnfinished && codesign::unfinishedSearch(*workspace));
    codesign::SessionOptions sessionOptions;
    sessionOptions.dataDir = dataDir;
    sessionOptions.threads = o.threads;
    sessionOptions.writer = mpi ? "tcw search under mpirun" : "tcw search";
    const int slotsPerWorker = std::max(1, o.threads);
    if (mpi) {
        // Each rank-0 evaluation thread waits for one remote job: one per worker slot.
        sessionOptions.threads = (mpi->size() - 1) * slotsPerWorker;
        sessionOptions.accuracy = remote;
        sessionOptions.commitInOrder = o.sync;
    }
    // Asynchronous across rounds where the optimiser has a steady state (NSGA-II, random);
    // BOSHCODE proposes each step's queries from one surrogate fit, so it waits at its step
    // boundaries and commits each step in position order (no gap a kill could leave).
    auto steady = [&](const std::string& algorithm) { return algorithm == "nsga2" || algorithm == "random"; };
    std::optional<codesign::SearchSession> session;
    try {
        if (resume) {
            if (mpi) // the stored configuration says whether the search runs in steady state
                sessionOptions.commitInOrder = true;
            session.emplace(codesign::SearchSession::resume(*workspace, sessionOptions));
        } else {
            auto built = codesign::buildSearchConfig(o.request, dataDir);
            if (!built.config) {
                std::cerr << "tcw search: " << built.errors.front() << "\n";
                return 2;
            }
            auto& config = built.config;
            config->steadyState = mpi && !o.sync && steady(config->algorithm);
            if (mpi && !config->steadyState)
                sessionOptions.commitInOrder = true;
            if (const auto open = codesign::unfinishedSearch(*workspace))
                std::cerr << "note: search " << open->id << " in " << o.workspace
                          << " did not finish; `tcw search --workspace " << o.workspace
                          << " --resume` continues it. Starting a new search.\n";
            // Issue 14: measured devices in the union come from the shipped presets; an id that is
            // no preset is looked up among the workspace's own profiles (imported, profiled).
            sessionOptions.deviceProfiles = devices::presetProfiles(config->targets.devices, dataDir);
            session.emplace(codesign::SearchSession::start(*workspace, std::move(*config), sessionOptions));
        }
    } catch (const codesign::SearchSetupError& e) {
        std::cerr << "tcw search: " << e.what() << "\n";
        return 2;
    }
    removeIfRefused.armed = false; // the search is stored: the workspace stays, whatever follows
    const search::SearchConfig& c = session->config();
    if (mpi) {
        try {
            cluster::SearchSetup setup;
            setup.config = c;
            setup.inputs = codesign::accuracyInputs(*workspace, c, dataDir);
            setup.slots = slotsPerWorker;
            release.connected = true;
            remote->connect(setup);
        } catch (const std::exception& e) {
            session->markFailed();
            std::cerr << "tcw search: a worker rank cannot run this search: " << e.what() << "\n  search "
                      << session->searchId() << " is stored as failed; --resume takes it up once that is fixed.\n";
            return 2;
        }
    }
    std::cout << (resume ? "resuming search " : "search ") << session->searchId() << " in " << o.workspace << ": "
              << c.algorithm << ", budget " << c.budget << ", seed " << c.seed;
    if (resume)
        std::cout << ", " << session->storedTrials() << " trials already stored";
    std::cout << "\n  spaces      " << c.modelSpaceName << (c.fixedModel ? " (model fixed)" : "") << " × "
              << c.acceleratorSpaceName << (c.fixedAccelerator ? " (accelerator fixed)" : "") << "\n  objectives  "
              << objectivesText(c.objectives) << "\n  accuracy    " << search::accuracySourceKindName(c.accuracy)
              << ": " << session->accuracyDescription() << "\n";
    if (!c.targets.empty()) { // issue 15: the union target dimension
        std::string kinds, precisions;
        for (TargetKind k : c.targets.kinds)
            kinds += (kinds.empty() ? "" : " ∪ ") + std::string(targetKindName(k));
        for (const auto& p : c.targets.precisions)
            precisions += (precisions.empty() ? "" : ", ") + p;
        std::string deviceList;
        for (const auto& d : c.targets.devices)
            deviceList += (deviceList.empty() ? "" : ", ") + d;
        std::cout << "  targets     " << kinds
                  << (c.targets.has(TargetKind::Bat) ? " (bat space " + c.targets.bat.name + ")" : "")
                  << (deviceList.empty() ? "" : " (devices " + deviceList + "; measured, per sequence)")
                  << "\n  precisions  " << (precisions.empty() ? "the model's own" : precisions) << "\n";
    }
    if (std::find(c.objectives.metrics.begin(), c.objectives.metrics.end(), search::Metric::Robustness) !=
        c.objectives.metrics.end()) // issue 15: the objective's definition
        std::cout << "  robustness  " << search::describe(c.robustness) << "\n";
    if (mpi)
        std::cout << "  mpi         " << mpi->size() << " ranks: rank 0 (" << mpi->host()
                  << ") optimises and writes the workspace, " << mpi->size() - 1 << " worker rank(s) × "
                  << slotsPerWorker << " evaluation(s) at once; "
                  << (c.steadyState ? "asynchronous across rounds (steady state)"
                      : o.sync      ? "synchronous"
                                    : "asynchronous within each " + c.algorithm + " step")
                  << "\n";
    std::cout << std::flush;

    InterruptWatcher interrupt;
    ProgressBar bar(c.algorithm);
    auto lastLogLine = std::chrono::steady_clock::now();
    const bool weighted = c.objectives.scalarisation == search::Scalarisation::WeightedSum;
    search::SearchOutcome outcome;
    try {
        outcome = session->run(interrupt.token(), [&](const search::SearchProgress& p) {
            if (o.quiet)
                return;
            std::string extra = "HV " + fixed(p.hypervolume, 4) + "  front " + std::to_string(p.frontSize);
            if (weighted && p.bestScore > -1e8)
                extra += "  best " + fixed(p.bestScore, 5);
            if (p.replaying)
                extra += "  (replaying stored trials)";
            if (remote) {
                const auto load = remote->load();
                const std::string workers = "workers " + std::to_string(load.busy) + " busy / " +
                                            std::to_string(load.slots - load.busy) + " idle  " +
                                            fixed(load.perMinute, 1) + " eval/min";
                extra += "  " + workers;
                // A batch job's log is no terminal, so the bar stays silent: a line a minute.
                const auto now = std::chrono::steady_clock::now();
                if (!isatty(STDERR_FILENO) && now - lastLogLine >= std::chrono::minutes(1)) {
                    lastLogLine = now;
                    std::cout << "[" << formatDuration(p.elapsedSeconds) << "] " << p.trials << "/" << p.budget
                              << " trials  " << workers << "  HV " << fixed(p.hypervolume, 4) << std::endl;
                }
            }
            bar.update(static_cast<std::uint64_t>(p.trials), static_cast<std::uint64_t>(p.budget), extra);
        });
    } catch (const std::exception& e) {
        bar.finish("failed");
        std::cerr << "tcw search: the search failed: " << e.what() << "\n  the " << o.workspace
                  << " workspace keeps every finished trial; --resume continues.\n";
        return 1;
    }
    if (remote) {
        const auto load = remote->load();
        remote->shutdown();
        std::cout << "workers: " << load.finished << " evaluations (" << load.failed << " failed), "
                  << fixed(load.perMinute, 1) << " per minute\n";
    }
    std::string summary = std::to_string(outcome.trials.size()) + " trials, hypervolume " +
                          fixed(outcome.hypervolume, 4) + ", " + std::to_string(outcome.front.size()) + " on the front";
    bar.finish(summary);
    if (outcome.replayMismatches > 0)
        std::cerr << "warning: " << outcome.replayMismatches
                  << " stored trials differ from what the resumed search proposed (kept as stored)\n";
    if (outcome.cancelled) {
        std::cerr << "interrupted: " << outcome.trials.size() << " trials are stored; `tcw search --workspace "
                  << o.workspace << " --resume` continues.\n";
        return 130;
    }
    if (outcome.stoppedByRule)
        std::cout << "stopped early: " << c.patience << " steps without improvement\n";
    const codesign::StoredSearch stored = codesign::readStoredSearch(*workspace, session->searchId());
    if (weighted) {
        int best = -1;
        double bestScore = -std::numeric_limits<double>::infinity();
        for (const auto& t : stored.trials) {
            const double s = search::trialScore(t, stored.problem);
            if (s > bestScore) {
                bestScore = s;
                best = t.position;
            }
        }
        if (best >= 0)
            std::cout << "best weighted score " << fixed(bestScore, 6) << " (trial " << best << ")\n";
    }
    const auto front = sortedFront(stored);
    std::cout << "Pareto front (" << front.size() << " pairs):\n";
    printFront(stored, front, 15);
    return 0;
}

// ---------------------------------------------------------------- tcw pareto / export

struct ReadOptions {
    std::string workspace;
    std::int64_t search = 0; // 0: the latest
};

std::optional<codesign::StoredSearch> readSearch(const ReadOptions& o, int& exitCode) {
    auto workspace = openWorkspace(o.workspace, false, true);
    if (!workspace) {
        exitCode = 2;
        return std::nullopt;
    }
    try {
        return codesign::readStoredSearch(*workspace,
                                          o.search > 0 ? std::optional<std::int64_t>(o.search) : std::nullopt);
    } catch (const codesign::SearchSetupError& e) {
        std::cerr << "tcw: " << o.workspace << ": " << e.what() << "\n";
        exitCode = 2;
        return std::nullopt;
    }
}

int runPareto(const ReadOptions& o) {
    int exitCode = 0;
    const auto s = readSearch(o, exitCode);
    if (!s)
        return exitCode;
    const auto front = sortedFront(*s);
    std::cout << "search " << s->record.id << " (" << s->config.algorithm << ", " << runStatusName(s->record.status)
              << "): " << s->trials.size() << " trials, hypervolume "
              << fixed(search::trialsHypervolume(s->trials, s->problem), 4) << "\n  objectives  "
              << objectivesText(s->config.objectives) << "\nPareto front (" << front.size() << " pairs):\n";
    printFront(*s, front, front.size());
    return 0;
}

struct ExportOptions {
    ReadOptions read;
    std::string selection = "front";
    std::string format = "json";
    std::string out;
    bool force = false; // replace an existing file or folder
};

// Positions chosen by --selection: front, all, best, knee, or trial numbers "3,17,42".
std::optional<std::vector<int>> select(const codesign::StoredSearch& s, const std::string& selection,
                                       std::string& error) {
    if (selection == "all") {
        std::vector<int> all(s.trials.size());
        std::iota(all.begin(), all.end(), 0);
        return all;
    }
    const auto front = sortedFront(s);
    if (selection == "front")
        return front;
    if (selection == "best" || selection == "knee") {
        if (front.empty()) {
            error = "no acceptable trial";
            return std::nullopt;
        }
        if (selection == "best" && s.config.objectives.scalarisation == search::Scalarisation::WeightedSum) {
            int best = front.front();
            for (int p : front)
                if (search::trialScore(s.trials[static_cast<std::size_t>(p)], s.problem) >
                    search::trialScore(s.trials[static_cast<std::size_t>(best)], s.problem))
                    best = p;
            return std::vector<int>{best};
        }
        std::vector<ObjectiveVector> points;
        for (int p : front)
            points.push_back(search::normalisedObjectives(s.trials[static_cast<std::size_t>(p)].metrics,
                                                          s.config.objectives, s.config.box));
        return std::vector<int>{front[kneePoint(points)]};
    }
    std::vector<int> chosen;
    for (const auto& part : codesign::splitList({selection})) {
        try {
            std::size_t used = 0;
            const int p = std::stoi(part, &used);
            if (used != part.size() || p < 0 || p >= static_cast<int>(s.trials.size()))
                throw std::out_of_range(part);
            chosen.push_back(p);
        } catch (const std::exception&) {
            error = "--selection: '" + part + "' is not a trial of this search (0.." +
                    std::to_string(s.trials.size() - 1) + "); or use front, all, best, knee";
            return std::nullopt;
        }
    }
    return chosen;
}

// A design's target as export writes it: "elector", "bat" or "device:ID" (issue 14).
std::string targetLabel(const search::CoDesignSpace& space, const search::Candidate& c) {
    const TargetKind kind = space.targetKind(c);
    return kind == TargetKind::Device ? "device:" + space.device(c) : std::string(targetKindName(kind));
}

int runExport(const ExportOptions& o) {
    // The workspace is an input: never written over, --force or not.
    io::WriteOptions writeOptions;
    writeOptions.overwrite = o.force;
    writeOptions.inputs = {o.read.workspace};
    if (o.format != "reference") { // checked before the work, so a refusal comes at once
        if (const std::string why = io::checkWritable(o.out, writeOptions); !why.empty()) {
            std::cerr << "tcw export: " << o.out << ": " << why << "\n";
            return 2;
        }
    }
    int exitCode = 0;
    const auto s = readSearch(o.read, exitCode);
    if (!s)
        return exitCode;
    std::string error;
    const auto chosen = select(*s, o.selection, error);
    if (!chosen) {
        std::cerr << "tcw export: " << error << "\n";
        return 2;
    }
    const auto& space = s->problem.space;
    // A union search's latency and energy are per sequence for every kind (objective_units.h),
    // and its columns say so; an ELECTOR-only search's are per batch, as they always were.
    const bool perSequence = search::perSequenceObjectives(s->config.targets);
    const std::string per = perSequence ? "_per_sequence" : "";
    if (o.format == "csv") {
        io::CsvRow header = {"trial",
                             "round",
                             "origin",
                             "accuracy",
                             "accuracy_source",
                             "accuracy_stddev",
                             "latency_s" + per,
                             "energy_dynamic_nj" + per,
                             "energy_leakage_nj" + per,
                             "energy_total_nj" + per,
                             "area_mm2",
                             "peak_power_mw",
                             "feasible",
                             "provenance",
                             "cost_model",
                             "model_encoding",
                             "accelerator_encoding",
                             "design",
                             "target"}; // issue 14: elector, bat or device:ID
        std::vector<io::CsvRow> rows;
        auto num = [](double v) {
            char text[40];
            std::snprintf(text, sizeof text, "%.17g", v);
            return std::string(text);
        };
        for (int p : *chosen) {
            const auto& t = s->trials[static_cast<std::size_t>(p)];
            const auto& m = t.metrics;
            // A measured device has no area and no split of its energy: those cells stay empty.
            const bool device = space.targetKind(t.proposal.candidate) == TargetKind::Device;
            const auto known = [&](double v) { return device ? std::string() : num(v); };
            rows.push_back({std::to_string(t.position), std::to_string(t.round), t.proposal.origin, num(m.accuracy),
                            std::string(search::accuracyOriginName(m.accuracyOrigin)), num(m.accuracyStdDev),
                            num(m.latencySeconds), known(m.dynamicEnergyNJ), known(m.leakageEnergyNJ),
                            num(m.totalEnergyNJ()), known(m.areaMM2), num(m.peakPowerMW), m.feasible ? "1" : "0",
                            std::string(store::metricsProvenanceName(s->metricsOrigins[std::size_t(p)].provenance)),
                            s->metricsOrigins[std::size_t(p)].costModel, io::intListJson(t.proposal.candidate.model),
                            io::intListJson(t.proposal.candidate.accelerator), space.describe(t.proposal.candidate),
                            targetLabel(space, t.proposal.candidate)});
        }
        const auto errors = io::writeCsv(o.out, header, rows, writeOptions);
        if (!errors.ok()) {
            std::cerr << errors.toString() << "\n";
            return 1;
        }
    } else if (o.format == "json") {
        using Json = nlohmann::ordered_json;
        Json pairs = Json::array();
        for (int p : *chosen) {
            const auto& t = s->trials[static_cast<std::size_t>(p)];
            const auto& m = t.metrics;
            Json metrics = {{"accuracy", m.accuracy},
                            {"accuracySource", search::accuracyOriginName(m.accuracyOrigin)},
                            {"accuracyStdDev", m.accuracyStdDev},
                            {"accuracyDetail", m.accuracyDetail},
                            {"cycles", m.cycles},
                            {"latencySeconds", m.latencySeconds},
                            {"energyDynamicNJ", m.dynamicEnergyNJ},
                            {"energyLeakageNJ", m.leakageEnergyNJ},
                            {"energyTotalNJ", m.totalEnergyNJ()},
                            {"areaMM2", m.areaMM2},
                            {"peakPowerMW", m.peakPowerMW},
                            {"feasible", m.feasible}};
            if (space.targetKind(t.proposal.candidate) == TargetKind::Device) {
                // Issue 14: a measured device reports no cycles, no area and its energy as the
                // whole device's total only: those values are absent, not zero.
                for (const char* absent : {"cycles", "energyDynamicNJ", "energyLeakageNJ", "areaMM2"})
                    metrics.erase(absent);
            }
            if (perSequence) {
                // Latency and energy per sequence; an ELECTOR design's cycles are of its batch.
                metrics["basis"] = "per sequence";
                const Target target = space.target(t.proposal.candidate);
                if (target.elector()) {
                    metrics["batchSize"] = search::sequencesPerEvaluation(target);
                    if (metrics.contains("cycles")) {
                        metrics["batchCycles"] = m.cycles;
                        metrics.erase("cycles");
                    }
                }
            }
            metrics["target"] = targetLabel(space, t.proposal.candidate);
            const codesign::MetricsOrigin& origin = s->metricsOrigins[static_cast<std::size_t>(p)];
            metrics["provenance"] = store::metricsProvenanceName(origin.provenance);
            metrics["costModel"] = origin.costModel;
            if (origin.metricsStdDevFraction)
                metrics["metricsStdDevFraction"] = *origin.metricsStdDevFraction;
            pairs.push_back(
                {{"trial", t.position},
                 {"round", t.round},
                 {"origin", t.proposal.origin},
                 {"encoding", t.proposal.candidate.joined()},
                 {"metrics", std::move(metrics)},
                 {"pair", Json::parse(io::pairJson(
                              space.model(t.proposal.candidate), space.target(t.proposal.candidate),
                              "search " + std::to_string(s->record.id) + " trial " + std::to_string(t.position)))}});
        }
        Json doc = {{"schemaVersion", 1},
                    {"kind", "searchExport"},
                    {"search", {{"id", s->record.id}, {"algorithm", s->config.algorithm}, {"seed", s->config.seed}}},
                    {"selection", o.selection},
                    {"pairs", std::move(pairs)}};
        const auto errors = io::writeTextFile(o.out, doc.dump(2) + "\n", writeOptions);
        if (!errors.ok()) {
            std::cerr << errors.toString() << "\n";
            return 1;
        }
    } else { // reference: a model dict and an AccelTran config per pair, in the folder OUT
        // Every file is made first; the folder is written beside OUT and renamed into place.
        std::vector<std::pair<std::string, std::string>> files;
        for (int p : *chosen) {
            const auto& t = s->trials[static_cast<std::size_t>(p)];
            if (space.targetKind(t.proposal.candidate) != TargetKind::Elector) {
                std::cerr << "tcw export: trial " << t.position << " runs on a "
                          << targetKindName(space.targetKind(t.proposal.candidate))
                          << " target, which has no AccelTran configuration; export it with --format json\n";
                return 1;
            }
            TransformerSpec model = space.model(t.proposal.candidate);
            model.name = "trial_" + std::to_string(t.position);
            AcceleratorSpec accelerator = space.accelerator(t.proposal.candidate);
            accelerator.name = model.name;
            const io::Written dict = io::formatDocument(io::Document{model}, io::FileFormat::ModelDict);
            const io::Written yaml =
                io::formatDocument(io::Document{io::AcceleratorFile{accelerator, {}}}, io::FileFormat::AcceltranConfig);
            for (const auto* written : {&dict, &yaml})
                if (!written->ok()) {
                    std::cerr << io::FileErrors{model.name, written->errors}.toString() << "\n";
                    return 1;
                }
            files.emplace_back(model.name + "_model.json", dict.text);
            files.emplace_back(model.name + "_accelerator.yaml", yaml.text);
        }
        if (const std::string failed = io::writeFolderAtomically(o.out, files, writeOptions); !failed.empty()) {
            std::cerr << "tcw export: " << failed << "\n";
            return 1;
        }
    }
    std::cout << "exported " << chosen->size() << " pair" << (chosen->size() == 1 ? "" : "s") << " of search "
              << s->record.id << " to " << o.out << " (" << o.format << ")\n";
    return 0;
}

} // namespace

void addSearchCommands(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<SearchOptions>();
    SearchOptions& o = *options;
    codesign::SearchRequest& r = o.request;
    CLI::App* search = app.add_subcommand(
        "search", "Co-design search of transformer × accelerator pairs (BOSHCODE, NSGA-II, random) into a workspace.");
    search->add_option("--workspace", o.workspace,
                       "workspace file (.tcw); created when missing (required unless --targets)");
    search->add_option(
        "--targets", o.targets,
        "target kinds searched together: elector, bat or elector,bat (a categorical dimension plus each kind's "
        "own space; docs/search.md), and measured devices with them, last: elector,devices:edgetran, "
        "elector,bat,devices:ID,ID… (per-sequence costs by the measured cost model; area is refused); or models "
        "× measured devices alone: devices:edgetran, devices:all, "
        "devices:ID,ID… (docs/devices.md), which prints the front, and with --workspace stores every pair as a "
        "trial (--resume continues an unfinished one)");
    search
        ->add_option("--precisions", r.precisions,
                     "model-wide precisions searched: f32, w1a1, w1a8, w2a8, w8a8, … (tcw train --precision); "
                     "other than f32 needs --accuracy trained")
        ->delimiter(',');
    search->add_option("--bat-space", r.batSpace, "with --targets …bat: the BAT-class space, name or file")
        ->capture_default_str();
    search
        ->add_option("--robustness-kind", r.robustnessKind,
                     "objective robustness (needs --accuracy trained): bitflip (stored weight bits flip at "
                     "--robustness-rate) or noise (Gaussian noise of --robustness-sigma × each activation "
                     "vector's RMS on the linear-layer inputs)")
        ->check(CLI::IsMember({"bitflip", "noise"}))
        ->capture_default_str();
    search
        ->add_option("--robustness-rate", r.robustnessRate,
                     "robustness bitflip: accuracy drop when each stored bit of the encoder weights flips with "
                     "this probability")
        ->capture_default_str();
    search
        ->add_option("--robustness-sigma", r.robustnessSigma,
                     "robustness noise: the noise's standard deviation relative to each activation vector's RMS")
        ->capture_default_str();
    search->add_option("--robustness-seeds", r.robustnessSeeds, "objective robustness: flip or noise patterns averaged")
        ->capture_default_str();
    search->add_option("--peak-power-limit", o.peakPowerLimit,
                       "with --targets: pairs above this peak power (W) are "
                       "infeasible");
    search
        ->add_option("--device-objective", o.deviceObjective,
                     "with --targets: the scalar objective reported beside "
                     "the Pareto front")
        ->check(CLI::IsMember({"edgetran"}))
        ->capture_default_str();
    search->add_option("--algorithm", r.algorithm, "boshcode | nsga2 | random")
        ->check(CLI::IsMember({"boshcode", "nsga2", "random"}))
        ->capture_default_str();
    search->add_option("--budget", r.budget, "evaluations in all (stored ones included)")
        ->check(CLI::Range(1, 10'000'000))
        ->capture_default_str();
    search
        ->add_option("--objectives", r.objectives,
                     "comma-separated: accuracy, latency, dynamic-energy, leakage-energy, energy, area, power, "
                     "robustness (default accuracy,latency,energy,area)")
        ->delimiter(',');
    search
        ->add_option("--weights", r.weights,
                     "one weight per objective (a weighted sum instead of a Pareto search), or 'transcode' for "
                     "TransCODE's reference objective 0.5·acc + 0.1·latency + 0.2·dynamic + 0.1·leakage energy")
        ->delimiter(',');
    search->add_option("--normalisers", r.normalisers, "weighted sum: 1 − value / normaliser per cost objective")
        ->delimiter(',');
    search->add_option("--constraint", r.constraints,
                       "accuracy>=A, latency<=L (s), area<=A (mm²), power<=P (mW), energy<=E (nJ); repeatable");
    search->add_option("--mode", r.mode, "costs of inference or training")
        ->check(CLI::IsMember({"inference", "training"}))
        ->capture_default_str();
    search
        ->add_option("--accuracy", r.accuracy,
                     "predicted (a surrogate fit on --accuracy-table), imported (the table's score for the models "
                     "it lists, predicted otherwise) or trained (DynaProp on --data)")
        ->check(CLI::IsMember({"predicted", "imported", "trained"}))
        ->capture_default_str();
    search
        ->add_option("--accuracy-table", r.accuracyTable,
                     "predictor's table: a bundled name (data/accuracy), a JSON file, or 'workspace' (the "
                     "workspace's training runs on --data)")
        ->capture_default_str();
    search->add_option("--model-space", r.modelSpace, "transformer space: name (flexibert2, laptop) or file")
        ->capture_default_str();
    search->add_option("--accelerator-space", r.acceleratorSpace, "accelerator space: name (elector) or file")
        ->capture_default_str();
    search->add_option("--fix-model", r.fixModel, "search accelerators for this model (preset or file)");
    search->add_option("--fix-accelerator", r.fixAccelerator, "search models for this accelerator (preset or file)");
    search->add_option("--cost-model", r.costModel, "elector | acceltran-fast")
        ->check(CLI::IsMember({"elector", "acceltran-fast"}))
        ->capture_default_str();
    search->add_option("--seq", r.sequenceLength, "simulated sequence length (default 128, or the data set's)");
    search->add_option("--vocab", r.vocabulary, "simulated vocabulary size");
    search->add_option("--classes", r.classes, "simulated classifier outputs");
    search->add_option("--data", r.data, "trained accuracy: fashion-mnist | listops")->capture_default_str();
    search->add_option("--data-dir", r.dataDir, "Fashion-MNIST directory (default: the Debian package's)");
    search->add_option("--patch", r.patch, "Fashion-MNIST patch side")->capture_default_str();
    search->add_option("--train-steps", r.trainSteps, "optimizer steps per trained model")->capture_default_str();
    search->add_option("--train-batch", r.trainBatch, "training batch size")->capture_default_str();
    search->add_option("--train-lr", r.trainLearningRate, "peak learning rate")->capture_default_str();
    search->add_option("--tau-act", r.tauAct, "DynaProp τ_I for training")->capture_default_str();
    search->add_option("--tau-grad", r.tauGrad, "DynaProp τ_T for training")->capture_default_str();
    search->add_option("--train-seed", r.trainSeed, "seed of every training run")->capture_default_str();
    search->add_option("--max-train", r.maxTrain, "training examples (0 = all)")->capture_default_str();
    search->add_option("--max-test", r.maxTest, "test examples (0 = all)")->capture_default_str();
    search->add_option("--initial", r.initial, "BOSHCODE: initial pairs (TransCODE: 256 = 16 models × 16 accelerators)")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    search->add_option("--queries", r.queries, "BOSHCODE: pairs proposed per step")->capture_default_str();
    search->add_option("--candidates", r.candidates, "BOSHCODE: random candidates per step")->capture_default_str();
    search->add_option("--patience", r.patience, "BOSHCODE: steps without improvement before stopping (0: never)")
        ->capture_default_str();
    search->add_option("--population", r.population, "NSGA-II population size")->capture_default_str();
    search->add_option("--seed", r.seed, "random seed")->capture_default_str();
    search
        ->add_option("--threads", o.threads,
                     "evaluation threads (0 = all cores); under mpirun: evaluations each worker rank runs at once "
                     "(0 = 1)")
        ->capture_default_str();
    search->add_flag("--sync", o.sync,
                     "under mpirun: round by round, each round's trials committed in position order (the workspace "
                     "then matches a one-process run row for row); without it NSGA-II and random search run "
                     "asynchronously across rounds (steady state: a finished worker gets the next candidate at once)");
    search->add_flag("--resume", o.resume, "continue the workspace's unfinished search with its stored configuration");
    search->add_flag("--resume-if-unfinished", o.resumeIfUnfinished,
                     "continue the workspace's unfinished search if it has one, else start this one (job scripts "
                     "that may be requeued)");
    search->add_flag("--quiet", o.quiet, "no progress bar");
    search->add_flag("--print-config", o.printConfig,
                     "print the configuration these options build (JSON, as a search stores it before it adds the "
                     "accuracy table's hash and the hypervolume box) or every problem with them, and exit without "
                     "searching");
    search->callback([options, &context] {
        if (!options->targets.empty() && !options->targets.starts_with("device")) {
            options->request.targets = options->targets; // elector, bat: the co-design search's kinds
        } else if (!options->targets.empty()) {
            const std::string list = options->targets + ",";
            for (const char* kind : {",elector,", ",bat,"}) // issue 14: a mixed list puts the devices last
                if (list.find(kind) != std::string::npos) {
                    std::cerr << "tcw search: --targets: the device set comes last in a mixed search, e.g. "
                                 "elector,bat,devices:edgetran (got '"
                              << options->targets << "')\n";
                    context.exitCode = 2;
                    return;
                }
            DeviceSearchOptions d{options->targets,        options->request.budget, options->request.seed,
                                  options->peakPowerLimit, options->workspace,      options->resume};
            context.exitCode = runDeviceSearch(d, io::findDataDir(context.executablePath));
            return;
        }
        if (options->printConfig) {
            const auto built = codesign::buildSearchConfig(options->request, io::findDataDir(context.executablePath));
            for (const std::string& error : built.errors)
                std::cerr << "tcw search: " << error << "\n";
            if (built.config)
                std::cout << io::searchConfigJson(*built.config) << "\n";
            context.exitCode = built.config ? 0 : 2;
            return;
        }
        if (options->workspace.empty()) {
            std::cerr << "tcw search: --workspace is required (or --targets devices:… for a device search)\n";
            context.exitCode = 2;
            return;
        }
        context.exitCode = runSearchCommand(*options, io::findDataDir(context.executablePath));
    });

    auto read = std::make_shared<ReadOptions>();
    CLI::App* pareto = app.add_subcommand("pareto", "Print a search's Pareto front as a table (deterministic order).");
    pareto->add_option("workspace", read->workspace, "workspace file (.tcw)")->required();
    pareto->add_option("--search", read->search, "search id (default: the latest)");
    pareto->callback([read, &context] { context.exitCode = runPareto(*read); });

    auto exportOptions = std::make_shared<ExportOptions>();
    CLI::App* exporter = app.add_subcommand("export", "Write pairs of a search as JSON, CSV or the reference formats.");
    exporter->add_option("workspace", exportOptions->read.workspace, "workspace file (.tcw)")->required();
    exporter->add_option("--search", exportOptions->read.search, "search id (default: the latest)");
    exporter->add_option("--selection", exportOptions->selection, "front | all | best | knee | trial numbers 3,17,42")
        ->capture_default_str();
    exporter
        ->add_option("--format", exportOptions->format,
                     "json (one document), csv, or reference (a folder of model dicts + AccelTran YAML)")
        ->check(CLI::IsMember({"json", "csv", "reference"}))
        ->capture_default_str();
    exporter->add_option("--out", exportOptions->out, "output file (json, csv) or folder (reference)")->required();
    exporter->add_flag("--force", exportOptions->force,
                       "replace an existing output file or folder (never the workspace itself)");
    exporter->callback([exportOptions, &context] { context.exitCode = runExport(*exportOptions); });
}

} // namespace tcw::cli
