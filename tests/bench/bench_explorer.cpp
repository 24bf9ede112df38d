// Explorer responsiveness, offscreen: (1) from an accelerator edit in the editor to updated
// metrics (editor, detail summary) and the what-if point with its dominance status against
// 100,000 plotted designs, painted; (2) the frame time of panning and zooming the Pareto plot
// of 100,000 points (each frame re-stamps every point). Targets: < 50 ms and < 33 ms. Prints
// medians and 95th percentiles of wall time (the machine may be shared).
#include "editors/accelerator_editor.h"
#include "models/design_proxy_model.h"
#include "models/design_table_model.h"
#include "models/edit_session.h"
#include "models/explorer_settings.h"
#include "plots/pareto_plot_view.h"
#include "plots/scatter_plot.h"

#include "design/design_space.h"
#include "io/files.h"

#include <QApplication>
#include <QItemSelectionModel>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

using namespace tcw;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kDesigns = 100000;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Stats {
    double median = 0, p95 = 0;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)]};
}

// 100,000 evaluated designs spread as a search's are: costs log-normal over decades,
// accuracy 70–84 % loosely against latency, a few infeasible.
std::vector<store::DesignSummary> syntheticDesigns(int n) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> gauss;
    std::vector<store::DesignSummary> designs(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        store::DesignSummary& d = designs[std::size_t(i)];
        d.design.id = i + 1;
        d.design.name = "design " + std::to_string(i + 1);
        d.design.kind = store::DesignKind::Pair;
        store::EvaluationRecord e;
        e.designId = d.design.id;
        const double size = gauss(rng);
        e.latencySeconds = 1e-3 * std::exp(1.5 * gauss(rng) + 0.8 * size);
        e.energyDynamicNJ = 5e7 * std::exp(1.2 * gauss(rng) + 0.8 * size);
        e.energyLeakageNJ = 0.3 * *e.energyDynamicNJ;
        e.areaMM2 = 200 * std::exp(0.9 * gauss(rng));
        e.peakPowerMW = 1e5 * std::exp(0.7 * gauss(rng));
        e.accuracy = std::clamp(0.77 + 0.015 * size + 0.015 * gauss(rng), 0.70, 0.84);
        e.accuracySource = store::AccuracySource::Predicted;
        e.feasible = rng() % 50 != 0;
        d.latest = e;
    }
    return designs;
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);

    models::DesignTableModel model;
    model.setDesigns(syntheticDesigns(kDesigns));
    models::DesignProxyModel proxy;
    proxy.setSourceModel(&model);
    QItemSelectionModel selection(&model);
    models::ExplorerSettings settings;
    model.setFront(settings.xObjective(), settings.yObjective(), settings.bounds());

    widgets::ParetoPlotView view(&model, &proxy, &selection, &settings);
    view.resize(1100, 760);
    view.show();
    QCoreApplication::processEvents();
    widgets::ScatterPlot* plot = view.plot();
    plot->repaint();

    // ---- (1) edit → metrics and what-if point --------------------------------------------
    const std::filesystem::path data = io::findDataDir();
    models::EditSession session;
    widgets::AcceleratorEditor editor(&session);
    editor.resize(520, 900);
    editor.show();
    QObject::connect(&session, &models::EditSession::evaluated, &view, [&] {
        view.setWhatIf(session.currentEvaluation().record, session.startEvaluation().record);
        editor.setDominance(view.whatIfStatus(), view.whatIfDominance().joinsFront);
    });
    // A BERT-Base-sized co-design from the spaces the example uses.
    const auto model12 = io::resolveTransformer("bert-base", data);
    const auto accelerator = io::resolveAccelerator("server", data);
    if (!model12 || !accelerator) {
        std::fprintf(stderr, "bench_explorer: the bundled presets were not found (set TCW_DATA_DIR)\n");
        return 2;
    }
    session.begin(1, io::CodesignPair{"bert-base on server", *model12, accelerator->spec}, SimOptions{}, std::nullopt);
    QCoreApplication::processEvents();

    const std::vector<int> peChoices = {64, 128, 256, 512, 1024};
    std::vector<double> editMs, simulateMs;
    for (int i = 0; i < 60; ++i) {
        const int pes = peChoices[std::size_t(i) % peChoices.size()];
        const auto start = Clock::now();
        editor.edit(*findField(fieldsOf(TargetKind::Elector), "peCount"), pes); // command → simulate → editor, what-if
        plot->repaint();                                                        // the what-if point on screen
        editor.repaint();                                                       // the metrics on screen
        editMs.push_back(msSince(start));
        simulateMs.push_back(session.currentEvaluation().evaluationMs);
    }
    const Stats edit = stats(editMs);
    const Stats sim = stats(simulateMs);
    std::printf("edit → metrics + what-if (BERT-Base on server, %d designs plotted): median %.2f ms, p95 %.2f ms "
                "(target < 50 ms; of which simulation %.3f ms)\n",
                kDesigns, edit.median, edit.p95, sim.median);

    // ---- (2) pan / zoom frames on 100,000 points ------------------------------------------
    std::vector<double> panMs, zoomMs;
    for (int i = 0; i < 60; ++i) {
        const auto start = Clock::now();
        plot->panByPixels(QPointF(i % 2 ? 7 : -7, i % 3 ? 4 : -4));
        plot->repaint();
        panMs.push_back(msSince(start));
    }
    const QPointF centre = plot->plotRect().center();
    for (int i = 0; i < 60; ++i) {
        const auto start = Clock::now();
        const double f = i % 2 ? 1.15 : 1 / 1.15;
        plot->zoomAt(centre, f, f);
        plot->repaint();
        zoomMs.push_back(msSince(start));
    }
    const Stats pan = stats(panMs);
    const Stats zoom = stats(zoomMs);
    std::printf("pan frame, %d points: median %.2f ms, p95 %.2f ms (target < 33 ms)\n", kDesigns, pan.median, pan.p95);
    std::printf("zoom frame, %d points: median %.2f ms, p95 %.2f ms (target < 33 ms)\n", kDesigns, zoom.median,
                zoom.p95);

    // Hit testing: the point under the mouse among 100,000 (the grid's cells near it), with
    // the mouse on plotted points (the dense middle of the cloud included).
    plot->resetView();
    plot->repaint();
    std::vector<double> hitUs;
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> anyPoint(0, kDesigns - 1);
    for (int i = 0; i < 2000; ++i) {
        const QPointF at = plot->positionOf(anyPoint(rng)) + QPointF(1.5, -1);
        const auto start = Clock::now();
        volatile int hit = plot->pointAt(at);
        (void)hit;
        hitUs.push_back(msSince(start) * 1000);
    }
    std::printf("hover hit test, %d points: median %.1f µs\n", kDesigns, stats(hitUs).median);
    const bool ok = edit.median < 50 && pan.median < 33 && zoom.median < 33;
    return ok ? 0 : 1;
}
