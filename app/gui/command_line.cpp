// Command-line parsing with QCommandLineParser.
#include "command_line.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace tcw::app {

CommandLineResult parseCommandLine(QCommandLineParser& parser, const QStringList& arguments,
                                   const QStringList& viewNames) {
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "TransCODE Workbench: co-design transformers and accelerators, and explore their trade-offs."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QCoreApplication::translate("main", "Workspace to open (.tcw)."),
                                 QStringLiteral("[FILE]"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Render the main window to PNG once it is ready, then exit. Works "
                                            "without a display with QT_QPA_PLATFORM=offscreen."),
        QStringLiteral("PNG"));
    const QCommandLineOption view(
        QStringLiteral("view"),
        QCoreApplication::translate("main", "Show NAME first, one of: %1.").arg(viewNames.join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    parser.addOption(screenshot);
    parser.addOption(view);
    parser.process(arguments); // --help / --version / unknown options exit here

    CommandLineResult result;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        result.error = QCoreApplication::translate("main", "Only one FILE can be opened, got %1.")
                           .arg(positional.join(QStringLiteral(" ")));
        return result;
    }
    if (!positional.isEmpty())
        result.options.workspace = positional.front();
    result.options.screenshot = parser.value(screenshot);
    result.options.view = parser.value(view);
    if (!result.options.view.isEmpty() && !viewNames.contains(result.options.view))
        result.error = QCoreApplication::translate("main", "Unknown view '%1'; choose one of: %2.")
                           .arg(result.options.view, viewNames.join(QStringLiteral(", ")));
    return result;
}

} // namespace tcw::app
