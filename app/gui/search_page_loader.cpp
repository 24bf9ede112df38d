// The search page's content from a workspace file.
#include "search_page_loader.h"

#include "codesign/search_session.h"
#include "codesign/search_summary.h"
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

} // namespace

widgets::SearchPageContent loadSearchPage(const QString& workspacePath, qint64 searchId) {
    widgets::SearchPageContent content;
    content.searchId = searchId;
    try {
        const auto workspace = store::Workspace::openReadOnly(workspacePath.toStdString());
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
