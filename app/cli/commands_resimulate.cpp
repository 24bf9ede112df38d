// tcw resimulate W.tcw [--dry-run]: re-costs the evaluations an earlier build's cost models
// computed (core/codesign/resimulation.h), so a workspace never lists stale latencies.
#include "commands.h"

#include "codesign/resimulation.h"
#include "sim/cost_model.h"
#include "store/workspace.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

namespace tcw::cli {

namespace {

struct ResimulateOptions {
    std::string workspace;
    bool dryRun = false;
};

int runResimulate(const ResimulateOptions& o) {
    std::optional<store::Workspace> workspace;
    try {
        workspace.emplace(store::Workspace::open(o.workspace));
    } catch (const std::exception& e) {
        std::cerr << "tcw resimulate: " << e.what() << "\n";
        return 2;
    }
    std::map<int, int> byRevision;
    for (const auto& s : codesign::staleEvaluations(*workspace))
        ++byRevision[s.revision];
    codesign::ResimulationOptions options;
    options.dryRun = o.dryRun;
    codesign::ResimulationReport report;
    try {
        report = codesign::resimulateStale(*workspace, options);
    } catch (const std::exception& e) {
        std::cerr << "tcw resimulate: " << o.workspace << ": " << e.what() << " (nothing was changed)\n";
        return 1;
    }
    std::cout << o.workspace << ": cost-model revision " << kCostModelRevision << "; " << report.stale << " evaluation"
              << (report.stale == 1 ? "" : "s") << " shown by the explorer were costed at another";
    for (const auto& [revision, count] : byRevision)
        std::cout << (revision == byRevision.begin()->first ? " (" : ", ") << count << " at revision " << revision;
    std::cout << (byRevision.empty() ? "" : ")") << "\n";
    if (report.stale == 0)
        return 0;
    const std::int64_t recosted = report.stale - static_cast<std::int64_t>(report.skipped.size());
    char changes[160];
    std::snprintf(changes, sizeof changes, "largest change: latency %.2f %%, energy %.2f %%",
                  100.0 * report.largestLatencyChange, 100.0 * report.largestEnergyChange);
    std::cout << (o.dryRun ? "would store " : "stored ") << recosted << " new evaluation" << (recosted == 1 ? "" : "s")
              << " (" << report.changed << " with other numbers; " << changes << ")"
              << (o.dryRun ? "; nothing written (--dry-run)" : "; the old ones stay in each design's history") << "\n";
    for (const auto& line : report.skipped)
        std::cout << "not re-costed: " << line << "\n";
    return report.skipped.empty() ? 0 : 1;
}

} // namespace

void addResimulateCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ResimulateOptions>();
    CLI::App* cmd = app.add_subcommand(
        "resimulate", "Re-cost the evaluations an earlier build's cost models computed (each design's latest "
                      "evaluation per mode), storing the new numbers as new evaluations in one transaction.");
    cmd->add_option("workspace", options->workspace, "workspace file (.tcw)")->required();
    cmd->add_flag("--dry-run", options->dryRun, "report what would change, write nothing");
    cmd->footer("Exit status: 0 every stale evaluation re-costed (or none stale), 1 some could not be (listed), "
                "2 bad input.");
    cmd->callback([options, &context] { context.exitCode = runResimulate(*options); });
}

} // namespace tcw::cli
