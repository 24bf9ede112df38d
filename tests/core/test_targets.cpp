// Targets and their descriptor tables: every field of the elector kind set through its
// accessor shows up, with its value, under its name in the workbench JSON and under its key in
// the AccelTran YAML, and reads back equal; the codecs write no key the table lacks; bounds are
// checked (every violation reported) and the products the cost models form stay exact; the
// --edit parser accepts every name and rejects what the bounds reject, naming the field. A
// co-design's JSON holds its target as {"kind": "elector", …}; the legacy "accelerator" form
// reads as the same pair, and a workspace's stored legacy pairs migrate to the new canonical
// text so a re-save dedupes to them.
#include "design/target.h"
#include "io/formats.h"
#include "store/design_migration.h"
#include "store/schema.h"
#include "store/sha256.h"
#include "store/workspace.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>
#include <sstream>

using namespace tcw;

namespace {

// An in-bounds value other than the default's: the next choice, or a bound of the field
// (kept ≤ the default batch of 4 for tile b, whose rule ties it to the batch).
double otherValue(const FieldInfo& f, double current) {
    if (f.type == FieldType::Choice)
        return double((std::size_t(current) + 1) % f.choices.size());
    if (f.name == "tile.tileB")
        return current + 1;
    return current == f.min ? f.min + 1 : f.min;
}

std::string yamlLine(const FieldInfo& f, double value) {
    const std::string_view key = f.referenceKey;
    const std::string_view section = FieldInfo::sectionOf(key);
    const std::string leaf(section.empty() ? key : key.substr(section.size() + 1));
    const std::string text = f.type == FieldType::Choice ? "'" + f.valueText(value) + "'" : f.valueText(value);
    return (section.empty() ? "" : "  ") + leaf + ": " + text;
}

// The key paths of the reference YAML layout (two-space indents), from its lines.
std::set<std::string> yamlKeys(const std::string& text) {
    std::set<std::string> keys;
    std::vector<std::string> open;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        const std::size_t indent = line.find_first_not_of(' ') / 2;
        const std::string key = line.substr(indent * 2, line.find(':') - indent * 2);
        open.resize(indent);
        std::string path;
        for (const auto& s : open)
            path += s + ".";
        if (line.back() == ':')
            open.push_back(key);
        else
            keys.insert(path + key);
    }
    return keys;
}

// Field names of a workbench JSON accelerator: "tile.tileB", "peCount", … (one level of sections).
std::set<std::string> jsonKeys(const nlohmann::ordered_json& j) {
    std::set<std::string> keys;
    for (const auto& [key, value] : j.items()) {
        if (value.is_object())
            for (const auto& [inner, v] : value.items())
                keys.insert(key + "." + inner);
        else
            keys.insert(key);
    }
    return keys;
}

const nlohmann::ordered_json* at(const nlohmann::ordered_json& j, std::string_view path) {
    const std::string_view section = FieldInfo::sectionOf(path);
    const nlohmann::ordered_json* holder = &j;
    if (!section.empty()) {
        if (!j.contains(std::string(section)))
            return nullptr;
        holder = &j.at(std::string(section));
        path.remove_prefix(section.size() + 1);
    }
    return holder->contains(std::string(path)) ? &holder->at(std::string(path)) : nullptr;
}

// A co-design as the example workspace (schema v2) stored it, before targets (with a quoted,
// non-ASCII name and a fractional size, whose text the migration must keep exactly).
const std::string kLegacyPair =
    R"({"schemaVersion":1,"kind":"pair","name":"","transformer":{"schemaVersion":1,"kind":"transformer","name":"",)"
    R"("activation":"gelu","layers":[{"hiddenSize":256,"heads":[{"type":"sa_sdp","dim":64},{"type":"l_dct","dim":64},)"
    R"({"type":"l_dct","dim":64},{"type":"l_dct","dim":64}],"feedForward":[2048]}]},"accelerator":{"schemaVersion":1,)"
    R"("kind":"accelerator",)"
    "\"name\":\"edge \\\"β\\\"\"," // "name":"edge \"β\"" (moc misreads \" in a raw string)
    R"("tile":{"tileB":4,"tileX":16,"tileY":16},"nonlinearity":"gelu",)"
    R"("peCount":512,"lanesPerPe":32,"macsPerLane":16,"softmaxPerPe":4,"batchSize":32,"activationBufferMB":0.375,"weightBufferMB":128,)"
    R"("maskBufferMB":8,"mainMemory":{"type":"rram","banks":8,"ranks":2,"channels":4,"mode":"hb"}}})";

} // namespace

