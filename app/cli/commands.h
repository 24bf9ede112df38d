// Registration of tcw's subcommands. Each add*Command() adds one subcommand whose callback
// runs it and stores its exit code in the context (0 ok, 1 failure, 2 bad input).
#pragma once

#include <CLI/CLI.hpp>

namespace tcw::cli {

struct CommandContext {
    int exitCode = 0;
};

// Adds every subcommand; the list is in commands.cpp.
void registerCommands(CLI::App& app, CommandContext& context);

} // namespace tcw::cli
