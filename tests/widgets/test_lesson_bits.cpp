// Lesson 8, "How few bits?" (issue 15): every number its steps quote is recomputed here from
// what ships and looked up in the step's text — accuracies, BAT-class latencies and energies
// and the runs' measured sparsity profiles from its workspace (data/lessons/bits.tcw), the
// BAT-class model's stages and the model's stored size (modelSize) from the designs stored
// there, BERT-Base's size from its preset, and the longer runs from docs/runs. The steps
// show what they name (offscreen).
#include "lesson_controller.h"
#include "main_window.h"
#include "models/design_table_model.h"
#include "models/lesson.h"
#include "workspace_controller.h"

#include "design/model_size.h"
#include "design/precision_shorthand.h"
#include "io/files.h"
#include "io/formats.h"
#include "sim/bat_model.h"
#include "store/workspace.h"

#include "../support/lesson_steps.h"
#include "../support/settings_sandbox.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>

using namespace tcw;

namespace {

const QString kLesson = QStringLiteral(TCW_SOURCE_DATA_DIR "/lessons/8-how-few-bits.json");
const QString kWorkspace = QStringLiteral(TCW_SOURCE_DATA_DIR "/lessons/bits.tcw");

// The task the workspace's models were trained and costed on: Fashion-MNIST in 7×7 patches
// (16 tokens of 49 values, 10 classes). The BAT-class check below recomputes the stored
// latencies with it, so a different task would show there.
TaskShape fashionMnistPatches() {
    TaskShape t;
    t.sequenceLength = 16;
    t.vocabularySize = 0;
    t.numClasses = 10;
    t.patchInputSize = 49;
    return t;
}

QString fixed(double value, int decimals) {
    return QString::number(value, 'f', decimals);
}

// "2,112": thousands grouped as the lesson writes them.
QString grouped(long long value) {
    return QLocale(QLocale::English).toString(value);
}

struct Lesson {
    models::Lesson lesson;
    QString text(int step) const { return lesson.steps.at(std::size_t(step)).text; }
};

// Read against the window's names, as the Lessons menu reads it.
Lesson readLesson() {
    app::MainWindow window;
    const auto parsed = window.lessons()->read(kLesson);
    return parsed.lesson ? Lesson{*parsed.lesson} : Lesson{};
}

#define QUOTED(step, piece)                                                                                            \
    QVERIFY2(lesson.text(step).contains(piece),                                                                        \
             qPrintable(QStringLiteral("step %1 does not quote '%2'").arg((step) + 1).arg(piece)))

double metricsAccuracy(const QString& run) {
    QFile f(QStringLiteral(TCW_SOURCE_DATA_DIR "/../docs/runs/%1/metrics.json").arg(run));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return QJsonDocument::fromJson(f.readAll()).object().value("testAccuracy").toDouble(-1);
}

TransformerSpec transformerOf(const store::DesignRecord& design) {
    const auto parsed = io::parseDocument(design.specJson, io::Syntax::Json, design.name);
    if (!parsed)
        return {};
    if (const auto* pair = std::get_if<io::CodesignPair>(&*parsed.value))
        return pair->transformer;
    if (const auto* model = std::get_if<TransformerSpec>(&*parsed.value))
        return *model;
    return {};
}

std::optional<BatSpec> batOf(const store::DesignRecord& design) {
    const auto parsed = io::parseDocument(design.specJson, io::Syntax::Json, design.name);
    if (const auto* pair = parsed ? std::get_if<io::CodesignPair>(&*parsed.value) : nullptr)
        if (const BatSpec* bat = pair->target.bat())
            return *bat;
    return std::nullopt;
}

} // namespace

class TestLessonBits : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void setUpIsQuoted();
    void workspaceNumbersAreQuoted();
    void batStagesAreQuoted();
    void sizesAreQuoted();
    void sparsityIsQuoted();
    void longerRunsAreQuoted();
    void stepsShowWhatTheyName();

private:
    QTemporaryDir m_settingsDir;
    Lesson lesson;
    std::map<std::string, store::DesignSummary> designs; // by name
};