class TestTargets : public QObject {
    Q_OBJECT

private slots:
    void kinds() {
        for (TargetKind k : allTargetKinds())
            QCOMPARE(targetKindFromName(targetKindName(k)), std::optional(k));
        QCOMPARE(targetKindName(TargetKind::Elector), std::string_view("elector"));
        QVERIFY(!targetKindFromName("tpu"));
        AcceleratorSpec a;
        a.peCount = 256;
        Target t(a);
        QCOMPARE(t.kind(), TargetKind::Elector);
        QCOMPARE(t.elector()->peCount, 256);
        // The kind-free view reads and writes the same fields as the typed table.
        const auto fields = electorFields();
        QCOMPARE(fieldsOf(TargetKind::Elector).size(), fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            QCOMPARE(fieldsOf(TargetKind::Elector)[i].name, fields[i].info.name);
            QCOMPARE(fieldValue(t, i), fields[i].get(a));
        }
        const auto pe = *fieldIndex(TargetKind::Elector, "peCount");
        setFieldValue(t, pe, 1024);
        QCOMPARE(t.elector()->peCount, 1024);
    }

    // The table lists every AcceleratorSpec field: setting each to another value changes the
    // spec, and setting them all reaches a spec that differs from the default in every member.
    void tableCoversTheSpec() {
        const auto fields = electorFields();
        QCOMPARE(fields.size(), std::size_t(18)); // 3 tile, nonlinearity, 4 compute, batch, 3 buffers, 5 memory,
                                                  // the scheduler's compute ops per cycle
        std::set<std::string_view> names;
        AcceleratorSpec all;
        for (const auto& f : fields) {
            QVERIFY2(names.insert(f.info.name).second, f.info.name.data());
            QVERIFY(!f.info.label.empty() && !f.info.help.empty() && !f.info.group.empty());
            // Every field has its AccelTran key but the compute batch, which the reference
            // states as an effective value in its scheduler section (mapped by the codec).
            QVERIFY2(!f.info.referenceKey.empty() || f.info.name == "computeOpsPerCycle", f.info.name.data());
            AcceleratorSpec a;
            const double v = otherValue(f.info, f.get(a));
            f.set(a, v);
            QCOMPARE(f.get(a), v);
            QVERIFY2(!(a == AcceleratorSpec{}), f.info.name.data());
            f.set(all, otherValue(f.info, f.get(all)));
        }
        const AcceleratorSpec d;
        QVERIFY(all.tileB != d.tileB && all.tileX != d.tileX && all.tileY != d.tileY);
        QVERIFY(all.nonlinearity != d.nonlinearity && all.peCount != d.peCount && all.lanesPerPe != d.lanesPerPe);
        QVERIFY(all.macsPerLane != d.macsPerLane && all.softmaxPerPe != d.softmaxPerPe);
        QVERIFY(all.batchSize != d.batchSize && all.activationBufferMB != d.activationBufferMB);
        QVERIFY(all.weightBufferMB != d.weightBufferMB && all.maskBufferMB != d.maskBufferMB);
        QVERIFY(all.mainMemory.type != d.mainMemory.type && all.mainMemory.banks != d.mainMemory.banks);
        QVERIFY(all.mainMemory.ranks != d.mainMemory.ranks && all.mainMemory.channels != d.mainMemory.channels);
        QVERIFY(all.mainMemory.mode != d.mainMemory.mode && all.computeOpsPerCycle != d.computeOpsPerCycle);
    }

