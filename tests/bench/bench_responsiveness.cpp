// GUI-thread responsiveness while long jobs run, offscreen, in the real main window: a 2 ms
// timer on the GUI thread records the gap between its ticks (an update's handling, repaints
// and model refreshes all happen between two ticks, so a gap is how long the window could
// not react). Two scenarios, each for SECONDS (default 20):
//   training — a pair (BERT-Mini on the edge accelerator) trains on ListOps with a report
//              every step, the most reports the Training panel can get; also the time of
//              each update's handling alone;
//   search   — an NSGA-II search (predicted accuracy) runs on a copy of the example workspace
//              (2,000 designs) from the Search panel, its trials streaming into the Pareto
//              plot and the table through the throttled background reloads.
// Target: worst gap < 50 ms. Prints median, 99th percentile and worst gap per scenario. The
// machine may be shared: run it when quiet (uptime is printed). Usage:
//   bench_responsiveness [SECONDS] [training|search|both]
#include "io/files.h"
#include "io/formats.h"
#include "main_window.h"
#include "panels/search_panel.h"
#include "panels/training_panel.h"
#include "search_controller.h"
#include "store/workspace.h"
#include "training_controller.h"
#include "workspace_controller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using namespace tcw;

namespace {

// Records the gaps between the ticks of a 2 ms timer on the GUI thread.
class EventLoopProbe {
public:
    EventLoopProbe() {
        m_tick.setInterval(2);
        m_tick.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_tick, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double gap = static_cast<double>(now - m_last) / 1e6;
            m_gapsMs.push_back(gap);
            if (gap > m_worstMs) {
                m_worstMs = gap;
                m_worstAtSeconds = static_cast<double>(now) / 1e9;
            }
            m_last = now;
        });
    }
    void start() {
        m_clock.start();
        m_last = 0;
        m_tick.start();
    }
    void stop() { m_tick.stop(); }
    const std::vector<double>& gapsMs() const { return m_gapsMs; }
    double worstAtSeconds() const { return m_worstAtSeconds; }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gapsMs;
    double m_worstMs = 0, m_worstAtSeconds = 0;
};

void report(const char* what, std::vector<double> v) {
    if (v.empty()) {
        std::printf("%-40s no samples\n", what);
        return;
    }
    std::sort(v.begin(), v.end());
    std::printf("%-40s n=%-6zu median %7.2f ms  p99 %7.2f ms  worst %7.2f ms\n", what, v.size(), v[v.size() / 2],
                v[std::min(v.size() - 1, v.size() * 99 / 100)], v.back());
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string one, five;
    in >> one >> five;
    return one + " (1 min), " + five + " (5 min)";
}

bool openIn(app::MainWindow& window, const QString& path) {
    QSignalSpy opened(window.controller(), &app::WorkspaceController::workspaceOpened);
    window.controller()->openWorkspace(path);
    return opened.wait(60000);
}

