// Command-line parsing with QCommandLineParser. Every option is one row of a table: its name,
// value name and help (the order of the rows is the order --help lists them), and how its
// value is applied to CommandLineOptions — checked, with a message naming the option and what
// it takes when the value is refused.
#include "command_line.h"

#include "models/selection_data_sets.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace tcw::app {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("main", text);
}

// The value as a whole number from 1 to `most`, or nothing: --select, --lesson-step,
// --train-demo, --search-demo and --selection-tokens all count from 1.
std::optional<qint64> positiveNumber(const QString& value, qint64 most = std::numeric_limits<qint64>::max()) {
    bool ok = false;
    const qint64 number = value.toLongLong(&ok);
    return ok && number > 0 && number <= most ? std::optional<qint64>(number) : std::nullopt;
}

// The value as a number from `least` to `most`, or nothing (not a number, NaN or outside).
std::optional<double> numberWithin(const QString& value, double least, double most) {
    bool ok = false;
    const double number = value.toDouble(&ok);
    return ok && number >= least && number <= most ? std::optional<double>(number) : std::nullopt;
}

// One option: applied when it is given, with all its values (the last one counts, but for
// --edit), to the options parsed so far; it returns an error, or an empty string.
struct OptionRow {
    const char* name;
    const char* valueName;
    QString help;
    std::function<QString(const QStringList& values, CommandLineOptions& options)> apply;
};

// Stores the value as it is.
auto text(QString CommandLineOptions::*field) {
    return [field](const QStringList& values, CommandLineOptions& o) {
        o.*field = values.back();
        return QString();
    };
}