    void codecsFollowTheTable_data() {
        QTest::addColumn<int>("field");
        const auto fields = electorFields();
        for (std::size_t i = 0; i < fields.size(); ++i)
            QTest::newRow(fields[i].info.name.data()) << int(i);
    }

    void codecsFollowTheTable() {
        QFETCH(int, field);
        const auto& f = electorFields()[std::size_t(field)];
        io::AcceleratorFile file;
        file.spec.name = "probe";
        const double value = otherValue(f.info, f.get(file.spec));
        f.set(file.spec, value);
        if (f.info.name == "tile.tileX" || f.info.name == "tile.tileY") // the reference needs square tiles
            file.spec.tileX = file.spec.tileY = int(value);
        QVERIFY(validate(file.spec).empty());

        // Workbench JSON: the key is there with the value, and reads back equal.
        const io::Written json = io::formatDocument(file, io::FileFormat::WorkbenchJson);
        QVERIFY(json.ok());
        const auto tree = nlohmann::ordered_json::parse(json.text);
        const auto* node = at(tree, f.info.name);
        QVERIFY2(node, f.info.name.data());
        if (f.info.type == FieldType::Choice)
            QCOMPARE(node->get<std::string>(), f.info.valueText(value));
        else
            QCOMPARE(node->get<double>(), value);
        const auto fromJson = io::parseDocument(json.text, io::Syntax::Json, "probe.json");
        QVERIFY2(fromJson.ok(), fromJson.errors.toString().c_str());
        QCOMPARE(std::get<io::AcceleratorFile>(*fromJson.value), file);

        // AccelTran YAML: the reference key's line carries the value, and reads back equal. The
        // compute batch has no key of its own: the reference states it in its scheduler section.
        const io::Written yaml = io::formatDocument(file, io::FileFormat::AcceltranConfig);
        QVERIFY(yaml.ok());
        const std::string line = f.info.referenceKey.empty()
                                     ? "    batch_size: " + std::to_string(file.spec.effectiveComputeOpsPerCycle())
                                     : yamlLine(f.info, value);
        QVERIFY2(!f.info.referenceKey.empty() || f.info.name == "computeOpsPerCycle", f.info.name.data());
        QVERIFY2(yaml.text.find("\n" + line + "\n") != std::string::npos, (line + " not in\n" + yaml.text).c_str());
        const auto fromYaml = io::parseDocument(yaml.text, io::Syntax::Yaml, "probe.yaml");
        QVERIFY2(fromYaml.ok(), fromYaml.errors.toString().c_str());
        QCOMPARE(std::get<io::AcceleratorFile>(*fromYaml.value).spec, file.spec);
    }

    // Neither codec writes a field the table lacks (besides the document header and the
    // reference-only loop unrolling and scheduler), nor drops one it has.
    void codecsWriteOnlyTheTable() {
        std::set<std::string> names, referenceKeys;
        for (const auto& f : electorFields()) {
            if (!f.omittedWhenDerived) // absent from a default spec's JSON: derived on reading
                names.emplace(f.info.name);
            if (!f.info.referenceKey.empty())
                referenceKeys.emplace(f.info.referenceKey);
        }
        const io::AcceleratorFile file{AcceleratorSpec{}, {}};
        auto json =
            jsonKeys(nlohmann::ordered_json::parse(io::formatDocument(file, io::FileFormat::WorkbenchJson).text));
        for (const char* header : {"schemaVersion", "kind", "name"})
            QVERIFY(json.erase(header) == 1);
        QCOMPARE(json, names);
        auto yaml = yamlKeys(io::formatDocument(file, io::FileFormat::AcceltranConfig).text);
        for (const char* extra : {"loop_unrolling", "scheduler.compute_ops.tiled", "scheduler.compute_ops.batch_size",
                                  "scheduler.memory_ops.tiled", "scheduler.memory_ops.batch_size"})
            QVERIFY2(yaml.erase(extra) == 1, extra);
        QCOMPARE(yaml, referenceKeys);
    }

