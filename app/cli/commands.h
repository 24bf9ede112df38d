// Registration of tcw's subcommands. Each add*Command() adds one subcommand whose callback
// runs it and stores its exit code in the context (0 ok, 1 failure, 2 bad input).
#pragma once

#include "design/training_request.h"
#include "design/transformer_spec.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace tcw::cli {

struct CommandContext {
    int exitCode = 0;
    std::filesystem::path executablePath; // of the running tcw, for io::findDataDir (installed data)
    std::string commandLine;              // argv joined, recorded in what a command writes (tcw profile)
};

// Adds every subcommand; the list is in commands.cpp.
void registerCommands(CLI::App& app, CommandContext& context);

void addValidateCommand(CLI::App& app, CommandContext& context);   // commands_validate.cpp
void addConvertCommand(CLI::App& app, CommandContext& context);    // commands_convert.cpp
void addTrainCommands(CLI::App& app, CommandContext& context);     // commands_train.cpp: train, sweep-thresholds, prune
void addSimulateCommands(CLI::App& app, CommandContext& context);  // commands_simulate.cpp: simulate, sweep
void addSearchCommands(CLI::App& app, CommandContext& context);    // commands_search.cpp: search, pareto, export
void addFormatsCommand(CLI::App& app, CommandContext& context);    // commands_formats.cpp: formats
void addExampleCommand(CLI::App& app, CommandContext& context);    // commands_example.cpp: example-workspace
void addDevicesCommand(CLI::App& app, CommandContext& context);    // commands_devices.cpp: devices (issue 14)
void addProfileCommand(CLI::App& app, CommandContext& context);    // commands_profile.cpp: profile
void addTwsSplitCommand(CLI::App& app, CommandContext& context);   // commands_tws.cpp: tws-split (issue 15)
void addGrowPruneCommand(CLI::App& app, CommandContext& context);  // commands_grow_prune.cpp: grow-prune (issue 14)
void addResimulateCommand(CLI::App& app, CommandContext& context); // commands_resimulate.cpp: resimulate

// tcw train's data, budget and optimiser options (commands_train.cpp), for commands that train.
void addCommonTrainingOptions(CLI::App* command, TrainingRequest& request, std::string& model, bool& quiet);

// A model to train: a file in any transformer format or a data preset (io), else a preset
// built into the trainer. Throws std::invalid_argument listing both kinds of names.
TransformerSpec loadTrainableModel(const std::string& model, const std::filesystem::path& dataDir);

} // namespace tcw::cli
