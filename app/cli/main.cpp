// tcw: the workbench without a window, for scripts and clusters.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"tcw — TransCODE Workbench command line"};
    app.set_version_flag("--version", "tcw 0.1.0");
    app.require_subcommand(1);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
