// transcode-workbench: the desktop application. Parses the command line, captures the log,
// builds the main window and opens the workspace; --screenshot renders the window and exits.
#include "command_line.h"
#include "io/search_json.h"
#include "lesson_controller.h"
#include "log_capture.h"
#include "main_window.h"
#include "models/colour_map.h"
#include "models/log_model.h"
#include "panels/device_selection_page.h"
#include "panels/devices_page.h"
#include "panels/grow_prune_page.h"
#include "panels/search_devices_box.h"
#include "panels/search_page.h"
#include "panels/search_panel.h"
#include "panels/training_panel.h"
#include "screenshot.h"
#include "search_controller.h"
#include "store/workspace.h"
#include "training_controller.h"
#include "workspace_controller.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QLoggingCategory>
#include <QSettings>
#include <QStyle>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>

Q_LOGGING_CATEGORY(lcApp, "tcw.app")

namespace {
// --screenshot reads the user's settings (recent workspaces) but must not change them: it
// works on a copy in a temporary folder.
void useCopyOfSettings(const QTemporaryDir& folder) {
    const QString original = QSettings().fileName();
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, folder.path());
    const QString copy = QSettings().fileName();
    QDir().mkpath(QFileInfo(copy).absolutePath());
    if (QFileInfo::exists(original))
        QFile::copy(original, copy);
}

bool hasArgument(int argc, char** argv, std::initializer_list<const char*> names) {
    for (int i = 1; i < argc; ++i)
        for (const char* name : names)
            if (std::strcmp(argv[i], name) == 0)
                return true;
    return false;
}

