// tcw example-workspace: rebuilds the example workspace that `make run` opens
// (data/examples/example.tcw): a random search of the FlexiBERT 2.0 × ELECTOR spaces, then an
// NSGA-II search that sharpens the front, both with accuracies predicted by the search's
// table-fitted surrogate (provenance "predicted", or "published" for the table's own models)
// and costs from the elector simulator. Breakdowns are left out to keep the file small: the
// explorer re-simulates a design when it is selected (microseconds).
#include "commands.h"

#include "codesign/search_session.h"
#include "design/design_space.h"
#include "io/files.h"
#include "store/workspace.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;

struct ExampleOptions {
    std::string out = "data/examples/example.tcw";
    int randomPairs = 1400;
    int nsga2Pairs = 600;
    std::uint64_t seed = 1;
    int threads = 0;
    bool force = false;
};

search::SearchConfig exampleConfig(const std::string& algorithm, int budget, std::uint64_t seed) {
    search::SearchConfig c;
    c.algorithm = algorithm;
    c.budget = budget;
    c.seed = seed;
    c.modelSpaceName = "flexibert2";
    c.acceleratorSpaceName = "elector";
    c.modelSpace = flexibert2Space();
    c.acceleratorSpace = electorSpace();
    c.populationSize = 100;
    return c; // default objectives: accuracy, latency, energy, area (inference, Pareto)
}

int runExample(const ExampleOptions& o, const fs::path& dataDir) {
    const fs::path out(o.out);
    std::error_code ec;
    if (out.has_parent_path())
        fs::create_directories(out.parent_path(), ec);
    // Built under a temporary name beside OUT and renamed into place when complete: the
    // previous example stays until then, and an interrupted build leaves nothing at OUT.
    io::WriteOptions writeOptions;
    writeOptions.overwrite = o.force;
    writeOptions.mayReplaceWorkspace = true;
    if (const std::string why = io::checkWritable(out, writeOptions); !why.empty()) {
        std::cerr << "tcw example-workspace: " << o.out << ": " << why << "\n";
        return 2;
    }
    try {
        io::createFileAtomically(out, writeOptions, [&](const fs::path& temporary) {
            store::Workspace workspace = store::Workspace::create(temporary);
            workspace.setProperty("description", "TransCODE Workbench example: " + std::to_string(o.randomPairs) +
                                                     " random and " + std::to_string(o.nsga2Pairs) +
                                                     " NSGA-II co-designs of FlexiBERT 2.0 x ELECTOR, seed " +
                                                     std::to_string(o.seed) + ", accuracies predicted");
            codesign::SessionOptions session;
            session.dataDir = dataDir;
            session.threads = o.threads;
            for (const auto& [algorithm, budget] :
                 {std::pair<std::string, int>{"random", o.randomPairs}, {"nsga2", o.nsga2Pairs}}) {
                if (budget <= 0)
                    continue;
                auto search =
                    codesign::SearchSession::start(workspace, exampleConfig(algorithm, budget, o.seed), session);
                const search::SearchOutcome outcome = search.run();
                std::cout << algorithm << ": " << outcome.trials.size() << " pairs, " << outcome.front.size()
                          << " on the front, hypervolume " << outcome.hypervolume << "\n";
            }
            // The explorer recomputes breakdowns on selection; stored totals are what it lists.
            workspace.database().exec("UPDATE evaluations SET breakdown_json = '{}'");
            workspace.checkpoint();
            workspace.database().exec("VACUUM");
            const store::WorkspaceCounts counts = workspace.counts();
            std::cout << "wrote " << o.out << ": " << counts.designs << " designs, " << counts.evaluations
                      << " evaluations, " << counts.searches << " searches\n";
        });
    } catch (const std::exception& e) {
        std::cerr << "tcw example-workspace: " << e.what() << "\n";
        return 1;
    }
    std::cout << "size " << fs::file_size(out, ec) / 1024 << " KiB\n";
    return 0;
}

} // namespace

void addExampleCommand(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ExampleOptions>();
    CLI::App* cmd = app.add_subcommand(
        "example-workspace", "Rebuild the example workspace: random + NSGA-II co-designs of FlexiBERT 2.0 × ELECTOR "
                             "with predicted accuracies.");
    cmd->add_option("--out", options->out, "workspace file to write")->capture_default_str();
    cmd->add_option("--random", options->randomPairs, "pairs sampled at random")->capture_default_str();
    cmd->add_option("--nsga2", options->nsga2Pairs, "pairs an NSGA-II search adds")->capture_default_str();
    cmd->add_option("--seed", options->seed, "seed of both searches")->capture_default_str();
    cmd->add_option("--threads", options->threads, "evaluation threads (0 = all cores)")->capture_default_str();
    cmd->add_flag("--force", options->force, "replace an existing file");
    cmd->callback(
        [options, &context] { context.exitCode = runExample(*options, io::findDataDir(context.executablePath)); });
}

} // namespace tcw::cli