    // A workbench file may leave out the derived fields: tile y takes tile x, the bandwidth
    // mode follows the memory type (DRAM low, others high).
    void absentFieldsAreDerived() {
        auto j = nlohmann::ordered_json::parse(
            io::formatDocument(io::AcceleratorFile{}, io::FileFormat::WorkbenchJson).text);
        j["tile"]["tileX"] = 32;
        j["tile"].erase("tileY");
        j["mainMemory"]["type"] = "hbm";
        j["mainMemory"].erase("mode");
        const auto loaded = io::parseDocument(j.dump(), io::Syntax::Json, "a.json");
        QVERIFY2(loaded.ok(), loaded.errors.toString().c_str());
        const auto& a = std::get<io::AcceleratorFile>(*loaded.value).spec;
        QCOMPARE(a.tileY, 32);
        QCOMPARE(a.mainMemory.mode, BandwidthMode::High);
        j["mainMemory"].erase("banks"); // not derivable: required
        const auto missing = io::parseDocument(j.dump(), io::Syntax::Json, "a.json");
        QVERIFY(!missing.ok());
        QVERIFY2(missing.errors.toString().find("mainMemory.banks") != std::string::npos,
                 missing.errors.toString().c_str());
    }

    void boundsAreChecked_data() {
        QTest::addColumn<int>("field");
        const auto fields = electorFields();
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (fields[i].info.type != FieldType::Choice)
                QTest::newRow(fields[i].info.name.data()) << int(i);
    }

    void boundsAreChecked() {
        QFETCH(int, field);
        const auto& f = electorFields()[std::size_t(field)];
        for (double bad : {f.info.max * 2, f.info.min / 2, f.info.min - 1}) {
            AcceleratorSpec a;
            f.set(a, bad);
            if (f.get(a) >= f.info.min && f.get(a) <= f.info.max)
                continue; // an integer field rounds min / 2 back into range
            const ValidationErrors errors = validate(a);
            bool named = false;
            for (const auto& e : errors)
                named |= e.path == f.info.name && e.message.find(f.info.allowedText()) != std::string::npos;
            QVERIFY2(named, (std::string(f.info.name) + " = " + std::to_string(bad)).c_str());
        }
        AcceleratorSpec edge;
        edge.batchSize = 1024; // tile b may not exceed the batch
        f.set(edge, f.info.max);
        for (const auto& e : validate(edge))
            QVERIFY2(e.path != f.info.name, e.toString().c_str());
    }

    // Every violation is reported, not only the first.
    void everyViolationIsReported() {
        AcceleratorSpec a;
        std::size_t numeric = 0;
        for (const auto& f : electorFields())
            if (f.info.type != FieldType::Choice) {
                f.set(a, f.info.max * 2);
                ++numeric;
            }
        std::set<std::string> paths;
        for (const auto& e : validate(a))
            paths.insert(e.path);
        for (const auto& f : electorFields())
            if (f.info.type != FieldType::Choice)
                QVERIFY2(paths.count(std::string(f.info.name)), f.info.name.data());
        QVERIFY(paths.size() >= numeric);
    }

    // The largest products the cost models form from validated values stay exact in double
    // (below 2^53) and far from int64 overflow.
    void boundsKeepArithmeticExact() {
        AcceleratorSpec a;
        for (const auto& f : electorFields())
            if (f.info.type != FieldType::Choice)
                f.set(a, f.info.max);
        QVERIFY(validate(a).empty());
        const double limit = std::ldexp(1.0, 53);
        QVERIFY(double(a.multiplierCount()) < limit);
        QVERIFY(double(a.softmaxUnitCount()) < limit);
        QVERIFY(double(a.tileB) * a.tileX * a.tileY * a.tileY * a.batchSize < limit);
        const double bufferBits = (a.activationBufferMB + a.weightBufferMB + a.maskBufferMB) * 1024 * 1024 * 8;
        QVERIFY(bufferBits < limit);
        QVERIFY(double(a.mainMemory.banks) * a.mainMemory.ranks * a.mainMemory.channels < limit);
    }

