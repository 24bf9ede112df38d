// The io module: presets, every error with its path, lossless round trips through the
// reference formats, schema versions, the bundled technology table and design spaces.
#include "io/csv.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/record_json.h"
#include "io/search_json.h"
#include "io/tree.h" // internal: the tree parser, used here to compare documents structurally

#include <QtTest>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace tcw;
using namespace tcw::io;
namespace fs = std::filesystem;

namespace {

const fs::path kDataDir = TCW_SOURCE_DATA_DIR;
const fs::path kTestData = fs::path(TCW_TEST_DATA_DIR) / "io";

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// Parses a document of either syntax into the tree used for structural comparison.
detail::Json tree(const std::string& text, Syntax syntax) {
    auto parsed = syntax == Syntax::Json ? detail::parseJsonText(text) : detail::parseYamlText(text);
    if (!parsed.tree)
        throw std::runtime_error("unparsable: " + parsed.errors.front().toString());
    return *parsed.tree;
}

// Numbers compare by value (4 and 4.0 are the same number), objects regardless of key order.
bool sameStructure(const detail::Json& a, const detail::Json& b) {
    if (a.is_number() && b.is_number())
        return a.get<double>() == b.get<double>();
    if (a.type() != b.type())
        return false;
    if (a.is_object()) {
        if (a.size() != b.size())
            return false;
        for (const auto& [key, value] : a.items())
            if (!b.contains(key) || !sameStructure(value, b.at(key)))
                return false;
        return true;
    }
    if (a.is_array()) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!sameStructure(a[i], b[i]))
                return false;
        return true;
    }
    return a == b;
}

std::string errorsText(const FileErrors& errors) {
    return errors.toString();
}

std::vector<fs::path> filesUnder(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == extension)
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// A temporary directory removed at the end of the test.
struct TempDir {
    QTemporaryDir dir;
    fs::path path() const { return fs::path(dir.path().toStdString()); }
};

} // namespace

class TestIo : public QObject {
    Q_OBJECT
private slots:
    // ------------------------------------------------------------ presets and bundled data

    void bundledFilesValidate_data() {
        // Every file under data/presets, data/tech and data/spaces; the folder says its kind.
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("kinds");
        QTest::addColumn<int>("format");
        int count = 0;
        for (const char* folder : {"presets", "tech", "spaces"})
            for (const char* ext : {".json", ".yaml"})
                for (const auto& p : filesUnder(kDataDir / folder, ext)) {
                    if (p.filename() == "bat.yaml")
                        continue; // a BAT-class space, its own format (test_target_union)
                    const std::string parent = p.parent_path().filename().string();
                    const bool yaml = p.extension() == ".yaml";
                    QStringList kinds;
                    int format = int(FileFormat::WorkbenchJson);
                    if (parent == "models")
                        kinds = {"transformer"};
                    else if (parent == "accelerators" || parent == "reference")
                        kinds = {"accelerator"};
                    else if (parent == "tech")
                        kinds = {"technology"};
                    else if (parent == "spaces")
                        kinds = {"transformerSpace", "acceleratorSpace"};
                    if (yaml)
                        format =
                            parent == "spaces" ? int(FileFormat::TranscodeSpaceYaml) : int(FileFormat::AcceltranConfig);
                    QTest::newRow(fs::relative(p, kDataDir).string().c_str()) << q(p.string()) << kinds << format;
                    ++count;
                }
        QVERIFY(count >= 13); // 5 BERTs, edge and server twice, the tech table, 3 spaces
    }
    void bundledFilesValidate() {
        QFETCH(QString, file);
        QFETCH(QStringList, kinds);
        QFETCH(int, format);
        const auto loaded = loadDocument(file.toStdString());
        QVERIFY2(loaded.ok(), errorsText(loaded.errors).c_str());
        QVERIFY(kinds.contains(q(std::string(documentKindName(documentKind(*loaded.value))))));
        QCOMPARE(int(loaded.format), format);
    }