void setIdentity() {
    QCoreApplication::setOrganizationName(QStringLiteral("TransCODE"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("transcode-workbench.org"));
    QCoreApplication::setApplicationName(QStringLiteral("TransCODE Workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TCW_VERSION));
}
} // namespace

int main(int argc, char** argv) {
    // --help and --version print text: they work without a display.
    if (hasArgument(argc, argv, {"-h", "--help", "--help-all", "-?", "-v", "--version"})) {
        QCoreApplication textOnly(argc, argv);
        setIdentity();
        QCommandLineParser parser;
        tcw::app::parseCommandLine(parser, QCoreApplication::arguments(), tcw::app::MainWindow::viewNames());
        return 0; // not reached: QCommandLineParser::process prints and exits
    }
    // A screenshot needs no screen: without one, render offscreen instead of failing.
    if (hasArgument(argc, argv, {"--screenshot"}) && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("TransCODE Workbench"));
    QApplication::setDesktopFileName(QStringLiteral("transcode-workbench"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/transcode-workbench.svg")));

    QCommandLineParser parser;
    const auto parsed =
        tcw::app::parseCommandLine(parser, QApplication::arguments(), tcw::app::MainWindow::viewNames());
    if (!parsed.error.isEmpty()) {
        std::fprintf(stderr, "transcode-workbench: %s\n\n%s", qPrintable(parsed.error), qPrintable(parser.helpText()));
        return 2;
    }
    const tcw::app::CommandLineOptions& options = parsed.options;
    if (!options.theme.isEmpty()) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(options.theme == QLatin1String("dark") ? tcw::models::palette::dark()
                                                                        : QApplication::style()->standardPalette());
    }
    const bool screenshotMode = !options.screenshot.isEmpty();
    QTemporaryDir settingsCopy;
    if (screenshotMode)
        useCopyOfSettings(settingsCopy);

    // --train-demo trains on a copy: a screenshot never changes the user's workspace.
    QTemporaryDir demoFolder;
    QString workspaceFile = options.workspace;
    if (options.trainDemo > 0) {
        workspaceFile = demoFolder.filePath(QFileInfo(options.workspace).fileName());
        try {
            tcw::store::Workspace::backup(options.workspace.toStdString(), workspaceFile.toStdString());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "transcode-workbench: %s\n", e.what());
            return 1;
        }
    }

    tcw::models::LogModel log;
    tcw::app::LogCapture capture(&log);
    tcw::app::MainWindow window(&log);
    window.setInteractive(!screenshotMode);
    // A screenshot shows the default layout at the default size, whatever the user last had.
    if (!screenshotMode)
        window.restoreLayout();
    qCInfo(lcApp).noquote() << QStringLiteral("TransCODE Workbench %1 on Qt %2 (%3)")
                                   .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion()),
                                        QApplication::platformName());
    window.show();
    window.startUp(workspaceFile);
    if (!options.view.isEmpty() || options.select > 0 || !options.edits.isEmpty()) {
        // Central views, selections and edits need the workspace: apply them once it has opened.
        QObject::connect(window.controller(), &tcw::app::WorkspaceController::workspaceOpened, &window,
                         [&window, options] {
                             if (options.select > 0)
                                 window.controller()->selectDesign(options.select);
                             if (!options.view.isEmpty())
                                 window.showView(options.view);
                             QString error;
                             if (!options.edits.isEmpty() && !window.applyAcceleratorEdits(options.edits, &error))
                                 qCWarning(lcApp).noquote() << "--edit:" << error;
                         });
        if (!options.view.isEmpty())
            window.showView(options.view);
    }
    if (!options.lesson.isEmpty()) {
        const auto parsedLesson = window.lessons()->read(options.lesson);
        if (!parsedLesson.lesson) {
            std::fprintf(stderr, "transcode-workbench: %s\n", qPrintable(parsedLesson.errors.join('\n')));
            return 2;
        }
        if (options.lessonStep > int(parsedLesson.lesson->steps.size())) {
            std::fprintf(stderr, "transcode-workbench: --lesson-step %d: the lesson has %d steps\n", options.lessonStep,
                         int(parsedLesson.lesson->steps.size()));
            return 2;
        }
        window.lessons()->start(*parsedLesson.lesson, options.lesson);
        window.lessons()->goToStep(options.lessonStep - 1);
    }
    // Issue 15, --search-form: a search configuration shown in the Search panel's form.
    if (!options.searchForm.isEmpty()) {
        QFile file(options.searchForm);
        const bool read = file.open(QIODevice::ReadOnly);
        const auto config = tcw::io::parseSearchConfig(read ? file.readAll().toStdString() : std::string(),
                                                       options.searchForm.toStdString());
        if (!read || !config) {
            std::fprintf(stderr, "transcode-workbench: --search-form %s: %s\n", qPrintable(options.searchForm),
                         read ? config.errors.toString().c_str() : qPrintable(file.errorString()));
            return 2;
        }
        window.searchPanel()->showSearch(*config.value);
    }
    // --search-demo: a search started from the panel, paused mid-run once the explorer shows
    // its trials; the screenshot (if any) waits for that.
    bool demoPaused = options.searchDemo <= 0;
    std::function<void()> whenDemoPaused;
    if (options.searchDemo > 0) {
        tcw::app::SearchController* search = window.searches();
        tcw::widgets::SearchPanel* panel = window.searchPanel();
        search->setThreads(2);
        QObject::connect(window.controller(), &tcw::app::WorkspaceController::workspaceOpened, &window,
                         [&window, panel] {
                             window.showView(QStringLiteral("search"));
                             panel->devicesBox()->setDevicesOn(false); // ELECTOR alone, whatever was remembered
                             panel->setAlgorithm(QStringLiteral("nsga2"));
                             panel->setBudget(2000);
                             panel->setSeed(1);
                             if (!panel->startAction()->isEnabled())
                                 qCWarning(lcApp).noquote() << "--search-demo: cannot start:" << int(panel->state())
                                                            << panel->validationErrors().join(QStringLiteral("; "));
                             panel->startAction()->trigger();
                         });
        QObject::connect(search, &tcw::app::SearchController::progressed, &window,
                         [search, trials = options.searchDemo](const tcw::widgets::SearchPanel::Progress& p) {
                             if (p.trials >= trials && search->state() == tcw::widgets::SearchPanel::State::Running)
                                 search->pause();
                         });
        QObject::connect(search, &tcw::app::SearchController::stateChanged, &window,
                         [&window, &demoPaused, &whenDemoPaused](tcw::widgets::SearchPanel::State state) {
                             if (state != tcw::widgets::SearchPanel::State::Paused || demoPaused)
                                 return;
                             demoPaused = true;
                             // The trials committed so far into the explorer, then the picture.
                             window.controller()->reloadInBackground();
                             if (whenDemoPaused)
                                 QTimer::singleShot(800, &window, whenDemoPaused);
                         });
    }
    // Issue 16: the Selection view's files.
    tcw::widgets::DeviceSelectionPage* selection = window.selectionPage();
    int selectionPending = 0; // what the Selection view still reads before a screenshot of it
    if (!options.selectionModel.isEmpty())
        selection->setModel(options.selectionModel);
    if (!options.selectionData.isEmpty())
        selection->setDataSet(options.selectionData);
    if (options.selectionTokens > 0)
        selection->setSequenceLength(options.selectionTokens);
    if (options.latencyMs > 0)
        selection->setLatencyLimitMs(options.latencyMs);
    if (options.accuracy >= 0)
        selection->setAccuracyLimit(options.accuracy);
    if (screenshotMode && options.view == QLatin1String("selection"))
        window.resize(2600, 1250); // room for the page: the picture is the page alone
    if (!options.runs.isEmpty())
        selection->setRunsFolder(options.runs);
    if (!options.catalogue.isEmpty()) {
        ++selectionPending;
        selection->loadCatalogue(options.catalogue);
    }
    if (!options.pruningRun.isEmpty()) {
        ++selectionPending;
        selection->loadPruningRun(options.pruningRun);
    }
    if (!screenshotMode)
        return app.exec();

    bool startupFailed = false;
    QObject::connect(window.controller(), &tcw::app::WorkspaceController::errorOccurred, &window,
                     [&startupFailed] { startupFailed = true; });
    tcw::app::ScreenshotTaker screenshot(&window, window.controller(), options.screenshot);
    screenshot.setTarget([&window, view = options.view] { return window.screenshotTarget(view); });
    if (options.trainDemo > 0) {
        // Start the run once the workspace is open; take the picture after the asked reports.
        QObject::connect(window.controller(), &tcw::app::WorkspaceController::workspaceOpened, &window,
                         [&window, options] {
                             if (!window.controller()->currentDesignId())
                                 window.selectRepresentativeDesign();
                             if (!options.trainData.isEmpty() || !options.trainTeacher.isEmpty() ||
                                 !options.trainPrecision.isEmpty()) {
                                 auto request = window.trainingPanel()->request();
                                 if (!options.trainData.isEmpty())
                                     request.data.name = options.trainData.toStdString();
                                 request.teacher = options.trainTeacher.toStdString(); // issue 15
                                 // Quantized activations are not pruned: the trainer refuses τ_I > 0 with them.
                                 if (options.trainPrecision.contains(QLatin1Char('a')))
                                     request.tauActivation = 0;
                                 window.trainingPanel()->setRequest(request);
                             }
                             if (!options.trainPrecision.isEmpty() || !options.trainTeacher.isEmpty()) {
                                 window.trainingPanel()->setPrecision(options.trainPrecision);
                                 window.trainingPanel()->showLowBitPlots();
                             }
                             window.showView(QStringLiteral("training"));
                             if (!window.startTraining())
                                 QCoreApplication::exit(1);
                         });
        QObject::connect(window.training(), &tcw::app::TrainingController::updated, &screenshot,
                         [&window, &screenshot, reports = options.trainDemo, started = false]() mutable {
                             if (!started &&
                                 static_cast<int>(window.trainingPanel()->series().points().size()) >= reports) {
                                 started = true;
                                 screenshot.start();
                             }
                         });
        QObject::connect(window.training(), &tcw::app::TrainingController::finished, &screenshot,
                         [](const tcw::app::TrainingOutcome& outcome) {
                             if (!outcome.stored) {
                                 std::fprintf(stderr, "transcode-workbench: --train-demo: %s\n",
                                              qPrintable(outcome.message));
                                 QCoreApplication::exit(1);
                             }
                         });
    }
    QObject::connect(&screenshot, &tcw::app::ScreenshotTaker::finished, &app,
                     [&startupFailed](bool saved, const QString& message) {
                         std::fprintf(saved ? stdout : stderr, "transcode-workbench: %s\n", qPrintable(message));
                         // A screenshot of a workspace that failed to open is still written, but the
                         // exit status says the FILE was not shown.
                         QCoreApplication::exit(saved && !startupFailed ? 0 : 1);
                     });
    // When the picture is taken: after the demo run's reports (above), once the demo search
    // has paused, once the lesson's step holds (its workspace opens first), or now.
    if (options.trainDemo > 0) {
    } else if (!demoPaused) {
        whenDemoPaused = [&screenshot] { screenshot.start(); };
    } else if (options.view == QLatin1String("grow-prune")) { // issue 14: the tree is read after the workspace opens
        // Taken once the tree has been read, whether the workspace holds one or not (waiting
        // for nodes never ended on a workspace without grow-and-prune runs).
        QObject::connect(
            &window, &tcw::app::MainWindow::growPruneTreeLoaded, &screenshot, [&screenshot] { screenshot.start(); },
            Qt::SingleShotConnection);
    } else if (options.view == QLatin1String("selection") && selectionPending > 0) {
        // The catalogue (its devices' cost models fitted) and the pruning run are read in the
        // background; the picture waits for both, or for a failure (then it shows the message).
        auto done = std::make_shared<int>(selectionPending);
        const auto one = [&screenshot, done] {
            if (--*done == 0)
                screenshot.start();
        };
        QObject::connect(selection, &tcw::widgets::DeviceSelectionPage::computed, &screenshot, one,
                         Qt::SingleShotConnection);
        QObject::connect(selection, &tcw::widgets::DeviceSelectionPage::pruningRunShown, &screenshot, one,
                         Qt::SingleShotConnection);
        QObject::connect(
            selection, &tcw::widgets::DeviceSelectionPage::failed, &screenshot, [&screenshot] { screenshot.start(); },
            Qt::SingleShotConnection);
    } else if (options.view == QLatin1String("search")) {
        // Issue 14: the Search panel's measured devices — the presets and the workspace's
        // profiles are read in the background; the picture waits for both.
        auto done = std::make_shared<int>(int(window.searchPanel()->devicesBox()->isLoading()) +
                                          int(!options.workspace.isEmpty()));
        const auto one = [&screenshot, done] {
            if (--*done == 0)
                screenshot.start();
        };
        if (*done == 0)
            screenshot.start();
        if (window.searchPanel()->devicesBox()->isLoading())
            QObject::connect(window.searchPanel()->devicesBox(), &tcw::widgets::SearchDevicesBox::presetsLoaded,
                             &screenshot, one, Qt::SingleShotConnection);
        if (!options.workspace.isEmpty())
            QObject::connect(window.devicesPage(), &tcw::widgets::DevicesPage::loaded, &screenshot, one,
                             Qt::SingleShotConnection);
    } else if (options.view == QLatin1String("search-page")) {
        // The page's content is read in the background after the workspace opens.
        QObject::connect(window.searchPage(), &tcw::widgets::SearchPage::contentShown, &screenshot,
                         [&screenshot, started = false]() mutable {
                             if (!started) {
                                 started = true;
                                 screenshot.start();
                             }
                         });
        // A workspace without a search has no content to wait for: the page as it is.
        QObject::connect(
            window.controller(), &tcw::app::WorkspaceController::workspaceOpened, &screenshot,
            [&screenshot, &window] {
                if (window.controller()->treeContent().searches.isEmpty())
                    screenshot.start();
            },
            Qt::SingleShotConnection);
    } else if (options.view == QLatin1String("devices")) {
        // The device profiles are read in the background after the workspace opens.
        QObject::connect(window.devicesPage(), &tcw::widgets::DevicesPage::loaded, &screenshot,
                         [&screenshot, started = false]() mutable {
                             if (!started) {
                                 started = true;
                                 screenshot.start();
                             }
                         });
    } else if (!options.lesson.isEmpty() && window.lessons()->currentStep() == options.lessonStep - 1 &&
               window.lessons()->isApplying()) {
        QObject::connect(window.lessons(), &tcw::app::LessonController::stepApplied, &screenshot,
                         [&screenshot, step = options.lessonStep - 1](int applied) {
                             if (applied == step)
                                 screenshot.start();
                         });
    } else {
        screenshot.start();
    }
    return app.exec();
}
