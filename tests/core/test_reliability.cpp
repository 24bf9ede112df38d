// Issue 19 at the library level: the atomic writer's refusals, the bounded reader's limits,
// parsers that end in errors instead of crashes, checkpoints checked against the model, data
// sets that cannot ask for a million classes or gigabytes, technology ranges.
#include "design/technology_library.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/safe_file.h"
#include "io/search_json.h"
#include "search/optimizer.h"
#include "train/checkpoint.h"
#include "train/presets.h"
#include "train/trainer.h"

#include <QtTest>

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace tcw;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeAll(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string errorsOf(const io::Loaded<io::Document>& loaded) {
    std::string text;
    for (const auto& e : loaded.errors.errors)
        text += e.toString() + "\n";
    return text;
}

const train::Dataset& listOps() {
    static const train::Dataset data = [] {
        train::ListOpsOptions o;
        o.trainCount = 64;
        o.testCount = 16;
        o.maxDepth = 2;
        o.sequenceLength = 16;
        return train::makeListOps(o);
    }();
    return data;
}

train::TrainConfig smallConfig() {
    train::TrainConfig c;
    c.batchSize = 8;
    c.steps = 2;
    c.threads = 1;
    return c;
}

TransformerSpec smallModel() {
    return train::uniformModel("small", 1, 16, {HeadType::SaSdp}, {32});
}

// The message of what throws, or "" when nothing does.
template <typename F> std::string thrown(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestReliability : public QObject {
    Q_OBJECT
private slots:
    void writerRefusesWhatItMustNotReplace() {
        QTemporaryDir dir;
        const fs::path base = dir.path().toStdString();
        const fs::path file = base / "a.csv";
        QVERIFY(io::writeFileAtomically(file, "one\n").empty());
        QCOMPARE(readAll(file), std::string("one\n"));
        const std::string refused = io::writeFileAtomically(file, "two\n");
        QVERIFY2(refused.find("already exists") != std::string::npos && refused.find(file.string()) == 0,
                 refused.c_str());
        QCOMPARE(readAll(file), std::string("one\n"));
        io::WriteOptions force{.overwrite = true};
        QVERIFY(io::writeFileAtomically(file, "two\n", force).empty());
        QCOMPARE(readAll(file), std::string("two\n"));
        // The command's own input, a workspace, a dangling link, a read-only file, a folder.
        io::WriteOptions input = force;
        input.inputs = {file};
        QVERIFY(io::writeFileAtomically(file, "x", input).find("input") != std::string::npos);
        const fs::path workspace = base / "w.tcw";
        writeAll(workspace, std::string("SQLite format 3\0rest of a database", 35));
        QVERIFY(io::writeFileAtomically(workspace, "x", force).find("workspace") != std::string::npos);
        QVERIFY(io::isSqliteFile(workspace));
        fs::create_symlink(base / "missing.csv", base / "link.csv");
        QVERIFY(io::writeFileAtomically(base / "link.csv", "x", force).find("symbolic link") != std::string::npos);
        QVERIFY(!fs::exists(base / "missing.csv"));
        fs::permissions(file, fs::perms::owner_read);
        QVERIFY(io::writeFileAtomically(file, "x", force).find("read-only") != std::string::npos);
        QVERIFY(io::writeFileAtomically(base, "x", force).find("folder") != std::string::npos);
        QVERIFY(io::writeFileAtomically(base / "no" / "such.csv", "x").find("does not exist") != std::string::npos);
        // A link to an existing file is written through; the link stays a link.
        fs::create_symlink(base / "target.csv", base / "good-link.csv");
        writeAll(base / "target.csv", "old");
        QVERIFY(io::writeFileAtomically(base / "good-link.csv", "new", force).empty());
        QVERIFY(fs::is_symlink(base / "good-link.csv"));
        QCOMPARE(readAll(base / "target.csv"), std::string("new"));
        // Folders are built beside and renamed into place.
        QVERIFY(io::writeFolderAtomically(base / "ref", {{"m.json", "{}"}, {"a.yaml", "x: 1"}}).empty());
        QVERIFY(io::writeFolderAtomically(base / "ref", {{"n.json", "{}"}}).find("--force") != std::string::npos);
        QVERIFY(fs::exists(base / "ref" / "m.json") && !fs::exists(base / "ref" / "n.json"));
        QVERIFY(io::writeFolderAtomically(base / "ref", {{"n.json", "{}"}}, force).empty());
        QVERIFY(!fs::exists(base / "ref" / "m.json") && fs::exists(base / "ref" / "n.json"));
        for (const auto& entry : fs::directory_iterator(base))
            QVERIFY2(entry.path().filename().string().front() != '.', entry.path().c_str()); // no leftovers
    }

    void readerIsBounded() {
        QTemporaryDir dir;
        const fs::path base = dir.path().toStdString();
        const io::ReadResult zero = io::readFileBounded("/dev/zero", 1024, "a design file");
        QVERIFY2(zero.error.find("not a regular file") != std::string::npos, zero.error.c_str());
        QVERIFY(::mkfifo((base / "fifo").c_str(), 0600) == 0);
        QVERIFY(io::readFileBounded(base / "fifo", 1024, "a design file").error.find("FIFO") != std::string::npos);
        writeAll(base / "big", std::string(5000, 'x'));
        const io::ReadResult big = io::readFileBounded(base / "big", 4096, "a lesson");
        QVERIFY2(big.error.find("4.0 KiB") != std::string::npos && big.error.find("a lesson") != std::string::npos,
                 big.error.c_str());
        QCOMPARE(io::readFileBounded(base / "big", 5000, "x").bytes.size(), std::size_t(5000));
        QVERIFY(io::readFileBounded(base / "none", 10, "x").error == "no such file");
    }

    void parsersEndInErrors_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("1e400") << "a.json"
                               << QByteArray(R"({"schemaVersion": 1, "kind": "technology", "clockMHz": 1e400})")
                               << "out of range";
        QTest::newRow("-1e400 in a list") << "b.json" << QByteArray(R"({"l": 2, "o": [-1e400]})") << "out of range";
        QTest::newRow("recursive alias") << "c.yaml" << QByteArray("a: &a {b: *a}\n") << "nested deeper";
        QTest::newRow("recursive list alias") << "d.yaml" << QByteArray("x: &x [1, *x]\n") << "nested deeper";
        QTest::newRow("duplicate key")
            << "e.json" << QByteArray(R"({"schemaVersion": 1, "kind": "accelerator", "peCount": 1, "peCount": 2})")
            << "duplicate key 'peCount'";
        QTest::newRow("deep") << "f.json" << QByteArray(200000, '[') + QByteArray(200000, ']') << "nested deeper";
        // Issue 19's 10^6 run of document_json: a model dict's layer count sized the model
        // (377 million empty layers, 1.4 GB) before its lists were read.
        QTest::newRow("layer count") << "g.json" << QByteArray(R"({"l": 377000448})") << "must be 1 to 1024";
    }
    // The 10^6 search_json fuzz run: a stored proposal whose "origin" is not a string ended
    // the program (json::value throws type_error); it now reads as no origin.
    void storedProposalOfAnotherShapeIsRead() {
        search::Proposal p;
        p.origin = "previous";
        QVERIFY(io::readProposalJson(R"({"origin": [1, 2], "predicted": 0.5})", p));
        QCOMPARE(p.origin, std::string());
        QVERIFY(p.predictedValue && *p.predictedValue == 0.5);
        QVERIFY(io::readProposalJson(R"({"origin": "mutation"})", p));
        QCOMPARE(p.origin, std::string("mutation"));
        QVERIFY(!p.predictedValue);
    }

    // The same run, after that fix: a stored configuration's seed of 2.2e42 reached
    // json::get<std::uint64_t>, an out-of-range conversion (UBSan); every whole-number field is
    // now checked and named.
    void searchConfigNumbersAreWholeAndInRange() {
        const auto seed = io::parseSearchConfig(
            R"({"schemaVersion": 1, "kind": "searchConfig", "algorithm": "boshcode", "budget": 16, "seed": 2.2e42})",
            "config.json");
        QVERIFY(!seed);
        QVERIFY2(seed.errors.toString().find("seed must be a whole number from 0 to 18446744073709551615") !=
                     std::string::npos,
                 seed.errors.toString().c_str());
        const auto budget = io::parseSearchConfig(
            R"({"schemaVersion": 1, "kind": "searchConfig", "algorithm": "nsga2", "budget": 3000000000, "seed": 1})",
            "config.json");
        QVERIFY(!budget);
        QVERIFY2(budget.errors.toString().find("budget must be a whole number from -2147483648 to 2147483647, got "
                                               "3000000000") != std::string::npos,
                 budget.errors.toString().c_str());
    }

    void parsersEndInErrors() {
        QFETCH(QString, name);
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / name.toStdString();
        writeAll(path, text.toStdString());
        const auto loaded = io::loadDocument(path);
        QVERIFY(!loaded);
        QVERIFY2(errorsOf(loaded).find(message.toStdString()) != std::string::npos, errorsOf(loaded).c_str());
    }

    void checkpointsAreCheckedBeforeUse() {
        QTemporaryDir dir;
        const std::string good = dir.filePath("good.ckpt").toStdString();
        train::Trainer trainer(smallModel(), listOps(), smallConfig());
        trainer.trainStep();
        trainer.saveCheckpoint(good);
        const train::CheckpointState state = train::loadCheckpoint(good);
        auto refusedBecause = [&](const train::CheckpointState& changed, const char* expected) {
            const std::string path = dir.filePath("changed.ckpt").toStdString();
            std::filesystem::remove(path);
            train::saveCheckpoint(path, changed);
            train::Trainer fresh(smallModel(), listOps(), smallConfig());
            const std::string message = thrown([&] { fresh.loadCheckpoint(path); });
            QVERIFY2(message.find(expected) != std::string::npos, (expected + std::string(" / ") + message).c_str());
        };
        train::CheckpointState shortMoment = state;
        shortMoment.secondMoment.resize(10);
        refusedBecause(shortMoment, "second moment 10 values");
        train::CheckpointState noMoment = state;
        noMoment.secondMoment.clear();
        refusedBecause(noMoment, "second moment 0 values");
        train::CheckpointState negative = state;
        negative.step = -3;
        refusedBecause(negative, "step counter -3");
        train::CheckpointState otherShapes = state;
        otherShapes.modelFingerprint ^= 1;
        refusedBecause(otherShapes, "names or shapes differ");
        // A header that claims 2^34 floats is refused from the file's size, not allocated.
        std::string bytes = readAll(good);
        const std::uint64_t claimed = std::uint64_t(1) << 34;
        std::memcpy(bytes.data() + 32, &claimed, sizeof claimed); // the parameter count follows 32 header bytes
        const std::string crafted = dir.filePath("crafted.ckpt").toStdString();
        writeAll(crafted, bytes);
        const std::string message = thrown([&] { train::loadCheckpoint(crafted); });
        QVERIFY2(message.find("claims 17179869184 floats") != std::string::npos, message.c_str());
    }

    void dataSetsAreBounded() {
        QTemporaryDir dir;
        const fs::path base = dir.path().toStdString();
        // An IDX gzip bomb: a small file inflating past the limit.
        fs::create_directories(base / "bomb");
        {
            gzFile out = gzopen((base / "bomb" / "train-images-idx3-ubyte.gz").c_str(), "wb1");
            const std::string header("\0\0\x08\x03\0\0\0\x01\0\0\0\x1c\0\0\0\x1c", 16);
            gzwrite(out, header.data(), unsigned(header.size()));
            const std::string zeros(1 << 20, '\0');
            for (int i = 0; i < 600; ++i)
                gzwrite(out, zeros.data(), unsigned(zeros.size()));
            gzclose(out);
        }
        writeAll(base / "bomb" / "train-labels-idx1-ubyte", std::string("\0\0\x08\x01\0\0\0\x01\x00", 9));
        const std::string bomb = thrown([&] { train::loadFashionMnist((base / "bomb").string(), 7); });
        QVERIFY2(bomb.find("inflates to more than") != std::string::npos, bomb.c_str());
        // IDX dimensions whose product overflows.
        fs::create_directories(base / "dims");
        writeAll(base / "dims" / "train-images-idx3-ubyte",
                 std::string("\0\0\x08\x03\x7f\xff\xff\xff\x7f\xff\xff\xff\0\0\0\x1c", 16));
        writeAll(base / "dims" / "train-labels-idx1-ubyte", std::string("\0\0\x08\x01\0\0\0\x01\x00", 9));
        const std::string dims = thrown([&] { train::loadFashionMnist((base / "dims").string(), 7); });
        QVERIFY2(dims.find("dimension") != std::string::npos, dims.c_str());
    }

    void technologyRangesHold() {
        TechnologyLibrary t = electorTechnology14nm();
        QVERIFY(validate(t).empty());
        t.fractionBits = 2147483647;
        QVERIFY(!validate(t).empty());
        t = electorTechnology14nm();
        t.integerBits = 2147483647; // the sum would overflow int
        QVERIFY(!validate(t).empty());
        t = electorTechnology14nm();
        t.clockMHz = 1e308;
        QVERIFY(!validate(t).empty());
        t.clockMHz = 1e-300;
        QVERIFY(!validate(t).empty());
        t.clockMHz = -8;
        const auto errors = validate(t);
        QVERIFY(!errors.empty());
        QVERIFY2(errors.front().message.find("got -8") != std::string::npos &&
                     errors.front().message.find("-8.000000") == std::string::npos,
                 errors.front().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestReliability)
#include "test_reliability.moc"