std::vector<OptionRow> optionTable(const QStringList& viewNames) {
    return {
        {"theme", "THEME",
         tr("light or dark: the Fusion style with a light or dark palette instead of the platform's."),
         [](const QStringList& values, CommandLineOptions& o) {
             o.theme = values.back();
             if (o.theme != QLatin1String("light") && o.theme != QLatin1String("dark") && !o.theme.isEmpty())
                 return tr("--theme is light or dark, got '%1'.").arg(o.theme);
             return QString();
         }},
        // Issue 16: what the Selection view opens.
        {"catalogue", "FILE", tr("Open this device catalogue in the Selection view."),
         text(&CommandLineOptions::catalogue)},
        {"runs", "DIR", tr("The Selection view's trained settings: the folder tcw select-device --runs wrote."),
         text(&CommandLineOptions::runs)},
        {"pruning-run", "DIR", tr("Show this tcw prune run in the Selection view's pattern viewer."),
         text(&CommandLineOptions::pruningRun)},
        {"selection-model", "MODEL", tr("The Selection view's model: a preset name or a model file."),
         text(&CommandLineOptions::selectionModel)},
        {"selection-tokens", "N", tr("The Selection view's sequence length (tokens per sequence)."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto tokens = positiveNumber(values.back(), 65536);
             o.selectionTokens = int(tokens.value_or(0));
             return tokens ? QString() : tr("--selection-tokens takes 1 to 65536 tokens, got '%1'.").arg(values.back());
         }},
        {"selection-data", "NAME",
         tr("The Selection view's task: %1 (as tcw select-device --data; fashion-mnist in 7×7 patches).")
             .arg(models::selectionDataSets().join(QStringLiteral(", "))),
         [](const QStringList& values, CommandLineOptions& o) {
             o.selectionData = values.back();
             return models::selectionDataSets().contains(o.selectionData)
                        ? QString()
                        : tr("--selection-data: '%1' is not one of %2.")
                              .arg(o.selectionData, models::selectionDataSets().join(QStringLiteral(", ")));
         }},
        {"latency", "MS", tr("The Selection view's LC in milliseconds."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto ms = numberWithin(values.back(), 1e-3, 1e4);
             o.latencyMs = ms.value_or(0);
             return ms ? QString() : tr("--latency takes 0.001 to 10000 ms, got '%1'.").arg(values.back());
         }},
        {"accuracy", "AC", tr("The Selection view's AC, 0 to 1."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto ac = numberWithin(values.back(), 0, 1);
             o.accuracy = ac.value_or(-1);
             return ac ? QString() : tr("--accuracy takes 0 to 1, got '%1'.").arg(values.back());
         }},
        {"screenshot", "PNG",
         tr("Render the main window to PNG once it is ready, then exit. Works without a display with "
            "QT_QPA_PLATFORM=offscreen."),
         text(&CommandLineOptions::screenshot)},
        {"lesson", "FILE",
         tr("Start the lesson FILE (JSON; the shipped ones are in data/lessons). With --screenshot the picture is "
            "taken once its step has been applied."),
         text(&CommandLineOptions::lesson)},
        {"lesson-step", "N", tr("Go to step N of the lesson (from 1; default 1)."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto step = positiveNumber(values.back());
             o.lessonStep = int(step.value_or(0));
             if (!step || o.lesson.isEmpty())
                 return tr("--lesson-step takes a step number from 1 and needs --lesson, got '%1'.").arg(values.back());
             return QString();
         }},
        {"train-demo", "REPORTS",
         tr("With --screenshot: train the selected design (or the front's middle one) with the Training panel's "
            "settings on a copy of FILE and take the picture after REPORTS progress reports, mid-run."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto reports = positiveNumber(values.back());
             o.trainDemo = int(reports.value_or(0));
             if (!reports || o.screenshot.isEmpty() || o.workspace.isEmpty())
                 return tr("--train-demo takes a number of reports (> 0) and needs FILE and --screenshot, got '%1'.")
                     .arg(values.back());
             return QString();
         }},
        // Issue 15: the demo run's precision shorthand (shows the precision plots) and teacher.
        // These and --train-data are read only for --train-demo.
        {"train-precision", "PRECISION",
         tr("The --train-demo run's precision (w1a1, w1a8, w2a8, w8a8…, as tcw train --precision); the picture "
            "shows the panel's precision plots."),
         [](const QStringList& values, CommandLineOptions& o) {
             if (o.trainDemo > 0)
                 o.trainPrecision = values.back();
             return QString();
         }},
        {"train-teacher", "RUN", tr("The --train-demo run's teacher: a run folder of the same shape to distil from."),
         [](const QStringList& values, CommandLineOptions& o) {
             if (o.trainDemo > 0)
                 o.trainTeacher = values.back();
             return QString();
         }},
        {"train-data", "NAME", tr("The --train-demo run's data set: fashion-mnist, listops or fortunes."),
         [](const QStringList& values, CommandLineOptions& o) {
             if (o.trainDemo <= 0)
                 return QString();
             o.trainData = values.back();
             if (!o.trainData.isEmpty() &&
                 !QStringList{QStringLiteral("fashion-mnist"), QStringLiteral("listops"), QStringLiteral("fortunes")}
                      .contains(o.trainData))
                 return tr("--train-data: '%1' is not one of fashion-mnist, listops, fortunes.").arg(o.trainData);
             return QString();
         }},
        {"search-demo", "TRIALS",
         tr("Start an NSGA-II search (seed 1, predicted accuracy) from the Search panel in the opened workspace and "
            "pause it after TRIALS trials; with --screenshot the picture is taken then. The workspace is changed: "
            "use a copy."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto trials = positiveNumber(values.back());
             o.searchDemo = int(trials.value_or(0));
             return trials ? QString() : tr("--search-demo takes a number of trials, got '%1'.").arg(values.back());
         }},
        {"search-form", "FILE", // issue 15
         tr("Show this search configuration (JSON, as `tcw search --print-config` writes it) in the Search panel's "
            "form."),
         [](const QStringList& values, CommandLineOptions& o) {
             o.searchForm = values.back();
             return QString();
         }},
        {"view", "NAME", tr("Show NAME first, one of: %1.").arg(viewNames.join(QStringLiteral(", "))),
         [viewNames](const QStringList& values, CommandLineOptions& o) {
             o.view = values.back();
             if (!o.view.isEmpty() && !viewNames.contains(o.view))
                 return tr("Unknown view '%1'; choose one of: %2.").arg(o.view, viewNames.join(QStringLiteral(", ")));
             return QString();
         }},
        {"select", "ID", tr("Select design ID once the workspace is open (the detail and the editors show it)."),
         [](const QStringList& values, CommandLineOptions& o) {
             const auto id = positiveNumber(values.back());
             o.select = id.value_or(0);
             return id ? QString() : tr("--select takes a design number, got '%1'.").arg(values.back());
         }},
        {"edit", "NAME=VALUE",
         tr("Change the selected co-design's accelerator as the editor would, e.g. peCount=512 or "
            "mainMemory.type=hbm (repeatable; NAME is any field of the accelerator's JSON, VALUE within its bounds): "
            "the what-if point shows where it lands."),
         [](const QStringList& values, CommandLineOptions& o) {
             o.edits = values;
             return QString();
         }},
    };
}

} // namespace

CommandLineResult parseCommandLine(QCommandLineParser& parser, const QStringList& arguments,
                                   const QStringList& viewNames) {
    parser.setApplicationDescription(
        tr("TransCODE Workbench: co-design transformers and accelerators, and explore their trade-offs."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), tr("Workspace to open (.tcw)."), QStringLiteral("[FILE]"));
    const std::vector<OptionRow> table = optionTable(viewNames);
    for (const OptionRow& row : table)
        parser.addOption(QCommandLineOption(QLatin1String(row.name), row.help, QLatin1String(row.valueName)));
    parser.process(arguments); // --help / --version / unknown options exit here

    CommandLineResult result;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        result.error = tr("Only one FILE can be opened, got %1.").arg(positional.join(QStringLiteral(" ")));
        return result;
    }
    if (!positional.isEmpty())
        result.options.workspace = positional.front();
    // In the table's order: an option that needs another (--lesson-step, --train-demo) comes
    // after it, and with several refused values the first one --help lists is named.
    for (const OptionRow& row : table) {
        const QString name = QLatin1String(row.name);
        if (!parser.isSet(name))
            continue;
        result.error = row.apply(parser.values(name), result.options);
        if (!result.error.isEmpty())
            return result;
    }
    return result;
}

} // namespace tcw::app
