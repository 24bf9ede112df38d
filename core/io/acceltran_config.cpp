// AccelTran / ELECTOR accelerator configs (YAML, docs/acceltran-fast.md §1.2 and §7.4): read
// with every field required, as the reference reads them; written in the reference's layout
// (top-level fields separated by blank lines, strings single-quoted, Python-style booleans).
#include "format_trees.h"

#include <utility>

namespace tcw::io::detail {

namespace {

template <typename T> void assignIf(T& target, const std::optional<T>& value) {
    if (value)
        target = *value;
}

const std::pair<const char*, const char*> kFieldNames[] = {
    {"tile.tileB", "tile.tile_b"},
    {"tile.tileX", "tile.tile_x"},
    {"tile.tileY", "tile.tile_y"},
    {"tile", "tile"},
    {"nonlinearity", "non_linearity"},
    {"peCount", "pe"},
    {"lanesPerPe", "lanes_per_pe"},
    {"macsPerLane", "mac_per_lane"},
    {"softmaxPerPe", "softmax_per_pe"},
    {"batchSize", "batch_size"},
    {"activationBufferMB", "activation_buffer_size"},
    {"weightBufferMB", "weight_buffer_size"},
    {"maskBufferMB", "mask_buffer_size"},
    {"mainMemory", "main_memory"},
};

struct Scheduler {
    bool computeTiled = true;
    std::optional<int> computeBatch;
};

Scheduler readScheduler(const Json& node, ValidationErrors& errors) {
    Scheduler s;
    ObjectReader r(node, "scheduler", errors, {"compute_ops", "memory_ops"});
    if (!r.isObject())
        return s;
    if (const Json* c = r.required("compute_ops")) {
        ObjectReader cr(*c, r.path("compute_ops"), errors, {"tiled", "batch_size"});
        assignIf(s.computeTiled, cr.boolean("tiled"));
        s.computeBatch = cr.integer("batch_size");
        if (s.computeBatch && *s.computeBatch < 1) {
            errors.push_back({cr.path("batch_size"), "must be at least 1, got " + std::to_string(*s.computeBatch)});
            s.computeBatch.reset();
        }
    }
    if (const Json* m = r.required("memory_ops")) {
        // The reference runs only untiled memory ops, one at a time (docs/acceltran-fast.md §8).
        ObjectReader mr(*m, r.path("memory_ops"), errors, {"tiled", "batch_size"});
        if (auto tiled = mr.boolean("tiled"); tiled && *tiled)
            errors.push_back({mr.path("tiled"), "must be False: the reference simulator has untiled memory ops only"});
        if (auto batch = mr.integer("batch_size"); batch && *batch != 1)
            errors.push_back({mr.path("batch_size"), "must be 1: the reference simulator issues one memory op at a "
                                                     "time, got " +
                                                         std::to_string(*batch)});
    }
    return s;
}

} // namespace

AcceleratorFile readAcceltranConfig(const Json& root, const std::string& name, ValidationErrors& errors) {
    AcceleratorFile file;
    AcceleratorSpec& a = file.spec;
    a.name = name;
    ObjectReader r(root, "", errors,
                   {"tile", "non_linearity", "pe", "lanes_per_pe", "mac_per_lane", "softmax_per_pe", "batch_size",
                    "activation_buffer_size", "weight_buffer_size", "mask_buffer_size", "loop_unrolling", "main_memory",
                    "scheduler"});
    if (const Json* tile = r.required("tile")) {
        ObjectReader t(*tile, "tile", errors, {"tile_b", "tile_x", "tile_y"});
        assignIf(a.tileB, t.integer("tile_b"));
        assignIf(a.tileX, t.integer("tile_x"));
        assignIf(a.tileY, t.integer("tile_y"));
        if (t.has("tile_x") && t.has("tile_y") && a.tileX != a.tileY)
            errors.push_back({"tile.tile_y", "must equal tile.tile_x (" + std::to_string(a.tileX) + "), got " +
                                                 std::to_string(a.tileY) + ": the reference needs square tiles"});
    }
    if (auto n = r.choice("non_linearity", nonlinearityNames()))
        a.nonlinearity = *n == 0 ? Nonlinearity::Relu : Nonlinearity::Gelu;
    assignIf(a.peCount, r.integer("pe"));
    assignIf(a.lanesPerPe, r.integer("lanes_per_pe"));
    assignIf(a.macsPerLane, r.integer("mac_per_lane"));
    assignIf(a.softmaxPerPe, r.integer("softmax_per_pe"));
    assignIf(a.batchSize, r.integer("batch_size"));
    assignIf(a.activationBufferMB, r.number("activation_buffer_size"));
    assignIf(a.weightBufferMB, r.number("weight_buffer_size"));
    assignIf(a.maskBufferMB, r.number("mask_buffer_size"));
    if (auto loop = r.string("loop_unrolling")) {
        if (isLoopUnrolling(*loop))
            file.acceltran.loopUnrolling = *loop;
        else
            errors.push_back({"loop_unrolling", "'" + *loop + "' " + kLoopUnrollingRule});
    }
    if (const Json* m = r.required("main_memory")) {
        ObjectReader mr(*m, "main_memory", errors, {"type", "mode", "banks", "ranks", "channels"});
        if (auto type = mr.choice("type", memoryTypeNames()))
            a.mainMemory.type = *type == 0 ? MemoryType::Rram : *type == 1 ? MemoryType::Dram : MemoryType::Hbm;
        if (auto mode = mr.choice("mode", bandwidthModeNames()))
            a.mainMemory.mode = *mode == 0 ? BandwidthMode::Low : BandwidthMode::High;
        assignIf(a.mainMemory.banks, mr.integer("banks"));
        assignIf(a.mainMemory.ranks, mr.integer("ranks"));
        assignIf(a.mainMemory.channels, mr.integer("channels"));
    }
    if (const Json* s = r.required("scheduler")) {
        const Scheduler scheduler = readScheduler(*s, errors);
        file.acceltran.computeOpsTiled = scheduler.computeTiled;
        // Kept only when it differs from what TransCODE derives (⌊pe / 4⌋), so a later change
        // of the PE count derives it afresh.
        if (scheduler.computeBatch && *scheduler.computeBatch != AcceltranExtras{}.computeOpsBatchSizeFor(a))
            file.acceltran.computeOpsBatchSize = scheduler.computeBatch;
    }
    ValidationErrors checks = validate(a);
    for (auto& e : checks)
        e.path = acceltranConfigPath(e.path);
    appendNewErrors(errors, checks);
    return file;
}

std::string writeAcceltranConfig(const AcceleratorFile& file) {
    const AcceleratorSpec& a = file.spec;
    const AcceltranExtras& x = file.acceltran;
    auto pyBool = [](bool b) { return b ? "True" : "False"; };
    std::string out = "# Accelerator configuration in the AccelTran / ELECTOR layout\n";
    out += "\ntile:\n";
    out += "  tile_b: " + std::to_string(a.tileB) + "\n";
    out += "  tile_x: " + std::to_string(a.tileX) + "\n";
    out += "  tile_y: " + std::to_string(a.tileY) + "\n";
    out += "\nnon_linearity: " + yamlQuoted(nonlinearityName(a.nonlinearity)) + "\n";
    out += "\npe: " + std::to_string(a.peCount) + "\n";
    out += "\nlanes_per_pe: " + std::to_string(a.lanesPerPe) + "\n";
    out += "\nmac_per_lane: " + std::to_string(a.macsPerLane) + "\n";
    out += "\nsoftmax_per_pe: " + std::to_string(a.softmaxPerPe) + "\n";
    out += "\nbatch_size: " + std::to_string(a.batchSize) + "\n";
    out += "\nactivation_buffer_size: " + numberText(a.activationBufferMB) + "\n";
    out += "\nweight_buffer_size: " + numberText(a.weightBufferMB) + "\n";
    out += "\nmask_buffer_size: " + numberText(a.maskBufferMB) + "\n";
    out += "\nloop_unrolling: " + yamlQuoted(x.loopUnrolling) + "\n";
    out += "\nmain_memory:\n";
    out += "  type: " + yamlQuoted(memoryTypeName(a.mainMemory.type)) + "\n";
    out += "  mode: " + yamlQuoted(bandwidthModeName(a.mainMemory.mode)) + "\n";
    out += "  banks: " + std::to_string(a.mainMemory.banks) + "\n";
    out += "  ranks: " + std::to_string(a.mainMemory.ranks) + "\n";
    out += "  channels: " + std::to_string(a.mainMemory.channels) + "\n";
    out += "\nscheduler:\n";
    out += "  compute_ops:\n";
    out += std::string("    tiled: ") + pyBool(x.computeOpsTiled) + "\n";
    out += "    batch_size: " + std::to_string(x.computeOpsBatchSizeFor(a)) + "\n";
    out += "  memory_ops:\n";
    out += "    tiled: False\n";
    out += "    batch_size: 1\n";
    return out;
}

std::string acceltranConfigPath(const std::string& path) {
    for (const auto& [ours, theirs] : kFieldNames) {
        const std::string prefix = ours;
        if (path.compare(0, prefix.size(), prefix) == 0 &&
            (path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '['))
            return theirs + path.substr(prefix.size());
    }
    return path;
}

} // namespace tcw::io::detail
