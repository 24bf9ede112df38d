// tcw simulate: cost of one model on one accelerator; tcw sweep: one model over an
// accelerator design space on all cores, with the Pareto-optimal accelerators.
#include "commands.h"
#include "commands_devices.h"
#include "commands_fpga.h"
#include "progress_bar.h"

#include "design/precision_shorthand.h"
#include "io/csv.h"
#include "io/files.h"
#include "io/sim_result_json.h"
#include "search/pareto.h"
#include "sim/cost_model.h"
#include "sim/sweep.h"
#include "sweep_report.h"

#include "cluster/distributed_sweep.h"

#include <algorithm>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>
#include <string>

namespace tcw::cli {

namespace {

// Options shared by simulate and sweep: what to run and how to cost it.
struct CostOptions {
    std::string model;
    std::string mode = "inference";
    std::string costModel = "elector";
    std::string technology = "elector-14nm-700mhz";
    std::string sparsityFile;
    std::optional<double> activationSparsity, weightSparsity, gradientSparsity;
    int sequenceLength = 128;
    int vocabulary = 30522;
    int classes = 2;
    bool fullEmbeddingTable = false;
    bool powerGating = false;
    std::string precision; // issue 15: w8a8, w1a1, f32… over the model's own (empty: its own)
};

void addCostOptions(CLI::App* command, CostOptions& o) {
    command
        ->add_option("--model", o.model,
                     "Transformer: a file (workbench JSON or FlexiBERT 2.0 model dict) or a "
                     "preset name (bert-tiny, bert-mini, bert-small, bert-medium, bert-base)")
        ->required();
    command->add_option("--precision", o.precision,
                        "The model at this precision: f32, w1, w1a1, w2a8, w8a8, … as tcw train --precision "
                        "(default: the model's own compression)");
    command->add_option("--mode", o.mode, "inference or training (forward, backward and AdamW update)")
        ->check(CLI::IsMember({"inference", "training"}))
        ->capture_default_str();
    command
        ->add_option("--cost-model", o.costModel,
                     "elector (the workbench's model) or acceltran-fast (the reference fast mode, quirks "
                     "included, for comparison with published numbers)")
        ->check(CLI::IsMember({"elector", "acceltran-fast"}))
        ->capture_default_str();
    command->add_option("--technology", o.technology, "Technology table: a file or a name under data/tech")
        ->capture_default_str();
    auto* file = command->add_option("--sparsity", o.sparsityFile,
                                     "Measured sparsity profile (JSON written by tcw train) instead of scalars");
    command->add_option("--act-sparsity", o.activationSparsity, "Activation sparsity, 0..1 (default 0.5)")
        ->check(CLI::Range(0.0, 1.0))
        ->excludes(file);
    command->add_option("--weight-sparsity", o.weightSparsity, "Weight sparsity, 0..1 (default 0.5)")
        ->check(CLI::Range(0.0, 1.0))
        ->excludes(file);
    command->add_option("--grad-sparsity", o.gradientSparsity, "Gradient sparsity, 0..1 (default 0.9)")
        ->check(CLI::Range(0.0, 1.0))
        ->excludes(file);
    command->add_option("--seq", o.sequenceLength, "Sequence length")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    command->add_option("--vocab", o.vocabulary, "Vocabulary size")
        ->check(CLI::Range(1, 1 << 26))
        ->capture_default_str();
    command->add_option("--classes", o.classes, "Classifier outputs")
        ->check(CLI::Range(1, 1 << 20))
        ->capture_default_str();
    command->add_flag("--full-embedding-table", o.fullEmbeddingTable,
                      "elector: load the whole embedding table as the reference does (default: only the rows a "
                      "batch uses)");
    command->add_flag("--power-gating", o.powerGating, "elector: idle logic does not leak");
}

struct Prepared {
    TransformerSpec model;
    TechnologyLibrary technology;
    SimOptions options;
};

// Loads the model, the technology table and the sparsity; prints every error and returns
// nothing when something is wrong.
std::optional<Prepared> prepare(const CostOptions& o, const std::filesystem::path& dataDir) {
    Prepared p;
    auto model = io::resolveTransformer(o.model, dataDir);
    if (!model) {
        model.errors.file = o.model;
        std::cerr << model.errors.toString() << "\n";
        return std::nullopt;
    }
    p.model = *model.value;
    if (o.precision == "f32") {
        p.model.compression.precision = {};
        p.model.compression.layerPrecision.clear();
    } else if (!o.precision.empty()) {
        if (const std::string error = applyPrecisionShorthand(o.precision, p.model.compression); !error.empty()) {
            std::cerr << "--precision: " << error << "\n";
            return std::nullopt;
        }
    }
    if (const auto errors = validate(p.model); !errors.empty()) {
        std::cerr << io::FileErrors{o.model, errors}.toString() << "\n";
        return std::nullopt;
    }
    auto tech = io::resolveTechnology(o.technology, dataDir);
    if (!tech) {
        tech.errors.file = o.technology;
        std::cerr << tech.errors.toString() << "\n";
        return std::nullopt;
    }
    p.technology = *tech.value;
    p.options.mode = *simModeFromName(o.mode);
    p.options.costModel = *costModelFromName(o.costModel);
    p.options.task.sequenceLength = o.sequenceLength;
    p.options.task.vocabularySize = o.vocabulary;
    p.options.task.numClasses = o.classes;
    p.options.loadFullEmbeddingTable = o.fullEmbeddingTable;
    p.options.powerGating = o.powerGating;
    if (o.activationSparsity)
        p.options.sparsity.activation = *o.activationSparsity;
    if (o.weightSparsity)
        p.options.sparsity.weight = *o.weightSparsity;
    if (o.gradientSparsity)
        p.options.sparsity.gradient = *o.gradientSparsity;
    if (!o.sparsityFile.empty()) {
        auto profile = io::loadSparsityProfile(o.sparsityFile);
        if (!profile) {
            profile.errors.file = o.sparsityFile;
            std::cerr << profile.errors.toString() << "\n";
            return std::nullopt;
        }
        if (const auto errors = validateFor(*profile.value, p.model.layerCount(), p.model.name); !errors.empty()) {
            std::cerr << io::FileErrors{o.sparsityFile, errors}.toString() << "\n";
            return std::nullopt;
        }
        p.options.sparsity.profile = std::make_shared<SparsityProfile>(*profile.value);
    }
    return p;
}

std::string grouped(std::int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

// nJ with an SI prefix: "187.8 µJ".
std::string energy(double nj) {
    char text[32];
    if (nj >= 1e9)
        std::snprintf(text, sizeof text, "%.4g J", nj * 1e-9);
    else if (nj >= 1e6)
        std::snprintf(text, sizeof text, "%.4g mJ", nj * 1e-6);
    else if (nj >= 1e3)
        std::snprintf(text, sizeof text, "%.4g µJ", nj * 1e-3);
    else
        std::snprintf(text, sizeof text, "%.4g nJ", nj);
    return text;
}

std::string seconds(double s) {
    char text[32];
    if (s >= 1)
        std::snprintf(text, sizeof text, "%.4g s", s);
    else if (s >= 1e-3)
        std::snprintf(text, sizeof text, "%.4g ms", s * 1e3);
    else
        std::snprintf(text, sizeof text, "%.4g µs", s * 1e6);
    return text;
}

void printResult(const SimResult& r, const TransformerSpec& model, const AcceleratorSpec& a, const SimOptions& o,
                 int opRows) {
    std::printf("%s on %s: %s, %s, batch %d × sequence %d\n", model.name.empty() ? "model" : model.name.c_str(),
                a.name.empty() ? "accelerator" : a.name.c_str(), std::string(costModelName(r.costModel)).c_str(),
                std::string(simModeName(r.mode)).c_str(), a.batchSize, o.task.sequenceLength);
    if (!r.feasible) {
        std::printf("  INFEASIBLE\n");
        for (const auto& reason : r.infeasibleReasons)
            std::printf("    %s\n", reason.c_str());
        if (r.cycles == 0)
            return;
        std::printf("  (numbers below ignore the infeasibility)\n");
    }
    std::printf("  latency       %s cycles = %s at %.0f MHz (%.1f sequences/s)\n", grouped(r.cycles).c_str(),
                seconds(r.latencySeconds()).c_str(), r.clockMHz,
                r.latencySeconds() > 0 ? a.batchSize / r.latencySeconds() : 0.0);
    std::printf("  energy        dynamic %s, leakage %s, total %s\n", energy(r.dynamicEnergyNJ()).c_str(),
                energy(r.leakageEnergyNJ()).c_str(), energy(r.totalEnergyNJ()).c_str());
    std::printf("  area          %.3f mm²\n", r.totalAreaMM2());
    std::printf("  power         peak %.3f W, average %.3f W\n", r.peakPowerMW / 1e3, r.averagePowerMW() / 1e3);
    std::printf("  utilisation   MAC lanes %.1f%%, softmax %.1f%%, layer norm %.1f%%, main memory %.1f%%\n",
                100 * r.utilisation[int(ModuleClass::MacLanes)], 100 * r.utilisation[int(ModuleClass::Softmax)],
                100 * r.utilisation[int(ModuleClass::LayerNorm)], 100 * r.utilisation[int(ModuleClass::MainMemory)]);
    if (r.mode == SimMode::Training) {
        std::printf("  split         ");
        for (int p = 0; p < kPhaseCount; ++p)
            std::printf("%s %s cycles (%.1f%%)%s", std::string(phaseName(Phase(p))).c_str(),
                        grouped(r.cyclesByPhase[p]).c_str(), r.cycles ? 100.0 * r.cyclesByPhase[p] / r.cycles : 0.0,
                        p + 1 < kPhaseCount ? ", " : "\n");
    }
    std::printf("\n  %-20s %12s %16s %16s %12s\n", "module", "area mm²", "dynamic", "leakage", "utilisation");
    for (int m = 0; m < kModuleClassCount; ++m) {
        if (r.areaMM2[m] == 0 && r.energy[m].dynamic == 0 && r.energy[m].leakage == 0)
            continue;
        std::printf("  %-20s %12.3f %16s %16s %11.1f%%\n", std::string(moduleClassName(ModuleClass(m))).c_str(),
                    r.areaMM2[m], energy(r.energy[m].dynamic).c_str(), energy(r.energy[m].leakage).c_str(),
                    100 * r.utilisation[m]);
    }
    if (r.ops.empty() || opRows == 0)
        return;
    std::vector<std::size_t> order(r.ops.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return r.ops[x].cycles > r.ops[y].cycles; });
    const std::size_t rows = opRows < 0 ? order.size() : std::min<std::size_t>(order.size(), opRows);
    std::printf("\n  %-40s %-9s %12s %7s %-8s %14s %12s\n", rows < order.size() ? "op (slowest first)" : "op", "phase",
                "cycles", "share", "bound", "MACs", "DRAM bytes");
    for (std::size_t k = 0; k < rows; ++k) {
        const auto& op = r.ops[order[k]];
        std::printf("  %-40s %-9s %12s %6.1f%% %-8s %14.4g %12.4g\n", op.name.c_str(),
                    std::string(phaseName(op.phase)).c_str(), grouped(op.cycles).c_str(),
                    r.cycles ? 100.0 * op.cycles / r.cycles : 0.0, std::string(boundName(op.bound)).c_str(), op.macs,
                    op.mainMemoryBytes);
    }
    if (rows < order.size())
        std::printf("  … %zu more ops (--ops all to list every op)\n", order.size() - rows);
}

struct SimulateOptions {
    CostOptions cost;
    std::string accelerator;
    std::string target; // device:ID (issue 14); elector targets come by --accelerator
    bool json = false;
    std::string ops = "15";
};

int runSimulate(const SimulateOptions& o, const std::filesystem::path& dataDir) {
    auto prepared = prepare(o.cost, dataDir);
    if (!prepared)
        return 2;
    if (!o.target.empty()) {
        if (o.target.rfind("fpga:", 0) == 0) { // issue 15/16: the fpga cost model at the model's precision
            if (prepared->options.mode != SimMode::Inference || !o.cost.sparsityFile.empty()) {
                std::cerr << "--target fpga: costs inference with one --weight-sparsity (not --mode training or "
                             "--sparsity)\n";
                return 2;
            }
            return simulateOnFpga(prepared->model, o.target.substr(5), o.cost.sequenceLength,
                                  o.cost.weightSparsity.value_or(0.0), dataDir, o.json);
        }
        if (o.target.rfind("device:", 0) != 0) {
            std::cerr << "--target: '" << o.target.substr(0, 60)
                      << "' is not a target; use device:ID (tcw devices list), fpga:NAME (data/targets) or "
                         "--accelerator for an accelerator\n";
            return 2;
        }
        return simulateOnDevice(prepared->model, o.target.substr(7), dataDir, o.json);
    }
    if (o.accelerator.empty()) {
        std::cerr << "--accelerator is required (or --target device:ID for a device)\n";
        return 2;
    }
    auto accelerator = io::resolveAccelerator(o.accelerator, dataDir);
    if (!accelerator) {
        accelerator.errors.file = o.accelerator;
        std::cerr << accelerator.errors.toString() << "\n";
        return 2;
    }
    const AcceleratorSpec& a = accelerator->spec;
    const SimResult r = simulate(prepared->model, a, prepared->technology, prepared->options);
    if (o.json) {
        std::cout << io::simResultJson(r) << "\n";
    } else {
        const int rows = o.ops == "all" ? -1 : std::max(0, std::atoi(o.ops.c_str()));
        printResult(r, prepared->model, a, prepared->options, rows);
    }
    return r.feasible ? 0 : 1;
}

struct SweepOptions {
    CostOptions cost;
    std::string space = "elector";
    std::uint64_t sample = 100000;
    bool all = false;
    std::uint64_t seed = 1;
    int threads = 0;
    std::string out;
    bool force = false; // --force: replace an existing --out file
    int show = 20;
};

// The summary of a finished (or stopped) sweep and its CSV; 0, or 1 when the CSV could not
// be written. `threads` is what the line reports (per rank under MPI).
int printSweep(SweepReport& report, const std::string& modelName, const SimOptions& options,
               const AcceleratorSpace& space, double elapsed, int threads, const SweepOptions& o, ProgressBar& bar,
               const std::string& where = "") {
    char rate[96];
    std::snprintf(rate, sizeof rate, "%" PRIu64 " designs, %.0f designs/s", report.evaluated(),
                  report.evaluated() / elapsed);
    bar.finish(rate);
    const auto front = report.front();
    std::printf("%s, %s, %s: %" PRIu64 " accelerators evaluated (%" PRIu64
                " feasible) in %.2f s on %d threads%s, %.0f per second\n",
                modelName.c_str(), std::string(simModeName(options.mode)).c_str(),
                std::string(costModelName(options.costModel)).c_str(), report.evaluated(), report.feasible(), elapsed,
                threads, where.c_str(), report.evaluated() / elapsed);
    std::printf("Pareto-optimal in latency, energy and area: %zu accelerators%s\n", front.size(),
                front.size() > std::size_t(o.show) ? (" (the " + std::to_string(o.show) + " fastest shown)").c_str()
                                                   : "");
    std::printf("  %9s %-4s %-5s %5s %5s %4s %4s %5s %5s %5s %5s %-12s %12s %12s %10s\n", "index", "tile", "PEs",
                "lanes", "MACs", "smx", "B", "actMB", "wgtMB", "mskMB", "", "memory", "cycles", "energy", "area mm²");
    for (std::size_t k = 0; k < front.size() && k < std::size_t(o.show); ++k) {
        const auto& p = front[k];
        const auto a = space.at(p.index);
        std::printf("  %9" PRIu64 " %d×%-2d %5d %5d %5d %4d %4d %5g %5g %5g %5s %-12s %12s %12s %10.2f\n", p.index,
                    a.tileB, a.tileX, a.peCount, a.lanesPerPe, a.macsPerLane, a.softmaxPerPe, a.batchSize,
                    a.activationBufferMB, a.weightBufferMB, a.maskBufferMB, "", a.mainMemory.key().c_str(),
                    grouped(p.cycles).c_str(), energy(p.totalEnergyNJ()).c_str(), p.areaMM2);
    }
    if (!o.out.empty()) {
        if (const auto errors = report.finish(); !errors.ok()) {
            std::cerr << errors.toString() << "\n";
            return 1;
        }
        std::printf("Wrote %" PRIu64 " rows to %s\n", report.rowsWritten(), o.out.c_str());
    }
    return 0;
}

int runSweep(const SweepOptions& o, const std::filesystem::path& dataDir) {
    // The files the sweep reads are never written over; an existing --out only with --force.
    // Checked first, so a long sweep is not run for nothing.
    io::WriteOptions writeOptions;
    writeOptions.overwrite = o.force;
    writeOptions.inputs = {o.cost.model, o.cost.technology, o.cost.sparsityFile, o.space};
    if (!o.out.empty())
        if (const std::string why = io::checkWritable(o.out, writeOptions); !why.empty()) {
            std::cerr << "tcw sweep: " << o.out << ": " << why << "\n";
            return 2;
        }
    auto prepared = prepare(o.cost, dataDir);
    if (!prepared)
        return 2;
    auto document = io::resolveSpace(o.space, dataDir);
    if (!document || !std::holds_alternative<AcceleratorSpace>(*document.value)) {
        document.errors.file = o.space;
        if (document)
            document.errors.errors.push_back({"", "is a transformer space; sweep needs an accelerator space"});
        std::cerr << document.errors.toString() << "\n";
        return 2;
    }
    const auto& space = std::get<AcceleratorSpace>(*document.value);
    prepared->options.opBreakdown = false;
    const auto model = prepareCostModel(prepared->model, prepared->technology, prepared->options);

    // Under mpirun every rank evaluates a share of the space; rank 0 alone reports and writes.
    std::unique_ptr<cluster::Mpi> mpi;
    if (cluster::launchedWithRanks()) {
        try {
            mpi = std::make_unique<cluster::Mpi>();
        } catch (const std::exception& e) {
            std::cerr << "tcw sweep: started by mpirun, but MPI cannot start: " << e.what() << "\n";
            return 2;
        }
    }
    // Ctrl-C stops the sweep cleanly: the finished points are still written.
    static std::stop_source stop;
    std::signal(SIGINT, [](int) { stop.request_stop(); });
    SweepRequest request;
    request.sampleCount = o.all ? 0 : o.sample;
    request.seed = o.seed;
    request.threads = mpi ? std::max(1, o.threads) : o.threads;
    if (mpi && mpi->rank() != 0) {
        cluster::sweepAcrossRanks(*mpi, *model, space, request, {}, {}, stop.get_token());
        return 0;
    }
    // Points stream into the report (front, counts, CSV rows) in index order; nothing else
    // of the space is kept.
    SweepReport report(space, prepared->technology.clockMHz, o.out);
    if (const auto* errors = report.csvErrors(); errors && !errors->ok()) {
        std::cerr << errors->toString() << "\n";
        return 1;
    }
    ProgressBar bar("sweep " + space.name);
    const auto start = std::chrono::steady_clock::now();
    const SweepSink sink = [&](std::span<const SweepPoint> points) { report.add(points); };
    const SweepProgress progress = [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); };
    if (mpi)
        cluster::sweepAcrossRanks(*mpi, *model, space, request, sink, progress, stop.get_token());
    else
        sweepAccelerators(*model, space, request, sink, progress, stop.get_token());
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::signal(SIGINT, SIG_DFL);
    const int threads = request.threads > 0 ? request.threads : int(std::thread::hardware_concurrency());
    const std::string where = mpi ? " per rank × " + std::to_string(mpi->size()) + " MPI ranks" : "";
    return printSweep(report, prepared->model.name, prepared->options, space, elapsed, threads, o, bar, where) != 0
               ? 1
               : (stop.stop_requested() ? 130 : 0);
}

} // namespace