    void modelPresetsHaveBertSizes_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("ff");
        // The standard BERT sizes (data/README.md): layers / hidden / heads / FF.
        QTest::newRow("tiny") << "bert-tiny" << 2 << 128 << 2 << 512;
        QTest::newRow("mini") << "bert-mini" << 4 << 256 << 4 << 1024;
        QTest::newRow("small") << "bert-small" << 4 << 512 << 8 << 2048;
        QTest::newRow("medium") << "bert-medium" << 8 << 512 << 8 << 2048;
        QTest::newRow("base") << "bert-base" << 12 << 768 << 12 << 3072;
    }
    void modelPresetsHaveBertSizes() {
        QFETCH(QString, name);
        QFETCH(int, layers);
        QFETCH(int, hidden);
        QFETCH(int, heads);
        QFETCH(int, ff);
        const auto spec = resolveTransformer(name.toStdString(), kDataDir);
        QVERIFY2(spec.ok(), errorsText(spec.errors).c_str());
        TransformerSpec expected = uniformTransformer(layers, hidden, heads, ff);
        expected.name = name.toStdString();
        QCOMPARE(*spec.value == expected, true);
        QVERIFY(flexibert2Space().check(*spec.value).empty());
    }

    void acceleratorPresetsMatchReferenceConfigs() {
        // docs/acceltran-fast.md §7.4: config_tiny = edge, config_base = server.
        const auto edge = resolveAccelerator("edge", kDataDir);
        const auto server = resolveAccelerator("server", kDataDir);
        QVERIFY(edge.ok() && server.ok());
        const AcceleratorSpec& e = edge->spec;
        QCOMPARE(e.tileB, 1);
        QCOMPARE(e.tileX, 16);
        QCOMPARE(e.tileY, 16);
        QCOMPARE(e.nonlinearity, Nonlinearity::Gelu);
        QCOMPARE(e.peCount, 64);
        QCOMPARE(e.lanesPerPe, 16);
        QCOMPARE(e.macsPerLane, 16);
        QCOMPARE(e.softmaxPerPe, 4);
        QCOMPARE(e.batchSize, 4);
        QCOMPARE(e.activationBufferMB, 4.0);
        QCOMPARE(e.weightBufferMB, 8.0);
        QCOMPARE(e.maskBufferMB, 1.0);
        QCOMPARE(q(e.mainMemory.key()), QString("dram_32_2_1"));
        QCOMPARE(e.mainMemory.mode, BandwidthMode::Low);
        QCOMPARE(e.computeOpsPerCycle, 8); // not ⌊64/4⌋: kept from the reference
        QCOMPARE(e.effectiveComputeOpsPerCycle(), 8);
        const AcceleratorSpec& s = server->spec;
        QCOMPARE(s.peCount, 512);
        QCOMPARE(s.lanesPerPe, 32);
        QCOMPARE(s.softmaxPerPe, 32);
        QCOMPARE(s.activationBufferMB, 32.0);
        QCOMPARE(s.weightBufferMB, 64.0);
        QCOMPARE(s.maskBufferMB, 8.0);
        QCOMPARE(q(s.mainMemory.key()), QString("rram_32_2_1"));
        QCOMPARE(s.mainMemory.mode, BandwidthMode::High);
        QVERIFY(server->acceltran.isDerived());
        QCOMPARE(s.computeOpsPerCycle, 0); // compute batch 128 = ⌊512/4⌋: derived
        QCOMPARE(s.effectiveComputeOpsPerCycle(), 128);
        // The reference YAML copies hold the same designs.
        const auto edgeYaml = loadAccelerator(kDataDir / "presets/accelerators/reference/edge.yaml");
        const auto serverYaml = loadAccelerator(kDataDir / "presets/accelerators/reference/server.yaml");
        QVERIFY(edgeYaml.ok() && serverYaml.ok());
        QVERIFY(*edgeYaml.value == *edge.value);
        QVERIFY(*serverYaml.value == *server.value);
        const auto technology = electorTechnology14nm();
        QVERIFY(validate(e, &technology).empty());
        QVERIFY(electorSpace().check(e).empty());
        QVERIFY(electorSpace().check(s).empty());
    }

    void technologyFileEqualsBuiltIn() {
        const auto tech = loadTechnology(kDataDir / "tech/elector-14nm-700mhz.json");
        QVERIFY2(tech.ok(), errorsText(tech.errors).c_str());
        QVERIFY(*tech.value == electorTechnology14nm());
        QCOMPARE(q(tech->name), QString("elector-14nm-700mhz"));
        QVERIFY(resolveTechnology("elector-14nm-700mhz", kDataDir).ok());
    }

    void spaceFilesEqualBuiltIn() {
        const auto flexibert2 = loadTransformerSpace(kDataDir / "spaces/flexibert2.yaml");
        QVERIFY2(flexibert2.ok(), errorsText(flexibert2.errors).c_str());
        QVERIFY(*flexibert2.value == flexibert2Space());
        QCOMPARE(flexibert2->headOptionCount(), std::int64_t(21805));
        QCOMPARE(flexibert2->feedForwardOptionCount(), std::int64_t(258));
        const auto elector = loadAcceleratorSpace(kDataDir / "spaces/elector.yaml");
        QVERIFY2(elector.ok(), errorsText(elector.errors).c_str());
        QVERIFY(*elector.value == electorSpace());
        QCOMPARE(elector->size(), std::uint64_t(7425000));
    }

    void laptopSpaceIsSmallAndInsideFlexibert2() {
        const auto laptop = loadTransformerSpace(kDataDir / "spaces/laptop.yaml");
        QVERIFY2(laptop.ok(), errorsText(laptop.errors).c_str());
        QCOMPARE(q(laptop->name), QString("laptop"));
        QCOMPARE(laptop->hiddenSizes, (std::vector<int>{128, 256}));
        QCOMPARE(laptop->layerCounts, (std::vector<int>{2, 4}));
        QCOMPARE(laptop->feedForwardSizes, (std::vector<int>{256, 512, 1024}));
        QCOMPARE(laptop->headCounts, (std::vector<int>{2, 4}));
        QCOMPARE(laptop->feedForwardDepths, (std::vector<int>{1, 2}));
        QCOMPARE(laptop->headTypes.size(), std::size_t(7));
    }

    void everyShippedSpaceEncodesAndDecodesLosslessly() {
        // Encode∘decode is the identity for 10,000 seeded designs of every bundled space.
        for (const auto& path : filesUnder(kDataDir / "spaces", ".yaml")) {
            if (path.filename() == "bat.yaml")
                continue; // a BAT-class space (test_target_union checks it)
            const auto document = loadDocument(path);
            QVERIFY2(document.ok(), errorsText(document.errors).c_str());
            std::mt19937_64 rng(31);
            if (const auto* space = std::get_if<TransformerSpace>(&*document.value)) {
                for (int i = 0; i < 10'000; ++i) {
                    const auto spec = space->sample(rng);
                    const auto e = space->encode(spec);
                    QCOMPARE(int(e.size()), space->encodingLength());
                    QCOMPARE(space->decode(e), spec);
                }
            } else {
                const auto& accelerators = std::get<AcceleratorSpace>(*document.value);
                for (int i = 0; i < 10'000; ++i) {
                    const auto spec = accelerators.sample(rng);
                    QCOMPARE(accelerators.decode(accelerators.encode(spec)), spec);
                }
            }
        }
    }

    void laptopSamplesValidate() {
        const auto laptop = loadTransformerSpace(kDataDir / "spaces/laptop.yaml");
        QVERIFY(laptop.ok());
        std::mt19937_64 rng(2024);
        for (int i = 0; i < 200; ++i) {
            TransformerSpec spec = laptop->sample(rng);
            spec.name = "sample-" + std::to_string(i);
            QVERIFY(laptop->check(spec).empty());
            QVERIFY(flexibert2Space().check(spec).empty());
            for (FileFormat format : {FileFormat::WorkbenchJson, FileFormat::ModelDict}) {
                const Written text = formatDocument(spec, format);
                QVERIFY(text.ok());
                const auto back = parseDocument(text.text, Syntax::Json, spec.name + ".json");
                QVERIFY2(back.ok(), errorsText(back.errors).c_str());
                QVERIFY(std::get<TransformerSpec>(*back.value) == spec);
            }
        }
    }

    void electorSamplesRoundTripThroughAcceltranYaml() {
        std::mt19937_64 rng(7);
        const AcceleratorSpace space = electorSpace();
        for (int i = 0; i < 200; ++i) {
            AcceleratorFile file{space.sample(rng), {}};
            file.spec.name = "sample";
            const Written yaml = formatDocument(file, FileFormat::AcceltranConfig);
            QVERIFY(yaml.ok());
            const auto back = parseDocument(yaml.text, Syntax::Yaml, "sample.yaml");
            QVERIFY2(back.ok(), errorsText(back.errors).c_str());
            QVERIFY(std::get<AcceleratorFile>(*back.value) == file);
        }
    }

    // ------------------------------------------------------------ every error, with its path

    void badFilesReportEveryError_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("expected"); // "path|fragment of the message"
        QTest::newRow("workbench transformer")
            << "bad/bad_transformer.json"
            << QStringList{"activation|'swish' is not one of gelu, relu",
                           "layers[1].hiddenSize|must be between 1 and 65536, got -4",
                           "layers[1].feedForward[1]|must be a whole number, got the string 'wide'",
                           "layers[2].dropout|unknown field; the fields here are hiddenSize, heads, feedForward",
                           "layers[2].heads[0].type|'sa_foo' is not one of sa_sdp, sa_wma, l_dft, l_dct, c_5, "
                           "c_9, c_13",
                           "layers[2].heads[1].dim|must be between 1 and 65536, got 0"};
        QTest::newRow("model dict") << "bad/bad_model_dict.json"
                                    << QStringList{"o[0][1]|'sa_foo_64' is not a head string TYPE_DIM with TYPE one "
                                                   "of sa_sdp, sa_wma, l_dft, l_dct, c_5, c_9, c_13",
                                                   "o[2][0]|'c_7_64' is not a head string",
                                                   "h[1]|must be a whole number, got the string 'wide'",
                                                   "f|has 2 entries for l = 3 layers; one entry per layer is needed",
                                                   "f[1][0]|must be between 1 and 1048576, got 0"};
        QTest::newRow("AccelTran config") << "bad/bad_acceltran.yaml"
                                          << QStringList{"tile.tile_y|must equal tile.tile_x (16), got 8",
                                                         "non_linearity|'swish' is not one of relu, gelu",
                                                         "softmax_per_pe|required field is missing",
                                                         "loop_unrolling|'b_i_j' must be a permutation of b, i, j, k",
                                                         "main_memory.type|'sram' is not one of rram, dram, hbm",
                                                         "scheduler.memory_ops.tiled|must be False",
                                                         "scheduler.memory_ops.batch_size|must be 1",
                                                         "weight_buffer_size|must be a number from 0.0625 to 4096 MB"};
        QTest::newRow("TransCODE space")
            << "bad/bad_space.yaml"
            << QStringList{"num_heads|required field is missing",
                           "operation_types[1]|'x' is not one of sa, l, c",
                           "operation_parameters.l|is not listed in operation_types (sa)",
                           "operation_parameters.sa[1]|'sa_foo' is not one of sa_sdp, sa_wma, l_dft, l_dct, c_5, "
                           "c_9, c_13",
                           "encoder_layers|must list at least one value",
                           "hidden_size[1]|repeats 128",
                           "hidden_size[2]|must be a whole number from 1 to 65536, got -1"};
    }
    void badFilesReportEveryError() {
        QFETCH(QString, file);
        QFETCH(QStringList, expected);
        const fs::path path = kTestData / file.toStdString();
        const auto loaded = loadDocument(path);
        QVERIFY(!loaded.ok());
        QCOMPARE(q(loaded.errors.file), q(path.string()));
        const ValidationErrors& errors = loaded.errors.errors;
        for (const QString& e : expected) {
            const auto parts = e.split('|');
            const bool found = std::any_of(errors.begin(), errors.end(), [&](const ValidationError& error) {
                return q(error.path) == parts[0] && q(error.message).contains(parts[1]);
            });
            QVERIFY2(found, qPrintable("missing '" + e + "' in:\n" + q(loaded.errors.toString())));
        }
        QVERIFY2(errors.size() == std::size_t(expected.size()), loaded.errors.toString().c_str());
        // Each line of the report names the file, the field and the problem.
        const QStringList lines = q(loaded.errors.toString()).split('\n');
        QCOMPARE(lines.size(), expected.size());
        for (const QString& line : lines)
            QVERIFY(line.startsWith(q(path.string()) + ": "));
    }

    void wrongKindIsNamed() {
        const auto spec = loadTransformer(kDataDir / "presets/accelerators/edge.json");
        QVERIFY(!spec.ok());
        QVERIFY(q(spec.errors.toString()).contains("holds an accelerator (workbench JSON), not a transformer"));
        const auto accelerator = loadAccelerator(kDataDir / "spaces/laptop.yaml");
        QVERIFY(!accelerator.ok());
        QVERIFY(q(accelerator.errors.toString()).contains("holds a transformer design space"));
    }

    void flexibert1DictIsRejected() {
        const auto loaded =
            parseDocument(R"({"l": 2, "o": [], "h": [], "f": [], "p": [[1]]})", Syntax::Json, "old.json");
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.errors.errors.size(), std::size_t(1));
        QVERIFY(q(loaded.errors.errors[0].message).contains("FlexiBERT 1.0"));
        QCOMPARE(loaded.format, FileFormat::ModelDict);
    }

    void schemaVersions_data() {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("message"); // empty: loads
        QTest::newRow("current") << R"("schemaVersion": 1, "kind": "sparsityProfile")"
                                 << "";
        QTest::newRow("newer") << R"("schemaVersion": 3, "kind": "sparsityProfile")"
                               << "schemaVersion 3 is newer than this workbench supports (1); update the workbench";
        QTest::newRow("next") << R"("schemaVersion": 2, "kind": "sparsityProfile")"
                              << "schemaVersion 2 is newer than this workbench supports (1)";
        QTest::newRow("zero") << R"("schemaVersion": 0, "kind": "sparsityProfile")"
                              << "versions start at 1";
        QTest::newRow("string") << R"("schemaVersion": "1", "kind": "sparsityProfile")"
                                << "must be a whole number, got the string '1'";
        QTest::newRow("missing") << R"("kind": "sparsityProfile")"
                                 << "required field is missing";
        QTest::newRow("unknown kind") << R"("schemaVersion": 1, "kind": "model")"
                                      << "'model' is not one of transformer, accelerator, technology, "
                                         "sparsityProfile, transformerSpace, acceleratorSpace";
    }
    void schemaVersions() {
        QFETCH(QString, header);
        QFETCH(QString, message);
        const std::string text = "{" + header.toStdString() +
                                 R"(, "source": "run 3", "layers": [{"activation": 0.4, "weight": 0,
                                    "activationGradient": 0.85, "weightGradient": 0.9}]})";
        const auto loaded = parseDocument(text, Syntax::Json, "profile.json");
        if (message.isEmpty()) {
            QVERIFY2(loaded.ok(), errorsText(loaded.errors).c_str());
            const auto& profile = std::get<SparsityProfile>(*loaded.value);
            QCOMPARE(profile.layers.size(), std::size_t(1));
            QCOMPARE(profile.layers[0].activationGradient, 0.85);
        } else {
            QVERIFY(!loaded.ok());
            QVERIFY2(q(loaded.errors.toString()).contains(message), loaded.errors.toString().c_str());
        }
    }

    void syntaxErrorsGiveLineAndColumn_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("json") << "{\n  \"l\": 2,\n  \"o\": [\n}" << true << "line 4, column 1";
        QTest::newRow("yaml") << "pe: 64\ntile: [1, 2\nlanes_per_pe: 8\n" << false << "not valid YAML: line";
        QTest::newRow("json list") << "[1, 2]" << true << "must be an object";
    }
    void syntaxErrorsGiveLineAndColumn() {
        QFETCH(QString, text);
        QFETCH(bool, json);
        QFETCH(QString, message);
        const auto loaded = parseDocument(text.toStdString(), json ? Syntax::Json : Syntax::Yaml, "x");
        QVERIFY(!loaded.ok());
        QVERIFY2(q(loaded.errors.toString()).contains(message), loaded.errors.toString().c_str());
    }

    // ------------------------------------------------------------ lossless round trips

    void referenceFilesRoundTrip_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("byteIdentical"); // written by the workbench's writer, or the reference tool's style
        for (const char* a : {"edge", "server"}) {
            const fs::path p = kDataDir / "presets/accelerators/reference" / (std::string(a) + ".yaml");
            QTest::newRow(fs::relative(p, kDataDir).string().c_str()) << q(p.string()) << true;
        }
        for (const char* s : {"flexibert2", "elector", "laptop"}) {
            const fs::path p = kDataDir / "spaces" / (std::string(s) + ".yaml");
            QTest::newRow(fs::relative(p, kDataDir).string().c_str()) << q(p.string()) << true;
        }
        // Model dicts written as Python's json.dumps writes them (the 16 published GLUE models,
        // BERT-Tiny), one indented by hand; AccelTran configs and spaces in the reference's
        // own styles (comments, flow lists, quoting).
        for (const auto& p : filesUnder(kTestData / "model_dicts", ".json"))
            QTest::newRow(fs::relative(p, kTestData).string().c_str())
                << q(p.string()) << (p.filename() != "hetero_indented.json");
        for (const auto& p : filesUnder(kTestData / "acceltran", ".yaml"))
            QTest::newRow(fs::relative(p, kTestData).string().c_str()) << q(p.string()) << false;
        for (const auto& p : filesUnder(kTestData / "spaces", ".yaml"))
            QTest::newRow(fs::relative(p, kTestData).string().c_str()) << q(p.string()) << false;
    }
    void referenceFilesRoundTrip() {
        QFETCH(QString, file);
        QFETCH(bool, byteIdentical);
        const fs::path path = file.toStdString();
        const auto reference = loadDocument(path);
        QVERIFY2(reference.ok(), errorsText(reference.errors).c_str());
        QVERIFY(reference.format != FileFormat::WorkbenchJson);

        // reference → ours → reference
        const Written ours = formatDocument(*reference.value, FileFormat::WorkbenchJson);
        QVERIFY(ours.ok());
        const auto fromOurs = parseDocument(ours.text, Syntax::Json, path.string());
        QVERIFY2(fromOurs.ok(), errorsText(fromOurs.errors).c_str());
        QVERIFY(*fromOurs.value == *reference.value);
        const Written back = formatDocument(*fromOurs.value, reference.format);
        QVERIFY2(back.ok(), back.errors.empty() ? "" : back.errors.front().toString().c_str());

        const std::string original = readText(path);
        const Syntax syntax = *syntaxForPath(path);
        QVERIFY2(sameStructure(tree(original, syntax), tree(back.text, syntax)), back.text.c_str());
        if (byteIdentical)
            QCOMPARE(q(back.text), q(original));
    }

    void glue16DictsAreThePublishedModels() {
        // The repository's own copy of the published table (data/accuracy, with its source).
        const auto published = tree(readText(kDataDir / "accuracy/flexibert2_glue16.json"), Syntax::Json);
        QCOMPARE(published["models"].size(), std::size_t(16));
        const TransformerSpace space = flexibert2Space();
        for (const auto& m : published["models"]) {
            const fs::path file = kTestData / "model_dicts/glue16" / (m["hash"].get<std::string>() + ".json");
            const auto spec = loadTransformer(file);
            QVERIFY2(spec.ok(), errorsText(spec.errors).c_str());
            QVERIFY(sameStructure(tree(readText(file), Syntax::Json), m["model"]));
            // Head order and dims survive: the 37-integer encoding is the published one.
            QCOMPARE(space.encode(*spec.value), m["embedding37"].get<std::vector<int>>());
        }
    }

    void workbenchFilesRoundTripByteForByte_data() {
        QTest::addColumn<QString>("file");
        for (const auto& p : filesUnder(kDataDir / "presets", ".json"))
            QTest::newRow(fs::relative(p, kDataDir).string().c_str()) << q(p.string());
        QTest::newRow("tech") << q((kDataDir / "tech/elector-14nm-700mhz.json").string());
    }
    void workbenchFilesRoundTripByteForByte() {
        QFETCH(QString, file);
        const auto loaded = loadDocument(file.toStdString());
        QVERIFY2(loaded.ok(), errorsText(loaded.errors).c_str());
        // Shipped files are kept in the writer's layout (stable diffs); fix one with
        // "tcw convert FILE FILE".
        const bool same = formatDocument(*loaded.value, FileFormat::WorkbenchJson).text == readText(file.toStdString());
        QVERIFY2(same, qPrintable(file + " is not in the workbench's layout; run: tcw convert " + file + " " + file));
    }

    void allKindsRoundTripThroughWorkbenchJson() {
        SparsityProfile profile{"run-7", {{0.41, 0.0, 0.87, 0.93}, {0.5, 0.125, 0.9, 0.9}}};
        TransformerSpace space = flexibert2Space();
        space.activation = Activation::Relu;
        AcceleratorSpace accelerators = electorSpace();
        accelerators.mainMemories[0].mode = BandwidthMode::Low;
        accelerators.maskBufferMB = {0.5, 1};
        TransformerSpec relu = uniformTransformer(2, 128, 2, 512);
        relu.activation = Activation::Relu;
        AcceleratorFile custom{electorSpace().at(12345), {"k_i_j_b", false}};
        custom.spec.computeOpsPerCycle = 3;
        for (const Document& d :
             std::vector<Document>{profile, space, accelerators, relu, custom, electorTechnology14nm()}) {
            const Written text = formatDocument(d, FileFormat::WorkbenchJson);
            const auto back = parseDocument(text.text, Syntax::Json, "x.json");
            QVERIFY2(back.ok(), errorsText(back.errors).c_str());
            QVERIFY(*back.value == d);
        }
    }

    void unrepresentableDocumentsAreReported() {
        TransformerSpec relu = uniformTransformer(2, 128, 2, 512);
        relu.activation = Activation::Relu;
        const Written dict = formatDocument(relu, FileFormat::ModelDict);
        QVERIFY(!dict.ok() && dict.text.empty());
        QCOMPARE(q(dict.errors[0].path), QString("activation"));

        TransformerSpace unordered = flexibert2Space();
        std::swap(unordered.headTypes[0], unordered.headTypes[5]); // c_9 first: no longer grouped by kind
        const Written space = formatDocument(unordered, FileFormat::TranscodeSpaceYaml);
        QVERIFY(!space.ok());
        QVERIFY(q(space.errors[0].message).contains("grouped by kind"));

        AcceleratorSpace modes = electorSpace();
        modes.mainMemories[6].mode = BandwidthMode::High; // dram in high-bandwidth mode
        const Written accelerators = formatDocument(modes, FileFormat::TranscodeSpaceYaml);
        QVERIFY(!accelerators.ok());
        QCOMPARE(q(accelerators.errors[0].path), QString("mainMemories[6].mode"));

        const Written tech = formatDocument(electorTechnology14nm(), FileFormat::AcceltranConfig);
        QVERIFY(!tech.ok());
    }

    void extrasAreDerivedUnlessTheFileDiffers() {
        // A reference config whose scheduler says what TransCODE derives keeps nothing extra,
        // so a later PE change derives the batch afresh.
        const auto server = loadAccelerator(kTestData / "acceltran/config_base.yaml");
        QVERIFY(server.ok());
        QVERIFY(server->acceltran.isDerived());
        const auto custom = loadAccelerator(kTestData / "acceltran/config_custom.yaml");
        QVERIFY2(custom.ok(), errorsText(custom.errors).c_str());
        QCOMPARE(q(custom->acceltran.loopUnrolling), QString("k_j_i_b"));
        QCOMPARE(custom->acceltran.computeOpsTiled, false);
        QCOMPARE(custom->spec.computeOpsPerCycle, 3);
        QCOMPARE(custom->spec.maskBufferMB, 0.5);
        QCOMPARE(custom->spec.mainMemory.mode, BandwidthMode::Low);
    }

    void computeOpsPerCycleTravelsWithTheDesign() {
        // Written to the workbench JSON only when set (a derived design's text is unchanged);
        // files from before it was a field carry it as acceltran.computeOpsBatchSize.
        AcceleratorSpec derived;
        const Written plain = formatDocument(AcceleratorFile{derived, {}}, FileFormat::WorkbenchJson);
        QVERIFY(plain.ok());
        QVERIFY(!q(plain.text).contains("computeOpsPerCycle"));
        AcceleratorSpec set = derived;
        set.computeOpsPerCycle = 2;
        const Written json = formatDocument(AcceleratorFile{set, {}}, FileFormat::WorkbenchJson);
        QVERIFY(q(json.text).contains("\"computeOpsPerCycle\": 2"));
        const auto back = parseDocument(json.text, Syntax::Json, "a.json");
        QVERIFY2(back.ok(), errorsText(back.errors).c_str());
        QCOMPARE(std::get<AcceleratorFile>(*back.value).spec.computeOpsPerCycle, 2);
        const Written yaml = formatDocument(AcceleratorFile{set, {}}, FileFormat::AcceltranConfig);
        QVERIFY(q(yaml.text).contains("compute_ops:\n    tiled: True\n    batch_size: 2\n"));
        const Written derivedYaml = formatDocument(AcceleratorFile{derived, {}}, FileFormat::AcceltranConfig);
        QVERIFY(q(derivedYaml.text).contains("batch_size: 16\n")); // ⌊64 / 4⌋

        std::string legacy = plain.text;
        legacy.insert(legacy.rfind('}'), ", \"acceltran\": {\"computeOpsBatchSize\": 5}");
        const auto old = parseDocument(legacy, Syntax::Json, "old.json");
        QVERIFY2(old.ok(), errorsText(old.errors).c_str());
        QCOMPARE(std::get<AcceleratorFile>(*old.value).spec.computeOpsPerCycle, 5);

        set.computeOpsPerCycle = -1;
        const auto errors = validate(set);
        QCOMPARE(errors.size(), std::size_t(1));
        QCOMPARE(q(errors[0].path), QString("computeOpsPerCycle"));
        QVERIFY(q(errors[0].message).contains("from 0 to 1048576"));
    }

    // ------------------------------------------------------------ detection, paths, presets

    void formatDetection_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("json");
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("error"); // fragment, empty if it loads
        QTest::newRow("model dict") << R"({"l": 1, "o": [["c_5_64"]], "h": [64], "f": [[256]]})" << true
                                    << int(FileFormat::ModelDict) << "";
        QTest::newRow("unknown json") << R"({"layers": 2})" << true << int(FileFormat::WorkbenchJson)
                                      << "not a document the workbench knows";
        QTest::newRow("unknown yaml") << "layers: 2\n"
                                      << false << int(FileFormat::AcceltranConfig)
                                      << "not a document the workbench knows";
        QTest::newRow("workbench as yaml")
            << "schemaVersion: 1\nkind: transformer\n"
            << false << int(FileFormat::AcceltranConfig) << "workbench documents are JSON";
        QTest::newRow("dict with extra layers")
            << R"({"l": 1, "o": [["c_5_64"], ["c_5_64"]], "h": [64, 64], "f": [[256], [256]]})" << true
            << int(FileFormat::ModelDict) << "remove the extra entries";
    }
    void formatDetection() {
        QFETCH(QString, text);
        QFETCH(bool, json);
        QFETCH(int, format);
        QFETCH(QString, error);
        const auto loaded = parseDocument(text.toStdString(), json ? Syntax::Json : Syntax::Yaml, "doc");
        QCOMPARE(int(loaded.format), format);
        if (error.isEmpty())
            QVERIFY2(loaded.ok(), errorsText(loaded.errors).c_str());
        else
            QVERIFY2(!loaded.ok() && q(loaded.errors.toString()).contains(error), errorsText(loaded.errors).c_str());
    }

    void fieldPathsInReferenceFormats_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("ours");
        QTest::addColumn<QString>("theirs");
        const int dict = int(FileFormat::ModelDict), config = int(FileFormat::AcceltranConfig);
        QTest::newRow("head type") << dict << "layers[2].heads[1].type"
                                   << "o[2][1]";
        QTest::newRow("heads") << dict << "layers[0].heads"
                               << "o[0]";
        QTest::newRow("hidden") << dict << "layers[3].hiddenSize"
                                << "h[3]";
        QTest::newRow("ff") << dict << "layers[1].feedForward[2]"
                            << "f[1][2]";
        QTest::newRow("layers") << dict << "layers"
                                << "l";
        QTest::newRow("pe") << config << "peCount"
                            << "pe";
        QTest::newRow("tile") << config << "tile.tileX"
                              << "tile.tile_x";
        QTest::newRow("memory") << config << "mainMemory"
                                << "main_memory";
        QTest::newRow("mask") << config << "maskBufferMB"
                              << "mask_buffer_size";
        QTest::newRow("ours") << int(FileFormat::WorkbenchJson) << "peCount"
                              << "peCount";
    }
    void fieldPathsInReferenceFormats() {
        QFETCH(int, format);
        QFETCH(QString, ours);
        QFETCH(QString, theirs);
        QCOMPARE(q(fieldPathIn(FileFormat(format), ours.toStdString())), theirs);
    }

    void chooseFormatByExtension_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("out");
        QTest::addColumn<int>("to");     // -1 unset, 0 ours, 1 reference
        QTest::addColumn<int>("format"); // -1: no format fits
        const int t = int(DocumentKind::Transformer), a = int(DocumentKind::Accelerator),
                  s = int(DocumentKind::AcceleratorSpace), tech = int(DocumentKind::Technology);
        QTest::newRow("transformer json") << t << "m.json" << -1 << int(FileFormat::WorkbenchJson);
        QTest::newRow("transformer dict") << t << "m.json" << 1 << int(FileFormat::ModelDict);
        QTest::newRow("transformer yaml") << t << "m.yaml" << -1 << -1;
        QTest::newRow("accelerator yaml") << a << "a.yml" << -1 << int(FileFormat::AcceltranConfig);
        QTest::newRow("accelerator ours yaml") << a << "a.yaml" << 0 << -1;
        QTest::newRow("accelerator reference json") << a << "a.json" << 1 << -1;
        QTest::newRow("space yaml") << s << "s.YAML" << -1 << int(FileFormat::TranscodeSpaceYaml);
        QTest::newRow("tech yaml") << tech << "t.yaml" << -1 << -1;
        QTest::newRow("no extension") << a << "a" << -1 << -1;
    }
    void chooseFormatByExtension() {
        QFETCH(int, kind);
        QFETCH(QString, out);
        QFETCH(int, to);
        QFETCH(int, format);
        const auto choice =
            chooseFormat(DocumentKind(kind), out.toStdString(), to < 0 ? std::nullopt : std::optional<bool>(to == 1));
        QCOMPARE(choice.format ? int(*choice.format) : -1, format);
        QCOMPARE(choice.error.empty(), format >= 0);
    }

    void presetsResolveByName() {
        const auto models = presetNames(kDataDir, DocumentKind::Transformer);
        for (const char* bert : {"bert-base", "bert-medium", "bert-mini", "bert-small", "bert-tiny"})
            QVERIFY(std::find(models.begin(), models.end(), bert) != models.end());
        QVERIFY(std::is_sorted(models.begin(), models.end()));
        QCOMPARE(presetNames(kDataDir, DocumentKind::Accelerator), (std::vector<std::string>{"edge", "server"}));
        QCOMPARE(presetNames(kDataDir, DocumentKind::TransformerSpace),
                 (std::vector<std::string>{"flexibert2", "laptop", "sdp-small"}));
        QCOMPARE(presetNames(kDataDir, DocumentKind::AcceleratorSpace), (std::vector<std::string>{"elector"}));
        const auto laptop = resolveSpace("laptop", kDataDir);
        QVERIFY(laptop.ok() && std::holds_alternative<TransformerSpace>(*laptop.value));
        const auto byPath = resolveTransformer((kDataDir / "presets/models/bert-tiny.json").string(), {});
        QVERIFY(byPath.ok());
        const auto unknown = resolveTransformer("bert-huge", kDataDir);
        QVERIFY(!unknown.ok());
        QVERIFY2(q(unknown.errors.toString()).contains("transformer presets: bert-base, bert-medium"),
                 unknown.errors.toString().c_str());
        const auto noData = resolveAccelerator("edge", {});
        QVERIFY(!noData.ok());
        QVERIFY(q(noData.errors.toString()).contains("TCW_DATA_DIR"));
        const auto notASpace = resolveSpace("bert-tiny", kDataDir);
        QVERIFY(!notASpace.ok());
    }

    void dataDirectoryLookup() {
        const QByteArray saved = qgetenv("TCW_DATA_DIR");
        TempDir temp;
        qputenv("TCW_DATA_DIR", QByteArray::fromStdString(temp.path().string()));
        QCOMPARE(q(findDataDir().string()), q(temp.path().string()));
        qunsetenv("TCW_DATA_DIR");
        QCOMPARE(q(findDataDir("/nowhere/bin/tcw").string()), q(kDataDir.string())); // the source tree
        if (!saved.isEmpty())
            qputenv("TCW_DATA_DIR", saved);
    }

    void savingWritesThroughATemporaryFile() {
        TempDir temp;
        const fs::path out = temp.path() / "edge.yaml";
        const auto edge = resolveAccelerator("edge", kDataDir);
        QVERIFY(saveDocument(out, *edge.value, FileFormat::AcceltranConfig).ok());
        QCOMPARE(q(readText(out)), q(readText(kDataDir / "presets/accelerators/reference/edge.yaml")));
        QCOMPARE(std::distance(fs::directory_iterator(temp.path()), fs::directory_iterator{}), 1L);
        const auto failed =
            saveDocument(temp.path() / "missing-dir/edge.yaml", *edge.value, FileFormat::AcceltranConfig);
        QVERIFY(!failed.ok());
        QVERIFY(q(failed.toString()).contains("cannot be written"));
    }

    // ------------------------------------------------------------ CSV

    void csvFields_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("written");
        QTest::newRow("plain") << "bert-tiny"
                               << "bert-tiny";
        QTest::newRow("comma") << "a,b"
                               << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\""
                               << "\"say \"\"hi\"\"\"";
        QTest::newRow("newline") << "two\nlines"
                                 << "\"two\nlines\"";
        QTest::newRow("cr") << "x\ry"
                            << "\"x\ry\"";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("space") << " padded "
                               << " padded ";
    }
    void csvFields() {
        QFETCH(QString, field);
        QFETCH(QString, written);
        QCOMPARE(q(csvField(field.toStdString())), written);
    }

    void csvFiles() {
        TempDir temp;
        const fs::path out = temp.path() / "table.csv";
        QVERIFY(writeCsv(out, {"name", "latency, ms"}, {{"edge", "1.5"}, {"server \"big\"", "0.25"}}).ok());
        QCOMPARE(q(readText(out)), QString("name,\"latency, ms\"\r\nedge,1.5\r\n\"server \"\"big\"\"\",0.25\r\n"));
        const auto ragged = writeCsv(temp.path() / "ragged.csv", {"a", "b"}, {{"1", "2"}, {"3"}});
        QVERIFY(!ragged.ok());
        QCOMPARE(q(ragged.errors[0].path), QString("rows[1]"));
        QVERIFY(!fs::exists(temp.path() / "ragged.csv"));
    }

    void csvFileWriterStreamsAndPatches() {
        TempDir temp;
        const fs::path out = temp.path() / "stream.csv";
        {
            CsvFileWriter writer(out, {"name", "flag"});
            QVERIFY(writer.errors().ok());
            const auto first = writer.writeRow({"edge, small", "0"});
            writer.writeRow({"server", "0"});
            QCOMPARE(first.size(), std::size_t(2));
            QVERIFY(!fs::exists(out)); // only the temporary file until finish()
            writer.patch(first[1], "1");
            QVERIFY(writer.finish().ok());
            QCOMPARE(writer.rows(), std::uint64_t(2));
        }
        QCOMPARE(q(readText(out)), QString("name,flag\r\n\"edge, small\",1\r\nserver,0\r\n"));
        {
            CsvFileWriter abandoned(temp.path() / "abandoned.csv", {"a"});
            abandoned.writeRow({"1"});
            const auto ragged = abandoned.writeRow({"1", "2"});
            QVERIFY(ragged.empty());
            QCOMPARE(q(abandoned.errors().errors[0].path), QString("rows[1]"));
        }
        QVERIFY(!fs::exists(temp.path() / "abandoned.csv")); // never finished: nothing at the path
        QVERIFY(!fs::exists(temp.path() / ".abandoned.csv.tmp"));
    }

    void csvParsesWhatItWrites() {
        const std::vector<CsvRow> rows = {{"name", "spec"}, {"a, b", "{\"k\":\"v\"}"}, {"", "line\r\nbreak"}};
        const ParsedCsv parsed = parseCsv(csvText(rows[0], {rows[1], rows[2]}));
        QVERIFY(parsed.errors.empty());
        QCOMPARE(parsed.rows == rows, true);
        QCOMPARE(parseCsv("a,b\nc,d").rows.size(), std::size_t(2)); // LF, no final line end
        const ParsedCsv open = parseCsv("a\n\"unterminated,\n");
        QCOMPARE(open.errors.size(), std::size_t(1));
        QCOMPARE(q(open.errors[0].path), QString("line 2"));
    }

    // A co-design pair as the search stores it: one line, fields in writer order, nested
    // workbench documents; it reads back to the same pair and prints to the same text.
    void pairsRoundTrip() {
        const auto model = resolveTransformer("bert-tiny", kDataDir);
        const auto accelerator = resolveAccelerator("edge", kDataDir);
        QVERIFY(model && accelerator);
        const CodesignPair pair{"tiny on edge", *model, accelerator->spec};
        const std::string canonical = canonicalJson(pair);
        QVERIFY(canonical.find('\n') == std::string::npos);
        QVERIFY(canonical.rfind(R"({"schemaVersion":1,"kind":"pair","name":"tiny on edge","transformer":{)", 0) == 0);
        const auto parsed = parseDocument(canonical, Syntax::Json, "pair.json");
        QVERIFY2(parsed.ok(), parsed.errors.toString().c_str());
        QCOMPARE(documentKind(*parsed.value), DocumentKind::Pair);
        QCOMPARE(std::get<CodesignPair>(*parsed.value) == pair, true);
        const Written pretty = formatDocument(pair, FileFormat::WorkbenchJson);
        QVERIFY(pretty.ok());
        const auto again = parseDocument(pretty.text, Syntax::Json, "pair.json");
        QVERIFY(again.ok());
        QCOMPARE(canonicalJson(*again.value), canonical);
        QVERIFY(!formatDocument(pair, FileFormat::ModelDict).ok());
        QVERIFY(!chooseFormat(DocumentKind::Pair, "p.json", true).format);
        QCOMPARE(*chooseFormat(DocumentKind::Pair, "p.json", std::nullopt).format, FileFormat::WorkbenchJson);
    }

    void pairErrorsNameTheMember() {
        const auto parsed = parseDocument(
            R"({"schemaVersion":1,"kind":"pair","name":"x","transformer":{"kind":"accelerator","layers":[]},)"
            R"("accelerator":4})",
            Syntax::Json, "bad.json");
        QVERIFY(!parsed.ok());
        QStringList paths;
        for (const auto& e : parsed.errors.errors)
            paths << q(e.path);
        QVERIFY2(paths.contains("transformer.kind"), qPrintable(paths.join(' ')));
        QVERIFY2(paths.contains("accelerator"), qPrintable(paths.join(' ')));
        QVERIFY(std::any_of(parsed.errors.errors.begin(), parsed.errors.errors.end(),
                            [](const ValidationError& e) { return e.path.rfind("transformer.layers", 0) == 0; }));
    }

    // The reference form of a pair: a folder named after it with a model dict and an AccelTran
    // config named after its parts; reading both back gives the same pair.
    void pairsRoundTripThroughReferenceFiles() {
        TempDir temp;
        std::mt19937_64 rng(7);
        for (int i = 0; i < 8; ++i) {
            TransformerSpec model = flexibert2Space().sample(rng);
            model.name = "m" + std::to_string(i);
            AcceleratorSpec accelerator = electorSpace().sample(rng);
            accelerator.name = "a" + std::to_string(i);
            const CodesignPair pair{"pair-" + std::to_string(i), model, accelerator};
            const FileErrors saved = saveReferencePair(temp.path(), pair);
            QVERIFY2(saved.ok(), saved.toString().c_str());
            const ReferencePairFiles files = referencePairFiles(temp.path(), pair);
            QCOMPARE(files.folder.filename().string(), pair.name);
            QVERIFY(fs::is_regular_file(files.modelDict) && fs::is_regular_file(files.acceleratorYaml));
            const auto loaded = loadReferencePair(files.modelDict, files.acceleratorYaml);
            QVERIFY2(loaded.ok(), loaded.errors.toString().c_str());
            QCOMPARE(canonicalJson(*loaded.value), canonicalJson(pair));
        }
        const auto swapped = loadReferencePair(kDataDir / "presets" / "models" / "bert-tiny.json",
                                               kDataDir / "presets" / "accelerators" / "edge.json");
        QVERIFY(!swapped.ok()); // workbench JSON files are not the reference formats
    }

    // ------------------------------------------------------------ stored blobs (record_json.h)

    void evaluationOptionsRoundTripAndOlderForms() {
        EvaluationOptions o;
        o.task.sequenceLength = 49;
        o.task.vocabularySize = 0;
        o.task.numClasses = 10;
        o.task.patchInputSize = 16;
        o.sparsity = "measured by training run 3";
        const std::string text = evaluationOptionsJson(o);
        // The text earlier versions wrote plus the cost-model revision, so stored rows and new
        // rows read alike.
        QCOMPARE(text, std::string(R"({"task":{"sequenceLength":49,"vocabularySize":0,"numClasses":10,)"
                                   R"("patchInputSize":16},"sparsity":"measured by training run 3",)"
                                   R"("costModelRevision":)") +
                           std::to_string(kCostModelRevision) + "}");
        QCOMPARE(*parseEvaluationOptions(text, "e"), o);
        // What earlier versions wrote (no revision) reads as revision 0: costed before revisions.
        const auto older = parseEvaluationOptions(R"({"task":{"sequenceLength":49},"sparsity":"x"})", "e");
        QVERIFY(older.ok());
        QCOMPARE(older->costModelRevision, 0);
        // An edit saved by an earlier explorer wrote no sparsity; "{}" keeps the default task.
        const auto edit = parseEvaluationOptions(R"({"task":{"sequenceLength":64}})", "e");
        QVERIFY(edit.ok());
        QCOMPARE(edit->task.sequenceLength, 64);
        QCOMPARE(edit->task.numClasses, TaskShape{}.numClasses);
        QCOMPARE(parseEvaluationOptions("{}", "e")->task, TaskShape{});
        // A wrong type names the blob and the field.
        const auto bad = parseEvaluationOptions(R"({"task":{"numClasses":"ten"}})", "evaluation 7 options");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.errors.toString().find("evaluation 7 options: task.numClasses: must be a whole number from "
                                            "-2147483648 to 2147483647, got the string 'ten'") != std::string::npos,
                 bad.errors.toString().c_str());
        QVERIFY(!parseEvaluationOptions("[1,2]", "e").ok());
    }

    // The structured sparsity source beside the readable text (what re-costing reads).
    void evaluationOptionsSparsitySource() {
        SparsitySettings settings;
        settings.activation = 0.25;
        settings.weight = 0.125;
        settings.gradient = 0.75;
        const EvaluationOptions scalars = evaluationOptionsOf(TaskShape{}, SparsitySource::scalarsOf(settings));
        QCOMPARE(scalars.sparsity, std::string("scalars 0.25/0.125/0.75"));
        const std::string text = evaluationOptionsJson(scalars);
        QVERIFY2(text.find(R"("sparsitySource":{"kind":"scalars","activation":0.25,"weight":0.125,"gradient":0.75})") !=
                     std::string::npos,
                 text.c_str());
        QCOMPARE(*parseEvaluationOptions(text, "e"), scalars);
        for (const SparsitySource& source :
             {SparsitySource{}, SparsitySource::trainingRun(7), SparsitySource::trainingRun(std::nullopt)}) {
            const EvaluationOptions o = evaluationOptionsOf(TaskShape{}, source);
            QCOMPARE(*parseEvaluationOptions(evaluationOptionsJson(o), "e"), o);
        }
        QCOMPARE(evaluationOptionsOf(TaskShape{}, SparsitySource{}).sparsity, std::string("dense"));
        QCOMPARE(evaluationOptionsOf(TaskShape{}, SparsitySource::trainingRun(7)).sparsity,
                 std::string("measured by training run 7"));
        QCOMPARE(evaluationOptionsOf(TaskShape{}, SparsitySource::trainingRun(std::nullopt)).sparsity,
                 std::string("measured by training"));
        // What older builds wrote has the text alone: no source.
        QVERIFY(!parseEvaluationOptions(R"({"sparsity":"scalars 0.5/0.5/0.9"})", "e")->sparsitySource);
        // A wrong kind or field names the blob, the field and what is allowed.
        const auto kind = parseEvaluationOptions(R"({"sparsitySource":{"kind":"half"}})", "evaluation 9 options");
        QVERIFY(!kind.ok());
        QVERIFY2(kind.errors.toString().find("evaluation 9 options: sparsitySource.kind: 'half' is not one of none, "
                                             "scalars, training-run") != std::string::npos,
                 kind.errors.toString().c_str());
        const auto weight =
            parseEvaluationOptions(R"({"sparsitySource":{"kind":"scalars","weight":"half"}})", "evaluation 9 options");
        QVERIFY2(weight.errors.toString().find("sparsitySource.weight: must be a number") != std::string::npos,
                 weight.errors.toString().c_str());
        QVERIFY(!parseEvaluationOptions(R"({"sparsitySource":[1]})", "e").ok());
    }

    void evaluationRecordOfCopiesTheSimulation() {
        SimResult r;
        r.cycles = 7000;
        r.clockMHz = 700; // 7000 cycles at 700 MHz = 10 µs
        r.peakPowerMW = 12.5;
        r.feasible = false;
        r.infeasibleReasons = {"weights do not fit"};
        SimOptions options;
        options.mode = SimMode::Training;
        options.costModel = CostModelKind::AcceltranFast;
        options.task.sequenceLength = 32;
        const store::EvaluationRecord e = evaluationRecordOf(r, options); // the default scalars
        QCOMPARE(e.costModel, std::string("acceltran-fast"));
        QCOMPARE(e.mode, std::string("training"));
        QCOMPARE(*e.cycles, std::int64_t(7000));
        QCOMPARE(*e.latencySeconds, 1e-5);
        QCOMPARE(*e.peakPowerMW, 12.5);
        QVERIFY(!e.feasible);
        QCOMPARE(e.infeasibleReason, std::string("weights do not fit"));
        QVERIFY(!e.accuracy.has_value());
        QCOMPARE(parseEvaluationOptions(e.optionsJson, "e")->sparsity, std::string("scalars 0.5/0.5/0.9"));
        QCOMPARE(parseEvaluationOptions(e.optionsJson, "e")->sparsitySource,
                 std::optional<SparsitySource>(SparsitySource::scalarsOf(SparsitySettings{})));
        // A profile names no source unless its writer says which run measured it.
        SimOptions measured = options;
        measured.sparsity.profile = std::make_shared<const SparsityProfile>();
        QVERIFY(!parseEvaluationOptions(evaluationRecordOf(r, measured).optionsJson, "e")->sparsitySource);
        const auto byRun =
            parseEvaluationOptions(evaluationRecordOf(r, measured, SparsitySource::trainingRun(4)).optionsJson, "e");
        QCOMPARE(byRun->sparsity, std::string("measured by training run 4"));
        QCOMPARE(byRun->sparsitySource->runId, std::optional<std::int64_t>(4));
        const SimOptions back = simOptionsOf(e);
        QCOMPARE(back.mode, options.mode);
        QCOMPARE(back.costModel, options.costModel);
        QCOMPARE(back.task, options.task);
    }

    void trainingCurveRoundTripAndBothOlderWriters() {
        search::TrainingCurvePoint a;
        a.step = 20;
        a.epoch = 1;
        a.trainLoss = 0.75;
        a.trainAccuracy = 0.5;
        a.learningRate = 1e-3;
        a.activationSparsity = 0.25;
        a.elapsedSeconds = 1.5;
        search::TrainingCurvePoint b = a;
        b.step = 40;
        b.testLoss = 0.5;
        b.testAccuracy = 0.875;
        const std::vector<search::TrainingCurvePoint> curve{a, b};
        const auto back = parseTrainingCurve(trainingCurveJson(curve), "run 1 curves");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QCOMPARE(*back, curve);
        // The search's runs wrote no epoch and no test loss; the Training panel's a NaN as null.
        const auto search = parseTrainingCurve(
            R"({"points":[{"step":5,"trainLoss":2.5,"trainAccuracy":0.25,"testAccuracy":null}]})", "c");
        QVERIFY(search.ok());
        QCOMPARE(int(search->size()), 1);
        QCOMPARE((*search)[0].step, std::int64_t(5));
        QCOMPARE((*search)[0].trainLoss, 2.5);
        QVERIFY(!(*search)[0].testAccuracy && !(*search)[0].testLoss);
        QCOMPARE(int(parseTrainingCurve("{}", "c")->size()), 0);
        const auto bad = parseTrainingCurve(R"({"points":[{"step":1},{"step":"two"}]})", "run 4 curves");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.errors.toString().find("points[1].step") != std::string::npos, bad.errors.toString().c_str());
    }

    void trainingConfigReadsBothStoredForms() {
        TrainingRequest r;
        r.data.name = "listops";
        r.data.maxTrain = 256;
        r.data.seed = 5;
        r.steps = 12;
        r.batch = 16;
        r.learningRate = 3e-3f;
        r.sgd = true;
        r.targetActivationSparsity = 0.5;
        r.pruneWeightGradients = false;
        r.logEverySteps = 3;
        r.seed = 5;
        const auto back = parseTrainingConfig(trainingRequestJson(r, "tiny", "/runs/run-1"), "run 1");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QCOMPARE(back->request, r);
        QCOMPARE(back->modelName, std::string("tiny"));
        QCOMPARE(back->runDirectory, std::string("/runs/run-1"));
        // A search's trained-accuracy key: the data set and budget come through, the model is inline.
        search::TrainingSettings t;
        t.dataset = "fashion-mnist";
        t.steps = 300;
        t.batchSize = 64;
        t.seed = 9;
        const auto key = parseTrainingConfig(trainingKeyJson(TransformerSpec{}, t), "run 2");
        QVERIFY2(key.ok(), key.errors.toString().c_str());
        QCOMPARE(key->request.data.name, std::string("fashion-mnist"));
        QCOMPARE(key->request.steps, std::int64_t(300));
        QCOMPARE(key->request.batch, 64);
        QCOMPARE(key->request.seed, std::uint64_t(9));
        QVERIFY(key->modelName.empty() && key->runDirectory.empty());
        const auto bad = parseTrainingConfig(R"({"optimizer":"lion"})", "run 3 configuration");
        QVERIFY(!bad.ok());
        QVERIFY(bad.errors.toString().find("optimizer: must be adamw or sgd") != std::string::npos);
    }

    void searchStateRoundTrip() {
        const SearchState s{17, "running"};
        QCOMPARE(*parseSearchState(searchStateJson(s), "search 1 state"), s);
        QCOMPARE(parseSearchState("{}", "s")->trialsCommitted, 0);
        QVERIFY(!parseSearchState(R"({"trialsCommitted":-2})", "s").ok());
        QVERIFY(!parseSearchState("not json", "s").ok());
    }
};

QTEST_GUILESS_MAIN(TestIo)
#include "test_io.moc"
