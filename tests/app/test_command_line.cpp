// The GUI's command line (app/gui/command_line.cpp): every option parsed into its field, the
// defaults when absent, each value refused with its own message, and the help listing every
// option with its value name in the order users have read.
#include "command_line.h"

#include <QCommandLineParser>
#include <QtTest>

using tcw::app::CommandLineResult;
using tcw::app::parseCommandLine;

namespace {

const QStringList kViews = {QStringLiteral("explorer"), QStringLiteral("selection")};

CommandLineResult parse(QStringList arguments, QCommandLineParser* into = nullptr) {
    QCommandLineParser local;
    arguments.prepend(QStringLiteral("transcode-workbench"));
    return parseCommandLine(into ? *into : local, arguments, kViews);
}

} // namespace

class TestCommandLine : public QObject {
    Q_OBJECT
private slots:
    void defaults() {
        const CommandLineResult r = parse({});
        QVERIFY(r.error.isEmpty());
        const auto& o = r.options;
        QVERIFY(o.workspace.isEmpty() && o.screenshot.isEmpty() && o.view.isEmpty() && o.edits.isEmpty());
        QVERIFY(o.lesson.isEmpty() && o.trainData.isEmpty() && o.theme.isEmpty());
        QVERIFY(o.trainPrecision.isEmpty() && o.trainTeacher.isEmpty());
        QVERIFY(o.catalogue.isEmpty() && o.runs.isEmpty() && o.pruningRun.isEmpty() && o.selectionModel.isEmpty());
        QCOMPARE(o.select, 0);
        QCOMPARE(o.lessonStep, 1);
        QCOMPARE(o.trainDemo, 0);
        QCOMPARE(o.searchDemo, 0);
        QCOMPARE(o.selectionTokens, 0);
        QCOMPARE(o.latencyMs, 0.0);
        QCOMPARE(o.accuracy, -1.0);
    }

    void everyOption() {
        const CommandLineResult r = parse({"ws.tcw",
                                           "--screenshot",
                                           "out.png",
                                           "--view",
                                           "selection",
                                           "--select",
                                           "42",
                                           "--edit",
                                           "peCount=512",
                                           "--edit",
                                           "mainMemory.type=hbm",
                                           "--lesson",
                                           "l.json",
                                           "--lesson-step",
                                           "3",
                                           "--train-demo",
                                           "5",
                                           "--train-data",
                                           "listops",
                                           "--train-precision",
                                           "w1a8",
                                           "--train-teacher",
                                           "runs/t",
                                           "--search-demo",
                                           "7",
                                           "--search-form",
                                           "form.json",
                                           "--theme",
                                           "dark",
                                           "--catalogue",
                                           "cat.json",
                                           "--runs",
                                           "runs",
                                           "--pruning-run",
                                           "prune/1",
                                           "--selection-model",
                                           "bert-tiny",
                                           "--selection-tokens",
                                           "128",
                                           "--selection-data",
                                           "listops",
                                           "--latency",
                                           "2.5",
                                           "--accuracy",
                                           "0.75"});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const auto& o = r.options;
        QCOMPARE(o.workspace, QString("ws.tcw"));
        QCOMPARE(o.screenshot, QString("out.png"));
        QCOMPARE(o.view, QString("selection"));
        QCOMPARE(o.select, 42);
        QCOMPARE(o.edits, QStringList({"peCount=512", "mainMemory.type=hbm"}));
        QCOMPARE(o.lesson, QString("l.json"));
        QCOMPARE(o.lessonStep, 3);
        QCOMPARE(o.trainDemo, 5);
        QCOMPARE(o.trainData, QString("listops"));
        QCOMPARE(o.trainPrecision, QString("w1a8"));
        QCOMPARE(o.trainTeacher, QString("runs/t"));
        QCOMPARE(o.searchDemo, 7);
        QCOMPARE(o.theme, QString("dark"));
        QCOMPARE(o.catalogue, QString("cat.json"));
        QCOMPARE(o.runs, QString("runs"));
        QCOMPARE(o.pruningRun, QString("prune/1"));
        QCOMPARE(o.selectionModel, QString("bert-tiny"));
        QCOMPARE(o.selectionTokens, 128);
        QCOMPARE(o.selectionData, QString("listops"));
        QCOMPARE(o.searchForm, QString("form.json"));
        QCOMPARE(o.latencyMs, 2.5);
        QCOMPARE(o.accuracy, 0.75);
    }