void TestLessonBits::initTestCase() {
    QVERIFY(testing::sandboxSettings(m_settingsDir, QStringLiteral("test_lesson_bits")));
    lesson = readLesson();
    QVERIFY2(lesson.lesson.steps.size() == 6, "the lesson did not load");
    const store::Workspace w = store::Workspace::openReadOnly(kWorkspace.toStdString());
    for (auto& d : w.designSummaries("inference"))
        designs[d.design.name] = d;
    for (const store::DesignRecord& d : w.designs()) // the summaries leave the documents out
        designs.at(d.name).design.specJson = d.specJson;
    QCOMPARE(designs.size(), std::size_t(10)); // five pairs and the five trained models
}

void TestLessonBits::setUpIsQuoted() {
    // Step 1: how every model was trained (each run's stored configuration), the BAT-class
    // design's engine and the ELECTOR accelerator's batch.
    const store::Workspace w = store::Workspace::openReadOnly(kWorkspace.toStdString());
    const auto runs = w.trainingRuns();
    QCOMPARE(runs.size(), std::size_t(5));
    for (const auto& run : runs) {
        const QJsonObject c = QJsonDocument::fromJson(QByteArray::fromStdString(run.configJson)).object();
        QCOMPARE(c.value("dataset").toString(), QStringLiteral("fashion-mnist"));
        QCOMPARE(c.value("patch").toInt(), 7);
        const QString budget = QStringLiteral("%1 steps of %2 images, %3 training and %4 test examples, seed %5")
                                   .arg(c.value("steps").toInt())
                                   .arg(c.value("batchSize").toInt())
                                   .arg(grouped(c.value("maxTrain").toInt()), grouped(c.value("maxTest").toInt()))
                                   .arg(c.value("seed").toInt());
        QUOTED(0, budget);
    }
    for (const char* p : {"w8a8", "w2a8", "w1a8", "w1a1"}) {
        const auto bat = batOf(designs.at(std::string(p) + " on BAT-class").design);
        QVERIFY(bat);
        QUOTED(0, QStringLiteral("%1 PEs × %2 lanes × %3 one-bit products")
                      .arg(bat->peCount)
                      .arg(bat->lanesPerPe)
                      .arg(bat->bitsPerLane));
        QCOMPARE(bat->activationFeed, ActivationFeed::BitSerial); // "fed bit-serially"
    }
    const auto parsed = io::parseDocument(designs.at("f32 on ELECTOR").design.specJson, io::Syntax::Json, "f32");
    const auto* pair = parsed ? std::get_if<io::CodesignPair>(&*parsed.value) : nullptr;
    QVERIFY(pair && pair->target.elector());
    // The circle is simulated for a batch and shown per sequence (the plot mixes kinds).
    QUOTED(0, QStringLiteral("a batch of %1 sequences").arg(pair->target.elector()->batchSize));
    QUOTED(0, QStringLiteral("divided by %1").arg(pair->target.elector()->batchSize));
    // Step 2: "a standard error of about 0.95 points" for each of the five accuracies.
    for (const auto& [name, d] : designs)
        if (d.latest && d.latest->accuracy) {
            const double p = *d.latest->accuracy;
            const double se = 100 * std::sqrt(p * (1 - p) / 2000);
            QVERIFY2(se > 0.9 && se < 1.0, name.c_str());
        }
}

