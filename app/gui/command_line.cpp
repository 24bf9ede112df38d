// Command-line parsing with QCommandLineParser.
#include "command_line.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <optional>

namespace tcw::app {

namespace {
// The option's value as a whole number ≥ 1, or nothing (not a number, or ≤ 0): --select,
// --lesson-step, --train-demo and --search-demo all count from 1.
std::optional<qint64> positiveNumber(const QCommandLineParser& parser, const QCommandLineOption& option) {
    bool ok = false;
    const qint64 value = parser.value(option).toLongLong(&ok);
    return ok && value > 0 ? std::optional<qint64>(value) : std::nullopt;
}
} // namespace

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
                                            "peCount=512 or mainMemory.type=hbm (repeatable; NAME is any field of "
                                            "the accelerator's JSON, VALUE within its bounds): the what-if point "
                                            "shows where it lands."),
        QStringLiteral("NAME=VALUE"));
    const QCommandLineOption lesson(
        QStringLiteral("lesson"),
        QCoreApplication::translate("main", "Start the lesson FILE (JSON; the shipped ones are in data/lessons). With "
                                            "--screenshot the picture is taken once its step has been applied."),
        QStringLiteral("FILE"));
    const QCommandLineOption lessonStep(
        QStringLiteral("lesson-step"),
        QCoreApplication::translate("main", "Go to step N of the lesson (from 1; default 1)."), QStringLiteral("N"));
    const QCommandLineOption trainDemo(
        QStringLiteral("train-demo"),
        QCoreApplication::translate("main", "With --screenshot: train the selected design (or the front's middle "
                                            "one) with the Training panel's settings on a copy of FILE and take the "
                                            "picture after REPORTS progress reports, mid-run."),
        QStringLiteral("REPORTS"));
    const QCommandLineOption trainData(
        QStringLiteral("train-data"),
        QCoreApplication::translate("main", "The --train-demo run's data set: fashion-mnist, listops or fortunes."),
        QStringLiteral("NAME"));
    const QCommandLineOption trainPrecision(
        QStringLiteral("train-precision"),
        QCoreApplication::translate("main", "The --train-demo run's precision (w1a1, w1a8, w2a8, w8a8…, as tcw train "
                                            "--precision); the picture shows the panel's precision plots."),
        QStringLiteral("PRECISION"));
    const QCommandLineOption trainTeacher(
        QStringLiteral("train-teacher"),
        QCoreApplication::translate("main", "The --train-demo run's teacher: a run folder of the same shape to "
                                            "distil from."),
        QStringLiteral("RUN"));
    const QCommandLineOption searchDemo(
        QStringLiteral("search-demo"),
        QCoreApplication::translate("main", "Start an NSGA-II search (seed 1, predicted accuracy) from the Search "
                                            "panel in the opened workspace and pause it after TRIALS trials; with "
                                            "--screenshot the picture is taken then. The workspace is changed: use "
                                            "a copy."),
        QStringLiteral("TRIALS"));
    const QCommandLineOption searchForm( // issue 15
        QStringLiteral("search-form"),
        QCoreApplication::translate("main", "Show this search configuration (JSON, as `tcw search --print-config` "
                                            "writes it) in the Search panel's form."),
        QStringLiteral("FILE"));
    // Issue 16: what the Selection view opens.
    const QCommandLineOption catalogue(
        QStringLiteral("catalogue"),
        QCoreApplication::translate("main", "Open this device catalogue in the Selection view."),
        QStringLiteral("FILE"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QCoreApplication::translate("main", "The Selection view's trained settings: the "
                                                                      "folder tcw select-device --runs wrote."),
                                  QStringLiteral("DIR"));
    const QCommandLineOption pruningRun(
        QStringLiteral("pruning-run"),
        QCoreApplication::translate("main", "Show this tcw prune run in the Selection view's pattern viewer."),
        QStringLiteral("DIR"));
    const QCommandLineOption selectionModel(
        QStringLiteral("selection-model"),
        QCoreApplication::translate("main", "The Selection view's model: a preset name or a model file."),
        QStringLiteral("MODEL"));
    const QCommandLineOption selectionTokens(
        QStringLiteral("selection-tokens"),
        QCoreApplication::translate("main", "The Selection view's sequence length (tokens per sequence)."),
        QStringLiteral("N"));
    const QCommandLineOption latency(QStringLiteral("latency"),
                                     QCoreApplication::translate("main", "The Selection view's LC in milliseconds."),
                                     QStringLiteral("MS"));
    const QCommandLineOption accuracy(QStringLiteral("accuracy"),
                                      QCoreApplication::translate("main", "The Selection view's AC, 0 to 1."),
                                      QStringLiteral("AC"));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QCoreApplication::translate("main",
                                                               "light or dark: the Fusion style with a light or "
                                                               "dark palette instead of the platform's."),
                                   QStringLiteral("THEME"));
    parser.addOption(theme);
    parser.addOption(catalogue);
    parser.addOption(runs);
    parser.addOption(pruningRun);
    parser.addOption(selectionModel);
    parser.addOption(selectionTokens);
    parser.addOption(latency);
    parser.addOption(accuracy);
    parser.addOption(screenshot);
    parser.addOption(lesson);
    parser.addOption(lessonStep);
    parser.addOption(trainDemo);
    parser.addOption(trainPrecision);
    parser.addOption(trainTeacher);
    parser.addOption(trainData);
    parser.addOption(searchDemo);
    parser.addOption(searchForm); // issue 15
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
    result.options.theme = parser.value(theme);
    if (!result.options.theme.isEmpty() && result.options.theme != QLatin1String("light") &&
        result.options.theme != QLatin1String("dark")) {
        result.error =
            QCoreApplication::translate("main", "--theme is light or dark, got '%1'.").arg(result.options.theme);
        return result;
    }
    result.options.view = parser.value(view);
    result.options.searchForm = parser.value(searchForm); // issue 15
    result.options.edits = parser.values(edit);
    result.options.lesson = parser.value(lesson);
    if (parser.isSet(lessonStep)) {
        const auto step = positiveNumber(parser, lessonStep);
        result.options.lessonStep = int(step.value_or(0));
        if (!step || result.options.lesson.isEmpty()) {
            result.error = QCoreApplication::translate("main", "--lesson-step takes a step number from 1 and needs "
                                                               "--lesson, got '%1'.")
                               .arg(parser.value(lessonStep));
            return result;
        }
    }
    if (parser.isSet(select)) {
        const auto id = positiveNumber(parser, select);
        result.options.select = id.value_or(0);
        if (!id) {
            result.error = QCoreApplication::translate("main", "--select takes a design number, got '%1'.")
                               .arg(parser.value(select));
            return result;
        }
    }
    if (parser.isSet(trainDemo)) {
        const auto reports = positiveNumber(parser, trainDemo);
        result.options.trainDemo = int(reports.value_or(0));
        if (!reports || result.options.screenshot.isEmpty() || result.options.workspace.isEmpty()) {
            result.error = QCoreApplication::translate("main", "--train-demo takes a number of reports (> 0) and "
                                                               "needs FILE and --screenshot, got '%1'.")
                               .arg(parser.value(trainDemo));
            return result;
        }
        result.options.trainData = parser.value(trainData);
        result.options.trainPrecision = parser.value(trainPrecision);
        result.options.trainTeacher = parser.value(trainTeacher);
        if (!result.options.trainData.isEmpty() &&
            !QStringList{QStringLiteral("fashion-mnist"), QStringLiteral("listops"), QStringLiteral("fortunes")}
                 .contains(result.options.trainData)) {
            result.error = QCoreApplication::translate("main", "--train-data: '%1' is not one of fashion-mnist, "
                                                               "listops, fortunes.")
                               .arg(result.options.trainData);
            return result;
        }
    }
    if (parser.isSet(searchDemo)) {
        const auto trials = positiveNumber(parser, searchDemo);
        result.options.searchDemo = int(trials.value_or(0));
        if (!trials) {
            result.error = QCoreApplication::translate("main", "--search-demo takes a number of trials, got '%1'.")
                               .arg(parser.value(searchDemo));
            return result;
        }
    }
    result.options.catalogue = parser.value(catalogue);
    result.options.runs = parser.value(runs);
    result.options.pruningRun = parser.value(pruningRun);
    result.options.selectionModel = parser.value(selectionModel);
    if (parser.isSet(selectionTokens)) {
        const auto tokens = positiveNumber(parser, selectionTokens);
        result.options.selectionTokens = int(tokens.value_or(0));
        if (!tokens || *tokens > 65536) {
            result.error = QCoreApplication::translate("main", "--selection-tokens takes 1 to 65536 tokens, got '%1'.")
                               .arg(parser.value(selectionTokens));
            return result;
        }
    }
    if (parser.isSet(latency)) {
        bool ok = false;
        result.options.latencyMs = parser.value(latency).toDouble(&ok);
        if (!ok || !(result.options.latencyMs >= 1e-3 && result.options.latencyMs <= 1e4)) {
            result.error = QCoreApplication::translate("main", "--latency takes 0.001 to 10000 ms, got '%1'.")
                               .arg(parser.value(latency));
            return result;
        }
    }
    if (parser.isSet(accuracy)) {
        bool ok = false;
        result.options.accuracy = parser.value(accuracy).toDouble(&ok);
        if (!ok || !(result.options.accuracy >= 0 && result.options.accuracy <= 1)) {
            result.error =
                QCoreApplication::translate("main", "--accuracy takes 0 to 1, got '%1'.").arg(parser.value(accuracy));
            return result;
        }
    }
    if (!result.options.view.isEmpty() && !viewNames.contains(result.options.view))
        result.error = QCoreApplication::translate("main", "Unknown view '%1'; choose one of: %2.")
                           .arg(result.options.view, viewNames.join(QStringLiteral(", ")));
    return result;
}

} // namespace tcw::app
