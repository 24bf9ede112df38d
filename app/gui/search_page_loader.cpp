// The search page's content from a workspace file.
#include "search_page_loader.h"

#include "codesign/search_session.h"
#include "codesign/search_summary.h"
#include "devices/device_search_history.h"
#include "models/model_names.h"
#include "store/workspace.h"

#include <QLocale>
#include <QObject>

#include <cmath>

namespace tcw::app {

namespace {

// A metric in the explorer's display unit: (label, unit, factor from the stored unit).
struct Display {
    QString label, unit;
    double factor;
};
Display displayOf(search::Metric metric) {
    switch (metric) {
    case search::Metric::Accuracy:
        return {QObject::tr("Accuracy"), QStringLiteral("%"), 100.0};
    case search::Metric::Latency:
        return {QObject::tr("Latency"), QStringLiteral("ms"), 1e3};
    case search::Metric::DynamicEnergy:
        return {QObject::tr("Dynamic energy"), QStringLiteral("mJ"), 1e-6};
    case search::Metric::LeakageEnergy:
        return {QObject::tr("Leakage energy"), QStringLiteral("mJ"), 1e-6};
    case search::Metric::TotalEnergy:
        return {QObject::tr("Energy"), QStringLiteral("mJ"), 1e-6};
    case search::Metric::Area:
        return {QObject::tr("Area"), QStringLiteral("mm²"), 1.0};
    case search::Metric::PeakPower:
        return {QObject::tr("Peak power"), QStringLiteral("mW"), 1.0};
    case search::Metric::Robustness: // issue 15: an accuracy drop
        return {QObject::tr("Robustness (accuracy drop)"), QStringLiteral("pts"), 100.0};
    }
    return {QString::fromUtf8(search::metricName(metric).data()), {}, 1.0};
}

QString statusText(store::RunStatus status) {
    switch (status) {
    case store::RunStatus::Pending:
        return QObject::tr("pending");
    case store::RunStatus::Running:
        return QObject::tr("running, or stopped without a word (killed): resume it");
    case store::RunStatus::Finished:
        return QObject::tr("finished");
    case store::RunStatus::Failed:
        return QObject::tr("failed");
    case store::RunStatus::Cancelled:
        return QObject::tr("stopped (resumable)");
    }
    return {};
}

QString orDash(const std::string& text) {
    return text.empty() ? QStringLiteral("—") : QString::fromStdString(text);
}

// A model × device search (issue 14): its configuration, trials with provenance, front, best
// so far and hypervolume, from devices::readDeviceSearch.
void loadDeviceSearch(const store::Workspace& workspace, qint64 searchId, widgets::SearchPageContent& content) {
    const devices::DeviceSearchHistory h = devices::readDeviceSearch(workspace, searchId);
    const devices::StoredDeviceSearchConfig& c = h.config;
    const QLocale locale;
    content.title = QObject::tr("Search %1 · model × device · %2 · %3 trials")
                        .arg(searchId)
                        .arg(QString::fromStdString(c.targets), locale.toString(qsizetype(h.trials.size())));
    content.designs = int(workspace.searchDesignIds(searchId).size());
    int seeded = 0;
    for (const auto& t : h.trials)
        seeded += t.seeded;
    // The budget counts new pairs; the stored ones it starts from come first.
    content.budget = seeded + c.search.budget;
    auto add = [&](const QString& label, const QString& value) { content.settings.append({label, value}); };
    add(QObject::tr("Algorithm"), QObject::tr("model × device search (EdgeTran's objective, surrogate-guided)"));
    add(QObject::tr("Searched"), QString::fromStdString(c.targets));
    QStringList devices;
    for (const auto& d : c.deviceIds)
        devices << QString::fromStdString(d);
    add(QObject::tr("Devices"), devices.join(QStringLiteral(", ")));
    add(QObject::tr("Objectives"), QObject::tr("GLUE, latency, energy, peak power (Pareto); ranked by EdgeTran's "
                                               "loss 0.5·(1 − GLUE) + 0.2·latency/1000 s + 0.2·energy/2000 J + "
                                               "0.1·peak/300 W"));
    if (c.search.objective.peakPowerLimitWatts)
        add(QObject::tr("Constraints"),
            QObject::tr("peak power ≤ %1 W").arg(locale.toString(*c.search.objective.peakPowerLimitWatts)));
    add(QObject::tr("Budget"), QObject::tr("%1 new pairs after the %2 stored ones")
                                   .arg(locale.toString(c.search.budget), locale.toString(seeded)));
    add(QObject::tr("Seed"), QString::number(c.search.seed));
    add(QObject::tr("Cost model"), QObject::tr("measured (a profile's row), else predicted ± σ by the device's "
                                               "surrogate"));
    add(QObject::tr("Status"), statusText(h.record.status));
    add(QObject::tr("Started"), orDash(h.record.createdAt));
    add(QObject::tr("Finished"), orDash(h.record.finishedAt));
    add(QObject::tr("Last change"), orDash(h.record.updatedAt));

    int measured = 0;
    for (const auto& t : h.trials) {
        widgets::SearchTrialRow row;
        row.position = t.position;
        row.device = QString::fromStdString(t.device);
        const QString name = QString::fromStdString(t.modelName);
        row.model = models::displayModelName(name, t.model);
        row.modelToolTip = models::modelNameToolTip(name, t.model);
        row.glue = 100.0 * t.glue;
        row.latencyMs = 1e3 * t.latencySeconds;
        row.energyMJ = t.energyJoules ? 1e3 * *t.energyJoules : std::nan("");
        row.peakPowerW = t.peakPowerWatts.value_or(std::nan(""));
        row.provenance = QString::fromStdString(t.provenance);
        row.glueSource = t.glueStored ? QStringLiteral("published") : QStringLiteral("predicted");
        row.seeded = t.seeded;
        row.feasible = t.feasible;
        row.onFront = t.onFront;
        measured += t.provenance == "measured";
        content.trials.append(row);
    }
    add(QObject::tr("Provenance"), QObject::tr("%1 of %2 trials measured, the rest predicted")
                                       .arg(locale.toString(measured), locale.toString(qsizetype(h.trials.size()))));
    content.hypervolume = QVector<double>(h.hypervolume.begin(), h.hypervolume.end());
    content.hypervolumeBasis =
        QObject::tr("recomputed from the trials: the feasible pairs' front, each objective normalised over the "
                    "stored pairs (reference point 1).");
    const std::pair<QString, QString> names[] = {{QObject::tr("GLUE"), QStringLiteral("%")},
                                                 {QObject::tr("Latency"), QStringLiteral("ms")},
                                                 {QObject::tr("Energy"), QStringLiteral("mJ")},
                                                 {QObject::tr("Peak power"), QStringLiteral("W")}};
    const double factors[] = {100.0, 1e3, 1e3, 1.0};
    for (std::size_t k = 0; k < h.bestSoFar.size() && k < 4; ++k) {
        widgets::BestSoFarChart::Series series{names[k].first, names[k].second, {}};
        for (double v : h.bestSoFar[k])
            series.value.append(std::isnan(v) ? v : v * factors[k]);
        content.bestSoFar.append(std::move(series));
    }
}

} // namespace

widgets::SearchPageContent loadSearchPage(const QString& workspacePath, qint64 searchId) {
    widgets::SearchPageContent content;
    content.searchId = searchId;
    try {
        const auto workspace = store::Workspace::openReadOnly(workspacePath.toStdString());
        if (const auto record = workspace.search(searchId); record && devices::isDeviceSearch(*record)) {
            loadDeviceSearch(workspace, searchId, content);
            return content;
        }
        const codesign::StoredSearch stored = codesign::readStoredSearch(workspace, searchId);
        const search::SearchConfig& c = stored.config;
        const store::SearchRecord& r = stored.record;
        const QLocale locale;
        content.title = QString::fromStdString(codesign::searchTitle(searchId, c));
        content.budget = c.budget;
        content.designs = int(workspace.searchDesignIds(searchId).size());

        QStringList objectives;
        for (search::Metric m : c.objectives.metrics)
            objectives << displayOf(m).label;
        const bool pareto = c.objectives.scalarisation == search::Scalarisation::Pareto;
        auto add = [&](const QString& label, const QString& value) { content.settings.append({label, value}); };
        add(QObject::tr("Algorithm"), QString::fromStdString(codesign::algorithmLabel(c.algorithm)));
        add(QObject::tr("Searched"), QString::fromStdString(codesign::searchScope(c)));
        add(QObject::tr("Objectives"), objectives.join(QStringLiteral(", ")) +
                                           (pareto ? QObject::tr(" (Pareto)") : QObject::tr(" (weighted sum)")));
        add(QObject::tr("Costs of"), QString::fromUtf8(simModeName(c.objectives.mode).data()));
        if (!c.objectives.constraints.empty())
            add(QObject::tr("Constraints"), locale.toString(qsizetype(c.objectives.constraints.size())));
        add(QObject::tr("Budget"), QObject::tr("%1 trials").arg(locale.toString(c.budget)));
        add(QObject::tr("Seed"), QString::number(c.seed));
        add(QObject::tr("Transformer space"),
            c.fixedModel ? QObject::tr("fixed: %1").arg(QString::fromStdString(c.fixedModel->name))
                         : QString::fromStdString(c.modelSpaceName));
        add(QObject::tr("Accelerator space"),
            c.fixedAccelerator ? QObject::tr("fixed: %1").arg(QString::fromStdString(c.fixedAccelerator->name))
                               : QString::fromStdString(c.acceleratorSpaceName));
        add(QObject::tr("Accuracy"),
            QString::fromUtf8(search::accuracySourceKindName(c.accuracy).data()) +
                (c.accuracy == search::AccuracySourceKind::Trained
                     ? QObject::tr(" on %1").arg(QString::fromStdString(c.training.dataset))
                     : QObject::tr(" from table %1").arg(QString::fromStdString(c.accuracyTable))));
        add(QObject::tr("Cost model"), QString::fromUtf8(costModelName(c.costModel).data()));
        add(QObject::tr("Status"), statusText(r.status));
        add(QObject::tr("Started"), orDash(r.createdAt));
        add(QObject::tr("Finished"), orDash(r.finishedAt));
        add(QObject::tr("Last change"), orDash(r.updatedAt));
        const auto startedBy = workspace.property(codesign::searchWriterKey(searchId, false));
        add(QObject::tr("Started by"),
            startedBy ? QString::fromStdString(*startedBy) : QObject::tr("not recorded (an older workbench ran it)"));
        if (const auto resumedBy = workspace.property(codesign::searchWriterKey(searchId, true)))
            add(QObject::tr("Last resumed by"), QString::fromStdString(*resumedBy));

        const codesign::SearchHistory history = codesign::searchHistory(stored);
        content.hypervolume = QVector<double>(history.hypervolume.begin(), history.hypervolume.end());
        content.recomputed = history.recomputed;
        for (std::size_t k = 0; k < c.objectives.metrics.size() && k < history.bestSoFar.size(); ++k) {
            const Display d = displayOf(c.objectives.metrics[k]);
            widgets::BestSoFarChart::Series series{d.label, d.unit, {}};
            series.value.reserve(qsizetype(history.bestSoFar[k].size()));
            for (double v : history.bestSoFar[k])
                series.value.append(std::isnan(v) ? v : v * d.factor);
            content.bestSoFar.append(std::move(series));
        }
    } catch (const std::exception& e) {
        content.error = QObject::tr("Search %1 cannot be read: %2").arg(searchId).arg(QString::fromUtf8(e.what()));
    }
    return content;
}

} // namespace tcw::app
