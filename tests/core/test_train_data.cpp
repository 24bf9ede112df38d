// The trainer's data sets on tiny committed samples: Fashion-MNIST IDX (gzip), GLUE-format
// TSV with word and WordPiece tokenizers, six-language fortunes, synthetic ListOps; missing
// data names the Debian package to install.
#include "train/datasets.h"
#include "train/tokenizer.h"

#include <QtTest>

#include <cmath>
#include <sstream>

using namespace tcw::train;

namespace {
const std::string kData = TCW_SOURCE_DATA_DIR;
const std::string kTestData = TCW_TEST_DATA_DIR;

// An independent ListOps evaluator over the generated text.
int evaluateListOps(std::istringstream& in) {
    std::string token;
    in >> token;
    if (token.size() == 1 && std::isdigit(static_cast<unsigned char>(token[0])))
        return token[0] - '0';
    const std::string op = token;
    std::vector<int> args;
    while (in >> std::ws && in.peek() != ']')
        args.push_back(evaluateListOps(in));
    in >> token; // "]"
    std::sort(args.begin(), args.end());
    if (op == "[MAX")
        return args.back();
    if (op == "[MIN")
        return args.front();
    if (op == "[MED")
        return args[args.size() / 2];
    int sum = 0;
    for (int a : args)
        sum += a;
    return sum % 10;
}
} // namespace

class TestTrainData : public QObject {
    Q_OBJECT
private slots:
    void fashionMnistPatches();
    void fashionMnistMissingNamesPackage();
    void glueTsvWordVocabulary();
    void wordPieceTokenizer();
    void glueTsvErrorsNameTheFile();
    void fortunesSixLanguages();
    void fortunesMissingNamesPackage();
    void listOpsSeededAndCorrect();
};

void TestTrainData::fashionMnistPatches() {
    const Dataset ds = loadFashionMnist(kData + "/datasets/fashion-mnist-mini", 7);
    QCOMPARE(ds.train.count, 32);
    QCOMPARE(ds.test.count, 16);
    QCOMPARE(ds.task.sequenceLength, 16);
    QCOMPARE(ds.task.patchInputSize, 49);
    QCOMPARE(ds.task.numClasses, 10);
    QCOMPARE(ds.train.labels[0], 9); // the first training image is an ankle boot
    const std::vector<std::int64_t> idx = {0, 5};
    const Batch b = ds.makeBatch(ds.train, idx);
    QCOMPARE(b.size, 2);
    QCOMPARE(b.patches.size(), std::size_t(2 * 16 * 49));
    // Patch s holds rows 7·(s/4).. and columns 7·(s%4).. of the image, normalised.
    const std::uint8_t* image = ds.train.pixels.data();
    const int s = 6, i = 3, j = 5;
    const float pixel = image[(7 * (s / 4) + i) * 28 + 7 * (s % 4) + j] / 255.0f;
    QVERIFY(std::fabs(b.patches[s * 49 + i * 7 + j] - (pixel - 0.2860f) / 0.3530f) < 1e-5f);
    QVERIFY(std::all_of(b.mask.begin(), b.mask.end(), [](float m) { return m == 1.0f; }));
    QVERIFY_THROWS_EXCEPTION(DataError, loadFashionMnist(kData + "/datasets/fashion-mnist-mini", 5));
}

void TestTrainData::fashionMnistMissingNamesPackage() {
    try {
        loadFashionMnist(kTestData + "/train/no-such-dir", 4);
        QFAIL("expected a DataError");
    } catch (const DataError& e) {
        QVERIFY2(std::string(e.what()).find("dataset-fashion-mnist") != std::string::npos, e.what());
    }
}

void TestTrainData::glueTsvWordVocabulary() {
    TextOptions o;
    o.sequenceLength = 12;
    const Dataset ds = loadGlueTsv(kData + "/datasets/sst2-mini", o);
    QCOMPARE(ds.train.count, 10);
    QCOMPARE(ds.test.count, 4);
    QCOMPARE(ds.task.numClasses, 2);
    QCOMPARE(ds.train.labels[1], 0);
    QVERIFY(ds.task.vocabularySize > 20);
    // "a funny and warm film": five known words, then padding.
    const std::int32_t* dev0 = ds.test.tokens.data();
    for (int s = 0; s < 5; ++s)
        QVERIFY(dev0[s] > Tokenizer::kUnknownId);
    for (int s = 5; s < 12; ++s)
        QCOMPARE(dev0[s], Tokenizer::kPadId);
    const std::vector<std::int64_t> idx = {0};
    const Batch b = ds.makeBatch(ds.test, idx);
    QCOMPARE(b.mask[4], 1.0f);
    QCOMPARE(b.mask[5], 0.0f);
}

