// Writes the seed inputs that data/ and tests/data/ do not hold as files: a checkpoint of the
// checkpoint target's own trainer, a small workspace, a designs CSV, a pair and a sparsity
// profile in workbench JSON, a search configuration, raw IDX arrays and GLUE TSV inputs in the
// TSV target's layout (a first byte "s" picks characters, "p" words). Usage: fuzz_seeds SOURCE_DIR OUT_DIR (one folder
// per target is made).
#include "fuzz_tiny_trainer.h"
#include "io/files.h"
#include "io/formats.h"
#include "io/search_json.h"
#include "models/design_export.h"
#include "store/workspace.h"
#include "train/checkpoint.h"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace tcw;

namespace {

void writeFile(const fs::path& path, std::string_view bytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw std::runtime_error(path.string() + ": cannot write");
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path.string() + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

template <typename T> T orThrow(io::Loaded<T> loaded) {
    if (!loaded)
        throw std::runtime_error(loaded.errors.toString());
    return *loaded;
}

// An IDX array of unsigned bytes: magic 0x0000080N, N big-endian dimensions, the payload.
std::string idx(const std::vector<std::uint32_t>& dims) {
    std::string bytes = {0, 0, 8, static_cast<char>(dims.size())};
    std::size_t count = 1;
    for (std::uint32_t d : dims) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<char>((d >> shift) & 0xFF));
        count *= d;
    }
    for (std::size_t i = 0; i < count; ++i)
        bytes.push_back(static_cast<char>((i * 37) % 251));
    return bytes;
}

void run(const fs::path& source, const fs::path& out) {
    const io::CodesignPair pair{"tiny on edge",
                                orThrow(io::loadTransformer(source / "data/presets/models/bert-tiny.json")),
                                orThrow(io::loadAccelerator(source / "data/presets/accelerators/edge.json")).spec};
    const std::string pairJson = io::canonicalJson(pair);
    writeFile(out / "document_json/generated-pair.json", pairJson);

    // The checkpoint target's trainer after one step, its sparsity profile and checkpoint.
    train::Trainer& trainer = fuzz::tinyTrainer();
    (void)trainer.trainStep();
    const std::string profileJson =
        io::sparsityProfileText(train::makeSparsityProfile(trainer.accumulated(), "fuzz seed"));
    writeFile(out / "document_json/generated-sparsity-profile.json", profileJson);
    fs::create_directories(out / "checkpoint");
    trainer.saveCheckpoint((out / "checkpoint/generated-tiny.bin").string());

    search::SearchConfig config;
    config.budget = 16;
    writeFile(out / "search_json/generated-search-config.json", io::searchConfigJson(config));
    writeFile(out / "search_json/generated-int-list.json", io::intListJson(std::vector<int>{3, 1, 4, 1, 5}));

    // A small workspace: a pair, a transformer, evaluations, a training run, a search and a trial.
    const fs::path workspacePath = out / "workspace/generated-small.tcw";
    fs::create_directories(workspacePath.parent_path());
    fs::remove(workspacePath);
    std::vector<models::ExportedDesign> exported;
    {
        store::Workspace ws = store::Workspace::create(workspacePath);
        const std::int64_t pairId = ws.addDesign(pair.name, store::DesignKind::Pair, pairJson);
        const std::int64_t modelId = ws.addDesign("bert-tiny", store::DesignKind::Transformer,
                                                  io::canonicalJson(io::Document(pair.transformer)));
        store::EvaluationRecord e;
        e.designId = pairId;
        e.feasible = true;
        e.cycles = 11695;
        e.latencySeconds = 16.71e-6;
        e.energyDynamicNJ = 900.0;
        e.energyLeakageNJ = 100.0;
        e.areaMM2 = 72.3;
        e.peakPowerMW = 1200.0;
        e.accuracy = 0.79;
        e.accuracySource = store::AccuracySource::Predicted;
        e.accuracyStdDev = 0.01;
        e.id = ws.addEvaluation(e);
        store::TrainingRunRecord run;
        run.designId = modelId;
        run.name = "tiny run";
        run.dataset = "listops";
        run.status = store::RunStatus::Finished;
        run.finalAccuracy = 0.5;
        run.sparsityProfileJson = profileJson;
        ws.addTrainingRun(run);
        store::SearchRecord s;
        s.name = "search 1";
        s.algorithm = "random";
        s.configJson = io::searchConfigJson(config);
        s.seed = 1;
        s.status = store::RunStatus::Running;
        const std::int64_t searchId = ws.addSearch(s);
        store::TrialRecord t;
        t.searchId = searchId;
        t.designId = pairId;
        t.evaluationId = e.id;
        t.position = 0;
        t.objectivesJson = "[0.79,1.671e-05]";
        ws.addTrial(t);
        ws.setProperty("description", "fuzz seed");
        ws.checkpoint();
        for (const store::DesignRecord& d : ws.designs())
            exported.push_back({d, d.id == pairId ? std::optional<store::EvaluationRecord>(e) : std::nullopt});
    }
    writeFile(out / "csv/generated-designs.csv", models::designsCsv(exported).toStdString());

    writeFile(out / "idx/generated-images.idx", idx({2, 4, 4}));
    writeFile(out / "idx/generated-labels.idx", idx({5}));

    const std::string train = readFile(source / "data/datasets/sst2-mini/train.tsv");
    const std::string dev = readFile(source / "data/datasets/sst2-mini/dev.tsv");
    writeFile(out / "tsv/generated-sst2-mini.tsv", train + std::string(1, '\0') + dev);
    writeFile(out / "tsv/generated-sst2-mini-words.tsv", "p" + train.substr(1) + std::string(1, '\0') + dev);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: fuzz_seeds SOURCE_DIR OUT_DIR\n");
        return 2;
    }
    try {
        run(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
        return 1;
    }
    return 0;
}
