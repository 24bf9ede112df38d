// tcw: the workbench without a window, for scripts and clusters. Each subcommand lives in
// its own commands_*.cpp and registers itself here.
#include "commands.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    CLI::App app{"tcw — TransCODE Workbench on the command line: validate and convert designs, simulate "
                 "accelerators, train with DynaProp, search co-designs."};
    app.set_version_flag("--version", "tcw 0.1.0");
    app.require_subcommand(1);
    tcw::cli::CommandContext context;
    std::error_code noLink;
    context.executablePath = std::filesystem::read_symlink("/proc/self/exe", noLink);
    if (noLink)
        context.executablePath = std::filesystem::absolute(argv[0], noLink);
    for (int i = 0; i < argc; ++i)
        context.commandLine += (i ? " " : "") + std::string(argv[i]);
    tcw::cli::registerCommands(app, context);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        // Commands report their own errors; anything that still escapes one ends here, as a
        // message naming the command, never as an abort.
        const auto commands = app.get_subcommands();
        std::cerr << "tcw" << (commands.empty() ? std::string() : " " + commands.front()->get_name()) << ": "
                  << e.what() << "\n";
        return 1;
    }
    return context.exitCode;
}