void TestTrainData::wordPieceTokenizer() {
    const Tokenizer t = Tokenizer::fromWordPieceFile(kTestData + "/train/vocab.txt");
    QCOMPARE(t.vocabularySize(), 12);
    const auto ids = t.encode("Unaffable, the film!", 8);
    QCOMPARE(t.token(ids[0]), std::string("un"));
    QCOMPARE(t.token(ids[1]), std::string("##aff"));
    QCOMPARE(t.token(ids[2]), std::string("##able"));
    QCOMPARE(t.token(ids[3]), std::string(","));
    QCOMPARE(t.token(ids[4]), std::string("the"));
    QCOMPARE(t.token(ids[5]), std::string("film"));
    QCOMPARE(ids[6], Tokenizer::kUnknownId); // "!" is not in the vocabulary
    QCOMPARE(ids[7], Tokenizer::kPadId);
    const Tokenizer chars = Tokenizer::buildCharacterVocabulary({"aab", "ж"}, 100);
    QCOMPARE(chars.vocabularySize(), 5); // [PAD] [UNK] a b ж
    QCOMPARE(chars.encode("жa").size(), std::size_t(2));
}

void TestTrainData::glueTsvErrorsNameTheFile() {
    try {
        loadGlueTsv(kTestData + "/train", TextOptions{});
        QFAIL("expected a DataError");
    } catch (const DataError& e) {
        QVERIFY2(std::string(e.what()).find("train.tsv") != std::string::npos, e.what());
    }
}

void TestTrainData::fortunesSixLanguages() {
    FortunesOptions o;
    o.root = kTestData + "/train/fortunes-mini";
    o.testFraction = 0.25;
    o.sequenceLength = 32;
    const Dataset ds = loadFortunes(o);
    QCOMPARE(ds.task.numClasses, 6);
    QCOMPARE(ds.classNames[5], std::string("ru"));
    // Two records per language: "short" is too short; .dat, .u8 and symlinks are skipped.
    QCOMPARE(ds.train.count + ds.test.count, 12);
    QCOMPARE(ds.test.count, 3);
    std::vector<int> perClass(6, 0);
    for (auto l : ds.train.labels)
        ++perClass[static_cast<std::size_t>(l)];
    for (auto l : ds.test.labels)
        ++perClass[static_cast<std::size_t>(l)];
    for (int n : perClass)
        QCOMPARE(n, 2);
    // Same seed, same split.
    const Dataset again = loadFortunes(o);
    QCOMPARE(again.train.tokens, ds.train.tokens);
}

void TestTrainData::fortunesMissingNamesPackage() {
    FortunesOptions o;
    o.root = kTestData + "/train/fortunes-mini/de"; // has no es/ … below it
    try {
        loadFortunes(o);
        QFAIL("expected a DataError");
    } catch (const DataError& e) {
        QVERIFY2(std::string(e.what()).find("install the Debian package fortunes-de") != std::string::npos, e.what());
    }
}

void TestTrainData::listOpsSeededAndCorrect() {
    ListOpsOptions o;
    o.trainCount = 50;
    o.testCount = 10;
    const Dataset a = makeListOps(o), b = makeListOps(o);
    QCOMPARE(a.train.tokens, b.train.tokens);
    QCOMPARE(a.train.labels, b.train.labels);
    o.seed = 2;
    QVERIFY(makeListOps(o).train.tokens != a.train.tokens);
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        const auto [text, value] = generateListOpsExpression(seed, 4, 5);
        std::istringstream in(text);
        QCOMPARE(evaluateListOps(in), value);
    }
}

QTEST_APPLESS_MAIN(TestTrainData)
#include "test_train_data.moc"
