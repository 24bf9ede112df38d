// The list of tcw subcommands. A new subcommand: a commands_<name>.cpp defining
// add<Name>Command, declared and called here.
#include "commands.h"

namespace tcw::cli {

void addModelSizeCommand(CLI::App& app, CommandContext& context); // commands_model_size.cpp (issue 15)

void registerCommands(CLI::App& app, CommandContext& context) {
    addValidateCommand(app, context);
    addConvertCommand(app, context);
    addTrainCommands(app, context);
    addSimulateCommands(app, context);
    addSearchCommands(app, context);
    addFormatsCommand(app, context);
    addExampleCommand(app, context);
    addDevicesCommand(app, context);
    addProfileCommand(app, context);
    addTwsSplitCommand(app, context); // issue 15
    addGrowPruneCommand(app, context);
    addResimulateCommand(app, context);
    addModelSizeCommand(app, context); // issue 15: lesson "How few bits?"
}

} // namespace tcw::cli
