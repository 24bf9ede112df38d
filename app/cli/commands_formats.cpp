// tcw formats: every pruned weight matrix's exact size in each sparse storage format
// (core/compress), with totals. From a pruning run (RUN folder or its checkpoint: the masks
// are recounted from the checkpoint's weights, pruned ones being exactly 0), or from a model
// and a pattern preset applied to its initial weights.
#include "commands.h"

#include "codesign/pruning_record.h"
#include "codesign/pruning_run.h"
#include "compress/pruning_mask.h"
#include "io/files.h"
#include "search/device_selection.h"
#include "sim/pe_load.h"
#include "train/checkpoint.h"
#include "train/network.h"
#include "train/pruning.h"

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace tcw::cli {

namespace {

namespace fs = std::filesystem;

struct FormatsCommand {
    std::string run; // RUN folder or its checkpoint.bin
    std::string model, pattern;
    std::optional<double> sparsity;
    std::optional<int> bits;
    std::uint64_t seed = 1;
    int pes = 0, tile = 16; // --pes: also print each matrix's load across PEs (issue 16)
};

// Each matrix's kept weight tiles per PE (sim/pe_load.h): tile columns dealt round robin, the
// op waits for the busiest PE.
void printPeLoad(const codesign::PrunedRun& run, int pes, int tile) {
    std::cout << "load across " << pes << " PEs, " << tile << "x" << tile
              << " weight tiles, tile columns dealt round robin (docs/pruning.md#load-across-pes)\n";
    std::printf("%-30s %10s %10s %10s %10s\n", "tensor", "tiles", "busiest", "even", "imbalance");
    for (std::size_t i = 0; i < run.masks.size(); ++i) {
        const auto load = sim::peLoad(run.masks[i], tile, pes);
        std::printf("%-30s %10lld %10lld %10lld %10.3f\n", run.record.matrices[i].tensor.c_str(),
                    static_cast<long long>(load.total), static_cast<long long>(load.busiest),
                    static_cast<long long>(load.balancedCycles(1)), load.imbalance());
    }
    std::fflush(stdout);
}

// The record of a run folder, its masks recounted from the checkpoint beside pruning.json.
codesign::PruningRecord recordOfRun(const fs::path& run) {
    std::error_code ec;
    const bool folder = fs::is_directory(run, ec);
    const fs::path dir = folder ? run : run.parent_path();
    const fs::path checkpoint = folder ? dir / "checkpoint.bin" : run;
    if (!fs::exists(checkpoint, ec))
        throw std::invalid_argument(checkpoint.string() + ": no such checkpoint (give a tcw prune run folder or its "
                                                          "checkpoint.bin)");
    if (!fs::exists(dir / "pruning.json", ec))
        throw std::invalid_argument((dir / "pruning.json").string() +
                                    ": missing; tcw formats reads a tcw prune run (its pruning.json says which "
                                    "weights of the checkpoint form which matrix)");
    auto record = codesign::readPruningRecord(dir / "pruning.json");
    codesign::recountFromParameters(record, train::loadCheckpoint(checkpoint.string()).parameters, checkpoint.string());
    return record;
}

// A pattern preset applied once to the model's initial weights (N(0, 0.02), seeded), through
// the trainer's own masks (train::WeightPruning).
codesign::PruningRecord recordOfPattern(const FormatsCommand& c, const fs::path& dataDir) {
    search::CompressionSetting setting;
    setting.pattern = c.pattern;
    setting.sparsity = c.sparsity.value_or(0.0);
    if (c.pattern.find(':') == std::string::npos && !c.sparsity)
        throw std::invalid_argument("--sparsity: required for --pattern " + c.pattern);
    std::string error;
    const auto model = search::compressedModel(loadTrainableModel(c.model, dataDir), setting, error);
    if (!model)
        throw std::invalid_argument("--pattern / --sparsity: " + error);
    train::Network network(*model, TaskShape{}, 1);
    network.initialize(c.seed);
    const train::PruningPlan plan; // one event after step 0: the full pattern
    train::WeightPruning pruning(*model, network, plan);
    const std::vector<float> noGradients(std::size_t(network.parameterCount()), 0.0F);
    pruning.afterStep(0, network.parameters(), noGradients);
    return codesign::makePruningRecord(*model, "", plan, pruning.masks(),
                                       codesign::formatParamsOf(*model, c.bits.value_or(16)));
}

void printRecord(const codesign::PruningRecord& record) {
    const auto& f = record.format;
    std::cout << "sizes in bits at " << f.valueBits << " bits per weight, blocks " << f.blockRows << "x" << f.blockCols
              << " (docs/pruning.md#storage-formats)\n";
    std::printf("%-30s %-16s %6s %6s %9s %8s", "tensor", "matrix", "rows", "cols", "kept", "sparsity");
    for (auto format : compress::allSparseFormats())
        std::printf(" %12s", std::string(compress::sparseFormatName(format)).c_str());
    std::printf(" %s\n", "smallest");
    compress::FormatSizes total;
    std::uint64_t weights = 0, kept = 0;
    for (const auto& m : record.matrices) {
        const auto sizes = compress::formatSizes(m.counts, f);
        const std::uint64_t n = m.counts.rows * m.counts.cols;
        weights += n;
        kept += m.counts.nnz;
        std::printf("%-30s %-16s %6lld %6lld %9llu %7.3f%%", m.tensor.c_str(),
                    std::string(weightMatrixName(m.matrix)).c_str(), static_cast<long long>(m.rows),
                    static_cast<long long>(m.cols), static_cast<unsigned long long>(m.counts.nnz),
                    n ? 100.0 * (1.0 - double(m.counts.nnz) / double(n)) : 0.0);
        for (std::size_t i = 0; i < compress::kSparseFormatCount; ++i) {
            total.bits[i] += sizes.bits[i];
            std::printf(" %12llu", static_cast<unsigned long long>(sizes.bits[i]));
        }
        std::printf(" %s\n", std::string(compress::sparseFormatName(sizes.smallest)).c_str());
    }
    std::printf("%-30s %-16s %6s %6s %9llu %7.3f%%", "total", "", "", "", static_cast<unsigned long long>(kept),
                weights ? 100.0 * (1.0 - double(kept) / double(weights)) : 0.0);
    for (std::size_t i = 0; i < compress::kSparseFormatCount; ++i)
        std::printf(" %12llu", static_cast<unsigned long long>(total.bits[i]));
    std::printf("\n%-30s %-16s %6s %6s %9s %8s", "total bytes", "", "", "", "", "");
    for (std::size_t i = 0; i < compress::kSparseFormatCount; ++i)
        std::printf(" %12llu", static_cast<unsigned long long>(compress::bytesOfBits(total.bits[i])));
    std::printf("\n");
    std::fflush(stdout);
}

} // namespace

void addFormatsCommand(CLI::App& app, CommandContext& context) {
    auto c = std::make_shared<FormatsCommand>();
    auto* cmd = app.add_subcommand("formats", "Every pruned weight matrix's exact size in dense, bitmap + values, "
                                              "CSR, BCSR, CBR-style and two-level formats, with totals.");
    auto* run = cmd->add_option("RUN", c->run, "a tcw prune run folder, or its checkpoint.bin");
    auto* model = cmd->add_option("--model", c->model, "instead of RUN: a model (preset name or file)");
    auto* pattern = cmd->add_option("--pattern", c->pattern, "with --model: a pruning preset");
    cmd->add_option_function<double>(
        "--sparsity", [c](double v) { c->sparsity = v; }, "with --model: the preset's target sparsity");
    cmd->add_option_function<int>(
        "--bits", [c](int v) { c->bits = v; }, "bits per stored weight (default: the run's, or 16 with --model)");
    cmd->add_option("--seed", c->seed, "with --model: seed of the initial weights the pattern ranks")
        ->capture_default_str();
    auto* pes = cmd->add_option("--pes", c->pes,
                                "with RUN: also each matrix's weight tiles per PE, the busiest PE and the imbalance");
    cmd->add_option("--tile", c->tile, "with --pes: weight tile side")->capture_default_str()->needs(pes);
    pes->needs(run);
    run->excludes(model);
    model->needs(pattern);
    pattern->needs(model);
    cmd->callback([c, run, &context] {
        try {
            if (run->count() == 0 && c->model.empty())
                throw std::invalid_argument("give RUN (a tcw prune run) or --model M --pattern P --sparsity s");
            codesign::PruningRecord record =
                run->count() ? recordOfRun(c->run) : recordOfPattern(*c, io::findDataDir(context.executablePath));
            if (c->bits) {
                if (*c->bits < 1 || *c->bits > 32)
                    throw std::invalid_argument("--bits: 1 to 32, got " + std::to_string(*c->bits));
                record.format.valueBits = *c->bits;
            }
            printRecord(record);
            if (c->pes > 0 || c->tile < 1) {
                if (c->pes < 1 || c->tile < 1)
                    throw std::invalid_argument("--pes / --tile: at least 1, got " + std::to_string(c->pes) + " / " +
                                                std::to_string(c->tile));
                std::error_code ec;
                const fs::path dir = fs::is_directory(c->run, ec) ? fs::path(c->run) : fs::path(c->run).parent_path();
                printPeLoad(codesign::loadPrunedRun(dir), c->pes, c->tile);
            }
            context.exitCode = 0;
        } catch (const std::invalid_argument& e) {
            std::cerr << "tcw formats: " << e.what() << "\n";
            context.exitCode = 2;
        } catch (const std::exception& e) {
            std::cerr << "tcw formats: " << e.what() << "\n";
            context.exitCode = 1;
        }
    });
}

} // namespace tcw::cli