void TestLessonBits::workspaceNumbersAreQuoted() {
    // Step 2: the five accuracies and the gap of the quantized ones to f32.
    double best = 0, worst = 1;
    const double f32 = designs.at("f32 on ELECTOR").latest->accuracy.value();
    QUOTED(1, fixed(100 * f32, 2) + " %");
    for (const char* p : {"w8a8", "w2a8", "w1a8", "w1a1"}) {
        const auto& e = *designs.at(std::string(p) + " on BAT-class").latest;
        QUOTED(1, QString::fromLatin1(p) + " " + fixed(100 * e.accuracy.value(), 2) + " %");
        best = std::max(best, *e.accuracy);
        worst = std::min(worst, *e.accuracy);
        QCOMPARE(e.costModel, std::string("bat"));
        QVERIFY(e.feasible);
    }
    QUOTED(1, QStringLiteral("%1 to %2 points").arg(fixed(100 * (f32 - best), 2), fixed(100 * (f32 - worst), 2)));
    // Step 4: BAT-class latency per sequence and energy, four significant digits; one area.
    const auto us = [&](const char* p) {
        return designs.at(std::string(p) + " on BAT-class").latest->latencySeconds.value() * 1e6;
    };
    const auto uj = [&](const char* p) {
        return designs.at(std::string(p) + " on BAT-class").latest->energyTotalNJ().value() / 1e3;
    };
    QUOTED(3, QString::number(us("w8a8"), 'g', 4) + " µs");
    QUOTED(3, QString::number(us("w1a8"), 'g', 4) + " µs");
    QCOMPARE(us("w2a8"), us("w1a8")); // "5.943 µs each"
    QUOTED(3, QString::number(us("w1a1"), 'g', 4) + " µs");
    for (const char* p : {"w8a8", "w2a8", "w1a8", "w1a1"}) {
        QUOTED(3, QString::number(uj(p), 'g', 4));
        QCOMPARE(fixed(*designs.at(std::string(p) + " on BAT-class").latest->areaMM2, 2), QStringLiteral("5.23"));
    }
    QUOTED(3, fixed(us("w1a8") / us("w1a1"), 2) + "×");
    QUOTED(3, QStringLiteral("5.23 mm²"));
}

void TestLessonBits::batStagesAreQuoted() {
    // The stored latencies are the BAT-class model's for the stored designs on this task (the
    // resimulation test keeps them current); step 5 quotes its stages per layer.
    std::map<std::string, BatResult> results;
    for (const char* p : {"w8a8", "w2a8", "w1a8", "w1a1"}) {
        const auto& d = designs.at(std::string(p) + " on BAT-class");
        const auto bat = batOf(d.design);
        QVERIFY(bat);
        const BatResult r = simulateBat(transformerOf(d.design), fashionMnistPatches(), *bat);
        QVERIFY2(r.feasible, p);
        QCOMPARE(qRound64(r.latencyMs * 1e9), qRound64(*d.latest->latencySeconds * 1e12)); // to the ps
        results[p] = r;
    }
    for (const auto& [p, r] : results)
        for (const BatSegment& s : r.segments)
            QCOMPARE(s.blocks, std::int64_t(1)); // one token block: "the stages run one after another"
    const auto perLayer = [&](const char* p, bool engineOnly) {
        long long cycles = 0;
        for (const BatSegment& s : results.at(p).segments) {
            if (s.layer != 0)
                continue;
            if (!engineOnly)
                cycles += s.cycles;
            else
                for (const BatStage& stage : s.stages)
                    cycles += stage.name == "engine" ? stage.cyclesPerBlock : 0;
        }
        return cycles;
    };
    QCOMPARE(results.at("w1a1").cycles, 4 * perLayer("w1a1", false)); // every layer alike
    QUOTED(4, grouped(perLayer("w8a8", true)) + "</b> of its " + grouped(perLayer("w8a8", false)) + " cycles");
    QUOTED(4, grouped(perLayer("w1a1", true)) + "</b> of <b>" + grouped(perLayer("w1a1", false)));
    QUOTED(4, fixed(100.0 * double(perLayer("w1a1", true)) / double(perLayer("w1a1", false)), 1) + " %");
    const long long units = perLayer("w1a1", false) - perLayer("w1a1", true);
    QCOMPARE(units, perLayer("w8a8", false) - perLayer("w8a8", true)); // "the same at every precision"
    QUOTED(4, grouped(units) + " cycles of scaling");
    // The largest unit stage of a w1a1 layer is the layer norm.
    std::int64_t layerNorm = 0, largestOther = 0;
    for (const BatSegment& s : results.at("w1a1").segments)
        for (const BatStage& stage : s.stages)
            if (s.layer == 0 && stage.name == "layer norm")
                layerNorm = stage.cyclesPerBlock;
            else if (s.layer == 0 && stage.name != "engine")
                largestOther = std::max(largestOther, stage.cyclesPerBlock);
    QVERIFY(layerNorm > largestOther);
    // The step's figure draws the same cycles and engine shares.
    QFile figure(QStringLiteral(TCW_SOURCE_DATA_DIR "/lessons/figures/bat-stages.svg"));
    QVERIFY(figure.open(QIODevice::ReadOnly));
    const QString svg = QString::fromUtf8(figure.readAll());
    QCOMPARE(perLayer("w2a8", false), perLayer("w1a8", false));
    for (const auto& [label, p] : {std::pair{"w8a8", "w8a8"}, {"w2a8, w1a8", "w1a8"}, {"w1a1", "w1a1"}}) {
        const QString cycles = QStringLiteral("%1: %2 cycles").arg(label, grouped(perLayer(p, false)));
        const QString share =
            "engine " + fixed(100.0 * double(perLayer(p, true)) / double(perLayer(p, false)), 1) + " %";
        QVERIFY2(svg.contains(cycles) && svg.contains(share), qPrintable(cycles + " / " + share));
    }
    QUOTED(4, "the layer norm, <b>" + grouped(layerNorm) + "</b> cycles per layer");
}

