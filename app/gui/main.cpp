// transcode-workbench: the desktop application. Parses the command line, captures the log,
// builds the main window and opens the workspace; --screenshot renders the window and exits.
#include "command_line.h"
#include "lesson_controller.h"
#include "log_capture.h"
#include "main_window.h"
#include "models/log_model.h"
#include "panels/training_panel.h"
#include "screenshot.h"
#include "store/workspace.h"
#include "training_controller.h"
#include "workspace_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QIcon>
#include <QLoggingCategory>
#include <QSettings>
#include <QTemporaryDir>

#include <cstdio>
#include <cstring>
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
                             if (!options.trainData.isEmpty()) {
                                 auto request = window.trainingPanel()->request();
                                 request.data.name = options.trainData.toStdString();
                                 window.trainingPanel()->setRequest(request);
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
    } else {
        screenshot.start();
    }
    QObject::connect(&screenshot, &tcw::app::ScreenshotTaker::finished, &app,
                     [&startupFailed](bool saved, const QString& message) {
                         std::fprintf(saved ? stdout : stderr, "transcode-workbench: %s\n", qPrintable(message));
                         // A screenshot of a workspace that failed to open is still written, but the
                         // exit status says the FILE was not shown.
                         QCoreApplication::exit(saved && !startupFailed ? 0 : 1);
                     });
    if (options.lesson.isEmpty() || window.lessons()->currentStep() != options.lessonStep - 1 ||
        !window.lessons()->isApplying()) {
        screenshot.start();
    } else {
        // The step opens its workspace first: take the picture once the whole step holds.
        QObject::connect(window.lessons(), &tcw::app::LessonController::stepApplied, &screenshot,
                         [&screenshot, step = options.lessonStep - 1](int applied) {
                             if (applied == step)
                                 screenshot.start();
                         });
    }
    return app.exec();
}
