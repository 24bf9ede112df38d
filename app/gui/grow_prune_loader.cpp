#include "grow_prune_loader.h"

#include "store/run_lineage.h"
#include "store/workspace.h"

#include <map>

namespace tcw::app {

GrowPruneTreeContent loadGrowPruneTree(const QString& workspacePath) {
    GrowPruneTreeContent content;
    try {
        auto workspace = store::Workspace::openReadOnly(workspacePath.toStdString());
        std::map<std::int64_t, store::TrainingRunRecord> runs;
        for (auto& r : workspace.trainingRuns())
            runs.emplace(r.id, std::move(r));
        for (const store::RunLineageRecord& l : store::runLineage(workspace.database())) {
            widgets::GrowPruneTreeNode n;
            n.runId = l.runId;
            n.parentRunId = l.parentRunId.value_or(0);
            n.sessionRunId = l.sessionRunId;
            n.op = QString::fromStdString(l.op);
            n.change = QString::fromStdString(l.change);
            n.iteration = l.iteration;
            n.latencySeconds = l.latencySeconds;
            n.energyJoules = l.energyJoules;
            n.peakPowerWatts = l.peakPowerWatts;
            n.target = QString::fromStdString(l.target);
            n.provenance = QString::fromStdString(l.provenance);
            n.feasible = l.feasible;
            n.accepted = l.accepted;
            n.violations = QString::fromStdString(l.violations);
            if (const auto run = runs.find(l.runId); run != runs.end()) {
                n.designId = run->second.designId;
                n.accuracy = run->second.finalAccuracy;
                if (const auto design = workspace.design(run->second.designId))
                    n.name = QString::fromStdString(design->name);
            }
            content.nodes.append(n);
        }
    } catch (const std::exception& e) {
        content.nodes.clear();
        content.error = QString::fromUtf8(e.what());
    }
    return content;
}

} // namespace tcw::app