void TestLessonBits::sizesAreQuoted() {
    // Step 3: the stored model at each weight precision (the pairs' own transformers), and
    // BERT-Base from its preset at 512 positions.
    const TaskShape task = fashionMnistPatches();
    const auto size = [&](const char* name) { return modelSize(transformerOf(designs.at(name).design), task); };
    const ModelSize f32 = size("f32 on ELECTOR"), w8 = size("w8a8 on BAT-class"), w2 = size("w2a8 on BAT-class"),
                    w1 = size("w1a1 on BAT-class");
    QCOMPARE(size("w1a8 on BAT-class").totalBytes, w1.totalBytes); // activation bits store nothing
    QUOTED(2, grouped(f32.item("encoder weights").values) + " encoder weights");
    QUOTED(2, QString::number(f32.totalBytes / 1e6, 'g', 3) + " MB</b> at f32");
    QUOTED(2, fixed(w8.totalBytes / 1e3, 0) + " kB at 8 bits");
    QUOTED(2, fixed(w2.totalBytes / 1e3, 0) + " kB at 2 bits");
    QUOTED(2, fixed(w1.totalBytes / 1e3, 0) + " kB</b> at 1 bit");
    QUOTED(2, fixed(f32.totalBytes / w1.totalBytes, 1) + "×");
    const double kept = w1.totalBytes - w1.item("encoder weights").bytes;
    QUOTED(2, fixed(100 * kept / w1.totalBytes, 0) + " %</b> of the model");

    const auto bert = io::resolveTransformer("bert-base", TCW_SOURCE_DATA_DIR);
    QVERIFY(bert);
    TaskShape glue;
    glue.sequenceLength = 512;
    const ModelSize dense = modelSize(*bert, glue);
    TransformerSpec w1Spec = *bert;
    QCOMPARE(applyPrecisionShorthand("w1", w1Spec.compression), std::string());
    const ModelSize binary = modelSize(w1Spec, glue);
    w1Spec.compression.precision[std::size_t(TensorRole::Embeddings)] = Precision{1, Quantizer::Sign};
    const ModelSize allBinary = modelSize(w1Spec, glue);
    QUOTED(2, fixed(dense.totalBytes / 1e6, 1) + " MB at f32");
    QUOTED(2, fixed(binary.totalBytes / 1e6, 1) + " MB</b> with 1-bit encoder weights");
    QUOTED(2, fixed(100 * binary.item("embeddings").bytes / binary.totalBytes, 0) + " % of it");
    QUOTED(2, fixed(allBinary.totalBytes / 1e6, 1) + " MB</b> with a 1-bit token table");
    QVERIFY(allBinary.totalBytes > 13.4e6 * 0.9 && allBinary.totalBytes < 16.5e6); // "within the published"
}

