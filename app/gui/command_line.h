// The command line: transcode-workbench [FILE] [--screenshot PNG] [--view NAME] [--select ID]
// [--edit NAME=VALUE]… [--lesson FILE [--lesson-step N]] [--train-demo REPORTS [--train-data NAME]]
// [--search-demo TRIALS].
#pragma once

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace tcw::app {

struct CommandLineOptions {
    QString workspace;  // FILE, empty when not given
    QString screenshot; // render the window to this PNG and exit
    QString view;       // what to show first (see MainWindow::viewNames())
    qint64 select = 0;  // the design to select once open (0: none)
    QStringList edits;  // NAME=VALUE edits of the selected co-design's accelerator
    QString lesson;     // a lesson to start
    int lessonStep = 1; // its step to go to, from 1
    int trainDemo = 0;  // --screenshot after this many training reports of a run on the selection
    QString trainData;  // the demo run's data set (the Training panel's default when empty)
    int searchDemo = 0; // > 0: start an NSGA-II search from the Search panel, pause it after this many trials
    QString theme;      // "light" or "dark": the Fusion style with that palette; empty: the platform's
    // Issue 15: the demo run's precision shorthand (shows the precision plots) and teacher run folder.
    QString trainPrecision, trainTeacher;
    QString
        searchForm; // issue 15: a search configuration (JSON, `tcw search --print-config`) shown in the Search panel
    // The Selection view (issue 16): a device catalogue, the trained settings' runs folder and
    // a tcw prune run to open in it; with --view selection the screenshot waits for them.
    QString catalogue, runs, pruningRun;
    QString selectionModel;  // its model (a preset name or file); empty: the view's default
    int selectionTokens = 0; // its sequence length; 0: the view's default
    QString selectionData;   // its task (models::selectionDataSets()); empty: the view's default
    double latencyMs = 0;    // its LC in ms; 0: the view's default
    double accuracy = -1;    // its AC; < 0: the view's default
};

struct CommandLineResult {
    CommandLineOptions options;
    QString error; // non-empty: print it with the usage and exit 2
};

// Sets up parser (including --help and --version) and parses arguments. --help and
// --version print and exit inside QCommandLineParser::process, as users expect.
CommandLineResult parseCommandLine(QCommandLineParser& parser, const QStringList& arguments,
                                   const QStringList& viewNames);

} // namespace tcw::app