void addSimulateCommands(CLI::App& app, CommandContext& context) {
    auto simulate = std::make_shared<SimulateOptions>();
    CLI::App* command = app.add_subcommand(
        "simulate", "Latency, energy, area, peak power and utilisation of one transformer on one accelerator, "
                    "for inference or training, with the breakdown by module and by op.");
    addCostOptions(command, simulate->cost);
    command->add_option("--accelerator", simulate->accelerator,
                        "Accelerator: a file (workbench JSON or AccelTran config YAML) or a preset (edge, server)");
    command
        ->add_option("--target", simulate->target,
                     "A device instead of an accelerator: device:ID (a preset of tcw devices list, or device:FILE); "
                     "answers with the measured row or the surrogate's prediction ± σ. Or an FPGA: fpga:NAME "
                     "(zcu104, u200 under data/targets) or fpga:FILE, costed for one --seq sequence at the "
                     "model's precision, weights pruned by --weight-sparsity (default 0)")
        ->excludes("--accelerator");
    command->add_flag("--json", simulate->json, "Print the whole result as JSON (schemaVersion 1, kind simResult)");
    command->add_option("--ops", simulate->ops, "How many op rows to list, slowest first: a number or 'all'")
        ->capture_default_str();
    command->footer(
        "Exit status: 0 feasible, 1 infeasible (the reasons are printed), 2 bad input.\n"
        "Examples:\n"
        "  tcw simulate --model bert-tiny --accelerator edge\n"
        "  tcw simulate --model bert-tiny --target device:gpu_m1-pro\n"
        "  tcw simulate --model run/model.json --target fpga:zcu104 --weight-sparsity 0.9\n"
        "  tcw simulate --model bert-base --accelerator server --mode training --cost-model acceltran-fast\n"
        "  tcw simulate --model run/model.json --accelerator edge --mode training --sparsity run/sparsity.json");
    command->callback(
        [simulate, &context] { context.exitCode = runSimulate(*simulate, io::findDataDir(context.executablePath)); });

    auto sweep = std::make_shared<SweepOptions>();
    CLI::App* sweepCommand = app.add_subcommand(
        "sweep", "Evaluate one transformer on an accelerator design space (a seeded sample or all of it) on all "
                 "cores; print the rate and the Pareto-optimal accelerators in latency, energy and area.");
    addCostOptions(sweepCommand, sweep->cost);
    sweepCommand->add_option("--space", sweep->space, "Accelerator space: a name under data/spaces or a file")
        ->capture_default_str();
    auto* sample = sweepCommand->add_option("--sample", sweep->sample, "Evaluate this many distinct seeded designs")
                       ->capture_default_str();
    sweepCommand->add_flag("--all", sweep->all, "Evaluate every design of the space")->excludes(sample);
    sweepCommand->add_option("--seed", sweep->seed, "Seed of the sample")->capture_default_str();
    sweepCommand
        ->add_option("--threads", sweep->threads, "Worker threads (0: all cores); under mpirun: per rank (0: 1)")
        ->capture_default_str();
    sweepCommand->add_option("--out", sweep->out, "Write every evaluated design to this CSV file");
    sweepCommand->add_flag("--force", sweep->force, "Replace an existing --out file");
    sweepCommand->add_option("--show", sweep->show, "Pareto rows to print")->capture_default_str();
    sweepCommand->footer("Ctrl-C stops early and still reports and writes the designs finished so far.\n"
                         "Examples:\n"
                         "  tcw sweep --model bert-tiny --all\n"
                         "  tcw sweep --model bert-base --mode training --sample 200000 --out base-training.csv");
    sweepCommand->callback(
        [sweep, &context] { context.exitCode = runSweep(*sweep, io::findDataDir(context.executablePath)); });
}

} // namespace tcw::cli