    // --edit NAME=VALUE: every name (and the unique short names) accepted with an in-bounds
    // value; out-of-bounds values, unknown names and bad text rejected with the field and
    // what is allowed.
    void editParserFollowsTheTable() {
        const auto fields = fieldsOf(TargetKind::Elector);
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const FieldInfo& f = fields[i];
            const double value = otherValue(f, electorFields()[i].get(AcceleratorSpec{}));
            const std::string text = std::string(f.name) + "=" + f.valueText(value);
            const ParsedFieldEdit ok = parseFieldEdit(TargetKind::Elector, text);
            QVERIFY2(ok.edit, text.c_str());
            QCOMPARE(ok.edit->field, i);
            QCOMPARE(ok.edit->value, value);
            const ParsedFieldEdit leaf =
                parseFieldEdit(TargetKind::Elector, std::string(f.leaf()) + " = " + f.valueText(value));
            QVERIFY2(leaf.edit && leaf.edit->field == i, f.leaf().data());
            const std::string bad = std::string(f.name) + "=" +
                                    (f.type == FieldType::Choice ? std::string("nonsense") : f.valueText(f.max + 1));
            const ParsedFieldEdit rejected = parseFieldEdit(TargetKind::Elector, bad);
            QVERIFY2(!rejected.edit && rejected.error, bad.c_str());
            QCOMPARE(rejected.error->path, std::string(f.name));
            QVERIFY2(rejected.error->message.find(f.allowedText()) != std::string::npos,
                     rejected.error->toString().c_str());
        }
        const auto unknown = parseFieldEdit(TargetKind::Elector, "peCounts=4");
        QVERIFY(!unknown.edit);
        QCOMPARE(unknown.error->path, std::string("peCounts"));
        QVERIFY(unknown.error->message.find("mainMemory.banks") != std::string::npos);
        const auto notNumber = parseFieldEdit(TargetKind::Elector, "peCount=many");
        QVERIFY(!notNumber.edit);
        QVERIFY(notNumber.error->toString().find("1 to 65536") != std::string::npos);
        QCOMPARE(parseFieldEdit(TargetKind::Elector, "peCount=256.5").error->path, std::string("peCount"));
        QVERIFY(!parseFieldEdit(TargetKind::Elector, "peCount").edit);
        QCOMPARE(parseFieldEdit(TargetKind::Elector, "type=hbm").edit->value, double(MemoryType::Hbm));
    }

    // Validation errors of a reference file name its keys, through the table.
    void referencePathsComeFromTheTable() {
        io::AcceleratorFile file;
        file.spec.peCount = 0;
        file.spec.mainMemory.banks = 1000;
        std::string yaml = io::formatDocument(io::AcceleratorFile{}, io::FileFormat::AcceltranConfig).text;
        yaml.replace(yaml.find("pe: 64"), 6, "pe: 0");
        yaml.replace(yaml.find("banks: 32"), 9, "banks: 1000");
        const auto loaded = io::parseDocument(yaml, io::Syntax::Yaml, "a.yaml");
        QVERIFY(!loaded.ok());
        const std::string text = loaded.errors.toString();
        QVERIFY2(text.find("a.yaml: pe: must be a whole number from 1 to 65536, got 0") != std::string::npos,
                 text.c_str());
        QVERIFY2(text.find("main_memory.banks: must be a whole number from 1 to 64, got 1000") != std::string::npos,
                 text.c_str());
        QCOMPARE(io::fieldPathIn(io::FileFormat::AcceltranConfig, "mainMemory.mode"), std::string("main_memory.mode"));
        QCOMPARE(io::fieldPathIn(io::FileFormat::AcceltranConfig, "mainMemory"), std::string("main_memory"));
    }

    // The pair's JSON names its target's kind; the legacy "accelerator" member reads as the
    // same elector target, and its canonical text is the new form.
    void pairHoldsATarget() {
        const auto legacy = io::parseDocument(kLegacyPair, io::Syntax::Json, "legacy.json");
        QVERIFY2(legacy.ok(), legacy.errors.toString().c_str());
        const auto& pair = std::get<io::CodesignPair>(*legacy.value);
        QCOMPARE(pair.target.kind(), TargetKind::Elector);
        QCOMPARE(pair.target.electorSpec().peCount, 512);
        QCOMPARE(pair.target.electorSpec().mainMemory.key(), std::string("rram_8_2_4"));
        const std::string canonical = io::canonicalJson(pair);
        QVERIFY(canonical != kLegacyPair);
        const auto tree = nlohmann::ordered_json::parse(canonical);
        QVERIFY(!tree.contains("accelerator"));
        QCOMPARE(tree["target"]["kind"].get<std::string>(), std::string("elector"));
        QCOMPARE(tree["target"].begin().key(), std::string("kind")); // the kind first: it says what follows
        QCOMPARE(tree["target"]["peCount"].get<int>(), 512);
        QCOMPARE(tree["target"]["mainMemory"]["mode"].get<std::string>(), std::string("hb"));
        // The transformer's text is unchanged: only the hardware side moved.
        QCOMPARE(tree["transformer"].dump(), nlohmann::ordered_json::parse(kLegacyPair)["transformer"].dump());
        const auto again = io::parseDocument(canonical, io::Syntax::Json, "new.json");
        QVERIFY2(again.ok(), again.errors.toString().c_str());
        QCOMPARE(std::get<io::CodesignPair>(*again.value), pair);
        QCOMPARE(io::canonicalJson(*again.value), canonical);

        // Errors inside the target carry its path; an unknown kind names the known ones.
        auto bad = tree;
        bad["target"]["peCount"] = 0;
        bad["target"]["mainMemory"]["banks"] = "many";
        const auto badLoaded = io::parseDocument(bad.dump(), io::Syntax::Json, "bad.json");
        QVERIFY(!badLoaded.ok());
        const std::string errors = badLoaded.errors.toString();
        QVERIFY2(errors.find("target.peCount: must be a whole number from 1 to 65536, got 0") != std::string::npos,
                 errors.c_str());
        QVERIFY2(errors.find("target.mainMemory.banks") != std::string::npos, errors.c_str());
        bad = tree;
        bad["target"]["kind"] = "tpu";
        const std::string kind = io::parseDocument(bad.dump(), io::Syntax::Json, "k.json").errors.toString();
        QVERIFY2(kind.find("target.kind: 'tpu' is not one of elector") != std::string::npos, kind.c_str());
        bad = tree;
        bad["accelerator"] = nlohmann::ordered_json::parse(kLegacyPair)["accelerator"];
        const std::string both = io::parseDocument(bad.dump(), io::Syntax::Json, "b.json").errors.toString();
        QVERIFY2(both.find("not both") != std::string::npos, both.c_str());
        bad = tree;
        bad.erase("target");
        const std::string none = io::parseDocument(bad.dump(), io::Syntax::Json, "n.json").errors.toString();
        QVERIFY2(none.find("target: required field is missing") != std::string::npos, none.c_str());
    }

    // A workspace written before targets (schema v3) holding a legacy pair: opening migrates
    // the stored text to the canonical form with its hash recomputed, in the open's
    // transaction; the same design saved now dedupes to it; a second open changes nothing.
    void legacyStoredPairsMigrate() {
        QTemporaryDir dir;
        const std::filesystem::path path = dir.filePath("old.tcw").toStdString();
        { store::Workspace::create(path); }
        {
            store::Database db = store::Database::open(path, store::Database::Mode::ReadWrite);
            db.prepare("INSERT INTO designs (name, kind, spec_json, hash) VALUES ('old', 'pair', ?1, ?2)")
                .bind(1, kLegacyPair)
                .bind(2, store::sha256Hex(kLegacyPair))
                .run();
            db.setUserVersion(3);
        }
        const auto pair = std::get<io::CodesignPair>(*io::parseDocument(kLegacyPair, io::Syntax::Json, "x").value);
        const std::string canonical = io::canonicalJson(pair);
        std::string createdAt;
        {
            store::Workspace ws = store::Workspace::open(path);
            QCOMPARE(ws.schemaVersion(), store::kSchemaVersion);
            const auto stored = ws.design(1);
            QVERIFY(stored);
            QCOMPARE(stored->specJson, canonical);
            QCOMPARE(stored->hash, store::sha256Hex(canonical));
            QCOMPARE(stored->name, std::string("old"));
            createdAt = stored->createdAt;
            // Saving the same design now finds the migrated one.
            const io::CodesignPair again{"", pair.transformer, Target(pair.target.electorSpec())};
            QCOMPARE(ws.findDesign(store::DesignKind::Pair, io::canonicalJson(again)), std::optional<std::int64_t>(1));
            QCOMPARE(ws.counts().designs, std::int64_t(1));
        }
        {
            store::Workspace ws = store::Workspace::open(path);
            QCOMPARE(ws.design(1)->specJson, canonical);
            QCOMPARE(ws.design(1)->createdAt, createdAt);
        }
        // The step on its own: nothing left to rewrite.
        store::Database db = store::Database::open(path, store::Database::Mode::ReadWrite);
        QCOMPARE(store::rewriteLegacyPairsAsTargets(db), std::int64_t(0));
    }

    // Compression: the default (dense f32) is not written, so existing files keep their text;
    // anything else round-trips; every error carries its path under "compression".
    void compressionRoundTrips() {
        TransformerSpec model = uniformTransformer(2, 128, 2, 512);
        model.name = "tiny";
        const std::string dense = io::formatDocument(model, io::FileFormat::WorkbenchJson).text;
        QVERIFY(dense.find("compression") == std::string::npos);
        QCOMPARE(describeCompression(model.compression), std::vector<std::string>{"dense, 32-bit float"});

        CompressionSpec& c = model.compression;
        c.precision[std::size_t(TensorRole::Weights)] = {8, Quantizer::Symmetric};
        c.precision[std::size_t(TensorRole::AttentionProbabilities)] = {16, Quantizer::Float};
        c.layerPrecision.push_back({1, TensorRole::QueryKeyValue, {4, Quantizer::Asymmetric}});
        c.pruning[std::size_t(WeightMatrix::Query)].stages = {
            {PruningLevel::Head, 0.25, BalanceRule::None, PruningCriterion::L2, 0, 0},
            {PruningLevel::Block, 0.5, BalanceRule::PerRow, PruningCriterion::L1, 4, 8}};
        c.pruning[std::size_t(WeightMatrix::FeedForward)].stages = {
            {PruningLevel::Element, 0.9, BalanceRule::PerPeGroup, PruningCriterion::Taylor, 0, 0}};
        QVERIFY(validate(model).empty());
        QCOMPARE(c.at(1, TensorRole::QueryKeyValue), (Precision{4, Quantizer::Asymmetric}));
        QCOMPARE(c.at(0, TensorRole::QueryKeyValue), (Precision{32, Quantizer::Float}));

        const std::string text = io::formatDocument(model, io::FileFormat::WorkbenchJson).text;
        const auto tree = nlohmann::ordered_json::parse(text);
        QCOMPARE(tree["compression"]["precision"]["weights"]["bits"].get<int>(), 8);
        QCOMPARE(tree["compression"]["precision"]["weights"]["quantizer"].get<std::string>(), std::string("symmetric"));
        QCOMPARE(tree["compression"]["layerPrecision"][0]["role"].get<std::string>(), std::string("qkv"));
        QCOMPARE(tree["compression"]["pruning"]["query"][1]["blockCols"].get<int>(), 8);
        QVERIFY(!tree["compression"]["pruning"].contains("key")); // dense matrices are not listed
        const auto back = io::parseDocument(text, io::Syntax::Json, "m.json");
        QVERIFY2(back.ok(), back.errors.toString().c_str());
        QCOMPARE(std::get<TransformerSpec>(*back.value), model);
        // Inside a pair too (the workspace's canonical text).
        const io::CodesignPair pair{"p", model, Target(AcceleratorSpec{})};
        const auto pairBack = io::parseDocument(io::canonicalJson(pair), io::Syntax::Json, "p.json");
        QVERIFY(pairBack.ok());
        QCOMPARE(std::get<io::CodesignPair>(*pairBack.value), pair);
        // A model dict has no place for it.
        const io::Written dict = io::formatDocument(model, io::FileFormat::ModelDict);
        QVERIFY(!dict.ok());
        QCOMPARE(dict.errors.front().path, std::string("compression"));

        const auto lines = describeCompression(c);
        QVERIFY(std::find(lines.begin(), lines.end(), "weights: 8-bit symmetric") != lines.end());
        QVERIFY(std::find(lines.begin(), lines.end(), "layer 1 qkv: 4-bit asymmetric") != lines.end());
        QVERIFY(std::find(lines.begin(), lines.end(), "query: head 25 % (none, l2) block 4×8 50 % (perRow, l1)") !=
                lines.end());
    }

    void compressionErrorsNameTheirFields() {
        auto j = nlohmann::ordered_json::parse(
            io::formatDocument(uniformTransformer(2, 128, 2, 512), io::FileFormat::WorkbenchJson).text);
        j["compression"] = nlohmann::ordered_json::parse(R"({
            "precision": {"weights": {"bits": 3, "quantizer": "symmetric"},
                          "qkv": {"bits": 8, "quantizer": "float"},
                          "classifier": {"bits": 8, "quantizer": "fp8"}},
            "layerPrecision": [{"layer": 2, "role": "weights", "bits": 4, "quantizer": "symmetric"},
                               {"layer": 0, "role": "weights", "bits": 1, "quantizer": "symmetric"}],
            "pruning": {"value": [{"level": "row", "ratio": 0.5},
                                  {"level": "head", "ratio": 1.0, "balance": "perBlock", "criterion": "l1"}],
                        "key": [{"level": "block", "ratio": 0.5}]}})");
        const auto loaded = io::parseDocument(j.dump(), io::Syntax::Json, "m.json");
        QVERIFY(!loaded.ok());
        const std::string text = loaded.errors.toString();
        for (const char* expected : {
                 "compression.precision.weights.bits: must be one of 1, 2, 4, 8, 16, 32, got 3",
                 "compression.precision.qkv.bits: a float has 16 or 32 bits, got 8",
                 "compression.precision.classifier.quantizer: 'fp8' is not one of float, symmetric, asymmetric, "
                 "power-of-two, sign",
                 "compression.layerPrecision[0].layer: must be a layer of the model, 0 to 1, got 2",
                 "compression.layerPrecision[1].quantizer: 1 bit needs the sign quantizer",
                 "compression.pruning.value[1].ratio: must be at least 0 and below 1, got 1",
                 "compression.pruning.value[1].level: must be finer than 'row'",
                 "compression.pruning.value[1].balance: perBlock balances blocks",
                 "compression.pruning.key[0].blockRows: a block stage needs a size from 1 to 4096, got 0",
             })
            QVERIFY2(text.find(expected) != std::string::npos, (std::string(expected) + "\nnot in\n" + text).c_str());
        QVERIFY2(text.find("1.0000") == std::string::npos, text.c_str()); // numbers as written, not padded
    }
};

QTEST_APPLESS_MAIN(TestTargets)
#include "test_targets.moc"