void TestLessonBits::sparsityIsQuoted() {
    // Step 6: the runs' stored profiles (one per trained model), means over the layers.
    const store::Workspace w = store::Workspace::openReadOnly(kWorkspace.toStdString());
    std::map<std::string, LayerSparsity> mean;
    for (const auto& run : w.trainingRuns()) {
        const auto parsed = io::parseDocument(run.sparsityProfileJson, io::Syntax::Json, run.name);
        QVERIFY2(parsed, run.name.c_str());
        const auto* profile = std::get_if<SparsityProfile>(&*parsed.value);
        QVERIFY(profile && profile->layers.size() == 4);
        mean[run.name.substr(0, 4)] = profile->mean();
    }
    QCOMPARE(mean.size(), std::size_t(5));
    const auto pct = [](double v) { return fixed(100 * v, 1) + " %"; };
    QUOTED(5, "(w2a8) <b>" + pct(mean.at("w2a8").weight));
    QUOTED(5, "8-bit " + pct(mean.at("w8a8").weight));
    QCOMPARE(mean.at("w1a8").weight, 0.0); // "1-bit none"
    QCOMPARE(mean.at("w1a1").weight, 0.0);
    QUOTED(5, "<b>" + pct(mean.at("w1a1").activation) + "</b> in w1a1");
    for (const char* p : {"w8a8", "w2a8", "w1a8"})
        QVERIFY(mean.at(p).activation < 1e-6); // "none at 8 bits"
    QUOTED(5, "<b>" + pct(mean.at("w1a1").activationGradient) + "</b> zeros in w1a1");
    const double lo = std::min(
        {mean.at("w8a8").activationGradient, mean.at("w2a8").activationGradient, mean.at("w1a8").activationGradient});
    const double hi = std::max(
        {mean.at("w8a8").activationGradient, mean.at("w2a8").activationGradient, mean.at("w1a8").activationGradient});
    QUOTED(5, fixed(100 * lo, 1) + "–" + pct(hi) + " at 8-bit activations");
    const LayerSparsity& f32 = mean.at("f32 ");
    QVERIFY(f32.activation < 1e-6 && f32.weight == 0 && f32.activationGradient < 1e-4); // "none in f32"

    // The context values of the ViT preset's W1A1 run (docs/runs).
    QFile f(QStringLiteral(TCW_SOURCE_DATA_DIR "/../docs/runs/fmnist-small-w1a1/metrics.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject kinds =
        QJsonDocument::fromJson(f.readAll()).object().value("sparsity").toObject().value("activationByKind").toObject();
    QUOTED(5, "context values " + pct(kinds.value("context").toDouble(-1)));
    QUOTED(5, "probabilities " + pct(kinds.value("probabilities").toDouble(-1))); // counted before the quantizer
}

void TestLessonBits::longerRunsAreQuoted() {
    // Step 2: means of three seeds from docs/runs/fmnist-small-seeds.
    const auto mean = [](const QString& run) {
        double sum = 0;
        for (int seed = 1; seed <= 3; ++seed) {
            const double a = metricsAccuracy(QStringLiteral("fmnist-small-seeds/%1-s%2").arg(run).arg(seed));
            if (a < 0)
                return -1.0;
            sum += a;
        }
        return sum / 3;
    };
    QUOTED(1, "f32 <b>" + fixed(100 * mean("f32"), 2) + " %");
    QUOTED(1, "w1a1 <b>" + fixed(100 * mean("w1a1"), 2) + " %");
    QUOTED(1, "from the f32 run " + fixed(100 * mean("dt2"), 2) + " %");
    QUOTED(1, "teacher <b>" + fixed(100 * mean("ms"), 2) + " %");
}

void TestLessonBits::stepsShowWhatTheyName() {
    app::MainWindow window;
    window.setInteractive(false);
    window.show();
    app::LessonController* lessons = window.lessons();
    QVERIFY(lessons->open(kLesson));
    const auto apply = [&](int step) { return testing::applyStep(lessons, step); };
    QVERIFY(apply(0));
    QCOMPARE(window.controller()->designModel()->rowCount(), 10);
    QVERIFY(apply(3)); // only the BAT-class designs
    auto* shown = window.findChild<QTableView*>("designTable")->model();
    QCOMPARE(shown->rowCount(), 4);
    for (int row = 0; row < shown->rowCount(); ++row)
        QVERIFY(shown->index(row, models::DesignTableModel::NameColumn).data().toString().endsWith("on BAT-class"));
    QCOMPARE(QString::fromStdString(window.controller()->design(*window.controller()->currentDesignId())->name),
             QStringLiteral("w1a8 on BAT-class"));
    QVERIFY(apply(5)); // the trained models are in the table to be trained again
    QCOMPARE(shown->rowCount(), 10);
    lessons->exit();
}

QTEST_MAIN(TestLessonBits)
#include "test_lesson_bits.moc"