int benchTraining(double seconds, const QString& dir) {
    const QString path = dir + "/training.tcw";
    qint64 pair = 0;
    {
        store::Workspace ws = store::Workspace::create(path.toStdString());
        const std::filesystem::path data = TCW_SOURCE_DATA_DIR;
        const io::CodesignPair p{"bert-mini on edge", *io::resolveTransformer("bert-mini", data),
                                 io::resolveAccelerator("edge", data)->spec};
        pair = ws.addDesign("bert-mini on edge", store::DesignKind::Pair, io::canonicalJson(p));
    }
    app::MainWindow window;
    window.setInteractive(false);
    window.resize(1400, 900);
    window.show();
    if (!openIn(window, path))
        return 1;
    window.controller()->selectDesign(pair);
    window.showView(QStringLiteral("training"));
    codesign::TrainingRequest r;
    r.data.name = "listops";
    r.data.maxTrain = 4096;
    r.data.maxTest = 256;
    r.steps = 100000;
    r.batch = 16;
    r.logEverySteps = 1; // a report every step
    r.tauActivation = 0.02f;
    r.tauGradient = 1e-4f;
    r.threads = 1;
    window.trainingPanel()->setRequest(r);
    QTest::qWait(1000); // the window's first layout and paint are not the run's

    // The panel's handling of each update, timed: the window's connection is replaced by one
    // that calls the same slot between two clock reads.
    std::vector<double> handlingMs;
    widgets::TrainingPanel* panel = window.trainingPanel();
    QObject::disconnect(window.training(), &app::TrainingController::updated, panel,
                        &widgets::TrainingPanel::applyUpdate);
    QObject::connect(window.training(), &app::TrainingController::updated, panel,
                     [&handlingMs, panel](const models::TrainingUpdate& u) {
                         QElapsedTimer t;
                         t.start();
                         panel->applyUpdate(u);
                         handlingMs.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
                     });
    EventLoopProbe probe;
    probe.start();
    if (!window.startTraining()) // inside the measurement: starting must not stall either
        return 1;
    QSignalSpy finished(window.training(), &app::TrainingController::finished);
    QTimer::singleShot(static_cast<int>(seconds * 1000), &window, [&] {
        probe.stop();
        window.training()->stop();
    });
    while (finished.isEmpty())
        finished.wait(600000);
    std::printf("training: %lld steps, a report each (BERT-Mini-sized pair on ListOps, 1 trainer thread)\n",
                static_cast<long long>(window.trainingPanel()->series().step()));
    report("  update handling (GUI thread)", handlingMs);
    report("  event-loop gap during training", probe.gapsMs());
    std::printf("  worst gap at %.2f s of %.0f s\n", probe.worstAtSeconds(), seconds);
    return 0;
}

int benchSearch(double seconds, const QString& dir) {
    const QString path = dir + "/search.tcw";
    const QString example = QStringLiteral(TCW_SOURCE_DATA_DIR) + "/examples/example.tcw";
    if (!QFile::copy(example, path)) {
        std::fprintf(stderr, "cannot copy %s\n", qPrintable(example));
        return 1;
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    app::MainWindow window;
    window.setInteractive(false);
    window.resize(1400, 900);
    window.show();
    if (!openIn(window, path))
        return 1;
    window.showView(QStringLiteral("search"));
    widgets::SearchPanel* panel = window.searchPanel();
    panel->setAlgorithm(QStringLiteral("nsga2"));
    panel->setBudget(100000);
    panel->setSeed(3);
    QTest::qWait(1000);
    const std::size_t designsBefore = static_cast<std::size_t>(window.controller()->designModel()->rowCount());

    std::vector<double> progressMs;
    EventLoopProbe probe;
    probe.start();
    QSignalSpy finished(window.searches(), &app::SearchController::finished);
    int trials = 0;
    QObject::connect(window.searches(), &app::SearchController::progressed, &window,
                     [&trials](const widgets::SearchPanel::Progress& p) { trials = p.trials; });
    panel->startAction()->trigger();
    QTimer::singleShot(static_cast<int>(seconds * 1000), &window, [&] {
        probe.stop();
        window.searches()->stop();
    });
    while (finished.isEmpty())
        finished.wait(600000);
    QTest::qWait(1000); // the last background reload
    const std::size_t designsAfter = static_cast<std::size_t>(window.controller()->designModel()->rowCount());
    std::printf("search: %d trials (NSGA-II, predicted accuracy, %d evaluation threads); the explorer went from "
                "%zu to %zu designs while it ran\n",
                trials, QThread::idealThreadCount() > 1 ? QThread::idealThreadCount() - 1 : 1, designsBefore,
                designsAfter);
    report("  event-loop gap during search", probe.gapsMs());
    std::printf("  worst gap at %.2f s of %.0f s\n", probe.worstAtSeconds(), seconds);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
    const std::string which = argc > 2 ? argv[2] : "both";
    QTemporaryDir dir;
    std::printf("bench_responsiveness: %.0f s per scenario, 2 ms probe timer; load average %s\n", seconds,
                loadAverage().c_str());
    int status = 0;
    if (which == "training" || which == "both")
        status |= benchTraining(seconds, dir.path());
    if (which == "search" || which == "both")
        status |= benchSearch(seconds, dir.path());
    return status;
}
