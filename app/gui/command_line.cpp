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
    const QCommandLineOption select(
        QStringLiteral("select"),
        QCoreApplication::translate("main", "Select design ID once the workspace is open (the detail and the editors "
                                            "show it)."),
        QStringLiteral("ID"));
    const QCommandLineOption edit(
        QStringLiteral("edit"),
        QCoreApplication::translate("main", "Change the selected co-design's accelerator as the editor would, e.g. "
                                            "peCount=512 (repeatable): the what-if point shows where it lands."),
        QStringLiteral("NAME=VALUE"));
    const QCommandLineOption searchDemo(
        QStringLiteral("search-demo"),
        QCoreApplication::translate("main", "Start an NSGA-II search (seed 1, predicted accuracy) from the Search "
                                            "panel in the opened workspace and pause it after TRIALS trials; with "
                                            "--screenshot the picture is taken then. The workspace is changed: use "
                                            "a copy."),
        QStringLiteral("TRIALS"));
    parser.addOption(screenshot);
    parser.addOption(searchDemo);
    parser.addOption(view);
    parser.addOption(select);
    parser.addOption(edit);
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
    result.options.edits = parser.values(edit);
    if (parser.isSet(select)) {
        bool ok = false;
        result.options.select = parser.value(select).toLongLong(&ok);
        if (!ok || result.options.select <= 0) {
            result.error = QCoreApplication::translate("main", "--select takes a design number, got '%1'.")
                               .arg(parser.value(select));
            return result;
        }
    }
    if (parser.isSet(searchDemo)) {
        bool ok = false;
        result.options.searchDemo = parser.value(searchDemo).toInt(&ok);
        if (!ok || result.options.searchDemo <= 0) {
            result.error = QCoreApplication::translate("main", "--search-demo takes a number of trials, got '%1'.")
                               .arg(parser.value(searchDemo));
            return result;
        }
    }
    if (!result.options.view.isEmpty() && !viewNames.contains(result.options.view))
        result.error = QCoreApplication::translate("main", "Unknown view '%1'; choose one of: %2.")
                           .arg(result.options.view, viewNames.join(QStringLiteral(", ")));
    return result;
}

} // namespace tcw::app