    // The demo run's data set, precision and teacher are read only for --train-demo.
    void trainSettingsNeedTheDemo() {
        const CommandLineResult r =
            parse({"--train-data", "nonsense", "--train-precision", "w1a1", "--train-teacher", "t"});
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.options.trainData.isEmpty() && r.options.trainPrecision.isEmpty() &&
                r.options.trainTeacher.isEmpty());
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        QTest::newRow("two files") << QStringList{"a.tcw", "b.tcw"} << "Only one FILE can be opened, got a.tcw b.tcw.";
        QTest::newRow("theme") << QStringList{"--theme", "blue"} << "--theme is light or dark, got 'blue'.";
        QTest::newRow("lesson step 0") << QStringList{"--lesson", "l.json", "--lesson-step", "0"}
                                       << "--lesson-step takes a step number from 1 and needs --lesson, got '0'.";
        QTest::newRow("lesson step alone") << QStringList{"--lesson-step", "2"}
                                           << "--lesson-step takes a step number from 1 and needs --lesson, got '2'.";
        QTest::newRow("select") << QStringList{"--select", "x"} << "--select takes a design number, got 'x'.";
        QTest::newRow("select 0") << QStringList{"--select", "0"} << "--select takes a design number, got '0'.";
        QTest::newRow("train demo without screenshot")
            << QStringList{"ws.tcw", "--train-demo", "4"}
            << "--train-demo takes a number of reports (> 0) and needs FILE and --screenshot, got '4'.";
        QTest::newRow("train demo without file")
            << QStringList{"--screenshot", "p.png", "--train-demo", "4"}
            << "--train-demo takes a number of reports (> 0) and needs FILE and --screenshot, got '4'.";
        QTest::newRow("train demo 0")
            << QStringList{"ws.tcw", "--screenshot", "p.png", "--train-demo", "0"}
            << "--train-demo takes a number of reports (> 0) and needs FILE and --screenshot, got '0'.";
        QTest::newRow("train data") << QStringList{"ws.tcw", "--screenshot", "p.png", "--train-demo",
                                                   "2",      "--train-data", "mnist"}
                                    << "--train-data: 'mnist' is not one of fashion-mnist, listops, fortunes.";
        QTest::newRow("search demo") << QStringList{"--search-demo", "0"}
                                     << "--search-demo takes a number of trials, got '0'.";
        QTest::newRow("tokens") << QStringList{"--selection-tokens", "65537"}
                                << "--selection-tokens takes 1 to 65536 tokens, got '65537'.";
        QTest::newRow("tokens text") << QStringList{"--selection-tokens", "many"}
                                     << "--selection-tokens takes 1 to 65536 tokens, got 'many'.";
        QTest::newRow("selection data") << QStringList{"--selection-data", "mnist"}
                                        << "--selection-data: 'mnist' is not one of text, fashion-mnist, listops.";
        QTest::newRow("latency low") << QStringList{"--latency", "0.0009"}
                                     << "--latency takes 0.001 to 10000 ms, got '0.0009'.";
        QTest::newRow("latency high") << QStringList{"--latency", "10001"}
                                      << "--latency takes 0.001 to 10000 ms, got '10001'.";
        QTest::newRow("latency nan") << QStringList{"--latency", "nan"}
                                     << "--latency takes 0.001 to 10000 ms, got 'nan'.";
        QTest::newRow("accuracy") << QStringList{"--accuracy", "1.5"} << "--accuracy takes 0 to 1, got '1.5'.";
        QTest::newRow("accuracy text") << QStringList{"--accuracy", "high"} << "--accuracy takes 0 to 1, got 'high'.";
        QTest::newRow("view") << QStringList{"--view", "nowhere"}
                              << "Unknown view 'nowhere'; choose one of: explorer, selection.";
    }

    void refusals() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QCOMPARE(parse(arguments).error, error);
    }

    // The bounds themselves are allowed.
    void bounds() {
        const CommandLineResult r = parse({"--selection-tokens", "65536", "--latency", "0.001", "--accuracy", "0",
                                           "--theme", "light", "--view", "explorer"});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.options.selectionTokens, 65536);
        QCOMPARE(r.options.latencyMs, 0.001);
        QCOMPARE(r.options.accuracy, 0.0);
        QVERIFY(parse({"--latency", "10000", "--accuracy", "1"}).error.isEmpty());
    }

    // --help lists every option with its value name, in this order.
    void helpListsEveryOption() {
        QCommandLineParser parser;
        parse({}, &parser);
        const QString help = parser.helpText();
        const QStringList expected = {"--theme <THEME>",
                                      "--catalogue <FILE>",
                                      "--runs <DIR>",
                                      "--pruning-run <DIR>",
                                      "--selection-model <MODEL>",
                                      "--selection-tokens <N>",
                                      "--selection-data <NAME>",
                                      "--latency <MS>",
                                      "--accuracy <AC>",
                                      "--screenshot <PNG>",
                                      "--lesson <FILE>",
                                      "--lesson-step <N>",
                                      "--train-demo <REPORTS>",
                                      "--train-precision <PRECISION>",
                                      "--train-teacher <RUN>",
                                      "--train-data <NAME>",
                                      "--search-demo <TRIALS>",
                                      "--search-form <FILE>",
                                      "--view <NAME>",
                                      "--select <ID>",
                                      "--edit <NAME=VALUE>"};
        qsizetype at = 0;
        for (const QString& option : expected) {
            const qsizetype found = help.indexOf(option, at);
            QVERIFY2(found > at, qPrintable(option + " missing or out of order in:\n" + help));
            at = found;
        }
        QVERIFY(help.contains("Show NAME first, one of: explorer, selection."));
        QVERIFY(help.contains("[FILE]"));
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "test_command_line.moc"
